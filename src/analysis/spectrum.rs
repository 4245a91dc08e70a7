//! Windowed FFT spectra in dBFS, scaled so that a full-scale sine reads 0 dBFS at its peak.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

use crate::analysis::window::Window;
use crate::units::{amp_to_db, power_to_db};

/// Smallest and largest FFT sizes accepted.
pub const FFT_SIZE_RANGE: (usize, usize) = (256, 262_144);

/// A one-sided power spectrum.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spectrum {
    /// Sample rate of the analysed signal in Hz.
    pub sample_rate_hz: f64,
    /// FFT size (number of time samples).
    pub fft_size: usize,
    /// The window used.
    pub window: Window,
    /// Equivalent noise bandwidth of the window, in bins.
    pub enbw_bins: f64,
    /// Power per bin, bins 0..=n/2, normalised so that the bins of a sine of amplitude A sum
    /// to A²/2 (and the bins of any signal sum to its mean square).
    pub power: Vec<f64>,
    /// Peak-amplitude scale per bin in dBFS (a sine of amplitude A centred on a bin reads
    /// 20 log10 A there).
    pub db: Vec<f32>,
}

impl Spectrum {
    /// Width of one bin in Hz.
    #[must_use]
    pub fn bin_hz(&self) -> f64 {
        self.sample_rate_hz / self.fft_size as f64
    }

    /// Frequency of bin `k` in Hz.
    #[must_use]
    pub fn freq_of(&self, k: usize) -> f64 {
        k as f64 * self.bin_hz()
    }

    /// The bin nearest `freq_hz`.
    #[must_use]
    pub fn bin_of(&self, freq_hz: f64) -> usize {
        ((freq_hz / self.bin_hz()).round().max(0.0) as usize).min(self.power.len().saturating_sub(1))
    }

    /// The highest level (dBFS) within `radius` bins of `freq_hz`.
    #[must_use]
    pub fn peak_db_near(&self, freq_hz: f64, radius: usize) -> f64 {
        let k = self.bin_of(freq_hz);
        let lo = k.saturating_sub(radius);
        let hi = (k + radius).min(self.db.len().saturating_sub(1));
        self.db[lo..=hi].iter().copied().fold(f32::NEG_INFINITY, f32::max).into()
    }

    /// The peak level (dBFS) of a tone at `freq_hz` from the power in the bins of its main
    /// lobe (`radius` bins each side): exact whatever the tone's position between bins.
    #[must_use]
    pub fn tone_dbfs(&self, freq_hz: f64, radius: usize) -> f64 {
        let k = self.bin_of(freq_hz);
        let lo = k.saturating_sub(radius);
        let hi = (k + radius).min(self.power.len().saturating_sub(1));
        power_to_db(2.0 * self.power[lo..=hi].iter().sum::<f64>())
    }

    /// The median level of the bins in dBFS: a robust estimate of the noise floor per bin.
    #[must_use]
    pub fn median_db(&self) -> f64 {
        let mut v: Vec<f32> = self.db.iter().copied().skip(1).collect();
        if v.is_empty() {
            return crate::units::FLOOR_DB;
        }
        let mid = v.len() / 2;
        let (_, m, _) = v.select_nth_unstable_by(mid, f32::total_cmp);
        f64::from(*m)
    }

    /// Total power in dBFS (sine-referenced: a full-scale sine reads 0) of bins lo..=hi.
    #[must_use]
    pub fn band_power_dbfs(&self, lo_hz: f64, hi_hz: f64) -> f64 {
        let lo = self.bin_of(lo_hz);
        let hi = self.bin_of(hi_hz);
        let p: f64 = self.power[lo..=hi.max(lo)].iter().sum();
        power_to_db(2.0 * p)
    }
}

/// Computes spectra, reusing its FFT plan and buffers between calls.
pub struct SpectrumAnalyzer {
    planner: RealFftPlanner<f64>,
    plan: Option<Arc<dyn RealToComplex<f64>>>,
    window: Window,
    coefs: Vec<f64>,
    sum_w: f64,
    sum_w2: f64,
    input: Vec<f64>,
    output: Vec<realfft::num_complex::Complex64>,
    scratch: Vec<realfft::num_complex::Complex64>,
}

impl std::fmt::Debug for SpectrumAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpectrumAnalyzer")
            .field("window", &self.window)
            .field("size", &self.coefs.len())
            .finish_non_exhaustive()
    }
}

impl Default for SpectrumAnalyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl SpectrumAnalyzer {
    /// An analyzer with no plan yet.
    #[must_use]
    pub fn new() -> Self {
        Self {
            planner: RealFftPlanner::new(),
            plan: None,
            window: Window::default(),
            coefs: Vec::new(),
            sum_w: 0.0,
            sum_w2: 0.0,
            input: Vec::new(),
            output: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn prepare(&mut self, n: usize, window: Window) {
        if self.coefs.len() != n || self.window != window || self.plan.is_none() {
            let plan = self.planner.plan_fft_forward(n);
            self.input = plan.make_input_vec();
            self.output = plan.make_output_vec();
            self.scratch = plan.make_scratch_vec();
            self.plan = Some(plan);
            self.window = window;
            self.coefs = window.coefficients(n);
            self.sum_w = self.coefs.iter().sum();
            self.sum_w2 = self.coefs.iter().map(|w| w * w).sum();
        }
    }

    /// The spectrum of the first `fft_size` samples of `samples` (zero-padded if shorter).
    /// `fft_size` is clamped to [`FFT_SIZE_RANGE`] and rounded up to a power of two.
    pub fn analyze(&mut self, samples: &[f64], sample_rate_hz: f64, fft_size: usize, window: Window) -> Spectrum {
        let mut spectrum = Spectrum::default();
        self.analyze_into(samples, sample_rate_hz, fft_size, window, &mut spectrum);
        spectrum
    }

    /// As [`Self::analyze`], reusing `out`'s buffers.
    pub fn analyze_into(
        &mut self,
        samples: &[f64],
        sample_rate_hz: f64,
        fft_size: usize,
        window: Window,
        out: &mut Spectrum,
    ) {
        let n = fft_size.clamp(FFT_SIZE_RANGE.0, FFT_SIZE_RANGE.1).next_power_of_two();
        self.prepare(n, window);
        for (i, x) in self.input.iter_mut().enumerate() {
            *x = samples.get(i).copied().unwrap_or(0.0) * self.coefs[i];
        }
        let bins = n / 2 + 1;
        out.sample_rate_hz = sample_rate_hz;
        out.fft_size = n;
        out.window = window;
        out.enbw_bins = n as f64 * self.sum_w2 / (self.sum_w * self.sum_w);
        out.power.resize(bins, 0.0);
        out.db.resize(bins, 0.0);
        let Some(plan) = &self.plan else { return };
        if plan.process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch).is_err() {
            out.power.fill(0.0);
            out.db.fill(crate::units::FLOOR_DB as f32);
            return;
        }
        // Parseval: sum_n (w x)^2 = (1/n) sum_k |X_k|^2, and mean(x^2) = that / sum w^2.
        let power_scale = 1.0 / (n as f64 * self.sum_w2);
        let amp_scale = 2.0 / self.sum_w;
        for (k, c) in self.output.iter().enumerate() {
            let one_sided = if k == 0 || k == n / 2 { 1.0 } else { 2.0 };
            let mag2 = c.norm_sqr();
            out.power[k] = one_sided * mag2 * power_scale;
            let amp = mag2.sqrt() * amp_scale * if k == 0 || k == n / 2 { 0.5 } else { 1.0 };
            out.db[k] = amp_to_db(amp) as f32;
        }
    }
}

/// Equivalent noise bandwidth of a window, in bins: how much wider than one bin a noise
/// measurement through it is.
#[must_use]
pub fn enbw_bins(window: Window, n: usize) -> f64 {
    let c = window.coefficients(n);
    let s1: f64 = c.iter().sum();
    let s2: f64 = c.iter().map(|w| w * w).sum();
    n as f64 * s2 / (s1 * s1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    #[test]
    fn full_scale_sine_reads_zero_dbfs() {
        let fs = 48_000.0;
        let n = 8192;
        let bin = fs / n as f64;
        let f = 100.0 * bin; // centred on a bin
        let x: Vec<f64> = (0..n).map(|i| (TAU * f * i as f64 / fs).sin()).collect();
        let mut a = SpectrumAnalyzer::new();
        for w in Window::ALL {
            let s = a.analyze(&x, fs, n, w);
            assert!((f64::from(s.db[100])).abs() < 0.01, "{w:?}: {}", s.db[100]);
            let total: f64 = s.power.iter().sum();
            assert!((total - 0.5).abs() < 1e-6, "{w:?}: total {total}");
        }
    }

    #[test]
    fn enbw_of_known_windows() {
        assert!((enbw_bins(Window::Rectangular, 1024) - 1.0).abs() < 1e-9);
        assert!((enbw_bins(Window::Hann, 1024) - 1.5).abs() < 1e-3);
        assert!((enbw_bins(Window::BlackmanHarris, 1024) - 2.0044).abs() < 1e-3);
    }
}
