//! The measurements of a whole programme (a file, an album side, a three-hour concert): sample
//! peak, true peak, RMS, DC offset, clipped samples and loudness per ITU-R BS.1770 / EBU R128,
//! streamed block by block in constant memory.
//!
//! [`ProgrammeMeter::process`] is the single-threaded path. The work also splits in two parts
//! that can run on separate threads and join exactly: the loudness and the level sums of every
//! channel (one pass, the channels side by side in SIMD lanes), and the true peak of a range
//! of channels ([`PeakPart`]). Every figure is the same, bit for bit, whatever the block size
//! and however the work was split: each channel's sums run in time order, the loudness meter
//! sees the frames in order, and peaks are maxima.

use crate::analysis::levels::ChannelSums;
use crate::analysis::loudness::LoudnessMeter;
use crate::analysis::true_peak::TruePeakMeter;
use crate::units::{amp_to_db, power_to_db};

/// Relative cost of the true peak of one channel against the loudness pass of all channels
/// (measured on x86-64: 4x oversampling with 24 taps per phase against two biquads whose
/// feedback sets the pace), used to share the work between threads.
const TRUE_PEAK_COST: f64 = 0.8;

/// The true-peak meters of the channels `first..first + meters.len()`.
#[derive(Clone, Debug)]
pub struct PeakPart {
    first: usize,
    meters: Vec<TruePeakMeter>,
}

impl PeakPart {
    /// Feeds a block of planar channels (all the programme's channels; this part takes its
    /// own).
    pub fn process(&mut self, block: &[&[f64]]) {
        for (meter, samples) in self.meters.iter_mut().zip(block.iter().skip(self.first)) {
            meter.process(samples);
        }
    }

    /// The channels this part measures.
    #[must_use]
    pub fn channels(&self) -> std::ops::Range<usize> {
        self.first..self.first + self.meters.len()
    }
}

/// What a programme measures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProgrammeReport {
    /// Number of channels.
    pub channels: usize,
    /// Frames (samples per channel).
    pub frames: u64,
    /// Largest |sample| of any channel (linear).
    pub sample_peak: f64,
    /// Largest |value| of any channel oversampled 4x (linear), at least the sample peak.
    pub true_peak: f64,
    /// Mean square over every sample of every channel.
    pub mean_square: f64,
    /// Mean of every sample of every channel.
    pub mean: f64,
    /// Samples at the format's full-scale code (or beyond it, for float).
    pub clipped: u64,
    /// Integrated loudness, LUFS (`-inf` when nothing passes the gates).
    pub integrated_lufs: f64,
    /// Highest momentary loudness, LUFS.
    pub momentary_max_lufs: f64,
    /// Highest short-term loudness, LUFS.
    pub short_term_max_lufs: f64,
    /// Loudness range, LU.
    pub loudness_range_lu: f64,
}

impl ProgrammeReport {
    /// Sample peak in dBFS.
    #[must_use]
    pub fn sample_peak_dbfs(&self) -> f64 {
        amp_to_db(self.sample_peak)
    }

    /// True peak in dBTP.
    #[must_use]
    pub fn true_peak_dbtp(&self) -> f64 {
        amp_to_db(self.true_peak)
    }

    /// Plain RMS in dBFS (a full-scale sine reads -3.01).
    #[must_use]
    pub fn rms_dbfs(&self) -> f64 {
        power_to_db(self.mean_square)
    }
}

/// Sums of each channel and running totals, combined in a fixed order into the report.
#[derive(Clone, Debug)]
pub struct ProgrammeMeter {
    loudness: LoudnessMeter,
    sums: Vec<ChannelSums>,
    frames: u64,
    clipped: u64,
    /// The true peak of the channels not handed to another part.
    peaks: PeakPart,
}

impl ProgrammeMeter {
    /// A meter for `channels` channels (1 to 8) at `sample_rate_hz`.
    #[must_use]
    pub fn new(channels: usize, sample_rate_hz: f64) -> Self {
        let channels = channels.clamp(1, 8);
        Self {
            loudness: LoudnessMeter::new(channels, sample_rate_hz),
            sums: vec![ChannelSums::default(); channels],
            frames: 0,
            clipped: 0,
            peaks: PeakPart { first: 0, meters: (0..channels).map(|_| TruePeakMeter::new()).collect() },
        }
    }

    /// Number of channels.
    #[must_use]
    pub fn channels(&self) -> usize {
        self.sums.len()
    }

    /// Feeds a block of planar channels (all the same length) and the number of clipped
    /// samples the decoder counted in it.
    pub fn process(&mut self, block: &[&[f64]], clipped: u64) {
        let frames = block.first().map_or(0, |c| c.len());
        self.loudness.process_with_sums(block, &mut self.sums);
        self.peaks.process(block);
        self.frames += frames as u64;
        self.clipped += clipped;
    }

    /// Hands the true peak of the last channels to another part, to run elsewhere; this
    /// meter keeps the loudness, the sums and the true peak of the first `keep` channels.
    /// Join it back with [`Self::join`] before [`Self::report`].
    pub fn split_off(&mut self, keep: usize) -> PeakPart {
        let keep = keep.min(self.peaks.meters.len());
        PeakPart { first: self.peaks.first + keep, meters: self.peaks.meters.split_off(keep) }
    }

    /// Takes back a part made by [`Self::split_off`].
    pub fn join(&mut self, part: PeakPart) {
        if part.first == self.peaks.channels().end {
            self.peaks.meters.extend(part.meters);
        }
    }

    /// How many channels' true peak this meter should keep when the work is shared with
    /// `others` more threads (each running one [`PeakPart`]), so that the threads finish
    /// together; the others share the rest as evenly as they can.
    #[must_use]
    pub fn balanced_split(channels: usize, others: usize) -> Vec<usize> {
        let others = others.min(channels);
        if others == 0 {
            return vec![channels];
        }
        // This thread carries the loudness (cost 1) plus k channels; the others share
        // channels - k. Take the k that makes the slowest thread fastest.
        let cost = |k: usize| {
            let mine = 1.0 + TRUE_PEAK_COST * k as f64;
            let rest = (channels - k).div_ceil(others) as f64 * TRUE_PEAK_COST;
            mine.max(rest)
        };
        let keep = (0..channels).min_by(|&a, &b| cost(a).total_cmp(&cost(b))).unwrap_or(0);
        let rest = channels - keep;
        let mut counts = vec![keep];
        for t in 0..others {
            counts.push(rest / others + usize::from(t < rest % others));
        }
        counts
    }

    /// The measurements so far (the true peak of the last samples included: the meters are
    /// flushed on a copy).
    #[must_use]
    pub fn report(&self) -> ProgrammeReport {
        let mut true_peak = 0.0f64;
        for meter in &self.peaks.meters {
            let mut m = meter.clone();
            m.flush();
            true_peak = true_peak.max(m.peak());
        }
        let sample_peak = self.sums.iter().fold(0.0f64, |m, s| m.max(s.peak));
        let total = self.frames as f64 * self.sums.len() as f64;
        let (sum, sum2) = self.sums.iter().fold((0.0, 0.0), |(a, b), s| (a + s.sum, b + s.sum2));
        let per_sample = |x: f64| if total > 0.0 { x / total } else { 0.0 };
        ProgrammeReport {
            channels: self.sums.len(),
            frames: self.frames,
            sample_peak,
            true_peak: true_peak.max(sample_peak),
            mean_square: per_sample(sum2),
            mean: per_sample(sum),
            clipped: self.clipped,
            integrated_lufs: self.loudness.integrated(),
            momentary_max_lufs: self.loudness.momentary_max(),
            short_term_max_lufs: self.loudness.short_term_max(),
            loudness_range_lu: self.loudness.loudness_range(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::noise::Random;

    fn signal(channels: usize, frames: usize) -> Vec<Vec<f64>> {
        let mut r = Random::new(5);
        (0..channels)
            .map(|c| {
                (0..frames).map(|i| 0.3 * r.gaussian() * (1.0 + (i as f64 * 1e-4 * (c + 1) as f64).sin())).collect()
            })
            .collect()
    }

    fn whole(x: &[Vec<f64>]) -> ProgrammeReport {
        let mut m = ProgrammeMeter::new(x.len(), 48_000.0);
        let planar: Vec<&[f64]> = x.iter().map(Vec::as_slice).collect();
        m.process(&planar, 0);
        m.report()
    }

    #[test]
    fn any_block_size_gives_the_same_figures() {
        let x = signal(3, 5 * 48_000 + 17);
        let want = whole(&x);
        assert!(want.integrated_lufs.is_finite() && want.loudness_range_lu > 0.0);
        for size in [1, 7, 4_799, 4_800, 16_385] {
            let mut m = ProgrammeMeter::new(3, 48_000.0);
            let mut start = 0;
            while start < x[0].len() {
                let end = (start + size).min(x[0].len());
                let planar: Vec<&[f64]> = x.iter().map(|c| &c[start..end]).collect();
                m.process(&planar, 0);
                start = end;
            }
            assert_eq!(m.report(), want, "blocks of {size}");
        }
    }

    #[test]
    fn split_parts_join_to_the_same_figures() {
        let x = signal(6, 3 * 48_000 + 5);
        let want = whole(&x);
        let planar: Vec<&[f64]> = x.iter().map(Vec::as_slice).collect();
        let mut m = ProgrammeMeter::new(6, 48_000.0);
        let mut last = m.split_off(4);
        let mut middle = m.split_off(2);
        assert_eq!((middle.channels(), last.channels()), (2..4, 4..6));
        for part in [&mut middle, &mut last] {
            part.process(&planar);
        }
        m.process(&planar, 0);
        m.join(middle);
        m.join(last);
        assert_eq!(m.report(), want);
    }

    #[test]
    fn the_work_is_shared_so_threads_finish_together() {
        assert_eq!(ProgrammeMeter::balanced_split(2, 0), vec![2]);
        for (channels, others) in [(1, 1), (2, 1), (6, 1), (8, 3), (2, 5)] {
            let shares = ProgrammeMeter::balanced_split(channels, others);
            assert_eq!(shares.iter().sum::<usize>(), channels, "{channels} channels, {others} others");
            assert_eq!(shares.len(), 1 + others.min(channels));
        }
    }
}
