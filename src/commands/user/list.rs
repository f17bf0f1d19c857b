//! `astra user list`: every user, in API order (one round trip).

use crate::commands::{shapes, Context};
use crate::error::CliError;
use crate::output::Report;

pub async fn run(context: &Context) -> Result<Report, CliError> {
    let list = context
        .client
        .list_users()
        .await
        .map_err(|err| context.api_error(err))?;
    Ok(shapes::users_report(&list.users))
}
