//! Named starting points of the converter screen: one click (or `--preset NAME`) sets up a
//! demonstration.

use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::{AaFilter, AaFilterKind};
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind, QuantizerSettings};
use crate::dsp::source::{SourceKind, SourceParams};
use crate::units::amp_to_db;

/// A named setup of the converter.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Name on the command line (`--preset aliasing`).
    pub key: &'static str,
    /// Title in menus.
    pub title: &'static str,
    /// What to look at, in one or two sentences.
    pub description: &'static str,
    /// The settings.
    pub params: ConverterParams,
}

fn base() -> ConverterParams {
    ConverterParams::default()
}

/// Every preset, in the order a lesson would meet them.
#[must_use]
pub fn all() -> Vec<Preset> {
    let eight_bit_lsb = BitDepth::Fixed(8).lsb().unwrap_or(1.0 / 128.0);
    vec![
        Preset {
            key: "default",
            title: "A clean 16-bit sine",
            description: "997 Hz (a frequency unrelated to the sample rate) at -1 dBFS, 48 kHz, 16 bits: the reference.",
            params: base(),
        },
        Preset {
            key: "aliasing",
            title: "Aliasing: 30 kHz at 44.1 kHz",
            description: "No anti-alias filter: a 30 kHz tone sampled at 44.1 kHz comes out at 14.1 kHz. Switch the filter to steep.",
            params: ConverterParams {
                source: SourceParams::sine(30_000.0, -1.0),
                sample_rate_hz: 44_100.0,
                aa_filter: AaFilter::new(AaFilterKind::Off),
                ..base()
            },
        },
        Preset {
            key: "square-aliasing",
            title: "A square wave's harmonics alias",
            description: "A 3.1 kHz square at 32 kHz without a filter: its harmonics above 16 kHz fold back between the real ones, out of tune.",
            params: ConverterParams {
                source: SourceParams {
                    kind: SourceKind::Square,
                    freq_hz: 3_100.0,
                    level_dbfs: -6.0,
                    ..SourceParams::default()
                },
                sample_rate_hz: 32_000.0,
                aa_filter: AaFilter::new(AaFilterKind::Off),
                ..base()
            },
        },
        Preset {
            key: "4-bit",
            title: "4-bit quantization",
            description: "Sixteen levels: the staircase error is distortion, harmonics of the tone. SNR 6.02 x 4 + 1.76 = 25.8 dB.",
            params: ConverterParams { quantizer: QuantizerSettings::fixed(4), ..base() },
        },
        Preset {
            key: "dither-tiny",
            title: "Dither on a tiny signal",
            description: "A -50 dBFS tone in 8 bits is smaller than half an LSB: without dither it vanishes; with TPDF dither it survives in the noise.",
            params: ConverterParams {
                source: SourceParams::sine(1_000.0, amp_to_db(0.4 * eight_bit_lsb)),
                quantizer: QuantizerSettings {
                    bit_depth: BitDepth::Fixed(8),
                    dither: Dither::new(DitherKind::Tpdf),
                    ..QuantizerSettings::default()
                },
                ..base()
            },
        },
        Preset {
            key: "clipping",
            title: "Clipping at 0 dBFS",
            description: "6 dB of analog gain drives a -1 dBFS sine into the wall: flat tops, red samples, harmonics.",
            params: ConverterParams { analog_gain_db: 6.0, ..base() },
        },
        Preset {
            key: "inter-sample-peak",
            title: "Inter-sample peak",
            description: "A sine at fs/4 sampled at 45 degrees: every sample reads -0.1 dBFS, but the waveform between them peaks at +2.9 dBTP.",
            params: ConverterParams {
                source: SourceParams { freq_hz: 12_000.0, level_dbfs: 2.9, phase_deg: 45.0, ..SourceParams::default() },
                quantizer: QuantizerSettings { bit_depth: BitDepth::Float32, ..QuantizerSettings::default() },
                ..base()
            },
        },
        Preset {
            key: "staircase",
            title: "The staircase myth",
            description: "8 kHz sampling shown as a zero-order hold: the steps are images above Nyquist. Switch to band-limited and the steps are gone.",
            params: ConverterParams {
                source: SourceParams::sine(1_000.0, -1.0),
                sample_rate_hz: 8_000.0,
                reconstruction: crate::dsp::reconstruct::Reconstruction::Staircase,
                ..base()
            },
        },
        Preset {
            key: "live-input",
            title: "Your own voice at 16 kHz and 8 bits",
            description: "The microphone through the converter: 8 bits hiss under a quiet voice, and the gentle filter lets the sibilants above 8 kHz fold back. Raise the analog gain until it clips.",
            params: ConverterParams {
                source: SourceParams { kind: SourceKind::LiveInput, ..SourceParams::default() },
                sample_rate_hz: 16_000.0,
                aa_filter: AaFilter::new(AaFilterKind::Gentle),
                quantizer: QuantizerSettings::fixed(8),
                ..base()
            },
        },
    ]
}

/// The preset named `key`.
#[must_use]
pub fn find(key: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.key.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_unique() {
        let all = all();
        for p in &all {
            p.params.validate().unwrap_or_else(|e| panic!("{}: {e}", p.key));
            assert_eq!(all.iter().filter(|q| q.key == p.key).count(), 1);
        }
        assert!(find("ALIASING").is_some());
    }
}
