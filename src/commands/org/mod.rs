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
    Get(get::OrgGetArgs),
    Id(id::OrgIdArgs),
    Name(name::OrgNameArgs),
}

/// No subcommand is `org get`, as in the original.
pub async fn run(context: &Context, command: Option<&OrgCommand>) -> Result<Outcome, CliError> {
    match command {
        None => get::run(context, &get::OrgGetArgs {}).await,
        Some(OrgCommand::Get(args)) => get::run(context, args).await,
        Some(OrgCommand::Id(args)) => id::run(context, args).await,
        Some(OrgCommand::Name(args)) => name::run(context, args).await,
    }
}
