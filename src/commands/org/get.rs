//! `astra org get`: one `GET /organizations/users`, read for its `OrgID` and `OrgName` (as the
//! original does).

use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::required_org_id;
use crate::output::columns::{self, one, Column};
use crate::output::Outcome;
use crate::output::{json, CsvTable, Table, ValueView};
use serde::Serialize;

/// Show the organization's name and id
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n# Show the organization\n$ astra org")]
pub struct OrgGetArgs {}

pub async fn run(context: &Context, _args: &OrgGetArgs) -> Result<Outcome, CliError> {
    let listing = context.client()?.user_listing().await?;
    let list = listing.borrow_dependent();
    Ok(Outcome::value(OrgView {
        id: required_org_id(list.org_id.as_deref())?.to_owned(),
        name: list.org_name.as_deref().unwrap_or_default().to_owned(),
    }))
}

/// `org get`: the organization's name and id.
#[derive(Serialize)]
pub struct OrgView {
    pub id: String,
    pub name: String,
}

impl ValueView for OrgView {
    fn json(&self) -> String {
        json::value_envelope(self)
    }

    fn table(&self) -> Table {
        columns::attributes(ORG_FIELDS, self)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(ORG_FIELDS, self)
    }
}

const ORG_FIELDS: &[Column<OrgView>] = &[
    Column::human("Name", |o| one(&o.name)),
    Column::human("Id", |o| one(&o.id)),
];
