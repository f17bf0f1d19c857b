//! The command-line surface: help for every command, version, and groups without a subcommand.

use insta::assert_snapshot;

use crate::common::*;

#[test]
fn every_command_has_help_with_a_description_and_an_example() {
    let env = TestEnv::new();
    for args in [
        vec!["--help"],
        vec!["user", "--help"],
        vec!["user", "list", "--help"],
        vec!["user", "get", "--help"],
        vec!["user", "invite", "--help"],
        vec!["user", "delete", "--help"],
        vec!["user", "roles", "--help"],
        vec!["user", "apply", "--help"],
        vec!["user", "export", "--help"],
        vec!["role", "--help"],
        vec!["role", "list", "--help"],
        vec!["role", "get", "--help"],
        vec!["role", "create", "--help"],
        vec!["role", "update", "--help"],
        vec!["role", "delete", "--help"],
        vec!["token", "--help"],
        vec!["token", "get", "--help"],
        vec!["token", "list", "--help"],
        vec!["token", "create", "--help"],
        vec!["token", "delete", "--help"],
        vec!["org", "--help"],
        vec!["org", "get", "--help"],
        vec!["org", "id", "--help"],
        vec!["org", "name", "--help"],
    ] {
        let output = env.astra().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(stderr(&output), "");
        let text = stdout(&output);
        assert!(text.contains("$ astra "), "{args:?} has no example");
        assert_snapshot!(format!("help_{}", args.join("_").replace("--", "")), text);
    }
}

#[test]
fn groups_without_a_subcommand_print_help_and_succeed() {
    let env = TestEnv::new();
    for args in [vec![], vec!["user"], vec!["role"]] {
        let output = env.astra().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(stdout(&output).contains("Usage: astra"), "{args:?}");
    }
}

#[test]
fn version_is_on_stdout_and_dash_v_is_verbose() {
    let env = TestEnv::new();
    let output = env.astra().arg("--version").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    // The crate version, and the commit when built from a git checkout (this one is).
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=9", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| format!(" ({})", String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_default();
    assert_eq!(
        stdout(&output),
        format!("astra {}{commit}\n", env!("CARGO_PKG_VERSION"))
    );
    let verbose = env.run(&["-V", "user", "list", "--token", "x"]);
    assert_eq!(verbose.status.code(), Some(3), "-V is accepted as verbose");
}

#[test]
fn unknown_flags_are_usage_errors_even_in_json_mode() {
    let env = TestEnv::new();
    let output = env.run(&["user", "list", "--frobnicate", "-o", "json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("unexpected argument '--frobnicate'"));
}
