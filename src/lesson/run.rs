//! Taking a lesson: which step the student is on, whether its goal has been reached (it stays
//! reached once it was), how the question went and which hints are out. Plain data, so the
//! panel and the tests drive it the same way.

use crate::lesson::expr::Outcome;
use crate::lesson::model::{Answer, Feedback, Step};

/// Wrong answers before "show me the answer" is offered.
pub const TRIES_BEFORE_REVEAL: u32 = 2;

/// A lesson in progress.
#[derive(Clone, Debug, PartialEq, Default)]
#[allow(clippy::struct_excessive_bools, reason = "independent facts about the step, each shown")]
pub struct LessonRun {
    /// The lesson's id.
    pub lesson: String,
    /// The step on show (0-based).
    pub step: usize,
    /// The goal has been reached on this step (latched).
    pub goal_met: bool,
    /// The last evaluation of the goal.
    pub outcome: Option<Outcome>,
    /// The question was answered right, or the answer was shown.
    pub answered: bool,
    /// The answer was shown rather than found.
    pub revealed: bool,
    /// Answers given to this step's question.
    pub attempts: u32,
    /// Feedback on the last answer.
    pub feedback: Option<Feedback>,
    /// The choice selected.
    pub choice: Option<usize>,
    /// The number typed.
    pub number: String,
    /// Hints asked for on top of those the clock has shown.
    pub extra_hints: usize,
    /// "Show me" was used on this step.
    pub shown: bool,
}

impl LessonRun {
    /// Starts lesson `id` at `step`.
    #[must_use]
    pub fn new(id: &str, step: usize) -> Self {
        Self { lesson: id.to_string(), step, ..Self::default() }
    }

    /// Moves to `step`, forgetting the previous step's state.
    pub fn goto(&mut self, step: usize) {
        *self = Self::new(&self.lesson, step);
    }

    /// Whether `step` (the one on show) is done: its goal reached and its question answered.
    #[must_use]
    pub fn step_done(&self, step: &Step) -> bool {
        (step.goal.is_none() || self.goal_met) && (step.question.is_none() || self.answered)
    }

    /// Takes a new evaluation of the goal.
    pub fn record(&mut self, outcome: Outcome) {
        self.goal_met |= outcome.met;
        self.outcome = Some(outcome);
    }

    /// Checks an answer to the step's question.
    pub fn answer(&mut self, step: &Step, answer: &Answer) -> Option<&Feedback> {
        let q = step.question.as_ref()?;
        if self.answered {
            return self.feedback.as_ref();
        }
        let f = q.check(answer);
        self.attempts += 1;
        self.answered = f.right;
        self.feedback = Some(f);
        self.feedback.as_ref()
    }

    /// Shows the right answer (offered after [`TRIES_BEFORE_REVEAL`] wrong ones).
    pub fn reveal(&mut self, step: &Step) {
        if let Some(q) = &step.question {
            let right = q.right_answer();
            let mut f = q.check(&right);
            f.text = format!("The answer: {}", f.text.trim_start_matches("Right").trim_start_matches([':', '.', ' ']));
            self.feedback = Some(f);
            self.answered = true;
            self.revealed = true;
        }
    }

    /// How many hints are out after `secs` on the step (none once the goal is reached, unless
    /// asked for).
    #[must_use]
    pub fn hints_visible(&self, step: &Step, secs: f64) -> usize {
        let timed = if self.goal_met { 0 } else { (secs / step.hint_after_secs).floor().max(0.0) as usize };
        (timed + self.extra_hints).min(step.hints.len())
    }
}
