//! The sound output, whatever plays it: a device, or a silent clock when there is none. This
//! module keeps it playing, with no platform code in it (the backends live in
//! [`crate::platform`]):
//!
//! - the buffer is sized to the device: a period of about 20 ms is asked for first and doubled
//!   when underruns repeat, up to about 100 ms of buffering ([`next_period`]). Not 10 ms: a
//!   sound server (PulseAudio through ALSA's pulse plugin) can run its own buffer dry and play
//!   a period of silence without the stream ever seeing an underrun, so the growth below
//!   never starts; with the input open as well that happened in most runs at 10 ms on a busy
//!   2-core machine, and in none at 20 ms;
//! - a stream that reports a failure (device gone, stream invalidated, device busy) or stops
//!   calling back (the watchdog) is closed and the default device opened again, at once and
//!   then with a short back-off, while a silent clock keeps the engine's meters running;
//! - "visual only" only when no device opens, with [`SoundOutput::retry`] for a button.
//!
//! Every stream owns a fresh [`AudioEngine`] at its own rate; [`SoundOutput::poll`] hands the
//! app the new engine's remote, and the app sends it everything again (settings, programs, the
//! session at the position the last one had reached).

use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64, Ordering};

use crate::audio::engine::{AudioEngine, CHUNK, Control, EngineRemote, engine};

/// Seconds of buffering asked for per period at first.
pub const FIRST_PERIOD_SECS: f64 = 0.020;
/// Most buffering the output grows to on underruns, seconds (two periods).
pub const MAX_BUFFER_SECS: f64 = 0.100;
/// A stream that has not called back for this long while it should have is replaced, seconds.
pub const WATCHDOG_SECS: f64 = 1.0;
/// How long a stream that reported an unclassified error may go without calling back before it
/// is replaced, seconds (one that calls back plays on).
pub const ERROR_GRACE_SECS: f64 = 0.25;
/// A new stream may pause longer while its sound server starts it (PulseAudio fills its buffer,
/// then waits a few hundred milliseconds), seconds.
pub const STARTING_WATCHDOG_SECS: f64 = 2.0;
/// How long a stream counts as starting, seconds.
pub const STARTING_SECS: f64 = 3.0;
/// Underruns this close together make the buffer grow, seconds.
pub const UNDERRUN_WINDOW_SECS: f64 = 5.0;
/// Underruns within [`UNDERRUN_WINDOW_SECS`] that make the buffer grow.
pub const UNDERRUNS_TO_GROW: usize = 2;
/// Underruns in the first moments after opening are the start-up's, not the device's, seconds.
pub const SETTLE_SECS: f64 = 0.5;
/// Delays between attempts to reopen a lost device, seconds (the last one repeats).
pub const RETRY_DELAYS_SECS: [f64; 5] = [0.1, 0.2, 0.3, 0.4, 0.5];
/// The rate of the silent clock, Hz.
pub const SILENT_RATE: f64 = 48_000.0;

/// Why a stream stopped, as the callback reports it (kept in an atomic).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Failure {
    /// The device went away (unplugged, its server stopped or changed).
    Gone = 1,
    /// The stream must be built again (its configuration is no longer valid).
    Invalidated = 2,
    /// The device is busy for now.
    Busy = 3,
    /// Any other error the backend reports.
    Other = 4,
}

impl Failure {
    fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Gone),
            2 => Some(Self::Invalidated),
            3 => Some(Self::Busy),
            4 => Some(Self::Other),
            _ => None,
        }
    }

    /// As a sentence for the sound bar.
    #[must_use]
    pub fn sentence(self) -> &'static str {
        match self {
            Self::Gone => "the audio device went away",
            Self::Invalidated => "the audio device changed",
            Self::Busy => "the audio device is busy",
            Self::Other => "the audio device reported an error",
        }
    }
}

/// Counters a stream's callback updates and the UI thread reads: plain atomics, so the
/// callback never waits.
#[derive(Debug, Default)]
pub struct StreamHealth {
    callbacks: AtomicU64,
    frames: AtomicU64,
    underruns: AtomicU64,
    latency_us: AtomicU32,
    failure: AtomicU8,
}

/// What [`StreamHealth`] held at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HealthSnapshot {
    /// Callbacks so far.
    pub callbacks: u64,
    /// Frames delivered so far.
    pub frames: u64,
    /// Underruns reported so far.
    pub underruns: u64,
    /// The output latency the backend measured last, seconds (zero: unknown).
    pub latency_secs: f64,
    /// Why the stream failed, if it did.
    pub failure: Option<Failure>,
}

impl StreamHealth {
    /// Notes a callback that delivered `frames` frames (audio thread).
    pub fn callback(&self, frames: usize) {
        self.callbacks.fetch_add(1, Ordering::Relaxed);
        self.frames.fetch_add(frames as u64, Ordering::Relaxed);
    }

    /// Notes an underrun (audio thread).
    pub fn underrun(&self) {
        self.underruns.fetch_add(1, Ordering::Relaxed);
    }

    /// Notes the latency from this callback to the moment its first frame is heard (audio thread).
    pub fn set_latency_secs(&self, secs: f64) {
        if secs.is_finite() && secs >= 0.0 {
            self.latency_us.store((secs * 1e6).min(f64::from(u32::MAX)) as u32, Ordering::Relaxed);
        }
    }

    /// Notes a failure; the first one is kept (audio or error thread).
    pub fn fail(&self, failure: Failure) {
        let _ = self.failure.compare_exchange(0, failure as u8, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Forgets a failure the output decided to live with (UI thread).
    pub fn clear_failure(&self) {
        self.failure.store(0, Ordering::Relaxed);
    }

    /// The counters now.
    #[must_use]
    pub fn snapshot(&self) -> HealthSnapshot {
        HealthSnapshot {
            callbacks: self.callbacks.load(Ordering::Relaxed),
            frames: self.frames.load(Ordering::Relaxed),
            underruns: self.underruns.load(Ordering::Relaxed),
            latency_secs: f64::from(self.latency_us.load(Ordering::Relaxed)) * 1e-6,
            failure: Failure::from_code(self.failure.load(Ordering::Relaxed)),
        }
    }
}

/// What an open stream is.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputInfo {
    /// The device's name ("silent clock" for none).
    pub name: String,
    /// Its sample rate, Hz.
    pub rate: f64,
    /// Its channels.
    pub channels: u16,
    /// Frames per callback, when known.
    pub period_frames: Option<u32>,
    /// Frames the device buffers in all (what a period change changes), when known.
    pub buffer_frames: Option<u32>,
    /// Whether the period was chosen here (and so can grow).
    pub adjustable: bool,
    /// A real device (false: the silent clock).
    pub audible: bool,
}

impl OutputInfo {
    /// The buffering in seconds, when known.
    #[must_use]
    pub fn buffer_secs(&self) -> Option<f64> {
        self.buffer_frames.map(|b| f64::from(b) / self.rate)
    }
}

/// An open output: dropping it closes it.
pub trait OutputStream {
    /// What it is.
    fn info(&self) -> &OutputInfo;
    /// Its counters.
    fn health(&self) -> &StreamHealth;
    /// Called every frame by the app: a clock without a thread of its own runs its engine
    /// here (the web page's silent clock and its Web Audio scheduling); others do nothing.
    fn pump(&mut self, _now: f64) {}

    /// Something the student must do or know before sound is heard ("click or press a key to
    /// turn the sound on": browsers start audio only after a gesture); meanwhile the engine
    /// runs silently and the stream is not judged stalled.
    fn waiting(&self) -> Option<&str> {
        None
    }
}

/// Opens outputs: the platform's devices, or a silent clock.
pub trait OutputBackend {
    /// Opens the default output device with about `period_frames` frames per callback (none:
    /// the device's own choice) and starts a new engine on it with `control`.
    ///
    /// # Errors
    /// Why no device plays, as a sentence.
    fn open_device(
        &mut self,
        period_frames: Option<u32>,
        control: &Control,
    ) -> Result<(Box<dyn OutputStream>, EngineRemote), String>;

    /// Starts a new engine on a silent clock at [`SILENT_RATE`]: its meters run, nothing is heard.
    fn open_silent(&mut self, control: &Control) -> (Box<dyn OutputStream>, EngineRemote);

    /// The period to ask for first at `rate`, Hz (none: leave it to the device).
    fn first_period(&self, rate: f64) -> Option<u32> {
        Some(period_for(rate, FIRST_PERIOD_SECS))
    }
}

/// Frames per period for `secs` at `rate`, rounded to a power of two (what devices like best).
#[must_use]
pub fn period_for(rate: f64, secs: f64) -> u32 {
    let frames = (rate * secs).max(16.0);
    let pow = frames.log2().round().clamp(4.0, 16.0);
    2f64.powf(pow) as u32
}

/// The next larger period after `period` at `rate` (double), if two periods of it stay within
/// [`MAX_BUFFER_SECS`] (allowing for the rounding to a power of two).
#[must_use]
pub fn next_period(period: u32, rate: f64) -> Option<u32> {
    let bigger = period.checked_mul(2)?;
    (2.0 * f64::from(bigger) / rate <= MAX_BUFFER_SECS * 1.1).then_some(bigger)
}

/// Where the output stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A device plays.
    Device,
    /// No device: the silent clock runs; retry automatically (a device was lost).
    Lost,
    /// No device opened, or sound is turned off: the silent clock runs until asked to retry.
    VisualOnly,
}

/// The sound output of the app: one stream at a time, kept playing.
pub struct SoundOutput {
    backend: Box<dyn OutputBackend>,
    stream: Box<dyn OutputStream>,
    mode: Mode,
    /// Why there is no device, for the status.
    reason: String,
    /// The period asked of the next device.
    period: Option<u32>,
    /// When the stream opened, seconds on the caller's clock.
    opened_at: f64,
    /// Callbacks seen at the last poll and when they last moved.
    watch: (u64, f64),
    /// An unclassified error the stream reported: the callbacks then and when it was seen.
    error_seen: Option<(u64, f64)>,
    /// Underruns seen at the last poll.
    underruns_seen: u64,
    /// Times of recent underruns.
    recent: Vec<f64>,
    /// Underruns of earlier streams.
    underruns_before: u64,
    /// Streams opened after the first (reopened or grown).
    reopens: u64,
    next_retry: Option<(f64, usize)>,
    /// What happened to the output, newest last (at most [`EVENTS_KEPT`]).
    events: Vec<String>,
}

/// Events [`SoundOutput::events`] keeps.
pub const EVENTS_KEPT: usize = 16;

impl std::fmt::Debug for SoundOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoundOutput")
            .field("mode", &self.mode)
            .field("info", self.stream.info())
            .finish_non_exhaustive()
    }
}

/// What the sound bar shows about the output.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutputStatus {
    /// "sound: NAME at 48000 Hz, 21 ms" or "no audio output: visual only".
    pub line: String,
    /// More about it (why there is no sound), for the tooltip.
    pub detail: String,
    /// Nothing is heard.
    pub visual_only: bool,
    /// Buffering, milliseconds (measured by the device when it can, else its buffer size).
    pub latency_ms: Option<f64>,
    /// Underruns since the app started, over every stream.
    pub underruns: u64,
    /// Streams opened again after the first (device changes, buffer growth).
    pub reopens: u64,
    /// Trying to get a lost device back.
    pub retrying: bool,
}

impl SoundOutput {
    /// Starts the output: the default device when `want_device`, else (or when it cannot open)
    /// the silent clock. `now` is the caller's clock in seconds.
    #[must_use]
    pub fn start(
        mut backend: Box<dyn OutputBackend>,
        want_device: bool,
        control: &Control,
        now: f64,
    ) -> (Self, EngineRemote) {
        let period = backend.first_period(SILENT_RATE);
        let opened = if want_device { Some(backend.open_device(period, control)) } else { None };
        let (stream, remote, mode, reason) = match opened {
            Some(Ok((stream, remote))) => (stream, remote, Mode::Device, String::new()),
            Some(Err(reason)) => {
                let (stream, remote) = backend.open_silent(control);
                (stream, remote, Mode::VisualOnly, reason)
            }
            None => {
                let (stream, remote) = backend.open_silent(control);
                (stream, remote, Mode::VisualOnly, "sound turned off".to_string())
            }
        };
        let out = Self {
            backend,
            stream,
            mode,
            reason,
            period,
            opened_at: now,
            watch: (0, now),
            error_seen: None,
            underruns_seen: 0,
            recent: Vec::with_capacity(8),
            underruns_before: 0,
            reopens: 0,
            next_retry: None,
            events: Vec::new(),
        };
        (out, remote)
    }

    /// What plays now.
    #[must_use]
    pub fn info(&self) -> &OutputInfo {
        self.stream.info()
    }

    /// What happened to the output (reopened, grown, lost, back), oldest first, each with the
    /// time on the caller's clock.
    #[must_use]
    pub fn events(&self) -> &[String] {
        &self.events
    }

    fn note(&mut self, now: f64, what: String) {
        if self.events.len() == EVENTS_KEPT {
            self.events.remove(0);
        }
        self.events.push(format!("{now:.2} s: {what}"));
    }

    /// The counters of the stream playing now (tests mark failures and underruns on it).
    #[must_use]
    pub fn health(&self) -> &StreamHealth {
        self.stream.health()
    }

    /// Whether a device plays.
    #[must_use]
    pub fn is_audible(&self) -> bool {
        self.mode == Mode::Device
    }

    /// Tries the default device again now (the sound bar's "retry sound"); returns the new
    /// engine's remote when it opened.
    pub fn retry(&mut self, control: &Control, now: f64) -> Option<EngineRemote> {
        if self.mode == Mode::Device {
            return None;
        }
        self.period = self.backend.first_period(self.info().rate);
        match self.try_device(control, now) {
            Ok(remote) => Some(remote),
            Err(reason) => {
                self.reason = reason;
                None
            }
        }
    }

    /// Watches the stream; call it every frame with the caller's clock in seconds. Returns a
    /// new engine's remote when the stream was replaced: the app must send it everything again.
    pub fn poll(&mut self, now: f64, control: &Control) -> Option<EngineRemote> {
        self.stream.pump(now);
        let health = self.stream.health().snapshot();
        if health.callbacks != self.watch.0 {
            self.watch = (health.callbacks, now);
        }
        match self.mode {
            Mode::Device => {
                if self.stream.waiting().is_some() {
                    self.watch = (health.callbacks, now);
                    self.opened_at = now;
                    return None;
                }
                let limit = if now - self.opened_at < STARTING_SECS { STARTING_WATCHDOG_SECS } else { WATCHDOG_SECS };
                let stalled = now - self.watch.1 > limit;
                if health.failure == Some(Failure::Other) {
                    // An error the backend could not name (often the tail of an xrun): the
                    // stream is kept while it goes on calling back, replaced when it stops.
                    let (callbacks, seen) = *self.error_seen.get_or_insert((health.callbacks, now));
                    if health.callbacks > callbacks {
                        self.stream.health().clear_failure();
                        self.error_seen = None;
                        self.note(now, format!("{}; it plays on", Failure::Other.sentence()));
                    } else if now - seen > ERROR_GRACE_SECS {
                        return Some(self.lose(Failure::Other.sentence(), control, now));
                    }
                } else if let Some(failure) = health.failure {
                    return Some(self.lose(failure.sentence(), control, now));
                }
                if stalled {
                    return Some(self.lose("the audio device stopped asking for sound", control, now));
                }
                self.grow_on_underruns(health.underruns, control, now)
            }
            Mode::Lost => {
                let (at, attempt) = self.next_retry?;
                if now < at {
                    return None;
                }
                if let Ok(remote) = self.try_device(control, now) {
                    self.note(now, "the device is back".into());
                    Some(remote)
                } else {
                    let delay = RETRY_DELAYS_SECS[attempt.min(RETRY_DELAYS_SECS.len() - 1)];
                    self.next_retry = Some((now + delay, attempt + 1));
                    None
                }
            }
            Mode::VisualOnly => None,
        }
    }

    /// What the sound bar shows.
    #[must_use]
    pub fn status(&self) -> OutputStatus {
        let info = self.stream.info();
        let health = self.stream.health().snapshot();
        let underruns = self.underruns_before + health.underruns;
        match self.mode {
            Mode::Device => {
                let latency = if health.latency_secs > 0.0 { Some(health.latency_secs) } else { info.buffer_secs() };
                let latency_ms = latency.map(|s| s * 1e3);
                let period = info.period_frames.map_or_else(String::new, |p| format!(", {p}-frame periods"));
                let buffer = latency_ms.map_or_else(String::new, |ms| format!(", {ms:.0} ms"));
                let line = match self.stream.waiting() {
                    Some(what) => format!("sound: {what}"),
                    None => format!("sound: {} at {:.0} Hz{buffer}", info.name, info.rate),
                };
                OutputStatus {
                    line,
                    detail: format!(
                        "Sound plays through {}{period}. {underruns} underrun(s) so far{}. The volume and a safety \
                         limiter protect your ears.",
                        info.name,
                        if self.reopens > 0 { format!(", reopened {} time(s)", self.reopens) } else { String::new() },
                    ),
                    visual_only: false,
                    latency_ms,
                    underruns,
                    reopens: self.reopens,
                    retrying: false,
                }
            }
            Mode::Lost | Mode::VisualOnly => OutputStatus {
                line: if self.mode == Mode::Lost {
                    "sound lost: retrying (visual only)".into()
                } else {
                    "no audio output: visual only".into()
                },
                detail: self.reason.clone(),
                visual_only: true,
                latency_ms: None,
                underruns,
                reopens: self.reopens,
                retrying: self.mode == Mode::Lost,
            },
        }
    }

    /// The device failed: try it again at once; if it does not open, run the silent clock and
    /// keep trying.
    fn lose(&mut self, why: &str, control: &Control, now: f64) -> EngineRemote {
        self.note(now, format!("{why}: reopening"));
        self.reason = why.to_string();
        match self.try_device(control, now) {
            Ok(remote) => remote,
            Err(e) => {
                self.reason = format!("{why}; {e}");
                let silent = self.backend.open_silent(control);
                let remote = self.replace(silent, now);
                self.mode = Mode::Lost;
                self.next_retry = Some((now + RETRY_DELAYS_SECS[0], 1));
                remote
            }
        }
    }

    /// Grows the buffer when underruns repeat and it may grow.
    fn grow_on_underruns(&mut self, underruns: u64, control: &Control, now: f64) -> Option<EngineRemote> {
        let new = underruns.saturating_sub(self.underruns_seen);
        self.underruns_seen = underruns;
        if new == 0 || now - self.opened_at < SETTLE_SECS {
            return None;
        }
        self.recent.retain(|&t| now - t <= UNDERRUN_WINDOW_SECS);
        for _ in 0..new.min(8) {
            if self.recent.len() < self.recent.capacity() {
                self.recent.push(now);
            }
        }
        let info = self.stream.info();
        if self.recent.len() < UNDERRUNS_TO_GROW || !info.adjustable {
            return None;
        }
        let period = info.period_frames?;
        let bigger = next_period(period, info.rate)?;
        self.note(now, format!("underruns: periods of {period} -> {bigger} frames"));
        self.period = Some(bigger);
        self.recent.clear();
        // The stream is still good: keep it if the bigger one does not open.
        self.try_device(control, now).ok()
    }

    /// Opens the default device with the period asked for; on success it replaces the stream.
    fn try_device(&mut self, control: &Control, now: f64) -> Result<EngineRemote, String> {
        let opened = self.backend.open_device(self.period, control)?;
        let remote = self.replace(opened, now);
        self.mode = Mode::Device;
        self.next_retry = None;
        self.reason.clear();
        Ok(remote)
    }

    /// Puts `opened` in place of the current stream (which closes), keeping the counts.
    fn replace(&mut self, opened: (Box<dyn OutputStream>, EngineRemote), now: f64) -> EngineRemote {
        let (stream, remote) = opened;
        let old = std::mem::replace(&mut self.stream, stream);
        if old.info().audible {
            self.underruns_before += old.health().snapshot().underruns;
        }
        drop(old);
        self.reopens += 1;
        self.opened_at = now;
        self.watch = (0, now);
        self.error_seen = None;
        self.underruns_seen = 0;
        self.recent.clear();
        remote
    }
}

/// A silent clock run by the caller's frames: each [`OutputStream::pump`] runs the engine for
/// the time elapsed since the last one. The web page has no threads for a clock of its own,
/// and tests want time they control.
pub struct FrameClock {
    engine: Box<AudioEngine>,
    /// The caller's time of the first pump.
    start: Option<f64>,
    /// Frames run since then (or skipped after a stall).
    done: u64,
    scratch: Box<[f32]>,
    info: OutputInfo,
    health: StreamHealth,
}

/// Most a [`FrameClock`] catches up in one pump, seconds.
pub const MAX_CATCH_UP_SECS: f64 = 0.25;

impl FrameClock {
    /// A clock running `engine`, named `name`; `audible` says whether it stands for a device
    /// (a mock one in tests).
    #[must_use]
    pub fn new(engine: AudioEngine, name: &str, audible: bool) -> Self {
        let rate = engine.rate();
        Self {
            engine: Box::new(engine),
            start: None,
            done: 0,
            scratch: vec![0.0; 2 * CHUNK].into_boxed_slice(),
            info: OutputInfo {
                name: name.to_string(),
                rate,
                channels: 2,
                period_frames: Some(CHUNK as u32),
                buffer_frames: Some(2 * CHUNK as u32),
                adjustable: audible,
                audible,
            },
            health: StreamHealth::default(),
        }
    }
}

impl OutputStream for FrameClock {
    fn info(&self) -> &OutputInfo {
        &self.info
    }

    fn health(&self) -> &StreamHealth {
        &self.health
    }

    fn pump(&mut self, now: f64) {
        let start = *self.start.get_or_insert(now);
        // From the start, not from the last pump, so that rounding never adds up (the small
        // allowance keeps 20 ms steps on whole frames).
        let due = ((now - start).max(0.0) * self.info.rate + 1e-6).floor() as u64;
        let most = (MAX_CATCH_UP_SECS * self.info.rate) as u64;
        if due > self.done + most {
            self.done = due - most;
        }
        let mut frames = due.saturating_sub(self.done) as usize;
        self.done += frames as u64;
        while frames > 0 {
            let n = frames.min(CHUNK);
            self.engine.process(&mut self.scratch[..2 * n], 2);
            self.health.callback(n);
            frames -= n;
        }
    }
}

/// A backend for tests and benchmarks: its "devices" are [`FrameClock`]s; whether one opens,
/// and the health of the one open, are the test's to set.
#[derive(Clone, Debug, Default)]
pub struct MockBackend {
    /// Shared with the test.
    pub state: std::sync::Arc<MockState>,
}

/// What a test controls of a [`MockBackend`].
#[derive(Debug)]
pub struct MockState {
    /// Whether a device opens.
    pub available: std::sync::atomic::AtomicBool,
    /// The device's rate, Hz.
    pub rate_hz: AtomicU32,
    /// Devices opened so far.
    pub opened: AtomicU64,
    /// The period last asked for (0: none).
    pub period_asked: AtomicU32,
    /// The open device stops calling back.
    pub stalled: std::sync::atomic::AtomicBool,
}

impl Default for MockState {
    fn default() -> Self {
        Self {
            available: std::sync::atomic::AtomicBool::new(true),
            rate_hz: AtomicU32::new(48_000),
            opened: AtomicU64::new(0),
            period_asked: AtomicU32::new(0),
            stalled: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

impl OutputBackend for MockBackend {
    fn open_device(
        &mut self,
        period_frames: Option<u32>,
        control: &Control,
    ) -> Result<(Box<dyn OutputStream>, EngineRemote), String> {
        let s = &self.state;
        s.period_asked.store(period_frames.unwrap_or(0), Ordering::Relaxed);
        if !s.available.load(Ordering::Relaxed) {
            return Err("no mock device".into());
        }
        s.opened.fetch_add(1, Ordering::Relaxed);
        let (remote, engine) = engine(f64::from(s.rate_hz.load(Ordering::Relaxed)), control);
        let mut clock = FrameClock::new(engine, "mock device", true);
        clock.info.period_frames = period_frames.or(Some(CHUNK as u32));
        clock.info.buffer_frames = clock.info.period_frames.map(|p| 2 * p);
        Ok((Box::new(MockDevice { clock, state: std::sync::Arc::clone(&self.state) }), remote))
    }

    fn open_silent(&mut self, control: &Control) -> (Box<dyn OutputStream>, EngineRemote) {
        let (remote, engine) = engine(SILENT_RATE, control);
        (Box::new(FrameClock::new(engine, "silent clock", false)), remote)
    }
}

/// A [`MockBackend`]'s device: a frame clock that stops when the test says so.
struct MockDevice {
    clock: FrameClock,
    state: std::sync::Arc<MockState>,
}

impl OutputStream for MockDevice {
    fn info(&self) -> &OutputInfo {
        self.clock.info()
    }

    fn health(&self) -> &StreamHealth {
        self.clock.health()
    }

    fn pump(&mut self, now: f64) {
        if self.state.stalled.load(Ordering::Relaxed) {
            // Time passes, nothing is asked for.
            let start = *self.clock.start.get_or_insert(now);
            self.clock.done = ((now - start).max(0.0) * self.clock.info.rate) as u64;
        } else {
            self.clock.pump(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::Ordering::Relaxed;

    fn mock(available: bool) -> (Box<MockBackend>, Arc<MockState>) {
        let backend = MockBackend::default();
        backend.state.available.store(available, Relaxed);
        let state = Arc::clone(&backend.state);
        (Box::new(backend), state)
    }

    /// Polls every 20 ms from `from` to `to` seconds; returns how many new engines came.
    fn run(out: &mut SoundOutput, from: f64, to: f64) -> usize {
        let control = Control::default();
        let mut engines = 0;
        let mut t = from;
        while t < to {
            engines += usize::from(out.poll(t, &control).is_some());
            t += 0.02;
        }
        engines
    }

    #[test]
    fn the_first_period_is_about_twenty_milliseconds_and_grows_to_about_a_hundred_at_most() {
        assert_eq!(period_for(48_000.0, FIRST_PERIOD_SECS), 1024);
        assert_eq!(period_for(44_100.0, FIRST_PERIOD_SECS), 1024);
        assert_eq!(next_period(1024, 48_000.0), Some(2048));
        assert_eq!(next_period(2048, 48_000.0), None, "two periods of 4096 are 171 ms");
        assert_eq!(period_for(8_000.0, FIRST_PERIOD_SECS), 128);
        let mut p = period_for(192_000.0, FIRST_PERIOD_SECS);
        while let Some(q) = next_period(p, 192_000.0) {
            p = q;
        }
        assert!(2.0 * f64::from(p) / 192_000.0 <= MAX_BUFFER_SECS * 1.1, "{p}");
    }

    #[test]
    fn a_lost_device_is_reopened_at_once_when_it_is_there() {
        let (backend, state) = mock(true);
        let (mut out, _remote) = SoundOutput::start(backend, true, &Control::default(), 0.0);
        assert!(out.is_audible());
        assert_eq!(state.period_asked.load(Relaxed), 1024);
        run(&mut out, 0.0, 1.0);
        out.health().fail(Failure::Invalidated);
        assert!(out.poll(1.0, &Control::default()).is_some(), "a new engine at once");
        assert!(out.is_audible());
        assert_eq!(state.opened.load(Relaxed), 2);
        assert_eq!(out.status().reopens, 1);
    }

    #[test]
    fn an_unnamed_error_keeps_a_stream_that_plays_on_and_replaces_one_that_stops() {
        let (backend, state) = mock(true);
        let (mut out, _remote) = SoundOutput::start(backend, true, &Control::default(), 0.0);
        run(&mut out, 0.0, 4.0);
        // An error, and the callbacks go on: the same stream, no gap.
        out.health().fail(Failure::Other);
        assert_eq!(run(&mut out, 4.0, 5.0), 0, "a stream that plays on is kept");
        assert_eq!(state.opened.load(Relaxed), 1);
        assert!(out.events().iter().any(|e| e.contains("plays on")), "{:?}", out.events());
        // A later real failure still counts.
        out.health().fail(Failure::Invalidated);
        assert!(out.poll(5.0, &Control::default()).is_some(), "a failure after it is not masked");
        // An error, then silence: replaced after the grace, long before the watchdog.
        run(&mut out, 5.0, 9.0);
        state.stalled.store(true, Relaxed);
        out.health().fail(Failure::Other);
        let replaced = run(&mut out, 9.0, 9.0 + ERROR_GRACE_SECS + 0.1);
        assert_eq!(replaced, 1, "a stream that stopped after an error is replaced");
    }

    #[test]
    fn a_device_that_comes_back_plays_again_within_a_second() {
        let (backend, state) = mock(true);
        let (mut out, _remote) = SoundOutput::start(backend, true, &Control::default(), 0.0);
        run(&mut out, 0.0, 0.5);
        state.available.store(false, Relaxed);
        out.health().fail(Failure::Gone);
        assert!(out.poll(0.5, &Control::default()).is_some(), "the silent clock takes over");
        let status = out.status();
        assert!(status.visual_only && status.retrying, "{status:?}");
        assert!(status.detail.contains("went away"), "{}", status.detail);
        // Gone for three seconds, then back: heard again within a second.
        assert_eq!(run(&mut out, 0.52, 3.5), 0);
        assert!(!out.is_audible());
        state.available.store(true, Relaxed);
        assert_eq!(run(&mut out, 3.5, 4.5), 1);
        assert!(out.is_audible());
    }

    #[test]
    fn a_stream_that_stops_calling_back_is_replaced() {
        let (backend, state) = mock(true);
        let (mut out, _remote) = SoundOutput::start(backend, true, &Control::default(), 0.0);
        // Starting, a pause up to the starting limit is the server's, not a stall.
        state.stalled.store(true, Relaxed);
        assert_eq!(run(&mut out, 0.0, STARTING_WATCHDOG_SECS - 0.05), 0);
        state.stalled.store(false, Relaxed);
        assert_eq!(run(&mut out, STARTING_WATCHDOG_SECS - 0.05, 4.0), 0);
        // Running, not before the watchdog's time, and soon after it.
        state.stalled.store(true, Relaxed);
        assert_eq!(run(&mut out, 4.0, 4.0 + WATCHDOG_SECS - 0.05), 0);
        state.stalled.store(false, Relaxed);
        let replaced = run(&mut out, 4.0 + WATCHDOG_SECS - 0.05, 4.0 + WATCHDOG_SECS + 0.1);
        assert_eq!(replaced, 0, "it called back again in time");
        state.stalled.store(true, Relaxed);
        let replaced = run(&mut out, 5.1, 5.1 + WATCHDOG_SECS + 0.1);
        assert_eq!(replaced, 1);
        assert!(out.is_audible() && out.status().reopens == 1, "{:?}", out.status());
        assert!(out.events()[0].contains("stopped asking for sound"), "{:?}", out.events());
        // A new stream that never starts is replaced after the starting limit.
        let replaced = run(&mut out, 6.2, 6.2 + STARTING_WATCHDOG_SECS + 0.1);
        assert_eq!(replaced, 1);
    }

    #[test]
    fn repeated_underruns_grow_the_buffer_up_to_about_a_hundred_milliseconds() {
        let (backend, state) = mock(true);
        let (mut out, _remote) = SoundOutput::start(backend, true, &Control::default(), 0.0);
        // Underruns while starting up do not count.
        out.health().underrun();
        out.health().underrun();
        assert_eq!(run(&mut out, 0.0, 0.4), 0);
        // One now and then does not grow it either.
        run(&mut out, 0.4, 1.0);
        out.health().underrun();
        assert_eq!(run(&mut out, 1.0, 7.0), 0);
        out.health().underrun();
        assert_eq!(run(&mut out, 7.0, 8.0), 0, "the first was more than 5 s ago");
        out.health().underrun();
        assert_eq!(run(&mut out, 8.0, 8.1), 1, "two within 5 s");
        assert_eq!(state.period_asked.load(Relaxed), 2048);
        assert_eq!(out.status().latency_ms.map(f64::round), Some(85.0));
        assert_eq!(out.status().underruns, 5, "counted over both streams");
        // At the largest size it stays.
        run(&mut out, 8.1, 9.0);
        out.health().underrun();
        out.health().underrun();
        assert_eq!(run(&mut out, 9.0, 9.5), 0);
        assert_eq!(state.opened.load(Relaxed), 2);
    }

    #[test]
    fn without_a_device_it_is_visual_only_until_asked_to_retry() {
        let (backend, state) = mock(false);
        let (mut out, _remote) = SoundOutput::start(backend, true, &Control::default(), 0.0);
        let status = out.status();
        assert!(status.visual_only && !status.retrying);
        assert_eq!(status.line, "no audio output: visual only");
        state.available.store(true, Relaxed);
        assert_eq!(run(&mut out, 0.0, 10.0), 0, "no retry by itself");
        assert!(out.retry(&Control::default(), 10.0).is_some());
        assert!(out.is_audible());
        assert!(out.retry(&Control::default(), 10.1).is_none(), "nothing to retry");
    }

    #[test]
    fn sound_turned_off_opens_no_device() {
        let (backend, state) = mock(true);
        let (out, _remote) = SoundOutput::start(backend, false, &Control::default(), 0.0);
        assert!(!out.is_audible());
        assert_eq!(state.opened.load(Relaxed), 0);
        assert_eq!(out.status().detail, "sound turned off");
    }
}
