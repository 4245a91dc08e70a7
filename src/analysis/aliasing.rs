//! Aliasing: where every component above Nyquist lands after sampling, |f - k fs| for the
//! nearest whole k, and whether the spectrum shows a peak there.

use serde::Serialize;

use crate::analysis::sine_test::fold;
use crate::analysis::spectrum::Spectrum;
use crate::dsp::analog::AnalogSignal;
use crate::units::amp_to_db;

/// One predicted alias.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Alias {
    /// The analog frequency, above Nyquist, in Hz.
    pub original_hz: f64,
    /// Where it lands after sampling, in Hz (0..=fs/2).
    pub alias_hz: f64,
    /// The whole k of |f - k fs|.
    pub k: u32,
    /// Harmonic number of the original (1 = fundamental, 0 = not a harmonic).
    pub harmonic: usize,
    /// Level of the original after the anti-alias filter, in dBFS (peak).
    pub level_dbfs: f64,
    /// Level of the tone the spectrum shows at the alias frequency (power of its main lobe),
    /// in dBFS, once measured.
    pub measured_dbfs: Option<f64>,
    /// True when the measured level stands at least 10 dB above the median noise per bin.
    pub visible: bool,
}

/// The aliases of the components of `signal` above the Nyquist frequency of `sample_rate_hz`
/// whose level after the filter is at least `min_level_dbfs`; at most `limit`, strongest
/// first. Components up to 64 x fs are considered.
#[must_use]
pub fn predict(signal: &AnalogSignal, sample_rate_hz: f64, min_level_dbfs: f64, limit: usize) -> Vec<Alias> {
    let nyquist = 0.5 * sample_rate_hz;
    let min_amp = crate::units::db_to_amp(min_level_dbfs);
    let mut comps = signal.components(64.0 * sample_rate_hz, min_amp, usize::MAX);
    comps.retain(|c| c.freq_hz > nyquist);
    comps.truncate(limit);
    comps
        .into_iter()
        .map(|c| Alias {
            original_hz: c.freq_hz,
            alias_hz: fold(c.freq_hz, sample_rate_hz),
            k: (c.freq_hz / sample_rate_hz).round() as u32,
            harmonic: c.harmonic,
            level_dbfs: amp_to_db(c.amp),
            measured_dbfs: None,
            visible: false,
        })
        .collect()
}

/// Fills in what the spectrum shows at each alias frequency.
pub fn measure(aliases: &mut [Alias], spectrum: &Spectrum) {
    let radius = spectrum.window.main_lobe_bins();
    let floor = spectrum.median_db();
    for a in aliases {
        a.measured_dbfs = Some(spectrum.tone_dbfs(a.alias_hz, radius));
        a.visible = spectrum.peak_db_near(a.alias_hz, radius) > floor + 10.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::filter::{AaFilter, AaFilterKind};
    use crate::dsp::source::{SourceKind, SourceParams};

    #[test]
    fn thirty_khz_at_44_1_lands_at_14_1() {
        let src = SourceParams::sine(30_000.0, -1.0);
        let sig = AnalogSignal::new(&src, 0.0, AaFilter::new(AaFilterKind::Off).response(44_100.0));
        let a = predict(&sig, 44_100.0, -200.0, 10);
        assert_eq!(a.len(), 1);
        assert!((a[0].alias_hz - 14_100.0).abs() < 1e-6);
        assert_eq!(a[0].k, 1);
    }

    #[test]
    fn square_harmonics_fold_between_the_real_ones() {
        let src = SourceParams { kind: SourceKind::Square, freq_hz: 7_000.0, ..SourceParams::default() };
        let sig = AnalogSignal::new(&src, 0.0, AaFilter::new(AaFilterKind::Off).response(48_000.0));
        let a = predict(&sig, 48_000.0, -200.0, 3);
        // 5th harmonic 35 kHz -> 13 kHz, 7th 49 kHz -> 1 kHz, 9th 63 kHz -> 15 kHz.
        let got: Vec<f64> = a.iter().map(|x| x.alias_hz).collect();
        assert_eq!(got.len(), 3);
        for (g, want) in got.iter().zip([13_000.0, 1_000.0, 15_000.0]) {
            assert!((g - want).abs() < 1e-6, "{got:?}");
        }
    }
}
