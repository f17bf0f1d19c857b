//! Wire models of the DevOps API. The live API spells users in PascalCase (`UserID`) and roles in
//! lowercase (`id`); DataStax's OpenAPI description spells users in camelCase. Accept all of
//! them, ignore unknown fields, and treat missing or null optional fields as absent.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

/// `GET /organizations/users`, owned: what commands that change users work from.
#[derive(Debug, Clone, Default)]
pub struct UserList {
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub users: Vec<User>,
}

/// `GET /organizations/users` read in place: every string borrowed from the body (copied only
/// where a JSON escape forces it) and each user's roles kept as raw JSON until something needs
/// them. At 100,000 users this is what keeps `user list` near the cost of reading the body.
#[derive(Debug, Default, Deserialize)]
pub struct UserListing<'a> {
    #[serde(rename = "OrgID", alias = "orgID", alias = "orgId", default, borrow)]
    pub org_id: Option<Text<'a>>,
    #[serde(rename = "OrgName", alias = "orgName", default, borrow)]
    pub org_name: Option<Text<'a>>,
    /// Required and an array (the API's description): a body without it is not a users list,
    /// and reading it as an empty one would answer "not found" for everyone.
    #[serde(rename = "Users", alias = "users", borrow)]
    pub users: Vec<ListedUser<'a>>,
}

impl UserListing<'_> {
    /// The owned list; fails only on a role the API described wrongly.
    pub fn to_list(&self) -> Result<UserList, serde_json::Error> {
        Ok(UserList {
            org_id: self.org_id.as_deref().map(str::to_owned),
            org_name: self.org_name.as_deref().map(str::to_owned),
            users: self
                .users
                .iter()
                .map(ListedUser::to_user)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A user of [`UserListing`]: the fields of [`User`], borrowed.
#[derive(Debug, Clone, Deserialize)]
pub struct ListedUser<'a> {
    #[serde(
        rename = "UserID",
        alias = "userID",
        alias = "userId",
        alias = "id",
        borrow
    )]
    pub id: Text<'a>,
    #[serde(rename = "Email", alias = "email", default, borrow)]
    pub email: Option<Text<'a>>,
    #[serde(rename = "Status", alias = "status", default, borrow)]
    pub status: Option<Text<'a>>,
    /// `None` when the API sent no roles (or null): the JSON output then omits `Roles`.
    #[serde(rename = "Roles", alias = "roles", default, borrow)]
    pub roles: Option<&'a RawValue>,
}

impl<'a> ListedUser<'a> {
    pub fn email(&self) -> &str {
        self.email.as_deref().unwrap_or_default()
    }

    pub fn status(&self) -> &str {
        self.status.as_deref().unwrap_or_default()
    }

    /// The user's roles, parsed now (an absent list is empty).
    pub fn roles(&self) -> Result<Vec<ListedRole<'a>>, serde_json::Error> {
        match self.roles {
            Some(raw) => serde_json::from_str(raw.get()),
            None => Ok(Vec::new()),
        }
    }

    /// The user, owned: what a command that changes it needs.
    pub fn to_user(&self) -> Result<User, serde_json::Error> {
        Ok(User {
            id: self.id.to_string(),
            email: self.email.as_deref().map(str::to_owned),
            status: self.status.as_deref().map(UserStatus::from),
            roles: match self.roles {
                Some(_) => {
                    let mut roles: Vec<Role> = self.roles()?.into_iter().map(Role::from).collect();
                    // The parse's spare room, kept by the in-place collect, times 100,000 users.
                    roles.shrink_to_fit();
                    Some(roles)
                }
                None => None,
            },
        })
    }
}

/// A string borrowed from the body, or owned where JSON escapes made a copy necessary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(text))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(text.to_owned()))
            }
            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(text))
            }
        }
        deserializer.deserialize_str(Visit).map(Text)
    }
}

/// A user (`GET /organizations/users/{id}`, or one of the list): read as a [`ListedUser`], so
/// that the two share one description of the wire format. Like the list, it is read from the
/// body's bytes (`serde_json::from_slice`), which the raw roles borrow from.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: Option<String>,
    pub status: Option<UserStatus>,
    /// `None` when the API sent no roles (or null): the JSON output then omits `Roles`.
    pub roles: Option<Vec<Role>>,
}

impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ListedUser::deserialize(deserializer)?
            .to_user()
            .map_err(serde::de::Error::custom)
    }
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

impl From<&str> for UserStatus {
    fn from(text: &str) -> Self {
        match text {
            "active" => Self::Active,
            "invited" => Self::Invited,
            _ => Self::Other(text.to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for UserStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::from(Text::deserialize(deserializer)?.0.as_ref()))
    }
}

impl Serialize for UserStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A role, both in `GET /organizations/roles` and inside a user: read as a [`ListedRole`], so
/// that the two share one description of the wire format.
#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub name: Option<String>,
    pub policy: Option<Box<Policy>>,
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ListedRole::deserialize(deserializer).map(Role::from)
    }
}

impl From<ListedRole<'_>> for Role {
    fn from(role: ListedRole<'_>) -> Self {
        Self {
            id: role.id.0.into_owned(),
            name: role.name.map(|name| name.0.into_owned()),
            policy: role.policy,
        }
    }
}

/// A role as the API sends it, its strings borrowed where they can be.
#[derive(Debug, Clone, Deserialize)]
pub struct ListedRole<'a> {
    #[serde(rename = "id", alias = "ID", alias = "Id", borrow)]
    pub id: Text<'a>,
    #[serde(rename = "name", alias = "Name", default, borrow)]
    pub name: Option<Text<'a>>,
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
            let list = serde_json::from_str::<UserListing>(text)
                .unwrap()
                .to_list()
                .unwrap();
            assert_eq!(list.org_id.as_deref(), Some("o"));
            assert_eq!(list.users[0].email.as_deref(), Some("a@b.c"));
            assert_eq!(list.users[0].roles()[0].name(), "RO User");
            assert_eq!(list.users[0].status, Some(UserStatus::Active));
        }
    }

    #[test]
    fn one_user_reads_as_a_user_of_the_list_does() {
        let live = r#"{"UserID":"u","Email":"a@b.c","Status":"invited","Roles":[{"ID":"r","Name":"RO User"}]}"#;
        let documented = r#"{"userID":"u","email":"a@b.c","status":"invited","roles":[{"id":"r","name":"RO User"}]}"#;
        for text in [live, documented] {
            let user: User = serde_json::from_str(text).unwrap();
            assert_eq!((user.id.as_str(), user.email()), ("u", "a@b.c"));
            assert_eq!(user.status, Some(UserStatus::Invited));
            assert_eq!(user.roles()[0].name(), "RO User");
        }
        let bare: User = serde_json::from_str(r#"{"UserID":"u","Roles":null}"#).unwrap();
        assert!(bare.roles.is_none() && bare.email.is_none());
        let err = serde_json::from_str::<User>(r#"{"UserID":"u","Roles":[{"name":"x"}]}"#);
        assert!(err.unwrap_err().to_string().contains("missing field `id`"));
    }

    #[test]
    fn null_and_missing_optional_fields_are_absent() {
        let list = serde_json::from_str::<UserListing>(
            r#"{"OrgID":"o","Users":[{"UserID":"u","Email":null,"Roles":null}]}"#,
        )
        .unwrap()
        .to_list()
        .unwrap();
        assert!(list.users[0].email.is_none());
        assert!(list.users[0].roles.is_none());
        let empty: UserListing = serde_json::from_str(r#"{"OrgID":"o","Users":[]}"#).unwrap();
        assert!(empty.users.is_empty());
        // The list itself is required: without it the body is not a users list.
        for body in [
            r#"{"OrgID":"o","Users":null}"#,
            r#"{"OrgID":"o"}"#,
            r#"{"OrgID":"o","Users":42}"#,
            r#"{"OrgID":"o","Users":{}}"#,
        ] {
            assert!(serde_json::from_str::<UserListing>(body).is_err(), "{body}");
        }
    }
}
