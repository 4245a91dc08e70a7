//! Lesson files: TOML with Markdown bodies, parsed into [`Lesson`]s and checked field by field,
//! so a mistake names the file, the line and the field (see lessons/README.md for the format).

use serde::Deserialize;

use crate::chain::scene::Scene;
use crate::lesson::expr::{Assignment, Cond, ExprError, parse_assignment, parse_goal};
use crate::lesson::measure::SimState;
use crate::lesson::quantity::{CONTROLS, Scope};
use crate::textloc::{LocatedError, at_path, at_string_char, parse_toml};

/// Seconds before the first hint shows, unless the step says otherwise.
pub const DEFAULT_HINT_SECS: f64 = 45.0;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    id: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default = "default_order")]
    order: i64,
    steps: Vec<StepFile>,
}

fn default_order() -> i64 {
    100
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    title: String,
    body: String,
    #[serde(default)]
    setup: Option<SetupFile>,
    #[serde(default)]
    goal: Option<String>,
    #[serde(default)]
    solution: Vec<String>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    hint_after_secs: Option<f64>,
    #[serde(default)]
    measure_secs: Option<f64>,
    #[serde(default)]
    question: Option<QuestionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetupFile {
    #[serde(default)]
    screen: Option<String>,
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    scene: Option<String>,
    #[serde(default)]
    set: Vec<String>,
    #[serde(default)]
    lock: Vec<String>,
    #[serde(default)]
    hide: Vec<String>,
    #[serde(default)]
    hide_readouts: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    prompt: String,
    #[serde(default)]
    choices: Vec<String>,
    answer: f64,
    #[serde(default)]
    tolerance: Option<f64>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    explain: String,
    #[serde(default)]
    wrong: Vec<String>,
}

/// What entering a step does.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Setup {
    /// Show this screen.
    pub screen: Option<Scope>,
    /// Start from this converter preset.
    pub preset: Option<String>,
    /// Start from this scene (a built-in example's stem, or a file next to the lesson).
    pub scene: Option<Scene>,
    /// Then set these.
    pub set: Vec<Assignment>,
    /// Controls shown but not changeable.
    pub lock: Vec<String>,
    /// Controls not shown.
    pub hide: Vec<String>,
    /// Readouts hidden until the question is answered (predict, then reveal).
    pub hide_readouts: bool,
}

/// A question.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Pick one of these; the index of the right one (0-based).
    Choice {
        /// The choices.
        choices: Vec<String>,
        /// The right one.
        answer: usize,
    },
    /// A number within a tolerance.
    Number {
        /// The right value.
        answer: f64,
        /// How far off still counts.
        tolerance: f64,
        /// Written after the number.
        unit: String,
    },
}

/// A question and its feedback.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// What is asked (Markdown).
    pub prompt: String,
    /// Choice or number.
    pub kind: Kind,
    /// Why the answer is what it is, shown once answered (Markdown).
    pub explain: String,
    /// Feedback for a wrong answer: per choice, or one text for numbers (may be empty).
    pub wrong: Vec<String>,
}

/// How an answer went.
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    /// Right.
    pub right: bool,
    /// What to tell the student.
    pub text: String,
}

/// A student's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The index of a choice.
    Choice(usize),
    /// A number.
    Number(f64),
}

impl Question {
    /// Checks an answer and says why.
    #[must_use]
    pub fn check(&self, answer: &Answer) -> Feedback {
        match (&self.kind, answer) {
            (Kind::Choice { choices, answer: right }, Answer::Choice(i)) => {
                if i == right {
                    Feedback { right: true, text: format!("Right. {}", self.explain).trim().to_string() }
                } else {
                    let why = self
                        .wrong
                        .get(*i)
                        .filter(|w| !w.is_empty())
                        .cloned()
                        .unwrap_or_else(|| format!("Not \"{}\".", choices.get(*i).map_or("that", String::as_str)));
                    Feedback { right: false, text: format!("{why} Try again.") }
                }
            }
            (Kind::Number { answer: right, tolerance, unit }, Answer::Number(x)) => {
                if x.is_finite() && (x - right).abs() <= *tolerance {
                    Feedback {
                        right: true,
                        text: format!("Right: {right} {unit}. {}", self.explain).trim().to_string(),
                    }
                } else {
                    let dir = if *x > *right { "too high" } else { "too low" };
                    let extra = self.wrong.first().cloned().unwrap_or_default();
                    Feedback {
                        right: false,
                        text: format!("{x} {unit} is {dir}. {extra} Try again.").replace("  ", " "),
                    }
                }
            }
            _ => Feedback { right: false, text: "Answer with the kind of value asked for.".into() },
        }
    }

    /// The right answer, for "show me the answer".
    #[must_use]
    pub fn right_answer(&self) -> Answer {
        match &self.kind {
            Kind::Choice { answer, .. } => Answer::Choice(*answer),
            Kind::Number { answer, .. } => Answer::Number(*answer),
        }
    }
}

/// A step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Title.
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Applied on entering.
    pub setup: Option<Setup>,
    /// The goal, as written and parsed.
    pub goal: Option<(String, Cond)>,
    /// What "show me" applies (reaches the goal).
    pub solution: Vec<Assignment>,
    /// Shown one by one when the goal takes a while.
    pub hints: Vec<String>,
    /// Seconds before each next hint.
    pub hint_after_secs: f64,
    /// How long the desk is rendered to check the goal, seconds.
    pub measure_secs: Option<f64>,
    /// A question.
    pub question: Option<Question>,
    /// The screen this step is on (its own or inherited).
    pub screen: Scope,
}

/// A lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Stable id (progress is saved under it).
    pub id: String,
    /// Title.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// Position in the list.
    pub order: i64,
    /// The steps.
    pub steps: Vec<Step>,
    /// The file it came from.
    pub file: String,
}

fn screen_of(s: &str) -> Option<Scope> {
    match s {
        "converter" => Some(Scope::Converter),
        "desk" | "chain" | "mixing-desk" => Some(Scope::Desk),
        _ => None,
    }
}

impl Lesson {
    /// Parses and checks a lesson; `file` names it in errors, `dir` is where scene files named
    /// by it are looked for.
    ///
    /// # Errors
    /// The first mistake, located by file, line and field.
    pub fn from_toml(file: &str, text: &str, dir: Option<&std::path::Path>) -> Result<Self, LocatedError> {
        let raw: LessonFile = parse_toml(file, text)?;
        let fail = |path: &str, msg: String| at_path(file, text, path, msg);
        if raw.id.is_empty() || !raw.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(fail("id", format!("the id must be lowercase letters, digits and dashes (got '{}')", raw.id)));
        }
        if raw.title.trim().is_empty() {
            return Err(fail("title", "the title is empty".into()));
        }
        if raw.steps.is_empty() {
            return Err(fail("steps", "a lesson needs at least one [[steps]]".into()));
        }
        let mut steps = Vec::new();
        let mut screen = Scope::Converter;
        for (i, s) in raw.steps.into_iter().enumerate() {
            steps.push(step(file, text, dir, i, s, &mut screen)?);
        }
        Ok(Self { id: raw.id, title: raw.title, summary: raw.summary, order: raw.order, steps, file: file.to_string() })
    }
}

/// A mistake in the expression at `path`, located at its character in the file (or, when the
/// string has escapes, at the string, with the column within it).
fn expr_error(file: &str, text: &str, path: &str, e: &ExprError) -> LocatedError {
    at_string_char(file, text, path, e.column.saturating_sub(1), e.message.clone())
        .unwrap_or_else(|| at_path(file, text, path, e.to_string()))
}

/// Parses and checks a list of assignments written at `field` for a step on `screen`.
fn assignments(
    file: &str,
    text: &str,
    list: &[String],
    field: &str,
    screen: Scope,
) -> Result<Vec<Assignment>, LocatedError> {
    let mut out = Vec::new();
    for (k, a) in list.iter().enumerate() {
        let path = format!("{field}[{k}]");
        let parsed = parse_assignment(a).map_err(|e| expr_error(file, text, &path, &e))?;
        if parsed.quantity.scope() != screen {
            return Err(at_path(
                file,
                text,
                &path,
                format!("`{a}` is a {} setting, but this step is on the {screen}", parsed.quantity.scope()),
            ));
        }
        out.push(parsed);
    }
    Ok(out)
}

/// Parses and checks the setup of step `i`; sets `screen` to the one it shows.
fn setup(
    file: &str,
    text: &str,
    dir: Option<&std::path::Path>,
    i: usize,
    su: SetupFile,
    screen: &mut Scope,
) -> Result<Setup, LocatedError> {
    let fail = |path: &str, msg: String| at_path(file, text, path, msg);
    let at = |field: &str| format!("steps[{i}].setup.{field}");
    let mut out = Setup { hide_readouts: su.hide_readouts, ..Setup::default() };
    if let Some(sc) = &su.screen {
        out.screen = Some(
            screen_of(sc).ok_or_else(|| fail(&at("screen"), format!("unknown screen '{sc}' (converter or desk)")))?,
        );
    }
    if let Some(p) = su.preset {
        if crate::sim::presets::find(&p).is_none() {
            let keys: Vec<&str> = crate::sim::presets::all().iter().map(|p| p.key).collect();
            return Err(fail(&at("preset"), format!("unknown preset '{p}' (presets: {})", keys.join(", "))));
        }
        out.preset = Some(p);
        out.screen = out.screen.or(Some(Scope::Converter));
    }
    if let Some(name) = su.scene {
        out.scene = Some(load_scene(&name, dir).map_err(|m| fail(&at("scene"), m))?);
        out.screen = out.screen.or(Some(Scope::Desk));
    }
    *screen = out.screen.unwrap_or(*screen);
    out.set = assignments(file, text, &su.set, &at("set"), *screen)?;
    for (field, names) in [("lock", &su.lock), ("hide", &su.hide)] {
        for (k, n) in names.iter().enumerate() {
            if !CONTROLS.iter().any(|(c, _, _)| c == n) {
                let all: Vec<&str> = CONTROLS.iter().map(|(c, _, _)| *c).collect();
                return Err(fail(
                    &format!("steps[{i}].setup.{field}[{k}]"),
                    format!("unknown control '{n}' (controls: {})", all.join(", ")),
                ));
            }
        }
    }
    out.lock = su.lock;
    out.hide = su.hide;
    Ok(out)
}

/// Parses and checks step `i`; `screen` is the screen so far (a setup may change it).
fn step(
    file: &str,
    text: &str,
    dir: Option<&std::path::Path>,
    i: usize,
    s: StepFile,
    screen: &mut Scope,
) -> Result<Step, LocatedError> {
    let fail = |path: &str, msg: String| at_path(file, text, path, msg);
    let at = |field: &str| format!("steps[{i}].{field}");
    if s.title.trim().is_empty() {
        return Err(fail(&at("title"), "the title is empty".into()));
    }
    if s.body.trim().is_empty() {
        return Err(fail(&at("body"), "the body is empty".into()));
    }
    let setup = match s.setup {
        None => None,
        Some(su) => Some(setup(file, text, dir, i, su, screen)?),
    };
    let goal = match s.goal {
        None => None,
        Some(g) => {
            let cond = parse_goal(&g).map_err(|e| expr_error(file, text, &at("goal"), &e))?;
            if let Some(q) = cond.quantities().into_iter().find(|q| q.scope() != *screen) {
                return Err(fail(
                    &at("goal"),
                    format!("the goal reads a {} quantity but the step is on the {screen}", q.scope()),
                ));
            }
            Some((g, cond))
        }
    };
    let solution = assignments(file, text, &s.solution, &at("solution"), *screen)?;
    if goal.is_some() && solution.is_empty() {
        return Err(fail(&at("goal"), "a step with a goal needs a `solution` (what \"show me\" applies)".into()));
    }
    if let Some(h) = s.hint_after_secs
        && !(h.is_finite() && h > 0.0)
    {
        return Err(fail(&at("hint_after_secs"), "must be a positive number of seconds".into()));
    }
    if let Some(m) = s.measure_secs
        && !(m.is_finite() && (0.5..=60.0).contains(&m))
    {
        return Err(fail(&at("measure_secs"), "must be between 0.5 and 60 seconds".into()));
    }
    let question = match s.question {
        None => None,
        Some(q) => Some(question(q).map_err(|(f, m)| fail(&at(&format!("question.{f}")), m))?),
    };
    Ok(Step {
        title: s.title,
        body: s.body,
        setup,
        goal,
        solution,
        hints: s.hints,
        hint_after_secs: s.hint_after_secs.unwrap_or(DEFAULT_HINT_SECS),
        measure_secs: s.measure_secs,
        question,
        screen: *screen,
    })
}

fn question(q: QuestionFile) -> Result<Question, (String, String)> {
    if q.prompt.trim().is_empty() {
        return Err(("prompt".into(), "the prompt is empty".into()));
    }
    let kind = if q.choices.is_empty() {
        let tolerance =
            q.tolerance.ok_or(("tolerance".to_string(), "a number question needs a tolerance".to_string()))?;
        if !(tolerance.is_finite() && tolerance > 0.0) {
            return Err(("tolerance".into(), "the tolerance must be above 0".into()));
        }
        if !q.answer.is_finite() {
            return Err(("answer".into(), "the answer must be a number".into()));
        }
        Kind::Number { answer: q.answer, tolerance, unit: q.unit }
    } else {
        if q.choices.len() < 2 {
            return Err(("choices".into(), "give at least two choices".into()));
        }
        let n = q.choices.len();
        if !(q.answer.fract() == 0.0 && q.answer >= 1.0 && q.answer <= n as f64) {
            return Err(("answer".into(), format!("the answer is the number of the right choice, 1 to {n}")));
        }
        if q.tolerance.is_some() {
            return Err(("tolerance".into(), "a choice question has no tolerance".into()));
        }
        if !q.wrong.is_empty() && q.wrong.len() != n {
            return Err(("wrong".into(), format!("give one feedback per choice ({n}), or none")));
        }
        Kind::Choice { choices: q.choices, answer: q.answer as usize - 1 }
    };
    Ok(Question { prompt: q.prompt, kind, explain: q.explain, wrong: q.wrong })
}

/// A scene named by a lesson: a built-in example by its stem, or a file next to the lesson.
fn load_scene(name: &str, dir: Option<&std::path::Path>) -> Result<Scene, String> {
    if let Some(scene) = crate::chain::scene::example(name) {
        return Ok(scene);
    }
    let path = dir.map_or_else(|| std::path::PathBuf::from(name), |d| d.join(name));
    if path.is_file() {
        return Scene::load(&path).map_err(|e| e.to_string());
    }
    let stems: Vec<&str> = crate::chain::scene::EXAMPLES.iter().map(|(s, _, _)| *s).collect();
    Err(format!("unknown scene '{name}' (built in: band, {}; or a .toml file next to the lesson)", stems.join(", ")))
}

impl Setup {
    /// Applies the setup to `state`.
    ///
    /// # Errors
    /// A setting the state cannot take (say, a track the scene does not have).
    pub fn apply(&self, state: &mut SimState) -> Result<(), String> {
        if let Some(p) = &self.preset
            && let Some(preset) = crate::sim::presets::find(p)
        {
            state.converter = preset.params;
        }
        if let Some(scene) = &self.scene {
            state.scene = scene.clone();
        }
        if let Some(s) = self.screen {
            state.screen = s;
        }
        for a in &self.set {
            state.apply(a).map_err(|e| format!("{}: {e}", a.text))?;
        }
        Ok(())
    }
}

impl Step {
    /// Applies the known solution to `state`.
    ///
    /// # Errors
    /// A setting the state cannot take.
    pub fn apply_solution(&self, state: &mut SimState) -> Result<(), String> {
        for a in &self.solution {
            state.apply(a).map_err(|e| format!("{}: {e}", a.text))?;
        }
        Ok(())
    }
}
