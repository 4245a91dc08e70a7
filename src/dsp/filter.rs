//! The anti-aliasing filter in front of the sampler: off, gentle (an analog Butterworth) or
//! steep (the linear-phase decimation filter of a modern converter).
//!
//! The filter acts on the analog signal, so it is described by its continuous frequency
//! response `H(f)`; [`crate::dsp::analog`] applies it partial by partial.

use realfft::num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

/// The order of the gentle filter: 3rd-order Butterworth, 18 dB per octave.
pub const GENTLE_ORDER: u32 = 3;

/// By default the passband ends at this fraction of the Nyquist frequency.
pub const DEFAULT_PASSBAND_RATIO: f64 = 0.9;

/// Which anti-aliasing filter is fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AaFilterKind {
    /// No filter: everything above Nyquist folds back.
    Off,
    /// A 3rd-order analog Butterworth low-pass, -3 dB at the cutoff: realistic and cheap, and
    /// it lets part of what lies above Nyquist through.
    Gentle,
    /// As a modern converter's digital decimation filter: flat up to the cutoff (0.9 x Nyquist
    /// by default), falling to nothing at cutoff / 0.9 (the Nyquist frequency by default);
    /// linear phase, shown without its constant delay.
    #[default]
    Steep,
}

impl AaFilterKind {
    /// Every kind in menu order.
    pub const ALL: [Self; 3] = [Self::Off, Self::Gentle, Self::Steep];

    /// Name used in files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Gentle => "gentle",
            Self::Steep => "steep",
        }
    }

    /// Label for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "Off",
            Self::Gentle => "Gentle (3rd-order analog)",
            Self::Steep => "Steep (modern ADC)",
        }
    }
}

impl fmt::Display for AaFilterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AaFilterKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Ok(Self::Off),
            "gentle" => Ok(Self::Gentle),
            "steep" => Ok(Self::Steep),
            other => Err(format!("unknown anti-alias filter '{other}' (expected off, gentle or steep)")),
        }
    }
}

/// The filter setting: kind and an optional cutoff.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AaFilter {
    /// Off, gentle or steep.
    pub kind: AaFilterKind,
    /// Cutoff in Hz: the -3 dB point of the gentle filter, the passband edge of the steep
    /// one. `None` puts it at 0.9 x Nyquist.
    pub cutoff_hz: Option<f64>,
}

impl AaFilter {
    /// A filter of `kind` with the default cutoff.
    #[must_use]
    pub fn new(kind: AaFilterKind) -> Self {
        Self { kind, cutoff_hz: None }
    }

    /// The response at a given sample rate.
    #[must_use]
    pub fn response(&self, sample_rate_hz: f64) -> FilterResponse {
        let cutoff = self.cutoff_hz.unwrap_or(DEFAULT_PASSBAND_RATIO * 0.5 * sample_rate_hz).max(1.0);
        FilterResponse { kind: self.kind, cutoff_hz: cutoff }
    }
}

/// A filter resolved for one sample rate: evaluates `H(f)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FilterResponse {
    /// Which filter.
    pub kind: AaFilterKind,
    /// Its cutoff in Hz (see [`AaFilter::cutoff_hz`]).
    pub cutoff_hz: f64,
}

impl FilterResponse {
    /// The frequency above which the response is exactly zero, if there is one.
    #[must_use]
    pub fn stop_edge_hz(&self) -> Option<f64> {
        match self.kind {
            AaFilterKind::Steep => Some(self.cutoff_hz / DEFAULT_PASSBAND_RATIO),
            _ => None,
        }
    }

    /// The complex response at `freq_hz` (>= 0).
    #[must_use]
    pub fn h(&self, freq_hz: f64) -> Complex64 {
        match self.kind {
            AaFilterKind::Off => Complex64::new(1.0, 0.0),
            AaFilterKind::Gentle => {
                // H(s) = 1 / ((s + 1)(s^2 + s + 1)), s = j f / fc.
                let s = Complex64::new(0.0, freq_hz / self.cutoff_hz);
                let one = Complex64::new(1.0, 0.0);
                one / ((s + one) * (s * s + s + one))
            }
            AaFilterKind::Steep => Complex64::new(self.magnitude(freq_hz), 0.0),
        }
    }

    /// |H(f)|.
    #[must_use]
    pub fn magnitude(&self, freq_hz: f64) -> f64 {
        match self.kind {
            AaFilterKind::Off => 1.0,
            AaFilterKind::Gentle => {
                let r = freq_hz / self.cutoff_hz;
                1.0 / (1.0 + r.powi(2 * GENTLE_ORDER as i32)).sqrt()
            }
            AaFilterKind::Steep => {
                let pass = self.cutoff_hz;
                let stop = pass / DEFAULT_PASSBAND_RATIO;
                if freq_hz <= pass {
                    1.0
                } else if freq_hz >= stop {
                    0.0
                } else {
                    // A raised-cosine transition, as a long windowed-sinc FIR has.
                    0.5 * (1.0 + (PI * (freq_hz - pass) / (stop - pass)).cos())
                }
            }
        }
    }

    /// |H(f)| in dB, floored at -300 dB.
    #[must_use]
    pub fn magnitude_db(&self, freq_hz: f64) -> f64 {
        crate::units::amp_to_db(self.magnitude(freq_hz)).max(-300.0)
    }

    /// The power gain over 0..`bandwidth_hz`, `(1/B) * integral |H(f)|^2 df`: what fraction of
    /// a white noise of that bandwidth the filter lets through.
    #[must_use]
    pub fn noise_power_gain(&self, bandwidth_hz: f64) -> f64 {
        if self.kind == AaFilterKind::Off {
            return 1.0;
        }
        // Simpson's rule; the integrand is smooth except at the steep filter's edges, which
        // 4096 panels resolve to well under 0.01 dB.
        let n = 4096;
        let h = bandwidth_hz / n as f64;
        let mut sum = 0.0;
        for i in 0..=n {
            let w = if i == 0 || i == n {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            sum += w * self.magnitude(i as f64 * h).powi(2);
        }
        sum * h / 3.0 / bandwidth_hz
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::amp_to_db;

    #[test]
    fn steep_meets_the_modern_adc_spec() {
        for fs in [8000.0, 44_100.0, 48_000.0, 96_000.0] {
            let r = AaFilter::new(AaFilterKind::Steep).response(fs);
            let nyq = fs / 2.0;
            for i in 0..=900 {
                let f = nyq * 0.9 * f64::from(i) / 900.0;
                assert!(amp_to_db(r.magnitude(f)).abs() <= 0.1, "passband ripple at {f}");
            }
            for i in 0..=1000 {
                let f = nyq * (1.0 + f64::from(i) / 100.0);
                assert!(amp_to_db(r.magnitude(f)) <= -90.0, "stopband at {f}");
            }
        }
    }

    #[test]
    fn gentle_is_minus_3_db_at_cutoff_and_18_db_per_octave() {
        let r = AaFilter { kind: AaFilterKind::Gentle, cutoff_hz: Some(10_000.0) }.response(48_000.0);
        assert!((amp_to_db(r.h(10_000.0).norm()) + 3.0103).abs() < 1e-3);
        let slope = amp_to_db(r.magnitude(160_000.0)) - amp_to_db(r.magnitude(80_000.0));
        assert!((slope + 18.06).abs() < 0.05, "slope {slope}");
        assert!((r.h(3000.0).norm() - r.magnitude(3000.0)).abs() < 1e-12);
    }
}
