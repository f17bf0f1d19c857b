//! `astra completions SHELL`: the script that registers astra's dynamic completion with SHELL
//! (clap_complete's `CompleteEnv`): subcommands, flags, profile names, role names and emails, in
//! bash, zsh, fish, powershell and elvish. No token needed.

use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::Outcome;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(_context: &Context, args: &CompletionsArgs) -> Result<Outcome, CliError> {
    let script = crate::completion::registration(args.shell).map_err(|err| {
        CliError::new(
            ErrorCode::Uncaught,
            format!("cannot write the completion script: {err}"),
        )
    })?;
    Ok(Outcome::Document(script, None))
}
