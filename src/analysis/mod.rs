//! Analysis, pure and Bevy-free: spectra, the sine test (SNR, SINAD, THD+N, ENOB), theory
//! lines, alias prediction, and level meters (sample peak, true peak, RMS, crest factor).

pub mod aliasing;
pub mod levels;
pub mod loudness;
pub mod meters;
pub mod programme;
pub mod sine_test;
pub mod spectrum;
pub mod theory;
pub mod true_peak;
pub mod window;

pub use levels::Levels;
pub use sine_test::SineTest;
pub use spectrum::{Spectrum, SpectrumAnalyzer};
pub use window::Window;
