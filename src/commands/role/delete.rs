//! `astra role delete ROLE… [--if-exists] [--dry-run]`: one `GET /organizations/roles` (and the
//! users, for a dry run's "held by"), then one `DELETE /organizations/roles/{id}` per role: a
//! batch when there are several. Standard roles are refused before anything is sent.

use super::refuse_standard;
use crate::api::models::{Role, UserList};
use crate::commands::batch::{self, BatchArgs, Planned};
use crate::commands::Context;
use crate::error::CliError;
use crate::hints::{Edit, Hint};
use crate::lookup::{resolve_role, roles_error, RoleProblem};
use crate::output::views::Deleted;
use crate::output::Action;
use crate::output::{ItemKind, Outcome, Response};
use crate::refs::{parse_role_ref, RoleRef};

/// Delete custom roles
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# Delete a role\n$ astra role delete Ops\n# See how many users hold it first\n$ astra role delete Ops --dry-run"
)]
pub struct RoleDeleteArgs {
    /// Role names/ids to delete (several may be given)
    #[arg(value_name = "ROLE", value_parser = parse_role_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::roles), required = true, num_args = 1..)]
    roles: Vec<RoleRef>,
    /// Do not fail if the role does not exist
    #[arg(long)]
    if_exists: bool,
    #[command(flatten)]
    batch: BatchArgs,
}

pub async fn run(context: &Context, args: &RoleDeleteArgs) -> Result<Outcome, CliError> {
    if let Some(RoleRef::Name(name)) = args
        .roles
        .iter()
        .find(|r| matches!(r, RoleRef::Name(n) if crate::policy::is_standard(n)))
    {
        return Err(refuse_standard(name));
    }
    let client = context.client()?;
    context.ui.step("Loading roles…");
    let (roles, users) = if args.batch.dry_run {
        let (roles, users) = tokio::try_join!(client.list_roles(), client.list_users())?;
        (roles, Some(users))
    } else {
        (client.list_roles().await?, None)
    };
    let found: Vec<Result<&Role, CliError>> = args
        .roles
        .iter()
        .map(|role| resolve_role(&roles, role).map_err(|problem| roles_error(&[problem])))
        .collect();
    batch::refuse_duplicates(
        ItemKind::Role,
        args.roles.iter().zip(&found).map(|(typed, found)| {
            let key = match found {
                Ok(role) => role.id.clone(),
                Err(_) => format!("not found: {}", typed.typed().to_lowercase()),
            };
            (typed.typed(), key)
        }),
    )?;
    if let Some(standard) = found
        .iter()
        .flatten()
        .find(|role| crate::policy::is_standard(role.name()))
    {
        return Err(refuse_standard(standard.name()));
    }
    let items = args
        .roles
        .iter()
        .zip(&found)
        .map(|(typed, found)| match found {
            Ok(role) => Planned::change(typed.typed(), Action::DeleteRole, (typed, *role)),
            Err(err) => Planned::settled(typed.typed(), missing(typed, err, args.if_exists)),
        })
        .collect();
    batch::execute(
        context,
        &args.batch,
        batch::Plan::deletes(ItemKind::Role, items),
        |(_, role)| {
            let users = users.as_ref().map(|users| held_by(users, role));
            Ok(Response::new(
                format!(
                    "Dry run: role '{}' would be deleted ({}); nothing was sent.",
                    role.name(),
                    users.unwrap_or_default()
                ),
                Deleted { was_deleted: false },
            ))
        },
        |(typed, role)| delete_one(context, typed, role, args.if_exists),
        || {},
    )
    .await
}

async fn delete_one(
    context: &Context,
    typed: &RoleRef,
    role: &Role,
    if_exists: bool,
) -> Result<Response, CliError> {
    if !context.client()?.delete_role(&role.id).await? {
        let gone = RoleProblem::NotFound {
            typed: typed.typed().to_owned(),
            closest: None,
        };
        return missing(typed, &roles_error(&[gone]), if_exists);
    }
    Ok(Response::new(
        format!("Role '{}' has been deleted.", role.name()),
        Deleted { was_deleted: true },
    ))
}

/// `held by 3 users` / `held by no user`.
fn held_by(users: &UserList, role: &Role) -> String {
    let count = users
        .users
        .iter()
        .filter(|u| u.roles().iter().any(|r| r.id == role.id))
        .count();
    match count {
        0 => "held by no user".to_owned(),
        1 => "held by 1 user".to_owned(),
        n => format!("held by {n} users"),
    }
}

/// A role that is not there: nothing to do with `--if-exists` (unless the name is ambiguous),
/// else the lookup's own error with the `--if-exists` way out.
fn missing(typed: &RoleRef, err: &CliError, if_exists: bool) -> Result<Response, CliError> {
    if err.code != crate::error::ErrorCode::RoleNotFound {
        return Err(err.clone());
    }
    if if_exists {
        return Ok(Response::new(
            format!(
                "Role '{}' does not exist; nothing to delete.",
                typed.typed()
            ),
            Deleted { was_deleted: false },
        )
        .suggest(Hint::new("See all existing roles:", "astra role list"))
        .unchanged());
    }
    Err(err.clone().fix(
        "Or skip it if it does not exist:",
        Edit::AddFlag("--if-exists"),
    ))
}
