//! Test-only builders for the API's models, and a runtime, shared by the unit tests of the logic
//! modules.

use crate::api::models::{Role, User, UserStatus};

pub fn role(id: &str, name: &str) -> Role {
    Role {
        id: id.to_owned(),
        name: Some(name.to_owned()),
        policy: None,
    }
}

/// A user with these roles; `status` is `active`, `invited` or anything else the API may send.
pub fn user(id: &str, email: &str, status: &str, roles: &[&Role]) -> User {
    User {
        id: id.to_owned(),
        email: Some(email.to_owned()),
        status: Some(match status {
            "active" => UserStatus::Active,
            "invited" => UserStatus::Invited,
            other => UserStatus::Other(other.to_owned()),
        }),
        roles: Some(roles.iter().map(|r| (*r).clone()).collect()),
    }
}

/// A role whose policy allows `actions` on `resources`.
pub fn role_allowing(id: &str, name: &str, actions: &[&str], resources: &[&str]) -> Role {
    let strings = |values: &[&str]| Some(values.iter().map(|v| v.to_string()).collect());
    Role {
        policy: Some(Box::new(crate::api::models::Policy {
            description: None,
            effect: Some("allow".into()),
            resources: strings(resources),
            actions: strings(actions),
        })),
        ..role(id, name)
    }
}

/// A user holding roles by id only, as the users list names them.
pub fn user_holding(id: &str, email: &str, status: &str, role_ids: &[&str]) -> User {
    let held: Vec<Role> = role_ids
        .iter()
        .map(|id| Role {
            id: id.to_string(),
            name: None,
            policy: None,
        })
        .collect();
    User {
        roles: Some(held),
        ..user(id, email, status, &[])
    }
}

/// An application token holding `roles` (ids), generated at `generated`.
pub fn app_token(
    client: &str,
    roles: &[&str],
    generated: &str,
    expiry: Option<&str>,
) -> crate::api::models::AppToken {
    crate::api::models::AppToken {
        client_id: client.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        generated_on: Some(generated.into()),
        description: None,
        token_expiry: expiry.map(str::to_owned),
    }
}

/// A users list read from `body`, as `GET /organizations/users` would send it.
/// Role `r2`, `Admin`, with a whole policy: a description, `allow`, two resources, one action.
pub fn admin_with_policy() -> Role {
    let mut admin = role("r2", "Admin");
    admin.policy = Some(Box::new(crate::api::models::Policy {
        description: Some("All".into()),
        effect: Some("allow".into()),
        resources: Some(vec!["drn:a".into(), "drn:b".into()]),
        actions: Some(vec!["org-read".into()]),
    }));
    admin
}

/// A table's rows, each cell's lines joined by `|`: what a test compares.
pub fn table_rows(table: &crate::output::Table) -> Vec<Vec<String>> {
    table
        .rows
        .iter()
        .map(|row| row.iter().map(|v| v.join("|")).collect())
        .collect()
}

pub fn listing(body: &str) -> crate::api::Listing {
    crate::api::Listing::try_new(body.as_bytes().to_vec(), |body| {
        serde_json::from_slice(body)
    })
    .expect("a users list")
}

/// Runs a future to completion on a one-thread runtime with timers, as `app` runs commands.
pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a test runtime")
        .block_on(future)
}
