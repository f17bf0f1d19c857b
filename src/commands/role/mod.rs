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
    /// List every role of the organization
    #[command(after_help = "Examples:\n# List all roles\n$ astra role list")]
    List,
    /// Show one role, with its policy
    #[command(
        visible_alias = "describe",
        after_help = "Examples:\n# Show a role by name\n$ astra role get 'R/W User'\n# Show a role by id\n$ astra role get b4ed0e9e-67e8-47b6-8b58-c6629be961a9"
    )]
    Get(get::RoleGetArgs),
    /// Create a custom role
    #[command(
        after_help = "Examples:\n# A role that reads every database's data\n$ astra role create 'Data Reader' --action db-cql,db-table-select --resource 'db:*:keyspace:*:table:*'\n# Only if it does not exist yet\n$ astra role create Ops --action org-db-view --if-not-exists"
    )]
    Create(create::RoleCreateArgs),
    /// Change a custom role's name, description, actions or resources
    #[command(
        after_help = "Examples:\n# Allow one more action, showing the change first\n$ astra role update Ops --add-action org-db-create --dry-run\n# Limit it to one database\n$ astra role update Ops --set-resources 'db:3fa85f64-5717-4562-b3fc-2c963f66afa6'"
    )]
    Update(update::RoleUpdateArgs),
    /// Delete custom roles
    #[command(
        after_help = "Examples:\n# Delete a role\n$ astra role delete Ops\n# See how many users hold it first\n$ astra role delete Ops --dry-run"
    )]
    Delete(delete::RoleDeleteArgs),
}

pub async fn run(context: &Context, command: &RoleCommand) -> Result<Outcome, CliError> {
    match command {
        RoleCommand::List => list::run(context).await,
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
