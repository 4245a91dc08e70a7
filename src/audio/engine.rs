//! The audio engine: what runs in the device's callback. It plays two slots (A and B), each a
//! [`Program`], switches and cross-fades between them, matches their loudness on request, runs
//! the desk's session chain (whose meters the desk shows) and protects the ears.
//!
//! Real-time rules, kept by construction and checked by a test with a counting allocator:
//! - [`AudioEngine::process`] never allocates, frees, locks or waits;
//! - settings arrive by copy through a triple buffer ([`Control`]), built objects (chains,
//!   voices) through a wait-free queue ([`Command`]), and whatever they replace goes back to
//!   the UI thread to be freed ([`Garbage`]);
//! - meters and the selected stage's samples leave through a triple buffer ([`Report`]) and a
//!   wait-free ring, dropped rather than waited for when the UI is slow.

use crate::abx::Side;
use crate::analysis::loudness::{Biquad, k_weighting, lufs_of};
use crate::audio::live::{FeedReport, LiveFeed};
use crate::audio::program::Program;
use crate::audio::protect::{DEFAULT_VOLUME_DB, Protection};
use crate::chain::engine::{Chain, LiveParams, MAX_BLOCK, MeterFrame, StageId};
use crate::units::amp_to_db;

/// Frames processed at once inside a callback.
pub const CHUNK: usize = 256;
/// Cross-fade between two programs of a slot, and between A and B, in seconds.
pub const FADE_SECS: f64 = 0.010;
/// Fade out and in around a change of session, in seconds.
pub const GATE_SECS: f64 = 0.005;
/// Fade out on pause and in on play (and when a new engine starts), in seconds.
pub const RUN_FADE_SECS: f64 = 0.005;
/// How often the engine reports, in seconds.
pub const REPORT_SECS: f64 = 0.02;
/// Time constant of the loudness followers used to match A and B, in seconds.
pub const MATCH_SECS: f64 = 1.5;
const COMMANDS: usize = 64;
const GARBAGE: usize = 256;
const SCOPE: usize = 1 << 17;
/// Garbage slots the engine keeps free before it takes another command.
const GARBAGE_RESERVE: usize = 8;
/// The live input is left to wait after the session has not taken it for this long, seconds.
const LIVE_IDLE_SECS: f64 = 0.1;
/// Session samples a callback may run beyond one block's worth (steps round up).
const SESSION_SLACK: usize = 16;

/// The settings that change at any time, copied to the audio thread.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Control {
    /// Playing or paused (paused plays silence and stops the clock).
    pub playing: bool,
    /// Master volume, dB (the safety limiter follows it).
    pub volume_db: f64,
    /// The slot heard.
    pub active: Side,
    /// Turn the louder slot down to the quieter one's loudness.
    pub loudness_match: bool,
    /// The session's gains and switches.
    pub live: LiveParams,
    /// Run the session even when no slot plays it (the desk is on screen).
    pub run_session: bool,
    /// The stage whose samples go to the desk's scope.
    pub scope_stage: StageId,
}

impl Default for Control {
    fn default() -> Self {
        Self {
            playing: false,
            volume_db: DEFAULT_VOLUME_DB,
            active: Side::A,
            loudness_match: false,
            live: LiveParams::from_scene(&crate::chain::scene::Scene::default()),
            run_session: false,
            scope_stage: StageId::Master,
        }
    }
}

/// A built object for the audio thread.
#[derive(Debug)]
pub enum Command {
    /// A new session chain (continues at the old one's position).
    Session(Box<Chain>),
    /// A new program for a slot; `serial` comes back in the report once it plays.
    Program {
        /// The slot.
        side: Side,
        /// What it plays.
        program: Box<Program>,
        /// The sender's number for it.
        serial: u64,
    },
    /// Forget every measurement of the session.
    ResetMeters,
    /// Clear a stage's clip count.
    ResetClips(StageId),
    /// Live input for the session's live tracks (none: stop taking it).
    LiveInput(Option<Box<LiveFeed>>),
}

/// Something the audio thread is done with, to be freed elsewhere.
#[derive(Debug)]
pub enum Garbage {
    /// A replaced session.
    Chain(Box<Chain>),
    /// A replaced program.
    Program(Box<Program>),
    /// A replaced live input.
    LiveInput(Box<LiveFeed>),
}

/// What the engine tells the UI, about fifty times a second.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Report {
    /// Device frames played since the start.
    pub frames: u64,
    /// Playing (as last told).
    pub playing: bool,
    /// A session runs.
    pub has_session: bool,
    /// Sessions installed so far.
    pub sessions: u64,
    /// The session's meters.
    pub meters: MeterFrame,
    /// The serial of the program each slot plays.
    pub serials: [u64; 2],
    /// The slot heard (or being faded to).
    pub active: Side,
    /// Highest output sample since the last report, dBFS (after volume and protection).
    pub output_peak_dbfs: f64,
    /// Gain reduction of the safety limiter, dB.
    pub protection_db: f64,
    /// Loudness of each slot (K-weighted, 1.5 s), LUFS.
    pub loudness_lufs: [f64; 2],
    /// Gain applied to each slot by loudness matching, dB.
    pub match_gain_db: [f64; 2],
    /// The stage the scope samples come from.
    pub scope_stage: StageId,
    /// Scope samples written before that stage's first one.
    pub scope_stage_from: u64,
    /// Scope samples written so far.
    pub scope_written: u64,
    /// The live input, when one is fed (see [`FeedReport`]).
    pub live: Option<FeedReport>,
}

/// K-weighted power with a slow exponential average.
#[derive(Clone, Debug)]
struct LoudnessFollower {
    filters: [[Biquad; 2]; 2],
    mean_square: f64,
    coef: f64,
}

impl LoudnessFollower {
    fn new(rate: f64) -> Self {
        Self {
            filters: [k_weighting(rate), k_weighting(rate)],
            mean_square: 0.0,
            coef: (-1.0 / (MATCH_SECS * rate)).exp(),
        }
    }

    fn process(&mut self, left: &[f64], right: &[f64]) {
        for (&l, &r) in left.iter().zip(right) {
            let [a1, a2] = &mut self.filters[0];
            let a = a2.tick(a1.tick(l));
            let [b1, b2] = &mut self.filters[1];
            let b = b2.tick(b1.tick(r));
            let p = a * a + b * b;
            self.mean_square = p + self.coef * (self.mean_square - p);
        }
    }
}

/// One listening slot.
struct Slot {
    current: Option<Box<Program>>,
    /// The program being faded out.
    outgoing: Option<Box<Program>>,
    /// A program that arrived during a fade: it starts when the fade ends, so that the one
    /// being heard is never cut.
    queued: Option<(Box<Program>, u64)>,
    /// Progress of the fade to `current`, 0..=1.
    fade: f64,
    serial: u64,
    buf: [Box<[f64]>; 2],
    old: [Box<[f64]>; 2],
    follower: LoudnessFollower,
    match_gain: f64,
}

impl Slot {
    fn new(rate: f64) -> Self {
        let buf = || vec![0.0; CHUNK].into_boxed_slice();
        Self {
            current: None,
            outgoing: None,
            queued: None,
            fade: 1.0,
            serial: 0,
            buf: [buf(), buf()],
            old: [buf(), buf()],
            follower: LoudnessFollower::new(rate),
            match_gain: 1.0,
        }
    }

    fn plays(&self) -> bool {
        self.current.as_deref().is_some_and(|p| !matches!(p, Program::Silence))
    }

    fn programs(&self) -> impl Iterator<Item = &Program> {
        self.current.as_deref().into_iter().chain(self.outgoing.as_deref())
    }

    fn programs_mut(&mut self) -> impl Iterator<Item = &mut Program> {
        self.current.as_deref_mut().into_iter().chain(self.outgoing.as_deref_mut())
    }
}

/// The engine. Lives on the audio thread (or, with no device, on the UI thread as a clock).
pub struct AudioEngine {
    rate: f64,
    control_in: triple_buffer::Output<Control>,
    control: Control,
    commands: rtrb::Consumer<Command>,
    garbage: rtrb::Producer<Garbage>,
    reports: triple_buffer::Input<Report>,
    scope: rtrb::Producer<f32>,
    session: Option<Box<Chain>>,
    pending_session: Option<Box<Chain>>,
    sessions: u64,
    session_due: f64,
    applied_live: Option<LiveParams>,
    gate: f64,
    /// Device frames the gate stays closed after a new session is installed.
    gate_hold: usize,
    /// Transport gain: fades to 0 on pause (then the clock stops) and to 1 on play.
    run: f64,
    run_step: f64,
    slots: [Slot; 2],
    /// 0 plays A, 1 plays B.
    ab: f64,
    fade_step: f64,
    gate_step: f64,
    protection: Protection,
    frames: u64,
    since_report: usize,
    report_every: usize,
    peak: f64,
    scope_stage: StageId,
    scope_from: u64,
    scope_written: u64,
    mix: [Box<[f64]>; 2],
    live: Option<Box<LiveFeed>>,
    /// The live input at the session's rate, one session step.
    live_block: Box<[f64]>,
    live_used: bool,
    /// The live input at the device's rate, one chunk, for the programs that play it.
    live_device: Box<[f64]>,
    /// Device frames since the session last took live input.
    live_unused: usize,
}

impl std::fmt::Debug for AudioEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioEngine").field("rate", &self.rate).field("frames", &self.frames).finish_non_exhaustive()
    }
}

/// The UI side of an engine: settings in, built objects in, reports and garbage out.
pub struct EngineRemote {
    rate: f64,
    control: triple_buffer::Input<Control>,
    sent: Control,
    commands: rtrb::Producer<Command>,
    reports: triple_buffer::Output<Report>,
    garbage: rtrb::Consumer<Garbage>,
    scope: rtrb::Consumer<f32>,
    scope_read: u64,
    serial: u64,
}

impl std::fmt::Debug for EngineRemote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineRemote").field("rate", &self.rate).finish_non_exhaustive()
    }
}

/// An engine at `rate` (the device's sample rate) and its remote.
#[must_use]
pub fn engine(rate: f64, control: &Control) -> (EngineRemote, AudioEngine) {
    let (control_in, control_out) = triple_buffer::triple_buffer(control);
    let (command_tx, command_rx) = rtrb::RingBuffer::new(COMMANDS);
    let (garbage_tx, garbage_rx) = rtrb::RingBuffer::new(GARBAGE);
    let (report_in, report_out) = triple_buffer::triple_buffer(&Report::default());
    let (scope_tx, scope_rx) = rtrb::RingBuffer::new(SCOPE);
    let protection = Protection::with_volume_db(rate, control.volume_db);
    let engine = AudioEngine {
        rate,
        control_in: control_out,
        control: *control,
        commands: command_rx,
        garbage: garbage_tx,
        reports: report_in,
        scope: scope_tx,
        session: None,
        pending_session: None,
        sessions: 0,
        session_due: 0.0,
        applied_live: None,
        gate: 1.0,
        gate_hold: 0,
        // A new engine fades in, whatever played before it.
        run: 0.0,
        run_step: 1.0 / (RUN_FADE_SECS * rate).max(1.0),
        slots: [Slot::new(rate), Slot::new(rate)],
        ab: if control.active == Side::B { 1.0 } else { 0.0 },
        fade_step: 1.0 / (FADE_SECS * rate).max(1.0),
        gate_step: 1.0 / (GATE_SECS * rate).max(1.0),
        protection,
        frames: 0,
        since_report: 0,
        report_every: (REPORT_SECS * rate).round().max(1.0) as usize,
        peak: 0.0,
        scope_stage: control.scope_stage,
        scope_from: 0,
        scope_written: 0,
        mix: [vec![0.0; CHUNK].into_boxed_slice(), vec![0.0; CHUNK].into_boxed_slice()],
        live: None,
        live_block: vec![0.0; MAX_BLOCK].into_boxed_slice(),
        live_used: false,
        live_device: vec![0.0; CHUNK].into_boxed_slice(),
        live_unused: 0,
    };
    let remote = EngineRemote {
        rate,
        control: control_in,
        sent: *control,
        commands: command_tx,
        reports: report_out,
        garbage: garbage_rx,
        scope: scope_rx,
        scope_read: 0,
        serial: 0,
    };
    (remote, engine)
}

impl AudioEngine {
    /// The device's sample rate.
    #[must_use]
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Fills `out` (interleaved, `channels` per frame) with the next frames. Left and right go
    /// to the first two channels (a mono device gets their mean, further channels silence).
    pub fn process(&mut self, out: &mut [f32], channels: usize) {
        prevent_denormals();
        let channels = channels.max(1);
        self.control = *self.control_in.read();
        self.protection.set_volume_db(self.control.volume_db);
        let took = self.take_commands();
        if self.control.scope_stage != self.scope_stage {
            self.scope_stage = self.control.scope_stage;
            self.scope_from = self.scope_written;
        }
        let frames = out.len() / channels;
        if !self.control.playing && self.run <= 0.0 {
            // Paused and faded out: silence, and the clock stands still.
            out.fill(0.0);
            if let Some(feed) = &mut self.live {
                feed.idle();
            }
            self.publish();
            return;
        }
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(CHUNK);
            self.render_chunk(n);
            let [ml, mr] = &self.mix;
            for (i, frame) in out[done * channels..(done + n) * channels].chunks_exact_mut(channels).enumerate() {
                let (l, r) = self.protection.tick(ml[i], mr[i]);
                self.peak = self.peak.max(l.abs()).max(r.abs());
                if channels == 1 {
                    frame[0] = (0.5 * (l + r)) as f32;
                } else {
                    frame[0] = l as f32;
                    frame[1] = r as f32;
                    frame[2..].fill(0.0);
                }
            }
            done += n;
            self.frames += n as u64;
            self.start_queued();
            self.since_report += n;
            if self.since_report >= self.report_every {
                self.since_report = 0;
                self.publish();
            }
        }
        out[frames * channels..].fill(0.0);
        if took {
            // Let the UI know at once which programs play.
            self.publish();
        }
    }

    /// Takes what the UI sent; returns whether anything came.
    fn take_commands(&mut self) -> bool {
        let mut took = false;
        while self.garbage.slots() >= GARBAGE_RESERVE {
            let Ok(command) = self.commands.pop() else { break };
            took = true;
            match command {
                Command::Session(chain) => {
                    if let Some(old) = self.pending_session.replace(chain) {
                        self.throw(Garbage::Chain(old));
                    }
                }
                Command::Program { side, program, serial } => {
                    let slot = &mut self.slots[side as usize];
                    if slot.outgoing.is_some() {
                        // A fade is under way: this one starts when it ends. One that was
                        // waiting was never heard and can go.
                        if let Some((never_heard, _)) = slot.queued.replace((program, serial)) {
                            self.throw(Garbage::Program(never_heard));
                        }
                    } else {
                        self.start_program(side, program, serial);
                    }
                }
                Command::ResetMeters => {
                    if let Some(s) = &mut self.session {
                        s.reset_meters();
                    }
                }
                Command::ResetClips(stage) => {
                    if let Some(s) = &mut self.session
                        && s.has_stage(stage)
                    {
                        s.reset_clips(stage);
                    }
                }
                Command::LiveInput(feed) => {
                    if let Some(old) = std::mem::replace(&mut self.live, feed) {
                        self.throw(Garbage::LiveInput(old));
                    }
                }
            }
        }
        // A session swap is instant when no session runs yet or nothing heard plays it;
        // otherwise it waits for the gate to close.
        let heard = self.session.is_some()
            && (self.control.playing || self.run > 0.0)
            && self.slots.iter().any(|s| s.current.as_deref().is_some_and(Program::taps_session));
        if self.pending_session.is_some() && (!heard || self.gate <= 0.0) {
            self.install_session();
        }
        took
    }

    /// Starts `program` in `side`'s slot now, fading from what the slot played (no fade may be
    /// under way).
    fn start_program(&mut self, side: Side, mut program: Box<Program>, serial: u64) {
        let session_pos = self.session.as_ref().map(|s| s.position());
        program.start(self.frames, self.rate, session_pos);
        let heard = self.control.playing || self.run > 0.0;
        let slot = &mut self.slots[side as usize];
        debug_assert!(slot.outgoing.is_none(), "a fade is cut");
        slot.outgoing = slot.current.replace(program);
        slot.fade = if slot.outgoing.is_some() && heard { 0.0 } else { 1.0 };
        slot.serial = serial;
        if slot.fade >= 1.0
            && let Some(old) = slot.outgoing.take()
        {
            self.throw(Garbage::Program(old));
        }
    }

    /// Starts the programs that waited for a fade to end.
    fn start_queued(&mut self) {
        for side in [Side::A, Side::B] {
            let slot = &mut self.slots[side as usize];
            if slot.outgoing.is_none()
                && let Some((program, serial)) = slot.queued.take()
            {
                self.start_program(side, program, serial);
            }
        }
    }

    /// Hands `g` to the UI thread to free; the reserve kept by `take_commands` makes room.
    fn throw(&mut self, g: Garbage) {
        if let Err(rtrb::PushError::Full(g)) = self.garbage.push(g) {
            // Cannot happen with the reserve; leaking is still better than freeing here.
            std::mem::forget(g);
        }
    }

    fn install_session(&mut self) {
        let Some(mut chain) = self.pending_session.take() else { return };
        // A new chain's delay lines (the limiter's lookahead) start empty: it is heard only
        // once they hold its sound, or the sound would start with a step.
        self.gate_hold = (chain.latency_samples() as f64 * self.rate / chain.sample_rate_hz()).ceil() as usize;
        if let Some(old) = self.session.take() {
            chain.seek(old.position());
            self.throw(Garbage::Chain(old));
        }
        self.session = Some(chain);
        self.sessions += 1;
        self.applied_live = None;
        self.session_due = 0.0;
        for slot in &mut self.slots {
            for p in slot.programs_mut() {
                if let Program::Session(tap) = p {
                    tap.reset();
                }
            }
        }
        self.scope_from = self.scope_written;
    }

    fn session_step(&mut self, n: usize) {
        let Some(chain) = &mut self.session else { return };
        match &mut self.live {
            Some(feed) if chain.has_live_input() => {
                let block = &mut self.live_block[..n];
                feed.fill(chain.sample_rate_hz(), block);
                chain.process_with_input(n, block);
                self.live_used = true;
            }
            _ => chain.process(n),
        }
        for slot in &mut self.slots {
            for p in slot.programs_mut() {
                if let Program::Session(tap) = p
                    && chain.has_stage(tap.stage())
                {
                    tap.feed(chain, n);
                }
            }
        }
        if chain.has_stage(self.scope_stage) {
            let [a, b] = chain.tap(self.scope_stage, n);
            let k = a.len().min(self.scope.slots());
            if let Ok(chunk) = self.scope.write_chunk_uninit(k) {
                let written = if b.is_empty() {
                    chunk.fill_from_iter(a.iter().map(|&x| x as f32))
                } else {
                    chunk.fill_from_iter(a.iter().zip(b).map(|(&x, &y)| (0.5 * (x + y)) as f32))
                };
                self.scope_written += written as u64;
            }
        }
    }

    /// Frames the session taps of the slots have ready (taps of a stage the running chain lacks
    /// play silence and wait for the chain that has it); `None` when no slot taps the session.
    fn least_ready(&self) -> Option<usize> {
        let chain = self.session.as_deref()?;
        self.slots
            .iter()
            .flat_map(|s| s.current.as_deref().into_iter().chain(s.outgoing.as_deref()))
            .filter_map(|p| match p {
                Program::Session(tap) if chain.has_stage(tap.stage()) => Some(tap.ready()),
                _ => None,
            })
            .min()
    }

    fn run_session(&mut self, n: usize) {
        let Some(chain) = &mut self.session else { return };
        if self.applied_live != Some(self.control.live) {
            chain.apply_live(&self.control.live);
            self.applied_live = Some(self.control.live);
        }
        let fs = chain.sample_rate_hz();
        // One block's worth of session samples, and a few for the rounding of each step.
        let mut budget = (n as f64 * fs / self.rate).ceil() as usize + SESSION_SLACK;
        match self.least_ready() {
            Some(mut ready) => {
                // Run the session as far as the slots that play it need, within the budget.
                while ready < n && budget > 0 {
                    let step = (((n - ready) as f64 * fs / self.rate).ceil() as usize).clamp(1, MAX_BLOCK).min(budget);
                    self.session_step(step);
                    budget -= step;
                    ready = self.least_ready().unwrap_or(n);
                }
                self.session_due = 0.0;
            }
            None if self.control.run_session => {
                // Only the meters need it: keep it in time with the device clock.
                self.session_due += n as f64 * fs / self.rate;
                while self.session_due >= 1.0 && budget > 0 {
                    let step = (self.session_due.floor() as usize).min(MAX_BLOCK).min(budget);
                    self.session_step(step);
                    self.session_due -= step as f64;
                    budget -= step;
                }
            }
            None => {}
        }
    }

    fn render_chunk(&mut self, n: usize) {
        self.live_used = false;
        self.run_session(n);
        let live_n = if self.slots.iter().any(|s| s.programs().any(Program::takes_live_input)) {
            // The session's live tracks had it first (the desk and the converter screen are
            // not heard at once); otherwise the programs get it at the device's rate.
            match &mut self.live {
                Some(feed) if !self.live_used => {
                    feed.fill(self.rate, &mut self.live_device[..n]);
                    self.live_used = true;
                    n
                }
                _ => 0,
            }
        } else {
            0
        };
        self.live_unused = if self.live_used { 0 } else { self.live_unused + n };
        if (self.live_unused as f64) > LIVE_IDLE_SECS * self.rate
            && let Some(feed) = &mut self.live
        {
            // Nothing plays it (a step may skip a chunk, not this long): it waits, so that it
            // starts afresh rather than late.
            feed.idle();
        }
        let rate = self.rate;
        let fade_step = self.fade_step;
        for slot in &mut self.slots {
            let [l, r] = &mut slot.buf;
            if let Some(p) = slot.current.as_deref_mut() {
                p.fill(rate, &self.live_device[..live_n], &mut l[..n], &mut r[..n]);
            } else {
                l[..n].fill(0.0);
                r[..n].fill(0.0);
            }
            if let Some(old) = slot.outgoing.as_deref_mut() {
                let [ol, or] = &mut slot.old;
                old.fill(rate, &self.live_device[..live_n], &mut ol[..n], &mut or[..n]);
                for i in 0..n {
                    slot.fade = (slot.fade + fade_step).min(1.0);
                    let g = slot.fade;
                    l[i] = g * l[i] + (1.0 - g) * ol[i];
                    r[i] = g * r[i] + (1.0 - g) * or[i];
                }
            }
            slot.follower.process(&l[..n], &r[..n]);
        }
        for side in [Side::A, Side::B] {
            let slot = &mut self.slots[side as usize];
            if slot.fade >= 1.0
                && let Some(old) = slot.outgoing.take()
            {
                self.throw(Garbage::Program(old));
            }
        }
        // Loudness matching: the louder slot comes down to the quieter one.
        let both = self.slots[0].plays() && self.slots[1].plays();
        let ms = [self.slots[0].follower.mean_square, self.slots[1].follower.mean_square];
        let quieter = ms[0].min(ms[1]);
        let mut from = [0.0; 2];
        let mut to = [0.0; 2];
        for (k, slot) in self.slots.iter_mut().enumerate() {
            let target = if self.control.loudness_match && both && quieter > 1e-12 {
                (quieter / ms[k]).sqrt().clamp(1e-3, 1.0)
            } else {
                1.0
            };
            from[k] = slot.match_gain;
            // Glide over about 50 ms.
            let a = (-(n as f64) / (0.05 * self.rate)).exp();
            slot.match_gain = target + a * (slot.match_gain - target);
            to[k] = slot.match_gain;
        }
        // A/B: fade between the slots; B with nothing in it plays A.
        let target = if self.control.active == Side::B && self.slots[1].current.is_some() { 1.0 } else { 0.0 };
        let gate_target = if self.pending_session.is_some() || self.gate_hold > 0 { 0.0 } else { 1.0 };
        self.gate_hold = self.gate_hold.saturating_sub(n);
        let run_target = if self.control.playing { 1.0 } else { 0.0 };
        let [ml, mr] = &mut self.mix;
        let ([al, ar], [bl, br]) = (&self.slots[0].buf, &self.slots[1].buf);
        for i in 0..n {
            let t = (i + 1) as f64 / n as f64;
            let ga = from[0] + t * (to[0] - from[0]);
            let gb = from[1] + t * (to[1] - from[1]);
            self.ab = approach(self.ab, target, fade_step);
            self.gate = approach(self.gate, gate_target, self.gate_step);
            self.run = approach(self.run, run_target, self.run_step);
            let g = self.gate * self.run;
            let (wa, wb) = ((1.0 - self.ab) * ga * g, self.ab * gb * g);
            ml[i] = wa * al[i] + wb * bl[i];
            mr[i] = wa * ar[i] + wb * br[i];
        }
        if self.pending_session.is_some() && self.gate <= 0.0 {
            self.install_session();
        }
    }

    fn publish(&mut self) {
        let r = self.reports.input_buffer_mut();
        r.frames = self.frames;
        r.playing = self.control.playing;
        r.has_session = self.session.is_some();
        r.sessions = self.sessions;
        if let Some(s) = &self.session {
            s.meter_frame(&mut r.meters);
        }
        r.serials = [self.slots[0].serial, self.slots[1].serial];
        r.active = if self.control.active == Side::B && self.slots[1].current.is_some() { Side::B } else { Side::A };
        r.output_peak_dbfs = amp_to_db(std::mem::take(&mut self.peak));
        r.protection_db = self.protection.reduction_db();
        r.loudness_lufs = [lufs_of(self.slots[0].follower.mean_square), lufs_of(self.slots[1].follower.mean_square)];
        r.match_gain_db = [amp_to_db(self.slots[0].match_gain), amp_to_db(self.slots[1].match_gain)];
        r.scope_stage = self.scope_stage;
        r.scope_stage_from = self.scope_from;
        r.scope_written = self.scope_written;
        r.live = self.live.as_ref().map(|f| f.report());
        self.reports.publish();
    }
}

/// Sets this thread's floating-point unit to flush denormal numbers to zero (x86: FTZ and DAZ;
/// elsewhere nothing is needed or done). Filter tails decaying towards zero in silence would
/// otherwise become denormal, and denormal arithmetic is up to a hundred times slower: a
/// callback that takes 2 % of its block with sound would overrun it in silence. Every callback
/// calls it first (the thread may not be ours).
#[inline]
pub fn prevent_denormals() {
    fundsp::denormal::prevent_denormals();
}

/// One step of a linear glide from `current` to `target`.
#[inline]
fn approach(current: f64, target: f64, step: f64) -> f64 {
    if current < target { (current + step).min(target) } else { (current - step).max(target) }
}

impl EngineRemote {
    /// The device's sample rate.
    #[must_use]
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Sends new settings (only when they changed).
    pub fn set_control(&mut self, control: &Control) {
        if *control != self.sent {
            self.sent = *control;
            self.control.write(*control);
        }
    }

    /// The settings last sent.
    #[must_use]
    pub fn control(&self) -> &Control {
        &self.sent
    }

    /// Sends a new session chain; gives it back if the queue is full.
    ///
    /// # Errors
    /// The chain, when the queue is full (try again next frame).
    pub fn send_session(&mut self, chain: Chain) -> Result<(), Box<Chain>> {
        self.commands.push(Command::Session(Box::new(chain))).map_err(|rtrb::PushError::Full(c)| match c {
            Command::Session(c) => c,
            _ => unreachable!("the command pushed"),
        })
    }

    /// Sends a program for `side`; returns its serial (it appears in the report once it plays).
    ///
    /// # Errors
    /// The program, when the queue is full.
    pub fn send_program(&mut self, side: Side, program: Program) -> Result<u64, Box<Program>> {
        self.serial += 1;
        let serial = self.serial;
        match self.commands.push(Command::Program { side, program: Box::new(program), serial }) {
            Ok(()) => Ok(serial),
            Err(rtrb::PushError::Full(Command::Program { program, .. })) => Err(program),
            Err(_) => unreachable!("the command pushed"),
        }
    }

    /// Hands the engine a live input for the session's live tracks (`None`: stop taking one).
    ///
    /// # Errors
    /// The feed, when the queue is full (try again next frame).
    pub fn send_live_input(&mut self, feed: Option<Box<LiveFeed>>) -> Result<(), Option<Box<LiveFeed>>> {
        match self.commands.push(Command::LiveInput(feed)) {
            Ok(()) => Ok(()),
            Err(rtrb::PushError::Full(Command::LiveInput(f))) => Err(f),
            Err(_) => unreachable!("the command pushed"),
        }
    }

    /// Asks the engine to forget every measurement; false when the queue is full.
    pub fn reset_meters(&mut self) -> bool {
        self.commands.push(Command::ResetMeters).is_ok()
    }

    /// Asks the engine to clear a stage's clip count; false when the queue is full.
    pub fn reset_clips(&mut self, stage: StageId) -> bool {
        self.commands.push(Command::ResetClips(stage)).is_ok()
    }

    /// The latest report.
    pub fn report(&mut self) -> &Report {
        self.reports.read()
    }

    /// Frees what the engine has finished with; returns how many objects.
    pub fn collect_garbage(&mut self) -> usize {
        let mut n = 0;
        while let Ok(g) = self.garbage.pop() {
            drop(g);
            n += 1;
        }
        n
    }

    /// Appends the scope samples that arrived to `out`; returns the index (counted from the
    /// engine's first) of the first one appended.
    pub fn read_scope(&mut self, out: &mut Vec<f32>) -> u64 {
        let first = self.scope_read;
        let n = self.scope.slots();
        if let Ok(chunk) = self.scope.read_chunk(n) {
            let (a, b) = chunk.as_slices();
            out.extend_from_slice(a);
            out.extend_from_slice(b);
            chunk.commit_all();
        }
        self.scope_read += n as u64;
        first
    }
}
