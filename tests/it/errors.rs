//! HTTP failures: 401, 403, 4xx, 5xx, retries, malformed replies, refused connections, timeouts.
//! Each gives its code and exit status, and never a panic or a backtrace.

use std::time::Duration;

use insta::assert_snapshot;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn errors_body(message: &str) -> serde_json::Value {
    json!({"errors": [{"ID": 1234, "message": message}]})
}

async fn failing(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/organizations/users"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn assert_clean(output: &std::process::Output) {
    let text = format!("{}{}", stdout(output), stderr(output));
    assert!(
        !text.contains("panicked")
            && !text.contains("backtrace")
            && !text.contains("RUST_BACKTRACE"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "token leaked: {text}");
}

#[tokio::test]
async fn unauthorized_names_the_token_source_and_suggests_env() {
    let server = failing(401, errors_body("The token is not valid")).await;
    let env = TestEnv::new();
    let output = env
        .astra_with_flag(&endpoint(&server))
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6));
    assert!(
        stderr(&output).contains("came from --token"),
        "{}",
        stderr(&output)
    );
    let output = env.run_at(&endpoint(&server), &["user", "list", "-o", "json"]);
    assert_eq!(output.status.code(), Some(6));
    let value = parse_json(&output);
    assert_eq!(value["code"], "UNAUTHORIZED");
    assert!(value["message"]
        .as_str()
        .unwrap()
        .contains("GET /organizations/users returned 401 Unauthorized: The token is not valid"));
    assert!(value["message"]
        .as_str()
        .unwrap()
        .contains("the ASTRA_DB_APPLICATION_TOKEN variable"));
    assert_clean(&output);
    assert_eq!(received(&server).await.len(), 2, "401 is not retried");
}

#[tokio::test]
async fn forbidden_is_exit_6_with_its_own_code() {
    let server = failing(403, errors_body("missing org-user-read")).await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["user", "list"]);
    assert_snapshot!(
        "forbidden_human",
        transcript(&output).replace(&server.uri(), "http://[SERVER]")
    );
}

#[tokio::test]
async fn a_500_is_not_retried_and_is_a_server_error() {
    let server = failing(500, errors_body("boom")).await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["user", "list", "-o", "csv"]);
    assert_snapshot!("server_error_csv", transcript(&output));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn transient_failures_are_retried_and_retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/organizations/users"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/organizations/users"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["user", "list", "-V", "-o", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(received(&server).await.len(), 3);
    let log = stderr(&output);
    let waited = retry_delays(&log);
    assert!(
        (2000..=2400).contains(&waited[0])
            && log.contains(" ms: GET /organizations/users returned 429 Too Many Requests"),
        "Retry-After plus up to 20 %: {log}"
    );
    assert!(log.contains("returned 503 Service Unavailable"), "{log}");
}

#[tokio::test]
async fn persistent_503_gives_up_after_120_s_of_waiting() {
    let server = failing(503, errors_body("maintenance")).await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["user", "list", "-o", "json"]);
    assert_eq!(output.status.code(), Some(8));
    assert_eq!(parse_json(&output)["code"], "SERVER_ERROR");
    assert!(parse_json(&output)["message"]
        .as_str()
        .unwrap()
        .contains("maintenance"));
    assert_eq!(received(&server).await.len(), REFUSALS_WITHIN_120_S);
}

#[tokio::test]
async fn a_rejected_request_carries_the_api_message() {
    let server = api().await;
    Mock::given(method("PUT"))
        .and(path("/v2/organizations/users"))
        .respond_with(ResponseTemplate::new(400).set_body_json(errors_body("invalid email domain")))
        .mount(&server)
        .await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &["user", "invite", "x@y.z", "-r", "R/W User"],
    );
    assert_snapshot!("rejected_human", transcript(&output));
    let plain = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(409).set_body_string("conflict in plain text"))
        .mount(&plain)
        .await;
    let output = env.run_at(&endpoint(&plain), &["role", "list", "-o", "json"]);
    assert_eq!(output.status.code(), Some(9));
    assert!(parse_json(&output)["message"]
        .as_str()
        .unwrap()
        .ends_with("returned 409 Conflict: conflict in plain text."));
}

#[tokio::test]
async fn a_non_json_body_is_a_bad_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let env = TestEnv::new();
    for args in [["user", "list"], ["role", "list"]] {
        let output = env
            .astra_at(&endpoint(&server))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(8));
        assert!(stderr(&output).starts_with("Error: Unexpected reply from the Astra DevOps API: the response to GET /organizations/"), "{}", stderr(&output));
        assert_clean(&output);
    }
}

#[test]
fn a_refused_connection_is_connection_failed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = TestEnv::new();
    let output = env.run_at(&format!("http://127.0.0.1:{port}/v2"), &["user", "list"]);
    assert_eq!(output.status.code(), Some(8));
    let text = stderr(&output).replace(&port.to_string(), "PORT");
    assert_snapshot!("connection_refused", text);
    assert_clean(&output);
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let env = TestEnv::new();
    let output = env
        .astra_at(&endpoint(&server))
        .env("ASTRA_HTTP_TIMEOUT", "0.3")
        .args(["user", "list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(8));
    assert_eq!(parse_json(&output)["code"], "TIMED_OUT");
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn a_delete_retried_into_a_404_counts_as_deleted() {
    let server = MockServer::start().await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    let route = format!("/v2/organizations/users/{ALICE}");
    Mock::given(method("DELETE"))
        .and(path(route.as_str()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(route.as_str()))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["user", "delete", ALICE, "-o", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(parse_json(&output)["data"], json!({"wasDeleted": true}));
}

/// One message rule (README): the original's text everywhere, `Error: ` on every message whose
/// code is not `OK`, the blank lines kept in JSON and each message on one line in CSV.
#[test]
fn a_message_keeps_its_paragraphs_in_json_and_is_one_line_in_csv() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let args = ["user", "delete", "a@x.io", "b@x.io", "--concurrency", "1"];
    let csv = env.run_at(&emulator.endpoint, &[&args[..], &["-o", "csv"]].concat());
    assert_exit(&csv, 10, "both missing");
    let text = stdout(&csv);
    assert_eq!(
        text.lines().count(),
        3,
        "a header and one line per item:\n{text}"
    );
    assert!(
        text.contains(
            ",\"Error: User 'a@x.io' does not exist in this organization. This may be expected,"
        ),
        "{text}"
    );
    let json = parse_json(&env.run_at(&emulator.endpoint, &[&args[..], &["-o", "json"]].concat()));
    assert!(json["message"]
        .as_str()
        .unwrap()
        .starts_with("Error: 2 of 2 changes failed"));
    let item = json["data"][0]["message"].as_str().unwrap();
    assert!(
        item.starts_with(
            "Error: User 'a@x.io' does not exist in this organization.\n\nThis may be expected,"
        ),
        "{item}"
    );
}
