//! `astra org id`: the id from `GET /currentOrg`, printed bare.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::BareValue;
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let org = context.client()?.current_org().await?;
    Ok(Outcome::value(BareValue {
        value: org.id,
        is_token: false,
    }))
}
