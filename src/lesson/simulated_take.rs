//! A simulated take, for checking lessons without a microphone: a synthetic talker (not a
//! recording of anyone) as a microphone delivers it to the input track's preamp, run through the
//! same tracking stage ([`Capture`]) a real take goes through. `lessons check --verify` measures
//! a lesson's `take.*` goals and facts on it; in the app a goal reads the student's own take.
//!
//! The talker speaks three phrases of voiced syllables (the band's formant voice, at speaking
//! pitch, 4 to 5 syllables a second) with pauses of a second between them, so the noise floor
//! (the quietest whole 400 ms block) falls in a pause, as it does in a real spoken take. Before
//! the preamp its highest sample is [`TALKER_PEAK_DBFS`] and the hiss of microphone, room and
//! preamp (white, Gaussian, to 24 kHz) [`TALKER_NOISE_DBFS`] RMS: 60 dB below the peak.

use std::sync::OnceLock;

use crate::chain::band::{VOWELS, add_wrapped, sung};
use crate::dsp::capture::{Capture, CaptureSettings, CaptureStats};
use crate::dsp::noise::Random;
use crate::sim::input_track::InputControls;
use crate::units::db_to_amp;

/// The simulated take's sample rate, Hz.
pub const TALKER_RATE_HZ: f64 = 48_000.0;
/// Its length, seconds.
pub const TALKER_SECS: f64 = 8.0;
/// The talker's highest sample before the preamp, dBFS.
pub const TALKER_PEAK_DBFS: f64 = -36.0;
/// The hiss before the preamp (microphone, room and preamp), RMS in dBFS.
pub const TALKER_NOISE_DBFS: f64 = -96.0;
/// The seed of the talker's syllables and hiss.
const SEED: u64 = 0x7a1c;

/// Where each phrase starts, seconds, and how many syllables it has.
const PHRASES: [(f64, usize); 3] = [(0.3, 8), (3.3, 9), (6.5, 5)];
/// Time from one syllable's start to the next, seconds.
const SYLLABLE_SECS: f64 = 0.21;

/// The talker's voice alone, peak-normalised to 1.0.
fn voice() -> Vec<f64> {
    let fs = TALKER_RATE_HZ;
    let mut out = vec![0.0; (TALKER_SECS * fs) as usize];
    let mut random = Random::new(SEED);
    for (start, syllables) in PHRASES {
        for k in 0..syllables {
            // The pitch falls through a phrase (declination), with a stressed syllable early.
            let fall = k as f64 / syllables as f64;
            let f0 = 140.0 - 30.0 * fall + 8.0 * random.uniform_centered();
            let hold = 0.13 + 0.06 * random.uniform();
            let vowel = VOWELS[(random.uniform() * VOWELS.len() as f64) as usize];
            let vel = if k == 1 { 1.0 } else { 0.5 + 0.35 * random.uniform() };
            add_wrapped(&mut out, start + k as f64 * SYLLABLE_SECS, fs, &sung(fs, f0, hold, vowel, vel));
        }
    }
    let peak = out.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    for x in &mut out {
        *x /= peak;
    }
    out
}

/// What the microphone delivers to the preamp: the voice at [`TALKER_PEAK_DBFS`] plus the hiss
/// at [`TALKER_NOISE_DBFS`], at [`TALKER_RATE_HZ`] (made once).
#[must_use]
pub fn talker_input() -> &'static [f64] {
    static INPUT: OnceLock<Vec<f64>> = OnceLock::new();
    INPUT.get_or_init(|| {
        let (gain, hiss) = (db_to_amp(TALKER_PEAK_DBFS), db_to_amp(TALKER_NOISE_DBFS));
        let mut random = Random::new(SEED ^ 0x4155);
        voice().into_iter().map(|v| gain * v + hiss * random.gaussian()).collect()
    })
}

/// The simulated talker recorded through the input track's preamp and ADC as `controls` set
/// them: what a take of it measures.
///
/// # Errors
/// Controls out of range, as a sentence.
pub fn simulated_take(controls: InputControls) -> Result<CaptureStats, String> {
    let settings =
        CaptureSettings { preamp_db: controls.preamp_db, bit_depth: controls.bits, sample_rate_hz: TALKER_RATE_HZ };
    settings.validate()?;
    let mut capture = Capture::new(TALKER_RATE_HZ, settings);
    let mut take = Vec::with_capacity(talker_input().len());
    capture.process(talker_input(), &mut take);
    Ok(capture.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::quantizer::BitDepth;
    use crate::units::{FLOOR_DB, amp_to_db, power_to_db};

    fn take(preamp_db: f64, bits: u8) -> CaptureStats {
        simulated_take(InputControls { preamp_db, bits: BitDepth::Fixed(bits), ..InputControls::default() })
            .expect("in range")
    }

    /// The talker is what its constants say: peaks at -36 dBFS, the pauses hold only the hiss
    /// (the RMS of a pause is the hiss's, -96 dBFS), the voice stands well above it while it
    /// speaks, and it speaks for about half the take.
    #[test]
    fn the_talker_peaks_where_it_says_and_pauses_hold_only_hiss() {
        let x = talker_input();
        let peak = amp_to_db(x.iter().fold(0.0_f64, |m, v| m.max(v.abs())));
        assert!((peak - TALKER_PEAK_DBFS).abs() < 0.05, "{peak}");
        let rms = |a: f64, b: f64| {
            let s = &x[(a * TALKER_RATE_HZ) as usize..(b * TALKER_RATE_HZ) as usize];
            power_to_db(s.iter().map(|v| v * v).sum::<f64>() / s.len() as f64)
        };
        for (a, b) in [(2.4, 3.2), (5.6, 6.4)] {
            assert!((rms(a, b) - TALKER_NOISE_DBFS).abs() < 0.1, "pause {a}-{b}: {}", rms(a, b));
        }
        assert!(rms(0.3, 2.0) > TALKER_NOISE_DBFS + 40.0, "{}", rms(0.3, 2.0));
        let loud = x.iter().filter(|v| v.abs() > db_to_amp(TALKER_PEAK_DBFS - 30.0)).count();
        let share = loud as f64 / x.len() as f64;
        assert!((0.3..0.7).contains(&share), "speaking {share}");
    }

    /// Through the capture: the preamp moves the peak dB for dB; the noise floor is the hiss
    /// plus the preamp at 24 bits, so the peak-to-noise gap stays 60 dB however low the take;
    /// too much preamp clips.
    #[test]
    fn the_preamp_moves_peak_and_hiss_together_until_the_adc_clips() {
        for preamp in [-10.0, 0.0, 27.0] {
            let t = take(preamp, 24);
            assert!((t.peak_dbfs - (TALKER_PEAK_DBFS + preamp)).abs() < 0.05, "{preamp}: {}", t.peak_dbfs);
            let floor = t.noise_floor_dbfs.expect("measured");
            assert!((floor - (TALKER_NOISE_DBFS + preamp)).abs() < 0.2, "{preamp}: floor {floor}");
            assert_eq!(t.clipped_samples, 0);
        }
        let hot = take(45.0, 24);
        assert!(hot.clipped_samples > 0 && hot.peak_dbfs > -0.001, "{hot:?}");
        // 12 bits: the hiss of a low take is far below half an LSB (-72.2 dBFS) and rounds
        // away; the error the converter adds is then its own, near LSB / sqrt(12) = -77 dBFS.
        let low12 = take(-3.0, 12);
        assert_eq!(low12.noise_floor_dbfs, Some(FLOOR_DB));
        assert!(low12.error_rms_dbfs > -84.0 && low12.error_rms_dbfs < -77.0, "{}", low12.error_rms_dbfs);
    }
}
