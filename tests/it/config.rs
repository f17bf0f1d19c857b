//! Token resolution (SPEC §3): each level beats the next, every `.astrarc` failure, token checks.

use insta::assert_snapshot;
use wiremock::MockServer;

use crate::common::*;

fn profile(token: &str, server: &MockServer) -> String {
    format!(
        "ASTRA_DB_APPLICATION_TOKEN={token}\nASTRA_ENV=local\nASTRA_LOCAL_ENDPOINT={}\n",
        endpoint(server)
    )
}

/// The token the server saw on its last call.
async fn last_token(server: &MockServer) -> String {
    let requests = received(server).await;
    let header = requests.last().expect("a call").headers["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    header.trim_start_matches("Bearer ").to_owned()
}

#[tokio::test]
async fn each_level_of_precedence_beats_the_next() {
    let server = api().await;
    let env = TestEnv::new();
    env.write(
        ".astrarc",
        &format!(
            "[default]\n{}[other]\n{}",
            profile(TOKEN_C, &server),
            profile(TOKEN_B, &server)
        ),
    );
    let run = |args: &[&str], variable: bool| {
        let mut command = env.astra();
        if variable {
            command
                .env("ASTRA_DB_APPLICATION_TOKEN", TOKEN_B)
                .env("ASTRA_ENV", "local")
                .env("ASTRA_LOCAL_ENDPOINT", endpoint(&server));
        }
        let output = command
            .args(["role", "list", "-o", "json"])
            .args(args)
            .output()
            .unwrap();
        assert_exit(&output, 0, format_args!("{args:?}"));
    };
    // 1. --token beats the variable and the file.
    run(
        &[
            "--token",
            TOKEN,
            "--env",
            "local",
            "--local-endpoint",
            &endpoint(&server),
        ],
        true,
    );
    assert_eq!(last_token(&server).await, TOKEN);
    // 2. -p beats the variable.
    run(&["-p", "default"], true);
    assert_eq!(last_token(&server).await, TOKEN_C);
    // 3. The variable beats the default file.
    run(&[], true);
    assert_eq!(last_token(&server).await, TOKEN_B);
    // 4. The default file, profile 'default'.
    run(&[], false);
    assert_eq!(last_token(&server).await, TOKEN_C);
}

#[tokio::test]
async fn default_file_and_profile_come_from_the_environment() {
    let server = api().await;
    let env = TestEnv::new();
    let xdg = env.path("xdg");
    env.write(
        "xdg/astra/.astrarc",
        &format!("[default]\n{}", profile(TOKEN_B, &server)),
    );
    let custom = env.write(
        "custom.ini",
        &format!(
            "[default]\n{}[ci]\n{}",
            profile(TOKEN, &server),
            profile(TOKEN_C, &server)
        ),
    );
    env.write(
        ".astrarc",
        &format!("[default]\n{}", profile(TOKEN, &server)),
    );

    env.astra()
        .env("XDG_CONFIG_HOME", &xdg)
        .args(["role", "list"])
        .assert()
        .success();
    assert_eq!(
        last_token(&server).await,
        TOKEN_B,
        "XDG file beats ~/.astrarc"
    );
    env.astra()
        .env("XDG_CONFIG_HOME", &xdg)
        .env("ASTRARC", &custom)
        .env("ASTRA_PROFILE", "ci")
        .args(["role", "list"])
        .assert()
        .success();
    assert_eq!(
        last_token(&server).await,
        TOKEN_C,
        "ASTRARC and ASTRA_PROFILE"
    );
    env.astra()
        .args(["-cf", custom.to_str().unwrap(), "role", "list"])
        .assert()
        .success();
    assert_eq!(last_token(&server).await, TOKEN);
    env.astra()
        .args([
            "role",
            "list",
            &format!("-cf={}", custom.display()),
            "-p",
            "ci",
        ])
        .assert()
        .success();
    assert_eq!(last_token(&server).await, TOKEN_C);
    env.astra()
        .env("XDG_CONFIG_HOME", env.path("nowhere"))
        .args(["role", "list"])
        .assert()
        .success();
    assert_eq!(
        last_token(&server).await,
        TOKEN,
        "a missing XDG file falls back to ~/.astrarc"
    );
}

#[tokio::test]
async fn token_from_a_file_or_stdin() {
    let server = api().await;
    let env = TestEnv::new();
    let file = env.write("token.txt", &format!("  {TOKEN_B}  \nsecond line\n"));
    let local = ["--env", "local", "--local-endpoint"];
    let output = env
        .astra()
        .args(["role", "list", "--token", &format!("@{}", file.display())])
        .args(local)
        .arg(endpoint(&server))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(last_token(&server).await, TOKEN_B);
    assert!(
        stderr(&output).contains("is readable by other users"),
        "a 0644 file warns: {}",
        stderr(&output)
    );
    let quiet = env
        .astra()
        .args([
            "role",
            "list",
            "-q",
            "--token",
            &format!("@{}", file.display()),
        ])
        .args(local)
        .arg(endpoint(&server))
        .output()
        .unwrap();
    assert_eq!(stderr(&quiet), "");

    env.astra()
        .args(["role", "list", "--token", "@-"])
        .args(local)
        .arg(endpoint(&server))
        .write_stdin(format!("{TOKEN_C}\n"))
        .assert()
        .success();
    assert_eq!(last_token(&server).await, TOKEN_C);

    // A token in quotes (copied from a JSON or shell file) is the token, as in .astrarc.
    let quoted = env.write("quoted.txt", &format!("\"{TOKEN_B}\"\n"));
    env.astra()
        .args(["role", "list", "--token", &format!("@{}", quoted.display())])
        .args(local)
        .arg(endpoint(&server))
        .assert()
        .success();
    assert_eq!(last_token(&server).await, TOKEN_B);
}

#[test]
fn token_file_problems() {
    let env = TestEnv::new();
    let missing = env.run(&["user", "list", "--token", "@/nonexistent/token"]);
    assert_snapshot!("token_file_missing", transcript(&missing));
    let empty = env.write("empty", "\n");
    let output = env.run(&[
        "user",
        "list",
        "--token",
        &format!("@{}", empty.display()),
        "-o",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(parse_json(&output)["code"], "INVALID_TOKEN");
    let stdin = env
        .astra()
        .args(["user", "list", "--token", "@-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(stdin.status.code(), Some(3));
}

#[test]
fn invalid_tokens_give_their_reason_and_never_echo_the_token() {
    let env = TestEnv::new();
    let cases = [
        ("{\"token\": \"AstraCS:x\"}", "looks like JSON"),
        ("./my-token.txt", "looks like a file name"),
        ("Bearer-0123456789", "must start with 'AstraCS:'"),
        ("AstraCS:short:token", "exactly 97 characters"),
    ];
    for (token, reason) in cases {
        let output = env.run(&["user", "list", "--token", token]);
        assert_eq!(output.status.code(), Some(3), "{token}");
        let text = stderr(&output);
        assert!(text.contains(reason), "{token}: {text}");
        assert!(!text.contains(token), "{token} echoed: {text}");
    }
    let json = env.run(&["user", "list", "--token", "nope-nope-nope", "-o", "json"]);
    assert_eq!(parse_json(&json)["code"], "INVALID_TOKEN");
    let from_variable = env
        .astra()
        .env("ASTRA_DB_APPLICATION_TOKEN", "AstraCS:bad")
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_eq!(from_variable.status.code(), Some(3));
}

#[test]
fn astrarc_failures_each_have_their_code() {
    let env = TestEnv::new();
    let missing_default = env.run(&["user", "list"]);
    let home = env.home.path().display().to_string();
    assert_snapshot!(
        "astrarc_default_missing",
        transcript(&missing_default).replace(&home, "[HOME]")
    );

    let missing_cf = env.run(&["user", "list", "-cf", "/nonexistent/astrarc", "-o", "json"]);
    assert_eq!(missing_cf.status.code(), Some(4));
    assert_eq!(parse_json(&missing_cf)["message"], "Error: Cannot read the configuration file '/nonexistent/astrarc': No such file or directory.");

    let broken = env.write(
        "broken",
        "[default]\nASTRA_DB_APPLICATION_TOKEN=x\nnot a key value\n",
    );
    let output = env.run(&["user", "list", "-cf", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("at line 3: 'not a key value'"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).starts_with("Error: Cannot parse"));
    let before = std::fs::read_to_string(&broken).unwrap();
    for args in [
        vec!["config", "create", "new", "--token", TOKEN],
        vec![
            "setup",
            "-p",
            "new",
            "--token",
            TOKEN,
            "--env",
            "local",
            "--local-endpoint",
            "http://127.0.0.1:9/v2",
        ],
    ] {
        let output = env.run(&[args.as_slice(), &["-cf", broken.to_str().unwrap()]].concat());
        assert_eq!(
            output.status.code(),
            Some(4),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("at line 3"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(
            std::fs::read_to_string(&broken).unwrap(),
            before,
            "{args:?}: nothing written"
        );
    }

    let profiles = env.write("profiles", &format!("[dev]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n[prod]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n"));
    let output = env.run(&[
        "user",
        "list",
        "-cf",
        profiles.to_str().unwrap(),
        "-p",
        "staging",
    ]);
    assert_snapshot!(
        "astrarc_profile_missing",
        transcript(&output).replace(&home, "[HOME]")
    );

    let cases = [
        (
            "[default]\nASTRA_ENV=dev\n",
            "the key ASTRA_DB_APPLICATION_TOKEN is missing",
        ),
        (
            "[default]\nASTRA_DB_APPLICATION_TOKEN=x\nASTRA_ENV=mars\n",
            "ASTRA_ENV='mars' is not one of prod, dev, test, local",
        ),
        (
            "[default]\nASTRA_DB_APPLICATION_TOKEN=x\nASTRA_ENV=LOCAL\n",
            "ASTRA_ENV is local but the key ASTRA_LOCAL_ENDPOINT is missing",
        ),
    ];
    for (text, message) in cases {
        let file = env.write("case", text);
        let output = env.run(&["user", "list", "-cf", file.to_str().unwrap(), "-o", "json"]);
        assert_eq!(output.status.code(), Some(4), "{text}");
        let value = parse_json(&output);
        assert_eq!(value["code"], "PARSE_ISSUE");
        assert!(
            value["message"].as_str().unwrap().contains(message),
            "{value}"
        );
    }
}

#[test]
fn conflicting_connection_options_are_usage_errors() {
    let env = TestEnv::new();
    for args in [
        vec!["user", "list", "--token", TOKEN, "-p", "x"],
        vec!["user", "list", "--token", TOKEN, "-cf", "x"],
        vec!["user", "list", "--token", TOKEN, "--env", "mars"],
        vec!["-p", "x", "user", "list", "--token", TOKEN],
        vec!["-cf", "x", "user", "list", "--token", TOKEN],
        vec![
            "user",
            "list",
            "--token",
            TOKEN,
            "--local-endpoint",
            "http://",
        ],
        vec![
            "user",
            "list",
            "--token",
            TOKEN,
            "--env",
            "prod",
            "--local-endpoint",
            "http://127.0.0.1:9/v2",
        ],
        vec!["user", "list", "--token", TOKEN, "--env", "local"],
        vec!["user", "list", "-o", "yaml"],
    ] {
        let output = env.astra().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).starts_with("error:"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "");
    }
}

#[test]
fn config_create_says_what_it_saved_and_how_to_clear_a_stray_variable() {
    let env = TestEnv::new();
    let rc = env.path("rc");
    let saved = env
        .astra()
        .env("ASTRA_LOCAL_ENDPOINT", "http://127.0.0.1:9/v2")
        .args([
            "config",
            "create",
            "emu",
            "--token",
            TOKEN,
            "-cf",
            rc.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(saved.status.code(), Some(0), "{}", stderr(&saved));
    assert_eq!(
        stdout(&saved),
        format!(
            "Profile 'emu' saved in '{}' (env local, endpoint http://127.0.0.1:9/v2).\n",
            rc.display()
        ),
        "the variable's endpoint is named, not picked up silently"
    );
    let conflict = env
        .astra()
        .env("ASTRA_LOCAL_ENDPOINT", "http://127.0.0.1:9/v2")
        .args([
            "config",
            "create",
            "dev",
            "--env",
            "dev",
            "--token",
            TOKEN,
            "-cf",
            rc.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(conflict.status.code(), Some(2));
    assert!(
        stderr(&conflict).contains("; unset ASTRA_LOCAL_ENDPOINT to use 'dev'"),
        "{}",
        stderr(&conflict)
    );
    let prod = env
        .astra()
        .args([
            "config",
            "create",
            "prod",
            "--token",
            TOKEN,
            "-cf",
            rc.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&prod).ends_with("(env prod).\n"),
        "{}",
        stdout(&prod)
    );
}

/// SPEC §1.11: a profile name the file could not read back is refused by each of the three
/// commands that write one, before any request or write; the file stays byte for byte.
#[tokio::test]
async fn a_profile_name_the_file_cannot_read_back_is_refused_everywhere() {
    let server = api().await;
    let env = TestEnv::new();
    let original = format!("# mine\n[default]\n{}", profile(TOKEN, &server));
    let file = env.write(".astrarc", &original);
    let long = "p".repeat(65);
    let names = ["", "a\nb", "[x]", " lead", "trail ", long.as_str(), TOKEN];
    for name in names {
        for args in [
            vec!["config", "create", name, "--token", TOKEN],
            vec![
                "setup",
                "-p",
                name,
                "--token",
                TOKEN_B,
                "--env",
                "local",
                "--local-endpoint",
                &endpoint(&server),
            ],
            vec!["token", "create", "-r", "R/W User", "--save-profile", name],
        ] {
            let output = env.astra().args(&args).output().unwrap();
            let context = format!("{args:?}");
            assert_exit(&output, 3, &context);
            let err = stderr(&output);
            assert!(err.contains("as a profile name"), "{context}: {err}");
            assert!(!err.contains(&TOKEN[40..]), "{context}: {err}");
            assert_eq!(
                std::fs::read_to_string(&file).unwrap(),
                original,
                "{context}"
            );
        }
    }
    assert!(
        calls(&server).await.is_empty(),
        "{:?}",
        calls(&server).await
    );
}

/// `config create NAME --token TOKEN` for a profile that exists hints a command that works when
/// pasted: the token as `@FILE` (the masked token would fail as a token), plus `--overwrite`.
#[test]
fn an_existing_profile_hints_a_token_file_not_the_masked_token() {
    let env = TestEnv::new();
    env.write(
        ".astrarc",
        &format!("[dev]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n"),
    );
    let output = env.run(&["config", "create", "dev", "--token", TOKEN_B]);
    assert_exit(&output, 3, "exists");
    let err = stderr(&output);
    assert!(
        err.contains("# Replace it:\n$ astra config create dev --token @FILE --overwrite\n"),
        "{err}"
    );
    assert!(!err.contains("****"), "{err}");
}

/// `setup -p NAME` names the profile to write (its own option, with its own help); `astra -p
/// NAME setup`, the global spelling, writes the same profile.
#[tokio::test]
async fn setup_writes_the_profile_named_by_p_before_or_after_the_command() {
    let server = api().await;
    for before in [true, false] {
        let env = TestEnv::new();
        let mut args = vec!["setup"];
        if before {
            args.insert(0, "-p");
            args.insert(1, "named");
        } else {
            args.extend(["-p", "named"]);
        }
        let endpoint = endpoint(&server);
        args.extend([
            "--token",
            TOKEN,
            "--env",
            "local",
            "--local-endpoint",
            &endpoint,
        ]);
        let output = env.astra().args(&args).output().unwrap();
        assert_exit(&output, 0, format!("{args:?}"));
        let written = std::fs::read_to_string(env.path(".astrarc")).unwrap();
        assert!(written.starts_with("[named]\n"), "{args:?}: {written}");
    }
}
