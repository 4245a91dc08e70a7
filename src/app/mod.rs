//! The Bevy app: a set of plugins (simulation, the desk's chain, sound, lessons, the classroom,
//! user interface, capture for screenshots and benchmarks), each in its own module. `run` checks that a window can open, builds the app
//! and runs it.

pub mod audio;
mod capture;
pub mod chain;
mod input;
pub mod lessons;
mod page;
pub mod simulation;
pub mod teacher;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::prelude::*;
use bevy::window::{PresentMode, WindowResolution};
use bevy_egui::EguiPlugin;

use crate::ui::theme::ThemeKind;

pub use capture::{CaptureOptions, FrameStats};

/// How the app was asked to start.
#[derive(Clone, Debug, Default)]
#[allow(clippy::struct_excessive_bools, reason = "one per command-line switch")]
pub struct AppOptions {
    /// A converter preset to open with.
    pub preset: Option<String>,
    /// Save a screenshot here after `frames` frames, then exit.
    pub screenshot: Option<PathBuf>,
    /// Frames to run before the screenshot.
    pub frames: u32,
    /// Window size in logical pixels.
    pub size: (u32, u32),
    /// Run this many frames and print frame timings, then exit.
    pub bench_frames: Option<u32>,
    /// Measure an empty window instead of the app.
    pub bench_empty: bool,
    /// Run this many seconds, report on the sound and exit.
    pub run_secs: Option<f64>,
    /// UI scale (1 to 3) for this session (none: the one remembered).
    pub scale: Option<f32>,
    /// Colour theme for this session (none: the one remembered).
    pub theme: Option<ThemeKind>,
    /// Start with the transport running.
    pub play: bool,
    /// A scene file to open.
    pub scene: Option<PathBuf>,
    /// An audio file to add as a track.
    pub add_track: Option<PathBuf>,
    /// Open the audio device (off: a silent clock, visual only).
    pub audio: bool,
    /// Open the desk's live input with monitoring on.
    pub hear_input: bool,
    /// A window to open at the start.
    pub open: Option<StartWindow>,
    /// Where progress and the user's own lessons live (default: the platform's data folder).
    pub data_dir: Option<PathBuf>,
    /// Open the lesson panel at the start (and this lesson, if named).
    pub lesson: Option<String>,
}

/// A window the app can open at the start (`--open`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartWindow {
    /// The blind test.
    BlindTest,
    /// WAV export.
    Export,
    /// The list of keyboard shortcuts (`?`).
    Shortcuts,
    /// The Demos menu, open (for pictures of it).
    DemosMenu,
    /// The View menu, open (for pictures of it).
    ViewMenu,
}

impl std::str::FromStr for StartWindow {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "blind-test" | "abx" => Ok(Self::BlindTest),
            "export" => Ok(Self::Export),
            "shortcuts" | "keys" => Ok(Self::Shortcuts),
            "demos" => Ok(Self::DemosMenu),
            "view" => Ok(Self::ViewMenu),
            other => Err(format!("unknown window '{other}' (expected blind-test, export, shortcuts, demos or view)")),
        }
    }
}

/// Why the app cannot open a window here, if it cannot.
#[must_use]
pub fn display_problem() -> Option<String> {
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        return Some(
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set. Run it on a desktop, or headless with \
             `xvfb-run -a headroom-lab ...`; the command-line tools (render, analyze) need no display."
                .into(),
        );
    }
    None
}

/// Builds and runs the app; returns the process exit code.
#[must_use]
pub fn run(options: AppOptions) -> ExitCode {
    let started = bevy::platform::time::Instant::now();
    if let Some(problem) = display_problem() {
        eprintln!("error: {problem}");
        return ExitCode::from(2);
    }
    let capture = CaptureOptions::from_app_options(&options);
    let (w, h) = options.size;
    let window = Window {
        title: "Headroom Lab".into(),
        resolution: WindowResolution::new(w, h),
        present_mode: if capture.is_benchmark() { PresentMode::AutoNoVsync } else { PresentMode::AutoVsync },
        // On the web page: the page's canvas, as large as the page, and the browser's own keys
        // (F5, Ctrl+W) left to the browser (the page stops only the keys the app uses).
        canvas: crate::platform::entry::CANVAS.map(String::from),
        fit_canvas_to_parent: crate::platform::entry::CANVAS.is_some(),
        prevent_default_event_handling: crate::platform::entry::CANVAS.is_none(),
        ..default()
    };
    // Bevy panics when no window system or graphics adapter can be had; say what is missing
    // instead of showing a backtrace.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info.payload_as_str().unwrap_or("");
        if text.contains("adapter")
            || text.contains("GPU")
            || text.contains("event loop")
            || text.contains("XOpenDisplay")
        {
            eprintln!(
                "error: cannot open a window with graphics here ({text}). Install a Vulkan driver (on Debian/Ubuntu \
                 without a GPU: mesa-vulkan-drivers) and check the display."
            );
        } else {
            default_hook(info);
        }
    }));
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin { primary_window: Some(window), ..default() })
            .set(bevy::log::LogPlugin { filter: "warn,wgpu=error,naga=error".into(), ..default() }),
    )
    .add_plugins(EguiPlugin::default())
    .insert_resource(ClearColor(Color::BLACK));
    if capture.is_benchmark() {
        app.insert_resource(bevy::winit::WinitSettings::continuous());
    }
    app.add_plugins(capture::plugin(capture.clone(), started));
    if options.bench_empty {
        app.add_plugins(ui::empty_plugin);
    } else {
        app.add_plugins((
            simulation::plugin(&options),
            chain::plugin(&options),
            input::plugin(&options),
            audio::plugin(&options),
            lessons::plugin(&options),
            teacher::plugin(&options),
            ui::plugin(&options),
            page::plugin,
        ));
    }
    let exit = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.run()));
    match exit {
        Ok(AppExit::Success) => ExitCode::SUCCESS,
        Ok(AppExit::Error(code)) => ExitCode::from(code.get()),
        Err(_) => ExitCode::from(2),
    }
}
