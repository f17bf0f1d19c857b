//! End to end: the real `astra` against a real `astra-emulator` process on loopback.

use reqwest::Method;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn the_full_lifecycle_of_a_user() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let astra = || env.astra_at(&emulator.endpoint);

    let invited = astra()
        .args([
            "user",
            "invite",
            "jane@example.com",
            "-r",
            "R/W User,Billing Admin",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_exit(&invited, 0, "");
    assert_eq!(
        parse_json(&invited)["message"],
        "User 'jane@example.com' has been invited with roles 'R/W User', 'Billing Admin'."
    );

    let list = astra()
        .args(["user", "list", "-o", "csv"])
        .output()
        .unwrap();
    let row = stdout(&list)
        .lines()
        .find(|line| line.contains("jane@example.com"))
        .map(str::to_owned)
        .expect("jane is listed");
    assert!(
        row.starts_with("OK,,") && row.ends_with(",jane@example.com,invited"),
        "{row}"
    );

    let got = astra()
        .args(["user", "get", "JANE@example.com", "-o", "json"])
        .output()
        .unwrap();
    let user = &parse_json(&got)["data"];
    assert_eq!(user["Status"], "invited");
    assert_eq!(field(&user["Roles"], "Name"), ["R/W User", "Billing Admin"]);

    let id = user["UserID"].as_str().unwrap().to_owned();
    let human = astra().args(["user", "get", &id]).output().unwrap();
    assert!(
        stdout(&human).contains("│ Roles      │ R/W User"),
        "{}",
        stdout(&human)
    );

    let deleted = astra()
        .args(["user", "delete", "jane@example.com"])
        .output()
        .unwrap();
    assert_eq!(
        (deleted.status.code(), stdout(&deleted)),
        (
            Some(0),
            "User 'jane@example.com' has been deleted.\n".to_owned()
        )
    );

    let gone = astra()
        .args(["user", "get", "jane@example.com", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(gone.status.code(), Some(5));
    assert_eq!(parse_json(&gone)["code"], "USER_NOT_FOUND");
}

#[tokio::test]
async fn re_runs_are_safe_with_if_not_exists_and_if_exists() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let astra = || env.astra_at(&emulator.endpoint);
    for expected in [true, false] {
        let output = astra()
            .args([
                "user",
                "invite",
                "ops@example.com",
                "--if-not-exists",
                "-o",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(parse_json(&output)["data"]["wasInvited"], expected);
    }
    for expected in [true, false] {
        let output = astra()
            .args([
                "user",
                "delete",
                "ops@example.com",
                "--if-exists",
                "-o",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(parse_json(&output)["data"]["wasDeleted"], expected);
    }
    let requests = emulator.requests().await;
    let changes: Vec<String> = requests
        .iter()
        .filter(|r| r["method"] != "GET")
        .map(call_line)
        .collect();
    assert_eq!(changes.len(), 2, "one PUT and one DELETE: {changes:?}");
    let put = requests.iter().find(|r| r["method"] == "PUT").unwrap();
    assert_eq!(put["body"]["email"], "ops@example.com");
    assert_eq!(
        put["body"]["roles"].as_array().unwrap().len(),
        1,
        "the default role"
    );
    assert!(
        put["authorization"].as_str().unwrap().contains("****"),
        "the emulator masks the token"
    );
}

#[tokio::test]
async fn every_command_in_every_format_against_the_emulator() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    for format in ["human", "json", "csv"] {
        for args in [
            vec!["user", "list"],
            vec!["user", "get", "alice@example.com"],
            vec!["role", "list"],
            vec!["role", "get", "Database Administrator"],
            vec!["user", "invite", "fmt@example.com", "-r", "RO User"],
            vec!["user", "delete", "fmt@example.com"],
        ] {
            let output = env
                .astra_at(&emulator.endpoint)
                .args(&args)
                .args(["-o", format])
                .output()
                .unwrap();
            assert_exit(&output, 0, format_args!("{args:?} {format}"));
            match format {
                "json" => assert_eq!(parse_json(&output)["code"], "OK"),
                "csv" => assert!(stdout(&output).starts_with("code,message,")),
                _ => assert!(!stdout(&output).is_empty()),
            }
        }
    }
}

#[tokio::test]
async fn injected_faults_give_their_documented_codes() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let cases = [
        (
            json!({"path": "/v2/organizations/users", "action": "503", "count": 0}),
            "SERVER_ERROR",
            8,
        ),
        (
            json!({"path": "/v2/organizations/users", "action": "500"}),
            "SERVER_ERROR",
            8,
        ),
        (
            json!({"path": "/v2/organizations/users", "action": "400"}),
            "REQUEST_REJECTED",
            9,
        ),
        (
            json!({"path": "/v2/organizations/users", "action": "401"}),
            "UNAUTHORIZED",
            6,
        ),
        (
            json!({"path": "/v2/organizations/users", "action": "403"}),
            "FORBIDDEN",
            6,
        ),
        (
            json!({"path": "/v2/organizations/users", "action": "non-json"}),
            "BAD_RESPONSE",
            8,
        ),
        (
            json!({"path": "/v2/organizations/users", "action": "drop", "count": 0}),
            "CONNECTION_FAILED",
            8,
        ),
        (
            json!({"path": "/v2/organizations/users", "action": "hang", "count": 0}),
            "TIMED_OUT",
            8,
        ),
    ];
    for (rule, code, status) in cases {
        emulator
            .control(Method::DELETE, "/_emulator/faults", None)
            .await;
        emulator.fail(rule.clone()).await;
        let output = env
            .astra_at(&emulator.endpoint)
            .env("ASTRA_HTTP_TIMEOUT", "0.5")
            .args(["user", "list", "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(status),
            "{rule}: {}",
            transcript(&output)
        );
        assert_eq!(parse_json(&output)["code"], code, "{rule}");
    }
    emulator
        .control(Method::DELETE, "/_emulator/faults", None)
        .await;

    emulator.fail(json!({"method": "GET", "path": "/v2/organizations/*", "action": "429", "count": 2, "retryAfter": "1"})).await;
    let output = env.run_at(&emulator.endpoint, &["role", "list", "-o", "json", "-V"]);
    assert_exit(&output, 0, "two 429s are retried");
    assert!(
        retry_delays(&stderr(&output))
            .iter()
            .all(|ms| (1000..=1200).contains(ms)),
        "Retry-After plus up to 20 %: {}",
        stderr(&output)
    );
}

#[tokio::test]
async fn a_pinned_token_rejects_others() {
    let emulator = Emulator::start(&["--token", TOKEN_B]);
    let env = TestEnv::new();
    let output = env.run_at(&emulator.endpoint, &["user", "list", "-o", "json"]);
    assert_eq!(output.status.code(), Some(6));
    let ok = env
        .astra_at(&emulator.endpoint)
        .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN_B)
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
}

#[tokio::test]
async fn ctrl_c_while_waiting_is_execution_cancelled() {
    let emulator = Emulator::start(&["--fail", "GET /v2/organizations/users hang x0"]);
    let env = TestEnv::new();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_astra"))
        .env_clear()
        .env("HOME", env.home.path())
        .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN)
        .env("ASTRA_ENV", "local")
        .env("ASTRA_LOCAL_ENDPOINT", &emulator.endpoint)
        .args(["user", "list", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the call is in flight, then interrupt as a terminal would.
    wait_until(
        "the call never arrived",
        std::time::Duration::from_secs(10),
        || async { !emulator.requests().await.is_empty() },
    )
    .await;
    send_signal(&child, "-INT");
    let output = child.wait_with_output().unwrap();
    assert_exit(&output, 130, "");
    assert_eq!(parse_json(&output)["code"], "EXECUTION_CANCELLED");
}

#[tokio::test]
async fn the_help_examples_of_spec_section_11_work_as_documented() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    // Invite a user with the default "Database Administrator" role
    let default_role = env.run_at(
        &emulator.endpoint,
        &["user", "invite", "john@example.com", "--no-input"],
    );
    assert_eq!(
        stdout(&default_role),
        "User 'john@example.com' has been invited with role 'Database Administrator'.\n",
        "piped: the original's output, without the terminal-only hint (SPEC §12)"
    );
    assert!(stderr(&default_role).contains("default role 'Database Administrator'"));
    env.run_at(&emulator.endpoint, &["user", "delete", "john@example.com"]);
    // Invite a user with specific roles
    let specific = env.run_at(
        &emulator.endpoint,
        &[
            "user",
            "invite",
            "john@example.com",
            "--role",
            "R/W User",
            "--role",
            "Billing Admin",
        ],
    );
    assert_eq!(
        stdout(&specific),
        "User 'john@example.com' has been invited with roles 'R/W User', 'Billing Admin'.\n"
    );
    // Invite a user without failing if they already exist
    let again = env.run_at(
        &emulator.endpoint,
        &["user", "invite", "john@example.com", "--if-not-exists"],
    );
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        stdout(&again),
        "User 'john@example.com' already exists; nothing to invite.\n\n# See all existing users:\n$ astra user list\n"
    );
    let puts = emulator
        .requests()
        .await
        .iter()
        .filter(|r| r["method"] == "PUT")
        .count();
    assert_eq!(puts, 2, "the skipped invitation sent nothing");
}

#[tokio::test]
async fn endpoint_mistakes_say_what_to_write() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let root = emulator.endpoint.trim_end_matches("/v2").to_owned();
    let without_v2 = env.run_at(&root, &["user", "list"]);
    assert_exit(&without_v2, 9, "404 from the emulator's root");
    assert!(
        stderr(&without_v2).contains(&format!(
            "# Name the API's base URL:\n$ astra user list --local-endpoint {root}/v2\n"
        )),
        "{}",
        stderr(&without_v2)
    );
    let bare = root.trim_start_matches("http://").to_owned();
    let no_scheme = env.run_at(&bare, &["user", "list"]);
    assert_exit(&no_scheme, 3, "no scheme in ASTRA_LOCAL_ENDPOINT");
    assert_eq!(
        stderr(&no_scheme),
        format!("Error: the endpoint '{bare}' is not usable: it needs http:// or https:// in front (http://{bare}) (from ASTRA_LOCAL_ENDPOINT).\n")
    );
}

/// SPEC §4: a closed stdout (`astra user list | head -1`) ends quietly with exit 0 at any size,
/// in every format (the streamed CSV once reported `Broken pipe` from about 5,000 users up).
#[test]
fn a_closed_pipe_ends_a_big_list_quietly_in_every_format() {
    use std::io::BufRead;
    let env = TestEnv::new();
    for users in ["5000", "100000"] {
        let emulator = Emulator::start(&["--users", users]);
        for format in ["csv", "json", "human"] {
            let mut child = env
                .spawnable_at(&emulator.endpoint)
                .args(["user", "list", "-o", format])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut first = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut first)
                .unwrap();
            // The reader is dropped here: the pipe is closed after one line, as `head -1` does.
            let output = child.wait_with_output().unwrap();
            let context = format!("{users} users, {format}: first line {first:?}");
            assert!(!first.is_empty(), "{context}");
            assert_exit(&output, 0, &context);
            assert_eq!(stderr(&output), "", "{context}");
        }
    }
}

/// `astra-emulator exec` exits as a shell would: 127 for a command that is not there, and the
/// command's own status after a Ctrl+C (the emulator waits for it instead of dying first).
#[test]
fn the_emulator_exec_exits_with_the_command_s_status_as_a_shell_does() {
    let emulator = std::path::Path::new(env!("CARGO_BIN_EXE_astra"))
        .with_file_name(format!("astra-emulator{}", std::env::consts::EXE_SUFFIX));
    let _built = Emulator::start(&[]); // builds the emulator when only astra was built
    let missing = std::process::Command::new(&emulator)
        .args(["exec", "--", "no-such-command-here"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(127), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("cannot run 'no-such-command-here'"));
    // The command signals the emulator (as Ctrl+C signals the whole group), then ends as astra
    // does after Ctrl+C.
    let interrupted = std::process::Command::new(&emulator)
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            "kill -INT $PPID; sleep 0.3; exit 130",
        ])
        .output()
        .unwrap();
    assert_eq!(interrupted.status.code(), Some(130), "{interrupted:?}");
}

/// SPEC §2 `--jq`: the JSON document filtered in-process (strings raw, other values compact, one
/// per line), success or error; the command's own exit status; a bad expression or another `-o`
/// is a usage error before any request; a token in the output stays masked.
#[tokio::test]
async fn jq_filters_the_json_document_with_the_command_s_own_status() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let emails = run(&env, &emulator, &["user", "list", "--jq", ".data[].Email"]);
    assert_exit(&emails, 0, "emails");
    assert_eq!(
        stdout(&emails),
        "alice@example.com\nbob@example.com\ncarol@example.com\n"
    );
    let count = run(
        &env,
        &emulator,
        &["--jq", ".data | length", "role", "list", "-o", "json"],
    );
    assert_exit(&count, 0, "count");
    assert!(
        stdout(&count).trim().parse::<u32>().is_ok(),
        "{}",
        stdout(&count)
    );
    let objects = run(
        &env,
        &emulator,
        &["user", "get", "alice@example.com", "--jq", ".data.Roles[0]"],
    );
    assert!(
        stdout(&objects).starts_with("{\"ID\":"),
        "{}",
        stdout(&objects)
    );
    let missing = run(
        &env,
        &emulator,
        &["user", "get", "nobody@example.com", "--jq", ".code"],
    );
    assert_exit(&missing, 5, "the command's own status");
    assert_eq!(stdout(&missing), "USER_NOT_FOUND\n");

    emulator.clear_requests().await;
    for args in [
        vec!["user", "list", "--jq", ".data["],
        vec!["user", "list", "--jq", "nosuchfunction"],
        vec!["user", "list", "-o", "csv", "--jq", "."],
        vec!["user", "list", "--output=human", "--jq", "."],
    ] {
        let output = run(&env, &emulator, &args);
        assert_exit(&output, 2, format_args!("{args:?}"));
        assert!(
            stderr(&output).starts_with("error: "),
            "{}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty());
    }
    assert!(emulator.requests().await.is_empty(), "nothing was sent");

    let token = run(
        &env,
        &emulator,
        &["token", "list", "--jq", ".data[].clientId"],
    );
    assert_exit(&token, 0, "token list");
    let failing = run(&env, &emulator, &["user", "list", "--jq", ".data.nope"]);
    assert_exit(&failing, 1, "a filter that fails on this document");
    assert!(
        stderr(&failing).starts_with("error: --jq: "),
        "{}",
        stderr(&failing)
    );
}
