//! The one way to find users and roles in the organization (SPEC §1.2), singular and plural, and
//! the role-set arithmetic that `invite`, `user roles` and `apply` share.

use crate::api::models::{Role, User, UserList};
use crate::api::ApiClient;
use crate::api::ApiError;

use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::refs::{RoleRef, UserRef};
use crate::text::quoted_list;

mod email_scan;

use email_scan::{EmailScan, Scanned};

/// Email comparison: Unicode lower case (`JÖRG@EXÄMPLE.COM` finds `jörg@exämple.com`), without
/// allocating for the ASCII emails that are nearly all of them.
pub fn same_email(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// The key under which [`same_email`] emails are equal: two emails are the same exactly when
/// their keys are, so a plan can join a file and a listing by hashing instead of searching.
pub fn email_key(email: &str) -> std::borrow::Cow<'_, str> {
    if !email
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        // Nearly every email: already its own key, nothing to allocate.
        std::borrow::Cow::Borrowed(email)
    } else if email.is_ascii() {
        std::borrow::Cow::Owned(email.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Owned(email.to_lowercase())
    }
}

/// Which user a USER argument names, as a key: two arguments with the same key are one user.
pub fn user_key(user: &UserRef) -> String {
    match user {
        UserRef::Id { id, .. } => id.to_ascii_lowercase(),
        UserRef::Email(email) => email_key(email).into_owned(),
    }
}

/// The role no organization may be left without an active holder of (SPEC §13.2).
pub const ORG_ADMIN: &str = "Organization Administrator";

/// The ids of the roles named [`ORG_ADMIN`].
pub fn admin_role_ids(roles: &[Role]) -> std::collections::HashSet<&str> {
    roles
        .iter()
        .filter(|role| role.name() == ORG_ADMIN)
        .map(|role| role.id.as_str())
        .collect()
}

/// Whether a user holds [`ORG_ADMIN`]: one of `admin_ids`, or a role of that name on the user
/// (a role the roles list does not describe).
pub fn holds_admin(user: &User, admin_ids: &std::collections::HashSet<&str>) -> bool {
    user.roles()
        .iter()
        .any(|r| admin_ids.contains(r.id.as_str()) || r.name() == ORG_ADMIN)
}

/// The way on when a command would remove the last administrator: give the role to another.
pub const GIVE_ADMIN_FIRST: &str =
    "Give another user the role first: astra user roles EMAIL --add 'Organization Administrator'";

/// SPEC §13.2: refuses a plan after which no active user holds [`ORG_ADMIN`]. `still_admin`
/// says, of each user who is one now, whether the plan keeps them one; `remedy` is the detail
/// line that says how to go on. An organization without one today is not this plan's doing.
pub fn keeps_an_admin(
    users: &[User],
    admin_ids: &std::collections::HashSet<&str>,
    still_admin: impl Fn(&User) -> bool,
    remedy: &str,
) -> Result<(), CliError> {
    let active = |user: &User| matches!(user.status, Some(crate::api::models::UserStatus::Active));
    let admins: Vec<&User> = users
        .iter()
        .filter(|user| active(user) && holds_admin(user, admin_ids))
        .collect();
    if admins.is_empty() || admins.iter().any(|user| still_admin(user)) {
        return Ok(());
    }
    let names = quoted_list(admins.iter().map(|u| u.email()));
    Err(CliError::new(
        ErrorCode::ValidationIssue,
        format!("The plan would leave the organization without an active '{ORG_ADMIN}'; nothing was sent."),
    )
    .detail(format!("It removes the role from, or deletes, {names}. {remedy}")))
}

/// Finds a user in the organization's list: by id, or by email case-insensitively.
pub fn find_in<'a>(users: &'a [User], user: &UserRef) -> Option<&'a User> {
    match user {
        UserRef::Id { id, .. } => users.iter().find(|u| u.id.eq_ignore_ascii_case(id)),
        UserRef::Email(email) => users.iter().find(|u| same_email(u.email(), email)),
    }
}

/// `USER_NOT_FOUND` for a user that `find_user` did not find.
pub fn user_not_found(user: &UserRef) -> CliError {
    CliError::new(
        ErrorCode::UserNotFound,
        format!("User '{}' not found.", user.typed()),
    )
    .detail("Use 'astra user list' to see all available users.")
}

/// The organization id an invitation needs, from the users list (SPEC §1.5: no `/currentOrg`).
pub fn org_id(list: &UserList) -> Result<&str, CliError> {
    required_org_id(list.org_id.as_deref())
}

/// The `OrgID` a users list must have, or `BAD_RESPONSE`.
pub fn required_org_id(id: Option<&str>) -> Result<&str, CliError> {
    id.ok_or_else(|| {
        CliError::new(
            ErrorCode::BadResponse,
            "Unexpected reply from the Astra DevOps API: the users list has no OrgID.",
        )
    })
}

/// One round trip either way: by id `GET /users/{id}` (404 = none), by email the users list.
/// A user not found is `USER_NOT_FOUND`, with the closest email when the list has one.
pub async fn find_user(client: &ApiClient, user: &UserRef) -> Result<User, CliError> {
    match user {
        UserRef::Id { id, .. } => match client.get_user(id).await {
            Ok(user) => Ok(user),
            Err(err) if err.is_not_found() => Err(user_not_found(user)),
            Err(err) => Err(err.into()),
        },
        UserRef::Email(email) => {
            let scanned = client.scan_users(|| EmailScan::new(email)).await?;
            match scanned {
                Scanned::Found(found) => Ok(found),
                Scanned::Unreadable(why) => Err(ApiError::listing_unreadable(why).into()),
                Scanned::Missing(emails) => Err(match closest_email(emails.lines(), email) {
                    Some(closest) => user_not_found(user).fix(
                        "Did you mean:",
                        Edit::SplitArg {
                            typed: email.clone(),
                            into: vec![closest.to_owned()],
                        },
                    ),
                    None => user_not_found(user),
                }),
            }
        }
    }
}

/// The email `typed` most likely meant: the one whose part before `@` it is (`alice`), else the
/// closest by the rule of role names.
fn closest_email<'a>(
    emails: impl Iterator<Item = &'a str> + Clone,
    typed: &str,
) -> Option<&'a str> {
    let local = |email: &str| email.split('@').next().unwrap_or_default().to_lowercase();
    let wanted = typed.to_lowercase();
    let by_local: Vec<&str> = emails
        .clone()
        .filter(|email| local(email) == wanted)
        .collect();
    match by_local.as_slice() {
        [one] => Some(one),
        [] => closest(emails, typed),
        _ => None,
    }
}

/// Why one role did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleProblem {
    NotFound {
        typed: String,
        closest: Option<String>,
    },
    Ambiguous {
        typed: String,
        candidates: Vec<(String, String)>,
    },
}

/// A unique exact name wins, then a unique case-insensitive match; several are ambiguous (two
/// roles with exactly the same name too: taking the first would be a guess).
pub fn resolve_role<'a>(roles: &'a [Role], role: &RoleRef) -> Result<&'a Role, RoleProblem> {
    let name = match role {
        RoleRef::Id { id, typed } => {
            return roles
                .iter()
                .find(|r| r.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| RoleProblem::NotFound {
                    typed: typed.clone(),
                    closest: None,
                });
        }
        RoleRef::Name(name) => name,
    };
    let exact: Vec<&Role> = roles.iter().filter(|r| r.name() == name).collect();
    let matches: Vec<&Role> = if exact.is_empty() {
        roles
            .iter()
            .filter(|r| r.name().to_lowercase() == name.to_lowercase())
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [found] => Ok(found),
        [] => Err(RoleProblem::NotFound {
            typed: name.clone(),
            closest: closest_name(roles, name).map(str::to_owned),
        }),
        several => Err(RoleProblem::Ambiguous {
            typed: name.clone(),
            candidates: several
                .iter()
                .map(|r| (r.name().to_owned(), r.id.clone()))
                .collect(),
        }),
    }
}

/// Resolves every role, deduplicated, or reports every role that did not resolve.
pub fn resolve_all<'a>(
    roles: &'a [Role],
    refs: &[RoleRef],
) -> Result<Vec<&'a Role>, Vec<RoleProblem>> {
    let mut resolved: Vec<&Role> = Vec::new();
    let mut problems = Vec::new();
    for role in refs {
        match resolve_role(roles, role) {
            // The same role (two roles the file creates share the empty id).
            Ok(found) if !resolved.iter().any(|r| std::ptr::eq(*r, found)) => resolved.push(found),
            Ok(_) => {}
            Err(problem) if !problems.contains(&problem) => problems.push(problem),
            Err(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(resolved)
    } else {
        Err(problems)
    }
}

/// Resolves every role before anything is sent, as one error naming every role that failed.
pub fn resolve_roles<'a>(roles: &'a [Role], refs: &[RoleRef]) -> Result<Vec<&'a Role>, CliError> {
    resolve_all(roles, refs).map_err(|problems| roles_error(&problems))
}

/// `ROLE_NOT_FOUND` (with a "did you mean" per close name), or `VALIDATION_ISSUE` when a name is
/// ambiguous.
pub fn roles_error(problems: &[RoleProblem]) -> CliError {
    let ambiguous: Vec<&RoleProblem> = problems
        .iter()
        .filter(|p| matches!(p, RoleProblem::Ambiguous { .. }))
        .collect();
    if let Some(RoleProblem::Ambiguous { typed, candidates }) = ambiguous.first() {
        let listed: Vec<String> = candidates
            .iter()
            .map(|(name, id)| format!("  - '{name}' ({id})"))
            .collect();
        return CliError::new(
            ErrorCode::ValidationIssue,
            format!("Role '{typed}' is ambiguous: it matches several roles."),
        )
        .detail(format!("Candidates:\n{}", listed.join("\n")))
        .detail("Nothing was sent. Pass the exact name or the role id.");
    }
    let typed = quoted_list(problems.iter().map(RoleProblem::typed));
    let (headline, detail) = if problems.len() == 1 {
        (
            format!("Role {typed} not found."),
            "The specified role does not exist.",
        )
    } else {
        (
            format!("Roles {typed} not found."),
            "The specified roles do not exist.",
        )
    };
    let err = CliError::new(ErrorCode::RoleNotFound, headline)
        .detail(detail)
        .detail("Use 'astra role list' to see all available roles.");
    let mut fixes: Vec<Edit> = problems
        .iter()
        .filter_map(|problem| match problem {
            RoleProblem::NotFound {
                typed,
                closest: Some(closest),
            } => Some(Edit::ReplaceRole {
                typed: typed.clone(),
                with: closest.clone(),
            }),
            _ => None,
        })
        .collect();
    // One hint that fixes every typo: two hints fixing one each would both still fail.
    match fixes.len() {
        0 => err,
        1 => err.fix("Did you mean:", fixes.remove(0)),
        _ => err.fix("Did you mean:", Edit::All(fixes)),
    }
}

impl RoleProblem {
    pub fn typed(&self) -> &str {
        match self {
            Self::NotFound { typed, .. } | Self::Ambiguous { typed, .. } => typed,
        }
    }
}

/// The closest role name: one the typed name starts (3 characters at least), or within an edit
/// distance of a third of its length (1 to 3), ignoring case.
fn closest_name<'a>(roles: &'a [Role], typed: &str) -> Option<&'a str> {
    closest(roles.iter().map(Role::name), typed)
}

/// The closest of `names` to `typed`, by the rule of [`closest_name`] (roles, actions).
pub fn closest<'a>(names: impl Iterator<Item = &'a str>, typed: &str) -> Option<&'a str> {
    let wanted = typed.to_lowercase();
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    names
        .map(|name| {
            let candidate = name.to_lowercase();
            let prefix = candidate.starts_with(&wanted) && wanted.chars().count() >= 3;
            let distance = if prefix {
                0
            } else {
                strsim::osa_distance(&wanted, &candidate)
            };
            (distance, name)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// A change of a user's roles: ids before and after, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDiff {
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl RoleDiff {
    /// From the current role ids to the target ids (both kept in their given order).
    pub fn new(before: &[&str], after: &[&str]) -> Self {
        let owned = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
        let missing_from = |from: &[&str], other: &[&str]| {
            owned(
                &from
                    .iter()
                    .copied()
                    .filter(|id| !other.contains(id))
                    .collect::<Vec<_>>(),
            )
        };
        Self {
            before: owned(before),
            after: owned(after),
            added: missing_from(after, before),
            removed: missing_from(before, after),
        }
    }

    pub fn changed(&self) -> bool {
        !self.added.is_empty() || !self.removed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC §13.2: the last active administrator, found by the role's id or by its name on the
    /// user, cannot be taken away; an inactive one or another administrator does not count.
    #[test]
    fn the_last_active_administrator_cannot_be_removed() {
        use crate::fixtures::{role, user};
        let admin = role("r-admin", ORG_ADMIN);
        let renamed = role("r-admin", "Org Admin (renamed)");
        let ro = role("r-ro", "RO User");
        let roles = [admin.clone(), ro.clone()];
        let ids = admin_role_ids(&roles);
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["r-admin"]);
        let ids = admin_role_ids(&roles);
        let users = [
            user("u1", "a@x.io", "active", &[&ro, &renamed]),
            user("u2", "b@x.io", "invited", &[&admin]),
            user("u3", "c@x.io", "active", &[&ro]),
        ];
        let keeps = |still: &dyn Fn(&User) -> bool| keeps_an_admin(&users, &ids, still, "remedy");
        assert!(keeps(&|_| true).is_ok());
        let err = keeps(&|u| u.id != "u1").unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        assert_eq!(
            err.details,
            ["It removes the role from, or deletes, 'a@x.io'. remedy"],
            "only the active administrator is named (by its role's id)"
        );
        // Found by the role's name on the user when the id is not in the roles list.
        let by_name = [user("u4", "d@x.io", "active", &[&role("other", ORG_ADMIN)])];
        let none = std::collections::HashSet::new();
        assert!(keeps_an_admin(&by_name, &none, |_| false, "r").is_err());
        // An organization without an active one today is not this plan's doing.
        let nobody = [user("u5", "e@x.io", "active", &[&ro])];
        assert!(keeps_an_admin(&nobody, &ids, |_| false, "r").is_ok());
        assert!(
            keeps_an_admin(&users[1..], &ids, |_| false, "r").is_ok(),
            "invited only"
        );
        assert!(GIVE_ADMIN_FIRST.ends_with(&format!("--add '{ORG_ADMIN}'")));
        assert_eq!(user_key(&UserRef::Email("A@X.io".into())), "a@x.io");
        let id = UserRef::Id {
            id: "AE2F".into(),
            typed: "AE2F".into(),
        };
        assert_eq!(user_key(&id), "ae2f");
    }

    #[test]
    fn emails_with_the_same_key_are_the_same_email() {
        let emails = [
            "a@x.io",
            "A@X.IO",
            "jörg@exämple.com",
            "JÖRG@EXÄMPLE.COM",
            "b@x.io",
        ];
        for a in emails {
            for b in emails {
                assert_eq!(same_email(a, b), email_key(a) == email_key(b), "{a} {b}");
            }
        }
        assert_eq!(email_key("JÖRG@X.IO"), "jörg@x.io");
        assert_eq!(email_key("Ann@X.io"), "ann@x.io");
        assert!(matches!(
            email_key("ann@x.io"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(email_key("jörg@x.io"), std::borrow::Cow::Owned(_)));
    }

    fn role(id: &str, name: &str) -> Role {
        Role {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            policy: None,
        }
    }

    fn name(n: &str) -> RoleRef {
        RoleRef::Name(n.to_owned())
    }

    #[test]
    fn exact_name_wins_then_unique_case_insensitive_then_ambiguity() {
        let roles = [
            role("1", "RO User"),
            role("2", "ro user"),
            role("3", "Billing Admin"),
        ];
        assert_eq!(resolve_role(&roles, &name("ro user")).unwrap().id, "2");
        assert_eq!(
            resolve_role(&roles, &name("billing ADMIN")).unwrap().id,
            "3"
        );
        let err = resolve_roles(&roles, &[name("RO USER")]).unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        assert!(err.message().contains("'RO User' (1)") && err.message().contains("'ro user' (2)"));
        // Exactly the same name twice is ambiguous too, whatever the case typed.
        let twins = [role("4", "Dup"), role("5", "Dup"), role("6", "dup")];
        for typed in ["Dup", "DUP"] {
            match resolve_role(&twins, &name(typed)) {
                Err(RoleProblem::Ambiguous { candidates, .. }) => {
                    assert!(candidates.len() >= 2, "{typed}: {candidates:?}")
                }
                other => panic!("{typed}: {other:?}"),
            }
        }
        assert_eq!(resolve_role(&twins, &name("dup")).unwrap().id, "6");
    }

    #[test]
    fn every_unknown_role_is_reported_at_once_with_its_closest_name() {
        let roles = [role("1", "R/W User"), role("2", "RO User")];
        let err =
            resolve_roles(&roles, &[name("R/W Usr"), name("Wizard"), name("RO User")]).unwrap_err();
        assert_eq!(err.code, ErrorCode::RoleNotFound);
        assert_eq!(err.headline, "Roles 'R/W Usr', 'Wizard' not found.");
        assert_eq!(err.suggestions.len(), 1);
        let single = resolve_roles(&roles, &[name("Wizard")]).unwrap_err();
        assert_eq!(single.headline, "Role 'Wizard' not found.");
        assert!(single.suggestions.is_empty());
    }

    #[test]
    fn the_closest_name_follows_the_prefix_and_distance_rules() {
        let roles = [role("1", "Database Administrator"), role("2", "RO User")];
        assert_eq!(closest_name(&roles, "data"), Some("Database Administrator"));
        assert_eq!(
            closest_name(&roles, "da"),
            None,
            "a prefix needs 3 characters"
        );
        assert_eq!(
            closest_name(&roles, "ro usr"),
            Some("RO User"),
            "distance 1 for 6 characters"
        );
        assert_eq!(
            closest_name(&roles, "r usr"),
            None,
            "distance 2 is too far for 5 characters"
        );
        assert_eq!(
            closest_name(&roles, "RO Uxxr"),
            Some("RO User"),
            "distance 2 for 7 characters"
        );
    }

    #[test]
    fn emails_match_in_unicode_lower_case() {
        let user = User {
            id: "u".into(),
            email: Some("jörg@exämple.com".into()),
            status: None,
            roles: None,
        };
        let users = [user];
        assert!(find_in(&users, &UserRef::Email("JÖRG@EXÄMPLE.COM".into())).is_some());
        assert!(find_in(&users, &UserRef::Email("jorg@example.com".into())).is_none());
        assert!(same_email("A@B.c", "a@b.C"));
        assert!(same_email("JÖRG@x.io", "jörg@X.IO"));
        assert!(!same_email("a@b.c", "a@b.cd"));
    }

    #[test]
    fn a_role_named_twice_resolves_once_and_a_bad_one_is_reported_once() {
        let roles = [role("1", "RO User"), role("2", "R/W User")];
        let resolved = resolve_all(
            &roles,
            &[name("RO User"), name("ro user"), name("R/W User")],
        )
        .unwrap();
        let ids: Vec<&str> = resolved.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        let problems = resolve_all(&roles, &[name("Wizard"), name("Wizard")]).unwrap_err();
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn a_role_diff_lists_what_changes() {
        assert!(RoleDiff::new(&["a"], &["a", "b"]).changed(), "only added");
        assert!(RoleDiff::new(&["a", "b"], &["a"]).changed(), "only removed");
        let diff = RoleDiff::new(&["a", "b"], &["b", "c"]);
        assert_eq!(diff.added, ["c"]);
        assert_eq!(diff.removed, ["a"]);
        assert!(diff.changed());
        assert!(!RoleDiff::new(&["a", "b"], &["b", "a"]).changed());
    }

    #[test]
    fn an_ascii_email_matches_one_whose_unicode_lower_case_is_ascii() {
        // KELVIN SIGN lowercases to 'k': the ASCII shortcut must not apply when only one is ASCII.
        assert!(same_email("\u{212A}im@x.io", "kim@x.io"));
        assert!(same_email("kim@x.io", "\u{212A}IM@x.io"));
    }

    #[test]
    fn the_closest_email_is_the_one_named_by_its_local_part_else_the_nearest() {
        let emails = ["alice@example.com", "bob@example.com", "bob@other.io"];
        assert_eq!(
            closest_email(emails.into_iter(), "ALICE"),
            Some("alice@example.com")
        );
        assert_eq!(
            closest_email(emails.into_iter(), "bob"),
            None,
            "two bobs: no guess"
        );
        assert_eq!(
            closest_email(emails.into_iter(), "alice@exmple.com"),
            Some("alice@example.com")
        );
        assert_eq!(closest_email(emails.into_iter(), "zed@nowhere.net"), None);
    }

    #[test]
    fn an_invitation_takes_the_org_id_of_the_users_list() {
        let list = UserList {
            org_id: Some("org-1".into()),
            ..Default::default()
        };
        assert_eq!(org_id(&list).unwrap(), "org-1");
        let err = org_id(&UserList::default()).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadResponse);
        assert_eq!(
            err.headline,
            "Unexpected reply from the Astra DevOps API: the users list has no OrgID."
        );
    }
}
