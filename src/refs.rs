//! USER and ROLE values as typed on the command line or in an apply file (SPEC §1.1): the one
//! parser every command and the clap layer share. Finding them in the organization is
//! [`crate::lookup`]'s job.

use crate::text::unquote;

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

/// A comma-separated value of a repeatable option (`--action a,b`), each item cleaned.
pub fn parse_list(raw: &str) -> Result<Vec<String>, String> {
    split_list(raw).iter().map(|item| clean(item)).collect()
}

/// Trims, removes one pair of outer quotes, and rejects empty values, placeholders and newlines.
pub fn clean(raw: &str) -> Result<String, String> {
    let value = unquote(raw.trim()).trim();
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

/// A role's name as given (`role create NAME`, `role update --name`): [`clean`], and no control
/// character (a name its own hints could not show, nor a terminal print safely).
pub fn role_name(raw: &str) -> Result<String, String> {
    let name = clean(raw)?;
    match control_problem(&name) {
        Some(problem) => Err(format!("the name {problem}")),
        None => Ok(name),
    }
}

/// A role's description as given (`-d`): anything but control characters (a tab is one too).
pub fn role_description(raw: &str) -> Result<String, String> {
    match control_problem(raw) {
        Some(problem) => Err(format!("the description {problem}")),
        None => Ok(raw.to_owned()),
    }
}

/// Why a name or description cannot hold what it holds, as an email is refused one.
pub fn control_problem(text: &str) -> Option<&'static str> {
    text.chars()
        .any(char::is_control)
        .then_some("contains a control character")
}

pub fn canonical_uuid(value: &str) -> Option<String> {
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
            (None, ',') => {
                items.push(String::new());
                continue;
            }
            (None, '"' | '\'') => quote = Some(ch),
            (Some(open), _) if ch == open => quote = None,
            _ => {}
        }
        if let Some(last) = items.last_mut() {
            last.push(ch);
        }
    }
    items
}

/// Why an email cannot be invited (SPEC §1.5), or `None` when it looks like one.
pub fn email_problem(email: &str) -> Option<EmailProblem> {
    if email.contains(',') || email.matches('@').count() > 1 && email.contains(char::is_whitespace)
    {
        return Some(EmailProblem::SeveralEmails);
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(EmailProblem::Malformed(
            "it contains a space or a control character",
        ));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Some(EmailProblem::Malformed("it has no '@'"));
    };
    if domain.contains('@') {
        return Some(EmailProblem::Malformed("it has more than one '@'"));
    }
    if local.is_empty() {
        return Some(EmailProblem::Malformed("nothing comes before the '@'"));
    }
    // RFC 5321's limits: what no mail server delivers to is not worth an invitation.
    if email.len() > MAX_EMAIL {
        return Some(EmailProblem::Malformed("it is longer than 254 characters"));
    }
    if local.len() > MAX_LOCAL_PART {
        return Some(EmailProblem::Malformed(
            "the part before the '@' is longer than 64 characters",
        ));
    }
    let labels_ok = domain.split('.').all(|label| !label.is_empty());
    if !domain.contains('.') || !labels_ok {
        return Some(EmailProblem::Malformed(
            "its domain must have a dot between non-empty parts",
        ));
    }
    None
}

/// The longest email address (RFC 5321), and the longest part before its `@`.
const MAX_EMAIL: usize = 254;
const MAX_LOCAL_PART: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProblem {
    /// `a@x.io,b@x.io`: several emails in one argument.
    SeveralEmails,
    Malformed(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_email_is_at_most_254_characters_and_64_before_the_at() {
        let local = "a".repeat(64);
        let domain = format!("{}.io", "d".repeat(254 - 64 - 1 - 3));
        let longest = format!("{local}@{domain}");
        assert_eq!(longest.len(), 254);
        assert_eq!(email_problem(&longest), None);
        assert_eq!(
            email_problem(&format!("{local}@d{domain}")),
            Some(EmailProblem::Malformed("it is longer than 254 characters"))
        );
        assert_eq!(
            email_problem(&format!("a{local}@x.io")),
            Some(EmailProblem::Malformed(
                "the part before the '@' is longer than 64 characters"
            ))
        );
        assert_eq!(email_problem(&format!("{local}@x.io")), None);
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
        assert_eq!(
            parse_user_ref("<email").unwrap(),
            UserRef::Email("<email".into())
        );
        assert!(parse_user_ref("a@b.c\nx")
            .unwrap_err()
            .contains("line break"));
        assert_eq!(
            parse_user_ref("3476f3bb-10df-4d2f-ac2b-f05c6567672").unwrap(),
            UserRef::Email("3476f3bb-10df-4d2f-ac2b-f05c6567672".into()),
            "a UUID-like value that is not a UUID is an email"
        );
    }

    #[test]
    fn the_typed_form_is_what_messages_show() {
        assert_eq!(
            parse_user_ref(" 'Jane@X.io' ").unwrap().typed(),
            "Jane@X.io"
        );
        let id = "3476F3BB-10DF-4D2F-AC2B-F05C65676724";
        assert_eq!(parse_user_ref(id).unwrap().typed(), id);
        assert_eq!(parse_role_ref(id).unwrap().typed(), id);
        assert_eq!(parse_role_ref("'RO User'").unwrap().typed(), "RO User");
    }

    #[test]
    fn role_lists_split_on_commas_outside_quotes() {
        let refs = parse_role_refs("\"a,b\",c, 'd' ").unwrap();
        assert_eq!(refs, ["a,b", "c", "d"].map(|n| RoleRef::Name(n.into())));
        assert!(parse_role_refs("a,,b").is_err());
    }

    #[test]
    fn emails_are_checked_before_an_invitation() {
        assert_eq!(email_problem("jane@example.com"), None);
        assert_eq!(email_problem("o'brien+x@mail.example.io"), None);
        assert_eq!(
            email_problem("a@x.io,b@x.io"),
            Some(EmailProblem::SeveralEmails)
        );
        assert_eq!(
            email_problem("a@x.io b@x.io"),
            Some(EmailProblem::SeveralEmails)
        );
        for bad in [
            "jane", "@x.io", "a@b", "a@b..c", "a b@x.io", "a@@x.io", "a@x.io.",
        ] {
            assert!(
                matches!(email_problem(bad), Some(EmailProblem::Malformed(_))),
                "{bad}"
            );
        }
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

        #[test]
        fn no_value_makes_the_parsers_panic(text in any::<String>()) {
            let _ = parse_user_ref(&text);
            let _ = parse_role_refs(&text);
            let _ = email_problem(&text);
        }
    }
}
