//! `astra access show | who-can | report | check`: who can do what (SPEC §1.16). Every command
//! reads users ∥ roles ∥ tokens in one round trip and sends nothing else.

mod check;
mod report;
mod show;
mod who_can;

use clap::Subcommand;

use crate::access::Directory;
use crate::commands::Context;
use crate::error::CliError;
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    Show(show::ShowArgs),
    WhoCan(who_can::WhoCanArgs),
    Report(report::ReportArgs),
    Check(check::CheckArgs),
}

pub async fn run(context: &Context, command: &AccessCommand) -> Result<Outcome, CliError> {
    match command {
        AccessCommand::Show(args) => show::run(context, args).await,
        AccessCommand::WhoCan(args) => who_can::run(context, args).await,
        AccessCommand::Report(args) => report::run(context, args).await,
        AccessCommand::Check(args) => check::run(context, args).await,
    }
}

/// A role a principal holds, as `show` (`{"id", "name"}`) and `report` (with `"type"`) write it.
#[derive(serde::Serialize)]
struct RoleJson<'d> {
    id: &'d str,
    name: &'d str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    role_type: Option<crate::access::RoleType>,
}

impl<'d> RoleJson<'d> {
    fn of(role: &'d crate::access::RoleEntry, typed: bool) -> Self {
        Self {
            id: &role.id,
            name: &role.name,
            role_type: typed.then_some(role.role_type),
        }
    }
}

/// Users ∥ roles ∥ tokens, in one round trip, as a [`Directory`].
async fn directory(context: &Context) -> Result<Directory, CliError> {
    let client = context.client()?;
    context.ui.step("Loading users, roles and tokens…");
    let (users, roles, tokens) = tokio::try_join!(
        client.user_listing(),
        client.list_roles(),
        client.list_tokens()
    )?;
    Directory::from_listing(users.borrow_dependent(), roles, tokens.clients)
        .map_err(|err| crate::api::ApiError::listing(&err).into())
}
