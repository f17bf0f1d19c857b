//! `astra token list [--expiring-within D] [--expired] [--no-expiry] [--older-than D] [--role R]`:
//! `GET /clientIdSecrets` ∥ `GET /organizations/roles` (for role names), newest first; the
//! filters combine with AND and keep every format's shape (SPEC §1.12).

use std::collections::HashMap;
use std::time::Duration;

use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::resolve_roles;
use crate::output::columns::{self, many, one, Column};
use crate::output::Outcome;
use crate::output::{json, CsvTable, Table, ValueView};
use crate::refs::{parse_role_ref, RoleRef};
use serde::Serialize;

/// List the organization's application tokens, newest first
#[derive(Debug, Default, clap::Args)]
#[command(
    after_help = "Examples:\n# List the tokens\n$ astra token list\n# The tokens that expire this month, and those that never expire\n$ astra token list --expiring-within 30d\n$ astra token list --no-expiry\n# Tokens older than a year that can administer the organization\n$ astra token list --older-than 52w --role 'Organization Administrator'"
)]
pub struct TokenListArgs {
    /// Only tokens that expire between now and DURATION from now (90d, 12h, 30m, 2w)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    expiring_within: Option<Duration>,
    /// Only tokens whose expiry has passed
    #[arg(long)]
    expired: bool,
    /// Only tokens that never expire
    #[arg(long)]
    no_expiry: bool,
    /// Only tokens generated more than DURATION ago (90d, 12h, 30m, 2w)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    older_than: Option<Duration>,
    /// Only tokens holding this role (name or id)
    #[arg(long, value_name = "ROLE", value_parser = parse_role_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    role: Option<RoleRef>,
}

pub async fn run(context: &Context, args: &TokenListArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    context.ui.step("Loading tokens…");
    let (list, roles) = tokio::try_join!(client.list_tokens(), client.list_roles())?;
    let role_id = match &args.role {
        Some(role) => Some(
            resolve_roles(&roles, std::slice::from_ref(role))?[0]
                .id
                .clone(),
        ),
        None => None,
    };
    let names: HashMap<&str, &str> = roles.iter().map(|r| (r.id.as_str(), r.name())).collect();
    let clock = crate::clock::Clock::system();
    let filter = Filter::new(args, role_id, clock.now);
    let mut rows: Vec<(Option<jiff::Timestamp>, TokenRow)> = list
        .clients
        .into_iter()
        .filter(|token| filter.keeps(token))
        .map(|token| {
            let generated_on = token.generated_on.unwrap_or_default();
            let instant = generated_on.parse::<jiff::Timestamp>().ok();
            let role_names = token
                .roles
                .iter()
                // A role the organization no longer has shows its id as its name.
                .map(|id| names.get(id.as_str()).map_or(id.as_str(), |n| n).to_owned())
                .collect();
            let expires = token
                .token_expiry
                .as_deref()
                .map(|raw| clock.local_time(raw));
            let row = TokenRow {
                local_time: clock.local_time(&generated_on),
                generated_on,
                client_id: token.client_id,
                role_names,
                role_ids: token.roles,
                description: token.description.unwrap_or_default(),
                token_expiry: token.token_expiry,
                expires,
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

/// The filters of SPEC §1.12, at one instant.
struct Filter {
    now: jiff::Timestamp,
    expiring_within: Option<Duration>,
    expired: bool,
    no_expiry: bool,
    older_than: Option<Duration>,
    role_id: Option<String>,
}

impl Filter {
    fn new(args: &TokenListArgs, role_id: Option<String>, now: jiff::Timestamp) -> Self {
        Self {
            now,
            expiring_within: args.expiring_within,
            expired: args.expired,
            no_expiry: args.no_expiry,
            older_than: args.older_than,
            role_id,
        }
    }

    fn keeps(&self, token: &crate::api::models::AppToken) -> bool {
        let instant = |raw: &Option<String>| raw.as_deref().map(str::parse::<jiff::Timestamp>);
        // Absent or null is "no expiry"; a date that does not parse is an expiry at no instant.
        let expiry = instant(&token.token_expiry);
        let expires =
            |test: &dyn Fn(jiff::Timestamp) -> bool| matches!(expiry, Some(Ok(at)) if test(at));
        let within =
            |span: Duration| move |at: jiff::Timestamp| at >= self.now && at <= self.now + span;
        (!self.no_expiry || expiry.is_none())
            && (!self.expired || expires(&|at| at < self.now))
            && self
                .expiring_within
                .is_none_or(|span| expires(&within(span)))
            && self.older_than.is_none_or(
                |span| matches!(instant(&token.generated_on), Some(Ok(at)) if at < self.now - span),
            )
            && self
                .role_id
                .as_ref()
                .is_none_or(|id| token.roles.iter().any(|r| r.eq_ignore_ascii_case(id)))
    }
}

/// SPEC §1.12: a positive whole number and a unit, `90d`, `12h`, `30m`, `2w`.
fn parse_duration(raw: &str) -> Result<Duration, String> {
    let refused = || {
        format!("'{raw}' is not a duration: use a whole number of minutes, hours, days or weeks (30m, 12h, 90d, 2w)")
    };
    let raw_trimmed = raw.trim();
    let unit_at = raw_trimmed
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(refused)?;
    let (number, unit) = raw_trimmed.split_at(unit_at);
    let count: u64 = number.parse().ok().filter(|n| *n > 0).ok_or_else(refused)?;
    let seconds = match unit {
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(refused()),
    };
    count
        .checked_mul(seconds)
        // Far beyond any token's life, and within what a timestamp can hold.
        .filter(|total| *total <= 100 * 365 * 86_400)
        .map(Duration::from_secs)
        .ok_or_else(refused)
}

/// One application token as `token list` shows it (never its secret).
pub struct TokenRow {
    /// As the API sent it (JSON), and in local time (human and CSV, as the original writes it).
    pub generated_on: String,
    pub local_time: String,
    pub client_id: String,
    pub role_names: Vec<String>,
    pub role_ids: Vec<String>,
    pub description: String,
    pub token_expiry: Option<String>,
    /// The expiry in local time (human), as `local_time`.
    pub expires: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenJson<'a> {
    generated_on: &'a str,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_expiry: Option<&'a str>,
    description: &'a str,
    role_names: &'a [String],
    role_ids: &'a [String],
}

/// `token list`: newest first.
pub struct TokensView {
    pub tokens: Vec<TokenRow>,
}

impl ValueView for TokensView {
    fn json(&self) -> String {
        let tokens: Vec<TokenJson> = self
            .tokens
            .iter()
            .map(|t| TokenJson {
                generated_on: &t.generated_on,
                client_id: &t.client_id,
                token_expiry: t.token_expiry.as_deref(),
                description: &t.description,
                role_names: &t.role_names,
                role_ids: &t.role_ids,
            })
            .collect();
        json::value_envelope(&tokens)
    }

    fn table(&self) -> Table {
        // `Expires` only when a listed token has one: the original's outputs have none.
        let expires = self.tokens.iter().any(|token| token.expires.is_some());
        let shown = TOKEN_COLUMNS
            .iter()
            .filter(|column| expires || column.header != Some(EXPIRES));
        columns::table(shown, &self.tokens)
    }

    fn csv(&self) -> CsvTable {
        columns::csv(TOKEN_COLUMNS, &self.tokens)
    }
}

const EXPIRES: &str = "Expires";

const TOKEN_COLUMNS: &[Column<TokenRow>] = &[
    Column::both("Generated On", "generated_on", |t| one(&t.local_time)),
    Column::both("Client Id", "client_id", |t| one(&t.client_id)),
    Column::human("Roles", |t| {
        one(match t.role_names.as_slice() {
            [] => String::new(),
            [only] => only.clone(),
            [first, rest @ ..] => format!("{first} (+{})", rest.len()),
        })
    }),
    Column::csv("roles", |t| many(&t.role_names)),
    Column::both("Desc", "desc", |t| one(&t.description)),
    Column::human(EXPIRES, |t| one(t.expires.clone().unwrap_or_default())),
];

#[cfg(test)]
mod tests {

    #[test]
    fn the_column_list_draws_the_headers_of_the_snapshots() {
        let headers = |table: Table| table.columns;
        let names = |csv: CsvTable| csv.columns;
        assert_eq!(
            headers(columns::table(TOKEN_COLUMNS, &[])),
            ["Generated On", "Client Id", "Roles", "Desc", "Expires"]
        );
        assert_eq!(
            names(columns::csv(TOKEN_COLUMNS, &[])),
            ["generated_on", "client_id", "roles", "desc"]
        );
        let none = TokensView { tokens: Vec::new() };
        assert_eq!(
            none.table().columns,
            ["Generated On", "Client Id", "Roles", "Desc"]
        );
    }

    use super::*;
    use crate::api::models::AppToken;

    #[test]
    fn a_duration_is_a_positive_whole_number_and_a_unit() {
        assert_eq!(parse_duration("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(12 * 3_600)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(14 * 86_400)));
        // A hundred years is the most a duration may say.
        assert_eq!(
            parse_duration("36500d"),
            Ok(Duration::from_secs(36_500 * 86_400))
        );
        for bad in [
            "1.5d",
            "0d",
            "3y",
            "d",
            "90",
            "",
            "-1d",
            "36501d",
            "9999999999999w",
        ] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.contains("30m, 12h, 90d, 2w"), "{bad}: {err}");
        }
    }

    fn token(generated: &str, expiry: Option<&str>, roles: &[&str]) -> AppToken {
        AppToken {
            client_id: "c".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            generated_on: Some(generated.into()),
            description: None,
            token_expiry: expiry.map(str::to_owned),
        }
    }

    fn filter(args: TokenListArgs, role: Option<&str>) -> Filter {
        let now: jiff::Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        Filter::new(&args, role.map(str::to_owned), now)
    }

    #[test]
    fn each_filter_keeps_exactly_the_tokens_on_its_side_of_the_boundary() {
        let day = Duration::from_secs(86_400);
        let within = filter(
            TokenListArgs {
                expiring_within: Some(30 * day),
                ..Default::default()
            },
            None,
        );
        let old = "2020-01-01T00:00:00Z";
        assert!(
            within.keeps(&token(old, Some("2026-06-01T00:00:00Z"), &[])),
            "now itself"
        );
        assert!(
            within.keeps(&token(old, Some("2026-07-01T00:00:00Z"), &[])),
            "the edge"
        );
        assert!(!within.keeps(&token(old, Some("2026-07-01T00:00:01Z"), &[])));
        assert!(
            !within.keeps(&token(old, Some("2026-05-31T23:59:59Z"), &[])),
            "already expired"
        );
        assert!(!within.keeps(&token(old, None, &[])));
        assert!(!within.keeps(&token(old, Some("soon"), &[])));

        let expired = filter(
            TokenListArgs {
                expired: true,
                ..Default::default()
            },
            None,
        );
        assert!(expired.keeps(&token(old, Some("2026-05-31T23:59:59Z"), &[])));
        assert!(!expired.keeps(&token(old, Some("2026-06-01T00:00:00Z"), &[])));
        assert!(!expired.keeps(&token(old, None, &[])));

        let never = filter(
            TokenListArgs {
                no_expiry: true,
                ..Default::default()
            },
            None,
        );
        assert!(never.keeps(&token(old, None, &[])));
        assert!(!never.keeps(&token(old, Some("2030-01-01T00:00:00Z"), &[])));

        let older = filter(
            TokenListArgs {
                older_than: Some(365 * day),
                ..Default::default()
            },
            None,
        );
        assert!(older.keeps(&token("2025-05-31T23:59:59Z", None, &[])));
        assert!(
            !older.keeps(&token("2025-06-01T00:00:00Z", None, &[])),
            "exactly a year"
        );
        assert!(!older.keeps(&token("unknown", None, &[])));

        let holding = filter(TokenListArgs::default(), Some("r1"));
        assert!(holding.keeps(&token(old, None, &["r2", "R1"])));
        assert!(!holding.keeps(&token(old, None, &["r2"])));

        let both = filter(
            TokenListArgs {
                expired: true,
                no_expiry: true,
                ..Default::default()
            },
            None,
        );
        assert!(
            !both.keeps(&token(old, None, &[])),
            "filters combine with AND"
        );
        assert!(filter(TokenListArgs::default(), None).keeps(&token("x", Some("y"), &[])));
    }
}
