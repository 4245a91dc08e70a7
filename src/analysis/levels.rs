//! Level measurements of a block of samples: sample peak, true peak, RMS, crest factor, DC
//! offset, headroom and clipped samples.

use serde::Serialize;

use crate::analysis::true_peak::true_peak;
use crate::units::{amp_to_db, power_to_db};

/// Levels of a signal (one channel or all channels together).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Levels {
    /// Largest |sample| (linear).
    pub sample_peak: f64,
    /// Largest |sample| in dBFS.
    pub sample_peak_dbfs: f64,
    /// Largest |value| of the 4x oversampled signal, in dBTP (never below the sample peak: the
    /// meter's points include the samples).
    pub true_peak_dbtp: f64,
    /// Plain RMS in dBFS (a full-scale sine reads -3.01).
    pub rms_dbfs: f64,
    /// Peak over RMS in dB (a sine: 3.01 dB).
    pub crest_factor_db: f64,
    /// Mean value (linear).
    pub dc_offset: f64,
    /// 0 dBFS minus the sample peak, in dB.
    pub headroom_db: f64,
    /// 0 dBFS minus the true peak, in dB.
    pub true_peak_headroom_db: f64,
}

/// Measures `samples`, true peak included (the meter starts from silence and is flushed, so an
/// abrupt start or end counts, as it would when the samples are played).
#[must_use]
pub fn measure(samples: &[f64]) -> Levels {
    let (tp, _) = true_peak(samples);
    measure_with_true_peak(samples, tp)
}

/// Measures `samples`, taking the true peak (linear) from a meter the caller ran.
#[must_use]
pub fn measure_with_true_peak(samples: &[f64], tp: f64) -> Levels {
    if samples.is_empty() {
        return Levels {
            sample_peak_dbfs: crate::units::FLOOR_DB,
            true_peak_dbtp: crate::units::FLOOR_DB,
            rms_dbfs: crate::units::FLOOR_DB,
            ..Levels::default()
        };
    }
    let mut sums = ChannelSums::default();
    sums.add_all(samples);
    let ChannelSums { peak, sum, sum2 } = sums;
    let n = samples.len() as f64;
    let mean_square = sum2 / n;
    let sample_peak_dbfs = amp_to_db(peak);
    let rms_dbfs = power_to_db(mean_square);
    let true_peak_dbtp = amp_to_db(tp);
    Levels {
        sample_peak: peak,
        sample_peak_dbfs,
        true_peak_dbtp,
        rms_dbfs,
        crest_factor_db: if mean_square > 0.0 { sample_peak_dbfs - rms_dbfs } else { 0.0 },
        dc_offset: sum / n,
        headroom_db: -sample_peak_dbfs,
        true_peak_headroom_db: -true_peak_dbtp,
    }
}

/// The running sums behind [`measure`], kept in time order so that a signal fed in blocks
/// gives exactly the same figures as the whole signal at once.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChannelSums {
    /// Largest |sample| (linear).
    pub peak: f64,
    /// Sum of the samples.
    pub sum: f64,
    /// Sum of the squared samples.
    pub sum2: f64,
}

impl ChannelSums {
    /// Adds one sample.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.peak = self.peak.max(x.abs());
        self.sum += x;
        self.sum2 += x * x;
    }

    /// Adds samples in order.
    pub fn add_all(&mut self, samples: &[f64]) {
        for &x in samples {
            self.add(x);
        }
    }
}

/// Largest |sample|.
#[must_use]
pub fn sample_peak(samples: &[f64]) -> f64 {
    samples.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// Root mean square (linear).
#[must_use]
pub fn rms(samples: &[f64]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|x| x * x).sum::<f64>() / samples.len() as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    #[test]
    fn full_scale_sine_levels() {
        let x: Vec<f64> = (0..48_000).map(|n| (TAU * 997.0 * n as f64 / 48_000.0).sin()).collect();
        let l = measure(&x);
        assert!(l.sample_peak_dbfs.abs() < 0.01);
        assert!((l.rms_dbfs + 3.0103).abs() < 0.01);
        assert!((l.crest_factor_db - 3.0103).abs() < 0.02);
        // The continuous peak is 1; the 4x points fall within cos(pi f / 4 fs) of the crest
        // (-0.001 dB at 997 Hz). The abrupt start and end ring a little above it.
        assert!(l.true_peak_dbtp > -0.002 && l.true_peak_dbtp < 0.1, "{}", l.true_peak_dbtp);
        assert!(l.dc_offset.abs() < 1e-3);
    }

    /// The classic inter-sample peak: a sine at fs/4 sampled at 45 degrees has every sample at
    /// 0.707 of its crest, so the samples read 3.01 dB low and the true peak reads the crest
    /// (the crests fall half way between samples, on the meter's 4x grid).
    #[test]
    fn a_quarter_rate_sine_at_45_degrees_peaks_3_db_above_its_samples() {
        // Faded in and out over 200 samples, so no abrupt edge rings.
        let n = 4_800;
        let fade = |i: usize| (i.min(n - 1 - i) as f64 / 200.0).min(1.0);
        let x: Vec<f64> = (0..n).map(|i| fade(i) * (TAU * 0.25 * i as f64 + TAU / 8.0).sin()).collect();
        let l = measure(&x);
        assert!((l.sample_peak_dbfs - 10.0 * 0.5f64.log10()).abs() < 1e-9, "{}", l.sample_peak_dbfs);
        assert!(l.true_peak_dbtp.abs() < 0.05, "true peak {} dBTP", l.true_peak_dbtp);
        assert!((l.true_peak_headroom_db - l.headroom_db + 3.0103).abs() < 0.05);
    }
}
