//! `astra role …`

mod get;
mod list;

use clap::Subcommand;

use crate::commands::Context;
use crate::error::CliError;
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// List every role of the organization
    #[command(after_help = "Examples:\n# List all roles\n$ astra role list")]
    List,
    /// Show one role, with its policy
    #[command(
        visible_alias = "describe",
        after_help = "Examples:\n# Show a role by name\n$ astra role get 'R/W User'\n# Show a role by id\n$ astra role get b4ed0e9e-67e8-47b6-8b58-c6629be961a9"
    )]
    Get(get::RoleGetArgs),
}

pub async fn run(context: &Context, command: &RoleCommand) -> Result<Outcome, CliError> {
    match command {
        RoleCommand::List => list::run(context).await,
        RoleCommand::Get(args) => get::run(context, args).await,
    }
}
