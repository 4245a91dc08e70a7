//! The `headroom-lab` binary: the app, or a command-line tool when given a subcommand.

fn main() -> std::process::ExitCode {
    headroom_lab::cli::main()
}
