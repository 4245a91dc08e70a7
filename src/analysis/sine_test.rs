//! The sine test of a converter: from the spectrum of a sampled sine, its SNR, SINAD, THD,
//! THD+N and ENOB, as an audio analyzer or an ADC datasheet reports them.
//!
//! The bins of the fundamental (its window's main lobe), of DC and of harmonics 2 to 10
//! (folded back below Nyquist where they alias) are set apart; what remains is noise, whose
//! density is extended over the whole band.

use serde::Serialize;

use crate::analysis::spectrum::Spectrum;
use crate::units::{DB_PER_BIT, SINE_SNR_OFFSET_DB, power_to_db};

/// Highest harmonic counted as distortion.
pub const MAX_HARMONIC: usize = 10;

/// The results of a sine test.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SineTest {
    /// Frequency of the fundamental as found in the spectrum, in Hz.
    pub fundamental_hz: f64,
    /// Peak amplitude of the fundamental in dBFS.
    pub fundamental_dbfs: f64,
    /// Quantization SNR in dB: the fundamental over everything else but DC (noise and
    /// harmonics alike), which is what 6.02 N + 1.76 dB predicts for an ideal quantizer,
    /// whose "distortion" is quantization error too. Equal to SINAD.
    pub snr_db: f64,
    /// Signal to noise, harmonics 2 to 10 excluded, in dB (the analyzer's narrower SNR).
    pub snr_excl_harmonics_db: f64,
    /// Signal to noise and distortion, in dB.
    pub sinad_db: f64,
    /// Harmonics 2..=10 relative to the fundamental, in dB (negative).
    pub thd_db: f64,
    /// Noise and harmonics relative to the fundamental, in dB (negative; equals -SINAD).
    pub thd_n_db: f64,
    /// Effective number of bits of this signal: (SINAD - 1.76) / 6.02. Not corrected for the
    /// level, so a quiet signal shows the few bits it really uses.
    pub enob_bits: f64,
    /// Total noise power (harmonics excluded) in dBFS, sine-referenced (a full-scale sine is
    /// 0 dBFS).
    pub noise_dbfs: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Noise,
    Dc,
    Fundamental,
    Harmonic,
}

/// Folds a frequency into 0..=fs/2, as sampling does.
#[must_use]
pub fn fold(freq_hz: f64, sample_rate_hz: f64) -> f64 {
    let r = freq_hz.abs().rem_euclid(sample_rate_hz);
    if r > 0.5 * sample_rate_hz { sample_rate_hz - r } else { r }
}

/// Runs the sine test on `spectrum`. `expected_hz` (the frequency played, before folding)
/// guides the search for the fundamental; without it the strongest bin is taken.
/// `None` when the spectrum holds no tone at all.
#[must_use]
pub fn sine_test(spectrum: &Spectrum, expected_hz: Option<f64>) -> Option<SineTest> {
    let bins = spectrum.power.len();
    let w = spectrum.window.main_lobe_bins() + 1;
    if bins < 4 * w + 4 {
        return None;
    }
    let fs = spectrum.sample_rate_hz;
    let dc_end = w.min(bins - 1);
    let strongest =
        |lo: usize, hi: usize| (lo..=hi.min(bins - 1)).max_by(|&a, &b| spectrum.power[a].total_cmp(&spectrum.power[b]));
    let peak_bin = match expected_hz {
        Some(f) => {
            let k = spectrum.bin_of(fold(f, fs));
            strongest(k.saturating_sub(w).max(dc_end + 1), k + w)
        }
        None => strongest(dc_end + 1, bins - 1),
    }?;
    if spectrum.power[peak_bin] <= 0.0 {
        return None;
    }
    let mut roles = vec![Role::Noise; bins];
    let mark = |roles: &mut Vec<Role>, centre: usize, role: Role| {
        let lo = centre.saturating_sub(w);
        let hi = (centre + w).min(bins - 1);
        for r in &mut roles[lo..=hi] {
            if *r == Role::Noise {
                *r = role;
            }
        }
    };
    for r in &mut roles[..=dc_end] {
        *r = Role::Dc;
    }
    mark(&mut roles, peak_bin, Role::Fundamental);
    // Refine the fundamental's frequency by the power-weighted centroid of its main lobe.
    let lo = peak_bin.saturating_sub(w);
    let hi = (peak_bin + w).min(bins - 1);
    let (num, den) = (lo..=hi).fold((0.0, 0.0), |(n, d), k| (n + k as f64 * spectrum.power[k], d + spectrum.power[k]));
    let f0 = num / den * spectrum.bin_hz();
    for h in 2..=MAX_HARMONIC {
        let k = spectrum.bin_of(fold(h as f64 * f0, fs));
        mark(&mut roles, k, Role::Harmonic);
    }
    let mut sums = [0.0; 4];
    let mut counts = [0usize; 4];
    for (role, p) in roles.iter().zip(&spectrum.power) {
        let i = *role as usize;
        sums[i] += p;
        counts[i] += 1;
    }
    let noise_bins = counts[Role::Noise as usize].max(1);
    let density = sums[Role::Noise as usize] / noise_bins as f64;
    let noise = density * bins as f64;
    let signal =
        (sums[Role::Fundamental as usize] - density * counts[Role::Fundamental as usize] as f64).max(f64::MIN_POSITIVE);
    let distortion = (sums[Role::Harmonic as usize] - density * counts[Role::Harmonic as usize] as f64).max(0.0);
    let sinad_db = power_to_db(signal / (noise + distortion));
    Some(SineTest {
        fundamental_hz: f0,
        fundamental_dbfs: power_to_db(2.0 * signal),
        snr_db: sinad_db,
        snr_excl_harmonics_db: power_to_db(signal / noise),
        sinad_db,
        thd_db: power_to_db(distortion / signal),
        thd_n_db: -sinad_db,
        enob_bits: (sinad_db - SINE_SNR_OFFSET_DB) / DB_PER_BIT,
        noise_dbfs: power_to_db(2.0 * noise),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_reflects_about_nyquist() {
        assert!((fold(30_000.0, 44_100.0) - 14_100.0).abs() < 1e-9);
        assert!((fold(25_000.0, 48_000.0) - 23_000.0).abs() < 1e-9);
        assert!((fold(50_000.0, 48_000.0) - 2_000.0).abs() < 1e-9);
        assert!((fold(1_000.0, 48_000.0) - 1_000.0).abs() < 1e-9);
    }
}
