//! `astra access report [--expand]`: one row per principal and role — the file an auditor asks
//! for — or, with `--expand`, one per principal, role, action and resource (SPEC §1.16).

use serde::Serialize;

use super::RoleJson;
use crate::access::{Clock, Directory, Grant, Kind, Principal, RoleEntry};
use crate::commands::Context;
use crate::error::CliError;
use crate::output::columns::{self, one, Cell, Column};
use crate::output::{json, write_csv_items, CsvTable, Format, Outcome, Style, Table, ValueView};

const EXAMPLES: &str = "Examples:\n# The access review, for a spreadsheet\n$ astra access report -o csv > access-review.csv\n# One row per action and resource\n$ astra access report --expand -o csv > access-grants.csv\n# The tokens that hold a custom role\n$ astra access report --jq '.data[] | select(.kind == \"token\") | select(any(.roles[]; .type == \"custom\")) | .principal'";

/// One row per user or token and role (or per action and resource): the access review
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct ReportArgs {
    /// One row per action and resource each role allows (JSON: each principal's grants)
    #[arg(long)]
    expand: bool,
}

pub async fn run(context: &Context, args: &ReportArgs) -> Result<Outcome, CliError> {
    let directory = super::directory(context).await?;
    let clock = Clock::system();
    let local = |raw: &Option<String>| {
        raw.as_deref()
            .map_or_else(String::new, |r| clock.local_time(r))
    };
    let facts = directory
        .principals
        .iter()
        .map(|principal| Facts {
            status: principal.status(&clock),
            generated_on: local(&principal.generated_on),
            expires: local(&principal.expiry),
        })
        .collect();
    Ok(Outcome::value(ReportView {
        directory,
        facts,
        expand: args.expand,
    }))
}

/// What a principal's rows say beyond the directory: its status and its dates in local time.
struct Facts {
    status: String,
    generated_on: String,
    expires: String,
}

struct ReportView {
    directory: Directory,
    facts: Vec<Facts>,
    expand: bool,
}

/// One row: a principal, one of its roles (none when it holds none), and under `--expand` one
/// (action, resource) of that role (none when it allows nothing).
struct Row<'d> {
    principal: &'d Principal,
    facts: &'d Facts,
    role: Option<&'d RoleEntry>,
    grant: Option<&'d (String, String)>,
}

fn report_columns<'d>() -> [Column<Row<'d>>; 11] {
    [
        Column::both("Kind", "kind", |r| one(r.principal.kind.as_str())),
        Column::both("Principal", "principal", |r| one(&r.principal.name)),
        Column::csv("id", |r| one(&r.principal.id)),
        Column::both("Status", "status", |r| one(&r.facts.status)),
        Column::both("Role", "role", |r| role_cell(r, |e| &e.name)),
        Column::csv("role_id", |r| role_cell(r, |e| &e.id)),
        Column::both("Role Type", "role_type", |r| {
            role_cell(r, |e| e.role_type.as_str())
        }),
        Column::csv("generated_on", |r| one(&r.facts.generated_on)),
        Column::csv("expires", |r| one(&r.facts.expires)),
        Column::both("Action", "action", |r| grant_cell(r, |g| &g.0)),
        Column::both("Resource", "resource", |r| grant_cell(r, |g| &g.1)),
    ]
}

/// A role cell, empty on the row of a principal that holds no role.
fn role_cell<'a>(row: &Row<'a>, get: fn(&'a RoleEntry) -> &'a str) -> Cell<'a> {
    one(row.role.map_or("", get))
}

/// An action or resource cell, empty on a row without one.
fn grant_cell<'a>(row: &Row<'a>, get: fn(&'a (String, String)) -> &'a str) -> Cell<'a> {
    one(row.grant.map_or("", get))
}

/// The action and resource columns are there under `--expand` only.
const EXPANDED_ONLY: [&str; 2] = ["action", "resource"];

impl ReportView {
    fn columns<'d>(&self) -> impl Iterator<Item = Column<Row<'d>>> {
        let expand = self.expand;
        report_columns()
            .into_iter()
            .filter(move |c| expand || !c.csv.is_some_and(|name| EXPANDED_ONLY.contains(&name)))
    }

    /// Every row, in order: users by email, then tokens by client id, each role in the order
    /// held.
    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.directory
            .principals
            .iter()
            .zip(&self.facts)
            .flat_map(move |(principal, facts)| {
                let row = move |role, grant| Row {
                    principal,
                    facts,
                    role,
                    grant,
                };
                let roles: Vec<&RoleEntry> = self.directory.roles_of(principal).collect();
                if roles.is_empty() {
                    return vec![row(None, None)];
                }
                roles
                    .into_iter()
                    .flat_map(|role| {
                        if !self.expand || role.grants.is_empty() {
                            vec![row(Some(role), None)]
                        } else {
                            role.grants
                                .iter()
                                .map(|g| row(Some(role), Some(g)))
                                .collect()
                        }
                    })
                    .collect()
            })
    }
}

#[derive(Serialize)]
struct PrincipalJson<'d> {
    kind: Kind,
    principal: &'d str,
    id: &'d str,
    status: &'d str,
    roles: Vec<RoleJson<'d>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grants: Option<Vec<Grant<'d>>>,
}

impl ReportView {
    fn principals_json(&self) -> Vec<PrincipalJson<'_>> {
        self.directory
            .principals
            .iter()
            .zip(&self.facts)
            .map(|(principal, facts)| PrincipalJson {
                kind: principal.kind,
                principal: &principal.name,
                id: &principal.id,
                status: &facts.status,
                roles: self
                    .directory
                    .roles_of(principal)
                    .map(|role| RoleJson::of(role, true))
                    .collect(),
                grants: self.expand.then(|| self.directory.grants(principal)),
            })
            .collect()
    }
}

impl ValueView for ReportView {
    fn json(&self) -> String {
        json::value_envelope(&self.principals_json())
    }

    fn table(&self) -> Table {
        let rows: Vec<Row> = self.rows().collect();
        columns::table(&self.columns().collect::<Vec<_>>(), &rows)
    }

    fn csv(&self) -> CsvTable {
        let rows: Vec<Row> = self.rows().collect();
        columns::csv(&self.columns().collect::<Vec<_>>(), &rows)
    }

    /// CSV and JSON are written as they are made: expanded, the CSV can run to millions of rows.
    fn write(&self, style: Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match style.format {
            Format::Json => return json::write_value_envelope(out, &self.principals_json()),
            Format::Human => {
                return out.write_all(crate::output::whole_value(self, style).as_bytes())
            }
            Format::Csv => {}
        }
        let columns: Vec<Column<Row<'_>>> = self.columns().collect();
        write_csv_items(out, &columns, self.rows())
    }
}
