//! The fault matrix: what the service (or the machine) does wrong, and what the user must see.
//! Every row runs with `-o json` (stdout must stay one valid JSON document) and checks the exit
//! status, the code, a fragment of the message, the number of requests the server saw, and that
//! no panic, backtrace or token is printed.

use std::io::Write as _;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::*;

const USERS: &str = "/v2/organizations/users";

/// One reply, `times` times (0 = forever); replies are served in the order given.
struct Step {
    reply: ResponseTemplate,
    times: u64,
}

fn step(status: u16) -> Step {
    Step {
        reply: ResponseTemplate::new(status),
        times: 1,
    }
}

fn always(reply: ResponseTemplate) -> Step {
    Step { reply, times: 0 }
}

impl Step {
    fn times(mut self, n: u64) -> Self {
        self.times = n;
        self
    }
}

async fn serve(verb: &str, route: &str, steps: Vec<Step>) -> MockServer {
    let server = MockServer::start().await;
    mount_steps(&server, verb, route, steps).await;
    server
}

async fn mount_steps(server: &MockServer, verb: &str, route: &str, steps: Vec<Step>) {
    for (priority, step) in steps.into_iter().enumerate() {
        let mock = Mock::given(method(verb))
            .and(path(route))
            .respond_with(step.reply)
            .with_priority(u8::try_from(priority + 1).unwrap());
        let mock = if step.times > 0 {
            mock.up_to_n_times(step.times)
        } else {
            mock
        };
        mock.mount(server).await;
    }
}

fn json_body(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn raw_body(status: u16, body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

struct Expect {
    exit: i32,
    code: &'static str,
    fragment: &'static str,
    requests: usize,
}

fn expect(exit: i32, code: &'static str, fragment: &'static str, requests: usize) -> Expect {
    Expect {
        exit,
        code,
        fragment,
        requests,
    }
}

fn check(name: &str, output: &std::process::Output, want: &Expect, requests: usize) {
    let label = format!("{name}\n{}", transcript(output));
    assert_eq!(output.status.code(), Some(want.exit), "{label}");
    let value = parse_json(output);
    assert_eq!(value["code"], want.code, "{label}");
    let message = value["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(want.fragment),
        "{label}\nmissing: {}",
        want.fragment
    );
    assert!(message.starts_with("Error: "), "{label}");
    let text = format!("{}{}", stdout(output), stderr(output));
    assert!(
        !text.contains("panicked") && !text.contains("backtrace"),
        "{label}"
    );
    assert!(!text.contains(&TOKEN[40..]), "{label}\ntoken leaked");
    assert_eq!(requests, want.requests, "{label}\nrequests");
}

async fn run_row(name: &str, server: &MockServer, args: &[&str], want: Expect) {
    let env = TestEnv::new();
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let output = env.run_at(&endpoint(server), &all);
    let count = received(server).await.len();
    check(name, &output, &want, count);
}

#[tokio::test]
async fn status_and_body_faults_give_their_documented_errors() {
    let token_echo = format!("bad request from Bearer {TOKEN}");
    let big = vec![b'x'; 50 * 1024 * 1024];
    let rows: Vec<(&str, Vec<Step>, Expect)> = vec![
        (
            "500 once, not retried",
            vec![always(json_body(
                500,
                json!({"errors": [{"message": "boom"}]}),
            ))],
            expect(8, "SERVER_ERROR", "500 Internal Server Error: boom", 1),
        ),
        (
            "502 every time",
            vec![always(ResponseTemplate::new(502))],
            expect(8, "SERVER_ERROR", "502 Bad Gateway", 4),
        ),
        (
            "503 every time",
            vec![always(ResponseTemplate::new(503))],
            expect(
                8,
                "SERVER_ERROR",
                "503 Service Unavailable",
                REFUSALS_WITHIN_120_S,
            ),
        ),
        (
            "504 every time",
            vec![always(ResponseTemplate::new(504))],
            expect(8, "SERVER_ERROR", "504 Gateway Timeout", 4),
        ),
        (
            "429 every time",
            vec![always(ResponseTemplate::new(429))],
            expect(
                8,
                "SERVER_ERROR",
                "429 Too Many Requests",
                REFUSALS_WITHIN_120_S,
            ),
        ),
        (
            "400 with an errors body",
            vec![always(json_body(
                400,
                json!({"errors": [{"ID": 1, "message": "bad org"}]}),
            ))],
            expect(9, "REQUEST_REJECTED", "400 Bad Request: bad org", 1),
        ),
        (
            "400 without a body",
            vec![always(ResponseTemplate::new(400))],
            expect(9, "REQUEST_REJECTED", "returned 400 Bad Request.", 1),
        ),
        (
            "404 on the list",
            vec![always(ResponseTemplate::new(404))],
            expect(9, "REQUEST_REJECTED", "404 Not Found", 1),
        ),
        (
            "409",
            vec![always(ResponseTemplate::new(409))],
            expect(9, "REQUEST_REJECTED", "409 Conflict", 1),
        ),
        (
            "401",
            vec![always(ResponseTemplate::new(401))],
            expect(6, "UNAUTHORIZED", "The token was rejected", 1),
        ),
        (
            "403",
            vec![always(ResponseTemplate::new(403))],
            expect(6, "FORBIDDEN", "not allowed", 1),
        ),
        (
            "an errors body echoing the token",
            vec![always(json_body(
                400,
                json!({"errors": [{"message": token_echo}]}),
            ))],
            expect(9, "REQUEST_REJECTED", "Bearer AstraCS:aaaa****0001", 1),
        ),
        (
            "a plain-text body echoing the token",
            vec![always(raw_body(400, token_echo.clone()))],
            expect(9, "REQUEST_REJECTED", "Bearer AstraCS:aaaa****0001", 1),
        ),
        (
            "200 with a non-JSON body",
            vec![always(raw_body(200, "<html>hello</html>"))],
            expect(8, "BAD_RESPONSE", "not the documented JSON", 1),
        ),
        (
            "200 with wrong-shape JSON",
            vec![always(json_body(200, json!([1, 2, 3])))],
            expect(8, "BAD_RESPONSE", "not the documented JSON", 1),
        ),
        (
            "200 with users of the wrong type",
            vec![always(json_body(200, json!({"Users": [{"UserID": 7}]})))],
            expect(8, "BAD_RESPONSE", "invalid type", 1),
        ),
        (
            "200 with an empty body",
            vec![always(raw_body(200, ""))],
            expect(8, "BAD_RESPONSE", "empty body with status 200 OK", 1),
        ),
        (
            "200 with a truncated body",
            vec![always(raw_body(
                200,
                "{\"OrgID\": \"o\", \"Users\": [{\"UserID\": \"u\"",
            ))],
            expect(8, "BAD_RESPONSE", "EOF while parsing", 1),
        ),
        (
            "200 with a 50 MB body",
            vec![always(raw_body(200, big))],
            expect(8, "BAD_RESPONSE", "not the documented JSON", 1),
        ),
        (
            "502 then 503 then 504, then 500",
            vec![
                step(502),
                step(503),
                step(504),
                always(ResponseTemplate::new(500)),
            ],
            expect(8, "SERVER_ERROR", "500", 4),
        ),
        (
            "429 three times then 400",
            vec![
                step(429),
                step(429),
                step(429),
                always(ResponseTemplate::new(400)),
            ],
            expect(9, "REQUEST_REJECTED", "400", 4),
        ),
    ];
    for (name, steps, want) in rows {
        let server = serve("GET", USERS, steps).await;
        run_row(name, &server, &["user", "list"], want).await;
    }
}

/// By id, `user get` and `user roles` read `GET /users/{id}`: only a 404 means "no such user";
/// any other failure is the API's error, not a false USER_NOT_FOUND.
#[tokio::test]
async fn a_user_looked_up_by_id_is_missing_only_on_404() {
    let id = "4f8a0b1c-2d3e-4f50-8a6b-7c8d9e0f1a2b";
    let route = format!("{USERS}/{id}");
    for command in ["get", "roles"] {
        for (name, status, want) in [
            ("404", 404, expect(5, "USER_NOT_FOUND", "not found", 1)),
            (
                "500",
                500,
                expect(8, "SERVER_ERROR", "500 Internal Server Error", 1),
            ),
            (
                "400",
                400,
                expect(9, "REQUEST_REJECTED", "400 Bad Request", 1),
            ),
        ] {
            let server = serve("GET", &route, vec![always(ResponseTemplate::new(status))]).await;
            run_row(
                &format!("user {command}: {name}"),
                &server,
                &["user", command, id],
                want,
            )
            .await;
        }
    }
}

#[tokio::test]
async fn transient_faults_recover_within_four_attempts() {
    for (name, first, times) in [
        ("502 once", 502, 1),
        ("503 three times", 503, 3),
        ("504 twice", 504, 2),
        ("429 once", 429, 1),
    ] {
        let server = serve(
            "GET",
            USERS,
            vec![step(first).times(times), always(json_body(200, users()))],
        )
        .await;
        let env = TestEnv::new();
        let output = env.run_at(&endpoint(&server), &["user", "list", "-o", "json"]);
        assert_exit(&output, 0, name);
        assert_eq!(parse_json(&output)["code"], "OK");
        assert_eq!(received(&server).await.len(), times as usize + 1, "{name}");
    }
}

/// Replies 503 with a `Retry-After` first, then the users, and records when each request came.
struct Timed {
    seen: Arc<Mutex<Vec<Instant>>>,
    retry_after: String,
}

impl Respond for Timed {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut seen = self.seen.lock().unwrap();
        seen.push(Instant::now());
        if seen.len() == 1 {
            ResponseTemplate::new(503).insert_header("Retry-After", self.retry_after.as_str())
        } else {
            ResponseTemplate::new(200).set_body_json(users())
        }
    }
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_an_http_date() {
    let in_two_seconds = {
        let when = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(4);
        jiff::fmt::rfc2822::to_string(&when.to_zoned(jiff::tz::TimeZone::UTC)).unwrap()
    };
    for (name, header, at_least) in [
        ("seconds", "1".to_owned(), Duration::from_millis(950)),
        ("HTTP date", in_two_seconds, Duration::from_millis(1500)),
    ] {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(USERS))
            .respond_with(Timed {
                seen: seen.clone(),
                retry_after: header,
            })
            .mount(&server)
            .await;
        let env = TestEnv::new();
        let output = env
            .astra_at(&endpoint(&server))
            .env_remove("ASTRA_TEST_NO_RETRY_DELAY")
            .args(["user", "list", "-o", "json"])
            .output()
            .unwrap();
        assert_exit(&output, 0, name);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "{name}");
        let gap = seen[1] - seen[0];
        assert!(
            gap >= at_least && gap < Duration::from_secs(5),
            "{name}: {gap:?}"
        );
    }
}

#[tokio::test]
async fn a_delete_whose_retry_gets_404_counts_as_deleted() {
    let server = api().await;
    let route = format!("/v2/organizations/users/{ALICE}");
    mount_steps(
        &server,
        "DELETE",
        &route,
        vec![step(503), always(ResponseTemplate::new(404))],
    )
    .await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["user", "delete", ALICE, "-o", "json"]);
    assert_exit(&output, 0, "");
    assert_eq!(parse_json(&output)["data"], json!({"wasDeleted": true}));
}

#[test]
fn a_refused_connection_is_connection_failed_after_four_attempts() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = TestEnv::new();
    let output = env.run_at(
        &format!("http://127.0.0.1:{port}/v2"),
        &["user", "list", "-o", "json"],
    );
    let want = expect(8, "CONNECTION_FAILED", "Connection refused", 0);
    check("refused", &output, &want, 0);
}

#[tokio::test]
async fn latency_past_the_timeout_is_timed_out() {
    let server = serve(
        "GET",
        USERS,
        vec![always(
            json_body(200, users()).set_delay(Duration::from_secs(3)),
        )],
    )
    .await;
    let env = TestEnv::new();
    let output = env
        .astra_at(&endpoint(&server))
        .env("ASTRA_HTTP_TIMEOUT", "0.2")
        .args(["user", "list", "-o", "json"])
        .output()
        .unwrap();
    check(
        "timeout",
        &output,
        &expect(8, "TIMED_OUT", "timed out", 4),
        received(&server).await.len(),
    );
}

/// A server that reads a request, writes `reply`, then closes (gracefully or with a reset).
fn broken_server(reply: &'static [u8], reset: bool) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(Mutex::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            *seen.lock().unwrap() += 1;
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let _ = stream.write_all(reply);
            if reset {
                let _ = socket_linger_zero(&stream);
            }
            drop(stream);
        }
    });
    (format!("http://127.0.0.1:{port}/v2"), count)
}

/// SO_LINGER 0: closing the socket sends a RST instead of a FIN.
fn socket_linger_zero(stream: &std::net::TcpStream) -> std::io::Result<()> {
    socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO))
}

#[test]
fn a_connection_closed_or_reset_mid_response_is_connection_failed() {
    let half = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"OrgID\": \"o\", \"Us";
    for (name, reset) in [("FIN mid-body", false), ("RST mid-body", true)] {
        let (url, count) = broken_server(half, reset);
        let env = TestEnv::new();
        let output = env.run_at(&url, &["user", "list", "-o", "json"]);
        let attempts = *count.lock().unwrap();
        check(
            name,
            &output,
            &expect(8, "CONNECTION_FAILED", "Cannot connect", 4),
            attempts,
        );
    }
}

/// Starts `astra` against a server that never answers the invite PUT, sends `signal` once the PUT
/// has arrived, and returns what it printed.
async fn interrupted_invite(signal: &str) -> std::process::Output {
    let server = api().await;
    Mock::given(method("PUT"))
        .and(path(USERS))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&server)
        .await;
    let env = TestEnv::new();
    let log = env.path("run.log");
    let child = env
        .spawnable_at(&endpoint(&server))
        .args([
            "user",
            "invite",
            "new@example.com",
            "-r",
            "R/W User",
            "-o",
            "json",
        ])
        .arg(format!("--dump-logs={}", log.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the PUT never came", Duration::from_secs(20), || async {
        calls(&server).await.iter().any(|c| c.starts_with("PUT"))
    })
    .await;
    send_signal(&child, signal);
    let output = child.wait_with_output().unwrap();
    assert!(log.exists(), "--dump-logs is written on {signal}");
    output
}

#[tokio::test]
async fn sigint_and_sigterm_during_a_hang_are_reported() {
    for (signal, exit) in [("-INT", 130), ("-TERM", 143)] {
        let output = interrupted_invite(signal).await;
        let want = expect(exit, "EXECUTION_CANCELLED", "Interrupted", 0);
        check(signal, &output, &want, 0);
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_full_stdout_is_output_failed_and_a_closed_one_is_quiet() {
    let server = api().await;
    let env = TestEnv::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = env
        .spawnable_at(&endpoint(&server))
        .args(["user", "list", "-o", "json"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "Error: cannot write to standard output: No space left on device\n"
    );
    let closed = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' user list | head -c 1 >/dev/null",
            env!("CARGO_BIN_EXE_astra")
        ))
        .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN)
        .env("ASTRA_LOCAL_ENDPOINT", endpoint(&server))
        .env("HOME", env.home.path())
        .output()
        .unwrap();
    assert_eq!(stderr(&closed), "", "a closed pipe is not an error");

    // Help and version are output like any other (SPEC §5): a full stdout is exit 1, one line.
    for args in [
        vec!["--version"],
        vec!["user", "list", "--help"],
        vec!["user"],
        vec![],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_astra"))
            .args(&args)
            .env("HOME", env.home.path())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(
            stderr(&output),
            "Error: cannot write to standard output: No space left on device\n",
            "{args:?}"
        );
    }
}

#[tokio::test]
async fn retries_start_near_200_ms_and_grow_with_a_jitter_per_process() {
    let server = serve("GET", USERS, vec![always(ResponseTemplate::new(502))]).await;
    let env = TestEnv::new();
    let delays = |output: &std::process::Output| retry_delays(&stderr(output));
    let mut firsts = Vec::new();
    for _ in 0..4 {
        let output = env.run_at(&endpoint(&server), &["user", "list", "-V"]);
        let logged = delays(&output);
        assert_eq!(logged.len(), 3, "three retries: {}", stderr(&output));
        assert!((200..400).contains(&logged[0]), "first delay {logged:?}");
        assert!(
            logged[1] >= 400 && logged[2] >= 800,
            "exponential: {logged:?}"
        );
        firsts.push(logged[0]);
    }
    firsts.dedup();
    assert!(
        firsts.len() > 1,
        "the jitter differs between processes: {firsts:?}"
    );
}

/// `user list` writes as it goes, in 64 KiB pieces: a token the API put in 2,000 emails (so some
/// straddle a piece's end) is masked in every format, and a role the API described wrongly is
/// found before any JSON is written.
#[tokio::test]
async fn a_streamed_list_masks_tokens_across_pieces_and_checks_roles_first() {
    let secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let users: Vec<serde_json::Value> = (0..2000)
        .map(|i| {
            json!({
                "UserID": format!("u{i}"),
                "Email": format!("{}AstraCS:leakleakleakleakleakleak:{secret}@x.io", "p".repeat(i % 97)),
                "Status": "active",
                "Roles": [{"ID": "r1", "Name": "RO User"}]
            })
        })
        .collect();
    let server = serve(
        "GET",
        USERS,
        vec![always(json_body(
            200,
            json!({"OrgID": "o", "Users": users}),
        ))],
    )
    .await;
    let env = TestEnv::new();
    for format in ["json", "csv", "human"] {
        let output = env.run_at(&endpoint(&server), &["user", "list", "-o", format]);
        assert_eq!(output.status.code(), Some(0), "{format}");
        let text = stdout(&output);
        assert!(text.len() > 2 * 64 * 1024, "{format}: several pieces");
        assert!(!text.contains(&secret[8..56]), "{format}: a token leaked");
        assert_eq!(
            text.matches("AstraCS:leak****x.io").count(),
            2000,
            "{format}"
        );
    }

    let broken = serve(
        "GET",
        USERS,
        vec![always(json_body(
            200,
            json!({"OrgID": "o", "Users": [
                {"UserID": "u1", "Email": "a@x.io", "Roles": [{"ID": "r1"}]},
                {"UserID": "u2", "Email": "b@x.io", "Roles": [{"Name": "no id"}]}
            ]}),
        ))],
    )
    .await;
    let json = env.run_at(&endpoint(&broken), &["user", "list", "-o", "json"]);
    assert_eq!(json.status.code(), Some(8), "{}", transcript(&json));
    let value = parse_json(&json);
    assert_eq!(value["code"], "BAD_RESPONSE");
    assert!(value["message"]
        .as_str()
        .unwrap()
        .contains("missing field `id`"));
    assert_eq!(
        value["data"],
        serde_json::Value::Null,
        "no user was written before the error"
    );
    let csv = env.run_at(&endpoint(&broken), &["user", "list", "-o", "csv"]);
    assert_eq!(
        stdout(&csv),
        "code,message,user_id,user_email,status\nOK,,u1,a@x.io,\nOK,,u2,b@x.io,\n",
        "CSV shows no roles, so it does not need them"
    );
    // --role reads every user's roles, whatever --status keeps.
    let filtered = env.run_at(
        &endpoint(&broken),
        &[
            "user",
            "list",
            "--role",
            "0a570005-4e1a-4b5c-8d2e-000000000006",
            "--status",
            "invited",
            "-o",
            "csv",
        ],
    );
    assert_eq!(filtered.status.code(), Some(8), "{}", transcript(&filtered));
    assert!(stdout(&filtered).starts_with("code,message\nBAD_RESPONSE,"));
}

/// `user get EMAIL` reads the list as it arrives and stops at the user: found in any case, in a
/// body cut short after it, and a body that is not a users list is still BAD_RESPONSE.
#[tokio::test]
async fn a_user_found_by_email_is_read_from_the_list_as_it_arrives() {
    let users: Vec<serde_json::Value> = (0..3000)
        .map(|i| {
            json!({"UserID": format!("u{i}"), "Email": format!("user{i}@x.io"), "Status": "active",
                   "Roles": [{"ID": "r1", "Name": "RO User"}]})
        })
        .collect();
    let whole = serde_json::to_string(&json!({"OrgID": "o", "Users": users})).unwrap();
    let cut = &whole[..whole.find("user2001@").unwrap()];
    let env = TestEnv::new();
    for body in [whole.as_str(), cut] {
        let server = serve("GET", USERS, vec![always(raw_body(200, body))]).await;
        let output = env.run_at(
            &endpoint(&server),
            &["user", "get", "USER2000@X.IO", "-o", "json"],
        );
        assert_exit(&output, 0, "found");
        assert_eq!(
            parse_json(&output)["data"],
            json!({"UserID": "u2000", "Email": "user2000@x.io", "Status": "active",
                   "Roles": [{"ID": "r1", "Name": "RO User"}]})
        );
        assert_eq!(received(&server).await.len(), 1);
    }
    let server = serve("GET", USERS, vec![always(raw_body(200, cut))]).await;
    let output = env.run_at(
        &endpoint(&server),
        &["user", "get", "nobody@x.io", "-o", "json"],
    );
    assert_exit(&output, 8, "a list cut short holds no answer");
    assert_eq!(parse_json(&output)["code"], "BAD_RESPONSE");
    let server = serve(
        "GET",
        USERS,
        vec![always(raw_body(200, "<html>hello</html>"))],
    )
    .await;
    let output = env.run_at(&endpoint(&server), &["user", "get", "a@x.io", "-o", "json"]);
    assert_exit(&output, 8, "not a users list");
    assert!(stdout(&output).contains("expected a JSON object of users"));
}

/// SPEC §5: a 200 whose `Users` is not an array of users is BAD_RESPONSE (exit 8), never "not
/// found" (exit 5), for `user get EMAIL` (which scans the list) and `user list` alike; an empty
/// list is still an honest "not found".
#[tokio::test]
async fn a_users_list_of_the_wrong_shape_is_a_bad_response_not_a_missing_user() {
    let env = TestEnv::new();
    let shapes = [
        r#"{"OrgID": "o", "OrgName": "x", "Users": 42}"#,
        r#"{"OrgID": "o", "OrgName": "x", "Users": "owner@example.com"}"#,
        r#"{"OrgID": "o", "OrgName": "x", "Users": {"Email": "a@x.io"}}"#,
        r#"{"OrgID": "o", "OrgName": "x", "Users": null}"#,
        r#"{"OrgID": "o", "OrgName": "x"}"#,
        r#"{"OrgID": "o", "Other": [{"UserID": "u", "Email": "a@x.io"}]}"#,
    ];
    for body in shapes {
        let server = serve("GET", USERS, vec![always(raw_body(200, body))]).await;
        for args in [
            vec!["user", "get", "owner@example.com", "-o", "json"],
            vec!["user", "list", "-o", "json"],
        ] {
            let output = env.run_at(&endpoint(&server), &args);
            assert_exit(&output, 8, format_args!("{body} {args:?}"));
            assert_eq!(parse_json(&output)["code"], "BAD_RESPONSE", "{body}");
        }
    }
    let server = serve(
        "GET",
        USERS,
        vec![always(raw_body(200, r#"{"OrgID": "o", "Users": []}"#))],
    )
    .await;
    let output = env.run_at(&endpoint(&server), &["user", "get", "owner@example.com"]);
    assert_exit(&output, 5, "an empty list");
}
