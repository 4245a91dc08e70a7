//! A student takes lessons through the lesson panel (egui_kittest, no window), doing what each
//! step asks in the simulator's own controls; each frame does what the app does (draw, apply the
//! panel's actions, check the goal on the model, answer a check the student asked for, record
//! and save progress). The aliasing lesson end to end: a prediction with the plots hidden, a
//! problem with the student's own numbers, "Show me" only after tries or hints, locked controls,
//! a blind test; then a step done blind, by pressing Check; then the teacher's notes.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use headroom_lab::lesson::Library;
use headroom_lab::lesson::measure::{SimState, measure_for};
use headroom_lab::lesson::progress::ProgressStore;
use headroom_lab::lesson::views::View;
use headroom_lab::sim::ConverterLab;
use headroom_lab::sim::chain_view::ChainSnapshot;
use headroom_lab::sim::converter_view::ConverterSnapshot;
use headroom_lab::ui::app_ui::{AppUi, Views, app_ui};
use headroom_lab::ui::lessons::{LessonView, apply_actions, current_step, lesson_state, record_progress};
use headroom_lab::ui::sound::SoundStatus;
use headroom_lab::ui::theme::Theme;

struct Student {
    ui: AppUi,
    library: Library,
    store: ProgressStore,
    converter: ConverterSnapshot,
    shown_params: Option<headroom_lab::dsp::converter::ConverterParams>,
    checked: Option<SimState>,
    checks: usize,
}

/// What the app does after drawing: the converter's analysis, the goal on the model, a check
/// the student asked for, progress.
fn after_frame(s: &mut Student) {
    if s.shown_params.as_ref() != Some(&s.ui.converter.params) {
        let mut lab = ConverterLab::new(&s.ui.converter.params).expect("valid");
        s.converter = lab.compute(0, &s.ui.converter.view);
        s.shown_params = Some(s.ui.converter.params.clone());
    }
    if let Some(step) = current_step(&s.ui).cloned()
        && let Some((_, goal)) = &step.goal
    {
        let state = lesson_state(&s.ui, &step);
        if s.checked.as_ref() != Some(&state) {
            let m = measure_for(&state, 4.0, goal.quantities().into_iter()).expect("measures");
            if let Some(run) = &mut s.ui.lessons.run {
                run.record(&step, goal.evaluate(&m));
            }
            s.checked = Some(state);
            s.checks += 1;
        }
        if let Some(run) = &mut s.ui.lessons.run
            && run.check_requested
        {
            run.resolve_check(&step);
        }
    }
    if record_progress(&mut s.ui, &s.library, &mut s.store) {
        s.store.save().expect("saves");
    }
}

fn harness(data: &std::path::Path, lessons: &std::path::Path) -> Harness<'static, Student> {
    let theme = Theme::dark();
    let library = Library::load(&[lessons.to_path_buf()]);
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    let store = ProgressStore::open(Some(data.join("progress.json")));
    let status = SoundStatus::default();
    let chain = ChainSnapshot::default();
    Harness::builder().with_size(egui::vec2(1500.0, 1000.0)).with_max_steps(8).build_ui_state(
        move |ui, s: &mut Student| {
            let view = LessonView {
                library: &s.library,
                progress: &s.store.progress,
                warning: None,
                step_secs: 0.0,
                checking: false,
            };
            let views = Views {
                converter: &s.converter,
                chain: &chain,
                sound: &status,
                lessons: Some(view),
                demos: None,
                input: None,
            };
            let actions = app_ui(ui, &mut s.ui, views, &theme);
            if apply_actions(&mut s.ui, &s.library, &mut s.store, &actions.lessons) {
                s.store.save().expect("saves");
            }
            after_frame(s);
        },
        Student {
            ui: AppUi::default(),
            library,
            store,
            converter: ConverterSnapshot::default(),
            shown_params: None,
            checked: None,
            checks: 0,
        },
    )
}

fn shipped() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("hl-ui-lessons-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("dir");
    d
}

fn step(h: &Harness<'_, Student>) -> usize {
    h.state().ui.lessons.run.as_ref().expect("a lesson runs").step
}

fn next_enabled(h: &Harness<'_, Student>) -> bool {
    !h.get_by_label("Next").accesskit_node().is_disabled()
}

fn goal_met(h: &Harness<'_, Student>) -> bool {
    h.state().ui.lessons.run.as_ref().expect("runs").goal_met
}

/// Opens the lesson panel and the lesson titled `title`.
fn open_lesson(h: &mut Harness<'_, Student>, title: &str) {
    h.run();
    h.get_by_label("Lessons").click_accesskit();
    h.run();
    h.get_by_label(title).click_accesskit();
    h.run();
}

/// Types `text` into the answer field and presses Answer.
fn answer_number(h: &mut Harness<'_, Student>, text: &str) {
    h.get_by_role(Role::TextInput).focus();
    h.run();
    for _ in 0..12 {
        h.key_press(egui::Key::Backspace);
    }
    h.get_by_role(Role::TextInput).type_text(text);
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
}

#[test]
#[allow(clippy::too_many_lines, reason = "one student's walk through a lesson, step by step")]
fn a_student_takes_the_aliasing_lesson_end_to_end() {
    let data = temp("aliasing");
    let mut h = harness(&data, &shipped());
    open_lesson(&mut h, "Aliasing and the anti-alias filter");
    assert_eq!(step(&h), 0);
    let _ = h.get_by_label("You will be able to");

    // 1. A prediction: 30 kHz at 44.1 kHz, the spectrum, the readouts and the alias marks hidden.
    assert_eq!(h.state().ui.converter.params.source.freq_hz, 30_000.0);
    for v in [View::Spectrum, View::Readouts, View::Aliases] {
        assert!(h.state().ui.converter.hidden.contains(v), "{v} hidden");
    }
    let _ = h.get_by_label_contains("spectrum: hidden until you answer");
    assert!(!next_enabled(&h), "Next waits for the answer");
    answer_number(&mut h, "30000");
    let _ = h.get_by_label_contains("is too high");
    assert!(!next_enabled(&h));
    assert!(h.state().ui.converter.hidden.contains(View::Spectrum), "a wrong answer reveals nothing");
    answer_number(&mut h, "14100");
    let _ = h.get_by_label_contains("Right: 14100 Hz");
    assert!(h.state().ui.converter.hidden.is_empty(), "the views are revealed");
    assert!(next_enabled(&h));
    h.get_by_label("Next").click_accesskit();
    h.run();

    // 2. The student's own numbers, drawn from the seed in their progress; the model answers.
    assert_eq!(step(&h), 1);
    let seed = h.state().store.progress.seed;
    let lesson = h.state().library.get("aliasing").expect("aliasing").clone();
    let draws = lesson.draws_for(1, seed);
    let value = |n: &str| draws.iter().find(|(k, _)| k == n).expect(n).1;
    let (tone, rate) = (value("tone"), value("rate"));
    assert_eq!(h.state().ui.converter.params.source.freq_hz, tone);
    assert_eq!(h.state().ui.converter.params.sample_rate_hz, rate);
    let _ = h.get_by_label_contains(&format!("sampled at {rate} Hz"));
    let alias = (tone - (tone / rate).round() * rate).abs();
    answer_number(&mut h, &format!("{alias}"));
    let _ = h.get_by_label_contains(&format!("The model finds the alias at {alias:.0} Hz"));
    assert!(next_enabled(&h));
    h.get_by_label("Next").click_accesskit();
    h.run();

    // 3. Remove the alias. "Show me" waits: two unmet checks make it appear.
    assert_eq!(step(&h), 2);
    let _ = h.get_by_label_contains("level_at(14.1 kHz) < -80");
    assert!(h.query_by_label("Show me").is_none(), "not before the student has tried");
    for tries in 1..=2 {
        h.get_by_label("Check").click_accesskit();
        h.run();
        h.run();
        assert_eq!(h.state().ui.lessons.run.as_ref().expect("runs").tries, tries);
    }
    let _ = h.get_by_label_contains("Not yet (2 tries)");
    let _ = h.get_by_label("Show me");
    assert!(h.state().ui.converter.restrictions.locked.contains(&"sample_rate".to_string()));
    h.get_by_label("Steep").click_accesskit();
    h.run();
    h.run();
    assert!(goal_met(&h), "the steep filter reaches the goal");
    let _ = h.get_by_label("reached");
    h.get_by_label("Equalizers do not work on digital audio").click_accesskit();
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
    assert!(!next_enabled(&h), "a wrong answer keeps the step open");
    h.get_by_label(
        "After sampling the alias is a 14.1 kHz tone like any other: a notch would also cut real music at 14.1 kHz",
    )
    .click_accesskit();
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
    h.get_by_label("Next").click_accesskit();
    h.run();

    // 4. The gentle filter, frequency and level are locked; the hints escalate to "Show me".
    assert_eq!(step(&h), 3);
    let locked = &h.state().ui.converter.restrictions.locked;
    for c in ["aa_filter", "freq", "level"] {
        assert!(locked.contains(&c.to_string()), "{c} locked");
    }
    h.get_by_label("Hint").click_accesskit();
    h.run();
    let _ = h.get_by_label_contains("Hint 1: If the filter cannot move, move Nyquist.");
    assert!(h.query_by_label("Show me").is_none());
    h.get_by_label("Hint").click_accesskit();
    h.run();
    h.get_by_label("Show me").click_accesskit();
    h.run();
    h.run();
    assert_eq!(h.state().ui.converter.params.sample_rate_hz, 96_000.0);
    assert!(goal_met(&h));
    h.get_by_label("The anti-alias filter needs a transition band below Nyquist").click_accesskit();
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
    h.get_by_label("Next").click_accesskit();
    h.run();

    // 5. The blind test is set up and open; a listener who hears the difference passes it,
    // scored by the blind test's own code.
    assert_eq!(step(&h), 4);
    assert!(h.state().ui.sound.abx_open);
    assert_eq!(h.state().ui.sound.abx.as_ref().map(|r| r.test.key), Some("aa-filter"));
    assert!(!goal_met(&h));
    for _ in 0..10 {
        let run = h.state_mut().ui.sound.abx.as_mut().expect("a blind test");
        let x = run.abx.x();
        run.abx.answer(x);
        h.run();
    }
    assert!(goal_met(&h), "10 of 10: p = 0.1 %");
    h.run();
    let _ = h.get_by_label("reached");
    h.get_by_label("Finish").click_accesskit();
    h.run();

    // Back at the list, the lesson is complete, the blind test closed, the progress saved.
    assert!(h.state().ui.lessons.run.is_none());
    assert!(h.state().ui.sound.abx.is_none(), "the lesson's blind test ends with it");
    assert!(h.state().ui.converter.restrictions.locked.is_empty(), "the locks went with the lesson");
    let _ = h.get_by_label_contains("(5 of 5 steps)");
    let saved = ProgressStore::open(Some(data.join("progress.json")));
    assert_eq!(saved.progress.seed, seed, "the student keeps their numbers");
    let p = saved.lesson("aliasing").expect("saved");
    assert!(p.complete(5), "{p:?}");
    assert!(p.shown.contains(&3) && !p.shown.contains(&2), "show me is recorded where it was used: {p:?}");
    assert!(h.state().checks >= 5, "the goals were checked on the model");
    std::fs::remove_dir_all(&data).ok();
}

/// A step done blind: the views and the goal's values stay hidden, and the goal counts only
/// when the student presses Check; then the views come back.
#[test]
fn a_blind_step_is_checked_only_when_asked() {
    let data = temp("blind");
    let lessons = data.join("lessons");
    std::fs::create_dir_all(&lessons).expect("dir");
    std::fs::write(
        lessons.join("blind.toml"),
        r#"id = "blind"
title = "By eye closed"
objectives = ["Bring a tone back without seeing it.", "Check it yourself."]
[[steps]]
title = "Bring it back"
body = "The tone is below half an LSB. Bring it back without looking."
goal = "level_at(1 kHz) > -60"
solution = ["dither = tpdf"]
[steps.setup]
preset = "dither-tiny"
set = ["dither = none"]
hide_views = ["spectrum", "readouts", "time"]
"#,
    )
    .expect("write");
    let mut h = harness(&data, &lessons);
    open_lesson(&mut h, "By eye closed");
    assert!(h.state().ui.converter.hidden.contains(View::Spectrum));
    let _ = h.get_by_label_contains("press Check when you think you are there");
    h.get_by_label("Check").click_accesskit();
    h.run();
    h.run();
    assert_eq!(h.state().ui.lessons.run.as_ref().expect("runs").tries, 1);
    assert!(h.query_by_label_contains("now -").is_none(), "no values while the views are hidden");
    // The student finds the dither (TPDF is the third choice) and the goal is met, but only
    // counts once checked.
    h.state_mut().ui.converter.params.quantizer.dither.kind = headroom_lab::dsp::quantizer::DitherKind::Tpdf;
    h.run();
    h.run();
    assert!(!goal_met(&h), "a blind goal waits for the student's check");
    assert!(h.state().ui.converter.hidden.contains(View::Spectrum));
    h.get_by_label("Check").click_accesskit();
    h.run();
    h.run();
    assert!(goal_met(&h));
    assert!(h.state().ui.converter.hidden.is_empty(), "the views come back");
    assert_eq!(h.state().ui.lessons.run.as_ref().expect("runs").tries, 1);
    std::fs::remove_dir_all(&data).ok();
}

/// Classroom mode: the teacher's notes and the step's answer show under the step.
#[test]
fn teacher_notes_show_in_classroom_mode() {
    let data = temp("notes");
    let mut h = harness(&data, &shipped());
    open_lesson(&mut h, "Aliasing and the anti-alias filter");
    assert!(h.query_by_label("For the teacher").is_none());
    h.state_mut().ui.lessons.teacher_notes = true;
    h.run();
    let _ = h.get_by_label("For the teacher");
    let _ = h.get_by_label("About 30 minutes.");
    let _ = h.get_by_label("A tone above Nyquist is simply lost.");
    let _ = h.get_by_label_contains("Why can nothing after the converter remove an alias?");
    let _ = h.get_by_label_contains("Answer: 14100 Hz.");
    std::fs::remove_dir_all(&data).ok();
}

/// What the app does when the student presses Stop on the input track (`app::input`): the take,
/// recorded through the track's preamp and ADC from a test input, becomes the last take the
/// lesson's goals read. The input delivers `secs` of a 1 kHz tone peaking at -30 dBFS, with a
/// pause of 1 s (digital silence) in the middle.
fn record_take(h: &mut Harness<'_, Student>, data: &std::path::Path, secs: usize) {
    use headroom_lab::audio::input::{InputBackend, InputStream, feed};
    use headroom_lab::sim::input_track::InputTrack;
    struct Once(Option<InputStream>);
    impl InputBackend for Once {
        fn open_input(&mut self) -> Result<InputStream, String> {
            self.0.take().ok_or_else(|| "gone".to_string())
        }
    }
    let (mut tx, _health, stream) = feed("test input", 48_000.0);
    let mut track = InputTrack::open(&mut Once(Some(stream)), h.state().ui.chain.input);
    track.start_recording();
    let amp = headroom_lab::units::db_to_amp(-30.0) as f32;
    for second in 0..secs {
        let pause = second == secs / 2;
        for n in 0..48_000 {
            let x = if pause { 0.0 } else { amp * (std::f32::consts::TAU * (n % 48) as f32 / 48.0).sin() };
            let _ = tx.push(x);
        }
        track.pump();
    }
    let take = track.stop_recording(&data.join("takes"), &format!("t{secs}")).expect("written");
    h.state_mut().ui.chain.last_take = Some(take.stats);
    h.run();
    h.run();
}

/// The lesson on the student's own voice: its goal waits for a take ("record a take first"),
/// then reads the take the input track recorded, condition by condition, with its values; a
/// take too short or too quiet leaves it open, one in the zone reaches it. The next step's
/// prediction comes before its goal, which the last take does not meet.
#[test]
fn a_students_own_take_meets_the_voice_lessons_goal() {
    let data = temp("your-voice");
    let mut h = harness(&data, &shipped());
    open_lesson(&mut h, "Track your own voice");
    assert_eq!(step(&h), 0);
    assert_eq!(h.state().ui.chain.input.preamp_db, 0.0, "the step sets the preamp to 0 dB");
    // Each of the goal's three conditions says why it is unmet.
    assert_eq!(h.query_all_by_label_contains("now — (record a take first)").count(), 3);
    assert!(!goal_met(&h));

    // At 0 dB of preamp the tone peaks at -30 dBFS: below the zone.
    record_take(&mut h, &data, 6);
    let _ = h.get_by_label_contains("now -30.00 dBFS");
    assert!(!goal_met(&h));
    // +22 dB of preamp (the input track's Pre): -8 dBFS, but a take of 3 s is too short.
    h.state_mut().ui.chain.input.preamp_db = 22.0;
    record_take(&mut h, &data, 3);
    let _ = h.get_by_label_contains("now -8.00 dBFS");
    let _ = h.get_by_label("now 3");
    assert!(!goal_met(&h));
    record_take(&mut h, &data, 6);
    assert!(goal_met(&h), "a 6 s take peaking at -8 dBFS without a clip");
    let _ = h.get_by_label("reached");

    h.get_by_label_contains("A louder syllable in the next take needs room").click_accesskit();
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
    h.get_by_label("Next").click_accesskit();
    h.run();
    // 2. Too hot: a prediction first, the meters hidden; the good take does not meet its goal.
    assert_eq!(step(&h), 1);
    let _ = h.get_by_label_contains("Answer the prediction first");
    assert!(h.state().ui.chain.hidden.contains(View::Meters));
    assert!(!goal_met(&h));
    std::fs::remove_dir_all(&data).ok();
}
