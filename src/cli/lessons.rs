//! `headroom-lab lessons check [DIR]`: validate lesson files, and with `--verify` walk every
//! goal on the real model (the setup must leave work to do, the solution must reach it).

use std::path::PathBuf;

use clap::Subcommand;

use super::{CliError, print_line};
use crate::lesson::library::{self, Library, check_on_model};

/// Lesson subcommands.
#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// Validate the lesson files of a folder (default: the built-in lessons); exit 2 naming
    /// the file, line and field of each mistake.
    Check {
        /// The folder.
        dir: Option<PathBuf>,
        /// Also run every goal on the model: not met on entering its step, met by its solution.
        #[arg(long)]
        verify: bool,
    },
}

/// Runs a lessons subcommand.
///
/// # Errors
/// How many files or goals are wrong (each was printed on its own line).
pub fn run(cmd: &LessonsCommand) -> Result<(), CliError> {
    let LessonsCommand::Check { dir, verify } = cmd;
    let dir = match dir {
        Some(d) => d.clone(),
        None => library::builtin_dir().ok_or("no lessons folder found (give one: lessons check DIR)")?,
    };
    if !dir.is_dir() {
        return Err(CliError(format!("{} is not a folder", dir.display())));
    }
    let lib = Library::load(std::slice::from_ref(&dir));
    for e in &lib.errors {
        eprintln!("{e}");
    }
    let mut bad_goals = 0;
    if *verify {
        for lesson in &lib.lessons {
            for c in check_on_model(lesson) {
                let step = &lesson.steps[c.step];
                let name = format!("{}: step {} \"{}\"", lesson.file, c.step + 1, step.title);
                if let Some(e) = &c.error {
                    eprintln!("{name}: {e}");
                } else if c.met_on_entry {
                    eprintln!("{name}: the goal is already met when the step starts");
                } else if !c.met_by_solution {
                    let why: Vec<String> =
                        c.after.iter().filter(|a| !a.ok).map(|a| format!("{} (is {})", a.text, a.value)).collect();
                    eprintln!("{name}: the solution does not reach the goal: {}", why.join("; "));
                }
                if c.ok() {
                    let values: Vec<String> = c.after.iter().map(|a| format!("{} = {}", a.text, a.value)).collect();
                    print_line(&format!("{name}: ok ({})", values.join("; ")));
                } else {
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
        if *verify { format!(", {bad_goals} goal(s) wrong on the model") } else { String::new() }
    ));
    if lib.errors.is_empty() && bad_goals == 0 {
        Ok(())
    } else {
        Err(CliError(format!("{} broken file(s), {bad_goals} goal(s) wrong", lib.errors.len())))
    }
}
