//! The tracking stage for live input: the input (at its device's rate) is brought to the chosen
//! sample rate, amplified by the preamp, clipped at the ADC's full scale and quantized to the
//! chosen word length, while the take is measured.
//!
//! ```text
//!  input (device rate) ─► input peak ─► resample ─► × preamp ─► clip at ±1 ─► quantize ─► take
//!                                       (if rates differ)       (counted)      (N bits)     │
//!                                             peak, true peak (4x), noise floor ◄───────────┘
//! ```
//!
//! The noise floor of a take is the RMS of its quietest 400 ms block (whole blocks from the
//! start of the take), in dBFS (plain RMS: a full-scale sine reads -3.01 dBFS): in a spoken
//! take the pauses between words set it, the way a student hears the hiss there.

use crate::analysis::true_peak::TruePeakMeter;
use crate::dsp::quantizer::{BitDepth, Quantizer, QuantizerSettings};
use crate::dsp::resample::{Resampler, SrcQuality};
use crate::units::{amp_to_db, db_to_amp, power_to_db};

/// Length of the blocks the noise floor is measured in, seconds.
pub const NOISE_BLOCK_SECS: f64 = 0.4;
/// Lowest and highest preamp gain, dB.
pub const PREAMP_RANGE_DB: (f64, f64) = (-40.0, 60.0);

/// The settings of the tracking stage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CaptureSettings {
    /// Preamp gain before the ADC, dB.
    pub preamp_db: f64,
    /// The ADC's word length.
    pub bit_depth: BitDepth,
    /// The ADC's sample rate, Hz.
    pub sample_rate_hz: f64,
}

impl CaptureSettings {
    /// Checks ranges.
    ///
    /// # Errors
    /// A sentence naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        let (lo, hi) = PREAMP_RANGE_DB;
        if !(lo..=hi).contains(&self.preamp_db) {
            return Err(format!("preamp gain must be between {lo} and {hi} dB (got {})", self.preamp_db));
        }
        self.bit_depth.validate()?;
        if !(8000.0..=192_000.0).contains(&self.sample_rate_hz) || self.sample_rate_hz.fract() != 0.0 {
            return Err(format!(
                "sample rate must be a whole number of Hz from 8000 to 192000 (got {})",
                self.sample_rate_hz
            ));
        }
        Ok(())
    }
}

/// What a take measured so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CaptureStats {
    /// Samples of the take (at the ADC's rate).
    pub samples: u64,
    /// The ADC's sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Highest input sample before the preamp, dBFS.
    pub input_peak_dbfs: f64,
    /// Highest sample of the take, dBFS.
    pub peak_dbfs: f64,
    /// True peak of the take (4x oversampled), dBTP.
    pub true_peak_dbtp: f64,
    /// Samples the ADC clipped (at or beyond full scale after the preamp).
    pub clipped_samples: u64,
    /// RMS of the quietest 400 ms block, dBFS (`None` before any sound arrived).
    pub noise_floor_dbfs: Option<f64>,
    /// RMS of the error the ADC's quantizer added over the whole take (what it wrote minus
    /// what reached it after the clip), dBFS: the converter's own noise, apart from clipping.
    pub error_rms_dbfs: f64,
}

impl CaptureStats {
    /// Length of the take, seconds.
    #[must_use]
    pub fn duration_secs(&self) -> f64 {
        self.samples as f64 / self.sample_rate_hz
    }
}

/// The tracking stage at work on one take.
#[derive(Debug)]
pub struct Capture {
    settings: CaptureSettings,
    gain: f64,
    resampler: Resampler,
    resampled: Vec<f64>,
    quantizer: Quantizer,
    true_peak: TruePeakMeter,
    input_peak: f64,
    peak: f64,
    clipped: u64,
    samples: u64,
    block_len: usize,
    block_fill: usize,
    block_sum2: f64,
    /// Sum of the squared quantization error.
    error_sum2: f64,
    /// Mean square of the quietest whole block so far.
    quietest: Option<f64>,
    /// Samples the take stops at.
    limit: u64,
}

impl Capture {
    /// A stage fed at `input_rate_hz` (the device's rate).
    #[must_use]
    pub fn new(input_rate_hz: f64, settings: CaptureSettings) -> Self {
        let quantizer =
            Quantizer::new(QuantizerSettings { bit_depth: settings.bit_depth, ..QuantizerSettings::default() }, 1);
        Self {
            settings,
            gain: db_to_amp(settings.preamp_db),
            resampler: Resampler::new(input_rate_hz, settings.sample_rate_hz, SrcQuality::High),
            resampled: Vec::new(),
            quantizer,
            true_peak: TruePeakMeter::new(),
            input_peak: 0.0,
            peak: 0.0,
            clipped: 0,
            samples: 0,
            block_len: (NOISE_BLOCK_SECS * settings.sample_rate_hz).round().max(1.0) as usize,
            block_fill: 0,
            block_sum2: 0.0,
            error_sum2: 0.0,
            quietest: None,
            limit: u64::MAX,
        }
    }

    /// The same stage for a take of exactly `samples` samples: what comes after is dropped.
    #[must_use]
    pub fn with_limit(mut self, samples: u64) -> Self {
        self.limit = samples;
        self
    }

    /// Whether the take has reached its length.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.samples >= self.limit
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &CaptureSettings {
        &self.settings
    }

    /// Changes the preamp gain (the word length and rate stay those of the take).
    pub fn set_preamp_db(&mut self, preamp_db: f64) {
        self.settings.preamp_db = preamp_db;
        self.gain = db_to_amp(preamp_db);
    }

    /// Runs `input` (device-rate samples) through the stage, appending the ADC's output to `out`.
    pub fn process(&mut self, input: &[f64], out: &mut Vec<f64>) {
        for &x in input {
            self.input_peak = self.input_peak.max(x.abs());
        }
        self.resampled.clear();
        self.resampler.process(input, &mut self.resampled);
        let start = out.len();
        let room = usize::try_from(self.limit - self.samples).unwrap_or(usize::MAX);
        for &x in self.resampled.iter().take(room) {
            let v = x * self.gain;
            // The ADC has no codes beyond full scale: what reaches it clips there.
            let reaching = v.clamp(-1.0, 1.0);
            let q = self.quantizer.process(reaching);
            if v.abs() >= 1.0 || q.clipped {
                self.clipped += 1;
            }
            self.error_sum2 += (q.value - reaching) * (q.value - reaching);
            self.peak = self.peak.max(q.value.abs());
            out.push(q.value);
            self.block_sum2 += q.value * q.value;
            self.block_fill += 1;
            if self.block_fill == self.block_len {
                let ms = self.block_sum2 / self.block_len as f64;
                self.quietest = Some(self.quietest.map_or(ms, |q| q.min(ms)));
                self.block_fill = 0;
                self.block_sum2 = 0.0;
            }
        }
        self.true_peak.process(&out[start..]);
        self.samples += (out.len() - start) as u64;
    }

    /// The measurements so far (the true peak of the last few samples waits for the next block).
    #[must_use]
    pub fn stats(&self) -> CaptureStats {
        let noise = match (self.quietest, self.block_fill) {
            (Some(ms), _) => Some(ms),
            // Shorter than one block: the whole take.
            (None, n) if n > 0 => Some(self.block_sum2 / n as f64),
            _ => None,
        };
        CaptureStats {
            samples: self.samples,
            sample_rate_hz: self.settings.sample_rate_hz,
            input_peak_dbfs: amp_to_db(self.input_peak),
            peak_dbfs: amp_to_db(self.peak),
            true_peak_dbtp: amp_to_db(self.true_peak.peak().max(self.peak)),
            clipped_samples: self.clipped,
            noise_floor_dbfs: noise.map(power_to_db),
            error_rms_dbfs: power_to_db(self.error_sum2 / self.samples.max(1) as f64),
        }
    }

    /// The measurements of the finished take (the true-peak meter flushed).
    #[must_use]
    pub fn finish(mut self) -> CaptureStats {
        self.true_peak.flush();
        self.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    fn settings(preamp_db: f64, bits: u8, rate: f64) -> CaptureSettings {
        CaptureSettings { preamp_db, bit_depth: BitDepth::Fixed(bits), sample_rate_hz: rate }
    }

    fn sine(amp: f64, freq: f64, rate: f64, secs: f64) -> Vec<f64> {
        (0..(secs * rate) as usize).map(|n| amp * (TAU * freq * n as f64 / rate).sin()).collect()
    }

    #[test]
    fn clip_count_follows_the_share_of_a_sine_above_full_scale() {
        // -3 dBFS with +6 dB of preamp: a sine of amplitude a = 10^(3/20) clips wherever
        // |sin| >= 1/a, that is a share (2/pi) acos(1/a) of its samples (0.5001).
        let a = db_to_amp(3.0);
        let rate = 48_000.0;
        let x = sine(db_to_amp(-3.0), 997.0, rate, 2.0);
        let mut c = Capture::new(rate, settings(6.0, 16, rate));
        let mut out = Vec::new();
        c.process(&x, &mut out);
        let s = c.finish();
        let theory = (2.0 / std::f64::consts::PI) * (1.0 / a).acos() * x.len() as f64;
        assert!((s.clipped_samples as f64 - theory).abs() < 0.001 * theory, "{} vs {theory}", s.clipped_samples);
        assert!(s.peak_dbfs > -0.001 && s.peak_dbfs <= 0.0);
    }

    #[test]
    fn a_tone_keeps_its_level_through_a_rate_change_and_the_noise_floor_reads_the_quiet_block() {
        let (from, to) = (44_100.0, 48_000.0);
        // 1 s of tone at -6 dBFS, then 1 s of silence: 16 bits of rounding leave it at zero.
        let mut x = sine(db_to_amp(-6.0), 1000.0, from, 1.0);
        x.extend(std::iter::repeat_n(0.0, from as usize));
        let mut c = Capture::new(from, settings(0.0, 16, to));
        let mut out = Vec::new();
        for chunk in x.chunks(441) {
            c.process(chunk, &mut out);
        }
        let s = c.finish();
        assert!((s.peak_dbfs + 6.0).abs() < 0.05, "peak {}", s.peak_dbfs);
        assert!((s.input_peak_dbfs + 6.0).abs() < 0.01);
        assert_eq!(s.clipped_samples, 0);
        assert!((s.duration_secs() - 2.0).abs() < 0.01, "{}", s.duration_secs());
        // The quiet second holds two whole 400 ms blocks of digital silence.
        assert_eq!(s.noise_floor_dbfs, Some(crate::units::FLOOR_DB));
        // Tone only: the floor is the tone's RMS, -6 - 3.01 dBFS.
        let mut c = Capture::new(to, settings(0.0, 24, to));
        c.process(&sine(db_to_amp(-6.0), 1000.0, to, 1.0), &mut out);
        let floor = c.finish().noise_floor_dbfs.unwrap_or_default();
        assert!((floor + 9.0103).abs() < 0.01, "floor {floor}");
    }

    /// Bennett's uniform-error model: a busy signal many LSBs tall leaves an error of RMS
    /// LSB / sqrt(12), at 12 bits 20 log10(2^-11 / sqrt(12)) = -77.0 dBFS; a tone far below
    /// half an LSB is rounded to silence and the error is the tone itself.
    #[test]
    fn the_quantization_error_is_an_lsb_over_root_twelve_on_a_busy_signal() {
        let rate = 48_000.0;
        let theory = crate::units::amp_to_db(2f64.powi(-11) / 12f64.sqrt());
        // -12 dBFS through +6 dB of preamp: the error is the converter's, after the preamp.
        let mut c = Capture::new(rate, settings(6.0, 12, rate));
        let mut out = Vec::new();
        c.process(&sine(db_to_amp(-12.0), 997.0, rate, 1.0), &mut out);
        let e = c.finish().error_rms_dbfs;
        assert!((e - theory).abs() < 0.2, "{e} vs {theory}");
        let mut c = Capture::new(rate, settings(0.0, 12, rate));
        c.process(&sine(db_to_amp(-90.0), 997.0, rate, 1.0), &mut out);
        let s = c.finish();
        assert!((s.error_rms_dbfs - (-90.0 - 3.0103)).abs() < 0.01, "{}", s.error_rms_dbfs);
        assert_eq!(s.peak_dbfs, crate::units::FLOOR_DB);
    }

    #[test]
    fn the_adc_output_lies_on_its_grid() {
        let rate = 48_000.0;
        let mut c = Capture::new(rate, settings(0.0, 8, rate));
        let mut out = Vec::new();
        c.process(&sine(0.3, 440.0, rate, 0.1), &mut out);
        for y in out {
            assert_eq!((y * 128.0).fract(), 0.0);
        }
    }
}
