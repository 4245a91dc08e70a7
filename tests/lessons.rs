//! The lessons: every file in lessons/ loads; every goal is checked on the real model (not met
//! when its step starts, met by its solution); every question accepts its answer and refuses a
//! wrong one with feedback; broken files give located errors (line, column, field) and do not
//! stop the others, whatever they hold (nesting 100 000 deep included); goals parse back to
//! the tree they were written from and evaluate as logic says; `lessons check` tells a teacher
//! what is wrong.

use std::path::{Path, PathBuf};

use headroom_lab::lesson::expr::{Cond, ExprError, Reader, Value, parse_goal};
use headroom_lab::lesson::library::{Library, check_on_model};
use headroom_lab::lesson::model::{Answer, Kind, Lesson};
use headroom_lab::lesson::quantity::{ConvQ, Quantity};
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

/// Broken lessons: each error names the file, the line, the column and the field. The column
/// is the value's (`name = "value"`: after the key, ` = ` and, inside a string, the quote), or
/// the very character of a goal or setting where its mistake is.
#[test]
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
            format!("id = \"x\"\ntitle = \"T\"\n{ok_step}goal = \"bits == 8\"\nsolution = [\"snr_db = 3\"]\n"),
            (7, 14),
            "steps[0].solution[0]",
            "cannot be set",
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
    assert!(err.contains("typo.toml:6:9: field `steps[0].goal`: unknown quantity `bitz`"), "{err}");
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
        let places: Vec<usize> = (0..=lines.len()).filter(|&i| i == 0 || i == lines.len() || lines[i].starts_with('[')).collect();
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
