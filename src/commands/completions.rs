//! `astra completions SHELL`: a completion script generated from the clap tree, no token needed.

use crate::commands::Context;
use crate::error::CliError;
use crate::output::Outcome;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(context: &Context, args: &CompletionsArgs) -> Result<Outcome, CliError> {
    let mut command = context.tree();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "astra", &mut out);
    let mut script = String::from_utf8_lossy(&out).into_owned();
    if args.shell == clap_complete::Shell::Bash {
        script.push_str(crate::cache::BASH_DYNAMIC);
    }
    Ok(Outcome::Document(script))
}
