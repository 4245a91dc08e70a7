//! Ear protection: the master volume, and a fixed safety limiter after it that no setting can
//! get past. Aliasing and clipping demonstrations are harsh; a classroom's speakers are loud.

use crate::chain::dynamics::SmoothedGain;
use crate::units::db_to_amp;

/// The most the output ever reaches, dBFS.
pub const OUTPUT_LIMIT_DBFS: f64 = -6.0;
/// The volume the app starts with, dB.
pub const DEFAULT_VOLUME_DB: f64 = -18.0;
/// Lowest and highest volume, dB.
pub const VOLUME_RANGE_DB: (f64, f64) = (-60.0, 0.0);

/// Volume, then a limiter with instant attack (no overshoot, no delay) and a slow release,
/// then a hard clamp at the limit as the last guarantee.
#[derive(Clone, Debug)]
pub struct Protection {
    volume: SmoothedGain,
    limit: f64,
    gain: f64,
    release: f64,
    peak: f64,
}

impl Protection {
    /// Protection at `sample_rate_hz` with the default volume.
    #[must_use]
    pub fn new(sample_rate_hz: f64) -> Self {
        Self {
            volume: SmoothedGain::new(db_to_amp(DEFAULT_VOLUME_DB), sample_rate_hz),
            limit: db_to_amp(OUTPUT_LIMIT_DBFS),
            gain: 1.0,
            // Recover with a 300 ms time constant.
            release: (-1.0 / (0.3 * sample_rate_hz)).exp(),
            peak: 0.0,
        }
    }

    /// Protection at `sample_rate_hz` with the volume already at `db`.
    #[must_use]
    pub fn with_volume_db(sample_rate_hz: f64, db: f64) -> Self {
        let mut p = Self::new(sample_rate_hz);
        let (lo, hi) = VOLUME_RANGE_DB;
        let db = if db.is_finite() { db.clamp(lo, hi) } else { lo };
        p.volume = SmoothedGain::new(db_to_amp(db), sample_rate_hz);
        p
    }

    /// Sets the volume (clamped to [`VOLUME_RANGE_DB`]); it glides in.
    pub fn set_volume_db(&mut self, db: f64) {
        let (lo, hi) = VOLUME_RANGE_DB;
        let db = if db.is_finite() { db.clamp(lo, hi) } else { lo };
        self.volume.set(db_to_amp(db));
    }

    /// Gain reduction of the safety limiter now, dB (positive).
    #[must_use]
    pub fn reduction_db(&self) -> f64 {
        -crate::units::amp_to_db(self.gain)
    }

    /// The highest output sample since the last call, and resets it.
    pub fn take_peak(&mut self) -> f64 {
        std::mem::take(&mut self.peak)
    }

    /// Processes a stereo frame.
    #[inline]
    pub fn tick(&mut self, l: f64, r: f64) -> (f64, f64) {
        let v = self.volume.next_value();
        let (l, r) = (l * v, r * v);
        let (l, r) = (if l.is_finite() { l } else { 0.0 }, if r.is_finite() { r } else { 0.0 });
        let level = l.abs().max(r.abs());
        let needed = if level * self.gain > self.limit { self.limit / level } else { 1.0 };
        self.gain = if needed < self.gain { needed } else { needed + self.release * (self.gain - needed) };
        let (l, r) = ((l * self.gain).clamp(-self.limit, self.limit), (r * self.gain).clamp(-self.limit, self.limit));
        self.peak = self.peak.max(l.abs()).max(r.abs());
        (l, r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_gets_past_the_limit() {
        let mut p = Protection::new(48_000.0);
        p.set_volume_db(0.0);
        let limit = db_to_amp(OUTPUT_LIMIT_DBFS);
        let mut x = 0.7f64;
        for i in 0..200_000 {
            // A wild signal: large, jumping, sometimes not finite.
            x = (x * 3.9 * (1.0 - x)).clamp(0.0, 1.0);
            let v = if i % 997 == 0 { f64::INFINITY } else { (x - 0.5) * 1e6 };
            let (l, r) = p.tick(v, -v);
            assert!(l.abs() <= limit && r.abs() <= limit);
        }
    }

    #[test]
    fn quiet_signals_pass_untouched_but_for_the_volume() {
        let mut p = Protection::new(48_000.0);
        p.set_volume_db(0.0);
        for _ in 0..1000 {
            p.tick(0.0, 0.0);
        }
        let (l, _) = p.tick(0.1, 0.1);
        assert_eq!(l, 0.1);
    }
}
