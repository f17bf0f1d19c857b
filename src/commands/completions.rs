//! `astra completions SHELL` and `astra man`: generated from the clap tree, no token needed.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{CliError, ErrorCode};
use crate::output::Outcome;

pub fn script(shell: clap_complete::Shell) -> Outcome {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "astra", &mut out);
    let mut script = String::from_utf8_lossy(&out).into_owned();
    if shell == clap_complete::Shell::Bash {
        script.push_str(crate::cache::BASH_DYNAMIC);
    }
    Outcome::Document(script)
}

pub fn man() -> Result<Outcome, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|err| {
            CliError::new(
                ErrorCode::Uncaught,
                format!("cannot render the man page: {err}"),
            )
        })?;
    Ok(Outcome::Document(
        String::from_utf8_lossy(&out).into_owned(),
    ))
}
