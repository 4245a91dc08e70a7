//! The lessons: every file in lessons/ loads and teaches by inquiry (objectives, predictions
//! made with the answer hidden, goals on measured outcomes, listening, problems drawn per
//! student, misconceptions, a capstone, teacher notes); `lessons check --verify` passes them all
//! on the real model, and the figures the texts state are pinned there; every question accepts
//! its answer and refuses a wrong one with feedback; broken files give located errors (line,
//! column, field) and do not stop the others, whatever they hold (nesting 100 000 deep
//! included); goals parse back to the tree they were written from and evaluate as logic says;
//! the handout is one escaped page.

use std::path::{Path, PathBuf};

use headroom_lab::lesson::expr::{Cond, ExprError, Reader, Value, parse_goal};
use headroom_lab::lesson::library::{Library, check_on_model_seeded, check_step_on_model};
use headroom_lab::lesson::model::{Answer, Kind, Lesson, NumberAnswer, format_number};
use headroom_lab::lesson::quantity::{ConvQ, Quantity};
use headroom_lab::lesson::run::LessonRun;
use proptest::prelude::*;

mod located;
use located::assert_located;

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn library() -> Library {
    Library::load(&[lessons_dir()])
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hl-lessons-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn every_lesson_file_loads_and_covers_the_topics() {
    let lib = library();
    assert!(lib.errors.is_empty(), "broken lessons: {:#?}", lib.errors);
    assert!(lib.lessons.len() >= 20, "{} lessons", lib.lessons.len());
    for l in &lib.lessons {
        assert!(l.steps.iter().any(|s| s.goal.is_some()), "{}: no goal to reach in the simulator", l.id);
        assert!(l.steps.iter().any(|s| s.question.is_some()), "{}: no question", l.id);
        assert!(l.objectives.len() >= 2, "{}: a lesson opens with its learning objectives", l.id);
        let t = &l.teacher;
        assert!(t.minutes.is_some(), "{}: teacher notes need the minutes", l.id);
        assert!(!t.misconceptions.is_empty() && !t.discussion.is_empty(), "{}: teacher notes", l.id);
    }
    // The topics of the domain, one lesson each at least.
    for id in [
        "headroom",
        "decibels-and-bits",
        "sampling",
        "aliasing",
        "reconstruction",
        "sample-rate-conversion",
        "quantization",
        "rounding-and-truncation",
        "dither",
        "dither-at-the-end",
        "float",
        "peaks",
        "tracking",
        "average-and-peak",
        "noise-floor",
        "plugin-levels",
        "summing",
        "mix-bus",
        "mastering",
        "loudness-normalization",
        "meters-and-broadcast",
        "capstone",
        "your-voice",
    ] {
        assert!(lib.get(id).is_some(), "no lesson '{id}'");
    }
}

/// Predict, try, explain: at least half of all steps ask for a prediction while the views that
/// would give the answer away are hidden.
#[test]
fn at_least_half_of_the_steps_ask_for_a_prediction_first() {
    let lib = library();
    let steps: Vec<_> = lib.lessons.iter().flat_map(|l| &l.steps).collect();
    let predictions = steps.iter().filter(|s| s.is_prediction()).count();
    assert!(2 * predictions >= steps.len(), "{predictions} predictions in {} steps", steps.len());
    // A prediction about a plot hides the plot, not only the numbers.
    let aliasing = lib.get("aliasing").expect("aliasing");
    let hidden = aliasing.steps[0].hidden_views();
    for v in ["spectrum", "readouts", "aliases"] {
        assert!(hidden.iter().any(|h| h.name() == v), "the alias prediction hides the {v}");
    }
}

/// Listening: at least four lessons have goals that need ears, each on a blind test that the
/// step sets up; `--verify` simulates the student's answers through the blind test's own scoring.
#[test]
fn at_least_four_lessons_have_listening_goals() {
    let lib = library();
    let listening: Vec<&str> = lib
        .lessons
        .iter()
        .filter(|l| l.steps.iter().any(|s| s.is_listening() || s.is_blind()))
        .map(|l| l.id.as_str())
        .collect();
    assert!(listening.len() >= 4, "{listening:?}");
    let abx = lib.lessons.iter().filter(|l| l.steps.iter().any(headroom_lab::lesson::Step::is_listening)).count();
    assert!(abx >= 4, "{abx} lessons with an ABX goal");
    // One is identification (which is dithered?), one loudness-matched, one by ear on the desk.
    let tests: Vec<&str> = lib.lessons.iter().flat_map(|l| &l.steps).filter_map(|s| s.blind_test()).collect();
    for t in ["dither-which", "louder-matched", "bits-8-16-quiet"] {
        assert!(tests.contains(&t), "no step sets up the blind test {t}: {tests:?}");
    }
    let tracking = lib.get("tracking").expect("tracking");
    assert!(
        tracking.steps.iter().any(headroom_lab::lesson::Step::is_blind),
        "setting a preamp by ear, with the meters hidden"
    );
}

/// Transfer problems: numbers drawn per student, the right answer measured on the model; a
/// student who applies the rule the lesson teaches is marked right for every draw.
#[test]
fn drawn_problems_accept_the_rule_for_every_student() {
    let lib = library();
    let mut checked = 0;
    for (id, rule) in [
        // 6.02 N + 1.76 dB, less the level below full scale.
        (
            "decibels-and-bits",
            (|v: &[(String, f64)]| 6.02 * get(v, "bits") + 1.76 + get(v, "level")) as fn(&[(String, f64)]) -> f64,
        ),
        // |f - k fs| for the nearest whole k.
        ("aliasing", |v: &[(String, f64)]| {
            let (f, fs) = (get(v, "tone"), get(v, "rate"));
            (f - (f / fs).round() * fs).abs()
        }),
    ] {
        let lesson = lib.get(id).expect(id);
        let (i, step) = lesson.steps.iter().enumerate().find(|(_, s)| !s.draws.is_empty()).expect("a drawn step");
        let q = step.question.as_ref().expect("a question");
        assert!(matches!(q.kind, Kind::Number { answer: NumberAnswer::Model(..), .. }), "{id}: answered on the model");
        let mut seen = std::collections::BTreeSet::new();
        for seed in 1..=8 {
            let check = check_on_model_seeded(lesson, seed, true).into_iter().find(|c| c.step == i).expect("checked");
            assert!(check.ok(), "{id} seed {seed}: {check:?}");
            let model = check.answer.expect("measured");
            let student = rule(&check.draws);
            let step = lesson.step_for(i, seed).expect("instantiates");
            let f = step.question.as_ref().expect("q").resolved(Some(model)).check(&Answer::Number(student));
            assert!(f.right, "{id} seed {seed}: {:?} gives {student}, the model {model}: {}", check.draws, f.text);
            assert!(step.body.contains(&format_number(check.draws[0].1)), "{id}: the body shows the drawn numbers");
            seen.insert(format!("{:?}", check.draws));
            checked += 1;
        }
        assert!(seen.len() >= 4, "{id}: students get different numbers: {seen:?}");
    }
    assert_eq!(checked, 16);
}

fn get(values: &[(String, f64)], name: &str) -> f64 {
    values.iter().find(|(n, _)| n == name).map_or_else(|| panic!("no {name}"), |(_, v)| *v)
}

/// Each misconception the issue names is met by a question with feedback on every wrong choice.
#[test]
fn every_misconception_is_met_by_a_question_with_feedback() {
    let lib = library();
    let questions: Vec<_> = lib.lessons.iter().flat_map(|l| &l.steps).filter_map(|s| s.question.as_ref()).collect();
    for needle in [
        "higher sample rate means more detail",
        "32-bit float means 4 294 967 296 levels",
        "louder is better",
        "-18 dbfs wastes bits",
        "normalizing to 0 dbfs is safe",
        "dither every bounce",
        "0 vu = 0 dbfs",
        "staircase is what you hear",
    ] {
        let q = questions
            .iter()
            .find(|q| q.misconception.as_deref().is_some_and(|m| m.to_lowercase().contains(needle)))
            .unwrap_or_else(|| panic!("no question meets the misconception '{needle}'"));
        match &q.kind {
            Kind::Choice { choices, answer } => {
                for i in (0..choices.len()).filter(|i| i != answer) {
                    let f = q.check(&Answer::Choice(i));
                    assert!(!f.right && q.wrong.get(i).is_some_and(|w| w.len() > 20), "{needle}: feedback on {i}");
                }
            }
            Kind::Number { .. } => assert!(!q.wrong.is_empty(), "{needle}: feedback"),
        }
    }
}

/// The capstone gives no hints, never offers "Show me" or the answer, and still has a solution
/// for `--verify`.
#[test]
fn the_capstone_gives_no_hints_and_no_show_me() {
    let lib = library();
    let cap = lib.lessons.iter().find(|l| l.capstone).expect("a capstone");
    let goals: Vec<&str> = cap.steps.iter().filter_map(|s| s.goal.as_ref().map(|(g, _)| g.as_str())).collect();
    assert!(goals.iter().any(|g| g.contains("-14") && g.contains("-1")), "a streaming master: {goals:?}");
    assert!(goals.iter().any(|g| g.contains("-23") && g.contains("-1")), "a broadcast delivery: {goals:?}");
    assert!(goals.iter().all(|g| g.contains("clips == 0")), "no clip anywhere: {goals:?}");
    for s in &cap.steps {
        assert!(s.hints.is_empty(), "{}: hints", s.title);
        let mut run = LessonRun::new(&cap.id, 0);
        run.tries = 10;
        run.attempts = 10;
        run.extra_hints = 10;
        assert!(!run.show_me_offered(s, 1e6, true) && !run.reveal_offered(true), "{}", s.title);
        assert!(s.goal.is_none() || !s.solution.is_empty(), "{}: --verify needs a solution", s.title);
    }
    // Elsewhere "Show me" waits for two tries or the last hint.
    let step = &lib.get("aliasing").expect("aliasing").steps[2];
    let mut run = LessonRun::new("aliasing", 2);
    assert!(!run.show_me_offered(step, 0.0, false));
    run.tries = 2;
    assert!(run.show_me_offered(step, 0.0, false));
    let run = LessonRun { extra_hints: step.hints.len(), ..LessonRun::new("aliasing", 2) };
    assert!(run.show_me_offered(step, 0.0, false));
}

#[test]
fn every_question_accepts_its_answer_and_refuses_a_wrong_one_with_feedback() {
    let lib = library();
    let mut count = 0;
    for l in &lib.lessons {
        for (i, s) in l.steps.iter().enumerate() {
            let Some(q) = &s.question else { continue };
            // An answer measured on the model is checked per student above.
            let Some(right_answer) = q.right_answer() else { continue };
            count += 1;
            let right = q.check(&right_answer);
            assert!(right.right, "{} step {}: the answer is refused", l.id, i + 1);
            assert!(!right.text.is_empty());
            let wrongs: Vec<Answer> = match &q.kind {
                Kind::Choice { choices, answer } => {
                    (0..choices.len()).filter(|k| k != answer).map(Answer::Choice).collect()
                }
                Kind::Number { answer: NumberAnswer::Fixed(answer), tolerance, .. } => {
                    vec![Answer::Number(answer + 3.0 * tolerance + 1.0), Answer::Number(answer - 3.0 * tolerance - 1.0)]
                }
                Kind::Number { .. } => Vec::new(),
            };
            for w in wrongs {
                let f = q.check(&w);
                assert!(!f.right, "{} step {}: {w:?} accepted", l.id, i + 1);
                assert!(f.text.len() > 10, "{} step {}: feedback too thin: {:?}", l.id, i + 1, f.text);
            }
        }
    }
    assert!(count >= 40, "{count} questions");
}

/// Broken lessons: each error names the file, the line, the column and the field. The column
/// is the value's (`name = "value"`: after the key, ` = ` and, inside a string, the quote), or
/// the very character of a goal or setting where its mistake is.
#[test]
#[allow(clippy::too_many_lines, reason = "a table of broken files, one case each")]
fn malformed_lessons_give_located_errors() {
    let ok_step = "[[steps]]\ntitle = \"t\"\nbody = \"b\"\n";
    let cases: Vec<(String, (usize, usize), &str, &str)> = vec![
        // Missing from the top table: located at its start.
        ("id = \"x\"\ntitle = \"T\"\n".into(), (1, 1), "steps", "missing field `steps`"),
        (format!("id = \"Bad Id\"\ntitle = \"T\"\n{ok_step}"), (1, 6), "id", "lowercase"),
        (format!("id = \"x\"\ntitle = \"T\"\ncolour = 3\n{ok_step}"), (3, 1), "colour", "unknown field"),
        // `goal = "` is 8 characters: the goal's first character is column 9.
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"snr_dB > 3\"\nsolution = [\"bits = 8\"]\n"),
            (6, 9),
            "steps[0].goal",
            "unknown quantity `snr_dB` (did you mean `snr_db`?)",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"snr_db > 3\"\n"),
            (6, 8),
            "steps[0].goal",
            "needs a `solution`",
        ),
        // `solution = ["`: 13 characters.
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"snr_db > 3\"\nsolution = [\"snr_db = 3\"]\n"),
            (7, 14),
            "steps[0].solution[0]",
            "cannot be set",
        ),
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"bits == 8 and dither == tpdf\"\nsolution = [\"bits = 8\"]\n"
            ),
            (6, 8),
            "steps[0].goal",
            "at least one measured quantity",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"abx.p < 0.05\"\n"),
            (6, 8),
            "steps[0].goal",
            "needs the step to set up a `blind_test`",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nblind_test = \"loud\"\n"),
            (7, 14),
            "steps[0].setup.blind_test",
            "unknown blind test 'loud'",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nhide_views = [\"time\", \"plots\"]\n"),
            (7, 23),
            "steps[0].setup.hide_views[1]",
            "unknown view 'plots'",
        ),
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\ncapstone = true\n{ok_step}goal = \"snr_db > 3\"\nsolution = [\"bits = 8\"]\nhints = [\"h\"]\n"
            ),
            (9, 9),
            "steps[0].hints",
            "no hints",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}facts_after = [\"snr_db > 3\"]\n"),
            (6, 16),
            "steps[0].facts_after[0]",
            "needs a goal",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.draw]\nbits = {{ min = 8 }}\n"),
            (7, 8),
            "steps[0].draw.bits",
            "min and max",
        ),
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.question]\nprompt = \"p\"\nanswer_from = \"master.lufs_integrated\"\ntolerance = 1\n"
            ),
            (8, 15),
            "steps[0].question.answer_from",
            "converter screen",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\npreset = \"nope\"\n"),
            (7, 10),
            "steps[0].setup.preset",
            "unknown preset 'nope'",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nscene = \"nowhere\"\n"),
            (7, 9),
            "steps[0].setup.scene",
            "unknown scene 'nowhere'",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nlock = [\"knob\"]\n"),
            (7, 9),
            "steps[0].setup.lock[0]",
            "unknown control 'knob'",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nscene = \"clean-mix\"\nset = [\"bits = 8\"]\n"),
            (8, 8),
            "steps[0].setup.set[0]",
            "converter setting, but this step is on the desk",
        ),
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.question]\nprompt = \"p\"\nchoices = [\"a\", \"b\"]\nanswer = 3\n"
            ),
            (9, 10),
            "steps[0].question.answer",
            "1 to 2",
        ),
        // Missing from a table: located at the table's header.
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.question]\nprompt = \"p\"\nanswer = 3\n"),
            (6, 1),
            "steps[0].question.tolerance",
            "needs a tolerance",
        ),
        // The goal ends too early: the column just after its last character.
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"level_at(1 kHz) > -6 dBFS and\"\nsolution = [\"bits = 8\"]\n"
            ),
            (6, 9 + 29),
            "steps[0].goal",
            "expected the name of a quantity",
        ),
        // With an escape in the string, its columns are not the file's: the string is located,
        // the column within the goal said.
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"bits == 8 and \\u0062itz > 1\"\nsolution = [\"bits = 8\"]\n"
            ),
            (6, 8),
            "steps[0].goal",
            "at column 15: unknown quantity `bitz`",
        ),
        // Comments, a multi-line string with a `[` line and quoted keys do not lose the path.
        (
            "id = \"x\"\ntitle = \"T\"\n[[steps]] # first\ntitle = \"t\"\nbody = \"\"\"\n[[steps]]\n\"\"\"\n\"hint_after_secs\" = -1\n"
                .to_string(),
            (8, 21),
            "steps[0].hint_after_secs",
            "positive number of seconds",
        ),
    ];
    for (text, (line, column), field, needle) in cases {
        let e = Lesson::from_toml("broken.toml", &text, None).expect_err(&text);
        let shown = e.to_string();
        assert!(shown.starts_with(&format!("broken.toml:{line}:{column}: field `{field}`: ")), "{shown}\n---\n{text}");
        assert_eq!((e.line, e.column, e.field.as_deref()), (Some(line), Some(column), Some(field)), "{shown}");
        assert!(shown.contains(needle), "{shown} should mention {needle:?}");
    }
    // A syntax error has a place but no field.
    let e = Lesson::from_toml("broken.toml", "id = \"x\"\ntitle = \"T\"\n[[steps]\n", None).expect_err("syntax");
    assert_eq!((e.line, e.field.as_deref()), (Some(3), None), "{e}");
    assert!(e.to_string().starts_with("broken.toml:3:") && e.message.contains("unclosed array table"), "{e}");
}

/// One broken file among good ones: it is listed with its error, the others load.
#[test]
fn a_broken_file_does_not_stop_the_others() {
    let d = temp_dir("mixed");
    for f in std::fs::read_dir(lessons_dir()).expect("lessons").filter_map(Result::ok).take(4) {
        if f.path().extension().is_some_and(|x| x == "toml") {
            std::fs::copy(f.path(), d.join(f.file_name())).expect("copy");
        }
    }
    let good = std::fs::read_dir(&d).expect("dir").count();
    std::fs::write(d.join("zz-broken.toml"), "id = \"broken\"\ntitle = \"B\"\nsteps = 3\n").expect("write");
    let lib = Library::load(std::slice::from_ref(&d));
    assert_eq!(lib.lessons.len(), good);
    assert_eq!(lib.errors.len(), 1);
    let e = lib.errors[0].to_string();
    assert!(e.contains("zz-broken.toml:3") && e.contains("steps"), "{e}");
    std::fs::remove_dir_all(&d).ok();
}

fn run_cli(dir: &Path, verify: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_headroom-lab"));
    cmd.args(["lessons", "check", dir.to_str().expect("utf-8")]);
    if verify {
        cmd.arg("--verify");
    }
    cmd.output().expect("runs")
}

/// Every shipped lesson passes `lessons check --verify`: each goal is unmet when its step starts
/// and met by its solution on the real model (a listening goal by a listener who hears the
/// difference and not by one who guesses), and every figure the texts state holds.
#[test]
fn every_lesson_passes_lessons_check_verify() {
    let out = run_cli(&lessons_dir(), true);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("0 broken file(s), 0 goal(s) wrong on the model"), "{stdout}");
    let goals: usize = library().lessons.iter().flat_map(|l| &l.steps).filter(|s| s.goal.is_some()).count();
    let ok = stdout.lines().filter(|l| l.contains(": ok (")).count();
    assert!(ok >= goals, "{ok} steps reported ok, {goals} goals");
    assert!(stdout.contains("one who guesses does not"), "listening goals are simulated: {stdout}");
}

/// The lesson on the student's own voice, checked without a microphone: each goal on the take
/// is unmet by a take of the simulated talker at the step's controls and met by one after its
/// solution (the preamp and word length the step's solution sets), every stated figure holds
/// on it, and before any take the goal reads "record a take first" and is unmet.
#[test]
fn the_voice_lesson_is_checked_on_a_simulated_take() {
    use headroom_lab::lesson::measure::{SimState, measure_for};
    let lib = library();
    let l = lib.get("your-voice").expect("your-voice");
    let goals: Vec<usize> = (0..l.steps.len()).filter(|&i| l.steps[i].goal.is_some()).collect();
    assert_eq!(goals, [0, 1, 2, 3]);
    for &i in &goals {
        let c = check_step_on_model(l, i).expect("checked");
        assert!(c.ok() && c.has_goal && !c.met_on_entry && c.met_by_solution, "step {}: {c:#?}", i + 1);
    }
    let (_, goal) = l.steps[0].goal.as_ref().expect("a goal");
    let m = measure_for(&SimState::default(), 1.0, goal.quantities().into_iter()).expect("reads");
    let o = goal.evaluate(&m);
    assert!(!o.met && o.atoms.iter().all(|a| a.value.contains("record a take first")), "{o:?}");
}

#[test]
fn lessons_check_names_a_mistake() {
    let out = run_cli(&lessons_dir(), false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 broken file(s)"));
    let d = temp_dir("cli");
    std::fs::write(
        d.join("typo.toml"),
        "id = \"typo\"\ntitle = \"T\"\n[[steps]]\ntitle = \"t\"\nbody = \"b\"\ngoal = \"bitz == 8\"\nsolution = [\"bits = 8\"]\n",
    )
    .expect("write");
    let out = run_cli(&d, false);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("typo.toml:6:9: field `steps[0].goal`: unknown quantity `bitz`"), "{err}");
    // A goal the solution does not reach is caught by --verify, and so is a figure the text
    // states that the model contradicts.
    std::fs::write(
        d.join("typo.toml"),
        "id = \"typo\"\ntitle = \"T\"\n[[steps]]\ntitle = \"t\"\nbody = \"b\"\ngoal = \"snr_db > 60 and bits == 8\"\n\
         solution = [\"bits = 9\"]\nfacts = [\"snr_db within 1 of 90\"]\n",
    )
    .expect("write");
    let out = run_cli(&d, true);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not reach the goal") && err.contains("bits == 8 (is 9 bits)"), "{err}");
    assert!(err.contains("the text states `snr_db within 1 of 90`, but the model gives 97."), "{err}");
    std::fs::remove_dir_all(&d).ok();
}

/// The statements the lessons used to get wrong, as they read now, each pinned on the model:
/// the facts are in the lesson files next to the text, and checked here one by one.
#[test]
fn the_corrected_statements_hold_on_the_model() {
    let lib = library();
    let fact = |id: &str, step: usize, text: &str, needle: &str| {
        let l = lib.get(id).expect(id);
        let s = &l.steps[step];
        assert!(
            s.body.contains(needle)
                || s.question.as_ref().is_some_and(|q| q.explain.contains(needle) || q.prompt.contains(needle)),
            "{id} step {}: the text says {needle:?}",
            step + 1
        );
        assert!(
            s.facts.iter().chain(&s.facts_after).any(|(f, _)| f == text),
            "{id} step {}: no fact `{text}`",
            step + 1
        );
        let c = check_step_on_model(l, step).expect("checked");
        let f = c.facts.iter().find(|f| f.text == text).expect("evaluated");
        assert!(f.ok, "{id} step {}: `{text}` is {}", step + 1, f.value);
    };
    // -40 dBFS at 8 bits: 0.01 x 128 = 1.28 LSB, three codes (not "a few dozen levels").
    fact("quantization", 1, "levels_used == 3", "three codes");
    // A tone at exactly fs/2 sampled at its zero crossings vanishes: more than two samples per cycle.
    fact("sampling", 1, "sample_peak_dbfs < -120", "zero crossings");
    assert!(lib.get("sampling").expect("sampling").steps[0].body.contains("more than two samples per cycle"));
    // The codec's overshoot: the text says about 2 dB above the ceiling, the model measures it.
    fact("peaks", 2, "export.true_peak_dbtp within 0.2 of 1.9", "+1.9 dBTP: 2 dB above the ceiling");
    // Dither: THD from about -12 dB into the noise (30 dB or more down).
    fact("dither", 2, "thd_db within 1 of -12.4", "about -12 dB");
    fact("dither", 2, "thd_db < -30", "-30 dB or lower");
    // The F-weighted shaping runs at the 44.1 kHz it was designed for.
    let shaping = &lib.get("dither").expect("dither").steps[3];
    assert!(
        shaping.body.contains("44.1 kHz")
            && shaping.setup.as_ref().is_some_and(|s| s.set.iter().any(|a| a.text == "sample_rate = 44100"))
    );
    // Make-up gain reveals the signal-to-noise ratio lost when recording low.
    fact("tracking", 2, "master.noise_floor_dbfs within 1.5 of -69", "about -69 dBFS");
    // The converter's own error, LSB / sqrt(12): -149.3 dBFS at 24 bits, -77 dBFS at 12, on a take.
    fact("your-voice", 2, "take.error_rms_dbfs within 0.5 of -149.3", "about -149 dBFS");
    fact("your-voice", 3, "take.error_rms_dbfs within 0.3 of -77", "about -77 dBFS");
    // Mastering: the drive as set up, and the PLR numbers.
    fact("mastering", 0, "master.lufs_integrated within 0.3 of -22.6", "-22.6 LUFS");
    // One tracking target throughout: -12 to -6 dBFS.
    for id in ["headroom", "tracking"] {
        let text: String = lib.get(id).expect(id).steps.iter().map(|s| s.body.clone()).collect();
        assert!(text.contains("-12 to -6 dBFS") && !text.contains("3 to 6 dB below full scale"), "{id}");
    }
    // BS.2054 surveys practice; 0 VU = -20 dBFS is the Australian practice it reports.
    for l in &lib.lessons {
        for s in &l.steps {
            let all = format!(
                "{} {}",
                s.body,
                s.question.as_ref().map_or(String::new(), |q| format!(
                    "{} {} {}",
                    q.prompt,
                    q.explain,
                    q.wrong.join(" ")
                ))
            );
            if all.contains("BS.2054") {
                assert!(all.contains("Australian"), "{} step {}: BS.2054 reports one national practice", l.id, s.title);
            }
        }
    }
}

/// `lessons handout` writes one page: every lesson under its heading, then the answer key, with
/// what the files say escaped.
#[test]
fn the_handout_is_one_page_with_the_answer_key_at_the_end() {
    let d = temp_dir("handout");
    let out_file = d.join("class.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headroom-lab"))
        .args([
            "lessons",
            "handout",
            lessons_dir().to_str().expect("utf-8"),
            "--out",
            out_file.to_str().expect("utf-8"),
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&out_file).expect("written");
    let key = html.find("<section id=\"answer-key\">").expect("an answer key");
    let lib = library();
    let mut last = 0;
    for l in &lib.lessons {
        let at = html.find(&format!("<section class=\"lesson\" id=\"{}\">", l.id)).expect(&l.id);
        assert!(at > last && at < key, "{} in order, before the key", l.id);
        last = at;
    }
    assert!(html[key..].contains("14100 Hz (within 100)"), "the key holds the answers");
    assert!(html[key..].contains("About 30 minutes"), "and the teacher's notes");
    assert!(!html[..key].contains("14100 Hz (within"), "no answer before the key");
    // A lesson with markup in it is escaped, never run.
    let bad = d.join("lessons");
    std::fs::create_dir_all(&bad).expect("dir");
    std::fs::write(
        bad.join("x.toml"),
        "id = \"x\"\ntitle = \"<script>alert(1)</script>\"\n[[steps]]\ntitle = \"a & b\"\nbody = \"**<b>**\"\n",
    )
    .expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headroom-lab"))
        .args(["lessons", "handout", bad.to_str().expect("utf-8"), "--out", out_file.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&out_file).expect("written");
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("a &amp; b") && html.contains("<strong>&lt;b&gt;</strong>"));
    std::fs::remove_dir_all(&d).ok();
}

/// The goal parser's nesting limit: 64 levels of `not` and brackets parse, the 65th is
/// refused at its column; neither 100 000 levels nor a goal of 100 000 conditions can exhaust
/// the stack or take long.
#[test]
fn goal_nesting_is_limited_and_long_goals_parse() {
    for (open, close, width) in [("not ", "", 4), ("(", ")", 1)] {
        let nested = |n: usize| format!("{}bits == 8{}", open.repeat(n), close.repeat(n));
        assert!(parse_goal(&nested(64)).is_ok(), "{open}: 64 levels");
        for n in [65, 100_000] {
            let e = parse_goal(&nested(n)).expect_err("too deep");
            assert_eq!(e.column, 64 * width + 1, "{open} x {n}: {e}");
            assert_eq!(e.message, "nesting deeper than 64 (`not` and brackets)");
        }
    }
    // Long: parsing is linear in the length (a quadratic parser would not finish here).
    let long = vec!["bits == 8"; 100_000].join(" and ");
    let goal = parse_goal(&long).expect("parses");
    assert!(matches!(&goal, Cond::And(parts) if parts.len() == 100_000));
    assert_eq!(goal.evaluate(&Fixed).atoms.len(), 100_000);
}

/// A lesson file whose goal nests 100 000 deep, or whose TOML does: a located error, and the
/// rest of the folder loads.
#[test]
fn a_pathological_lesson_is_listed_with_its_error() {
    let d = temp_dir("pathological");
    std::fs::copy(lessons_dir().join("04-aliasing.toml"), d.join("04-aliasing.toml")).expect("copy");
    let head = "id = \"deep\"\ntitle = \"Deep\"\n[[steps]]\ntitle = \"t\"\nbody = \"b\"\n";
    let files = [
        ("a-not.toml", format!("{head}goal = \"{}bits == 8\"\nsolution = [\"bits = 8\"]\n", "not ".repeat(100_000))),
        ("b-brackets.toml", format!("{head}goal = \"{}bits == 8{}\"\n", "(".repeat(100_000), ")".repeat(100_000))),
        ("c-array.toml", format!("{head}hints = {}\n", "[".repeat(100_000))),
        ("d-table.toml", format!("{head}setup = {}\n", "{ a = ".repeat(100_000))),
        ("e-key.toml", format!("{head}{} = 1\n", vec!["k"; 100_000].join("."))),
        ("f-long.toml", format!("{head}hints = [{}]\n", vec!["\"h\""; 100_000].join(", "))),
    ];
    for (name, text) in &files {
        std::fs::write(d.join(name), text).expect("write");
    }
    let lib = Library::load(std::slice::from_ref(&d));
    assert_eq!(lib.lessons.len(), 2, "aliasing and the long one load: {:#?}", lib.errors);
    let shown: Vec<String> = lib.errors.iter().map(ToString::to_string).collect();
    let expect = [
        ("a-not.toml:6:", "nesting deeper than 64"),
        ("b-brackets.toml:6:", "nesting deeper than 64"),
        ("c-array.toml:6:", "nesting deeper than 64"),
        ("d-table.toml:6:", "nesting deeper than 64"),
        ("e-key.toml:6:129:", "nesting deeper than 64"),
    ];
    assert_eq!(shown.len(), expect.len(), "{shown:#?}");
    for (e, (start, needle)) in shown.iter().zip(expect) {
        assert!(e.contains(start) && e.contains(needle), "{e} should hold {start} and {needle:?}");
    }
    assert!(shown[0].contains(&format!(":6:{}: field `steps[0].goal`", 9 + 64 * 4)), "{}", shown[0]);
    std::fs::remove_dir_all(&d).ok();
}

/// What the goal reader of the properties below knows: bits 8, SNR 49.5 dB against a theory
/// of 49.9 dB, TPDF dither.
struct Fixed;

impl Reader for Fixed {
    fn read(&self, q: &Quantity) -> Value {
        match q {
            Quantity::Conv(ConvQ::Bits) => Value::Num(8.0),
            Quantity::Conv(ConvQ::Snr) => Value::Num(49.5),
            Quantity::Conv(ConvQ::TheorySnr) => Value::Num(49.9),
            Quantity::Conv(ConvQ::Dither) => Value::Sym("tpdf".into()),
            _ => Value::Missing("not measured here".into()),
        }
    }
    fn track_count(&self) -> usize {
        0
    }
}

/// Conditions and whether each holds for [`Fixed`] (by reading them: 8 bits, 49.5 dB, tpdf).
const ATOMS: [(&str, bool); 8] = [
    ("bits == 8", true),
    ("bits > 8", false),
    ("snr_db within 1 dB of theory_snr_db", true),
    ("snr_db within 0.2 of theory_snr_db", false),
    ("dither == tpdf", true),
    ("dither != tpdf", false),
    ("snr_db in 40 .. 45 dB", false),
    ("snr_db >= 49.5", true),
];

/// A goal as a tree, generated; rendered to text, parsed, it must come back as this tree.
#[derive(Clone, Debug)]
enum Tree {
    Atom(usize),
    Not(Box<Tree>),
    And(Vec<Tree>),
    Or(Vec<Tree>),
}

impl Tree {
    /// As a teacher would write it: brackets only where precedence needs them (`and` binds
    /// tighter than `or`; `not` takes one condition or a bracket); `all` brackets everything.
    fn text(&self, all: bool) -> String {
        let group = |t: &Self, needed: bool| {
            let s = t.text(all);
            if needed || all { format!("({s})") } else { s }
        };
        match self {
            Self::Atom(i) => ATOMS[*i].0.to_string(),
            Self::Not(t) => format!("not {}", group(t, matches!(**t, Self::And(_) | Self::Or(_)))),
            Self::And(ts) => {
                ts.iter().map(|t| group(t, matches!(t, Self::And(_) | Self::Or(_)))).collect::<Vec<_>>().join(" and ")
            }
            Self::Or(ts) => ts.iter().map(|t| group(t, matches!(t, Self::Or(_)))).collect::<Vec<_>>().join(" or "),
        }
    }

    fn cond(&self) -> Cond {
        match self {
            Self::Atom(i) => parse_goal(ATOMS[*i].0).expect("an atom parses"),
            Self::Not(t) => Cond::Not(Box::new(t.cond())),
            Self::And(ts) => Cond::And(ts.iter().map(Self::cond).collect()),
            Self::Or(ts) => Cond::Or(ts.iter().map(Self::cond).collect()),
        }
    }

    fn holds(&self) -> bool {
        match self {
            Self::Atom(i) => ATOMS[*i].1,
            Self::Not(t) => !t.holds(),
            Self::And(ts) => ts.iter().all(Self::holds),
            Self::Or(ts) => ts.iter().any(Self::holds),
        }
    }

    fn atoms(&self) -> usize {
        match self {
            Self::Atom(_) => 1,
            Self::Not(t) => t.atoms(),
            Self::And(ts) | Self::Or(ts) => ts.iter().map(Self::atoms).sum(),
        }
    }
}

fn any_tree() -> impl Strategy<Value = Tree> {
    (0..ATOMS.len()).prop_map(Tree::Atom).prop_recursive(6, 40, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Tree::Not(Box::new(t))),
            proptest::collection::vec(inner.clone(), 2..4).prop_map(Tree::And),
            proptest::collection::vec(inner, 2..4).prop_map(Tree::Or),
        ]
    })
}

/// An error is located inside the text it is about (or just after its end).
fn located_in(e: &ExprError, text: &str) -> bool {
    (1..=text.chars().count() + 1).contains(&e.column) && !e.message.is_empty()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Any text as a goal: a goal, or an error located within the text.
    #[test]
    fn the_goal_parser_locates_every_error(text in ".{0,80}") {
        if let Err(e) = parse_goal(&text) {
            prop_assert!(located_in(&e, &text), "{text:?}: {e}");
        }
    }

    /// Goal-shaped text from the language's own pieces: a goal, or a located error.
    #[test]
    fn goal_shaped_text_gives_a_goal_or_a_located_error(parts in proptest::collection::vec(
        prop_oneof![
            Just("snr_db"), Just("track(*)"), Just("."), Just("adc"), Just("level_at("), Just(")"), Just("("),
            Just(" and "), Just(" or "), Just("not "), Just(" in "), Just(".."), Just(" within "), Just(" of "),
            Just("=="), Just("<="), Just(">"), Just("-6"), Just("14.1k"), Just(" kHz"), Just(" dB"), Just("tpdf"),
            Just("bits"), Just("\""), Just("master"), Just("sample_peak_dbfs"), Just("*"), Just("1e999"), Just("-"),
        ],
        0..16,
    )) {
        let text = parts.concat();
        if let Err(e) = parse_goal(&text) {
            prop_assert!(located_in(&e, &text), "{text:?}: {e}");
        }
    }

    /// Goals written from a tree, with as few or as many brackets as precedence allows, parse
    /// back to that tree, and evaluate as and/or/not say, every condition reported.
    #[test]
    fn goals_round_trip_and_evaluate_as_logic_says(tree in any_tree(), all in any::<bool>()) {
        let text = tree.text(all);
        let parsed = parse_goal(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&parsed, &tree.cond(), "{}", text);
        let outcome = parsed.evaluate(&Fixed);
        prop_assert_eq!(outcome.met, tree.holds(), "{}", text);
        prop_assert_eq!(outcome.atoms.len(), tree.atoms());
    }

    /// Nesting of any depth: up to 64 it parses to that many levels, beyond it is refused at
    /// the first level too many.
    #[test]
    fn nesting_parses_to_64_and_is_refused_beyond(depth in 0usize..300, brackets in any::<bool>()) {
        let (open, close, width) = if brackets { ("( ", " )", 2) } else { ("not ", "", 4) };
        let text = format!("{}bits == 8{}", open.repeat(depth), close.repeat(depth));
        match parse_goal(&text) {
            Ok(mut c) => {
                prop_assert!(depth <= 64);
                let mut levels = 0;
                while let Cond::Not(inner) = c {
                    c = *inner;
                    levels += 1;
                }
                prop_assert_eq!(levels, if brackets { 0 } else { depth });
                prop_assert!(matches!(c, Cond::Atom(_)));
            }
            Err(e) => {
                prop_assert!(depth > 64, "{e}");
                prop_assert_eq!(e.column, 64 * width + 1);
                prop_assert!(e.message.starts_with("nesting deeper than 64"));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// A real lesson file cut or corrupted anywhere: a lesson, or an error whose line and
    /// column are in the file.
    #[test]
    fn the_lesson_parser_locates_every_error(cut in 0usize..4000, byte in any::<u8>(), at in 0usize..4000) {
        let text = std::fs::read_to_string(lessons_dir().join("04-aliasing.toml")).expect("read");
        let mut bytes = text.into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut.min(bytes.len()));
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = Lesson::from_toml("fuzz.toml", &text, None) {
            assert_located(&e, "fuzz.toml", &text)?;
        }
    }

    /// A real lesson with a value nested to any depth (an unknown field, so always refused)
    /// put in before any table header or at the end: the error is on that line, and beyond 64
    /// levels it is the nesting.
    #[test]
    fn deep_values_in_a_lesson_are_refused_where_they_are(
        pick in any::<prop::sample::Index>(),
        depth in prop_oneof![0usize..100, 1_000usize..200_000],
        table in any::<bool>(),
    ) {
        let text = std::fs::read_to_string(lessons_dir().join("04-aliasing.toml")).expect("read");
        let (open, close) = if table { ("{ a = ", "}") } else { ("[", "]") };
        let deep = format!("zz_deep = {}1{}", open.repeat(depth), close.repeat(depth));
        let mut lines: Vec<&str> = text.lines().collect();
        // Outside any string: the start, before a header, the end.
        // Not at the end of a `[steps.draw]` table, where any key names a drawn number.
        let in_draw = |i: usize| lines[..i].iter().rev().find(|l| l.starts_with('[')).is_some_and(|h| h.trim() == "[steps.draw]");
        let places: Vec<usize> = (0..=lines.len())
            .filter(|&i| (i == 0 || i == lines.len() || lines[i].starts_with('[')) && !in_draw(i))
            .collect();
        let line = places[pick.index(places.len())];
        lines.insert(line, &deep);
        let text = lines.join("\n");
        let e = Lesson::from_toml("fuzz.toml", &text, None).expect_err("an unknown field at least");
        assert_located(&e, "fuzz.toml", &text)?;
        prop_assert_eq!(e.line, Some(line + 1), "{}", e);
        let why = if depth > 64 { "nesting deeper than 64" } else { "unknown field `zz_deep`" };
        prop_assert!(e.message.contains(why), "{}", e);
    }
}
