//! `analyze` streams the file block by block on every core, and gives the very figures of the
//! whole file measured at once: each is compared, bit for bit, with the in-memory functions
//! (the file read whole, the loudness meter fed frame by frame, the true peak of each whole
//! channel, plain sums), for mono, stereo and 5.1, at lengths that do not divide the block
//! size, at 44.1 and 48 kHz, in 16-bit, 24-bit and float files, on 1, 2 and 3 threads. The
//! loudness and true peak also agree with the independent `ebur128` crate.

use std::path::{Path, PathBuf};
use std::process::Command;

use headroom_lab::analysis::loudness::LoudnessMeter;
use headroom_lab::analysis::true_peak::true_peak;
use headroom_lab::dsp::noise::Random;
use headroom_lab::units::{amp_to_db, power_to_db};
use headroom_lab::wav::{self, SampleFormat};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hl-stream-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A programme-like signal: a tone and noise per channel under a level that steps every
/// 1.3 s (so the gates and the loudness range have work), a DC offset, and with `spikes` a
/// few samples driven into full scale.
fn programme(channels: usize, frames: usize, rate: f64, seed: u64, spikes: bool) -> Vec<Vec<f64>> {
    let mut random = Random::new(seed);
    let steps: Vec<f64> = (0..64).map(|_| -40.0 + 34.0 * random.uniform()).collect();
    (0..channels)
        .map(|c| {
            let freq = 220.0 * (c + 1) as f64;
            (0..frames)
                .map(|i| {
                    let t = i as f64 / rate;
                    let level = 10f64.powf(steps[(t / 1.3) as usize % steps.len()] / 20.0);
                    let x = level * (0.6 * (std::f64::consts::TAU * freq * t).sin() + 0.3 * random.gaussian()) + 0.001;
                    if spikes && i % 7919 == 100 { 1.5 } else { x.clamp(-1.0, 1.0) }
                })
                .collect()
        })
        .collect()
}

/// The figures as the in-memory functions compute them from the whole file.
struct Reference {
    frames: u64,
    sample_peak_dbfs: f64,
    true_peak_dbtp: f64,
    rms_dbfs: f64,
    dc_offset: f64,
    clipped: u64,
    integrated: Option<f64>,
    momentary_max: Option<f64>,
    short_term_max: Option<f64>,
    range: f64,
}

fn reference(path: &Path) -> Reference {
    let audio = wav::read_file(path).expect("a valid file");
    let ch = &audio.channels;
    let sample_peak = ch.iter().flatten().fold(0.0f64, |m, x| m.max(x.abs()));
    let true_peak_lin = ch.iter().map(|c| true_peak(c).0).fold(sample_peak, f64::max);
    // Plain sums, each channel in time order, then the channels in order.
    let (mut sum, mut sum2) = (0.0, 0.0);
    for c in ch {
        let (s, s2) = c.iter().fold((0.0, 0.0), |(s, s2), &x| (s + x, s2 + x * x));
        sum += s;
        sum2 += s2;
    }
    let total = (audio.frames() * ch.len()) as f64;
    // The loudness meter fed one frame at a time.
    let mut loud = LoudnessMeter::new(ch.len(), f64::from(audio.sample_rate));
    let mut frame = vec![0.0; ch.len()];
    for i in 0..audio.frames() {
        for (f, c) in frame.iter_mut().zip(ch) {
            *f = c[i];
        }
        loud.push_frame(&frame);
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    Reference {
        frames: audio.frames() as u64,
        sample_peak_dbfs: amp_to_db(sample_peak),
        true_peak_dbtp: amp_to_db(true_peak_lin),
        rms_dbfs: power_to_db(sum2 / total),
        dc_offset: sum / total,
        clipped: audio.clipped_samples as u64,
        integrated: finite(loud.integrated()),
        momentary_max: finite(loud.momentary_max()),
        short_term_max: finite(loud.short_term_max()),
        range: loud.loudness_range(),
    }
}

/// The JSON `analyze` printed, and its text: numbers are read from the text with
/// `str::parse`, which rounds correctly (serde_json's fast parser may miss the last bit).
fn analyze(path: &Path, threads: Option<&str>) -> (serde_json::Value, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_headroom-lab"));
    cmd.arg("analyze").arg(path).arg("--json");
    if let Some(t) = threads {
        cmd.args(["--threads", t]);
    }
    let out = cmd.output().expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    (serde_json::from_str(&text).expect("JSON"), text)
}

/// The number printed for `key`, parsed exactly; `None` for `null`.
fn exact(text: &str, key: &str) -> Option<f64> {
    let quoted = format!("\"{key}\":");
    let start = text.find(&quoted).unwrap_or_else(|| panic!("{key} missing in {text}")) + quoted.len();
    let token = text[start..].split([',', '\n', '}']).next().unwrap_or("").trim();
    if token == "null" { None } else { Some(token.parse().unwrap_or_else(|_| panic!("{key}: {token}"))) }
}

fn number(text: &str, key: &str) -> f64 {
    exact(text, key).unwrap_or_else(|| panic!("{key} is null"))
}

fn assert_same(r: &Reference, (a, text): &(serde_json::Value, String), what: &str) {
    assert_eq!(a["frames"].as_u64(), Some(r.frames), "{what}: frames");
    assert_eq!(a["clipped_samples"].as_u64(), Some(r.clipped), "{what}: clipped");
    for (key, want) in [
        ("sample_peak_dbfs", r.sample_peak_dbfs),
        ("true_peak_dbtp", r.true_peak_dbtp),
        ("rms_dbfs", r.rms_dbfs),
        ("dc_offset", r.dc_offset),
        ("crest_factor_db", r.sample_peak_dbfs - r.rms_dbfs),
        ("loudness_range_lu", r.range),
    ] {
        assert_eq!(number(text, key), want, "{what}: {key}");
    }
    for (key, want) in [
        ("lufs_integrated", r.integrated),
        ("lufs_momentary_max", r.momentary_max),
        ("lufs_short_term_max", r.short_term_max),
    ] {
        assert_eq!(exact(text, key), want, "{what}: {key}");
    }
}

#[test]
fn streamed_figures_equal_the_whole_file_figures_bit_for_bit() {
    let dir = temp_dir("equal");
    // (channels, frames, rate, format): the block is 4 096 frames; the loudness sub-block
    // 4 410 or 4 800.
    let cases = [
        (1, 1, 48_000, SampleFormat::Int(16)),
        (1, 16_385, 44_100, SampleFormat::Int(24)),
        (2, 5 * 16_384 - 1, 48_000, SampleFormat::Int(16)),
        (2, 12 * 48_000 + 4_799, 48_000, SampleFormat::Int(24)),
        (2, 7 * 44_100 + 13, 44_100, SampleFormat::Float(32)),
        (6, 9 * 48_000 + 333, 48_000, SampleFormat::Int(24)),
        (6, 1_000, 48_000, SampleFormat::Float(32)),
    ];
    for (i, &(channels, frames, rate, format)) in cases.iter().enumerate() {
        let path = dir.join(format!("case{i}.wav"));
        let signal = programme(channels, frames, f64::from(rate), i as u64 + 1, true);
        wav::write_file(&path, rate, format, &signal).expect("write");
        let r = reference(&path);
        for threads in [None, Some("1"), Some("2"), Some("3")] {
            let what = format!("{channels} ch, {frames} frames at {rate} Hz, {format:?}, threads {threads:?}");
            assert_same(&r, &analyze(&path, threads), &what);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_flac_file_streamed_packet_by_packet_gives_the_figures_of_its_wav_source() {
    // The fixture is lossless FLAC of two-tones.wav (tests/fixtures/make.sh): 13 230 frames of
    // stereo, several FLAC packets and analyze blocks, neither dividing the length.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let r = reference(&fixtures.join("two-tones.wav"));
    for threads in [None, Some("1"), Some("2")] {
        let streamed = analyze(&fixtures.join("two-tones.flac"), threads);
        assert_same(&r, &streamed, &format!("two-tones.flac, threads {threads:?}"));
    }
}

#[test]
fn a_flac_file_cut_short_is_refused_with_what_is_missing() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bytes = std::fs::read(fixtures.join("two-tones.flac")).expect("fixture");
    let dir = temp_dir("cut");
    let cut = dir.join("cut.flac");
    // Half the file: the header declares 13 230 frames, about half of them follow.
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_headroom-lab")).arg("analyze").arg(&cut).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cut.flac") && err.contains("of the 13230 frames its header declares"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The same WAV file as RF64 (EBU Tech 3306, the format of WAV files past 4 GB): "RF64", a
/// ds64 chunk holding the sizes, and 0xFFFFFFFF in the data chunk's size field. Without
/// `ds64`, the sizes are nowhere.
fn as_rf64(riff: &[u8], frames: u64, ds64: bool) -> Vec<u8> {
    let u32_at = |i: usize| u32::from_le_bytes([riff[i], riff[i + 1], riff[i + 2], riff[i + 3]]) as usize;
    let mut chunks = Vec::new();
    let mut data_size = 0;
    let mut pos = 12;
    while pos + 8 <= riff.len() {
        let size = u32_at(pos + 4);
        if &riff[pos..pos + 4] == b"data" {
            data_size = size;
            chunks.extend_from_slice(b"data");
            chunks.extend_from_slice(&u32::MAX.to_le_bytes());
            chunks.extend_from_slice(&riff[pos + 8..pos + 8 + size]);
            break;
        }
        chunks.extend_from_slice(&riff[pos..pos + 8 + size + (size & 1)]);
        pos += 8 + size + (size & 1);
    }
    let mut out = b"RF64".to_vec();
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(b"WAVE");
    if ds64 {
        out.extend_from_slice(b"ds64");
        out.extend_from_slice(&28u32.to_le_bytes());
        out.extend_from_slice(&((4 + 36 + chunks.len()) as u64).to_le_bytes());
        out.extend_from_slice(&(data_size as u64).to_le_bytes());
        out.extend_from_slice(&frames.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    out.extend_from_slice(&chunks);
    out
}

#[test]
fn an_rf64_file_gives_the_figures_of_the_same_samples_in_a_riff_file() {
    let dir = temp_dir("rf64");
    let (frames, rate) = (3 * 48_000 + 77, 48_000);
    let riff = dir.join("riff.wav");
    wav::write_file(&riff, rate, SampleFormat::Int(24), &programme(2, frames, f64::from(rate), 5, true))
        .expect("write");
    let bytes = std::fs::read(&riff).expect("read");
    let rf64 = dir.join("rf64.wav");
    std::fs::write(&rf64, as_rf64(&bytes, frames as u64, true)).expect("write");
    let r = reference(&riff);
    for threads in [Some("1"), Some("2")] {
        assert_same(&r, &analyze(&rf64, threads), &format!("RF64, threads {threads:?}"));
    }
    // Without its ds64 chunk the file says nothing of its size: refused, saying so.
    let broken = dir.join("no-ds64.wav");
    std::fs::write(&broken, as_rf64(&bytes, frames as u64, false)).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_headroom-lab")).arg("analyze").arg(&broken).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no-ds64.wav") && err.contains("ds64"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn loudness_and_true_peak_agree_with_the_ebur128_crate() {
    let dir = temp_dir("ebur128");
    let rate = 48_000u32;
    let signal = programme(2, 40 * 48_000, f64::from(rate), 99, false);
    let path = dir.join("programme.wav");
    wav::write_file(&path, rate, SampleFormat::Float(32), &signal).expect("write");
    // The crate measures what the file holds: the samples rounded to single precision.
    let stored = wav::read_file(&path).expect("read").channels;
    let mode = ebur128::Mode::I | ebur128::Mode::LRA | ebur128::Mode::M | ebur128::Mode::S | ebur128::Mode::TRUE_PEAK;
    let mut e = ebur128::EbuR128::new(2, rate, mode).expect("ebur128");
    let planar: Vec<&[f64]> = stored.iter().map(Vec::as_slice).collect();
    e.add_frames_planar_f64(&planar).expect("frames");
    let (_, a) = analyze(&path, None);
    let integrated = e.loudness_global().expect("integrated");
    let range = e.loudness_range().expect("range");
    let tp = (0..2).map(|c| e.true_peak(c).expect("true peak")).fold(0.0, f64::max);
    assert!((number(&a, "lufs_integrated") - integrated).abs() < 0.1, "integrated {a} vs {integrated}");
    assert!((number(&a, "loudness_range_lu") - range).abs() < 0.2, "range {a} vs {range}");
    assert!((number(&a, "true_peak_dbtp") - amp_to_db(tp)).abs() < 0.2, "true peak {a} vs {}", amp_to_db(tp));
    std::fs::remove_dir_all(&dir).ok();
}
