//! The terminal features, driven for real in tmux: the role picker, `setup`'s hidden token input
//! and `--token @-` on a terminal. Skipped with a message only where tmux is not installed
//! (`.ci/run` installs it). Also: completions, the man page, `config` writes.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

/// A tmux server of its own (socket per test), running one command in a 100×30 window.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// `astra ARGS` with only these variables, then `EXIT=<status>`, in a 100-column terminal.
    fn start(env: &[(&str, &str)], args: &[&str]) -> Option<Self> {
        let script = format!("{}; echo \"EXIT=$?\"; sleep 60", astra_line(env, args));
        Self::start_script(&script, 100)
    }
}

/// `env -i` with only these variables, then `astra ARGS`, quoted for `sh`.
fn astra_line(env: &[(&str, &str)], args: &[&str]) -> String {
    let mut line = vec![
        "env".to_owned(),
        "-i".to_owned(),
        "TERM=xterm-256color".to_owned(),
        // Plain text to compare; colours on a terminal have their own snapshot test.
        "NO_COLOR=1".to_owned(),
    ];
    line.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
    line.push(env!("CARGO_BIN_EXE_astra").to_owned());
    line.extend(args.iter().map(|a| (*a).to_owned()));
    let quoted: Vec<String> = line
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    quoted.join(" ")
}

impl Tmux {
    /// A shell line run in a fresh tmux session `columns` wide (also for interactive shells).
    fn start_script(line: &str, columns: u16) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // A terminal test that passes without a terminal proves nothing: CI must have tmux.
            assert!(
                std::env::var_os("CI").is_none(),
                "tmux is not installed, and CI must run the terminal tests (bash .ci/run installs it)"
            );
            eprintln!("SKIPPED: tmux is not installed (bash .ci/run installs it)");
            return None;
        }
        let socket = format!("astra-test-{}-{}", std::process::id(), fastrand_suffix());
        let columns = columns.to_string();
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                &columns,
                "-y",
                "30",
                "sh",
                "-c",
                line,
            ])
            .status()
            .expect("tmux");
        assert!(status.success(), "tmux new-session");
        Some(Self { socket })
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-L", &self.socket, "send-keys", "-t", "t"];
        args.extend(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    fn literal(&self, text: &str) {
        assert!(Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "t", "-l", text])
            .status()
            .unwrap()
            .success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "capture-pane",
                "-p",
                "-t",
                "t",
                "-S",
                "-100",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "waited for {text:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 1_000_000_000
}

fn home_env<'a>(home: &'a str, emulator: &'a Emulator) -> Vec<(&'a str, &'a str)> {
    vec![
        ("HOME", home),
        ("ASTRA_DB_APPLICATION_TOKEN", TOKEN),
        ("ASTRA_LOCAL_ENDPOINT", emulator.endpoint.as_str()),
    ]
}

async fn invite_puts(emulator: &Emulator) -> Vec<serde_json::Value> {
    emulator
        .requests()
        .await
        .into_iter()
        .filter(|r| r["method"] == "PUT")
        .collect()
}

#[tokio::test]
async fn the_role_picker_preselects_the_default_filters_and_accepts() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let Some(tmux) = Tmux::start(
        &home_env(&home, &emulator),
        &["user", "invite", "pick@example.com"],
    ) else {
        return;
    };
    let screen = tmux.wait_for("Roles to assign");
    assert!(screen.contains("[x] Database Administrator"), "{screen}");
    tmux.literal("billing");
    // "[ ] Billing Admin" is in the unfiltered list too: wait for the frame drawn after the
    // last key, which echoes the whole filter.
    let filtered = tmux.wait_for("? Roles to assign: billing");
    assert!(
        filtered.contains("[ ] Billing Admin") && !filtered.contains("R/W User"),
        "typing filters the list:\n{filtered}"
    );
    tmux.keys(&["Space"]);
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=");
    assert!(
        done.contains("has been invited with roles 'Database Administrator', 'Billing Admin'."),
        "{done}"
    );
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(
        done.contains("# See the invited user:\n$ astra user get pick@example.com"),
        "on a terminal the hint is shown (SPEC §12):\n{done}"
    );
    assert!(
        !done.contains("No role given"),
        "no default-role notice after a pick"
    );
    let puts = invite_puts(&emulator).await;
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0]["body"]["roles"].as_array().unwrap().len(), 2);
}

/// `user invite` at the bottom of a full screen (40 lines above it), its role picker answered
/// with `key`: the screen once it exited, and the invitations sent.
async fn invite_picker_answered_with(key: &str) -> Option<(String, Vec<serde_json::Value>)> {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let astra = astra_line(
        &home_env(&home, &emulator),
        &["user", "invite", "c@example.com"],
    );
    let tmux = Tmux::start_script(
        &format!("seq 1 40; {astra}; echo \"EXIT=$?\"; sleep 60"),
        100,
    )?;
    tmux.wait_for("Roles to assign");
    tmux.keys(&[key]);
    let done = tmux.wait_for("EXIT=");
    Some((done, invite_puts(&emulator).await))
}

#[tokio::test]
async fn esc_in_the_picker_cancels_with_130_and_sends_nothing() {
    let Some((done, puts)) = invite_picker_answered_with("Escape").await else {
        return;
    };
    assert!(
        done.contains("EXIT=130") && done.contains("Cancelled; nothing was sent."),
        "{done}"
    );
    assert!(puts.is_empty());
}

/// Ctrl+C in the picker at the bottom of a full screen: the picker is wiped (as Esc does), not
/// left drawn above the message.
#[tokio::test]
async fn ctrl_c_in_the_picker_wipes_it_even_at_the_bottom_of_the_screen() {
    let Some((done, puts)) = invite_picker_answered_with("C-c").await else {
        return;
    };
    assert!(
        done.contains("EXIT=130") && done.contains("Cancelled; nothing was sent."),
        "{done}"
    );
    assert!(
        !done.contains("Roles to assign") && !done.contains("Database Administrator"),
        "the picker is gone:\n{done}"
    );
    assert!(done.contains("\n40\n"), "the lines above it stay:\n{done}");
    assert!(puts.is_empty());
}

#[tokio::test]
async fn setup_asks_for_the_token_without_echo_checks_it_and_saves_it() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let rc = env.write(
        "rc",
        "# mine\n[other]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:keep\n",
    );
    let rc_text = rc.to_str().unwrap().to_owned();
    let vars = [("HOME", home.as_str()), ("ASTRARC", rc_text.as_str())];
    let Some(tmux) = Tmux::start(
        &vars,
        &["setup", "-p", "emu", "--local-endpoint", &emulator.endpoint],
    ) else {
        return;
    };
    tmux.wait_for("Token:");
    // A bad paste is explained and asked again; a quoted token is the token.
    tmux.literal("Bearer abc");
    tmux.keys(&["Enter"]);
    let again = tmux.wait_for("Try again.");
    assert!(
        again.contains("The token is invalid: it must start with 'AstraCS:'. Try again."),
        "{again}"
    );
    tmux.literal(&format!("'{TOKEN}'"));
    let typed = tmux.screen();
    assert!(
        !typed.contains(&TOKEN[8..20]),
        "the token is not echoed:\n{typed}"
    );
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=");
    assert!(
        done.contains("Token checked; saved as profile 'emu'") && done.contains("EXIT=0"),
        "{done}"
    );
    assert!(!done.contains(&TOKEN[8..20]), "{done}");
    let saved = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(
        saved,
        format!("# mine\n[other]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:keep\n\n[emu]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\nASTRA_ENV=local\nASTRA_LOCAL_ENDPOINT={}\n", emulator.endpoint)
    );
    let checks: Vec<_> = emulator
        .requests()
        .await
        .into_iter()
        .map(|r| r["path"].clone())
        .collect();
    assert_eq!(
        checks,
        [json!("/v2/organizations/roles")],
        "one call checks the token"
    );
}

#[tokio::test]
async fn token_from_stdin_on_a_terminal_prompts_instead_of_waiting() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let Some(tmux) = Tmux::start(
        &[("HOME", home.as_str())],
        &[
            "role",
            "list",
            "--token",
            "@-",
            "--local-endpoint",
            &emulator.endpoint,
        ],
    ) else {
        return;
    };
    tmux.wait_for("Token:");
    tmux.literal(TOKEN);
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=");
    assert!(
        done.contains("Database Administrator") && done.contains("EXIT=0"),
        "{done}"
    );
}

#[tokio::test]
async fn setup_without_a_terminal_needs_a_token_and_never_saves_a_refused_one() {
    let emulator = Emulator::start(&["--token", TOKEN_B]);
    let env = TestEnv::new();
    let rc = env.path("rc");
    let base = |args: &[&str]| {
        env.astra()
            .env("ASTRARC", &rc)
            .args(args)
            .arg("--local-endpoint")
            .arg(&emulator.endpoint)
            .output()
            .unwrap()
    };
    let no_token = base(&["setup", "-o", "json"]);
    assert_eq!(no_token.status.code(), Some(3));
    assert_eq!(parse_json(&no_token)["code"], "UNSUPPORTED_EXECUTION");
    let refused = base(&["setup", "--token", TOKEN, "-o", "json"]);
    assert_exit(&refused, 6, "");
    assert!(parse_json(&refused)["message"]
        .as_str()
        .unwrap()
        .contains("Nothing was saved."));
    assert!(!rc.exists(), "a refused token is not saved");
    let saved = base(&["setup", "-p", "ci", "--token", TOKEN_B, "-o", "json"]);
    assert_exit(&saved, 0, "");
    assert_eq!(parse_json(&saved)["data"]["token"], "AstraCS:bbbb****0002");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&rc).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

const HAND_WRITTEN: &str = "# Astra profiles, kept by hand\r\n[default]\r\nASTRA_DB_APPLICATION_TOKEN = \"AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:0000000000000000000000000000000000000000000000000000000000000009\"\r\n\r\n; staging below\r\n[staging]\r\n  ASTRA_ENV=dev\r\n  ASTRA_DB_APPLICATION_TOKEN=AstraCS:x\r\n# trailing note\r\n";

#[test]
fn config_create_and_delete_keep_a_hand_written_file_byte_for_byte() {
    let env = TestEnv::new();
    let rc = env.write("astra/rc", HAND_WRITTEN);
    let cf = rc.to_str().unwrap();
    let token_file = env.write("tok", &format!("{TOKEN}\n"));
    let token_arg = format!("@{}", token_file.display());
    let created = env
        .astra()
        .args([
            "config",
            "create",
            "emu",
            "-cf",
            cf,
            "--token",
            &token_arg,
            "--local-endpoint",
            "http://127.0.0.1:9/v2",
        ])
        .output()
        .unwrap();
    assert_exit(&created, 0, "");
    let after = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(
        after,
        format!("{HAND_WRITTEN}\r\n[emu]\r\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\r\nASTRA_ENV=local\r\nASTRA_LOCAL_ENDPOINT=http://127.0.0.1:9/v2\r\n")
    );
    let again = env
        .astra()
        .args([
            "config", "create", "emu", "-cf", cf, "--token", TOKEN, "-o", "json",
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(3));
    assert_eq!(
        parse_json(&again)["nextSteps"][0]["command"],
        format!("astra config create emu -cf {cf} --token @FILE -o json --overwrite")
    );

    let listed = env
        .astra()
        .args(["config", "list", "-cf", cf, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        parse_json(&listed),
        json!({"code": "OK", "data": [
            {"name": "default", "env": "prod", "token": "AstraCS:aaaa****0009"},
            {"name": "staging", "env": "dev", "token": "AstraCS:****"},
            {"name": "emu", "env": "local", "token": MASKED}
        ]})
    );
    assert!(!stdout(&listed).contains(&TOKEN[12..]));

    let deleted = env
        .astra()
        .args(["config", "delete", "emu", "-cf", cf])
        .output()
        .unwrap();
    assert_exit(&deleted, 0, "");
    let restored = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(
        restored,
        format!("{HAND_WRITTEN}\r\n"),
        "only the profile and its block go"
    );
    let staging = env
        .astra()
        .args(["config", "delete", "staging", "-cf", cf])
        .output()
        .unwrap();
    assert_eq!(staging.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&rc).unwrap(),
        "# Astra profiles, kept by hand\r\n[default]\r\nASTRA_DB_APPLICATION_TOKEN = \"AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:0000000000000000000000000000000000000000000000000000000000000009\"\r\n\r\n; staging below\r\n"
    );
    let missing = env
        .astra()
        .args(["config", "delete", "nope", "-cf", cf, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(4));
    assert_eq!(parse_json(&missing)["code"], "PROFILE_NOT_FOUND");
}

#[test]
fn completions_load_in_bash_and_need_no_token() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = env.run(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(stdout(&output).contains("astra"), "{shell}");
        // By name, found on PATH: a path fixed at generation breaks after an upgrade.
        let binary = env!("CARGO_BIN_EXE_astra");
        assert!(!stdout(&output).contains(binary), "{shell} names {binary}");
    }
    let script = env.path("astra.bash");
    std::fs::write(&script, env.run(&["completions", "bash"]).stdout).unwrap();
    let loaded = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p astra",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    assert!(String::from_utf8_lossy(&loaded.stdout).contains("complete"));
    for (shell, check) in [
        ("zsh", "autoload -U compinit; compinit -u; source"),
        ("fish", "source"),
    ] {
        if Command::new(shell).arg("--version").output().is_err() {
            eprintln!("{shell} is not installed: its completion script is only generated");
            continue;
        }
        let file = env.path(&format!("astra.{shell}"));
        std::fs::write(&file, env.run(&["completions", shell]).stdout).unwrap();
        let loaded = Command::new(shell)
            .arg("-c")
            .arg(format!("{check} '{}'", file.display()))
            .output()
            .unwrap();
        assert!(
            loaded.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&loaded.stderr)
        );
    }
}

#[test]
fn the_man_page_and_version_are_where_they_belong() {
    let env = TestEnv::new();
    let man = env.run(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    assert!(
        stdout(&man).starts_with(".ie \\n(.g .ds Aq") || stdout(&man).contains(".TH astra"),
        "{}",
        &stdout(&man)[..200]
    );
    // `man --all DIR`: one page per command, each readable by man, its examples line by line,
    // and every page it names (SUBCOMMANDS, SEE ALSO) written too.
    let dir = env.path("man1");
    let all = env.run(&["man", "--all", dir.to_str().unwrap()]);
    assert_exit(&all, 0, "man --all");
    let pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(pages.len() >= 30, "{pages:?}");
    assert_eq!(
        stdout(&all),
        format!("Wrote {} man pages to '{}'.\n", pages.len(), dir.display())
    );
    if Command::new("man").arg("--version").output().is_ok() {
        for page in &pages {
            let shown = Command::new("man")
                .arg("-l")
                .arg(dir.join(page))
                .env("MANWIDTH", "100")
                .env("MANPAGER", "cat")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&shown.stdout).replace("\u{2010}\n       ", "");
            assert!(
                shown.status.success() && shown.stderr.is_empty(),
                "{page}: {}",
                String::from_utf8_lossy(&shown.stderr)
            );
            for named in text
                .split_whitespace()
                .filter_map(|w| w.strip_suffix("(1)"))
                .filter(|w| w.starts_with("astra"))
            {
                let named = named.trim_start_matches(|c: char| !c.is_alphanumeric());
                assert!(
                    pages.contains(&format!("{named}.1")),
                    "{page} names {named}(1), which is not written"
                );
            }
            if page == "astra-user-invite.1" {
                assert!(
                    text.contains("       # Invite a user with specific roles\n       $ astra user invite john@example.com --role 'R/W User' --role 'Billing Admin'\n"),
                    "examples keep their lines:\n{text}"
                );
                assert!(text.contains("SEE ALSO\n       astra-user(1)"), "{text}");
            }
        }
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have man (bash .ci/run installs it)"
        );
    }
    let top = env.run(&["--version"]);
    assert!(
        stdout(&top).starts_with(concat!("astra ", env!("CARGO_PKG_VERSION"))),
        "{}",
        stdout(&top)
    );
    let leaf = env.run(&["user", "list", "--version"]);
    assert_eq!(
        leaf.status.code(),
        Some(2),
        "--version is only at the top level"
    );
    for args in [vec!["user", "list", "--version"], vec!["user", "--version"]] {
        let misplaced = env.run(&args);
        assert_eq!(misplaced.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&misplaced).contains("run 'astra --version'")
                && !stderr(&misplaced).contains("--verbose"),
            "{args:?}: {}",
            stderr(&misplaced)
        );
    }
    let help = env.run(&["help", "user", "invite"]);
    assert!(stdout(&help).starts_with("Invite a user to an organization"));
    let typo = env.run(&["user", "invit"]);
    assert!(stderr(&typo).contains("a similar subcommand exists: 'invite'"));
}

#[test]
fn a_list_too_wide_for_60_columns_keeps_every_id_and_email_whole() {
    let emulator = Emulator::start(&["--users", "3"]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let mut vars = home_env(&home, &emulator);
    vars.push(("COLUMNS", "60"));
    let Some(tmux) = Tmux::start(&vars, &["user", "list", "--status", "active"]) else {
        return;
    };
    let screen = tmux.wait_for("EXIT=0");
    // SPEC §4.1: a UUID and an email cannot be split, and do not fit in 60 columns together:
    // each user is a block of `Header: value` lines, none of which the terminal has to fold.
    assert!(
        !screen.lines().any(|l| l.starts_with(['┌', '│', '├', '└'])),
        "no box: {screen}"
    );
    assert!(
        screen.contains(
            "User Id: 00000000-0000-4000-8000-000000000001\nUser Email: alice@example.com\nStatus: active\n\nUser Id: "
        ),
        "{screen}"
    );
    assert!(
        screen.lines().all(|line| line.chars().count() <= 60),
        "nothing wider than the terminal: {screen}"
    );
    assert!(
        screen.contains("alice@example.com") && !screen.contains("carol@example.com"),
        "{screen}"
    );
}

#[tokio::test]
async fn errors_are_painted_only_when_colours_are_on() {
    let server = api().await;
    let env = TestEnv::new();
    let painted = env.run_at(
        &endpoint(&server),
        &["user", "delete", "nobody@x.io", "--color=always"],
    );
    let shown = stderr(&painted).replace('\u{1b}', "␛");
    insta::assert_snapshot!("error_coloured", shown);
    let plain = env
        .astra_at(&endpoint(&server))
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(["user", "delete", "nobody@x.io"])
        .output()
        .unwrap();
    assert!(
        !stderr(&plain).contains('\u{1b}'),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    insta::assert_snapshot!("error_plain", stderr(&plain));
    let forced = env
        .astra_at(&endpoint(&server))
        .env("CLICOLOR_FORCE", "1")
        .args(["user", "delete", "nobody@x.io"])
        .output()
        .unwrap();
    assert!(
        stderr(&forced).starts_with("\u{1b}[1m\u{1b}[31mError:"),
        "{:?}",
        stderr(&forced)
    );
    let json = env.run_at(
        &endpoint(&server),
        &["user", "delete", "nobody@x.io", "-o", "json"],
    );
    assert!(!stdout(&json).contains('\u{1b}'));
}

#[test]
fn the_spinner_shows_a_retry_and_is_gone_at_the_end() {
    let emulator = Emulator::start(&["--fail", "GET /organizations/users 503 x1 retry-after=2"]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &["user", "list"]) else {
        return;
    };
    // Retry-After plus the shared wait's 0–20 %, rounded up.
    let screen = tmux.wait_for("503 Service Unavailable (retry 1)…");
    assert!(
        screen.contains("Waiting 2 s: the API answered 503")
            || screen.contains("Waiting 3 s: the API answered 503"),
        "{screen}"
    );
    let done = tmux.wait_for("EXIT=0");
    assert!(
        !done.contains("Waiting"),
        "the spinner line is cleared:\n{done}"
    );
    assert!(done.contains("alice@example.com"), "{done}");
}

#[test]
fn ctrl_c_while_the_spinner_turns_leaves_no_spinner_line() {
    let emulator = Emulator::start(&["--fail", "GET /organizations/users hang"]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let astra = astra_line(&home_env(&home, &emulator), &["user", "list"]);
    // Ctrl+C signals the whole foreground group: the shell keeps going to print the status.
    let script = format!("trap true INT; {astra}; echo \"EXIT=$?\"; sleep 60");
    let Some(tmux) = Tmux::start_script(&script, 100) else {
        return;
    };
    tmux.wait_for("Loading users…");
    tmux.keys(&["C-c"]);
    let done = tmux.wait_for("EXIT=");
    assert!(done.contains("EXIT=130"), "{done}");
    assert!(
        done.contains("Interrupted; nothing more was sent."),
        "{done}"
    );
    assert!(
        !done.contains("Loading users"),
        "the spinner line is cleared:\n{done}"
    );
}

/// An interactive `shell` in tmux with astra's completion registered (its own rc only).
fn completing_shell(env: &TestEnv, emulator: &Emulator, shell: &str) -> Option<Tmux> {
    let script = env.path(&format!("astra.{shell}"));
    std::fs::write(&script, env.run(&["completions", shell]).stdout).unwrap();
    let (start, load) = match shell {
        "bash" => (
            "bash --norc --noprofile",
            format!("source '{}'", script.display()),
        ),
        "zsh" => (
            "zsh -f",
            format!(
                "autoload -U compinit; compinit -u; source '{}'",
                script.display()
            ),
        ),
        _ => ("fish --no-config", format!("source '{}'", script.display())),
    };
    let home = env.home.path().to_str().unwrap().to_owned();
    // The script calls `astra` by name: the binary's directory is on PATH, as after an install.
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_astra"))
        .parent()
        .unwrap()
        .display()
        .to_string();
    let line = format!(
        "env -i TERM=xterm-256color PATH='{bin}':/usr/bin:/bin HOME='{home}' ASTRA_DB_APPLICATION_TOKEN={TOKEN} ASTRA_ENV=local ASTRA_LOCAL_ENDPOINT={} {start}",
        emulator.endpoint
    );
    let tmux = Tmux::start_script(&line, 120)?;
    tmux.literal(&load);
    tmux.keys(&["Enter"]);
    Some(tmux)
}

#[test]
fn completion_offers_commands_profiles_roles_and_emails_in_bash_zsh_and_fish() {
    use std::os::unix::fs::PermissionsExt;
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    env.write(
        ".astrarc",
        &format!("[production]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n"),
    );
    for args in [&["role", "list"][..], &["user", "list"]] {
        assert_exit(&env.run_at(&emulator.endpoint, args), 0, "fill the caches");
    }
    let cache = env.path(".astra/cache");
    assert_eq!(
        std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("roles-local-") || name.starts_with("emails-local-"),
            "keyed by target: {name}"
        );
        assert_eq!(
            std::fs::metadata(file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(!std::fs::read_to_string(file).unwrap().contains("AstraCS"));
    }
    for shell in ["bash", "zsh", "fish"] {
        if Command::new(shell).arg("--version").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have {shell} (bash .ci/run installs it)"
            );
            eprintln!("SKIPPED: {shell} is not installed");
            continue;
        }
        let team = env.write("team.csv", "email,roles\n");
        let team = team.to_str().unwrap();
        let typed_team = format!("astra user apply {}", &team[..team.len() - 5]);
        let applied = format!("astra user apply {team}");
        let mut cases = vec![
            ("astra user inv", "astra user invite"),
            ("astra user get ca", "astra user get carol@example.com"),
            ("astra user invite x@y.z -r Bil", "Billing"),
            ("astra role get 'Billing A", "Billing Admin"),
            ("astra user list -p produ", "astra user list -p production"),
            (typed_team.as_str(), applied.as_str()),
        ];
        if shell == "bash" {
            // bash inserts a candidate as given: one that needs quoting comes quoted.
            cases.push(("astra user invite x@y.z -r Bil", "-r 'Billing Admin'"));
            // Two roles start with R/W: their common start is inserted, inside the quote.
            cases.push(("astra user invite x@y.z -r R/W", "-r 'R/W"));
            cases.push(("astra user invite x@y.z -r 'R/W U", "-r 'R/W User'"));
        }
        for (typed, completed) in cases {
            let Some(tmux) = completing_shell(&env, &emulator, shell) else {
                return;
            };
            std::thread::sleep(Duration::from_millis(300));
            tmux.literal(typed);
            tmux.keys(&["Tab"]);
            let screen = tmux.wait_for(completed);
            assert!(screen.contains(completed), "{shell}: {typed:?}\n{screen}");
            assert!(
                !screen.contains(" -- "),
                "{shell}: {typed:?} added --\n{screen}"
            );
        }
    }
}

/// SPEC §13.2 on a real terminal: `--prune` lists the users it would delete and asks; the default
/// (Enter) and `n` send nothing and say so; `y` deletes them.
#[tokio::test]
async fn prune_asks_before_deleting_and_no_sends_nothing() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let file = env.write(
        "team.csv",
        "email,roles\nalice@example.com,Organization Administrator\n",
    );
    let home = env.home.path().to_str().unwrap().to_owned();
    let args = ["user", "apply", file.to_str().unwrap(), "--prune"];
    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &args) else {
        return;
    };
    let asked = tmux.wait_for("Delete 2 users?");
    assert!(
        asked.contains("leaves out 2 users, who will be deleted:")
            && asked.contains("  bob@example.com")
            && asked.contains("  carol@example.com"),
        "{asked}"
    );
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=0");
    assert!(done.contains("Nothing was changed."), "{done}");
    let writes = |requests: Vec<serde_json::Value>| {
        requests
            .into_iter()
            .filter(|r| r["method"] != "GET")
            .count()
    };
    assert_eq!(writes(emulator.requests().await), 0, "no is the default");
    drop(tmux);

    // Esc cancels the question as every prompt is cancelled: exit 130, nothing sent (SPEC §5).
    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &args) else {
        return;
    };
    tmux.wait_for("Delete 2 users?");
    tmux.keys(&["Escape"]);
    let done = tmux.wait_for("EXIT=130");
    assert!(done.contains("Cancelled; nothing was sent."), "{done}");
    assert_eq!(writes(emulator.requests().await), 0, "Esc sends nothing");
    drop(tmux);

    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &args) else {
        return;
    };
    tmux.wait_for("Delete 2 users?");
    tmux.literal("y");
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=0");
    assert!(
        done.contains("Applied '") && done.contains("2 changes done (2 delete). 1 unchanged."),
        "{done}"
    );
    assert_eq!(writes(emulator.requests().await), 2);
}

#[tokio::test]
async fn token_create_without_roles_asks_with_nothing_preselected() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let Some(tmux) = Tmux::start(
        &home_env(&home, &emulator),
        &["token", "create", "-d", "ci"],
    ) else {
        return;
    };
    let shown = tmux.wait_for("Roles to assign:");
    assert!(!shown.contains("[x]"), "nothing pre-selected:\n{shown}");
    tmux.literal("RO User");
    tmux.keys(&["Space", "Enter"]);
    let done = tmux.wait_for("EXIT=0");
    assert!(
        done.contains("Store the token now: it cannot be shown again."),
        "{done}"
    );
    let posts: Vec<serde_json::Value> = emulator
        .requests()
        .await
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .collect();
    assert_eq!(
        posts[0]["body"],
        serde_json::json!({"roles": ["0a570005-4e1a-4b5c-8d2e-000000000006"], "description": "ci"})
    );
}

#[tokio::test]
async fn token_delete_without_an_id_picks_one_and_asks_for_confirm() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let deletes = |requests: Vec<serde_json::Value>| -> Vec<String> {
        requests
            .into_iter()
            .filter(|r| r["method"] == "DELETE")
            .map(|r| r["path"].as_str().unwrap().to_owned())
            .collect()
    };
    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &["token", "delete"]) else {
        return;
    };
    let shown = tmux.wait_for("Token to delete:");
    assert!(
        shown.contains("ciTokenciTokenciTokenciT (CI pipeline)"),
        "{shown}"
    );
    tmux.literal("CI pipe");
    tmux.keys(&["Enter"]);
    tmux.wait_for("To confirm, type 'confirm' below or press Ctrl+C to cancel.");
    tmux.literal("no");
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=0");
    assert!(
        done.contains("You are about to permanently delete token ciTokenciTokenciTokenciT."),
        "{done}"
    );
    assert!(done.contains("Nothing was changed."), "{done}");
    assert!(deletes(emulator.requests().await).is_empty());
    drop(tmux);

    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &["token", "delete"]) else {
        return;
    };
    tmux.wait_for("Token to delete:");
    tmux.literal("CI pipe");
    tmux.keys(&["Enter"]);
    tmux.wait_for("type 'confirm'");
    tmux.literal("confirm");
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=0");
    assert!(
        done.contains("Token ciTokenciTokenciTokenciT has been deleted."),
        "{done}"
    );
    assert_eq!(
        deletes(emulator.requests().await),
        ["/v2/clientIdSecrets/ciTokenciTokenciTokenciT"]
    );
}

/// SPEC §7.2: on a terminal a wait counts down on the spinner line, and a batch's progress bar
/// keeps its count while it tells of the wait.
#[test]
fn a_wait_counts_down_on_the_spinner_and_the_bar_keeps_counting() {
    let emulator = Emulator::start(&["--fail", "GET /organizations/users 503 x1 retry-after=4"]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &["user", "list"]) else {
        return;
    };
    tmux.wait_for("503 Service Unavailable (retry 1)…");
    let later = tmux.wait_for("Waiting 2 s: the API answered 503 Service Unavailable (retry 1)…");
    assert!(!later.contains("Waiting 4 s"), "{later}");
    let done = tmux.wait_for("EXIT=0");
    assert!(!done.contains("Waiting"), "the line is cleared:\n{done}");

    let limited = Emulator::start(&["--fail", "PUT /organizations/users 429 x1 retry-after=3"]);
    let file = env.write(
        "team.csv",
        "email,roles\nw1@example.com,RO User\nw2@example.com,RO User\n",
    );
    let args = [
        "user",
        "apply",
        file.to_str().unwrap(),
        "--concurrency",
        "1",
    ];
    let Some(tmux) = Tmux::start(&home_env(&home, &limited), &args) else {
        return;
    };
    let waiting = tmux.wait_for("the API answered 429 Too Many Requests (retry 1)…");
    assert!(
        waiting.contains("/2 Waiting "),
        "on the bar's line:\n{waiting}"
    );
    tmux.wait_for("EXIT=0");
}

/// `token delete` without an id marks the token in use in its picker and refuses it before the
/// typed confirmation; a token without a description shows no empty `()`.
#[tokio::test]
async fn token_delete_marks_the_token_in_use_and_refuses_it_before_asking() {
    let emulator = Emulator::start(&["--token", TOKEN]);
    let env = TestEnv::new();
    let home = env.home.path().to_str().unwrap().to_owned();
    let Some(tmux) = Tmux::start(&home_env(&home, &emulator), &["token", "delete"]) else {
        return;
    };
    let shown = tmux.wait_for("Token to delete:");
    assert!(
        shown.contains("aaaaaaaaaaaaaaaaaaaaaaaa (astra-emulator) (in use)"),
        "{shown}"
    );
    assert!(!shown.contains("()"), "{shown}");
    tmux.literal("in use");
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("EXIT=3");
    assert!(
        done.contains("is the one this command runs with; nothing was sent."),
        "{done}"
    );
    assert!(
        !done.contains("type 'confirm'"),
        "refused before asking:\n{done}"
    );
    assert!(emulator.writes().await.is_empty());
}
