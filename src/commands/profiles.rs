//! `astra config list | create NAME | delete NAME`: the profiles of `.astrarc` (SPEC §1.11). The
//! file is `-cf`'s, else the default file of SPEC §3; writes keep every other line byte for byte.

use std::path::{Path, PathBuf};

use crate::cli::{ConfigCreateArgs, ConfigDeleteArgs};
use crate::commands::Context;
use crate::config::astrarc::Astrarc;
use crate::config::writer::{has_profile, remove_profile, set_profile, write_atomically};
use crate::config::{self, ask_token, default_file, expand_tilde, read_token_flag, Env, Token};
use crate::env;
use crate::error::{CliError, ErrorCode};
use crate::output::views::{ProfileChange, ProfileRow, ProfilesView};
use crate::output::{Outcome, Response};
use crate::secret::mask;
use crate::text::os_reason;

/// The file to read and write: `-cf PATH`, else the default file.
pub fn file(context: &Context) -> Result<PathBuf, CliError> {
    match &context.request().config_file {
        Some(path) => Ok(expand_tilde(path)),
        None => default_file().ok_or_else(|| {
            CliError::new(
                ErrorCode::FileIssue,
                "No home directory for the .astrarc file.",
            )
            .detail("Set ASTRARC to the file to use.")
        }),
    }
}

/// The file's text; a missing file is empty (nothing configured yet).
fn read(path: &Path) -> Result<String, CliError> {
    match config::read_text(path) {
        Ok(text) => Ok(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(err) => Err(CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot read '{}': {}.", path.display(), os_reason(&err)),
        )),
    }
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    write_atomically(path, text).map_err(|err| {
        CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot write '{}': {}.", path.display(), os_reason(&err)),
        )
        .detail("The file was left as it was.")
    })
}

pub fn list(context: &Context) -> Result<Outcome, CliError> {
    let path = file(context)?;
    let text = read(&path)?;
    let parsed = Astrarc::parse(&path, &text)?;
    let profiles = parsed
        .names()
        .filter_map(|name| parsed.section(name).map(|section| (name, section)))
        .map(|(name, section)| ProfileRow {
            name: name.to_owned(),
            env: section
                .get(env::ENV)
                .filter(|v| !v.is_empty())
                .map_or_else(|| "prod".to_owned(), |v| v.to_ascii_lowercase()),
            token: section.get(env::TOKEN).map(mask).unwrap_or_default(),
        })
        .collect();
    Ok(Outcome::value(ProfilesView { profiles }))
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
    if has_profile(&text, name) && !overwrite {
        return Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("Profile '{name}' already exists in '{}'.", path.display()),
        )
        .fix("Replace it:", crate::hints::Edit::AddFlag("--overwrite")));
    }
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
            ask_token(&context.ui)?
        }
        None => return Err(missing()),
    };
    Token::parse(&raw)
}

pub fn create(context: &Context, args: &ConfigCreateArgs) -> Result<Outcome, CliError> {
    let request = context.request();
    let target = config::flags_or_variables(request.env, request.local_endpoint.clone())?;
    let token = token_to_save(context, None, || {
        CliError::new(
            ErrorCode::UnsupportedExecution,
            "No token to save: pass --token TOKEN, --token @FILE or --token @-.",
        )
    })?;
    let path = file(context)?;
    let message = format!("Profile '{}' saved in '{}'.", args.name, path.display());
    save(&path, &args.name, &token, target, args.overwrite, message).map(Outcome::Response)
}

pub fn delete(context: &Context, args: &ConfigDeleteArgs) -> Result<Outcome, CliError> {
    let path = file(context)?;
    let text = read(&path)?;
    let Some(updated) = remove_profile(&text, &args.name) else {
        return Err(CliError::new(
            ErrorCode::ProfileNotFound,
            format!("Profile '{}' not found in '{}'.", args.name, path.display()),
        )
        .hint("See the profiles:", "astra config list"));
    };
    write(&path, &updated)?;
    Ok(Outcome::Response(Response::new(
        format!("Profile '{}' deleted from '{}'.", args.name, path.display()),
        ProfileChange {
            name: args.name.clone(),
            env: None,
            token: None,
            path: path.display().to_string(),
        },
    )))
}
