//! `astra user list|get|invite|delete` in every format, and the exact requests they send.

use insta::assert_snapshot;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn list_in_every_format_sends_one_authenticated_get() {
    let server = api().await;
    let env = TestEnv::new();
    let human = env.run_at(&endpoint(&server), &["user", "list"]);
    assert_snapshot!("user_list_human", transcript(&human));
    let csv = env.run_at(&endpoint(&server), &["user", "list", "-o", "csv"]);
    assert_snapshot!("user_list_csv", transcript(&csv));
    let json = env.run_at(&endpoint(&server), &["user", "list", "-o", "JSON"]);
    assert_eq!(json.status.code(), Some(0));
    assert_eq!(
        parse_json(&json),
        json!({"code": "OK", "data": [
            {"UserID": ALICE, "Email": "alice@example.bob", "Status": "active", "Roles": [{"ID": RW_USER, "Name": "R/W User"}]},
            {"UserID": BOB, "Email": "Bob@Example.bob", "Status": "invited", "Roles": [{"ID": RW_USER, "Name": "R/W User"}, {"ID": BILLING, "Name": "Billing Admin"}]}
        ]})
    );
    assert!(
        stdout(&json).starts_with("{\n  \"code\": \"OK\",\n  \"data\": [\n"),
        "two-space pretty JSON, keys in order"
    );

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(
            (request.method.as_str(), request.url.path()),
            ("GET", "/v2/organizations/users")
        );
        assert_eq!(
            request.headers["authorization"],
            format!("Bearer {TOKEN}").as_str()
        );
        assert_eq!(request.headers["accept"], "application/json");
        assert_eq!(
            request.headers["user-agent"],
            concat!("astra-cli/", env!("CARGO_PKG_VERSION"), " (rust)")
        );
    }
}

#[tokio::test]
async fn an_empty_list_shows_the_header_only() {
    let server = wiremock::MockServer::start().await;
    mount_json(
        &server,
        "GET",
        "/v2/organizations/users",
        json!({"OrgID": ORG, "Users": []}),
    )
    .await;
    let env = TestEnv::new();
    let human = env.run_at(&endpoint(&server), &["user", "list"]);
    assert_snapshot!("user_list_empty_human", transcript(&human));
    let json = env.run_at(&endpoint(&server), &["user", "list", "-o", "json"]);
    assert_eq!(parse_json(&json), json!({"code": "OK", "data": []}));
    let csv = env.run_at(&endpoint(&server), &["user", "list", "-o", "csv"]);
    assert_eq!(stdout(&csv), "code,message,user_id,user_email,status\n");
}

#[tokio::test]
async fn get_by_email_matches_case_insensitively_in_every_format() {
    let server = api().await;
    let env = TestEnv::new();
    let human = env.run_at(&endpoint(&server), &["user", "get", "bob@example.BOB"]);
    assert_snapshot!("user_get_human", transcript(&human));
    let csv = env.run_at(
        &endpoint(&server),
        &["user", "describe", "bob@example.bob", "-o", "csv"],
    );
    assert_snapshot!("user_get_csv", transcript(&csv));
    let json = env.run_at(
        &endpoint(&server),
        &["user", "get", "alice@example.bob", "-o", "json"],
    );
    assert_eq!(
        parse_json(&json),
        json!({"code": "OK", "data": {"UserID": ALICE, "Email": "alice@example.bob", "Status": "active", "Roles": [{"ID": RW_USER, "Name": "R/W User"}]}})
    );
    assert_eq!(calls(&server).await, vec!["GET /v2/organizations/users"; 3]);
}

#[tokio::test]
async fn get_by_id_asks_for_that_user_only_and_404_is_not_found() {
    let server = wiremock::MockServer::start().await;
    let user = json!({"userID": ALICE, "email": "alice@example.bob", "status": "active",
        "roles": [{"id": RW_USER, "name": "R/W User", "policy": {"description": "d", "effect": "allow", "resources": ["r"], "actions": ["a"]}}]});
    mount_json(
        &server,
        "GET",
        &format!("/v2/organizations/users/{ALICE}"),
        user,
    )
    .await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/organizations/users/{BOB}")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"errors": [{"ID": 404, "message": "not found"}]})),
        )
        .mount(&server)
        .await;
    let env = TestEnv::new();
    let json = env.run_at(
        &endpoint(&server),
        &["user", "get", &ALICE.to_uppercase(), "-o", "json"],
    );
    assert_eq!(
        parse_json(&json)["data"],
        json!({"UserID": ALICE, "Email": "alice@example.bob", "Status": "active",
            "Roles": [{"ID": RW_USER, "Name": "R/W User", "Policy": {"description": "d", "effect": "allow", "resources": ["r"], "actions": ["a"]}}]})
    );
    let missing = env.run_at(&endpoint(&server), &["user", "get", BOB]);
    assert_snapshot!("user_get_missing_human", transcript(&missing));
    let missing_json = env.run_at(&endpoint(&server), &["user", "get", BOB, "-o", "json"]);
    assert_eq!(missing_json.status.code(), Some(5));
    assert_eq!(
        parse_json(&missing_json),
        json!({"code": "USER_NOT_FOUND", "message": format!("Error: User '{BOB}' not found.\n\nUse 'astra user list' to see all available users."), "data": null, "nextSteps": null})
    );
    assert_eq!(
        calls(&server).await,
        vec![
            format!("GET /v2/organizations/users/{ALICE}"),
            format!("GET /v2/organizations/users/{BOB}"),
            format!("GET /v2/organizations/users/{BOB}"),
        ]
    );
}

#[tokio::test]
async fn invite_reads_users_and_roles_then_sends_one_put() {
    let server = api().await;
    mount_status(&server, "PUT", "/v2/organizations/users", 200).await;
    let env = TestEnv::new();
    let human = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "jane@example.com",
            "-r",
            "r/w user",
            "--role",
            "Billing Admin",
        ],
    );
    assert_snapshot!("user_invite_human", transcript(&human));

    let requests = received(&server).await;
    let mut reads: Vec<String> = requests[..2]
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    reads.sort();
    assert_eq!(
        reads,
        ["GET /v2/organizations/roles", "GET /v2/organizations/users"]
    );
    assert_eq!(
        (requests[2].method.as_str(), requests[2].url.path()),
        ("PUT", "/v2/organizations/users")
    );
    assert_eq!(
        body_json(&requests[2]),
        json!({"email": "jane@example.com", "orgID": ORG, "roles": [RW_USER, BILLING]})
    );
    assert_eq!(requests[2].headers["content-type"], "application/json");
    assert_eq!(requests.len(), 3, "no /currentOrg call");
}

#[tokio::test]
async fn invite_in_json_and_csv_and_comma_lists_mean_repeated_flags() {
    let server = api().await;
    mount_status(&server, "PUT", "/v2/organizations/users", 200).await;
    let env = TestEnv::new();
    let json = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "jane@example.com",
            "-r",
            "R/W User,'Billing Admin'",
            "-o",
            "json",
        ],
    );
    assert_eq!(
        parse_json(&json),
        json!({"code": "OK", "message": "User 'jane@example.com' has been invited with roles 'R/W User', 'Billing Admin'.",
            "data": {"wasInvited": true, "roleIds": [RW_USER, BILLING]},
            "nextSteps": null}),
        "JSON is the original's: no terminal-only hint (SPEC §12)"
    );
    let csv = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "jane@example.com",
            "--roles",
            "R/W User",
            "-o",
            "csv",
        ],
    );
    assert_snapshot!("user_invite_csv", transcript(&csv));
}

#[tokio::test]
async fn invite_without_roles_uses_the_default_role_with_a_notice() {
    let server = api().await;
    mount_status(&server, "PUT", "/v2/organizations/users", 200).await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &["user", "invite", "jane@example.com", "--no-input"],
    );
    assert_snapshot!("user_invite_default_role", transcript(&output));
    let quiet = env.run_at(
        &endpoint(&server),
        &["user", "invite", "jane@example.com", "-q"],
    );
    assert_eq!(stderr(&quiet), "");
    let put = received(&server)
        .await
        .into_iter()
        .find(|r| r.method.as_str() == "PUT")
        .unwrap();
    assert_eq!(body_json(&put)["roles"], json!([DB_ADMIN]));
}

#[tokio::test]
async fn invite_without_roles_fails_when_the_org_has_no_default_role() {
    let server = wiremock::MockServer::start().await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    mount_json(
        &server,
        "GET",
        "/v2/organizations/roles",
        json!([role(RW_USER, "R/W User")]),
    )
    .await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["user", "invite", "jane@example.com"]);
    assert_snapshot!("user_invite_no_default_role", transcript(&output));
    assert!(!calls(&server)
        .await
        .iter()
        .any(|call| call.starts_with("PUT")));
}

#[tokio::test]
async fn inviting_an_existing_user_fails_or_skips_and_sends_nothing() {
    let server = api().await;
    let env = TestEnv::new();
    let human = env.run_at(
        &endpoint(&server),
        &["user", "invite", "ALICE@example.bob", "--roles", "R/W User"],
    );
    assert_snapshot!("user_invite_exists_human", transcript(&human));
    let json = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "alice@example.bob",
            "--roles",
            "R/W User",
            "-o",
            "json",
        ],
    );
    assert_eq!(json.status.code(), Some(7));
    assert_eq!(
        parse_json(&json),
        json!({"code": "USER_ALREADY_INVITED",
        "message": "Error: User 'alice@example.bob' already exists in this organization.\n\nThis may be expected, but to avoid this error, pass the '--if-not-exists' flag to skip this error if the user already exists.",
        "data": null,
        "nextSteps": [
            {"comment": "Example fix:", "command": "astra user invite alice@example.bob --roles 'R/W User' -o json --if-not-exists"},
            {"comment": "See all existing users:", "command": "astra user list"}
        ]})
    );
    let skip = env.run_at(
        &endpoint(&server),
        &["user", "invite", "alice@example.bob", "--if-not-exists"],
    );
    assert_snapshot!("user_invite_exists_skip", transcript(&skip));
    let skip_json = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "alice@example.bob",
            "--if-not-exists",
            "-o",
            "json",
        ],
    );
    assert_eq!(
        parse_json(&skip_json),
        json!({"code": "OK", "message": "User 'alice@example.bob' already exists; nothing to invite.",
            "data": {"wasInvited": false, "roleIds": null},
            "nextSteps": [{"comment": "See all existing users:", "command": "astra user list"}]})
    );
    let skip_csv = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "alice@example.bob",
            "--if-not-exists",
            "-o",
            "csv",
        ],
    );
    assert_eq!(stdout(&skip_csv), "code,message,was_invited,role_ids\nOK,User 'alice@example.bob' already exists; nothing to invite.,false,\n");
    assert!(!calls(&server)
        .await
        .iter()
        .any(|call| call.starts_with("PUT")));
}

#[tokio::test]
async fn an_unknown_or_ambiguous_role_stops_the_invitation_before_anything_is_sent() {
    let server = wiremock::MockServer::start().await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    mount_json(
        &server,
        "GET",
        "/v2/organizations/roles",
        json!([
            role(RW_USER, "R/W User"),
            role(BILLING, "r/w user"),
            role(DB_ADMIN, "Billing Admin")
        ]),
    )
    .await;
    let env = TestEnv::new();
    let unknown = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "jane@example.com",
            "-r",
            "Billing Admin,Biling Admin",
        ],
    );
    assert_snapshot!("user_invite_unknown_role", transcript(&unknown));
    let ambiguous = env.run_at(
        &endpoint(&server),
        &["user", "invite", "jane@example.com", "-r", "R/W USER"],
    );
    assert_snapshot!("user_invite_ambiguous_role", transcript(&ambiguous));
    let exact = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "jane@example.com",
            "-r",
            "r/w user",
            "-o",
            "json",
        ],
    );
    assert_eq!(
        exact.status.code(),
        Some(9),
        "no PUT mock: the exact match was sent, and the 404 is a rejection"
    );
    let puts: Vec<_> = received(&server)
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == "PUT")
        .collect();
    assert_eq!(puts.len(), 1);
    assert_eq!(body_json(&puts[0])["roles"], json!([BILLING]));
}

#[tokio::test]
async fn inviting_an_unknown_id_is_user_not_found() {
    let server = api().await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "99999999-2222-4333-8444-555555555555",
            "-r",
            "R/W User",
        ],
    );
    assert_eq!(output.status.code(), Some(5));
    assert!(
        stderr(&output)
            .starts_with("Error: User '99999999-2222-4333-8444-555555555555' not found."),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn delete_by_email_looks_up_the_id_then_deletes() {
    let server = api().await;
    mount_status(
        &server,
        "DELETE",
        &format!("/v2/organizations/users/{BOB}"),
        204,
    )
    .await;
    let env = TestEnv::new();
    let human = env.run_at(&endpoint(&server), &["user", "delete", "bob@example.bob"]);
    assert_snapshot!("user_delete_human", transcript(&human));
    assert_eq!(
        calls(&server).await,
        [
            "GET /v2/organizations/users".to_owned(),
            format!("DELETE /v2/organizations/users/{BOB}")
        ]
    );
    let json = env.run_at(
        &endpoint(&server),
        &["user", "delete", "bob@example.bob", "-o", "json"],
    );
    assert_eq!(
        parse_json(&json),
        json!({"code": "OK", "message": "User 'bob@example.bob' has been deleted.", "data": {"wasDeleted": true}, "nextSteps": null})
    );
    let csv = env.run_at(
        &endpoint(&server),
        &["user", "delete", "bob@example.bob", "-o", "csv"],
    );
    assert_eq!(
        stdout(&csv),
        "code,message,was_deleted\nOK,User 'bob@example.bob' has been deleted.,true\n"
    );
}

#[tokio::test]
async fn delete_by_id_is_the_list_then_one_call_and_404_is_not_found_unless_if_exists() {
    let server = wiremock::MockServer::start().await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    mount_status(
        &server,
        "DELETE",
        &format!("/v2/organizations/users/{ALICE}"),
        204,
    )
    .await;
    mount_status(
        &server,
        "DELETE",
        &format!("/v2/organizations/users/{BOB}"),
        404,
    )
    .await;
    let env = TestEnv::new();
    let deleted = env.run_at(&endpoint(&server), &["user", "delete", ALICE]);
    assert_eq!(
        (deleted.status.code(), stdout(&deleted)),
        (Some(0), format!("User '{ALICE}' has been deleted.\n"))
    );
    // SPEC §1.6 and §7.3: the list first, to keep the last Organization Administrator.
    assert_eq!(
        calls(&server).await,
        [
            "GET /v2/organizations/users".to_owned(),
            format!("DELETE /v2/organizations/users/{ALICE}")
        ]
    );

    let missing = env.run_at(&endpoint(&server), &["user", "delete", BOB]);
    assert_snapshot!("user_delete_missing_human", transcript(&missing));
    let missing_csv = env.run_at(&endpoint(&server), &["user", "delete", BOB, "-o", "csv"]);
    assert_snapshot!("user_delete_missing_csv", transcript(&missing_csv));
    let skipped = env.run_at(
        &endpoint(&server),
        &["user", "delete", BOB, "--if-exists", "-o", "json"],
    );
    assert_eq!(skipped.status.code(), Some(0));
    assert_eq!(
        parse_json(&skipped),
        json!({"code": "OK", "message": format!("User '{BOB}' does not exist; nothing to delete."), "data": {"wasDeleted": false},
            "nextSteps": [{"comment": "See all existing users:", "command": "astra user list"}]})
    );
    let skipped_human = env.run_at(&endpoint(&server), &["user", "delete", BOB, "--if-exists"]);
    assert_snapshot!("user_delete_skip_human", transcript(&skipped_human));
}

#[tokio::test]
async fn bad_user_values_are_usage_errors() {
    let env = TestEnv::new();
    for value in ["", "  ''  ", "<email>", "a@b.c\nd"] {
        let output = env.run(&["user", "get", value, "--token", TOKEN]);
        assert_eq!(output.status.code(), Some(2), "{value:?}");
        assert!(
            stderr(&output).starts_with("error: invalid value"),
            "{}",
            stderr(&output)
        );
    }
}

#[tokio::test]
async fn several_users_give_one_result_each_in_argument_order_and_exit_10_when_some_fail() {
    let server = api().await;
    mount_status(&server, "PUT", "/v2/organizations/users", 200).await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "invite",
            "new@example.com",
            "alice@example.bob",
            "other@example.com",
            "-r",
            "R/W User",
            "-o",
            "json",
        ],
    );
    assert_exit(&output, 10, "");
    let value = parse_json(&output);
    assert_eq!(value["code"], "PARTIAL_FAILURE");
    let items = value["data"].as_array().unwrap();
    assert_eq!(
        field(&value["data"], "user"),
        ["new@example.com", "alice@example.bob", "other@example.com"]
    );
    assert_eq!(
        field(&value["data"], "code"),
        ["OK", "USER_ALREADY_INVITED", "OK"]
    );
    assert_eq!(items[0]["wasInvited"], true);
    assert_eq!(items[0]["roleIds"], json!([RW_USER]));
    let calls = calls(&server).await;
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.as_str() == "GET /v2/organizations/users")
            .count(),
        1,
        "one shared read: {calls:?}"
    );
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.as_str() == "PUT /v2/organizations/users")
            .count(),
        2
    );

    mount_status(
        &server,
        "DELETE",
        &format!("/v2/organizations/users/{ALICE}"),
        204,
    )
    .await;
    let csv = env.run_at(
        &endpoint(&server),
        &[
            "user",
            "delete",
            "nobody@example.com",
            "alice@example.bob",
            "--if-exists",
            "-o",
            "csv",
        ],
    );
    assert_exit(&csv, 0, "");
    assert_eq!(
        stdout(&csv),
        "code,message,user,status,was_deleted\n\
         OK,User 'nobody@example.com' does not exist; nothing to delete.,nobody@example.com,unchanged,false\n\
         OK,User 'alice@example.bob' has been deleted.,alice@example.bob,done,true\n"
    );
}

/// Two roles with exactly the same name: `-r Dup` is ambiguous (exit 3, both ids named),
/// nothing is sent, instead of a silent pick of the first.
#[tokio::test]
async fn a_role_name_held_by_two_roles_is_ambiguous() {
    let server = wiremock::MockServer::start().await;
    mount_json(&server, "GET", "/v2/organizations/users", users()).await;
    let dup_a = "e1ed0e9e-67e8-47b6-8b58-c6629be961a9";
    let dup_b = "e2ed0e9e-67e8-47b6-8b58-c6629be961a9";
    mount_json(
        &server,
        "GET",
        "/v2/organizations/roles",
        serde_json::json!([role(dup_a, "Dup"), role(dup_b, "Dup")]),
    )
    .await;
    let env = TestEnv::new();
    let output = env.run_at(
        &endpoint(&server),
        &["user", "invite", "new@example.bob", "-r", "Dup"],
    );
    assert_exit(&output, 3, "ambiguous");
    let err = stderr(&output);
    assert!(err.contains("Role 'Dup' is ambiguous"), "{err}");
    assert!(err.contains(dup_a) && err.contains(dup_b), "{err}");
    assert!(calls(&server).await.iter().all(|c| c.starts_with("GET")));
}
