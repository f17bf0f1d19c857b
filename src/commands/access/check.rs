//! `astra access check [--policy FILE] [--fail-on LEVEL]`: the organization against ten access
//! rules, each with a level, a parameter and exemptions from a TOML policy file; exit 12
//! (`CHECK_FAILED`) on a finding at `--fail-on` or above (SPEC §1.16).

use crate::access::rules::{self, Counts, Finding, Level, Policy};
use crate::access::Clock;
use crate::commands::{files, Context};
use crate::error::{CliError, ErrorCode};
use crate::output::columns::{self, one, Column};
use crate::output::{Outcome, Verdict};

const EXAMPLES: &str = "Examples:\n# Check the organization with the default rules\n$ astra access check\n# A policy gate in CI: exit 12 on any warning or error\n$ astra access check --policy access-policy.toml --fail-on warning\n# The findings for a spreadsheet\n$ astra access check -o csv > findings.csv";

/// Check the organization against access rules; exit 12 on a finding at --fail-on or above
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct CheckArgs {
    /// A TOML file that sets each rule's level, parameter and exemptions ([rules.<id>])
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    policy: Option<String>,
    /// The lowest level that fails the check (exit 12)
    #[arg(long, value_name = "LEVEL", value_enum, default_value = "error")]
    fail_on: Level,
}

pub async fn run(context: &Context, args: &CheckArgs) -> Result<Outcome, CliError> {
    // The policy is read and checked before any request.
    let policy = match &args.policy {
        Some(file) => Policy::from_toml(&files::read_input(file)?, file)?,
        None => Policy::default(),
    };
    let directory = super::directory(context).await?;
    let findings = rules::check(&directory, &policy, &Clock::system());
    Ok(Outcome::Verdict(verdict(findings, args.fail_on)))
}

fn finding_columns() -> [Column<Finding>; 5] {
    [
        Column::both("Level", "level", |f| one(f.level.as_str())),
        Column::both("Rule", "rule", |f| one(f.rule)),
        Column::csv("kind", |f| one(f.kind)),
        Column::both("Item", "item", |f| one(&f.item)),
        Column::both("Finding", "finding", |f| one(&f.finding)),
    ]
}

/// The findings as a verdict: each row `CHECK_FAILED` at `fail_on` or above, `OK` below.
fn verdict(findings: Vec<Finding>, fail_on: Level) -> Verdict {
    let counts = Counts::of(&findings);
    let row_code = |finding: &Finding| {
        if finding.level.fails(fail_on) {
            ErrorCode::CheckFailed
        } else {
            ErrorCode::Ok
        }
    };
    let code = if findings.iter().any(|f| f.level.fails(fail_on)) {
        ErrorCode::CheckFailed
    } else {
        ErrorCode::Ok
    };
    let columns = finding_columns();
    let csv = columns::csv(&columns, &findings);
    Verdict {
        code,
        summary: counts.summary(),
        table: columns::table(&columns, &findings),
        csv_columns: csv.columns,
        csv_rows: findings.iter().map(row_code).zip(csv.rows).collect(),
        data: serde_json::json!({ "findings": findings, "counts": counts }),
    }
}
