//! The analog side of the converter: a continuous-time signal that can be evaluated at any
//! instant, after the analog gain and the anti-alias filter.
//!
//! Without a filter, periodic waveforms are evaluated in closed form, so sampling them folds
//! every one of their infinitely many harmonics exactly. With a filter, each partial is
//! scaled and shifted by `H(f)`; the filtered waveform of one period is built once by an
//! inverse FFT into a table and read back with 8-point Lagrange interpolation, 32 table
//! points per cycle of the highest partial (interpolation error below -170 dB).

use std::f64::consts::TAU;
use std::sync::Arc;

use realfft::RealFftPlanner;

use crate::dsp::filter::FilterResponse;
use crate::dsp::source::{Shape, SourceKind, SourceParams, sweep_phase_and_freq};
use crate::units::db_to_amp;

/// Partials whose filtered amplitude falls below this (relative to the peak) are dropped.
const NEGLIGIBLE: f64 = 1e-9;
/// The most partials a filtered periodic waveform keeps.
const MAX_PARTIALS: usize = 16_384;
/// Table points per cycle of the highest partial kept.
const TABLE_OVERSAMPLING: usize = 32;
/// Points of the Lagrange interpolator.
const LAGRANGE_POINTS: usize = 8;

/// One sinusoidal component: `amp * sin(2 pi freq t + phase)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tone {
    /// Amplitude (linear, 1.0 = full scale).
    pub amp: f64,
    /// Frequency in Hz.
    pub freq_hz: f64,
    /// Phase in radians at t = 0.
    pub phase: f64,
}

impl Tone {
    #[inline]
    fn at(&self, t: f64) -> f64 {
        // Reduce the phase in cycles first, so long times keep their precision.
        let cycles = (self.freq_hz * t).fract();
        self.amp * (TAU * cycles + self.phase).sin()
    }
}

#[derive(Clone, Debug)]
enum Plan {
    Silent,
    Tones(Vec<Tone>),
    Naive { shape: Shape, f0: f64, offset: f64, amp: f64 },
    Table { table: Arc<[f64]>, f0: f64, offset: f64, amp: f64 },
    Sweep { f1: f64, f2: f64, secs: f64, phase: f64, amp: f64, filter: FilterResponse },
}

/// A component of the analog signal for the alias list: a frequency and its amplitude after
/// gain and filter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Component {
    /// Frequency in Hz.
    pub freq_hz: f64,
    /// Amplitude after the analog gain and the filter (1.0 = full scale).
    pub amp: f64,
    /// Harmonic number (1 = fundamental), or 0 for a tone that is no harmonic.
    pub harmonic: usize,
}

/// The deterministic part of the analog signal (everything but noise).
#[derive(Clone, Debug)]
pub struct AnalogSignal {
    source: SourceParams,
    gain: f64,
    filter: FilterResponse,
    filtered: Plan,
    unfiltered: Plan,
}

impl AnalogSignal {
    /// Builds the signal of `source` after `gain_db` and `filter`.
    #[must_use]
    pub fn new(source: &SourceParams, gain_db: f64, filter: FilterResponse) -> Self {
        let gain = db_to_amp(gain_db);
        let amp = source.peak() * gain;
        let unfiltered = plan(source, amp, None);
        let filtered = plan(source, amp, Some(filter));
        Self { source: source.clone(), gain, filter, filtered, unfiltered }
    }

    /// The source parameters.
    #[must_use]
    pub fn source(&self) -> &SourceParams {
        &self.source
    }

    /// The linear analog gain.
    #[must_use]
    pub fn gain(&self) -> f64 {
        self.gain
    }

    /// The filter.
    #[must_use]
    pub fn filter(&self) -> &FilterResponse {
        &self.filter
    }

    /// The signal reaching the sampler at `t` seconds (after gain and filter).
    #[inline]
    #[must_use]
    pub fn at(&self, t: f64) -> f64 {
        eval(&self.filtered, t)
    }

    /// The signal before the filter at `t` seconds (after gain).
    #[inline]
    #[must_use]
    pub fn unfiltered_at(&self, t: f64) -> f64 {
        eval(&self.unfiltered, t)
    }

    /// Fills `out` with the filtered signal at `t0 + i / fs`.
    pub fn sample(&self, t0_index: u64, sample_rate_hz: f64, out: &mut [f64]) {
        let dt = 1.0 / sample_rate_hz;
        match &self.filtered {
            Plan::Silent => out.fill(0.0),
            Plan::Tones(tones) if tones.len() == 1 => {
                // Rotate a phasor: exact to 1e-13 over a block and much cheaper than sin().
                let tone = tones[0];
                let t0 = t0_index as f64 * dt;
                let cycles0 = (tone.freq_hz * t0).fract();
                let step = TAU * (tone.freq_hz * dt).fract();
                let (ds, dc) = step.sin_cos();
                let mut chunk_start = 0;
                while chunk_start < out.len() {
                    // Re-anchor every 1024 samples to keep rounding from accumulating.
                    let end = (chunk_start + 1024).min(out.len());
                    let phase = TAU * (cycles0 + (tone.freq_hz * dt * chunk_start as f64).fract()) + tone.phase;
                    let (mut s, mut c) = phase.sin_cos();
                    for o in &mut out[chunk_start..end] {
                        *o = tone.amp * s;
                        let s2 = s * dc + c * ds;
                        c = c * dc - s * ds;
                        s = s2;
                    }
                    chunk_start = end;
                }
            }
            plan => {
                for (i, o) in out.iter_mut().enumerate() {
                    *o = eval(plan, (t0_index + i as u64) as f64 * dt);
                }
            }
        }
    }

    /// The components of the signal, strongest first, up to `max_freq_hz` and at most `limit`
    /// of them, with amplitudes after gain and filter; those below `min_amp` are left out.
    #[must_use]
    pub fn components(&self, max_freq_hz: f64, min_amp: f64, limit: usize) -> Vec<Component> {
        let amp = self.source.peak() * self.gain;
        let mut out = Vec::new();
        match self.source.kind {
            SourceKind::Sine => {
                let a = amp * self.filter.magnitude(self.source.freq_hz);
                out.push(Component { freq_hz: self.source.freq_hz, amp: a, harmonic: 1 });
            }
            SourceKind::TwoTone => {
                for f in [self.source.freq_hz, self.source.freq2_hz] {
                    out.push(Component { freq_hz: f, amp: 0.5 * amp * self.filter.magnitude(f), harmonic: 0 });
                }
            }
            SourceKind::Square | SourceKind::Sawtooth | SourceKind::Triangle | SourceKind::Impulse => {
                if let Some(shape) = Shape::of(&self.source) {
                    let f0 = self.source.freq_hz;
                    let last = shape.last_harmonic().unwrap_or(usize::MAX);
                    let mut k = 1;
                    while k <= last && k as f64 * f0 <= max_freq_hz {
                        let (a, _) = shape.partial(k);
                        if a > 0.0 {
                            let f = k as f64 * f0;
                            out.push(Component { freq_hz: f, amp: amp * a * self.filter.magnitude(f), harmonic: k });
                        }
                        k += 1;
                    }
                }
            }
            SourceKind::WhiteNoise | SourceKind::PinkNoise | SourceKind::Sweep | SourceKind::LiveInput => {}
        }
        out.retain(|c| c.amp >= min_amp && c.freq_hz <= max_freq_hz);
        out.sort_by(|a, b| b.amp.total_cmp(&a.amp));
        out.truncate(limit);
        out
    }
}

fn eval(plan: &Plan, t: f64) -> f64 {
    match plan {
        Plan::Silent => 0.0,
        Plan::Tones(tones) => tones.iter().map(|tone| tone.at(t)).sum(),
        Plan::Naive { shape, f0, offset, amp } => amp * shape.value((f0 * t).fract() + offset),
        Plan::Table { table, f0, offset, amp } => amp * lagrange_periodic(table, (f0 * t).fract() + offset),
        Plan::Sweep { f1, f2, secs, phase, amp, filter } => {
            let local = t.rem_euclid(*secs);
            let (ph, f) = sweep_phase_and_freq(*f1, *f2, *secs, local);
            let h = filter.h(f);
            amp * h.norm() * (ph + phase + h.arg()).sin()
        }
    }
}

fn plan(source: &SourceParams, amp: f64, filter: Option<FilterResponse>) -> Plan {
    let phase = source.phase_deg.to_radians();
    let tone = |freq_hz: f64, a: f64| match filter {
        Some(f) => {
            let h = f.h(freq_hz);
            Tone { amp: a * h.norm(), freq_hz, phase: phase + h.arg() }
        }
        None => Tone { amp: a, freq_hz, phase },
    };
    match source.kind {
        SourceKind::Sine => Plan::Tones(vec![tone(source.freq_hz, amp)]),
        SourceKind::TwoTone => Plan::Tones(vec![tone(source.freq_hz, 0.5 * amp), tone(source.freq2_hz, 0.5 * amp)]),
        SourceKind::WhiteNoise | SourceKind::PinkNoise | SourceKind::LiveInput => Plan::Silent,
        SourceKind::Sweep => Plan::Sweep {
            f1: source.freq_hz,
            f2: source.freq2_hz,
            secs: source.sweep_secs,
            phase,
            amp,
            filter: filter.unwrap_or(FilterResponse { kind: crate::dsp::filter::AaFilterKind::Off, cutoff_hz: 1.0 }),
        },
        SourceKind::Square | SourceKind::Sawtooth | SourceKind::Triangle | SourceKind::Impulse => {
            let Some(shape) = Shape::of(source) else { return Plan::Silent };
            let offset = source.phase_deg / 360.0;
            match filter {
                Some(f) if f.kind != crate::dsp::filter::AaFilterKind::Off => periodic_table(shape, source.freq_hz, &f)
                    .map_or(Plan::Silent, |table| Plan::Table { table, f0: source.freq_hz, offset, amp }),
                _ => Plan::Naive { shape, f0: source.freq_hz, offset, amp },
            }
        }
    }
}

/// One period of `shape` filtered by `filter`, padded for wrap-around interpolation
/// (3 points before, 4 after). `None` when the filter leaves nothing.
fn periodic_table(shape: Shape, f0: f64, filter: &FilterResponse) -> Option<Arc<[f64]>> {
    let last = shape.last_harmonic().unwrap_or(usize::MAX).min(MAX_PARTIALS);
    let stop = filter.stop_edge_hz();
    let mut kept = 0;
    for k in 1..=last {
        let f = k as f64 * f0;
        if stop.is_some_and(|s| f >= s) {
            break;
        }
        let mag = filter.magnitude(f);
        if shape.envelope(k) * mag < NEGLIGIBLE && f > filter.cutoff_hz {
            break;
        }
        if shape.partial(k).0 * mag >= NEGLIGIBLE {
            kept = k;
        }
    }
    if kept == 0 {
        return None;
    }
    let m = (TABLE_OVERSAMPLING * kept).next_power_of_two().max(256);
    let mut planner = RealFftPlanner::<f64>::new();
    let ifft = planner.plan_fft_inverse(m);
    let mut spectrum = ifft.make_input_vec();
    for (k, bin) in spectrum.iter_mut().enumerate().take(kept + 1).skip(1) {
        let (a, ph) = shape.partial(k);
        if a == 0.0 {
            continue;
        }
        let h = filter.h(k as f64 * f0);
        // a sin(x + ph) = Re{ -i a e^{i(x + ph)} }; the inverse real FFT doubles bins 1..m/2.
        let c =
            realfft::num_complex::Complex64::from_polar(0.5 * a * h.norm(), ph + h.arg() - std::f64::consts::FRAC_PI_2);
        *bin = c;
    }
    let mut period = ifft.make_output_vec();
    ifft.process(&mut spectrum, &mut period).ok()?;
    let mut padded = Vec::with_capacity(m + LAGRANGE_POINTS - 1);
    padded.extend_from_slice(&period[m - 3..]);
    padded.extend_from_slice(&period);
    padded.extend_from_slice(&period[..4]);
    Some(padded.into())
}

/// Reads the padded periodic table at `cycles` (any real) with 8-point Lagrange interpolation.
#[inline]
fn lagrange_periodic(padded: &[f64], cycles: f64) -> f64 {
    const DENOM: [f64; LAGRANGE_POINTS] = lagrange_denominators();
    let m = padded.len() - (LAGRANGE_POINTS - 1);
    let u = (cycles - cycles.floor()) * m as f64;
    let i0 = (u.floor() as usize).min(m - 1);
    let d = u - i0 as f64;
    let window = &padded[i0..i0 + LAGRANGE_POINTS]; // nodes at offsets -3..=4
    if d == 0.0 {
        return window[3];
    }
    // Lagrange weights by prefix/suffix products of (d - node).
    let mut left = [1.0; LAGRANGE_POINTS];
    let mut right = [1.0; LAGRANGE_POINTS];
    for j in 1..LAGRANGE_POINTS {
        left[j] = left[j - 1] * (d - (j as f64 - 4.0));
    }
    for j in (0..LAGRANGE_POINTS - 1).rev() {
        right[j] = right[j + 1] * (d - (j as f64 - 2.0));
    }
    let mut sum = 0.0;
    for j in 0..LAGRANGE_POINTS {
        sum += window[j] * left[j] * right[j] / DENOM[j];
    }
    sum
}

const fn lagrange_denominators() -> [f64; LAGRANGE_POINTS] {
    let mut out = [1.0; LAGRANGE_POINTS];
    let mut j = 0;
    while j < LAGRANGE_POINTS {
        let mut m = 0;
        let mut p = 1.0;
        while m < LAGRANGE_POINTS {
            if m != j {
                p *= (j as f64) - (m as f64);
            }
            m += 1;
        }
        out[j] = p;
        j += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::filter::{AaFilter, AaFilterKind};

    #[test]
    fn filtered_table_matches_direct_partial_sum() {
        let src =
            SourceParams { kind: SourceKind::Sawtooth, freq_hz: 937.0, level_dbfs: 0.0, ..SourceParams::default() };
        for kind in [AaFilterKind::Gentle, AaFilterKind::Steep] {
            let filter = AaFilter::new(kind).response(48_000.0);
            let sig = AnalogSignal::new(&src, 0.0, filter);
            for i in 0..50 {
                let t = 1.234e-3 * f64::from(i) + 0.1;
                let direct: f64 = (1..4000)
                    .map(|k| {
                        let (a, ph) = Shape::Sawtooth.partial(k);
                        let h = filter.h(k as f64 * 937.0);
                        a * h.norm() * (TAU * (937.0 * k as f64 * t).fract() + ph + h.arg()).sin()
                    })
                    .sum();
                let err = (sig.at(t) - direct).abs();
                let tol = if kind == AaFilterKind::Steep { 1e-8 } else { 3e-7 };
                assert!(err < tol, "{kind:?} t={t}: table {} direct {direct} err {err}", sig.at(t));
            }
        }
    }

    #[test]
    fn phasor_block_matches_pointwise_evaluation() {
        let src = SourceParams::sine(1234.5, -3.0);
        let sig = AnalogSignal::new(&src, 2.0, AaFilter::new(AaFilterKind::Gentle).response(44_100.0));
        let mut block = vec![0.0; 5000];
        sig.sample(777_777, 44_100.0, &mut block);
        for (i, v) in block.iter().enumerate() {
            let t = (777_777 + i as u64) as f64 / 44_100.0;
            assert!((v - sig.at(t)).abs() < 1e-9, "sample {i}");
        }
    }

    #[test]
    fn lagrange_reproduces_polynomials() {
        // Degree-7 polynomials are interpolated exactly; use a smooth periodic table instead.
        let m = 64;
        let period: Vec<f64> = (0..m).map(|i| (TAU * i as f64 / m as f64).sin()).collect();
        let mut padded = period[m - 3..].to_vec();
        padded.extend_from_slice(&period);
        padded.extend_from_slice(&period[..4]);
        for i in 0..100 {
            let c = f64::from(i) / 100.0;
            assert!((lagrange_periodic(&padded, c) - (TAU * c).sin()).abs() < 1e-9);
        }
    }
}
