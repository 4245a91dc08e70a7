//! The lesson panel: the list of lessons with completion, and the lesson being taken (its
//! objectives, its text, the prediction asked before the hidden views come back, the goal with
//! each condition's value and the student's checks, hints that escalate, "Show me" once it has
//! been tried, the question and its feedback, Back and Next, and in classroom mode the teacher's
//! notes). Entering a step applies its setup to the UI state; all of it is plain data, so tests
//! drive it as the app does.

use egui::{RichText, Ui, vec2};

use crate::lesson::expr::{Reader, Value};
use crate::lesson::measure::{Listening, SimState, measure};
use crate::lesson::model::{Answer, Kind, Lesson, NumberAnswer, format_number};
use crate::lesson::progress::{Progress, ProgressStore};
use crate::lesson::quantity::Scope;
use crate::lesson::run::LessonRun;
use crate::lesson::views::{View, ViewSet};
use crate::lesson::{Library, Step};
use crate::ui::app_ui::{AppUi, Screen};
use crate::ui::converter_screen::ConverterUi;
use crate::ui::markdown::markdown_ui;
use crate::ui::sound::start_blind_test;
use crate::ui::theme::Theme;
use crate::ui::widgets::Restrictions;

/// The lesson panel's state.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LessonUi {
    /// The panel is shown.
    pub open: bool,
    /// The lesson being taken.
    pub run: Option<LessonRun>,
    /// The step on show, with this student's drawn numbers.
    pub step: Option<Step>,
    /// The last message (text, is an error).
    pub message: Option<(String, bool)>,
    /// Asking whether to forget all progress.
    pub confirm_reset: bool,
    /// Classroom mode: the teacher's notes (minutes, misconceptions, discussion prompts, the
    /// answer of the step on show) are shown under the step.
    pub teacher_notes: bool,
}

/// What the panel shows besides its own state.
#[derive(Clone, Copy, Debug)]
pub struct LessonView<'a> {
    /// Every lesson and every broken file.
    pub library: &'a Library,
    /// The student's progress.
    pub progress: &'a Progress,
    /// A problem with the progress file, to tell once.
    pub warning: Option<&'a str>,
    /// Seconds on the current step (for the hints).
    pub step_secs: f64,
    /// The goal is being checked on the model.
    pub checking: bool,
}

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    /// Start or resume a lesson.
    Open(String),
    /// Leave the lesson (back to the list).
    Close,
    /// Go to a step.
    Goto(usize),
    /// Apply the step's solution.
    ShowMe,
    /// Check the goal now (a try).
    Check,
    /// Forget all progress.
    ResetProgress,
}

/// The simulator's state as the lessons see it (with the running blind test's score).
#[must_use]
pub fn sim_state(app: &AppUi) -> SimState {
    SimState {
        screen: match app.screen {
            Screen::Converter => Scope::Converter,
            Screen::Chain => Scope::Desk,
        },
        converter: app.converter.params.clone(),
        scene: app.chain.scene.clone(),
        listening: app.sound.abx.as_ref().map(|r| Listening {
            test: r.test.key.to_string(),
            trials: r.abx.trials,
            correct: r.abx.correct,
        }),
        input: app.chain.input,
        take: app.chain.last_take,
    }
}

/// The state a step's goal is checked on: on the step's screen, with the score of the step's
/// own blind test only (another test's score does not count).
#[must_use]
pub fn lesson_state(app: &AppUi, step: &Step) -> SimState {
    let mut state = sim_state(app);
    state.screen = step.screen;
    if state.listening.as_ref().map(|l| l.test.as_str()) != step.blind_test() {
        state.listening = None;
    }
    state
}

/// Puts a lesson's state into the UI (a new converter setup resets the views).
pub fn set_sim_state(app: &mut AppUi, s: &SimState) {
    app.screen = match s.screen {
        Scope::Converter => Screen::Converter,
        Scope::Desk => Screen::Chain,
    };
    if app.converter.params != s.converter {
        let keep = (app.converter.restrictions.clone(), app.converter.hide_readouts, app.converter.hidden);
        let source_changed = app.converter.params.source != s.converter.source
            || app.converter.params.sample_rate_hz != s.converter.sample_rate_hz;
        if source_changed {
            app.converter = ConverterUi::new(s.converter.clone());
        } else {
            app.converter.params = s.converter.clone();
        }
        (app.converter.restrictions, app.converter.hide_readouts, app.converter.hidden) = keep;
    }
    if app.chain.scene != s.scene {
        app.chain.scene = s.scene.clone();
    }
    app.chain.input = s.input;
}

/// The right answer of `step`'s question when it is measured on the model in `state`.
fn model_answer(step: &Step, state: &SimState) -> Result<Option<f64>, String> {
    let Some(q) = step.question.as_ref().and_then(|q| q.model_quantity()) else { return Ok(None) };
    let m = measure(state, 1.0)?;
    match m.read(q) {
        Value::Num(x) if x.is_finite() => Ok(Some(x)),
        other => Err(format!("the answer cannot be measured ({other})")),
    }
}

/// Enters `step` of `lesson` as the student with `seed` sees it: applies its setup, locks and
/// hides what it says, sets up its blind test and works out a question answered on the model.
///
/// # Errors
/// A setup that does not fit the current state (say, a track the session lacks).
pub fn enter_step(app: &mut AppUi, lesson: &Lesson, step: usize, seed: u64) -> Result<(), String> {
    let s = lesson.step_for(step, seed)?;
    let mut state = sim_state(app);
    let restrictions = match &s.setup {
        Some(setup) => {
            setup.apply(&mut state)?;
            Restrictions { locked: setup.lock.clone(), hidden: setup.hide.clone() }
        }
        None => Restrictions::default(),
    };
    state.screen = s.screen;
    set_sim_state(app, &state);
    app.converter.restrictions = restrictions.clone();
    app.chain.restrictions = restrictions;
    app.converter.hidden = s.hidden_views();
    app.chain.hidden = s.hidden_views();
    // A blind test the last step set up ends with it; this step's starts afresh.
    let previous = app.lessons.step.as_ref().and_then(|p| p.blind_test().map(str::to_string));
    if previous.is_some() && app.sound.abx.as_ref().map(|r| r.test.key) == previous.as_deref() {
        app.sound.abx = None;
        app.sound.abx_open = false;
    }
    if let Some(key) = s.blind_test()
        && !start_blind_test(app, key)
    {
        return Err(format!("no blind test '{key}'"));
    }
    let answer = model_answer(&s, &state)?;
    match &mut app.lessons.run {
        Some(run) if run.lesson == lesson.id => run.goto(step),
        _ => app.lessons.run = Some(LessonRun::new(&lesson.id, step)),
    }
    if let Some(run) = &mut app.lessons.run {
        run.model_answer = answer;
    }
    app.lessons.step = Some(s);
    Ok(())
}

/// Leaves the lesson: nothing locked or hidden any more, its blind test closed.
pub fn leave(app: &mut AppUi) {
    if let Some(key) = app.lessons.step.as_ref().and_then(|s| s.blind_test())
        && app.sound.abx.as_ref().is_some_and(|r| r.test.key == key)
    {
        app.sound.abx = None;
        app.sound.abx_open = false;
    }
    app.lessons.run = None;
    app.lessons.step = None;
    app.converter.restrictions = Restrictions::default();
    app.chain.restrictions = Restrictions::default();
    app.converter.hidden = ViewSet::EMPTY;
    app.chain.hidden = ViewSet::EMPTY;
}

/// Applies the current step's solution ("Show me").
///
/// # Errors
/// A solution that does not fit the current state.
pub fn show_me(app: &mut AppUi, step: &Step) -> Result<(), String> {
    let mut state = sim_state(app);
    state.screen = step.screen;
    step.apply_solution(&mut state)?;
    set_sim_state(app, &state);
    if let Some(run) = &mut app.lessons.run {
        run.shown = true;
    }
    Ok(())
}

/// Runs the panel's actions; returns whether progress changed (to be saved).
pub fn apply_actions(app: &mut AppUi, library: &Library, store: &mut ProgressStore, actions: &[LessonAction]) -> bool {
    let mut changed = false;
    let seed = store.progress.seed;
    for a in actions {
        let result = match a {
            LessonAction::Open(id) => match library.get(id) {
                Some(lesson) => {
                    let p = store.lesson(id).cloned().unwrap_or_default();
                    let step = if p.complete(lesson.steps.len()) { 0 } else { p.current.min(lesson.steps.len() - 1) };
                    enter_step(app, lesson, step, seed)
                }
                None => Err(format!("no lesson '{id}'")),
            },
            LessonAction::Close => {
                leave(app);
                Ok(())
            }
            LessonAction::Goto(step) => match current(app, library) {
                Some(lesson) => {
                    let lesson = lesson.clone();
                    store.lesson_mut(&lesson.id).current = *step;
                    changed = true;
                    enter_step(app, &lesson, *step, seed)
                }
                None => Ok(()),
            },
            LessonAction::ShowMe => match current_step(app).cloned() {
                Some(step) if current(app, library).is_some_and(|l| !l.capstone) => show_me(app, &step),
                _ => Ok(()),
            },
            LessonAction::Check => {
                if let Some(run) = &mut app.lessons.run {
                    run.request_check();
                }
                Ok(())
            }
            LessonAction::ResetProgress => {
                store.progress.lessons.clear();
                changed = true;
                Ok(())
            }
        };
        if let Err(e) = result {
            app.lessons.message = Some((e, true));
        }
    }
    changed | record_progress(app, library, store)
}

/// Marks the current step done in the progress if it is, and reveals what the step hid once
/// the prediction is made (or the goal reached); returns whether progress changed.
pub fn record_progress(app: &mut AppUi, library: &Library, store: &mut ProgressStore) -> bool {
    let Some(run) = &app.lessons.run else { return false };
    let Some(lesson) = library.get(&run.lesson) else { return false };
    let Some(step) = app.lessons.step.as_ref() else { return false };
    let p = store.lesson_mut(&lesson.id);
    let mut changed = false;
    if p.current != run.step {
        p.current = run.step;
        changed = true;
    }
    if run.step_done(step) && p.done.insert(run.step) {
        changed = true;
    }
    if run.shown && p.shown.insert(run.step) {
        changed = true;
    }
    if !run.views_hidden(step) {
        app.converter.hidden = ViewSet::EMPTY;
        app.chain.hidden = ViewSet::EMPTY;
    }
    changed
}

/// The lesson being taken.
#[must_use]
pub fn current<'a>(app: &AppUi, library: &'a Library) -> Option<&'a Lesson> {
    app.lessons.run.as_ref().and_then(|r| library.get(&r.lesson))
}

/// The step on show, as this student sees it.
#[must_use]
pub fn current_step(app: &AppUi) -> Option<&Step> {
    app.lessons.run.as_ref().and(app.lessons.step.as_ref())
}

/// A tick or a cross, drawn (no font needed).
fn mark(ui: &mut Ui, ok: bool, theme: &Theme) {
    let h = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, _) = ui.allocate_exact_size(vec2(h, h), egui::Sense::hover());
    let c = rect.center();
    let r = h * 0.3;
    let p = ui.painter();
    if ok {
        let stroke = egui::Stroke::new(2.5, theme.good);
        p.line_segment([c + vec2(-r, 0.0), c + vec2(-r * 0.3, r * 0.7)], stroke);
        p.line_segment([c + vec2(-r * 0.3, r * 0.7), c + vec2(r, -r * 0.8)], stroke);
    } else {
        let stroke = egui::Stroke::new(2.0, theme.warning);
        p.line_segment([c + vec2(-r, -r), c + vec2(r, r)], stroke);
        p.line_segment([c + vec2(-r, r), c + vec2(r, -r)], stroke);
    }
}

/// Draws the panel (when open); returns what the app must do.
pub fn lesson_panel_ui(root: &mut Ui, app: &mut AppUi, view: &LessonView<'_>, theme: &Theme) -> Vec<LessonAction> {
    let mut actions = Vec::new();
    if !app.lessons.open {
        return actions;
    }
    // Never so wide that the screen beside it loses its settings or a readable plot.
    let max_w = (root.available_width() - crate::ui::converter_screen::min_width(theme)).max(300.0);
    let panel = egui::Panel::right("lessons").resizable(true).default_size(400.0).min_size(300.0).max_size(max_w);
    panel.show(root, |ui| {
        egui::ScrollArea::vertical().id_salt("lesson_scroll").show(ui, |ui| {
            ui.add_space(4.0);
            if let Some(w) = view.warning {
                ui.label(RichText::new(w).color(theme.warning));
            }
            if let Some((text, error)) = &app.lessons.message {
                ui.label(RichText::new(text).color(if *error { theme.warning } else { theme.good }));
            }
            match current(app, view.library) {
                Some(lesson) => lesson_ui(ui, app, lesson, view, theme, &mut actions),
                None => list_ui(ui, app, view, theme, &mut actions),
            }
        });
    });
    actions
}

fn list_ui(ui: &mut Ui, app: &mut AppUi, view: &LessonView<'_>, theme: &Theme, actions: &mut Vec<LessonAction>) {
    ui.heading("Lessons");
    ui.label(RichText::new("Each lesson sets up the simulator, asks, and checks what you do.").color(theme.text_weak));
    ui.add_space(6.0);
    for lesson in &view.library.lessons {
        let p = view.progress.lessons.get(&lesson.id);
        let n = lesson.steps.len();
        let done = p.map_or(0, |p| p.done.iter().filter(|&&i| i < n).count());
        ui.horizontal(|ui| {
            mark_progress(ui, done, n, theme);
            let title = egui::Button::new(RichText::new(&lesson.title).strong()).wrap();
            if ui.add(title).on_hover_text(&lesson.summary).clicked() {
                actions.push(LessonAction::Open(lesson.id.clone()));
            }
        });
        ui.label(RichText::new(format!("{}  ({done} of {n} steps)", lesson.summary)).small().color(theme.text_weak));
        ui.add_space(4.0);
    }
    if !view.library.errors.is_empty() {
        ui.separator();
        ui.label(RichText::new("These lesson files could not be loaded:").color(theme.warning));
        for e in &view.library.errors {
            ui.label(RichText::new(e.to_string()).small().color(theme.warning));
        }
    }
    ui.separator();
    if app.lessons.confirm_reset {
        ui.horizontal(|ui| {
            ui.label("Forget all progress?");
            if ui.button("Yes, forget it").clicked() {
                actions.push(LessonAction::ResetProgress);
                app.lessons.confirm_reset = false;
            }
            if ui.button("No").clicked() {
                app.lessons.confirm_reset = false;
            }
        });
    } else if ui.button("Reset progress...").on_hover_text("Start every lesson afresh.").clicked() {
        app.lessons.confirm_reset = true;
    }
}

/// A small bar: how much of a lesson is done.
fn mark_progress(ui: &mut Ui, done: usize, n: usize, theme: &Theme) {
    let (rect, _) = ui.allocate_exact_size(vec2(34.0, 10.0), egui::Sense::hover());
    let p = ui.painter();
    p.rect_filled(rect, 2.0, theme.meter_back);
    let frac = if n == 0 { 0.0 } else { done as f32 / n as f32 };
    let mut filled = rect;
    filled.set_width(rect.width() * frac);
    p.rect_filled(filled, 2.0, if done == n && n > 0 { theme.good } else { theme.accent });
}

/// A goal's expression in small monospace, smaller still (down to 10 points) when its longest
/// name would not fit in `width`: a name such as `track(Drums).adc.sample_peak_dbfs` never
/// breaks in the middle.
fn code_text(ui: &Ui, text: &str, width: f32, theme: &Theme) -> RichText {
    let font = egui::FontId::monospace(theme.small_size);
    let longest = text
        .split_whitespace()
        .map(|w| ui.painter().layout_no_wrap(w.to_string(), font.clone(), egui::Color32::PLACEHOLDER).size().x)
        .fold(0.0, f32::max);
    let size = if longest > width { (theme.small_size * width / longest).floor().max(10.0) } else { theme.small_size };
    RichText::new(text).monospace().size(size)
}

fn lesson_ui(
    ui: &mut Ui,
    app: &mut AppUi,
    lesson: &Lesson,
    view: &LessonView<'_>,
    theme: &Theme,
    actions: &mut Vec<LessonAction>,
) {
    let Some(run) = app.lessons.run.clone() else { return };
    let Some(step) = app.lessons.step.clone() else { return };
    let n = lesson.steps.len();
    // Wrapping: the capstone's note goes under the button in a narrow panel.
    ui.horizontal_wrapped(|ui| {
        if ui.button("All lessons").on_hover_text("Back to the list (your progress is kept).").clicked() {
            actions.push(LessonAction::Close);
        }
        if lesson.capstone {
            ui.label(RichText::new("capstone: no hints, no Show me").color(theme.accent));
        }
    });
    ui.heading(&lesson.title);
    let done = view.progress.lessons.get(&lesson.id).map_or(0, |p| p.done.iter().filter(|&&i| i < n).count());
    ui.add(
        egui::ProgressBar::new(done as f32 / n as f32)
            .text(format!("step {} of {n}, {done} done", run.step + 1))
            .desired_height(18.0),
    );
    if !lesson.objectives.is_empty() {
        egui::CollapsingHeader::new("You will be able to")
            .id_salt(("objectives", &lesson.id))
            .default_open(run.step == 0)
            .show(ui, |ui| {
                for o in &lesson.objectives {
                    markdown_ui(ui, &format!("- {o}"));
                }
            });
    }
    ui.add_space(4.0);
    ui.label(RichText::new(&step.title).strong().size(theme.heading_size * 0.9));
    markdown_ui(ui, &step.body);
    // A prediction comes first: the goal waits for it.
    if step.is_prediction() {
        question_ui(ui, app, &step, lesson.capstone, theme);
        if let Some((text, _)) = &step.goal {
            goal_ui(ui, app, &step, text, lesson.capstone, view, theme, actions);
        }
    } else {
        if let Some((text, _)) = &step.goal {
            goal_ui(ui, app, &step, text, lesson.capstone, view, theme, actions);
        }
        if step.question.is_some() {
            question_ui(ui, app, &step, lesson.capstone, theme);
        }
    }
    if app.lessons.teacher_notes {
        teacher_notes_ui(ui, lesson, &step, &run, theme);
    }
    let run = app.lessons.run.clone().unwrap_or_default();
    ui.separator();
    let is_done = run.step_done(&step);
    if is_done {
        ui.horizontal(|ui| {
            mark(ui, true, theme);
            ui.label(RichText::new("Step done.").color(theme.good));
        });
    }
    ui.horizontal(|ui| {
        if ui.add_enabled(run.step > 0, egui::Button::new("Back")).clicked() {
            actions.push(LessonAction::Goto(run.step - 1));
        }
        let last = run.step + 1 == n;
        let next = egui::Button::new(if last { "Finish" } else { "Next" });
        let r = ui.add_enabled(is_done, next).on_disabled_hover_text("Reach the goal and answer the question first.");
        if r.clicked() {
            actions.push(if last { LessonAction::Close } else { LessonAction::Goto(run.step + 1) });
        }
    });
}

#[allow(clippy::too_many_arguments, reason = "the goal box shows all of this")]
fn goal_ui(
    ui: &mut Ui,
    app: &mut AppUi,
    step: &Step,
    text: &str,
    capstone: bool,
    view: &LessonView<'_>,
    theme: &Theme,
    actions: &mut Vec<LessonAction>,
) {
    let abx_closed = !app.sound.abx_open;
    let Some(run) = &mut app.lessons.run else { return };
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.strong("Goal");
            if run.goal_met {
                mark(ui, true, theme);
                ui.label(RichText::new("reached").color(theme.good));
            } else if view.checking || run.check_requested {
                ui.label(RichText::new("checking...").color(theme.text_weak));
            }
        });
        if step.is_prediction() && !run.answered {
            ui.label(RichText::new("Answer the prediction first; then try it here.").color(theme.text_weak));
            ui.label(code_text(ui, text, ui.available_width(), theme).color(theme.text_weak));
            return;
        }
        // While views are hidden the values would give the answer away; in a blind step even
        // the ticks wait for the student's own check.
        let hide_values = run.views_hidden(step);
        let show_atoms = !step.is_blind() || run.checked || run.goal_met;
        match (&run.outcome, show_atoms) {
            (Some(o), true) => {
                let width = ui.available_width();
                for a in &o.atoms {
                    ui.horizontal_wrapped(|ui| {
                        mark(ui, a.ok, theme);
                        ui.label(code_text(ui, &a.text, width, theme));
                        if !hide_values {
                            ui.label(RichText::new(format!("now {}", a.value)).color(theme.text_weak));
                        }
                    });
                }
            }
            _ => {
                ui.label(code_text(ui, text, ui.available_width(), theme));
            }
        }
        if step.is_blind() && !run.goal_met {
            ui.label(
                RichText::new(
                    "The meters and views that would tell you are hidden: press Check when you think you are there.",
                )
                .color(theme.text_weak),
            );
        }
        if step.is_listening() && abx_closed && !run.goal_met {
            ui.label(
                RichText::new("The blind test's window is closed: open it from the sound bar.").color(theme.warning),
            );
        }
        if run.tries > 0 && !run.goal_met {
            let tries = if run.tries == 1 { "1 try".to_string() } else { format!("{} tries", run.tries) };
            ui.label(RichText::new(format!("Not yet ({tries}).")).color(theme.warning));
        }
        let shown = run.hints_visible(step, view.step_secs);
        for (k, h) in step.hints.iter().take(shown).enumerate() {
            ui.label(RichText::new(format!("Hint {}: {h}", k + 1)).color(theme.accent));
        }
        ui.horizontal(|ui| {
            if !run.goal_met
                && !step.is_listening()
                && ui
                    .button("Check")
                    .on_hover_text("Is the goal reached? Each check that is not counts as a try.")
                    .clicked()
            {
                actions.push(LessonAction::Check);
            }
            if shown < step.hints.len() && ui.button("Hint").on_hover_text("Show the next hint.").clicked() {
                run.extra_hints += 1;
            }
            if run.show_me_offered(step, view.step_secs, capstone)
                && ui.button("Show me").on_hover_text("Apply the solution, and see what it changes.").clicked()
            {
                actions.push(LessonAction::ShowMe);
            }
        });
    });
}

fn question_ui(ui: &mut Ui, app: &mut AppUi, step: &Step, capstone: bool, theme: &Theme) {
    let Some(q) = &step.question else { return };
    let Some(run) = &mut app.lessons.run else { return };
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.strong(if step.is_prediction() { "Predict" } else { "Question" });
        markdown_ui(ui, &q.prompt);
        let mut answer = None;
        match &q.kind {
            Kind::Choice { choices, .. } => {
                for (i, c) in choices.iter().enumerate() {
                    if ui.add_enabled(!run.answered, egui::RadioButton::new(run.choice == Some(i), c)).clicked() {
                        run.choice = Some(i);
                    }
                }
                if !run.answered
                    && ui.add_enabled(run.choice.is_some(), egui::Button::new("Answer")).clicked()
                    && let Some(i) = run.choice
                {
                    answer = Some(Answer::Choice(i));
                }
            }
            Kind::Number { unit, .. } => {
                ui.horizontal(|ui| {
                    let edit = ui.add_enabled(
                        !run.answered,
                        egui::TextEdit::singleline(&mut run.number).desired_width(90.0).hint_text("your answer"),
                    );
                    ui.label(unit);
                    let typed = run.number.trim().replace(',', ".").parse::<f64>().ok();
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let clicked =
                        !run.answered && ui.add_enabled(typed.is_some(), egui::Button::new("Answer")).clicked();
                    if (clicked || enter)
                        && let Some(x) = typed
                    {
                        answer = Some(Answer::Number(x));
                    }
                });
            }
        }
        if let Some(a) = answer {
            run.answer(step, &a);
        }
        if let Some(f) = &run.feedback {
            let color = if f.right || run.revealed { theme.good } else { theme.warning };
            ui.label(RichText::new(&f.text).color(color));
        }
        if run.reveal_offered(capstone)
            && ui.button("Show the answer").on_hover_text("See the answer and why.").clicked()
        {
            run.reveal(step);
        }
        if run.views_hidden(step) {
            let names: Vec<&str> = step.hidden_views().iter().map(View::about_short).collect();
            ui.label(
                RichText::new(format!("Hidden until you answer: {}.", names.join(", "))).small().color(theme.text_weak),
            );
        }
    });
}

/// The teacher's notes for the lesson and the step on show (classroom mode).
fn teacher_notes_ui(ui: &mut Ui, lesson: &Lesson, step: &Step, run: &LessonRun, theme: &Theme) {
    ui.add_space(4.0);
    egui::CollapsingHeader::new(RichText::new("For the teacher").color(theme.accent))
        .id_salt(("teacher_notes", &lesson.id))
        .default_open(true)
        .show(ui, |ui| {
            let t = &lesson.teacher;
            if let Some(m) = t.minutes {
                ui.label(format!("About {m} minutes."));
            }
            for (title, list) in [("Misconceptions", &t.misconceptions), ("Discussion", &t.discussion)] {
                if !list.is_empty() {
                    ui.strong(title);
                    for item in list {
                        markdown_ui(ui, &format!("- {item}"));
                    }
                }
            }
            if let Some(q) = &step.question {
                let q = q.resolved(run.model_answer);
                let answer = match &q.kind {
                    Kind::Choice { choices, answer } => choices.get(*answer).cloned().unwrap_or_default(),
                    Kind::Number { answer: NumberAnswer::Fixed(x), unit, .. } => {
                        format!("{} {unit}", format_number(*x))
                    }
                    Kind::Number { answer: NumberAnswer::Model(name, _), .. } => format!("the model's {name}"),
                };
                markdown_ui(ui, &format!("**Answer:** {answer}. {}", q.explain));
                if let Some(m) = &q.misconception {
                    markdown_ui(ui, &format!("*Misconception:* {m}"));
                }
            }
            if !step.solution.is_empty() {
                let sol: Vec<&str> = step.solution.iter().map(|a| a.text.as_str()).collect();
                markdown_ui(ui, &format!("**One solution:** `{}`", sol.join("`, `")));
            }
            if !t.answer_key.trim().is_empty() {
                markdown_ui(ui, &t.answer_key);
            }
        });
}
