//! The desk's plugin: the running chain as a resource, advanced with the transport, rebuilt or
//! updated when the scene changes, and the files dropped on the window.

use std::path::{Path, PathBuf};

use bevy::prelude::*;

use crate::chain::scene::{Scene, Screen as SceneScreen, TrackParams, TrackSource, TrackSourceKind};
use crate::sim::chain_view::ChainLab;
use crate::ui::app_ui::Screen;
use crate::ui::chain_screen::{ChainActions, EXAMPLES};

use super::AppOptions;
use super::simulation::UiState;

/// The running chain, or why there is none.
#[derive(Resource)]
pub struct ChainState {
    /// The desk's engine.
    pub lab: Option<ChainLab>,
    /// Seconds since the last change of settings (to re-measure noise floors once they settle).
    pub since_change: Option<f64>,
}

/// The plugin: inserts the chain for the scene in the UI state and runs it.
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let scene_path = options.scene.clone();
    let add_track = options.add_track.clone();
    move |app: &mut App| {
        app.add_systems(PreStartup, {
            let scene_path = scene_path.clone();
            let add_track = add_track.clone();
            move |mut commands: Commands, mut ui: ResMut<UiState>| {
                if let Some(path) = &scene_path {
                    open_scene(&mut ui, path);
                }
                if let Some(path) = &add_track {
                    add_track_from(&mut ui, path);
                }
                let lab = ChainLab::new(&ui.0.chain.scene).ok();
                commands.insert_resource(ChainState { lab, since_change: None });
            }
        })
        // The window plugin registers drops; a headless app has none, so make sure it exists.
        .add_message::<bevy::window::FileDragAndDrop>()
        .add_systems(Update, (run_chain, dropped_files).chain());
    }
}

/// Puts a scene on the desk (and its converter settings on the converter screen).
fn open_scene(ui: &mut UiState, path: &Path) {
    match Scene::load(path) {
        Ok(scene) => {
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            show_scene(ui, scene, &format!("opened {name}"));
        }
        Err(e) => ui.0.chain.message = Some((e.to_string(), true)),
    }
}

/// Shows `scene`: its converter settings on the converter screen, its session on the desk
/// (a converter-only scene, without tracks, leaves the desk as it is), on the screen it names.
pub(super) fn show_scene(ui: &mut UiState, scene: Scene, message: &str) {
    if let Some(conv) = &scene.converter {
        ui.0.converter = crate::ui::converter_screen::ConverterUi::new(conv.clone());
    }
    ui.0.screen = match scene.screen {
        SceneScreen::Chain => Screen::Chain,
        SceneScreen::Converter => Screen::Converter,
    };
    ui.0.teacher.title = Some(scene.name.clone());
    if scene.screen == SceneScreen::Chain || !scene.tracks.is_empty() {
        ui.0.chain.scene = scene;
    }
    ui.0.chain.message = Some((message.to_string(), false));
}

/// Adds an audio file as a track, if it can be read; otherwise says why and changes nothing.
fn add_track_from(ui: &mut UiState, path: &Path) {
    add_file_track(ui, path, None);
}

/// Puts a recorded take on the desk as a file track that plays it as recorded: at its own
/// peak level, through a preamp at 0 dB and an ADC of the take's word length (already on its
/// grid), with no input noise of its own (the take holds the real one).
pub(super) fn add_take(ui: &mut UiState, take: &crate::sim::input_track::Take, bits: crate::dsp::quantizer::BitDepth) {
    let peak = take.stats.peak_dbfs.max(-120.0);
    add_file_track(ui, &take.path, Some((peak, bits)));
}

/// Adds a file track; `take` gives a take's peak (dBFS) and word length.
fn add_file_track(ui: &mut UiState, path: &Path, take: Option<(f64, crate::dsp::quantizer::BitDepth)>) {
    let fs = ui.0.chain.scene.sample_rate_hz;
    match crate::chain::material::load_file(path, fs) {
        Ok(_) => {
            let name = path.file_stem().map_or_else(|| "File".to_string(), |s| s.to_string_lossy().into_owned());
            let mut name = name.chars().take(24).collect::<String>();
            while ui.0.chain.scene.tracks.iter().any(|t| t.name.eq_ignore_ascii_case(&name)) {
                name.push('+');
            }
            if ui.0.chain.scene.tracks.len() >= crate::chain::engine::MAX_TRACKS {
                ui.0.chain.message = Some(("the desk is full (16 tracks)".into(), true));
                return;
            }
            ui.0.chain.scene.tracks.push(TrackParams {
                name: name.clone(),
                source: TrackSource {
                    kind: TrackSourceKind::File,
                    level_dbfs: take.map_or(-30.0, |t| t.0),
                    freq_hz: None,
                    freq2_hz: None,
                    path: Some(path.to_path_buf()),
                },
                input_noise_dbfs: if take.is_some() { None } else { Some(-125.0) },
                preamp_db: if take.is_some() { 0.0 } else { 20.0 },
                bits: take.map_or(crate::dsp::quantizer::BitDepth::Fixed(24), |t| t.1),
                clip_gain_db: 0.0,
                insert: false,
                fader_db: 0.0,
                pan: 0.0,
                mute: false,
            });
            ui.0.chain.message = Some((format!("added track '{name}' from {}", path.display()), false));
            ui.0.screen = Screen::Chain;
        }
        Err(e) => ui.0.chain.message = Some((format!("cannot add {}: {e}", path.display()), true)),
    }
}

/// Runs the desk's actions (from the UI system); meter resets also go to the sound engine,
/// which runs the chain when the app has one.
pub fn handle_actions(
    actions: &ChainActions,
    ui: &mut UiState,
    state: &mut ChainState,
    mut audio: Option<&mut super::audio::AudioLink>,
) {
    if let Some(lab) = &mut state.lab {
        if let Some(stage) = actions.select {
            lab.select(stage);
        }
        for &stage in &actions.reset_clips {
            lab.reset_clips(stage);
            if let Some(a) = audio.as_mut() {
                a.reset_clips(stage);
            }
        }
        if actions.reset_meters {
            lab.reset_meters();
            if let Some(a) = audio.as_mut() {
                a.reset_meters();
            }
        }
    }
    if let Some(i) = actions.example
        && let Some((_, title, text)) = EXAMPLES.get(i)
    {
        match Scene::from_toml(title, text) {
            Ok(scene) => show_scene(ui, scene, &format!("opened the example '{title}'")),
            Err(e) => ui.0.chain.message = Some((e.to_string(), true)),
        }
    }
    if let Some(path) = &actions.open_scene {
        open_scene(ui, path);
    }
    if actions.pick_files {
        crate::platform::files::pick();
    }
    if let Some(path) = &actions.add_track {
        add_track_from(ui, path);
    }
    if let Some(path) = &actions.save_scene {
        let message = match ui.0.chain.scene.save(path) {
            Ok(()) => (format!("saved {}", path.display()), false),
            Err(e) => (e, true),
        };
        ui.0.chain.message = Some(message);
    }
}

/// Keeps the chain in step with the scene, and runs it with the transport while it runs here
/// (without the sound plugin; with it, the sound engine runs the chain).
pub fn run_chain(time: Res<Time>, mut ui: ResMut<UiState>, mut state: ResMut<ChainState>) {
    let scene_changed = ui.is_changed() && state.lab.as_ref().is_some_and(|l| l.scene() != &ui.0.chain.scene);
    if scene_changed || state.lab.is_none() {
        let result = match &mut state.lab {
            Some(lab) => lab.update_scene(&ui.0.chain.scene),
            None => ChainLab::new(&ui.0.chain.scene).map(|lab| state.lab = Some(lab)),
        };
        match result {
            Ok(()) => state.since_change = Some(0.0),
            Err(e) => {
                // Keep the chain that runs and say why the new settings cannot.
                if let Some(lab) = &state.lab {
                    ui.0.chain.scene = lab.scene().clone();
                }
                ui.0.chain.message = Some((e, true));
            }
        }
    }
    let dt = time.delta_secs_f64().min(0.1);
    if let Some(t) = &mut state.since_change {
        *t += dt;
        if *t > 0.5 {
            state.since_change = None;
            if let Some(lab) = &mut state.lab {
                lab.measure_noise_floors();
            }
        }
    }
    if ui.0.playing
        && ui.0.screen == Screen::Chain
        && let Some(lab) = &mut state.lab
        && lab.runs_locally()
    {
        let frames = (dt * lab.scene().sample_rate_hz).round() as usize;
        lab.advance(frames);
    }
}

/// Files dropped on the window (or, on the web page, dropped on it or chosen with the picker):
/// a lesson file joins the lessons, another .toml opens as a scene, anything else is tried as
/// a track.
fn dropped_files(
    mut drops: MessageReader<bevy::window::FileDragAndDrop>,
    mut ui: ResMut<UiState>,
    mut lessons: Option<ResMut<super::lessons::Lessons>>,
) {
    let mut paths: Vec<PathBuf> = drops
        .read()
        .filter_map(|d| match d {
            bevy::window::FileDragAndDrop::DroppedFile { path_buf, .. } => Some(path_buf.clone()),
            _ => None,
        })
        .collect();
    paths.extend(crate::platform::files::take_arrived());
    for path in paths {
        let is_toml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let lesson = is_toml
            && crate::platform::fs::read_to_string(&path).is_ok_and(|t| t.lines().any(|l| l.trim() == "[[steps]]"));
        match (&mut lessons, lesson, is_toml) {
            (Some(l), true, _) => {
                let message = l.install(&path);
                ui.0.lessons.open = message.is_ok();
                ui.0.lessons.message = Some(message.map_or_else(|e| (e, true), |m| (m, false)));
            }
            (_, _, true) => open_scene(&mut ui, &path),
            _ => add_track_from(&mut ui, &path),
        }
    }
}
