//! `astra org get`: one `GET /organizations/users`, read for its `OrgID` and `OrgName` (as the
//! original does).

use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::required_org_id;
use crate::output::views::OrgView;
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let listing = context.client()?.user_listing().await?;
    let list = listing.borrow_dependent();
    Ok(Outcome::value(OrgView {
        id: required_org_id(list.org_id.as_deref())?.to_owned(),
        name: list.org_name.as_deref().unwrap_or_default().to_owned(),
    }))
}
