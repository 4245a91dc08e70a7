//! The command line as a user drives it: `render` writes WAV files on the N-bit grid with the
//! promised JSON, `analyze` measures them, and every bad input ends with a one-line error and
//! exit code 2, never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_headroom-lab"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hl-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Exit code 2, one line on stderr that mentions `needle`, no panic.
fn assert_refused(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line expected: {err:?}");
    assert!(err.to_lowercase().contains(&needle.to_lowercase()), "{err:?} should mention {needle:?}");
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

#[test]
fn render_writes_the_promised_file_and_json() {
    let dir = temp_dir("render");
    let out = dir.join("tone.wav");
    let r = run(&[
        "render",
        "--signal",
        "sine",
        "--freq",
        "1000",
        "--level-dbfs",
        "-1",
        "--sample-rate",
        "44100",
        "--bits",
        "16",
        "--dither",
        "tpdf",
        "--aa-filter",
        "steep",
        "--seconds",
        "2",
        "--out",
        p(&out),
        "--json",
    ]);
    let j = json(&r);
    for key in
        ["snr_db", "theory_snr_db", "alias_frequencies_hz", "clipped_samples", "sample_peak_dbfs", "true_peak_dbtp"]
    {
        assert!(j.get(key).is_some(), "missing {key}");
    }
    let snr = j["snr_db"].as_f64().expect("number");
    let theory = j["theory_snr_db"].as_f64().expect("number");
    assert!((snr - theory).abs() < 0.5, "{snr} vs {theory}");
    assert!((theory - (98.09 - 1.0 - 4.77)).abs() < 0.1);
    assert_eq!(j["clipped_samples"], 0);

    let a = json(&run(&["analyze", p(&out), "--json"]));
    assert_eq!(a["sample_rate"], 44_100);
    assert_eq!(a["channels"], 1);
    assert_eq!(a["frames"], 88_200);
    assert!((a["duration_s"].as_f64().expect("number") - 2.0).abs() < 1e-9);
    assert!((a["sample_peak_dbfs"].as_f64().expect("number") + 1.0).abs() < 0.01);
    assert!((a["rms_dbfs"].as_f64().expect("number") + 4.01).abs() < 0.01);
    assert!((a["crest_factor_db"].as_f64().expect("number") - 3.01).abs() < 0.02);
    assert!((a["headroom_db"].as_f64().expect("number") - 1.0).abs() < 0.01);
    // One source of truth: render and analyze agree on what was written.
    assert!(
        (a["sample_peak_dbfs"].as_f64().expect("number") - j["sample_peak_dbfs"].as_f64().expect("number")).abs()
            < 1e-6
    );
    for key in ["true_peak_dbtp", "clipped_samples", "dc_offset"] {
        assert!(a.get(key).is_some(), "analyze misses {key}");
    }
}

#[test]
fn samples_land_exactly_on_the_n_bit_grid() {
    let dir = temp_dir("grid");
    for (bits, container_bits, step) in
        [("4", 16u16, 1i32 << 12), ("12", 16, 1 << 4), ("16", 16, 1), ("20", 24, 1 << 4), ("24", 24, 1)]
    {
        let out = dir.join(format!("b{bits}.wav"));
        let r = run(&["render", "--bits", bits, "--dither", "tpdf", "--seconds", "0.2", "--out", p(&out)]);
        assert!(r.status.success());
        let reader = hound::WavReader::open(&out).expect("valid WAV");
        assert_eq!(reader.spec().bits_per_sample, container_bits);
        let samples: Vec<i32> = reader.into_samples::<i32>().map(|s| s.expect("sample")).collect();
        assert!(samples.iter().all(|s| s % step == 0), "{bits} bits off the grid");
        assert!(samples.iter().any(|&s| s != 0));
    }
    let out = dir.join("float.wav");
    assert!(run(&["render", "--bits", "32f", "--gain-db", "6", "--seconds", "0.1", "--out", p(&out)]).status.success());
    let reader = hound::WavReader::open(&out).expect("valid WAV");
    assert_eq!(reader.spec().sample_format, hound::SampleFormat::Float);
    let a = json(&run(&["analyze", p(&out), "--json"]));
    assert!(a["sample_peak_dbfs"].as_f64().expect("number") > 4.9, "float keeps the overs");
    assert!(a["clipped_samples"].as_u64().expect("number") > 0, "overs count as clipped in a float file");
}

#[test]
fn render_json_lists_the_alias_and_counts_clipping() {
    let j = json(&run(&["render", "--freq", "30000", "--sample-rate", "44100", "--aa-filter", "off", "--json"]));
    assert_eq!(j["alias_frequencies_hz"], serde_json::json!([14100.0]));
    let j = json(&run(&["render", "--freq", "30000", "--sample-rate", "44100", "--aa-filter", "steep", "--json"]));
    assert_eq!(j["alias_frequencies_hz"], serde_json::json!([]));
    let j = json(&run(&["render", "--gain-db", "3", "--level-dbfs", "0", "--seconds", "1", "--json"]));
    assert!(j["clipped_samples"].as_u64().expect("number") > 1000);
}

#[test]
fn every_source_renders() {
    for s in ["sine", "square", "sawtooth", "triangle", "white-noise", "pink-noise", "sweep", "two-tone", "impulse"] {
        let j = json(&run(&["render", "--signal", s, "--seconds", "0.25", "--json"]));
        assert!(j["sample_peak_dbfs"].as_f64().expect("number").is_finite(), "{s}");
    }
}

#[test]
fn bad_options_are_refused_in_one_line() {
    assert_refused(&run(&["render", "--bits", "0", "--json"]), "bit depth");
    assert_refused(&run(&["render", "--signal", "live-input", "--json"]), "record");
    assert_refused(&run(&["render", "--bits", "25", "--json"]), "bit depth");
    assert_refused(&run(&["render", "--sample-rate", "500", "--json"]), "sample_rate_hz");
    assert_refused(&run(&["render", "--sample-rate", "200000", "--json"]), "sample_rate_hz");
    assert_refused(&run(&["render", "--seconds", "-1", "--json"]), "seconds");
    assert_refused(&run(&["render", "--seconds", "0", "--json"]), "seconds");
    assert_refused(&run(&["render", "--dither", "lots", "--json"]), "dither");
    assert_refused(&run(&["render", "--signal", "banjo", "--json"]), "banjo");
    assert_refused(&run(&["render", "--aa-filter", "brick", "--json"]), "filter");
    assert_refused(&run(&["render", "--freq", "nan", "--json"]), "freq");
    assert_refused(&run(&["render", "--gain-db", "1e9", "--json"]), "gain");
    assert_refused(&run(&["render"]), "--out");
    assert_refused(&run(&["render", "--out", "/nonexistent-dir/x.wav"]), "cannot write");
    assert_refused(&run(&["frobnicate"]), "frobnicate");
}

#[test]
fn bad_files_are_refused_in_one_line() {
    let dir = temp_dir("badfiles");
    assert_refused(&run(&["analyze", p(&dir.join("missing.wav"))]), "cannot read");
    let empty = dir.join("empty.wav");
    std::fs::write(&empty, b"").expect("write");
    assert_refused(&run(&["analyze", p(&empty)]), "empty");
    let text = dir.join("text.wav");
    std::fs::write(&text, "this is not audio at all, just words").expect("write");
    assert_refused(&run(&["analyze", p(&text)]), "not a WAV");

    let good = dir.join("good.wav");
    assert!(run(&["render", "--seconds", "0.1", "--out", p(&good)]).status.success());
    let bytes = std::fs::read(&good).expect("read");
    let truncated = dir.join("truncated.wav");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    assert_refused(&run(&["analyze", p(&truncated)]), "truncated");

    // Absurd headers: zero channels, a sample rate of zero, 99 channels.
    for (offset, value, needle) in [(22usize, 0u16, "channels"), (24, 0, "sample rate"), (22, 99, "channels")] {
        let mut b = bytes.clone();
        b[offset..offset + 2].copy_from_slice(&value.to_le_bytes());
        if offset == 24 {
            b[26..28].copy_from_slice(&0u16.to_le_bytes());
        }
        let f = dir.join(format!("absurd-{offset}-{value}.wav"));
        std::fs::write(&f, &b).expect("write");
        assert_refused(&run(&["analyze", p(&f)]), needle);
    }
    assert_refused(&run(&["analyze", p(&dir)]), "cannot read");
}

#[test]
fn analyze_reads_every_supported_format() {
    let dir = temp_dir("formats");
    let specs = [
        (8u16, hound::SampleFormat::Int),
        (16, hound::SampleFormat::Int),
        (24, hound::SampleFormat::Int),
        (32, hound::SampleFormat::Int),
        (32, hound::SampleFormat::Float),
    ];
    for (bits, format) in specs {
        for channels in [1u16, 2, 8] {
            let path = dir.join(format!("f{bits}-{format:?}-{channels}.wav"));
            let spec = hound::WavSpec { channels, sample_rate: 32_000, bits_per_sample: bits, sample_format: format };
            let mut w = hound::WavWriter::create(&path, spec).expect("create");
            for i in 0..3200 {
                let x = 0.5 * (f64::from(i) * 0.1).sin();
                for _ in 0..channels {
                    match format {
                        hound::SampleFormat::Float => w.write_sample(x as f32).expect("write"),
                        hound::SampleFormat::Int => {
                            let scale = f64::from(1u32 << (bits - 1));
                            w.write_sample((x * scale).round() as i32).expect("write");
                        }
                    }
                }
            }
            w.finalize().expect("finalize");
            let a = json(&run(&["analyze", p(&path), "--json"]));
            assert_eq!(a["channels"], channels);
            assert_eq!(a["frames"], 3200);
            let peak = a["sample_peak_dbfs"].as_f64().expect("number");
            assert!((peak + 6.02).abs() < 0.1, "{bits}-bit {format:?}: {peak}");
        }
    }
    // 64-bit float, written by hand (hound does not write it).
    let mut b = Vec::new();
    let data: Vec<u8> = (0..100).flat_map(|i| (0.25 * (f64::from(i) * 0.3).sin()).to_le_bytes()).collect();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    for v in [3u16, 1] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&48_000u32.to_le_bytes());
    b.extend_from_slice(&(48_000u32 * 8).to_le_bytes());
    for v in [8u16, 64] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&data);
    let f64_path = dir.join("f64.wav");
    std::fs::write(&f64_path, &b).expect("write");
    let a = json(&run(&["analyze", p(&f64_path), "--json"]));
    assert_eq!(a["frames"], 100);
}

fn scene_path(name: &str) -> String {
    format!("{}/assets/demos/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn render_a_scene_stage_with_every_meter() {
    let dir = temp_dir("scene");
    let out = dir.join("export.wav");
    let j = json(&run(&[
        "render",
        "--scene",
        &scene_path("15-clean-mix.toml"),
        "--stage",
        "export",
        "--out",
        p(&out),
        "--json",
    ]));
    for key in [
        "sample_peak_dbfs",
        "peak_hold_dbfs",
        "true_peak_dbtp",
        "rms_dbfs",
        "vu",
        "lufs_momentary_max",
        "lufs_short_term_max",
        "lufs_integrated",
        "loudness_range_lu",
        "crest_factor_db",
        "plr_db",
        "headroom_db",
        "headroom_to_ceiling_db",
        "clipped_samples",
        "noise_floor_dbfs",
    ] {
        assert!(j.get(key).is_some_and(|v| !v.is_null()), "missing {key}: {j}");
    }
    assert_eq!(j["sample_rate"], 44_100.0);
    // What the chain measured is what `analyze` measures in the file it wrote.
    let a = json(&run(&["analyze", p(&out), "--json"]));
    for key in ["lufs_integrated", "true_peak_dbtp", "sample_peak_dbfs", "loudness_range_lu"] {
        let (x, y) = (j[key].as_f64().expect("number"), a[key].as_f64().expect("number"));
        assert!((x - y).abs() < 0.05, "{key}: render {x}, analyze {y}");
    }
    for key in ["lufs_momentary_max", "lufs_short_term_max", "true_peak_headroom_db"] {
        assert!(a.get(key).is_some_and(|v| !v.is_null()), "analyze misses {key}");
    }
    // A track's ADC tap, mono.
    let t = json(&run(&[
        "render",
        "--scene",
        &scene_path("13-too-hot-tracking.toml"),
        "--stage",
        "track:Drums:adc",
        "--seconds",
        "4",
        "--json",
    ]));
    assert_eq!(t["channels"], 1);
    assert!(t["clipped_samples"].as_u64().expect("number") > 0);
}

#[test]
fn scene_check_and_bad_stages() {
    let ok = run(&["scene", "check", &scene_path("15-clean-mix.toml")]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let dir = temp_dir("badscene");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\n\n[[tracks]]\nname = \"A\"\nsource = { kind = \"drums\" }\nfader_db = 90\n")
        .expect("write");
    let r = run(&["scene", "check", p(&bad)]);
    assert_refused(&r, "bad.toml:6:12: field `tracks[0].fader_db`");
    assert_refused(
        &run(&["render", "--scene", &scene_path("15-clean-mix.toml"), "--stage", "track:Tuba", "--json"]),
        "unknown stage",
    );
    assert_refused(&run(&["scene", "check", p(&dir.join("missing.toml"))]), "cannot read");
}

#[test]
fn a_wav_file_plays_as_a_track() {
    let dir = temp_dir("filetrack");
    let take = dir.join("take.wav");
    assert!(
        run(&[
            "render",
            "--signal",
            "sawtooth",
            "--freq",
            "110",
            "--sample-rate",
            "44100",
            "--seconds",
            "3",
            "--out",
            p(&take)
        ])
        .status
        .success()
    );
    let scene = dir.join("s.toml");
    std::fs::write(&scene, "name = \"take\"\n[[tracks]]\nname = \"Take\"\nsource = { kind = \"file\", path = \"take.wav\", level_dbfs = -30 }\npreamp_db = 20\n").expect("write");
    let j = json(&run(&["render", "--scene", p(&scene), "--stage", "track:Take:adc", "--seconds", "2", "--json"]));
    let peak = j["sample_peak_dbfs"].as_f64().expect("number");
    assert!((peak + 10.0).abs() < 0.5, "the file plays at its source level plus the preamp: {peak}");
}

/// `render --point error` writes the quantization error alone (within half an LSB, a quarter
/// LSB RMS); `--format 16 --file-dither tpdf` on a 24-bit signal writes 16-bit codes with the TPDF
/// noise floor; the analog point is written at 48 kHz.
#[test]
fn render_writes_any_point_in_any_format() {
    let dir = temp_dir("points");
    let error = dir.join("error.wav");
    let out = run(&["render", "--bits", "8", "--point", "error", "--format", "32f", "--out", p(&error)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let audio = headroom_lab::wav::read_file(&error).expect("a WAV");
    let e = audio.mono();
    let lsb = 1.0 / 128.0;
    assert!(e.iter().all(|x| x.abs() <= 0.5 * lsb + 1e-7), "the error stays within half an LSB");
    let rms = (e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64).sqrt();
    assert!((rms / (lsb / 12f64.sqrt()) - 1.0).abs() < 0.05, "error RMS {rms}");

    let cut = dir.join("cut.wav");
    let out = run(&[
        "render",
        "--bits",
        "24",
        "--level-dbfs",
        "-20",
        "--seconds",
        "2",
        "--format",
        "16",
        "--file-dither",
        "tpdf",
        "--out",
        p(&cut),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = json(&run(&["analyze", p(&cut), "--json"]));
    assert_eq!(json["format"].as_str(), Some("16-bit integer"), "{json}");
    // TPDF at 16 bits: the noise floor sits 4.77 dB above plain rounding's: SNR 98.1 - 20 - 4.77.
    let x = headroom_lab::wav::read_file(&cut).expect("a WAV").mono();
    let spectrum = headroom_lab::analysis::spectrum::SpectrumAnalyzer::new().analyze(
        &x[..65_536],
        48_000.0,
        65_536,
        headroom_lab::analysis::window::Window::Kaiser,
    );
    let snr = headroom_lab::analysis::sine_test::sine_test(&spectrum, Some(997.0)).expect("a sine").snr_db;
    let theory = 6.0206 * 16.0 + 1.7609 - 20.0 - 4.7712;
    assert!((snr - theory).abs() < 1.0, "SNR {snr:.2} dB, theory {theory:.2} dB");

    let analog = dir.join("analog.wav");
    let out = run(&["render", "--sample-rate", "8000", "--point", "analog", "--out", p(&analog)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(headroom_lab::wav::read_file(&analog).expect("a WAV").sample_rate, 48_000);
    assert_refused(&run(&["render", "--point", "middle", "--out", p(&analog)]), "point");
    assert_refused(&run(&["render", "--format", "12", "--out", p(&analog)]), "format");
    std::fs::remove_dir_all(&dir).ok();
}

/// `measure`: the measurements as CSV (the app's Figures menu writes the same table), to
/// standard output or atomically to a file; nothing to measure is refused in one line.
#[test]
fn measure_writes_the_measurements_as_csv() {
    let out = run(&["measure", "--scene", &scene_path("06-aliasing-30k.toml")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.lines().nth(1).is_some_and(|l| l == "quantity,value,unit,about,note"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("alias_hz,14100.0")), "{csv}");
    let dir = std::env::temp_dir().join(format!("hl-cli-measure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("mix.csv");
    let out = run(&["measure", "--scene", &scene_path("15-clean-mix.toml"), "--out", file.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).expect("written");
    let tp = text.lines().find(|l| l.starts_with("master.true_peak_dbtp,")).expect("the master's true peak");
    let value: f64 = tp.split(',').nth(1).and_then(|v| v.parse().ok()).expect("a number");
    assert!(value <= -1.0 + 0.05, "the clean mix's limiter holds -1 dBTP: {value}");
    assert_refused(&run(&["measure"]), "--scene");
    assert_refused(&run(&["measure", "--preset", "nonsense"]), "unknown preset");
    std::fs::remove_dir_all(&dir).ok();
}
