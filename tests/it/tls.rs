//! The production path, end to end: HTTPS to the emulator with a throwaway CA, trusted through
//! `SSL_CERT_FILE` or `SSL_CERT_DIR`, untrusted, misconfigured, and through a CONNECT proxy that
//! must see only the CONNECT line and never the token in clear (SPEC §6).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::common::*;

fn emulator_with_ca() -> (Emulator, TestEnv, std::path::PathBuf) {
    let env = TestEnv::new();
    let ca = env.path("ca/ca.pem");
    let emulator = Emulator::start_tls(&ca);
    (emulator, env, ca)
}

fn https_run(env: &TestEnv, endpoint: &str, vars: &[(&str, &str)]) -> std::process::Output {
    let mut command = env.astra();
    command.args([
        "user",
        "list",
        "-o",
        "json",
        "--token",
        TOKEN,
        "--local-endpoint",
        endpoint,
    ]);
    for (key, value) in vars {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn https_is_trusted_through_ssl_cert_file_or_ssl_cert_dir() {
    let (emulator, env, ca) = emulator_with_ca();
    let ca_text = ca.to_str().unwrap();
    let by_file = https_run(&env, &emulator.endpoint, &[("SSL_CERT_FILE", ca_text)]);
    assert_exit(&by_file, 0, "");
    assert_eq!(parse_json(&by_file)["code"], "OK");
    let dir = ca.parent().unwrap().to_str().unwrap();
    let by_dir = https_run(&env, &emulator.endpoint, &[("SSL_CERT_DIR", dir)]);
    assert_exit(&by_dir, 0, "");
    let localhost = emulator.endpoint.replace("127.0.0.1", "localhost");
    let by_name = https_run(&env, &localhost, &[("SSL_CERT_FILE", ca_text)]);
    assert_exit(&by_name, 0, "");
}

#[tokio::test]
async fn an_untrusted_certificate_fails_at_once_naming_the_ca_variables() {
    let (emulator, env, _ca) = emulator_with_ca();
    emulator.clear_requests().await;
    let output = https_run(&env, &emulator.endpoint, &[]);
    assert_exit(&output, 8, "");
    let value = parse_json(&output);
    assert_eq!(value["code"], "CONNECTION_FAILED");
    let message = value["message"].as_str().unwrap();
    assert!(
        message.contains("is not trusted") && message.contains("UnknownIssuer"),
        "{message}"
    );
    assert!(
        message.contains("SSL_CERT_FILE") && message.contains("SSL_CERT_DIR"),
        "{message}"
    );
    assert!(message.contains("not retried"), "{message}");
    assert!(
        emulator.requests().await.is_empty(),
        "no request got through"
    );
}

#[tokio::test]
async fn a_missing_ssl_cert_file_is_a_file_issue_only_for_https() {
    let (emulator, env, _ca) = emulator_with_ca();
    let missing = env.path("nope.pem");
    let missing = missing.to_str().unwrap();
    let output = https_run(&env, &emulator.endpoint, &[("SSL_CERT_FILE", missing)]);
    assert_exit(&output, 4, "");
    let value = parse_json(&output);
    assert_eq!(value["code"], "FILE_ISSUE");
    let message = value["message"].as_str().unwrap();
    assert!(
        message.contains("SSL_CERT_FILE") && message.contains(missing),
        "{message}"
    );

    let plain = Emulator::start(&[]);
    let output = https_run(&env, &plain.endpoint, &[("SSL_CERT_FILE", missing)]);
    assert_exit(&output, 0, "plain http never loads certificates");
}

/// A CONNECT proxy on loopback that records the request heads it got and every byte it relayed.
struct Proxy {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
    relayed: Arc<Mutex<Vec<u8>>>,
}

impl Proxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let relayed = Arc::new(Mutex::new(Vec::new()));
        let (h, r) = (heads.clone(), relayed.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (h, r) = (h.clone(), r.clone());
                std::thread::spawn(move || tunnel(client, &h, &r));
            }
        });
        Self {
            url,
            heads,
            relayed,
        }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn tunnel(mut client: TcpStream, heads: &Mutex<Vec<String>>, relayed: &Arc<Mutex<Vec<u8>>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    heads.lock().unwrap().push(head.clone());
    let target = head
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned);
    let Some(target) = target else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    // `astra.test` is the emulator's name behind the proxy (loopback is never proxied).
    let Ok(server) = TcpStream::connect(target.replace("astra.test", "127.0.0.1")) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n");
    let pipe = |mut from: TcpStream, mut to: TcpStream, seen: Arc<Mutex<Vec<u8>>>| {
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 || to.write_all(&buf[..n]).is_err() {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            let _ = to.shutdown(std::net::Shutdown::Both);
        })
    };
    let up = pipe(
        client.try_clone().unwrap(),
        server.try_clone().unwrap(),
        relayed.clone(),
    );
    let down = pipe(server, client, relayed.clone());
    let _ = up.join();
    let _ = down.join();
}

#[test]
fn https_goes_through_a_connect_proxy_that_never_sees_the_token() {
    let (emulator, env, ca) = emulator_with_ca();
    let ca = ca.to_str().unwrap();
    let endpoint = emulator.endpoint.replace("127.0.0.1", "astra.test");
    let port = endpoint.rsplit(':').next().unwrap().trim_end_matches("/v2");
    for variable in ["HTTPS_PROXY", "https_proxy"] {
        let proxy = Proxy::start();
        let output = https_run(
            &env,
            &endpoint,
            &[("SSL_CERT_FILE", ca), (variable, &proxy.url)],
        );
        assert_exit(&output, 0, variable);
        let heads = proxy.heads();
        assert!(!heads.is_empty(), "{variable}: the proxy was not used");
        for head in &heads {
            assert_eq!(
                head.lines().next().unwrap(),
                format!("CONNECT astra.test:{port} HTTP/1.1"),
                "{variable}: only the CONNECT line"
            );
            assert!(!head.contains("Authorization") && !head.contains(&TOKEN[8..]));
        }
        let relayed = proxy.relayed.lock().unwrap();
        assert!(!relayed.is_empty());
        let clear = String::from_utf8_lossy(&relayed);
        assert!(
            !clear.contains(&TOKEN[8..]) && !clear.contains("/organizations"),
            "{variable}: clear text crossed the proxy"
        );
    }

    let proxy = Proxy::start();
    let output = https_run(
        &env,
        &endpoint,
        &[
            ("SSL_CERT_FILE", ca),
            ("HTTPS_PROXY", &proxy.url),
            ("NO_PROXY", "astra.test"),
        ],
    );
    assert_ne!(
        output.status.code(),
        Some(0),
        "not proxied, astra.test does not resolve"
    );
    assert!(proxy.heads().is_empty(), "NO_PROXY is respected");

    // SPEC §6: a loopback endpoint is reached directly, whatever the proxy variables say.
    for host in ["localhost", "127.0.0.1"] {
        let proxy = Proxy::start();
        let output = https_run(
            &env,
            &emulator.endpoint.replace("127.0.0.1", host),
            &[
                ("SSL_CERT_FILE", ca),
                ("HTTPS_PROXY", &proxy.url),
                ("ALL_PROXY", &proxy.url),
            ],
        );
        assert_exit(&output, 0, host);
        assert!(
            proxy.heads().is_empty(),
            "{host}: loopback is never proxied"
        );
    }

    let proxy = Proxy::start();
    let output = https_run(
        &env,
        &endpoint,
        &[("SSL_CERT_FILE", ca), ("HTTP_PROXY", &proxy.url)],
    );
    assert_ne!(
        output.status.code(),
        Some(0),
        "astra.test resolves only through the proxy"
    );
    assert!(
        proxy.heads().is_empty(),
        "HTTP_PROXY alone is not used for https"
    );
}
