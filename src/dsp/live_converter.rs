//! Live input through the converter: a device's samples taken as the analog signal, then the
//! converter's analog gain, anti-alias filter, sampler and quantizer, and the result
//! reconstructed back to the input's rate for a listener.
//!
//! The physics: the device delivers samples `x[m]` at its own rate `r`, so the only analog
//! signal there is to convert is the one they describe, band-limited to `r/2`:
//! `a(t) = g Σ x[m] sinc(r t - m)` (`g` the analog gain). Nothing above `r/2` exists in it.
//! - The anti-alias filter acts on `a(t)`; since `a` holds nothing above `r/2`, its output is
//!   exactly a digital filter at rate `r` whose response is `H(f)` for `|f| < r/2`. That filter
//!   is designed here by sampling `H(f)` (complex: the gentle filter keeps its phase) and
//!   windowing the impulse response ([`FIR_MAX_TAPS`] at most); the steep filter's constant
//!   delay is removed, as the synthesized sources show it.
//! - The sampler evaluates the filtered signal at `t = n / fs` by band-limited interpolation
//!   (a 128-tap Kaiser-windowed sinc at full band, flat within 0.01 dB up to 0.45 r): no filter
//!   of its own, so at `fs < r` whatever lies between `fs/2` and `r/2` folds to `|f - k fs|`,
//!   as in a real converter.
//! - The quantizer is the converter's own ([`Quantizer`]: bits, rounding, dither, shaping,
//!   clipping).
//! - What a listener hears, at the input's rate and [`LiveConverter::latency_samples`] late:
//!   the tap ([`ConverterTap`]: analog, output or error) reconstructed the way
//!   `audio::voice::ConverterVoice` does for synthesized sources: band-limited (a windowed
//!   sinc cut at the lower of the two Nyquist frequencies) or the zero-order hold's staircase
//!   (when `fs < r`).
//!
//! Every value depends only on its index from the start, so any split of the input into
//! blocks gives the same samples; after [`LiveConverter::new`] nothing allocates.

use crate::audio::voice::ConverterTap;
use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::{AaFilterKind, FilterResponse};
use crate::dsp::quantizer::Quantizer;
use crate::dsp::reconstruct::{Reconstruction, SincInterpolator};
use crate::dsp::source::check_range;
use crate::units::db_to_amp;

/// Input samples handled in one internal step (any block is cut into steps of this size).
pub const STEP: usize = 256;
/// The longest anti-alias filter, in taps at the input rate.
pub const FIR_MAX_TAPS: usize = 8191;
/// Input rates accepted, Hz.
pub const INPUT_RATE_RANGE_HZ: (f64, f64) = (8000.0, 384_000.0);
/// Half the sampler's interpolation kernel, in input samples.
const SAMPLER_HALF_TAPS: usize = 64;
/// Half the reconstruction kernel at its widest (`fs <= r`), in converter samples.
const RECON_HALF_TAPS: usize = 32;

/// What one step produced. Each stream starts at its own index: `analog_start` counts input
/// samples (time `i / r`), `sample_start` converter samples (time `n / fs`), `heard_start`
/// input samples again (heard sample `m` plays time `(m - latency) / r`).
#[derive(Debug)]
pub struct LiveChunk<'a> {
    /// Index of `analog[0]` and `filtered[0]`, at the input rate.
    pub analog_start: u64,
    /// The analog signal after the gain, `g x[m]`.
    pub analog: &'a [f64],
    /// The same after the anti-alias filter.
    pub filtered: &'a [f64],
    /// Index of `sampled[0]` and `output[0]`, at the converter's rate.
    pub sample_start: u64,
    /// The filtered analog signal at each sampling instant: what the quantizer was given.
    pub sampled: &'a [f64],
    /// The converter's output, on the code grid.
    pub output: &'a [f64],
    /// Indices into `output` of samples that clipped.
    pub clipped: &'a [usize],
    /// Index of `heard[0]`, at the input rate.
    pub heard_start: u64,
    /// The tap reconstructed at the input rate (one sample per input sample).
    pub heard: &'a [f64],
}

/// A stretch of a signal with the global index of its first sample; the `pad` samples before
/// index 0 read as zero. Sized once: what `trim` lets go of is dropped when the buffer fills.
#[derive(Clone, Debug)]
struct History {
    data: Vec<f64>,
    /// Global index of `data[0]` (negative while the zeros before the start are held).
    base: i64,
    /// Nothing before this global index is needed any more.
    keep_from: i64,
    pad: usize,
}

impl History {
    /// `pad` zeros before the start; room for `span` samples in use at once.
    fn new(pad: usize, span: usize) -> Self {
        let mut h = Self { data: Vec::with_capacity(2 * (pad + span) + 2 * STEP), base: 0, keep_from: 0, pad };
        h.reset();
        h
    }

    fn reset(&mut self) {
        self.data.clear();
        self.data.resize(self.pad, 0.0);
        self.base = -(self.pad as i64);
        self.keep_from = self.base;
    }

    /// One past the last global index held.
    fn end(&self) -> i64 {
        self.base + self.data.len() as i64
    }

    fn push(&mut self, x: f64) {
        if self.data.len() == self.data.capacity() {
            self.compact();
        }
        debug_assert!(self.data.len() < self.data.capacity(), "History sized too small");
        self.data.push(x);
    }

    fn compact(&mut self) {
        let drop = usize::try_from(self.keep_from - self.base).unwrap_or(0).min(self.data.len());
        if drop > 0 {
            self.data.copy_within(drop.., 0);
            self.data.truncate(self.data.len() - drop);
            self.base += drop as i64;
        }
    }

    fn get(&self, i: i64) -> f64 {
        usize::try_from(i - self.base).ok().and_then(|k| self.data.get(k)).copied().unwrap_or(0.0)
    }

    /// `len` samples from global index `first` (which must be held).
    fn slice(&self, first: i64, len: usize) -> &[f64] {
        let k = usize::try_from(first - self.base).unwrap_or(0).min(self.data.len());
        &self.data[k..(k + len).min(self.data.len())]
    }

    /// Lets go of everything before global index `from`.
    fn trim(&mut self, from: i64) {
        self.keep_from = self.keep_from.max(from.min(self.end()));
    }
}

/// The anti-alias filter as a digital filter at the input rate: taps and the index of the
/// tap at time zero.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveFilter {
    /// The impulse response, `taps[j]` weighting input `m + centre - j` for output `m`.
    pub taps: Vec<f64>,
    /// How many taps come before time zero (the delay removed).
    pub centre: usize,
}

impl LiveFilter {
    /// The filter `response` as seen by a signal band-limited to `input_rate_hz / 2`; `None`
    /// when it passes that band untouched (off, or a response of 1 up to `r/2`).
    #[must_use]
    pub fn design(response: FilterResponse, input_rate_hz: f64) -> Option<Self> {
        let r = input_rate_hz;
        let nyq = 0.5 * r;
        if response.kind == AaFilterKind::Off
            || (0..=256).all(|i| response.magnitude(nyq * f64::from(i) / 256.0) == 1.0)
        {
            return None;
        }
        let odd = |n: usize| (n | 1).clamp(63, FIR_MAX_TAPS);
        let (len, centre) = if response.kind == AaFilterKind::Steep {
            // Symmetric, under a Kaiser window (beta 10) whose main lobe (3.34 r / taps each
            // side) spans a fifth of the transition band (cut at r/2 when it runs past it).
            let transition = (response.cutoff_hz / crate::dsp::filter::DEFAULT_PASSBAND_RATIO - response.cutoff_hz)
                .min(nyq - response.cutoff_hz.min(0.95 * nyq));
            let len = odd((16.0 * r / transition.max(1.0)).ceil() as usize);
            (len, (len - 1) / 2)
        } else {
            // Causal: the Butterworth's response dies as exp(-pi fc t), so 12 / fc holds it
            // to 4e-17 of its start. 64 precursors hold the ripple of the band edge at r/2.
            let causal = ((12.0 * r / response.cutoff_hz).ceil() as usize).clamp(192, FIR_MAX_TAPS - 64);
            (causal + 64, 64)
        };
        // Sample H(f) densely (complex, so the gentle filter keeps its phase) and take the
        // inverse transform: the impulse response of H restricted to |f| < r/2.
        let m = (8 * len).next_power_of_two().max(16_384);
        let mut planner = realfft::RealFftPlanner::<f64>::new();
        let ifft = planner.plan_fft_inverse(m);
        let mut spectrum = ifft.make_input_vec();
        for (k, bin) in spectrum.iter_mut().enumerate() {
            let f = k as f64 * r / m as f64;
            let h = response.h(f);
            // The bin at r/2 must be real for a real response.
            *bin = if k == m / 2 { realfft::num_complex::Complex64::new(h.re, 0.0) } else { h };
        }
        let mut impulse = ifft.make_output_vec();
        ifft.process(&mut spectrum, &mut impulse).ok()?;
        let scale = 1.0 / m as f64;
        let taps = (0..len)
            .map(|j| {
                let t = j as i64 - centre as i64;
                let h = impulse[t.rem_euclid(m as i64) as usize] * scale;
                h * taper(t, centre, len - centre, response.kind == AaFilterKind::Steep)
            })
            .collect();
        Some(Self { taps, centre })
    }

    /// The filter's response at `freq_hz` for a signal at `rate_hz` (delay removed).
    #[must_use]
    pub fn response_at(&self, freq_hz: f64, rate_hz: f64) -> realfft::num_complex::Complex64 {
        let w = std::f64::consts::TAU * freq_hz / rate_hz;
        self.taps
            .iter()
            .enumerate()
            .map(|(j, h)| realfft::num_complex::Complex64::from_polar(*h, -w * (j as f64 - self.centre as f64)))
            .sum()
    }
}

/// The window of the impulse response at time `t` (taps from `-before` to `after - 1`):
/// a Kaiser window for the symmetric steep filter; for the causal gentle filter flat over the
/// first half of its tail, then tapering, and tapering over the precursors.
fn taper(t: i64, before: usize, after: usize, symmetric: bool) -> f64 {
    use crate::analysis::window::kaiser_at;
    if symmetric {
        return kaiser_at(t as f64 / (before as f64 + 1.0), 10.0);
    }
    if t < 0 {
        return kaiser_at(t as f64 / (before as f64 + 1.0), 8.0);
    }
    let half = after as f64 / 2.0;
    let t = t as f64;
    if t < half { 1.0 } else { kaiser_at((t - half) / (half + 1.0), 8.0) }
}

#[derive(Clone, Debug)]
enum Listen {
    /// The converter runs at the input's rate: its samples are heard as they are.
    Direct,
    /// Band-limited interpolation of the converter's samples at the input's instants.
    BandLimited(SincInterpolator),
    /// Zero-order hold.
    Hold,
}

/// Live input through the converter (see the module's notes).
#[derive(Clone, Debug)]
pub struct LiveConverter {
    params: ConverterParams,
    input_rate: f64,
    fs: f64,
    gain: f64,
    tap: ConverterTap,
    filter: Option<LiveFilter>,
    sampler: SincInterpolator,
    listen: Listen,
    quantizer: Quantizer,
    /// Both rates when they are whole numbers: sampling instants are then exact.
    whole_rates: Option<(u64, u64)>,
    latency: usize,
    /// Input samples taken so far.
    taken: u64,
    /// `g x`, `y` (filtered) at the input rate; the heard tap at the converter's rate.
    analog: History,
    filtered: History,
    tapped: History,
    /// The next converter sample to take.
    next_sample: u64,
    // This step's output.
    out_analog: Vec<f64>,
    out_filtered: Vec<f64>,
    out_sampled: Vec<f64>,
    out_output: Vec<f64>,
    out_clipped: Vec<usize>,
    out_heard: Vec<f64>,
}

impl LiveConverter {
    /// The converter of `params` fed by an input at `input_rate_hz`, heard at `tap`. The
    /// source settings (kind, frequency, level) and the modelled noise floor do not apply:
    /// the input is the source, with its own noise.
    ///
    /// # Errors
    /// Parameters or the input rate out of range, as a sentence naming the field.
    pub fn new(params: &ConverterParams, input_rate_hz: f64, tap: ConverterTap) -> Result<Self, String> {
        params.validate()?;
        let (lo, hi) = INPUT_RATE_RANGE_HZ;
        check_range("input rate", input_rate_hz, lo, hi)?;
        let r = input_rate_hz;
        let fs = params.sample_rate_hz;
        let filter = LiveFilter::design(params.filter_response(), r);
        let centre = filter.as_ref().map_or(0, |f| f.centre);
        let flen = filter.as_ref().map_or(1, |f| f.taps.len());
        let listen = if (fs - r).abs() < 1e-9 {
            Listen::Direct
        } else if params.reconstruction == Reconstruction::Staircase && fs < r {
            Listen::Hold
        } else {
            // Cut at the lower Nyquist; the kernel widens as the cut narrows.
            let cutoff = (r / fs).min(1.0);
            let half = (RECON_HALF_TAPS as f64 / cutoff).ceil() as usize;
            Listen::BandLimited(SincInterpolator::new(half, 512, 12.0, cutoff))
        };
        let recon_half = match &listen {
            Listen::BandLimited(k) => k.half_taps(),
            _ => 1,
        };
        // A heard sample needs converter samples up to recon_half past its instant, each of
        // which needs filtered samples SAMPLER_HALF_TAPS past its own, each of which needs
        // inputs `centre` past it.
        let latency = centre + SAMPLER_HALF_TAPS + (recon_half as f64 * r / fs).ceil() as usize + 2;
        let per_step = (STEP as f64 * fs / r).ceil() as usize + 2;
        let analog = History::new(flen + 2, flen.max(latency + 1) + STEP + 2);
        let filtered =
            History::new(2 * SAMPLER_HALF_TAPS + 2, 2 * SAMPLER_HALF_TAPS + (r / fs).ceil() as usize + STEP + 4);
        let tapped_span = ((latency + STEP) as f64 * fs / r).ceil() as usize + 2 * recon_half + per_step + 4;
        let tapped = History::new(2 * recon_half + 2, tapped_span);
        let whole = |x: f64| (x.fract() == 0.0 && x > 0.0).then_some(x as u64);
        Ok(Self {
            params: params.clone(),
            input_rate: r,
            fs,
            gain: db_to_amp(params.analog_gain_db),
            tap,
            filter,
            sampler: SincInterpolator::new(SAMPLER_HALF_TAPS, 512, 12.0, 1.0),
            listen,
            quantizer: Quantizer::new(params.quantizer, params.seed),
            whole_rates: whole(r).zip(whole(fs)),
            latency,
            taken: 0,
            analog,
            filtered,
            tapped,
            next_sample: 0,
            out_analog: Vec::with_capacity(STEP),
            out_filtered: Vec::with_capacity(STEP),
            out_sampled: Vec::with_capacity(per_step),
            out_output: Vec::with_capacity(per_step),
            out_clipped: Vec::with_capacity(per_step),
            out_heard: Vec::with_capacity(STEP),
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &ConverterParams {
        &self.params
    }

    /// The input's rate, Hz.
    #[must_use]
    pub fn input_rate_hz(&self) -> f64 {
        self.input_rate
    }

    /// The anti-alias filter as it acts at the input's rate (`None`: it changes nothing there).
    #[must_use]
    pub fn filter(&self) -> Option<&LiveFilter> {
        self.filter.as_ref()
    }

    /// How many input samples late the heard signal is.
    #[must_use]
    pub fn latency_samples(&self) -> usize {
        self.latency
    }

    /// Back to the state just after construction (the same dither sequence again).
    pub fn reset(&mut self) {
        self.analog.reset();
        self.filtered.reset();
        self.tapped.reset();
        self.quantizer = Quantizer::new(self.params.quantizer, self.params.seed);
        self.taken = 0;
        self.next_sample = 0;
    }

    /// Converts `input` (samples at the input's rate, continuing the previous call), handing
    /// each step's results to `sink`. Never allocates.
    pub fn process(&mut self, input: &[f64], mut sink: impl FnMut(&LiveChunk<'_>)) {
        for step in input.chunks(STEP) {
            self.step(step);
            sink(&LiveChunk {
                analog_start: self.filtered.end() as u64 - self.out_filtered.len() as u64,
                analog: &self.out_analog,
                filtered: &self.out_filtered,
                sample_start: self.next_sample - self.out_output.len() as u64,
                sampled: &self.out_sampled,
                output: &self.out_output,
                clipped: &self.out_clipped,
                heard_start: self.taken - step.len() as u64,
                heard: &self.out_heard,
            });
        }
    }

    /// Where sample `n` at `rate_from` falls at `rate_to`: whole part and fraction (exact when
    /// both rates are whole, `whole` = (from, to)).
    fn instant(n: u64, rate_from: f64, rate_to: f64, whole: Option<(u64, u64)>) -> (i64, f64) {
        if let Some((from, to)) = whole {
            let num = u128::from(n) * u128::from(to);
            ((num / u128::from(from)) as i64, (num % u128::from(from)) as f64 / from as f64)
        } else {
            let p = n as f64 * rate_to / rate_from;
            (p.floor() as i64, p - p.floor())
        }
    }

    fn step(&mut self, input: &[f64]) {
        self.out_analog.clear();
        self.out_filtered.clear();
        self.out_sampled.clear();
        self.out_output.clear();
        self.out_clipped.clear();
        self.out_heard.clear();
        for &x in input {
            self.analog.push(self.gain * if x.is_finite() { x } else { 0.0 });
        }
        self.taken += input.len() as u64;
        // The filter: output m once input m + centre has come.
        let centre = self.filter.as_ref().map_or(0, |f| f.centre) as i64;
        while self.filtered.end() + centre < self.analog.end() {
            let m = self.filtered.end();
            let y = match &self.filter {
                None => self.analog.get(m),
                Some(f) => {
                    let first = m + centre + 1 - f.taps.len() as i64;
                    let window = self.analog.slice(first, f.taps.len());
                    // taps[j] weights input m + centre - j: the window read backwards.
                    window.iter().rev().zip(&f.taps).map(|(x, h)| x * h).sum()
                }
            };
            self.out_analog.push(self.analog.get(m));
            self.out_filtered.push(y);
            self.filtered.push(y);
        }
        // The sampler: converter sample n once filtered samples reach past its instant.
        let half = SAMPLER_HALF_TAPS as i64;
        let whole = self.whole_rates.map(|(r, fs)| (fs, r));
        loop {
            let (i0, frac) = Self::instant(self.next_sample, self.fs, self.input_rate, whole);
            if i0 + half >= self.filtered.end() {
                break;
            }
            let window = self.filtered.slice(i0 - half + 1, 2 * SAMPLER_HALF_TAPS);
            let s = if frac == 0.0 { self.filtered.get(i0) } else { self.sampler.apply(window, frac) };
            let q = self.quantizer.process(s);
            if q.clipped {
                self.out_clipped.push(self.out_output.len());
            }
            self.out_sampled.push(s);
            self.out_output.push(q.value);
            self.tapped.push(if self.tap == ConverterTap::Error { q.value - s } else { q.value });
            self.next_sample += 1;
        }
        // What is heard: one sample per input sample, `latency` late.
        let first_heard = self.taken - input.len() as u64;
        let back = self.whole_rates;
        for m in first_heard..self.taken {
            let t = m as i64 - self.latency as i64;
            let v = if t < 0 {
                0.0
            } else if self.tap == ConverterTap::Analog {
                self.analog.get(t)
            } else {
                let (i0, frac) = Self::instant(t as u64, self.input_rate, self.fs, back);
                match &self.listen {
                    Listen::Direct | Listen::Hold => self.tapped.get(i0),
                    Listen::BandLimited(k) => {
                        let h = k.half_taps() as i64;
                        debug_assert!(i0 + h < self.tapped.end(), "latency too short");
                        k.apply(self.tapped.slice(i0 - h + 1, 2 * k.half_taps()), frac)
                    }
                }
            };
            self.out_heard.push(v);
        }
        // Keep only what later samples can still need.
        let flen = self.filter.as_ref().map_or(1, |f| f.taps.len()) as i64;
        let keep_analog = (self.filtered.end() + centre + 1 - flen).min(self.taken as i64 - self.latency as i64 - 1);
        self.analog.trim(keep_analog.min(self.filtered.end() - 1));
        let (i0, _) = Self::instant(self.next_sample, self.fs, self.input_rate, whole);
        self.filtered.trim(i0 - half);
        let recon_half = match &self.listen {
            Listen::BandLimited(k) => k.half_taps() as i64,
            _ => 1,
        };
        let next_heard = self.taken as i64 - self.latency as i64;
        let (j0, _) = Self::instant(next_heard.max(0) as u64, self.input_rate, self.fs, back);
        self.tapped.trim((j0 - recon_half - 1).min(self.tapped.end() - 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::filter::AaFilter;
    use crate::units::amp_to_db;

    /// The digital filter at the input rate has the analog filter's response over the band
    /// the input holds: the gentle one in magnitude (0.01 dB) and phase (0.1 degree) to 0.45 r;
    /// the steep one within 0.05 dB up to its cutoff (the ADC spec allows 0.1) and at least 90 dB down from a fifth of
    /// its transition band past the stop edge (its window's smear).
    #[test]
    fn the_filter_at_the_input_rate_is_h_of_f() {
        let r = 48_000.0;
        for (kind, fs) in [
            (AaFilterKind::Gentle, 32_000.0),
            (AaFilterKind::Gentle, 8000.0),
            (AaFilterKind::Steep, 32_000.0),
            (AaFilterKind::Steep, 8000.0),
            (AaFilterKind::Steep, 44_100.0),
        ] {
            let h = AaFilter::new(kind).response(fs);
            let fir = LiveFilter::design(h, r).expect("a filter");
            let (mut worst_db, mut worst_deg, mut worst_stop) = (0f64, 0f64, -400f64);
            let stop = h.stop_edge_hz().unwrap_or(f64::INFINITY);
            let transition = stop - h.cutoff_hz;
            for i in 1..=4500 {
                let f = r * f64::from(i) / 10_000.0;
                let (want, got) = (h.h(f), fir.response_at(f, r));
                if kind == AaFilterKind::Gentle || f <= h.cutoff_hz {
                    worst_db = worst_db.max((amp_to_db(got.norm()) - amp_to_db(want.norm())).abs());
                    if kind == AaFilterKind::Gentle {
                        worst_deg = worst_deg.max((got / want).arg().to_degrees().abs());
                    }
                } else if f >= stop + 0.2 * transition {
                    worst_stop = worst_stop.max(amp_to_db(got.norm()));
                }
            }
            eprintln!(
                "{kind:?} fs {fs}: {} taps, {worst_db:.4} dB {worst_deg:.4} deg, stop {worst_stop:.1} dB",
                fir.taps.len()
            );
            let tolerance_db = if kind == AaFilterKind::Gentle { 0.01 } else { 0.05 };
            assert!(worst_db < tolerance_db && worst_deg < 0.1 && worst_stop <= -90.0, "{kind:?} at fs {fs}");
        }
    }
}
