//! The sound plugin: runs the sound output (the device, kept playing by
//! [`SoundOutput`], or a silent clock), sends the engine what the UI asks to hear, takes back
//! its meters for the desk, frees what it is done with, and sends everything again to a new
//! engine when the output was reopened (a device change, a bigger buffer, a lost device).

use bevy::platform::cell::SyncCell;
use bevy::prelude::*;

use crate::audio::engine::{Control, EngineRemote, Report};
use crate::audio::export::{ExportSummary, export_point};
use crate::audio::output::{OutputBackend, SoundOutput};
use crate::audio::program::ListenSpec;
use crate::chain::engine::LiveParams;
use crate::ui::app_ui::Screen;
use crate::ui::sound::{ExportRequest, SoundStatus, heard_side, listen_specs};

use super::AppOptions;
use super::chain::ChainState;
use super::simulation::UiState;

/// The link to the sound engine.
#[derive(Resource)]
pub struct AudioLink {
    // The queues' ends may move between threads but not be shared: only `&mut` reaches them.
    remote: SyncCell<EngineRemote>,
    sent: [Option<ListenSpec>; 2],
    /// Sessions sent to the engine.
    sessions_sent: u64,
    scope: Vec<f32>,
    export: Option<(crate::platform::tasks::Task<Result<ExportSummary, String>>, String)>,
    /// Engines started so far (one per output stream).
    pub engines: u64,
    /// What the UI shows about sound.
    pub status: SoundStatus,
    /// The last report.
    pub report: Report,
    /// "Retry sound" was asked for.
    pub retry_requested: bool,
    /// A live input (or its end) waiting to go to the engine.
    #[allow(clippy::option_option, reason = "nothing to send, or a feed or none to send")]
    live_input: SyncCell<Option<Option<Box<crate::audio::live::LiveFeed>>>>,
}

/// A sound backend to use instead of the platform's (tests and benchmarks use
/// [`crate::audio::output::MockBackend`]): insert it before the plugin.
pub struct SoundBackend(pub Box<dyn OutputBackend>);

/// The sound output; its device stream is not `Send` on every platform, so it stays on the
/// main thread.
struct Output(SoundOutput);

impl AudioLink {
    fn new(remote: EngineRemote) -> Self {
        Self {
            remote: SyncCell::new(remote),
            sent: [None, None],
            sessions_sent: 0,
            scope: Vec::with_capacity(1 << 16),
            export: None,
            engines: 1,
            status: SoundStatus::default(),
            report: Report::default(),
            retry_requested: false,
            live_input: SyncCell::new(None),
        }
    }

    /// Hands the engine a live input for the desk's live tracks (`None`: none any more); it
    /// goes with the next frame's messages.
    pub fn set_live_input(&mut self, feed: Option<Box<crate::audio::live::LiveFeed>>) {
        *self.live_input.get() = Some(feed);
    }

    /// Whether nothing is heard (no device).
    #[must_use]
    pub fn is_visual_only(&self) -> bool {
        self.status.visual_only
    }

    /// Talks to a new engine from now on: everything (programs, the session) is sent again.
    fn new_engine(&mut self, remote: EngineRemote) {
        *self.remote.get() = remote;
        self.sent = [None, None];
        self.sessions_sent = 0;
        self.engines += 1;
        self.report = Report::default();
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
        let handle = crate::platform::tasks::spawn(move || {
            export_point(&request.spec, Some(&request.session), request.seconds, request.settings, &request.path)
        });
        self.export = Some((handle, name));
        self.status.exporting = true;
    }
}

/// The plugin. The platform's backend plays sound unless a [`SoundBackend`] was inserted;
/// without `options.audio` no device is opened (a silent clock runs the engine).
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let want_device = options.audio;
    let report = options.run_secs.is_some() || options.bench_frames.is_some();
    move |app: &mut App| {
        let backend =
            app.world_mut().remove_non_send::<SoundBackend>().map_or_else(crate::platform::sound::backend, |b| b.0);
        let control = Control::default();
        let (output, remote) = SoundOutput::start(backend, want_device, &control, 0.0);
        app.insert_resource(AudioLink::new(remote))
            .insert_non_send(Output(output))
            .add_systems(Update, sync_audio.after(super::chain::run_chain).after(super::simulation::recompute));
        app.add_systems(Last, fade_out_on_exit.after(super::capture::drive));
        if report {
            app.add_systems(Last, report_sound.after(super::capture::drive));
        }
    }
}

/// On exit the sound fades out before the device closes (a stream cut mid-wave clicks).
fn fade_out_on_exit(mut exit: MessageReader<AppExit>, mut link: ResMut<AudioLink>, output: NonSend<Output>) {
    if exit.read().next().is_none() || !output.0.is_audible() {
        return;
    }
    let remote = link.remote.get();
    let control = Control { playing: false, ..*remote.control() };
    remote.set_control(&control);
    // The engine fades over 5 ms; give the device two of its buffers to play it.
    let buffer = output.0.info().buffer_secs().unwrap_or(0.05);
    crate::platform::tasks::sleep_secs((2.0 * buffer).min(0.2));
}

/// On exit (`--run-secs`, `--bench-frames`): one line on what the sound output did.
fn report_sound(mut exit: MessageReader<AppExit>, output: NonSend<Output>, link: Res<AudioLink>) {
    if exit.read().next().is_none() {
        return;
    }
    let status = output.0.status();
    let info = output.0.info();
    crate::platform::entry::report(&format!(
        "sound device=\"{}\" audible={} rate={} period={} latency_ms={} underruns={} reopens={} engines={}",
        info.name,
        output.0.is_audible(),
        info.rate,
        info.period_frames.unwrap_or(0),
        status.latency_ms.map_or_else(|| "unknown".to_string(), |ms| format!("{ms:.1}")),
        status.underruns,
        status.reopens,
        link.engines,
    ));
    for event in output.0.events() {
        crate::platform::entry::report(&format!("sound event {event}"));
    }
    if let Some(live) = link.report.live {
        crate::platform::entry::report(&format!(
            "live input running={} delay_ms={:.1} target_ms={:.1} clocks_ppm={:.0} underruns={} last_underrun_s={:.2} skips={}",
            live.running,
            live.delay_secs * 1e3,
            live.target_secs * 1e3,
            live.correction * 1e6,
            live.underruns,
            live.last_underrun_secs,
            live.skips,
        ));
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
    time: Res<Time<Real>>,
    mut ui: ResMut<UiState>,
    mut chain: ResMut<ChainState>,
    mut link: ResMut<AudioLink>,
    mut output: NonSendMut<Output>,
) {
    let link = &mut *link;
    let now = time.elapsed_secs_f64();
    let control = control_of(&ui, &chain);
    let replaced = if std::mem::take(&mut link.retry_requested) {
        output.0.retry(&control, now)
    } else {
        output.0.poll(now, &control)
    };
    if let Some(remote) = replaced {
        link.new_engine(remote);
        if let Some(event) = output.0.events().last() {
            warn!("sound: {event}");
        }
    }
    // A new engine has no session yet: build it again where the last one had got to.
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
    if let Some(feed) = link.live_input.get().take()
        && let Err(back) = remote.send_live_input(feed)
    {
        *link.live_input.get() = Some(back);
    }
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
    let out = output.0.status();
    let status = SoundStatus {
        line: out.line,
        detail: out.detail,
        visual_only: out.visual_only,
        latency_ms: out.latency_ms,
        underruns: out.underruns,
        output_peak_dbfs: r.output_peak_dbfs,
        protection_db: r.protection_db,
        loudness_lufs: r.loudness_lufs,
        match_gain_db: r.match_gain_db,
        ..link.status.clone()
    };
    link.status = status;
    remote.collect_garbage();
    finish_export(link, &mut ui);
}

/// Reports a finished export in the export window.
fn finish_export(link: &mut AudioLink, ui: &mut UiState) {
    let finished = link.export.as_mut().and_then(|(task, _)| task.poll());
    if let Some(result) = finished
        && let Some((_, name)) = link.export.take()
    {
        let message = match result {
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
            Err(e) => (format!("writing {name} failed: {e}"), true),
        };
        ui.0.sound.export.message = Some(message);
        link.status.exporting = false;
    }
}
