//! `headroom-lab lessons check [DIR]`: validate lesson files, and with `--verify` walk every
//! goal and every stated fact on the real model (the setup must leave work to do, the solution
//! must reach it). `headroom-lab lessons handout DIR --out FILE.html`: one printable page for a
//! class, with the answer key at the end.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{CliError, print_line};
use crate::lesson::library::{self, Library, StepCheck, check_on_model};
use crate::lesson::model::{Lesson, format_number};

/// Lesson subcommands.
#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// Validate the lesson files of a folder (default: the built-in lessons); exit 2 naming
    /// the file, line and field of each mistake.
    Check {
        /// The folder.
        dir: Option<PathBuf>,
        /// Also run every goal on the model: not met on entering its step, met by its solution;
        /// and every fact the texts state.
        #[arg(long)]
        verify: bool,
    },
    /// Write one printable HTML page with every lesson of a folder (objectives, steps,
    /// questions), and the answer key and teacher's notes in a separate section at the end.
    Handout {
        /// The folder (default: the built-in lessons).
        dir: Option<PathBuf>,
        /// The HTML file to write (atomically).
        #[arg(long)]
        out: PathBuf,
        /// The page's title.
        #[arg(long, default_value = "Headroom Lab: lessons")]
        title: String,
    },
}

/// The folder named, or the built-in lessons.
fn folder(dir: Option<&Path>) -> Result<PathBuf, CliError> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => library::builtin_dir().ok_or("no lessons folder found (give one: lessons check DIR)")?,
    };
    if !dir.is_dir() {
        return Err(CliError(format!("{} is not a folder", dir.display())));
    }
    Ok(dir)
}

/// Runs a lessons subcommand.
///
/// # Errors
/// How many files or goals are wrong (each was printed on its own line), or a handout that
/// cannot be written.
pub fn run(cmd: &LessonsCommand) -> Result<(), CliError> {
    match cmd {
        LessonsCommand::Check { dir, verify } => check(&folder(dir.as_deref())?, *verify),
        LessonsCommand::Handout { dir, out, title } => {
            let dir = folder(dir.as_deref())?;
            let lib = Library::load(std::slice::from_ref(&dir));
            for e in &lib.errors {
                eprintln!("{e}");
            }
            if !lib.errors.is_empty() {
                return Err(CliError(format!("{} broken file(s): fix them first", lib.errors.len())));
            }
            let html = crate::lesson::handout::handout_html(&lib, title);
            crate::fsutil::write_bytes_atomic(out, html.as_bytes())
                .map_err(|e| CliError(format!("cannot write {}: {e}", out.display())))?;
            print_line(&format!("{}: {} lesson(s) written to {}", dir.display(), lib.lessons.len(), out.display()));
            Ok(())
        }
    }
}

/// One step's report: a line on stdout when it is as it should be, on stderr when not.
fn report(lesson: &Lesson, c: &StepCheck) -> bool {
    let step = &lesson.steps[c.step];
    let drawn = if c.draws.is_empty() {
        String::new()
    } else {
        let v: Vec<String> = c.draws.iter().map(|(n, x)| format!("{n} = {}", format_number(*x))).collect();
        format!(" [seed {}: {}]", c.seed, v.join(", "))
    };
    let name = format!("{}: step {} \"{}\"{drawn}", lesson.file, c.step + 1, step.title);
    if let Some(e) = &c.error {
        eprintln!("{name}: {e}");
    }
    for f in c.facts.iter().filter(|f| !f.ok) {
        eprintln!("{name}: the text states `{}`, but the model gives {}", f.text, f.value);
    }
    if c.met_on_entry {
        eprintln!("{name}: the goal is already met when the step starts");
    } else if c.has_goal && !c.met_by_solution && c.error.is_none() {
        let why: Vec<String> =
            c.after.iter().filter(|a| !a.ok).map(|a| format!("{} (is {})", a.text, a.value)).collect();
        eprintln!("{name}: the solution does not reach the goal: {}", why.join("; "));
    }
    if let Some(l) = c.listening
        && l.guesser_met
    {
        eprintln!("{name}: a listener who guesses (always A) meets the goal: ask for more trials or a lower p");
    }
    if !c.ok() {
        return false;
    }
    let mut parts: Vec<String> = c.after.iter().map(|a| format!("{} = {}", a.text, a.value)).collect();
    parts.extend(c.facts.iter().map(|f| format!("fact {} = {}", f.text, f.value)));
    if let Some(a) = c.answer {
        parts.push(format!("answer = {}", format_number(a)));
    }
    if let Some(l) = c.listening {
        parts.push(match l.perfect_trials {
            Some(n) => format!("a listener who hears it passes after {n} trials, one who guesses does not"),
            None => "no listener passes".into(),
        });
    }
    print_line(&format!("{name}: ok ({})", parts.join("; ")));
    true
}

fn check(dir: &Path, verify: bool) -> Result<(), CliError> {
    let lib = Library::load(&[dir.to_path_buf()]);
    for e in &lib.errors {
        eprintln!("{e}");
    }
    let mut bad_goals = 0;
    if verify {
        // Lessons are independent: check them side by side, report in order.
        let results: Vec<Vec<StepCheck>> = std::thread::scope(|s| {
            let handles: Vec<_> = lib.lessons.iter().map(|l| s.spawn(move || check_on_model(l))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| vec![StepCheck::failed(0, "the check panicked".into())]))
                .collect()
        });
        for (lesson, checks) in lib.lessons.iter().zip(&results) {
            for c in checks {
                if !report(lesson, c) {
                    bad_goals += 1;
                }
            }
        }
    }
    print_line(&format!(
        "{}: {} lesson(s) ok, {} broken file(s){}",
        dir.display(),
        lib.lessons.len(),
        lib.errors.len(),
        if verify { format!(", {bad_goals} goal(s) wrong on the model") } else { String::new() }
    ));
    if lib.errors.is_empty() && bad_goals == 0 {
        Ok(())
    } else {
        Err(CliError(format!("{} broken file(s), {bad_goals} goal(s) wrong", lib.errors.len())))
    }
}
