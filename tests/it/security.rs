//! Secrets never leak (SPEC §6): not in output, `-V` logs or `--dump-logs` files, which are 0600.

use std::os::unix::fs::PermissionsExt;

use crate::common::*;

#[tokio::test]
async fn verbose_logs_mask_the_token_and_show_each_call() {
    let server = api().await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &["user", "invite", "jane@example.com", "-r", "R/W User", "-V"],
    );
    let log = stderr(&output);
    assert!(
        log.contains(&format!("(Authorization: Bearer {MASKED})")),
        "{log}"
    );
    assert!(
        log.contains("GET /organizations/roles -> 200 OK in"),
        "{log}"
    );
    assert!(
        log.contains("token from the ASTRA_DB_APPLICATION_TOKEN variable"),
        "{log}"
    );
    assert!(!format!("{log}{}", stdout(&output)).contains(TOKEN));
}

#[tokio::test]
async fn dump_logs_writes_a_private_file_without_the_token() {
    let server = api().await;
    let env = TestEnv::new();
    let file = env.path("debug.log");
    let output = env
        .astra_with_flag(&endpoint(&server))
        .args(["user", "list"])
        .arg(format!("--dump-logs={}", file.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("GET /organizations/users -> 200 OK") && text.contains(MASKED),
        "{text}"
    );
    assert!(!text.contains(TOKEN) && !text.contains('\u{1b}'), "{text}");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(stderr(&output).contains("Logs written to"));
    assert!(
        !stderr(&output).contains("GET /organizations"),
        "no -V: the log is not on stderr"
    );
}

#[tokio::test]
async fn dump_logs_defaults_to_astra_home_in_a_private_directory() {
    let server = api().await;
    let env = TestEnv::new();
    let home = env.path("astra-home");
    let output = env
        .astra_at(&endpoint(&server))
        .env("ASTRA_HOME", &home)
        .args(["user", "get", "nobody@x.y", "--dump-logs"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let logs = home.join("logs");
    assert_eq!(
        std::fs::metadata(&logs).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let files: Vec<_> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    // <date>_<time>-<milliseconds>-<pid>.astra.log: two runs in one second never collide.
    let stem = name.strip_suffix(".astra.log").expect(".astra.log");
    let parts: Vec<&str> = stem.split('-').collect();
    assert_eq!(parts.len(), 7, "{name}");
    assert_eq!(parts[2].len(), "DD_HH".len(), "{name}");
    assert_eq!(parts[5].len(), 3, "milliseconds: {name}");
    assert!(parts[6].parse::<u32>().is_ok(), "pid: {name}");
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn the_token_never_appears_in_error_text_even_when_it_is_rejected() {
    let env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for format in ["human", "json", "csv"] {
        let output = env
            .astra_with_flag(&format!("http://127.0.0.1:{port}/v2"))
            .args(["user", "delete", "a@b.c", "-o", format, "-V"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(8));
        assert!(!format!("{}{}", stdout(&output), stderr(&output)).contains(TOKEN));
    }
}

/// An API that fails every call with a body that echoes the token it was sent.
async fn echoing_api(status: u16) -> wiremock::MockServer {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let body = serde_json::json!({"errors": [{"message": format!("bad request from Bearer {TOKEN}; token={TOKEN}")}]});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn no_command_prints_or_logs_the_token_on_any_path() {
    let ok = api().await;
    wiremock::Mock::given(wiremock::matchers::method("PUT"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&ok)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("DELETE"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&ok)
        .await;
    let rejecting = echoing_api(400).await;
    let refusing = echoing_api(401).await;
    let failing = echoing_api(503).await;
    let commands: &[&[&str]] = &[
        &["user", "list"],
        &["user", "get", "alice@example.bob"],
        &["user", "get", ALICE],
        &["user", "invite", "new@example.com", "-r", "R/W User"],
        &["user", "invite", "a@example.com", "b@example.com"],
        &["user", "delete", "alice@example.bob"],
        &["user", "delete", ALICE, "nobody@x.io", "--if-exists"],
        &["role", "list"],
        &["role", "get", "R/W User"],
        &["role", "get", RW_USER],
    ];
    let secret = &TOKEN[12..];
    let env = TestEnv::new();
    let mut runs = 0;
    for server in [&ok, &rejecting, &refusing, &failing] {
        for command in commands {
            for format in ["human", "json", "csv"] {
                for flag in [true, false] {
                    let log = env.path(&format!("run-{runs}.log"));
                    runs += 1;
                    let mut astra = if flag {
                        env.astra_with_flag(&endpoint(server))
                    } else {
                        env.astra_at(&endpoint(server))
                    };
                    let output = astra
                        .args(*command)
                        .args(["-o", format, "-V"])
                        .arg(format!("--dump-logs={}", log.display()))
                        .output()
                        .unwrap();
                    let logged = std::fs::read_to_string(&log).unwrap_or_default();
                    let seen = format!("{}{}{logged}", stdout(&output), stderr(&output));
                    assert!(
                        !seen.contains(secret),
                        "{command:?} -o {format}: the token leaked\n{seen}"
                    );
                    assert!(!logged.is_empty(), "{command:?}: no log written");
                }
            }
        }
    }
    assert_eq!(runs, 240);
}

#[test]
fn a_token_in_a_config_line_or_a_cf_token_file_is_masked() {
    let env = TestEnv::new();
    let secret = &TOKEN[12..];
    let rc = env.write(
        "rc",
        &format!("[default]\nASTRA_DB_APPLICATION_TOKEN {TOKEN}\n"),
    );
    let token_file = env.write("token.txt", &format!("{TOKEN}\n"));
    for path in [&rc, &token_file] {
        for format in ["human", "json", "csv"] {
            let log = env.path("x.log");
            let output = env
                .astra()
                .args([
                    "user",
                    "list",
                    "-cf",
                    path.to_str().unwrap(),
                    "-o",
                    format,
                    "-V",
                ])
                .arg(format!("--dump-logs={}", log.display()))
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(4));
            let seen = format!(
                "{}{}{}",
                stdout(&output),
                stderr(&output),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            assert!(seen.contains(MASKED), "{seen}");
            assert!(!seen.contains(secret), "{seen}");
        }
    }
}

#[test]
fn debug_of_every_type_holding_the_token_is_masked() {
    use astra_cli::config::{parse_token_arg, ConnectionRequest, Token};
    use astra_cli::secret::Secret;
    let secret = &TOKEN[12..];
    let token = Token::parse(TOKEN).unwrap();
    let arg = parse_token_arg(TOKEN).unwrap();
    let request = ConnectionRequest {
        token: Some(arg.clone()),
        ..ConnectionRequest::default()
    };
    for shown in [
        format!("{token:?}"),
        format!("{:?}", Secret::new(TOKEN)),
        format!("{arg:?}"),
        format!("{request:?}"),
    ] {
        assert!(shown.contains(MASKED), "{shown}");
        assert!(!shown.contains(secret), "{shown}");
    }
    let cli = <astra_cli::cli::Cli as clap::Parser>::try_parse_from([
        "astra", "user", "list", "--token", TOKEN,
    ])
    .unwrap();
    assert!(!format!("{cli:?}").contains(secret));
}

#[tokio::test]
async fn control_characters_from_the_api_never_reach_the_terminal_raw() {
    let server = wiremock::MockServer::start().await;
    let evil = "Evil\u{1b}]0;title\u{7}\u{1b}[2J\u{1b}]8;;http://x\u{1b}\\link";
    mount_json(
        &server,
        "GET",
        "/v2/organizations/roles",
        serde_json::json!([role(RW_USER, evil)]),
    )
    .await;
    mount_json(
        &server,
        "GET",
        "/v2/organizations/users",
        serde_json::json!({"OrgID": ORG, "Users": [{"UserID": ALICE, "Email": "a\u{1b}[31m@x.io", "Status": "active"}]}),
    )
    .await;
    wiremock::Mock::given(wiremock::matchers::method("DELETE"))
        .respond_with(
            wiremock::ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"errors": [{"message": "no\u{1b}[2J way"}]})),
        )
        .mount(&server)
        .await;
    let env = TestEnv::new();
    for args in [
        &["role", "list"][..],
        &["role", "get", RW_USER],
        &["user", "list"],
        &["user", "get", "alice@example.bob"],
        &["user", "delete", ALICE],
    ] {
        let output = env.run_at(&endpoint(&server), args);
        let seen = format!("{}{}", stdout(&output), stderr(&output));
        assert!(
            !seen.contains('\u{1b}') && !seen.contains('\u{7}'),
            "{args:?}: {seen:?}"
        );
    }
    let roles = env.run_at(&endpoint(&server), &["role", "list"]);
    assert!(
        stdout(&roles).contains("Evil\\u{1b}]0;title\\u{7}\\u{1b}[2J"),
        "{}",
        stdout(&roles)
    );
    let json = env.run_at(&endpoint(&server), &["role", "list", "-o", "json"]);
    assert_eq!(
        parse_json(&json)["data"][0]["Name"],
        evil,
        "JSON keeps the data, escaped by JSON"
    );
    assert!(stdout(&json).contains("\\u001b"));
}

/// A token file passed as the team file by mistake: its line is quoted as the CSV header,
/// lower-cased by nothing and masked in every format (SPEC §6, `AstraCS:` in any case).
#[tokio::test]
async fn a_token_file_passed_as_the_team_file_is_masked_in_every_format() {
    let server = api().await;
    let env = TestEnv::new();
    let secret = &TOKEN[TOKEN.len() - 60..];
    for token in [TOKEN.to_owned(), TOKEN.to_ascii_lowercase()] {
        let file = env.write("tok.txt", &format!("{token}\n"));
        for format in ["human", "json", "csv"] {
            let output = env.run_at(
                &endpoint(&server),
                &[
                    "user",
                    "apply",
                    file.to_str().unwrap(),
                    "--format",
                    "csv",
                    "--dry-run",
                    "-o",
                    format,
                ],
            );
            assert_exit(&output, 3, format);
            let all = format!("{}{}", stdout(&output), stderr(&output));
            assert!(all.contains("the header must be 'email,roles'"), "{all}");
            assert!(all.contains("****0001"), "{all}");
            assert!(!all.contains(secret), "{format}: {all}");
        }
    }
}

#[test]
fn the_token_and_the_team_file_cannot_both_come_from_standard_input() {
    let env = TestEnv::new();
    let output = env
        .astra()
        .args(["user", "apply", "-", "--format", "csv", "--token", "@-"])
        .write_stdin(format!("{TOKEN}\nemail,roles\n"))
        .output()
        .unwrap();
    assert_exit(&output, 2, "usage");
    assert!(
        stderr(&output).contains("'--token @-' and FILE '-' cannot both read standard input"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

/// SPEC §2: the original's `--no-color`, `--dump-logs=false` and `--no-dump-logs` are accepted:
/// no colour, and no log file (not one named `false`).
#[tokio::test]
async fn the_original_s_no_color_and_no_dump_logs_spellings_are_accepted() {
    let server = api().await;
    let env = TestEnv::new();
    for flags in [
        vec!["--no-color"],
        vec!["--dump-logs=false"],
        vec!["--dump-logs", "--no-dump-logs"],
    ] {
        let output = env
            .astra_at(&endpoint(&server))
            .current_dir(env.home.path())
            .env("CLICOLOR_FORCE", "1")
            .args(["user", "list"])
            .args(&flags)
            .output()
            .unwrap();
        assert_exit(&output, 0, format_args!("{flags:?}"));
        assert!(!stderr(&output).contains("Logs written"), "{flags:?}");
        assert!(
            !env.path("false").exists(),
            "{flags:?}: no file named false"
        );
        assert!(!env.path(".astra/logs").exists(), "{flags:?}: no log file");
    }
    // An error is red when colours are forced, and plain with --no-color.
    let error = |flags: &[&str]| {
        let output = env
            .astra_at(&endpoint(&server))
            .env("CLICOLOR_FORCE", "1")
            .args(["user", "get", "nobody@example.bob"])
            .args(flags)
            .output()
            .unwrap();
        assert_exit(&output, 5, format_args!("{flags:?}"));
        stderr(&output)
    };
    assert!(error(&[]).contains('\u{1b}'), "forced colours");
    assert!(!error(&["--no-color"]).contains('\u{1b}'), "--no-color");
}

/// `--dump-logs=FILE` in a directory that does not exist warns and writes nothing: no directory
/// is made for a typo.
#[tokio::test]
async fn dump_logs_into_a_missing_directory_warns_and_makes_nothing() {
    let server = api().await;
    let env = TestEnv::new();
    let target = env.path("no/such/dir/x.log");
    let output = env
        .astra_at(&endpoint(&server))
        .args(["user", "list"])
        .arg(format!("--dump-logs={}", target.display()))
        .output()
        .unwrap();
    assert_exit(&output, 0, "the command itself succeeds");
    assert!(
        stderr(&output).starts_with(&format!(
            "Warning: cannot write the log file '{}'",
            target.display()
        )),
        "{}",
        stderr(&output)
    );
    assert!(!env.path("no").exists(), "no directory was made");
}

/// A token typed where clap refuses it (an invalid value, an unknown argument) is quoted in
/// clap's usage error: the printer masks it there too.
#[test]
fn a_token_in_a_usage_error_is_masked() {
    let env = TestEnv::new();
    for args in [
        vec!["user", "list", "--env", TOKEN],
        vec!["user", "list", "-o", TOKEN],
        vec!["user", "frobnicate", TOKEN],
    ] {
        let output = env.run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        assert!(!err.contains(TOKEN), "{args:?}: {err}");
        assert!(
            err.contains(MASKED) || err.contains("error:"),
            "{args:?}: {err}"
        );
        assert_eq!(stdout(&output), "");
    }
}
