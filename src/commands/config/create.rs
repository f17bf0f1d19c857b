//! `astra config create NAME [--overwrite]`: saves `--token`'s token (or one asked for on a
//! terminal) as a profile, for the target the connection options name.

use crate::commands::profiles::{file, save, token_to_save};
use crate::commands::Context;
use crate::config::store::{check_profile_name, target_text};
use crate::error::{CliError, ErrorCode};
use crate::output::Outcome;

/// Add a profile
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# A profile from a token file\n$ astra config create prod --token @token.txt\n# Replace a profile\n$ astra config create dev --token @dev.txt --env dev --overwrite"
)]
pub struct ConfigCreateArgs {
    /// The profile's name
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Replace the profile if it exists
    #[arg(long)]
    pub overwrite: bool,
}

pub fn run(context: &Context, args: &ConfigCreateArgs) -> Result<Outcome, CliError> {
    check_profile_name(&args.name)?;
    let request = context.request();
    let target = crate::config::flags_or_variables(request.env, request.local_endpoint.clone())?;
    let token = token_to_save(context, None, || {
        CliError::new(
            ErrorCode::UnsupportedExecution,
            "No token to save: pass --token TOKEN, --token @FILE or --token @-.",
        )
    })?;
    let path = file(context)?;
    let message = format!(
        "Profile '{}' saved in '{}' ({}).",
        args.name,
        path.display(),
        target_text(target.0, &target.1)
    );
    save(&path, &args.name, &token, target, args.overwrite, message).map(Outcome::Response)
}
