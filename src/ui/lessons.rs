//! The lesson panel: the list of lessons with completion, and the lesson being taken (its text,
//! the live goal with each condition's value, hints, "Show me", the question and its feedback,
//! Back and Next). Entering a step applies its setup to the UI state; all of it is plain data,
//! so tests drive it as the app does.

use egui::{RichText, Ui, vec2};

use crate::lesson::measure::SimState;
use crate::lesson::model::{Answer, Kind, Lesson};
use crate::lesson::progress::{Progress, ProgressStore};
use crate::lesson::quantity::Scope;
use crate::lesson::run::{LessonRun, TRIES_BEFORE_REVEAL};
use crate::lesson::{Library, Step};
use crate::ui::app_ui::{AppUi, Screen};
use crate::ui::converter_screen::ConverterUi;
use crate::ui::markdown::markdown_ui;
use crate::ui::theme::Theme;
use crate::ui::widgets::Restrictions;

/// The lesson panel's state.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LessonUi {
    /// The panel is shown.
    pub open: bool,
    /// The lesson being taken.
    pub run: Option<LessonRun>,
    /// The last message (text, is an error).
    pub message: Option<(String, bool)>,
    /// Asking whether to forget all progress.
    pub confirm_reset: bool,
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
    /// Forget all progress.
    ResetProgress,
}

/// The simulator's state as the lessons see it.
#[must_use]
pub fn sim_state(app: &AppUi) -> SimState {
    SimState {
        screen: match app.screen {
            Screen::Converter => Scope::Converter,
            Screen::Chain => Scope::Desk,
        },
        converter: app.converter.params.clone(),
        scene: app.chain.scene.clone(),
    }
}

/// Puts a lesson's state into the UI (a new converter setup resets the views).
pub fn set_sim_state(app: &mut AppUi, s: &SimState) {
    app.screen = match s.screen {
        Scope::Converter => Screen::Converter,
        Scope::Desk => Screen::Chain,
    };
    if app.converter.params != s.converter {
        let keep = (app.converter.restrictions.clone(), app.converter.hide_readouts);
        let source_changed = app.converter.params.source != s.converter.source
            || app.converter.params.sample_rate_hz != s.converter.sample_rate_hz;
        if source_changed {
            app.converter = ConverterUi::new(s.converter.clone());
        } else {
            app.converter.params = s.converter.clone();
        }
        (app.converter.restrictions, app.converter.hide_readouts) = keep;
    }
    if app.chain.scene != s.scene {
        app.chain.scene = s.scene.clone();
    }
}

/// Enters `step` of `lesson`: applies its setup, locks and hides what it says.
///
/// # Errors
/// A setup that does not fit the current state (say, a track the session lacks).
pub fn enter_step(app: &mut AppUi, lesson: &Lesson, step: usize) -> Result<(), String> {
    let s = lesson.steps.get(step).ok_or("no such step")?;
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
    let hide = s.setup.as_ref().is_some_and(|su| su.hide_readouts) && s.question.is_some();
    app.converter.restrictions = restrictions.clone();
    app.chain.restrictions = restrictions;
    app.converter.hide_readouts = hide;
    match &mut app.lessons.run {
        Some(run) if run.lesson == lesson.id => run.goto(step),
        _ => app.lessons.run = Some(LessonRun::new(&lesson.id, step)),
    }
    Ok(())
}

/// Leaves the lesson: nothing locked or hidden any more.
pub fn leave(app: &mut AppUi) {
    app.lessons.run = None;
    app.converter.restrictions = Restrictions::default();
    app.chain.restrictions = Restrictions::default();
    app.converter.hide_readouts = false;
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
    for a in actions {
        let result = match a {
            LessonAction::Open(id) => match library.get(id) {
                Some(lesson) => {
                    let p = store.lesson(id).cloned().unwrap_or_default();
                    let step = if p.complete(lesson.steps.len()) { 0 } else { p.current.min(lesson.steps.len() - 1) };
                    enter_step(app, lesson, step)
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
                    enter_step(app, &lesson, *step)
                }
                None => Ok(()),
            },
            LessonAction::ShowMe => match current_step(app, library) {
                Some(step) => {
                    let step = step.clone();
                    show_me(app, &step)
                }
                None => Ok(()),
            },
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

/// Marks the current step done in the progress if it is; returns whether that changed anything.
pub fn record_progress(app: &mut AppUi, library: &Library, store: &mut ProgressStore) -> bool {
    let Some(run) = &app.lessons.run else { return false };
    let Some(lesson) = library.get(&run.lesson) else { return false };
    let Some(step) = lesson.steps.get(run.step) else { return false };
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
    if run.step_done(step) {
        // Reveal what the question hid.
        app.converter.hide_readouts = false;
    }
    changed
}

/// The lesson being taken.
#[must_use]
pub fn current<'a>(app: &AppUi, library: &'a Library) -> Option<&'a Lesson> {
    app.lessons.run.as_ref().and_then(|r| library.get(&r.lesson))
}

/// The step on show.
#[must_use]
pub fn current_step<'a>(app: &AppUi, library: &'a Library) -> Option<&'a Step> {
    let run = app.lessons.run.as_ref()?;
    library.get(&run.lesson)?.steps.get(run.step)
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
    egui::Panel::right("lessons").resizable(true).default_size(400.0).min_size(300.0).show(root, |ui| {
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
            if ui.button(RichText::new(&lesson.title).strong()).on_hover_text(&lesson.summary).clicked() {
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

fn lesson_ui(
    ui: &mut Ui,
    app: &mut AppUi,
    lesson: &Lesson,
    view: &LessonView<'_>,
    theme: &Theme,
    actions: &mut Vec<LessonAction>,
) {
    let Some(run) = app.lessons.run.clone() else { return };
    let Some(step) = lesson.steps.get(run.step) else { return };
    let n = lesson.steps.len();
    ui.horizontal(|ui| {
        if ui.button("All lessons").on_hover_text("Back to the list (your progress is kept).").clicked() {
            actions.push(LessonAction::Close);
        }
    });
    ui.heading(&lesson.title);
    let done = view.progress.lessons.get(&lesson.id).map_or(0, |p| p.done.iter().filter(|&&i| i < n).count());
    ui.add(
        egui::ProgressBar::new(done as f32 / n as f32)
            .text(format!("step {} of {n}, {done} done", run.step + 1))
            .desired_height(18.0),
    );
    ui.add_space(4.0);
    ui.label(RichText::new(&step.title).strong().size(theme.heading_size * 0.9));
    markdown_ui(ui, &step.body);
    if let Some((text, _)) = &step.goal {
        goal_ui(ui, app, step, text, view, theme, actions);
    }
    if step.question.is_some() {
        question_ui(ui, app, step, theme);
    }
    let run = app.lessons.run.clone().unwrap_or_default();
    ui.separator();
    let is_done = run.step_done(step);
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

fn goal_ui(
    ui: &mut Ui,
    app: &mut AppUi,
    step: &Step,
    text: &str,
    view: &LessonView<'_>,
    theme: &Theme,
    actions: &mut Vec<LessonAction>,
) {
    let Some(run) = &mut app.lessons.run else { return };
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.strong("Goal");
            if run.goal_met {
                mark(ui, true, theme);
                ui.label(RichText::new("reached").color(theme.good));
            } else if view.checking {
                ui.label(RichText::new("checking...").color(theme.text_weak));
            }
        });
        match &run.outcome {
            Some(o) => {
                for a in &o.atoms {
                    ui.horizontal_wrapped(|ui| {
                        mark(ui, a.ok, theme);
                        ui.label(RichText::new(&a.text).monospace());
                        ui.label(RichText::new(format!("now {}", a.value)).color(theme.text_weak));
                    });
                }
            }
            None => {
                ui.label(RichText::new(text).monospace());
            }
        }
        let shown = run.hints_visible(step, view.step_secs);
        for h in step.hints.iter().take(shown) {
            ui.label(RichText::new(format!("Hint: {h}")).color(theme.accent));
        }
        ui.horizontal(|ui| {
            if shown < step.hints.len() && ui.button("Hint").on_hover_text("Show the next hint.").clicked() {
                run.extra_hints += 1;
            }
            if !step.solution.is_empty()
                && ui.button("Show me").on_hover_text("Apply the solution, and see what it changes.").clicked()
            {
                actions.push(LessonAction::ShowMe);
            }
        });
    });
}

fn question_ui(ui: &mut Ui, app: &mut AppUi, step: &Step, theme: &Theme) {
    let Some(q) = &step.question else { return };
    let Some(run) = &mut app.lessons.run else { return };
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.strong("Question");
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
        if !run.answered
            && run.attempts >= TRIES_BEFORE_REVEAL
            && ui.button("Show the answer").on_hover_text("See the answer and why.").clicked()
        {
            run.reveal(step);
        }
        if step.setup.as_ref().is_some_and(|s| s.hide_readouts) && !run.answered {
            ui.label(RichText::new("Some readouts are hidden until you answer.").small().color(theme.text_weak));
        }
    });
}
