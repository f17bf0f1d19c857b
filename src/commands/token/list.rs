//! `astra token list`: `GET /clientIdSecrets` ∥ `GET /organizations/roles` (for role names),
//! newest first.

use std::collections::HashMap;

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::{TokenRow, TokensView};
use crate::output::Outcome;

pub async fn run(context: &Context) -> Result<Outcome, CliError> {
    let client = context.client()?;
    context.ui.step("Loading tokens…");
    let (list, roles) = tokio::try_join!(client.list_tokens(), client.list_roles())?;
    let names: HashMap<&str, &str> = roles.iter().map(|r| (r.id.as_str(), r.name())).collect();
    let zone = jiff::tz::TimeZone::system();
    let mut rows: Vec<(Option<jiff::Timestamp>, TokenRow)> = list
        .clients
        .into_iter()
        .map(|token| {
            let generated_on = token.generated_on.unwrap_or_default();
            let instant = generated_on.parse::<jiff::Timestamp>().ok();
            let role_names = token
                .roles
                .iter()
                // A role the organization no longer has shows its id as its name.
                .map(|id| names.get(id.as_str()).map_or(id.as_str(), |n| n).to_owned())
                .collect();
            let row = TokenRow {
                local_time: instant.map_or_else(
                    || generated_on.clone(),
                    |at| {
                        at.to_zoned(zone.clone())
                            .strftime("%Y-%m-%d %H:%M:%S")
                            .to_string()
                    },
                ),
                generated_on,
                client_id: token.client_id,
                role_names,
                role_ids: token.roles,
                description: token.description.unwrap_or_default(),
                token_expiry: token.token_expiry,
            };
            (instant, row)
        })
        .collect();
    // Newest first; a date the API sent unreadable goes last, in the order it came.
    rows.sort_by(|(a, _), (b, _)| b.cmp(a));
    Ok(Outcome::value(TokensView {
        tokens: rows.into_iter().map(|(_, row)| row).collect(),
    }))
}
