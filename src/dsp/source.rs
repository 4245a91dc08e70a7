//! Signal sources: the "analog" waveforms a student feeds into the converter.
//!
//! Periodic sources (square, sawtooth, triangle, impulse train) are defined both by a closed
//! form of the ideal waveform, evaluated at any instant, and by their Fourier series, so that
//! an anti-alias filter can be applied partial by partial (see [`crate::dsp::analog`]).
//! Their harmonics run far above any Nyquist frequency, which is why they alias when sampled
//! without a filter. Noise sources are random processes rendered at the sample rate.

use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};
use std::fmt;
use std::str::FromStr;

use crate::units::db_to_amp;

/// Bandwidth of the analog world around the converter: the impulse train and the analog
/// noise floor are flat up to here. 96 kHz is the Nyquist frequency of the fastest rate.
pub const ANALOG_BANDWIDTH_HZ: f64 = 96_000.0;

/// Lowest and highest source frequency accepted, in Hz.
pub const FREQ_RANGE_HZ: (f64, f64) = (1.0, 400_000.0);

/// Which waveform or process a source produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A pure tone.
    #[default]
    Sine,
    /// The ideal square wave: odd harmonics at 1/k, without end.
    Square,
    /// The ideal rising sawtooth: every harmonic at 1/k, without end.
    Sawtooth,
    /// The ideal triangle: odd harmonics at 1/k², alternating sign.
    Triangle,
    /// Gaussian white noise; the level is the RMS of a sine of that peak level.
    WhiteNoise,
    /// Pink noise (-3 dB per octave); the level is set like white noise.
    PinkNoise,
    /// A logarithmic sine sweep from `freq_hz` to `freq2_hz`, repeated every `sweep_secs`.
    Sweep,
    /// Two sines of equal amplitude at `freq_hz` and `freq2_hz`, summing to the level.
    TwoTone,
    /// A train of clicks at `freq_hz` per second, each a pulse band-limited to
    /// [`ANALOG_BANDWIDTH_HZ`].
    Impulse,
    /// The app's live input (a microphone): its samples, at the device's own rate, are the
    /// analog signal ([`crate::dsp::live_converter`]). The model alone has no input, so here
    /// it is silence.
    LiveInput,
}

impl SourceKind {
    /// Every kind, in the order a menu lists them.
    pub const ALL: [Self; 10] = [
        Self::Sine,
        Self::Square,
        Self::Sawtooth,
        Self::Triangle,
        Self::WhiteNoise,
        Self::PinkNoise,
        Self::Sweep,
        Self::TwoTone,
        Self::Impulse,
        Self::LiveInput,
    ];

    /// The name used in files and on the command line (`white-noise`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sine => "sine",
            Self::Square => "square",
            Self::Sawtooth => "sawtooth",
            Self::Triangle => "triangle",
            Self::WhiteNoise => "white-noise",
            Self::PinkNoise => "pink-noise",
            Self::Sweep => "sweep",
            Self::TwoTone => "two-tone",
            Self::Impulse => "impulse",
            Self::LiveInput => "live-input",
        }
    }

    /// A label for people (`White noise`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Sine => "Sine",
            Self::Square => "Square",
            Self::Sawtooth => "Sawtooth",
            Self::Triangle => "Triangle",
            Self::WhiteNoise => "White noise",
            Self::PinkNoise => "Pink noise",
            Self::Sweep => "Log sweep",
            Self::TwoTone => "Two tones",
            Self::Impulse => "Impulse train",
            Self::LiveInput => "Live input",
        }
    }

    /// True for the random sources, whose level is an RMS rather than a peak.
    #[must_use]
    pub fn is_noise(self) -> bool {
        matches!(self, Self::WhiteNoise | Self::PinkNoise)
    }

    /// True for the live input, whose signal comes from a device rather than the model.
    #[must_use]
    pub fn is_live(self) -> bool {
        self == Self::LiveInput
    }

    /// True when the source uses its second frequency (`freq2_hz`).
    #[must_use]
    pub fn uses_second_freq(self) -> bool {
        matches!(self, Self::Sweep | Self::TwoTone)
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SourceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        let kind = match s.as_str() {
            "sine" => Self::Sine,
            "square" => Self::Square,
            "sawtooth" | "saw" => Self::Sawtooth,
            "triangle" | "tri" => Self::Triangle,
            "white-noise" | "white" | "noise" => Self::WhiteNoise,
            "pink-noise" | "pink" => Self::PinkNoise,
            "sweep" => Self::Sweep,
            "two-tone" | "twotone" => Self::TwoTone,
            "impulse" => Self::Impulse,
            "live-input" | "live" | "input" | "mic" => Self::LiveInput,
            _ => {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
                return Err(format!("unknown signal '{s}' (expected one of: {})", names.join(", ")));
            }
        };
        Ok(kind)
    }
}

/// What the source plays: kind, frequencies, level and phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourceParams {
    /// Waveform or process.
    pub kind: SourceKind,
    /// Frequency in Hz: the fundamental, the first tone, the sweep start or the click rate.
    pub freq_hz: f64,
    /// Second frequency in Hz: the second tone or the sweep end.
    pub freq2_hz: f64,
    /// Level in dBFS: the peak of the waveform (1.0 = 0 dBFS); for noise, the RMS of a sine
    /// with that peak (AES17 convention), so a sine and a noise at the same level carry the
    /// same power.
    pub level_dbfs: f64,
    /// Starting phase in degrees.
    pub phase_deg: f64,
    /// Duration of one sweep in seconds.
    pub sweep_secs: f64,
}

impl Default for SourceParams {
    fn default() -> Self {
        Self {
            kind: SourceKind::Sine,
            freq_hz: 997.0,
            freq2_hz: 20_000.0,
            level_dbfs: -1.0,
            phase_deg: 0.0,
            sweep_secs: 5.0,
        }
    }
}

impl SourceParams {
    /// A sine at `freq_hz` and `level_dbfs`.
    #[must_use]
    pub fn sine(freq_hz: f64, level_dbfs: f64) -> Self {
        Self { kind: SourceKind::Sine, freq_hz, level_dbfs, ..Self::default() }
    }

    /// The same source with another kind.
    #[must_use]
    pub fn with_kind(mut self, kind: SourceKind) -> Self {
        self.kind = kind;
        self
    }

    /// Peak amplitude (linear) of the deterministic waveform.
    #[must_use]
    pub fn peak(&self) -> f64 {
        db_to_amp(self.level_dbfs)
    }

    /// Checks every field against its range; the message names the field.
    ///
    /// # Errors
    /// A sentence naming the first field out of range.
    pub fn validate(&self) -> Result<(), String> {
        let (lo, hi) = FREQ_RANGE_HZ;
        check_range("freq_hz", self.freq_hz, lo, hi)?;
        if self.kind.uses_second_freq() {
            check_range("freq2_hz", self.freq2_hz, lo, hi)?;
        }
        check_range("level_dbfs", self.level_dbfs, -200.0, 60.0)?;
        check_range("phase_deg", self.phase_deg, -3600.0, 3600.0)?;
        if self.kind == SourceKind::Sweep {
            check_range("sweep_secs", self.sweep_secs, 0.01, 600.0)?;
        }
        Ok(())
    }
}

/// Checks `lo <= value <= hi` and that `value` is a finite number.
///
/// # Errors
/// "`name` must be between lo and hi (got value)".
pub fn check_range(name: &str, value: f64, lo: f64, hi: f64) -> Result<(), String> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!("{name} must be between {lo} and {hi} (got {value})"))
    }
}

/// One of the periodic waveforms with an infinite (or very long) Fourier series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// +1 for the first half cycle, -1 for the second.
    Square,
    /// Rises from -1 to +1 through zero at phase 0, then drops.
    Sawtooth,
    /// Rises through zero at phase 0, peaks at +1 a quarter cycle later.
    Triangle,
    /// Equal-amplitude cosine harmonics 1..=`harmonics`, peaking at 1 at phase 0.
    ImpulseTrain {
        /// Number of harmonics (the pulse's bandwidth divided by its rate).
        harmonics: usize,
    },
}

impl Shape {
    /// The periodic shape a source kind uses, if any.
    #[must_use]
    pub fn of(params: &SourceParams) -> Option<Self> {
        match params.kind {
            SourceKind::Square => Some(Self::Square),
            SourceKind::Sawtooth => Some(Self::Sawtooth),
            SourceKind::Triangle => Some(Self::Triangle),
            SourceKind::Impulse => {
                let harmonics = (ANALOG_BANDWIDTH_HZ / params.freq_hz).floor().max(1.0) as usize;
                Some(Self::ImpulseTrain { harmonics })
            }
            _ => None,
        }
    }

    /// The ideal waveform at `cycles` (phase in cycles), peak 1. At a jump it returns the
    /// midpoint, as the Fourier series does.
    #[must_use]
    pub fn value(self, cycles: f64) -> f64 {
        let p = cycles - cycles.floor(); // in [0, 1)
        match self {
            Self::Square => {
                if p == 0.0 || p == 0.5 {
                    0.0
                } else if p < 0.5 {
                    1.0
                } else {
                    -1.0
                }
            }
            Self::Sawtooth => {
                // 2 frac(p + 1/2) - 1, with the jump at p = 1/2.
                if p == 0.5 { 0.0 } else { 2.0 * (p + 0.5).fract() - 1.0 }
            }
            Self::Triangle => 1.0 - 4.0 * ((p + 0.25).fract() - 0.5).abs(),
            Self::ImpulseTrain { harmonics } => {
                // (1/K) * sum_{k=1..K} cos(k x) = (1/K) * (sin((K+1/2)x) / (2 sin(x/2)) - 1/2)
                let k = harmonics as f64;
                let x = TAU * p;
                let s = (0.5 * x).sin();
                if s.abs() < 1e-9 { 1.0 } else { ((k + 0.5) * x).sin() / (2.0 * s * k) - 0.5 / k }
            }
        }
    }

    /// The `k`-th partial (k >= 1) as (amplitude, phase in radians) of
    /// `amplitude * sin(2 pi k cycles + phase)`; amplitude zero for absent partials.
    #[must_use]
    pub fn partial(self, k: usize) -> (f64, f64) {
        let kf = k as f64;
        match self {
            Self::Square => {
                if k % 2 == 1 {
                    (4.0 / (PI * kf), 0.0)
                } else {
                    (0.0, 0.0)
                }
            }
            Self::Sawtooth => {
                let sign = if k % 2 == 1 { 0.0 } else { PI };
                (2.0 / (PI * kf), sign)
            }
            Self::Triangle => {
                if k % 2 == 1 {
                    let sign = if (k / 2).is_multiple_of(2) { 0.0 } else { PI };
                    (8.0 / (PI * PI * kf * kf), sign)
                } else {
                    (0.0, 0.0)
                }
            }
            Self::ImpulseTrain { harmonics } => {
                if k <= harmonics {
                    (1.0 / harmonics as f64, PI / 2.0)
                } else {
                    (0.0, 0.0)
                }
            }
        }
    }

    /// An upper bound on the amplitude of partial `k` and of every partial after it.
    #[must_use]
    pub fn envelope(self, k: usize) -> f64 {
        let kf = k.max(1) as f64;
        match self {
            Self::Square => 4.0 / (PI * kf),
            Self::Sawtooth => 2.0 / (PI * kf),
            Self::Triangle => 8.0 / (PI * PI * kf * kf),
            Self::ImpulseTrain { harmonics } => {
                if k <= harmonics {
                    1.0 / harmonics as f64
                } else {
                    0.0
                }
            }
        }
    }

    /// The last harmonic, for a finite series.
    #[must_use]
    pub fn last_harmonic(self) -> Option<usize> {
        match self {
            Self::ImpulseTrain { harmonics } => Some(harmonics),
            _ => None,
        }
    }
}

/// The logarithmic sweep: instantaneous phase (radians) and frequency at `t` seconds into one
/// sweep from `f1` to `f2` lasting `secs`.
#[must_use]
pub fn sweep_phase_and_freq(f1: f64, f2: f64, secs: f64, t: f64) -> (f64, f64) {
    let ratio = f2 / f1;
    if (ratio - 1.0).abs() < 1e-12 {
        return (TAU * f1 * t, f1);
    }
    let l = secs / ratio.ln();
    let e = (t / l).exp();
    (TAU * f1 * l * (e - 1.0), f1 * e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The closed forms and the Fourier series describe the same waveform.
    #[test]
    fn closed_form_matches_series() {
        for shape in [Shape::Square, Shape::Sawtooth, Shape::Triangle, Shape::ImpulseTrain { harmonics: 40 }] {
            for &p in &[0.1, 0.23, 0.37, 0.61, 0.88] {
                let n = if matches!(shape, Shape::ImpulseTrain { .. }) { 40 } else { 200_000 };
                let series: f64 = (1..=n)
                    .map(|k| {
                        let (a, ph) = shape.partial(k);
                        a * (TAU * k as f64 * p + ph).sin()
                    })
                    .sum();
                let closed = shape.value(p);
                let tol = if matches!(shape, Shape::Triangle | Shape::ImpulseTrain { .. }) { 1e-6 } else { 1e-3 };
                assert!((series - closed).abs() < tol, "{shape:?} at {p}: {series} vs {closed}");
            }
        }
    }

    #[test]
    fn kinds_parse_by_name() {
        for kind in SourceKind::ALL {
            assert_eq!(kind.name().parse::<SourceKind>(), Ok(kind));
        }
        assert!("banjo".parse::<SourceKind>().is_err());
    }

    #[test]
    fn sweep_reaches_its_end_frequency() {
        let (_, f) = sweep_phase_and_freq(20.0, 20_000.0, 10.0, 10.0);
        assert!((f - 20_000.0).abs() < 1e-6);
    }
}
