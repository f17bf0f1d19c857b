//! `astra user invite USER [-r ROLES]… [--if-not-exists]`: the users list and the roles are read
//! concurrently, every role is resolved, then one `PUT /organizations/users` (two round trips).

use serde_json::json;

use crate::api::models::{Invitation, Role, UserList};
use crate::cli::UserInviteArgs;
use crate::commands::refs::{resolve_roles, RoleRef, UserRef};
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::{Hint, Report};

use super::see_all_users;

pub const DEFAULT_ROLE: &str = "Database Administrator";

pub async fn run(context: &Context, args: &UserInviteArgs) -> Result<Report, CliError> {
    let client = &context.client;
    let (list, roles) = tokio::try_join!(client.list_users(), client.list_roles())
        .map_err(|err| context.api_error(err))?;
    let requested = requested_roles(args);
    let user = args.users.first().expect("clap requires one USER");
    invite_one(context, &list, &roles, user, &requested, args.if_not_exists).await
}

/// The roles to assign, and whether they are the default (no `-r` given).
struct RequestedRoles {
    refs: Vec<RoleRef>,
    defaulted: bool,
}

/// The roles given with `-r`, or the default role.
fn requested_roles(args: &UserInviteArgs) -> RequestedRoles {
    let refs: Vec<RoleRef> = args.roles.iter().flatten().cloned().collect();
    if !refs.is_empty() {
        return RequestedRoles {
            refs,
            defaulted: false,
        };
    }
    RequestedRoles {
        refs: vec![RoleRef::Name(DEFAULT_ROLE.to_owned())],
        defaulted: true,
    }
}

async fn invite_one(
    context: &Context,
    list: &UserList,
    roles: &[Role],
    user: &UserRef,
    requested: &RequestedRoles,
    if_not_exists: bool,
) -> Result<Report, CliError> {
    let typed = user.typed();
    if user.find_in(&list.users).is_some() {
        if if_not_exists {
            return Ok(Report::Response {
                message: format!("User '{typed}' already exists; nothing to invite."),
                data: json!({"wasInvited": false, "roleIds": null}),
                hints: vec![see_all_users()],
                fields: vec![("was_invited", "false".into()), ("role_ids", String::new())],
            });
        }
        return Err(CliError::new(ErrorCode::UserAlreadyInvited, format!("User '{typed}' already exists in this organization."))
            .detail("This may be expected, but to avoid this error, pass the '--if-not-exists' flag to skip this error if the user already exists.")
            .hint("Example fix:", context.invocation.with_flag("--if-not-exists"))
            .with_hint(see_all_users()));
    }
    let UserRef::Email(email) = user else {
        return Err(CliError::new(
            ErrorCode::UserNotFound,
            format!("User '{typed}' not found."),
        )
        .detail("A user id can only name an existing user; invite a new user by email address.")
        .detail("Use 'astra user list' to see all available users."));
    };
    if requested.defaulted {
        context.notice(format!("No role given: inviting with the default role '{DEFAULT_ROLE}' (pass -r ROLE to choose)."));
    }
    let resolved = resolve_roles(roles, &requested.refs, &context.invocation).map_err(|err| {
        if requested.defaulted {
            // When the default role itself is missing, the way out is to name roles with -r.
            let mut err = err;
            err.hints = vec![Hint::new(
                "Pass the roles to assign with -r:",
                context.invocation.with_flag("-r ROLE"),
            )];
            return err;
        }
        err
    })?;
    let org_id = list.org_id.as_deref().ok_or_else(|| {
        CliError::new(
            ErrorCode::BadResponse,
            "Unexpected reply from the Astra DevOps API: the users list has no OrgID.",
        )
    })?;
    let invitation = Invitation {
        email,
        org_id,
        roles: resolved.iter().map(|role| role.id.as_str()).collect(),
    };
    context
        .client
        .invite(&invitation)
        .await
        .map_err(|err| context.api_error(err))?;

    let names: Vec<String> = resolved
        .iter()
        .map(|role| format!("'{}'", role.name()))
        .collect();
    let noun = if names.len() == 1 { "role" } else { "roles" };
    let ids: Vec<&str> = resolved.iter().map(|role| role.id.as_str()).collect();
    Ok(Report::Response {
        message: format!(
            "User '{typed}' has been invited with {noun} {}.",
            names.join(", ")
        ),
        data: json!({"wasInvited": true, "roleIds": ids}),
        hints: Vec::new(),
        fields: vec![("was_invited", "true".into()), ("role_ids", ids.join(","))],
    })
}
