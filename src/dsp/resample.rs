//! Sample-rate conversion, streaming, at three qualities: `poor` (linear interpolation, no
//! filter: its aliasing and imaging are audible and visible), `medium` (a short windowed sinc)
//! and `high` (a long one: flat to 20 kHz, and anything that would fold below 20 kHz at least
//! 99 dB down).
//!
//! When the two rates have a small common period (48 000 -> 44 100 Hz repeats every 147 output
//! samples) the kernel is tabulated at every phase it will be used at, so each output costs one
//! multiply per tap and the phases are exact; other ratios interpolate between 512 tabulated
//! phases.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::analysis::window::kaiser_at;
use crate::dsp::reconstruct::{SincInterpolator, sinc};

/// How well the converter filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SrcQuality {
    /// Linear interpolation: no anti-alias or anti-image filter.
    Poor,
    /// 12 zero crossings each side, Kaiser beta 7, cutoff 0.95 x the lower Nyquist: a mild
    /// low-pass, with some aliasing left.
    Medium,
    /// 36 zero crossings each side, Kaiser beta 10, cutoff at the lower Nyquist: flat within
    /// 0.001 dB to 0.9 x Nyquist and at least 99 dB down wherever an alias would land below it.
    #[default]
    High,
}

impl SrcQuality {
    /// All, in menu order.
    pub const ALL: [Self; 3] = [Self::Poor, Self::Medium, Self::High];

    /// Name used in files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Poor => "poor",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// (zero crossings each side, Kaiser beta, cutoff as a fraction of the lower Nyquist).
    fn design(self) -> (usize, f64, f64) {
        match self {
            Self::Poor => (1, 0.0, 1.0),
            Self::Medium => (12, 7.0, 0.95),
            Self::High => (36, 10.0, 1.0),
        }
    }
}

impl FromStr for SrcQuality {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|q| q.name() == s.trim()).ok_or_else(|| format!("unknown SRC quality '{s}'"))
    }
}

/// Phases tabulated for ratios without a small common period.
const PHASES: usize = 512;
/// Largest common period (in output samples) tabulated exactly.
const MAX_EXACT_PHASES: u64 = 4096;

#[derive(Clone, Debug)]
enum Kernel {
    /// Linear interpolation.
    Linear,
    /// Interpolated between tabulated phases.
    Interpolated(SincInterpolator),
    /// One row of `2 * half` taps for each of the `l` phases of a rational ratio `l / m`.
    Exact { table: Vec<f64>, l: u64, m: u64 },
}

/// A streaming sample-rate converter for one channel.
#[derive(Debug)]
pub struct Resampler {
    ratio: f64,
    /// Input samples per output sample.
    step: f64,
    /// Kernel half-width in input samples.
    half: usize,
    kernel: Kernel,
    /// Input history: the last `2 * half` samples then the current block.
    history: Vec<f64>,
    /// Output samples produced so far.
    produced: u64,
    /// Input samples dropped from the front of `history` so far.
    dropped: u64,
    /// Where output 0 falls past input 0, as a fraction of an input sample (exact kernels: in
    /// steps of `1 / l`, as the phase `start_phase`).
    start_offset: f64,
    start_phase: u64,
    bypass: bool,
}

/// A clone keeps the history's room ([`Resampler::reserve`]), so it never allocates while it
/// runs either.
impl Clone for Resampler {
    fn clone(&self) -> Self {
        let mut history = Vec::with_capacity(self.history.capacity());
        history.extend_from_slice(&self.history);
        Self {
            ratio: self.ratio,
            step: self.step,
            half: self.half,
            kernel: self.kernel.clone(),
            history,
            produced: self.produced,
            dropped: self.dropped,
            start_offset: self.start_offset,
            start_phase: self.start_phase,
            bypass: self.bypass,
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl Resampler {
    /// A converter from `from_hz` to `to_hz`. Equal rates pass the signal through untouched.
    #[must_use]
    pub fn new(from_hz: f64, to_hz: f64, quality: SrcQuality) -> Self {
        let ratio = to_hz / from_hz;
        let bypass = (ratio - 1.0).abs() < 1e-12;
        let (zero_crossings, beta, cutoff) = quality.design();
        // When decimating, the kernel stretches to filter at the output's Nyquist.
        let scale = ratio.min(1.0);
        let half = if quality == SrcQuality::Poor { 1 } else { ((zero_crossings as f64) / scale).ceil() as usize };
        let fc = cutoff * scale;
        let kernel = if quality == SrcQuality::Poor {
            Kernel::Linear
        } else {
            let integral = from_hz.fract() == 0.0 && to_hz.fract() == 0.0 && from_hz > 0.0 && to_hz > 0.0;
            let (l, m) = if integral {
                let (a, b) = (to_hz as u64, from_hz as u64);
                let g = gcd(a, b);
                (a / g, b / g)
            } else {
                (u64::MAX, 1)
            };
            if l <= MAX_EXACT_PHASES {
                let taps = 2 * half;
                let mut table = Vec::with_capacity(l as usize * taps);
                for p in 0..l {
                    let frac = p as f64 / l as f64;
                    for j in 0..taps {
                        let x = j as f64 - (half as f64 - 1.0) - frac;
                        table.push(fc * sinc(fc * x) * kaiser_at(x / half as f64, beta));
                    }
                }
                Kernel::Exact { table, l, m }
            } else {
                Kernel::Interpolated(SincInterpolator::new(half, PHASES, beta, fc))
            }
        };
        let mut r = Self {
            ratio,
            step: 1.0 / ratio,
            half,
            kernel,
            history: Vec::with_capacity(2 * half + 8192),
            produced: 0,
            dropped: 0,
            start_offset: 0.0,
            start_phase: 0,
            bypass,
        };
        r.history.resize(2 * half, 0.0);
        r
    }

    /// Input samples of history the kernel reaches back: [`Self::prime`] takes this many.
    #[must_use]
    pub fn history_len(&self) -> usize {
        if self.bypass { 0 } else { 2 * self.half }
    }

    /// Input samples between an input and the output that lines up with it: output `k` is
    /// the signal at input position `k / ratio + offset - delay_input_samples()`, where input
    /// position 0 is the first sample given to [`Self::process`].
    #[must_use]
    pub fn delay_input_samples(&self) -> usize {
        if self.bypass { 0 } else { self.half + 1 }
    }

    /// Shifts the output grid: output `k` falls `offset` (0..1) input samples later. Call it
    /// before the first [`Self::process`]; exact kernels round it to their phase grid. Returns
    /// the offset in force.
    pub fn set_start_offset(&mut self, offset: f64) -> f64 {
        let offset = if offset.is_finite() { offset.clamp(0.0, 1.0) } else { 0.0 };
        if let Kernel::Exact { l, .. } = &self.kernel {
            self.start_phase = ((offset * *l as f64).round() as u64).min(*l - 1);
            self.start_phase as f64 / *l as f64
        } else {
            self.start_offset = offset.min(1.0 - 1e-12);
            self.start_offset
        }
    }

    /// Replaces the silent history before the first input with real samples (the last
    /// [`Self::history_len`] samples before it), so the output starts without a fade-in.
    /// Call it before the first [`Self::process`].
    pub fn prime(&mut self, before: &[f64]) {
        let n = before.len().min(self.history.len());
        let len = self.history.len();
        self.history[len - n..].copy_from_slice(&before[before.len() - n..]);
    }

    /// Back to the state of a new converter (history silent, no output produced, no offset),
    /// without allocating.
    pub fn reset(&mut self) {
        self.history.clear();
        self.history.resize(2 * self.half, 0.0);
        self.produced = 0;
        self.dropped = 0;
        self.start_offset = 0.0;
        self.start_phase = 0;
    }

    /// Makes room so that blocks of up to `max_block` input samples never allocate.
    pub fn reserve(&mut self, max_block: usize) {
        self.history.reserve(2 * self.half + max_block);
    }

    /// Output samples per input sample.
    #[must_use]
    pub fn ratio(&self) -> f64 {
        self.ratio
    }

    /// The most output samples `input_len` input samples can produce.
    #[must_use]
    pub fn max_output(&self, input_len: usize) -> usize {
        (input_len as f64 * self.ratio).ceil() as usize + 2
    }

    /// Delay through the converter, in input samples.
    #[must_use]
    pub fn latency_input_samples(&self) -> f64 {
        if self.bypass { 0.0 } else { self.half as f64 - 1.0 }
    }

    /// Where output `k` falls: (index of the input sample at or before it, relative to the
    /// start of `history`, and the fraction past it; for exact kernels also the phase row).
    fn position(&self, k: u64) -> (usize, f64, usize) {
        let origin = self.half as u64 - 1;
        if let Kernel::Exact { l, m, .. } = &self.kernel {
            let num = k * m + self.start_phase;
            let whole = num / l + origin - self.dropped;
            let phase = num % l;
            (whole as usize, phase as f64 / *l as f64, phase as usize)
        } else {
            // Computed afresh from k (not accumulated), so it does not depend on how the input
            // was cut.
            let pos = k as f64 * self.step + self.start_offset + origin as f64 - self.dropped as f64;
            let i0 = pos.floor();
            (i0 as usize, pos - i0, 0)
        }
    }

    /// Converts `input`, appending the output to `output` (which should have capacity for
    /// [`Self::max_output`] more samples so nothing allocates).
    pub fn process(&mut self, input: &[f64], output: &mut Vec<f64>) {
        if self.bypass {
            output.extend_from_slice(input);
            return;
        }
        self.history.extend_from_slice(input);
        let taps = 2 * self.half;
        loop {
            let (i0, frac, phase) = self.position(self.produced);
            // An output at i0 + frac needs history[i0 - half + 1 ..= i0 + half].
            if i0 + self.half >= self.history.len() {
                break;
            }
            let y = match &self.kernel {
                Kernel::Linear => {
                    let a = self.history[i0];
                    let b = self.history[i0 + 1];
                    a + frac * (b - a)
                }
                Kernel::Interpolated(k) => k.apply(&self.history[i0 + 1 - self.half..i0 + 1 + self.half], frac),
                Kernel::Exact { table, .. } => {
                    let row = &table[phase * taps..(phase + 1) * taps];
                    dot(&self.history[i0 + 1 - self.half..i0 + 1 + self.half], row)
                }
            };
            output.push(y);
            self.produced += 1;
        }
        // Drop what no future output needs.
        let (i0, _, _) = self.position(self.produced);
        let keep_from = (i0 + 1).saturating_sub(self.half).min(self.history.len());
        if keep_from > 0 {
            self.history.drain(..keep_from);
            self.dropped += keep_from as u64;
        }
    }
}

/// Dot product with four partial sums (so it vectorises).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        for k in 0..4 {
            s[k] += x[k] * y[k];
        }
    }
    let tail = a.len() - a.len() % 4;
    for j in tail..a.len() {
        s[0] += a[j] * b[j];
    }
    (s[0] + s[1]) + (s[2] + s[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    fn tone(f: f64, fs: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| (TAU * f * i as f64 / fs).sin()).collect()
    }

    fn rms(v: &[f64]) -> f64 {
        (v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt()
    }

    #[test]
    fn block_size_does_not_change_the_output() {
        let x = tone(1000.0, 96_000.0, 20_000);
        for (from, to) in [(96_000.0, 44_100.0), (44_100.0, 48_000.0), (48_000.0, 44_099.5)] {
            for q in SrcQuality::ALL {
                let mut whole = Vec::new();
                Resampler::new(from, to, q).process(&x, &mut whole);
                for size in [1, 64, 1000] {
                    let mut r = Resampler::new(from, to, q);
                    let mut out = Vec::new();
                    for c in x.chunks(size) {
                        r.process(c, &mut out);
                    }
                    assert!(out == whole, "{from}->{to} {q:?} block {size}: outputs differ");
                }
            }
        }
    }

    #[test]
    fn high_quality_is_flat_and_rejects_what_would_alias() {
        for from in [96_000.0, 48_000.0] {
            let n = from as usize;
            for f in [1000.0, 19_000.0] {
                let mut out = Vec::new();
                Resampler::new(from, 44_100.0, SrcQuality::High).process(&tone(f, from, n), &mut out);
                let level = rms(&out[4000..40_000]) * std::f64::consts::SQRT_2;
                assert!((level - 1.0).abs() < 1e-3, "{from}: {f} Hz comes out at {level}");
            }
        }
        // From 96 kHz, 24.1 kHz and up would fold below 20 kHz at 44.1 kHz: gone.
        for f in [24_500.0, 30_000.0, 40_000.0] {
            let mut out = Vec::new();
            Resampler::new(96_000.0, 44_100.0, SrcQuality::High).process(&tone(f, 96_000.0, 96_000), &mut out);
            let leak = rms(&out[4000..40_000]) * std::f64::consts::SQRT_2;
            assert!(20.0 * leak.log10() < -99.0, "{f} Hz leaks at {:.1} dB", 20.0 * leak.log10());
        }
        let mut out = Vec::new();
        Resampler::new(96_000.0, 44_100.0, SrcQuality::Poor).process(&tone(30_000.0, 96_000.0, 96_000), &mut out);
        assert!(rms(&out[4000..40_000]) > 0.1, "linear interpolation lets the alias through");
    }

    /// A converter started part-way through a signal, primed with the samples before and offset
    /// by the fraction, continues exactly where one that ran from the start would be.
    #[test]
    fn a_primed_and_offset_start_lines_up_with_a_whole_run() {
        let x = tone(3000.0, 44_100.0, 20_000);
        for to in [48_000.0, 48_000.5] {
            let mut whole = Vec::new();
            Resampler::new(44_100.0, to, SrcQuality::High).process(&x, &mut whole);
            // Start at output k0: it falls at input k0 / ratio - delay.
            let k0 = 5_001u64;
            let mut r = Resampler::new(44_100.0, to, SrcQuality::High);
            let pos = k0 as f64 * 44_100.0 / to;
            let y = pos.floor();
            let first = y as usize;
            let offset = r.set_start_offset(pos - y);
            assert!((offset - (pos - y)).abs() < 1.0 / 320.0, "offset {offset} vs {}", pos - y);
            r.prime(&x[first - r.history_len()..first]);
            let mut out = Vec::new();
            r.process(&x[first..], &mut out);
            // Output j of the late start is the signal at input first + offset + j / ratio - delay;
            // the whole run's output k0 + j is at k0 / ratio + j / ratio - delay.
            let worst =
                out.iter().zip(&whole[k0 as usize..]).take(5000).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            let tolerance = if to == 48_000.0 { 1e-12 } else { 1e-5 };
            assert!(worst < tolerance, "{to}: {worst}");
        }
    }

    #[test]
    fn exact_and_interpolated_kernels_agree() {
        let x = tone(3000.0, 48_000.0, 10_000);
        let mut exact = Vec::new();
        Resampler::new(48_000.0, 44_100.0, SrcQuality::High).process(&x, &mut exact);
        let mut approx = Vec::new();
        Resampler::new(48_000.0, 44_100.000_001, SrcQuality::High).process(&x, &mut approx);
        let worst = exact.iter().zip(&approx).skip(100).take(5000).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-5, "{worst}");
    }
}
