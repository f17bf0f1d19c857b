//! The original CLI's output shapes (SPEC §4.2): users as `{"UserID", "Email", "Status", "Roles"}`
//! and roles as `{"ID", "Name", "Policy"}`, keys in that order, absent fields omitted.

use serde_json::{Map, Value};

use crate::api::models::{Role, User};
use crate::output::{Report, Table};

pub fn user_json(user: &User) -> Value {
    let mut map = Map::new();
    map.insert("UserID".into(), user.id.clone().into());
    insert_some(&mut map, "Email", user.email.clone().map(Value::from));
    insert_some(&mut map, "Status", user.status.clone().map(Value::from));
    map.insert("Roles".into(), user.roles.iter().map(role_json).collect());
    Value::Object(map)
}

pub fn role_json(role: &Role) -> Value {
    let mut map = Map::new();
    map.insert("ID".into(), role.id.clone().into());
    insert_some(&mut map, "Name", role.name.clone().map(Value::from));
    if let Some(policy) = &role.policy {
        let mut inner = Map::new();
        insert_some(
            &mut inner,
            "description",
            policy.description.clone().map(Value::from),
        );
        insert_some(&mut inner, "effect", policy.effect.clone().map(Value::from));
        insert_some(
            &mut inner,
            "resources",
            policy.resources.clone().map(Value::from),
        );
        insert_some(
            &mut inner,
            "actions",
            policy.actions.clone().map(Value::from),
        );
        map.insert("Policy".into(), Value::Object(inner));
    }
    Value::Object(map)
}

fn insert_some(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value);
    }
}

pub fn users_report(users: &[User]) -> Report {
    let mut table = Table::new(&["User Id", "User Email", "Status"]);
    for user in users {
        table.row(vec![
            vec![user.id.clone()],
            vec![text(&user.email)],
            vec![text(&user.status)],
        ]);
    }
    Report::Value {
        data: users.iter().map(user_json).collect(),
        table,
    }
}

pub fn user_report(user: &User) -> Report {
    let table = Table::attributes(vec![
        ("User Id", vec![user.id.clone()]),
        ("User Email", vec![text(&user.email)]),
        ("Status", vec![text(&user.status)]),
        (
            "Roles",
            user.roles
                .iter()
                .map(|role| role.name().to_owned())
                .collect(),
        ),
    ]);
    Report::Value {
        data: user_json(user),
        table,
    }
}

pub fn roles_report(roles: &[Role]) -> Report {
    let mut table = Table::new(&["Role Id", "Role Name"]);
    for role in roles {
        table.row(vec![vec![role.id.clone()], vec![role.name().to_owned()]]);
    }
    Report::Value {
        data: roles.iter().map(role_json).collect(),
        table,
    }
}

pub fn role_report(role: &Role) -> Report {
    let policy = role.policy.as_ref();
    let list = |pick: fn(&crate::api::models::Policy) -> &Option<Vec<String>>| {
        policy.and_then(|p| pick(p).clone()).unwrap_or_default()
    };
    let table = Table::attributes(vec![
        ("Identifier", vec![role.id.clone()]),
        ("Name", vec![role.name().to_owned()]),
        (
            "Description",
            vec![policy
                .and_then(|p| p.description.clone())
                .unwrap_or_default()],
        ),
        (
            "Effect",
            vec![policy.and_then(|p| p.effect.clone()).unwrap_or_default()],
        ),
        ("Resources", list(|p| &p.resources)),
        ("Actions", list(|p| &p.actions)),
    ]);
    Report::Value {
        data: role_json(role),
        table,
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}
