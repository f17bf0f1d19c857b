//! `astra org get`: one `GET /organizations/users`, read for its `OrgID` and `OrgName` (as the
//! original does).

use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::org_id;
use crate::output::views::OrgView;
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let list = context.client()?.list_users().await?;
    Ok(Outcome::value(OrgView {
        id: org_id(&list)?.to_owned(),
        name: list.org_name.clone().unwrap_or_default(),
    }))
}
