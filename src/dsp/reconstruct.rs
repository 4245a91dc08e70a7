//! Reconstruction: turning samples back into a continuous signal, either as the zero-order
//! hold's "staircase" or as the band-limited (windowed-sinc) curve an ideal DAC draws.

use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use std::str::FromStr;

use crate::analysis::window::kaiser_at;

/// How the DAC turns samples into a continuous signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Reconstruction {
    /// Zero-order hold: each sample held until the next. Its steps are images above Nyquist.
    Staircase,
    /// Band-limited (windowed-sinc) interpolation: the smooth curve a real DAC outputs.
    #[default]
    BandLimited,
}

impl Reconstruction {
    /// Both, in menu order.
    pub const ALL: [Self; 2] = [Self::Staircase, Self::BandLimited];

    /// Label for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Staircase => "Staircase (zero-order hold)",
            Self::BandLimited => "Band-limited (sinc)",
        }
    }

    /// Name used in files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Staircase => "staircase",
            Self::BandLimited => "band-limited",
        }
    }
}

impl FromStr for Reconstruction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "staircase" | "zoh" | "hold" => Ok(Self::Staircase),
            "band-limited" | "sinc" | "bandlimited" => Ok(Self::BandLimited),
            other => Err(format!("unknown reconstruction '{other}' (expected staircase or band-limited)")),
        }
    }
}

/// A Kaiser-windowed sinc kernel tabulated at fine fractional positions, for interpolating a
/// sampled signal at any instant.
#[derive(Clone, Debug)]
pub struct SincInterpolator {
    half_taps: usize,
    phases: usize,
    /// `(phases + 1)` rows of `2 * half_taps` taps.
    table: Vec<f64>,
}

impl Default for SincInterpolator {
    fn default() -> Self {
        Self::new(32, 512, 12.0, 1.0)
    }
}

impl SincInterpolator {
    /// A kernel `2 * half_taps` long, tabulated at `phases` fractional positions, with Kaiser
    /// shape `beta` and cutoff `cutoff` (fraction of Nyquist; below 1 to filter as well).
    #[must_use]
    pub fn new(half_taps: usize, phases: usize, beta: f64, cutoff: f64) -> Self {
        let taps = 2 * half_taps;
        let mut table = Vec::with_capacity((phases + 1) * taps);
        for p in 0..=phases {
            let frac = p as f64 / phases as f64;
            for j in 0..taps {
                // Tap j weights sample (i0 - half_taps + 1 + j) for position i0 + frac.
                let x = j as f64 - (half_taps as f64 - 1.0) - frac;
                table.push(cutoff * sinc(cutoff * x) * kaiser_at(x / half_taps as f64, beta));
            }
        }
        Self { half_taps, phases, table }
    }

    /// Samples needed on each side of a position.
    #[must_use]
    pub fn half_taps(&self) -> usize {
        self.half_taps
    }

    /// The interpolated value at fraction `frac` (0..1) past sample `half_taps - 1` of
    /// `window`, which holds exactly `2 * half_taps` samples.
    #[inline]
    #[must_use]
    pub fn apply(&self, window: &[f64], frac: f64) -> f64 {
        let phase = frac * self.phases as f64;
        let p = (phase.floor() as usize).min(self.phases - 1);
        let w = phase - p as f64;
        let taps = 2 * self.half_taps;
        let row0 = &self.table[p * taps..(p + 1) * taps];
        let row1 = &self.table[(p + 1) * taps..(p + 2) * taps];
        // Four partial sums per row let the compiler use SIMD lanes.
        let mut s0 = [0.0; 4];
        let mut s1 = [0.0; 4];
        let chunks = window.chunks_exact(4).zip(row0.chunks_exact(4)).zip(row1.chunks_exact(4));
        for ((x, a), b) in chunks {
            for k in 0..4 {
                s0[k] += x[k] * a[k];
                s1[k] += x[k] * b[k];
            }
        }
        let tail = window.len() - window.len() % 4;
        for j in tail..window.len() {
            s0[0] += window[j] * row0[j];
            s1[0] += window[j] * row1[j];
        }
        let (s0, s1) = ((s0[0] + s0[1]) + (s0[2] + s0[3]), (s1[0] + s1[1]) + (s1[2] + s1[3]));
        s0 + w * (s1 - s0)
    }

    /// The interpolated value at fractional sample position `pos` of `samples`; samples
    /// outside the slice count as zero.
    #[must_use]
    pub fn at(&self, samples: &[f64], pos: f64) -> f64 {
        let i0 = pos.floor();
        let frac = pos - i0;
        let first = i0 as i64 - self.half_taps as i64 + 1;
        let taps = 2 * self.half_taps;
        if first >= 0 && (first as usize + taps) <= samples.len() {
            return self.apply(&samples[first as usize..first as usize + taps], frac);
        }
        // Near the edges: samples outside count as zero.
        let phase = frac * self.phases as f64;
        let p = (phase.floor() as usize).min(self.phases - 1);
        let w = phase - p as f64;
        let row0 = &self.table[p * taps..(p + 1) * taps];
        let row1 = &self.table[(p + 1) * taps..(p + 2) * taps];
        let mut sum = 0.0;
        for j in 0..taps {
            let idx = first + j as i64;
            if idx >= 0 && (idx as usize) < samples.len() {
                sum += samples[idx as usize] * (row0[j] + w * (row1[j] - row0[j]));
            }
        }
        sum
    }
}

/// sin(pi x) / (pi x).
#[must_use]
pub fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-12 { 1.0 } else { (PI * x).sin() / (PI * x) }
}

/// The zero-order hold's value at fractional position `pos`: the last sample at or before it.
#[must_use]
pub fn staircase_at(samples: &[f64], pos: f64) -> f64 {
    if pos < 0.0 || samples.is_empty() {
        return 0.0;
    }
    samples.get(pos.floor() as usize).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    #[test]
    fn sinc_interpolation_recovers_a_band_limited_sine() {
        let f = 0.23; // cycles per sample, well below Nyquist
        let xs: Vec<f64> = (0..400).map(|n| (TAU * f * n as f64).sin()).collect();
        let interp = SincInterpolator::default();
        for i in 0..200 {
            let pos = 100.0 + f64::from(i) * 0.987;
            let err = (interp.at(&xs, pos) - (TAU * f * pos).sin()).abs();
            assert!(err < 1e-4, "pos {pos}: err {err}");
        }
    }

    #[test]
    fn staircase_holds_each_sample() {
        let xs = [0.1, 0.2, 0.3];
        assert_eq!(staircase_at(&xs, 1.7), 0.2);
        assert_eq!(staircase_at(&xs, -0.5), 0.0);
    }
}
