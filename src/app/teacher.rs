//! The classroom plugin: remembers the theme and the UI scale (saved atomically in the data
//! folder), puts the window in and out of full screen, opens demos, saves the current state as
//! a scene, and writes figures (PNG of the window, CSV of the measurements) named with the
//! scene and the time.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::{MonitorSelection, PrimaryWindow, WindowMode};

use crate::chain::scene::{Scene, Screen as SceneScreen};
use crate::lesson::measure::{Measured, SimState};
use crate::lesson::quantity::Scope;
use crate::settings::{Settings, SettingsStore};
use crate::sim::chain_view::ChainSnapshot;
use crate::sim::converter_view::ConverterSnapshot;
use crate::sim::demos::DemoLibrary;
use crate::ui::app_ui::Screen;
use crate::ui::teacher::TeacherRequest;

use super::AppOptions;
use super::chain::ChainState;
use super::simulation::{ConverterResults, UiState};

/// The classroom's state.
#[derive(Resource)]
pub struct Teacher {
    /// Theme and scale, remembered.
    pub settings: SettingsStore,
    /// The demos and saved scenes.
    pub demos: DemoLibrary,
    /// Where figures are written.
    pub figures_dir: Option<PathBuf>,
    /// Requests from the UI, run by [`run_requests`].
    pub pending: Vec<TeacherRequest>,
    /// What the views show while frozen.
    frozen: Option<(ConverterSnapshot, ChainSnapshot)>,
}

impl Teacher {
    /// The views to draw (the live ones, or those held when the display was frozen) and the
    /// demo library.
    pub fn views<'a>(
        &'a mut self,
        frozen: bool,
        converter: &'a ConverterSnapshot,
        chain: &'a ChainSnapshot,
    ) -> (&'a ConverterSnapshot, &'a ChainSnapshot, &'a DemoLibrary) {
        let Self { frozen: held, demos, .. } = self;
        if !frozen {
            *held = None;
            return (converter, chain, demos);
        }
        let held = held.get_or_insert_with(|| (converter.clone(), chain.clone()));
        (&held.0, &held.1, demos)
    }
}

/// The plugin, for `options` (data folder, a theme or scale given for this session).
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let data_dir = options.data_dir.clone().or_else(crate::fsutil::data_dir);
    let theme = options.theme;
    let scale = options.scale;
    move |app: &mut App| {
        let store = SettingsStore::open(data_dir.as_deref().map(crate::settings::path_in));
        let teacher = Teacher {
            settings: store,
            demos: DemoLibrary::load_default(data_dir.as_deref()),
            figures_dir: crate::figures::default_dir(data_dir.as_deref()),
            pending: Vec::new(),
            frozen: None,
        };
        app.insert_resource(teacher)
            .add_systems(Startup, move |mut ui: ResMut<UiState>, teacher: Res<Teacher>| {
                let saved = &teacher.settings.settings;
                ui.0.theme = theme.unwrap_or(saved.theme);
                ui.0.teacher.scale = crate::settings::clamp_scale(scale.unwrap_or(saved.ui_scale));
                if let Some(w) = &teacher.settings.warning {
                    ui.0.teacher.message = Some((w.clone(), true));
                }
            })
            .add_systems(Update, (run_requests, remember_settings, apply_fullscreen));
    }
}

/// Saves the theme and the scale when the user changes them (not when a command-line option
/// chose them for this session only).
fn remember_settings(mut ui: ResMut<UiState>, mut teacher: ResMut<Teacher>, mut last: Local<Option<Settings>>) {
    if !ui.is_changed() {
        return;
    }
    let now = Settings { theme: ui.0.theme, ui_scale: ui.0.teacher.scale };
    let Some(before) = last.replace(now.clone()) else { return };
    if before != now
        && let Err(e) = teacher.settings.update(now)
    {
        ui.0.teacher.message = Some((format!("cannot remember the settings: {e}"), true));
    }
}

fn apply_fullscreen(ui: Res<UiState>, mut windows: Query<&mut Window, With<PrimaryWindow>>) {
    if !ui.is_changed() {
        return;
    }
    for mut w in &mut windows {
        let want = if ui.0.teacher.fullscreen {
            WindowMode::BorderlessFullscreen(MonitorSelection::Current)
        } else {
            WindowMode::Windowed
        };
        if w.mode != want {
            w.mode = want;
        }
    }
}

/// The name figures carry: the demo or scene last opened, else the screen's.
fn figure_title(ui: &UiState) -> String {
    ui.0.teacher.title.clone().unwrap_or_else(|| match ui.0.screen {
        Screen::Converter => "converter".into(),
        Screen::Chain => ui.0.chain.scene.name.clone(),
    })
}

/// The current state of both screens as a scene named `name`.
#[must_use]
pub fn current_scene(ui: &UiState, name: &str) -> Scene {
    let mut scene = ui.0.chain.scene.clone();
    scene.name = name.to_string();
    scene.description = format!(
        "Saved from Headroom Lab on {} (UTC).",
        crate::figures::timestamp(crate::platform::clock::now()).replace('_', " ")
    );
    scene.screen = match ui.0.screen {
        Screen::Converter => SceneScreen::Converter,
        Screen::Chain => SceneScreen::Chain,
    };
    scene.converter = Some(ui.0.converter.params.clone());
    scene
}

/// The measurements on show, as the lessons read them.
fn measured_now(ui: &UiState, converter: &ConverterSnapshot, chain: Option<&ChainSnapshot>) -> Measured {
    let screen = match ui.0.screen {
        Screen::Converter => Scope::Converter,
        Screen::Chain => Scope::Desk,
    };
    Measured {
        state: SimState {
            screen,
            converter: ui.0.converter.params.clone(),
            scene: ui.0.chain.scene.clone(),
            listening: None,
            input: ui.0.chain.input,
            take: ui.0.chain.last_take,
        },
        converter: Some(converter.clone()),
        desk: chain.map(|c| c.readout.clone()),
    }
}

/// The figures folder, made if needed; `None` (with the reason in the message) if it cannot be.
fn figures_dir(teacher: &Teacher, ui: &mut UiState) -> Option<PathBuf> {
    let Some(dir) = teacher.figures_dir.clone() else {
        ui.0.teacher.message = Some(("no folder for figures".into(), true));
        return None;
    };
    match crate::platform::fs::create_dir_all(&dir) {
        Ok(()) => Some(dir),
        Err(e) => {
            ui.0.teacher.message = Some((format!("cannot make {}: {e}", dir.display()), true));
            None
        }
    }
}

fn run_requests(
    mut commands: Commands,
    mut ui: ResMut<UiState>,
    mut teacher: ResMut<Teacher>,
    results: Res<ConverterResults>,
    chain: Res<ChainState>,
) {
    if teacher.pending.is_empty() {
        return;
    }
    let stamp = crate::figures::timestamp(crate::platform::clock::now());
    for request in std::mem::take(&mut teacher.pending) {
        match request {
            TeacherRequest::OpenDemo(i) => {
                let Some(demo) = teacher.demos.demos.get(i) else { continue };
                let scene = demo.scene.clone();
                let title = scene.name.clone();
                super::chain::show_scene(&mut ui, scene, &format!("demo {}: {title}", i + 1));
                ui.0.teacher.demo = Some(i);
                ui.0.teacher.message =
                    Some((format!("demo {} of {}: {title}", i + 1, teacher.demos.demos.len()), false));
            }
            TeacherRequest::SaveScene(name) => {
                let scene = current_scene(&ui, &name);
                ui.0.teacher.message = Some(match teacher.demos.save(&scene) {
                    Ok(path) => {
                        ui.0.teacher.demo = Some(teacher.demos.demos.len() - 1);
                        (format!("saved {}", path.display()), false)
                    }
                    Err(e) => (format!("cannot save the scene: {e}"), true),
                });
            }
            TeacherRequest::Csv => {
                let Some(dir) = figures_dir(&teacher, &mut ui) else { continue };
                let title = figure_title(&ui);
                let held = teacher.frozen.clone();
                let (conv, desk) = match &held {
                    Some((c, d)) => (c, Some(d)),
                    None => (&results.snapshot, chain.lab.as_ref().map(crate::sim::chain_view::ChainLab::snapshot)),
                };
                let csv = crate::figures::measurements_csv(&measured_now(&ui, conv, desk), &title, &stamp);
                let path = crate::figures::figure_path(&dir, &title, &stamp, "csv");
                ui.0.teacher.message = Some(match crate::fsutil::write_bytes_atomic(&path, csv.as_bytes()) {
                    Ok(()) => (format!("saved {}", path.display()), false),
                    Err(e) => (format!("cannot save {}: {e}", path.display()), true),
                });
            }
            TeacherRequest::Screenshot => {
                let Some(dir) = figures_dir(&teacher, &mut ui) else { continue };
                let path = crate::figures::figure_path(&dir, &figure_title(&ui), &stamp, "png");
                commands.spawn(Screenshot::primary_window()).observe(
                    move |captured: On<ScreenshotCaptured>, mut ui: ResMut<UiState>| {
                        ui.0.teacher.message = Some(match super::capture::save_png(&captured.image, &path) {
                            Ok(()) => (format!("saved {}", path.display()), false),
                            Err(e) => (format!("cannot save {}: {e}", path.display()), true),
                        });
                    },
                );
            }
        }
    }
}
