//! The desk's input track in the app: the [`LiveInput`] resource (not `Send`: a device stream
//! stays on the main thread) holds the track while it is open; the UI pass pumps it once a
//! frame (draining the device's queue, off the audio thread) and applies what its panel asks:
//! open (any input device), close, controls, monitoring, record and stop. A finished take goes
//! into the data folder's `takes/` and onto the desk as a file track.
//!
//! Monitoring: every opened input's second queue goes to the audio engine as a
//! [`LiveFeed`], which waits there until a live track on the desk plays it. Turning monitoring
//! on puts that track on the desk ("Live input", preamp and word length those of the input
//! track, both ways) and starts the transport; turning it off takes the track away. A new
//! engine (the output was reopened) loses the feed: the input is opened again for a new one.
//!
//! Nothing opens the microphone until the student asks ("Live input" on the desk).

use std::path::PathBuf;

use bevy::prelude::*;

use crate::audio::input::InputBackend;
use crate::audio::live::LiveFeed;
use crate::chain::scene::{TrackParams, TrackSource, TrackSourceKind};
use crate::sim::input_track::{InputControls, InputTrack, InputView, MonitorView};
use crate::ui::input_track::InputActions;

use super::AppOptions;
use super::audio::AudioLink;
use super::simulation::UiState;

/// The name of the desk's live track.
pub const LIVE_TRACK: &str = "Live input";

/// The input track, when open, and where its takes go.
pub struct LiveInput {
    backend: Box<dyn InputBackend>,
    track: Option<InputTrack>,
    takes_dir: Option<PathBuf>,
    /// The input devices, the default first (listed only when the student asks).
    devices: Vec<String>,
    chosen: usize,
    /// The engine (by `AudioLink::engines`) that holds this input's feed.
    fed_engine: Option<u64>,
    /// The preamp and word length last agreed between the input track and the desk's track.
    synced: Option<InputControls>,
    /// Open the input, with monitoring, at the first frame (`--hear-input`).
    hear_at_start: bool,
}

/// The plugin: an input track that is closed until asked for.
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let takes_dir = options.data_dir.clone().or_else(crate::fsutil::data_dir).map(|d| d.join("takes"));
    let hear_at_start = options.hear_input;
    move |app: &mut App| {
        app.insert_non_send(LiveInput {
            backend: crate::platform::sound::input_backend(),
            track: None,
            takes_dir: takes_dir.clone(),
            devices: Vec::new(),
            chosen: 0,
            fed_engine: None,
            synced: None,
            hear_at_start,
        });
    }
}

impl LiveInput {
    /// Takes in what the input delivered; returns what the track shows (none: closed).
    pub fn pump(&mut self, link: Option<&AudioLink>, ui: &UiState) -> Option<InputView> {
        let track = self.track.as_mut()?;
        track.pump();
        let mut view = track.view();
        view.devices.clone_from(&self.devices);
        view.chosen = self.chosen;
        view.meters_hidden = ui.0.chain.hidden.hides_meters(false);
        if ui.0.chain.input.monitor {
            view.monitor = monitor_view(&view, link, ui);
        }
        Some(view)
    }

    /// Opens the input for the converter screen's "Live input" source, unless it is open.
    pub fn open_for_converter(&mut self, ui: &UiState) {
        if self.track.is_none() {
            self.open(ui.0.chain.input);
        }
    }

    /// The input track, when open.
    #[must_use]
    pub fn track(&self) -> Option<&InputTrack> {
        self.track.as_ref()
    }

    /// Applies the desk's requests: `open` (the toolbar's "Live input") and the panel's. The
    /// UI state is written only when something changes (Bevy's change detection drives the
    /// recomputation of the screens).
    pub fn handle(
        &mut self,
        open: bool,
        mut actions: InputActions,
        ui: &mut ResMut<UiState>,
        link: Option<&mut AudioLink>,
    ) {
        let open = if std::mem::take(&mut self.hear_at_start) {
            ui.0.chain.input.monitor = true;
            ui.0.screen = crate::ui::app_ui::Screen::Chain;
            actions.changed = true;
            true
        } else {
            open
        };
        if let Some(i) = actions.choose_device {
            self.chosen = i;
        }
        if actions.list_devices {
            // Only when asked: listing opens every device to probe it, and some sound servers
            // drop a playing stream when that happens.
            self.devices = std::iter::once("Default input".to_string()).chain(self.backend.devices()).collect();
        }
        if (open && self.track.is_none()) || actions.reopen || actions.choose_device.is_some() {
            self.open(ui.0.chain.input);
        }
        if actions.close {
            self.track = None;
            self.fed_engine = None;
            if let Some(link) = link {
                link.set_live_input(None);
            }
            sync_desk_track(ui, false, &mut self.synced);
            return;
        }
        if actions.changed && ui.0.chain.input.monitor && !self.synced.is_some_and(|s| s.monitor) {
            // Monitoring just came on: the desk plays, so that it is heard.
            ui.0.playing = true;
        }
        let Some(track) = &mut self.track else { return };
        let on_desk = ui.0.chain.input.monitor;
        if desk_in_step(ui, on_desk) {
            self.synced = Some(ui.0.chain.input);
        } else {
            sync_desk_track(ui, on_desk, &mut self.synced);
        }
        let controls = ui.0.chain.input;
        if controls != track.controls() {
            track.set_controls(controls);
        }
        if let Some(link) = link
            && self.fed_engine != Some(link.engines)
        {
            match (track.take_monitor(), track.rate()) {
                (Some(queue), Some(rate)) => {
                    let session_rate = ui.0.chain.scene.sample_rate_hz;
                    link.set_live_input(Some(Box::new(LiveFeed::new(queue, rate, session_rate))));
                    self.fed_engine = Some(link.engines);
                }
                // A new engine lost the feed: a new opening gives a new queue (not while a
                // take is being recorded: it would end it).
                (None, Some(_)) if !track.recording() => self.open(controls),
                _ => {}
            }
        }
        let Some(track) = &mut self.track else { return };
        if actions.reset_meters {
            track.reset_meters();
        }
        if actions.record {
            track.start_recording();
        }
        if actions.stop {
            let bits = track.controls().bits;
            let stamp = crate::figures::timestamp(std::time::SystemTime::now());
            let result = match &self.takes_dir {
                Some(dir) => track.stop_recording(dir, &stamp),
                None => Err("no data folder to keep takes in".to_string()),
            };
            match result {
                Ok(take) => {
                    ui.0.chain.last_take = Some(take.stats);
                    super::chain::add_take(ui, &take, bits);
                }
                Err(e) => ui.0.chain.message = Some((format!("the take was not saved: {e}"), true)),
            }
        }
    }

    /// Opens the chosen device (the default until the devices were listed and one chosen).
    fn open(&mut self, controls: InputControls) {
        // Close the old one first: some systems open a device only once.
        self.track = None;
        let name = self.devices.get(self.chosen).filter(|_| self.chosen > 0).cloned();
        self.track = Some(InputTrack::open_device(self.backend.as_mut(), name.as_deref(), controls));
        self.fed_engine = None;
    }
}

/// Whether the desk's live track is there exactly when `on`, with the input track's preamp and
/// word length (read only).
fn desk_in_step(ui: &UiState, on: bool) -> bool {
    let input = &ui.0.chain.input;
    match ui.0.chain.scene.tracks.iter().find(|t| t.source.kind == TrackSourceKind::Live) {
        None => !on,
        Some(t) => on && t.preamp_db == input.preamp_db && t.bits == input.bits,
    }
}

/// Puts the desk's live track on the desk (`on`) or takes it away, and keeps its preamp and
/// word length and the input track's the same: whichever changed since `synced` wins.
fn sync_desk_track(ui: &mut UiState, on: bool, synced: &mut Option<InputControls>) {
    let desk = &mut ui.0.chain;
    let index = desk.scene.tracks.iter().position(|t| t.source.kind == TrackSourceKind::Live);
    match (on, index) {
        (false, Some(i)) => {
            desk.scene.tracks.remove(i);
        }
        (true, None) if desk.scene.tracks.len() < crate::chain::engine::MAX_TRACKS => {
            desk.scene.tracks.push(TrackParams {
                name: LIVE_TRACK.into(),
                source: TrackSource {
                    kind: TrackSourceKind::Live,
                    level_dbfs: 0.0,
                    freq_hz: None,
                    freq2_hz: None,
                    path: None,
                },
                // The microphone's own noise is in the signal.
                input_noise_dbfs: None,
                preamp_db: desk.input.preamp_db,
                bits: desk.input.bits,
                clip_gain_db: 0.0,
                insert: false,
                fader_db: 0.0,
                pan: 0.0,
                mute: false,
            });
        }
        (true, None) => desk.message = Some(("the desk is full (16 tracks): no room for live input".into(), true)),
        (true, Some(i)) => {
            let t = &mut desk.scene.tracks[i];
            let last = synced.unwrap_or(desk.input);
            if t.preamp_db != last.preamp_db || t.bits != last.bits {
                // Changed on the desk's strip.
                desk.input.preamp_db = t.preamp_db;
                desk.input.bits = t.bits;
            } else {
                t.preamp_db = desk.input.preamp_db;
                t.bits = desk.input.bits;
            }
        }
        (false, None) => {}
    }
    *synced = Some(desk.input);
}

/// What monitoring adds up to: capture, the feed's queue, the desk (the limiter's lookahead
/// when the master is heard) and the output's buffer.
fn monitor_view(view: &InputView, link: Option<&AudioLink>, ui: &UiState) -> MonitorView {
    if view.rate_hz <= 0.0 {
        return MonitorView { problem: Some("no input open: nothing to hear".into()), ..MonitorView::default() };
    }
    let Some(link) = link else {
        return MonitorView { problem: Some("no sound engine".into()), ..MonitorView::default() };
    };
    let Some(feed) = link.report.live else {
        return MonitorView { problem: Some("starting...".into()), ..MonitorView::default() };
    };
    let scene = &ui.0.chain.scene;
    let desk_ms = 1e3 * crate::chain::dynamics::Limiter::latency_of(&scene.master.limiter, scene.sample_rate_hz) as f64
        / scene.sample_rate_hz;
    let parts = [
        ("input", view.latency_secs * 1e3, view.latency_secs > 0.0),
        ("queue", feed.delay_secs * 1e3, true),
        ("desk", desk_ms, true),
        ("output", link.status.latency_ms.unwrap_or(0.0), link.status.latency_ms.is_some()),
    ];
    let total: f64 = parts.iter().map(|p| p.1).sum();
    let detail = parts
        .iter()
        .map(|(name, ms, known)| if *known { format!("{name} {ms:.1} ms") } else { format!("{name} unknown") })
        .collect::<Vec<_>>()
        .join(" + ");
    let problem = if link.is_visual_only() {
        Some("no audio output: nothing to hear it on".into())
    } else if !ui.0.playing {
        Some("paused: press Play to hear it".into())
    } else if !feed.running {
        Some("waiting for the input...".into())
    } else {
        None
    };
    let underruns =
        if feed.underruns > 0 { format!("; the input ran dry {} times", feed.underruns) } else { String::new() };
    MonitorView {
        running: feed.running,
        latency_ms: Some(total),
        detail: format!("{detail}; the two clocks differ by {:+.0} ppm{underruns}", feed.correction * 1e6),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live_track(ui: &UiState) -> Option<&TrackParams> {
        ui.0.chain.scene.tracks.iter().find(|t| t.source.kind == TrackSourceKind::Live)
    }

    #[test]
    fn the_desks_live_track_follows_monitoring_and_shares_the_preamp_both_ways() {
        let mut ui = UiState(crate::ui::app_ui::AppUi::default());
        let mut synced = None;
        let band = ui.0.chain.scene.tracks.len();
        sync_desk_track(&mut ui, false, &mut synced);
        assert!(live_track(&ui).is_none(), "no live track until monitoring is on");
        ui.0.chain.input.preamp_db = 12.0;
        sync_desk_track(&mut ui, true, &mut synced);
        let t = live_track(&ui).expect("monitoring puts a live track on the desk");
        assert_eq!((t.preamp_db, t.input_noise_dbfs), (12.0, None));
        // The strip's preamp moved: the input track follows.
        ui.0.chain.scene.tracks[band].preamp_db = 20.0;
        sync_desk_track(&mut ui, true, &mut synced);
        assert_eq!(ui.0.chain.input.preamp_db, 20.0);
        // The input track's moved: the strip follows.
        ui.0.chain.input.preamp_db = -3.0;
        sync_desk_track(&mut ui, true, &mut synced);
        assert_eq!(live_track(&ui).map(|t| t.preamp_db), Some(-3.0));
        sync_desk_track(&mut ui, false, &mut synced);
        assert!(live_track(&ui).is_none());
        assert_eq!(ui.0.chain.scene.tracks.len(), band);
    }
}
