//! `astra org name`: the `OrgName` of `GET /organizations/users`, printed bare.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::BareValue;
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let list = context.client()?.list_users().await?;
    Ok(Outcome::value(BareValue {
        value: list.org_name.unwrap_or_default(),
        is_token: false,
    }))
}
