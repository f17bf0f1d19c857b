//! `astra role get ROLE`: by id `GET /roles/{id}`; by name the roles list, resolved as everywhere.

use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::{resolve_roles, roles_error, RoleProblem};
use crate::output::views::RoleView;
use crate::output::Outcome;
use crate::refs::parse_role_ref;
use crate::refs::RoleRef;

/// Show one role, with its policy
#[derive(Debug, clap::Args)]
#[command(
    visible_alias = "describe",
    after_help = "Examples:\n# Show a role by name\n$ astra role get 'R/W User'\n# Show a role by id\n$ astra role get b4ed0e9e-67e8-47b6-8b58-c6629be961a9"
)]
pub struct RoleGetArgs {
    /// Role name/id to describe
    #[arg(value_name = "ROLE", value_parser = parse_role_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    pub role: RoleRef,
}

pub async fn run(context: &Context, args: &RoleGetArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    let role = match &args.role {
        RoleRef::Id { id, typed } => match client.get_role(id).await {
            Ok(role) => role,
            Err(err) if err.is_not_found() => {
                return Err(roles_error(&[RoleProblem::NotFound {
                    typed: typed.clone(),
                    closest: None,
                }]))
            }
            Err(err) => return Err(err.into()),
        },
        RoleRef::Name(_) => {
            let roles = client.list_roles().await?;
            let found = resolve_roles(&roles, std::slice::from_ref(&args.role))?;
            found.into_iter().next().cloned().ok_or_else(|| {
                roles_error(&[RoleProblem::NotFound {
                    typed: args.role.typed().to_owned(),
                    closest: None,
                }])
            })?
        }
    };
    Ok(Outcome::value(RoleView { role }))
}
