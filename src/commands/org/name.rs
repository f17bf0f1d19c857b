//! `astra org name`: the `OrgName` of `GET /organizations/users`, printed bare.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::BareValue;
use crate::output::Outcome;

/// Print the organization's name
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n# Print the organization's name\n$ astra org name")]
pub struct OrgNameArgs {}

pub async fn run(context: &Context, _args: &OrgNameArgs) -> Result<Outcome, CliError> {
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
