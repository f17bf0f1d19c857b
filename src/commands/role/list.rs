//! `astra role list`: every role, in API order.

use crate::commands::{shapes, Context};
use crate::error::CliError;
use crate::output::Report;

pub async fn run(context: &Context) -> Result<Report, CliError> {
    let roles = context
        .client
        .list_roles()
        .await
        .map_err(|err| context.api_error(err))?;
    Ok(shapes::roles_report(&roles))
}
