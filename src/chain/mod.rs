//! The tracking -> mix -> master -> export chain, pure and Bevy-free: the band, scene files,
//! the processors and the engine that runs a session block by block with meters at every
//! stage.

pub mod band;
pub mod dynamics;
pub mod engine;
pub mod material;
pub mod scene;
pub mod targets;
