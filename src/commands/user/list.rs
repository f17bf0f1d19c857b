//! `astra user list`: every user, in API order (one round trip).

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::UsersView;
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let list = context.client()?.list_users().await?;
    Ok(Outcome::value(UsersView { users: list.users }))
}
