//! Lesson files: TOML with Markdown bodies, parsed into [`Lesson`]s and checked field by field,
//! so a mistake names the file, the line and the field (see lessons/README.md for the format).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::chain::scene::Scene;
use crate::lesson::expr::{Assignment, Cond, ExprError, parse_assignment, parse_goal};
use crate::lesson::measure::{Listening, SimState};
use crate::lesson::quantity::{CONTROLS, Quantity, Scope};
use crate::lesson::views::{View, ViewSet};
use crate::textloc::{LocatedError, at_path, at_string_char, parse_toml};

/// Seconds before the first hint shows, unless the step says otherwise.
pub const DEFAULT_HINT_SECS: f64 = 45.0;

/// At most this many values a drawn number can take.
const MAX_DRAW_VALUES: usize = 100_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    id: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default = "default_order")]
    order: i64,
    #[serde(default)]
    objectives: Vec<String>,
    #[serde(default)]
    capstone: bool,
    #[serde(default)]
    teacher: Option<TeacherFile>,
    steps: Vec<StepFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TeacherFile {
    #[serde(default)]
    minutes: Option<f64>,
    #[serde(default)]
    misconceptions: Vec<String>,
    #[serde(default)]
    discussion: Vec<String>,
    #[serde(default)]
    answer_key: String,
}

fn default_order() -> i64 {
    100
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
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
    #[serde(default)]
    draw: BTreeMap<String, DrawFile>,
    #[serde(default)]
    facts: Vec<String>,
    #[serde(default)]
    facts_after: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct DrawFile {
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    step: Option<f64>,
    #[serde(default)]
    choices: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
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
    #[serde(default)]
    hide_views: Vec<String>,
    #[serde(default)]
    blind_test: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    prompt: String,
    #[serde(default)]
    choices: Vec<String>,
    #[serde(default)]
    answer: Option<f64>,
    #[serde(default)]
    answer_from: Option<String>,
    #[serde(default)]
    misconception: Option<String>,
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
    /// Views hidden until the question is answered (predict, then reveal), or, in a step with
    /// no question, until the goal is reached.
    pub hide_views: ViewSet,
    /// The blind test (ABX) the step sets up, by its key in `sim::blind_tests`.
    pub blind_test: Option<String>,
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
        /// The right value, written in the file or worked out on the model.
        answer: NumberAnswer,
        /// How far off still counts.
        tolerance: f64,
        /// Written after the number.
        unit: String,
    },
}

/// Where the right answer to a number question comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum NumberAnswer {
    /// Written in the lesson.
    Fixed(f64),
    /// Measured on the model in the step's setup (the quantity as written, and parsed): the
    /// answer to a problem whose numbers are drawn per student.
    Model(String, Quantity),
}

/// A question and its feedback.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// What is asked (Markdown).
    pub prompt: String,
    /// Choice or number.
    pub kind: Kind,
    /// Why the answer is what it is, shown once answered (Markdown; `{answer}` is the right
    /// answer).
    pub explain: String,
    /// Feedback for a wrong answer: per choice, or one text for numbers (may be empty).
    pub wrong: Vec<String>,
    /// The misconception the question confronts, if it is one (for the teacher).
    pub misconception: Option<String>,
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

/// A number as a lesson writes it: whole numbers without decimals, others with up to four.
#[must_use]
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A measured answer rounded to one decimal finer than its tolerance needs (the model's
/// 7499.98 within 100 Hz is 7500, its 60.977 within 1.5 dB is 61.0).
fn round_for(x: f64, tolerance: f64) -> f64 {
    let decimals = (-tolerance.log10()).ceil().max(0.0) as i32 + 1;
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

impl Question {
    /// The question with its answer settled: a model answer replaced by `model` (the quantity's
    /// value measured in the step's setup), and `{answer}` in the explanation filled in.
    #[must_use]
    pub fn resolved(&self, model: Option<f64>) -> Self {
        let mut q = self.clone();
        if let (Kind::Number { answer: a @ NumberAnswer::Model(..), tolerance, .. }, Some(v)) = (&mut q.kind, model) {
            *a = NumberAnswer::Fixed(round_for(v, *tolerance));
        }
        if let Kind::Number { answer: NumberAnswer::Fixed(v), .. } = &q.kind {
            q.explain = q.explain.replace("{answer}", &format_number(*v));
        }
        q
    }

    /// Checks an answer and says why.
    #[must_use]
    pub fn check(&self, answer: &Answer) -> Feedback {
        match (&self.kind, answer) {
            (Kind::Number { answer: NumberAnswer::Model(..), .. }, _) => Feedback {
                right: false,
                text: "The answer is still being worked out on the model: try again in a moment.".into(),
            },
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
            (Kind::Number { answer: NumberAnswer::Fixed(right), tolerance, unit }, Answer::Number(x)) => {
                if x.is_finite() && (x - right).abs() <= *tolerance {
                    let right = format_number(*right);
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

    /// The right answer, for "show me the answer" (none while a model answer is unresolved).
    #[must_use]
    pub fn right_answer(&self) -> Option<Answer> {
        match &self.kind {
            Kind::Choice { answer, .. } => Some(Answer::Choice(*answer)),
            Kind::Number { answer: NumberAnswer::Fixed(x), .. } => Some(Answer::Number(*x)),
            Kind::Number { answer: NumberAnswer::Model(..), .. } => None,
        }
    }

    /// The quantity the answer is measured as, for a model answer.
    #[must_use]
    pub fn model_quantity(&self) -> Option<&Quantity> {
        match &self.kind {
            Kind::Number { answer: NumberAnswer::Model(_, q), .. } => Some(q),
            _ => None,
        }
    }
}

/// A number drawn per student: the name it is written as (`{name}`) and the values it can take.
#[derive(Clone, Debug, PartialEq)]
pub struct Draw {
    /// The placeholder's name.
    pub name: String,
    /// Every value it can take, in order.
    pub values: Vec<f64>,
}

impl Draw {
    /// The value for `key` (a hash of the student's seed, the lesson and the step).
    #[must_use]
    pub fn pick(&self, key: u64) -> f64 {
        let mut r = crate::dsp::noise::Random::new(key ^ fnv(self.name.as_bytes()));
        let i = (r.uniform() * self.values.len() as f64) as usize;
        self.values[i.min(self.values.len() - 1)]
    }
}

/// FNV-1a, 64 bits: a stable hash (the same on every machine and build) for drawing numbers.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The raw step, kept when it has numbers drawn per student, to be filled in for each one.
#[derive(Clone, Debug, PartialEq)]
struct Template {
    raw: StepFile,
    screen_before: Scope,
    dir: Option<PathBuf>,
    capstone: bool,
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
    /// Shown one by one when the goal takes a while, from a nudge to the answer.
    pub hints: Vec<String>,
    /// Seconds before each next hint.
    pub hint_after_secs: f64,
    /// How long the desk is rendered to check the goal, seconds.
    pub measure_secs: Option<f64>,
    /// A question.
    pub question: Option<Question>,
    /// The screen this step is on (its own or inherited).
    pub screen: Scope,
    /// What the text states about the setup, checked on the model by `lessons check --verify`.
    pub facts: Vec<(String, Cond)>,
    /// What the text states about the result of the solution, checked the same way.
    pub facts_after: Vec<(String, Cond)>,
    /// Numbers drawn per student.
    pub draws: Vec<Draw>,
    template: Option<Box<Template>>,
}

impl Step {
    /// The views hidden while the step waits for a prediction (or, with no question, for the
    /// goal).
    #[must_use]
    pub fn hidden_views(&self) -> ViewSet {
        self.setup.as_ref().map_or(ViewSet::EMPTY, |s| s.hide_views)
    }

    /// A prediction: a question asked while the views that would answer it are hidden.
    #[must_use]
    pub fn is_prediction(&self) -> bool {
        self.question.is_some() && !self.hidden_views().is_empty()
    }

    /// A goal reached without seeing it: views hidden and no question to reveal them, so the
    /// goal is only checked when the student asks.
    #[must_use]
    pub fn is_blind(&self) -> bool {
        self.question.is_none() && self.goal.is_some() && !self.hidden_views().is_empty()
    }

    /// The blind test the step sets up.
    #[must_use]
    pub fn blind_test(&self) -> Option<&str> {
        self.setup.as_ref().and_then(|s| s.blind_test.as_deref())
    }

    /// Whether the goal is on what the student hears (a blind test's score).
    #[must_use]
    pub fn is_listening(&self) -> bool {
        self.goal.as_ref().is_some_and(|(_, g)| g.quantities().iter().any(|q| matches!(q, Quantity::Abx(_))))
    }
}

/// What a teacher needs besides the lesson itself.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TeacherNotes {
    /// Minutes the lesson takes in class.
    pub minutes: Option<u32>,
    /// Misconceptions the lesson confronts.
    pub misconceptions: Vec<String>,
    /// Questions for a class discussion.
    pub discussion: Vec<String>,
    /// Notes for the answer key (beside each question's answer and each goal's solution).
    pub answer_key: String,
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
    /// What the student will be able to do afterwards.
    pub objectives: Vec<String>,
    /// A capstone: no hints, no "Show me", no answer shown.
    pub capstone: bool,
    /// For the teacher.
    pub teacher: TeacherNotes,
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
    pub fn from_toml(file: &str, text: &str, dir: Option<&Path>) -> Result<Self, LocatedError> {
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
        if let Some(k) = raw.objectives.iter().position(|o| o.trim().is_empty()) {
            return Err(fail(&format!("objectives[{k}]"), "an objective is empty".into()));
        }
        let teacher = match raw.teacher {
            None => TeacherNotes::default(),
            Some(t) => TeacherNotes {
                minutes: match t.minutes {
                    None => None,
                    Some(m) if m.fract() == 0.0 && (1.0..=600.0).contains(&m) => Some(m as u32),
                    Some(_) => return Err(fail("teacher.minutes", "minutes must be a whole number, 1 to 600".into())),
                },
                misconceptions: t.misconceptions,
                discussion: t.discussion,
                answer_key: t.answer_key,
            },
        };
        let mut steps = Vec::new();
        let mut screen = Scope::Converter;
        let ctx = Ctx { file, text, dir, capstone: raw.capstone };
        for (i, s) in raw.steps.into_iter().enumerate() {
            steps.push(step_with_draws(&ctx, i, s, &mut screen)?);
        }
        Ok(Self {
            id: raw.id,
            title: raw.title,
            summary: raw.summary,
            order: raw.order,
            objectives: raw.objectives,
            capstone: raw.capstone,
            teacher,
            steps,
            file: file.to_string(),
        })
    }

    /// The numbers drawn for step `i` from a student's `seed`, by name.
    #[must_use]
    pub fn draws_for(&self, i: usize, seed: u64) -> Vec<(String, f64)> {
        let Some(step) = self.steps.get(i) else { return Vec::new() };
        let key = seed ^ fnv(self.id.as_bytes()).rotate_left(17) ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        step.draws.iter().map(|d| (d.name.clone(), d.pick(key))).collect()
    }

    /// Step `i` as a student with `seed` sees it: its drawn numbers filled in (the step as
    /// loaded when it draws none).
    ///
    /// # Errors
    /// A setting the drawn numbers make invalid, or no step `i`.
    pub fn step_for(&self, i: usize, seed: u64) -> Result<Step, String> {
        let step = self.steps.get(i).ok_or_else(|| format!("no step {}", i + 1))?;
        let Some(t) = &step.template else { return Ok(step.clone()) };
        let values = self.draws_for(i, seed);
        let ctx = Ctx { file: &self.file, text: "", dir: t.dir.as_deref(), capstone: t.capstone };
        let mut screen = t.screen_before;
        let mut s = build_step(&ctx, i, fill_step(&t.raw, &values), &mut screen).map_err(|e| e.message)?;
        s.draws.clone_from(&step.draws);
        Ok(s)
    }
}

/// A mistake in the expression at `path`, located at its character in the file (or, when the
/// string has escapes, at the string, with the column within it).
fn expr_error(file: &str, text: &str, path: &str, e: &ExprError) -> LocatedError {
    at_string_char(file, text, path, e.column.saturating_sub(1), e.message.clone())
        .unwrap_or_else(|| at_path(file, text, path, e.to_string()))
}

/// Where a lesson is being read from.
struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    dir: Option<&'a Path>,
    capstone: bool,
}

impl Ctx<'_> {
    fn fail(&self, path: &str, msg: impl Into<String>) -> LocatedError {
        at_path(self.file, self.text, path, msg)
    }
}

/// Replaces each `{name}` in `text` by its value.
fn fill(text: &str, values: &[(String, f64)]) -> String {
    values.iter().fold(text.to_string(), |t, (name, v)| t.replace(&format!("{{{name}}}"), &format_number(*v)))
}

/// The raw step with the drawn numbers written in.
fn fill_step(raw: &StepFile, values: &[(String, f64)]) -> StepFile {
    let f = |s: &str| fill(s, values);
    let all = |v: &[String]| v.iter().map(|s| f(s)).collect::<Vec<_>>();
    let mut out = raw.clone();
    out.title = f(&raw.title);
    out.body = f(&raw.body);
    out.goal = raw.goal.as_deref().map(f);
    out.solution = all(&raw.solution);
    out.hints = all(&raw.hints);
    out.facts = all(&raw.facts);
    out.facts_after = all(&raw.facts_after);
    if let Some(su) = &mut out.setup {
        su.set = all(&su.set);
    }
    if let Some(q) = &mut out.question {
        q.prompt = f(&q.prompt);
        q.explain = f(&q.explain);
        q.choices = all(&q.choices);
        q.wrong = all(&q.wrong);
    }
    out.draw.clear();
    out
}

/// The values a drawn number can take.
fn draw_values(d: &DrawFile) -> Result<Vec<f64>, String> {
    if !d.choices.is_empty() {
        if d.min.is_some() || d.max.is_some() || d.step.is_some() {
            return Err("give either choices or min, max and step".into());
        }
        if d.choices.iter().any(|x| !x.is_finite()) {
            return Err("every choice must be a number".into());
        }
        return Ok(d.choices.clone());
    }
    let (Some(lo), Some(hi)) = (d.min, d.max) else {
        return Err("give choices = [...], or min and max (and step)".into());
    };
    let step = d.step.unwrap_or(1.0);
    if !(lo.is_finite() && hi.is_finite() && lo <= hi && step.is_finite() && step > 0.0) {
        return Err("min must not exceed max, and step must be above 0".into());
    }
    let n = ((hi - lo) / step + 1e-9).floor() as usize + 1;
    if n > MAX_DRAW_VALUES {
        return Err(format!("at most {MAX_DRAW_VALUES} values (got {n}): use a larger step"));
    }
    Ok((0..n).map(|k| lo + k as f64 * step).collect())
}

/// Parses step `i`, with its drawn numbers: checked with the smallest and the largest value of
/// each, kept with the smallest ones (each student's are filled in by [`Lesson::step_for`]).
fn step_with_draws(ctx: &Ctx<'_>, i: usize, s: StepFile, screen: &mut Scope) -> Result<Step, LocatedError> {
    if s.draw.is_empty() {
        return build_step(ctx, i, s, screen);
    }
    let mut draws = Vec::new();
    for (name, d) in &s.draw {
        let at = format!("steps[{i}].draw.{name}");
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ctx.fail(&at, "a drawn number's name is letters, digits and _"));
        }
        let values = draw_values(d).map_err(|m| ctx.fail(&at, m))?;
        draws.push(Draw { name: name.clone(), values });
    }
    let ends = |last: bool| -> Vec<(String, f64)> {
        draws.iter().map(|d| (d.name.clone(), if last { d.values[d.values.len() - 1] } else { d.values[0] })).collect()
    };
    let before = *screen;
    let mut check = before;
    build_step(ctx, i, fill_step(&s, &ends(true)), &mut check)?;
    let mut step = build_step(ctx, i, fill_step(&s, &ends(false)), screen)?;
    step.draws = draws;
    step.template = Some(Box::new(Template {
        raw: s,
        screen_before: before,
        dir: ctx.dir.map(Path::to_path_buf),
        capstone: ctx.capstone,
    }));
    Ok(step)
}

/// Parses and checks a list of assignments written at `field` for a step on `screen`.
fn assignments(ctx: &Ctx<'_>, list: &[String], field: &str, screen: Scope) -> Result<Vec<Assignment>, LocatedError> {
    let mut out = Vec::new();
    for (k, a) in list.iter().enumerate() {
        let path = format!("{field}[{k}]");
        let parsed = parse_assignment(a).map_err(|e| expr_error(ctx.file, ctx.text, &path, &e))?;
        if !parsed.quantity.fits(screen) {
            return Err(ctx.fail(
                &path,
                format!("`{a}` is a {} setting, but this step is on the {screen}", other_screen(screen)),
            ));
        }
        out.push(parsed);
    }
    Ok(out)
}

fn other_screen(screen: Scope) -> Scope {
    match screen {
        Scope::Converter => Scope::Desk,
        Scope::Desk => Scope::Converter,
    }
}

/// Parses conditions (a goal, facts) written at `path` for a step on `screen`.
fn condition(ctx: &Ctx<'_>, text: &str, path: &str, screen: Scope) -> Result<Cond, LocatedError> {
    let cond = parse_goal(text).map_err(|e| expr_error(ctx.file, ctx.text, path, &e))?;
    if cond.quantities().iter().any(|q| !q.fits(screen)) {
        return Err(
            ctx.fail(path, format!("this reads a {} quantity but the step is on the {screen}", other_screen(screen)))
        );
    }
    Ok(cond)
}

/// Parses and checks the setup of step `i`; sets `screen` to the one it shows.
fn setup(ctx: &Ctx<'_>, i: usize, su: SetupFile, screen: &mut Scope) -> Result<Setup, LocatedError> {
    let at = |field: &str| format!("steps[{i}].setup.{field}");
    let mut out = Setup::default();
    if let Some(sc) = &su.screen {
        out.screen = Some(
            screen_of(sc)
                .ok_or_else(|| ctx.fail(&at("screen"), format!("unknown screen '{sc}' (converter or desk)")))?,
        );
    }
    if let Some(p) = su.preset {
        if crate::sim::presets::find(&p).is_none() {
            let keys: Vec<&str> = crate::sim::presets::all().iter().map(|p| p.key).collect();
            return Err(ctx.fail(&at("preset"), format!("unknown preset '{p}' (presets: {})", keys.join(", "))));
        }
        out.preset = Some(p);
        out.screen = out.screen.or(Some(Scope::Converter));
    }
    if let Some(name) = su.scene {
        out.scene = Some(load_scene(&name, ctx.dir).map_err(|m| ctx.fail(&at("scene"), m))?);
        out.screen = out.screen.or(Some(Scope::Desk));
    }
    *screen = out.screen.unwrap_or(*screen);
    out.set = assignments(ctx, &su.set, &at("set"), *screen)?;
    for (field, names) in [("lock", &su.lock), ("hide", &su.hide)] {
        for (k, n) in names.iter().enumerate() {
            if !CONTROLS.iter().any(|(c, _, _)| c == n) {
                let all: Vec<&str> = CONTROLS.iter().map(|(c, _, _)| *c).collect();
                return Err(ctx.fail(
                    &format!("steps[{i}].setup.{field}[{k}]"),
                    format!("unknown control '{n}' (controls: {})", all.join(", ")),
                ));
            }
        }
    }
    out.lock = su.lock;
    out.hide = su.hide;
    if su.hide_readouts {
        out.hide_views = ViewSet::of(&[View::Readouts, View::Aliases]);
    }
    for (k, name) in su.hide_views.iter().enumerate() {
        let view = View::from_name(name).ok_or_else(|| {
            let all: Vec<&str> = View::ALL.iter().map(|v| v.name()).collect();
            ctx.fail(
                &format!("steps[{i}].setup.hide_views[{k}]"),
                format!("unknown view '{name}' (views: {})", all.join(", ")),
            )
        })?;
        out.hide_views.insert(view);
    }
    if let Some(key) = su.blind_test {
        if crate::sim::blind_tests::find(&key, &Scene::band()).is_none() {
            let keys = crate::sim::blind_tests::KEYS.join(", ");
            return Err(ctx.fail(&at("blind_test"), format!("unknown blind test '{key}' (blind tests: {keys})")));
        }
        out.blind_test = Some(key);
    }
    Ok(out)
}

/// Parses and checks step `i`; `screen` is the screen so far (a setup may change it).
fn build_step(ctx: &Ctx<'_>, i: usize, s: StepFile, screen: &mut Scope) -> Result<Step, LocatedError> {
    let at = |field: &str| format!("steps[{i}].{field}");
    if s.title.trim().is_empty() {
        return Err(ctx.fail(&at("title"), "the title is empty"));
    }
    if s.body.trim().is_empty() {
        return Err(ctx.fail(&at("body"), "the body is empty"));
    }
    let setup = match s.setup {
        None => None,
        Some(su) => Some(setup(ctx, i, su, screen)?),
    };
    let goal = match s.goal {
        None => None,
        Some(g) => {
            let cond = condition(ctx, &g, &at("goal"), *screen)?;
            let quantities = cond.quantities();
            if !quantities.iter().any(|q| q.is_measured()) {
                return Err(ctx.fail(
                    &at("goal"),
                    "the goal names only settings: it must involve at least one measured quantity (the result the \
                     student reaches, not the knob that reaches it)",
                ));
            }
            let listening = quantities.iter().any(|q| matches!(q, Quantity::Abx(_)));
            if listening && setup.as_ref().is_none_or(|su| su.blind_test.is_none()) {
                return Err(ctx.fail(&at("goal"), "a goal on abx.* needs the step to set up a `blind_test`"));
            }
            Some((g, cond, listening))
        }
    };
    let solution = assignments(ctx, &s.solution, &at("solution"), *screen)?;
    if let Some((_, _, listening)) = &goal
        && !listening
        && solution.is_empty()
    {
        return Err(ctx.fail(&at("goal"), "a step with a goal needs a `solution` (what \"show me\" applies)"));
    }
    if ctx.capstone && !s.hints.is_empty() {
        return Err(ctx.fail(&at("hints"), "a capstone lesson gives no hints"));
    }
    if let Some(h) = s.hint_after_secs
        && !(h.is_finite() && h > 0.0)
    {
        return Err(ctx.fail(&at("hint_after_secs"), "must be a positive number of seconds"));
    }
    if let Some(m) = s.measure_secs
        && !(m.is_finite() && (0.5..=60.0).contains(&m))
    {
        return Err(ctx.fail(&at("measure_secs"), "must be between 0.5 and 60 seconds"));
    }
    let mut facts = Vec::new();
    for (k, f) in s.facts.iter().enumerate() {
        facts.push((f.clone(), condition(ctx, f, &at(&format!("facts[{k}]")), *screen)?));
    }
    let mut facts_after = Vec::new();
    for (k, f) in s.facts_after.iter().enumerate() {
        let path = at(&format!("facts_after[{k}]"));
        if goal.is_none() {
            return Err(ctx.fail(&path, "facts_after are checked after the solution: the step needs a goal"));
        }
        facts_after.push((f.clone(), condition(ctx, f, &path, *screen)?));
    }
    let question = match s.question {
        None => None,
        Some(q) => Some(question(q, *screen).map_err(|(f, m)| ctx.fail(&at(&format!("question.{f}")), m))?),
    };
    Ok(Step {
        title: s.title,
        body: s.body,
        setup,
        goal: goal.map(|(g, c, _)| (g, c)),
        solution,
        hints: s.hints,
        hint_after_secs: s.hint_after_secs.unwrap_or(DEFAULT_HINT_SECS),
        measure_secs: s.measure_secs,
        question,
        screen: *screen,
        facts,
        facts_after,
        draws: Vec::new(),
        template: None,
    })
}

fn question(q: QuestionFile, screen: Scope) -> Result<Question, (String, String)> {
    if q.prompt.trim().is_empty() {
        return Err(("prompt".into(), "the prompt is empty".into()));
    }
    let kind = if q.choices.is_empty() {
        let tolerance =
            q.tolerance.ok_or(("tolerance".to_string(), "a number question needs a tolerance".to_string()))?;
        if !(tolerance.is_finite() && tolerance > 0.0) {
            return Err(("tolerance".into(), "the tolerance must be above 0".into()));
        }
        let answer = match (q.answer, &q.answer_from) {
            (Some(a), None) if a.is_finite() => NumberAnswer::Fixed(a),
            (Some(_), None) => return Err(("answer".into(), "the answer must be a number".into())),
            (None, Some(name)) => {
                let cond = parse_goal(&format!("{name} > 0")).map_err(|e| ("answer_from".to_string(), e.message))?;
                let q = cond.quantities().first().map(|q| (*q).clone());
                match q {
                    Some(q) if q.scope() == Some(Scope::Converter) && screen == Scope::Converter && q.is_measured() => {
                        NumberAnswer::Model(name.clone(), q)
                    }
                    _ => {
                        return Err((
                            "answer_from".into(),
                            "the answer is read from a measured quantity of the converter screen (and the step must \
                             be on it)"
                                .into(),
                        ));
                    }
                }
            }
            (Some(_), Some(_)) => {
                return Err((
                    "answer_from".into(),
                    "give the answer, or where it comes from (answer_from), not both".into(),
                ));
            }
            (None, None) => return Err(("answer".into(), "a question needs an answer (or answer_from)".into())),
        };
        Kind::Number { answer, tolerance, unit: q.unit }
    } else {
        if q.choices.len() < 2 {
            return Err(("choices".into(), "give at least two choices".into()));
        }
        let n = q.choices.len();
        let Some(answer) = q.answer else {
            return Err(("answer".into(), format!("the answer is the number of the right choice, 1 to {n}")));
        };
        if !(answer.fract() == 0.0 && answer >= 1.0 && answer <= n as f64) {
            return Err(("answer".into(), format!("the answer is the number of the right choice, 1 to {n}")));
        }
        if q.tolerance.is_some() {
            return Err(("tolerance".into(), "a choice question has no tolerance".into()));
        }
        if q.answer_from.is_some() {
            return Err(("answer_from".into(), "a choice question's answer is a choice".into()));
        }
        if !q.wrong.is_empty() && q.wrong.len() != n {
            return Err(("wrong".into(), format!("give one feedback per choice ({n}), or none")));
        }
        Kind::Choice { choices: q.choices, answer: answer as usize - 1 }
    };
    Ok(Question { prompt: q.prompt, kind, explain: q.explain, wrong: q.wrong, misconception: q.misconception })
}

/// A scene named by a lesson: a built-in example by its stem, or a file next to the lesson.
fn load_scene(name: &str, dir: Option<&Path>) -> Result<Scene, String> {
    if let Some(scene) = crate::chain::scene::example(name) {
        return Ok(scene);
    }
    let path = dir.map_or_else(|| PathBuf::from(name), |d| d.join(name));
    if path.is_file() {
        return Scene::load(&path).map_err(|e| e.to_string());
    }
    let stems: Vec<&str> = crate::chain::scene::EXAMPLES.iter().map(|(s, _, _)| *s).collect();
    Err(format!("unknown scene '{name}' (built in: band, {}; or a .toml file next to the lesson)", stems.join(", ")))
}

impl Setup {
    /// Applies the setup to `state` (a blind test starts with no trials).
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
        state.listening = self.blind_test.as_ref().map(|t| Listening { test: t.clone(), trials: 0, correct: 0 });
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
