//! The lessons plugin: loads the lessons and the student's progress, checks the current step's
//! goal on the model whenever the settings change (in a background thread, on the same
//! measurement code the tests use), keeps the hint clock and saves progress atomically.

use crate::platform::tasks::{self, Task};
use std::path::PathBuf;

use bevy::prelude::*;

use crate::lesson::expr::Outcome;
use crate::lesson::library::{Library, default_dirs};
use crate::lesson::measure::{DESK_SECS, SimState, measure_for};
use crate::lesson::progress::ProgressStore;
use crate::ui::lessons::{LessonAction, apply_actions, current_step, lesson_state, record_progress};

use super::AppOptions;
use super::simulation::UiState;

/// Settings must rest this long before a goal is checked, seconds.
const SETTLE_SECS: f64 = 0.25;

type Job = Task<Result<Outcome, String>>;

/// The lessons, the student's progress and the goal checker.
#[derive(Resource)]
pub struct Lessons {
    /// Every lesson found, and the broken files.
    pub library: Library,
    /// Progress, saved in the data folder.
    pub store: ProgressStore,
    /// Seconds on the current step.
    pub step_secs: f64,
    step_key: Option<(String, usize)>,
    /// The state being or last checked, for which step.
    checked: Option<(String, usize, SimState)>,
    job: Option<((String, usize, SimState), Job)>,
    last_state: Option<SimState>,
    still_secs: f64,
    /// Goal checks run (for tests).
    pub checks: u64,
}

impl Lessons {
    /// Lessons from `dirs`, progress from `progress` (none: not saved).
    #[must_use]
    pub fn new(dirs: &[PathBuf], progress: Option<PathBuf>) -> Self {
        Self {
            library: Library::load(dirs),
            store: ProgressStore::open(progress),
            step_secs: 0.0,
            step_key: None,
            checked: None,
            job: None,
            last_state: None,
            still_secs: 0.0,
            checks: 0,
        }
    }

    /// Whether a goal check is running.
    #[must_use]
    pub fn checking(&self) -> bool {
        self.job.is_some()
    }

    /// Runs the panel's actions and saves progress if it changed.
    pub fn handle(&mut self, ui: &mut UiState, actions: &[LessonAction]) {
        if apply_actions(&mut ui.0, &self.library, &mut self.store, actions) {
            self.save(ui);
        }
    }

    /// Adds a teacher's lesson file to the user's lessons folder (the data folder's `lessons`)
    /// and loads the library again; says what happened.
    ///
    /// # Errors
    /// The file is not a lesson (with its located mistake), or it cannot be kept.
    pub fn install(&mut self, path: &std::path::Path) -> Result<String, String> {
        let name = path.file_name().map_or_else(|| "lesson.toml".into(), |n| n.to_string_lossy().into_owned());
        let text = crate::platform::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        let lesson = crate::lesson::model::Lesson::from_toml(&name, &text, None).map_err(|e| e.to_string())?;
        let dir = crate::lesson::library::user_dir().ok_or("no data folder to keep lessons in")?;
        crate::platform::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        crate::fsutil::write_bytes_atomic(&dir.join(&name), text.as_bytes())
            .map_err(|e| format!("cannot keep {name}: {e}"))?;
        self.library = Library::load(&default_dirs());
        Ok(format!("added the lesson '{}' ({name})", lesson.title))
    }

    fn save(&self, ui: &mut UiState) {
        if let Err(e) = self.store.save() {
            ui.0.lessons.message = Some((e, true));
        }
    }
}

/// The plugin.
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let data_dir = options.data_dir.clone();
    let start = options.lesson.clone();
    move |app: &mut App| {
        let (dirs, progress) = match &data_dir {
            Some(d) => (
                crate::lesson::library::builtin_dir().into_iter().chain([d.join("lessons")]).collect::<Vec<_>>(),
                Some(d.join("progress.json")),
            ),
            None => (default_dirs(), crate::lesson::progress::default_path()),
        };
        let start = start.clone();
        app.insert_resource(Lessons::new(&dirs, progress))
            .add_systems(Update, check_goals.after(super::chain::run_chain))
            .add_systems(Startup, move |mut ui: ResMut<UiState>, mut lessons: ResMut<Lessons>| {
                if let Some(id) = &start {
                    ui.0.lessons.open = true;
                    if !id.is_empty() {
                        lessons.handle(&mut ui, &[LessonAction::Open(id.clone())]);
                    }
                }
            });
    }
}

/// Keeps the hint clock, checks the goal when the settings have settled, records progress.
fn check_goals(time: Res<Time>, mut ui: ResMut<UiState>, mut lessons: ResMut<Lessons>) {
    let dt = time.delta_secs_f64();
    let l = &mut *lessons;
    let key = ui.0.lessons.run.as_ref().map(|r| (r.lesson.clone(), r.step));
    if key == l.step_key {
        l.step_secs += dt;
    } else {
        l.step_key.clone_from(&key);
        l.step_secs = 0.0;
    }
    let Some((id, step_index)) = key else { return };
    let Some(step) = current_step(&ui.0).cloned() else { return };
    // A finished check.
    let finished = l.job.as_mut().and_then(|(_, task)| task.poll());
    if let Some(result) = finished
        && let Some((for_what, _)) = l.job.take()
    {
        l.checks += 1;
        match result {
            Ok(Ok(outcome)) => {
                if for_what.0 == id && for_what.1 == step_index {
                    if let Some(run) = &mut ui.0.lessons.run {
                        run.record(&step, outcome);
                    }
                    l.checked = Some(for_what);
                }
            }
            Ok(Err(e)) => ui.0.lessons.message = Some((format!("cannot check the goal: {e}"), true)),
            Err(e) => ui.0.lessons.message = Some((format!("the goal check failed: {e}"), true)),
        }
    }
    // Progress (a reached goal, an answered question).
    let hiding = !(ui.0.converter.hidden.is_empty() && ui.0.chain.hidden.is_empty());
    let needs_record = ui.0.lessons.run.as_ref().is_some_and(|r| {
        let p = l.store.lesson(&id);
        let done = r.step_done(&step);
        (done && !p.is_some_and(|p| p.done.contains(&step_index)))
            || (r.shown && !p.is_some_and(|p| p.shown.contains(&step_index)))
            || (hiding && !r.views_hidden(&step))
    });
    if needs_record && record_progress(&mut ui.0, &l.library, &mut l.store) {
        l.save(&mut ui);
    }
    // A new check when the settings have rested.
    let Some((_, goal)) = step.goal.clone() else { return };
    let state = lesson_state(&ui.0, &step);
    if l.last_state.as_ref() == Some(&state) {
        l.still_secs += dt;
    } else {
        l.last_state = Some(state.clone());
        l.still_secs = 0.0;
    }
    let target = (id, step_index, state);
    // A check the student asked for is answered by an evaluation of the settings as they are.
    if l.checked.as_ref() == Some(&target)
        && let Some(run) = &mut ui.0.lessons.run
        && run.check_requested
    {
        run.resolve_check(&step);
    }
    let fresh = l.checked.as_ref() == Some(&target) || l.job.as_ref().is_some_and(|(w, _)| *w == target);
    if fresh || l.job.is_some() || (l.still_secs < SETTLE_SECS && l.checked.is_some()) {
        return;
    }
    let secs = step.measure_secs.unwrap_or(DESK_SECS);
    let s = target.2.clone();
    let task = tasks::spawn(move || measure_for(&s, secs, goal.quantities().into_iter()).map(|m| goal.evaluate(&m)));
    l.job = Some((target, task));
}
