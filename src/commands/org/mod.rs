//! `astra org [get] | id | name`: the organization the token belongs to (SPEC §1.13).

mod get;
mod id;
mod name;

use clap::Subcommand;

use crate::commands::Context;
use crate::error::CliError;
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Show the organization's name and id
    #[command(after_help = "Examples:\n# Show the organization\n$ astra org")]
    Get,
    /// Print the organization's id
    #[command(after_help = "Examples:\n# Print the organization's id\n$ astra org id")]
    Id,
    /// Print the organization's name
    #[command(after_help = "Examples:\n# Print the organization's name\n$ astra org name")]
    Name,
}

/// No subcommand is `org get`, as in the original.
pub async fn run(context: &Context, command: Option<&OrgCommand>) -> Result<Outcome, CliError> {
    match command.unwrap_or(&OrgCommand::Get) {
        OrgCommand::Get => get::run(context).await,
        OrgCommand::Id => id::run(context).await,
        OrgCommand::Name => name::run(context).await,
    }
}
