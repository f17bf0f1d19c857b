//! `astra role …`

mod create;
mod delete;
mod get;
mod list;
mod update;

use clap::Subcommand;

use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    List(list::RoleListArgs),
    Get(get::RoleGetArgs),
    Create(create::RoleCreateArgs),
    Update(update::RoleUpdateArgs),
    Delete(delete::RoleDeleteArgs),
}

pub async fn run(context: &Context, command: &RoleCommand) -> Result<Outcome, CliError> {
    match command {
        RoleCommand::List(args) => list::run(context, args).await,
        RoleCommand::Get(args) => get::run(context, args).await,
        RoleCommand::Create(args) => create::run(context, args).await,
        RoleCommand::Update(args) => update::run(context, args).await,
        RoleCommand::Delete(args) => delete::run(context, args).await,
    }
}

/// A standard role cannot be changed or deleted (SPEC §1.14).
fn refuse_standard(name: &str) -> CliError {
    CliError::new(
        ErrorCode::ValidationIssue,
        format!(
            "'{name}' is a standard role, which cannot be changed or deleted; nothing was sent."
        ),
    )
    .detail("Create a custom role instead: astra role create NAME --action ACTION.")
}
