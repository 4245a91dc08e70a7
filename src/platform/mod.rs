//! Everything that differs between the platforms the app runs on, in one place: the rest of the
//! crate names `crate::platform::...` and never a `cfg` of its own.
//!
//! | piece | desktop | web page |
//! |---|---|---|
//! | [`sound`] | cpal's default device (ALSA, CoreAudio, WASAPI); a silent clock in a thread; the default input device (`input_backend`) | Web Audio buffers scheduled ahead of the page's clock; a silent clock run by the frames; no live input yet (`input_backend` says so) |
//! | [`fs`] | the file system; writes atomic (temporary file, sync, rename) | the shipped lessons and demos built into the page, the data folder in `localStorage`, every other write a download, dropped or picked files in memory |
//! | [`tasks`] | background work in threads | the same work run at once, on the page's only thread |
//! | [`clock`] | the wall clock, the process id, the thread's CPU time | `Date.now()`, a random run id, no CPU time (the page's clock stands in) |
//! | [`files`] | files dropped on the window (Bevy) | files dropped on the page or chosen with the browser's picker |
//! | [`entry`] | the command line, or the app | the app, with options from the page's address |

use std::io::{Seek, Write};

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::{clock, entry, files, fs, sound, tasks};

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{clock, entry, files, fs, sound, tasks};

/// Something written to and sought in (a file, or a buffer in memory): what an atomic write
/// hands its writer.
pub trait WriteSeek: Write + Seek {}

impl<T: Write + Seek> WriteSeek for T {}

/// Something read and sought in (a file, or bytes in memory): what [`fs::open`] gives.
pub trait ReadSeek: std::io::Read + Seek + Send + Sync {}

impl<T: std::io::Read + Seek + Send + Sync> ReadSeek for T {}

/// Whether background work runs beside the app (threads) or at once on its own thread.
pub const HAS_THREADS: bool = cfg!(not(target_arch = "wasm32"));
