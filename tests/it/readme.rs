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

/// The quick start's batch examples work as pasted against the emulator (a newcomer's first try).
#[test]
fn the_quick_start_batch_examples_work_on_the_emulator() {
    let readme = include_str!("../../README.md");
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    for wanted in [
        "astra user delete old1@example.com",
        "astra user invite ann@example.com",
    ] {
        let line = readme
            .lines()
            .find(|line| line.starts_with(wanted))
            .unwrap_or_else(|| panic!("{wanted} is in the README"));
        let command = line.split("   #").next().unwrap().trim();
        let words = shell_words(command);
        let output = run(
            &env,
            &emulator,
            &words[1..].iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_exit(&output, 0, command);
    }
}

/// Splits a line as a POSIX shell would for the README's simple quoting ('…' only).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            _ => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}
