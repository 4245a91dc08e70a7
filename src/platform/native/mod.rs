//! The desktop side of [`crate::platform`].

pub mod sound;
