//! Random processes: uniform and Gaussian deviates from a seeded generator (every render is
//! reproducible), and noise shaped like a filtered analog noise as it reaches the sampler.

use fearless_simd::{Level, dispatch};
use fundsp::prelude64::{AudioNode, Pinkpass};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use realfft::RealFftPlanner;

/// A seeded source of uniform and Gaussian random numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Random {
    rng: Pcg64Mcg,
}

impl Random {
    /// A generator that always yields the same sequence for the same seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { rng: Pcg64Mcg::seed_from_u64(seed) }
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [-0.5, 0.5).
    #[inline]
    pub fn uniform_centered(&mut self) -> f64 {
        self.uniform() - 0.5
    }

    /// Standard normal (mean 0, variance 1), by the ziggurat method.
    #[inline]
    pub fn gaussian(&mut self) -> f64 {
        self.rng.sample(StandardNormal)
    }
}

/// Number of taps of the FIR that gives white noise the spectrum of the filtered analog noise.
const SHAPE_TAPS: usize = 63;

/// Colour of a noise process before the anti-alias filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoiseColour {
    /// Flat spectrum.
    White,
    /// -3 dB per octave (Paul Kellett's filter, from fundsp).
    Pink,
}

/// A stationary Gaussian noise at the sample rate with a given RMS and power spectrum shape.
pub struct ShapedNoise {
    random: Random,
    pink: Option<(Pinkpass<f64>, f64)>,
    /// Symmetric FIR taps (already scaled), or `None` for plain white noise.
    fir: Option<Vec<f64>>,
    /// The last `SHAPE_TAPS - 1` white samples, then the chunk being shaped.
    work: Vec<f64>,
    acc: Vec<f64>,
    scale: f64,
}

/// A clone keeps the working buffers' room, so it never allocates while it runs.
impl Clone for ShapedNoise {
    fn clone(&self) -> Self {
        let mut work = Vec::with_capacity(SHAPE_TAPS - 1 + NOISE_CHUNK);
        work.extend_from_slice(&self.work);
        Self {
            random: self.random.clone(),
            pink: self.pink.clone(),
            fir: self.fir.clone(),
            work,
            acc: Vec::with_capacity(NOISE_CHUNK),
            scale: self.scale,
        }
    }
}

impl std::fmt::Debug for ShapedNoise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShapedNoise").field("scale", &self.scale).finish_non_exhaustive()
    }
}

/// Samples shaped at once.
const NOISE_CHUNK: usize = 1024;

impl ShapedNoise {
    /// Noise with RMS `rms` (before shaping) whose power spectrum is multiplied by
    /// `power_shape(f)` for f in 0..fs/2 (`None`: flat). The RMS after shaping is
    /// `rms * sqrt(mean of power_shape)`, as a filter would leave it.
    #[must_use]
    pub fn new(
        seed: u64,
        colour: NoiseColour,
        rms: f64,
        sample_rate_hz: f64,
        power_shape: Option<&dyn Fn(f64) -> f64>,
    ) -> Self {
        static PINK_ENERGY: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
        let pink = match colour {
            NoiseColour::White => None,
            NoiseColour::Pink => {
                let mut p = Pinkpass::<f64>::new();
                p.set_sample_rate(sample_rate_hz);
                // Normalise the pinking filter to unit output power for unit white input: the
                // power gain of a filter is the energy of its impulse response. Its slowest pole
                // (0.99886) has decayed below 1e-20 after 40 000 samples. The coefficients do not
                // depend on the sample rate, so this is worked out once.
                let energy = *PINK_ENERGY.get_or_init(|| {
                    let mut probe = Pinkpass::<f64>::new();
                    (0..40_000).map(|i| f64::from(probe.filter_mono(if i == 0 { 1.0 } else { 0.0 })).powi(2)).sum()
                });
                Some((p, 1.0 / energy.sqrt()))
            }
        };
        let fir = power_shape.map(|shape| design_shaping_fir(shape, sample_rate_hz));
        let mut noise = Self {
            random: Random::new(seed),
            pink,
            fir,
            work: Vec::with_capacity(SHAPE_TAPS - 1 + NOISE_CHUNK),
            acc: Vec::with_capacity(NOISE_CHUNK),
            scale: rms,
        };
        // Fill the filter's memory so the first samples are already stationary.
        for _ in 0..SHAPE_TAPS - 1 {
            let w = noise.white();
            noise.work.push(w);
        }
        noise
    }

    /// The next unshaped sample (white or pink).
    #[inline]
    fn white(&mut self) -> f64 {
        let x = self.random.gaussian();
        match &mut self.pink {
            Some((pink, norm)) => f64::from(pink.filter_mono(x as f32)) * *norm,
            None => x,
        }
    }

    /// Adds the next `out.len()` samples into `out`.
    pub fn add_to(&mut self, out: &mut [f64]) {
        for chunk in out.chunks_mut(NOISE_CHUNK) {
            let n = chunk.len();
            if self.fir.is_none() {
                for o in chunk.iter_mut() {
                    *o += self.white() * self.scale;
                }
                continue;
            }
            self.work.truncate(SHAPE_TAPS - 1);
            for _ in 0..n {
                let w = self.white();
                self.work.push(w);
            }
            self.acc.clear();
            self.acc.resize(n, 0.0);
            if let Some(fir) = &self.fir {
                shape_chunk(fir, &self.work, &mut self.acc);
            }
            for (o, a) in chunk.iter_mut().zip(&self.acc) {
                *o += a * self.scale;
            }
            let keep = self.work.len() - (SHAPE_TAPS - 1);
            self.work.copy_within(keep.., 0);
            self.work.truncate(SHAPE_TAPS - 1);
        }
    }

    /// The next sample.
    pub fn next_sample(&mut self) -> f64 {
        let mut one = [0.0];
        self.add_to(&mut one);
        one[0]
    }
}

/// `acc[i] = sum of fir[j] * work[i + j]` over the taps, added tap by tap from the first (the
/// same figures on every instruction set), in the widest SIMD lanes the processor has.
fn shape_chunk(fir: &[f64], work: &[f64], acc: &mut [f64]) {
    let level = Level::new();
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    if let Level::Avx2(avx2) = level {
        return fearless_simd::Simd::vectorize(
            avx2,
            #[inline(always)]
            || shape_blocked::<16>(fir, work, acc),
        );
    }
    dispatch!(level, _simd => shape_blocked::<8>(fir, work, acc));
}

/// [`shape_chunk`], `LANES` outputs at a time held in registers across the taps.
#[allow(clippy::inline_always, reason = "inlined into the target-feature function, or it runs without them")]
#[inline(always)]
fn shape_blocked<const LANES: usize>(fir: &[f64], work: &[f64], acc: &mut [f64]) {
    let n = acc.len();
    let blocked = n - n % LANES;
    for i0 in (0..blocked).step_by(LANES) {
        let mut a = [0.0f64; LANES];
        for (j, &h) in fir.iter().enumerate() {
            for (a, &x) in a.iter_mut().zip(&work[i0 + j..i0 + j + LANES]) {
                *a += h * x;
            }
        }
        acc[i0..i0 + LANES].copy_from_slice(&a);
    }
    for (i, a) in acc.iter_mut().enumerate().skip(blocked) {
        *a = fir.iter().zip(&work[i..]).fold(0.0, |s, (h, x)| s + h * x);
    }
}

/// A linear-phase FIR whose power response follows `shape(f)` (0..fs/2), by frequency sampling
/// and a Kaiser window.
fn design_shaping_fir(shape: &dyn Fn(f64) -> f64, sample_rate_hz: f64) -> Vec<f64> {
    let n = 1024;
    let mut planner = RealFftPlanner::<f64>::new();
    let ifft = planner.plan_fft_inverse(n);
    let mut spectrum = ifft.make_input_vec();
    let bins = spectrum.len();
    for (k, c) in spectrum.iter_mut().enumerate() {
        let f = 0.5 * sample_rate_hz * k as f64 / (bins - 1) as f64;
        c.re = shape(f).max(0.0).sqrt();
        c.im = 0.0;
    }
    let mut impulse = ifft.make_output_vec();
    if ifft.process(&mut spectrum, &mut impulse).is_err() {
        let mut taps = vec![0.0; SHAPE_TAPS];
        taps[SHAPE_TAPS / 2] = 1.0;
        return taps;
    }
    let half = SHAPE_TAPS / 2;
    let mut taps: Vec<f64> = (0..SHAPE_TAPS)
        .map(|i| {
            let lag = i as isize - half as isize;
            let idx = lag.rem_euclid(n as isize) as usize;
            let w = crate::analysis::window::kaiser_value(i, SHAPE_TAPS, 8.0);
            impulse[idx] / n as f64 * w
        })
        .collect();
    // Keep the mean power of the target response: sum of squared taps = mean of shape.
    let target: f64 =
        (0..bins).map(|k| shape(0.5 * sample_rate_hz * k as f64 / (bins - 1) as f64).max(0.0)).sum::<f64>()
            / bins as f64;
    let actual: f64 = taps.iter().map(|t| t * t).sum();
    if actual > 0.0 {
        let g = (target / actual).sqrt();
        for t in &mut taps {
            *t *= g;
        }
    }
    taps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rms(x: &[f64]) -> f64 {
        (x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn gaussian_has_unit_variance_and_is_reproducible() {
        let mut a = Random::new(7);
        let xs: Vec<f64> = (0..200_000).map(|_| a.gaussian()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.01);
        assert!((rms(&xs) - 1.0).abs() < 0.01);
        let mut b = Random::new(7);
        assert_eq!(b.gaussian(), xs[0]);
    }

    #[test]
    fn shaping_in_simd_lanes_gives_the_tap_by_tap_sums_bit_for_bit() {
        let mut r = Random::new(5);
        let fir: Vec<f64> = (0..SHAPE_TAPS).map(|_| r.gaussian()).collect();
        for n in [1, 7, 16, 1000, NOISE_CHUNK] {
            let work: Vec<f64> = (0..n + SHAPE_TAPS - 1).map(|_| r.gaussian()).collect();
            let mut plain = vec![0.0; n];
            for (j, &h) in fir.iter().enumerate() {
                for (a, &x) in plain.iter_mut().zip(&work[j..j + n]) {
                    *a += h * x;
                }
            }
            let mut acc = vec![0.0; n];
            shape_chunk(&fir, &work, &mut acc);
            assert_eq!(acc, plain, "{n} samples");
        }
    }

    #[test]
    fn shaped_noise_keeps_the_promised_rms() {
        // White noise through a half-band shape keeps half its power.
        let shape = |f: f64| if f < 12_000.0 { 1.0 } else { 0.0 };
        let mut n = ShapedNoise::new(3, NoiseColour::White, 0.1, 48_000.0, Some(&shape));
        let xs: Vec<f64> = (0..400_000).map(|_| n.next_sample()).collect();
        let expected = 0.1 * 0.5f64.sqrt();
        assert!((rms(&xs) / expected - 1.0).abs() < 0.03, "white: {}", rms(&xs));
        // Pink noise without shaping has the RMS asked for.
        let mut p = ShapedNoise::new(3, NoiseColour::Pink, 0.1, 48_000.0, None);
        let ys: Vec<f64> = (0..400_000).map(|_| p.next_sample()).collect();
        assert!((rms(&ys) / 0.1 - 1.0).abs() < 0.05, "pink: {}", rms(&ys));
    }
}
