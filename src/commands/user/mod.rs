//! `astra user …`

mod apply;
mod delete;
mod export;
mod get;
mod invite;
pub mod list;
mod roles;
mod team_roles;

use clap::Subcommand;

use crate::commands::Context;
use crate::error::CliError;
use crate::hints::Hint;
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    List(list::UserListArgs),
    Get(get::UserGetArgs),
    Invite(invite::UserInviteArgs),
    Delete(delete::UserDeleteArgs),
    Roles(roles::UserRolesArgs),
    Apply(apply::UserApplyArgs),
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
