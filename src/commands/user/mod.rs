//! `astra user …`

mod apply;
mod delete;
mod export;
mod get;
mod invite;
mod list;
mod roles;
mod team_roles;

use clap::Subcommand;

use crate::commands::Context;
use crate::error::CliError;
use crate::hints::Hint;
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List every user of the organization
    #[command(
        after_help = "Examples:\n# List all users\n$ astra user list\n# List all users as JSON\n$ astra user list -o json"
    )]
    List(list::UserListArgs),
    /// Show one user, with role names
    #[command(
        visible_alias = "describe",
        after_help = "Examples:\n# Show a user by email\n$ astra user get john@example.com\n# Show a user by id\n$ astra user get 3476f3bb-10df-4d2f-ac2b-f05c65676724"
    )]
    Get(get::UserGetArgs),
    /// Invite a user to an organization
    #[command(
        after_help = "Examples:\n# Invite a user with the default \"Database Administrator\" role\n$ astra user invite john@example.com\n# Invite a user with specific roles\n$ astra user invite john@example.com --role 'R/W User' --role 'Billing Admin'\n# Invite a user without failing if they already exist\n$ astra user invite john@example.com --if-not-exists"
    )]
    Invite(invite::UserInviteArgs),
    /// Delete an existing user
    #[command(
        after_help = "Examples:\n# Delete a specific user\n$ astra user delete john@example.com\n# Delete a user without failing if they don't exist\n$ astra user delete john@example.com --if-exists"
    )]
    Delete(delete::UserDeleteArgs),
    /// Show a user's roles, or set, add or remove some
    #[command(
        after_help = "Examples:\n# Show the roles of a user\n$ astra user roles john@example.com\n# Give a user one more role\n$ astra user roles john@example.com --add 'Billing Admin'\n# Replace all of a user's roles, showing the change first\n$ astra user roles john@example.com --set 'R/W User' --dry-run"
    )]
    Roles(roles::UserRolesArgs),
    /// Make the organization's users (and custom roles) match a file (CSV, JSON or TOML)
    ///
    /// The format comes from the extension (.csv, .json, .toml) or --format:
    ///
    /// CSV: a header 'email,roles', then one user per row; several roles in a quoted cell,
    /// separated by ';' or ','. JSON: [{"email": …, "roles": [...]}], or {"roles": [...],
    /// "users": [...]} with custom roles. TOML: [[user]] tables with 'email' and 'roles', and
    /// [[role]] tables with 'name', 'description', 'actions' and 'resources'.
    ///
    /// Every row is checked before anything is sent, and every problem is listed with its line.
    #[command(
        after_help = "Examples:\n# Show what would change\n$ astra user apply team.toml --dry-run\n# Apply it, deleting users that are not in the file\n$ astra user apply team.toml --prune\n# Read CSV from standard input\n$ cat team.csv | astra user apply - --format csv"
    )]
    Apply(apply::UserApplyArgs),
    /// Write the organization's users and custom roles as a file that `user apply` reads back
    #[command(
        after_help = "Examples:\n# Keep the organization's users in git\n$ astra user export > team.toml\n# As CSV\n$ astra user export --format csv > team.csv"
    )]
    Export(export::UserExportArgs),
}

pub async fn run(context: &Context, command: &UserCommand) -> Result<Outcome, CliError> {
    match command {
        UserCommand::List(args) => list::run(context, args).await,
        UserCommand::Get(args) => get::run(context, args).await,
        UserCommand::Invite(args) => invite::run(context, args).await,
        UserCommand::Delete(args) => delete::run(context, args).await,
        UserCommand::Roles(args) => roles::run(context, args).await,
        UserCommand::Apply(args) => apply::run(context, args).await,
        UserCommand::Export(args) => export::run(context, args).await,
    }
}

fn see_all_users() -> Hint {
    Hint::new("See all existing users:", "astra user list")
}
