//! `astra user list [--status S] [--role ROLE] [--email GLOB]`: every user in API order, filtered
//! client-side (one round trip; two with `--role NAME`, users ∥ roles).

use crate::api::models::ListedUser;
use crate::api::ApiError;
use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::resolve_roles;
use crate::output::views::UsersView;
use crate::output::Outcome;
use crate::refs::parse_role_ref;
use crate::refs::RoleRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFilter {
    Active,
    Invited,
}

/// List every user of the organization
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# List all users\n$ astra user list\n# List all users as JSON\n$ astra user list -o json"
)]
pub struct UserListArgs {
    /// Only users with this status
    #[arg(long, value_enum, ignore_case = true)]
    pub status: Option<StatusFilter>,
    /// Only users holding this role (name or id)
    #[arg(long, value_name = "ROLE", value_parser = parse_role_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    pub role: Option<RoleRef>,
    /// Only users whose email matches GLOB (case-insensitive, * is a wildcard)
    #[arg(long, value_name = "GLOB")]
    pub email: Option<String>,
}

pub async fn run(context: &Context, args: &UserListArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    context.ui.step("Loading users…");
    let (mut listing, role_id) = match &args.role {
        None => (client.user_listing().await?, None),
        Some(RoleRef::Id { id, .. }) => (client.user_listing().await?, Some(id.clone())),
        Some(role) => {
            let (listing, roles) = tokio::try_join!(client.user_listing(), client.list_roles())?;
            let found = resolve_roles(&roles, std::slice::from_ref(role))?;
            (listing, found.first().map(|r| r.id.clone()))
        }
    };
    let email = args.email.as_deref().map(str::to_lowercase);
    // With --role every user's roles are read, once: the first one the API described wrongly
    // is BAD_RESPONSE, whatever the other filters keep.
    let mut unreadable = None;
    listing.with_dependent_mut(|_, listing| {
        listing.users.retain(|user| {
            role_id
                .as_deref()
                .is_none_or(|id| holds(user, id, &mut unreadable))
                && args.status.is_none_or(|status| has_status(user, status))
                && email
                    .as_deref()
                    .is_none_or(|glob| glob_match(glob, &user.email().to_lowercase()))
        });
    });
    match unreadable {
        Some(err) => Err(ApiError::listing(&err).into()),
        None => Ok(Outcome::value(UsersView { listing })),
    }
}

/// Whether the user holds the role with this id; roles that do not parse are kept in
/// `unreadable` (the first of them) and hold nothing.
fn holds(user: &ListedUser, id: &str, unreadable: &mut Option<serde_json::Error>) -> bool {
    match user.roles() {
        Ok(roles) => roles.iter().any(|role| role.id.eq_ignore_ascii_case(id)),
        Err(err) => {
            unreadable.get_or_insert(err);
            false
        }
    }
}

fn has_status(user: &ListedUser, status: StatusFilter) -> bool {
    matches!(
        (user.status.as_deref(), status),
        (Some("active"), StatusFilter::Active) | (Some("invited"), StatusFilter::Invited)
    )
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(glob: &str, text: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return glob == text;
    };
    if !text.starts_with(first) {
        return false;
    }
    let mut rest = &text[first.len()..];
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs_match_with_stars_anywhere() {
        assert!(glob_match("*@example.com", "a@example.com"));
        assert!(glob_match("a*", "a@x.io"));
        assert!(glob_match("*x*", "a@x.io"));
        assert!(glob_match("a@x.io", "a@x.io"));
        assert!(!glob_match("a@x.io", "a@x.iox"));
        assert!(!glob_match("*@example.com", "a@example.org"));
        assert!(glob_match("a*a", "aa"));
        assert!(!glob_match("ab*ba", "aba"));
        assert!(glob_match("*", ""));
    }
}
