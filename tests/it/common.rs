//! A hermetic environment per test: an empty HOME, no inherited variables, no retry delays.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::{json, Value};
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const TOKEN: &str = "AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:0000000000000000000000000000000000000000000000000000000000000001";
pub const TOKEN_B: &str = "AstraCS:bbbbbbbbbbbbbbbbbbbbbbbb:0000000000000000000000000000000000000000000000000000000000000002";
pub const TOKEN_C: &str = "AstraCS:cccccccccccccccccccccccc:0000000000000000000000000000000000000000000000000000000000000003";
pub const MASKED: &str = "AstraCS:aaaa****0001";

pub const ORG: &str = "11111111-2222-4333-8444-555555555555";
pub const ALICE: &str = "ae2f3b2c-4d5e-4f70-8a9b-0c1d2e3f4a5b";
pub const BOB: &str = "be2f3b2c-4d5e-4f70-8a9b-0c1d2e3f4a5b";
pub const RW_USER: &str = "b4ed0e9e-67e8-47b6-8b58-c6629be961a9";
pub const BILLING: &str = "c4ed0e9e-67e8-47b6-8b58-c6629be961a9";
pub const DB_ADMIN: &str = "d4ed0e9e-67e8-47b6-8b58-c6629be961a9";

pub struct TestEnv {
    pub home: TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        Self {
            home: TempDir::new().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `astra` with nothing inherited: HOME is the temp dir, no token anywhere.
    pub fn astra(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_astra"));
        command
            .env_clear()
            .env("HOME", self.home.path())
            .env("ASTRA_TEST_NO_RETRY_DELAY", "1");
        command
    }

    /// Runs `astra ARGS` pointed at `endpoint` (…/v2) and returns what it printed.
    pub fn run_at(&self, endpoint: &str, args: &[&str]) -> std::process::Output {
        self.astra_at(endpoint)
            .args(args)
            .output()
            .expect("run astra")
    }

    /// Runs `astra ARGS` with no token anywhere.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.astra().args(args).output().expect("run astra")
    }

    /// `astra --token TOKEN --env local --local-endpoint ENDPOINT`: the token from the flag.
    pub fn astra_with_flag(&self, endpoint: &str) -> Command {
        let mut command = self.astra();
        command.args([
            "--token",
            TOKEN,
            "--env",
            "local",
            "--local-endpoint",
            endpoint,
        ]);
        command
    }

    /// The same as [`TestEnv::astra_at`] as a plain `std` command, for tests that spawn it or
    /// redirect its streams.
    pub fn spawnable_at(&self, endpoint: &str) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_astra"));
        command
            .env_clear()
            .env("HOME", self.home.path())
            .env("ASTRA_TEST_NO_RETRY_DELAY", "1")
            .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN)
            .env("ASTRA_ENV", "local")
            .env("ASTRA_LOCAL_ENDPOINT", endpoint);
        command
    }

    /// `astra` pointed at `endpoint` (…/v2) through the token variable.
    pub fn astra_at(&self, endpoint: &str) -> Command {
        let mut command = self.astra();
        command
            .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN)
            .env("ASTRA_ENV", "local")
            .env("ASTRA_LOCAL_ENDPOINT", endpoint);
        command
    }
}

pub fn endpoint(server: &MockServer) -> String {
    format!("{}/v2", server.uri())
}

pub fn role(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "policy": {
            "description": name,
            "resources": [format!("drn:astra:org:{ORG}")],
            "actions": ["db-table-select", "db-cql"],
            "effect": "allow"
        },
        "last_update_date_time": "0001-01-01T00:00:00Z",
        "last_update_user_id": ""
    })
}

pub fn roles() -> Value {
    json!([
        role(RW_USER, "R/W User"),
        role(BILLING, "Billing Admin"),
        role(DB_ADMIN, "Database Administrator")
    ])
}

pub fn users() -> Value {
    json!({
        "OrgID": ORG,
        "OrgName": "Test Org",
        "Users": [
            {"UserID": ALICE, "Email": "alice@example.bob", "Status": "active", "Roles": [{"ID": RW_USER, "Name": "R/W User"}]},
            {"UserID": BOB, "Email": "Bob@Example.bob", "Status": "invited", "Roles": [{"ID": RW_USER, "Name": "R/W User"}, {"ID": BILLING, "Name": "Billing Admin"}]}
        ]
    })
}

/// A mock API that serves the fixtures above for the read calls.
pub async fn api() -> MockServer {
    let server = MockServer::start().await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    mount_json(&server, "GET", "/v2/organizations/roles", roles()).await;
    server
}

pub async fn mount_json(server: &MockServer, verb: &str, route: &str, body: Value) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

pub async fn mount_status(server: &MockServer, verb: &str, route: &str, status: u16) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status))
        .mount(server)
        .await;
}

/// The calls the server received, as `METHOD /path`.
pub async fn calls(server: &MockServer) -> Vec<String> {
    received(server)
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON body")
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit status, stdout and stderr in one text, for snapshots.
pub fn transcript(output: &std::process::Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        stdout(output),
        stderr(output)
    )
}

/// The string `key` of every object in a JSON array (`data` of a list or a batch).
pub fn field<'a>(array: &'a Value, key: &str) -> Vec<&'a str> {
    let items = array.as_array().expect("a JSON array");
    items
        .iter()
        .map(|item| item[key].as_str().unwrap())
        .collect()
}

/// Asserts the exit status; on a mismatch the message shows `context` and the whole run.
#[track_caller]
pub fn assert_exit(output: &std::process::Output, code: i32, context: impl std::fmt::Display) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{context}\n{}",
        transcript(output)
    );
}

pub fn parse_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {}", stdout(output)))
}

/// A request the emulator recorded, as `METHOD /path`.
pub fn call_line(request: &Value) -> String {
    format!(
        "{} {}",
        request["method"].as_str().unwrap_or_default(),
        request["path"].as_str().unwrap_or_default()
    )
}

/// A running `astra-emulator serve` on a free loopback port, stopped on drop.
/// `astra ARGS` pointed at the emulator.
pub fn run(env: &TestEnv, emulator: &Emulator, args: &[&str]) -> std::process::Output {
    env.run_at(&emulator.endpoint, args)
}

/// `astra user apply FILE FLAGS…` against the emulator.
pub fn apply(
    env: &TestEnv,
    emulator: &Emulator,
    file: &std::path::Path,
    flags: &[&str],
) -> std::process::Output {
    let mut args = vec!["user", "apply", file.to_str().unwrap()];
    args.extend(flags);
    run(env, emulator, &args)
}

pub struct Emulator {
    child: Child,
    pub endpoint: String,
    pub base: String,
    _dir: TempDir,
}

impl Emulator {
    pub fn start(extra_args: &[&str]) -> Self {
        Self::start_with("http", extra_args)
    }

    /// `astra-emulator --tls --ca-file CA serve`: HTTPS on 127.0.0.1 with a throwaway CA.
    pub fn start_tls(ca_file: &Path) -> Self {
        Self::start_with("https", &["--tls", "--ca-file", ca_file.to_str().unwrap()])
    }

    fn start_with(scheme: &str, extra_args: &[&str]) -> Self {
        let dir = TempDir::new().unwrap();
        let port_file = dir.path().join("port");
        let child = std::process::Command::new(emulator_binary())
            .args(extra_args)
            .arg("serve")
            .arg("--port-file")
            .arg(&port_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start astra-emulator");
        let started = Instant::now();
        let port = loop {
            if let Ok(port) = std::fs::read_to_string(&port_file) {
                if !port.is_empty() {
                    break port;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "astra-emulator did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let base = format!("{scheme}://127.0.0.1:{}", port.trim());
        Self {
            child,
            endpoint: format!("{base}/v2"),
            base,
            _dir: dir,
        }
    }

    pub async fn control(&self, verb: reqwest::Method, route: &str, body: Option<Value>) -> Value {
        let _ = rustls::crypto::ring::default_provider().install_default();
        // The test's own control calls trust the throwaway CA of `--tls` without looking.
        let client = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .build()
            .expect("control client");
        let mut request = client.request(verb, format!("{}{route}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("emulator control call");
        assert!(
            response.status().is_success(),
            "{route}: {}",
            response.status()
        );
        response.json().await.unwrap_or(Value::Null)
    }

    pub async fn fail(&self, rule: Value) {
        self.control(reqwest::Method::POST, "/_emulator/faults", Some(rule))
            .await;
    }

    pub async fn requests(&self) -> Vec<Value> {
        let value = self
            .control(reqwest::Method::GET, "/_emulator/requests", None)
            .await;
        value.as_array().cloned().unwrap_or_default()
    }

    /// The calls that change something (every method but GET), in the order they came.
    pub async fn writes(&self) -> Vec<Value> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| r["method"] != "GET")
            .collect()
    }

    pub async fn clear_requests(&self) {
        self.control(reqwest::Method::DELETE, "/_emulator/requests", None)
            .await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The emulator binary beside `astra`; built on demand, with the same profile, when only this
/// package was built (`cargo test -p astra-cli`, cargo-mutants' `mutants` profile).
fn emulator_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    let astra = Path::new(env!("CARGO_BIN_EXE_astra"));
    let binary = astra.with_file_name(format!("astra-emulator{}", std::env::consts::EXE_SUFFIX));
    // Rebuilt when older than its sources: a stale emulator (`cargo test -p astra-cli`, a
    // cargo-mutants copy) would test the CLI against yesterday's API.
    BUILT.get_or_init(|| {
        if !is_older_than_its_sources(&binary) {
            return;
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let profile = match astra.parent().and_then(Path::file_name) {
            Some(dir) if dir != "debug" => dir.to_string_lossy().into_owned(),
            _ => "dev".to_owned(),
        };
        let status = std::process::Command::new(cargo)
            .args(["build", "-q", "-p", "astra-emulator", "--profile", &profile])
            .status()
            .expect("cargo build");
        assert!(status.success(), "cannot build astra-emulator");
    });
    binary
}

fn is_older_than_its_sources(binary: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let Some(built) = modified(binary) else {
        return true;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("emulator");
    let mut sources = vec![root.join("Cargo.toml")];
    if let Ok(entries) = std::fs::read_dir(root.join("src")) {
        sources.extend(entries.flatten().map(|entry| entry.path()));
    }
    sources
        .iter()
        .any(|source| modified(source).is_some_and(|at| at > built))
}

/// A 429 or 503 without `Retry-After` is waited out for 120 s in all (SPEC §7.2): 200 ms doubling
/// to 5 s, 0.2 + 0.4 + 0.8 + 1.6 + 3.2 + 22 × 5 = 116.2 s, so 27 retries, 28 requests.
pub const REFUSALS_WITHIN_120_S: usize = 28;

/// The delays of `-V`'s `retrying in N ms` lines.
pub fn retry_delays(log: &str) -> Vec<u64> {
    log.lines()
        .filter_map(|line| line.split("retrying in ").nth(1))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

/// Polls `ready` until it says yes; the test fails with `what` after `within`.
pub async fn wait_until<F, Fut>(what: &str, within: Duration, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(started.elapsed() < within, "{what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Sends `signal` (`-INT`, `-TERM`) to `child`, as a terminal or a supervisor would.
pub fn send_signal(child: &Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal}");
}
