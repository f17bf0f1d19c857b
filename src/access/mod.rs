//! Who can do what (SPEC §1.16): the organization's users and application tokens as
//! **principals**, each with the roles it holds and the (action, resource) **grants** of those
//! roles' policies. Pure: built from the three lists `access` reads, never calling the API.

pub mod rules;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::api::models::{AppToken, Role, UserListing, UserStatus};
#[cfg(test)]
use crate::api::models::{User, UserList};
pub use crate::clock::Clock;
use crate::lookup::ORG_ADMIN;

/// A user or an application token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    User,
    Token,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Token => "token",
        }
    }
}

/// Whether a held role is one every organization has, the organization's own, or gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleType {
    Standard,
    Custom,
    Missing,
}

impl RoleType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Custom => "custom",
            Self::Missing => "missing",
        }
    }
}

/// A role as principals hold it: one the organization lists, or only an id it no longer has
/// (`Missing`, its id standing for its name).
#[derive(Debug, Clone)]
pub struct RoleEntry {
    pub id: String,
    pub name: String,
    pub role_type: RoleType,
    /// Every (action, resource) the role's policy allows, in the policy's order (a policy that
    /// denies grants nothing: only `allow`, or no effect given, counts).
    pub grants: Vec<(String, String)>,
    /// Every action the policy names, whatever its effect.
    pub actions: Vec<String>,
}

impl RoleEntry {
    fn listed(role: Role) -> Self {
        let name = role.name().to_owned();
        let role_type = if crate::policy::is_standard(&name) {
            RoleType::Standard
        } else {
            RoleType::Custom
        };
        let (actions, grants) = match role.policy {
            Some(policy) => {
                let allows = policy
                    .effect
                    .as_deref()
                    .is_none_or(|effect| effect.eq_ignore_ascii_case("allow"));
                let actions = policy.actions.unwrap_or_default();
                let resources = policy.resources.unwrap_or_default();
                let grants = if allows {
                    actions
                        .iter()
                        .flat_map(|a| resources.iter().map(|r| (a.clone(), r.clone())))
                        .collect()
                } else {
                    Vec::new()
                };
                (actions, grants)
            }
            None => (Vec::new(), Vec::new()),
        };
        Self {
            id: role.id,
            name,
            role_type,
            grants,
            actions,
        }
    }

    fn missing(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: id.to_owned(),
            role_type: RoleType::Missing,
            grants: Vec::new(),
            actions: Vec::new(),
        }
    }
}

/// A user (active or invited) or an application token, with its roles.
#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: Kind,
    /// The email, or the client id.
    pub name: String,
    /// The user id, or the client id.
    pub id: String,
    pub user_status: Option<UserStatus>,
    /// A token's `generatedOn` and `tokenExpiry`, as sent.
    pub generated_on: Option<String>,
    pub expiry: Option<String>,
    pub description: Option<String>,
    /// Indexes into [`Directory::roles`].
    pub roles: Vec<usize>,
}

impl Principal {
    /// SPEC §1.16: `active`/`invited` for a user; `expires YYYY-MM-DD`, `expired` or `no expiry`
    /// for a token (local date).
    pub fn status(&self, clock: &Clock) -> String {
        match self.kind {
            Kind::User => self
                .user_status
                .as_ref()
                .map_or_else(String::new, |s| s.as_str().to_owned()),
            Kind::Token => match self.expiry.as_deref() {
                None => "no expiry".to_owned(),
                Some(raw) => match raw.parse::<jiff::Timestamp>() {
                    Ok(at) if at < clock.now => "expired".to_owned(),
                    Ok(at) => format!("expires {}", clock.local_date(at)),
                    Err(_) => format!("expires {raw}"),
                },
            },
        }
    }

    pub fn is_active_user(&self) -> bool {
        self.kind == Kind::User && matches!(self.user_status, Some(UserStatus::Active))
    }
}

fn push_once<'a>(values: &mut Vec<&'a str>, value: &'a str) {
    if !values.contains(&value) {
        values.push(value);
    }
}

/// One action a principal holds: on which resources, through which roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant<'d> {
    pub action: &'d str,
    pub resources: Vec<&'d str>,
    pub roles: Vec<&'d str>,
}

/// The organization's principals and roles, as `access` reviews them. It owns what it was
/// built from, so that a view can keep it and write its rows as it goes.
pub struct Directory {
    pub org_id: String,
    /// The organization's roles in its order, then each missing role id once.
    pub roles: Vec<RoleEntry>,
    /// Users first, by email; then tokens, by client id (SPEC §1.16).
    pub principals: Vec<Principal>,
}

/// The organization's roles by id, growing by each missing id held (once each).
struct RoleIndex {
    entries: Vec<RoleEntry>,
    by_id: HashMap<String, usize>,
}

impl RoleIndex {
    fn new(roles: Vec<Role>) -> Self {
        let entries: Vec<RoleEntry> = roles.into_iter().map(RoleEntry::listed).collect();
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(index, role)| (role.id.to_ascii_lowercase(), index))
            .collect();
        Self { entries, by_id }
    }

    /// The index of role `id` (ids compared case-insensitively; the API sends them lower-case,
    /// so the lower-cased copy is made only when the id as sent is not found).
    fn held(&mut self, id: &str) -> usize {
        if let Some(&index) = self.by_id.get(id) {
            return index;
        }
        let key = id.to_ascii_lowercase();
        if let Some(&index) = self.by_id.get(&key) {
            return index;
        }
        self.entries.push(RoleEntry::missing(id));
        self.by_id.insert(key, self.entries.len() - 1);
        self.entries.len() - 1
    }
}

impl Directory {
    /// The directory of the users list as read (no owned copy of it is made), the roles and
    /// the tokens; fails on a user's roles the API described wrongly.
    pub fn from_listing(
        listing: &UserListing,
        roles: Vec<Role>,
        tokens: Vec<AppToken>,
    ) -> Result<Self, serde_json::Error> {
        let mut index = RoleIndex::new(roles);
        let mut people = Vec::with_capacity(listing.users.len() + tokens.len());
        for user in &listing.users {
            let roles = user
                .roles()?
                .iter()
                .map(|role| index.held(&role.id))
                .collect();
            people.push(Principal {
                kind: Kind::User,
                name: user.email().to_owned(),
                id: user.id.to_string(),
                user_status: user.status.as_deref().map(UserStatus::from),
                generated_on: None,
                expiry: None,
                description: None,
                roles,
            });
        }
        let org_id = listing.org_id.as_deref().unwrap_or_default().to_owned();
        Ok(Self::with_tokens(org_id, people, index, tokens))
    }

    /// Users sorted by email, then the tokens sorted by client id (SPEC §1.16).
    fn with_tokens(
        org_id: String,
        mut people: Vec<Principal>,
        mut index: RoleIndex,
        tokens: Vec<AppToken>,
    ) -> Self {
        people.sort_by(|a, b| a.name.cmp(&b.name));
        let users = people.len();
        people.extend(tokens.into_iter().map(|token| Principal {
            kind: Kind::Token,
            roles: token.roles.iter().map(|id| index.held(id)).collect(),
            name: token.client_id.clone(),
            id: token.client_id,
            user_status: None,
            generated_on: token.generated_on,
            expiry: token.token_expiry,
            description: token.description,
        }));
        people[users..].sort_by(|a, b| a.name.cmp(&b.name));
        Self {
            org_id,
            roles: index.entries,
            principals: people,
        }
    }

    /// The directory of an owned users list (tests build one by hand).
    #[cfg(test)]
    pub fn new(users: UserList, roles: Vec<Role>, tokens: Vec<AppToken>) -> Self {
        let mut index = RoleIndex::new(roles);
        let people = users
            .users
            .into_iter()
            .map(|user: User| Principal {
                kind: Kind::User,
                roles: user
                    .roles()
                    .iter()
                    .map(|role| index.held(&role.id))
                    .collect(),
                name: user.email.unwrap_or_default(),
                id: user.id,
                user_status: user.status,
                generated_on: None,
                expiry: None,
                description: None,
            })
            .collect();
        Self::with_tokens(users.org_id.unwrap_or_default(), people, index, tokens)
    }

    /// The roles a principal holds.
    pub fn roles_of<'d>(&'d self, principal: &'d Principal) -> impl Iterator<Item = &'d RoleEntry> {
        principal.roles.iter().map(|&index| &self.roles[index])
    }

    pub fn holds_admin(&self, principal: &Principal) -> bool {
        self.roles_of(principal).any(|role| role.name == ORG_ADMIN)
    }

    /// The index of a user by email (case-insensitively) or id, else of a token by client id
    /// (case-insensitively).
    pub fn find(&self, typed: &str) -> Option<usize> {
        let typed = typed.trim();
        let user = |p: &Principal| {
            p.kind == Kind::User
                && (crate::lookup::same_email(&p.name, typed) || p.id.eq_ignore_ascii_case(typed))
        };
        let token = |p: &Principal| p.kind == Kind::Token && p.id.eq_ignore_ascii_case(typed);
        let principals = || self.principals.iter();
        principals()
            .position(user)
            .or_else(|| principals().position(token))
    }

    /// A principal's grants by action (sorted), each with its resources and the roles giving
    /// it (each sorted, each once).
    pub fn grants<'d>(&'d self, principal: &'d Principal) -> Vec<Grant<'d>> {
        let mut by_action: BTreeMap<&str, Grant> = BTreeMap::new();
        for role in self.roles_of(principal) {
            for (action, resource) in &role.grants {
                let grant = by_action.entry(action).or_insert_with(|| Grant {
                    action,
                    resources: Vec::new(),
                    roles: Vec::new(),
                });
                push_once(&mut grant.resources, resource);
                push_once(&mut grant.roles, &role.name);
            }
        }
        let mut grants: Vec<Grant> = by_action.into_values().collect();
        for grant in &mut grants {
            grant.resources.sort_unstable();
            grant.roles.sort_unstable();
        }
        grants
    }

    /// Who holds ACTION (on a resource covering `resource`, when given): each role is looked at
    /// once, then each principal only adds up its roles.
    pub fn who_can(&self, action: &str, resource: Option<&str>) -> WhoCan {
        let carried: Vec<Vec<usize>> = self
            .roles
            .iter()
            .map(|role| {
                let mut found: Vec<usize> = Vec::new();
                for (index, (held, pattern)) in role.grants.iter().enumerate() {
                    let covered = resource.is_none_or(|wanted| covers(pattern, wanted));
                    let new = !found.iter().any(|&f| role.grants[f].1 == *pattern);
                    if held == action && covered && new {
                        found.push(index);
                    }
                }
                found
            })
            .collect();
        let holders = self
            .principals
            .iter()
            .enumerate()
            .filter_map(|(index, principal)| {
                let mut giving: Vec<usize> = Vec::new();
                for &role in &principal.roles {
                    let named = giving
                        .iter()
                        .any(|&g| self.roles[g].name == self.roles[role].name);
                    if !carried[role].is_empty() && !named {
                        giving.push(role);
                    }
                }
                (!giving.is_empty()).then_some((index, giving))
            })
            .collect();
        WhoCan { carried, holders }
    }
}

/// The principals holding an action: each with the roles giving it (indexes into
/// [`Directory::roles`]), and per role the grants that carry it.
pub struct WhoCan {
    carried: Vec<Vec<usize>>,
    pub holders: Vec<(usize, Vec<usize>)>,
}

impl WhoCan {
    /// The resources the `roles` carry the action on, each once, in role order.
    pub fn resources<'d>(&self, directory: &'d Directory, roles: &[usize]) -> Vec<&'d str> {
        let mut resources = Vec::new();
        for &role in roles {
            for &grant in &self.carried[role] {
                push_once(&mut resources, &directory.roles[role].grants[grant].1);
            }
        }
        resources
    }
}

/// SPEC §1.16: a policy's resource covers a resource when both have the same number of
/// `:`-separated segments and each of the policy's segments is `*` or equal.
pub fn covers(pattern: &str, resource: &str) -> bool {
    let mut wanted = resource.split(':');
    for part in pattern.split(':') {
        match wanted.next() {
            Some(segment) if part == "*" || part == segment => {}
            _ => return false,
        }
    }
    wanted.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::fixtures::{role_allowing as role, user_holding as user};

    fn token(client: &str, roles: &[&str], expiry: Option<&str>) -> AppToken {
        crate::fixtures::app_token(client, roles, "2026-01-01T00:00:00Z", expiry)
    }

    fn org() -> (UserList, Vec<Role>, Vec<AppToken>) {
        let roles = vec![
            role(
                "r-admin",
                ORG_ADMIN,
                &["org-write", "db-cql"],
                &["drn:astra:org:O"],
            ),
            role(
                "r-reader",
                "Reader",
                &["db-cql", "db-table-select"],
                &["drn:astra:org:O:db:*", "drn:astra:org:O:db:D:keyspace:*"],
            ),
        ];
        let users = UserList {
            org_id: Some("O".into()),
            org_name: None,
            users: vec![
                user("u2", "zed@x.io", "invited", &["r-reader"]),
                user("u1", "Amy@x.io", "active", &["R-ADMIN", "r-reader", "gone"]),
            ],
        };
        let tokens = vec![
            token("tokB", &["r-admin"], None),
            token("tokA", &["r-reader"], Some("2020-01-01T00:00:00Z")),
        ];
        (users, roles, tokens)
    }

    fn directory() -> Directory {
        let (users, roles, tokens) = org();
        Directory::new(users, roles, tokens)
    }

    #[test]
    fn users_come_first_by_email_then_tokens_by_client_id_with_missing_roles_named_by_id() {
        let dir = directory();
        let names: Vec<&str> = dir.principals.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Amy@x.io", "zed@x.io", "tokA", "tokB"]);
        let types = [RoleType::Standard, RoleType::Custom, RoleType::Missing].map(RoleType::as_str);
        assert_eq!(types, ["standard", "custom", "missing"]);
        assert_eq!(
            [Kind::User, Kind::Token].map(Kind::as_str),
            ["user", "token"]
        );
        let amy = &dir.principals[0];
        let held: Vec<(&str, &str, RoleType)> = dir
            .roles_of(amy)
            .map(|r| (r.id.as_str(), r.name.as_str(), r.role_type))
            .collect();
        assert_eq!(
            held,
            [
                ("r-admin", ORG_ADMIN, RoleType::Standard),
                ("r-reader", "Reader", RoleType::Custom),
                ("gone", "gone", RoleType::Missing)
            ]
        );
        assert!(dir.holds_admin(amy) && amy.is_active_user());
        assert!(!dir.holds_admin(&dir.principals[1]));
        assert!(!dir.principals[1].is_active_user());
        assert!(!dir.principals[2].is_active_user());
        assert_eq!(dir.org_id, "O");
        assert_eq!(dir.roles.len(), 3, "a missing role is listed once");
    }

    #[test]
    fn a_missing_role_id_held_twice_in_any_case_is_one_role() {
        let (mut users, roles, tokens) = org();
        users
            .users
            .push(user("u3", "gone@x.io", "active", &["GONE"]));
        let dir = Directory::new(users, roles, tokens);
        let gone: Vec<&str> = dir
            .roles_of(&dir.principals[1])
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(gone, ["gone"]);
        assert_eq!(dir.roles.len(), 3);
    }

    #[test]
    fn a_principal_is_found_by_email_id_or_client_id_in_any_case() {
        let dir = directory();
        assert_eq!(dir.find("amy@X.IO"), Some(0));
        assert_eq!(dir.find("U2"), Some(1));
        assert_eq!(dir.find(" TOKa "), Some(2));
        assert!(dir.find("nobody").is_none());
        assert!(
            dir.find("u1@x.io").is_none(),
            "a user id is not a token's client id"
        );
    }

    #[test]
    fn grants_are_by_action_with_each_resource_and_role_once() {
        let dir = directory();
        let grants = dir.grants(&dir.principals[0]);
        let cql = grants.iter().find(|g| g.action == "db-cql").unwrap();
        assert_eq!(
            cql.resources,
            [
                "drn:astra:org:O",
                "drn:astra:org:O:db:*",
                "drn:astra:org:O:db:D:keyspace:*"
            ]
        );
        assert_eq!(cql.roles, [ORG_ADMIN, "Reader"]);
        let actions: Vec<&str> = grants.iter().map(|g| g.action).collect();
        assert_eq!(actions, ["db-cql", "db-table-select", "org-write"]);
    }

    #[test]
    fn a_denying_policy_grants_nothing_but_names_its_actions() {
        let mut denied = role("r", "Deny", &["db-cql"], &["drn:astra:org:O"]);
        denied.policy.as_mut().unwrap().effect = Some("deny".into());
        let entry = RoleEntry::listed(denied);
        assert!(entry.grants.is_empty());
        assert_eq!(entry.actions, ["db-cql"]);
        let allowed = RoleEntry::listed(role("r", "Allow", &["a"], &["x", "y"]));
        assert_eq!(allowed.grants.len(), 2);
    }

    #[test]
    fn token_status_is_its_local_expiry_date_expired_or_no_expiry() {
        let dir = directory();
        let clock = Clock {
            now: "2026-06-01T00:00:00Z".parse().unwrap(),
            zone: jiff::tz::TimeZone::fixed(jiff::tz::offset(-5)),
        };
        assert_eq!(dir.principals[0].status(&clock), "active");
        assert_eq!(dir.principals[2].status(&clock), "expired");
        assert_eq!(dir.principals[3].status(&clock), "no expiry");
        let later = Principal {
            expiry: Some("2026-07-01T02:00:00Z".into()),
            ..dir.principals[3].clone()
        };
        assert_eq!(later.status(&clock), "expires 2026-06-30");
        let now = Principal {
            expiry: Some("2026-06-01T00:00:00Z".into()),
            ..dir.principals[3].clone()
        };
        assert_eq!(
            now.status(&clock),
            "expires 2026-05-31",
            "expired only once past"
        );
        assert_eq!(
            clock.local_time("2026-07-01T02:00:00Z"),
            "2026-06-30 21:00:00"
        );
        assert_eq!(clock.local_time("soon"), "soon");
    }

    fn holders(
        dir: &Directory,
        action: &str,
        resource: Option<&str>,
    ) -> Vec<(String, Vec<String>, Vec<String>)> {
        let found = dir.who_can(action, resource);
        found
            .holders
            .iter()
            .map(|(principal, roles)| {
                let names = roles.iter().map(|&r| dir.roles[r].name.clone()).collect();
                let resources = found
                    .resources(dir, roles)
                    .iter()
                    .map(|r| r.to_string())
                    .collect();
                (dir.principals[*principal].name.clone(), names, resources)
            })
            .collect()
    }

    #[test]
    fn who_can_names_the_roles_and_resources_that_carry_the_action() {
        let dir = directory();
        let all = holders(&dir, "db-cql", None);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].1, [ORG_ADMIN, "Reader"]);
        assert_eq!(
            all[0].2,
            [
                "drn:astra:org:O",
                "drn:astra:org:O:db:*",
                "drn:astra:org:O:db:D:keyspace:*"
            ]
        );
        let on_ks = holders(
            &dir,
            "db-table-select",
            Some("drn:astra:org:O:db:D:keyspace:k"),
        );
        let named: Vec<(&str, &[String])> = on_ks
            .iter()
            .map(|h| (h.0.as_str(), h.2.as_slice()))
            .collect();
        let ks = ["drn:astra:org:O:db:D:keyspace:*".to_owned()];
        assert_eq!(
            named,
            [
                ("Amy@x.io", &ks[..]),
                ("zed@x.io", &ks[..]),
                ("tokA", &ks[..])
            ]
        );
        assert!(holders(&dir, "org-write", Some("drn:astra:org:O:db:D")).is_empty());
        assert_eq!(holders(&dir, "org-write", Some("drn:astra:org:O")).len(), 2);
    }

    #[test]
    fn covering_needs_as_many_segments_each_a_star_or_equal() {
        assert!(covers("drn:astra:org:O", "drn:astra:org:O"));
        assert!(covers("drn:astra:org:O:db:*", "drn:astra:org:O:db:D"));
        assert!(!covers("drn:astra:org:O:db:*", "drn:astra:org:O"));
        assert!(!covers("drn:astra:org:O", "drn:astra:org:O:db:D"));
        assert!(!covers("drn:astra:org:O:db:E", "drn:astra:org:O:db:D"));
        assert!(covers("*", "x"));
        assert!(!covers("*", "x:y"));
    }

    fn segment() -> impl Strategy<Value = String> {
        prop_oneof![Just("*".to_owned()), "[a-c]{1,2}"]
    }

    proptest! {
        /// A pattern covers exactly the resources it spells: same length, and every segment
        /// either a star or the same text.
        #[test]
        fn a_pattern_covers_exactly_what_it_spells(
            pattern in proptest::collection::vec(segment(), 1..5),
            resource in proptest::collection::vec("[a-c]{1,2}", 1..5),
        ) {
            let spelled = pattern.len() == resource.len()
                && pattern.iter().zip(&resource).all(|(p, r)| p == "*" || p == r);
            prop_assert_eq!(covers(&pattern.join(":"), &resource.join(":")), spelled);
        }

        /// Replacing any segments of a resource by stars gives a pattern that covers it.
        #[test]
        fn stars_cover_what_they_replace(
            resource in proptest::collection::vec("[a-z]{1,4}", 1..6),
            stars in proptest::collection::vec(any::<bool>(), 6),
        ) {
            let pattern: Vec<&str> = resource
                .iter()
                .zip(&stars)
                .map(|(r, star)| if *star { "*" } else { r.as_str() })
                .collect();
            prop_assert!(covers(&pattern.join(":"), &resource.join(":")));
        }
    }
}
