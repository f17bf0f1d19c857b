//! The emulator over real HTTP: the API's shapes and statuses, state that changes and persists,
//! fault injection, token checks, and `exec`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const TOKEN: &str = "AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:0000000000000000000000000000000000000000000000000000000000000001";
const ORG: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";

struct Server {
    child: Child,
    base: String,
    _dir: tempdir::Dir,
}

mod tempdir {
    /// A scratch directory removed on drop (no extra dependency for one helper).
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(format!(
                "astra-emulator-{name}-{}-{}",
                std::process::id(),
                fastrand::u64(..)
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A plain-HTTP client; see the `rustls` dev-dependency for why a provider is installed.
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let dir = tempdir::Dir::new("serve");
        let port_file = dir.0.join("port");
        let child = Command::new(env!("CARGO_BIN_EXE_astra-emulator"))
            .args(args)
            .arg("serve")
            .arg("--port-file")
            .arg(&port_file)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let port = loop {
            match std::fs::read_to_string(&port_file) {
                Ok(port) if !port.is_empty() => break port,
                _ => {
                    assert!(started.elapsed() < Duration::from_secs(30), "did not start");
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        };
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let mut request = client()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.text().await.unwrap())
    }

    async fn json(&self, path: &str) -> Value {
        let (status, _, body) = self.call(Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn seeds_one_org_the_sixteen_standard_roles_and_a_few_users() {
    let server = Server::start(&[]);
    let roles = server.json("/v2/organizations/roles").await;
    let names: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Organization Administrator",
            "Database Administrator",
            "UI View Only",
            "Billing Admin",
            "Admin User",
            "RO User",
            "R/W User",
            "Admin Svc Acct",
            "RO Svc Acct",
            "R/W Svc Acct",
            "API Admin User",
            "API RO User",
            "API R/W User",
            "API Admin Svc Acct",
            "API RO Svc Acct",
            "API R/W Svc Acct"
        ]
    );
    let (_, _, raw) = server
        .call(Method::GET, "/v2/organizations/roles", None)
        .await;
    let first = &raw[..raw.find('}').unwrap()];
    let positions: Vec<usize> = [
        "\"id\"",
        "\"name\"",
        "\"policy\"",
        "\"last_update_date_time\"",
        "\"last_update_user_id\"",
    ]
    .iter()
    .map(|key| raw.find(key).unwrap())
    .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "keys in the API's order: {first}"
    );
    assert_eq!(roles[0]["policy"]["effect"], "allow");
    let role = server
        .json(&format!(
            "/v2/organizations/roles/{}",
            roles[6]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(role["name"], "R/W User");

    let users = server.json("/v2/organizations/users").await;
    assert_eq!(users["OrgID"], ORG);
    assert_eq!(users["Users"].as_array().unwrap().len(), 3);
    assert_eq!(
        users["Users"][0]["Roles"][0],
        json!({"ID": roles[0]["id"], "Name": "Organization Administrator"})
    );
    assert_eq!(server.json("/v2/currentOrg").await["id"], ORG);
}

#[tokio::test]
async fn invite_delete_and_set_roles_change_the_state() {
    let server = Server::start(&[]);
    let roles = server.json("/v2/organizations/roles").await;
    let role = |i: usize| roles[i]["id"].as_str().unwrap().to_owned();

    let invite = json!({"email": "jane@example.com", "orgID": ORG, "roles": [role(5)]});
    let (status, _, body) = server
        .call(Method::PUT, "/v2/organizations/users", Some(invite))
        .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""));
    let users = server.json("/v2/organizations/users").await;
    let jane = users["Users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["Email"] == "jane@example.com")
        .unwrap()
        .clone();
    assert_eq!(jane["Status"], "invited");
    let id = jane["UserID"].as_str().unwrap();

    let (status, ..) = server
        .call(
            Method::PUT,
            &format!("/v2/organizations/users/{id}/roles"),
            Some(json!({"roles": [role(3), role(6)]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let jane = server.json(&format!("/v2/organizations/users/{id}")).await;
    assert_eq!(jane["Roles"].as_array().unwrap().len(), 2);

    let (status, ..) = server
        .call(
            Method::DELETE,
            &format!("/v2/organizations/users/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, body) = server
        .call(Method::GET, &format!("/v2/organizations/users/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(serde_json::from_str::<Value>(&body).unwrap()["errors"][0]["message"].is_string());
    let (status, ..) = server
        .call(
            Method::DELETE,
            &format!("/v2/organizations/users/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_requests_are_400_with_an_errors_body() {
    let server = Server::start(&[]);
    for body in [
        json!({"email": "x@example.com", "orgID": "other", "roles": []}),
        json!({"email": "x@example.com", "orgID": ORG, "roles": ["no-such-role"]}),
        json!({"email": "not-an-email", "orgID": ORG, "roles": []}),
        json!({"nope": true}),
    ] {
        let (status, _, text) = server
            .call(Method::PUT, "/v2/organizations/users", Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap()["errors"][0]["ID"],
            400
        );
    }
}

#[tokio::test]
async fn a_missing_or_malformed_token_is_401_and_a_pinned_token_is_enforced() {
    let server = Server::start(&[]);
    for auth in [None, Some("Bearer nope"), Some("Bearer AstraCS:short")] {
        let mut request = client().get(format!("{}/v2/organizations/users", server.base));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        assert_eq!(
            request.send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{auth:?}"
        );
    }
    let pinned = Server::start(&["--token", &TOKEN.replace('1', "2")]);
    let (status, ..) = pinned
        .call(Method::GET, "/v2/organizations/users", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn start_up_faults_latency_and_the_request_log() {
    let server = Server::start(&[
        "--fail",
        "GET /v2/organizations/users 503 x1 retry-after=2",
        "--fail",
        "GET /v2/organizations/roles non-json",
        "--latency",
        "5-10",
    ]);
    let (status, headers, _) = server
        .call(Method::GET, "/v2/organizations/users", None)
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers["retry-after"], "2");
    let (status, ..) = server
        .call(Method::GET, "/v2/organizations/users", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, body) = server
        .call(Method::GET, "/v2/organizations/roles", None)
        .await;
    assert_eq!(
        (status, &headers["content-type"]),
        (StatusCode::OK, &"text/html".parse().unwrap())
    );
    assert!(serde_json::from_str::<Value>(&body).is_err());

    let log: Value = reqwest::get(format!("{}/_emulator/requests", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 3);
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["authorization"], "Bearer AstraCS:aaaa****0001");
    assert!(!log.to_string().contains(TOKEN));
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let server = Server::start(&["--fail", "* /v2/organizations/* drop x1"]);
    let result = client()
        .get(format!("{}/v2/organizations/users", server.base))
        .bearer_auth(TOKEN)
        .send()
        .await;
    let failed = match result {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(failed, "the body must not arrive");
}

#[tokio::test]
async fn state_persists_across_restarts() {
    let dir = tempdir::Dir::new("state");
    let state = dir.0.join("state.json");
    let state_arg = state.to_str().unwrap();
    {
        let server = Server::start(&["--state", state_arg]);
        let role = server.json("/v2/organizations/roles").await[0]["id"].clone();
        let (status, ..) = server
            .call(
                Method::PUT,
                "/v2/organizations/users",
                Some(json!({"email": "kept@example.com", "orgID": ORG, "roles": [role]})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let server = Server::start(&["--state", state_arg]);
    let users = server.json("/v2/organizations/users").await;
    assert!(users["Users"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["Email"] == "kept@example.com"));
}

#[tokio::test]
async fn serves_a_hundred_thousand_users() {
    let server = Server::start(&["--users", "100000"]);
    let users = server.json("/v2/organizations/users").await;
    assert_eq!(users["Users"].as_array().unwrap().len(), 100_003);
    let last = server
        .json("/v2/organizations/users/00000000-0000-4000-8000-0000000186a3")
        .await;
    assert_eq!(last["Email"], "user99999@example.com");
}

#[test]
fn exec_runs_the_command_against_itself_and_forwards_its_status() {
    let output = Command::new(env!("CARGO_BIN_EXE_astra-emulator"))
        .args(["exec", "--", "sh", "-c", "echo \"$ASTRA_ENV $ASTRA_LOCAL_ENDPOINT\"; echo \"$ASTRA_DB_APPLICATION_TOKEN\" | cut -c1-8; exit 3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("local http://127.0.0.1:") && first.ends_with("/v2"),
        "{first}"
    );
    assert_eq!(lines.next(), Some("AstraCS:"));
    // Compared resolved: the checkout's path may go through a symlink.
    let exe_dir = Path::new(env!("CARGO_BIN_EXE_astra-emulator"))
        .parent()
        .unwrap()
        .canonicalize()
        .unwrap();
    let path = Command::new(env!("CARGO_BIN_EXE_astra-emulator"))
        .args(["exec", "--", "sh", "-c", "echo $PATH"])
        .output()
        .unwrap();
    let path = String::from_utf8(path.stdout).unwrap();
    let first = Path::new(path.split(':').next().unwrap())
        .canonicalize()
        .unwrap();
    assert_eq!(
        first, exe_dir,
        "the workspace's binaries come first on PATH"
    );
}

async fn call_as(server: &Server, token: &str, method: Method, path: &str) -> StatusCode {
    client()
        .request(method, format!("{}{path}", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn tokens_are_listed_created_used_with_their_roles_and_revoked() {
    let server = Server::start(&["--token", TOKEN]);
    let listed = server.json("/v2/clientIdSecrets").await;
    let clients = listed["clients"].as_array().unwrap();
    assert_eq!(
        clients[0]["clientId"], "aaaaaaaaaaaaaaaaaaaaaaaa",
        "the pinned token is listed first"
    );
    assert_eq!(clients.len(), 2);

    let ro_user = "0a570005-4e1a-4b5c-8d2e-000000000006";
    let (status, _, body) = server
        .call(
            Method::POST,
            "/v2/clientIdSecrets",
            Some(json!({"roles": [ro_user], "description": "ci"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let token = created["token"].as_str().unwrap();
    assert_eq!(token.len(), 97, "{token}");
    assert_eq!(created["orgId"], ORG);
    let mut keys: Vec<&str> = created
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

    // RO User may not read the users; a token it does not know is refused outright.
    assert_eq!(
        call_as(&server, token, Method::GET, "/v2/organizations/users").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call_as(
            &server,
            &TOKEN.replace('1', "3"),
            Method::GET,
            "/v2/organizations/users"
        )
        .await,
        StatusCode::UNAUTHORIZED
    );

    let client_id = created["clientId"].as_str().unwrap();
    let path = format!("/v2/clientIdSecrets/{client_id}");
    assert_eq!(
        server.call(Method::DELETE, &path, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.call(Method::DELETE, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call_as(&server, token, Method::GET, "/v2/currentOrg").await,
        StatusCode::UNAUTHORIZED,
        "a revoked token is refused"
    );
}

#[tokio::test]
async fn custom_roles_are_created_updated_and_deleted_but_standard_ones_are_not() {
    let server = Server::start(&[]);
    let body = |name: &str, resource: &str| json!({"name": name, "policy": {"description": "d", "effect": "allow", "resources": [resource], "actions": ["db-cql"]}});
    let org_drn = format!("drn:astra:org:{ORG}");
    let (status, _, created) = server
        .call(
            Method::POST,
            "/v2/organizations/roles",
            Some(body("Ops", &org_drn)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let created: Value = serde_json::from_str(&created).unwrap();
    assert_eq!(created["Name"], "Ops");
    assert_eq!(created["Policy"]["resources"], json!([org_drn]));
    let id = created["ID"].as_str().unwrap();

    let again = server
        .call(
            Method::POST,
            "/v2/organizations/roles",
            Some(body("ops", &org_drn)),
        )
        .await;
    assert_eq!(
        again.0,
        StatusCode::CONFLICT,
        "names are unique, case aside"
    );
    let placeholder = server
        .call(
            Method::POST,
            "/v2/organizations/roles",
            Some(body("X", "drn:astra:org:__ORG_ID__")),
        )
        .await;
    assert_eq!(
        placeholder.0,
        StatusCode::BAD_REQUEST,
        "the client expands __ORG_ID__"
    );

    let path = format!("/v2/organizations/roles/{id}");
    let updated = server
        .call(
            Method::PUT,
            &path,
            Some(body("Ops 2", &format!("{org_drn}:db:*"))),
        )
        .await;
    assert_eq!(updated.0, StatusCode::OK);
    assert_eq!(server.json(&path).await["name"], "Ops 2");

    let standard = "/v2/organizations/roles/0a570000-4e1a-4b5c-8d2e-000000000001";
    assert_eq!(
        server
            .call(Method::PUT, standard, Some(body("Mine", &org_drn)))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        server.call(Method::DELETE, standard, None).await.0,
        StatusCode::BAD_REQUEST
    );

    assert_eq!(
        server.call(Method::DELETE, &path, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.call(Method::DELETE, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
}
