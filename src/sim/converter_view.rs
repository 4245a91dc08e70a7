//! The converter screen's data: time view, error view, spectrum, sine test, levels and alias
//! list, all computed from one rendered block of the converter.

use crate::analysis::aliasing::{self, Alias};
use crate::analysis::levels::{self, Levels};
use crate::analysis::sine_test::{SineTest, sine_test};
use crate::analysis::spectrum::{Spectrum, SpectrumAnalyzer};
use crate::analysis::theory::{theory_noise_dbfs, theory_snr_db};
use crate::analysis::true_peak::TruePeakMeter;
use crate::analysis::window::Window;
use crate::audio::voice::ConverterTap;
use crate::dsp::converter::{ConvertedBlock, Converter, ConverterParams};
use crate::dsp::live_converter::LiveConverter;
use crate::dsp::quantizer::{BitDepth, NoiseShaping};
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
            SourceKind::Sweep | SourceKind::LiveInput => 0.02,
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
    /// With the live input as the source: the input and what can honestly be said of it.
    pub live: Option<LiveSnapshot>,
}

/// The live input on the converter screen: where it comes from and the measurements that
/// hold for any signal (a voice is not a sine, so the sine test does not apply).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveSnapshot {
    /// The input device (empty: none open).
    pub device: String,
    /// Its own sample rate, Hz: nothing above half of it exists in the signal (0: none open).
    pub input_rate_hz: f64,
    /// Why nothing is shown: no input device, or not enough input yet.
    pub problem: Option<String>,
    /// Signal over quantization error, measured: the power of the quantizer's input over the
    /// power of the error (output minus input), in dB.
    pub snr_db: Option<f64>,
    /// What uniform, uncorrelated error predicts for this signal's power: 6.02 N + 1.76 dB
    /// plus how far its power sits from a full-scale sine's, minus the dither's extra noise
    /// (fixed point without noise shaping only).
    pub theory_snr_db: Option<f64>,
    /// The level of a sine of the same power, dBFS (RMS + 3.01 dB).
    pub sine_level_dbfs: f64,
}

/// A stretch of live input for the converter screen: the latest samples at the input's rate.
#[derive(Clone, Copy, Debug)]
pub struct LiveWindow<'a> {
    /// The samples, oldest first.
    pub samples: &'a [f64],
    /// Input samples that came before `samples[0]` since the input opened.
    pub start: u64,
    /// The input's own rate, Hz.
    pub rate_hz: f64,
    /// The device's name.
    pub device: &'a str,
}

/// What the live converter left for the time view: the analog signal before and after the
/// filter at the input's rate, from input sample `start` on.
#[derive(Debug, Default)]
struct LiveCurves {
    start: u64,
    rate_hz: f64,
    analog: Vec<f64>,
    filtered: Vec<f64>,
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
    /// The live input's converter, built for the parameters and the input's rate.
    live: Option<LiveConverter>,
    live_curves: LiveCurves,
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
            live: None,
            live_curves: LiveCurves::default(),
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
        let (view_offset, view_len) = view_extent(view, fs);
        let needed = fft_size.max(view_offset + view_len) + 2 * MARGIN;
        let first = start.saturating_sub(MARGIN as u64);
        let lead = (start - first) as usize;
        self.converter.render_into(first, needed, &mut self.block);
        snap.live = None;
        self.analyse(&params, lead, fft_size, view, snap);

        // Aliases above the quantizer's noise, and what the spectrum shows there.
        let depth = params.quantizer.bit_depth;
        let min_level = theory_noise_dbfs(depth, &params.quantizer.dither) - 20.0;
        snap.aliases = aliasing::predict(self.converter.analog(), fs, min_level, 24);
        aliasing::measure(&mut snap.aliases, &snap.spectrum);

        // Time view.
        self.fill_time_view(&params, lead + view_offset, view_len, view.curve_points, snap);
    }

    /// As [`Self::compute_into`] for the live input: the latest `input` through the
    /// converter ([`LiveConverter`]) at the screen's settings. The spectrum's size is cut to
    /// what the window holds (at least 1024 samples); with less input than that, or none
    /// (`Err`: why), `snap.live` says why and the views stay empty.
    pub fn compute_live_into(
        &mut self,
        input: Result<&LiveWindow<'_>, &str>,
        view: &ViewSettings,
        snap: &mut ConverterSnapshot,
    ) {
        let params = self.converter.params().clone();
        let fs = params.sample_rate_hz;
        *snap = ConverterSnapshot { sample_rate_hz: fs, ..std::mem::take(snap) };
        let mut live = LiveSnapshot {
            device: input.map(|w| w.device.to_string()).unwrap_or_default(),
            input_rate_hz: input.map_or(0.0, |w| w.rate_hz),
            ..LiveSnapshot::default()
        };
        let window = match input {
            Ok(w) => w,
            Err(why) => {
                live.problem = Some(why.to_string());
                clear(snap, live);
                return;
            }
        };
        let r = window.rate_hz;
        if self.live.as_ref().is_none_or(|l| l.params() != &params || l.input_rate_hz() != r) {
            match LiveConverter::new(&params, r, ConverterTap::Output) {
                Ok(l) => self.live = Some(l),
                Err(e) => {
                    live.problem = Some(e);
                    clear(snap, live);
                    return;
                }
            }
        }
        let Some(conv) = self.live.as_mut() else { return };
        // Start on a sample whose instant is also a sampling instant, so that the samples
        // stay on one grid (n / fs since the input opened) from one window to the next.
        let skip = grid_skip(window.start, r, fs).min(window.samples.len());
        let samples = &window.samples[skip..];
        let input_start = window.start + skip as u64;
        // The filter and the sampler start from silence: drop what they have not settled on.
        let settle_input = conv.filter().map_or(0, |f| f.taps.len()) + 160;
        let settle = (settle_input as f64 * fs / r).ceil() as usize;
        conv.reset();
        let block = &mut self.block;
        block.start = 0;
        block.analog.clear();
        block.output.clear();
        block.clipped.clear();
        let curves = &mut self.live_curves;
        curves.rate_hz = r;
        curves.start = input_start;
        curves.analog.clear();
        curves.filtered.clear();
        conv.process(samples, |c| {
            block.clipped.extend(c.clipped.iter().map(|&i| block.output.len() + i));
            block.analog.extend_from_slice(c.sampled);
            block.output.extend_from_slice(c.output);
            curves.analog.extend_from_slice(c.analog);
            curves.filtered.extend_from_slice(c.filtered);
        });
        let available = block.output.len().saturating_sub(settle);
        let (view_offset, view_len) = view_extent(view, fs);
        let mut fft_size = view.fft_size.next_power_of_two();
        while fft_size > 1024 && fft_size.max(view_offset + view_len) + 2 * MARGIN > available {
            fft_size /= 2;
        }
        if fft_size.max(view_offset + view_len) + 2 * MARGIN > available {
            live.problem = Some(format!("listening: {:.2} s of input so far", window.samples.len() as f64 / r));
            clear(snap, live);
            return;
        }
        // Analyse the latest samples; the block starts `first_n` samples after the input
        // opened (an integer: the window starts on the grid).
        let lead = block.output.len() - fft_size.max(view_offset + view_len) - MARGIN;
        let first_n = ((input_start as f64) * fs / r).round() as u64;
        block.start = first_n;
        self.analyse(&params, lead, fft_size, view, snap);
        snap.aliases.clear();

        // What holds for any signal: measured signal over error, and what uniform error
        // predicts for a signal of this power.
        let analysed = &self.block.analog[lead..lead + fft_size];
        let signal = analysed.iter().map(|x| x * x).sum::<f64>() / fft_size as f64;
        let error = self.errors.iter().map(|e| e * e).sum::<f64>() / fft_size as f64;
        // A sine of peak A has power A^2 / 2.
        live.sine_level_dbfs = power_to_db(2.0 * signal);
        live.snr_db = (error > 0.0 && signal > 0.0).then(|| power_to_db(signal / error));
        let depth = params.quantizer.bit_depth;
        live.theory_snr_db = (matches!(depth, BitDepth::Fixed(_))
            && params.quantizer.noise_shaping == NoiseShaping::Off
            && signal > 0.0)
            .then(|| theory_snr_db(depth, live.sine_level_dbfs, &params.quantizer.dither));
        snap.live = Some(live);
        self.fill_time_view(&params, lead + view_offset, view_len, view.curve_points, snap);
    }

    /// Spectrum, sine test, theory, levels, clips, filter curve and error view of
    /// `self.block.output[lead..lead + fft_size]`.
    fn analyse(
        &mut self,
        params: &ConverterParams,
        lead: usize,
        fft_size: usize,
        view: &ViewSettings,
        snap: &mut ConverterSnapshot,
    ) {
        let fs = params.sample_rate_hz;
        let block = &self.block;
        let analysed = &block.output[lead..lead + fft_size];

        snap.sample_rate_hz = fs;
        snap.start = block.start + lead as u64;

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
        let live = params.source.kind.is_live().then_some(&self.live_curves);
        let points = points.max(2);
        for p in 0..points {
            let t = t0 + (t1 - t0) * p as f64 / (points - 1) as f64;
            let pos = t * fs - block.start as f64;
            let (raw, filtered) = if let Some(c) = live {
                // The input is band-limited to half its rate: between its samples it is
                // their band-limited interpolation, before and after the filter.
                let pos_in = t * c.rate_hz - c.start as f64;
                (self.interpolator.at(&c.analog, pos_in), self.interpolator.at(&c.filtered, pos_in))
            } else {
                // Noise exists only at the sampling instants; between them, show its
                // band-limited interpolation, which is what the filtered analog noise looks like.
                let filtered = if noise { self.interpolator.at(&block.analog, pos) } else { analog.at(t) };
                (if params.source.kind.is_noise() { filtered } else { analog.unfiltered_at(t) }, filtered)
            };
            tv.analog_raw.push([t, raw]);
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

/// Where the view lies in the analysed block: its first sample after the block's start and
/// how many samples it spans.
fn view_extent(view: &ViewSettings, fs: f64) -> (usize, usize) {
    let offset = (view.time_offset_secs * fs).floor().max(0.0) as usize;
    let len = ((view.time_span_secs * fs).ceil() as usize + 2).clamp(4, 1 << 18);
    (offset, len)
}

/// How many input samples to skip from input sample `start` (at `r`) to reach one that is
/// also a sampling instant at `fs` (both whole rates; otherwise none).
fn grid_skip(start: u64, r: f64, fs: f64) -> usize {
    let whole = |x: f64| (x.fract() == 0.0 && x >= 1.0).then_some(x as u64);
    let (Some(r), Some(fs)) = (whole(r), whole(fs)) else { return 0 };
    let period = r / gcd(r, fs);
    ((period - start % period) % period) as usize
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Empties every view of `snap` and puts `live` in it.
fn clear(snap: &mut ConverterSnapshot, live: LiveSnapshot) {
    let fs = snap.sample_rate_hz;
    // No input: the readouts are those of digital silence, not of zeroed fields (0 dBFS).
    let silence = levels::measure(&[0.0]);
    *snap = ConverterSnapshot { sample_rate_hz: fs, live: Some(live), levels: silence, ..ConverterSnapshot::default() };
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
