//! Sound: the model made audible. Voices turn the converter's signals and the chain's stages
//! into device-rate audio ([`voice`]); a slot plays a [`program::Program`]; the real-time
//! [`engine`] plays two slots with A/B switching, loudness matching and ear [`protect`]ion;
//! [`output`] keeps a device playing it (buffer sizing, reopening, a silent clock when there is
//! none; the devices themselves are in [`crate::platform`]); [`input`] brings live input from
//! a device's callback through a wait-free queue; [`export`] writes any listening point to WAV.

pub mod engine;
pub mod export;
pub mod fifo;
pub mod input;
pub mod live;
pub mod output;
pub mod program;
pub mod protect;
pub mod voice;

pub use engine::{AudioEngine, Command, Control, EngineRemote, Garbage, Report, engine};
pub use live::{FeedReport, LiveFeed};
pub use program::{ListenSpec, Program};
pub use voice::ConverterTap;
