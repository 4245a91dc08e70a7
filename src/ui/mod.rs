//! The views, as egui functions over plain data (no Bevy): each panel is a `*_ui(ui, ..)`
//! function, so it can be tested with egui_kittest without a window. Colours and sizes come
//! from [`theme`].

pub mod app_ui;
pub mod bits_view;
pub mod chain_screen;
pub mod converter_controls;
pub mod converter_screen;
pub mod error_view;
pub mod input_track;
pub mod layout;
pub mod lessons;
pub mod markdown;
pub mod meter;
pub mod pins;
pub mod plot_data;
pub mod readouts;
pub mod sound;
pub mod spectrum_view;
pub mod teacher;
pub mod theme;
pub mod time_view;
pub mod widgets;
