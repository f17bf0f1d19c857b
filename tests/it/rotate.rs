//! `astra token rotate` against the emulator (SPEC §1.12): the request sequence and which token
//! sent each request, the profile file before and after, and every failure point.

use serde_json::{json, Value};

use crate::common::*;

const OLD: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";
const CI_CLIENT: &str = "ciTokenciTokenciTokenciT";

/// A `.astrarc` whose `default` profile holds TOKEN, between a comment and another profile.
fn astrarc(emulator: &Emulator) -> String {
    format!(
        "# team profiles\n[default]\nASTRA_DB_APPLICATION_TOKEN = {TOKEN}\nASTRA_ENV=local\nASTRA_LOCAL_ENDPOINT={}\n\n[other]\n; kept as is\nASTRA_DB_APPLICATION_TOKEN={TOKEN_B}\n",
        emulator.endpoint
    )
}

fn setup() -> (TestEnv, Emulator, String) {
    let env = TestEnv::new();
    let emulator = Emulator::start(&["--token", TOKEN]);
    let text = astrarc(&emulator);
    env.write(".astrarc", &text);
    (env, emulator, text)
}

fn astra(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.astra().args(args).output().unwrap()
}

fn file(env: &TestEnv) -> String {
    std::fs::read_to_string(env.path(".astrarc")).unwrap()
}

/// Each request as `METHOD PATH by CLIENT-ID-PREFIX` (the emulator masks the token it logs).
async fn sent(emulator: &Emulator) -> Vec<String> {
    emulator
        .requests()
        .await
        .iter()
        .map(|r| {
            let auth = r["authorization"].as_str().unwrap_or_default();
            let who = auth
                .trim_start_matches("Bearer AstraCS:")
                .get(..4)
                .unwrap_or("?")
                .to_owned();
            format!("{} by {who}", call_line(r))
        })
        .collect()
}

/// The new token saved in profile `default`.
fn saved_token(env: &TestEnv) -> String {
    let text = file(env);
    let line = text.lines().nth(2).unwrap();
    line.split_once("= ").unwrap().1.to_owned()
}

#[tokio::test]
async fn the_token_in_use_is_replaced_in_its_profile_then_deleted_with_the_new_token() {
    let (env, emulator, before) = setup();
    let out = astra(&env, &["token", "rotate"]);
    assert_exit(&out, 0, "rotate");
    let new = saved_token(&env);
    let new_id = new.split(':').nth(1).unwrap().to_owned();
    assert_eq!(
        stdout(&out),
        format!("Token {OLD} rotated: the new token {new_id} is saved in profile 'default'.\nToken {OLD} has been deleted.\n")
    );
    assert_eq!(
        file(&env),
        before.replace(TOKEN, &new).replacen(&new, TOKEN_B, 0),
        "only the token line changed"
    );
    assert!(file(&env).contains(&format!("ASTRA_DB_APPLICATION_TOKEN={TOKEN_B}\n")));
    assert!(
        !stdout(&out).contains(&new) && !stderr(&out).contains(&new),
        "the saved secret is not printed"
    );
    let mut requests = sent(&emulator).await;
    requests[..2].sort();
    let by_new = &new_id[..4];
    assert_eq!(
        requests,
        [
            "GET /v2/clientIdSecrets by aaaa".to_owned(),
            "GET /v2/organizations/roles by aaaa".to_owned(),
            "POST /v2/clientIdSecrets by aaaa".to_owned(),
            format!("GET /v2/currentOrg by {by_new}"),
            format!("DELETE /v2/clientIdSecrets/{OLD} by {by_new}"),
        ]
    );
    let post = emulator.writes().await[0]["body"].clone();
    assert_eq!(
        post,
        json!({"roles": ["0a570000-4e1a-4b5c-8d2e-000000000001"], "description": "astra-emulator"})
    );
    // The old token is refused from now on; the profile's new one works.
    let refused = astra(
        &env,
        &[
            "org",
            "--token",
            TOKEN,
            "--env",
            "local",
            "--local-endpoint",
            &emulator.endpoint,
        ],
    );
    assert_exit(&refused, 6, "the old token");
    assert_exit(&astra(&env, &["org"]), 0, "the new token");
}

#[tokio::test]
async fn another_token_is_printed_and_its_old_one_kept() {
    let (env, emulator, before) = setup();
    let out = astra(
        &env,
        &[
            "token",
            "rotate",
            &CI_CLIENT.to_lowercase(),
            "-d",
            "CI v2",
            "-o",
            "csv",
        ],
    );
    assert_exit(&out, 0, "rotate CI");
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "code,message,attribute,value");
    assert_eq!(rows[1], format!("OK,,oldClientId,{CI_CLIENT}"));
    assert!(rows[4].starts_with("OK,,token,AstraCS:"), "{text}");
    assert_eq!(rows[5], "OK,,oldDeleted,false");
    assert!(!stderr(&out).contains("AstraCS:"), "{}", stderr(&out));
    assert_eq!(file(&env), before);
    assert!(emulator
        .writes()
        .await
        .iter()
        .all(|w| w["method"] == "POST"));
    let human = astra(&env, &["token", "rotate", CI_CLIENT]);
    let lines: Vec<String> = stdout(&human).lines().map(str::to_owned).collect();
    assert!(lines[0].ends_with("is shown below."), "{lines:?}");
    assert_eq!(lines[1], format!("Token {CI_CLIENT} was kept."));
    assert!(
        lines[2].starts_with("AstraCS:") && lines[2].len() > 80,
        "the token on its own line: {lines:?}"
    );
    assert!(stdout(&human).contains(&format!("astra token delete {CI_CLIENT}")));
}

#[tokio::test]
async fn a_failed_create_changes_nothing() {
    let (env, emulator, before) = setup();
    emulator
        .fail(json!({"method": "POST", "path": "/v2/clientIdSecrets", "action": "400", "count": 1}))
        .await;
    let out = astra(&env, &["token", "rotate", "-o", "json"]);
    assert_exit(&out, 9, "POST refused");
    assert_eq!(file(&env), before);
    assert_eq!(emulator.writes().await.len(), 1, "the POST only");
}

#[tokio::test]
async fn a_new_token_that_does_not_work_is_deleted_again_and_the_old_one_kept() {
    let (env, emulator, before) = setup();
    emulator
        .fail(json!({"method": "GET", "path": "/v2/currentOrg", "action": "401", "count": 0}))
        .await;
    let out = astra(&env, &["token", "rotate"]);
    assert_exit(&out, 6, "the check failed");
    let err = stderr(&out);
    assert!(
        err.contains("was deleted again; token aaaaaaaaaaaaaaaaaaaaaaaa still works."),
        "{err}"
    );
    assert_eq!(file(&env), before);
    let requests = sent(&emulator).await;
    let last = requests.last().unwrap();
    assert!(
        last.starts_with("DELETE /v2/clientIdSecrets/")
            && last.ends_with("by aaaa")
            && !last.contains(OLD),
        "{requests:?}"
    );
    assert_exit(
        &astra(&env, &["token", "list"]),
        0,
        "the old token still works",
    );
}

#[tokio::test]
async fn a_failed_delete_keeps_both_tokens_and_says_how_to_finish() {
    let (env, emulator, _) = setup();
    let path = format!("/v2/clientIdSecrets/{OLD}");
    emulator
        .fail(json!({"method": "DELETE", "path": path, "action": "400", "count": 0}))
        .await;
    let out = astra(&env, &["token", "rotate", "-o", "json"]);
    assert_exit(&out, 10, "delete failed");
    let json: Value = parse_json(&out);
    assert_eq!(json["code"], "PARTIAL_FAILURE");
    assert!(json["message"].as_str().unwrap().starts_with(&format!(
        "Error: Token {OLD} was rotated, but it could not be deleted"
    )));
    assert_eq!(json["data"]["oldDeleted"], false);
    assert_eq!(json["data"]["profile"], "default");
    assert!(json["data"].get("token").is_none());
    assert_eq!(
        json["nextSteps"][0]["command"],
        format!("astra token delete {OLD}")
    );
    assert_ne!(saved_token(&env), TOKEN, "the new token is saved");
    assert_exit(&astra(&env, &["org"]), 0, "the new token works");
}

#[tokio::test]
async fn where_the_new_token_goes_is_checked_before_any_request() {
    let (env, emulator, _) = setup();
    let flag = astra(
        &env,
        &[
            "token",
            "rotate",
            "--token",
            TOKEN,
            "--env",
            "local",
            "--local-endpoint",
            &emulator.endpoint,
        ],
    );
    assert_exit(&flag, 3, "no profile to save into");
    assert!(
        stderr(&flag).contains("--save-profile NAME"),
        "{}",
        stderr(&flag)
    );
    let elsewhere = astra(&env, &["token", "rotate", "--save-profile", "other"]);
    assert_exit(
        &elsewhere,
        3,
        "another profile would leave default with a deleted token",
    );
    let bad_expiry = astra(&env, &["token", "rotate", "-x", "2020-01-01T00:00:00Z"]);
    assert_exit(&bad_expiry, 3, "expiry in the past");
    assert!(emulator.requests().await.is_empty());
    let plan = astra(&env, &["token", "rotate", "--dry-run", "--exit-code"]);
    assert_exit(&plan, 11, "dry run with --exit-code");
    assert!(stdout(&plan).starts_with(&format!("Would rotate token {OLD}: create a token with the same roles, check it, save it in profile 'default', then delete token {OLD}.")));
    assert!(emulator.writes().await.is_empty());
    let missing = astra(&env, &["token", "rotate", "nosuchtokennosuchtokenxx"]);
    assert_exit(&missing, 5, "no such token");
}

/// `astra token rotate FLAGS` from the profile in `.astrarc`, started in the background and
/// returned once its create has reached the emulator.
async fn rotate_once_the_create_is_sent(
    env: &TestEnv,
    emulator: &Emulator,
    flags: &[&str],
) -> std::process::Child {
    let child = env
        .spawnable_at(&emulator.endpoint)
        .env_remove("ASTRA_DB_APPLICATION_TOKEN")
        .env_remove("ASTRA_ENV")
        .env_remove("ASTRA_LOCAL_ENDPOINT")
        .args(["token", "rotate"])
        .args(flags)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(
        "the create never came",
        std::time::Duration::from_secs(10),
        || async {
            emulator
                .requests()
                .await
                .iter()
                .any(|r| r["method"] == "POST")
        },
    )
    .await;
    child
}

#[tokio::test]
async fn ctrl_c_after_the_create_still_saves_the_new_token_and_keeps_the_old_one() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&["--token", TOKEN, "--latency", "400"]);
    env.write(".astrarc", &astrarc(&emulator));
    let child = rotate_once_the_create_is_sent(&env, &emulator, &["-o", "json"]).await;
    send_signal(&child, "-INT");
    let output = child.wait_with_output().unwrap();
    assert_exit(&output, 130, "interrupted after the create");
    let json = parse_json(&output);
    assert_eq!(json["code"], "EXECUTION_CANCELLED");
    assert_eq!(json["data"]["oldDeleted"], false);
    assert_eq!(json["data"]["profile"], "default");
    assert_ne!(saved_token(&env), TOKEN, "the new token was saved");
    let methods: Vec<String> = emulator.writes().await.iter().map(call_line).collect();
    assert_eq!(
        methods,
        ["POST /v2/clientIdSecrets"],
        "no delete after the signal"
    );
}

/// (4) fails: the profile cannot be written (here the file is replaced by a directory while the
/// new token is being created). The new token is deleted again with the token in use, and the
/// command fails with the file's error.
#[tokio::test]
async fn a_profile_that_cannot_be_written_deletes_the_new_token_again() {
    let env = TestEnv::new();
    let emulator = Emulator::start(&["--token", TOKEN, "--latency", "300"]);
    env.write(".astrarc", &astrarc(&emulator));
    let child = rotate_once_the_create_is_sent(&env, &emulator, &[]).await;
    let path = env.path(".astrarc");
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_exit(&output, 4, "the profile cannot be written");
    let err = stderr(&output);
    assert!(
        err.contains("was deleted again; token aaaaaaaaaaaaaaaaaaaaaaaa still works."),
        "{err}"
    );
    let writes: Vec<String> = emulator.writes().await.iter().map(call_line).collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert_eq!(writes[0], "POST /v2/clientIdSecrets");
    assert!(
        writes[1].starts_with("DELETE /v2/clientIdSecrets/") && !writes[1].ends_with(OLD),
        "{writes:?}"
    );
    assert!(!err.contains("AstraCS:") || err.contains("****"), "{err}");
}

/// SPEC §6: a rotated token is shown on stdout only when printed, never on stderr, in `-V`'s log
/// or in a `--dump-logs` file; a saved one is never shown at all.
#[tokio::test]
async fn the_new_secret_never_reaches_stderr_the_verbose_log_or_a_log_file() {
    let (env, _emulator, _) = setup();
    let log = env.path("rotate.log");
    let dump = format!("--dump-logs={}", log.display());
    let printed = astra(&env, &["token", "rotate", CI_CLIENT, "-V", &dump]);
    assert_exit(&printed, 0, "printed");
    let shown = stdout(&printed)
        .lines()
        .find(|l| l.starts_with("AstraCS:"))
        .unwrap()
        .to_owned();
    let secret = shown.rsplit(':').next().unwrap();
    assert!(!stderr(&printed).contains(secret), "{}", stderr(&printed));
    assert!(!std::fs::read_to_string(&log).unwrap().contains(secret));
    let saved = astra(&env, &["token", "rotate", "-V", &dump]);
    assert_exit(&saved, 0, "saved");
    let new = saved_token(&env);
    let secret = new.rsplit(':').next().unwrap();
    assert!(!stdout(&saved).contains(secret) && !stderr(&saved).contains(secret));
    assert!(!std::fs::read_to_string(&log).unwrap().contains(secret));
}

/// SPEC §1.12, step (4): a printed token that stdout cannot take (full, or a pipe already
/// closed) reached nowhere: it is deleted again with the token in use, the old one stays, and
/// the command is OUTPUT_FAILED (exit 1), without the hint to delete the old token.
#[tokio::test]
async fn a_printed_token_that_stdout_cannot_take_is_deleted_again() {
    let (env, emulator, before) = setup();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };
    let stdouts: [(&str, std::process::Stdio); 2] = [
        ("No space left on device", full().into()),
        ("Broken pipe", closed().into()),
    ];
    for (why, stdout) in stdouts {
        emulator.clear_requests().await;
        // The profile's token, as every test here: only stdout differs.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_astra"))
            .env_clear()
            .env("HOME", env.home.path())
            .args(["token", "rotate", CI_CLIENT])
            .stdout(stdout)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{why}: {err}");
        assert!(
            err.contains(&format!("Error: cannot write to standard output: {why}")),
            "{err}"
        );
        let calls = sent(&emulator).await;
        let created = calls
            .iter()
            .find_map(|c| c.strip_prefix("DELETE /v2/clientIdSecrets/"))
            .and_then(|rest| rest.split_once(" by "))
            .map(|(id, by)| (id.to_owned(), by.to_owned()))
            .unwrap_or_else(|| panic!("no delete: {calls:?}"));
        assert_eq!(
            created.1,
            &TOKEN["AstraCS:".len()..][..4],
            "with the token in use"
        );
        assert!(
            err.ends_with(&format!(
                "The new token {} reached nowhere: it is deleted again, and token {CI_CLIENT} is kept.\n",
                created.0
            )),
            "{err}"
        );
        assert!(!err.contains("AstraCS:"), "{err}");
        assert!(
            !err.contains("astra token delete"),
            "no hint to delete the old one: {err}"
        );
        let listed = astra(&env, &["token", "list", "-o", "json"]);
        let ids: Vec<String> = parse_json(&listed)["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", stderr(&listed)))
            .iter()
            .map(|t| t["clientId"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            ids.contains(&CI_CLIENT.to_owned()) && !ids.contains(&created.0),
            "{ids:?}"
        );
    }
    assert_eq!(file(&env), before);
}
