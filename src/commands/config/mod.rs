//! `astra config list | create NAME | delete NAME`: the profiles of `.astrarc` (SPEC §1.11). The
//! file is `-cf`'s, else the default file of SPEC §3; writes keep every other line byte for byte.

mod create;
mod delete;
mod list;

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::commands::Context;
use crate::config::writer::{has_profile, set_profile, write_atomically};
use crate::config::{ask_token, default_file, expand_tilde, read_token_flag, Env, Token};
use crate::env;
use crate::error::{CliError, ErrorCode};
use crate::output::views::ProfileChange;
use crate::output::{Outcome, Response};
use crate::text::os_reason;

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

/// The file to read and write: `-cf PATH`, else the default file.
pub fn file(context: &Context) -> Result<PathBuf, CliError> {
    match &context.request().config_file {
        Some(path) => Ok(expand_tilde(path)),
        None => default_path(),
    }
}

/// The default file of SPEC §3, or why there is none.
pub fn default_path() -> Result<PathBuf, CliError> {
    default_file().ok_or_else(|| {
        CliError::new(
            ErrorCode::FileIssue,
            "No home directory for the .astrarc file.",
        )
        .detail("Set ASTRARC to the file to use.")
    })
}

/// The file's text; a missing file is empty (nothing configured yet).
pub(super) fn read(path: &Path) -> Result<String, CliError> {
    match crate::config::read_text(path) {
        Ok(text) => Ok(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(err) => Err(CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot read '{}': {}.", path.display(), os_reason(&err)),
        )),
    }
}

pub(super) fn write(path: &Path, text: &str) -> Result<(), CliError> {
    write_atomically(path, text).map_err(|err| {
        CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot write '{}': {}.", path.display(), os_reason(&err)),
        )
        .detail("The file was left as it was.")
    })
}

/// What a saved profile points at, for the message: `env prod` or `env local, endpoint URL`.
pub fn target_text(env: Env, endpoint: &str) -> String {
    match env {
        Env::Local => format!("env local, endpoint {endpoint}"),
        _ => format!("env {}", env.as_str()),
    }
}

/// The keys a profile is written with.
pub fn profile_keys<'a>(
    token: &'a Token,
    env: Env,
    endpoint: &'a str,
) -> Vec<(&'static str, &'a str)> {
    let mut keys = vec![(env::TOKEN, token.secret().expose())];
    if env != Env::Prod {
        keys.push((env::ENV, env.as_str()));
    }
    if env == Env::Local {
        keys.push((env::LOCAL_ENDPOINT, endpoint));
    }
    keys
}

/// Refuses a profile name that the file could not read back (SPEC §1.11), before anything is
/// asked, sent or written.
pub fn check_profile_name(name: &str) -> Result<(), CliError> {
    match crate::config::astrarc::profile_name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!(
                "Cannot use '{}' as a profile name: {problem}.",
                crate::text::escape_control_in_line(name)
            ),
        )
        .detail("A profile name has 1 to 64 characters, no control characters, no '[' or ']', and no spaces at either end. Nothing was written.")),
    }
}

/// Refuses to replace profile `name` without `--overwrite`, before anything is sent or written.
pub fn check_free(path: &Path, name: &str, overwrite: bool) -> Result<(), CliError> {
    ensure_free(&read(path)?, path, name, overwrite)
}

fn ensure_free(text: &str, path: &Path, name: &str, overwrite: bool) -> Result<(), CliError> {
    // A file that does not parse is not written to: the next command would fail on it.
    crate::config::astrarc::Astrarc::parse(path, text)
        .map_err(|err| err.detail("Nothing was written; fix the file first."))?;
    if has_profile(text, name) && !overwrite {
        return Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("Profile '{name}' already exists in '{}'.", path.display()),
        )
        .fix(
            "Replace it:",
            crate::hints::Edit::All(vec![
                crate::hints::Edit::TokenAsFile,
                crate::hints::Edit::AddFlag("--overwrite"),
            ]),
        ));
    }
    Ok(())
}

/// Saves profile `name` (replacing it only when `overwrite`), and returns the response.
pub fn save(
    path: &Path,
    name: &str,
    token: &Token,
    (env, base_url): (Env, String),
    overwrite: bool,
    message: String,
) -> Result<Response, CliError> {
    let text = read(path)?;
    ensure_free(&text, path, name, overwrite)?;
    let updated = set_profile(&text, name, &profile_keys(token, env, &base_url));
    write(path, &updated)?;
    Ok(Response::new(
        message,
        ProfileChange {
            name: name.to_owned(),
            env: Some(env.as_str().to_owned()),
            token: Some(token.masked()),
            path: path.display().to_string(),
        },
    ))
}

/// The token being saved (`config create`, `setup`), checked: `--token`'s, else asked for on a
/// terminal (after the `before_asking` notice, if any), else the `missing` error.
pub fn token_to_save(
    context: &Context,
    before_asking: Option<&str>,
    missing: impl FnOnce() -> CliError,
) -> Result<Token, CliError> {
    let raw = match &context.request().token {
        Some(value) => read_token_flag(value, &context.ui)?.0,
        None if context.ui.can_prompt() => {
            if let Some(notice) = before_asking {
                context.ui.notice(notice);
            }
            return ask_until_valid(context);
        }
        None => return Err(missing()),
    };
    Token::parse(&raw)
}

/// At the prompt, a token that fails its checks is explained and asked for again (three tries):
/// a paste with a stray character should not end the setup.
fn ask_until_valid(context: &Context) -> Result<Token, CliError> {
    let mut tries = 1;
    loop {
        match Token::parse(&ask_token(&context.ui)?) {
            Ok(token) => return Ok(token),
            Err(err) if tries < 3 => {
                context.ui.notice(&format!("{} Try again.", err.headline));
                tries += 1;
            }
            Err(err) => return Err(err),
        }
    }
}
