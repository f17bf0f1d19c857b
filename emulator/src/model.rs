//! The emulated organization: one org, the 16 standard roles with their policies, and users.
//! Ids are deterministic so that examples and tests read the same on every machine.

use serde::{Deserialize, Serialize};

pub const ORG_ID: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";
pub const ORG_NAME: &str = "Emulated Org";
/// The token `exec` and `serve` hand out: the organization's first application token.
pub const DEFAULT_TOKEN: &str = "AstraCS:emulatoremulatoremulator:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// A second seeded token, so that `token list` has more than the one in use.
pub const CI_TOKEN: &str = "AstraCS:ciTokenciTokenciTokenciT:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Policy {
    pub description: String,
    pub resources: Vec<String>,
    pub actions: Vec<String>,
    pub effect: String,
}

/// A role in the API's own spelling (lowercase keys).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub policy: Policy,
    pub last_update_date_time: String,
    pub last_update_user_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub status: String,
    pub role_ids: Vec<String>,
}

/// An application token: what `GET /clientIdSecrets` lists, and the whole token it accepts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppToken {
    pub client_id: String,
    pub token: String,
    pub roles: Vec<String>,
    pub generated_on: String,
    pub description: Option<String>,
    pub token_expiry: Option<String>,
}

/// Everything the emulator remembers; `--state FILE` saves and loads this as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    #[serde(default)]
    pub tokens: Vec<AppToken>,
    /// Client ids of deleted tokens: refused from then on.
    #[serde(default)]
    pub revoked: Vec<String>,
}

/// The roles that cannot be changed or deleted (SPEC §1.14): the seeded ones and the enterprise ones.
pub fn is_standard_role(name: &str) -> bool {
    standard_roles()
        .iter()
        .any(|(standard, _, _)| *standard == name)
        || [
            "Enterprise Administrator",
            "Enterprise Org Administrator",
            "Enterprise Billing Administrator",
        ]
        .contains(&name)
}

/// The client id of a token: its middle part.
pub fn client_id_of(token: &str) -> &str {
    token.split(':').nth(1).unwrap_or("")
}

const DB_READ: &[&str] = &[
    "db-all-keyspace-describe",
    "db-keyspace-describe",
    "db-table-select",
    "db-table-describe",
    "db-graphql",
    "db-rest",
    "db-cql",
];
const DB_WRITE: &[&str] = &[
    "db-table-modify",
    "db-table-create",
    "db-table-alter",
    "db-table-drop",
    "db-keyspace-create",
    "db-keyspace-modify",
];
const ORG_ADMIN: &[&str] = &[
    "org-read",
    "org-write",
    "org-user-read",
    "org-user-write",
    "org-role-read",
    "org-role-write",
    "org-role-delete",
    "org-token-read",
    "org-token-write",
    "org-billing-read",
    "org-billing-write",
    "org-audits-read",
    "org-db-create",
    "org-db-terminate",
    "org-db-view",
    "org-db-suspend",
    "org-db-expand",
    "org-db-addpeering",
    "org-db-passwordreset",
    "org-external-auth-read",
    "org-external-auth-write",
    "org-notification-write",
];
const DB_ADMIN: &[&str] = &[
    "org-read",
    "org-db-create",
    "org-db-terminate",
    "org-db-view",
    "org-db-suspend",
    "org-db-expand",
    "org-db-addpeering",
    "org-db-passwordreset",
    "org-db-managemigratorproxy",
    "db-keyspace-create",
    "db-keyspace-drop",
    "db-keyspace-alter",
    "db-keyspace-grant",
    "db-keyspace-authorize",
    "db-table-grant",
    "db-table-authorize",
];

/// The standard roles: name, description and actions.
fn standard_roles() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    let cat = |parts: &[&[&'static str]]| parts.concat();
    vec![
        (
            "Organization Administrator",
            "Full access to the organization",
            cat(&[ORG_ADMIN, DB_READ, DB_WRITE]),
        ),
        (
            "Database Administrator",
            "Manage databases and their data",
            cat(&[DB_ADMIN, DB_READ, DB_WRITE]),
        ),
        (
            "UI View Only",
            "View the organization in the UI",
            vec!["org-read", "org-db-view", "org-user-read", "org-role-read"],
        ),
        (
            "Billing Admin",
            "Manage billing",
            vec!["org-read", "org-billing-read", "org-billing-write"],
        ),
        (
            "Admin User",
            "Administer databases as a user",
            cat(&[
                &["org-read", "org-db-view", "org-db-create"],
                DB_READ,
                DB_WRITE,
            ]),
        ),
        (
            "RO User",
            "Read-only data access as a user",
            cat(&[&["org-read", "org-db-view"], DB_READ]),
        ),
        (
            "R/W User",
            "Read and write data as a user",
            cat(&[&["org-read", "org-db-view"], DB_READ, &["db-table-modify"]]),
        ),
        (
            "Admin Svc Acct",
            "Administer databases as a service account",
            cat(&[&["org-db-view", "org-db-create"], DB_READ, DB_WRITE]),
        ),
        (
            "RO Svc Acct",
            "Read-only data access as a service account",
            cat(&[&["org-db-view"], DB_READ]),
        ),
        (
            "R/W Svc Acct",
            "Read and write data as a service account",
            cat(&[&["org-db-view"], DB_READ, &["db-table-modify"]]),
        ),
        (
            "API Admin User",
            "Administer databases through the APIs as a user",
            cat(&[&["org-db-view"], &["db-rest", "db-graphql"], DB_WRITE]),
        ),
        (
            "API RO User",
            "Read-only API access as a user",
            vec![
                "org-db-view",
                "db-rest",
                "db-graphql",
                "db-table-select",
                "db-table-describe",
            ],
        ),
        (
            "API R/W User",
            "Read and write through the APIs as a user",
            vec![
                "org-db-view",
                "db-rest",
                "db-graphql",
                "db-table-select",
                "db-table-describe",
                "db-table-modify",
            ],
        ),
        (
            "API Admin Svc Acct",
            "Administer databases through the APIs as a service account",
            cat(&[&["org-db-view"], &["db-rest", "db-graphql"], DB_WRITE]),
        ),
        (
            "API RO Svc Acct",
            "Read-only API access as a service account",
            vec![
                "org-db-view",
                "db-rest",
                "db-graphql",
                "db-table-select",
                "db-table-describe",
            ],
        ),
        (
            "API R/W Svc Acct",
            "Read and write through the APIs as a service account",
            vec![
                "org-db-view",
                "db-rest",
                "db-graphql",
                "db-table-select",
                "db-table-describe",
                "db-table-modify",
            ],
        ),
    ]
}

pub fn role_id(index: usize) -> String {
    format!(
        "{:08x}-4e1a-4b5c-8d2e-{:012x}",
        0x0a57_0000 + index,
        index + 1
    )
}

pub fn seeded_user_id(index: usize) -> String {
    format!("00000000-0000-4000-8000-{:012x}", index + 1)
}

impl Org {
    /// One organization, the standard roles, a few users, and `extra_users` more; its first
    /// application token is `first_token` (the one the emulator hands out or pins).
    pub fn seed(extra_users: usize, first_token: &str) -> Self {
        let resources = vec![
            format!("drn:astra:org:{ORG_ID}"),
            format!("drn:astra:org:{ORG_ID}:db:*"),
            format!("drn:astra:org:{ORG_ID}:db:*:keyspace:*"),
            format!("drn:astra:org:{ORG_ID}:db:*:keyspace:*:table:*"),
        ];
        let roles: Vec<Role> = standard_roles()
            .into_iter()
            .enumerate()
            .map(|(index, (name, description, actions))| Role {
                id: role_id(index),
                name: name.to_owned(),
                policy: Policy {
                    description: description.to_owned(),
                    resources: resources.clone(),
                    actions: actions.into_iter().map(str::to_owned).collect(),
                    effect: "allow".to_owned(),
                },
                last_update_date_time: "2024-01-15T10:00:00Z".to_owned(),
                last_update_user_id: seeded_user_id(0),
            })
            .collect();
        let by_name = |name: &str| {
            roles
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.id.clone())
                .expect("standard role")
        };
        let mut users = vec![
            User {
                id: seeded_user_id(0),
                email: "alice@example.com".into(),
                status: "active".into(),
                role_ids: vec![by_name("Organization Administrator")],
            },
            User {
                id: seeded_user_id(1),
                email: "bob@example.com".into(),
                status: "active".into(),
                role_ids: vec![by_name("R/W User"), by_name("Billing Admin")],
            },
            User {
                id: seeded_user_id(2),
                email: "carol@example.com".into(),
                status: "invited".into(),
                role_ids: vec![by_name("RO User")],
            },
        ];
        let ro = by_name("RO User");
        users.extend((0..extra_users).map(|i| User {
            id: seeded_user_id(3 + i),
            email: format!("user{i}@example.com"),
            status: if i % 5 == 0 { "invited" } else { "active" }.to_owned(),
            role_ids: vec![ro.clone()],
        }));
        let tokens = vec![
            AppToken {
                client_id: client_id_of(first_token).to_owned(),
                token: first_token.to_owned(),
                roles: vec![by_name("Organization Administrator")],
                generated_on: "2024-01-15T10:00:00.000Z".to_owned(),
                description: Some("astra-emulator".to_owned()),
                token_expiry: None,
            },
            AppToken {
                client_id: client_id_of(CI_TOKEN).to_owned(),
                token: CI_TOKEN.to_owned(),
                roles: vec![by_name("R/W User"), by_name("RO User")],
                generated_on: "2024-03-02T08:30:15.250Z".to_owned(),
                description: Some("CI pipeline".to_owned()),
                token_expiry: Some("2030-06-30T00:00:00.000Z".to_owned()),
            },
        ];
        Self {
            id: ORG_ID.to_owned(),
            name: ORG_NAME.to_owned(),
            roles,
            users,
            tokens,
            revoked: Vec::new(),
        }
    }

    /// The actions a listed token may take (its roles' policies); `None` for a token the
    /// organization does not list (any well-formed token acts as an administrator).
    pub fn actions_of(&self, token: &str) -> Option<Vec<&str>> {
        let listed = self.tokens.iter().find(|t| t.token == token)?;
        Some(
            listed
                .roles
                .iter()
                .filter_map(|id| self.role(id))
                .flat_map(|role| role.policy.actions.iter().map(String::as_str))
                .collect(),
        )
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles
            .iter()
            .find(|role| role.id.eq_ignore_ascii_case(id))
    }
}
