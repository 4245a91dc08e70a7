//! The chain's processors: parameter smoothing, the pan law, the analog-modelled saturator,
//! the bus compressor and the true-peak lookahead limiter. All stream sample by sample and
//! allocate only at construction.

use serde::{Deserialize, Serialize};
use std::f64::consts::FRAC_PI_4;

use crate::analysis::true_peak::{CHUNK, LATENCY, TruePeakMeter};
use crate::units::{amp_to_db, db_to_amp};

/// Time a gain change takes to glide to its new value, in seconds (no clicks, no zipper).
pub const SMOOTHING_SECS: f64 = 0.005;
/// Switching a processor in or out cross-fades over this long, seconds.
pub const SWITCH_SECS: f64 = 0.010;

/// A gain that glides linearly to its target over [`SMOOTHING_SECS`].
#[derive(Clone, Copy, Debug)]
pub struct SmoothedGain {
    current: f64,
    target: f64,
    step: f64,
    steps_left: u32,
    ramp_len: u32,
}

impl SmoothedGain {
    /// A gain already at `value`.
    #[must_use]
    pub fn new(value: f64, sample_rate_hz: f64) -> Self {
        Self::with_secs(value, sample_rate_hz, SMOOTHING_SECS)
    }

    /// Starts at `value`; every change glides over `secs`.
    #[must_use]
    pub fn with_secs(value: f64, sample_rate_hz: f64, secs: f64) -> Self {
        let ramp_len = (secs * sample_rate_hz).round().max(1.0) as u32;
        Self { current: value, target: value, step: 0.0, steps_left: 0, ramp_len }
    }

    /// A 0..1 switch (1: on) that cross-fades over [`SWITCH_SECS`].
    #[must_use]
    pub fn switch(on: bool, sample_rate_hz: f64) -> Self {
        Self::with_secs(if on { 1.0 } else { 0.0 }, sample_rate_hz, SWITCH_SECS)
    }

    /// The value now (the last one [`Self::next_value`] gave).
    #[must_use]
    pub fn value(&self) -> f64 {
        self.current
    }

    /// Glides to `target`.
    pub fn set(&mut self, target: f64) {
        if target != self.target {
            self.target = target;
            self.steps_left = self.ramp_len;
            self.step = (target - self.current) / f64::from(self.ramp_len);
        }
    }

    /// The next value.
    #[inline]
    pub fn next_value(&mut self) -> f64 {
        if self.steps_left > 0 {
            self.steps_left -= 1;
            self.current = if self.steps_left == 0 { self.target } else { self.current + self.step };
        }
        self.current
    }

    /// The value the gain is heading for.
    #[must_use]
    pub fn target(&self) -> f64 {
        self.target
    }
}

/// Constant-power pan law (-3 dB in the centre): gains (left, right) for `pan` in -1..=1.
#[must_use]
pub fn pan_gains(pan: f64) -> (f64, f64) {
    let theta = (pan.clamp(-1.0, 1.0) + 1.0) * FRAC_PI_4;
    (theta.cos(), theta.sin())
}

/// An "analog-modelled" insert, like a console or tape emulation: clean around -18 dBFS,
/// audibly saturating above. A soft clipper `tanh(g x) / g` with a touch of asymmetry (even
/// harmonics); g = 0.87 puts its third harmonic at about -60 dB for a sine peaking at
/// -18 dBFS, -36 dB at -6 dBFS and -24 dB at 0 dBFS.
#[derive(Clone, Copy, Debug)]
pub struct Saturator {
    drive: f64,
    bias: f64,
    offset: f64,
    dc_x: f64,
    dc_y: f64,
    dc_coef: f64,
}

impl Saturator {
    /// The insert at `sample_rate_hz` (the DC blocker after it sits at 5 Hz).
    #[must_use]
    pub fn new(sample_rate_hz: f64) -> Self {
        let drive = 0.87;
        let bias = 0.08;
        Self {
            drive,
            bias,
            offset: (drive * bias).tanh(),
            dc_x: 0.0,
            dc_y: 0.0,
            dc_coef: 1.0 - std::f64::consts::TAU * 5.0 / sample_rate_hz,
        }
    }

    /// Processes one sample.
    #[inline]
    pub fn tick(&mut self, x: f64) -> f64 {
        let y = ((self.drive * (x + self.bias)).tanh() - self.offset) / self.drive;
        // Remove the DC that the asymmetry creates.
        let out = y - self.dc_x + self.dc_coef * self.dc_y;
        self.dc_x = y;
        self.dc_y = out;
        out
    }
}

/// Settings of the bus compressor.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompressorParams {
    /// On or bypassed.
    pub enabled: bool,
    /// Threshold in dBFS (peak-sensing).
    pub threshold_dbfs: f64,
    /// Ratio (2 means 2:1).
    pub ratio: f64,
    /// Attack in milliseconds.
    pub attack_ms: f64,
    /// Release in milliseconds.
    pub release_ms: f64,
    /// Makeup gain in dB.
    pub makeup_db: f64,
}

impl Default for CompressorParams {
    fn default() -> Self {
        Self { enabled: false, threshold_dbfs: -12.0, ratio: 2.0, attack_ms: 10.0, release_ms: 150.0, makeup_db: 0.0 }
    }
}

/// A stereo-linked feed-forward compressor with a 6 dB soft knee.
#[derive(Clone, Copy, Debug)]
pub struct Compressor {
    params: CompressorParams,
    attack: f64,
    release: f64,
    gr_db: f64,
    makeup: SmoothedGain,
    /// Switched in (1) or out (0), cross-faded.
    wet: SmoothedGain,
    sample_rate_hz: f64,
}

impl Compressor {
    /// A compressor with `params` at `sample_rate_hz`.
    #[must_use]
    pub fn new(params: CompressorParams, sample_rate_hz: f64) -> Self {
        let mut c = Self {
            params,
            attack: 0.0,
            release: 0.0,
            gr_db: 0.0,
            makeup: SmoothedGain::new(db_to_amp(params.makeup_db), sample_rate_hz),
            wet: SmoothedGain::switch(params.enabled, sample_rate_hz),
            sample_rate_hz,
        };
        c.set_params(params);
        c
    }

    /// Takes new settings while it runs: the detector keeps its state (the gain reduction
    /// moves to the new curve with the attack and release), make-up glides, and switching in
    /// or out cross-fades over [`SWITCH_SECS`].
    pub fn set_params(&mut self, params: CompressorParams) {
        let coef = |ms: f64| (-1.0 / (ms.max(0.01) * 1e-3 * self.sample_rate_hz)).exp();
        self.attack = coef(params.attack_ms);
        self.release = coef(params.release_ms);
        self.makeup.set(db_to_amp(params.makeup_db));
        self.wet.set(if params.enabled { 1.0 } else { 0.0 });
        self.params = params;
    }

    /// The settings in force.
    #[must_use]
    pub fn params(&self) -> &CompressorParams {
        &self.params
    }

    /// Gain reduction now, dB (positive), as far as the compressor is switched in.
    #[must_use]
    pub fn gain_reduction_db(&self) -> f64 {
        self.gr_db * self.wet.value()
    }

    /// One stereo sample (linked detection on the louder channel).
    #[inline]
    pub fn tick(&mut self, l: f64, r: f64) -> (f64, f64) {
        let wet = self.wet.next_value();
        let makeup = self.makeup.next_value();
        // The detector runs while switched out too, so that switching in finds it settled.
        let level = amp_to_db(l.abs().max(r.abs()));
        let over = level - self.params.threshold_dbfs;
        let knee = 6.0;
        let slope = 1.0 - 1.0 / self.params.ratio.max(1.0);
        let target = if over <= -knee / 2.0 {
            0.0
        } else if over >= knee / 2.0 {
            over * slope
        } else {
            slope * (over + knee / 2.0).powi(2) / (2.0 * knee)
        };
        let coef = if target > self.gr_db { self.attack } else { self.release };
        self.gr_db = target + coef * (self.gr_db - target);
        if wet == 0.0 {
            return (l, r);
        }
        let g = (1.0 - wet) + wet * db_to_amp(-self.gr_db) * makeup;
        (l * g, r * g)
    }
}

/// Settings of the mastering limiter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimiterParams {
    /// On or bypassed.
    pub enabled: bool,
    /// Gain into the limiter in dB: how hard the master is pushed (the "makeup").
    pub input_gain_db: f64,
    /// The highest true peak let out, dBTP.
    pub ceiling_dbtp: f64,
    /// How far ahead the limiter looks, ms.
    pub lookahead_ms: f64,
    /// How fast the gain recovers, ms.
    pub release_ms: f64,
}

impl Default for LimiterParams {
    fn default() -> Self {
        Self { enabled: false, input_gain_db: 0.0, ceiling_dbtp: -1.0, lookahead_ms: 5.0, release_ms: 80.0 }
    }
}

/// Margin the limiter keeps below its ceiling so that the gain's own modulation cannot push
/// an inter-sample peak over it, dB.
pub const LIMITER_SAFETY_DB: f64 = 0.05;

/// A sliding-window minimum (monotonic deque in a fixed ring): O(1) per sample, no
/// allocation after construction.
#[derive(Clone, Debug)]
struct SlidingMin {
    window: usize,
    /// (sample index, value), values increasing from front to back.
    ring: Vec<(u64, f64)>,
    head: usize,
    len: usize,
    index: u64,
}

impl SlidingMin {
    fn new(window: usize) -> Self {
        Self { window, ring: vec![(0, 0.0); window + 1], head: 0, len: 0, index: 0 }
    }

    fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    fn push(&mut self, v: f64) -> f64 {
        let cap = self.ring.len();
        // Drop larger values from the back: they can never be the minimum again.
        while self.len > 0 {
            let back = (self.head + self.len - 1) % cap;
            if self.ring[back].1 >= v {
                self.len -= 1;
            } else {
                break;
            }
        }
        self.ring[(self.head + self.len) % cap] = (self.index, v);
        self.len += 1;
        // Drop what left the window from the front.
        while self.ring[self.head].0 + self.window as u64 <= self.index {
            self.head = (self.head + 1) % cap;
            self.len -= 1;
        }
        self.index += 1;
        self.ring[self.head].1
    }
}

/// A stereo-linked lookahead limiter that watches true peaks (4x oversampled, the meter's own
/// interpolator) and guarantees that the gain in force at a peak keeps it under the ceiling:
/// the required gain is min-filtered over the lookahead and then averaged over it, so it is
/// already down when the peak arrives, and it recovers with the release time.
#[derive(Clone, Debug)]
pub struct Limiter {
    params: LimiterParams,
    input_gain: SmoothedGain,
    /// Switched in (1) or out (0), cross-faded.
    wet: SmoothedGain,
    ceiling: f64,
    release: f64,
    detectors: [TruePeakMeter; 2],
    envelope: [Vec<f64>; 2],
    /// Delay line of the stereo input: lookahead + the detector's latency.
    delay: Vec<(f64, f64)>,
    delay_pos: usize,
    minimum: SlidingMin,
    /// The min-filtered gains of the window, for the box average.
    minima: Vec<f64>,
    min_pos: usize,
    min_sum: f64,
    gain: f64,
    since_resum: usize,
}

fn lookahead_samples(params: &LimiterParams, sample_rate_hz: f64) -> usize {
    ((params.lookahead_ms.max(0.1) * 1e-3) * sample_rate_hz).round().max(1.0) as usize
}

impl Limiter {
    /// The delay through a limiter with `params` at `sample_rate_hz`, in samples (what
    /// [`Self::latency`] of one built with them says).
    #[must_use]
    pub fn latency_of(params: &LimiterParams, sample_rate_hz: f64) -> usize {
        lookahead_samples(params, sample_rate_hz) + LATENCY
    }

    /// A limiter with `params` at `sample_rate_hz`.
    #[must_use]
    pub fn new(params: LimiterParams, sample_rate_hz: f64) -> Self {
        let lookahead = lookahead_samples(&params, sample_rate_hz);
        let window = lookahead + 1;
        Self {
            params,
            input_gain: SmoothedGain::new(db_to_amp(params.input_gain_db), sample_rate_hz),
            wet: SmoothedGain::switch(params.enabled, sample_rate_hz),
            ceiling: db_to_amp(params.ceiling_dbtp - LIMITER_SAFETY_DB),
            release: (-1.0 / (params.release_ms.max(1.0) * 1e-3 * sample_rate_hz)).exp(),
            detectors: [TruePeakMeter::new(), TruePeakMeter::new()],
            envelope: [vec![0.0; CHUNK], vec![0.0; CHUNK]],
            delay: vec![(0.0, 0.0); lookahead + LATENCY + 1],
            delay_pos: 0,
            minimum: SlidingMin::new(window),
            minima: vec![1.0; window],
            min_pos: 0,
            min_sum: window as f64,
            gain: 1.0,
            since_resum: 0,
        }
    }

    /// The settings.
    #[must_use]
    pub fn params(&self) -> &LimiterParams {
        &self.params
    }

    /// Delay through the limiter, in samples (the same when bypassed, so switching it does
    /// not jump in time).
    #[must_use]
    pub fn latency(&self) -> usize {
        self.delay.len() - 1
    }

    /// Current gain reduction in dB (positive).
    #[must_use]
    pub fn gain_reduction_db(&self) -> f64 {
        let wet = self.wet.value();
        -amp_to_db((1.0 - wet) + wet * self.gain)
    }

    /// Changes the input gain (it glides in).
    pub fn set_input_gain_db(&mut self, db: f64) {
        self.params.input_gain_db = db;
        self.input_gain.set(db_to_amp(db));
    }

    /// Switches the limiting on or off (the delay stays, so nothing jumps in time).
    pub fn set_enabled(&mut self, enabled: bool) {
        self.params.enabled = enabled;
        self.wet.set(if enabled { 1.0 } else { 0.0 });
    }

    /// Processes a stereo block in place.
    pub fn process(&mut self, left: &mut [f64], right: &mut [f64]) {
        let mut start = 0;
        while start < left.len() {
            let end = (start + CHUNK).min(left.len());
            self.process_chunk(&mut left[start..end], &mut right[start..end]);
            start = end;
        }
    }

    fn process_chunk(&mut self, left: &mut [f64], right: &mut [f64]) {
        let n = left.len();
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let g = self.input_gain.next_value();
            *l *= g;
            *r *= g;
        }
        // Switched out and faded, the limiter is a delay; otherwise the detector runs (while
        // switching too, so that switching in finds it settled).
        let bypassed = !self.params.enabled && self.wet.value() == 0.0;
        if bypassed && self.gain != 1.0 {
            // Start afresh when switched in again.
            self.gain = 1.0;
            self.minimum.clear();
            self.minima.fill(1.0);
            self.min_sum = self.minima.len() as f64;
        }
        if !bypassed {
            for (det, (ch, env)) in
                self.detectors.iter_mut().zip([&*left, &*right].into_iter().zip(self.envelope.iter_mut()))
            {
                det.process_envelope(ch, &mut env[..n]);
            }
        }
        let len = self.delay.len();
        let w = self.minima.len();
        for i in 0..n {
            self.delay[self.delay_pos] = (left[i], right[i]);
            self.delay_pos = (self.delay_pos + 1) % len;
            let (dl, dr) = self.delay[self.delay_pos];
            if bypassed {
                left[i] = dl;
                right[i] = dr;
                continue;
            }
            let peak = self.envelope[0][i].max(self.envelope[1][i]);
            let req = if peak > self.ceiling { self.ceiling / peak } else { 1.0 };
            let window_min = self.minimum.push(req);
            self.min_sum += window_min - self.minima[self.min_pos];
            self.minima[self.min_pos] = window_min;
            self.min_pos = (self.min_pos + 1) % w;
            self.since_resum += 1;
            if self.since_resum >= 4096 {
                self.min_sum = self.minima.iter().sum();
                self.since_resum = 0;
            }
            let attack = (self.min_sum / w as f64).min(1.0);
            // Down at once (the average already ramps), up with the release.
            self.gain = if attack < self.gain { attack } else { attack + self.release * (self.gain - attack) };
            let wet = self.wet.next_value();
            let g = (1.0 - wet) + wet * self.gain;
            left[i] = dl * g;
            right[i] = dr * g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    fn third_harmonic_db(level_dbfs: f64) -> f64 {
        let fs = 48_000.0;
        let a = db_to_amp(level_dbfs);
        let mut s = Saturator::new(fs);
        let n = 48_000;
        let y: Vec<f64> = (0..n).map(|i| s.tick(a * (TAU * 1000.0 * i as f64 / fs).sin())).collect();
        let corr = |h: f64| {
            let (mut c, mut d) = (0.0, 0.0);
            for (i, v) in y.iter().enumerate().skip(4800) {
                let ph = TAU * h * 1000.0 * i as f64 / fs;
                c += v * ph.sin();
                d += v * ph.cos();
            }
            (c * c + d * d).sqrt()
        };
        20.0 * (corr(3.0) / corr(1.0)).log10()
    }

    #[test]
    fn saturator_is_clean_at_minus_18_and_driven_at_zero() {
        let at_18 = third_harmonic_db(-18.0);
        let at_6 = third_harmonic_db(-6.0);
        let at_0 = third_harmonic_db(0.0);
        assert!(at_18 < -55.0, "-18 dBFS: H3 {at_18:.1} dB");
        assert!(at_6 > -45.0 && at_6 < -30.0, "-6 dBFS: H3 {at_6:.1} dB");
        assert!(at_0 > -30.0, "0 dBFS: H3 {at_0:.1} dB");
    }

    #[test]
    fn limiter_holds_true_peaks_under_the_ceiling() {
        let fs = 48_000.0;
        let params =
            LimiterParams { enabled: true, input_gain_db: 12.0, ceiling_dbtp: -1.0, ..LimiterParams::default() };
        let mut lim = Limiter::new(params, fs);
        let mut left: Vec<f64> = (0..96_000)
            .map(|i| {
                let t = i as f64 / fs;
                0.7 * (TAU * 11_000.0 * t + 0.3).sin() * (1.0 + (TAU * 3.0 * t).sin()) / 2.0
                    + 0.3 * (TAU * 90.0 * t).sin()
            })
            .collect();
        let mut right: Vec<f64> = left.iter().map(|x| -x).collect();
        for (l, r) in left.chunks_mut(100).zip(right.chunks_mut(100)) {
            lim.process(l, r);
        }
        let out = left;
        let mut meter = TruePeakMeter::new();
        meter.process(&out);
        assert!(meter.peak_dbtp() <= -1.0, "true peak {:.3} dBTP", meter.peak_dbtp());
        assert!(meter.peak_dbtp() > -2.0, "the limiter should not over-limit");
    }

    #[test]
    fn pan_law_is_constant_power() {
        for p in [-1.0, -0.3, 0.0, 0.5, 1.0] {
            let (l, r) = pan_gains(p);
            assert!((l * l + r * r - 1.0).abs() < 1e-12);
        }
        let (l, _) = pan_gains(0.0);
        assert!((amp_to_db(l) + 3.01).abs() < 0.01);
    }
}
