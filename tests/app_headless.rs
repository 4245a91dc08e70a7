//! The simulation plugin in a headless Bevy app (MinimalPlugins, no window): a parameter change
//! reaches the analysis resource on the next update, and the transport moves time on.

use std::time::Duration;

use bevy::prelude::*;
use headroom_lab::app::AppOptions;
use headroom_lab::app::audio::SoundBackend;
use headroom_lab::app::simulation::{ConverterResults, UiState, plugin};
use headroom_lab::audio::output::{MockBackend, MockState};
use headroom_lab::dsp::quantizer::BitDepth;

fn app() -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(Duration::from_millis(20)))
        .add_plugins(plugin(&AppOptions::default()));
    app.update();
    app
}

#[test]
fn a_parameter_change_updates_the_analysis() {
    let mut app = app();
    let before = app.world().resource::<ConverterResults>().snapshot.theory_snr_db;
    assert!((before - 97.09).abs() < 0.05, "16 bits at -1 dBFS: {before}");
    let runs = app.world().resource::<ConverterResults>().runs;

    app.world_mut().resource_mut::<UiState>().0.converter.params.quantizer.bit_depth = BitDepth::Fixed(8);
    app.update();
    let r = app.world().resource::<ConverterResults>();
    assert_eq!(r.runs, runs + 1, "one analysis per change");
    assert!((r.snapshot.theory_snr_db - (before - 8.0 * 6.0206)).abs() < 0.01);
    let measured = r.snapshot.sine.expect("sine").snr_db;
    assert!((measured - r.snapshot.theory_snr_db).abs() < 0.5);

    // Nothing changed: no analysis.
    app.update();
    assert_eq!(app.world().resource::<ConverterResults>().runs, runs + 1);
}

#[test]
fn the_transport_runs_time_and_pausing_holds_it() {
    let mut app = app();
    app.world_mut().resource_mut::<UiState>().0.playing = true;
    app.update();
    app.update();
    let p1 = app.world().resource::<ConverterResults>().position;
    app.update();
    let p2 = app.world().resource::<ConverterResults>().position;
    assert_eq!(p2 - p1, 960, "20 ms at 48 kHz per frame");
    assert_eq!(app.world().resource::<ConverterResults>().snapshot.start, p2);

    app.world_mut().resource_mut::<UiState>().0.playing = false;
    app.update();
    let held = app.world().resource::<ConverterResults>().position;
    app.update();
    assert_eq!(app.world().resource::<ConverterResults>().position, held);
}

/// The app without a window, with the desk on `scene` and sound on a mock backend whose
/// devices and silent clock run on the frame clock, 20 ms per update; the mock's state says
/// whether a device opens.
fn desk_app_with(scene: &std::path::Path, device: bool) -> (App, std::sync::Arc<MockState>) {
    let options = AppOptions { scene: Some(scene.to_path_buf()), audio: true, ..AppOptions::default() };
    let mut app = converter_and_desk_app(&options);
    let backend = MockBackend::default();
    backend.state.available.store(device, std::sync::atomic::Ordering::Relaxed);
    let state = std::sync::Arc::clone(&backend.state);
    app.insert_non_send(SoundBackend(Box::new(backend)));
    app.add_plugins(headroom_lab::app::audio::plugin(&options));
    app.update();
    (app, state)
}

/// The desk app with no audio device (the silent clock runs the engine).
fn desk_app(scene: &std::path::Path) -> App {
    desk_app_with(scene, false).0
}

/// The simulation and desk plugins without a window, 20 ms per update; not yet updated.
fn converter_and_desk_app(options: &AppOptions) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(Duration::from_millis(20)))
        .add_plugins((plugin(options), headroom_lab::app::chain::plugin(options)));
    app
}

/// The desk's meters, run by the app's transport for the scene's 16 s (through the sound
/// engine, on its silent clock as there is no device), read what
/// `headroom-lab render --scene ... --json` reads: one engine, one set of numbers.
#[test]
fn the_desk_meters_match_the_command_line_render() {
    let scene = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demos/15-clean-mix.toml");
    let mut app = desk_app(&scene);
    assert!(app.world().resource::<headroom_lab::app::audio::AudioLink>().is_visual_only());
    app.world_mut().resource_mut::<UiState>().0.playing = true;
    let end = 16 * 48_000;
    for _ in 0..2000 {
        app.update();
        let pos = app
            .world()
            .resource::<headroom_lab::app::chain::ChainState>()
            .lab
            .as_ref()
            .expect("chain")
            .snapshot()
            .position;
        if pos >= end {
            app.world_mut().resource_mut::<UiState>().0.playing = false;
            assert_eq!(pos, end, "20 ms steps land exactly on 16 s");
            break;
        }
    }
    let state = app.world().resource::<headroom_lab::app::chain::ChainState>();
    let master = state.lab.as_ref().expect("chain").snapshot().readout.master;

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headroom-lab"))
        .args(["render", "--scene", scene.to_str().expect("utf-8"), "--stage", "master", "--json"])
        .output()
        .expect("the CLI runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let num = |k: &str| cli[k].as_f64().unwrap_or_else(|| panic!("{k} missing"));
    let pairs = [
        ("sample_peak_dbfs", master.sample_peak_dbfs),
        ("true_peak_dbtp", master.true_peak_dbtp.expect("tp")),
        ("rms_dbfs", master.rms_dbfs),
        ("lufs_integrated", master.lufs_integrated.expect("lufs")),
        ("loudness_range_lu", master.loudness_range_lu.expect("lra")),
        ("lufs_short_term_max", master.lufs_short_term_max.expect("s")),
    ];
    for (key, app_value) in pairs {
        assert!((num(key) - app_value).abs() < 1e-9, "{key}: app {app_value}, render {}", num(key));
    }
    assert_eq!(cli["clipped_samples"].as_u64(), Some(master.clipped_samples));
}

/// A file given to the desk that is not audio is refused with the reason and changes nothing;
/// a WAV becomes a track.
#[test]
fn adding_a_track_from_a_file() {
    let dir = std::env::temp_dir().join(format!("hl-addtrack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("notes.wav");
    std::fs::write(&bad, "not audio").expect("write");
    let run = |path: &std::path::Path| {
        let options = AppOptions { add_track: Some(path.to_path_buf()), ..AppOptions::default() };
        let mut app = App::new();
        app.add_plugins(MinimalPlugins).add_plugins((plugin(&options), headroom_lab::app::chain::plugin(&options)));
        app.update();
        let ui = &app.world().resource::<UiState>().0;
        (ui.chain.scene.tracks.len(), ui.chain.message.clone())
    };
    let (tracks, message) = run(&bad);
    assert_eq!(tracks, 4, "the band's four tracks, nothing added");
    let (text, is_error) = message.expect("a message");
    assert!(is_error && text.contains("notes.wav") && text.contains("not a WAV"), "{text}");

    let good = dir.join("take.wav");
    let samples: Vec<f64> = (0..48_000).map(|i| 0.5 * (f64::from(i) * 0.05).sin()).collect();
    headroom_lab::wav::write_file(&good, 48_000, headroom_lab::wav::SampleFormat::Int(16), &[samples]).expect("write");
    let (tracks, message) = run(&good);
    assert_eq!(tracks, 5);
    assert!(!message.expect("a message").1);
    std::fs::remove_dir_all(&dir).ok();
}

/// When the audio device disappears, the app says so and carries on visual only, the desk's
/// meters running on from where they were; when the device comes back it plays again within a
/// second, the session where it had got to.
#[test]
fn losing_the_audio_device_falls_back_to_visual_only_and_recovers() {
    use headroom_lab::app::audio::AudioLink;
    use headroom_lab::app::chain::ChainState;
    use std::sync::atomic::Ordering::Relaxed;
    let scene = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demos/15-clean-mix.toml");
    let (mut app, device) = desk_app_with(&scene, true);
    assert!(!app.world().resource::<AudioLink>().is_visual_only(), "the mock device plays");
    app.world_mut().resource_mut::<UiState>().0.playing = true;
    let position = |app: &App| app.world().resource::<ChainState>().lab.as_ref().expect("chain").snapshot().position;
    // Past its start (when a stream may pause while its server starts it).
    for _ in 0..200 {
        app.update();
    }
    let before = position(&app);
    assert!(before > 190 * 960, "the session runs: {before}");

    // Unplugged: the stream stops calling back and no device opens.
    device.available.store(false, Relaxed);
    device.stalled.store(true, Relaxed);
    for _ in 0..80 {
        app.update();
    }
    let link = app.world().resource::<AudioLink>();
    assert!(link.is_visual_only(), "{:?}", link.status.line);
    assert!(link.status.line.contains("retrying"), "{}", link.status.line);
    assert!(link.status.detail.contains("stopped asking for sound"), "{}", link.status.detail);
    let lost_at = position(&app);
    assert!(lost_at > before, "the session carries on from {before}: {lost_at}");
    let master = app.world().resource::<ChainState>().lab.as_ref().expect("chain").snapshot().readout.master;
    assert!(master.block_peak_dbfs.is_finite(), "the master meter moves");

    // Plugged in again: heard again within a second, the session where it was.
    device.available.store(true, Relaxed);
    device.stalled.store(false, Relaxed);
    let mut frames = 0;
    while app.world().resource::<AudioLink>().is_visual_only() {
        app.update();
        frames += 1;
        assert!(frames <= 50, "not back after a second");
    }
    for _ in 0..5 {
        app.update();
    }
    let back = position(&app);
    assert!(back > lost_at && back <= lost_at + (frames as u64 + 10) * 960, "from {lost_at} on: {back}");
    assert!(app.world().resource::<AudioLink>().engines >= 3, "device, clock, device again");
}

/// The lessons plugin: a damaged progress file is set aside with a warning; a goal reached in
/// the simulator is checked on the model in the background and saved to the progress file.
#[test]
fn lessons_check_goals_in_the_app_and_save_progress() {
    use headroom_lab::app::lessons::Lessons;
    use headroom_lab::ui::lessons::LessonAction;
    let data = std::env::temp_dir().join(format!("hl-app-lessons-{}", std::process::id()));
    std::fs::create_dir_all(&data).expect("dir");
    std::fs::write(data.join("progress.json"), b"{\"lessons\": 42").expect("write");
    let options = AppOptions { data_dir: Some(data.clone()), lesson: Some("aliasing".into()), ..AppOptions::default() };
    let mut app = converter_and_desk_app(&options);
    app.add_plugins(headroom_lab::app::lessons::plugin(&options));
    app.update();
    let warning = app.world().resource::<Lessons>().store.warning.clone().expect("a warning");
    assert!(warning.contains("damaged") && warning.contains("progress.json.corrupt-"), "{warning}");
    assert!(app.world().resource::<UiState>().0.lessons.open);
    assert_eq!(app.world().resource::<UiState>().0.converter.params.source.freq_hz, 30_000.0, "the lesson's setup");

    // Step 3: the student checks too early (a try), then switches on the steep filter.
    let act = |app: &mut App, action: LessonAction| {
        app.world_mut().resource_scope(|world, mut lessons: Mut<Lessons>| {
            let mut ui = world.resource_mut::<UiState>();
            lessons.handle(&mut ui, &[action]);
        });
    };
    act(&mut app, LessonAction::Goto(2));
    for _ in 0..30 {
        app.update();
    }
    assert!(!app.world().resource::<UiState>().0.lessons.run.as_ref().expect("runs").goal_met);
    act(&mut app, LessonAction::Check);
    for _ in 0..200 {
        app.update();
        std::thread::sleep(Duration::from_millis(5));
        if app.world().resource::<UiState>().0.lessons.run.as_ref().expect("runs").tries == 1 {
            break;
        }
    }
    let run = app.world().resource::<UiState>().0.lessons.run.clone().expect("runs");
    assert_eq!((run.tries, run.check_requested), (1, false), "the check is answered: not yet");
    app.world_mut().resource_mut::<UiState>().0.converter.params.aa_filter.kind =
        headroom_lab::dsp::filter::AaFilterKind::Steep;
    let mut met = false;
    for _ in 0..500 {
        app.update();
        std::thread::sleep(Duration::from_millis(5));
        if app.world().resource::<UiState>().0.lessons.run.as_ref().expect("runs").goal_met {
            met = true;
            break;
        }
    }
    assert!(met, "the goal is checked and met");
    // The step's question, answered right (the second choice).
    {
        let mut ui = app.world_mut().resource_mut::<UiState>();
        let step = ui.0.lessons.step.clone().expect("a step");
        ui.0.lessons.run.as_mut().expect("runs").answer(&step, &headroom_lab::lesson::model::Answer::Choice(1));
    }
    app.update();
    let saved = headroom_lab::lesson::progress::ProgressStore::open(Some(data.join("progress.json")));
    assert!(saved.warning.is_none());
    assert!(saved.lesson("aliasing").expect("saved").done.contains(&2), "{:?}", saved.progress);
    std::fs::remove_dir_all(&data).ok();
}

/// The classroom plugin: theme and scale are remembered across sessions (written to the data
/// folder), a demo opens on its screen, the measurements go to a CSV named with the demo and
/// the time, and the current state saved as a scene comes back as a demo.
#[test]
fn the_classroom_remembers_settings_opens_demos_and_writes_figures() {
    use headroom_lab::app::teacher::{Teacher, plugin as teacher_plugin};
    use headroom_lab::ui::teacher::TeacherRequest;
    use headroom_lab::ui::theme::ThemeKind;
    let data = std::env::temp_dir().join(format!("hl-app-teacher-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let options = AppOptions { data_dir: Some(data.clone()), ..AppOptions::default() };
    let classroom = |options: &AppOptions| {
        let mut app = converter_and_desk_app(options);
        app.add_plugins(teacher_plugin(options));
        app.update();
        app
    };
    let mut app = classroom(&options);
    assert_eq!(app.world().resource::<UiState>().0.theme, ThemeKind::Dark);
    {
        let mut ui = app.world_mut().resource_mut::<UiState>();
        ui.0.theme = ThemeKind::Projector;
        ui.0.teacher.scale = 2.0;
    }
    app.update();
    let saved = std::fs::read_to_string(data.join("settings.json")).expect("settings saved");
    assert!(saved.contains("projector"), "{saved}");
    let next_lesson = classroom(&options);
    let ui = &next_lesson.world().resource::<UiState>().0;
    assert_eq!((ui.theme, ui.teacher.scale), (ThemeKind::Projector, 2.0), "remembered");

    let n = app.world().resource::<Teacher>().demos.demos.len();
    let aliasing = (0..n)
        .find(|&i| app.world().resource::<Teacher>().demos.demos[i].path.ends_with("06-aliasing-30k.toml"))
        .expect("the aliasing demo");
    app.world_mut().resource_mut::<Teacher>().pending.push(TeacherRequest::OpenDemo(aliasing));
    app.update();
    app.update();
    let ui = &app.world().resource::<UiState>().0;
    assert_eq!(ui.screen, headroom_lab::ui::app_ui::Screen::Converter);
    assert!((ui.converter.params.source.freq_hz - 30_000.0).abs() < 1e-9);
    assert_eq!(ui.chain.scene.tracks.len(), 4, "a converter demo leaves the desk's session alone");

    app.world_mut().resource_mut::<Teacher>().pending.push(TeacherRequest::Csv);
    app.update();
    let figures: Vec<_> = std::fs::read_dir(data.join("figures")).expect("figures").filter_map(Result::ok).collect();
    assert_eq!(figures.len(), 1);
    let name = figures[0].file_name().to_string_lossy().into_owned();
    assert!(
        name.starts_with("aliasing-30-khz-at-44-1-khz_20") && figures[0].path().extension().is_some_and(|e| e == "csv"),
        "{name}"
    );
    let csv = std::fs::read_to_string(figures[0].path()).expect("csv");
    assert!(csv.lines().any(|l| l.starts_with("alias_hz,14100.0")), "{csv}");

    app.world_mut().resource_mut::<UiState>().0.converter.params.quantizer.bit_depth =
        headroom_lab::dsp::quantizer::BitDepth::Fixed(8);
    app.world_mut().resource_mut::<Teacher>().pending.push(TeacherRequest::SaveScene("My aliasing demo".into()));
    app.update();
    let path = data.join("scenes/my-aliasing-demo.toml");
    let scene = headroom_lab::chain::scene::Scene::load(&path).expect("a valid scene");
    assert_eq!(
        scene.converter.expect("converter").quantizer.bit_depth,
        headroom_lab::dsp::quantizer::BitDepth::Fixed(8)
    );
    let reopened = classroom(&options);
    let demos = &reopened.world().resource::<Teacher>().demos.demos;
    assert!(demos.last().is_some_and(|d| d.saved && d.scene.name == "My aliasing demo"), "listed next lesson");
    let _ = std::fs::remove_dir_all(data);
}

/// Whatever the data folder holds (lessons whose goal or TOML nests 100 000 deep, settings,
/// progress and saved scenes nested 200 000 deep), the app starts: the broken lessons and
/// scenes are listed with where they break, the damaged JSON files are set aside with a
/// warning, and every good lesson and demo is there.
#[test]
fn the_app_starts_whatever_the_data_folder_holds() {
    use headroom_lab::app::lessons::Lessons;
    use headroom_lab::app::teacher::{Teacher, plugin as teacher_plugin};
    let data = tempfile::tempdir().expect("dir");
    let d = data.path();
    std::fs::create_dir_all(d.join("lessons")).expect("dir");
    std::fs::create_dir_all(d.join("scenes")).expect("dir");
    let head = "id = \"deep\"\ntitle = \"Deep\"\n[[steps]]\ntitle = \"t\"\nbody = \"b\"\n";
    let deep = |open: &str, close: &str| format!("{}1{}", open.repeat(200_000), close.repeat(200_000));
    std::fs::write(d.join("lessons/not.toml"), format!("{head}goal = \"{}bits == 8\"\n", "not ".repeat(100_000)))
        .expect("write");
    std::fs::write(d.join("lessons/array.toml"), format!("{head}hints = {}\n", deep("[", "]"))).expect("write");
    std::fs::write(d.join("scenes/deep.toml"), format!("name = \"x\"\nseed = {}\n", deep("{a=", "}"))).expect("write");
    std::fs::write(d.join("settings.json"), deep("[", "]")).expect("write");
    std::fs::write(d.join("progress.json"), format!("{{\"lessons\": {}}}", deep("{\"a\":", "}"))).expect("write");

    let options = AppOptions { data_dir: Some(d.to_path_buf()), ..AppOptions::default() };
    let mut app = converter_and_desk_app(&options);
    app.add_plugins((headroom_lab::app::lessons::plugin(&options), teacher_plugin(&options)));
    for _ in 0..3 {
        app.update();
    }
    let lessons = app.world().resource::<Lessons>();
    let builtin = headroom_lab::lesson::library::Library::load(&[
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lessons")
    ]);
    assert_eq!(lessons.library.lessons.len(), builtin.lessons.len(), "every good lesson is there");
    let errors: Vec<String> = lessons.library.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("array.toml:6:73: nesting deeper than 64")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("not.toml:6:265: field `steps[0].goal`: nesting deeper than 64")),
        "{errors:#?}"
    );
    assert!(lessons.store.warning.as_deref().is_some_and(|w| w.contains("nesting deeper than 64")));
    let teacher = app.world().resource::<Teacher>();
    assert!(teacher.settings.warning.as_deref().is_some_and(|w| w.contains("nesting deeper than 64")));
    assert!(teacher.demos.broken.iter().any(|b| b.contains("deep.toml:2:")), "{:?}", teacher.demos.broken);
    let shipped = headroom_lab::sim::demos::DemoLibrary::load(headroom_lab::sim::demos::builtin_dir().as_deref(), None);
    assert_eq!(teacher.demos.demos.len(), shipped.demos.len(), "every shipped demo is there");
}
