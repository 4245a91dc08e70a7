//! True peak, ITU-R BS.1770 style: the signal is oversampled 4x with a windowed-sinc
//! interpolator and the largest magnitude of the oversampled signal is the true peak (dBTP).
//! It catches the inter-sample peaks that a sample-peak meter misses.
//!
//! The meter streams: it keeps the last samples between blocks, so the reading does not depend
//! on how the signal was cut, and it never allocates once its scratch space has grown to the
//! largest block (at most [`CHUNK`] samples are processed at a time).

use fearless_simd::{Level, dispatch};

use crate::analysis::window::kaiser_at;
use crate::dsp::reconstruct::sinc;

/// Oversampling factor, as BS.1770 specifies for 48 kHz.
pub const OVERSAMPLING: usize = 4;
/// Input samples on each side of an interpolated point.
const HALF_TAPS: usize = 12;
const TAPS: usize = 2 * HALF_TAPS;
/// How many samples the envelope of [`TruePeakMeter::process_envelope`] lags its input.
pub const LATENCY: usize = HALF_TAPS;
/// Largest stretch processed at once.
pub const CHUNK: usize = 1024;

/// A streaming true-peak meter for one channel.
#[derive(Debug)]
pub struct TruePeakMeter {
    /// Interpolation taps for phases 1..OVERSAMPLING (phase 0 is the sample itself). The
    /// interpolation runs in single precision (1e-6 dB, far below what a meter shows) so that
    /// it vectorises twice as wide.
    phases: [[f32; TAPS]; PHASES],
    /// The instruction set the interpolation runs with (detected once).
    level: Level,
    /// No interpolated point exceeds this times the largest |sample| of its window (the
    /// largest sum of |taps| of a phase, with room for single-precision rounding).
    gain_bound: f64,
    /// The last `TAPS - 1` input samples followed by the chunk being processed.
    work: Vec<f64>,
    work32: Vec<f32>,
    acc: Vec<f32>,
    peak: f64,
    /// Position of the peak in input samples (fractional), counted from the first sample.
    peak_pos: f64,
    processed: u64,
}

/// A clone keeps the working buffers' room, so it never allocates while it runs either
/// (a derived clone would copy the buffers at their length only).
impl Clone for TruePeakMeter {
    fn clone(&self) -> Self {
        let with = |len: usize| TAPS - 1 + CHUNK.max(len);
        let mut work = Vec::with_capacity(with(self.work.len()));
        work.extend_from_slice(&self.work);
        Self {
            phases: self.phases,
            level: self.level,
            gain_bound: self.gain_bound,
            work,
            work32: Vec::with_capacity(with(0)),
            acc: Vec::with_capacity(PHASES * CHUNK),
            peak: self.peak,
            peak_pos: self.peak_pos,
            processed: self.processed,
        }
    }
}

impl Default for TruePeakMeter {
    fn default() -> Self {
        Self::new()
    }
}

impl TruePeakMeter {
    /// A meter that has seen nothing (its memory holds silence).
    #[must_use]
    pub fn new() -> Self {
        let mut phases = [[0.0; TAPS]; PHASES];
        for (p, row) in phases.iter_mut().enumerate() {
            let frac = (p + 1) as f64 / OVERSAMPLING as f64;
            let mut taps = [0.0f64; TAPS];
            for (j, tap) in taps.iter_mut().enumerate() {
                // Tap j weights input sample (centre - HALF_TAPS + 1 + j) for the point at
                // centre + frac.
                let x = j as f64 - (HALF_TAPS as f64 - 1.0) - frac;
                *tap = sinc(x) * kaiser_at(x / (HALF_TAPS as f64 + 1.0), 7.0);
            }
            // Unity gain at DC.
            let sum: f64 = taps.iter().sum();
            for (r, t) in row.iter_mut().zip(taps) {
                *r = (t / sum) as f32;
            }
        }
        let mut work = Vec::with_capacity(TAPS - 1 + CHUNK);
        work.resize(TAPS - 1, 0.0);
        // Each product and each of the 24 sums rounds by at most 2^-24 of its size: 2^-18
        // covers them all.
        let l1 = phases.iter().map(|row| row.iter().map(|&h| f64::from(h).abs()).sum::<f64>()).fold(0.0, f64::max);
        Self {
            phases,
            level: Level::new(),
            gain_bound: l1 * (1.0 + 2f64.powi(-18)),
            work,
            work32: Vec::with_capacity(TAPS - 1 + CHUNK),
            acc: Vec::with_capacity(PHASES * CHUNK),
            peak: 0.0,
            peak_pos: 0.0,
            processed: 0,
        }
    }

    /// Forgets everything.
    pub fn reset(&mut self) {
        self.work.clear();
        self.work.resize(TAPS - 1, 0.0);
        self.peak = 0.0;
        self.peak_pos = 0.0;
        self.processed = 0;
    }

    /// Forgets the peak but keeps the recent samples, so a meter primed with what came before
    /// a block measures the block without the click of an abrupt start.
    pub fn reset_peak(&mut self) {
        self.peak = 0.0;
        self.peak_pos = 0.0;
    }

    /// Feeds a block of samples.
    pub fn process(&mut self, block: &[f64]) {
        for chunk in block.chunks(CHUNK) {
            self.process_chunk(chunk, None);
        }
    }

    /// Feeds a block and writes, for each sample, the largest magnitude among that sample and
    /// the three interpolated points after it. The envelope lags the input by [`LATENCY`]
    /// samples: `envelope[i]` belongs to the input sample `LATENCY` places before `block[i]`.
    pub fn process_envelope(&mut self, block: &[f64], envelope: &mut [f64]) {
        for (chunk, env) in block.chunks(CHUNK).zip(envelope.chunks_mut(CHUNK)) {
            self.process_chunk(chunk, Some(env));
        }
    }

    fn process_chunk(&mut self, chunk: &[f64], envelope: Option<&mut [f64]>) {
        let n = chunk.len();
        self.work.truncate(TAPS - 1);
        self.work.extend_from_slice(chunk);
        // With the history, `work[i .. i + TAPS]` is the window whose centre is
        // work[i + HALF_TAPS - 1]; positions count from the first sample of the stream.
        let first_centre = self.processed as f64 - HALF_TAPS as f64;
        // Every point is written below: only the length changes (at the end of a stream).
        self.acc.resize(PHASES * n, 0.0);
        // Stretches that cannot beat the peak so far need not be interpolated, unless every
        // point is wanted for the envelope.
        let skip_below = if envelope.is_some() { 0.0 } else { self.peak / self.gain_bound };
        let (centre_max, point_max) =
            interpolate(self.level, &self.phases, &self.work, &mut self.work32, &mut self.acc, skip_below);
        let point_max = f64::from(point_max);
        let centres = &self.work[HALF_TAPS - 1..HALF_TAPS - 1 + n];
        // The points in the order a sample-by-sample scan meets them: every centre, then every
        // point of phase 1, 2 and 3. Only the first occurrence of a new maximum moves the peak.
        if centre_max.max(point_max) > self.peak {
            if centre_max > self.peak {
                let i = centres.iter().position(|x| x.abs() == centre_max).unwrap_or(0);
                self.peak = centre_max;
                self.peak_pos = first_centre + i as f64;
            }
            if point_max > self.peak {
                let k = self.acc.iter().position(|a| f64::from(a.abs()) == point_max).unwrap_or(0);
                let (p, i) = (k / n, k % n);
                self.peak = point_max;
                self.peak_pos = first_centre + i as f64 + (p + 1) as f64 / OVERSAMPLING as f64;
            }
        }
        if let Some(env) = envelope {
            for (i, e) in env.iter_mut().enumerate().take(n) {
                let mut m = centres[i].abs();
                for p in 0..PHASES {
                    m = m.max(f64::from(self.acc[p * n + i].abs()));
                }
                *e = m;
            }
        }
        self.processed += n as u64;
        let keep = self.work.len() - (TAPS - 1);
        self.work.copy_within(keep.., 0);
        self.work.truncate(TAPS - 1);
    }

    /// Feeds zeros so the last samples' inter-sample points are measured too.
    pub fn flush(&mut self) {
        self.process(&[0.0; HALF_TAPS + 1]);
    }

    /// The true peak so far (linear).
    #[must_use]
    pub fn peak(&self) -> f64 {
        self.peak
    }

    /// Where the true peak so far lies, in (fractional) input samples from the first.
    #[must_use]
    pub fn peak_position(&self) -> f64 {
        self.peak_pos
    }

    /// The true peak so far in dBTP.
    #[must_use]
    pub fn peak_dbtp(&self) -> f64 {
        crate::units::amp_to_db(self.peak)
    }
}

/// Interpolated points between samples.
const PHASES: usize = OVERSAMPLING - 1;
/// Samples per group of the skipping test of [`interpolate`].
const GROUP: usize = 16;

/// The `PHASES` interpolated points after each of the `n` centres of `work` (whose first
/// `TAPS - 1` samples are history): `out[p * n + i]` is phase `p` after centre `i`, from the
/// window `work[i..i + TAPS]`. Returns the largest |centre| and the largest |point| (NaN
/// ignored). Each point sums its taps in order, from 0.0, in single precision without fused
/// multiply-adds, so the result does not depend on how the loops are blocked or on the
/// instruction set; only the speed does. With AVX2 the loop runs 16 points wide (8
/// otherwise: SSE has half as many lanes).
///
/// A run of points whose window holds no |sample| of at least `skip_below` is not computed
/// but written as 0: the caller has made sure that no such point can matter.
fn interpolate(
    level: Level,
    phases: &[[f32; TAPS]; PHASES],
    work: &[f64],
    work32: &mut Vec<f32>,
    out: &mut [f32],
    skip_below: f64,
) -> (f64, f32) {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    if let Level::Avx2(avx2) = level {
        return fearless_simd::Simd::vectorize(
            avx2,
            #[inline(always)]
            || interpolate_blocked::<16>(phases, work, work32, out, skip_below),
        );
    }
    dispatch!(level, _simd => interpolate_blocked::<8>(phases, work, work32, out, skip_below))
}

/// [`interpolate`], `LANES` points at a time in registers, each input loaded once for the
/// three phases.
#[allow(clippy::inline_always, reason = "inlined into the target-feature function, or it runs without them")]
#[inline(always)]
fn interpolate_blocked<const LANES: usize>(
    phases: &[[f32; TAPS]; PHASES],
    work: &[f64],
    work32: &mut Vec<f32>,
    out: &mut [f32],
    skip_below: f64,
) -> (f64, f32) {
    let n = work.len() - (TAPS - 1);
    let centre_max = max_abs::<f64, LANES>(&work[HALF_TAPS - 1..HALF_TAPS - 1 + n]);
    work32.clear();
    work32.extend(work.iter().map(|&v| v as f32));
    let x = &work32[..];
    let blocked = n - n % LANES;
    // The largest |sample| of every group of 16, for the test below: the groups that overlap
    // a window bound its samples from above.
    let skipping = skip_below > 0.0;
    let mut groups = [f32::INFINITY; (CHUNK + TAPS - 1).div_ceil(GROUP)];
    if skipping {
        for (g, chunk) in groups.iter_mut().zip(x.chunks(GROUP)) {
            *g = max_abs::<f32, GROUP>(chunk);
        }
    }
    let mut point_max = [0.0f32; LANES];
    for i0 in (0..blocked).step_by(LANES) {
        if skipping {
            let window = &groups[i0 / GROUP..=((i0 + LANES + TAPS - 2) / GROUP).min(groups.len() - 1)];
            if f64::from(window.iter().fold(0.0f32, |m, &v| if v > m { v } else { m })) < skip_below {
                for p in 0..PHASES {
                    out[p * n + i0..p * n + i0 + LANES].fill(0.0);
                }
                continue;
            }
        }
        let mut acc = [[0.0f32; LANES]; PHASES];
        for j in 0..TAPS {
            let xs = &x[i0 + j..i0 + j + LANES];
            for (a, row) in acc.iter_mut().zip(phases) {
                let h = row[j];
                for (a, &v) in a.iter_mut().zip(xs) {
                    *a += h * v;
                }
            }
        }
        for (p, a) in acc.iter().enumerate() {
            out[p * n + i0..p * n + i0 + LANES].copy_from_slice(a);
            for (m, v) in point_max.iter_mut().zip(a) {
                let v = v.abs();
                *m = if v > *m { v } else { *m };
            }
        }
    }
    let mut tail_max = 0.0f32;
    for i in blocked..n {
        for (p, row) in phases.iter().enumerate() {
            let mut a = 0.0f32;
            for (h, v) in row.iter().zip(&x[i..i + TAPS]) {
                a += h * v;
            }
            out[p * n + i] = a;
            tail_max = if a.abs() > tail_max { a.abs() } else { tail_max };
        }
    }
    (centre_max, point_max.iter().fold(tail_max, |m, &v| if v > m { v } else { m }))
}

/// Largest |x|, `LANES` running maxima side by side (NaN ignored).
#[allow(clippy::inline_always, reason = "inlined into the target-feature function, or it runs without them")]
#[inline(always)]
fn max_abs<T: Copy + PartialOrd + Default + std::ops::Neg<Output = T>, const LANES: usize>(xs: &[T]) -> T {
    let abs = |v: T| if v < T::default() { -v } else { v };
    let mut m = [T::default(); LANES];
    let mut chunks = xs.chunks_exact(LANES);
    for c in &mut chunks {
        for (m, &v) in m.iter_mut().zip(c) {
            let v = abs(v);
            *m = if v > *m { v } else { *m };
        }
    }
    let tail = chunks.remainder().iter().fold(T::default(), |a, &v| if abs(v) > a { abs(v) } else { a });
    m.iter().fold(tail, |a, &v| if v > a { v } else { a })
}

/// The true peak of a whole signal (linear) and its position in samples.
#[must_use]
pub fn true_peak(samples: &[f64]) -> (f64, f64) {
    let mut m = TruePeakMeter::new();
    m.process(samples);
    m.flush();
    (m.peak(), m.peak_position())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{FRAC_PI_4, TAU};

    #[test]
    fn quarter_rate_sine_at_45_degrees_reads_3_db_over_its_samples() {
        let x: Vec<f64> = (0..4096).map(|n| (TAU * 0.25 * n as f64 + FRAC_PI_4).sin()).collect();
        let sample_peak = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        // Prime the meter so the abrupt start (whose ringing is a real overshoot) is not read.
        let mut m = TruePeakMeter::new();
        m.process(&x[..100]);
        m.reset_peak();
        m.process(&x[100..]);
        let tp = m.peak();
        let diff = crate::units::amp_to_db(tp) - crate::units::amp_to_db(sample_peak);
        assert!((diff - 3.0103).abs() < 0.05, "diff {diff}");
    }

    #[test]
    fn block_size_does_not_change_the_reading() {
        let x: Vec<f64> =
            (0..5000).map(|n| (0.37 * n as f64).sin() * 0.8 + if n == 3210 { 0.5 } else { 0.0 }).collect();
        let (whole, pos) = true_peak(&x);
        for size in [1, 7, 61, 1024, 3000] {
            let mut m = TruePeakMeter::new();
            for chunk in x.chunks(size) {
                m.process(chunk);
            }
            m.flush();
            assert_eq!(m.peak(), whole, "block size {size}");
            assert_eq!(m.peak_position(), pos);
        }
    }

    /// The meter's definition, sample by sample: every centre, then each phase's points, in
    /// order, each the taps summed in order in single precision.
    fn naive(x: &[f64]) -> (f64, f64, Vec<f64>) {
        let m = TruePeakMeter::new();
        let mut padded = vec![0.0; TAPS - 1];
        padded.extend_from_slice(x);
        padded.extend_from_slice(&[0.0; HALF_TAPS + 1]);
        let n = padded.len() - (TAPS - 1);
        let (mut peak, mut pos) = (0.0f64, 0.0);
        let mut env = vec![0.0f64; n];
        for (i, e) in env.iter_mut().enumerate() {
            let c = padded[i + HALF_TAPS - 1].abs();
            *e = c;
            if c > peak {
                (peak, pos) = (c, i as f64 - HALF_TAPS as f64);
            }
        }
        for (p, row) in m.phases.iter().enumerate() {
            for (i, e) in env.iter_mut().enumerate() {
                let mut a = 0.0f32;
                for (j, h) in row.iter().enumerate() {
                    a += h * padded[i + j] as f32;
                }
                let v = f64::from(a.abs());
                *e = e.max(v);
                if v > peak {
                    (peak, pos) = (v, i as f64 - HALF_TAPS as f64 + (p + 1) as f64 / OVERSAMPLING as f64);
                }
            }
        }
        (peak, pos, env)
    }

    #[test]
    fn blocked_interpolation_equals_the_sample_by_sample_definition() {
        let mut r = crate::dsp::noise::Random::new(11);
        for len in [1, 15, 16, 17, 1000, 1023, 1024, 3000] {
            // Noise, and a square wave whose equal plateaus make ties for the peak.
            let noise: Vec<f64> = (0..len).map(|_| 0.5 * r.gaussian()).collect();
            let square: Vec<f64> = (0..len).map(|i| if (i / 9) % 2 == 0 { 0.7 } else { -0.7 }).collect();
            // A loud start, a quiet stretch (interpolated points skipped) and a peak that
            // only just beats the first between samples.
            let mut bursts: Vec<f64> = (0..len).map(|_| 0.05 * r.gaussian()).collect();
            bursts[0] = 0.9;
            if len > 500 {
                bursts[len - 300] = 0.8;
                bursts[len - 299] = 0.8;
            }
            // After the same loud start, the window that makes a point largest for its samples
            // (each sample at the sign of its tap), just loud enough to beat the start: the
            // stretches skipped for being too quiet must not include it.
            let mut worst: Vec<f64> = (0..len).map(|_| 0.01 * r.gaussian()).collect();
            worst[0] = 0.9;
            if len > 500 {
                let taps = &TruePeakMeter::new().phases[1];
                let l1: f64 = taps.iter().map(|&h| f64::from(h).abs()).sum();
                for (j, &h) in taps.iter().enumerate() {
                    worst[len - 200 + j] = 0.9 / l1 * 1.000_01 * f64::from(h.signum());
                }
            }
            for x in [noise, square, bursts, worst] {
                let (peak, pos, env) = naive(&x);
                let mut m = TruePeakMeter::new();
                m.process(&x);
                m.flush();
                assert_eq!((m.peak(), m.peak_position()), (peak, pos), "length {len}");
                let mut e = TruePeakMeter::new();
                let mut got = vec![0.0; x.len() + HALF_TAPS + 1];
                let mut input = x.clone();
                input.extend_from_slice(&[0.0; HALF_TAPS + 1]);
                e.process_envelope(&input, &mut got);
                assert_eq!(got, env, "envelope, length {len}");
            }
        }
    }

    #[test]
    fn peak_position_points_at_the_sample() {
        let mut x = vec![0.0; 300];
        x[123] = 1.0;
        let (peak, pos) = true_peak(&x);
        assert_eq!(peak, 1.0);
        assert_eq!(pos, 123.0);
    }
}
