//! Headroom Lab: an interactive simulator for learning digital audio.
//!
//! The library is split into a pure model ([`dsp`], [`analysis`]) that knows nothing of the
//! user interface, and the front ends built on it (the command line in [`cli`]).

pub mod analysis;
pub mod app;
pub mod audiofile;
pub mod chain;
pub mod cli;
pub mod dsp;
pub mod fsutil;
pub mod sim;
pub mod textloc;
pub mod ui;
pub mod units;
pub mod wav;
