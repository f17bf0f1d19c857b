//! The ops features against the emulator: `user roles`, `user apply`, `user export`, several
//! users per command, the concurrency cap, partial failure and Ctrl+C mid-apply.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

/// Role name → id, as the emulator has them.
async fn role_ids(emulator: &Emulator) -> HashMap<String, String> {
    let state = emulator
        .control(reqwest::Method::GET, "/_emulator/state", None)
        .await;
    state["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn user_roles_shows_adds_removes_sets_and_refuses_an_empty_set() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let ids = role_ids(&emulator).await;
    let (rw, billing, ro) = (&ids["R/W User"], &ids["Billing Admin"], &ids["RO User"]);
    let bob = "00000000-0000-4000-8000-000000000002";

    let shown = run(
        &env,
        &emulator,
        &["user", "roles", "bob@example.com", "-o", "json"],
    );
    let shown = parse_json(&shown);
    assert_eq!(field(&shown["data"], "Name"), ["R/W User", "Billing Admin"]);

    emulator.clear_requests().await;
    let added = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "bob@example.com",
            "--add",
            "RO User",
            "-o",
            "json",
        ],
    );
    assert_exit(&added, 0, "");
    let value = parse_json(&added);
    assert_eq!(value["data"]["added"], json!([ro]));
    assert_eq!(value["data"]["addedNames"], json!(["RO User"]));
    assert_eq!(value["data"]["before"], json!([rw, billing]));
    assert_eq!(value["data"]["changed"], true);
    let sent = emulator.requests().await;
    let calls: Vec<String> = sent.iter().map(call_line).collect();
    assert_eq!(calls.len(), 3, "users ∥ roles, then the PUT: {calls:?}");
    assert_eq!(calls[2], format!("PUT /v2/organizations/users/{bob}/roles"));
    assert_eq!(sent[2]["body"], json!({"roles": [rw, billing, ro]}));

    for (flags, body) in [
        (
            vec!["--remove", "Billing Admin"],
            json!({"roles": [rw, ro]}),
        ),
        (vec!["--set", "R/W User"], json!({"roles": [rw]})),
        (
            vec!["--add", "Billing Admin,RO User", "--remove", "R/W User"],
            json!({"roles": [billing, ro]}),
        ),
    ] {
        emulator.clear_requests().await;
        let mut args = vec!["user", "roles", "bob@example.com"];
        args.extend(&flags);
        let output = run(&env, &emulator, &args);
        assert_exit(&output, 0, format_args!("{flags:?}"));
        let sent = emulator.writes().await;
        assert_eq!(sent.len(), 1, "{flags:?}");
        assert_eq!(sent[0]["body"], body, "{flags:?}");
    }

    emulator.clear_requests().await;
    let same = run(
        &env,
        &emulator,
        &["user", "roles", "bob@example.com", "--add", "RO User"],
    );
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        stdout(&same),
        "User 'bob@example.com' already has these roles; nothing to change.\n"
    );
    let not_held = run(
        &env,
        &emulator,
        &["user", "roles", "bob@example.com", "--remove", "Admin User"],
    );
    assert_exit(&not_held, 0, "removing a role not held");
    assert_eq!(
        stdout(&not_held),
        "User 'bob@example.com' does not have role 'Admin User'; nothing to change.\n"
    );
    let dry = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "bob@example.com",
            "--set",
            "R/W User",
            "--dry-run",
            "-o",
            "json",
        ],
    );
    assert_eq!(
        parse_json(&dry)["data"]["removedNames"],
        json!(["Billing Admin", "RO User"])
    );
    let empty = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "bob@example.com",
            "--remove",
            "Billing Admin,RO User",
        ],
    );
    assert_exit(&empty, 3, "");
    assert!(
        stderr(&empty).contains("$ astra user delete bob@example.com"),
        "{}",
        stderr(&empty)
    );
    let unknown = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "bob@example.com",
            "--add",
            "Wizard",
            "--remove",
            "Witch",
            "-o",
            "json",
        ],
    );
    assert_eq!(unknown.status.code(), Some(5));
    assert!(parse_json(&unknown)["message"]
        .as_str()
        .unwrap()
        .contains("Roles 'Wizard', 'Witch' not found"));
    assert!(
        emulator.writes().await.is_empty(),
        "no-op, dry run, empty set and unknown roles send nothing"
    );

    let csv = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "bob@example.com",
            "--add",
            "R/W User",
            "-o",
            "csv",
        ],
    );
    assert!(stdout(&csv).starts_with("code,message,user_id,email,before,after,added,removed,changed,added_names,removed_names\n"), "{}", stdout(&csv));
    let conflict = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "bob@example.com",
            "--set",
            "a",
            "--add",
            "b",
        ],
    );
    assert_eq!(conflict.status.code(), Some(2));
}

#[derive(Clone, Copy, Debug)]
enum Format {
    Csv,
    Json,
    Toml,
}

/// A desired-state document: `rows` of (email, roles).
fn document(format: Format, rows: &[(String, Vec<&str>)]) -> String {
    match format {
        Format::Csv => {
            let mut text = "email,roles\n".to_owned();
            for (email, roles) in rows {
                text.push_str(&format!("{email},\"{}\"\n", roles.join(";")));
            }
            text
        }
        Format::Json => {
            let rows: Vec<Value> = rows
                .iter()
                .map(|(e, r)| json!({"email": e, "roles": r}))
                .collect();
            serde_json::to_string_pretty(&rows).unwrap()
        }
        Format::Toml => rows
            .iter()
            .map(|(e, r)| format!("[[user]]\nemail = {e:?}\nroles = {r:?}\n\n"))
            .collect(),
    }
}

fn team(size: usize) -> Vec<(String, Vec<&'static str>)> {
    let mut rows = vec![
        (
            "alice@example.com".to_owned(),
            vec!["Organization Administrator", "Billing Admin"],
        ),
        (
            "bob@example.com".to_owned(),
            vec!["R/W User", "Billing Admin"],
        ),
        ("carol@example.com".to_owned(), vec!["R/W User"]),
    ];
    rows.extend((0..size - 3).map(|i| {
        let roles = if i % 2 == 0 {
            vec!["RO User"]
        } else {
            vec!["R/W User", "Billing Admin"]
        };
        (format!("new{i}@example.com"), roles)
    }));
    rows
}

#[tokio::test]
async fn apply_plans_runs_and_is_idempotent_in_every_format() {
    for (format, ext) in [
        (Format::Csv, "csv"),
        (Format::Json, "json"),
        (Format::Toml, "toml"),
    ] {
        let emulator = Emulator::start(&[]);
        let env = TestEnv::new();
        let rows = team(200);
        let file = env.write(&format!("team.{ext}"), &document(format, &rows));
        let file = file.to_str().unwrap();

        let dry = run(
            &env,
            &emulator,
            &["user", "apply", file, "--dry-run", "-o", "json"],
        );
        assert_exit(&dry, 0, format_args!("{format:?}"));
        let value = parse_json(&dry);
        assert!(
            value["message"]
                == "Dry run: 199 changes planned (197 invite, 1 reinvite, 1 set-roles); nothing was sent. 1 unchanged.",
            "{format:?}: {}",
            value["message"]
        );
        assert_eq!(value["data"].as_array().unwrap().len(), 200);
        let statuses = field(&value["data"], "status");
        assert_eq!(
            &statuses[..4],
            ["planned", "unchanged", "planned", "planned"],
            "{format:?}"
        );
        assert!(
            emulator.writes().await.is_empty(),
            "{format:?}: --dry-run sends nothing"
        );

        let applied = run(&env, &emulator, &["user", "apply", file, "-o", "json"]);
        assert_exit(&applied, 0, format_args!("{format:?}"));
        let sent = emulator.writes().await;
        assert_eq!(sent.len(), 199, "{format:?}");
        let applied = parse_json(&applied);
        let actions = field(&applied["data"], "action");
        assert_eq!(
            &actions[..3],
            ["set-roles", "unchanged", "reinvite"],
            "{format:?}"
        );

        emulator.clear_requests().await;
        let again = run(&env, &emulator, &["user", "apply", file]);
        assert_eq!(again.status.code(), Some(0));
        assert!(
            stdout(&again).ends_with(": 0 changes done. 200 unchanged.\n"),
            "{format:?}: {}",
            stdout(&again)
        );
        assert!(
            emulator.writes().await.is_empty(),
            "{format:?}: a second run sends no write"
        );

        let without_bob: Vec<_> = rows
            .iter()
            .filter(|(e, _)| e != "bob@example.com")
            .cloned()
            .collect();
        let pruned = env.write(&format!("pruned.{ext}"), &document(format, &without_bob));
        let output = apply(&env, &emulator, &pruned, &["--prune", "-o", "json"]);
        assert_exit(&output, 3, "--prune without a terminal needs --yes");
        assert_eq!(parse_json(&output)["code"], "UNSUPPORTED_EXECUTION");
        assert!(
            emulator.writes().await.is_empty(),
            "a refused prune sends nothing"
        );
        let output = apply(
            &env,
            &emulator,
            &pruned,
            &["--prune", "--yes", "-o", "json"],
        );
        assert_exit(&output, 0, "");
        let sent = emulator.writes().await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0]["method"], "DELETE");
        assert_eq!(
            sent[0]["path"],
            "/v2/organizations/users/00000000-0000-4000-8000-000000000002"
        );
    }
}

#[tokio::test]
async fn every_bad_row_is_reported_with_its_line_before_anything_is_sent() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let csv = "email,roles\nok@example.com,RO User\nnot-an-email,RO User\nx@example.com,R/W Usr\nOK@example.com,RO User\nempty@example.com,\nw@example.com,\"Wizard;RO User\"\n";
    let file = env.write("team.csv", csv);
    let output = apply(&env, &emulator, &file, &[]);
    assert_exit(&output, 3, "");
    let text = stderr(&output);
    for expected in [
        "has 5 problems; nothing was sent.",
        "line 3: 'not-an-email' is not an email address",
        "line 4: role 'R/W Usr' not found; did you mean 'R/W User'?",
        "line 5: 'OK@example.com' is already on line 2",
        "line 6: 'empty@example.com' has no roles",
        "line 7: role 'Wizard' not found",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let json = parse_json(&apply(&env, &emulator, &file, &["-o", "json"]));
    let problems = &json["data"]["problems"];
    assert_eq!(
        problems[1],
        json!({"line": 4, "item": "R/W Usr",
               "problem": "role 'R/W Usr' not found; did you mean 'R/W User'?", "suggestion": "R/W User"}),
        "{json}"
    );
    assert_eq!(
        field(problems, "item"),
        [
            "not-an-email",
            "R/W Usr",
            "OK@example.com",
            "empty@example.com",
            "Wizard"
        ]
    );
    let toml = env.write(
        "team.toml",
        "[[user]]\nemail = \"a@x.io\"\nroles = [\"RO User\"\n",
    );
    let output = apply(&env, &emulator, &toml, &["-o", "json"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        parse_json(&output)["message"]
            .as_str()
            .unwrap()
            .contains("line 3: not a TOML document"),
        "{}",
        stdout(&output)
    );
    let unknown = run(&env, &emulator, &["user", "apply", "-"]);
    assert_eq!(unknown.status.code(), Some(3), "stdin needs --format");
    assert!(emulator.writes().await.is_empty());
}

#[tokio::test]
async fn a_partial_failure_lists_each_failure_and_finishes_the_rest() {
    let emulator = Emulator::start(&["--fail", "PUT /organizations/users 500 x2"]);
    let env = TestEnv::new();
    let rows: Vec<(String, Vec<&str>)> = (0..10)
        .map(|i| (format!("p{i}@example.com"), vec!["RO User"]))
        .collect();
    let file = env.write("team.json", &document(Format::Json, &rows));
    let output = apply(&env, &emulator, &file, &["-o", "json"]);
    assert_exit(&output, 10, "");
    let value = parse_json(&output);
    assert_eq!(value["code"], "PARTIAL_FAILURE");
    let items = value["data"].as_array().unwrap();
    let failed: Vec<&Value> = items.iter().filter(|i| i["status"] == "failed").collect();
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|i| i["code"] == "SERVER_ERROR"));
    assert_eq!(items.iter().filter(|i| i["status"] == "done").count(), 8);
    let human = run(
        &env,
        &emulator,
        &[
            "user",
            "invite",
            "h1@example.com",
            "h2@example.com",
            "-r",
            "RO User",
        ],
    );
    assert_exit(&human, 0, "the faults are used up");
}

#[tokio::test]
async fn the_concurrency_cap_holds() {
    let emulator = Emulator::start(&["--latency", "40"]);
    let env = TestEnv::new();
    let rows: Vec<(String, Vec<&str>)> = (0..24)
        .map(|i| (format!("c{i}@example.com"), vec!["RO User"]))
        .collect();
    let file = env.write("team.toml", &document(Format::Toml, &rows));
    for cap in ["1", "4"] {
        emulator
            .control(reqwest::Method::DELETE, "/_emulator/concurrency", None)
            .await;
        let output = apply(
            &env,
            &emulator,
            &file,
            &["--concurrency", cap, "-o", "json"],
        );
        assert_exit(&output, 0, "");
        let seen = emulator
            .control(reqwest::Method::GET, "/_emulator/concurrency", None)
            .await;
        let peak = seen["peak"].as_u64().unwrap();
        let cap: u64 = cap.parse().unwrap();
        assert!(peak <= cap.max(2), "cap {cap}: peak {peak}");
        if cap > 1 {
            assert!(peak >= 2, "writes ran concurrently: peak {peak}");
        }
    }
    let users: Vec<String> = (0..12).map(|i| format!("i{i}@example.com")).collect();
    let mut args = vec!["user", "invite"];
    args.extend(users.iter().map(String::as_str));
    args.extend(["-r", "RO User", "--concurrency", "3", "-o", "json"]);
    emulator
        .control(reqwest::Method::DELETE, "/_emulator/concurrency", None)
        .await;
    let output = run(&env, &emulator, &args);
    assert_exit(&output, 0, "");
    let seen = emulator
        .control(reqwest::Method::GET, "/_emulator/concurrency", None)
        .await;
    assert!(seen["peak"].as_u64().unwrap() <= 3, "{seen}");
    let output = parse_json(&output);
    assert_eq!(field(&output["data"], "user"), users, "argument order");
}

#[tokio::test]
async fn export_then_apply_plans_zero_changes() {
    let first = Emulator::start(&[]);
    let mut state = first
        .control(reqwest::Method::GET, "/_emulator/state", None)
        .await;
    let mut custom = state["roles"][0].clone();
    custom["id"] = json!("cccccccc-4e1a-4b5c-8d2e-000000000001");
    custom["name"] = json!("Custom Role");
    let mut twin = custom.clone();
    twin["id"] = json!("cccccccc-4e1a-4b5c-8d2e-000000000002");
    twin["name"] = json!("Twin");
    let mut twin2 = twin.clone();
    twin2["id"] = json!("cccccccc-4e1a-4b5c-8d2e-000000000003");
    state["roles"]
        .as_array_mut()
        .unwrap()
        .extend([custom, twin, twin2]);
    state["users"][2]["role_ids"] = json!([
        "cccccccc-4e1a-4b5c-8d2e-000000000001",
        "cccccccc-4e1a-4b5c-8d2e-000000000003"
    ]);
    let env = TestEnv::new();
    let state_file = env.write("state.json", &state.to_string());
    let emulator = Emulator::start(&["--state", state_file.to_str().unwrap(), "--users", "5"]);
    for (format, ext) in [("toml", "toml"), ("csv", "csv"), ("json", "json")] {
        let exported = run(&env, &emulator, &["user", "export", "--format", format]);
        assert_exit(&exported, 0, "");
        let text = stdout(&exported);
        assert!(
            text.contains("Custom Role") && text.contains("cccccccc-4e1a-4b5c-8d2e-000000000003"),
            "{text}"
        );
        let file = env.write(&format!("team.{ext}"), &text);
        emulator.clear_requests().await;
        let applied = apply(&env, &emulator, &file, &["--prune"]);
        assert_exit(&applied, 0, "");
        assert!(
            stdout(&applied).contains(": 0 changes done. 3 unchanged.\n"),
            "{format}: {}",
            stdout(&applied)
        );
        assert!(emulator.writes().await.is_empty());
        let calls = emulator.requests().await.len();
        assert_eq!(calls, 2, "users ∥ roles");
    }
    let toml = stdout(&run(&env, &emulator, &["user", "export"]));
    assert!(
        toml.starts_with("[[user]]\nemail = \"alice@example.com\"\n"),
        "{toml}"
    );
    let csv = stdout(&run(
        &env,
        &emulator,
        &["user", "export", "--format", "csv", "-o", "json"],
    ));
    assert!(
        csv.starts_with("email,roles\nalice@example.com,"),
        "-o does not change the document: {csv}"
    );
}

#[tokio::test]
async fn ctrl_c_mid_apply_reports_what_was_done_and_what_was_not() {
    let emulator = Emulator::start(&["--latency", "300"]);
    let env = TestEnv::new();
    let rows: Vec<(String, Vec<&str>)> = (0..20)
        .map(|i| (format!("s{i}@example.com"), vec!["RO User"]))
        .collect();
    let file = env.write("team.csv", &document(Format::Csv, &rows));
    let child = env
        .spawnable_at(&emulator.endpoint)
        .args([
            "user",
            "apply",
            file.to_str().unwrap(),
            "--concurrency",
            "2",
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("no writes came", Duration::from_secs(20), || async {
        emulator.writes().await.len() >= 3
    })
    .await;
    send_signal(&child, "-INT");
    let output = child.wait_with_output().unwrap();
    assert_exit(&output, 130, "");
    let value = parse_json(&output);
    assert_eq!(value["code"], "EXECUTION_CANCELLED");
    let message = value["message"].as_str().unwrap();
    assert!(
        message.ends_with(" not started.") && message.contains(" of 20 changes done, "),
        "{value}"
    );
    let items = value["data"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    let done = items.iter().filter(|i| i["status"] == "done").count();
    let not_started = items
        .iter()
        .filter(|i| i["status"] == "not started")
        .count();
    assert!(
        done >= 2 && not_started >= 10,
        "done {done}, not started {not_started}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        emulator.writes().await.len(),
        done,
        "every write sent was awaited and reported"
    );
}

#[tokio::test]
async fn user_list_filters_combine() {
    let emulator = Emulator::start(&["--users", "10"]);
    let env = TestEnv::new();
    let emails = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["user", "list", "-o", "json"];
        all.extend(args);
        let output = run(&env, &emulator, &all);
        assert_exit(&output, 0, "");
        parse_json(&output)["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["Email"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        emails(&["--status", "invited", "--email", "USER*"]),
        ["user0@example.com", "user5@example.com"]
    );
    assert_eq!(emails(&["--role", "billing admin"]), ["bob@example.com"]);
    assert_eq!(
        emails(&["--role", "RO User", "--status", "active", "--email", "*1@*"]),
        ["user1@example.com"]
    );
    assert_eq!(emails(&["--email", "*@nowhere.io"]), Vec::<String>::new());
}

/// SPEC §13.4: one invite refused with a 400, one done, one row unchanged: each row named with
/// its status and action in every format, counts of changes only, the summary on stderr.
#[tokio::test]
async fn a_partial_failure_is_reported_whole_in_every_format() {
    let file_text = "email,roles\nann@example.com,RO User\ncarol@example.com,RO User\nben@example.com,RO User\n";
    let mut seen = Vec::new();
    for format in ["human", "json", "csv"] {
        let emulator = Emulator::start(&["--fail", "PUT /organizations/users 400 x1"]);
        let env = TestEnv::new();
        let file = env.write("part.csv", file_text);
        let output = apply(
            &env,
            &emulator,
            &file,
            &["--concurrency", "1", "-o", format],
        );
        assert_exit(&output, 10, format);
        let path = file.to_str().unwrap().to_owned();
        seen.push(transcript(&output).replace(&path, "part.csv"));
    }
    let rejected = "The Astra DevOps API rejected the request: PUT /organizations/users returned 400 Bad Request: injected failure: 400 Bad Request.";
    let summary =
        "Error: 1 of 2 changes failed; 1 done. 1 unchanged. Run the same command again to finish.";
    assert_eq!(
        seen[0],
        format!(
            "exit: 10\n--- stdout\n\
             Error: User 'ann@example.com': {rejected}\n\
             Invited 'ben@example.com' with roles 'RO User'.\n\
             --- stderr\n{summary}\n"
        )
    );
    let json: Value = serde_json::from_str(
        seen[1]
            .split("--- stdout\n")
            .nth(1)
            .unwrap()
            .split("--- stderr")
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        json,
        json!({
            "code": "PARTIAL_FAILURE",
            "message": summary,
            "data": [
                {"user": "ann@example.com", "status": "failed", "code": "REQUEST_REJECTED",
                 "message": format!("Error: {rejected}"), "action": "invite", "roles": ["RO User"]},
                {"user": "carol@example.com", "status": "unchanged", "code": "OK",
                 "message": "User 'carol@example.com' is unchanged.", "action": "unchanged", "roles": ["RO User"]},
                {"user": "ben@example.com", "status": "done", "code": "OK",
                 "message": "Invited 'ben@example.com' with roles 'RO User'.", "action": "invite", "roles": ["RO User"]}
            ],
            "nextSteps": null
        })
    );
    assert!(seen[1].ends_with("--- stderr\n"), "json writes stdout only");
    assert_eq!(
        seen[2],
        format!(
            "exit: 10\n--- stdout\n\
             code,message,user,status,action,roles\n\
             REQUEST_REJECTED,Error: {rejected},ann@example.com,failed,invite,RO User\n\
             OK,User 'carol@example.com' is unchanged.,carol@example.com,unchanged,unchanged,RO User\n\
             OK,Invited 'ben@example.com' with roles 'RO User'.,ben@example.com,done,invite,RO User\n\
             --- stderr\n"
        )
    );
}

/// SPEC §13.2: a header-only file with --prune, a prune without --yes off a terminal, and a plan
/// that removes the last Organization Administrator are refused with nothing sent.
#[tokio::test]
async fn prune_refusals_send_nothing() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let empty = env.write("empty.csv", "email,roles\n");
    let output = apply(&env, &emulator, &empty, &["--prune", "--yes", "-o", "json"]);
    assert_exit(&output, 3, "a file with no user");
    assert_eq!(parse_json(&output)["code"], "VALIDATION_ISSUE");

    let no_admin = env.write("t.csv", "email,roles\nalice@example.com,RO User\nbob@example.com,Billing Admin;R/W User\ncarol@example.com,RO User\n");
    let output = apply(&env, &emulator, &no_admin, &["--dry-run"]);
    assert_exit(&output, 3, "no Organization Administrator left");
    assert!(
        stderr(&output).starts_with("Error: The plan would leave the organization without an active 'Organization Administrator'; nothing was sent."),
        "{}",
        stderr(&output)
    );

    let only_alice = env.write(
        "a.csv",
        "email,roles\nalice@example.com,Organization Administrator\n",
    );
    let output = apply(&env, &emulator, &only_alice, &["--prune"]);
    assert_exit(&output, 3, "prune needs --yes without a terminal");
    assert_eq!(
        stderr(&output),
        format!(
            "Error: --prune would delete 2 users, and there is no terminal to confirm it on; nothing was sent.\n\n\
             Deleting: 'bob@example.com', 'carol@example.com'.\n\n\
             # Confirm the deletions with --yes:\n\
             $ astra user apply {} --prune --yes\n",
            only_alice.to_str().unwrap()
        )
    );
    assert!(
        emulator.writes().await.is_empty(),
        "no refusal sends a write"
    );
    let output = apply(&env, &emulator, &only_alice, &["--prune", "--yes"]);
    assert_exit(&output, 0, "--yes");
    assert_eq!(emulator.writes().await.len(), 2);
}

/// SPEC §13.3: against an API that allows 5 writes per second, a batch far above it finishes
/// with no failed item, and after each 429 no new write arrives until the shared wait is over.
#[tokio::test]
async fn a_rate_limit_is_waited_out_by_every_task_together() {
    let emulator = Emulator::start(&["--rate-limit", "5/s,5"]);
    let env = TestEnv::new();
    let rows: Vec<(String, Vec<&str>)> = (0..20)
        .map(|i| (format!("rl{i}@example.com"), vec!["RO User"]))
        .collect();
    let file = env.write("team.csv", &document(Format::Csv, &rows));
    let output = env
        .astra_at(&emulator.endpoint)
        .env_remove("ASTRA_TEST_NO_RETRY_DELAY")
        .args([
            "user",
            "apply",
            file.to_str().unwrap(),
            "--concurrency",
            "16",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_exit(&output, 0, "every item done despite the rate limit");
    let value = parse_json(&output);
    assert_eq!(field(&value["data"], "status"), ["done"; 20]);
    let writes = emulator.writes().await;
    let refused: Vec<u64> = writes
        .iter()
        .filter(|w| w["rate_limited"] == true)
        .map(|w| w["at_ms"].as_u64().unwrap())
        .collect();
    assert!(!refused.is_empty(), "the limit was reached: {writes:?}");
    for at in &refused {
        // Requests already on the wire when the 429 came back may still arrive just after it.
        let during_wait: Vec<u64> = writes
            .iter()
            .map(|w| w["at_ms"].as_u64().unwrap())
            .filter(|t| *t > at + 50 && *t < at + 1000)
            .collect();
        assert!(
            during_wait.is_empty(),
            "writes at {during_wait:?} ms during the wait after the 429 at {at} ms"
        );
    }
    let done = writes.iter().filter(|w| w["rate_limited"] == false).count();
    assert_eq!(done, 20, "one accepted write per user");
}

#[tokio::test]
async fn every_batch_command_takes_dry_run_and_sends_nothing() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let output = run(
        &env,
        &emulator,
        &[
            "user",
            "invite",
            "new1@example.com",
            "alice@example.com",
            "new2@example.com",
            "-r",
            "RO User",
            "--if-not-exists",
            "--dry-run",
        ],
    );
    assert_exit(&output, 0, "invite --dry-run");
    assert_eq!(
        stdout(&output),
        "Dry run: user 'new1@example.com' would be invited with role 'RO User'; nothing was sent.\n\
         Dry run: user 'new2@example.com' would be invited with role 'RO User'; nothing was sent.\n\
         Dry run: 2 changes planned (2 invite); nothing was sent. 1 unchanged.\n\n\
         # See all existing users:\n$ astra user list\n"
    );
    let single = run(
        &env,
        &emulator,
        &[
            "user",
            "invite",
            "new1@example.com",
            "--dry-run",
            "-o",
            "csv",
        ],
    );
    assert_exit(&single, 0, "one user keeps the single-item shape");
    assert_eq!(
        stdout(&single),
        "code,message,was_invited,role_ids\nOK,Dry run: user 'new1@example.com' would be invited with role 'Database Administrator'; nothing was sent.,false,0a570001-4e1a-4b5c-8d2e-000000000002\n"
    );
    assert_eq!(
        stderr(&single),
        "",
        "no default-role notice when nothing is sent"
    );
    assert!(emulator.writes().await.is_empty());
}

#[tokio::test]
async fn color_with_a_space_takes_only_its_own_values() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let output = run(
        &env,
        &emulator,
        &["user", "delete", "--color", "never", "bob@example.com"],
    );
    assert_exit(&output, 0, "--color never USER");
    assert_eq!(
        stdout(&output),
        "User 'bob@example.com' has been deleted.\n"
    );
    let bare = run(
        &env,
        &emulator,
        &["user", "delete", "--color", "carol@example.com"],
    );
    assert_exit(
        &bare,
        0,
        "a bare --color is always and never swallows the USER",
    );
    assert_eq!(
        stdout(&bare),
        "User \u{1b}[1m\u{1b}[36mcarol@example.com\u{1b}[0m has been deleted.\n"
    );
    let deletes: Vec<String> = emulator.writes().await.iter().map(call_line).collect();
    assert_eq!(deletes.len(), 2, "{deletes:?}");
}

#[tokio::test]
async fn hints_fix_every_typo_at_once_and_only_offer_what_works() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let hint_of = |output: &std::process::Output| {
        let text = stderr(output);
        text.split("\n# ")
            .skip(1)
            .map(|h| format!("# {h}"))
            .collect::<Vec<_>>()
    };
    let two = run(
        &env,
        &emulator,
        &["user", "invite", "z@x.io", "-r", "RO Usr,Biling Admin"],
    );
    assert_exit(&two, 5, "two unknown roles");
    assert_eq!(
        hint_of(&two),
        ["# Did you mean:\n$ astra user invite z@x.io -r 'RO User,Billing Admin'\n"],
        "one hint that fixes both"
    );
    let comma = run(&env, &emulator, &["user", "invite", "ben@example,com"]);
    assert_exit(&comma, 3, "a comma typo");
    assert!(stderr(&comma)
        .starts_with("Error: 'ben@example,com' is not an email address: it contains a comma."));
    assert_eq!(
        hint_of(&comma),
        ["# Did you mean:\n$ astra user invite ben@example.com\n"]
    );
    let alice = run(&env, &emulator, &["user", "get", "alice"]);
    assert_exit(&alice, 5, "a local part");
    assert_eq!(
        hint_of(&alice),
        ["# Did you mean:\n$ astra user get alice@example.com\n"]
    );
    let rc = env.write("rc", &format!("[default]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n[prod]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n"));
    let profile = env.run(&["user", "list", "-cf", rc.to_str().unwrap(), "-p", "prdo"]);
    assert_exit(&profile, 4, "a profile typo");
    assert!(
        stderr(&profile).ends_with(&format!(
            "# Did you mean:\n$ astra user list -cf {} -p prod\n",
            rc.display()
        )),
        "{}",
        stderr(&profile)
    );
    assert!(emulator.writes().await.is_empty());
}

#[tokio::test]
async fn dump_logs_followed_by_a_word_says_how_to_name_a_file() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let output = run(
        &env,
        &emulator,
        &[
            "user",
            "delete",
            "--dump-logs",
            "out.log",
            "nobody@example.com",
            "--if-exists",
        ],
    );
    assert!(
        stderr(&output).starts_with("Note: --dump-logs takes a file only after '=': 'out.log' is read as an argument of the command (for a log file, write --dump-logs=out.log).\n"),
        "{}",
        stderr(&output)
    );
    let log = format!("--dump-logs={}", env.path("x.log").display());
    for fine in [
        vec!["user", "list", log.as_str()],
        vec!["--dump-logs", "user", "list"],
        vec!["user", "--dump-logs", "list"],
    ] {
        let output = run(&env, &emulator, &fine);
        assert!(
            !stderr(&output).contains("Note: --dump-logs"),
            "{fine:?}: {}",
            stderr(&output)
        );
    }
}

/// SPEC §13.1: the same item twice on one command line is refused before anything is sent, in
/// every batch command (emails and client ids in any case, roles by the role they resolve to).
#[tokio::test]
async fn an_item_given_twice_on_the_command_line_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "user", "invite", "dup@x.io", "DUP@x.io", "dup@x.io", "-r", "RO User",
            ],
            "2 users are given more than once",
        ),
        (
            &["user", "delete", "dev@example.com", "dev@example.com"],
            "User 'dev@example.com' is given more than once",
        ),
        (
            &[
                "user",
                "delete",
                "dev@example.com",
                "DEV@EXAMPLE.COM",
                "--dry-run",
            ],
            "User 'DEV@EXAMPLE.COM' is given more than once",
        ),
        (
            &["role", "delete", "Ops", "ops", "--if-exists"],
            "Role 'ops' is given more than once",
        ),
        (
            &[
                "token",
                "delete",
                "abcdefghijklmnopqrstuvwx",
                "ABCDEFGHIJKLMNOPQRSTUVWX",
            ],
            "Token 'ABCDEFGHIJKLMNOPQRSTUVWX' is given more than once",
        ),
    ];
    for (args, headline) in cases {
        emulator.clear_requests().await;
        let output = run(&env, &emulator, args);
        assert_exit(&output, 3, format_args!("{args:?}"));
        assert!(
            stderr(&output).starts_with(&format!("Error: {headline}; nothing was sent.")),
            "{args:?}\n{}",
            stderr(&output)
        );
        assert!(emulator.writes().await.is_empty(), "{args:?}");
        let json = run(&env, &emulator, &[args, &["-o", "json"]].concat());
        let value = parse_json(&json);
        assert_eq!(value["code"], "VALIDATION_ISSUE", "{args:?}");
        assert!(value["data"]["problems"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("is the same"));
    }
}

/// SPEC §13.2: `user roles` and `user delete` refuse to leave the organization without an active
/// Organization Administrator, as `user apply` does; with another one, both go ahead.
#[tokio::test]
async fn the_last_organization_administrator_cannot_be_removed_by_any_command() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    for args in [
        vec!["user", "roles", "alice@example.com", "--set", "RO User"],
        vec![
            "user",
            "roles",
            "alice@example.com",
            "--remove",
            "Organization Administrator",
            "--add",
            "RO User",
        ],
        vec!["user", "delete", "alice@example.com"],
        vec![
            "user",
            "delete",
            "alice@example.com",
            "bob@example.com",
            "--dry-run",
        ],
    ] {
        let output = run(&env, &emulator, &args);
        assert_exit(&output, 3, format_args!("{args:?}"));
        assert!(
            stderr(&output).starts_with(
                "Error: The plan would leave the organization without an active 'Organization Administrator'; nothing was sent."
            ),
            "{args:?}\n{}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("'alice@example.com'"));
        assert!(emulator.writes().await.is_empty(), "{args:?}");
    }
    // With a second administrator, alice may go.
    let promote = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "bob@example.com",
            "--add",
            "Organization Administrator",
        ],
    );
    assert_exit(&promote, 0, "promote bob");
    let demote = run(
        &env,
        &emulator,
        &[
            "user",
            "roles",
            "alice@example.com",
            "--set",
            "RO User",
            "--dry-run",
        ],
    );
    assert_exit(&demote, 0, "alice is no longer the last one");
    let delete = run(&env, &emulator, &["user", "delete", "alice@example.com"]);
    assert_exit(&delete, 0, "alice is no longer the last one");
    let last = run(&env, &emulator, &["user", "delete", "bob@example.com"]);
    assert_exit(&last, 3, "bob is now the last one");
}

/// SPEC §7.2: refusals are waited out for 120 s in all, for the whole command: then the batch
/// starts no new item, the summary says why, and a CI log is told of each long wait.
#[tokio::test]
async fn an_outage_stops_a_batch_after_one_budget_not_one_per_item() {
    let users: Vec<String> = (0..30).map(|i| format!("o{i}@x.io")).collect();
    let mut args: Vec<&str> = vec!["user", "invite"];
    args.extend(users.iter().map(String::as_str));
    args.extend(["-r", "RO User", "-o", "json"]);
    for (rule, budget) in [
        // Backoff from 200 ms doubling to 5 s: 28 requests fill 120 s.
        ("PUT /organizations/users 503 x0", REFUSALS_WITHIN_120_S),
        // Retry-After 15 s: 8 waits fill 120 s, so 9 requests.
        ("PUT /organizations/users 429 x0 retry-after=15", 9),
    ] {
        let emulator = Emulator::start(&["--fail", rule]);
        let env = TestEnv::new();
        let started = std::time::Instant::now();
        let output = run(&env, &emulator, &args);
        assert_exit(&output, 10, rule);
        let value = parse_json(&output);
        let statuses = field(&value["data"], "status");
        let not_started = statuses.iter().filter(|s| **s == "not started").count();
        let failed = statuses.iter().filter(|s| **s == "failed").count();
        assert_eq!(failed + not_started, 30, "{rule}: {statuses:?}");
        assert!(not_started >= 20, "{rule}: {statuses:?}");
        assert_eq!(
            value["message"],
            format!("Error: {failed} of 30 changes failed; 0 done, {not_started} not started. The API refused every request for 120 s; run the same command again later."),
        );
        let puts = emulator.writes().await.len();
        // One budget for the command: a budget per item would be 30 × as many requests (and
        // 30 × 120 s). Requests refused together share a wait, so a few more may fit.
        assert!(
            puts >= budget && puts <= 2 * budget + 8,
            "{rule}: {puts} PUTs"
        );
        let waits = stderr(&output)
            .lines()
            .filter(|line| line.ends_with(": the API answered 429 Too Many Requests."))
            .count();
        if budget == 9 {
            assert!(
                waits >= 8,
                "a line for each wait of 10 s or more:\n{}",
                stderr(&output)
            );
        } else {
            assert_eq!(waits, 0, "no line for waits under 10 s");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
}

/// SPEC §13.4: a failed invite or delete batch tells how to finish it (the command plus
/// `--if-not-exists`/`--if-exists`, which a rerun needs) in human output and in JSON's
/// `nextSteps`, and a `2>&1` log shows the items before the summary.
#[test]
fn a_failed_batch_says_how_to_finish_in_every_format_after_its_items() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let args = [
        "user",
        "invite",
        "alice@example.com",
        "fresh@example.com",
        "-r",
        "RO User",
    ];
    let both = env
        .spawnable_at(&emulator.endpoint)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_exit(&both, 10, "one of two fails");
    // One pipe for both streams: stdout is written and flushed before the summary.
    let log = std::process::Command::new("sh")
        .arg("-c")
        .arg("\"$0\" \"$@\" 2>&1")
        .arg(env!("CARGO_BIN_EXE_astra"))
        .args([
            "user",
            "invite",
            "bob@example.com",
            "fresh2@example.com",
            "-r",
            "RO User",
        ])
        .env("HOME", env.home.path())
        .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN)
        .env("ASTRA_ENV", "local")
        .env("ASTRA_LOCAL_ENDPOINT", &emulator.endpoint)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&log),
        "Error: User 'bob@example.com' already exists in this organization.\n\
         User 'fresh2@example.com' has been invited with role 'RO User'.\n\
         Error: 1 of 2 changes failed; 1 done.\n\n\
         # Finish with:\n\
         $ astra user invite bob@example.com fresh2@example.com -r 'RO User' --if-not-exists\n\n\
         # See all existing users:\n$ astra user list\n"
    );
    let json = run(&env, &emulator, &[&args[..], &["-o", "json"]].concat());
    assert_exit(&json, 10, "json");
    let value = parse_json(&json);
    assert_eq!(value["message"], "Error: 2 of 2 changes failed; 0 done.");
    let commands: Vec<&str> = value["nextSteps"]
        .as_array()
        .expect("nextSteps")
        .iter()
        .map(|step| step["command"].as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        [
            "astra user invite alice@example.com fresh@example.com -r 'RO User' -o json --if-not-exists",
            "astra user list"
        ]
    );
    assert_eq!(value["nextSteps"][0]["comment"], "Finish with:");
}

/// SPEC §1.8, §5: the drift gate. `--dry-run --exit-code` exits 0 when the organization matches
/// the file, 11 (code still `OK`, nothing sent) when a change is planned, and an error keeps its
/// own status; without `--dry-run` the flag is a usage error. Every command with `--dry-run`
/// takes it.
#[tokio::test]
async fn the_drift_gate_exits_0_11_or_the_error_s_own_status() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let export = run(&env, &emulator, &["user", "export"]);
    assert_exit(&export, 0, "export");
    let same = env.write("team.toml", &stdout(&export));
    let output = apply(&env, &emulator, &same, &["--dry-run", "--exit-code"]);
    assert_exit(&output, 0, "no drift");
    let drifted = env.write(
        "drifted.toml",
        &format!(
            "{}\n[[user]]\nemail = \"new@example.com\"\nroles = [\"RO User\"]\n",
            stdout(&export)
        ),
    );
    let output = apply(
        &env,
        &emulator,
        &drifted,
        &["--dry-run", "--exit-code", "-o", "json"],
    );
    assert_exit(&output, 11, "one change planned");
    let value = parse_json(&output);
    assert_eq!(value["code"], "OK");
    assert!(value["message"]
        .as_str()
        .unwrap()
        .starts_with("Dry run: 1 change planned (1 invite)"));
    let broken = env.write(
        "broken.toml",
        "[[user]]\nemail = \"not an email\"\nroles = [\"RO User\"]\n",
    );
    let output = apply(&env, &emulator, &broken, &["--dry-run", "--exit-code"]);
    assert_exit(&output, 3, "an error keeps its status");
    let output = apply(&env, &emulator, &drifted, &["--exit-code"]);
    assert_exit(&output, 2, "--exit-code needs --dry-run");
    assert!(stderr(&output).contains("--dry-run"), "{}", stderr(&output));

    for (args, status) in [
        (
            vec!["user", "invite", "new1@example.com", "-r", "RO User"],
            11,
        ),
        (
            vec!["user", "invite", "alice@example.com", "--if-not-exists"],
            0,
        ),
        (
            vec![
                "user",
                "invite",
                "a1@example.com",
                "a2@example.com",
                "-r",
                "RO User",
            ],
            11,
        ),
        (vec!["user", "delete", "carol@example.com"], 11),
        (
            vec!["user", "delete", "ghost@example.com", "--if-exists"],
            0,
        ),
        (
            vec!["user", "roles", "bob@example.com", "--add", "RO User"],
            11,
        ),
        (
            vec!["user", "roles", "bob@example.com", "--add", "R/W User"],
            0,
        ),
        (vec!["role", "delete", "ghost role", "--if-exists"], 0),
    ] {
        let output = run(
            &env,
            &emulator,
            &[&args[..], &["--dry-run", "--exit-code"]].concat(),
        );
        assert_exit(&output, status, format_args!("{args:?}"));
    }
    assert!(
        emulator.writes().await.is_empty(),
        "a dry run sends nothing"
    );
}

/// SPEC §1.10: `-o json` does not change what `user export` writes; a notice on stderr (not
/// under `-q`) points at `--format`, and none is needed when `--format` already says it.
#[test]
fn export_under_o_json_says_to_use_format() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let output = run(&env, &emulator, &["user", "export", "-o", "json"]);
    assert_exit(&output, 0, "export -o json");
    assert!(stdout(&output).starts_with("[[user]]") || stdout(&output).contains("[[user]]"));
    assert_eq!(
        stderr(&output),
        "Note: -o json does not change the document, which is TOML; for json, use --format json.\n"
    );
    for args in [
        vec!["user", "export", "-o", "json", "-q"],
        vec!["user", "export", "-o", "json", "--format", "json"],
        vec!["user", "export"],
    ] {
        let output = run(&env, &emulator, &args);
        assert_eq!(stderr(&output), "", "{args:?}");
    }
}

/// SPEC §1.12: `token create --org` must be a UUID, checked before any request.
#[test]
fn token_create_with_an_org_that_is_not_a_uuid_sends_nothing() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let output = run(
        &env,
        &emulator,
        &[
            "token", "create", "-r", "RO User", "--org", "nope", "-o", "json",
        ],
    );
    assert_exit(&output, 3, "--org nope");
    assert!(parse_json(&output)["message"]
        .as_str()
        .unwrap()
        .starts_with("Error: 'nope' is not an organization id (a UUID); nothing was sent."));
}
