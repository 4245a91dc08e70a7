//! Bad input never crashes and is never lost: scene files and the JSON files of the data folder
//! (settings, progress), corrupted, cut, nested 200 000 deep or very long, give a located error
//! (scenes) or are set aside with a warning that says where the damage is (JSON), and the
//! program goes on with what it can use.

use std::path::{Path, PathBuf};

use headroom_lab::chain::scene::Scene;
use headroom_lab::lesson::progress::ProgressStore;
use headroom_lab::settings::{Settings, SettingsStore};
use headroom_lab::sim::demos::DemoLibrary;
use proptest::prelude::*;

mod located;
use located::assert_located;

fn demo(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demos").join(name)).expect("demo")
}

/// `"[" * depth + "1" + "]" * depth`, or the same with inline tables / JSON objects.
fn nested(depth: usize, table: &str) -> String {
    let (open, close) = if table.is_empty() { ("[".to_string(), "]") } else { (format!("{{{table}"), "}") };
    format!("{}1{}", open.repeat(depth), close.repeat(depth))
}

/// Only the files whose names start with `prefix` in `dir`.
fn files_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)))
        .collect()
}

#[test]
fn pathological_scenes_give_located_errors() {
    let head = "name = \"x\"\n[[tracks]]\nname = \"A\"\nsource = { kind = \"drums\" }\n";
    let cases = [
        // The 65th bracket: after `pan = ` (6 characters) and 64 brackets.
        (format!("{head}pan = {}\n", nested(100_000, "")), 5, 7 + 64, "nesting deeper than 64"),
        // The 65th brace: after `compressor = ` (13) and 64 times `{a = ` (5 each).
        (format!("{head}[bus]\ncompressor = {}\n", nested(100_000, "a = ")), 6, 14 + 5 * 64, "nesting deeper than 64"),
        // 64 deep parses, and is then refused for what it is.
        (format!("{head}pan = {}\n", nested(64, "")), 5, 7, "invalid type: sequence, expected f64"),
        // A name of a million characters is a name.
        (format!("{head}fader_db = \"{}\"\n", "x".repeat(1_000_000)), 5, 12, "invalid type: string"),
    ];
    for (text, line, column, needle) in cases {
        let e = Scene::from_toml("deep.toml", &text).expect_err("refused");
        assert_eq!((e.line, e.column), (Some(line), Some(column)), "{e}");
        assert!(e.message.contains(needle), "{e}");
        assert!(e.message.chars().count() <= 300, "a message stays readable: {} characters", e.message.len());
    }
    let scene = Scene::from_toml(
        "long.toml",
        &format!("{head}[[tracks]]\nname = \"{}\"\nsource = {{ kind = \"bass\" }}\n", "B".repeat(100_000)),
    )
    .expect("a long name is fine");
    assert_eq!(scene.tracks[1].name.len(), 100_000);
}

/// The demo library lists a pathological saved scene as broken, with where, and keeps the rest.
#[test]
fn a_pathological_saved_scene_is_listed_as_broken() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("deep.toml"), format!("name = \"x\"\nseed = {}\n", nested(200_000, "")))
        .expect("write");
    std::fs::write(dir.path().join("fine.toml"), demo("15-clean-mix.toml")).expect("write");
    let lib = DemoLibrary::load(None, Some(dir.path()));
    assert_eq!(lib.demos.len(), 1);
    assert_eq!(lib.broken.len(), 1);
    // The 65th bracket, after `seed = ` (7 characters) and 64 brackets.
    assert!(lib.broken[0].contains("deep.toml:2:72: nesting deeper than 64"), "{}", lib.broken[0]);
}

#[test]
fn pathological_json_files_are_set_aside_and_the_defaults_used() {
    let dir = tempfile::tempdir().expect("dir");
    let deep = format!("{{\"theme\": {}}}", nested(200_000, ""));
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, &deep).expect("write");
    let store = SettingsStore::open(Some(settings.clone()));
    assert_eq!(store.settings, Settings::default());
    let warning = store.warning.expect("a warning");
    // The object is one level: the 64th bracket, after `{"theme": ` (10 characters) and 63 more.
    assert!(warning.contains("nesting deeper than 64 at line 1, column 74"), "{warning}");
    assert!(!settings.exists());
    let kept = files_starting(dir.path(), "settings.json.corrupt-");
    assert_eq!(std::fs::read_to_string(&kept[0]).expect("kept"), deep, "the damaged file is kept whole");

    let progress = dir.path().join("progress.json");
    std::fs::write(&progress, format!("{{\"lessons\": {{\"a\": {}}}}}", nested(100_000, "\"b\": "))).expect("write");
    let store = ProgressStore::open(Some(progress.clone()));
    assert!(store.progress.lessons.is_empty());
    assert!(store.warning.expect("a warning").contains("nesting deeper than 64 at line 1, column "));
    assert_eq!(files_starting(dir.path(), "progress.json.corrupt-").len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// A shipped scene cut or corrupted anywhere: a scene, or an error located in the file.
    #[test]
    fn a_corrupted_scene_gives_a_scene_or_a_located_error(cut in 0usize..3000, byte in any::<u8>(), at in 0usize..3000) {
        let mut bytes = demo("15-clean-mix.toml").into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut.min(bytes.len()));
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = Scene::from_toml("fuzz.toml", &text) {
            assert_located(&e, "fuzz.toml", &text)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A value nested to any depth put in a scene before a table header or at the end (an
    /// unknown field, so always refused): the error is on its line; beyond 64 levels, the
    /// nesting is what it names.
    #[test]
    fn deep_values_in_a_scene_are_refused_where_they_are(
        pick in any::<prop::sample::Index>(),
        depth in prop_oneof![0usize..100, 1_000usize..200_000],
        table in any::<bool>(),
    ) {
        let text = demo("15-clean-mix.toml");
        let deep = format!("zz_deep = {}", nested(depth, if table { "a = " } else { "" }));
        let mut lines: Vec<&str> = text.lines().collect();
        let places: Vec<usize> =
            (0..=lines.len()).filter(|&i| i == 0 || i == lines.len() || lines[i].starts_with('[')).collect();
        let line = places[pick.index(places.len())];
        lines.insert(line, &deep);
        let text = lines.join("\n");
        let e = Scene::from_toml("fuzz.toml", &text).expect_err("an unknown field at least");
        assert_located(&e, "fuzz.toml", &text)?;
        prop_assert_eq!(e.line, Some(line + 1), "{}", e);
        let why = if depth > 64 { "nesting deeper than 64" } else { "unknown field `zz_deep`" };
        prop_assert!(e.message.contains(why), "{}", e);
    }

    /// Settings files of any bytes, or nested to any depth: the settings in them or the
    /// defaults, a damaged file set aside whole with a warning (saying so when it nests too
    /// deep), never a panic.
    #[test]
    fn any_settings_file_gives_settings(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        depth in prop_oneof![0usize..100, 1_000usize..200_000],
        deep in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("settings.json");
        let bytes = if deep { format!("{{\"ui_scale\": {}}}", nested(depth, "")).into_bytes() } else { bytes };
        std::fs::write(&path, &bytes).expect("write");
        let store = SettingsStore::open(Some(path.clone()));
        prop_assert!((1.0..=3.0).contains(&store.settings.ui_scale));
        match &store.warning {
            None => prop_assert!(path.exists(), "a file read well stays"),
            Some(w) => {
                prop_assert!(!path.exists() && w.contains("damaged"), "{w}");
                let kept = files_starting(dir.path(), "settings.json.corrupt-");
                prop_assert_eq!(std::fs::read(&kept[0]).expect("kept"), bytes);
                if deep && depth >= 64 {
                    // The 64th bracket, after `{"ui_scale": ` (13 characters) and 63 more.
                    prop_assert!(w.contains("nesting deeper than 64 at line 1, column 77"), "{w}");
                }
            }
        }
        if deep && depth > 0 {
            prop_assert!(store.warning.is_some(), "a number nested in arrays is not a scale");
        }
    }
}
