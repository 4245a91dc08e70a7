//! The simulation plugin: the converter's settings and results as resources, the transport,
//! and the system that recomputes the analysis when the settings change or time runs.

use bevy::prelude::*;

use crate::sim::converter_view::{ConverterSnapshot, LiveWindow};
use crate::sim::{ConverterLab, presets};
use crate::ui::app_ui::AppUi;
use crate::ui::converter_screen::ConverterUi;
use crate::ui::teacher::TopMenu;

use super::AppOptions;
use super::input::LiveInput;

/// The UI's state: what the panels edit.
#[derive(Resource, Default)]
pub struct UiState(pub AppUi);

/// The converter with its analysers and its latest results.
#[derive(Resource)]
pub struct ConverterResults {
    lab: ConverterLab,
    /// What the screen shows.
    pub snapshot: ConverterSnapshot,
    /// Settings changed since the last analysis.
    pub dirty: bool,
    /// The transport position in samples.
    pub position: u64,
    /// Analyses run (for tests).
    pub runs: u64,
    /// Live input samples taken in by the last analysis of the live input.
    live_seen: u64,
}

/// Transport positions wrap after this many seconds, keeping time values precise.
const TRANSPORT_WRAP_SECS: f64 = 3600.0;

/// The plugin: inserts the UI state and the converter, and runs transport and analysis in
/// `Update`.
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let params = options.preset.as_deref().and_then(presets::find).map(|p| p.params).unwrap_or_default();
    let play = options.play;
    let open = options.open;
    move |app: &mut App| {
        let mut ui = AppUi { converter: ConverterUi::new(params.clone()), playing: play, ..AppUi::default() };
        ui.sound.abx_open = open == Some(super::StartWindow::BlindTest);
        ui.sound.export_open = open == Some(super::StartWindow::Export);
        ui.teacher.help = open == Some(super::StartWindow::Shortcuts);
        ui.teacher.open_menu = match open {
            Some(super::StartWindow::DemosMenu) => Some(TopMenu::Demos),
            Some(super::StartWindow::ViewMenu) => Some(TopMenu::View),
            _ => None,
        };
        app.insert_resource(UiState(ui));
        app.insert_resource(ConverterResults::new(&params));
        app.add_systems(Update, (advance_transport, recompute).chain());
    }
}

impl ConverterResults {
    /// A converter for `params` (invalid parameters fall back to the defaults).
    ///
    /// # Panics
    /// Never: the default parameters are valid (a test checks it).
    #[must_use]
    pub fn new(params: &crate::dsp::converter::ConverterParams) -> Self {
        let lab = ConverterLab::new(params).unwrap_or_else(|_| {
            ConverterLab::new(&crate::dsp::converter::ConverterParams::default()).expect("the defaults are valid")
        });
        Self { lab, snapshot: ConverterSnapshot::default(), dirty: true, position: 0, runs: 0, live_seen: 0 }
    }
}

/// Moves the transport on by the frame's duration while playing (and the converter is on
/// screen: hidden, it has nothing to show).
pub fn advance_transport(time: Res<Time>, ui: Res<UiState>, mut results: ResMut<ConverterResults>) {
    if !ui.0.playing || ui.0.screen != crate::ui::app_ui::Screen::Converter {
        return;
    }
    let fs = ui.0.converter.params.sample_rate_hz;
    let step = (time.delta_secs_f64() * fs).round() as u64;
    let wrap = (TRANSPORT_WRAP_SECS * fs) as u64;
    results.position = (results.position + step) % wrap.max(1);
    results.dirty = true;
}

/// Runs the analysis when the settings changed or the transport moved; with the live input
/// as the source (which it opens), when new input came.
pub fn recompute(ui: Res<UiState>, mut results: ResMut<ConverterResults>, mut live: Option<NonSendMut<LiveInput>>) {
    let is_live = ui.0.converter.params.source.kind.is_live();
    let on_screen = ui.0.screen == crate::ui::app_ui::Screen::Converter;
    if is_live
        && on_screen
        && let Some(l) = live.as_deref_mut()
    {
        l.open_for_converter(&ui);
    }
    let track = live.as_deref().and_then(LiveInput::track);
    let taken = track.map_or(0, |t| {
        let (recent, start) = t.recent();
        start + recent.len() as u64
    });
    let new_input = is_live && taken != results.live_seen;
    if !results.dirty && !ui.is_changed() && !new_input {
        return;
    }
    if !on_screen {
        // Analyse when the screen comes back.
        results.dirty = true;
        return;
    }
    let params = &ui.0.converter.params;
    let r = &mut *results;
    if r.lab.params() != params && r.lab.set_params(params).is_err() {
        // Out-of-range settings from a half-typed value: keep showing the last valid ones.
        r.dirty = false;
        return;
    }
    if is_live {
        let window = track.map(|t| {
            let (samples, start) = t.recent();
            let info = t.input_info();
            let device = info.map_or("", |i| i.name.as_str());
            (LiveWindow { samples, start, rate_hz: info.map_or(0.0, |i| i.rate), device }, t.problem())
        });
        let input = match &window {
            Some((w, None)) if w.rate_hz > 0.0 => Ok(w),
            Some((_, Some(why))) => Err(*why),
            Some(_) => Err("the live input did not open"),
            None => Err("live input is not available here"),
        };
        r.lab.compute_live_into(input, &ui.0.converter.view, &mut r.snapshot);
        r.live_seen = taken;
    } else {
        r.lab.compute_into(r.position, &ui.0.converter.view, &mut r.snapshot);
    }
    r.dirty = false;
    r.runs += 1;
}
