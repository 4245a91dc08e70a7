//! Self-paced lessons, pure and Bevy-free: the file format ([`model`]), the goal language
//! ([`expr`] over the named [`quantity`]s), measurements on the real model ([`measure`]),
//! loading and checking ([`library`]), a lesson in progress ([`run`]), saved [`progress`], the
//! [`views`] a step hides, lesson [`text`] and the printable [`handout`]; a
//! [`simulated_take`] stands in for the student's voice when lessons are checked.

pub mod expr;
pub mod handout;
pub mod library;
pub mod measure;
pub mod model;
pub mod progress;
pub mod quantity;
pub mod run;
pub mod simulated_take;
pub mod text;
pub mod views;

pub use library::Library;
pub use model::{Lesson, Step};
