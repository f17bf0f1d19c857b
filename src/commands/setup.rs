//! `astra setup [-p NAME] [--env ENV] [--local-endpoint URL] [--token …]`: asks for the token
//! (hidden) on a terminal, checks it (SPEC §3.2, then one `GET /organizations/roles`), and saves
//! it as a profile. A token that is refused is never saved.

use crate::commands::profiles::{file, save, token_to_save};
use crate::commands::Context;
use crate::config;
use crate::config::store::{check_free, check_profile_name, target_text};
use crate::error::{CliError, ErrorCode};
use crate::output::Outcome;

#[derive(Debug, clap::Args)]
pub struct SetupArgs {
    /// The profile to save the token as (default: default)
    #[arg(
        short = 'p',
        long = "profile",
        value_name = "NAME",
        help_heading = "Connection Options",
        add = clap_complete::ArgValueCompleter::new(crate::completion::profiles)
    )]
    profile: Option<String>,
}

pub async fn run(context: &Context, args: &SetupArgs) -> Result<Outcome, CliError> {
    let request = context.request();
    // `astra setup -p dev` is this command's own -p; `astra -p dev setup` the global one.
    let name = args
        .profile
        .clone()
        .or_else(|| request.profile.clone())
        .unwrap_or_else(|| "default".to_owned());
    check_profile_name(&name)?;
    let target = config::flags_or_variables(request.env, request.local_endpoint.clone())?;
    // A file that does not parse is refused before the token is asked for or sent.
    let path = file(context)?;
    check_free(&path, &name, true)?;
    let token = token_to_save(
        context,
        Some("Create a token at https://astra.datastax.com/settings/tokens (role: Organization Administrator to manage users)."),
        || {
            CliError::new(
                ErrorCode::UnsupportedExecution,
                "setup asks for the token on a terminal, and there is none (or --no-input was given).",
            )
            .detail("Pass it with --token TOKEN, --token @FILE or --token @-.")
        },
    )?;
    let client = context.client_for(&target.1, &token)?;
    context.ui.step("Checking the token…");
    client.list_roles().await.map_err(|err| {
        let mut err = CliError::from(err);
        err.details.push("Nothing was saved.".to_owned());
        err
    })?;
    let message = format!(
        "Token checked; saved as profile '{name}' in '{}' ({}).",
        path.display(),
        target_text(target.0, &target.1)
    );
    // Setup is how a token is (re)configured: it replaces the profile.
    save(&path, &name, &token, target, true, message).map(Outcome::Response)
}
