//! `astra config list | create NAME | delete NAME`: the profiles of `.astrarc` (SPEC §1.11). The
//! file is `-cf`'s, else the default file of SPEC §3; writes keep every other line byte for byte.

mod create;
mod delete;
mod list;

use clap::Subcommand;

use crate::commands::Context;
use crate::error::CliError;
use crate::output::Outcome;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the profiles, with their env and masked token
    #[command(after_help = "Examples:\n# List the profiles\n$ astra config list")]
    List,
    /// Add a profile
    #[command(
        after_help = "Examples:\n# A profile from a token file\n$ astra config create prod --token @token.txt\n# Replace a profile\n$ astra config create dev --token @dev.txt --env dev --overwrite"
    )]
    Create(create::ConfigCreateArgs),
    /// Remove a profile
    #[command(after_help = "Examples:\n# Remove a profile\n$ astra config delete dev")]
    Delete(delete::ConfigDeleteArgs),
}

pub fn run(context: &Context, command: &ConfigCommand) -> Result<Outcome, CliError> {
    match command {
        ConfigCommand::List => list::run(context),
        ConfigCommand::Create(args) => create::run(context, args),
        ConfigCommand::Delete(args) => delete::run(context, args),
    }
}
