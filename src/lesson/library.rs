//! Finding and loading lessons: the built-in folder and the user's, every file on its own (a
//! broken one is listed with its error, the rest work), and checking a lesson on the real model.

use std::path::{Path, PathBuf};

use crate::lesson::measure::{DESK_SECS, SimState, measure};
use crate::lesson::model::Lesson;
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
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("toml")))
                .collect();
            files.sort();
            for f in files {
                lib.add_file(&f);
            }
        }
        lib.lessons.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.title.cmp(&b.title)));
        lib
    }

    fn add_file(&mut self, path: &Path) {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
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
    /// The goal is already met when the step starts (it should not be).
    pub met_on_entry: bool,
    /// The solution meets the goal (it should).
    pub met_by_solution: bool,
    /// The conditions after the solution, for the report.
    pub after: Vec<crate::lesson::expr::AtomResult>,
    /// A setting that failed or a measurement that could not be made.
    pub error: Option<String>,
}

impl StepCheck {
    /// The step is as a lesson needs: work to do on entry, done by the solution.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.error.is_none() && !self.met_on_entry && self.met_by_solution
    }
}

/// Walks the lesson as a student who takes "show me" at every step would: the state on
/// entering each step is the previous state with the step's setup applied. For every step with
/// a goal, checks on the real model that the goal is not met on entry and is met after the
/// solution.
#[must_use]
pub fn check_on_model(lesson: &Lesson) -> Vec<StepCheck> {
    let mut state = SimState::default();
    let mut out = Vec::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        if let Some(setup) = &step.setup
            && let Err(e) = setup.apply(&mut state)
        {
            out.push(StepCheck {
                step: i,
                met_on_entry: false,
                met_by_solution: false,
                after: Vec::new(),
                error: Some(e),
            });
            continue;
        }
        state.screen = step.screen;
        let Some((_, goal)) = &step.goal else { continue };
        let secs = step.measure_secs.unwrap_or(DESK_SECS);
        let before = measure(&state, secs).map(|m| goal.evaluate(&m).met);
        let mut solved = state.clone();
        let after = step.apply_solution(&mut solved).and_then(|()| measure(&solved, secs)).map(|m| goal.evaluate(&m));
        let check = match (before, after) {
            (Ok(b), Ok(a)) => {
                StepCheck { step: i, met_on_entry: b, met_by_solution: a.met, after: a.atoms, error: None }
            }
            (Err(e), _) | (_, Err(e)) => {
                StepCheck { step: i, met_on_entry: false, met_by_solution: false, after: Vec::new(), error: Some(e) }
            }
        };
        out.push(check);
        state = solved;
    }
    out
}
