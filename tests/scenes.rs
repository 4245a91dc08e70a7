//! Scene files: every example in assets/demos loads and runs; broken ones are refused with the
//! file, the line, the column and the field.

use headroom_lab::chain::engine::{Chain, StageId};
use headroom_lab::chain::scene::Scene;

fn scene_files() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demos");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("assets/demos exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_scene_loads_and_renders() {
    let files = scene_files();
    assert!(files.len() >= 5, "the example scenes are missing: {files:?}");
    for f in files {
        let scene = Scene::load(&f).unwrap_or_else(|e| panic!("{e}"));
        if scene.tracks.is_empty() {
            continue;
        }
        let mut chain = Chain::new(&scene).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let out = chain.render(StageId::Export, 4800);
        assert!(out.iter().flatten().all(|x| x.is_finite()), "{}", f.display());
    }
}

#[test]
fn the_example_scenes_show_what_they_say() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demos");
    let run = |name: &str| {
        let scene = Scene::load(&dir.join(name)).expect("loads");
        let mut chain = Chain::new(&scene).expect("builds");
        chain.render(StageId::Export, 16 * 48_000);
        chain.readout()
    };
    let clean = run("15-clean-mix.toml");
    for t in &clean.tracks {
        assert!(
            (-12.0..=-6.0).contains(&t.adc.sample_peak_dbfs),
            "{}: tracking peak {:.1}",
            t.name,
            t.adc.sample_peak_dbfs
        );
        assert_eq!(t.adc.clipped_samples, 0);
    }
    assert!((-6.0..=-3.0).contains(&clean.bus.sample_peak_dbfs), "mix peak {:.1}", clean.bus.sample_peak_dbfs);
    assert!(clean.master.true_peak_dbtp.expect("tp") <= -1.0);
    assert!((clean.master.lufs_integrated.expect("lufs") + 14.0).abs() <= 1.0);

    let hot = run("13-too-hot-tracking.toml");
    assert!(hot.tracks[0].adc.clipped_samples > 0 && hot.tracks[1].adc.clipped_samples > 0);

    let over = run("16-float-bus-over.toml");
    assert!(over.bus.sample_peak_dbfs > 0.0 && over.export.clipped_samples > 0);

    let codec = run("17-loud-master-codec.toml");
    assert!(codec.master.true_peak_dbtp.expect("tp") <= -0.1 && codec.export.true_peak_dbtp.expect("tp") > 0.0);
}

/// Broken scenes: the file, the line, the column (of the value, or of the key for an unknown
/// one, or of the table a missing field belongs in) and the field path from the deserializer.
#[test]
fn broken_scenes_name_file_line_column_and_field() {
    let cases: &[(&str, (usize, usize), &str, &str)] = &[
        ("name = \"x\"\nsample_rate_hz = 500\n", (2, 18), "sample_rate_hz", "between"),
        ("name = \"x\"\nsample_rate_hz = \"fast\"\n", (2, 18), "sample_rate_hz", "invalid type"),
        ("name = \"x\"\nsampel_rate_hz = 48000\n", (2, 1), "sampel_rate_hz", "unknown field"),
        ("sample_rate_hz = 48000\n", (1, 1), "name", "missing field `name`"),
        (
            "name = \"x\"\n[[tracks]]\nname = \"A\"\nsource = { kind = \"kazoo\" }\n",
            (4, 19),
            "tracks[0].source.kind",
            "unknown variant",
        ),
        (
            "name = \"x\"\n[[tracks]]\nname = \"A\"\nsource = { kind = \"drums\" }\npreamp_db = 99\n",
            (5, 13),
            "tracks[0].preamp_db",
            "between",
        ),
        (
            "name = \"x\"\n[[tracks]]\nname = \"A\"\nsource = { kind = \"drums\" }\nbits = 30\n",
            (5, 8),
            "tracks[0].bits",
            "bit depth",
        ),
        // A missing path: located at the source table that lacks it.
        (
            "name = \"x\"\n[[tracks]]\nname = \"A\"\nsource = { kind = \"file\" }\n",
            (4, 10),
            "tracks[0].source.path",
            "path",
        ),
        ("name = \"x\"\n[master]\nlimiter = { ceiling_dbtp = 3 }\n", (3, 28), "master.limiter.ceiling_dbtp", "between"),
        ("name = \"x\"\n[export]\nbits = 12\n", (3, 8), "export.bits", "16, 24 or 32f"),
        ("name = \"x\"\n[bus]\nformat = \"fixed16\"\n", (3, 10), "bus.format", "unknown variant"),
        ("name = \"x\"\n[targets]\nmix_peak_dbfs = [-3, -6]\n", (2, 1), "targets", "low < high"),
        // What a line scanner got wrong: a comment after the header, dotted and quoted keys.
        ("name = \"x\"\n[[tracks]] # kick\nname = 3\n", (3, 8), "tracks[0].name", "invalid type: integer"),
        ("name = \"x\"\nmaster.limiter.ceiling_dbtp = 2\n", (2, 31), "master.limiter.ceiling_dbtp", "between"),
        ("name = \"x\"\n[master]\n\"fader_db\" = true\n", (3, 14), "master.fader_db", "invalid type: boolean"),
    ];
    for (i, (text, (line, column), field, needle)) in cases.iter().enumerate() {
        let e = Scene::from_toml("broken.toml", text).expect_err("must be refused");
        assert_eq!(e.file, "broken.toml");
        assert_eq!((e.line, e.column), (Some(*line), Some(*column)), "case {i}: {e}");
        assert_eq!(e.field.as_deref(), Some(*field), "case {i}: {e}");
        assert!(e.to_string().starts_with(&format!("broken.toml:{line}:{column}: field `{field}`: ")), "case {i}: {e}");
        assert!(e.to_string().to_lowercase().contains(&needle.to_lowercase()), "case {i}: {e}");
    }
    let e = Scene::from_toml("broken.toml", "name = \"x\"\n[[tracks]\nname = \"A\"\n").expect_err("syntax");
    assert_eq!((e.line, e.field.as_deref()), (Some(2), None), "{e}");
}

#[test]
fn an_unreadable_track_file_is_refused_with_the_reason() {
    let dir = std::env::temp_dir().join(format!("hl-scene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("noise.wav"), b"RIFF....WAVEjunk").expect("write");
    let text = "name = \"x\"\n[[tracks]]\nname = \"Take\"\nsource = { kind = \"file\", path = \"noise.wav\" }\n";
    std::fs::write(dir.join("s.toml"), text).expect("write");
    let scene = Scene::load(&dir.join("s.toml")).expect("the scene itself is fine");
    let err = Chain::new(&scene).expect_err("the file is not audio");
    assert!(err.contains("Take") && err.contains("noise.wav"), "{err}");
}

#[test]
fn the_documented_example_parses() {
    let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demos/README.md"))
        .expect("README");
    let block = doc.split("```toml").nth(1).and_then(|b| b.split("```").next()).expect("a toml block");
    let scene = Scene::from_toml("README.md", block).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scene.tracks.len(), 3);
    assert!(scene.converter.is_some());
}

/// The demo library: every file loads, they come in class order (converter topics first, then
/// the desk), and the converter demos show what their descriptions say, measured on the model.
#[test]
fn the_demo_library_loads_in_order_and_its_demos_show_what_they_say() {
    use headroom_lab::chain::scene::Screen;
    use headroom_lab::lesson::expr::{Reader, Value};
    use headroom_lab::lesson::measure::{SimState, measure};
    use headroom_lab::lesson::quantity::{ConvQ, Quantity, Scope};
    use headroom_lab::sim::demos::{DemoLibrary, builtin_dir};
    let lib = DemoLibrary::load(builtin_dir().as_deref(), None);
    assert!(lib.broken.is_empty(), "{:?}", lib.broken);
    assert!(lib.demos.len() >= 12, "{}", lib.demos.len());
    let first_desk = lib.demos.iter().position(|d| d.scene.screen == Screen::Chain).expect("desk demos");
    assert!(lib.demos[first_desk..].iter().all(|d| d.scene.screen == Screen::Chain), "converter topics come first");
    let read = |stem: &str, q: ConvQ| -> f64 {
        let demo = lib.demos.iter().find(|d| d.path.to_string_lossy().contains(stem)).expect(stem);
        let state = SimState {
            screen: Scope::Converter,
            converter: demo.scene.converter.clone().expect("converter settings"),
            ..SimState::default()
        };
        match measure(&state, 1.0).expect("measures").read(&Quantity::Conv(q)) {
            Value::Num(x) => x,
            other => panic!("{stem} {q:?}: {other:?}"),
        }
    };
    assert!(read("01-", ConvQ::Clipped) > 0.0, "the wall clips");
    assert!((read("02-", ConvQ::Snr) - 25.8).abs() < 1.5, "4 bits: 6.02 x 4 + 1.76 dB");
    assert!((read("03-", ConvQ::Snr) - 38.0).abs() < 1.0, "-60 dBFS in 16 bits");
    assert!((read("03-", ConvQ::BitsUsed) - 6.0).abs() < 0.5, "a 6-bit recording");
    assert!((read("06-", ConvQ::AliasHz) - 14_100.0).abs() < 1.0);
    assert!((read("08-", ConvQ::AliasHz) - 14_100.0).abs() < 1.0, "the gentle filter lets it through");
    assert!(read("08-", ConvQ::AliasDbfs) < -6.0, "but lower");
    let isp = read("12-", ConvQ::TruePeak) - read("12-", ConvQ::SamplePeak);
    assert!((isp - 3.01).abs() < 0.2, "true peak {isp:.2} dB above the samples");
}
