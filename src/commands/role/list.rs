//! `astra role list`: every role, in API order.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::RolesView;
use crate::output::Outcome;

/// List every role of the organization
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n# List all roles\n$ astra role list")]
pub struct RoleListArgs {}

pub async fn run(context: &Context, _args: &RoleListArgs) -> Result<Outcome, CliError> {
    let roles = context.client()?.list_roles().await?;
    Ok(Outcome::value(RolesView { roles }))
}
