//! `astra role get ROLE`: by id `GET /roles/{id}`; by name the roles list, resolved as everywhere.

use crate::cli::RoleGetArgs;
use crate::commands::refs::{resolve_role, role_not_found, RoleRef};
use crate::commands::{shapes, Context};
use crate::error::CliError;
use crate::output::Report;

pub async fn run(context: &Context, args: &RoleGetArgs) -> Result<Report, CliError> {
    let role = match &args.role {
        RoleRef::Id { id, .. } => match context.client.get_role(id).await {
            Ok(role) => role,
            Err(err) if err.is_not_found() => {
                return Err(role_not_found(&[], &args.role, &context.invocation))
            }
            Err(err) => return Err(context.api_error(err)),
        },
        RoleRef::Name(_) => {
            let roles = context
                .client
                .list_roles()
                .await
                .map_err(|err| context.api_error(err))?;
            resolve_role(&roles, &args.role, &context.invocation)?.clone()
        }
    };
    Ok(shapes::role_report(&role))
}
