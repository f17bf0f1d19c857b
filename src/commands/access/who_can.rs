//! `astra access who-can ACTION [--resource R]`: every user and token holding ACTION (on a
//! resource covering R), with the roles that give it and the resources they carry it on (SPEC
//! §1.16).

use serde::Serialize;

use crate::access::{Clock, Kind};
use crate::commands::Context;
use crate::error::CliError;
use crate::output::columns::{self, one, Column};
use crate::output::{json, CsvTable, Outcome, Table, ValueView};
use crate::policy;

pub const EXAMPLES: &str = "Examples:\n# Who can delete databases?\n$ astra access who-can org-db-terminate\n# Who can read the tables of one database?\n$ astra access who-can db-table-select --resource 'db:3fa85f64-5717-4562-b3fc-2c963f66afa6:keyspace:*:table:*'\n# Only the emails, for a script\n$ astra access who-can org-user-write --jq '.data[] | select(.kind == \"user\") | .principal'";

#[derive(Debug, clap::Args)]
pub struct WhoCanArgs {
    /// The action, as in role policies (org-db-terminate, db-cql, …)
    #[arg(value_name = "ACTION")]
    action: String,
    /// Only where it covers this resource: a DRN or its short form (db:<id>, db:*:keyspace:*)
    #[arg(long, value_name = "RESOURCE")]
    resource: Option<String>,
    /// Accept an action this tool does not know
    #[arg(long)]
    allow_unknown_actions: bool,
}

pub async fn run(context: &Context, args: &WhoCanArgs) -> Result<Outcome, CliError> {
    let action = args.action.trim().to_owned();
    policy::check_actions(std::slice::from_ref(&action), args.allow_unknown_actions)?;
    if let Some(raw) = &args.resource {
        // The resource's shape is checked before any request; its organization, after.
        policy::expanded_resources(std::slice::from_ref(raw), org_written_in(raw))?;
    }
    let directory = super::directory(context).await?;
    let resource = match &args.resource {
        Some(raw) => Some(
            policy::expanded_resources(std::slice::from_ref(raw), &directory.org_id)?.remove(0),
        ),
        None => None,
    };
    let clock = Clock::system();
    let holders = directory
        .who_can(&action, resource.as_deref())
        .into_iter()
        .map(|holder| HolderRow {
            kind: holder.principal.kind,
            principal: holder.principal.name.clone(),
            id: holder.principal.id.clone(),
            status: holder.principal.status(&clock),
            roles: holder.roles.iter().map(|r| r.to_string()).collect(),
            resources: holder.resources.iter().map(|r| r.to_string()).collect(),
        })
        .collect();
    Ok(Outcome::value(WhoCanView { holders }))
}

/// The organization a DRN names (so that only its shape is checked before the organization's
/// id is known), or the placeholder for a short form.
fn org_written_in(raw: &str) -> &str {
    raw.trim()
        .strip_prefix("drn:astra:org:")
        .map_or(policy::ORG_PLACEHOLDER, |rest| {
            rest.split(':').next().unwrap_or_default()
        })
}

#[derive(Serialize)]
struct HolderRow {
    kind: Kind,
    principal: String,
    id: String,
    status: String,
    roles: Vec<String>,
    resources: Vec<String>,
}

const HOLDER_COLUMNS: &[Column<HolderRow>] = &[
    Column::both("Kind", "kind", |h| one(h.kind.as_str())),
    Column::both("Principal", "principal", |h| one(&h.principal)),
    Column::both("Status", "status", |h| one(&h.status)),
    Column::both("Via Roles", "roles", |h| h.roles.clone()),
    Column::both("Resources", "resources", |h| h.resources.clone()),
];

struct WhoCanView {
    holders: Vec<HolderRow>,
}

impl ValueView for WhoCanView {
    fn json(&self) -> String {
        json::value_envelope(&self.holders)
    }

    fn table(&self) -> Table {
        columns::table(HOLDER_COLUMNS, &self.holders)
    }

    fn csv(&self) -> CsvTable {
        columns::csv(HOLDER_COLUMNS, &self.holders)
    }
}
