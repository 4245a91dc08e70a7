//! The desktop side of [`crate::platform`].

pub mod fs;
pub mod sound;
pub mod tasks;

/// The clock: wall time, a number that differs between runs, and the thread's CPU time for
/// the frame benchmark.
pub mod clock {
    /// The wall clock.
    #[must_use]
    pub fn now() -> std::time::SystemTime {
        std::time::SystemTime::now()
    }

    /// A number that differs between two runs of the app started at the same instant.
    #[must_use]
    pub fn run_id() -> u64 {
        u64::from(std::process::id())
    }

    /// CPU time this thread has used, when the system tells it.
    #[must_use]
    pub fn thread_cpu_time() -> Option<std::time::Duration> {
        cpu_time::ThreadTime::try_now().ok().map(|t| t.as_duration())
    }
}

/// Files given to the app from outside: on the desktop Bevy reports dropped files itself.
pub mod files {
    use std::path::PathBuf;

    /// Files dropped or chosen since the last call (the desktop's come through Bevy's events).
    #[must_use]
    pub fn take_arrived() -> Vec<PathBuf> {
        Vec::new()
    }

    /// Whether the app can ask the user to choose a file (the desktop types a path instead).
    pub const CAN_PICK: bool = false;

    /// Asks the user to choose files (not on the desktop: type a path or drop the file).
    pub fn pick() {}
}

/// Where the program starts.
pub mod entry {
    /// The command line (which runs the app when given no subcommand).
    #[must_use]
    pub fn main() -> std::process::ExitCode {
        crate::cli::main()
    }

    /// Prints a line of a report (`--bench-frames`, `--run-secs`) on standard output.
    #[allow(clippy::print_stdout, reason = "the reports of the benchmark options are their output")]
    pub fn report(line: &str) {
        println!("{line}");
    }

    /// The page's canvas the app draws in (none: a window of its own).
    pub const CANVAS: Option<&str> = None;

    /// Whether the app publishes its state for a page (not on the desktop).
    pub const PUBLISHES_STATUS: bool = false;

    /// Nothing to publish to on the desktop.
    pub fn publish_status(_json: &str) {}

    /// Never on the desktop (egui_kittest reads the widgets there).
    #[must_use]
    pub fn widgets_wanted() -> bool {
        false
    }

    /// Nothing to publish to on the desktop.
    pub fn publish_widgets(_json: &str) {}
}
