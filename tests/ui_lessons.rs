//! A student takes the aliasing lesson from start to finish through the lesson panel (egui_kittest,
//! no window), doing what each step asks in the simulator's own controls; each frame does what
//! the app does (draw, apply the panel's actions, check the goal on the model, record and save
//! progress).

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use headroom_lab::lesson::Library;
use headroom_lab::lesson::measure::measure;
use headroom_lab::lesson::progress::ProgressStore;
use headroom_lab::sim::ConverterLab;
use headroom_lab::sim::chain_view::ChainSnapshot;
use headroom_lab::sim::converter_view::ConverterSnapshot;
use headroom_lab::ui::app_ui::{AppUi, Views, app_ui};
use headroom_lab::ui::lessons::{LessonView, apply_actions, current_step, record_progress, sim_state};
use headroom_lab::ui::sound::SoundStatus;
use headroom_lab::ui::theme::Theme;

struct Student {
    ui: AppUi,
    library: Library,
    store: ProgressStore,
    converter: ConverterSnapshot,
    shown_params: Option<headroom_lab::dsp::converter::ConverterParams>,
    checked: Option<headroom_lab::lesson::measure::SimState>,
    checks: usize,
}

/// What the app does after drawing: the converter's analysis, the goal on the model, progress.
fn after_frame(s: &mut Student) {
    if s.shown_params.as_ref() != Some(&s.ui.converter.params) {
        let mut lab = ConverterLab::new(&s.ui.converter.params).expect("valid");
        s.converter = lab.compute(0, &s.ui.converter.view);
        s.shown_params = Some(s.ui.converter.params.clone());
    }
    if let Some(step) = current_step(&s.ui, &s.library).cloned()
        && let Some((_, goal)) = &step.goal
    {
        let mut state = sim_state(&s.ui);
        state.screen = step.screen;
        if s.checked.as_ref() != Some(&state) {
            let m = measure(&state, 4.0).expect("measures");
            if let Some(run) = &mut s.ui.lessons.run {
                run.record(goal.evaluate(&m));
            }
            s.checked = Some(state);
            s.checks += 1;
        }
    }
    if record_progress(&mut s.ui, &s.library, &mut s.store) {
        s.store.save().expect("saves");
    }
}

fn harness(data: &std::path::Path) -> Harness<'static, Student> {
    let theme = Theme::dark();
    let library = Library::load(&[std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lessons")]);
    assert!(library.errors.is_empty());
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
            let views =
                Views { converter: &s.converter, chain: &chain, sound: &status, lessons: Some(view), demos: None };
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

fn step(h: &Harness<'_, Student>) -> usize {
    h.state().ui.lessons.run.as_ref().expect("a lesson runs").step
}

fn next_enabled(h: &Harness<'_, Student>) -> bool {
    !h.get_by_label("Next").accesskit_node().is_disabled()
}

#[test]
fn a_student_takes_the_aliasing_lesson_end_to_end() {
    let data = std::env::temp_dir().join(format!("hl-ui-lessons-{}", std::process::id()));
    std::fs::create_dir_all(&data).expect("dir");
    let mut h = harness(&data);
    h.run();
    h.get_by_label("Lessons").click_accesskit();
    h.run();
    h.get_by_label("Aliasing and the anti-alias filter").click_accesskit();
    h.run();
    assert_eq!(step(&h), 0);
    // The setup: 30 kHz at 44.1 kHz, no filter, readouts hidden until the answer.
    assert_eq!(h.state().ui.converter.params.source.freq_hz, 30_000.0);
    assert!(h.state().ui.converter.hide_readouts);
    assert!(!next_enabled(&h), "Next waits for the answer");

    // A wrong prediction first: feedback, still locked.
    let answer = h.get_by_role(Role::TextInput);
    answer.focus();
    h.run();
    h.get_by_role(Role::TextInput).type_text("30000");
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
    let _ = h.get_by_label_contains("is too high");
    assert!(!next_enabled(&h));
    // Then the right one: the readouts come back and Next unlocks.
    let field = h.get_by_role(Role::TextInput);
    field.focus();
    h.run();
    for _ in 0..5 {
        h.key_press(egui::Key::Backspace);
    }
    h.get_by_role(Role::TextInput).type_text("14100");
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
    let _ = h.get_by_label_contains("Right: 14100 Hz");
    assert!(!h.state().ui.converter.hide_readouts, "the readouts are revealed");
    assert!(next_enabled(&h));
    h.get_by_label("Next").click_accesskit();
    h.run();

    // Step 2: remove the alias with the filter, using the converter's own control.
    assert_eq!(step(&h), 1);
    let _ = h.get_by_label_contains("level_at(14.1 kHz) < -80");
    assert!(!next_enabled(&h), "the alias is still there");
    h.get_by_label("Steep").click_accesskit();
    h.run();
    h.run();
    assert!(h.state().ui.lessons.run.as_ref().expect("runs").goal_met, "the steep filter reaches the goal");
    let _ = h.get_by_label("reached");
    assert!(next_enabled(&h));
    h.get_by_label("Next").click_accesskit();
    h.run();

    // Step 3: the gentle filter is locked; "Show me" moves the sample rate, then the question.
    assert_eq!(step(&h), 2);
    assert_eq!(h.state().ui.converter.restrictions.locked, vec!["aa_filter".to_string()]);
    h.get_by_label("Show me").click_accesskit();
    h.run();
    h.run();
    assert_eq!(h.state().ui.converter.params.sample_rate_hz, 96_000.0);
    assert!(h.state().ui.lessons.run.as_ref().expect("runs").goal_met);
    h.get_by_label("The anti-alias filter needs a transition band below Nyquist").click_accesskit();
    h.run();
    h.get_by_label("Answer").click_accesskit();
    h.run();
    h.get_by_label("Finish").click_accesskit();
    h.run();

    // Back at the list, the lesson is complete, and the progress was saved.
    assert!(h.state().ui.lessons.run.is_none());
    assert!(h.state().ui.converter.restrictions.locked.is_empty(), "the locks went with the lesson");
    let _ = h.get_by_label_contains("(3 of 3 steps)");
    let saved = ProgressStore::open(Some(data.join("progress.json")));
    let p = saved.lesson("aliasing").expect("saved");
    assert!(p.complete(3), "{p:?}");
    assert!(p.shown.contains(&2) && !p.shown.contains(&1), "show me is recorded where it was used: {p:?}");
    assert!(h.state().checks >= 3, "the goals were checked on the model");
    std::fs::remove_dir_all(&data).ok();
}
