//! The emulated organization: one org, the 16 standard roles with their policies, and users.
//! Ids are deterministic so that examples and tests read the same on every machine.

use serde::{Deserialize, Serialize};

pub const ORG_ID: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";
pub const ORG_NAME: &str = "Emulated Org";

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

/// Everything the emulator remembers; `--state FILE` saves and loads this as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
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
    /// One organization, the standard roles, a few users, and `extra_users` more.
    pub fn seed(extra_users: usize) -> Self {
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
        Self {
            id: ORG_ID.to_owned(),
            name: ORG_NAME.to_owned(),
            roles,
            users,
        }
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles
            .iter()
            .find(|role| role.id.eq_ignore_ascii_case(id))
    }
}
