//! The views commands return: the original CLI's JSON shapes (SPEC §4.2: users as `{"UserID",
//! "Email", "Status", "Roles"}`, roles as `{"ID", "Name", "Policy"}`, keys in that order, absent
//! fields omitted), the human tables, and the CSV columns of SPEC §4.3.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use super::columns::{self, many, one, Column};
use super::{csv, human, json, CsvTable, Format, Record, Style, Table, ValueView};
use crate::api::models::{ListedRole, ListedUser, Policy, Role, User, UserStatus};
use crate::api::Listing;
use crate::error::CliError;
use crate::text::escape_control_in_line;

#[derive(Serialize)]
struct UserJson<'a> {
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
struct RoleJson<'a> {
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
struct PolicyJson<'a> {
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

fn status(user: &User) -> String {
    user.status
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default()
}

/// A user's roles by name; a role the organization no longer lists (sent without a name) by its
/// id, as `token list` shows it, rather than as an empty line.
fn role_names(user: &User) -> Vec<String> {
    user.roles()
        .iter()
        .map(|r| match r.name() {
            "" => r.id.clone(),
            name => name.to_owned(),
        })
        .collect()
}

/// Attribute rows as CSV: `attribute,value`, a multi-valued cell joined with `,`.
fn attribute_csv(table: &Table) -> CsvTable {
    CsvTable {
        columns: vec!["attribute", "value"],
        rows: table
            .rows
            .iter()
            .map(|row| row.iter().map(|values| values.join(",")).collect())
            .collect(),
    }
}

/// `user list`: every user, written straight from the body it was read from (no view or table
/// per user), in the original's bytes.
pub struct UsersView {
    pub listing: Listing,
}

impl UsersView {
    fn users(&self) -> &[ListedUser<'_>] {
        &self.listing.borrow_dependent().users
    }

    /// A user's row, escaped for a terminal (borrowed unless it holds a control character).
    fn cells<'v>(user: &'v ListedUser<'_>) -> [Cow<'v, str>; 3] {
        [&*user.id, user.email(), user.status()].map(escape_control_in_line)
    }

    fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        json::write_value_envelope(out, &ListedUsersJson(self.users()))
    }

    fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let rows = self.users().iter();
        csv::write_value(
            out,
            USER_CSV_COLUMNS,
            rows.map(|user| [&*user.id, user.email(), user.status()]),
        )
    }
}

impl UsersView {
    /// The JSON document as jaq's values, for `--jq`, built from the listing without writing
    /// and re-reading 100,000 users' text: keys are made once, and users with the same roles
    /// (their raw JSON alike) share one array. Its shape is the JSON output's (a test holds them
    /// equal).
    fn jq_document(&self) -> Result<jaq_json::Val, serde_json::Error> {
        use jaq_json::Val;
        let text = |value: &str| Val::utf8_str(value.to_owned());
        let [user_id, email, status, roles] = ["UserID", "Email", "Status", "Roles"].map(text);
        let mut shared: std::collections::HashMap<&str, Val> = std::collections::HashMap::new();
        let mut users = Vec::with_capacity(self.users().len());
        for user in self.users() {
            let mut object = jaq_json::Map::default();
            object.insert(user_id.clone(), text(&user.id));
            if let Some(value) = &user.email {
                object.insert(email.clone(), text(value));
            }
            if let Some(value) = &user.status {
                object.insert(status.clone(), text(value));
            }
            if let Some(raw) = user.roles {
                let held = match shared.get(raw.get()) {
                    Some(held) => held.clone(),
                    None => {
                        let json = serde_json::to_string(&RolesJson(&user.roles()?))?;
                        let held: Val = serde_json::from_str(&json)?;
                        shared.insert(raw.get(), held.clone());
                        held
                    }
                };
                object.insert(roles.clone(), held);
            }
            users.push(Val::obj(object));
        }
        let mut envelope = jaq_json::Map::default();
        envelope.insert(text("code"), text("OK"));
        envelope.insert(text("data"), Val::Arr(std::rc::Rc::new(users)));
        Ok(Val::obj(envelope))
    }
}

impl ValueView for UsersView {
    fn jq_input(&self) -> Option<jaq_json::Val> {
        self.jq_document().ok()
    }

    fn json(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    fn table(&self) -> Table {
        let mut table = Table::new(USER_COLUMNS);
        for user in self.users() {
            table.row(vec![
                vec![user.id.to_string()],
                vec![user.email().to_owned()],
                vec![user.status().to_owned()],
            ]);
        }
        table
    }

    fn csv(&self) -> CsvTable {
        CsvTable {
            columns: USER_CSV_COLUMNS.to_vec(),
            rows: self
                .users()
                .iter()
                .map(|user| {
                    vec![
                        user.id.to_string(),
                        user.email().to_owned(),
                        user.status().to_owned(),
                    ]
                })
                .collect(),
        }
    }

    /// The JSON shows each user's roles: each is read once here, before anything is written.
    fn check(&self, format: Format) -> Result<(), CliError> {
        if format == Format::Json {
            self.listing.check_roles()?;
        }
        Ok(())
    }

    fn write(&self, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
        match (style.format, style.width) {
            (Format::Json, _) => self.write_json(out),
            (Format::Csv, _) => self.write_csv(out),
            (Format::Human, None) => {
                human::write_plain(out, USER_COLUMNS, || self.users().iter().map(Self::cells))
            }
            // A terminal's width: the table is fitted to it (a person reads it, not 100,000 rows).
            (Format::Human, Some(width)) => {
                out.write_all(human::table_within(&self.table(), Some(width)).as_bytes())
            }
        }
    }
}

const USER_COLUMNS: &[&str] = &["User Id", "User Email", "Status"];
const USER_CSV_COLUMNS: &[&str] = &["user_id", "user_email", "status"];

/// The users of a listing as the original's JSON array, each user's roles read as it is written.
struct ListedUsersJson<'v, 'a>(&'v [ListedUser<'a>]);

impl Serialize for ListedUsersJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(ListedUserJson))
    }
}

struct ListedUserJson<'v, 'a>(&'v ListedUser<'a>);

/// A user's roles as the original's JSON array, written from the parsed roles in place.
struct RolesJson<'v, 'a>(&'v [ListedRole<'a>]);

impl Serialize for RolesJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(RoleJson::from))
    }
}

impl Serialize for ListedUserJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeStruct};
        let user = self.0;
        let mut out = serializer.serialize_struct("User", 4)?;
        out.serialize_field("UserID", &*user.id)?;
        if let Some(email) = &user.email {
            out.serialize_field("Email", &**email)?;
        }
        if let Some(status) = &user.status {
            out.serialize_field("Status", &**status)?;
        }
        if user.roles.is_some() {
            let roles = user.roles().map_err(S::Error::custom)?;
            out.serialize_field("Roles", &RolesJson(&roles))?;
        }
        out.end()
    }
}

/// `user get`: one user, with role names.
pub struct UserView {
    pub user: User,
}

impl ValueView for UserView {
    fn json(&self) -> String {
        json::value_envelope(&UserJson::from(&self.user))
    }

    fn table(&self) -> Table {
        let user = &self.user;
        Table::attributes(vec![
            ("User Id", vec![user.id.clone()]),
            ("User Email", vec![user.email().to_owned()]),
            ("Status", vec![status(user)]),
            ("Roles", role_names(user)),
        ])
    }

    fn csv(&self) -> CsvTable {
        attribute_csv(&self.table())
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

/// `role get`: one role, with its policy.
pub struct RoleView {
    pub role: Role,
}

impl ValueView for RoleView {
    fn json(&self) -> String {
        json::value_envelope(&RoleJson::from(&self.role))
    }

    fn table(&self) -> Table {
        let role = &self.role;
        let policy = role.policy.as_deref();
        let text = |pick: fn(&Policy) -> &Option<String>| {
            vec![policy.and_then(|p| pick(p).clone()).unwrap_or_default()]
        };
        let list = |pick: fn(&Policy) -> &Option<Vec<String>>| {
            policy.and_then(|p| pick(p).clone()).unwrap_or_default()
        };
        Table::attributes(vec![
            ("Identifier", vec![role.id.clone()]),
            ("Name", vec![role.name().to_owned()]),
            ("Description", text(|p| &p.description)),
            ("Effect", text(|p| &p.effect)),
            ("Resources", list(|p| &p.resources)),
            ("Actions", list(|p| &p.actions)),
        ])
    }

    fn csv(&self) -> CsvTable {
        attribute_csv(&self.table())
    }
}

/// `user invite` data: `{"wasInvited": true, "roleIds": [ids]}` or `{"wasInvited": false,
/// "roleIds": null}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invited {
    pub was_invited: bool,
    pub role_ids: Option<Vec<String>>,
}

impl Record for Invited {
    const COLUMNS: &'static [&'static str] = &["was_invited", "role_ids"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.was_invited.to_string(),
            self.role_ids
                .as_ref()
                .map(|ids| ids.join(","))
                .unwrap_or_default(),
        ]
    }
}

/// `user delete` data: `{"wasDeleted": bool}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub was_deleted: bool,
}

impl Record for Deleted {
    const COLUMNS: &'static [&'static str] = &["was_deleted"];

    fn cells(&self) -> Vec<String> {
        vec![self.was_deleted.to_string()]
    }
}

/// `user roles USER --set/--add/--remove` data (SPEC §1.7).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolesChanged {
    pub user_id: String,
    pub email: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: bool,
    pub added_names: Vec<String>,
    pub removed_names: Vec<String>,
}

impl Record for RolesChanged {
    const COLUMNS: &'static [&'static str] = &[
        "user_id",
        "email",
        "before",
        "after",
        "added",
        "removed",
        "changed",
        "added_names",
        "removed_names",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.user_id.clone(),
            self.email.clone(),
            self.before.join(","),
            self.after.join(","),
            self.added.join(","),
            self.removed.join(","),
            self.changed.to_string(),
            self.added_names.join(","),
            self.removed_names.join(","),
        ]
    }
}

/// One row of `user apply`: what was (or would be) done for a user.
#[derive(Debug, Serialize)]
pub struct Applied {
    pub action: &'static str,
    /// Shared by every row with the same roles: a whole organization holds a few role sets.
    pub roles: std::sync::Arc<[String]>,
}

impl Record for Applied {
    const COLUMNS: &'static [&'static str] = &["action", "roles"];

    fn cells(&self) -> Vec<String> {
        vec![self.action.to_owned(), self.roles.join(",")]
    }
}

/// A command that ended with nothing done (a confirmation answered no): no data.
#[derive(Debug, Serialize)]
pub struct NoChange {}

impl Record for NoChange {
    const COLUMNS: &'static [&'static str] = &[];

    fn cells(&self) -> Vec<String> {
        Vec::new()
    }
}

/// One profile of `.astrarc`, its token masked.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileRow {
    pub name: String,
    pub env: String,
    pub token: String,
}

/// `config list`: the profiles.
pub struct ProfilesView {
    pub profiles: Vec<ProfileRow>,
}

impl ValueView for ProfilesView {
    fn json(&self) -> String {
        json::value_envelope(&&self.profiles)
    }

    fn table(&self) -> Table {
        columns::table(PROFILE_COLUMNS, &self.profiles)
    }

    fn csv(&self) -> CsvTable {
        columns::csv(PROFILE_COLUMNS, &self.profiles)
    }
}

const PROFILE_COLUMNS: &[Column<ProfileRow>] = &[
    Column::both("Name", "name", |p| one(&p.name)),
    Column::both("Env", "env", |p| one(&p.env)),
    Column::both("Token", "token", |p| one(&p.token)),
];

/// `config create`, `config delete` and `setup` data: the profile and the file.
#[derive(Debug, Serialize)]
pub struct ProfileChange {
    pub name: String,
    pub env: Option<String>,
    pub token: Option<String>,
    pub path: String,
}

impl Record for ProfileChange {
    const COLUMNS: &'static [&'static str] = &["name", "env", "token", "path"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.env.clone().unwrap_or_default(),
            self.token.clone().unwrap_or_default(),
            self.path.clone(),
        ]
    }
}

/// One application token as `token list` shows it (never its secret).
pub struct TokenRow {
    /// As the API sent it (JSON), and in local time (human and CSV, as the original writes it).
    pub generated_on: String,
    pub local_time: String,
    pub client_id: String,
    pub role_names: Vec<String>,
    pub role_ids: Vec<String>,
    pub description: String,
    pub token_expiry: Option<String>,
    /// The expiry in local time (human), as `local_time`.
    pub expires: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenJson<'a> {
    generated_on: &'a str,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_expiry: Option<&'a str>,
    description: &'a str,
    role_names: &'a [String],
    role_ids: &'a [String],
}

/// `token list`: newest first.
pub struct TokensView {
    pub tokens: Vec<TokenRow>,
}

impl ValueView for TokensView {
    fn json(&self) -> String {
        let tokens: Vec<TokenJson> = self
            .tokens
            .iter()
            .map(|t| TokenJson {
                generated_on: &t.generated_on,
                client_id: &t.client_id,
                token_expiry: t.token_expiry.as_deref(),
                description: &t.description,
                role_names: &t.role_names,
                role_ids: &t.role_ids,
            })
            .collect();
        json::value_envelope(&tokens)
    }

    fn table(&self) -> Table {
        // `Expires` only when a listed token has one: the original's outputs have none.
        let expires = self.tokens.iter().any(|token| token.expires.is_some());
        let shown = TOKEN_COLUMNS
            .iter()
            .filter(|column| expires || column.header != Some(EXPIRES));
        columns::table(shown, &self.tokens)
    }

    fn csv(&self) -> CsvTable {
        columns::csv(TOKEN_COLUMNS, &self.tokens)
    }
}

const EXPIRES: &str = "Expires";

const TOKEN_COLUMNS: &[Column<TokenRow>] = &[
    Column::both("Generated On", "generated_on", |t| one(&t.local_time)),
    Column::both("Client Id", "client_id", |t| one(&t.client_id)),
    Column::human("Roles", |t| {
        one(match t.role_names.as_slice() {
            [] => String::new(),
            [only] => only.clone(),
            [first, rest @ ..] => format!("{first} (+{})", rest.len()),
        })
    }),
    Column::csv("roles", |t| many(&t.role_names)),
    Column::both("Desc", "desc", |t| one(&t.description)),
    Column::human(EXPIRES, |t| one(t.expires.clone().unwrap_or_default())),
];

/// `token create`: the new token, shown this once; JSON `data` is the answer as sent.
pub struct CreatedTokenView {
    pub created: crate::api::models::CreatedToken,
}

impl ValueView for CreatedTokenView {
    fn json(&self) -> String {
        json::value_envelope(&self.created.raw)
    }

    fn table(&self) -> Table {
        Table::attributes(vec![
            ("Client Id", vec![self.created.client_id.clone()]),
            ("Client Secret", vec![self.created.secret.clone()]),
            ("Token", vec![self.created.token.clone()]),
        ])
    }

    fn csv(&self) -> CsvTable {
        attribute_csv(&self.table())
    }

    fn reveals(&self) -> Option<&str> {
        Some(&self.created.token)
    }
}

/// `token create --save-profile NAME`: the new token went into `.astrarc`; nothing secret shown.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedTokenView {
    pub client_id: String,
    /// Masked.
    pub token: String,
    pub profile: String,
}

impl ValueView for SavedTokenView {
    fn json(&self) -> String {
        json::value_envelope(self)
    }

    fn table(&self) -> Table {
        Table::attributes(vec![
            ("Client Id", vec![self.client_id.clone()]),
            ("Token", vec![self.token.clone()]),
            ("Profile", vec![self.profile.clone()]),
        ])
    }

    fn csv(&self) -> CsvTable {
        attribute_csv(&self.table())
    }
}

/// `role create` data: the created role in the `role get` shape; CSV `role_id,role_name`.
pub struct RoleRecord {
    pub role: Role,
}

impl Serialize for RoleRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RoleJson::from(&self.role).serialize(serializer)
    }
}

impl Record for RoleRecord {
    const COLUMNS: &'static [&'static str] = &["role_id", "role_name"];

    fn cells(&self) -> Vec<String> {
        vec![self.role.id.clone(), self.role.name().to_owned()]
    }
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

/// `role update` data: `{"roleId", "name", "before", "after", "changed"}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleChanged {
    pub role_id: String,
    pub name: String,
    pub before: PolicyRecord,
    pub after: PolicyRecord,
    pub changed: bool,
}

impl Record for RoleChanged {
    const COLUMNS: &'static [&'static str] = &["role_id", "name", "changed"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.role_id.clone(),
            self.name.clone(),
            self.changed.to_string(),
        ]
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

/// `org get`: the organization's name and id.
#[derive(Serialize)]
pub struct OrgView {
    pub id: String,
    pub name: String,
}

impl ValueView for OrgView {
    fn json(&self) -> String {
        json::value_envelope(self)
    }

    fn table(&self) -> Table {
        Table::attributes(vec![
            ("Name", vec![self.name.clone()]),
            ("Id", vec![self.id.clone()]),
        ])
    }

    fn csv(&self) -> CsvTable {
        attribute_csv(&self.table())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{listing, role, user};
    use serde_json::{json, Value};

    fn rows(table: &Table) -> Vec<Vec<String>> {
        table
            .rows
            .iter()
            .map(|row| row.iter().map(|v| v.join("|")).collect())
            .collect()
    }

    fn admin() -> Role {
        let mut admin = role("r2", "Admin");
        admin.policy = Some(Box::new(Policy {
            description: Some("All".into()),
            effect: Some("allow".into()),
            resources: Some(vec!["drn:a".into(), "drn:b".into()]),
            actions: Some(vec!["org-read".into()]),
        }));
        admin
    }

    /// One active user with two roles (in the live API's spelling, one name escaped), and one
    /// the API sent with nothing but an id.
    fn users() -> UsersView {
        UsersView {
            listing: listing(
                r#"{"OrgID": "o", "Users": [
                    {"UserID": "u1", "Email": "a@x.io", "Status": "active", "Roles": [
                        {"id": "r1", "name": "RO User"}, {"ID": "r2", "Name": "R\/W User"}]},
                    {"UserID": "u2", "Email": null, "Roles": null}]}"#,
            ),
        }
    }

    fn first_user() -> User {
        let (ro, rw) = (role("r1", "RO User"), role("r2", "R/W User"));
        user("u1", "a@x.io", "active", &[&ro, &rw])
    }

    #[test]
    fn streamed_users_are_the_same_bytes_as_the_whole_text_in_every_format() {
        let view = users();
        let written = |format, width| {
            let style = Style {
                format,
                color: false,
                quiet: false,
                width,
            };
            let mut out = Vec::new();
            view.write(style, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(written(Format::Json, None), view.json());
        assert_eq!(
            written(Format::Csv, None),
            "code,message,user_id,user_email,status\nOK,,u1,a@x.io,active\nOK,,u2,,\n"
        );
        assert_eq!(
            written(Format::Csv, None),
            super::super::csv::value(view.csv())
        );
        assert_eq!(written(Format::Human, None), human::table(&view.table()));
        assert_eq!(
            written(Format::Human, Some(30)),
            human::table_within(&view.table(), Some(30))
        );
        assert!(view.check(Format::Json).is_ok());
    }

    #[test]
    fn a_role_without_an_id_is_found_before_json_is_written_and_ignored_elsewhere() {
        let view = UsersView {
            listing: listing(r#"{"Users": [{"UserID": "u1", "Roles": [{"name": "x"}]}]}"#),
        };
        let err = view.check(Format::Json).unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::BadResponse);
        assert!(
            err.message().contains("missing field `id`"),
            "{}",
            err.message()
        );
        assert!(view.check(Format::Csv).is_ok());
        assert!(view.check(Format::Human).is_ok());
    }

    #[test]
    fn users_keep_the_originals_keys_in_order_and_omit_what_is_absent() {
        let view = users();
        assert_eq!(
            view.json(),
            r#"{
  "code": "OK",
  "data": [
    {
      "UserID": "u1",
      "Email": "a@x.io",
      "Status": "active",
      "Roles": [
        {
          "ID": "r1",
          "Name": "RO User"
        },
        {
          "ID": "r2",
          "Name": "R/W User"
        }
      ]
    },
    {
      "UserID": "u2"
    }
  ]
}
"#
        );
        assert_eq!(view.table().columns, ["User Id", "User Email", "Status"]);
        assert_eq!(
            rows(&view.table()),
            [["u1", "a@x.io", "active"], ["u2", "", ""]]
        );
        let csv = view.csv();
        assert_eq!(csv.columns, ["user_id", "user_email", "status"]);
        assert_eq!(csv.rows, [["u1", "a@x.io", "active"], ["u2", "", ""]]);
    }

    #[test]
    fn one_user_is_an_attribute_table_with_a_line_per_role() {
        let view = UserView { user: first_user() };
        let json: Value = serde_json::from_str(&view.json()).unwrap();
        assert_eq!(json["data"]["UserID"], "u1");
        assert_eq!(
            json["data"]["Roles"][1],
            json!({"ID": "r2", "Name": "R/W User"})
        );
        assert_eq!(
            rows(&view.table()),
            [
                ["User Id", "u1"],
                ["User Email", "a@x.io"],
                ["Status", "active"],
                ["Roles", "RO User|R/W User"]
            ]
        );
        let csv = view.csv();
        assert_eq!(csv.columns, ["attribute", "value"]);
        assert_eq!(csv.rows[3], ["Roles", "RO User,R/W User"]);
    }

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
        let one = RoleView { role: admin() };
        let json: Value = serde_json::from_str(&one.json()).unwrap();
        assert_eq!(json["data"]["Policy"]["effect"], "allow");
        assert_eq!(
            rows(&one.table()),
            [
                ["Identifier", "r2"],
                ["Name", "Admin"],
                ["Description", "All"],
                ["Effect", "allow"],
                ["Resources", "drn:a|drn:b"],
                ["Actions", "org-read"]
            ]
        );
        assert_eq!(one.csv().rows[4], ["Resources", "drn:a,drn:b"]);
        let bare = RoleView {
            role: role("r1", "RO User"),
        };
        assert_eq!(
            rows(&bare.table())[2..],
            [
                ["Description", ""],
                ["Effect", ""],
                ["Resources", ""],
                ["Actions", ""]
            ]
        );
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
        let changed = RolesChanged {
            user_id: "u1".into(),
            email: "a@x.io".into(),
            before: vec!["r1".into()],
            after: vec!["r1".into(), "r2".into()],
            added: vec!["r2".into()],
            removed: vec![],
            changed: true,
            added_names: vec!["R/W User".into(), "X".into()],
            removed_names: vec![],
        };
        assert_eq!(
            changed.cells(),
            [
                "u1",
                "a@x.io",
                "r1",
                "r1,r2",
                "r2",
                "",
                "true",
                "R/W User,X",
                ""
            ]
        );
        assert_eq!(changed.cells().len(), RolesChanged::COLUMNS.len());
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

    #[test]
    fn profiles_list_name_env_and_masked_token() {
        let view = ProfilesView {
            profiles: vec![ProfileRow {
                name: "default".into(),
                env: "prod".into(),
                token: "AstraCS:aaaa****bbbb".into(),
            }],
        };
        let json: Value = serde_json::from_str(&view.json()).unwrap();
        assert_eq!(
            json,
            json!({"code": "OK", "data": [{"name": "default", "env": "prod", "token": "AstraCS:aaaa****bbbb"}]})
        );
        assert_eq!(view.table().columns, ["Name", "Env", "Token"]);
        assert_eq!(
            rows(&view.table()),
            [["default", "prod", "AstraCS:aaaa****bbbb"]]
        );
        assert_eq!(view.csv().columns, ["name", "env", "token"]);
        assert_eq!(
            view.csv().rows,
            [["default", "prod", "AstraCS:aaaa****bbbb"]]
        );
    }

    #[test]
    fn the_jq_document_of_users_is_their_json_output() {
        assert!(super::super::Outcome::value(users()).jq_input().is_some());
        let view = users();
        let from_text: jaq_json::Val = serde_json::from_str(&view.json()).unwrap();
        assert_eq!(view.jq_input().unwrap(), from_text);
    }

    /// Each list view's columns against the headers its snapshots and the original's approved
    /// outputs show: the table's and the CSV's, from the one list.
    #[test]
    fn every_column_list_draws_the_headers_of_its_snapshots() {
        let headers = |table: Table| table.columns;
        let names = |csv: CsvTable| csv.columns;
        assert_eq!(
            headers(columns::table(ROLE_COLUMNS, &[])),
            ["Role Id", "Role Name"]
        );
        assert_eq!(
            names(columns::csv(ROLE_COLUMNS, &[])),
            ["role_id", "role_name"]
        );
        assert_eq!(
            headers(columns::table(PROFILE_COLUMNS, &[])),
            ["Name", "Env", "Token"]
        );
        assert_eq!(
            names(columns::csv(PROFILE_COLUMNS, &[])),
            ["name", "env", "token"]
        );
        assert_eq!(
            headers(columns::table(TOKEN_COLUMNS, &[])),
            ["Generated On", "Client Id", "Roles", "Desc", "Expires"]
        );
        assert_eq!(
            names(columns::csv(TOKEN_COLUMNS, &[])),
            ["generated_on", "client_id", "roles", "desc"]
        );
        let none = TokensView { tokens: Vec::new() };
        assert_eq!(
            none.table().columns,
            ["Generated On", "Client Id", "Roles", "Desc"]
        );
    }
}
