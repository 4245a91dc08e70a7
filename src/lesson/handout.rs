//! The printable handout of a folder of lessons: one HTML page with each lesson under its own
//! heading (objectives, steps, tasks and questions) and, in a separate section at the end, the
//! answer key and the teacher's notes. Every text from a lesson file is escaped.

use std::fmt::Write as _;

use crate::lesson::library::{Library, check_on_model_seeded};
use crate::lesson::model::{Kind, Lesson, NumberAnswer, Question, Step, format_number};
use crate::lesson::text::{escape_html, inline_html, to_html};

/// The student seed the handout's drawn numbers come from (in the app each student has their
/// own).
pub const HANDOUT_SEED: u64 = 1;

const STYLE: &str = "body{font-family:Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.45;\
color:#111}h1,h2,h3{font-family:Helvetica,Arial,sans-serif}h2{border-bottom:2px solid #333;margin-top:2em}\
code{font-family:Menlo,Consolas,monospace;font-size:90%;background:#f2f2f2;padding:0 .2em}\
.task,.question{border-left:4px solid #777;padding:.2em .8em;margin:.6em 0}.blank{display:inline-block;\
min-width:8em;border-bottom:1px solid #000}.note{color:#444;font-size:90%}section.lesson{page-break-inside:avoid}\
section#answer-key{page-break-before:always}@media print{body{margin:0;max-width:none}a{color:#000}}";

fn letter(i: usize) -> char {
    char::from(b'a' + (i % 26) as u8)
}

/// The step as the handout shows it (drawn numbers from [`HANDOUT_SEED`]).
fn step_of(lesson: &Lesson, i: usize) -> Step {
    lesson.step_for(i, HANDOUT_SEED).unwrap_or_else(|_| lesson.steps[i].clone())
}

fn question_html(q: &Question, out: &mut String) {
    let _ = write!(out, "<div class=\"question\"><p><strong>Question.</strong> {}</p>", inline_html(&q.prompt));
    match &q.kind {
        Kind::Choice { choices, .. } => {
            out.push_str("<ol type=\"a\">");
            for c in choices {
                let _ = write!(out, "<li>{}</li>", inline_html(c));
            }
            out.push_str("</ol>");
        }
        Kind::Number { unit, .. } => {
            let _ = write!(out, "<p>Your answer: <span class=\"blank\"></span> {}</p>", escape_html(unit));
        }
    }
    out.push_str("</div>\n");
}

fn lesson_html(n: usize, lesson: &Lesson, out: &mut String) {
    let _ = write!(
        out,
        "<section class=\"lesson\" id=\"{}\">\n<h2>{n}. {}</h2>\n",
        escape_html(&lesson.id),
        escape_html(&lesson.title)
    );
    if !lesson.summary.is_empty() {
        let _ = writeln!(out, "<p><em>{}</em></p>", inline_html(&lesson.summary));
    }
    if !lesson.objectives.is_empty() {
        out.push_str("<h3>You will be able to</h3>\n<ul>\n");
        for o in &lesson.objectives {
            let _ = writeln!(out, "<li>{}</li>", inline_html(o));
        }
        out.push_str("</ul>\n");
    }
    if lesson.capstone {
        out.push_str("<p class=\"note\">A capstone: no hints, no solutions shown. Work it out.</p>\n");
    }
    for i in 0..lesson.steps.len() {
        let step = step_of(lesson, i);
        let _ = writeln!(out, "<h3>Step {}: {}</h3>", i + 1, escape_html(&step.title));
        out.push_str(&to_html(&step.body, 4));
        if !step.draws.is_empty() {
            out.push_str("<p class=\"note\">In the app each student gets their own numbers here.</p>\n");
        }
        if let Some((goal, _)) = &step.goal {
            let _ = writeln!(
                out,
                "<div class=\"task\"><strong>Task.</strong> Reach <code>{}</code></div>",
                escape_html(goal)
            );
        }
        if let Some(q) = &step.question {
            question_html(q, out);
        }
    }
    out.push_str("</section>\n");
}

fn answer_of(q: &Question, model: Option<f64>) -> String {
    let q = q.resolved(model);
    let answer = match &q.kind {
        Kind::Choice { choices, answer } => {
            format!("({}) {}", letter(*answer), inline_html(choices.get(*answer).map_or("", String::as_str)))
        }
        Kind::Number { answer: NumberAnswer::Fixed(x), tolerance, unit } => {
            format!("{} {} (within {})", format_number(*x), escape_html(unit), format_number(*tolerance))
        }
        Kind::Number { answer: NumberAnswer::Model(name, _), unit, .. } => {
            format!("measured on the model as <code>{}</code> {}", escape_html(name), escape_html(unit))
        }
    };
    let explain = if q.explain.is_empty() { String::new() } else { format!(" {}", inline_html(&q.explain)) };
    format!("{answer}.{explain}")
}

fn key_html(n: usize, lesson: &Lesson, out: &mut String) {
    let _ = writeln!(out, "<h2>{n}. {}</h2>", escape_html(&lesson.title));
    let t = &lesson.teacher;
    if let Some(m) = t.minutes {
        let _ = writeln!(out, "<p>About {m} minutes.</p>");
    }
    if !t.misconceptions.is_empty() {
        out.push_str("<h3>Misconceptions it confronts</h3>\n<ul>\n");
        for m in &t.misconceptions {
            let _ = writeln!(out, "<li>{}</li>", inline_html(m));
        }
        out.push_str("</ul>\n");
    }
    if !t.discussion.is_empty() {
        out.push_str("<h3>For discussion</h3>\n<ul>\n");
        for d in &t.discussion {
            let _ = writeln!(out, "<li>{}</li>", inline_html(d));
        }
        out.push_str("</ul>\n");
    }
    // The answers of questions worked out on the model, for the handout's numbers.
    let drawn = lesson.steps.iter().any(|s| !s.draws.is_empty());
    let measured = if drawn { check_on_model_seeded(lesson, HANDOUT_SEED, true) } else { Vec::new() };
    out.push_str("<ol>\n");
    for i in 0..lesson.steps.len() {
        let step = step_of(lesson, i);
        let _ = write!(out, "<li><strong>{}</strong>", escape_html(&step.title));
        if let Some(q) = &step.question {
            let model = measured.iter().find(|c| c.step == i).and_then(|c| c.answer);
            let _ = write!(out, "<br>Answer: {}", answer_of(q, model));
            if let Some(m) = &q.misconception {
                let _ = write!(out, " <span class=\"note\">(Misconception: {})</span>", inline_html(m));
            }
        }
        if step.goal.is_some() {
            if step.is_listening() {
                out.push_str("<br>Task: by ear, in the blind test; nothing can be shown.");
            }
            if !step.solution.is_empty() {
                let sol: Vec<String> =
                    step.solution.iter().map(|a| format!("<code>{}</code>", escape_html(&a.text))).collect();
                let _ = write!(out, "<br>One solution: {}", sol.join(", "));
            }
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    if !t.answer_key.trim().is_empty() {
        out.push_str(&to_html(&t.answer_key, 4));
    }
}

/// The handout of `library`'s lessons, titled `title`, as one HTML page.
#[must_use]
pub fn handout_html(library: &Library, title: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<h1>{t}</h1>\n",
        t = escape_html(title)
    );
    out.push_str("<nav><ol>\n");
    for l in &library.lessons {
        let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", escape_html(&l.id), escape_html(&l.title));
    }
    out.push_str("</ol><p><a href=\"#answer-key\">Answer key and teacher's notes</a></p></nav>\n");
    for (n, l) in library.lessons.iter().enumerate() {
        lesson_html(n + 1, l, &mut out);
    }
    out.push_str("<section id=\"answer-key\">\n<h1>Answer key and teacher's notes</h1>\n");
    for (n, l) in library.lessons.iter().enumerate() {
        key_html(n + 1, l, &mut out);
    }
    out.push_str("</section>\n</body>\n</html>\n");
    out
}
