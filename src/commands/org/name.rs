//! `astra org name`: the `OrgName` of `GET /organizations/users`, printed bare.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::BareValue;
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let listing = context.client()?.user_listing().await?;
    Ok(Outcome::value(BareValue {
        value: listing
            .borrow_dependent()
            .org_name
            .as_deref()
            .unwrap_or_default()
            .to_owned(),
        is_token: false,
    }))
}
