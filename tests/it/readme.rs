//! The README's emulator walkthrough is run as written: every `$ command` of its `console` block,
//! against a fresh emulator, must print what the README shows (ids the emulator makes up aside).

use crate::common::*;

/// The `console` block after "In another terminal, paste the `export` line, then:".
fn walkthrough() -> Vec<(String, String)> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("In another terminal, paste the `export` line")
        .expect("the walkthrough is in the README");
    let block = &readme[start..];
    let block = &block[block.find("```console\n").unwrap() + 11..];
    let block = &block[..block.find("```").unwrap()];
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut previous = "";
    for line in block.lines() {
        // A `$` line right after a `# comment:` is a hint the tool printed, not a command.
        let is_hint = previous.starts_with("# ");
        previous = line;
        match line.strip_prefix("$ ") {
            Some(command) if !is_hint => steps.push((command.to_owned(), String::new())),
            _ => {
                let (_, expected) = steps.last_mut().expect("a command first");
                expected.push_str(line);
                expected.push('\n');
            }
        }
    }
    steps
}

/// Made-up ids (the emulator gives a new user a random one) read the same.
fn masked(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_inclusive([' ', '\n']) {
        let trimmed = word.trim_end();
        let is_random_id = trimmed.len() == 36
            && trimmed.matches('-').count() == 4
            && !trimmed.starts_with("00000000-");
        if is_random_id {
            out.push_str("<id>");
            out.push_str(&word[trimmed.len()..]);
        } else {
            out.push_str(word);
        }
    }
    out
}

#[test]
fn the_emulator_walkthrough_prints_what_the_readme_shows() {
    let steps = walkthrough();
    assert!(steps.len() >= 5, "{steps:?}");
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_astra"))
        .parent()
        .unwrap();
    let mut script = String::new();
    for (i, (command, _)) in steps.iter().enumerate() {
        // A command that is not astra's (`echo $?`) runs in the same shell, after the one before.
        // The marker keeps `$?` for a command that reads it (`echo $?`).
        script.push_str(&format!(
            "status=$?; echo '<<<{i}>>>'; (exit $status); {command} 2>&1\n"
        ));
    }
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env_clear()
        .env("HOME", env.home.path())
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN)
        .env("ASTRA_ENV", "local")
        .env("ASTRA_LOCAL_ENDPOINT", &emulator.endpoint)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    for (i, (command, expected)) in steps.iter().enumerate() {
        let start = text.find(&format!("<<<{i}>>>\n")).unwrap() + format!("<<<{i}>>>\n").len();
        let end = text[start..].find("<<<").map_or(text.len(), |e| start + e);
        assert_eq!(masked(&text[start..end]), masked(expected), "$ {command}");
    }
}
