//! Everything that differs between the platforms the app runs on, in one place: the audio
//! device and the silent clock ([`sound`]), and, for the app, the clock, storage, files and
//! background work. The rest of the crate names `crate::platform::...` and never a `cfg`.
//!
//! | piece | desktop | web page |
//! |---|---|---|
//! | sound | cpal (ALSA, CoreAudio, WASAPI); a silent clock in a thread | Web Audio |

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::sound;
