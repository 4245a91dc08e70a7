//! Headroom Lab: an interactive simulator for learning digital audio.
//!
//! The library is split into a pure model ([`dsp`], [`analysis`], [`chain`]) that knows
//! nothing of the user interface, the sound engine that plays it ([`audio`]), and the front
//! ends built on them (the command line in [`cli`], the Bevy app in [`app`] with its panels in
//! [`ui`]).

pub mod abx;
pub mod analysis;
pub mod app;
pub mod audio;
pub mod audiofile;
pub mod chain;
pub mod cli;
pub mod dsp;
pub mod figures;
pub mod fsutil;
pub mod lesson;
pub mod platform;
pub mod settings;
pub mod sim;
pub mod textloc;
pub mod ui;
pub mod units;
pub mod wav;
