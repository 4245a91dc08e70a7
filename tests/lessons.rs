//! The lessons: every file in lessons/ loads; every goal is checked on the real model (not met
//! when its step starts, met by its solution); every question accepts its answer and refuses a
//! wrong one with feedback; broken files give located errors and do not stop the others; the
//! parser never panics on garbage; `lessons check` tells a teacher what is wrong.

use std::path::{Path, PathBuf};

use headroom_lab::lesson::expr::parse_goal;
use headroom_lab::lesson::library::{Library, check_on_model};
use headroom_lab::lesson::model::{Answer, Kind, Lesson};
use proptest::prelude::*;

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
    assert!(lib.lessons.len() >= 12, "{} lessons", lib.lessons.len());
    for l in &lib.lessons {
        assert!(l.steps.iter().any(|s| s.goal.is_some()), "{}: no goal to reach in the simulator", l.id);
        assert!(l.steps.iter().any(|s| s.question.is_some()), "{}: no question", l.id);
    }
    // The topics of the domain, one lesson each at least.
    for id in [
        "headroom",
        "decibels-and-bits",
        "sampling",
        "aliasing",
        "reconstruction",
        "quantization",
        "dither",
        "peaks",
        "tracking",
        "plugin-levels",
        "mix-bus",
        "mastering",
        "meters-and-broadcast",
    ] {
        assert!(lib.get(id).is_some(), "no lesson '{id}'");
    }
}

/// A student who does what each step asks, on the real model: the goal is not met when the
/// step starts, and the step's solution meets it.
#[test]
fn every_goal_is_work_to_do_and_its_solution_reaches_it() {
    let lib = library();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = lib
            .lessons
            .iter()
            .map(|l| {
                s.spawn(move || {
                    check_on_model(l)
                        .into_iter()
                        .filter(|c| !c.ok())
                        .map(|c| format!("{} step {}: {c:?}", l.id, c.step + 1))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("no panic")).collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_question_accepts_its_answer_and_refuses_a_wrong_one_with_feedback() {
    let lib = library();
    let mut count = 0;
    for l in &lib.lessons {
        for (i, s) in l.steps.iter().enumerate() {
            let Some(q) = &s.question else { continue };
            count += 1;
            let right = q.check(&q.right_answer());
            assert!(right.right, "{} step {}: the answer is refused", l.id, i + 1);
            assert!(!right.text.is_empty());
            let wrongs: Vec<Answer> = match &q.kind {
                Kind::Choice { choices, answer } => {
                    (0..choices.len()).filter(|k| k != answer).map(Answer::Choice).collect()
                }
                Kind::Number { answer, tolerance, .. } => {
                    vec![Answer::Number(answer + 3.0 * tolerance + 1.0), Answer::Number(answer - 3.0 * tolerance - 1.0)]
                }
            };
            for w in wrongs {
                let f = q.check(&w);
                assert!(!f.right, "{} step {}: {w:?} accepted", l.id, i + 1);
                assert!(f.text.len() > 10, "{} step {}: feedback too thin: {:?}", l.id, i + 1, f.text);
            }
        }
    }
    assert!(count >= 13, "{count} questions");
}

/// Broken lessons: each error names the file, the line and the field.
#[test]
fn malformed_lessons_give_located_errors() {
    let ok_step = "[[steps]]\ntitle = \"t\"\nbody = \"b\"\n";
    let cases: Vec<(String, usize, &str, &str)> = vec![
        ("id = \"x\"\ntitle = \"T\"\n".into(), 1, "steps", "missing field `steps`"),
        (format!("id = \"Bad Id\"\ntitle = \"T\"\n{ok_step}"), 1, "id", "lowercase"),
        (format!("id = \"x\"\ntitle = \"T\"\ncolour = 3\n{ok_step}"), 3, "colour", "unknown field"),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"snr_dB > 3\"\nsolution = [\"bits = 8\"]\n"),
            6,
            "steps[0].goal",
            "unknown quantity `snr_dB` (did you mean `snr_db`?)",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"snr_db > 3\"\n"),
            6,
            "steps[0].goal",
            "needs a `solution`",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"bits == 8\"\nsolution = [\"snr_db = 3\"]\n"),
            7,
            "steps[0].solution[0]",
            "cannot be set",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\npreset = \"nope\"\n"),
            7,
            "steps[0].setup.preset",
            "unknown preset 'nope'",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nscene = \"nowhere\"\n"),
            7,
            "steps[0].setup.scene",
            "unknown scene 'nowhere'",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nlock = [\"knob\"]\n"),
            7,
            "steps[0].setup.lock[0]",
            "unknown control 'knob'",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.setup]\nscene = \"clean-mix\"\nset = [\"bits = 8\"]\n"),
            8,
            "steps[0].setup.set[0]",
            "converter setting, but this step is on the desk",
        ),
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.question]\nprompt = \"p\"\nchoices = [\"a\", \"b\"]\nanswer = 3\n"
            ),
            9,
            "steps[0].question.answer",
            "1 to 2",
        ),
        (
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}[steps.question]\nprompt = \"p\"\nanswer = 3\n"),
            6,
            "steps[0].question.tolerance",
            "needs a tolerance",
        ),
        (
            format!(
                "id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"level_at(1 kHz) > -6 dBFS and\"\nsolution = [\"bits = 8\"]\n"
            ),
            6,
            "steps[0].goal",
            "column 30: expected the name of a quantity",
        ),
        ("id = \"x\"\ntitle = \"T\"\n[[steps]\n".into(), 3, "", "unclosed array table"),
    ];
    for (text, line, field, needle) in cases {
        let e = Lesson::from_toml("broken.toml", &text, None).expect_err(&text);
        let shown = e.to_string();
        assert!(shown.starts_with("broken.toml:"), "{shown}");
        assert_eq!(e.line, Some(line), "{shown}\n---\n{text}");
        if !field.is_empty() {
            assert_eq!(e.field.as_deref(), Some(field), "{shown}");
        }
        assert!(shown.contains(needle), "{shown} should mention {needle:?}");
    }
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

#[test]
fn lessons_check_passes_the_lessons_and_names_a_mistake() {
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
    assert!(err.contains("typo.toml:6: field `steps[0].goal`") && err.contains("unknown quantity `bitz`"), "{err}");
    // A goal the solution does not reach is caught by --verify.
    std::fs::write(
        d.join("typo.toml"),
        "id = \"typo\"\ntitle = \"T\"\n[[steps]]\ntitle = \"t\"\nbody = \"b\"\ngoal = \"bits == 8\"\nsolution = [\"bits = 9\"]\n",
    )
    .expect("write");
    let out = run_cli(&d, true);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not reach the goal") && err.contains("bits == 8 (is 9 bits)"), "{err}");
    std::fs::remove_dir_all(&d).ok();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any text as a goal: an error or a goal, never a panic.
    #[test]
    fn the_goal_parser_never_panics(text in ".{0,80}") {
        let _ = parse_goal(&text);
    }

    /// Goal-shaped text from the language's own pieces: never a panic either.
    #[test]
    fn goal_shaped_text_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("snr_db"), Just("track(*)"), Just("."), Just("adc"), Just("level_at("), Just(")"), Just("("),
            Just(" and "), Just(" or "), Just("not "), Just(" in "), Just(".."), Just(" within "), Just(" of "),
            Just("=="), Just("<="), Just(">"), Just("-6"), Just("14.1k"), Just(" kHz"), Just(" dB"), Just("tpdf"),
            Just("bits"), Just("\""), Just("master"), Just("sample_peak_dbfs"), Just("*"), Just("1e999"), Just("-"),
        ],
        0..16,
    )) {
        let _ = parse_goal(&parts.concat());
    }

    /// A real lesson file cut or corrupted anywhere: a located error or a lesson, never a panic.
    #[test]
    fn the_lesson_parser_never_panics(cut in 0usize..4000, byte in any::<u8>(), at in 0usize..4000) {
        let text = std::fs::read_to_string(lessons_dir().join("04-aliasing.toml")).expect("read");
        let mut bytes = text.into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut.min(bytes.len()));
        let text = String::from_utf8_lossy(&bytes);
        let _ = Lesson::from_toml("fuzz.toml", &text, None);
    }
}
