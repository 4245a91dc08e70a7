//! Loudness per ITU-R BS.1770-4 and EBU R128 / Tech 3341-3342: K-weighting, momentary (400 ms),
//! short-term (3 s), gated integrated loudness and loudness range (LRA).
//!
//! The meter streams and never allocates after construction: the gating blocks of the
//! integrated measurement and the short-term values of the LRA go into fine histograms
//! (0.02 LU bins) that keep each bin's exact energy sum, so the integrated result is exact but
//! for blocks within 0.02 LU of the relative gate.

use std::f64::consts::PI;

use fearless_simd::{Level, Simd, SimdFloat, dispatch, f64x2, f64x4, f64x8};

use crate::analysis::levels::ChannelSums;

/// Lowest loudness shown: the absolute gate of BS.1770.
pub const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// Readout of a loudness that is not (yet) measurable.
pub const SILENCE_LUFS: f64 = f64::NEG_INFINITY;

const HIST_MIN: f64 = -70.0;
const HIST_MAX: f64 = 10.0;
const HIST_STEP: f64 = 0.02;
const HIST_BINS: usize = ((HIST_MAX - HIST_MIN) / HIST_STEP) as usize;

/// A biquad in direct form II transposed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    z: [f64; 2],
}

impl Biquad {
    /// A biquad with numerator `b` and denominator `1, a1, a2`.
    #[must_use]
    pub fn new(b: [f64; 3], a: [f64; 2]) -> Self {
        Self { b, a, z: [0.0; 2] }
    }

    /// Filters one sample.
    #[inline]
    pub fn tick(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.z[0];
        self.z[0] = self.b[1] * x - self.a[0] * y + self.z[1];
        self.z[1] = self.b[2] * x - self.a[1] * y;
        y
    }
}

/// The two K-weighting filters of BS.1770 (a high shelf, then a high pass) for `fs`, from
/// the analog prototype of the standard's 48 kHz coefficients.
#[must_use]
pub fn k_weighting(sample_rate_hz: f64) -> [Biquad; 2] {
    let (f0, gain_db, q) = (1_681.974_450_955_533, 3.999_843_853_973_347, 0.707_175_236_955_419_6);
    let k = (PI * f0 / sample_rate_hz).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.499_666_774_154_541_6);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Biquad::new(
        [(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0],
        [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    );
    let (f0, q) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);
    let k = (PI * f0 / sample_rate_hz).tan();
    let a0 = 1.0 + k / q + k * k;
    let high_pass = Biquad::new([1.0, -2.0, 1.0], [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]);
    [shelf, high_pass]
}

/// BS.1770 channel weights: 1.0 for front channels and 1.41 for surrounds. Five channels are
/// read as 5.0 (L R C Ls Rs), six as 5.1 in the WAV order (L R C LFE Ls Rs, the LFE left out);
/// any other count weighs every channel 1.0.
#[must_use]
pub fn channel_weights(channels: usize) -> Vec<f64> {
    match channels {
        5 => vec![1.0, 1.0, 1.0, 1.41, 1.41],
        6 => vec![1.0, 1.0, 1.0, 0.0, 1.41, 1.41],
        n => vec![1.0; n],
    }
}

/// Loudness in LUFS of a mean square (already channel-weighted).
#[must_use]
pub fn lufs_of(mean_square: f64) -> f64 {
    if mean_square > 0.0 { -0.691 + 10.0 * mean_square.log10() } else { SILENCE_LUFS }
}

fn mean_square_of(lufs: f64) -> f64 {
    10f64.powf((lufs + 0.691) / 10.0)
}

/// A histogram of block loudness values keeping each bin's exact energy.
#[derive(Clone, Debug)]
struct Histogram {
    count: Vec<u32>,
    energy: Vec<f64>,
}

impl Histogram {
    fn new() -> Self {
        Self { count: vec![0; HIST_BINS], energy: vec![0.0; HIST_BINS] }
    }

    fn clear(&mut self) {
        self.count.fill(0);
        self.energy.fill(0.0);
    }

    fn bin(lufs: f64) -> Option<usize> {
        if lufs < HIST_MIN {
            return None;
        }
        Some((((lufs - HIST_MIN) / HIST_STEP) as usize).min(HIST_BINS - 1))
    }

    fn add(&mut self, mean_square: f64) {
        if let Some(b) = Self::bin(lufs_of(mean_square)) {
            self.count[b] += 1;
            self.energy[b] += mean_square;
        }
    }

    /// Energy mean and count of the bins from `lufs` up.
    fn mean_above(&self, lufs: f64) -> (f64, u64) {
        let start = Self::bin(lufs).unwrap_or(0);
        let (mut e, mut n) = (0.0, 0u64);
        for b in start..HIST_BINS {
            e += self.energy[b];
            n += u64::from(self.count[b]);
        }
        (if n > 0 { e / n as f64 } else { 0.0 }, n)
    }

    /// The `fraction` percentile of the values from bin `start` on: the value at 0-based rank
    /// round((n - 1) x fraction), as libebur128 takes it.
    fn percentile_from(&self, start: usize, total: u64, fraction: f64) -> f64 {
        let target = ((total - 1) as f64 * fraction + 0.5).floor() as u64 + 1;
        let mut seen = 0u64;
        for b in start..HIST_BINS {
            seen += u64::from(self.count[b]);
            if seen >= target {
                return HIST_MIN + (b as f64 + 0.5) * HIST_STEP;
            }
        }
        HIST_MAX
    }
}

/// A streaming loudness meter for 1 to 8 channels, weighted by [`channel_weights`].
#[derive(Clone, Debug)]
pub struct LoudnessMeter {
    filters: Vec<[Biquad; 2]>,
    weights: Vec<f64>,
    /// Samples in one 100 ms sub-block.
    sub_len: usize,
    sub_fill: usize,
    sub_sum: f64,
    /// Energy sums of the last 30 sub-blocks (3 s), newest at `ring_pos - 1`.
    ring: [f64; 30],
    ring_pos: usize,
    subs_seen: u64,
    gating: Histogram,
    short_term: Histogram,
    momentary_ms: f64,
    short_term_ms: f64,
    momentary_max: f64,
    short_term_max: f64,
    /// The instruction set the filters run with (detected once).
    level: Level,
}

impl LoudnessMeter {
    /// A meter for `channels` channels at `sample_rate_hz`.
    #[must_use]
    pub fn new(channels: usize, sample_rate_hz: f64) -> Self {
        let channels = channels.clamp(1, 8);
        Self {
            filters: vec![k_weighting(sample_rate_hz); channels],
            weights: channel_weights(channels),
            sub_len: (sample_rate_hz * 0.1).round().max(1.0) as usize,
            sub_fill: 0,
            sub_sum: 0.0,
            ring: [0.0; 30],
            ring_pos: 0,
            subs_seen: 0,
            gating: Histogram::new(),
            short_term: Histogram::new(),
            momentary_ms: 0.0,
            short_term_ms: 0.0,
            momentary_max: 0.0,
            short_term_max: 0.0,
            level: Level::new(),
        }
    }

    /// Forgets everything measured.
    pub fn reset(&mut self) {
        for f in &mut self.filters {
            for b in f.iter_mut() {
                b.z = [0.0; 2];
            }
        }
        self.sub_fill = 0;
        self.sub_sum = 0.0;
        self.ring = [0.0; 30];
        self.ring_pos = 0;
        self.subs_seen = 0;
        self.gating.clear();
        self.short_term.clear();
        self.momentary_ms = 0.0;
        self.short_term_ms = 0.0;
        self.momentary_max = 0.0;
        self.short_term_max = 0.0;
    }

    /// Number of channels.
    #[must_use]
    pub fn channels(&self) -> usize {
        self.filters.len()
    }

    /// Feeds one frame (one sample per channel).
    #[inline]
    pub fn push_frame(&mut self, frame: &[f64]) {
        let mut sum = 0.0;
        for ((f, &x), w) in self.filters.iter_mut().zip(frame).zip(&self.weights) {
            let shelved = f[0].tick(x);
            let y = f[1].tick(shelved);
            sum += w * y * y;
        }
        self.sub_sum += sum;
        self.sub_fill += 1;
        if self.sub_fill == self.sub_len {
            self.end_sub_block();
        }
    }

    /// Feeds planar channels of equal length. The result is exactly that of feeding the
    /// frames one by one with [`Self::push_frame`]; the channels' filters run side by side in
    /// SIMD lanes.
    pub fn process(&mut self, channels: &[&[f64]]) {
        self.process_impl(channels, None);
    }

    /// As [`Self::process`], also adding every sample of channel `c` to `sums[c]` (in the
    /// same pass, where it costs nothing: the filters' feedback sets the pace).
    pub fn process_with_sums(&mut self, channels: &[&[f64]], sums: &mut [ChannelSums]) {
        self.process_impl(channels, Some(sums));
    }

    fn process_impl(&mut self, channels: &[&[f64]], sums: Option<&mut [ChannelSums]>) {
        let nch = channels.len().min(self.filters.len());
        match sums {
            Some(s) => self.dispatch::<true>(channels, s, nch.min(s.len())),
            None => self.dispatch::<false>(channels, &mut [], nch),
        }
    }

    fn dispatch<const SUMS: bool>(&mut self, channels: &[&[f64]], sums: &mut [ChannelSums], nch: usize) {
        match nch {
            1 => self.run::<1, SUMS>(channels, sums),
            2 => self.run::<2, SUMS>(channels, sums),
            3 => self.run::<3, SUMS>(channels, sums),
            4 => self.run::<4, SUMS>(channels, sums),
            5 => self.run::<5, SUMS>(channels, sums),
            6 => self.run::<6, SUMS>(channels, sums),
            7 => self.run::<7, SUMS>(channels, sums),
            8 => self.run::<8, SUMS>(channels, sums),
            _ => {}
        }
    }

    /// The K-weighting and mean square of `N` channels, lane `c` for channel `c`, with the
    /// arithmetic of [`Biquad::tick`] and [`Self::push_frame`] in the same order.
    fn run<const N: usize, const SUMS: bool>(&mut self, channels: &[&[f64]], sums: &mut [ChannelSums]) {
        let n = channels.iter().take(N).map(|c| c.len()).min().unwrap_or(0);
        let ch: [&[f64]; N] = std::array::from_fn(|c| &channels[c][..n]);
        let [shelf, hp] = self.filters[0];
        let coefs = KCoefs { shelf_b: shelf.b, shelf_a: shelf.a, hp_b: hp.b, hp_a: hp.a };
        let mut lanes = Lanes::<N> {
            z: std::array::from_fn(|k| std::array::from_fn(|c| self.filters[c][k / 2].z[k % 2])),
            weights: std::array::from_fn(|c| self.weights[c]),
            sums: std::array::from_fn(|c| if SUMS { sums[c] } else { ChannelSums::default() }),
        };
        let mut i = 0;
        while i < n {
            let take = (self.sub_len - self.sub_fill).min(n - i);
            self.sub_sum = k_weigh::<N, SUMS>(self.level, &coefs, &mut lanes, &ch, i..i + take, self.sub_sum);
            self.sub_fill += take;
            i += take;
            if self.sub_fill == self.sub_len {
                self.end_sub_block();
            }
        }
        for (c, f) in self.filters.iter_mut().take(N).enumerate() {
            f[0].z = [lanes.z[0][c], lanes.z[1][c]];
            f[1].z = [lanes.z[2][c], lanes.z[3][c]];
        }
        if SUMS {
            sums[..N].copy_from_slice(&lanes.sums);
        }
    }

    fn end_sub_block(&mut self) {
        self.ring[self.ring_pos] = self.sub_sum;
        self.ring_pos = (self.ring_pos + 1) % 30;
        self.sub_sum = 0.0;
        self.sub_fill = 0;
        self.subs_seen += 1;
        let len = self.sub_len as f64;
        let last = |k: usize| -> f64 { (1..=k).map(|i| self.ring[(self.ring_pos + 30 - i) % 30]).sum() };
        if self.subs_seen >= 4 {
            self.momentary_ms = last(4) / (4.0 * len);
            self.momentary_max = self.momentary_max.max(self.momentary_ms);
            self.gating.add(self.momentary_ms);
        }
        if self.subs_seen >= 30 {
            self.short_term_ms = last(30) / (30.0 * len);
            self.short_term_max = self.short_term_max.max(self.short_term_ms);
            // The loudness range takes a 3 s window every second (2 s overlap, the least
            // EBU Tech 3342 allows, as libebur128 does).
            if (self.subs_seen - 30).is_multiple_of(10) {
                self.short_term.add(self.short_term_ms);
            }
        }
    }

    /// Momentary loudness (last 400 ms) in LUFS.
    #[must_use]
    pub fn momentary(&self) -> f64 {
        lufs_of(self.momentary_ms)
    }

    /// Highest momentary loudness so far.
    #[must_use]
    pub fn momentary_max(&self) -> f64 {
        lufs_of(self.momentary_max)
    }

    /// Short-term loudness (last 3 s) in LUFS.
    #[must_use]
    pub fn short_term(&self) -> f64 {
        lufs_of(self.short_term_ms)
    }

    /// Highest short-term loudness so far.
    #[must_use]
    pub fn short_term_max(&self) -> f64 {
        lufs_of(self.short_term_max)
    }

    /// Integrated (gated) loudness in LUFS: blocks of 400 ms every 100 ms, absolute gate
    /// -70 LUFS, relative gate 10 LU below the mean of the blocks above the absolute gate.
    #[must_use]
    pub fn integrated(&self) -> f64 {
        let (mean, n) = self.gating.mean_above(ABSOLUTE_GATE_LUFS);
        if n == 0 {
            return SILENCE_LUFS;
        }
        let gate = lufs_of(mean) - 10.0;
        let (gated, m) = self.gating.mean_above(gate);
        if m == 0 { SILENCE_LUFS } else { lufs_of(gated) }
    }

    /// Loudness range in LU (EBU Tech 3342): the spread between the 10th and 95th percentiles
    /// of the short-term loudness (one 3 s window per second), after an absolute gate at -70 LUFS and a relative gate
    /// 20 LU below the mean.
    #[must_use]
    pub fn loudness_range(&self) -> f64 {
        let (mean, n) = self.short_term.mean_above(ABSOLUTE_GATE_LUFS);
        if n == 0 {
            return 0.0;
        }
        let gate = lufs_of(mean) - 20.0;
        let start = Histogram::bin(gate.max(ABSOLUTE_GATE_LUFS)).unwrap_or(0);
        let total: u64 = self.short_term.count[start..].iter().map(|&c| u64::from(c)).sum();
        if total == 0 {
            return 0.0;
        }
        let lo = self.short_term.percentile_from(start, total, 0.10);
        let hi = self.short_term.percentile_from(start, total, 0.95);
        (hi - lo).max(0.0)
    }
}

/// The K-weighting coefficients, the same for every channel.
struct KCoefs {
    shelf_b: [f64; 3],
    shelf_a: [f64; 2],
    hp_b: [f64; 3],
    hp_a: [f64; 2],
}

/// What the lanes carry from one run to the next: the filters' states (shelf z0, z1, high
/// pass z0, z1), the channel weights and the level sums.
struct Lanes<const N: usize> {
    z: [[f64; N]; 4],
    weights: [f64; N],
    sums: [ChannelSums; N],
}

/// Filters `frames` of the `N` channels in SIMD lanes as wide as the instruction set and
/// the channel count call for, and returns `sub` plus the frames' weighted mean squares
/// (added frame by frame, each frame's channels in order, as [`LoudnessMeter::push_frame`]).
fn k_weigh<const N: usize, const SUMS: bool>(
    level: Level,
    k: &KCoefs,
    lanes: &mut Lanes<N>,
    ch: &[&[f64]; N],
    frames: std::ops::Range<usize>,
    sub: f64,
) -> f64 {
    match N {
        0..=2 => dispatch!(level, simd => k_weigh_in::<_, f64x2<_>, N, SUMS>(simd, k, lanes, ch, frames, sub)),
        3..=4 => dispatch!(level, simd => k_weigh_in::<_, f64x4<_>, N, SUMS>(simd, k, lanes, ch, frames, sub)),
        _ => dispatch!(level, simd => k_weigh_in::<_, f64x8<_>, N, SUMS>(simd, k, lanes, ch, frames, sub)),
    }
}

/// [`k_weigh`] with lanes of type `V` (at least `N` wide; the spare lanes filter zeros).
#[allow(clippy::inline_always, reason = "inlined into `dispatch!`'s target-feature function, or it runs without them")]
#[inline(always)]
fn k_weigh_in<S: Simd, V: SimdFloat<S, Element = f64>, const N: usize, const SUMS: bool>(
    simd: S,
    k: &KCoefs,
    lanes: &mut Lanes<N>,
    ch: &[&[f64]; N],
    frames: std::ops::Range<usize>,
    mut sub: f64,
) -> f64 {
    let lane = |a: &[f64; N]| V::from_fn(simd, |c| if c < N { a[c] } else { 0.0 });
    let splat = |v: f64| V::splat(simd, v);
    let (sb0, sb1, sb2) = (splat(k.shelf_b[0]), splat(k.shelf_b[1]), splat(k.shelf_b[2]));
    let (sa0, sa1) = (splat(k.shelf_a[0]), splat(k.shelf_a[1]));
    let (hb0, hb1, hb2) = (splat(k.hp_b[0]), splat(k.hp_b[1]), splat(k.hp_b[2]));
    let (ha0, ha1) = (splat(k.hp_a[0]), splat(k.hp_a[1]));
    let [mut z0, mut z1, mut z2, mut z3] = lanes.z.each_ref().map(lane);
    let w = lane(&lanes.weights);
    let mut sum = lane(&lanes.sums.map(|s| s.sum));
    let mut sum2 = lane(&lanes.sums.map(|s| s.sum2));
    let mut peak = lanes.sums.map(|s| s.peak);
    for j in frames {
        let x = V::from_fn(simd, |c| if c < N { ch[c][j] } else { 0.0 });
        let shelved = sb0 * x + z0;
        z0 = sb1 * x - sa0 * shelved + z1;
        z1 = sb2 * x - sa1 * shelved;
        let y = hb0 * shelved + z2;
        z2 = hb1 * shelved - ha0 * y + z3;
        z3 = hb2 * shelved - ha1 * y;
        let e = w * y * y;
        let mut frame = 0.0;
        for c in 0..N {
            frame += e[c];
        }
        sub += frame;
        if SUMS {
            sum += x;
            sum2 += x * x;
            for c in 0..N {
                peak[c] = peak[c].max(x[c].abs());
            }
        }
    }
    for (state, v) in lanes.z.iter_mut().zip([z0, z1, z2, z3]) {
        state.copy_from_slice(&v.as_slice()[..N]);
    }
    if SUMS {
        for c in 0..N {
            lanes.sums[c] = ChannelSums { peak: peak[c], sum: sum[c], sum2: sum2[c] };
        }
    }
    sub
}

/// Loudness of a mean square in LUFS, inverse of [`lufs_of`] (exposed for tests and targets).
#[must_use]
pub fn mean_square_for_lufs(lufs: f64) -> f64 {
    mean_square_of(lufs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_side_by_side_equal_frame_by_frame() {
        let mut r = crate::dsp::noise::Random::new(3);
        for channels in 1..=8 {
            let x: Vec<Vec<f64>> = (0..channels)
                .map(|c| (0..20_000).map(|i| 0.2 * r.gaussian() * (1.0 + (i / 3000 + c) as f64)).collect())
                .collect();
            let mut frame_by_frame = LoudnessMeter::new(channels, 44_100.0);
            let mut frame = vec![0.0; channels];
            for i in 0..x[0].len() {
                for (f, c) in frame.iter_mut().zip(&x) {
                    *f = c[i];
                }
                frame_by_frame.push_frame(&frame);
            }
            let mut blocks = LoudnessMeter::new(channels, 44_100.0);
            let mut sums = vec![ChannelSums::default(); channels];
            for start in (0..x[0].len()).step_by(1234) {
                let planar: Vec<&[f64]> = x.iter().map(|c| &c[start..(start + 1234).min(c.len())]).collect();
                blocks.process_with_sums(&planar, &mut sums);
            }
            let read = |m: &LoudnessMeter| (m.integrated(), m.momentary(), m.short_term_max(), m.loudness_range());
            assert_eq!(read(&blocks), read(&frame_by_frame), "{channels} channels");
            for (s, c) in sums.iter().zip(&x) {
                let mut whole = ChannelSums::default();
                whole.add_all(c);
                assert_eq!(*s, whole);
            }
        }
    }

    #[test]
    fn k_weighting_matches_the_standard_at_48k() {
        let [shelf, hp] = k_weighting(48_000.0);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(shelf.b[0], 1.535_124_859_586_97));
        assert!(close(shelf.b[1], -2.691_696_189_406_38));
        assert!(close(shelf.b[2], 1.198_392_810_852_85));
        assert!(close(shelf.a[0], -1.690_659_293_182_41));
        assert!(close(shelf.a[1], 0.732_480_774_215_85));
        assert!(close(hp.a[0], -1.990_047_454_833_98));
        assert!(close(hp.a[1], 0.990_072_250_366_21));
    }
}
