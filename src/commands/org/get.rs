//! `astra org get`: one `GET /organizations/users`, read for its `OrgID` and `OrgName` (as the
//! original does).

use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::required_org_id;
use crate::output::columns::{one, Column};
use crate::output::json;
use crate::output::views::Vertical;
use crate::output::Outcome;
use serde::Serialize;

/// Show the organization's name and id
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n# Show the organization\n$ astra org")]
pub struct OrgGetArgs {}

pub async fn run(context: &Context, _args: &OrgGetArgs) -> Result<Outcome, CliError> {
    let listing = context.client()?.user_listing().await?;
    let list = listing.borrow_dependent();
    let org = Org {
        id: required_org_id(list.org_id.as_deref())?.to_owned(),
        name: list.org_name.as_deref().unwrap_or_default().to_owned(),
    };
    Ok(Outcome::value(Vertical::new(
        org,
        ORG_FIELDS,
        json::value_envelope::<Org>,
    )))
}

/// `org get`: the organization's name and id.
#[derive(Serialize)]
struct Org {
    id: String,
    name: String,
}

const ORG_FIELDS: &[Column<Org>] = &[
    Column::human("Name", |o| one(&o.name)),
    Column::human("Id", |o| one(&o.id)),
];
