//! `astra access show PRINCIPAL`: a user's or a token's roles and its effective grants, each
//! action with the resources it covers and the roles that give it (SPEC §1.16).

use serde::Serialize;

use super::RoleJson;
use crate::access::{Clock, Directory, Grant, Kind, Principal};
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::columns::{self, many, one, Column};
use crate::output::{json, table_text, CsvTable, Format, Outcome, Style, Table, ValueView};
use crate::refs::{parse_user_ref, UserRef};

const EXAMPLES: &str = "Examples:\n# What can this user do?\n$ astra access show jane@example.com\n# What can a leaked token do? (its client id)\n$ astra access show BOjPpMRcaWergiKIyHXEAymP\n# Every (action, resource, role) for a spreadsheet\n$ astra access show jane@example.com -o csv";

/// Show a user's or a token's roles and everything they allow
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct ShowArgs {
    /// A user's email or id, or a token's client id
    #[arg(value_name = "PRINCIPAL", add = clap_complete::ArgValueCompleter::new(crate::completion::emails))]
    principal: String,
}

pub async fn run(context: &Context, args: &ShowArgs) -> Result<Outcome, CliError> {
    let directory = super::directory(context).await?;
    let index = directory
        .find(&args.principal)
        .ok_or_else(|| not_found(&args.principal))?;
    let status = directory.principals[index].status(&Clock::system());
    Ok(Outcome::value(ShowView {
        directory,
        index,
        status,
    }))
}

/// A user's email or id that no user has is `USER_NOT_FOUND`; anything else is read as a
/// token's client id (`TOKEN_NOT_FOUND`).
fn not_found(typed: &str) -> CliError {
    match parse_user_ref(typed) {
        Ok(user @ UserRef::Id { .. }) => crate::lookup::user_not_found(&user),
        Ok(user) if typed.contains('@') => crate::lookup::user_not_found(&user),
        _ => CliError::new(
            ErrorCode::ClientIdNotFound,
            format!("Token '{}' not found.", typed.trim()),
        )
        .detail("PRINCIPAL is a user's email or id, or a token's client id.")
        .hint("See all users and tokens:", "astra access report"),
    }
}

struct ShowView {
    directory: Directory,
    index: usize,
    status: String,
}

impl ShowView {
    fn principal(&self) -> &Principal {
        &self.directory.principals[self.index]
    }

    /// `User 'a@b.c' (active)` or `Token <client id> ('<description>')`.
    fn title(&self) -> String {
        let principal = self.principal();
        match principal.kind {
            Kind::User => format!("User '{}' ({})", principal.name, self.status),
            Kind::Token => format!(
                "Token {} ('{}')",
                principal.name,
                principal.description.as_deref().unwrap_or_default()
            ),
        }
    }

    /// Every (action, resource, role) once, sorted: the CSV's rows.
    fn triples(&self) -> Vec<[&str; 3]> {
        let mut rows: Vec<[&str; 3]> = self
            .directory
            .roles_of(self.principal())
            .flat_map(|role| {
                role.grants
                    .iter()
                    .map(move |(action, resource)| [action.as_str(), resource, &role.name])
            })
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

fn grant_columns<'d>() -> [Column<Grant<'d>>; 3] {
    [
        Column::human("Action", |g| one(g.action)),
        Column::human("Resources", |g| many(g.resources.iter().copied())),
        Column::human("Via Roles", |g| many(g.roles.iter().copied())),
    ]
}

fn triple_columns<'d>() -> [Column<[&'d str; 3]>; 3] {
    [
        Column::csv("action", |t| one(t[0])),
        Column::csv("resource", |t| one(t[1])),
        Column::csv("role", |t| one(t[2])),
    ]
}

#[derive(Serialize)]
struct ShowJson<'a> {
    kind: Kind,
    principal: &'a str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<Option<&'a str>>,
    roles: Vec<RoleJson<'a>>,
    grants: Vec<Grant<'a>>,
}

impl ValueView for ShowView {
    fn json(&self) -> String {
        let principal = self.principal();
        let is_user = principal.kind == Kind::User;
        json::value_envelope(&ShowJson {
            kind: principal.kind,
            principal: &principal.name,
            id: &principal.id,
            status: is_user.then_some(self.status.as_str()),
            expires: (!is_user).then_some(principal.expiry.as_deref()),
            roles: self
                .directory
                .roles_of(principal)
                .map(|role| RoleJson::of(role, false))
                .collect(),
            grants: self.directory.grants(principal),
        })
    }

    fn table(&self) -> Table {
        columns::table(&grant_columns(), &self.directory.grants(self.principal()))
    }

    fn csv(&self) -> CsvTable {
        columns::csv(&triple_columns(), &self.triples())
    }

    fn write(&self, style: Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if style.format != Format::Human {
            return out.write_all(crate::output::whole_value(self, style).as_bytes());
        }
        let title = self.title();
        let title = crate::text::escape_control(&title);
        write!(out, "{title}\n{}", table_text(&self.table(), style.width))
    }
}
