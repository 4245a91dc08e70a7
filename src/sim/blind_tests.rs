//! Ready-made blind tests (ABX): two things to tell apart by ear, set up so the difference is
//! the one named and nothing else.

use crate::audio::program::ListenSpec;
use crate::audio::voice::ConverterTap;
use crate::chain::engine::StageId;
use crate::chain::scene::Scene;
use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::{AaFilter, AaFilterKind};
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind, QuantizerSettings};
use crate::dsp::reconstruct::Reconstruction;
use crate::dsp::source::{SourceKind, SourceParams};

/// A blind test: its question, and A and B.
#[derive(Clone, Debug, PartialEq)]
pub struct BlindTest {
    /// Title in menus.
    pub title: &'static str,
    /// The question the student answers.
    pub question: &'static str,
    /// What A is.
    pub a_label: &'static str,
    /// What B is.
    pub b_label: &'static str,
    /// What to listen for, and what the answer teaches.
    pub hint: &'static str,
    /// A.
    pub a: ListenSpec,
    /// B.
    pub b: ListenSpec,
}

fn converter(params: ConverterParams) -> ListenSpec {
    ListenSpec::Converter { params, tap: ConverterTap::Output, gain_db: 0.0 }
}

fn sine(freq_hz: f64, level_dbfs: f64, fs: f64, bits: u8) -> ConverterParams {
    ConverterParams {
        source: SourceParams::sine(freq_hz, level_dbfs),
        sample_rate_hz: fs,
        quantizer: QuantizerSettings::fixed(bits),
        ..ConverterParams::default()
    }
}

/// Every blind test; the two on the export use `session` (the scene on the desk).
#[must_use]
pub fn all(session: &Scene) -> Vec<BlindTest> {
    let quiet16 = sine(440.0, -40.0, 48_000.0, 16);
    let quiet12 = ConverterParams { quantizer: QuantizerSettings::fixed(12), ..quiet16.clone() };
    let square = ConverterParams {
        source: SourceParams { kind: SourceKind::Square, ..SourceParams::sine(3_100.0, -12.0) },
        sample_rate_hz: 32_000.0,
        ..ConverterParams::default()
    };
    let square_off = ConverterParams { aa_filter: AaFilter::new(AaFilterKind::Off), ..square.clone() };
    let plain8 = sine(500.0, -30.0, 48_000.0, 8);
    let dithered8 = ConverterParams {
        quantizer: QuantizerSettings { dither: Dither::new(DitherKind::Tpdf), ..plain8.quantizer },
        ..plain8.clone()
    };
    let smooth = sine(1_000.0, -12.0, 8_000.0, 16);
    let stairs = ConverterParams { reconstruction: Reconstruction::Staircase, ..smooth.clone() };
    let export = |f: &dyn Fn(&mut Scene)| {
        let mut s = session.clone();
        f(&mut s);
        ListenSpec::Variant { scene: Box::new(s), stage: StageId::Export }
    };
    vec![
        BlindTest {
            title: "12 bits or 16 bits?",
            question: "A quiet 440 Hz tone at -40 dBFS: can you hear 12 bits from 16?",
            a_label: "16 bits",
            b_label: "12 bits",
            hint: "At 12 bits the tone is only 35 dB above its quantization error, which is correlated with it and \
                   sounds as harmonics. Turn the volume up and listen around the tone.",
            a: converter(quiet16),
            b: converter(quiet12),
        },
        BlindTest {
            title: "Aliasing: filter on or off?",
            question: "A 3.1 kHz square wave sampled at 32 kHz, with and without the anti-alias filter.",
            a_label: "steep filter",
            b_label: "no filter",
            hint: "Without the filter, harmonics above 16 kHz fold back to frequencies that are no multiple of \
                   3.1 kHz: listen for tones that do not belong.",
            a: converter(square),
            b: converter(square_off),
        },
        BlindTest {
            title: "Dither at 8 bits: on or off?",
            question: "A 500 Hz tone at -30 dBFS cut to 8 bits, with and without TPDF dither.",
            a_label: "no dither",
            b_label: "TPDF dither",
            hint: "Without dither the error follows the signal: a buzz of harmonics. With it, a steady hiss and a \
                   clean tone underneath.",
            a: converter(plain8),
            b: converter(dithered8),
        },
        BlindTest {
            title: "Staircase or band-limited DAC?",
            question: "A 1 kHz tone at 8 kHz: played as a staircase (zero-order hold) or as a DAC's smooth curve.",
            a_label: "band-limited",
            b_label: "staircase",
            hint: "The staircase's steps are images of the tone at 7, 9, 15, 17 kHz...: a harsh, metallic edge. A real \
                   DAC filters them away.",
            a: converter(smooth),
            b: converter(stairs),
        },
        BlindTest {
            title: "Export: 16 or 24 bits?",
            question: "The session's export at 16 bits with TPDF dither, or at 24 bits.",
            a_label: "24-bit",
            b_label: "16-bit TPDF",
            hint: "The 16-bit floor lies near -96 dBFS, far below the music: most listeners score near chance, which \
                   is the lesson.",
            a: export(&|s| {
                s.export.bits = BitDepth::Fixed(24);
                s.export.codec.enabled = false;
            }),
            b: export(&|s| {
                s.export.bits = BitDepth::Fixed(16);
                s.export.dither = Dither::new(DitherKind::Tpdf);
                s.export.codec.enabled = false;
            }),
        },
        BlindTest {
            title: "Codec or not?",
            question: "The session's export straight, or through the lossy codec (low quality).",
            a_label: "no codec",
            b_label: "codec (low)",
            hint: "The codec throws away what it thinks you cannot hear; at low quality listen for swirly highs and \
                   smeared attacks.",
            a: export(&|s| s.export.codec.enabled = false),
            b: export(&|s| {
                s.export.codec.enabled = true;
                s.export.codec.quality = crate::dsp::codec::CodecQuality::Low;
            }),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every test's two sides build, and differ.
    #[test]
    fn every_blind_test_builds_and_its_sides_differ() {
        let scene = Scene::band();
        for t in all(&scene) {
            assert_ne!(t.a, t.b, "{}", t.title);
            for spec in [&t.a, &t.b] {
                spec.build(48_000.0, Some(&scene)).unwrap_or_else(|e| panic!("{}: {e}", t.title));
            }
        }
    }
}
