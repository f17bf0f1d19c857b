//! Custom-role policies (SPEC §1.14): the standard roles no command may change, the action codes
//! the API knows, and DRN resources with `__ORG_ID__` and the short forms expanded.

use crate::error::{CliError, ErrorCode, Problem};
use crate::hints::Edit;
use crate::lookup::closest;

/// The organization's id as the API's own examples write it; replaced before sending.
pub const ORG_PLACEHOLDER: &str = "__ORG_ID__";

/// The standard roles: the 16 every organization has, and the enterprise ones.
pub const STANDARD_ROLES: &[&str] = &[
    "Organization Administrator",
    "Database Administrator",
    "UI View Only",
    "Billing Admin",
    "Admin User",
    "RO User",
    "R/W User",
    "Admin Svc Acct",
    "RO Svc Acct",
    "R/W Svc Acct",
    "API Admin User",
    "API RO User",
    "API R/W User",
    "API Admin Svc Acct",
    "API RO Svc Acct",
    "API R/W Svc Acct",
    "Enterprise Administrator",
    "Enterprise Org Administrator",
    "Enterprise Billing Administrator",
];

/// The published `PolicyAction` list, then the codes live roles use that it lacks.
pub const KNOWN_ACTIONS: &[&str] = &[
    "db-all-keyspace-create",
    "db-all-keyspace-describe",
    "db-cql",
    "db-graphql",
    "db-keyspace-alter",
    "db-keyspace-authorize",
    "db-keyspace-create",
    "db-keyspace-describe",
    "db-keyspace-drop",
    "db-keyspace-grant",
    "db-keyspace-modify",
    "db-rest",
    "db-table-alter",
    "db-table-authorize",
    "db-table-create",
    "db-table-describe",
    "db-table-drop",
    "db-table-grant",
    "db-table-modify",
    "db-table-select",
    "org-audits-read",
    "org-billing-read",
    "org-billing-write",
    "org-db-addpeering",
    "org-db-create",
    "org-db-expand",
    "org-db-managemigratorproxy",
    "org-db-passwordreset",
    "org-db-suspend",
    "org-db-terminate",
    "org-db-view",
    "org-external-auth-read",
    "org-external-auth-write",
    "org-notification-write",
    "org-read",
    "org-role-delete",
    "org-role-read",
    "org-role-write",
    "org-token-read",
    "org-token-write",
    "org-user-read",
    "org-user-write",
    "org-write",
    "accesslist-read",
    "accesslist-write",
    "db-data-import",
    "db-manage-privateendpoint",
    "db-manage-region",
    "db-manage-thirdpartymetrics",
    "org-cmk-read",
    "org-cmk-write",
    "org-integrations-read",
    "org-integrations-write",
    "org-stream-manage",
];

pub fn is_standard(name: &str) -> bool {
    STANDARD_ROLES.contains(&name)
}

/// Every action the API does not know, each with its closest known code.
pub fn unknown_actions(actions: &[String]) -> Vec<Problem> {
    actions
        .iter()
        .filter(|action| !KNOWN_ACTIONS.contains(&action.as_str()))
        .map(|action| Problem {
            line: None,
            item: action.clone(),
            problem: format!("'{action}' is not a known action"),
            suggestion: closest(KNOWN_ACTIONS.iter().copied(), action).map(str::to_owned),
        })
        .collect()
}

/// The organization itself, as a resource written for any organization: the default resource.
pub fn whole_org() -> String {
    format!("drn:astra:org:{ORG_PLACEHOLDER}")
}

/// Every resource expanded with [`expand_resource`], each once and in order, and a problem for
/// each one that is not a resource.
pub fn expand_resources(raw: &[String], org_id: &str) -> (Vec<String>, Vec<Problem>) {
    let mut resources = Vec::new();
    let mut problems = Vec::new();
    for value in raw {
        match expand_resource(value, org_id) {
            Ok(resource) if !resources.contains(&resource) => resources.push(resource),
            Ok(_) => {}
            Err(why) => problems.push(Problem {
                line: None,
                item: value.clone(),
                problem: why,
                suggestion: None,
            }),
        }
    }
    (resources, problems)
}

/// A resource as the API wants it: `drn:astra:org:<org id>…`, from a whole DRN (its org id may
/// be `__ORG_ID__`) or a short form (`db:*`, `db:<db>:keyspace:*`, `stream:*`, `role:*`).
/// `Err` says what is wrong with it.
pub fn expand_resource(raw: &str, org_id: &str) -> Result<String, String> {
    let value = raw.trim();
    let prefix = "drn:astra:org:";
    let rest = match value.strip_prefix(prefix) {
        Some(after) => {
            let (org, rest) = after.split_once(':').unwrap_or((after, ""));
            if org != ORG_PLACEHOLDER && !org.eq_ignore_ascii_case(org_id) {
                return Err(format!("'{raw}' names another organization ({org})"));
            }
            rest
        }
        None => value,
    };
    check_scope(rest).map_err(|why| format!("'{raw}' is not a resource: {why}"))?;
    Ok(if rest.is_empty() {
        format!("{prefix}{org_id}")
    } else {
        format!("{prefix}{org_id}:{rest}")
    })
}

/// What follows the organization: nothing, `db:<db>|*[:keyspace:<ks>|*[:table:<t>|*]]`,
/// `stream:*` or `role:*`.
fn check_scope(scope: &str) -> Result<(), &'static str> {
    if scope.is_empty() {
        return Ok(());
    }
    let parts: Vec<&str> = scope.split(':').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || p.chars().any(char::is_whitespace))
    {
        return Err("a part is empty or has a space");
    }
    match parts.as_slice() {
        ["stream" | "role", "*"] => Ok(()),
        ["db", _] | ["db", _, "keyspace", _] | ["db", _, "keyspace", _, "table", _] => Ok(()),
        _ => {
            Err("expected db:<db>[:keyspace:<ks>[:table:<t>]] (each may be *), stream:* or role:*")
        }
    }
}

/// A resource as a team file writes it: the organization's id as `__ORG_ID__`, so that the file
/// applies to any organization.
pub fn portable_resource(resource: &str, org_id: &str) -> String {
    let prefix = format!("drn:astra:org:{org_id}");
    match resource.strip_prefix(&prefix) {
        Some(rest) if rest.is_empty() || rest.starts_with(':') => {
            format!("drn:astra:org:{ORG_PLACEHOLDER}{rest}")
        }
        _ => resource.to_owned(),
    }
}

/// Every action the API does not know, at once, each with a "did you mean", unless allowed.
pub fn check_actions(actions: &[String], allow_unknown: bool) -> Result<(), CliError> {
    if allow_unknown {
        return Ok(());
    }
    let problems = unknown_actions(actions);
    if problems.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = problems.iter().map(line).collect();
    let mut err = CliError::new(
        ErrorCode::ValidationIssue,
        format!(
            "Unknown {}: {}; nothing was sent.",
            if problems.len() == 1 {
                "action"
            } else {
                "actions"
            },
            lines.join("; ")
        ),
    )
    .detail("Use 'astra role get ROLE' to see the actions a role has.")
    .fix(
        "If the API knows an action newer than this tool, allow it:",
        Edit::AddFlag("--allow-unknown-actions"),
    );
    err.problems = problems;
    Err(err)
}

/// Every resource expanded for the organization, or one error naming each bad one.
pub fn expanded_resources(raw: &[String], org_id: &str) -> Result<Vec<String>, CliError> {
    let (resources, problems) = expand_resources(raw, org_id);
    if problems.is_empty() {
        return Ok(resources);
    }
    let lines: Vec<String> = problems.iter().map(|p| p.problem.clone()).collect();
    let mut err = CliError::new(
        ErrorCode::ValidationIssue,
        format!("{}; nothing was sent.", lines.join("; ")),
    )
    .detail("A resource is a DRN (drn:astra:org:__ORG_ID__:db:*) or its short form (db:*, db:<db>:keyspace:*, stream:*, role:*).");
    err.problems = problems;
    Err(err)
}

fn line(problem: &Problem) -> String {
    match &problem.suggestion {
        Some(closest) => format!("'{}' (did you mean '{closest}'?)", problem.item),
        None => format!("'{}'", problem.item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";

    #[test]
    fn unknown_actions_are_refused_at_once_with_a_did_you_mean_unless_allowed() {
        let typed = vec![
            "db-cqll".to_owned(),
            "org-read".to_owned(),
            "nope".to_owned(),
        ];
        let err = check_actions(&typed, false).unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        assert!(
            err.headline
                .starts_with("Unknown actions: 'db-cqll' (did you mean 'db-cql'?); 'nope'"),
            "{}",
            err.headline
        );
        assert_eq!(err.problems.len(), 2);
        assert!(check_actions(&typed, true).is_ok());
        assert!(check_actions(&["org-read".to_owned()], false).is_ok());
        let one = check_actions(&["db-cqll".to_owned()], false).unwrap_err();
        assert!(
            one.headline.starts_with("Unknown action: "),
            "{}",
            one.headline
        );
    }

    #[test]
    fn resources_expand_or_every_bad_one_is_named() {
        let raw = vec!["db:*".to_owned(), "role:*".to_owned()];
        assert_eq!(
            expanded_resources(&raw, ORG).unwrap(),
            [
                format!("drn:astra:org:{ORG}:db:*"),
                format!("drn:astra:org:{ORG}:role:*")
            ]
        );
        let bad = vec!["db::x".to_owned(), "db:*".to_owned(), "x y".to_owned()];
        let err = expanded_resources(&bad, ORG).unwrap_err();
        assert_eq!(err.problems.len(), 2);
        assert!(
            err.headline.ends_with("; nothing was sent."),
            "{}",
            err.headline
        );
    }

    #[test]
    fn short_forms_and_the_placeholder_expand_to_the_organization() {
        for (raw, want) in [
            ("db:*", format!("drn:astra:org:{ORG}:db:*")),
            (
                "db:abc:keyspace:*",
                format!("drn:astra:org:{ORG}:db:abc:keyspace:*"),
            ),
            (
                "db:*:keyspace:ks:table:*",
                format!("drn:astra:org:{ORG}:db:*:keyspace:ks:table:*"),
            ),
            ("stream:*", format!("drn:astra:org:{ORG}:stream:*")),
            ("role:*", format!("drn:astra:org:{ORG}:role:*")),
            ("drn:astra:org:__ORG_ID__", format!("drn:astra:org:{ORG}")),
            (
                "drn:astra:org:__ORG_ID__:db:*",
                format!("drn:astra:org:{ORG}:db:*"),
            ),
            (
                &format!("drn:astra:org:{ORG}:db:x"),
                format!("drn:astra:org:{ORG}:db:x"),
            ),
            (" db:* ", format!("drn:astra:org:{ORG}:db:*")),
        ] {
            assert_eq!(
                expand_resource(raw, ORG).as_deref(),
                Ok(want.as_str()),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_list_is_expanded_once_each_and_every_bad_value_named() {
        let raw = [
            "db:*",
            "drn:astra:org:__ORG_ID__:db:*",
            "keyspace:*",
            "role:*",
            "x",
        ]
        .map(str::to_owned);
        let (resources, problems) = expand_resources(&raw, ORG);
        assert_eq!(
            resources,
            [
                format!("drn:astra:org:{ORG}:db:*"),
                format!("drn:astra:org:{ORG}:role:*")
            ]
        );
        let items: Vec<&str> = problems.iter().map(|p| p.item.as_str()).collect();
        assert_eq!(items, ["keyspace:*", "x"]);
        assert!(problems[0]
            .problem
            .starts_with("'keyspace:*' is not a resource"));
        assert_eq!(whole_org(), "drn:astra:org:__ORG_ID__");
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        for raw in [
            "db",
            "db:",
            "db:*:table:*",
            "db:*:keyspace",
            "keyspace:*",
            "stream:x",
            "role",
            "db:a b",
            "drn:astra:org:00000000-0000-0000-0000-000000000000:db:*",
            "drn:astra:org:__ORG_ID__:db:*:keyspace:*:table:*:x",
            "db::keyspace:*",
        ] {
            assert!(expand_resource(raw, ORG).is_err(), "{raw}");
        }
        assert!(expand_resource("db", ORG)
            .unwrap_err()
            .contains("expected db:<db>"));
        assert!(expand_resource("drn:astra:org:other:db:*", ORG)
            .unwrap_err()
            .contains("another organization (other)"));
    }

    #[test]
    fn resources_are_written_portable_and_read_back_the_same() {
        for scope in ["", ":db:*", ":db:x:keyspace:*:table:t"] {
            let resource = format!("drn:astra:org:{ORG}{scope}");
            let portable = portable_resource(&resource, ORG);
            assert_eq!(portable, format!("drn:astra:org:__ORG_ID__{scope}"));
            assert_eq!(expand_resource(&portable, ORG).unwrap(), resource);
        }
        let other = format!("drn:astra:org:{ORG}x:db:*");
        assert_eq!(
            portable_resource(&other, ORG),
            other,
            "only the whole id is replaced"
        );
    }

    #[test]
    fn unknown_actions_are_each_named_with_the_closest_known_one() {
        let actions = ["db-cql", "db-cqll", "org-usr-read", "zzzzzz"].map(str::to_owned);
        let problems = unknown_actions(&actions);
        let named: Vec<(&str, Option<&str>)> = problems
            .iter()
            .map(|p| (p.item.as_str(), p.suggestion.as_deref()))
            .collect();
        assert_eq!(
            named,
            [
                ("db-cqll", Some("db-cql")),
                ("org-usr-read", Some("org-user-read")),
                ("zzzzzz", None)
            ]
        );
        assert!(unknown_actions(&["org-stream-manage".to_owned()]).is_empty());
    }

    #[test]
    fn standard_roles_are_known_by_exact_name() {
        assert!(is_standard("Organization Administrator"));
        assert!(is_standard("Enterprise Billing Administrator"));
        assert!(!is_standard("organization administrator"));
        assert!(!is_standard("Ops"));
    }
}
