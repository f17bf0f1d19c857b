//! The command-line surface: help for every command, version, and groups without a subcommand.

use insta::assert_snapshot;

use crate::common::*;

/// Every command of the clap tree, as the words that name it (`["user", "list"]`), depth first.
fn every_command() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut named = path.to_vec();
            named.push(sub.get_name().to_owned());
            out.push(named.clone());
            walk(sub, &named, out);
        }
    }
    let mut out = vec![Vec::new()];
    walk(
        &<astra_cli::cli::Cli as clap::CommandFactory>::command(),
        &[],
        &mut out,
    );
    out
}

#[test]
fn every_command_has_help_with_a_description_and_an_example() {
    let env = TestEnv::new();
    let commands = every_command();
    for named in [["setup"], ["config"], ["completions"], ["man"], ["access"]] {
        assert!(commands.iter().any(|c| c == &named), "{named:?} is walked");
    }
    for command in commands {
        let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
        args.push("--help");
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
    for args in [vec![], vec!["user"], vec!["role"], vec!["access"]] {
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
