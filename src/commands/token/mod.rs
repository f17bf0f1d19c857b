//! `astra token [get] | list | create | delete`: the organization's application tokens (SPEC
//! §1.12). Bare `astra token` is `token get`, as in the original.

mod create;
mod delete;
mod get;
mod list;
pub(super) mod rotate;

use clap::Subcommand;

use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::Hint;
use crate::output::Outcome;

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: Option<TokenCommand>,
    /// `astra token` alone takes `token get`'s options.
    #[command(flatten)]
    get: get::TokenGetArgs,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print the token in use (unmasked, on stdout)
    #[command(
        after_help = "Examples:\n# Print the token in use\n$ astra token get\n# Check it with Astra first, then copy it to the clipboard\n$ astra token get --validate --copy"
    )]
    Get(get::TokenGetArgs),
    List(list::TokenListArgs),
    Create(create::TokenCreateArgs),
    Delete(delete::TokenDeleteArgs),
    Rotate(rotate::TokenRotateArgs),
}

pub async fn run(context: &Context, args: &TokenArgs) -> Result<Outcome, CliError> {
    match &args.command {
        None => get::run(context, &args.get).await,
        Some(TokenCommand::Get(args)) => get::run(context, args).await,
        Some(TokenCommand::List(args)) => list::run(context, args).await,
        Some(TokenCommand::Create(args)) => create::run(context, args).await,
        Some(TokenCommand::Delete(args)) => delete::run(context, args).await,
        Some(TokenCommand::Rotate(args)) => rotate::run(context, args).await,
    }
}

fn see_all_tokens() -> Hint {
    Hint::new("See all available tokens:", "astra token list")
}

/// SPEC §1.12: an RFC 3339 instant with a time, in the future, sent as `YYYY-MM-DDTHH:MM:SSZ`.
pub(super) fn parse_expiry(raw: &str) -> Result<String, CliError> {
    let invalid = |why: &str| {
        CliError::new(
            ErrorCode::ValidationIssue,
            format!("Expiry '{raw}' {why}; nothing was sent."),
        )
        .detail("Give an RFC 3339 instant with a time and an offset, e.g. 2027-01-01T00:00:00Z.")
    };
    let instant: jiff::Timestamp = raw
        .trim()
        .parse()
        .map_err(|_| invalid("is not an RFC 3339 instant with a time"))?;
    if instant <= jiff::Timestamp::now() {
        return Err(invalid("is not in the future"));
    }
    Ok(instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The `-cf` file when the token in use came from it, else the default file (SPEC §1.12).
pub(super) fn profile_file(
    credential: &crate::commands::Credential<'_>,
) -> Result<std::path::PathBuf, CliError> {
    match credential.source {
        crate::config::TokenSource::Profile { path, .. } => Ok(path.clone()),
        _ => crate::config::store::default_path(),
    }
}
