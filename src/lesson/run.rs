//! Taking a lesson: which step the student is on, whether its goal has been reached (it stays
//! reached once it was), how the question went, the tries, which hints are out and whether
//! "Show me" is offered yet. Plain data, so the panel and the tests drive it the same way.

use crate::lesson::expr::Outcome;
use crate::lesson::model::{Answer, Feedback, Step};

/// Wrong answers (or unmet checks of a goal) before the answer or "Show me" is offered.
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
    /// Times the student asked to check the goal and it was not met.
    pub tries: u32,
    /// The student asked to check the goal; answered once the goal has been evaluated for the
    /// settings as they are.
    pub check_requested: bool,
    /// A check has been answered (a blind step shows its verdict from then on).
    pub checked: bool,
    /// The right answer of a question answered on the model, once measured.
    pub model_answer: Option<f64>,
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

    /// Whether the goal counts as it is evaluated: not while a prediction waits for its answer,
    /// and not in a blind step (there only a check the student asks for counts).
    #[must_use]
    pub fn goal_live(&self, step: &Step) -> bool {
        !step.is_blind() && (!step.is_prediction() || self.answered)
    }

    /// Whether the step's hidden views are still hidden: until the question is answered, or,
    /// with no question, until the goal is reached.
    #[must_use]
    pub fn views_hidden(&self, step: &Step) -> bool {
        !step.hidden_views().is_empty()
            && if step.question.is_some() { !self.answered } else { step.goal.is_some() && !self.goal_met }
    }

    /// Takes a new evaluation of the goal (latched only while the goal is live).
    pub fn record(&mut self, step: &Step, outcome: Outcome) {
        if self.goal_live(step) {
            self.goal_met |= outcome.met;
        }
        self.outcome = Some(outcome);
    }

    /// The student asks whether the goal is reached.
    pub fn request_check(&mut self) {
        self.check_requested = true;
    }

    /// Answers a requested check with the last evaluation, which must be of the settings as
    /// they are now: reached, or one more try.
    pub fn resolve_check(&mut self, step: &Step) {
        if !std::mem::take(&mut self.check_requested) || (step.is_prediction() && !self.answered) {
            return;
        }
        let met = self.outcome.as_ref().is_some_and(|o| o.met);
        if met {
            self.goal_met = true;
        } else if !self.goal_met {
            self.tries += 1;
        }
        self.checked = true;
    }

    /// Checks an answer to the step's question.
    pub fn answer(&mut self, step: &Step, answer: &Answer) -> Option<&Feedback> {
        let q = step.question.as_ref()?.resolved(self.model_answer);
        if self.answered {
            return self.feedback.as_ref();
        }
        let f = q.check(answer);
        // A number not yet worked out on the model is no try.
        if q.right_answer().is_some() {
            self.attempts += 1;
        }
        self.answered = f.right;
        self.feedback = Some(f);
        self.after_answer(step);
        self.feedback.as_ref()
    }

    /// Shows the right answer (offered after [`TRIES_BEFORE_REVEAL`] wrong ones).
    pub fn reveal(&mut self, step: &Step) {
        if let Some(q) = &step.question {
            let q = q.resolved(self.model_answer);
            let Some(right) = q.right_answer() else { return };
            let mut f = q.check(&right);
            f.text = format!("The answer: {}", f.text.trim_start_matches("Right").trim_start_matches([':', '.', ' ']));
            self.feedback = Some(f);
            self.answered = true;
            self.revealed = true;
            self.after_answer(step);
        }
    }

    /// Once a prediction is answered, the goal's last evaluation counts.
    fn after_answer(&mut self, step: &Step) {
        if self.answered && self.goal_live(step) && self.outcome.as_ref().is_some_and(|o| o.met) {
            self.goal_met = true;
        }
    }

    /// How many hints are out after `secs` on the step (none once the goal is reached, unless
    /// asked for).
    #[must_use]
    pub fn hints_visible(&self, step: &Step, secs: f64) -> usize {
        let timed = if self.goal_met { 0 } else { (secs / step.hint_after_secs).floor().max(0.0) as usize };
        (timed + self.extra_hints).min(step.hints.len())
    }

    /// Whether "Show me" is offered: never in a capstone or without a solution; otherwise after
    /// [`TRIES_BEFORE_REVEAL`] unmet checks, or once the last hint is out.
    #[must_use]
    pub fn show_me_offered(&self, step: &Step, secs: f64, capstone: bool) -> bool {
        !capstone
            && !step.solution.is_empty()
            && (self.tries >= TRIES_BEFORE_REVEAL
                || (!step.hints.is_empty() && self.hints_visible(step, secs) == step.hints.len()))
    }

    /// Whether "Show the answer" is offered: never in a capstone; after
    /// [`TRIES_BEFORE_REVEAL`] wrong answers.
    #[must_use]
    pub fn reveal_offered(&self, capstone: bool) -> bool {
        !capstone && !self.answered && self.attempts >= TRIES_BEFORE_REVEAL
    }
}
