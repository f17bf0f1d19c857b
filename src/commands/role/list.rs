//! `astra role list`: every role, in API order.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::RolesView;
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let roles = context.client()?.list_roles().await?;
    context.remember_roles(&roles);
    Ok(Outcome::value(RolesView { roles }))
}
