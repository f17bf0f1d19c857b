//! The views commands return: the original CLI's JSON shapes (SPEC §4.2: users as `{"UserID",
//! "Email", "Status", "Roles"}`, roles as `{"ID", "Name", "Policy"}`, keys in that order, absent
//! fields omitted), the human tables, and the CSV columns of SPEC §4.3.

use std::io::Write;

use serde::Serialize;

use super::columns::{self, many, one, Column};
use super::{human, json, CsvTable, Format, Record, Style, Table, ValueView};
use crate::api::models::{ListedRole, ListedUser, Policy, Role, User, UserStatus};
use crate::api::Listing;
use crate::error::CliError;

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

/// `user list`: every user, written straight from the body it was read from (no view or table
/// per user), in the original's bytes.
pub struct UsersView {
    pub listing: Listing,
}

impl UsersView {
    fn users(&self) -> &[ListedUser<'_>] {
        &self.listing.borrow_dependent().users
    }

    fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        json::write_value_envelope(out, &ListedUsersJson(self.users()))
    }

    fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        super::write_csv_items(out, &user_columns(), self.users().iter())
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
        columns::table(&user_columns(), self.users())
    }

    fn csv(&self) -> CsvTable {
        columns::csv(&user_columns(), self.users())
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
            (Format::Human, None) => columns::write_plain(out, &user_columns(), self.users()),
            // A terminal's width: the table is fitted to it (a person reads it, not 100,000 rows).
            (Format::Human, Some(width)) => {
                out.write_all(human::table_within(&self.table(), Some(width)).as_bytes())
            }
        }
    }
}

/// `user list`'s columns (a listing borrows from its body, hence a function and not a const).
fn user_columns<'l>() -> [Column<ListedUser<'l>>; 3] {
    [
        Column::both("User Id", "user_id", |u| one(&*u.id)),
        Column::both("User Email", "user_email", |u| one(u.email())),
        Column::both("Status", "status", |u| one(u.status())),
    ]
}

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
        columns::attributes(USER_FIELDS, &self.user)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(USER_FIELDS, &self.user)
    }
}

/// `user get`'s attributes: a role the organization no longer lists (sent without a name) is
/// shown by its id, as `token list` shows it, rather than as an empty line.
const USER_FIELDS: &[Column<User>] = &[
    Column::human("User Id", |u| one(&u.id)),
    Column::human("User Email", |u| one(u.email())),
    Column::human("Status", |u| {
        one(u.status.as_ref().map_or("", UserStatus::as_str))
    }),
    Column::human("Roles", |u| {
        many(u.roles().iter().map(|r| match r.name() {
            "" => r.id.as_str(),
            name => name,
        }))
    }),
];

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
        columns::attributes(ROLE_FIELDS, &self.role)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(ROLE_FIELDS, &self.role)
    }
}

/// `role get`'s attributes: a policy's absent fields are empty.
const ROLE_FIELDS: &[Column<Role>] = &[
    Column::human("Identifier", |r| one(&r.id)),
    Column::human("Name", |r| one(r.name())),
    Column::human("Description", |r| one(policy_text(r, |p| &p.description))),
    Column::human("Effect", |r| one(policy_text(r, |p| &p.effect))),
    Column::human("Resources", |r| many(policy_list(r, |p| &p.resources))),
    Column::human("Actions", |r| many(policy_list(r, |p| &p.actions))),
];

fn policy_text(role: &Role, pick: fn(&Policy) -> &Option<String>) -> &str {
    role.policy
        .as_deref()
        .and_then(|p| pick(p).as_deref())
        .unwrap_or_default()
}

fn policy_list(role: &Role, pick: fn(&Policy) -> &Option<Vec<String>>) -> &[String] {
    role.policy
        .as_deref()
        .and_then(|p| pick(p).as_deref())
        .unwrap_or_default()
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
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("user_id", |r| one(&r.user_id)),
        Column::csv("email", |r| one(&r.email)),
        Column::csv("before", |r| many(&r.before)),
        Column::csv("after", |r| many(&r.after)),
        Column::csv("added", |r| many(&r.added)),
        Column::csv("removed", |r| many(&r.removed)),
        Column::csv("changed", |r| one(r.changed.to_string())),
        Column::csv("added_names", |r| many(&r.added_names)),
        Column::csv("removed_names", |r| many(&r.removed_names)),
    ];
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
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("name", |r| one(&r.name)),
        Column::csv("env", |r| one(r.env.as_deref().unwrap_or_default())),
        Column::csv("token", |r| one(r.token.as_deref().unwrap_or_default())),
        Column::csv("path", |r| one(&r.path)),
    ];
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
        columns::attributes(CREATED_TOKEN_FIELDS, &self.created)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(CREATED_TOKEN_FIELDS, &self.created)
    }

    fn reveals(&self) -> Option<&str> {
        Some(&self.created.token)
    }
}

const CREATED_TOKEN_FIELDS: &[Column<crate::api::models::CreatedToken>] = &[
    Column::human("Client Id", |t| one(&t.client_id)),
    Column::human("Client Secret", |t| one(&t.secret)),
    Column::human("Token", |t| one(&t.token)),
];

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
        columns::attributes(SAVED_TOKEN_FIELDS, self)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(SAVED_TOKEN_FIELDS, self)
    }
}

const SAVED_TOKEN_FIELDS: &[Column<SavedTokenView>] = &[
    Column::human("Client Id", |t| one(&t.client_id)),
    Column::human("Token", |t| one(&t.token)),
    Column::human("Profile", |t| one(&t.profile)),
];

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
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("role_id", |r| one(&r.role.id)),
        Column::csv("role_name", |r| one(r.role.name())),
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
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("role_id", |r| one(&r.role_id)),
        Column::csv("name", |r| one(&r.name)),
        Column::csv("changed", |r| one(r.changed.to_string())),
    ];
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
        columns::attributes(ORG_FIELDS, self)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(ORG_FIELDS, self)
    }
}

const ORG_FIELDS: &[Column<OrgView>] = &[
    Column::human("Name", |o| one(&o.name)),
    Column::human("Id", |o| one(&o.id)),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{listing, role, user};
    use crate::output::AnyRecord;
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
        let users: &[ListedUser] = &[];
        assert_eq!(
            headers(columns::table(&user_columns(), users)),
            ["User Id", "User Email", "Status"]
        );
        assert_eq!(
            names(columns::csv(&user_columns(), users)),
            ["user_id", "user_email", "status"]
        );
        // A change's CSV columns, as the original's approved outputs name them.
        assert_eq!(Invited::csv_names(), ["was_invited", "role_ids"]);
        assert_eq!(Deleted::csv_names(), ["was_deleted"]);
        assert_eq!(Applied::csv_names(), ["action", "roles"]);
        assert_eq!(ProfileChange::csv_names(), ["name", "env", "token", "path"]);
        assert_eq!(RoleRecord::csv_names(), ["role_id", "role_name"]);
        assert_eq!(RoleChanged::csv_names(), ["role_id", "name", "changed"]);
        assert_eq!(RolesChanged::csv_names().len(), 9);
        // A get view's attributes, top to bottom.
        let attributes = |fields: Vec<&'static str>| fields;
        assert_eq!(
            attributes(USER_FIELDS.iter().filter_map(|c| c.header).collect()),
            ["User Id", "User Email", "Status", "Roles"]
        );
        assert_eq!(
            attributes(ROLE_FIELDS.iter().filter_map(|c| c.header).collect()),
            [
                "Identifier",
                "Name",
                "Description",
                "Effect",
                "Resources",
                "Actions"
            ]
        );
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
