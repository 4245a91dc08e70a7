//! The `headroom-lab` binary: the app, or a command-line tool when given a subcommand (on the
//! web page, the app).

fn main() -> std::process::ExitCode {
    headroom_lab::platform::entry::main()
}
