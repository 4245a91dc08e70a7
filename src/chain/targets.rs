//! Target zones of gain staging, from the domain's rules of thumb: data that the meters shade
//! and the lessons check.

use serde::{Deserialize, Serialize};

/// A loudness delivery target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoudnessPreset {
    /// Who asks for it.
    pub name: &'static str,
    /// Integrated loudness, LUFS.
    pub lufs: f64,
    /// Highest true peak allowed, dBTP.
    pub max_true_peak_dbtp: f64,
}

/// The common delivery targets.
pub const LOUDNESS_PRESETS: [LoudnessPreset; 4] = [
    LoudnessPreset { name: "Streaming (Spotify, YouTube)", lufs: -14.0, max_true_peak_dbtp: -1.0 },
    LoudnessPreset { name: "Apple Music, podcasts", lufs: -16.0, max_true_peak_dbtp: -1.0 },
    LoudnessPreset { name: "Broadcast, EBU R128", lufs: -23.0, max_true_peak_dbtp: -1.0 },
    LoudnessPreset { name: "US TV, ATSC A/85", lufs: -24.0, max_true_peak_dbtp: -2.0 },
];

/// The zones a stage should sit in.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Targets {
    /// Peaks after the ADC while tracking, dBFS: -12 to -6.
    pub tracking_peak_dbfs: [f64; 2],
    /// Average level into an analog-modelled plugin, dBFS as the VU reads it (0 VU = the
    /// reference): around -18.
    pub insert_average_dbfs: [f64; 2],
    /// Peaks of the mix bus before mastering, dBFS: -6 to -3.
    pub mix_peak_dbfs: [f64; 2],
    /// The master's true-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// Integrated loudness of the master, LUFS.
    pub loudness_lufs: f64,
    /// How close to the loudness target counts as on target, LU.
    pub loudness_tolerance_lu: f64,
    /// Least crest factor (true peak to loudness) a master should keep, dB.
    pub min_plr_db: f64,
    /// 0 VU is a sine peaking at this level: -18 (EBU R68) or -20 (SMPTE RP 155, and the
    /// Australian practice that the report ITU-R BS.2054 describes).
    pub vu_reference_dbfs: f64,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            tracking_peak_dbfs: [-12.0, -6.0],
            insert_average_dbfs: [-24.0, -12.0],
            mix_peak_dbfs: [-6.0, -3.0],
            ceiling_dbtp: -1.0,
            loudness_lufs: -14.0,
            loudness_tolerance_lu: 1.0,
            min_plr_db: 6.0,
            vu_reference_dbfs: -18.0,
        }
    }
}

impl Targets {
    /// Checks that zones are ordered and in range.
    ///
    /// # Errors
    /// A sentence naming the field.
    pub fn validate(&self) -> Result<(), String> {
        for (name, [lo, hi]) in [
            ("tracking_peak_dbfs", self.tracking_peak_dbfs),
            ("insert_average_dbfs", self.insert_average_dbfs),
            ("mix_peak_dbfs", self.mix_peak_dbfs),
        ] {
            if !(lo.is_finite() && hi.is_finite() && lo < hi && hi <= 20.0 && lo >= -120.0) {
                return Err(format!("{name} must be [low, high] with low < high (got [{lo}, {hi}])"));
            }
        }
        crate::dsp::source::check_range("ceiling_dbtp", self.ceiling_dbtp, -20.0, 0.0)?;
        crate::dsp::source::check_range("loudness_lufs", self.loudness_lufs, -40.0, 0.0)?;
        crate::dsp::source::check_range("loudness_tolerance_lu", self.loudness_tolerance_lu, 0.1, 10.0)?;
        crate::dsp::source::check_range("vu_reference_dbfs", self.vu_reference_dbfs, -30.0, -10.0)?;
        Ok(())
    }
}
