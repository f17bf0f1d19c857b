//! Saving a profile as a command reports it (`config create`, `setup`): the file a command
//! writes, the token to save (the flag's, or asked for), and the response.

use std::path::{Path, PathBuf};

use crate::commands::Context;
use crate::config::store::{default_path, save_profile};
use crate::config::{ask_token, read_token_flag, Env, Token};
use crate::error::CliError;
use crate::output::views::ProfileChange;
use crate::output::Response;
use crate::paths::expand_tilde;

/// The file to read and write: `-cf PATH`, else the default file.
pub fn file(context: &Context) -> Result<PathBuf, CliError> {
    match &context.request().config_file {
        Some(path) => Ok(expand_tilde(path)),
        None => default_path(),
    }
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
    save_profile(path, name, token, (env, &base_url), overwrite)?;
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
