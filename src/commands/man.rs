//! `astra man`: the man page (roff), generated from the clap tree.

use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::Outcome;

pub fn run(context: &Context) -> Result<Outcome, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(context.tree())
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
