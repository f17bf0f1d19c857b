//! Wire models of the DevOps API. The live API spells users in PascalCase (`UserID`) and roles in
//! lowercase (`id`); DataStax's OpenAPI description spells users in camelCase. Accept all of
//! them, ignore unknown fields, and treat missing or null optional fields as absent.

use serde::{Deserialize, Deserializer, Serialize};

/// `GET /organizations/users`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserList {
    #[serde(rename = "OrgID", alias = "orgID", alias = "orgId", default)]
    pub org_id: Option<String>,
    #[serde(rename = "OrgName", alias = "orgName", default)]
    pub org_name: Option<String>,
    #[serde(
        rename = "Users",
        alias = "users",
        default,
        deserialize_with = "null_as_empty"
    )]
    pub users: Vec<User>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    #[serde(rename = "UserID", alias = "userID", alias = "userId", alias = "id")]
    pub id: String,
    #[serde(rename = "Email", alias = "email", default)]
    pub email: Option<String>,
    #[serde(rename = "Status", alias = "status", default)]
    pub status: Option<UserStatus>,
    /// `None` when the API sent no roles (or null): the JSON output then omits `Roles`.
    #[serde(rename = "Roles", alias = "roles", default)]
    pub roles: Option<Vec<Role>>,
}

impl User {
    pub fn roles(&self) -> &[Role] {
        self.roles.as_deref().unwrap_or_default()
    }

    pub fn email(&self) -> &str {
        self.email.as_deref().unwrap_or_default()
    }
}

/// A user's status: `active` or `invited` (an invitation not yet accepted); anything else the API
/// may send is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Invited,
    Other(String),
}

impl UserStatus {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Invited => "invited",
            Self::Other(text) => text,
        }
    }
}

impl<'de> Deserialize<'de> for UserStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.as_str() {
            "active" => Self::Active,
            "invited" => Self::Invited,
            _ => Self::Other(text),
        })
    }
}

impl Serialize for UserStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A role, both in `GET /organizations/roles` and inside a user.
#[derive(Debug, Clone, Deserialize)]
pub struct Role {
    #[serde(rename = "id", alias = "ID", alias = "Id")]
    pub id: String,
    #[serde(rename = "name", alias = "Name", default)]
    pub name: Option<String>,
    #[serde(rename = "policy", alias = "Policy", default)]
    pub policy: Option<Box<Policy>>,
}

impl Role {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Policy {
    #[serde(alias = "Description", default)]
    pub description: Option<String>,
    #[serde(alias = "Effect", default)]
    pub effect: Option<String>,
    #[serde(alias = "Resources", default)]
    pub resources: Option<Vec<String>>,
    #[serde(alias = "Actions", default)]
    pub actions: Option<Vec<String>>,
}

/// `PUT /organizations/users`.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation<'a> {
    pub email: &'a str,
    #[serde(rename = "orgID")]
    pub org_id: &'a str,
    pub roles: Vec<&'a str>,
}

/// `PUT /organizations/users/{id}/roles`: the user's roles, all of them.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAssignment<'a> {
    pub roles: Vec<&'a str>,
}

/// `GET /clientIdSecrets`: one object holding the list (not an array).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenList {
    #[serde(default, alias = "Clients", deserialize_with = "null_as_empty")]
    pub clients: Vec<AppToken>,
}

/// An application token as listed: never its secret.
#[derive(Debug, Clone, Deserialize)]
pub struct AppToken {
    #[serde(rename = "clientId", alias = "ClientID", alias = "clientID")]
    pub client_id: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub roles: Vec<String>,
    #[serde(rename = "generatedOn", default)]
    pub generated_on: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "tokenExpiry", default)]
    pub token_expiry: Option<String>,
}

/// `POST /clientIdSecrets`, keys in the order of SPEC §1.12; absent ones omitted.
#[derive(Debug, Clone, Serialize)]
pub struct NewToken<'a> {
    pub roles: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(rename = "tokenExpiry", skip_serializing_if = "Option::is_none")]
    pub token_expiry: Option<String>,
    #[serde(rename = "orgId", skip_serializing_if = "Option::is_none")]
    pub org_id: Option<&'a str>,
}

/// The answer to `POST /clientIdSecrets`: the fields the CLI reads, and the body as sent.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub client_id: String,
    pub secret: String,
    pub token: String,
    pub raw: serde_json::Value,
}

/// `POST /organizations/roles` and `PUT /organizations/roles/{id}`: the whole role.
#[derive(Debug, Clone, Serialize)]
pub struct RoleDefinition<'a> {
    pub name: &'a str,
    pub policy: PolicyBody<'a>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyBody<'a> {
    pub description: &'a str,
    pub effect: &'static str,
    pub resources: &'a [String],
    pub actions: &'a [String],
}

/// `GET /currentOrg`.
#[derive(Debug, Clone, Deserialize)]
pub struct CurrentOrg {
    #[serde(alias = "ID", alias = "Id", alias = "OrgID")]
    pub id: String,
}

/// `{"errors": [{"ID": 123, "message": "…"}]}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorItem {
    #[serde(default)]
    pub message: Option<String>,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_parse_in_the_live_and_the_documented_spelling() {
        let live = r#"{"OrgID":"o","OrgName":"n","Users":[{"UserID":"u","Email":"a@b.c","Status":"active","Roles":[{"ID":"r","Name":"RO User"}],"Extra":1}]}"#;
        let documented = r#"{"orgID":"o","orgName":"n","users":[{"userID":"u","email":"a@b.c","status":"active","roles":[{"id":"r","name":"RO User","policy":{"description":"d","effect":"allow","resources":[],"actions":[]}}]}]}"#;
        for text in [live, documented] {
            let list: UserList = serde_json::from_str(text).unwrap();
            assert_eq!(list.org_id.as_deref(), Some("o"));
            assert_eq!(list.users[0].email.as_deref(), Some("a@b.c"));
            assert_eq!(list.users[0].roles()[0].name(), "RO User");
            assert_eq!(list.users[0].status, Some(UserStatus::Active));
        }
    }

    #[test]
    fn null_and_missing_optional_fields_are_absent() {
        let list: UserList = serde_json::from_str(
            r#"{"OrgID":"o","Users":[{"UserID":"u","Email":null,"Roles":null}]}"#,
        )
        .unwrap();
        assert!(list.users[0].email.is_none());
        assert!(list.users[0].roles.is_none());
        let empty: UserList = serde_json::from_str(r#"{"OrgID":"o","Users":null}"#).unwrap();
        assert!(empty.users.is_empty());
    }
}
