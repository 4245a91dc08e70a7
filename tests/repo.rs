//! The repository keeps its promises: README.md opens with the two commands, and CI runs the
//! test command README.md gives.

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("file exists")
}

/// The commands in the first code block of README.md.
fn readme_commands() -> Vec<String> {
    let readme = read("README.md");
    let block = readme.split("```").nth(1).expect("README opens with a code block");
    block
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn readme_opens_with_launch_and_test_commands() {
    let cmds = readme_commands();
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    assert!(cmds[0].ends_with("cargo run --release"), "{cmds:?}");
    assert!(cmds[1].contains("cargo test"), "{cmds:?}");
    let head: String = read("README.md").lines().take(8).collect::<Vec<_>>().join("\n");
    assert!(head.contains(&cmds[0]) && head.contains(&cmds[1]), "the commands must open the README");
}

#[test]
fn ci_runs_the_readme_test_command() {
    let test_cmd = &readme_commands()[1];
    let ci = read(".ci/run");
    assert!(ci.lines().any(|l| l.trim() == test_cmd), ".ci/run must run `{test_cmd}`");
}
