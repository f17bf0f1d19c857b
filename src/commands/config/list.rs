//! `astra config list`: the profiles, in file order, with their env and masked token.

use crate::commands::profiles::file;
use crate::commands::Context;
use crate::config::astrarc::Astrarc;
use crate::config::store::read;
use crate::env;
use crate::error::CliError;
use crate::output::views::{ProfileRow, ProfilesView};
use crate::output::Outcome;
use crate::secret::mask;

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
