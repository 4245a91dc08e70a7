//! What a screen shows, computed from the model in one call: the pure "view model" that the
//! app, the command line and the benchmarks share, so every number has one source.

pub mod blind_tests;
pub mod chain_view;
pub mod converter_view;
pub mod demos;
pub mod input_track;
pub mod presets;

pub use converter_view::{ConverterLab, ConverterSnapshot, ViewSettings};
