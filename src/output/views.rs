//! The views commands return: the original CLI's JSON shapes (SPEC §4.2: users as `{"UserID",
//! "Email", "Status", "Roles"}`, roles as `{"ID", "Name", "Policy"}`, keys in that order, absent
//! fields omitted), the human tables, and the CSV columns of SPEC §4.3.

use serde::Serialize;

use super::columns::{self, many, one, Column};
use super::{json, CsvTable, Record, Table, ValueView};
use crate::api::models::{ListedRole, Policy, Role, User, UserStatus};

#[derive(Serialize)]
pub struct UserJson<'a> {
    #[serde(rename = "UserID")]
    id: &'a str,
    #[serde(rename = "Email", skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(rename = "Status", skip_serializing_if = "Option::is_none")]
    status: Option<&'a UserStatus>,
    #[serde(rename = "Roles", skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<RoleJson<'a>>>,
}

impl<'a> From<&'a User> for UserJson<'a> {
    fn from(user: &'a User) -> Self {
        Self {
            id: &user.id,
            email: user.email.as_deref(),
            status: user.status.as_ref(),
            roles: user
                .roles
                .as_ref()
                .map(|roles| roles.iter().map(RoleJson::from).collect()),
        }
    }
}

#[derive(Serialize)]
pub struct RoleJson<'a> {
    #[serde(rename = "ID")]
    id: &'a str,
    #[serde(rename = "Name", skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(rename = "Policy", skip_serializing_if = "Option::is_none")]
    policy: Option<PolicyJson<'a>>,
}

impl<'a> From<&'a ListedRole<'_>> for RoleJson<'a> {
    fn from(role: &'a ListedRole<'_>) -> Self {
        Self {
            id: &role.id,
            name: role.name.as_deref(),
            policy: role.policy.as_deref().map(PolicyJson::from),
        }
    }
}

impl<'a> From<&'a Role> for RoleJson<'a> {
    fn from(role: &'a Role) -> Self {
        Self {
            id: &role.id,
            name: role.name.as_deref(),
            policy: role.policy.as_deref().map(PolicyJson::from),
        }
    }
}

#[derive(Serialize)]
pub struct PolicyJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effect: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actions: Option<&'a [String]>,
}

impl<'a> From<&'a Policy> for PolicyJson<'a> {
    fn from(policy: &'a Policy) -> Self {
        Self {
            description: policy.description.as_deref(),
            effect: policy.effect.as_deref(),
            resources: policy.resources.as_deref(),
            actions: policy.actions.as_deref(),
        }
    }
}

/// `role list`: every role; `user roles USER`: that user's roles.
pub struct RolesView {
    pub roles: Vec<Role>,
}

impl ValueView for RolesView {
    fn json(&self) -> String {
        json::value_envelope(&self.roles.iter().map(RoleJson::from).collect::<Vec<_>>())
    }

    fn table(&self) -> Table {
        columns::table(ROLE_COLUMNS, &self.roles)
    }

    fn csv(&self) -> CsvTable {
        columns::csv(ROLE_COLUMNS, &self.roles)
    }
}

const ROLE_COLUMNS: &[Column<Role>] = &[
    Column::both("Role Id", "role_id", |role| one(&role.id)),
    Column::both("Role Name", "role_name", |role| one(role.name())),
];

/// `user invite` data: `{"wasInvited": true, "roleIds": [ids]}` or `{"wasInvited": false,
/// "roleIds": null}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invited {
    pub was_invited: bool,
    pub role_ids: Option<Vec<String>>,
}

impl Record for Invited {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("was_invited", |r| one(r.was_invited.to_string())),
        Column::csv("role_ids", |r| many(r.role_ids.iter().flatten())),
    ];
}

/// `user delete` data: `{"wasDeleted": bool}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub was_deleted: bool,
}

impl Record for Deleted {
    const COLUMNS: &'static [Column<Self>] = &[Column::csv("was_deleted", |r| {
        one(r.was_deleted.to_string())
    })];
}

/// One row of `user apply`: what was (or would be) done for a user.
#[derive(Debug, Serialize)]
pub struct Applied {
    pub action: &'static str,
    /// Shared by every row with the same roles: a whole organization holds a few role sets.
    pub roles: std::sync::Arc<[String]>,
}

impl Record for Applied {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("action", |r| one(r.action)),
        Column::csv("roles", |r| many(r.roles.iter())),
    ];
}

/// A command that ended with nothing done (a confirmation answered no): no data.
#[derive(Debug, Serialize)]
pub struct NoChange {}

impl Record for NoChange {
    const COLUMNS: &'static [Column<Self>] = &[];
}

/// `config create`, `config delete` and `setup` data: the profile and the file.
#[derive(Debug, Serialize)]
pub struct ProfileChange {
    pub name: String,
    pub env: Option<String>,
    pub token: Option<String>,
    pub path: String,
}

impl Record for ProfileChange {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("name", |r| one(&r.name)),
        Column::csv("env", |r| one(r.env.as_deref().unwrap_or_default())),
        Column::csv("token", |r| one(r.token.as_deref().unwrap_or_default())),
        Column::csv("path", |r| one(&r.path)),
    ];
}

/// A policy as `role update` reports it, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRecord {
    pub description: String,
    pub effect: String,
    pub resources: Vec<String>,
    pub actions: Vec<String>,
}

impl From<&Role> for PolicyRecord {
    /// The role's policy as it is, absent fields empty (the effect `allow`).
    fn from(role: &Role) -> Self {
        let policy = role.policy.as_deref();
        Self {
            description: policy
                .and_then(|p| p.description.clone())
                .unwrap_or_default(),
            effect: policy
                .and_then(|p| p.effect.clone())
                .unwrap_or_else(|| "allow".to_owned()),
            resources: policy.and_then(|p| p.resources.clone()).unwrap_or_default(),
            actions: policy.and_then(|p| p.actions.clone()).unwrap_or_default(),
        }
    }
}

/// One value printed bare (`org id`, `org name`, `token get`): human the value, json
/// `{"code": "OK", "data": "<value>"}`, csv `code,message,data`.
pub struct BareValue {
    pub value: String,
    /// The value is the token in use, shown on purpose on stdout (SPEC §6).
    pub is_token: bool,
}

impl ValueView for BareValue {
    fn json(&self) -> String {
        json::value_envelope(&self.value)
    }

    fn table(&self) -> Table {
        Table::attributes(vec![("Value", vec![self.value.clone()])])
    }

    fn csv(&self) -> CsvTable {
        CsvTable {
            columns: vec!["data"],
            rows: vec![vec![self.value.clone()]],
        }
    }

    fn bare(&self) -> Option<&str> {
        Some(&self.value)
    }

    fn reveals(&self) -> Option<&str> {
        self.is_token.then_some(self.value.as_str())
    }
}

/// One item drawn vertically (`user get`, `role get`, `org get`, a saved token): its fields
/// declared once, for the `Attribute | Value` table and the `attribute,value` CSV; its JSON the
/// original's shape.
pub struct Vertical<T: 'static> {
    pub item: T,
    fields: &'static [Column<T>],
    json: fn(&T) -> String,
}

impl<T> Vertical<T> {
    pub fn new(item: T, fields: &'static [Column<T>], json: fn(&T) -> String) -> Self {
        Self { item, fields, json }
    }
}

impl<T> ValueView for Vertical<T> {
    fn json(&self) -> String {
        (self.json)(&self.item)
    }

    fn table(&self) -> Table {
        columns::attributes(self.fields, &self.item)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(self.fields, &self.item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::admin_with_policy as admin;
    use crate::fixtures::role;
    use crate::fixtures::table_rows as rows;
    use crate::output::AnyRecord;
    use serde_json::{json, Value};

    #[test]
    fn roles_show_their_policy_when_there_is_one() {
        let list = RolesView {
            roles: vec![role("r1", "RO User"), admin()],
        };
        let json: Value = serde_json::from_str(&list.json()).unwrap();
        assert_eq!(json["data"][0], json!({"ID": "r1", "Name": "RO User"}));
        assert_eq!(
            json["data"][1]["Policy"],
            json!({"description": "All", "effect": "allow", "resources": ["drn:a", "drn:b"], "actions": ["org-read"]})
        );
        assert_eq!(rows(&list.table()), [["r1", "RO User"], ["r2", "Admin"]]);
        assert_eq!(list.csv().columns, ["role_id", "role_name"]);
        assert_eq!(list.csv().rows, [["r1", "RO User"], ["r2", "Admin"]]);
    }

    #[test]
    fn each_change_names_its_csv_cells_in_column_order() {
        let invited = Invited {
            was_invited: true,
            role_ids: Some(vec!["r1".into(), "r2".into()]),
        };
        assert_eq!(invited.cells(), ["true", "r1,r2"]);
        assert_eq!(
            serde_json::to_value(&invited).unwrap(),
            json!({"wasInvited": true, "roleIds": ["r1", "r2"]})
        );
        let skipped = Invited {
            was_invited: false,
            role_ids: None,
        };
        assert_eq!(skipped.cells(), ["false", ""]);
        assert_eq!(Deleted { was_deleted: true }.cells(), ["true"]);
        assert_eq!(Deleted { was_deleted: false }.cells(), ["false"]);
        let applied = Applied {
            action: "invite",
            roles: vec!["A".into(), "B".into()].into(),
        };
        assert_eq!(applied.cells(), ["invite", "A,B"]);
        assert_eq!(
            serde_json::to_value(&applied).unwrap(),
            json!({"action": "invite", "roles": ["A", "B"]})
        );
        let change = ProfileChange {
            name: "dev".into(),
            env: None,
            token: Some("AstraCS:aaaa****bbbb".into()),
            path: "/h/.astrarc".into(),
        };
        assert_eq!(
            change.cells(),
            ["dev", "", "AstraCS:aaaa****bbbb", "/h/.astrarc"]
        );
        let with_env = ProfileChange {
            env: Some("dev".into()),
            token: None,
            ..change
        };
        assert_eq!(with_env.cells(), ["dev", "dev", "", "/h/.astrarc"]);
    }

    /// Each list view's columns against the headers its snapshots and the original's approved
    /// outputs show: the table's and the CSV's, from the one list.
    #[test]
    fn every_column_list_draws_the_headers_of_its_snapshots() {
        let headers = |table: Table| table.columns;
        let names = |csv: CsvTable| csv.columns;
        // A change's CSV columns, as the original's approved outputs name them.
        assert_eq!(Invited::csv_names(), ["was_invited", "role_ids"]);
        assert_eq!(Deleted::csv_names(), ["was_deleted"]);
        assert_eq!(Applied::csv_names(), ["action", "roles"]);
        assert_eq!(ProfileChange::csv_names(), ["name", "env", "token", "path"]);
        assert_eq!(
            headers(columns::table(ROLE_COLUMNS, &[])),
            ["Role Id", "Role Name"]
        );
        assert_eq!(
            names(columns::csv(ROLE_COLUMNS, &[])),
            ["role_id", "role_name"]
        );
    }
}
