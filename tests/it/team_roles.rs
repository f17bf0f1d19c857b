//! Roles in the team file (SPEC §1.15) against the emulator: declared roles are created before the
//! users that need them, a failed one skips those users, pruning removes undeclared custom roles
//! last, and export → apply plans 0 changes, in another organization too.

use serde_json::{json, Value};

use crate::common::*;

const ORG: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";

/// The calls that change something, as `METHOD PATH`.
async fn write_lines(emulator: &Emulator) -> Vec<String> {
    emulator.writes().await.iter().map(call_line).collect()
}

const TEAM: &str = r#"[[role]]
name = "Ops"
description = "Operations"
actions = ["org-db-view", "db-cql"]
resources = ["db:*"]

[[user]]
email = "alice@example.com"
roles = ["Organization Administrator"]

[[user]]
email = "bob@example.com"
roles = ["Ops"]

[[user]]
email = "new@example.com"
roles = ["Ops", "RO User"]
"#;

#[tokio::test]
async fn declared_roles_are_created_before_the_users_that_need_them() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let file = env.write("team.toml", TEAM);
    let dry = apply(&env, &emulator, &file, &["--dry-run", "-o", "json"]);
    assert_exit(&dry, 0, "dry run");
    let value = parse_json(&dry);
    assert_eq!(
        value["message"],
        "Dry run: 3 changes planned (1 invite, 1 set-roles, 1 create-role); nothing was sent. 1 unchanged."
    );
    assert_eq!(value["data"][0]["role"], "Ops");
    assert_eq!(value["data"][0]["action"], "create-role");
    assert_eq!(
        field(&value["data"], "status"),
        ["planned", "unchanged", "planned", "planned"]
    );
    assert!(write_lines(&emulator).await.is_empty());

    let applied = apply(&env, &emulator, &file, &[]);
    assert_exit(&applied, 0, "apply");
    assert_eq!(
        stdout(&applied),
        "Created role 'Ops'.\nSet the roles of 'bob@example.com' to 'Ops'.\nInvited 'new@example.com' with roles 'Ops', 'RO User'.\nApplied '".to_owned()
            + file.to_str().unwrap()
            + "': 3 changes done (1 invite, 1 set-roles, 1 create-role). 1 unchanged.\n"
    );
    let requests = emulator.requests().await;
    let post = requests.iter().position(|r| r["method"] == "POST").unwrap();
    assert_eq!(
        requests[post]["body"],
        json!({"name": "Ops", "policy": {"description": "Operations", "effect": "allow", "resources": [format!("drn:astra:org:{ORG}:db:*")], "actions": ["org-db-view", "db-cql"]}})
    );
    let state = emulator
        .control(reqwest::Method::GET, "/_emulator/state", None)
        .await;
    let ops = state["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Ops")
        .unwrap()["id"]
        .clone();
    let bob_put = requests
        .iter()
        .position(|r| r["method"] == "PUT" && r["path"].as_str().unwrap().ends_with("/roles"))
        .unwrap();
    assert!(post < bob_put, "the role is created first");
    assert_eq!(
        requests[bob_put]["body"],
        json!({"roles": [ops]}),
        "with the new role's id"
    );

    emulator.clear_requests().await;
    let again = apply(&env, &emulator, &file, &[]);
    assert!(
        stdout(&again).ends_with(": 0 changes done. 4 unchanged.\n"),
        "{}",
        stdout(&again)
    );
    assert!(write_lines(&emulator).await.is_empty());

    let changed = env.write(
        "team.toml",
        &TEAM.replace("\"db-cql\"]", "\"db-cql\", \"db-rest\"]"),
    );
    let updated = apply(&env, &emulator, &changed, &["-o", "csv"]);
    assert_exit(&updated, 0, "update");
    assert!(
        stdout(&updated).starts_with(
            "code,message,item,status,action,roles\nOK,Updated role 'Ops'.,Ops,done,update-role,\n"
        ),
        "{}",
        stdout(&updated)
    );
    assert_eq!(
        write_lines(&emulator).await,
        [format!(
            "PUT /v2/organizations/roles/{}",
            ops.as_str().unwrap()
        )]
    );
}

#[tokio::test]
async fn a_role_that_fails_skips_the_users_that_need_it() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    emulator
        .fail(json!({"method": "POST", "path": "/v2/organizations/roles", "action": "400", "count": 1}))
        .await;
    let file = env.write("team.toml", TEAM);
    let output = apply(&env, &emulator, &file, &["-o", "json"]);
    assert_exit(&output, 10, "partial failure");
    let value = parse_json(&output);
    assert_eq!(value["code"], "PARTIAL_FAILURE");
    assert_eq!(
        value["message"],
        "Error: 1 of 3 changes failed; 0 done, 2 skipped. 1 unchanged. Run the same command again to finish."
    );
    assert_eq!(
        field(&value["data"], "status"),
        ["failed", "unchanged", "skipped", "skipped"]
    );
    assert_eq!(value["data"][2]["code"], "REQUEST_REJECTED");
    assert_eq!(
        value["data"][2]["message"],
        "Error: not sent: it needs role 'Ops', which failed."
    );
    assert_eq!(
        write_lines(&emulator).await,
        ["POST /v2/organizations/roles"],
        "no user change was sent"
    );

    let human = apply(&env, &emulator, &file, &[]);
    assert_exit(&human, 0, "the rerun finishes");
}

#[tokio::test]
async fn bad_roles_are_reported_with_their_lines_before_anything_is_sent() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    let file = env.write(
        "team.toml",
        "[[role]]\nname = \"RO User\"\nactions = [\"db-cql\"]\n\n[[role]]\nname = \"X\"\nactions = [\"db-cqll\"]\nresources = [\"keyspace:*\"]\n\n[[user]]\nemail = \"bob@example.com\"\nroles = [\"X\", \"Nope\"]\n",
    );
    let output = apply(&env, &emulator, &file, &["-o", "json"]);
    assert_exit(&output, 3, "VALIDATION_ISSUE");
    let problems = &parse_json(&output)["data"]["problems"];
    let lines: Vec<u64> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 5, 5, 10], "{problems}");
    assert_eq!(
        problems[0]["problem"],
        "'RO User' is a standard role and cannot be declared"
    );
    assert_eq!(problems[1]["suggestion"], "db-cql");
    assert_eq!(problems[3]["item"], "Nope");
    assert!(write_lines(&emulator).await.is_empty());
}

#[tokio::test]
async fn prune_deletes_undeclared_custom_roles_last_and_only_with_a_role_part() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&[]);
    for name in ["Old", "Ops"] {
        let created = env.run_at(
            &emulator.endpoint,
            &["role", "create", name, "--action", "db-cql"],
        );
        assert_exit(&created, 0, name);
    }
    let users_only = env.write(
        "users.toml",
        "[[user]]\nemail = \"alice@example.com\"\nroles = [\"Organization Administrator\"]\n[[user]]\nemail = \"bob@example.com\"\nroles = [\"Old\"]\n[[user]]\nemail = \"carol@example.com\"\nroles = [\"RO User\"]\n",
    );
    emulator.clear_requests().await;
    let kept = apply(&env, &emulator, &users_only, &["--prune", "--yes"]);
    assert_exit(&kept, 0, "users only");
    assert!(
        write_lines(&emulator)
            .await
            .iter()
            .all(|w| !w.contains("/organizations/roles/")),
        "no role part: roles untouched"
    );

    let with_roles = env.write(
        "team.toml",
        "role = []\n[[user]]\nemail = \"alice@example.com\"\nroles = [\"Organization Administrator\"]\n[[user]]\nemail = \"bob@example.com\"\nroles = [\"RO User\"]\n",
    );
    let refused = apply(&env, &emulator, &with_roles, &["--prune"]);
    assert_exit(&refused, 3, "no terminal, no --yes");
    assert!(
        stderr(&refused).contains("--prune would delete 1 user and 2 roles"),
        "{}",
        stderr(&refused)
    );
    emulator.clear_requests().await;
    let pruned = apply(&env, &emulator, &with_roles, &["--prune", "--yes"]);
    assert_exit(&pruned, 0, "prune");
    let sent = write_lines(&emulator).await;
    let last_two: Vec<&str> = sent[sent.len() - 2..]
        .iter()
        .map(|s| s.split('/').nth(3).unwrap_or(""))
        .collect();
    assert_eq!(
        last_two,
        ["roles", "roles"],
        "role deletes come last: {sent:?}"
    );
    assert!(
        sent.iter()
            .filter(|s| s.starts_with("DELETE /v2/organizations/roles/"))
            .count()
            == 2,
        "{sent:?}"
    );
}

#[tokio::test]
async fn export_writes_portable_roles_that_provision_another_organization() {
    let env = TestEnv::new();
    let first = Emulator::start(&[]);
    let created = env.run_at(
        &first.endpoint,
        &[
            "role",
            "create",
            "Ops",
            "--action",
            "org-db-view,db-cql",
            "--resource",
            "db:*",
            "-d",
            "Ops",
        ],
    );
    assert_exit(&created, 0, "create");
    assert_exit(
        &env.run_at(
            &first.endpoint,
            &["user", "roles", "bob@example.com", "--add", "Ops"],
        ),
        0,
        "bob",
    );

    let toml = stdout(&env.run_at(&first.endpoint, &["user", "export"]));
    assert!(
        toml.starts_with("[[role]]\nname = \"Ops\"\ndescription = \"Ops\"\nactions = [\"db-cql\", \"org-db-view\"]\nresources = [\"drn:astra:org:__ORG_ID__:db:*\"]\n"),
        "{toml}"
    );
    let json: Value = serde_json::from_str(&stdout(
        &env.run_at(&first.endpoint, &["user", "export", "--format", "json"]),
    ))
    .unwrap();
    assert_eq!(json["roles"][0]["name"], "Ops");
    assert!(json["users"].is_array());
    let csv = stdout(&env.run_at(&first.endpoint, &["user", "export", "--format", "csv"]));
    assert!(csv.starts_with("email,roles\n"), "CSV holds users only");

    for (ext, text) in [("toml", toml.clone()), ("json", json.to_string())] {
        let file = env.write(&format!("team.{ext}"), &text);
        first.clear_requests().await;
        let again = apply(&env, &first, &file, &["--prune", "--yes"]);
        assert!(
            stdout(&again).contains(": 0 changes done."),
            "{ext}: {}",
            stdout(&again)
        );
        assert!(write_lines(&first).await.is_empty(), "{ext}");
    }

    // Another organization: a different id, the same file.
    let mut state = first
        .control(reqwest::Method::GET, "/_emulator/state", None)
        .await;
    let other = "11111111-2222-4333-8444-555555555555";
    state["id"] = json!(other);
    state["roles"] = json!(state["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] != "Ops")
        .cloned()
        .collect::<Vec<_>>());
    let state_file = env.write("other.json", &state.to_string().replace(ORG, other));
    let second = Emulator::start(&["--state", state_file.to_str().unwrap()]);
    let file = env.write("team.toml", &toml);
    let provisioned = apply(&env, &second, &file, &[]);
    assert_exit(&provisioned, 0, "another organization");
    let requests = second.requests().await;
    let post = requests.iter().find(|r| r["method"] == "POST").unwrap();
    assert_eq!(
        post["body"]["policy"]["resources"],
        json!([format!("drn:astra:org:{other}:db:*")])
    );
}

/// SPEC §13.1: a team file with several structural problems reports every one with its line, in
/// CSV and JSON, nothing sent.
#[tokio::test]
async fn every_structural_problem_of_a_file_is_reported_with_its_line() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let csv = env.write(
        "team.csv",
        "email,roles\na@example.com\nb@example.com,RO User,x\nc@example.com,RO User\n",
    );
    let json = env.write(
        "team.json",
        "[\n {\"email\": \"a@example.com\", \"roles\": \"RO User\"},\n {\"email\": \"b@example.com\", \"roles\": 1}\n]\n",
    );
    for (file, lines) in [(csv, [2, 3]), (json, [2, 3])] {
        let output = apply(&env, &emulator, &file, &["-o", "json"]);
        assert_exit(&output, 3, file.display());
        let value = parse_json(&output);
        let found: Vec<u64> = value["data"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["line"].as_u64().unwrap())
            .collect();
        assert_eq!(found, lines, "{value}");
    }
    assert!(emulator.writes().await.is_empty());
}

/// SPEC §1.10: a user holding a role the organization no longer lists shows its id (not an empty
/// line), and export → apply of that user plans 0 changes.
#[tokio::test]
async fn a_role_no_longer_listed_shows_its_id_and_round_trips() {
    let gone = "deadbeef-0000-4000-8000-000000000099";
    let server = wiremock::MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/v2/organizations/users",
        serde_json::json!({"OrgID": ORG, "OrgName": "Test Org", "Users": [
            {"UserID": ALICE, "Email": "alice@example.bob", "Status": "active",
             "Roles": [{"ID": RW_USER, "Name": "R/W User"}, {"ID": gone, "Name": ""}]}
        ]}),
    )
    .await;
    mount_json(&server, "GET", "/v2/organizations/roles", roles()).await;
    let env = TestEnv::new();
    let get = env.run_at(&endpoint(&server), &["user", "get", "alice@example.bob"]);
    assert_exit(&get, 0, "user get");
    assert!(stdout(&get).contains(gone), "{}", stdout(&get));
    for format in ["toml", "csv", "json"] {
        let export = env.run_at(&endpoint(&server), &["user", "export", "--format", format]);
        assert_exit(&export, 0, format);
        assert!(stdout(&export).contains(gone), "{}", stdout(&export));
        let file = env.write(&format!("team.{format}"), &stdout(&export));
        let apply = env.run_at(
            &endpoint(&server),
            &[
                "user",
                "apply",
                file.to_str().unwrap(),
                "--dry-run",
                "--exit-code",
            ],
        );
        assert_exit(&apply, 0, format_args!("{format}: 0 changes"));
        assert!(
            stdout(&apply).contains("0 changes planned"),
            "{}",
            stdout(&apply)
        );
    }
}
