//! The one way to read and resolve USER and ROLE values (SPEC §1.1 and §1.2), shared by every
//! command.

use crate::api::models::{Role, User};
use crate::error::{CliError, ErrorCode};

use super::Invocation;

/// A user as given: an id (UUID, lowercased) or an email (kept as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id { id: String, typed: String },
    Email(String),
}

impl UserRef {
    /// The value as the user typed it (after trimming and unquoting), for messages.
    pub fn typed(&self) -> &str {
        match self {
            Self::Id { typed, .. } => typed,
            Self::Email(email) => email,
        }
    }

    /// Finds the user in the organization's list: by id, or by email case-insensitively.
    pub fn find_in<'a>(&self, users: &'a [User]) -> Option<&'a User> {
        match self {
            Self::Id { id, .. } => users.iter().find(|user| user.id.eq_ignore_ascii_case(id)),
            Self::Email(email) => users.iter().find(|user| {
                user.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            }),
        }
    }
}

/// A role as given: an id (UUID, lowercased) or a name (kept as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleRef {
    Id { id: String, typed: String },
    Name(String),
}

impl RoleRef {
    pub fn typed(&self) -> &str {
        match self {
            Self::Id { typed, .. } => typed,
            Self::Name(name) => name,
        }
    }
}

/// clap value parser for USER.
pub fn parse_user_ref(raw: &str) -> Result<UserRef, String> {
    let value = clean(raw)?;
    Ok(match canonical_uuid(&value) {
        Some(id) => UserRef::Id { id, typed: value },
        None => UserRef::Email(value),
    })
}

/// clap value parser for ROLE.
pub fn parse_role_ref(raw: &str) -> Result<RoleRef, String> {
    let value = clean(raw)?;
    Ok(match canonical_uuid(&value) {
        Some(id) => RoleRef::Id { id, typed: value },
        None => RoleRef::Name(value),
    })
}

/// clap value parser for `-r`: a comma-separated list, quote-aware (`"a,b",c` is `a,b` and `c`).
pub fn parse_role_refs(raw: &str) -> Result<Vec<RoleRef>, String> {
    split_list(raw)
        .iter()
        .map(|item| parse_role_ref(item))
        .collect()
}

/// Trims, removes one pair of outer quotes, and rejects empty values, placeholders and newlines.
fn clean(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    let value = crate::config::astrarc::unquote(trimmed).trim();
    if value.is_empty() {
        return Err("the value is empty".to_owned());
    }
    if value.starts_with('<') && value.ends_with('>') {
        return Err(format!(
            "'{value}' looks like a placeholder; did you forget to replace a placeholder?"
        ));
    }
    if value.contains(['\n', '\r']) {
        return Err("the value contains a line break".to_owned());
    }
    Ok(value.to_owned())
}

fn canonical_uuid(value: &str) -> Option<String> {
    uuid::Uuid::try_parse(value)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// Splits on commas outside single or double quotes; the quotes stay for [`clean`] to remove.
pub fn split_list(raw: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut quote: Option<char> = None;
    for ch in raw.chars() {
        match (quote, ch) {
            (None, ',') => items.push(String::new()),
            (None, '"' | '\'') => {
                quote = Some(ch);
                items.last_mut().expect("never empty").push(ch);
            }
            (Some(open), _) if ch == open => {
                quote = None;
                items.last_mut().expect("never empty").push(ch);
            }
            _ => items.last_mut().expect("never empty").push(ch),
        }
    }
    items
}

/// Resolves every role before anything is sent; the first failure is the error.
pub fn resolve_roles<'a>(
    roles: &'a [Role],
    refs: &[RoleRef],
    invocation: &Invocation,
) -> Result<Vec<&'a Role>, CliError> {
    let mut resolved: Vec<&Role> = Vec::new();
    for role_ref in refs {
        let role = resolve_role(roles, role_ref, invocation)?;
        if !resolved.iter().any(|r| r.id == role.id) {
            resolved.push(role);
        }
    }
    Ok(resolved)
}

/// An exact name wins, then a unique case-insensitive match; several are ambiguous.
pub fn resolve_role<'a>(
    roles: &'a [Role],
    role_ref: &RoleRef,
    invocation: &Invocation,
) -> Result<&'a Role, CliError> {
    let name = match role_ref {
        RoleRef::Id { id, .. } => {
            return roles
                .iter()
                .find(|role| role.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| role_not_found(roles, role_ref, invocation));
        }
        RoleRef::Name(name) => name,
    };
    if let Some(role) = roles.iter().find(|role| role.name() == name) {
        return Ok(role);
    }
    let matches: Vec<&Role> = roles
        .iter()
        .filter(|role| role.name().eq_ignore_ascii_case(name))
        .collect();
    match matches.as_slice() {
        [role] => Ok(role),
        [] => Err(role_not_found(roles, role_ref, invocation)),
        several => {
            let mut err = CliError::new(
                ErrorCode::ValidationIssue,
                format!("Role '{name}' is ambiguous: it matches several roles."),
            );
            let candidates: Vec<String> = several
                .iter()
                .map(|role| format!("  - '{}' ({})", role.name(), role.id))
                .collect();
            err = err.detail(format!("Candidates:\n{}", candidates.join("\n")));
            err = err.detail("Nothing was sent. Pass the exact name or the role id.");
            Err(err)
        }
    }
}

/// `ROLE_NOT_FOUND`, with a "did you mean" hint when a role name is close.
pub fn role_not_found(roles: &[Role], role_ref: &RoleRef, invocation: &Invocation) -> CliError {
    let typed = role_ref.typed();
    let mut err = CliError::new(
        ErrorCode::RoleNotFound,
        format!("Role '{typed}' not found."),
    )
    .detail("The specified role does not exist.")
    .detail("Use 'astra role list' to see all available roles.");
    if let (RoleRef::Name(name), Some(closest)) = (role_ref, closest_name(roles, typed)) {
        err = err.hint("Did you mean:", invocation.replacing(name, closest));
    }
    err
}

fn closest_name<'a>(roles: &'a [Role], typed: &str) -> Option<&'a str> {
    let wanted = typed.to_lowercase();
    roles
        .iter()
        .map(|role| {
            let candidate = role.name().to_lowercase();
            let distance = strsim::levenshtein(&wanted, &candidate);
            let prefix = candidate.starts_with(&wanted) && wanted.len() >= 3;
            (if prefix { 0 } else { distance }, role.name())
        })
        .filter(|(distance, _)| *distance <= (wanted.chars().count() / 3).clamp(1, 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn role(id: &str, name: &str) -> Role {
        Role {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            policy: None,
        }
    }

    fn invocation() -> Invocation {
        Invocation::new(
            ["user", "invite", "a@b.c", "-r", "R/W Usr"]
                .map(String::from)
                .to_vec(),
        )
    }

    #[test]
    fn values_are_trimmed_unquoted_and_uuids_lowercased() {
        assert_eq!(
            parse_user_ref("  'A@B.C' ").unwrap(),
            UserRef::Email("A@B.C".into())
        );
        let id = "3476F3BB-10DF-4D2F-AC2B-F05C65676724";
        assert_eq!(
            parse_user_ref(id).unwrap(),
            UserRef::Id {
                id: id.to_lowercase(),
                typed: id.to_owned()
            }
        );
        assert!(parse_user_ref("\"\"").unwrap_err().contains("empty"));
        assert!(parse_user_ref("<email>")
            .unwrap_err()
            .contains("placeholder"));
        assert!(parse_user_ref("a@b.c\nx")
            .unwrap_err()
            .contains("line break"));
    }

    #[test]
    fn role_lists_split_on_commas_outside_quotes() {
        let refs = parse_role_refs("\"a,b\",c, 'd' ").unwrap();
        assert_eq!(refs, ["a,b", "c", "d"].map(|n| RoleRef::Name(n.into())));
        assert!(parse_role_refs("a,,b").is_err());
    }

    #[test]
    fn exact_name_wins_then_unique_case_insensitive_then_ambiguity() {
        let roles = [
            role("1", "RO User"),
            role("2", "ro user"),
            role("3", "Billing Admin"),
        ];
        let inv = invocation();
        assert_eq!(
            resolve_role(&roles, &RoleRef::Name("ro user".into()), &inv)
                .unwrap()
                .id,
            "2"
        );
        assert_eq!(
            resolve_role(&roles, &RoleRef::Name("billing ADMIN".into()), &inv)
                .unwrap()
                .id,
            "3"
        );
        let err = resolve_role(&roles, &RoleRef::Name("RO USER".into()), &inv).unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        assert!(err.message().contains("'RO User' (1)") && err.message().contains("'ro user' (2)"));
    }

    #[test]
    fn an_unknown_role_suggests_the_closest_name_in_the_command() {
        let roles = [role("1", "R/W User"), role("2", "RO User")];
        let err =
            resolve_role(&roles, &RoleRef::Name("R/W Usr".into()), &invocation()).unwrap_err();
        assert_eq!(err.code, ErrorCode::RoleNotFound);
        assert_eq!(
            err.hints[0].command,
            "astra user invite a@b.c -r 'R/W User'"
        );
        let far = resolve_role(&roles, &RoleRef::Name("Wizard".into()), &invocation()).unwrap_err();
        assert!(far.hints.is_empty());
    }

    proptest! {
        #[test]
        fn splitting_unquoted_names_round_trips(names in proptest::collection::vec("[A-Za-z/ ]{0,8}[A-Za-z]", 1..5)) {
            let joined = names.join(",");
            let refs = parse_role_refs(&joined).unwrap();
            let typed: Vec<String> = refs.iter().map(|r| r.typed().to_owned()).collect();
            let expected: Vec<String> = names.iter().map(|n| n.trim().to_owned()).collect();
            prop_assert_eq!(typed, expected);
        }

        #[test]
        fn a_quoted_item_keeps_its_commas(a in "[a-z]{1,5}", b in "[a-z]{1,5}") {
            let refs = parse_role_refs(&format!("\"{a},{b}\",{b}")).unwrap();
            prop_assert_eq!(refs, vec![RoleRef::Name(format!("{a},{b}")), RoleRef::Name(b.clone())]);
        }
    }
}
