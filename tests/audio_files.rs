//! Audio files as track sources: FLAC, MP3 and Ogg Vorbis decode to what was encoded, mixed to
//! mono. The fixtures (`tests/fixtures/make.sh`, SoX) are one WAV (1 kHz left, 3 kHz right,
//! faded in and out), that WAV encoded, and what the reference decoders (libmad, libvorbis)
//! make of the lossy files. FLAC is lossless: it decodes to the WAV's samples exactly. MP3 and
//! Vorbis decode to what the reference decoders give, within their 16-bit rounding, and to the
//! source within the noise their bit rate leaves, late by the encoder's known delay.

use std::path::PathBuf;

use headroom_lab::audiofile::decode_mono;
use headroom_lab::wav;

/// One LSB of 16 bits, full scale 1.
const LSB16: f64 = 1.0 / 32_768.0;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A WAV fixture read by the project's own reader, mixed to mono as (L + R) / 2.
fn wav_mono(name: &str) -> Vec<f64> {
    let audio = wav::read_file(&fixture(name)).expect("a WAV fixture");
    assert_eq!(audio.sample_rate, 44_100);
    match audio.channels.as_slice() {
        [mono] => mono.clone(),
        [l, r] => l.iter().zip(r).map(|(l, r)| (l + r) / 2.0).collect(),
        other => panic!("{name}: {} channels", other.len()),
    }
}

/// The lag (samples, 0 to 3000) at which `got` lines up best with `want`: `got[i + lag]` is
/// `want[i]`. The fades make the best lag unique.
fn lag(got: &[f64], want: &[f64]) -> usize {
    let dot = |lag: usize| want.iter().zip(got.iter().skip(lag)).map(|(x, y)| x * y).sum::<f64>();
    (0..3_000).max_by(|&a, &b| dot(a).total_cmp(&dot(b))).expect("a lag")
}

/// Signal to error of `got` (from `lag` on) against `want`, in dB, and the largest error.
fn compare(got: &[f64], want: &[f64], lag: usize) -> (f64, f64) {
    let (mut err, mut sig, mut worst) = (0.0, 0.0, 0.0f64);
    for (x, y) in want.iter().zip(got.iter().skip(lag)) {
        err += (y - x).powi(2);
        sig += x * x;
        worst = worst.max((y - x).abs());
    }
    (10.0 * (sig / err).log10(), worst)
}

#[test]
fn flac_decodes_to_the_samples_exactly() {
    let want = wav_mono("two-tones.wav");
    assert_eq!(want.len(), 13_230, "0.3 s at 44.1 kHz");
    let (rate, got) = decode_mono(&fixture("two-tones.flac")).expect("decodes");
    assert_eq!(rate, 44_100);
    assert_eq!(got, want, "lossless: every sample equal");
}

/// A lossy file against its reference decoder and its source.
fn lossy(name: &str, encoder_delay: usize, min_snr_db: f64) {
    let (rate, got) = decode_mono(&fixture(name)).expect("decodes");
    assert_eq!(rate, 44_100, "{name}");
    // Two decoders of one bitstream: the same samples from the first on, within the reference's
    // rounding to 16 bits (half an LSB) and their arithmetic; 2 LSB allowed.
    let reference = wav_mono(&format!("{name}.wav"));
    assert_eq!(lag(&got, &reference), 0, "{name}: in time with the reference decoder");
    let (_, worst) = compare(&got, &reference, 0);
    assert!(worst <= 2.0 * LSB16, "{name}: {:.2} LSB from the reference decoder", worst / LSB16);
    // Against the source: late by the encoder's delay (LAME: 576 + 529 samples; Vorbis: none),
    // nothing lost at the end, and the noise of the bit rate.
    let source = wav_mono("two-tones.wav");
    assert_eq!(lag(&got, &source), encoder_delay, "{name}");
    assert!(got.len() >= source.len() + encoder_delay, "{name}: {} samples", got.len());
    let (snr, _) = compare(&got, &source, encoder_delay);
    assert!(snr > min_snr_db, "{name}: SNR {snr:.1} dB against the source");
}

#[test]
fn mp3_decodes_as_the_reference_decoder_does() {
    // Measured 26.0 dB at 128 kbit/s on these two tones.
    lossy("two-tones.mp3", 1_105, 23.0);
}

#[test]
fn ogg_vorbis_decodes_as_the_reference_decoder_does() {
    // Measured 40.3 dB at quality 5.
    lossy("two-tones.ogg", 0, 37.0);
}

#[test]
fn a_damaged_compressed_file_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("dir");
    for name in ["two-tones.flac", "two-tones.mp3", "two-tones.ogg"] {
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        let cut = dir.path().join(name);
        std::fs::write(&cut, &bytes[..40]).expect("write");
        let e = decode_mono(&cut).expect_err("40 bytes are no audio");
        assert!(e.contains(name), "{e}");
    }
}
