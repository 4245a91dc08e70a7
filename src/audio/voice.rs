//! Voices: the model's signals made ready for a loudspeaker at the device's rate. A converter
//! voice runs the same [`Converter`] the converter screen analyses and reconstructs its output
//! as a DAC would (band-limited, or the zero-order hold's staircase); a chain tap takes a
//! stage of the same [`Chain`] the desk meters. Both render in steps of their own rate into a
//! queue and hand the device whole blocks; after construction nothing allocates.
//!
//! Every voice maps device sample `d` to the model's time `d / device_rate`, so a voice built
//! to replace another (new settings) plays the same instant of the signal and the two can be
//! cross-faded without a phase jump.

use crate::audio::fifo::StereoFifo;
use crate::chain::engine::{Chain, MAX_BLOCK, StageId};
use crate::dsp::converter::{ConvertedBlock, Converter, ConverterParams};
use crate::dsp::filter::{AaFilter, AaFilterKind};
use crate::dsp::quantizer::{BitDepth, QuantizerSettings};
use crate::dsp::reconstruct::Reconstruction;
use crate::dsp::resample::{Resampler, SrcQuality};
use crate::units::db_to_amp;

/// Most model samples rendered in one step.
pub const STEP: usize = 256;
/// Frames a voice's queue holds.
const FIFO_FRAMES: usize = 8192;
/// Room for the longest resampler history (192 kHz to a 44.1 kHz device: 2 x 157 taps).
const PRIME_CAPACITY: usize = 1024;

/// Which signal of the converter is heard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ConverterTap {
    /// The analog signal after the analog gain (and its noise), before the anti-alias filter,
    /// band-limited to what the device can play.
    Analog,
    /// The converter's output, reconstructed as the settings say (band-limited or staircase).
    #[default]
    Output,
    /// The quantization error alone: output minus the quantizer's input ("play the noise").
    Error,
}

impl ConverterTap {
    /// All, in menu order.
    pub const ALL: [Self; 3] = [Self::Analog, Self::Output, Self::Error];

    /// Label for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Analog => "Analog source",
            Self::Output => "Converter output",
            Self::Error => "Quantization error (the noise)",
        }
    }

    /// Name on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Analog => "analog",
            Self::Output => "output",
            Self::Error => "error",
        }
    }
}

impl std::str::FromStr for ConverterTap {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown listening point '{s}' (expected analog, output or error)"))
    }
}

#[derive(Clone, Debug)]
enum Reconstruct {
    /// The model runs at the device's rate.
    Direct,
    /// Band-limited interpolation to the device's rate.
    Resample(Resampler),
    /// Zero-order hold: device sample `d` plays model sample `floor(d x fs / rate)`.
    Hold,
}

/// A converter signal at the device's rate.
#[derive(Clone, Debug)]
pub struct ConverterVoice {
    tap: ConverterTap,
    converter: Converter,
    fs: f64,
    rate: f64,
    /// Both rates when they are whole numbers: the hold's index is then exact.
    whole_rates: Option<(u64, u64)>,
    gain: f64,
    mode: Reconstruct,
    /// The next model sample to render.
    next: u64,
    /// The next device sample (hold only).
    out_next: u64,
    block: ConvertedBlock,
    /// The tapped signal of the last step.
    taps: Vec<f64>,
    resampled: Vec<f64>,
    fifo: StereoFifo,
}

impl ConverterVoice {
    /// A voice playing `tap` of a converter with `params`, `gain_db` louder, at `rate`.
    ///
    /// # Errors
    /// Parameters out of range.
    pub fn new(params: &ConverterParams, tap: ConverterTap, gain_db: f64, rate: f64) -> Result<Self, String> {
        let (converter, mode) = match tap {
            ConverterTap::Analog => {
                // The same source, noise and gain, sampled at the device's rate through a
                // transparent filter: the analog signal as far as the device can play it.
                let monitor = ConverterParams {
                    sample_rate_hz: rate,
                    aa_filter: AaFilter::new(AaFilterKind::Steep),
                    quantizer: QuantizerSettings { bit_depth: BitDepth::Float32, ..QuantizerSettings::default() },
                    ..params.clone()
                };
                (Converter::new(&monitor)?, Reconstruct::Direct)
            }
            ConverterTap::Output | ConverterTap::Error => {
                let fs = params.sample_rate_hz;
                let mode = if (fs - rate).abs() < 1e-9 {
                    Reconstruct::Direct
                } else if params.reconstruction == Reconstruction::Staircase && fs < rate {
                    Reconstruct::Hold
                } else {
                    let mut r = Resampler::new(fs, rate, SrcQuality::High);
                    r.reserve(STEP);
                    Reconstruct::Resample(r)
                };
                (Converter::new(params)?, mode)
            }
        };
        let fs = converter.sample_rate_hz();
        let whole = |x: f64| (x.fract() == 0.0 && x > 0.0).then_some(x as u64);
        let whole_rates = whole(fs).zip(whole(rate));
        let block = ConvertedBlock {
            start: 0,
            analog: Vec::with_capacity(STEP),
            output: Vec::with_capacity(STEP),
            clipped: Vec::with_capacity(STEP),
        };
        let (resampled_cap, prime_cap) = match &mode {
            Reconstruct::Resample(r) => (r.max_output(STEP), r.history_len() + STEP),
            _ => (0, 0),
        };
        Ok(Self {
            tap,
            converter,
            fs,
            rate,
            whole_rates,
            gain: if gain_db.is_finite() { db_to_amp(gain_db) } else { 1.0 },
            mode,
            next: 0,
            out_next: 0,
            block,
            // Room for a step, or for priming the resampler's history (longer the lower the
            // device rate: 192 kHz heard at 8 kHz needs 1536 samples), whichever is more.
            taps: Vec::with_capacity(prime_cap.max(PRIME_CAPACITY)),
            resampled: Vec::with_capacity(resampled_cap),
            fifo: StereoFifo::new(FIFO_FRAMES),
        })
    }

    /// The model's sample rate.
    #[must_use]
    pub fn model_rate_hz(&self) -> f64 {
        self.fs
    }

    /// Starts playing at device sample `d0`: the voice will play the model's time
    /// `d / rate` at device sample `d`.
    pub fn start(&mut self, d0: u64) {
        self.fifo.clear();
        match &mut self.mode {
            Reconstruct::Direct => self.next = d0,
            Reconstruct::Hold => {
                self.out_next = d0;
                self.next = hold_index(d0, self.fs, self.rate, self.whole_rates);
                self.taps.clear();
            }
            Reconstruct::Resample(r) => {
                r.reset();
                // Output 0 must fall at model position d0 x fs / rate; the converter puts it
                // at first + offset - delay.
                let y = d0 as f64 * self.fs / self.rate + r.delay_input_samples() as f64;
                let first = y.floor();
                let offset = r.set_start_offset(y - first);
                let mut first = first as u64;
                if offset >= 1.0 {
                    first += 1;
                }
                let history = r.history_len() as u64;
                if first >= history {
                    // Prime the history with the real signal before, so it starts without a fade.
                    let mut start = first - history;
                    let mut primed = std::mem::take(&mut self.taps);
                    primed.clear();
                    while start < first {
                        let n = ((first - start) as usize).min(STEP);
                        self.converter.render_into(start, n, &mut self.block);
                        extend_tap(self.tap, &self.block, &mut primed);
                        start += n as u64;
                    }
                    r.prime(&primed);
                    self.taps = primed;
                }
                self.next = first;
            }
        }
    }

    /// Renders `n` model samples from `next` into `taps`.
    fn render_step(&mut self, n: usize) {
        self.converter.render_into(self.next, n, &mut self.block);
        self.taps.clear();
        extend_tap(self.tap, &self.block, &mut self.taps);
        self.next += n as u64;
    }

    /// Fills `left` and `right` (the same length, at most the queue's size) with the next
    /// device samples.
    pub fn fill(&mut self, left: &mut [f64], right: &mut [f64]) {
        let n = left.len().min(right.len());
        while self.fifo.len() < n {
            let need = n - self.fifo.len();
            match self.mode {
                Reconstruct::Direct => {
                    self.render_step(need.min(STEP));
                    for &x in &self.taps {
                        self.fifo.push(x * self.gain, x * self.gain);
                    }
                }
                Reconstruct::Resample(_) => {
                    let k = ((need as f64 * self.fs / self.rate).ceil() as usize + 1).clamp(1, STEP);
                    self.render_step(k);
                    if let Reconstruct::Resample(r) = &mut self.mode {
                        self.resampled.clear();
                        r.process(&self.taps, &mut self.resampled);
                    }
                    for &x in &self.resampled {
                        self.fifo.push(x * self.gain, x * self.gain);
                    }
                }
                Reconstruct::Hold => {
                    for _ in 0..need {
                        let idx = hold_index(self.out_next, self.fs, self.rate, self.whole_rates);
                        if idx >= self.next || self.taps.is_empty() {
                            self.next = idx;
                            self.render_step(STEP);
                        }
                        let held_from = self.next - self.taps.len() as u64;
                        let x = self.taps[(idx - held_from) as usize];
                        self.fifo.push(x * self.gain, x * self.gain);
                        self.out_next += 1;
                    }
                }
            }
        }
        let got = self.fifo.pop_into(&mut left[..n], &mut right[..n]);
        left[got..n].fill(0.0);
        right[got..n].fill(0.0);
    }
}

/// The model sample the hold plays at device sample `d`.
fn hold_index(d: u64, fs: f64, rate: f64, whole: Option<(u64, u64)>) -> u64 {
    match whole {
        Some((fs, rate)) => (u128::from(d) * u128::from(fs) / u128::from(rate)) as u64,
        None => (d as f64 * fs / rate).floor() as u64,
    }
}

fn extend_tap(tap: ConverterTap, block: &ConvertedBlock, out: &mut Vec<f64>) {
    match tap {
        ConverterTap::Analog => out.extend_from_slice(&block.analog),
        ConverterTap::Output => out.extend_from_slice(&block.output),
        ConverterTap::Error => out.extend(block.error()),
    }
}

/// A stage of a running chain, at the device's rate.
#[derive(Clone, Debug)]
pub struct ChainTap {
    stage: StageId,
    resamplers: Option<[Resampler; 2]>,
    resampled: [Vec<f64>; 2],
    fifo: StereoFifo,
}

impl ChainTap {
    /// A tap of `stage`, whose samples come at `stage_rate`, played at `rate`.
    #[must_use]
    pub fn new(stage: StageId, stage_rate: f64, rate: f64) -> Self {
        let resamplers = ((stage_rate - rate).abs() > 1e-9).then(|| {
            let make = || {
                let mut r = Resampler::new(stage_rate, rate, SrcQuality::High);
                r.reserve(MAX_BLOCK);
                r
            };
            [make(), make()]
        });
        let cap = resamplers.as_ref().map_or(0, |r| r[0].max_output(MAX_BLOCK));
        Self {
            stage,
            resamplers,
            resampled: [Vec::with_capacity(cap), Vec::with_capacity(cap)],
            fifo: StereoFifo::new(FIFO_FRAMES),
        }
    }

    /// The stage tapped.
    #[must_use]
    pub fn stage(&self) -> StageId {
        self.stage
    }

    /// Frames ready.
    #[must_use]
    pub fn ready(&self) -> usize {
        self.fifo.len()
    }

    /// Takes the stage's samples of the block `chain` just processed (`n` frames).
    pub fn feed(&mut self, chain: &Chain, n: usize) {
        let [a, b] = chain.tap(self.stage, n);
        let b = if b.is_empty() { a } else { b };
        match &mut self.resamplers {
            None => {
                for (&l, &r) in a.iter().zip(b) {
                    self.fifo.push(l, r);
                }
            }
            Some([rl, rr]) => {
                let [ol, or] = &mut self.resampled;
                ol.clear();
                or.clear();
                rl.process(a, ol);
                rr.process(b, or);
                for (&l, &r) in ol.iter().zip(or.iter()) {
                    self.fifo.push(l, r);
                }
            }
        }
    }

    /// Fills `left` and `right` from what was fed; silence for what is missing.
    pub fn fill(&mut self, left: &mut [f64], right: &mut [f64]) -> usize {
        let n = left.len().min(right.len());
        let got = self.fifo.pop_into(&mut left[..n], &mut right[..n]);
        left[got..n].fill(0.0);
        right[got..n].fill(0.0);
        got
    }

    /// Forgets what was queued and the resamplers' history (a new chain follows).
    pub fn reset(&mut self) {
        self.fifo.clear();
        if let Some(rs) = &mut self.resamplers {
            for r in rs {
                r.reset();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::source::SourceParams;

    fn params(fs: f64, bits: u8) -> ConverterParams {
        ConverterParams {
            source: SourceParams::sine(1000.0, -6.0),
            sample_rate_hz: fs,
            quantizer: QuantizerSettings::fixed(bits),
            ..ConverterParams::default()
        }
    }

    fn play(v: &mut ConverterVoice, n: usize, block: usize) -> Vec<f64> {
        let mut out = Vec::new();
        let (mut l, mut r) = (vec![0.0; block], vec![0.0; block]);
        while out.len() < n {
            v.fill(&mut l, &mut r);
            out.extend_from_slice(&l);
        }
        out.truncate(n);
        out
    }

    /// At the converter's own rate the voice plays exactly the converter's samples.
    #[test]
    fn at_the_model_rate_the_voice_is_the_converter() {
        let p = params(48_000.0, 8);
        let mut v = ConverterVoice::new(&p, ConverterTap::Output, 0.0, 48_000.0).expect("valid");
        v.start(0);
        let heard = play(&mut v, 5000, 256);
        let direct = Converter::new(&p).expect("valid").render(0, 5000).output;
        assert_eq!(heard, direct);
    }

    /// A band-limited voice at another rate plays the sine at the right frequency and level,
    /// and a voice started later lines up with one that ran from the start.
    #[test]
    fn a_late_start_lines_up_with_a_voice_that_ran_all_along() {
        for fs in [44_100.0, 32_000.0, 22_222.2] {
            let p = params(fs, 24);
            let mut whole = ConverterVoice::new(&p, ConverterTap::Output, 0.0, 48_000.0).expect("valid");
            whole.start(0);
            let a = play(&mut whole, 20_000, 256);
            let mut late = ConverterVoice::new(&p, ConverterTap::Output, 0.0, 48_000.0).expect("valid");
            late.start(12_345);
            let b = play(&mut late, 5000, 100);
            let worst = a[12_345..].iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
            // 24-bit noise differs between the two (each has its own dither state); the tone
            // must not: a phase slip of 1/320 sample at 1 kHz would be 1e-4.
            assert!(worst < 2e-5, "{fs}: {worst}");
            let expected = 10f64.powf(-6.0 / 20.0);
            let peak = a[5000..].iter().fold(0.0f64, |m, x| m.max(x.abs()));
            assert!((peak - expected).abs() < 2e-3, "{fs}: peak {peak}");
        }
    }

    /// The staircase holds each sample for fs/rate device samples.
    #[test]
    fn the_hold_repeats_each_sample() {
        let mut p = params(8_000.0, 8);
        p.reconstruction = Reconstruction::Staircase;
        let mut v = ConverterVoice::new(&p, ConverterTap::Output, 0.0, 48_000.0).expect("valid");
        v.start(0);
        let heard = play(&mut v, 6000, 256);
        let samples = Converter::new(&p).expect("valid").render(0, 1000).output;
        for (d, &x) in heard.iter().enumerate() {
            assert_eq!(x, samples[d / 6], "device sample {d}");
        }
    }

    /// The error tap plays output minus input: a quarter of an LSB RMS at 8 bits, below
    /// +/- half an LSB.
    #[test]
    fn the_error_tap_is_the_quantization_noise() {
        let p = params(48_000.0, 8);
        let mut v = ConverterVoice::new(&p, ConverterTap::Error, 0.0, 48_000.0).expect("valid");
        v.start(0);
        let e = play(&mut v, 48_000, 512);
        let lsb = 1.0 / 128.0;
        assert!(e.iter().all(|x| x.abs() <= 0.5 * lsb + 1e-12));
        let rms = (e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64).sqrt();
        let theory = lsb / 12f64.sqrt();
        assert!((rms / theory - 1.0).abs() < 0.05, "rms {rms} vs {theory}");
    }
}
