//! Ready-made blind tests (ABX): two things to tell apart by ear, set up so the difference is
//! the one named and nothing else.

use crate::audio::program::ListenSpec;
use crate::audio::voice::ConverterTap;
use crate::chain::engine::StageId;
use crate::chain::scene::{Scene, TrackSourceKind};
use crate::dsp::converter::ConverterParams;
use crate::dsp::filter::{AaFilter, AaFilterKind};
use crate::dsp::quantizer::{BitDepth, Dither, DitherKind, QuantizerSettings};
use crate::dsp::reconstruct::Reconstruction;
use crate::dsp::source::{SourceKind, SourceParams};

/// A blind test: its question, and A and B.
#[derive(Clone, Debug, PartialEq)]
pub struct BlindTest {
    /// Stable name (a lesson step sets a test up by it).
    pub key: &'static str,
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
    /// Identification instead of ABX: the student hears two unnamed samples, one A and one B
    /// in a hidden order, and says which one is B.
    pub identify: bool,
    /// The two sides are always heard loudness-matched (the louder turned down to the quieter).
    pub match_loudness: bool,
}

/// The key of every blind test, in menu order.
pub const KEYS: [&str; 9] = [
    "bits-12-16",
    "bits-8-16-quiet",
    "aa-filter",
    "dither-8",
    "dither-which",
    "staircase",
    "export-16-24",
    "codec",
    "louder-matched",
];

/// The blind test `key`, built for `session`.
#[must_use]
pub fn find(key: &str, session: &Scene) -> Option<BlindTest> {
    all(session).into_iter().find(|t| t.key == key)
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
#[allow(clippy::too_many_lines, reason = "one table of ready-made tests, each a few lines")]
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
    // The band's pad recorded 30 dB too low (ADC peaks near -40 dBFS), made up with clip gain.
    let quiet_pad = |bits: u8| {
        let mut s = Scene::band();
        let pad = s.tracks.iter().position(|t| t.source.kind == TrackSourceKind::Pad).unwrap_or(0);
        let t = &mut s.tracks[pad];
        t.preamp_db -= 30.0;
        t.clip_gain_db += 30.0;
        t.bits = BitDepth::Fixed(bits);
        ListenSpec::Variant { scene: Box::new(s), stage: StageId::Track(pad) }
    };
    // The clean mix's master, and the same pushed 8 dB harder into its limiter.
    let master = |extra_drive_db: f64| {
        let mut s = crate::chain::scene::example("clean-mix").unwrap_or_else(Scene::band);
        s.master.limiter.input_gain_db += extra_drive_db;
        ListenSpec::Variant { scene: Box::new(s), stage: StageId::Master }
    };
    vec![
        BlindTest {
            key: "bits-12-16",
            title: "12 bits or 16 bits?",
            question: "A quiet 440 Hz tone at -40 dBFS: can you hear 12 bits from 16?",
            a_label: "16 bits",
            b_label: "12 bits",
            hint: "At 12 bits the tone is only 35 dB above its quantization error, which is correlated with it and \
                   sounds as harmonics. Turn the volume up and listen around the tone.",
            a: converter(quiet16),
            b: converter(quiet12),
            ..placeholder()
        },
        BlindTest {
            key: "bits-8-16-quiet",
            title: "8 bits or 16 bits on a quiet passage?",
            question: "The band's pad recorded with its peaks near -40 dBFS, then made up 30 dB: on a 16-bit or an \
                       8-bit converter?",
            a_label: "16 bits",
            b_label: "8 bits",
            hint: "At -40 dBFS an 8-bit converter has only a few codes for the music: the error follows the signal and \
                   sounds as a gritty buzz that comes and goes with the notes. At 16 bits it lies far below.",
            a: quiet_pad(16),
            b: quiet_pad(8),
            ..placeholder()
        },
        BlindTest {
            key: "aa-filter",
            title: "Aliasing: filter on or off?",
            question: "A 3.1 kHz square wave sampled at 32 kHz, with and without the anti-alias filter.",
            a_label: "steep filter",
            b_label: "no filter",
            hint: "Without the filter, harmonics above 16 kHz fold back to frequencies that are no multiple of \
                   3.1 kHz: listen for tones that do not belong.",
            a: converter(square),
            b: converter(square_off),
            ..placeholder()
        },
        BlindTest {
            key: "dither-8",
            title: "Dither at 8 bits: on or off?",
            question: "A 500 Hz tone at -30 dBFS cut to 8 bits, with and without TPDF dither.",
            a_label: "no dither",
            b_label: "TPDF dither",
            hint: "Without dither the error follows the signal: a buzz of harmonics. With it, a steady hiss and a \
                   clean tone underneath.",
            a: converter(plain8.clone()),
            b: converter(dithered8.clone()),
            ..placeholder()
        },
        BlindTest {
            key: "dither-which",
            title: "Which one is dithered?",
            question: "A 500 Hz tone at -30 dBFS cut to 8 bits, twice: once plainly, once with TPDF dither. Which \
                       of the two is dithered?",
            a_label: "no dither",
            b_label: "TPDF dither",
            hint: "Listen for the steady hiss, and for a tone that stays clean under it: the undithered one has no \
                   hiss but a buzz of harmonics that moves with the tone.",
            a: converter(plain8),
            b: converter(dithered8),
            identify: true,
            match_loudness: false,
        },
        BlindTest {
            key: "staircase",
            title: "Staircase or band-limited DAC?",
            question: "A 1 kHz tone at 8 kHz: played as a staircase (zero-order hold) or as a DAC's smooth curve.",
            a_label: "band-limited",
            b_label: "staircase",
            hint: "The staircase's steps are images of the tone at 7, 9, 15, 17 kHz...: a harsh, metallic edge. A real \
                   DAC filters them away.",
            a: converter(smooth),
            b: converter(stairs),
            ..placeholder()
        },
        BlindTest {
            key: "export-16-24",
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
            ..placeholder()
        },
        BlindTest {
            key: "codec",
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
            ..placeholder()
        },
        BlindTest {
            key: "louder-matched",
            title: "Squashed or not, at the same loudness?",
            question: "The clean mix's master, and the same pushed 8 dB harder into its limiter, played at the same \
                       loudness: can you tell which is which?",
            a_label: "clean master",
            b_label: "limited 8 dB harder",
            hint: "Loudness is matched, so louder cannot win: listen to the drums' attack and to how the loud and \
                   the quiet bars differ. The squashed one is flatter.",
            a: master(0.0),
            b: master(8.0),
            identify: false,
            match_loudness: true,
        },
    ]
}

/// A test with nothing in it, for the fields a ready-made test leaves as they are.
fn placeholder() -> BlindTest {
    BlindTest {
        key: "",
        title: "",
        question: "",
        a_label: "",
        b_label: "",
        hint: "",
        a: ListenSpec::Silence,
        b: ListenSpec::Silence,
        identify: false,
        match_loudness: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every test's two sides build, and differ; the keys are the ones listed, once each.
    #[test]
    fn every_blind_test_builds_and_its_sides_differ() {
        let scene = Scene::band();
        let tests = all(&scene);
        assert_eq!(tests.iter().map(|t| t.key).collect::<Vec<_>>(), KEYS.to_vec());
        assert!(find("codec", &scene).is_some() && find("nope", &scene).is_none());
        for t in tests {
            assert_ne!(t.a, t.b, "{}", t.title);
            for spec in [&t.a, &t.b] {
                spec.build(48_000.0, Some(&scene)).unwrap_or_else(|e| panic!("{}: {e}", t.title));
            }
        }
    }
}
