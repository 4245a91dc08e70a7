//! Finding and loading lessons: the built-in folder and the user's, every file on its own (a
//! broken one is listed with its error, the rest work), and checking a lesson on the real model.

use std::path::{Path, PathBuf};

use crate::abx::{Abx, Side};
use crate::lesson::expr::{AtomResult, Cond, Reader, Value};
use crate::lesson::measure::{DESK_SECS, Listening, Measured, SimState, measure_for};
use crate::lesson::model::{Lesson, Step};
use crate::lesson::quantity::Quantity;
use crate::textloc::LocatedError;

/// Lessons loaded, and files that could not be.
#[derive(Clone, Debug, Default)]
pub struct Library {
    /// Lessons in order.
    pub lessons: Vec<Lesson>,
    /// Broken files, with where and why.
    pub errors: Vec<LocatedError>,
}

impl Library {
    /// Loads every `*.toml` of each folder (missing folders are skipped); later folders'
    /// lessons with an id already seen are refused.
    #[must_use]
    pub fn load(dirs: &[PathBuf]) -> Self {
        let mut lib = Self::default();
        for dir in dirs {
            let Ok(entries) = crate::platform::fs::read_dir(dir) else { continue };
            let files = entries.into_iter().filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("toml")));
            for f in files {
                lib.add_file(&f);
            }
        }
        lib.lessons.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.title.cmp(&b.title)));
        lib
    }

    fn add_file(&mut self, path: &Path) {
        let name = path.display().to_string();
        let text = match crate::platform::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                self.errors.push(LocatedError::in_file(&name, format!("cannot read: {e}")));
                return;
            }
        };
        match Lesson::from_toml(&name, &text, path.parent()) {
            Ok(lesson) => {
                if let Some(other) = self.lessons.iter().find(|l| l.id == lesson.id) {
                    self.errors.push(crate::textloc::at_path(
                        &name,
                        &text,
                        "id",
                        format!("the id '{}' is already used by {}", lesson.id, other.file),
                    ));
                } else {
                    self.lessons.push(lesson);
                }
            }
            Err(e) => self.errors.push(e),
        }
    }

    /// The lesson with `id`.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

/// The built-in lessons' folder: `$HEADROOM_LAB_LESSONS`, else `lessons/` in the working
/// folder, beside the program, or in the source tree it was built from.
#[must_use]
pub fn builtin_dir() -> Option<PathBuf> {
    crate::fsutil::shipped_dir("HEADROOM_LAB_LESSONS", "lessons")
}

/// The user's own lessons: `lessons/` in the data folder.
#[must_use]
pub fn user_dir() -> Option<PathBuf> {
    crate::fsutil::data_dir().map(|d| d.join("lessons"))
}

/// The folders lessons are loaded from, built-in first.
#[must_use]
pub fn default_dirs() -> Vec<PathBuf> {
    builtin_dir().into_iter().chain(user_dir()).collect()
}

/// What checking a step on the model found.
#[derive(Clone, Debug, PartialEq)]
pub struct StepCheck {
    /// Step index (0-based).
    pub step: usize,
    /// The student seed the step's drawn numbers came from.
    pub seed: u64,
    /// The numbers drawn for the step, by name.
    pub draws: Vec<(String, f64)>,
    /// The step has a goal.
    pub has_goal: bool,
    /// The goal is already met when the step starts (it should not be).
    pub met_on_entry: bool,
    /// The solution meets the goal (it should).
    pub met_by_solution: bool,
    /// The conditions after the solution, for the report.
    pub after: Vec<AtomResult>,
    /// What the text states (facts on entry, then facts after the solution), each evaluated.
    pub facts: Vec<AtomResult>,
    /// A listening goal: trials a listener who always hears the difference needed, and
    /// whether one who cannot (always answering A) met it too.
    pub listening: Option<ListeningCheck>,
    /// The right answer of a number question measured on the model.
    pub answer: Option<f64>,
    /// A setting that failed or a measurement that could not be made.
    pub error: Option<String>,
}

/// How a listening goal fares with simulated listeners, scored by the blind test's own code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListeningCheck {
    /// Trials a listener who always hears the difference needed (none: never met).
    pub perfect_trials: Option<u32>,
    /// A listener who always answers A met the goal within [`GUESS_TRIALS`] trials.
    pub guesser_met: bool,
}

/// Trials a guessing listener is given.
pub const GUESS_TRIALS: u32 = 24;
/// Trials a listener who hears the difference is given at most.
pub const LISTEN_TRIALS: u32 = 60;

impl StepCheck {
    fn new(step: usize, seed: u64, draws: Vec<(String, f64)>) -> Self {
        Self {
            step,
            seed,
            draws,
            has_goal: false,
            met_on_entry: false,
            met_by_solution: false,
            after: Vec::new(),
            facts: Vec::new(),
            listening: None,
            answer: None,
            error: None,
        }
    }

    /// A check that could not be made.
    #[must_use]
    pub fn failed(step: usize, error: String) -> Self {
        Self { error: Some(error), ..Self::new(step, 0, Vec::new()) }
    }

    /// The step is as a lesson needs: work to do on entry, done by the solution (or by a
    /// listener who hears the difference, and not by one who guesses), every fact true.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.error.is_none()
            && !self.met_on_entry
            && (!self.has_goal || self.met_by_solution)
            && self.facts.iter().all(|f| f.ok)
            && self.listening.is_none_or(|l| !l.guesser_met)
    }
}

/// Every quantity a step reads on the model: its goal, its facts, its question's answer.
fn quantities_of(step: &Step) -> Vec<&Quantity> {
    let mut q: Vec<&Quantity> = Vec::new();
    if let Some((_, g)) = &step.goal {
        q.extend(g.quantities());
    }
    for (_, f) in step.facts.iter().chain(&step.facts_after) {
        q.extend(f.quantities());
    }
    q.extend(step.question.as_ref().and_then(|q| q.model_quantity()));
    q
}

/// Student seeds a lesson with drawn numbers is checked with (the first walks every step).
pub const CHECK_SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

/// Walks the lesson as students who take "show me" at every step would, for each of
/// [`CHECK_SEEDS`] when it draws numbers per student (only the drawn steps are reported for
/// the later seeds). See [`check_on_model_seeded`].
#[must_use]
pub fn check_on_model(lesson: &Lesson) -> Vec<StepCheck> {
    let drawn = lesson.steps.iter().any(|s| !s.draws.is_empty());
    let mut out = check_on_model_seeded(lesson, CHECK_SEEDS[0], false);
    if drawn {
        for seed in &CHECK_SEEDS[1..] {
            out.extend(check_on_model_seeded(lesson, *seed, true));
        }
    }
    out
}

/// Walks the lesson as a student with `seed` who takes "show me" at every step would: the
/// state on entering each step is the previous state with the step's setup applied. For every
/// step with a goal, checks on the real model that the goal is not met on entry and is met
/// after the solution; for a listening goal, that a listener who hears the difference meets it
/// and one who guesses does not (simulated through the blind test's scoring). Checks every
/// fact the text states, and measures the answer of each question answered on the model.
/// With `only_drawn`, steps without drawn numbers are walked but not checked.
#[must_use]
pub fn check_on_model_seeded(lesson: &Lesson, seed: u64, only_drawn: bool) -> Vec<StepCheck> {
    walk(lesson, seed, lesson.steps.len(), &|_, s: &Step| !only_drawn || !s.draws.is_empty())
}

/// Step `step` of the lesson checked as [`check_on_model_seeded`] does (with the seed 1), the
/// steps before it walked (their setups and solutions applied) but not measured.
#[must_use]
pub fn check_step_on_model(lesson: &Lesson, step: usize) -> Option<StepCheck> {
    let steps = (step + 1).min(lesson.steps.len());
    walk(lesson, CHECK_SEEDS[0], steps, &|i, _: &Step| i == step).into_iter().find(|c| c.step == step)
}

/// Walks the first `steps` steps of `lesson` for `seed`, checking those `checked` accepts.
fn walk(lesson: &Lesson, seed: u64, steps: usize, checked: &dyn Fn(usize, &Step) -> bool) -> Vec<StepCheck> {
    let mut state = SimState::default();
    let mut out = Vec::new();
    for i in 0..steps {
        let draws = lesson.draws_for(i, seed);
        let mut check = StepCheck::new(i, seed, draws);
        let step = match lesson.step_for(i, seed) {
            Ok(s) => s,
            Err(e) => {
                check.error = Some(e);
                out.push(check);
                continue;
            }
        };
        if let Some(setup) = &step.setup
            && let Err(e) = setup.apply(&mut state)
        {
            check.error = Some(e);
            out.push(check);
            continue;
        }
        state.screen = step.screen;
        let quantities = quantities_of(&step);
        if quantities.is_empty() || !checked(i, &lesson.steps[i]) {
            // Nothing to check: carry on from where the solution leaves the student.
            let _ = step.apply_solution(&mut state);
            continue;
        }
        if let Err(e) = check_step(&step, &mut state, &quantities, seed, &mut check) {
            check.error = Some(e);
        }
        out.push(check);
    }
    out
}

/// Checks one step from `state`, leaving `state` as the solution leaves it.
fn check_step(
    step: &Step,
    state: &mut SimState,
    quantities: &[&Quantity],
    seed: u64,
    check: &mut StepCheck,
) -> Result<(), String> {
    let secs = step.measure_secs.unwrap_or(DESK_SECS);
    let takes = quantities.iter().any(|q| matches!(q, Quantity::Take(_)));
    if takes {
        record_simulated_take(state)?;
    }
    let entry = measure_for(state, secs, quantities.iter().copied())?;
    for (text, f) in &step.facts {
        check.facts.push(fact(text, f, &entry));
    }
    if let Some(q) = step.question.as_ref().and_then(|q| q.model_quantity()) {
        match entry.read(q) {
            Value::Num(x) if x.is_finite() => check.answer = Some(x),
            other => return Err(format!("the question's answer cannot be measured here (it reads {other})")),
        }
    }
    let Some((_, goal)) = &step.goal else { return Ok(()) };
    check.has_goal = true;
    check.met_on_entry = goal.evaluate(&entry).met;
    let mut solved = state.clone();
    step.apply_solution(&mut solved)?;
    if takes {
        record_simulated_take(&mut solved)?;
    }
    let mut after = measure_for(&solved, secs, quantities.iter().copied())?;
    if step.is_listening() {
        let test = solved.listening.as_ref().map(|l| l.test.clone()).unwrap_or_default();
        // A listener who always hears the difference, trial by trial until the goal is met.
        let mut abx = Abx::new(seed ^ 0x00ab_0000 ^ check.step as u64);
        let mut perfect_trials = None;
        for _ in 0..LISTEN_TRIALS {
            let x = abx.x();
            abx.answer(x);
            after.state.listening = Some(Listening { test: test.clone(), trials: abx.trials, correct: abx.correct });
            if goal.evaluate(&after).met {
                perfect_trials = Some(abx.trials);
                break;
            }
        }
        let outcome = goal.evaluate(&after);
        // One who hears nothing and always says A: never met, whenever it stops.
        let mut guess = Abx::new(seed ^ 0x6e55 ^ check.step as u64);
        let mut guess_state = after.clone();
        let mut guesser_met = false;
        for _ in 0..GUESS_TRIALS {
            guess.answer(Side::A);
            guess_state.state.listening =
                Some(Listening { test: test.clone(), trials: guess.trials, correct: guess.correct });
            guesser_met |= goal.evaluate(&guess_state).met;
        }
        check.listening = Some(ListeningCheck { perfect_trials, guesser_met });
        check.met_by_solution = outcome.met;
        check.after = outcome.atoms;
        solved.listening.clone_from(&after.state.listening);
    } else {
        let outcome = goal.evaluate(&after);
        check.met_by_solution = outcome.met;
        check.after = outcome.atoms;
    }
    for (text, f) in &step.facts_after {
        check.facts.push(fact(text, f, &after));
    }
    *state = solved;
    Ok(())
}

/// A take of the simulated talker at the input track's controls, as the student would record
/// one after entering a step or applying its solution (there is no microphone here).
fn record_simulated_take(state: &mut SimState) -> Result<(), String> {
    state.take = Some(crate::lesson::simulated_take::simulated_take(state.input)?);
    Ok(())
}

/// A fact the text states, evaluated.
fn fact(text: &str, cond: &Cond, m: &Measured) -> AtomResult {
    let o = cond.evaluate(m);
    let values: Vec<String> = o.atoms.iter().map(|a| a.value.clone()).collect();
    AtomResult { text: text.to_string(), value: values.join(", "), ok: o.met }
}
