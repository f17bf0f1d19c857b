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
    List(list::ConfigListArgs),
    Create(create::ConfigCreateArgs),
    Delete(delete::ConfigDeleteArgs),
}

pub fn run(context: &Context, command: &ConfigCommand) -> Result<Outcome, CliError> {
    match command {
        ConfigCommand::List(args) => list::run(context, args),
        ConfigCommand::Create(args) => create::run(context, args),
        ConfigCommand::Delete(args) => delete::run(context, args),
    }
}
