//! `astra role list|get`.

use insta::assert_snapshot;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn role_list_in_every_format() {
    let server = api().await;
    let env = TestEnv::new();
    let human = env.run_at(&endpoint(&server), &["role", "list"]);
    assert_snapshot!("role_list_human", transcript(&human));
    let csv = env.run_at(&endpoint(&server), &["role", "list", "-o", "csv"]);
    assert_snapshot!("role_list_csv", transcript(&csv));
    let json = env.run_at(&endpoint(&server), &["role", "list", "-o", "json"]);
    let data = &parse_json(&json)["data"];
    assert_eq!(data.as_array().unwrap().len(), 3);
    assert_eq!(
        data[0],
        json!({"ID": RW_USER, "Name": "R/W User", "Policy": {"description": "R/W User", "effect": "allow",
            "resources": [format!("drn:astra:org:{ORG}")], "actions": ["db-table-select", "db-cql"]}})
    );
    let keys: Vec<&String> = data[0]["Policy"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["description", "effect", "resources", "actions"]);
}

#[tokio::test]
async fn role_get_by_name_or_id_in_every_format() {
    let server = api().await;
    mount_json(
        &server,
        "GET",
        &format!("/v2/organizations/roles/{BILLING}"),
        role(BILLING, "Billing Admin"),
    )
    .await;
    let env = TestEnv::new();
    let human = env.run_at(&endpoint(&server), &["role", "get", "r/w user"]);
    assert_snapshot!("role_get_human", transcript(&human));
    let csv = env.run_at(
        &endpoint(&server),
        &["role", "describe", "R/W User", "-o", "csv"],
    );
    assert_snapshot!("role_get_csv", transcript(&csv));
    let json = env.run_at(
        &endpoint(&server),
        &["role", "get", &BILLING.to_uppercase(), "-o", "json"],
    );
    assert_eq!(parse_json(&json)["data"]["Name"], "Billing Admin");
    assert_eq!(
        calls(&server).await,
        [
            "GET /v2/organizations/roles".to_owned(),
            "GET /v2/organizations/roles".to_owned(),
            format!("GET /v2/organizations/roles/{BILLING}")
        ]
    );
}

#[tokio::test]
async fn role_get_of_an_unknown_role_suggests_the_closest() {
    let server = api().await;
    let env = TestEnv::new();
    let human = env.run_at(&endpoint(&server), &["role", "get", "Billing Admn"]);
    assert_snapshot!("role_get_missing_human", transcript(&human));
    let json = env.run_at(
        &endpoint(&server),
        &["role", "get", "Billing Admn", "-o", "json"],
    );
    assert_eq!(
        parse_json(&json),
        json!({"code": "ROLE_NOT_FOUND",
            "message": "Error: Role 'Billing Admn' not found.\n\nThe specified role does not exist.\n\nUse 'astra role list' to see all available roles.",
            "data": null,
            "nextSteps": [{"comment": "Did you mean:", "command": "astra role get 'Billing Admin' -o json"}]})
    );
    let csv = env.run_at(
        &endpoint(&server),
        &["role", "get", "Billing Admn", "-o", "csv"],
    );
    assert_snapshot!("role_get_missing_csv", transcript(&csv));
    let by_id = env.run_at(
        &endpoint(&server),
        &["role", "get", "00000000-0000-4000-8000-000000000000"],
    );
    assert_eq!(by_id.status.code(), Some(5));
}

/// Only a 404 means the role is not there: a refusal by id keeps its own code and status.
#[tokio::test]
async fn role_get_by_id_refused_is_not_a_missing_role() {
    let server = api().await;
    let id = "00000000-0000-4000-8000-000000000000";
    mount_status(
        &server,
        "GET",
        &format!("/v2/organizations/roles/{id}"),
        403,
    )
    .await;
    let env = TestEnv::new();
    let output = env.run_at(&endpoint(&server), &["role", "get", id, "-o", "json"]);
    assert_eq!(output.status.code(), Some(6));
    assert_eq!(parse_json(&output)["code"], "FORBIDDEN");
}
