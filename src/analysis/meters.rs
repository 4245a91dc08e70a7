//! The meters of one stage of the chain, streaming and allocation-free after construction:
//! sample peak with hold and clip count, true peak, RMS (whole and 300 ms), VU (300 ms
//! ballistics), loudness (momentary, short-term, integrated, LRA), DC offset, and the figures
//! derived from them (crest factor, PLR, headroom).

use serde::Serialize;

use crate::analysis::loudness::LoudnessMeter;
use crate::analysis::true_peak::TruePeakMeter;
use crate::units::{SQRT_2, amp_to_db, db_to_amp, power_to_db};

/// How long the peak hold holds before it falls, in seconds.
pub const PEAK_HOLD_SECS: f64 = 2.0;
/// How fast the held peak falls after that, in dB per second.
pub const PEAK_FALL_DB_PER_SEC: f64 = 20.0;
/// Window of the short RMS, in seconds.
pub const RMS_WINDOW_SECS: f64 = 0.3;
/// The VU meter's time to 99 % of a step (IEC 60268-17).
pub const VU_RISE_SECS: f64 = 0.3;
/// The EBU R68 alignment: 0 VU reads a sine peaking at -18 dBFS.
pub const DEFAULT_VU_REFERENCE_DBFS: f64 = -18.0;

/// Which meters a stage carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeterSet {
    /// Peak, hold, clips, RMS, VU, DC: enough for a tap inside a channel strip.
    Basic,
    /// Everything, with true peak and loudness: for a stage's output.
    Full,
}

/// How a stage counts clipped samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClipRule {
    /// Samples strictly beyond full scale (|x| > 1): overs of a float stage, which clip the
    /// moment they are converted to fixed point.
    Overs,
    /// Counted by the stage's quantizer and reported with [`StageMeter::add_clips`].
    Reported,
}

/// Everything a stage's meters read, for the UI, the lessons and the JSON output.
/// Levels that are not measurable (digital silence) are `-inf` (`null` in JSON).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct StageReadout {
    /// Highest |sample| since the last reset, in dBFS.
    pub sample_peak_dbfs: f64,
    /// The peak-hold value (falls after [`PEAK_HOLD_SECS`]), in dBFS.
    pub peak_hold_dbfs: f64,
    /// Highest |sample| of the last block, in dBFS (the moving bar of a peak meter).
    pub block_peak_dbfs: f64,
    /// True peak since the last reset, in dBTP (full meters only).
    pub true_peak_dbtp: Option<f64>,
    /// RMS since the last reset, in dBFS (plain RMS: a full-scale sine reads -3.01).
    pub rms_dbfs: f64,
    /// RMS of the last 300 ms, in dBFS.
    pub rms_300ms_dbfs: f64,
    /// VU reading in VU (dB relative to the reference level), loudest channel.
    pub vu: f64,
    /// Highest VU reading since the last reset.
    pub vu_max: f64,
    /// Average level since the last reset as a sine-calibrated meter reads it: the RMS plus
    /// 3.01 dB (AES17), so a sine reads its peak level. The "-18 dBFS" of plugin levels.
    pub average_dbfs: f64,
    /// The VU reference: 0 VU reads a sine peaking at this level (dBFS).
    pub vu_reference_dbfs: f64,
    /// Momentary loudness (400 ms), LUFS.
    pub lufs_momentary: Option<f64>,
    /// Highest momentary loudness, LUFS.
    pub lufs_momentary_max: Option<f64>,
    /// Short-term loudness (3 s), LUFS.
    pub lufs_short_term: Option<f64>,
    /// Highest short-term loudness, LUFS.
    pub lufs_short_term_max: Option<f64>,
    /// Integrated (gated) loudness, LUFS.
    pub lufs_integrated: Option<f64>,
    /// Loudness range, LU.
    pub loudness_range_lu: Option<f64>,
    /// Sample peak over RMS, dB.
    pub crest_factor_db: f64,
    /// Peak-to-loudness ratio: true peak minus integrated loudness, dB.
    pub plr_db: Option<f64>,
    /// 0 dBFS minus the sample peak, dB.
    pub headroom_db: f64,
    /// 0 dBTP minus the true peak, dB.
    pub true_peak_headroom_db: Option<f64>,
    /// The ceiling minus the true peak (or the sample peak without true peak), dB.
    pub headroom_to_ceiling_db: f64,
    /// The ceiling used for that, dBTP.
    pub ceiling_dbtp: f64,
    /// Clipped samples since the last reset.
    pub clipped_samples: u64,
    /// RMS of the stage with every source silent (its own noise), dBFS, when measured.
    pub noise_floor_dbfs: Option<f64>,
    /// Mean value.
    pub dc_offset: f64,
}

#[derive(Clone, Debug)]
struct Channel {
    /// Sums of squares of the last [`RMS_WINDOW_SECS`] worth of 1 ms sub-blocks.
    ring: Vec<f64>,
    ring_pos: usize,
    ring_sum: f64,
    sub_fill: usize,
    sub_sum2: f64,
    sub_abs: f64,
    vu1: f64,
    vu2: f64,
}

/// The meters of one stage (1 to 8 channels).
#[derive(Clone, Debug)]
pub struct StageMeter {
    set: MeterSet,
    clip_rule: ClipRule,
    sample_rate_hz: f64,
    channels: Vec<Channel>,
    true_peak: Vec<TruePeakMeter>,
    loudness: Option<LoudnessMeter>,
    /// Samples in one 1 ms sub-block (the resolution of the short RMS and the VU).
    sub_len: usize,
    /// The VU smoothers' coefficient per sub-block.
    vu_coef: f64,
    vu_max: f64,
    vu_reference_dbfs: f64,
    ceiling_dbtp: f64,
    peak: f64,
    block_peak: f64,
    hold: f64,
    hold_left: f64,
    fall_per_sample: f64,
    sum2: f64,
    sum: f64,
    count: u64,
    clips: u64,
    noise_floor_dbfs: Option<f64>,
}

impl StageMeter {
    /// Meters for `channels` channels at `sample_rate_hz`.
    #[must_use]
    pub fn new(channels: usize, sample_rate_hz: f64, set: MeterSet, clip_rule: ClipRule) -> Self {
        let sub_len = (sample_rate_hz / 1000.0).round().max(1.0) as usize;
        let window = (RMS_WINDOW_SECS * sample_rate_hz / sub_len as f64).round().max(1.0) as usize;
        // Two identical one-pole smoothers (critically damped) reach 99 % of a step after
        // 6.64 time constants; they run once per 1 ms sub-block on its mean |x|.
        let tau = VU_RISE_SECS / 6.638;
        let channels = channels.clamp(1, 8);
        Self {
            set,
            clip_rule,
            sample_rate_hz,
            channels: (0..channels)
                .map(|_| Channel {
                    ring: vec![0.0; window],
                    ring_pos: 0,
                    ring_sum: 0.0,
                    sub_fill: 0,
                    sub_sum2: 0.0,
                    sub_abs: 0.0,
                    vu1: 0.0,
                    vu2: 0.0,
                })
                .collect(),
            true_peak: if set == MeterSet::Full {
                (0..channels).map(|_| TruePeakMeter::new()).collect()
            } else {
                Vec::new()
            },
            loudness: (set == MeterSet::Full).then(|| LoudnessMeter::new(channels, sample_rate_hz)),
            sub_len,
            vu_coef: 1.0 - (-(sub_len as f64) / (tau * sample_rate_hz)).exp(),
            vu_max: 0.0,
            vu_reference_dbfs: DEFAULT_VU_REFERENCE_DBFS,
            ceiling_dbtp: 0.0,
            peak: 0.0,
            block_peak: 0.0,
            hold: 0.0,
            hold_left: 0.0,
            fall_per_sample: db_to_amp(-PEAK_FALL_DB_PER_SEC / sample_rate_hz),
            sum2: 0.0,
            sum: 0.0,
            count: 0,
            clips: 0,
            noise_floor_dbfs: None,
        }
    }

    /// Sets the VU reference (0 VU = a sine peaking at this many dBFS; -18 or -20).
    pub fn set_vu_reference(&mut self, dbfs: f64) {
        self.vu_reference_dbfs = dbfs;
    }

    /// Sets the ceiling that "headroom to ceiling" refers to.
    pub fn set_ceiling(&mut self, dbtp: f64) {
        self.ceiling_dbtp = dbtp;
    }

    /// Records the stage's noise floor measured elsewhere (a run with silent sources).
    pub fn set_noise_floor(&mut self, dbfs: Option<f64>) {
        self.noise_floor_dbfs = dbfs;
    }

    /// Adds clipped samples counted by the stage's quantizer.
    pub fn add_clips(&mut self, n: u64) {
        self.clips += n;
    }

    /// Forgets the measurements (peaks, clips, loudness history); keeps the settings.
    pub fn reset(&mut self) {
        self.peak = 0.0;
        self.block_peak = 0.0;
        self.hold = 0.0;
        self.hold_left = 0.0;
        self.sum2 = 0.0;
        self.sum = 0.0;
        self.count = 0;
        self.clips = 0;
        self.vu_max = 0.0;
        for tp in &mut self.true_peak {
            tp.reset_peak();
        }
        if let Some(l) = &mut self.loudness {
            l.reset();
        }
    }

    /// Clears only the clip count (the "reset" of a latching clip light).
    pub fn reset_clips(&mut self) {
        self.clips = 0;
    }

    /// Feeds a block of planar channels (all the same length).
    pub fn process(&mut self, block: &[&[f64]]) {
        let n = block.first().map_or(0, |c| c.len());
        if n == 0 {
            return;
        }
        let mut block_peak = 0.0f64;
        let count_overs = self.clip_rule == ClipRule::Overs;
        for (ch, samples) in self.channels.iter_mut().zip(block) {
            let mut rest: &[f64] = samples;
            while !rest.is_empty() {
                // Up to the end of the current 1 ms sub-block: plain loops that vectorise.
                let take = (self.sub_len - ch.sub_fill).min(rest.len());
                let (run, tail) = rest.split_at(take);
                rest = tail;
                let (mut peak, mut sum, mut sum2, mut abs, mut overs) = (0.0f64, 0.0, 0.0, 0.0, 0u64);
                for &x in run {
                    let a = x.abs();
                    peak = peak.max(a);
                    sum += x;
                    sum2 += x * x;
                    abs += a;
                    overs += u64::from(a > 1.0);
                }
                block_peak = block_peak.max(peak);
                if count_overs {
                    self.clips += overs;
                }
                self.sum += sum;
                self.sum2 += sum2;
                ch.sub_sum2 += sum2;
                ch.sub_abs += abs;
                ch.sub_fill += take;
                if ch.sub_fill == self.sub_len {
                    let window = ch.ring.len();
                    ch.ring_sum += ch.sub_sum2 - ch.ring[ch.ring_pos];
                    ch.ring[ch.ring_pos] = ch.sub_sum2;
                    ch.ring_pos += 1;
                    if ch.ring_pos == window {
                        ch.ring_pos = 0;
                        // Re-add exactly once per window so rounding cannot accumulate.
                        ch.ring_sum = ch.ring.iter().sum();
                    }
                    let mean_abs = ch.sub_abs / self.sub_len as f64;
                    ch.vu1 += self.vu_coef * (mean_abs - ch.vu1);
                    ch.vu2 += self.vu_coef * (ch.vu1 - ch.vu2);
                    ch.sub_fill = 0;
                    ch.sub_sum2 = 0.0;
                    ch.sub_abs = 0.0;
                }
            }
        }
        self.count += n as u64;
        self.block_peak = block_peak;
        let vu_now = self.channels.iter().map(|c| c.vu2).fold(0.0, f64::max);
        self.vu_max = self.vu_max.max(vu_now);
        self.peak = self.peak.max(block_peak);
        // Peak hold: jump up at once, hold, then fall.
        if block_peak >= self.hold {
            self.hold = block_peak;
            self.hold_left = PEAK_HOLD_SECS;
        } else {
            let dt = n as f64 / self.sample_rate_hz;
            let falling = (dt - self.hold_left).max(0.0);
            self.hold_left = (self.hold_left - dt).max(0.0);
            if falling > 0.0 {
                let fall = self.fall_per_sample.powf(falling * self.sample_rate_hz);
                self.hold = (self.hold * fall).max(block_peak);
            }
        }
        for (tp, samples) in self.true_peak.iter_mut().zip(block) {
            tp.process(samples);
        }
        if let Some(l) = &mut self.loudness {
            l.process(block);
        }
    }

    /// The current readout.
    #[must_use]
    pub fn readout(&self) -> StageReadout {
        let nch = self.channels.len() as f64;
        let mean_square = if self.count > 0 { self.sum2 / (self.count as f64 * nch) } else { 0.0 };
        let rms_dbfs = power_to_db(mean_square).max(f64::NEG_INFINITY);
        let short_ms = self
            .channels
            .iter()
            .map(|c| c.ring_sum.max(0.0) / (c.ring.len() * self.sub_len) as f64)
            .fold(0.0, f64::max);
        // A sine's mean |x| is 2A/pi; its RMS is A/sqrt 2: calibrate so the VU reads RMS.
        let vu_avg = self.channels.iter().map(|c| c.vu2).fold(0.0, f64::max) * std::f64::consts::PI / (2.0 * SQRT_2);
        let vu_ref_rms = db_to_amp(self.vu_reference_dbfs) / SQRT_2;
        let sample_peak_dbfs = level_db(self.peak);
        let true_peak = (self.set == MeterSet::Full)
            .then(|| self.true_peak.iter().map(TruePeakMeter::peak).fold(self.peak, f64::max))
            .map(level_db);
        let loud = self.loudness.as_ref();
        let integrated = loud.map(LoudnessMeter::integrated);
        let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
        StageReadout {
            sample_peak_dbfs,
            peak_hold_dbfs: level_db(self.hold),
            block_peak_dbfs: level_db(self.block_peak),
            true_peak_dbtp: true_peak,
            rms_dbfs: if mean_square > 0.0 { rms_dbfs } else { f64::NEG_INFINITY },
            rms_300ms_dbfs: if short_ms > 0.0 { power_to_db(short_ms) } else { f64::NEG_INFINITY },
            vu: if vu_avg > 0.0 { amp_to_db(vu_avg / vu_ref_rms) } else { f64::NEG_INFINITY },
            vu_max: if self.vu_max > 0.0 {
                amp_to_db(self.vu_max * std::f64::consts::PI / (2.0 * SQRT_2) / vu_ref_rms)
            } else {
                f64::NEG_INFINITY
            },
            average_dbfs: if mean_square > 0.0 { rms_dbfs + crate::units::power_to_db(2.0) } else { f64::NEG_INFINITY },
            vu_reference_dbfs: self.vu_reference_dbfs,
            lufs_momentary: loud.and_then(|l| finite(l.momentary())),
            lufs_momentary_max: loud.and_then(|l| finite(l.momentary_max())),
            lufs_short_term: loud.and_then(|l| finite(l.short_term())),
            lufs_short_term_max: loud.and_then(|l| finite(l.short_term_max())),
            lufs_integrated: integrated.and_then(finite),
            loudness_range_lu: loud.map(LoudnessMeter::loudness_range),
            crest_factor_db: if mean_square > 0.0 { sample_peak_dbfs - rms_dbfs } else { 0.0 },
            plr_db: match (true_peak, integrated.and_then(finite)) {
                (Some(tp), Some(i)) if tp.is_finite() => Some(tp - i),
                _ => None,
            },
            headroom_db: -sample_peak_dbfs,
            true_peak_headroom_db: true_peak.map(|t| -t),
            headroom_to_ceiling_db: self.ceiling_dbtp - true_peak.unwrap_or(sample_peak_dbfs),
            ceiling_dbtp: self.ceiling_dbtp,
            clipped_samples: self.clips,
            noise_floor_dbfs: self.noise_floor_dbfs,
            dc_offset: if self.count > 0 { self.sum / (self.count as f64 * nch) } else { 0.0 },
        }
    }
}

/// dB of a linear level, -inf for silence.
fn level_db(x: f64) -> f64 {
    if x > 0.0 { amp_to_db(x) } else { f64::NEG_INFINITY }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    fn sine(level_dbfs: f64, secs: f64) -> Vec<f64> {
        let a = db_to_amp(level_dbfs);
        (0..(48_000.0 * secs) as usize).map(|n| a * (TAU * 1000.0 * n as f64 / 48_000.0).sin()).collect()
    }

    #[test]
    fn a_sine_at_the_reference_reads_zero_vu() {
        let x = sine(-18.0, 2.0);
        let mut m = StageMeter::new(1, 48_000.0, MeterSet::Basic, ClipRule::Overs);
        m.process(&[&x]);
        let r = m.readout();
        assert!(r.vu.abs() < 0.1, "vu {}", r.vu);
        assert!((r.rms_300ms_dbfs + 21.01).abs() < 0.05);
        m.set_vu_reference(-20.0);
        assert!((m.readout().vu - 2.0).abs() < 0.1);
    }

    #[test]
    fn vu_takes_300_ms_to_reach_99_percent() {
        let mut x = vec![0.0; 4800];
        x.extend(sine(-18.0, 0.3));
        let mut m = StageMeter::new(1, 48_000.0, MeterSet::Basic, ClipRule::Overs);
        m.process(&[&x]);
        let vu = m.readout().vu;
        // 99 % of the final value is -0.09 dB; the average of a rectified sine ripples a little.
        assert!((-0.3..0.1).contains(&vu), "vu after 300 ms: {vu}");
    }

    #[test]
    fn overs_are_counted_and_peak_hold_falls() {
        let mut m = StageMeter::new(1, 48_000.0, MeterSet::Full, ClipRule::Overs);
        m.process(&[&[0.5, 1.2, -1.5, 0.1]]);
        assert_eq!(m.readout().clipped_samples, 2);
        let quiet = vec![0.01; 48_000 * 3];
        m.process(&[&quiet]);
        let r = m.readout();
        assert!(r.peak_hold_dbfs < r.sample_peak_dbfs - 10.0, "{r:?}");
        assert!((r.sample_peak_dbfs - 3.52).abs() < 0.01);
    }
}
