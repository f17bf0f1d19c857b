//! Hints are built once, from the parsed command line: they edit one value, add a flag that is
//! missing, quote for a POSIX shell, and are themselves valid commands (SPEC §4.4).

use serde_json::json;
use wiremock::MockServer;

use crate::common::*;

#[tokio::test]
async fn did_you_mean_replaces_the_role_item_and_never_the_email() {
    let server = MockServer::start().await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    mount_json(
        &server,
        "GET",
        "/v2/organizations/roles",
        json!([role(BILLING, "Billing Admin"), role(RW_USER, "RO User")]),
    )
    .await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "billing@example.com",
            "-r",
            "billing,RO User",
        ],
    );
    assert_exit(&output, 5, "");
    assert!(
        stderr(&output).ends_with(
            "# Did you mean:\n$ astra user invite billing@example.com -r 'Billing Admin,RO User'\n"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        calls(&server)
            .await
            .iter()
            .filter(|c| c.starts_with("PUT"))
            .count(),
        0
    );
}

#[tokio::test]
async fn example_fixes_are_shell_safe_to_paste() {
    let server = api().await;
    let env = TestEnv::new();
    for (user, shown) in [
        ("o'brien@x.io", r"'o'\''brien@x.io'"),
        ("$(id)@x.io", "'$(id)@x.io'"),
        ("a b@x.io", "'a b@x.io'"),
        ("plain@x.io", "plain@x.io"),
    ] {
        let output = env.run_at(&endpoint(&server), &["user", "delete", user]);
        assert_eq!(output.status.code(), Some(5), "{user}");
        let expected = format!("# Example fix:\n$ astra user delete {shown} --if-exists\n");
        assert!(
            stderr(&output).contains(&expected),
            "{user}: {}",
            stderr(&output)
        );
    }
}

#[tokio::test]
async fn a_literal_token_in_a_hint_is_masked_and_quoted() {
    let server = api().await;
    let env = TestEnv::new();
    let output = env
        .astra_with_flag(&endpoint(&server))
        .args(["user", "delete", "nobody@x.io", "-o", "json"])
        .output()
        .unwrap();
    let value = parse_json(&output);
    assert_eq!(
        value["nextSteps"][0]["command"],
        format!(
            "astra --token '{MASKED}' --env local --local-endpoint {} user delete nobody@x.io -o json --if-exists",
            endpoint(&server)
        )
    );
}

#[test]
fn an_existing_profile_replaces_the_one_given_in_any_spelling() {
    let env = TestEnv::new();
    let file = env.write(
        "rc",
        &format!("[dev]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\n"),
    );
    let file = file.to_str().unwrap();
    for (args, shown) in [
        (vec!["--profile=prod"], "--profile=dev"),
        (vec!["-p", "prod"], "-p dev"),
        (vec!["-pprod"], "-pdev"),
    ] {
        let mut all = vec!["user", "list", "-cf", file];
        all.extend(args.iter().copied());
        let output = env.run(&all);
        assert_eq!(output.status.code(), Some(4), "{args:?}");
        let expected = format!("$ astra user list -cf {file} {shown}\n");
        assert!(
            stderr(&output).ends_with(&expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[tokio::test]
async fn a_rejected_profile_token_suggests_a_token_without_the_profile_options() {
    let server = MockServer::start().await;
    mount_status(&server, "GET", "/v2/organizations/users", 401).await;
    let env = TestEnv::new();
    let file = env.write(
        "rc",
        &format!(
            "[ci]\nASTRA_DB_APPLICATION_TOKEN={TOKEN}\nASTRA_ENV=local\nASTRA_LOCAL_ENDPOINT={}\n",
            endpoint(&server)
        ),
    );
    let output = env.run(&["user", "list", "-cf", file.to_str().unwrap(), "-p", "ci"]);
    assert_eq!(output.status.code(), Some(6));
    let text = stderr(&output);
    assert!(
        text.contains("The token came from profile 'ci' in "),
        "{text}"
    );
    assert!(
        text.ends_with("# Or pass another token:\n$ astra user list --token @FILE\n"),
        "{text}"
    );
}

#[tokio::test]
async fn several_emails_in_one_argument_are_refused_before_any_request() {
    let server = api().await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &["user", "invite", "a@x.io,b@x.io", "-r", "R/W User"],
    );
    assert_exit(&output, 3, "");
    let text = stderr(&output);
    assert!(text.starts_with("Error: 'a@x.io,b@x.io' is not an email address: it looks like several emails in one argument."), "{text}");
    assert!(
        text.ends_with(
            "# Pass them as separate arguments:\n$ astra user invite a@x.io b@x.io -r 'R/W User'\n"
        ),
        "{text}"
    );
    for bad in ["jane", "jane@localhost", "@x.io"] {
        let output = env.run_at(&endpoint(&server), &["user", "invite", bad, "-o", "json"]);
        assert_eq!(output.status.code(), Some(3), "{bad}");
        assert_eq!(parse_json(&output)["code"], "VALIDATION_ISSUE");
    }
    assert!(calls(&server).await.is_empty(), "nothing sent");
}

#[tokio::test]
async fn the_default_role_notice_appears_only_when_an_invitation_is_sent() {
    let server = api().await;
    mount_status(&server, "PUT", "/v2/organizations/users", 200).await;
    let env = TestEnv::new();
    let exists = env.run_at(&endpoint(&server), &["user", "invite", "alice@example.bob"]);
    assert_eq!(exists.status.code(), Some(7));
    assert!(
        stderr(&exists).starts_with("Error: User 'alice@example.bob' already exists"),
        "{}",
        stderr(&exists)
    );
    assert!(!stderr(&exists).contains("default role"));

    let several = env.run_at(
        &endpoint(&server),
        &["user", "invite", "x@example.com", "y@example.com"],
    );
    assert_exit(&several, 0, "");
    assert_eq!(
        stderr(&several),
        "No role given: inviting with the default role 'Database Administrator' (pass -r ROLE to choose).\n",
        "once for all users"
    );
    let quiet = env.run_at(
        &endpoint(&server),
        &["user", "invite", "z@example.com", "-q"],
    );
    assert_eq!(stderr(&quiet), "");
}

#[tokio::test]
async fn indented_keys_of_a_profile_are_read() {
    let server = api().await;
    let env = TestEnv::new();
    let file = env.write(
        "rc",
        &format!(
            "\u{feff}; comment\r\n[default]\r\n    ASTRA_DB_APPLICATION_TOKEN = \"{TOKEN}\"\r\n\tASTRA_ENV = local\r\n  ASTRA_LOCAL_ENDPOINT={}\r\n",
            endpoint(&server)
        ),
    );
    let output = env.run(&["user", "list", "-cf", file.to_str().unwrap(), "-o", "csv"]);
    assert_exit(&output, 0, "");
    assert!(stdout(&output).starts_with("code,message,user_id,user_email,status\n"));
}

/// `user roles … --add 'RO Usr'` hints the command with the role replaced, in every spelling of
/// the option, as `invite -r` does (it used to suggest the same typo back).
#[test]
fn a_mistyped_role_in_user_roles_is_replaced_in_the_hint() {
    let emulator = Emulator::start(&[]);
    let env = TestEnv::new();
    for (option, fixed) in [
        (vec!["--add", "RO Usr"], "--add 'RO User'"),
        (vec!["--add=RO Usr"], "'--add=RO User'"),
        (vec!["--set", "RO Usr"], "--set 'RO User'"),
        (vec!["--remove", "RO Usr"], "--remove 'RO User'"),
    ] {
        let output = run(
            &env,
            &emulator,
            &[&["user", "roles", "bob@example.com"], option.as_slice()].concat(),
        );
        assert_exit(&output, 5, format_args!("{option:?}"));
        assert!(
            stderr(&output).contains(&format!("$ astra user roles bob@example.com {fixed}\n")),
            "{option:?}\n{}",
            stderr(&output)
        );
    }
}

/// After a 403 with a profile's token, the first hint names another profile of the same file
/// (it used to offer only "Or pass another token", with nothing before its "Or").
#[tokio::test]
async fn a_refused_profile_token_suggests_another_profile_first() {
    let server = MockServer::start().await;
    mount_status(&server, "GET", "/v2/organizations/users", 403).await;
    let env = TestEnv::new();
    let profile = |token: &str| {
        format!(
            "ASTRA_DB_APPLICATION_TOKEN={token}\nASTRA_ENV=local\nASTRA_LOCAL_ENDPOINT={}\n",
            endpoint(&server)
        )
    };
    let file = env.write(
        "rc",
        &format!("[ci]\n{}[admin]\n{}", profile(TOKEN), profile(TOKEN_B)),
    );
    let output = env.run(&["user", "list", "-cf", file.to_str().unwrap(), "-p", "ci"]);
    assert_eq!(output.status.code(), Some(6));
    let text = stderr(&output);
    let cf = file.to_str().unwrap();
    assert!(
        text.contains(&format!(
            "# Use another profile:\n$ astra user list -cf {cf} -p admin\n\n# Or pass another token:\n$ astra user list --token @FILE\n"
        )),
        "{text}"
    );
}
