//! Bad input, as a table a reviewer can read: each row is the arguments, variables, files and
//! stdin of one run, and what must come of it — exit status, code, a fragment of the message, and
//! whether any HTTP request may be sent. Every row also checks that the token's secret part
//! appears nowhere in the output.
//!
//! In a row, `{URL}` is the mock API's endpoint, `{HOME}` the run's home directory, `{TOKEN}` a
//! valid token (whose secret must never be printed).

use std::io::Write;
use std::process::Stdio;

use crate::common::*;

struct Case {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    files: &'static [(&'static str, &'static [u8])],
    stdin: Option<&'static str>,
    exit: i32,
    /// The JSON `code` (rows run with `-o json` unless they are usage errors, exit 2).
    code: &'static str,
    fragment: &'static str,
    sends: bool,
}

const fn row(
    args: &'static [&'static str],
    exit: i32,
    code: &'static str,
    fragment: &'static str,
) -> Case {
    Case {
        args,
        env: &[],
        files: &[],
        stdin: None,
        exit,
        code,
        fragment,
        sends: false,
    }
}

impl Case {
    const fn env(mut self, env: &'static [(&'static str, &'static str)]) -> Self {
        self.env = env;
        self
    }
    const fn files(mut self, files: &'static [(&'static str, &'static [u8])]) -> Self {
        self.files = files;
        self
    }
    const fn stdin(mut self, stdin: &'static str) -> Self {
        self.stdin = Some(stdin);
        self
    }
    const fn sends(mut self) -> Self {
        self.sends = true;
        self
    }
}

const T: &str = "{TOKEN}";
const VAR: &[(&str, &str)] = &[
    ("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"),
    ("ASTRA_LOCAL_ENDPOINT", "{URL}"),
];
const NINETY_SEVEN_NON_ASCII: &str =
    "AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:000000000000000000000000000000000000000000000000000000000000000é";
const DASHED: &str =
    "AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:00000000000000000000000000000000-0000000000000000000000000000001";
const TOKEN_98: &str =
    "AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:00000000000000000000000000000000000000000000000000000000000000012";
const FOUR_PARTS: &str =
    "AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:000000000000000000000000000000:000000000000000000000000000000001";
const SHORT_MIDDLE: &str =
    "AstraCS:aaaaaaaaaaaaaaaaaaaaaaa:00000000000000000000000000000000000000000000000000000000000000001";
const LOWER: &str =
    "astracs:aaaaaaaaaaaaaaaaaaaaaaaa:0000000000000000000000000000000000000000000000000000000000000001";

fn cases() -> Vec<Case> {
    let rc = |text: &'static str| -> &'static [(&'static str, &'static [u8])] {
        Box::leak(Box::new([(".astrarc", text.as_bytes())]))
    };
    vec![
        // Token checks: INVALID_TOKEN (3), nothing sent.
        row(&["user", "list", "--token", ""], 3, "INVALID_TOKEN", "it is empty"),
        row(&["user", "list", "--token", "   "], 3, "INVALID_TOKEN", "it is empty"),
        row(&["user", "list", "--token", "{\"token\":\"x\"}"], 3, "INVALID_TOKEN", "looks like JSON"),
        row(&["user", "list", "--token", "[\"x\"]"], 3, "INVALID_TOKEN", "looks like JSON"),
        row(&["user", "list", "--token", "\"AstraCS\""], 3, "INVALID_TOKEN", "must start with 'AstraCS:'"),
        row(&["user", "list", "--token", "./tok"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "a/b"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "a\\b"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "~tok"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", ".tok"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "tok.txt"], 3, "INVALID_TOKEN", "--token @FILE"),
        row(&["user", "list", "--token", "tok.json"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "tok.token"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "tok.env"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "tok.csv"], 3, "INVALID_TOKEN", "looks like a file name"),
        row(&["user", "list", "--token", "Bearer abc"], 3, "INVALID_TOKEN", "must start with 'AstraCS:'"),
        row(&["user", "list", "--token", LOWER], 3, "INVALID_TOKEN", "must start with 'AstraCS:'"),
        row(&["user", "list", "--token", "AstraCS:short"], 3, "INVALID_TOKEN", "exactly 97 characters long, not 13"),
        row(&["user", "list", "--token", TOKEN_98], 3, "INVALID_TOKEN", "not 98"),
        row(&["user", "list", "--token", FOUR_PARTS], 3, "INVALID_TOKEN", "three ':'-separated parts"),
        row(&["user", "list", "--token", SHORT_MIDDLE], 3, "INVALID_TOKEN", "middle part must be 24"),
        row(&["user", "list", "--token", NINETY_SEVEN_NON_ASCII], 3, "INVALID_TOKEN", "ASCII letters and digits"),
        row(&["user", "list", "--token", DASHED], 3, "INVALID_TOKEN", "ASCII letters and digits"),
        row(&["user", "list"], 3, "INVALID_TOKEN", "must start with").env(&[("ASTRA_DB_APPLICATION_TOKEN", "nope")]),
        row(&["user", "list"], 3, "INVALID_TOKEN", "exactly 97").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:x\n")),
        row(&["user", "list", "--token", "@{HOME}/empty"], 3, "INVALID_TOKEN", "is empty").files(&[("empty", b"")]),
        row(&["user", "list", "--token", "@{HOME}/blank"], 3, "INVALID_TOKEN", "is empty").files(&[("blank", b"  \n\n")]),
        row(&["user", "list", "--token", "@{HOME}/missing"], 4, "FILE_ISSUE", "missing': No such file or directory"),
        row(&["user", "list", "--token", "@{HOME}"], 4, "FILE_ISSUE", "Cannot read the token file"),
        row(&["user", "list", "--token", "@-"], 3, "INVALID_TOKEN", "standard input) is empty").stdin(""),
        row(&["user", "list", "--token", "@-"], 3, "INVALID_TOKEN", "must start with").stdin("hello\n"),
        // .astrarc: files, lines, profiles, keys.
        row(&["user", "list"], 4, "FILE_ISSUE", ".astrarc' does not exist"),
        row(&["user", "list"], 4, "FILE_ISSUE", "does not exist").env(&[("ASTRARC", "{HOME}/nope")]),
        row(&["user", "list", "-cf", "{HOME}/nope"], 4, "FILE_ISSUE", "No such file or directory"),
        row(&["user", "list", "-cf={HOME}/nope"], 4, "FILE_ISSUE", "No such file or directory"),
        row(&["user", "list", "-cf", "{HOME}"], 4, "FILE_ISSUE", "Cannot read the configuration file"),
        row(&["user", "list"], 4, "PARSE_ISSUE", "at line 2: 'not ini'").files(rc("[default]\nnot ini\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "at line 1: '[default'").files(rc("[default\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "at line 1: '[]'").files(rc("[]\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "at line 2: '=x'").files(rc("[default]\n=x\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "'ASTRA_DB_APPLICATION_TOKEN AstraCS:aaaa****0001'").files(rc(
            "[default]\nASTRA_DB_APPLICATION_TOKEN AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:0000000000000000000000000000000000000000000000000000000000000001\n",
        )),
        row(&["user", "list", "-cf", "{HOME}/tok"], 4, "PARSE_ISSUE", "at line 1: 'AstraCS:aaaa****0001'").files(&[(
            "tok",
            b"AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:0000000000000000000000000000000000000000000000000000000000000001\n",
        )]),
        row(&["user", "list"], 4, "PARSE_ISSUE", "at line 1").files(rc("\u{fffe}\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "at line 3").files(rc("[default]\r\n; ok\r\nbroken\r\n")),
        row(&["user", "list", "-p", "prod"], 4, "PROFILE_NOT_FOUND", "Existing profiles: 'default'").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=x\n")),
        row(&["user", "list"], 4, "PROFILE_NOT_FOUND", "Profile 'ci' not found").env(&[("ASTRA_PROFILE", "ci")]).files(rc("[default]\n")),
        row(&["user", "list"], 4, "PROFILE_NOT_FOUND", "The file has no profiles").files(rc("")),
        row(&["user", "list"], 4, "PROFILE_NOT_FOUND", "The file has no profiles").files(rc("# only a comment\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "ASTRA_DB_APPLICATION_TOKEN is missing").files(rc("[default]\nASTRA_ENV=dev\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "ASTRA_DB_APPLICATION_TOKEN is missing").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "ASTRA_DB_APPLICATION_TOKEN is missing").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=''\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "ASTRA_ENV='mars'").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=x\nASTRA_ENV=mars\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "ASTRA_LOCAL_ENDPOINT is missing").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=x\nASTRA_ENV=local\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "'http://' is not usable").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=x\nASTRA_LOCAL_ENDPOINT=http://\n")),
        row(&["user", "list"], 4, "PARSE_ISSUE", "only for the local environment").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=x\nASTRA_ENV=prod\nASTRA_LOCAL_ENDPOINT=http://127.0.0.1:9/v2\n")),
        row(&["user", "list"], 3, "INVALID_TOKEN", "looks like JSON").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=\"AstraCS:abc\n")),
        row(&["user", "list", "-p", "x", "--env", "prod"], 2, "", "only for the local environment").files(rc("[x]\nASTRA_DB_APPLICATION_TOKEN=t\nASTRA_LOCAL_ENDPOINT=http://127.0.0.1:9/v2\n")),
        // USER and ROLE values: usage errors (2) before anything is sent, or clean lookups.
        row(&["user", "get", "", "--token", T], 2, "", "the value is empty"),
        row(&["user", "get", "''", "--token", T], 2, "", "the value is empty"),
        row(&["user", "get", "\"\"", "--token", T], 2, "", "the value is empty"),
        row(&["user", "get", "  \"  \"  ", "--token", T], 2, "", "the value is empty"),
        row(&["user", "get", "<email>", "--token", T], 2, "", "placeholder"),
        row(&["user", "get", "'<email>'", "--token", T], 2, "", "placeholder"),
        row(&["user", "get", "a@b.c\nd", "--token", T], 2, "", "line break"),
        row(&["user", "get", "a@b.c\rd", "--token", T], 2, "", "line break"),
        row(&["user", "delete", "", "--token", T], 2, "", "the value is empty"),
        row(&["user", "invite", "<email>", "--token", T], 2, "", "placeholder"),
        row(&["role", "get", "", "--token", T], 2, "", "the value is empty"),
        row(&["role", "get", "<role>", "--token", T], 2, "", "placeholder"),
        row(&["user", "invite", "a@b.co", "-r", "", "--token", T], 2, "", "the value is empty"),
        row(&["user", "invite", "a@b.co", "-r", "a,,b", "--token", T], 2, "", "the value is empty"),
        row(&["user", "invite", "a@b.co", "-r", "a,<ROLE>", "--token", T], 2, "", "placeholder"),
        row(&["user", "invite", "a@b.co", "-r", "a\nb", "--token", T], 2, "", "line break"),
        row(&["user", "get"], 2, "", "required"),
        row(&["user", "invite", "--token", T], 2, "", "required"),
        row(&["user", "get", "a@b.c", "d@e.f", "--token", T], 2, "", "unexpected argument"),
        row(&["user", "get", "3476F3BB-10DF-4D2F-AC2B-F05C65676724"], 5, "USER_NOT_FOUND", "User '3476F3BB-10DF-4D2F-AC2B-F05C65676724' not found").env(VAR).sends(),
        row(&["user", "get", "3476f3bb-10df-4d2f-ac2b-f05c6567672"], 5, "USER_NOT_FOUND", "not found").env(VAR).sends(),
        row(&["user", "get", "zzzzzzzz-10df-4d2f-ac2b-f05c65676724"], 5, "USER_NOT_FOUND", "not found").env(VAR).sends(),
        row(&["user", "invite", "3476F3BB-10DF-4D2F-AC2B-F05C65676724"], 5, "USER_NOT_FOUND", "invite a new user by email").env(VAR).sends(),
        row(&["user", "invite", "a b@x.io"], 3, "VALIDATION_ISSUE", "not an email address").env(VAR),
        row(&["user", "invite", "jane"], 3, "VALIDATION_ISSUE", "it has no '@'").env(VAR),
        row(&["user", "invite", "jane@localhost"], 3, "VALIDATION_ISSUE", "domain must have a dot").env(VAR),
        row(&["user", "invite", "a@x.io;b@x.io"], 3, "VALIDATION_ISSUE", "more than one '@'").env(VAR),
        row(&["user", "invite", "a@x.io,b@x.io"], 3, "VALIDATION_ISSUE", "several emails").env(VAR),
        row(&["user", "invite", "ok@x.io", "bad"], 3, "VALIDATION_ISSUE", "'bad' is not an email").env(VAR),
        row(&["role", "get", "Wizard"], 5, "ROLE_NOT_FOUND", "Role 'Wizard' not found").env(VAR).sends(),
        row(&["role", "get", "R/W Usr"], 5, "ROLE_NOT_FOUND", "'R/W User'").env(VAR).sends(),
        row(&["user", "invite", "n@x.io", "-r", "Wizard,Witch"], 5, "ROLE_NOT_FOUND", "Roles 'Wizard', 'Witch' not found").env(VAR).sends(),
        // Option conflicts, in every position: usage errors (2).
        row(&["user", "list", "--token", T, "-p", "x"], 2, "", "cannot be used with"),
        row(&["-p", "x", "user", "list", "--token", T], 2, "", "cannot be used with"),
        row(&["--token", T, "user", "list", "-p", "x"], 2, "", "cannot be used with"),
        row(&["-cf", "x", "user", "list", "--token", T], 2, "", "cannot be used with"),
        row(&["user", "list", "-cf", "x", "--token", T], 2, "", "cannot be used with"),
        row(&["user", "list", "-cf=x", "--token", T], 2, "", "cannot be used with"),
        row(&["user", "list", "--token", T, "--env", "mars"], 2, "", "invalid value 'mars'"),
        row(&["user", "list", "--token", T, "--env", "local"], 2, "", "needs an endpoint"),
        row(&["user", "list", "--token", T, "--local-endpoint", "http://"], 2, "", "'http://' is not usable"),
        row(&["user", "list", "--token", T, "--local-endpoint", "not a url"], 2, "", "'not a url' is not usable"),
        row(&["user", "list", "--token", T, "--local-endpoint", "ftp://x/v2"], 2, "", "http:// or https://"),
        row(&["user", "list", "--token", T, "--local-endpoint", "http://u:p@x/v2"], 2, "", "credentials"),
        row(&["user", "list", "--token", T, "--env", "prod", "--local-endpoint", "{URL}"], 2, "", "only for the local environment"),
        row(&["user", "list", "--token", T, "--env", "dev", "--local-endpoint", "{URL}"], 2, "", "only for the local environment"),
        row(&["user", "list", "-o", "yaml"], 2, "", "invalid value 'yaml'"),
        row(&["user", "list", "--color=sometimes"], 2, "", "invalid value 'sometimes'"),
        row(&["user", "list", "--bogus"], 2, "", "unexpected argument '--bogus'"),
        row(&["user", "frobnicate"], 2, "", "unrecognized subcommand"),
        // Endpoints and environments from variables: VALIDATION_ISSUE (3), or a flag's usage error.
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "'http://' is not usable").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "http://")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "only for the local environment").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_ENV", "prod"), ("ASTRA_LOCAL_ENDPOINT", "{URL}")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "ASTRA_ENV='mars'").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_ENV", "mars")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "needs an endpoint").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_ENV", "local")]),
        row(&["user", "list", "--env", "prod"], 2, "", "only for the local environment").env(VAR),
        row(&["user", "list"], 0, "OK", "").env(VAR).sends(),
        row(&["user", "list", "--token", T, "--local-endpoint", "{URL}"], 0, "OK", "").sends(),
        // Timeouts: ASTRA_HTTP_TIMEOUT must be a number of seconds in (0, 3600].
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "ASTRA_HTTP_TIMEOUT='inf'").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "inf")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "ASTRA_HTTP_TIMEOUT='1e20'").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "1e20")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "ASTRA_HTTP_TIMEOUT='abc'").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "abc")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "ASTRA_HTTP_TIMEOUT='0'").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "0")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "ASTRA_HTTP_TIMEOUT='-1'").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "-1")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "ASTRA_HTTP_TIMEOUT='NaN'").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "NaN")]),
        row(&["user", "list"], 3, "VALIDATION_ISSUE", "at most 3600").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "3601")]),
        row(&["user", "list"], 0, "OK", "").env(&[("ASTRA_DB_APPLICATION_TOKEN", "{TOKEN}"), ("ASTRA_LOCAL_ENDPOINT", "{URL}"), ("ASTRA_HTTP_TIMEOUT", "0.5")]).sends(),
        // .astrarc forms that must work.
        row(&["role", "list"], 0, "OK", "").files(rc("\u{feff}; comment\r\n[default]\r\n    ASTRA_DB_APPLICATION_TOKEN = \"{TOKEN}\"\r\n\tASTRA_ENV = local\r\n  ASTRA_LOCAL_ENDPOINT={URL}\r\n")).sends(),
        row(&["role", "list"], 0, "OK", "").files(rc("[default]\nASTRA_DB_APPLICATION_TOKEN=nope\n[other]\nX=1\n[default]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\nASTRA_LOCAL_ENDPOINT={URL}\n")).sends(),
        row(&["role", "list", "-p", "good"], 0, "OK", "").files(rc("[broken]\nASTRA_ENV=mars\n[good]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\nASTRA_LOCAL_ENDPOINT={URL}\n")).sends(),
        row(&["role", "list", "-p", "x", "--local-endpoint", "{URL}"], 0, "OK", "").files(rc("[x]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n")).sends(),
        // Formats are case-insensitive; errors follow the format.
        row(&["user", "list", "-o", "JSON"], 0, "OK", "").env(VAR).sends(),
        row(&["role", "list", "--output=Json"], 0, "OK", "").env(VAR).sends(),
    ]
}

#[tokio::test]
async fn every_bad_input_gets_its_documented_status_code_and_message() {
    let server = api().await;
    let url = endpoint(&server);
    let secret = &TOKEN[TOKEN.len() - 60..];
    let table = cases();
    assert!(table.len() >= 100, "{} rows", table.len());
    for (number, case) in table.iter().enumerate() {
        let env = TestEnv::new();
        let home = env.home.path().to_str().unwrap().to_owned();
        let fill = |text: &str| {
            text.replace("{URL}", &url)
                .replace("{HOME}", &home)
                .replace("{TOKEN}", TOKEN)
        };
        for (name, bytes) in case.files {
            let text = fill(&String::from_utf8_lossy(bytes));
            let bytes = if text.contains('\u{fffe}') {
                vec![0xff, 0xfe, b'\n']
            } else {
                text.into_bytes()
            };
            std::fs::write(env.path(name), bytes).unwrap();
        }
        let mut args: Vec<String> = case.args.iter().map(|a| fill(a)).collect();
        if case.exit != 2
            && !args
                .iter()
                .any(|a| a.starts_with("-o") || a.starts_with("--output"))
        {
            args.extend(["-o".to_owned(), "json".to_owned()]);
        }
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_astra"));
        command
            .env_clear()
            .env("HOME", env.home.path())
            .env("ASTRA_TEST_NO_RETRY_DELAY", "1")
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in case.env {
            command.env(key, fill(value));
        }
        let before = received(&server).await.len();
        let mut child = command.spawn().unwrap();
        {
            let mut stdin = child.stdin.take().unwrap();
            let _ = stdin.write_all(case.stdin.unwrap_or("").as_bytes());
        }
        let output = child.wait_with_output().unwrap();
        let sent = received(&server).await.len() - before;
        let text = format!("{}{}", stdout(&output), stderr(&output));
        let label = format!("row {number}: {:?}\n{}", case.args, transcript(&output));
        assert_eq!(output.status.code(), Some(case.exit), "{label}");
        assert!(
            text.contains(case.fragment),
            "{label}\nmissing: {}",
            case.fragment
        );
        assert!(!text.contains(secret), "{label}\nthe token leaked");
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "{label}"
        );
        if case.exit == 2 {
            assert!(stderr(&output).starts_with("error:"), "{label}");
            assert_eq!(stdout(&output), "", "{label}");
        } else {
            assert_eq!(parse_json(&output)["code"], case.code, "{label}");
        }
        assert_eq!(sent > 0, case.sends, "{label}\nrequests sent: {sent}");
    }
}

#[tokio::test]
async fn a_10_kb_value_and_invalid_utf8_are_handled_cleanly() {
    use std::os::unix::ffi::OsStrExt;
    let server = api().await;
    mount_status(&server, "PUT", "/v2/organizations/users", 200).await;
    let env = TestEnv::new();
    let long = format!("{}@example.com", "a".repeat(10 * 1024));
    let output = env.run_at(&endpoint(&server), &["user", "get", &long, "-o", "json"]);
    assert_exit(&output, 5, "");
    assert_eq!(parse_json(&output)["code"], "USER_NOT_FOUND");
    let invite = env.run_at(
        &endpoint(&server),
        &["user", "invite", &long, "-r", "R/W User", "-o", "json"],
    );
    // RFC 5321: no mail server takes an address over 254 characters; it is refused, not invited.
    assert_exit(&invite, 3, "an email of 10 KB is refused");
    assert_eq!(parse_json(&invite)["code"], "VALIDATION_ISSUE");
    assert!(calls(&server).await.iter().all(|c| !c.starts_with("PUT")));

    let before = received(&server).await.len();
    let invalid = std::ffi::OsStr::from_bytes(b"caf\xe9@example.com");
    let output = env
        .astra_at(&endpoint(&server))
        .args(["user", "get"])
        .arg(invalid)
        .output()
        .unwrap();
    assert_exit(&output, 2, "");
    assert!(
        stderr(&output).starts_with("error: invalid UTF-8"),
        "{}",
        stderr(&output)
    );
    let role = env
        .astra_at(&endpoint(&server))
        .args(["role", "get"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff"))
        .output()
        .unwrap();
    assert_eq!(role.status.code(), Some(2));
    assert_eq!(received(&server).await.len(), before, "nothing sent");
}

/// A JSON team file or a token file that starts with a byte-order mark (PowerShell 5 writes
/// one) reads as without it, as CSV, TOML and `.astrarc` already did.
#[test]
fn a_byte_order_mark_is_passed_over_in_every_file() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    let team = env.write(
        "team.json",
        "\u{feff}[{\"email\": \"new@example.com\", \"roles\": [\"RO User\"]}]\n",
    );
    let output = apply(&env, &emulator, &team, &["--dry-run"]);
    assert_exit(&output, 0, "JSON with a BOM");
    assert!(stdout(&output).contains("Dry run: 1 change planned (1 invite)"));
    let token = env.write("tok.txt", &format!("\u{feff}{TOKEN}\n"));
    let output = env
        .astra()
        .args(["role", "list", "--token"])
        .arg(format!("@{}", token.display()))
        .args(["--env", "local", "--local-endpoint", &emulator.endpoint])
        .output()
        .unwrap();
    assert_exit(&output, 0, "a token file with a BOM");
}

/// A team file that is missing or is a directory says so (FILE_ISSUE, exit 4) before anything
/// about its format.
#[test]
fn a_missing_team_file_or_a_directory_is_a_file_issue() {
    let env = TestEnv::new();
    let missing = env.path("team.txt");
    for (file, why) in [
        (missing.to_str().unwrap().to_owned(), "does not exist."),
        (
            env.home.path().to_str().unwrap().to_owned(),
            "is a directory.",
        ),
    ] {
        let output = env
            .astra()
            .args(["user", "apply", &file, "-o", "json"])
            .output()
            .unwrap();
        assert_exit(&output, 4, &file);
        let value = parse_json(&output);
        assert_eq!(value["code"], "FILE_ISSUE");
        assert_eq!(value["message"], format!("Error: '{file}' {why}"));
    }
}
