//! The converter screen's data: time view, error view, spectrum, sine test, levels and alias
//! list, all computed from one rendered block of the converter.

use crate::analysis::aliasing::{self, Alias};
use crate::analysis::levels::{self, Levels};
use crate::analysis::sine_test::{SineTest, sine_test};
use crate::analysis::spectrum::{Spectrum, SpectrumAnalyzer};
use crate::analysis::theory::{theory_noise_dbfs, theory_snr_db};
use crate::analysis::true_peak::TruePeakMeter;
use crate::analysis::window::Window;
use crate::dsp::converter::{ConvertedBlock, Converter, ConverterParams};
use crate::dsp::quantizer::BitDepth;
use crate::dsp::reconstruct::{Reconstruction, SincInterpolator, staircase_at};
use crate::dsp::source::SourceKind;
use crate::units::power_to_db;

/// Samples rendered before the analysed block, so filters and meters start settled.
const MARGIN: usize = 64;
/// Histogram bins of the quantization error, over -2..=2 LSB.
pub const ERROR_HISTOGRAM_BINS: usize = 41;
/// Quantization levels are drawn when there are at most this many in view.
pub const MAX_LEVELS_SHOWN: usize = 70;

/// What part of the signal the views show and how finely.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewSettings {
    /// FFT size of the spectrum (a power of two).
    pub fft_size: usize,
    /// FFT window.
    pub window: Window,
    /// Start of the time view relative to the transport position, in seconds.
    pub time_offset_secs: f64,
    /// Length of the time view in seconds.
    pub time_span_secs: f64,
    /// Points of the continuous curves across the time view.
    pub curve_points: usize,
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            fft_size: 16_384,
            window: Window::Kaiser,
            time_offset_secs: 0.0,
            time_span_secs: 0.02,
            curve_points: 1200,
        }
    }
}

impl ViewSettings {
    /// A time span that shows a few cycles of `params`' source (the default view per source).
    #[must_use]
    pub fn default_span_secs(params: &ConverterParams) -> f64 {
        let s = &params.source;
        let span = match s.kind {
            SourceKind::WhiteNoise | SourceKind::PinkNoise => 64.0 / params.sample_rate_hz,
            SourceKind::Impulse => 2.5 / s.freq_hz,
            SourceKind::Sweep => 0.02,
            SourceKind::TwoTone => 4.0 / s.freq_hz.min(s.freq2_hz),
            _ => 3.0 / s.freq_hz,
        };
        // At least 8 samples and at most one second.
        span.max(8.0 / params.sample_rate_hz).min(1.0)
    }
}

/// The time view's curves, in seconds and full-scale units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeView {
    /// Start and end of the view in seconds.
    pub range_secs: (f64, f64),
    /// The analog signal before the anti-alias filter.
    pub analog_raw: Vec<[f64; 2]>,
    /// The analog signal that reaches the sampler (after the filter).
    pub analog: Vec<[f64; 2]>,
    /// The samples (time, output value).
    pub samples: Vec<[f64; 2]>,
    /// Clipped samples (time, output value).
    pub clipped: Vec<[f64; 2]>,
    /// The reconstructed output (staircase or band-limited).
    pub reconstructed: Vec<[f64; 2]>,
    /// The quantization error at each sample (time, error in full-scale units).
    pub error: Vec<[f64; 2]>,
    /// The quantization levels to draw as a grid, when few enough to see.
    pub levels: Vec<f64>,
    /// Where the true peak of the view lies (time, value), if it is above the sample peak.
    pub true_peak: Option<[f64; 2]>,
}

/// The error view: how the quantization error is distributed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorStats {
    /// RMS of the error in dBFS (plain RMS).
    pub rms_dbfs: f64,
    /// RMS of the error in LSB (fixed point only).
    pub rms_lsb: Option<f64>,
    /// Histogram of the error in LSB over -2..=2 ([`ERROR_HISTOGRAM_BINS`] bins), fixed point
    /// only; values beyond land in the end bins.
    pub histogram: Vec<u32>,
    /// Spectrum of the error.
    pub spectrum: Spectrum,
}

/// Everything the converter screen shows.
#[derive(Clone, Debug, Default)]
pub struct ConverterSnapshot {
    /// Sample rate in Hz.
    pub sample_rate_hz: f64,
    /// Index of the first analysed sample.
    pub start: u64,
    /// The time view.
    pub time: TimeView,
    /// The error view.
    pub error: ErrorStats,
    /// Spectrum of the output.
    pub spectrum: Spectrum,
    /// The anti-alias filter's response (Hz, dB) from 10 Hz to above Nyquist.
    pub filter_curve: Vec<[f64; 2]>,
    /// The sine test of the output (tonal sources only).
    pub sine: Option<SineTest>,
    /// Theory SNR for the measured signal level, bit depth and dither.
    pub theory_snr_db: f64,
    /// The quantizer's theoretical noise per spectrum bin in dBFS (the theory line).
    pub theory_noise_per_bin_dbfs: f64,
    /// Levels of the output over the analysed block.
    pub levels: Levels,
    /// Clipped samples in the analysed block.
    pub clipped_samples: usize,
    /// Aliases of components above Nyquist, with what the spectrum shows there.
    pub aliases: Vec<Alias>,
}

/// The converter with its analysers: recomputes a [`ConverterSnapshot`] after a parameter
/// change or a step of the transport, reusing its buffers.
pub struct ConverterLab {
    converter: Converter,
    analyzer: SpectrumAnalyzer,
    interpolator: SincInterpolator,
    block: ConvertedBlock,
    /// The true-peak meter of the levels and of the time view (its filter built once).
    meter: TruePeakMeter,
    /// The quantization error of the analysed block (the error spectrum's input).
    errors: Vec<f64>,
}

impl std::fmt::Debug for ConverterLab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConverterLab").field("params", self.converter.params()).finish_non_exhaustive()
    }
}

impl ConverterLab {
    /// Builds the converter for `params`.
    ///
    /// # Errors
    /// When a parameter is out of range.
    pub fn new(params: &ConverterParams) -> Result<Self, String> {
        Ok(Self {
            converter: Converter::new(params)?,
            analyzer: SpectrumAnalyzer::new(),
            interpolator: SincInterpolator::default(),
            block: ConvertedBlock::default(),
            meter: TruePeakMeter::new(),
            errors: Vec::new(),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &ConverterParams {
        self.converter.params()
    }

    /// Replaces the parameters (rebuilding the converter), keeping the analysers.
    ///
    /// # Errors
    /// When a parameter is out of range; the old parameters stay in force.
    pub fn set_params(&mut self, params: &ConverterParams) -> Result<(), String> {
        self.converter = Converter::new(params)?;
        Ok(())
    }

    /// Renders and analyses the signal from sample `start` on.
    pub fn compute(&mut self, start: u64, view: &ViewSettings) -> ConverterSnapshot {
        let mut snap = ConverterSnapshot::default();
        self.compute_into(start, view, &mut snap);
        snap
    }

    /// As [`Self::compute`], reusing `snap`'s buffers.
    pub fn compute_into(&mut self, start: u64, view: &ViewSettings, snap: &mut ConverterSnapshot) {
        let params = self.converter.params().clone();
        let fs = params.sample_rate_hz;
        let fft_size = view.fft_size.next_power_of_two();
        let view_offset = (view.time_offset_secs * fs).floor().max(0.0) as usize;
        let view_len = ((view.time_span_secs * fs).ceil() as usize + 2).clamp(4, 1 << 18);
        let needed = fft_size.max(view_offset + view_len) + 2 * MARGIN;
        let first = start.saturating_sub(MARGIN as u64);
        let lead = (start - first) as usize;
        self.converter.render_into(first, needed, &mut self.block);
        let block = &self.block;
        let analysed = &block.output[lead..lead + fft_size];

        snap.sample_rate_hz = fs;
        snap.start = start;

        // Spectrum and sine test of the output.
        self.analyzer.analyze_into(analysed, fs, fft_size, view.window, &mut snap.spectrum);
        let tonal = matches!(params.source.kind, SourceKind::Sine);
        snap.sine = if tonal { sine_test(&snap.spectrum, Some(params.source.freq_hz)) } else { None };
        let dither = params.quantizer.dither;
        let depth = params.quantizer.bit_depth;
        let level = snap.sine.map_or(params.source.level_dbfs + params.analog_gain_db, |s| s.fundamental_dbfs);
        snap.theory_snr_db = theory_snr_db(depth, level.min(0.0), &dither);
        snap.theory_noise_per_bin_dbfs = theory_noise_dbfs(depth, &dither) - power_to_db(fft_size as f64 / 2.0)
            + power_to_db(snap.spectrum.enbw_bins);

        // Levels, with the true-peak meter primed on the margin so that exactly the analysed
        // samples' inter-sample points are measured.
        measure_true_peak(&mut self.meter, &block.output, lead, fft_size);
        snap.levels = levels::measure_with_true_peak(analysed, self.meter.peak());
        snap.clipped_samples = block.clipped.iter().filter(|&&i| i >= lead && i < lead + fft_size).count();

        // Aliases above the quantizer's noise, and what the spectrum shows there.
        let min_level = theory_noise_dbfs(depth, &dither) - 20.0;
        snap.aliases = aliasing::predict(self.converter.analog(), fs, min_level, 24);
        aliasing::measure(&mut snap.aliases, &snap.spectrum);

        // Filter response from 10 Hz to 4 x Nyquist, log-spaced.
        let filter = params.filter_response();
        snap.filter_curve.clear();
        let (lo, hi) = (10f64.log10(), (2.0 * fs).log10());
        for i in 0..=400 {
            let f = 10f64.powf(lo + (hi - lo) * f64::from(i) / 400.0);
            snap.filter_curve.push([f, filter.magnitude_db(f).max(-200.0)]);
        }

        // Error view over the analysed block.
        let lsb = depth.lsb();
        let mut sum2 = 0.0;
        let errors = &mut self.errors;
        errors.clear();
        snap.error.histogram.clear();
        snap.error.histogram.resize(if lsb.is_some() { ERROR_HISTOGRAM_BINS } else { 0 }, 0);
        for (y, x) in analysed.iter().zip(&block.analog[lead..lead + fft_size]) {
            let e = y - x;
            sum2 += e * e;
            errors.push(e);
            if let Some(q) = lsb {
                let pos = ((e / q + 2.0) / 4.0 * (ERROR_HISTOGRAM_BINS - 1) as f64).round();
                let bin = pos.clamp(0.0, (ERROR_HISTOGRAM_BINS - 1) as f64) as usize;
                snap.error.histogram[bin] += 1;
            }
        }
        let mean_square = sum2 / fft_size as f64;
        snap.error.rms_dbfs = power_to_db(mean_square);
        snap.error.rms_lsb = lsb.map(|q| mean_square.sqrt() / q);
        self.analyzer.analyze_into(errors, fs, fft_size, view.window, &mut snap.error.spectrum);

        // Time view.
        self.fill_time_view(&params, lead + view_offset, view_len, view.curve_points, snap);
    }

    fn fill_time_view(
        &mut self,
        params: &ConverterParams,
        first: usize,
        len: usize,
        points: usize,
        snap: &mut ConverterSnapshot,
    ) {
        let fs = params.sample_rate_hz;
        let block = &self.block;
        let t_of = |i: usize| (block.start + i as u64) as f64 / fs;
        let t0 = t_of(first);
        let t1 = t_of(first + len - 1);
        let tv = &mut snap.time;
        tv.range_secs = (t0, t1);
        tv.analog_raw.clear();
        tv.analog.clear();
        tv.reconstructed.clear();
        tv.samples.clear();
        tv.clipped.clear();
        tv.error.clear();
        let analog = self.converter.analog();
        let noise = params.source.kind.is_noise() || params.noise_floor_dbfs.is_some();
        let points = points.max(2);
        for p in 0..points {
            let t = t0 + (t1 - t0) * p as f64 / (points - 1) as f64;
            let pos = t * fs - block.start as f64;
            let raw = analog.unfiltered_at(t);
            // Noise exists only at the sampling instants; between them, show its band-limited
            // interpolation, which is what the filtered analog noise looks like.
            let filtered = if noise { self.interpolator.at(&block.analog, pos) } else { analog.at(t) };
            tv.analog_raw.push([t, if params.source.kind.is_noise() { filtered } else { raw }]);
            tv.analog.push([t, filtered]);
            let recon = match params.reconstruction {
                Reconstruction::Staircase => staircase_at(&block.output, pos),
                Reconstruction::BandLimited => self.interpolator.at(&block.output, pos),
            };
            tv.reconstructed.push([t, recon]);
        }
        for i in first..first + len {
            let t = t_of(i);
            let y = block.output[i];
            tv.samples.push([t, y]);
            tv.error.push([t, y - block.analog[i]]);
        }
        // The clipped indices come in ascending order.
        let from = block.clipped.partition_point(|&i| i < first);
        for &i in block.clipped[from..].iter().take_while(|&&i| i < first + len) {
            tv.clipped.push([t_of(i), block.output[i]]);
        }
        // True peak of the view, if it stands above the highest sample.
        let primed_from = measure_true_peak(&mut self.meter, &block.output, first, len);
        let meter = &self.meter;
        let sample_peak = levels::sample_peak(&block.output[first..first + len]);
        tv.true_peak = None;
        // Marked when it stands out: at least 0.1 dB above the highest sample.
        if meter.peak() > sample_peak * 1.011_6 {
            let pos = primed_from as f64 + meter.peak_position();
            let t = (block.start as f64 + pos) / fs;
            let v = self.interpolator.at(&block.output, pos);
            tv.true_peak = Some([t, if v < 0.0 { -meter.peak() } else { meter.peak() }]);
        }
        quantization_levels_into(params.quantizer.bit_depth, MAX_LEVELS_SHOWN, &mut tv.levels);
    }
}

/// Resets `meter` and has it measure exactly the inter-sample points of
/// `samples[first..first + len]`, primed on what comes before and fed what comes after (the
/// interpolator looks both ways). Returns the index its positions count from.
fn measure_true_peak(meter: &mut TruePeakMeter, samples: &[f64], first: usize, len: usize) -> usize {
    let lag = crate::analysis::true_peak::LATENCY;
    let start = first.saturating_sub(MARGIN);
    let split = (first + lag).min(samples.len());
    let end = (first + len + lag).min(samples.len());
    meter.reset();
    meter.process(&samples[start..split]);
    meter.reset_peak();
    meter.process(&samples[split..end]);
    start
}

/// The quantization levels of `depth` into `levels` (cleared first), when there are at most
/// `max` of them.
pub fn quantization_levels_into(depth: BitDepth, max: usize, levels: &mut Vec<f64>) {
    levels.clear();
    if let BitDepth::Fixed(n) = depth
        && (1usize << n) <= max
    {
        let half = 1i64 << (n - 1);
        let lsb = 1.0 / half as f64;
        levels.extend((-half..half).map(|c| c as f64 * lsb));
    }
}
