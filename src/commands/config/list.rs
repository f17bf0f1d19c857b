//! `astra config list`: the profiles, in file order, with their env and masked token.

use crate::commands::profiles::file;
use crate::commands::Context;
use crate::config::astrarc::Astrarc;
use crate::config::store::read;
use crate::env;
use crate::error::CliError;
use crate::output::columns::{self, one, Column};
use crate::output::Outcome;
use crate::output::{json, CsvTable, Table, ValueView};
use crate::secret::mask;
use serde::Serialize;

/// List the profiles, with their env and masked token
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n# List the profiles\n$ astra config list")]
pub struct ConfigListArgs {}

pub fn run(context: &Context, _args: &ConfigListArgs) -> Result<Outcome, CliError> {
    let path = file(context)?;
    let text = read(&path)?;
    let parsed = Astrarc::parse(&path, &text)?;
    let profiles = parsed
        .names()
        .filter_map(|name| parsed.section(name).map(|section| (name, section)))
        .map(|(name, section)| ProfileRow {
            name: name.to_owned(),
            env: section
                .get(env::ENV)
                .filter(|v| !v.is_empty())
                .map_or_else(|| "prod".to_owned(), |v| v.to_ascii_lowercase()),
            token: section.get(env::TOKEN).map(mask).unwrap_or_default(),
        })
        .collect();
    Ok(Outcome::value(ProfilesView { profiles }))
}

/// One profile of `.astrarc`, its token masked.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileRow {
    pub name: String,
    pub env: String,
    pub token: String,
}

/// `config list`: the profiles.
pub struct ProfilesView {
    pub profiles: Vec<ProfileRow>,
}

impl ValueView for ProfilesView {
    fn json(&self) -> String {
        json::value_envelope(&&self.profiles)
    }

    fn table(&self) -> Table {
        columns::table(PROFILE_COLUMNS, &self.profiles)
    }

    fn csv(&self) -> CsvTable {
        columns::csv(PROFILE_COLUMNS, &self.profiles)
    }
}

const PROFILE_COLUMNS: &[Column<ProfileRow>] = &[
    Column::both("Name", "name", |p| one(&p.name)),
    Column::both("Env", "env", |p| one(&p.env)),
    Column::both("Token", "token", |p| one(&p.token)),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::table_rows as rows;
    use crate::output::{CsvTable, Table};
    use serde_json::{json, Value};

    #[test]
    fn profiles_list_name_env_and_masked_token() {
        let view = ProfilesView {
            profiles: vec![ProfileRow {
                name: "default".into(),
                env: "prod".into(),
                token: "AstraCS:aaaa****bbbb".into(),
            }],
        };
        let json: Value = serde_json::from_str(&view.json()).unwrap();
        assert_eq!(
            json,
            json!({"code": "OK", "data": [{"name": "default", "env": "prod", "token": "AstraCS:aaaa****bbbb"}]})
        );
        assert_eq!(view.table().columns, ["Name", "Env", "Token"]);
        assert_eq!(
            rows(&view.table()),
            [["default", "prod", "AstraCS:aaaa****bbbb"]]
        );
        assert_eq!(view.csv().columns, ["name", "env", "token"]);
        assert_eq!(
            view.csv().rows,
            [["default", "prod", "AstraCS:aaaa****bbbb"]]
        );
    }

    #[test]
    fn the_column_list_draws_the_headers_of_the_snapshots() {
        let headers = |table: Table| table.columns;
        let names = |csv: CsvTable| csv.columns;
        assert_eq!(
            headers(columns::table(PROFILE_COLUMNS, &[])),
            ["Name", "Env", "Token"]
        );
        assert_eq!(
            names(columns::csv(PROFILE_COLUMNS, &[])),
            ["name", "env", "token"]
        );
    }
}
