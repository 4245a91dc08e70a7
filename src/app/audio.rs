//! The sound plugin: opens the audio device (or says why not and keeps time with a silent clock),
//! sends the engine what the UI asks to hear, takes back its meters for the desk, frees what it
//! is done with, and falls back to visual only if the device disappears.

use std::thread::JoinHandle;

use bevy::platform::cell::SyncCell;
use bevy::prelude::*;

use crate::audio::device::{self, OutputDevice};
use crate::audio::engine::{AudioEngine, Control, EngineRemote, Report, engine};
use crate::audio::export::{ExportSummary, export_point};
use crate::audio::program::ListenSpec;
use crate::chain::engine::LiveParams;
use crate::ui::app_ui::Screen;
use crate::ui::sound::{ExportRequest, SoundStatus, heard_side, listen_specs};

use super::AppOptions;
use super::chain::ChainState;
use super::simulation::UiState;

/// The rate of the silent clock when there is no device.
pub const VISUAL_ONLY_RATE: f64 = 48_000.0;
/// Most time the silent clock catches up in one frame, seconds.
const MAX_CATCH_UP_SECS: f64 = 0.25;

/// Where the engine runs.
enum Backend {
    /// In the device's callback.
    Device,
    /// Here, driven by the frame clock, its output thrown away.
    Clock { engine: Box<AudioEngine>, carry: f64, scratch: Vec<f32> },
}

/// The link to the sound engine.
#[derive(Resource)]
pub struct AudioLink {
    // The queues' ends may move between threads but not be shared: only `&mut` reaches them.
    remote: SyncCell<EngineRemote>,
    backend: SyncCell<Backend>,
    sent: [Option<ListenSpec>; 2],
    /// Sessions sent to the engine.
    sessions_sent: u64,
    scope: Vec<f32>,
    export: Option<(JoinHandle<Result<ExportSummary, String>>, String)>,
    /// What the UI shows about sound.
    pub status: SoundStatus,
    /// The last report.
    pub report: Report,
}

/// The open device; not `Send` on every platform, so kept off the ECS's threads.
#[derive(Default)]
struct DeviceHolder(Option<OutputDevice>);

impl AudioLink {
    fn with_clock(reason: &str, control: &Control) -> Self {
        let (remote, engine) = engine(VISUAL_ONLY_RATE, control);
        Self::new(
            remote,
            Backend::Clock { engine: Box::new(engine), carry: 0.0, scratch: Vec::new() },
            "no audio output: visual only".into(),
            reason.to_string(),
            true,
        )
    }

    fn new(remote: EngineRemote, backend: Backend, line: String, detail: String, visual_only: bool) -> Self {
        Self {
            remote: SyncCell::new(remote),
            backend: SyncCell::new(backend),
            sent: [None, None],
            sessions_sent: 0,
            scope: Vec::with_capacity(1 << 16),
            export: None,
            status: SoundStatus { line, detail, visual_only, ..SoundStatus::default() },
            report: Report::default(),
        }
    }

    /// Whether sound reaches a device.
    #[must_use]
    pub fn is_visual_only(&self) -> bool {
        self.status.visual_only
    }

    /// Carries on without the device: a silent clock runs the engine from here on, and the
    /// status says why. Everything is sent again to the new engine.
    pub fn device_lost(&mut self, reason: &str) {
        let control = *self.remote.get().control();
        *self = Self::with_clock(reason, &control);
    }

    /// Tells the engine to forget every measurement.
    pub fn reset_meters(&mut self) {
        self.remote.get().reset_meters();
    }

    /// Tells the engine to clear a stage's clip count.
    pub fn reset_clips(&mut self, stage: crate::chain::engine::StageId) {
        self.remote.get().reset_clips(stage);
    }

    /// Starts writing a WAV file in the background.
    pub fn start_export(&mut self, request: ExportRequest) {
        if self.export.is_some() {
            return;
        }
        let name = request.path.display().to_string();
        let handle = std::thread::spawn(move || {
            export_point(&request.spec, Some(&request.session), request.seconds, request.settings, &request.path)
        });
        self.export = Some((handle, name));
        self.status.exporting = true;
    }
}

/// The plugin.
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let want_device = options.audio;
    move |app: &mut App| {
        let control = Control::default();
        let (link, holder) = if want_device {
            match device::open_default(&control) {
                Ok((dev, remote)) => {
                    let line = dev.describe();
                    let detail = "Sound plays through this device. The volume and a safety limiter protect your ears.";
                    (AudioLink::new(remote, Backend::Device, line, detail.into(), false), DeviceHolder(Some(dev)))
                }
                Err(reason) => (AudioLink::with_clock(&reason, &control), DeviceHolder(None)),
            }
        } else {
            (AudioLink::with_clock("sound turned off", &control), DeviceHolder(None))
        };
        app.insert_resource(link)
            .insert_non_send(holder)
            .add_systems(Update, sync_audio.after(super::chain::run_chain).after(super::simulation::recompute));
    }
}

/// The engine's settings from the UI's state.
fn control_of(ui: &UiState, chain: &ChainState) -> Control {
    let app = &ui.0;
    Control {
        playing: app.playing,
        volume_db: app.sound.volume_db,
        active: heard_side(app),
        loudness_match: crate::ui::sound::loudness_matched(app),
        live: LiveParams::from_scene(&app.chain.scene),
        run_session: app.screen == Screen::Chain,
        scope_stage: chain
            .lab
            .as_ref()
            .map_or(crate::chain::engine::StageId::Master, crate::sim::chain_view::ChainLab::selected),
    }
}

fn sync_audio(
    time: Res<Time>,
    mut ui: ResMut<UiState>,
    mut chain: ResMut<ChainState>,
    mut link: ResMut<AudioLink>,
    mut device: NonSendMut<DeviceHolder>,
) {
    if device.0.as_ref().is_some_and(OutputDevice::is_lost) {
        // Drop the stream (and the engine inside it) before starting the clock.
        device.0 = None;
        link.device_lost("the audio device was lost");
    }
    let link = &mut *link;
    // A new engine (the device went away) has no session yet: build it again.
    if link.sessions_sent == 0
        && let Some(lab) = &mut chain.lab
        && !lab.runs_locally()
        && let Err(e) = lab.rebuild()
    {
        link.status.problem = Some(e);
    }
    let remote = link.remote.get();
    // A new session chain, when the desk built one.
    if let Some(lab) = &mut chain.lab
        && let Some(c) = lab.take_chain()
    {
        match remote.send_session(c) {
            Ok(()) => {
                link.sessions_sent += 1;
                // Session taps follow the new chain's rates: build them again.
                for s in &mut link.sent {
                    if s.as_ref().is_some_and(ListenSpec::taps_session) {
                        *s = None;
                    }
                }
            }
            Err(c) => lab.give_back(*c),
        }
    }
    let control = control_of(&ui, &chain);
    remote.set_control(&control);
    let specs = listen_specs(&ui.0);
    let rate = remote.rate();
    let session = chain.lab.as_ref().map(|l| l.scene().clone());
    for (k, spec) in specs.into_iter().enumerate() {
        if link.sent[k].as_ref() == Some(&spec) {
            continue;
        }
        let side = if k == 0 { crate::abx::Side::A } else { crate::abx::Side::B };
        match spec.build(rate, session.as_ref()) {
            Ok(program) => {
                if remote.send_program(side, program).is_ok() {
                    link.sent[k] = Some(spec);
                    link.status.problem = None;
                }
            }
            Err(e) => {
                // Half-typed settings: keep playing the last good ones, say why.
                link.status.problem = Some(format!("cannot play that: {e}"));
                link.sent[k] = Some(spec);
            }
        }
    }
    if let Backend::Clock { engine, carry, scratch } = link.backend.get() {
        let due = time.delta_secs_f64().min(MAX_CATCH_UP_SECS) * rate + *carry;
        let frames = due.floor() as usize;
        *carry = due - frames as f64;
        scratch.resize(2 * frames, 0.0);
        engine.process(scratch, 2);
    }
    link.report = *remote.report();
    link.scope.clear();
    let first = remote.read_scope(&mut link.scope);
    let r = link.report;
    if let Some(lab) = &mut chain.lab
        && r.has_session
        && r.sessions == link.sessions_sent
        && !lab.runs_locally()
    {
        lab.ingest(&r.meters, &link.scope, first, r.scope_stage, r.scope_stage_from);
    }
    let status = SoundStatus {
        output_peak_dbfs: r.output_peak_dbfs,
        protection_db: r.protection_db,
        loudness_lufs: r.loudness_lufs,
        match_gain_db: r.match_gain_db,
        ..link.status.clone()
    };
    link.status = status;
    remote.collect_garbage();
    // A finished export.
    if link.export.as_ref().is_some_and(|(h, _)| h.is_finished())
        && let Some((handle, name)) = link.export.take()
    {
        let message = match handle.join() {
            Ok(Ok(s)) => {
                let clipped = if s.clipped > 0 { format!(", {} samples clipped", s.clipped) } else { String::new() };
                (
                    format!(
                        "wrote {name}: {} frames at {} Hz, {} channel(s), peak {:.1} dBFS{clipped}",
                        s.frames, s.rate, s.channels, s.peak_dbfs
                    ),
                    false,
                )
            }
            Ok(Err(e)) => (e, true),
            Err(_) => (format!("writing {name} failed"), true),
        };
        ui.0.sound.export.message = Some(message);
        link.status.exporting = false;
    }
}
