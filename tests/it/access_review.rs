//! `astra access show|who-can|report|check` against the emulator (SPEC §1.16): every format,
//! the exit status, and the one round trip (users ∥ roles ∥ tokens, nothing written).

use serde_json::{json, Value};

use crate::common::*;

const ORG_ID: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";
const IN_USE: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";
const CI_CLIENT: &str = "ciTokenciTokenciTokenciT";
const ADMIN_ROLE: &str = "0a570000-4e1a-4b5c-8d2e-000000000001";

fn emulator() -> Emulator {
    Emulator::start(&["--token", TOKEN])
}

/// `astra ARGS` against the emulator, dates in UTC.
fn access(env: &TestEnv, emulator: &Emulator, args: &[&str]) -> std::process::Output {
    env.astra_at(&emulator.endpoint)
        .env("TZ", "UTC")
        .args(args)
        .output()
        .unwrap()
}

/// The requests sent: the three lists, each once, and nothing else.
async fn assert_one_round_trip(emulator: &Emulator) {
    let mut sent: Vec<String> = emulator.requests().await.iter().map(call_line).collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            "GET /v2/clientIdSecrets",
            "GET /v2/organizations/roles",
            "GET /v2/organizations/users"
        ]
    );
    emulator.clear_requests().await;
}

#[tokio::test]
async fn report_lists_each_principal_and_role_in_every_format() {
    let env = TestEnv::new();
    let emulator = emulator();
    let human = access(&env, &emulator, &["access", "report"]);
    assert_exit(&human, 0, "report");
    assert_eq!(
        stdout(&human),
        "\
┌───────┬──────────────────────────┬────────────────────┬────────────────────────────┬────────────┐
│ Kind  │ Principal                │ Status             │ Role                       │ Role Type  │
├───────┼──────────────────────────┼────────────────────┼────────────────────────────┼────────────┤
│ user  │ alice@example.com        │ active             │ Organization Administrator │ standard   │
│ user  │ bob@example.com          │ active             │ R/W User                   │ standard   │
│ user  │ bob@example.com          │ active             │ Billing Admin              │ standard   │
│ user  │ carol@example.com        │ invited            │ RO User                    │ standard   │
│ token │ aaaaaaaaaaaaaaaaaaaaaaaa │ no expiry          │ Organization Administrator │ standard   │
│ token │ ciTokenciTokenciTokenciT │ expires 2030-06-30 │ R/W User                   │ standard   │
│ token │ ciTokenciTokenciTokenciT │ expires 2030-06-30 │ RO User                    │ standard   │
└───────┴──────────────────────────┴────────────────────┴────────────────────────────┴────────────┘
"
    );
    assert_eq!(stderr(&human), "");
    assert_one_round_trip(&emulator).await;

    let csv = access(&env, &emulator, &["access", "report", "-o", "csv"]);
    let lines: Vec<&str> = std::str::from_utf8(&csv.stdout).unwrap().lines().collect();
    assert_eq!(
        lines[0],
        "code,message,kind,principal,id,status,role,role_id,role_type,generated_on,expires"
    );
    assert_eq!(
        lines[1],
        format!("OK,,user,alice@example.com,00000000-0000-4000-8000-000000000001,active,Organization Administrator,{ADMIN_ROLE},standard,,")
    );
    assert!(
        lines[6].starts_with(&format!(
            "OK,,token,{CI_CLIENT},{CI_CLIENT},expires 2030-06-30,R/W User,"
        )) && lines[6].ends_with(",standard,2024-03-02 08:30:15,2030-06-30 00:00:00"),
        "{}",
        lines[6]
    );
    assert_eq!(lines.len(), 8);

    let json = parse_json(&access(
        &env,
        &emulator,
        &["access", "report", "-o", "json"],
    ));
    assert_eq!(json["code"], "OK");
    assert_eq!(
        json["data"][0],
        json!({"kind": "user", "principal": "alice@example.com",
            "id": "00000000-0000-4000-8000-000000000001", "status": "active",
            "roles": [{"id": ADMIN_ROLE, "name": "Organization Administrator", "type": "standard"}]})
    );
    assert_eq!(json["data"][3]["kind"], "token");
    assert_eq!(json["data"][3]["status"], "no expiry");
    assert!(json["data"][0].get("grants").is_none());
    assert!(emulator.writes().await.is_empty());
}

#[tokio::test]
async fn report_expand_has_a_row_per_action_and_resource_and_json_grants() {
    let env = TestEnv::new();
    let emulator = emulator();
    let csv = access(
        &env,
        &emulator,
        &["access", "report", "--expand", "-o", "csv"],
    );
    assert_exit(&csv, 0, "report --expand");
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].ends_with(",generated_on,expires,action,resource"),
        "{}",
        lines[0]
    );
    let carol: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("carol@"))
        .collect();
    assert!(
        carol.len() > 1,
        "one row per action and resource: {carol:?}"
    );
    assert!(
        carol.contains(&format!("OK,,user,carol@example.com,00000000-0000-4000-8000-000000000003,invited,RO User,0a570005-4e1a-4b5c-8d2e-000000000006,standard,,,db-cql,drn:astra:org:{ORG_ID}:db:*").as_str()),
        "{carol:?}"
    );
    let json = parse_json(&access(
        &env,
        &emulator,
        &["access", "report", "--expand", "-o", "json"],
    ));
    let grants = json["data"][2]["grants"].as_array().unwrap();
    let cql = grants.iter().find(|g| g["action"] == "db-cql").unwrap();
    assert_eq!(cql["roles"], json!(["RO User"]));
    let human = access(&env, &emulator, &["access", "report", "--expand"]);
    assert!(
        stdout(&human).lines().nth(1).unwrap().contains("│ Action"),
        "{}",
        stdout(&human)
    );
}

#[tokio::test]
async fn show_a_user_a_token_and_what_is_not_there() {
    let env = TestEnv::new();
    let emulator = emulator();
    let human = access(&env, &emulator, &["access", "show", "CAROL@example.com"]);
    assert_exit(&human, 0, "show user");
    let text = stdout(&human);
    assert!(
        text.starts_with("User 'carol@example.com' (invited)\n┌"),
        "{text}"
    );
    assert!(text.contains("│ Action "), "{text}");
    assert!(
        text.contains(&format!(
            "│ db-cql                   │ drn:astra:org:{ORG_ID}  "
        )),
        "{text}"
    );
    assert_one_round_trip(&emulator).await;

    let json = parse_json(&access(
        &env,
        &emulator,
        &["access", "show", CI_CLIENT, "-o", "json"],
    ));
    let data = &json["data"];
    assert_eq!(data["kind"], "token");
    assert_eq!(data["principal"], CI_CLIENT);
    assert_eq!(data["expires"], "2030-06-30T00:00:00.000Z");
    assert!(data.get("status").is_none());
    assert_eq!(field(&data["roles"], "name"), ["R/W User", "RO User"]);
    let modify = data["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["action"] == "db-table-modify")
        .unwrap();
    assert_eq!(modify["roles"], json!(["R/W User"]));

    let user = parse_json(&access(
        &env,
        &emulator,
        &["access", "show", "alice@example.com", "-o", "json"],
    ));
    assert_eq!(user["data"]["status"], "active");
    assert!(user["data"].get("expires").is_none());

    let csv = access(
        &env,
        &emulator,
        &["access", "show", &IN_USE.to_uppercase(), "-o", "csv"],
    );
    let text = stdout(&csv);
    assert!(
        text.starts_with("code,message,action,resource,role\nOK,,"),
        "{text}"
    );
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.ends_with(",Organization Administrator")),
        "{text}"
    );

    let token_title = access(&env, &emulator, &["access", "show", CI_CLIENT]);
    assert!(stdout(&token_title).starts_with(&format!("Token {CI_CLIENT} ('CI pipeline')\n")));

    let no_user = access(&env, &emulator, &["access", "show", "nobody@example.com"]);
    assert_exit(&no_user, 5, "no user");
    assert_eq!(
        stderr(&no_user).lines().next(),
        Some("Error: User 'nobody@example.com' not found.")
    );
    let no_token = access(&env, &emulator, &["access", "show", "nope", "-o", "json"]);
    assert_exit(&no_token, 5, "no token");
    assert_eq!(parse_json(&no_token)["code"], "TOKEN_NOT_FOUND");
}

#[tokio::test]
async fn who_can_lists_holders_of_an_action_on_a_resource() {
    let env = TestEnv::new();
    let emulator = emulator();
    let human = access(&env, &emulator, &["access", "who-can", "db-table-modify"]);
    assert_exit(&human, 0, "who-can");
    let text = stdout(&human);
    let kinds: Vec<&str> = text
        .lines()
        .skip(3)
        .filter_map(|l| l.split('│').nth(2))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(
        kinds,
        ["alice@example.com", "bob@example.com", IN_USE, CI_CLIENT],
        "{text}"
    );
    assert_one_round_trip(&emulator).await;

    let on_db = access(
        &env,
        &emulator,
        &[
            "access",
            "who-can",
            "db-cql",
            "--resource",
            "db:3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "-o",
            "json",
        ],
    );
    let data = parse_json(&on_db)["data"].clone();
    assert_eq!(
        field(&data, "principal"),
        [
            "alice@example.com",
            "bob@example.com",
            "carol@example.com",
            IN_USE,
            CI_CLIENT
        ]
    );
    assert_eq!(
        data[2]["resources"],
        json!([format!("drn:astra:org:{ORG_ID}:db:*")])
    );
    assert_eq!(data[2]["roles"], json!(["RO User"]));
    assert_eq!(data[2]["status"], "invited");

    let csv = access(
        &env,
        &emulator,
        &["access", "who-can", "org-user-write", "-o", "csv"],
    );
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "code,message,kind,principal,status,roles,resources"
    );
    assert!(
        lines[1].starts_with(
            "OK,,user,alice@example.com,active,Organization Administrator,\"drn:astra:org:"
        ),
        "{text}"
    );
    assert_eq!(lines.len(), 3, "{text}");

    let other_org = access(
        &env,
        &emulator,
        &[
            "access",
            "who-can",
            "db-cql",
            "--resource",
            "drn:astra:org:99999999-2222-4333-8444-555555555555",
        ],
    );
    assert_exit(&other_org, 3, "another org");
    assert!(
        stderr(&other_org).contains("names another organization"),
        "{}",
        stderr(&other_org)
    );
}

#[tokio::test]
async fn who_can_checks_the_action_and_the_resource_before_any_request() {
    let env = TestEnv::new();
    let emulator = emulator();
    let typo = access(&env, &emulator, &["access", "who-can", "db-cqll"]);
    assert_exit(&typo, 3, "unknown action");
    assert!(
        stderr(&typo).contains("'db-cqll' (did you mean 'db-cql'?)"),
        "{}",
        stderr(&typo)
    );
    let bad = access(
        &env,
        &emulator,
        &["access", "who-can", "db-cql", "--resource", "db::x"],
    );
    assert_exit(&bad, 3, "bad resource");
    assert!(emulator.requests().await.is_empty());
    let allowed = access(
        &env,
        &emulator,
        &[
            "access",
            "who-can",
            "db-newthing",
            "--allow-unknown-actions",
            "-o",
            "json",
        ],
    );
    assert_exit(&allowed, 0, "allowed");
    assert_eq!(parse_json(&allowed)["data"], json!([]));
}

/// The emulator's own findings, out of the box (token-age off: its text counts days to today).
const NO_AGE: &str = "[rules.token-age]\nlevel = \"off\"\n";

#[tokio::test]
async fn check_passes_or_fails_at_the_level_asked_in_every_format() {
    let env = TestEnv::new();
    let emulator = emulator();
    let policy = env.write("policy.toml", NO_AGE);
    let policy = policy.to_str().unwrap();
    let pass = access(&env, &emulator, &["access", "check", "--policy", policy]);
    assert_exit(&pass, 0, "check");
    assert_eq!(
        stdout(&pass),
        format!("\
┌─────────┬─────────────────┬──────────────────────────────────────┬────────────────────────────────────────────────────────────────────┐
│ Level   │ Rule            │ Item                                 │ Finding                                                            │
├─────────┼─────────────────┼──────────────────────────────────────┼────────────────────────────────────────────────────────────────────┤
│ warning │ admins-min      │ {ORG_ID} │ 1 active user holds Organization Administrator (at least 2 wanted) │
│ warning │ admin-tokens    │ {IN_USE}             │ holds Organization Administrator                                   │
│ warning │ token-no-expiry │ {IN_USE}             │ never expires                                                      │
└─────────┴─────────────────┴──────────────────────────────────────┴────────────────────────────────────────────────────────────────────┘
0 errors, 3 warnings, 0 info.
")
    );
    assert_eq!(stderr(&pass), "");
    assert_one_round_trip(&emulator).await;

    let fail = access(
        &env,
        &emulator,
        &[
            "access",
            "check",
            "--policy",
            policy,
            "--fail-on",
            "warning",
        ],
    );
    assert_exit(&fail, 12, "check --fail-on warning");
    assert_eq!(stderr(&fail), "Error: 0 errors, 3 warnings, 0 info.\n");
    assert!(stdout(&fail).contains("│ admins-min "));

    let json = parse_json(&access(
        &env,
        &emulator,
        &[
            "access",
            "check",
            "--policy",
            policy,
            "--fail-on",
            "warning",
            "-o",
            "json",
        ],
    ));
    assert_eq!(json["code"], "CHECK_FAILED");
    assert_eq!(json["message"], "Error: 0 errors, 3 warnings, 0 info.");
    assert_eq!(
        json["data"]["counts"],
        json!({"error": 0, "warning": 3, "info": 0})
    );
    assert_eq!(
        json["data"]["findings"][1],
        json!({"level": "warning", "rule": "admin-tokens", "kind": "token", "item": IN_USE, "finding": "holds Organization Administrator"})
    );
    assert_eq!(json["nextSteps"], Value::Null);

    let quiet = env.write("quiet.toml", &format!("{NO_AGE}[rules.admins-min]\nlevel = \"info\"\n[rules.admin-tokens]\nallow = [\"{IN_USE}\"]  # the emulator's own\n"));
    let csv = access(
        &env,
        &emulator,
        &[
            "access",
            "check",
            "--policy",
            quiet.to_str().unwrap(),
            "--fail-on",
            "warning",
            "-o",
            "csv",
        ],
    );
    assert_exit(&csv, 12, "csv");
    assert_eq!(
        stdout(&csv),
        format!("code,message,level,rule,kind,item,finding\nCHECK_FAILED,,warning,token-no-expiry,token,{IN_USE},never expires\nOK,,info,admins-min,org,{ORG_ID},1 active user holds Organization Administrator (at least 2 wanted)\n")
    );
    let none = env.write("none.toml", &format!("{NO_AGE}[rules.admins-min]\nmin = 1\n[rules.admin-tokens]\nlevel = \"off\"\n[rules.token-no-expiry]\nlevel = \"off\"\n"));
    let clean = access(
        &env,
        &emulator,
        &[
            "access",
            "check",
            "--policy",
            none.to_str().unwrap(),
            "--fail-on",
            "info",
        ],
    );
    assert_exit(&clean, 0, "no findings");
    assert_eq!(stdout(&clean), "No findings.\n");
}

#[tokio::test]
async fn a_bad_policy_file_is_refused_before_any_request() {
    let env = TestEnv::new();
    let emulator = emulator();
    let bad = env.write("bad.toml", "[rules.token-agee]\nlevel = \"high\"\n");
    let out = access(
        &env,
        &emulator,
        &["access", "check", "--policy", bad.to_str().unwrap()],
    );
    assert_exit(&out, 3, "bad policy");
    let err = stderr(&out);
    assert!(
        err.contains("line 1: unknown rule 'token-agee' (did you mean 'token-age'?)"),
        "{err}"
    );
    let missing = access(
        &env,
        &emulator,
        &["access", "check", "--policy", "nope.toml"],
    );
    assert_exit(&missing, 4, "missing policy");
    assert_eq!(
        stderr(&missing).lines().next(),
        Some("Error: 'nope.toml' does not exist.")
    );
    let level = access(&env, &emulator, &["access", "check", "--fail-on", "off"]);
    assert_exit(&level, 2, "off is not a --fail-on level");
    assert!(emulator.requests().await.is_empty());
}

/// Every list read whole refreshes the completion caches, whichever command read it (here
/// `access report`, which reads both): one place does it, not each command by hand.
#[tokio::test]
async fn any_command_that_reads_the_lists_refreshes_the_completion_caches() {
    let env = TestEnv::new();
    let emulator = emulator();
    assert_exit(
        &access(&env, &emulator, &["access", "report", "-o", "csv"]),
        0,
        "report",
    );
    let cache = env.path(".astra/cache");
    let mut kinds: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .split('-')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["emails", "roles"]);
    let emails = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("emails-"))
        .unwrap();
    assert!(std::fs::read_to_string(emails)
        .unwrap()
        .contains("carol@example.com\n"));
}
