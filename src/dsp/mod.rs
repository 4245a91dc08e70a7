//! The converter model, pure and Bevy-free: sources, the analog side, the anti-alias filter,
//! sampler, quantizer (with dither and noise shaping) and reconstruction; the tracking stage
//! for live input ([`capture`]).

pub mod analog;
pub mod capture;
pub mod codec;
pub mod converter;
pub mod filter;
pub mod live_converter;
pub mod noise;
pub mod quantizer;
pub mod reconstruct;
pub mod resample;
pub mod source;

pub use converter::{ConvertedBlock, Converter, ConverterParams};
pub use filter::{AaFilter, AaFilterKind};
pub use quantizer::{BitDepth, Dither, DitherKind, NoiseShaping, QuantizerSettings, Rounding};
pub use reconstruct::Reconstruction;
pub use source::{SourceKind, SourceParams};
