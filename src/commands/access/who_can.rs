//! `astra access who-can ACTION [--resource R]`: every user and token holding ACTION (on a
//! resource covering R), with the roles that give it and the resources they carry it on (SPEC
//! §1.16).

use serde::Serialize;

use crate::access::{Clock, Directory, Kind, WhoCan};
use crate::commands::Context;
use crate::error::CliError;
use crate::output::columns::{self, many, one, Column};
use crate::output::{json, CsvTable, Format, Outcome, Style, Table, ValueView};
use crate::policy;

const EXAMPLES: &str = "Examples:\n# Who can delete databases?\n$ astra access who-can org-db-terminate\n# Who can read the tables of one database?\n$ astra access who-can db-table-select --resource 'db:3fa85f64-5717-4562-b3fc-2c963f66afa6:keyspace:*:table:*'\n# Only the emails, for a script\n$ astra access who-can org-user-write --jq '.data[] | select(.kind == \"user\") | .principal'";

/// List every user and token that holds an action, on a resource when given
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
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
    let found = directory.who_can(&action, resource.as_deref());
    let clock = Clock::system();
    let statuses = found
        .holders
        .iter()
        .map(|(principal, _)| directory.principals[*principal].status(&clock))
        .collect();
    Ok(Outcome::value(WhoCanView {
        directory,
        found,
        statuses,
    }))
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

/// One holder as every format shows it.
#[derive(Serialize)]
struct HolderRow<'d> {
    kind: Kind,
    principal: &'d str,
    id: &'d str,
    status: &'d str,
    roles: Vec<&'d str>,
    resources: Vec<&'d str>,
}

fn holder_columns<'d>() -> [Column<HolderRow<'d>>; 5] {
    [
        Column::both("Kind", "kind", |h| one(h.kind.as_str())),
        Column::both("Principal", "principal", |h| one(h.principal)),
        Column::both("Status", "status", |h| one(h.status)),
        Column::both("Via Roles", "roles", |h| many(h.roles.iter().copied())),
        Column::both("Resources", "resources", |h| {
            many(h.resources.iter().copied())
        }),
    ]
}

struct WhoCanView {
    directory: Directory,
    found: WhoCan,
    /// Each holder's status, in the order of `found.holders`.
    statuses: Vec<String>,
}

impl WhoCanView {
    fn rows(&self) -> Vec<HolderRow<'_>> {
        self.found
            .holders
            .iter()
            .zip(&self.statuses)
            .map(|((principal, roles), status)| {
                let principal = &self.directory.principals[*principal];
                HolderRow {
                    kind: principal.kind,
                    principal: &principal.name,
                    id: &principal.id,
                    status,
                    roles: roles
                        .iter()
                        .map(|&r| self.directory.roles[r].name.as_str())
                        .collect(),
                    resources: self.found.resources(&self.directory, roles),
                }
            })
            .collect()
    }
}

impl ValueView for WhoCanView {
    fn json(&self) -> String {
        json::value_envelope(&self.rows())
    }

    fn table(&self) -> Table {
        columns::table(&holder_columns(), &self.rows())
    }

    fn csv(&self) -> CsvTable {
        columns::csv(&holder_columns(), &self.rows())
    }

    /// JSON is written as it is serialized (50,000 holders need no whole copy).
    fn write(&self, style: Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match style.format {
            Format::Json => json::write_value_envelope(out, &self.rows()),
            _ => out.write_all(crate::output::whole_value(self, style).as_bytes()),
        }
    }
}
