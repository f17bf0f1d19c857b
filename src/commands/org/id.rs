//! `astra org id`: the id from `GET /currentOrg`, printed bare.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::BareValue;
use crate::output::Outcome;

/// Print the organization's id
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n# Print the organization's id\n$ astra org id")]
pub struct OrgIdArgs {}

pub async fn run(context: &Context, _args: &OrgIdArgs) -> Result<Outcome, CliError> {
    let org = context.client()?.current_org().await?;
    Ok(Outcome::value(BareValue {
        value: org.id,
        is_token: false,
    }))
}
