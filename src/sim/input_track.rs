//! The desk's input track: live input through a preamp and an ADC, metered before the preamp
//! (what the microphone gives) and after the ADC (what the take holds, with its clip light),
//! and recorded as takes. No Bevy: the app calls [`InputTrack::pump`] once a frame on its UI
//! thread, which drains the input's wait-free queue (the device's callback only fills it).
//!
//! The ADC runs at the input's own rate; a take is written at the track's word length (WAV,
//! atomically) into the folder it is given (the app gives the data folder's `takes/`).

use std::path::{Path, PathBuf};

use crate::analysis::meters::{ClipRule, MeterSet, StageMeter, StageReadout};
use crate::audio::input::{InputBackend, InputStream};
use crate::dsp::capture::{Capture, CaptureSettings, CaptureStats};
use crate::dsp::quantizer::BitDepth;

/// What the student sets on the input track.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputControls {
    /// Preamp gain, dB.
    pub preamp_db: f64,
    /// The ADC's word length.
    pub bits: BitDepth,
    /// Heard through the desk (a live track on it); off until asked for, since speakers
    /// would feed the microphone.
    pub monitor: bool,
}

impl Default for InputControls {
    fn default() -> Self {
        Self { preamp_db: 0.0, bits: BitDepth::Fixed(24), monitor: false }
    }
}

/// What the input track shows about monitoring through the desk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonitorView {
    /// Sound flows from the input to the output.
    pub running: bool,
    /// From the microphone to the ear, ms, with what it is made of.
    pub latency_ms: Option<f64>,
    /// The parts of the latency, for the tooltip.
    pub detail: String,
    /// Why it is silent, if it is.
    pub problem: Option<String>,
}

/// What the input track shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InputView {
    /// The input device's name (empty: none open).
    pub device: String,
    /// Its own sample rate, Hz (0: none open).
    pub rate_hz: f64,
    /// Capture latency from the device to its callback, seconds (0: unknown).
    pub latency_secs: f64,
    /// Why there is no input, or that it was lost.
    pub problem: Option<String>,
    /// The meter before the preamp.
    pub input: StageReadout,
    /// The meter after the ADC.
    pub adc: StageReadout,
    /// Seconds recorded so far, while recording.
    pub recording_secs: Option<f64>,
    /// The input devices to choose from (the first entry is the system's default).
    pub devices: Vec<String>,
    /// The one chosen (an index into `devices`).
    pub chosen: usize,
    /// Monitoring through the desk.
    pub monitor: MonitorView,
    /// A lesson hides the meters until its prediction is made (they would give it away).
    pub meters_hidden: bool,
}

/// A finished take.
#[derive(Clone, Debug, PartialEq)]
pub struct Take {
    /// Where it was written.
    pub path: PathBuf,
    /// What it measured.
    pub stats: CaptureStats,
}

/// The input track at work.
#[derive(Debug)]
pub struct InputTrack {
    input: Option<InputStream>,
    problem: Option<String>,
    controls: InputControls,
    capture: Option<Capture>,
    input_meter: StageMeter,
    adc_meter: StageMeter,
    clipped_seen: u64,
    raw: Vec<f64>,
    adc: Vec<f64>,
    /// The take being recorded (its own stage, so its measurements start with it).
    take: Option<(Capture, Vec<f64>)>,
    /// The latest input, before the preamp ([`RECENT_SECS`] of it), for the converter screen.
    recent: Vec<f64>,
    /// Input samples that came before `recent[0]`.
    recent_start: u64,
}

/// Seconds of the latest input an input track keeps for other views (the converter screen).
pub const RECENT_SECS: f64 = 2.0;

fn meters(rate: f64) -> (StageMeter, StageMeter) {
    (
        StageMeter::new(1, rate, MeterSet::Basic, ClipRule::Overs),
        StageMeter::new(1, rate, MeterSet::Full, ClipRule::Reported),
    )
}

impl InputTrack {
    /// Opens the default input of `backend`; with none, the track says why.
    #[must_use]
    pub fn open(backend: &mut dyn InputBackend, controls: InputControls) -> Self {
        Self::open_device(backend, None, controls)
    }

    /// Opens the input of `backend` called `device` (`None`: the default); with none, the
    /// track says why.
    #[must_use]
    pub fn open_device(backend: &mut dyn InputBackend, device: Option<&str>, controls: InputControls) -> Self {
        let (input, problem) = match backend.open_device(device) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e)),
        };
        let rate = input.as_ref().map_or(48_000.0, |s| s.info().rate);
        let (input_meter, adc_meter) = meters(rate);
        let mut track = Self {
            input,
            problem,
            controls,
            capture: None,
            input_meter,
            adc_meter,
            clipped_seen: 0,
            raw: Vec::with_capacity((rate * 0.5) as usize),
            adc: Vec::with_capacity((rate * 0.5) as usize),
            take: None,
            recent: Vec::with_capacity((rate * RECENT_SECS) as usize + (rate * 0.5) as usize),
            recent_start: 0,
        };
        track.capture = track.new_capture();
        track
    }

    fn settings(&self) -> Option<CaptureSettings> {
        let rate = self.input.as_ref()?.info().rate;
        Some(CaptureSettings {
            preamp_db: self.controls.preamp_db,
            bit_depth: self.controls.bits,
            sample_rate_hz: rate,
        })
    }

    fn new_capture(&self) -> Option<Capture> {
        let s = self.settings()?;
        s.validate().ok()?;
        Some(Capture::new(s.sample_rate_hz, s))
    }

    /// The controls.
    #[must_use]
    pub fn controls(&self) -> InputControls {
        self.controls
    }

    /// The input's rate, Hz, when one is open.
    #[must_use]
    pub fn rate(&self) -> Option<f64> {
        self.input.as_ref().map(|s| s.info().rate)
    }

    /// The input's second queue, for monitoring on the audio thread (once per opening).
    pub fn take_monitor(&mut self) -> Option<rtrb::Consumer<f32>> {
        self.input.as_mut()?.take_monitor()
    }

    /// Applies new controls: the preamp at once, a new word length from the next sample (a
    /// take being recorded keeps the word length it started with).
    pub fn set_controls(&mut self, controls: InputControls) {
        let bits_changed = controls.bits != self.controls.bits;
        self.controls = controls;
        if bits_changed {
            self.capture = self.new_capture();
            self.clipped_seen = 0;
        } else if let Some(c) = &mut self.capture {
            c.set_preamp_db(controls.preamp_db);
        }
        if let Some((c, _)) = &mut self.take {
            c.set_preamp_db(controls.preamp_db);
        }
    }

    /// Takes what the input delivered since the last call through the track.
    pub fn pump(&mut self) {
        let Some(input) = &mut self.input else { return };
        if let Some(f) = input.health().failure {
            self.problem = Some(format!("input lost: {}", f.sentence()));
        }
        self.raw.clear();
        if input.read(&mut self.raw) == 0 {
            return;
        }
        self.input_meter.process(&[&self.raw]);
        self.keep_recent();
        if let Some(c) = &mut self.capture {
            self.adc.clear();
            c.process(&self.raw, &mut self.adc);
            let clipped = c.stats().clipped_samples;
            self.adc_meter.add_clips(clipped - self.clipped_seen);
            self.clipped_seen = clipped;
            self.adc_meter.process(&[&self.adc]);
        }
        if let Some((c, take)) = &mut self.take {
            c.process(&self.raw, take);
        }
    }

    /// Appends what just came to the latest input, forgetting what is older than
    /// [`RECENT_SECS`].
    fn keep_recent(&mut self) {
        let keep = self.input.as_ref().map_or(0, |s| (s.info().rate * RECENT_SECS) as usize);
        self.recent.extend_from_slice(&self.raw);
        let excess = self.recent.len().saturating_sub(keep);
        if excess > 0 {
            self.recent.copy_within(excess.., 0);
            self.recent.truncate(keep);
            self.recent_start += excess as u64;
        }
    }

    /// The open input (none: it did not open, see [`Self::problem`]).
    #[must_use]
    pub fn input_info(&self) -> Option<&crate::audio::input::InputInfo> {
        self.input.as_ref().map(InputStream::info)
    }

    /// Why there is no input, or that it was lost.
    #[must_use]
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The latest input as the device gave it (before the preamp; up to [`RECENT_SECS`]),
    /// and how many samples came before it since the input opened.
    #[must_use]
    pub fn recent(&self) -> (&[f64], u64) {
        (&self.recent, self.recent_start)
    }

    /// Starts a take (nothing without an input).
    pub fn start_recording(&mut self) {
        if let Some(c) = self.new_capture() {
            self.take = Some((c, Vec::new()));
        }
    }

    /// Whether a take is being recorded.
    #[must_use]
    pub fn recording(&self) -> bool {
        self.take.is_some()
    }

    /// Ends the take and writes it into `dir` as `take_STAMP.wav` (never over a file), at the
    /// track's word length.
    ///
    /// # Errors
    /// Nothing recorded, or the file cannot be written, as a sentence.
    pub fn stop_recording(&mut self, dir: &Path, stamp: &str) -> Result<Take, String> {
        let (capture, samples) = self.take.take().ok_or("no take is being recorded")?;
        if samples.is_empty() {
            return Err("the take is empty: the input delivered no sound".into());
        }
        let bits = capture.settings().bit_depth;
        let rate = capture.settings().sample_rate_hz as u32;
        let stats = capture.finish();
        crate::platform::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = crate::figures::figure_path(dir, "take", stamp, "wav");
        crate::wav::write_file(&path, rate, crate::wav::container_for(bits), &[samples])?;
        Ok(Take { path, stats })
    }

    /// Forgets the meters' peaks and clips.
    pub fn reset_meters(&mut self) {
        self.input_meter.reset();
        self.adc_meter.reset();
    }

    /// What the track shows now.
    #[must_use]
    pub fn view(&self) -> InputView {
        let info = self.input.as_ref().map(InputStream::info);
        InputView {
            device: info.map(|i| i.name.clone()).unwrap_or_default(),
            rate_hz: info.map_or(0.0, |i| i.rate),
            latency_secs: self.input.as_ref().map_or(0.0, |s| s.health().latency_secs),
            problem: self.problem.clone(),
            input: self.input_meter.readout(),
            adc: self.adc_meter.readout(),
            recording_secs: self.take.as_ref().map(|(c, _)| c.stats().duration_secs()),
            ..InputView::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::input::{NoInput, feed};

    struct Feed(Option<InputStream>);

    impl InputBackend for Feed {
        fn open_input(&mut self) -> Result<InputStream, String> {
            self.0.take().ok_or_else(|| "gone".to_string())
        }
    }

    #[test]
    fn a_take_is_written_at_the_track_bits_and_measured_after_the_preamp() {
        let (mut tx, _health, stream) = feed("test", 48_000.0);
        let mut track = InputTrack::open(
            &mut Feed(Some(stream)),
            InputControls { preamp_db: 6.0, bits: BitDepth::Fixed(16), ..InputControls::default() },
        );
        track.start_recording();
        for n in 0..24_000 {
            let _ = tx.push(0.25 * (std::f32::consts::TAU * (n % 48) as f32 / 48.0).sin());
        }
        track.pump();
        let view = track.view();
        assert!((view.input.sample_peak_dbfs - crate::units::amp_to_db(0.25)).abs() < 0.01);
        let dir = std::env::temp_dir().join(format!("hl-takes-{}", std::process::id()));
        let take = track.stop_recording(&dir, "now").expect("written");
        let audio = crate::wav::read_file(&take.path).expect("a WAV");
        assert_eq!(audio.format, crate::wav::SampleFormat::Int(16));
        assert_eq!(audio.frames(), 24_000);
        // 0.25 (-12.04 dBFS) with +6 dB of preamp peaks at -6.04 dBFS (to half an LSB).
        assert!(
            (take.stats.peak_dbfs - (crate::units::amp_to_db(0.25) + 6.0)).abs() < 0.001,
            "{}",
            take.stats.peak_dbfs
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_latest_input_is_kept_for_two_seconds_in_order() {
        let (mut tx, _health, stream) = feed("test", 8000.0);
        let mut track = InputTrack::open(&mut Feed(Some(stream)), InputControls::default());
        let mut sent = 0u32;
        for _ in 0..5 {
            for _ in 0..7000 {
                let _ = tx.push(sent as f32);
                sent += 1;
            }
            track.pump();
        }
        let (recent, start) = track.recent();
        assert_eq!(recent.len(), 16_000);
        assert_eq!(start, u64::from(sent) - 16_000);
        assert!(recent.iter().enumerate().all(|(i, &x)| x == (start + i as u64) as f64));
    }

    #[test]
    fn no_input_says_why_and_records_nothing() {
        let mut track = InputTrack::open(&mut NoInput("no audio input device found".into()), InputControls::default());
        track.pump();
        track.start_recording();
        assert!(!track.recording());
        assert_eq!(track.view().problem.as_deref(), Some("no audio input device found"));
    }
}
