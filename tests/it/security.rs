//! Secrets never leak (SPEC §6): not in output, `-V` logs or `--dump-logs` files, which are 0600.

use std::os::unix::fs::PermissionsExt;

use crate::common::*;

#[tokio::test]
async fn verbose_logs_mask_the_token_and_show_each_call() {
    let server = api().await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &["user", "invite", "jane@example.com", "-r", "R/W User", "-V"],
    );
    let log = stderr(&output);
    assert!(
        log.contains(&format!("(Authorization: Bearer {MASKED})")),
        "{log}"
    );
    assert!(
        log.contains("GET /organizations/roles -> 200 OK in"),
        "{log}"
    );
    assert!(
        log.contains("token from the ASTRA_DB_APPLICATION_TOKEN variable"),
        "{log}"
    );
    assert!(!format!("{log}{}", stdout(&output)).contains(TOKEN));
}

#[tokio::test]
async fn dump_logs_writes_a_private_file_without_the_token() {
    let server = api().await;
    let env = TestEnv::new();
    let file = env.path("debug.log");
    let output = env
        .astra_with_flag(&endpoint(&server))
        .args(["user", "list"])
        .arg(format!("--dump-logs={}", file.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("GET /organizations/users -> 200 OK") && text.contains(MASKED),
        "{text}"
    );
    assert!(!text.contains(TOKEN) && !text.contains('\u{1b}'), "{text}");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(stderr(&output).contains("Logs written to"));
    assert!(
        !stderr(&output).contains("GET /organizations"),
        "no -V: the log is not on stderr"
    );
}

#[tokio::test]
async fn dump_logs_defaults_to_astra_home_in_a_private_directory() {
    let server = api().await;
    let env = TestEnv::new();
    let home = env.path("astra-home");
    let output = env
        .astra_at(&endpoint(&server))
        .env("ASTRA_HOME", &home)
        .args(["user", "get", "nobody@x.y", "--dump-logs"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let logs = home.join("logs");
    assert_eq!(
        std::fs::metadata(&logs).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let files: Vec<_> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    // <date>_<time>-<milliseconds>-<pid>.astra.log: two runs in one second never collide.
    let stem = name.strip_suffix(".astra.log").expect(".astra.log");
    let parts: Vec<&str> = stem.split('-').collect();
    assert_eq!(parts.len(), 7, "{name}");
    assert_eq!(parts[2].len(), "DD_HH".len(), "{name}");
    assert_eq!(parts[5].len(), 3, "milliseconds: {name}");
    assert!(parts[6].parse::<u32>().is_ok(), "pid: {name}");
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn the_token_never_appears_in_error_text_even_when_it_is_rejected() {
    let env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for format in ["human", "json", "csv"] {
        let output = env
            .astra_with_flag(&format!("http://127.0.0.1:{port}/v2"))
            .args(["user", "delete", "a@b.c", "-o", format, "-V"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(8));
        assert!(!format!("{}{}", stdout(&output), stderr(&output)).contains(TOKEN));
    }
}
