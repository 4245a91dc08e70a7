//! The measurements of a whole programme (a file, an album side, a three-hour concert): sample
//! peak, true peak, RMS, DC offset, clipped samples and loudness per ITU-R BS.1770 / EBU R128,
//! streamed block by block in constant memory.
//!
//! [`ProgrammeMeter::process`] is the single-threaded path. The work also splits into parts
//! that can run on separate threads and join exactly: the loudness with the level sums of
//! every channel ([`LoudnessPart`]: one pass, the channels side by side in SIMD lanes, paced by
//! the K-weighting filters' feedback, which no thread can share) and the true peak of ranges
//! of channels ([`PeakPart`]). Every figure is the same, bit for bit, whatever the block size
//! and however the work was split: each channel's sums run in time order, the loudness meter
//! sees the frames in order, and peaks are maxima.

use crate::analysis::levels::ChannelSums;
use crate::analysis::loudness::LoudnessMeter;
use crate::analysis::true_peak::TruePeakMeter;
use crate::units::{amp_to_db, power_to_db};

/// The loudness meter and the level sums of every channel.
#[derive(Clone, Debug)]
pub struct LoudnessPart {
    meter: LoudnessMeter,
    sums: Vec<ChannelSums>,
}

impl LoudnessPart {
    /// Feeds a block of planar channels (all the same length).
    pub fn process(&mut self, block: &[&[f64]]) {
        self.meter.process_with_sums(block, &mut self.sums);
    }
}

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

/// Every meter of a programme, combined in a fixed order into the report.
#[derive(Clone, Debug)]
pub struct ProgrammeMeter {
    channels: usize,
    sample_rate_hz: f64,
    /// The loudness and sums, unless handed to another thread.
    loudness: Option<LoudnessPart>,
    /// The true peak of the channels not handed to another thread.
    peaks: PeakPart,
    frames: u64,
    clipped: u64,
}

impl ProgrammeMeter {
    /// A meter for `channels` channels (1 to 8) at `sample_rate_hz`.
    #[must_use]
    pub fn new(channels: usize, sample_rate_hz: f64) -> Self {
        let channels = channels.clamp(1, 8);
        Self {
            channels,
            sample_rate_hz,
            loudness: Some(LoudnessPart {
                meter: LoudnessMeter::new(channels, sample_rate_hz),
                sums: vec![ChannelSums::default(); channels],
            }),
            peaks: PeakPart { first: 0, meters: (0..channels).map(|_| TruePeakMeter::new()).collect() },
            frames: 0,
            clipped: 0,
        }
    }

    /// Number of channels.
    #[must_use]
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Feeds a block of planar channels (all the same length) and the number of clipped
    /// samples the decoder counted in it: every part this meter still holds measures it.
    pub fn process(&mut self, block: &[&[f64]], clipped: u64) {
        let frames = block.first().map_or(0, |c| c.len());
        if let Some(l) = &mut self.loudness {
            l.process(block);
        }
        self.peaks.process(block);
        self.frames += frames as u64;
        self.clipped += clipped;
    }

    /// Hands the loudness and the level sums to another thread (`None` if already handed).
    pub fn split_loudness(&mut self) -> Option<LoudnessPart> {
        self.loudness.take()
    }

    /// Hands the true peak of the channels from `keep` on to another thread; this meter
    /// keeps the first `keep`. Parts join back with [`Self::join_peaks`], the last first.
    pub fn split_peaks(&mut self, keep: usize) -> PeakPart {
        let keep = keep.min(self.peaks.meters.len());
        PeakPart { first: self.peaks.first + keep, meters: self.peaks.meters.split_off(keep) }
    }

    /// Takes back the loudness part.
    pub fn join_loudness(&mut self, part: LoudnessPart) {
        self.loudness = Some(part);
    }

    /// Takes back a part made by [`Self::split_peaks`] (the next channels after this meter's).
    pub fn join_peaks(&mut self, part: PeakPart) {
        if part.first == self.peaks.channels().end {
            self.peaks.meters.extend(part.meters);
        }
    }

    /// How many channels' true peak each of `threads` threads takes when one more thread
    /// runs the loudness: as even as can be, the calling thread (which also reads and decodes
    /// the file) taking the smaller shares.
    #[must_use]
    pub fn peak_shares(channels: usize, threads: usize) -> Vec<usize> {
        let threads = threads.clamp(1, channels.max(1));
        (0..threads).map(|t| channels / threads + usize::from(threads - 1 - t < channels % threads)).collect()
    }

    /// The measurements so far (the true peak of the last samples included: the meters are
    /// flushed on a copy). With the loudness handed away and not joined back, the loudness
    /// and level figures read as for silence.
    #[must_use]
    pub fn report(&self) -> ProgrammeReport {
        let mut true_peak = 0.0f64;
        for meter in &self.peaks.meters {
            let mut m = meter.clone();
            m.flush();
            true_peak = true_peak.max(m.peak());
        }
        let empty;
        let loud = if let Some(l) = &self.loudness {
            l
        } else {
            empty = LoudnessPart {
                meter: LoudnessMeter::new(self.channels, self.sample_rate_hz),
                sums: vec![ChannelSums::default(); self.channels],
            };
            &empty
        };
        let sample_peak = loud.sums.iter().fold(0.0f64, |m, s| m.max(s.peak));
        let total = self.frames as f64 * self.channels as f64;
        let (sum, sum2) = loud.sums.iter().fold((0.0, 0.0), |(a, b), s| (a + s.sum, b + s.sum2));
        let per_sample = |x: f64| if total > 0.0 { x / total } else { 0.0 };
        ProgrammeReport {
            channels: self.channels,
            frames: self.frames,
            sample_peak,
            true_peak: true_peak.max(sample_peak),
            mean_square: per_sample(sum2),
            mean: per_sample(sum),
            clipped: self.clipped,
            integrated_lufs: loud.meter.integrated(),
            momentary_max_lufs: loud.meter.momentary_max(),
            short_term_max_lufs: loud.meter.short_term_max(),
            loudness_range_lu: loud.meter.loudness_range(),
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
        let mut loudness = m.split_loudness().expect("the loudness part");
        let mut last = m.split_peaks(4);
        let mut middle = m.split_peaks(2);
        assert_eq!((middle.channels(), last.channels()), (2..4, 4..6));
        for part in [&mut middle, &mut last] {
            part.process(&planar);
        }
        loudness.process(&planar);
        m.process(&planar, 0);
        m.join_peaks(middle);
        m.join_peaks(last);
        m.join_loudness(loudness);
        assert_eq!(m.report(), want);
    }

    #[test]
    fn the_true_peak_is_shared_evenly() {
        assert_eq!(ProgrammeMeter::peak_shares(2, 1), vec![2]);
        assert_eq!(ProgrammeMeter::peak_shares(6, 4), vec![1, 1, 2, 2]);
        assert_eq!(ProgrammeMeter::peak_shares(1, 3), vec![1]);
        for (channels, threads) in [(1, 1), (2, 2), (6, 1), (8, 3), (5, 2)] {
            let shares = ProgrammeMeter::peak_shares(channels, threads);
            assert_eq!(shares.iter().sum::<usize>(), channels, "{channels} channels, {threads} threads");
            assert!(shares.windows(2).all(|w| w[0] <= w[1] && w[1] - w[0] <= 1), "{shares:?}");
        }
    }
}
