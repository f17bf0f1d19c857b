//! `astra org` and `astra token` against the emulator: the original's shapes in every format,
//! the exact requests, and the two outputs that show a secret on stdout (SPEC §1.12, §1.13, §6).

use serde_json::{json, Value};

use crate::common::*;

const CI_CLIENT: &str = "ciTokenciTokenciTokenciT";
const IN_USE: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";

/// The emulator with TOKEN as its first application token (the one these runs use).
fn emulator() -> Emulator {
    Emulator::start(&["--token", TOKEN])
}

async fn sent(emulator: &Emulator) -> Vec<String> {
    emulator.requests().await.iter().map(call_line).collect()
}

async fn posts(emulator: &Emulator, path: &str) -> Vec<Value> {
    emulator
        .requests()
        .await
        .into_iter()
        .filter(|r| r["method"] == "POST" && r["path"] == path)
        .map(|r| r["body"].clone())
        .collect()
}

#[tokio::test]
async fn org_get_id_and_name_in_every_format() {
    let env = TestEnv::new();
    let emulator = emulator();
    let org = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";
    let human = env.run_at(&emulator.endpoint, &["org"]);
    assert_exit(&human, 0, "org");
    assert!(
        stdout(&human).contains("│ Name       │ Emulated Org"),
        "{}",
        stdout(&human)
    );
    assert!(stdout(&human).contains(&format!("│ Id         │ {org} │")));
    let json = parse_json(&env.run_at(&emulator.endpoint, &["org", "get", "-o", "json"]));
    assert_eq!(
        json,
        json!({"code": "OK", "data": {"id": org, "name": "Emulated Org"}})
    );
    let csv = env.run_at(&emulator.endpoint, &["org", "-o", "csv"]);
    assert_eq!(
        stdout(&csv),
        format!("code,message,attribute,value\nOK,,Name,Emulated Org\nOK,,Id,{org}\n")
    );
    emulator.clear_requests().await;

    let id = env.run_at(&emulator.endpoint, &["org", "id"]);
    assert_eq!(stdout(&id), format!("{org}\n"));
    assert_eq!(sent(&emulator).await, ["GET /v2/currentOrg"]);
    let name = env.run_at(&emulator.endpoint, &["org", "name", "-o", "json"]);
    assert_eq!(
        parse_json(&name),
        json!({"code": "OK", "data": "Emulated Org"})
    );
    let name = env.run_at(&emulator.endpoint, &["org", "name", "-o", "csv"]);
    assert_eq!(stdout(&name), "code,message,data\nOK,,Emulated Org\n");
}

#[tokio::test]
async fn token_get_prints_the_token_on_stdout_only_and_sends_nothing() {
    let env = TestEnv::new();
    let emulator = emulator();
    let log = env.path("log.txt");
    let output = env
        .astra_at(&emulator.endpoint)
        .args(["token", "-V"])
        .arg(format!("--dump-logs={}", log.display()))
        .output()
        .unwrap();
    assert_exit(&output, 0, "bare token");
    assert_eq!(stdout(&output), format!("{TOKEN}\n"));
    assert!(!stderr(&output).contains(TOKEN), "{}", stderr(&output));
    assert!(!std::fs::read_to_string(&log).unwrap().contains(TOKEN));
    assert!(
        sent(&emulator).await.is_empty(),
        "no HTTP call without --validate"
    );

    let json = env.run_at(&emulator.endpoint, &["token", "get", "-o", "json"]);
    assert_eq!(parse_json(&json), json!({"code": "OK", "data": TOKEN}));
    let csv = env.run_at(&emulator.endpoint, &["token", "get", "-o", "csv"]);
    assert_eq!(stdout(&csv), format!("code,message,data\nOK,,{TOKEN}\n"));

    let validated = env.run_at(&emulator.endpoint, &["token", "--validate"]);
    assert_exit(&validated, 0, "validate");
    assert_eq!(sent(&emulator).await, ["GET /v2/organizations/roles"]);
    let refused = env
        .astra_at(&emulator.endpoint)
        .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN_B)
        .args(["token", "get", "--validate"])
        .output()
        .unwrap();
    assert_exit(&refused, 6, "a token the org does not accept");
    assert_eq!(
        stdout(&refused),
        "",
        "nothing printed when it does not validate"
    );
}

#[tokio::test]
async fn token_get_copy_feeds_the_clipboard_tool_on_stdin() {
    let env = TestEnv::new();
    let emulator = emulator();
    let bin = env.path("bin");
    let copied = env.path("clipboard");
    let script = env.write(
        "bin/xclip",
        &format!(
            "#!/bin/sh\necho \"$@\" > '{0}.args'\n/bin/cat > '{0}'\n",
            copied.display()
        ),
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let output = env
        .astra_at(&emulator.endpoint)
        .env("PATH", &bin)
        .args(["token", "-c"])
        .output()
        .unwrap();
    assert_exit(&output, 0, "copy");
    assert_eq!(stdout(&output), "Successfully copied token to clipboard\n");
    assert_eq!(std::fs::read_to_string(&copied).unwrap(), TOKEN);
    assert_eq!(
        std::fs::read_to_string(env.path("clipboard.args")).unwrap(),
        "-selection clipboard\n",
        "the token is never in the tool's argv"
    );

    let none = env
        .astra_at(&emulator.endpoint)
        .env("PATH", env.path("empty"))
        .args(["token", "--copy"])
        .output()
        .unwrap();
    assert_exit(&none, 3, "no clipboard tool");
    assert!(
        stderr(&none).contains("wl-copy, xclip, xsel, pbcopy, clip"),
        "{}",
        stderr(&none)
    );

    // A tool that is there but fails says why, instead of "install one".
    let failing = env.write(
        "broken/xclip",
        "#!/bin/sh
/bin/cat > /dev/null
echo \"Error: Can't open display: (null)\" >&2
exit 1
",
    );
    std::fs::set_permissions(
        &failing,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let broken = env
        .astra_at(&emulator.endpoint)
        .env("PATH", env.path("broken"))
        .args(["token", "--copy"])
        .output()
        .unwrap();
    assert_exit(&broken, 3, "a failing clipboard tool");
    assert!(
        stderr(&broken).contains("xclip: Error: Can't open display: (null)")
            && !stderr(&broken).contains("Install one of"),
        "{}",
        stderr(&broken)
    );
    assert!(!stderr(&broken).contains(&TOKEN[30..]));
}

#[tokio::test]
async fn token_list_newest_first_in_every_format() {
    let env = TestEnv::new();
    let emulator = emulator();
    let run = |args: &[&str]| {
        env.astra_at(&emulator.endpoint)
            .env("TZ", "UTC")
            .args(args)
            .output()
            .unwrap()
    };
    let human = run(&["token", "list"]);
    assert_exit(&human, 0, "token list");
    let lines: Vec<String> = stdout(&human).lines().map(str::to_owned).collect();
    // `Expires` (SPEC §1.12) because the CI token has one; the other's cell is empty.
    assert_eq!(
        lines[1],
        "│ Generated On        ┆ Client Id                ┆ Roles                      ┆ Desc           ┆ Expires             │"
            .replace('┆', "│")
    );
    assert!(
        lines[3].ends_with("│ CI pipeline    │ 2030-06-30 00:00:00 │"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].ends_with("│ astra-emulator │                     │"),
        "{}",
        lines[4]
    );
    assert!(
        lines[3].starts_with(&format!(
            "│ 2024-03-02 08:30:15 │ {CI_CLIENT} │ R/W User (+1)"
        )),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with(&format!(
            "│ 2024-01-15 10:00:00 │ {IN_USE} │ Organization Administrator │"
        )),
        "{}",
        lines[4]
    );
    let in_paris = env
        .astra_at(&emulator.endpoint)
        .env("TZ", "Europe/Paris")
        .args(["token", "list"])
        .output()
        .unwrap();
    assert!(
        stdout(&in_paris).contains("2024-03-02 09:30:15"),
        "TZ is honoured: {}",
        stdout(&in_paris)
    );

    // The CSV's date is the original's: the local time of the human table (SPEC §1.12).
    let csv = run(&["token", "list", "-o", "csv"]);
    assert_eq!(
        stdout(&csv),
        format!("code,message,generated_on,client_id,roles,desc\nOK,,2024-03-02 08:30:15,{CI_CLIENT},\"R/W User,RO User\",CI pipeline\nOK,,2024-01-15 10:00:00,{IN_USE},Organization Administrator,astra-emulator\n")
    );
    let csv_in_paris = env
        .astra_at(&emulator.endpoint)
        .env("TZ", "Europe/Paris")
        .args(["token", "list", "-o", "csv"])
        .output()
        .unwrap();
    assert!(
        stdout(&csv_in_paris).contains("\nOK,,2024-03-02 09:30:15,"),
        "{}",
        stdout(&csv_in_paris)
    );
    let json = parse_json(&run(&["token", "list", "-o", "json"]));
    let first = &json["data"][0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "generatedOn",
            "clientId",
            "tokenExpiry",
            "description",
            "roleNames",
            "roleIds"
        ]
    );
    assert_eq!(first["roleNames"], json!(["R/W User", "RO User"]));
    let second = json["data"][1].as_object().unwrap();
    assert!(!second.contains_key("tokenExpiry"), "omitted when absent");
    let calls = sent(&emulator).await;
    assert!(
        calls
            .iter()
            .all(|c| c == "GET /v2/clientIdSecrets" || c == "GET /v2/organizations/roles"),
        "{calls:?}"
    );
}

#[tokio::test]
async fn token_create_checks_everything_first_and_shows_the_token_once() {
    let env = TestEnv::new();
    let emulator = emulator();
    for (args, status, why) in [
        (
            vec!["-r", "RO User", "-x", "2020-01-01T00:00:00Z"],
            3,
            "an expiry in the past",
        ),
        (
            vec!["-r", "RO User", "-x", "2030-01-01"],
            3,
            "a date without a time",
        ),
        (vec![], 3, "no role and no terminal"),
        (vec!["-r", "RO Usr", "-r", "Nope"], 5, "unknown roles"),
    ] {
        let output = env.run_at(
            &emulator.endpoint,
            &[&["token", "create"], args.as_slice()].concat(),
        );
        assert_exit(&output, status, why);
        if status == 5 {
            assert!(
                stderr(&output).starts_with("Error: Roles 'RO Usr', 'Nope' not found."),
                "{}",
                stderr(&output)
            );
        }
    }
    assert!(
        posts(&emulator, "/v2/clientIdSecrets").await.is_empty(),
        "nothing sent"
    );

    let output = env.run_at(
        &emulator.endpoint,
        &[
            "token",
            "create",
            "-r",
            "RO User",
            "-d",
            "ci",
            "-x",
            "2031-05-06T07:08:09.123+02:00",
            "--org",
            "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c",
        ],
    );
    assert_exit(&output, 0, "create");
    assert_eq!(
        stderr(&output),
        "Store the token now: it cannot be shown again.\n"
    );
    let bodies = posts(&emulator, "/v2/clientIdSecrets").await;
    assert_eq!(
        serde_json::to_string(&bodies[0]).unwrap(),
        r#"{"roles":["0a570005-4e1a-4b5c-8d2e-000000000006"],"description":"ci","tokenExpiry":"2031-05-06T05:08:09Z","orgId":"7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c"}"#
    );
    let text = stdout(&output);
    let token = text
        .split_whitespace()
        .find(|w| w.starts_with("AstraCS:"))
        .expect("the new token, unmasked")
        .to_owned();
    assert_eq!(token.len(), 97, "{text}");
    for row in ["│ Client Id ", "│ Client Secret ", "│ Token "] {
        assert!(text.contains(row), "{text}");
    }

    // The new token works, with its roles: RO User may not read the users.
    let as_new = env
        .astra_at(&emulator.endpoint)
        .env("ASTRA_DB_APPLICATION_TOKEN", &token)
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_exit(&as_new, 6, "FORBIDDEN");

    let json = env.run_at(
        &emulator.endpoint,
        &["token", "create", "-r", "RO User", "-o", "json", "-q"],
    );
    assert_eq!(stderr(&json), "", "-q hides the notice");
    let data = &parse_json(&json)["data"];
    let mut keys: Vec<&str> = data
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "clientId",
            "generatedOn",
            "orgId",
            "roles",
            "secret",
            "token"
        ]
    );
    assert!(
        data["token"].as_str().unwrap().len() == 97,
        "shown whole: {data}"
    );
    let csv = env.run_at(
        &emulator.endpoint,
        &["token", "create", "-r", "RO User", "-o", "csv"],
    );
    let text = stdout(&csv);
    let rows: Vec<&str> = text.lines().map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!(rows, ["attribute", "Client Id", "Client Secret", "Token"]);
}

#[tokio::test]
async fn token_create_save_profile_writes_the_token_and_prints_it_masked() {
    let env = TestEnv::new();
    let emulator = emulator();
    let output = env.run_at(
        &emulator.endpoint,
        &[
            "token",
            "create",
            "-r",
            "R/W User",
            "--save-profile",
            "ci",
            "-o",
            "json",
            "-V",
        ],
    );
    assert_exit(&output, 0, "save-profile");
    let data = &parse_json(&output)["data"];
    assert_eq!(data["profile"], "ci");
    let masked = data["token"].as_str().unwrap();
    assert!(masked.contains("****"), "{masked}");
    let saved = std::fs::read_to_string(env.path(".astrarc")).unwrap();
    let token = saved
        .lines()
        .find_map(|l| l.strip_prefix("ASTRA_DB_APPLICATION_TOKEN="))
        .unwrap();
    assert!(saved.starts_with("[ci]\n"), "{saved}");
    assert!(
        saved.contains("ASTRA_ENV=local\n")
            && saved.contains(&format!("ASTRA_LOCAL_ENDPOINT={}", emulator.endpoint))
    );
    assert!(
        !transcript(&output).contains(token),
        "the new token is never printed"
    );

    let again = env.run_at(
        &emulator.endpoint,
        &["token", "create", "-r", "R/W User", "--save-profile", "ci"],
    );
    assert_exit(&again, 3, "an existing profile");
    assert!(stderr(&again).contains("--overwrite"), "{}", stderr(&again));
    assert_eq!(
        posts(&emulator, "/v2/clientIdSecrets").await.len(),
        1,
        "refused before the POST"
    );

    let used = env
        .astra()
        .args(["-p", "ci", "org", "id"])
        .output()
        .unwrap();
    assert_exit(&used, 0, "the saved profile works");

    let human = env.run_at(
        &emulator.endpoint,
        &[
            "token",
            "create",
            "-r",
            "RO User",
            "--save-profile",
            "reader",
        ],
    );
    assert_exit(&human, 0, "human --save-profile");
    let text = stdout(&human);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("│ "))
        .map(|l| l.split('│').nth(1).unwrap().trim())
        .collect();
    assert_eq!(
        rows,
        ["Attribute", "Client Id", "Token", "Profile"],
        "{text}"
    );
    assert!(
        text.contains("****") && text.contains("│ reader "),
        "{text}"
    );
    assert!(
        !text.contains(&TOKEN[..20]) && text.matches("AstraCS:").count() == 1,
        "{text}"
    );
}

#[tokio::test]
async fn token_create_is_never_retried_once_sent() {
    let env = TestEnv::new();
    let emulator = emulator();
    emulator
        .fail(json!({"method": "POST", "path": "/v2/clientIdSecrets", "action": "503", "count": 1}))
        .await;
    let output = env.run_at(&emulator.endpoint, &["token", "create", "-r", "RO User"]);
    assert_exit(&output, 8, "503 on a POST");
    assert_eq!(posts(&emulator, "/v2/clientIdSecrets").await.len(), 1);
    // A 5xx after sending says the server failed, not that nothing was created (SPEC §7.2).
    assert!(
        stderr(&output).contains("The token may have been created anyway.")
            && stderr(&output).contains("# Check before trying again:\n$ astra token list"),
        "{}",
        stderr(&output)
    );

    emulator
        .fail(
            json!({"method": "POST", "path": "/v2/clientIdSecrets", "action": "hang", "count": 1}),
        )
        .await;
    let output = env
        .astra_at(&emulator.endpoint)
        .env("ASTRA_HTTP_TIMEOUT", "0.5")
        .args(["token", "create", "-r", "RO User"])
        .output()
        .unwrap();
    assert_exit(&output, 8, "a timeout after sending");
    assert!(
        stderr(&output).contains("a create is never sent twice: it was not retried.\n\nThe token may have been created anyway."),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("$ astra token list"));
    assert_eq!(posts(&emulator, "/v2/clientIdSecrets").await.len(), 2);
}

#[tokio::test]
async fn token_delete_refuses_the_token_in_use_and_reports_each_id() {
    let env = TestEnv::new();
    let emulator = emulator();
    let missing = env.run_at(
        &emulator.endpoint,
        &["token", "delete", "nope", "-o", "json"],
    );
    assert_exit(&missing, 5, "TOKEN_NOT_FOUND for a client id is exit 5");
    assert_eq!(parse_json(&missing)["code"], "TOKEN_NOT_FOUND");
    let human = env.run_at(&emulator.endpoint, &["token", "delete", "nope"]);
    assert_eq!(
        stderr(&human),
        "Error: Token 'nope' not found.\n\nThe specified token does not exist. To avoid this error, pass the '--if-exists' flag to skip this error if the token doesn't exist.\n\n# Example fix:\n$ astra token delete nope --if-exists\n\n# See all available tokens:\n$ astra token list\n"
    );

    let in_use = env.run_at(&emulator.endpoint, &["token", "delete", IN_USE, CI_CLIENT]);
    assert_exit(&in_use, 3, "the token in use");
    assert!(
        stderr(&in_use).contains(&format!("$ astra token delete {IN_USE} {CI_CLIENT} --yes")),
        "{}",
        stderr(&in_use)
    );
    let deletes = |calls: Vec<String>| {
        calls
            .into_iter()
            .filter(|c| c.starts_with("DELETE"))
            .collect::<Vec<_>>()
    };
    assert!(deletes(sent(&emulator).await).is_empty(), "nothing sent");

    let lower = CI_CLIENT.to_lowercase();
    let batch = env.run_at(
        &emulator.endpoint,
        &[
            "token",
            "delete",
            &lower,
            "gone",
            "--if-exists",
            "-o",
            "csv",
        ],
    );
    assert_exit(&batch, 0, "a batch");
    assert_eq!(
        stdout(&batch),
        format!("code,message,token,status,was_deleted\nOK,Token {CI_CLIENT} has been deleted.,{lower},done,true\nOK,Token gone does not exist; nothing to delete.,gone,unchanged,false\n")
    );
    assert_eq!(
        deletes(sent(&emulator).await),
        [format!("DELETE /v2/clientIdSecrets/{CI_CLIENT}")],
        "the listed spelling"
    );

    let forced = env.run_at(
        &emulator.endpoint,
        &["token", "revoke", IN_USE, "--yes", "-o", "json"],
    );
    assert_exit(&forced, 0, "--yes revokes the token in use");
    assert_eq!(parse_json(&forced)["data"], json!({"wasDeleted": true}));
    let after = env.run_at(&emulator.endpoint, &["org", "id"]);
    assert_exit(&after, 6, "a revoked token is refused");

    let none = env.run_at(&emulator.endpoint, &["token", "delete"]);
    assert_exit(&none, 2, "no CLIENT_ID and no terminal");
}

/// SPEC §1.12: `token list`'s filters, each with tokens on both sides of its boundary (dates
/// relative to now, as the command's own clock reads it), combined with AND, in every format.
#[tokio::test]
async fn token_list_filters_keep_the_tokens_on_their_side_of_each_boundary() {
    let now = jiff::Timestamp::now();
    let at = |days: i64| (now + jiff::SignedDuration::from_hours(24 * days)).to_string();
    let token = |id: &str, generated: i64, expiry: Option<i64>, role: &str| {
        let mut token = json!({"clientId": id, "roles": [role], "generatedOn": at(generated),
                               "description": id});
        if let Some(days) = expiry {
            token["tokenExpiry"] = json!(at(days));
        }
        token
    };
    let tokens = json!({"clients": [
        token("soon", -10, Some(89), RW_USER),
        token("later", -10, Some(91), RW_USER),
        token("gone", -400, Some(-1), BILLING),
        token("never", -400, None, RW_USER),
        token("fresh", -300, None, BILLING),
    ]});
    let server = api().await;
    mount_json(&server, "GET", "/v2/clientIdSecrets", tokens).await;
    let env = TestEnv::new();
    let listed = |args: &[&str]| {
        let output = env.run_at(
            &endpoint(&server),
            &[&["token", "list", "-o", "json"], args].concat(),
        );
        assert_exit(&output, 0, format_args!("{args:?}"));
        let value = parse_json(&output);
        let mut ids: Vec<String> = field(&value["data"], "clientId")
            .into_iter()
            .map(str::to_owned)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(listed(&["--expiring-within", "90d"]), ["soon"]);
    assert_eq!(
        listed(&["--expiring-within", "13w"]),
        ["later", "soon"],
        "91 days"
    );
    assert_eq!(listed(&["--expired"]), ["gone"]);
    assert_eq!(listed(&["--no-expiry"]), ["fresh", "never"]);
    assert_eq!(listed(&["--older-than", "52w"]), ["gone", "never"]);
    assert_eq!(
        listed(&["--older-than", "52w", "--no-expiry"]),
        ["never"],
        "AND"
    );
    assert_eq!(listed(&["--role", "billing admin"]), ["fresh", "gone"]);
    assert_eq!(listed(&["--role", BILLING, "--expired"]), ["gone"]);
    assert_eq!(listed(&["--expired", "--no-expiry"]), Vec::<String>::new());

    // Every format keeps its shape; the human table shows `Expires` when one is listed.
    let csv = env.run_at(
        &endpoint(&server),
        &["token", "list", "--no-expiry", "-o", "csv"],
    );
    assert!(stdout(&csv).starts_with("code,message,generated_on,client_id,roles,desc\n"));
    assert_eq!(stdout(&csv).lines().count(), 3);
    let human = env.run_at(&endpoint(&server), &["token", "list", "--no-expiry"]);
    assert!(!stdout(&human).contains("Expires"), "{}", stdout(&human));
    let human = env.run_at(&endpoint(&server), &["token", "list", "--expired"]);
    assert!(stdout(&human).contains("Expires"), "{}", stdout(&human));

    let unknown = env.run_at(
        &endpoint(&server),
        &["token", "list", "--role", "Billing Admn"],
    );
    assert_exit(&unknown, 5, "an unknown role");
    assert!(
        stderr(&unknown).contains("Billing Admin"),
        "did you mean: {}",
        stderr(&unknown)
    );
    for bad in ["1.5d", "0d", "3y"] {
        let output = env.run_at(&endpoint(&server), &["token", "list", "--older-than", bad]);
        assert_exit(&output, 2, bad);
        assert!(
            stderr(&output).contains("30m, 12h, 90d, 2w"),
            "{}",
            stderr(&output)
        );
    }
}
