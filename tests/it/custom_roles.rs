//! `astra role create|update|delete` against the emulator (SPEC §1.14): the bodies sent, DRNs
//! expanded, actions checked, standard roles protected, and each outcome in every format.

use serde_json::json;

use crate::common::*;

const ORG: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";

#[tokio::test]
async fn role_create_expands_resources_and_sends_one_post_in_key_order() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let output = run(
        &env,
        &emulator,
        &[
            "role",
            "create",
            "Ops",
            "--action",
            "db-cql,org-db-view",
            "--resource",
            "db:*",
            "--resource",
            "drn:astra:org:__ORG_ID__:stream:*",
            "-d",
            "Ops team",
            "-o",
            "json",
        ],
    );
    assert_exit(&output, 0, "create");
    let value = parse_json(&output);
    assert_eq!(value["message"], "Role 'Ops' has been created.");
    assert_eq!(value["data"]["Name"], "Ops");
    assert_eq!(
        value["data"]["Policy"]["actions"],
        json!(["db-cql", "org-db-view"])
    );
    let sent = emulator.writes().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["path"], "/v2/organizations/roles");
    assert_eq!(
        serde_json::to_string(&sent[0]["body"]).unwrap(),
        format!(
            r#"{{"name":"Ops","policy":{{"description":"Ops team","effect":"allow","resources":["drn:astra:org:{ORG}:db:*","drn:astra:org:{ORG}:stream:*"],"actions":["db-cql","org-db-view"]}}}}"#
        )
    );

    let plain = run(
        &env,
        &emulator,
        &[
            "role", "create", "Org Wide", "--action", "org-read", "-o", "csv",
        ],
    );
    assert_exit(&plain, 0, "no --resource");
    let state = emulator
        .control(reqwest::Method::GET, "/_emulator/state", None)
        .await;
    let id = state["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Org Wide")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        stdout(&plain),
        format!(
            "code,message,role_id,role_name\nOK,Role 'Org Wide' has been created.,{id},Org Wide\n"
        )
    );
    let sent = emulator.writes().await;
    assert_eq!(
        sent[1]["body"]["policy"]["resources"],
        json!([format!("drn:astra:org:{ORG}")]),
        "the organization itself"
    );

    let again = run(
        &env,
        &emulator,
        &["role", "create", "ops", "--action", "db-cql"],
    );
    assert_exit(&again, 7, "ROLE_ALREADY_EXISTS");
    assert!(
        stderr(&again).starts_with("Error: Role 'ops' already exists in this organization."),
        "{}",
        stderr(&again)
    );
    let skipped = run(
        &env,
        &emulator,
        &[
            "role",
            "create",
            "Ops",
            "--action",
            "db-cql",
            "--if-not-exists",
        ],
    );
    assert_exit(&skipped, 0, "--if-not-exists");
    assert!(stdout(&skipped).starts_with("Role 'Ops' already exists; nothing to create."));
    assert_eq!(emulator.writes().await.len(), 2, "nothing more sent");
}

#[tokio::test]
async fn role_create_refuses_bad_input_before_sending() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let unknown = run(
        &env,
        &emulator,
        &[
            "role",
            "create",
            "X",
            "--action",
            "db-cqll,org-usr-read",
            "-o",
            "json",
        ],
    );
    assert_exit(&unknown, 3, "unknown actions");
    let value = parse_json(&unknown);
    assert_eq!(
        value["data"]["problems"],
        json!([
            {"item": "db-cqll", "problem": "'db-cqll' is not a known action", "suggestion": "db-cql"},
            {"item": "org-usr-read", "problem": "'org-usr-read' is not a known action", "suggestion": "org-user-read"}
        ])
    );
    assert!(
        emulator.requests().await.is_empty(),
        "checked before any request"
    );
    let allowed = run(
        &env,
        &emulator,
        &[
            "role",
            "create",
            "X",
            "--action",
            "db-new-thing",
            "--allow-unknown-actions",
        ],
    );
    assert_exit(&allowed, 0, "--allow-unknown-actions");

    for (args, why) in [
        (
            vec![
                "role",
                "create",
                "Y",
                "--action",
                "db-cql",
                "--resource",
                "keyspace:*",
            ],
            "a bad resource",
        ),
        (
            vec![
                "role",
                "create",
                "Y",
                "--action",
                "db-cql",
                "--resource",
                "drn:astra:org:other:db:*",
            ],
            "another organization",
        ),
        (
            vec!["role", "create", "RO User", "--action", "db-cql"],
            "a standard role",
        ),
    ] {
        let output = run(&env, &emulator, &args);
        assert_exit(&output, 3, why);
    }
    assert_eq!(
        emulator.writes().await.len(),
        1,
        "only the allowed create was sent"
    );

    emulator
        .fail(json!({"method": "POST", "path": "/v2/organizations/roles", "action": "409", "count": 1}))
        .await;
    let conflict = run(
        &env,
        &emulator,
        &["role", "create", "Z", "--action", "db-cql"],
    );
    assert_exit(&conflict, 7, "a 409 from the API");
    emulator
        .fail(json!({"method": "POST", "path": "/v2/organizations/roles", "action": "503", "count": 1}))
        .await;
    let failed = run(
        &env,
        &emulator,
        &["role", "create", "Z", "--action", "db-cql"],
    );
    assert_exit(&failed, 8, "a 503 on a POST is not retried");
    let posts = emulator
        .writes()
        .await
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 3);
}

#[tokio::test]
async fn role_update_computes_the_whole_policy_and_puts_it_only_when_it_changes() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    assert_exit(
        &run(
            &env,
            &emulator,
            &["role", "create", "Ops", "--action", "db-cql,org-db-view"],
        ),
        0,
        "create",
    );
    emulator.clear_requests().await;

    let dry = run(
        &env,
        &emulator,
        &[
            "role",
            "update",
            "Ops",
            "--add-action",
            "org-db-create",
            "--remove-action",
            "db-cql,not-held",
            "--add-resource",
            "db:abc",
            "--dry-run",
            "-o",
            "json",
        ],
    );
    assert_exit(&dry, 0, "dry run");
    let data = &parse_json(&dry)["data"];
    assert_eq!(data["before"]["actions"], json!(["db-cql", "org-db-view"]));
    assert_eq!(
        data["after"]["actions"],
        json!(["org-db-view", "org-db-create"])
    );
    assert_eq!(
        data["after"]["resources"],
        json!([
            format!("drn:astra:org:{ORG}"),
            format!("drn:astra:org:{ORG}:db:abc")
        ])
    );
    assert_eq!(data["changed"], true);
    let keys: Vec<&str> = data
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["roleId", "name", "before", "after", "changed"]);
    assert!(
        emulator.writes().await.is_empty(),
        "a dry run sends nothing"
    );

    let renamed = run(
        &env,
        &emulator,
        &[
            "role",
            "update",
            "Ops",
            "--name",
            "Operations",
            "--set-actions",
            "org-read",
            "--description",
            "d",
        ],
    );
    assert_exit(&renamed, 0, "update");
    assert_eq!(stdout(&renamed), "Role 'Ops' has been updated.\n");
    let sent = emulator.writes().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        serde_json::to_string(&sent[0]["body"]).unwrap(),
        format!(
            r#"{{"name":"Operations","policy":{{"description":"d","effect":"allow","resources":["drn:astra:org:{ORG}"],"actions":["org-read"]}}}}"#
        )
    );

    let id = data["roleId"].as_str().unwrap().to_owned();
    let csv = run(
        &env,
        &emulator,
        &[
            "role",
            "update",
            "Operations",
            "--add-action",
            "db-cql",
            "--dry-run",
            "-o",
            "csv",
        ],
    );
    assert_eq!(
        stdout(&csv),
        format!("code,message,role_id,name,changed\nOK,Dry run: role 'Operations' would be updated (added actions 'db-cql'); nothing was sent.,{id},Operations,true\n")
    );
    let same = run(
        &env,
        &emulator,
        &["role", "update", "Operations", "--add-action", "org-read"],
    );
    assert_exit(&same, 0, "no change");
    assert_eq!(
        stdout(&same),
        "Role 'Operations' already has this policy; nothing to change.\n"
    );
    let empty = run(
        &env,
        &emulator,
        &[
            "role",
            "update",
            "Operations",
            "--remove-action",
            "org-read",
        ],
    );
    assert_exit(&empty, 3, "no action left");
    let standard = run(
        &env,
        &emulator,
        &["role", "update", "R/W User", "--add-action", "db-cql"],
    );
    assert_exit(&standard, 3, "a standard role");
    let both = run(
        &env,
        &emulator,
        &[
            "role",
            "update",
            "Operations",
            "--set-resources",
            "db:*",
            "--remove-resource",
            "db:*",
        ],
    );
    assert_exit(&both, 2, "--set-… with --remove-… of the same kind");
    assert_eq!(emulator.writes().await.len(), 1, "nothing more sent");
}

#[tokio::test]
async fn role_delete_is_a_batch_and_protects_standard_roles() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    for name in ["A", "B"] {
        assert_exit(
            &run(
                &env,
                &emulator,
                &["role", "create", name, "--action", "db-cql"],
            ),
            0,
            name,
        );
    }
    assert_exit(
        &run(
            &env,
            &emulator,
            &["user", "roles", "bob@example.com", "--add", "A"],
        ),
        0,
        "bob holds A",
    );
    emulator.clear_requests().await;

    let standard = run(
        &env,
        &emulator,
        &["role", "delete", "A", "Organization Administrator"],
    );
    assert_exit(&standard, 3, "a standard role by name");
    assert!(
        emulator.requests().await.is_empty(),
        "refused before any request"
    );

    let dry = run(&env, &emulator, &["role", "delete", "A", "B", "--dry-run"]);
    assert_exit(&dry, 0, "dry run");
    assert_eq!(
        stdout(&dry),
        "Dry run: role 'A' would be deleted (held by 1 user); nothing was sent.\nDry run: role 'B' would be deleted (held by no user); nothing was sent.\nDry run: 2 changes planned (2 delete-role); nothing was sent.\n"
    );

    let deleted = run(
        &env,
        &emulator,
        &[
            "role",
            "delete",
            "A",
            "gone",
            "B",
            "--if-exists",
            "-o",
            "json",
        ],
    );
    assert_exit(&deleted, 0, "delete");
    let value = parse_json(&deleted);
    assert_eq!(field(&value["data"], "role"), ["A", "gone", "B"]);
    assert_eq!(
        field(&value["data"], "status"),
        ["done", "unchanged", "done"]
    );
    assert_eq!(
        emulator
            .writes()
            .await
            .iter()
            .filter(|r| r["method"] == "DELETE")
            .count(),
        2
    );
    let single = run(&env, &emulator, &["role", "delete", "A"]);
    assert_exit(&single, 5, "ROLE_NOT_FOUND");
    assert!(
        stderr(&single).contains("--if-exists"),
        "{}",
        stderr(&single)
    );
}

/// SPEC §7.2: `role create` answered 500 or 503 after its POST says the role may exist and how to
/// check, in human output and in JSON, and is not retried; a 4xx says nothing of the kind.
#[tokio::test]
async fn a_role_create_that_failed_after_sending_says_it_may_exist() {
    let env = TestEnv::new();
    for status in ["500", "503"] {
        let emulator = Emulator::start(&[]);
        emulator
            .fail(json!({"method": "POST", "path": "/v2/organizations/roles", "action": status, "count": 1}))
            .await;
        let args = ["role", "create", "Ops Team", "--action", "db-cql"];
        let output = run(&env, &emulator, &args);
        assert_exit(&output, 8, status);
        let err = stderr(&output);
        assert!(
            err.contains("Role 'Ops Team' may have been created anyway."),
            "{err}"
        );
        assert!(
            err.contains("# Check before trying again:\n$ astra role get 'Ops Team'"),
            "{err}"
        );
        let posts = emulator.writes().await.len();
        assert_eq!(posts, 1, "never retried");
    }
    let emulator = Emulator::start(&[]);
    emulator
        .fail(json!({"method": "POST", "path": "/v2/organizations/roles", "action": "400", "count": 1}))
        .await;
    let output = run(
        &env,
        &emulator,
        &[
            "role", "create", "Ops Team", "--action", "db-cql", "-o", "json",
        ],
    );
    assert_exit(&output, 9, "400");
    assert!(!stdout(&output).contains("may have been created"));
}

/// A role name or description with a control character is refused before any request (its own
/// hints could not name it), on the command line and in a team file; an email over 254
/// characters is refused as it would be by every mail server.
#[tokio::test]
async fn control_characters_in_role_text_and_overlong_emails_are_refused() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    for args in [
        vec!["role", "create", "Ops\u{1b}[31mRed", "--action", "db-cql"],
        vec![
            "role", "create", "Ops", "--action", "db-cql", "-d", "a\u{7}b",
        ],
        vec!["role", "update", "RO User", "-d", "x\u{1b}y"],
    ] {
        let output = run(&env, &emulator, &args);
        assert_exit(&output, 2, format_args!("{args:?}"));
        assert!(
            stderr(&output).contains("control character"),
            "{}",
            stderr(&output)
        );
    }
    let team = env.write(
        "team.toml",
        "[[role]]\nname = \"Ops\\u001b[31m\"\nactions = [\"db-cql\"]\n\n[[user]]\nemail = \"a@example.com\"\nroles = [\"RO User\"]\n",
    );
    let output = apply(&env, &emulator, &team, &["--dry-run"]);
    assert_exit(&output, 3, "a team file's role");
    assert!(
        stderr(&output)
            .contains("line 1: role 'Ops\\u{1b}[31m': the name contains a control character"),
        "{}",
        stderr(&output)
    );
    let long = format!("{}@example.com", "a".repeat(250));
    let output = run(&env, &emulator, &["user", "invite", &long, "-r", "RO User"]);
    assert_exit(&output, 3, "an email of 262 characters");
    assert!(
        stderr(&output).contains("longer than 254 characters"),
        "{}",
        stderr(&output)
    );
    assert!(emulator.writes().await.is_empty());
}

#[tokio::test]
async fn role_create_dry_run_checks_everything_and_sends_nothing() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let args = [
        "role",
        "create",
        "Ops",
        "--action",
        "db-cql",
        "--resource",
        "db:*",
        "--dry-run",
    ];
    let output = run(&env, &emulator, &args);
    assert_exit(&output, 0, "dry run");
    assert_eq!(
        stdout(&output),
        format!("Dry run: role 'Ops' would be created with 'db-cql' on 'drn:astra:org:{ORG}:db:*'; nothing was sent.\n")
    );
    let gate = run(
        &env,
        &emulator,
        &[&args[..], &["--exit-code", "-o", "json"]].concat(),
    );
    assert_exit(&gate, 11, "--exit-code: a role is planned");
    let value = parse_json(&gate);
    assert_eq!(value["code"], "OK");
    assert_eq!(value["data"]["Name"], "Ops");
    assert_eq!(value["data"]["Policy"]["actions"], json!(["db-cql"]));
    let exists = run(
        &env,
        &emulator,
        &[
            "role",
            "create",
            "RO User",
            "--action",
            "db-cql",
            "--dry-run",
        ],
    );
    assert_exit(&exists, 3, "a standard role is refused in a dry run too");
    assert!(emulator.writes().await.is_empty(), "nothing was sent");
}
