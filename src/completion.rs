//! Shell completion: clap_complete's dynamic engine (`COMPLETE=bash astra …`, registered by
//! `astra completions SHELL`) completes subcommands and flags from the clap tree in bash, zsh,
//! fish, powershell and elvish; the values it cannot know come from here: role names and the
//! organization's emails, remembered by the commands that read them, and the profile names of
//! `.astrarc`.
//!
//! The caches are keyed by the target (environment, endpoint and the token's client id, which
//! belongs to one organization), so that an emulator run never empties the real organization's
//! list. They are written atomically, mode 0600 in a 0700 directory, only when they changed, and
//! hold names and emails only, never a token.

use std::ffi::{OsStr, OsString};

use clap_complete::CompletionCandidate;

use crate::config::{self, ConnectionRequest, Env, Token, TokenArg};
use crate::secret::redact;
use crate::ui::{Ui, UiSettings};

pub const ROLES: &str = "roles";
pub const EMAILS: &str = "emails";

/// The target a cache belongs to: `local-3f2a…` (the environment, then a hash of the endpoint
/// and the token's client id).
pub fn target_key(env: Env, base_url: &str, token: &Token) -> String {
    // FNV-1a: stable across runs and versions, unlike the standard library's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in base_url.bytes().chain([0]).chain(token.client_id().bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{}-{hash:016x}", env.as_str())
}

/// Replaces the cache `kind` of target `key` with these values, when they changed.
pub fn remember<'v>(kind: &str, key: &str, values: impl IntoIterator<Item = &'v str>) {
    let Some(path) = crate::paths::cache_file(kind, key) else {
        return;
    };
    let mut text = String::new();
    for value in values {
        // One value per line: a line break inside a value would split it.
        if value.contains(['\n', '\r']) {
            text.push_str(&redact(&value.replace(['\n', '\r'], " ")));
        } else {
            text.push_str(&redact(value));
        }
        text.push('\n');
    }
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return;
    }
    if let Err(err) = crate::paths::write_cache(&path, &text) {
        tracing::debug!(
            "cannot write the completion cache {}: {err}",
            path.display()
        );
    }
}

/// The values that start like the word being completed, case aside and an opening quote
/// ignored (zsh passes `'Billing A` as typed). zsh and fish quote what they insert; bash inserts
/// it as given, so for bash a value that needs quoting is given quoted (`'Billing Admin'`).
fn matching(values: Vec<String>, current: &OsStr) -> Vec<CompletionCandidate> {
    // clap_complete removes `COMPLETE` before completing; only bash's script sets this one.
    let bash = std::env::var_os("_CLAP_COMPLETE_COMP_TYPE").is_some();
    candidates(values, current, bash)
}

fn candidates(values: Vec<String>, current: &OsStr, quote: bool) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let typed = current.trim_start_matches(['\'', '"']).to_lowercase();
    values
        .into_iter()
        .filter(|value| value.to_lowercase().starts_with(&typed))
        .map(|value| match quote {
            true => crate::text::shell_quote(&value).into_owned(),
            false => value,
        })
        .map(CompletionCandidate::new)
        .collect()
}

/// The values remembered for the target the command line being completed points at.
fn cached(kind: &str) -> Vec<String> {
    let request = typed_request(std::env::args_os());
    let ui = Ui::new(UiSettings::default());
    let Ok(connection) = config::resolve(&request, &ui) else {
        return Vec::new();
    };
    let key = target_key(connection.env, &connection.base_url, &connection.token);
    let Some(text) =
        crate::paths::cache_file(kind, &key).and_then(|p| std::fs::read_to_string(p).ok())
    else {
        return Vec::new();
    };
    text.lines().map(str::to_owned).collect()
}

/// Role names: for `-r`, `--add`, `--role`, `role get ROLE`, …
pub fn roles(current: &OsStr) -> Vec<CompletionCandidate> {
    matching(cached(ROLES), current)
}

/// The organization's emails: for `user get|delete|roles USER`.
pub fn emails(current: &OsStr) -> Vec<CompletionCandidate> {
    matching(cached(EMAILS), current)
}

/// The profiles of the `.astrarc` the command line names (`-cf`), else of the default file.
pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    matching(profile_names(), current)
}

fn profile_names() -> Vec<String> {
    let request = typed_request(std::env::args_os());
    let path = match &request.config_file {
        Some(path) => crate::paths::expand_tilde(path),
        None => match crate::paths::default_astrarc() {
            Some(path) => path,
            None => return Vec::new(),
        },
    };
    let Ok(text) = config::read_text(&path) else {
        return Vec::new();
    };
    match config::astrarc::Astrarc::parse(&path, &text) {
        Ok(parsed) => parsed.names().map(str::to_owned).collect(),
        Err(_) => Vec::new(),
    }
}

/// How the connection options of a command line are read: set by `app` from the clap tree
/// (above this module), before a completion runs.
static READ_CONNECTION: std::sync::OnceLock<fn(Vec<OsString>) -> ConnectionRequest> =
    std::sync::OnceLock::new();

/// Registers the reader of the connection options (the clap tree's, with its `-cf` spelling).
pub fn set_connection_reader(read: fn(Vec<OsString>) -> ConnectionRequest) {
    let _ = READ_CONNECTION.set(read);
}

/// The connection options typed so far on the line being completed (the words after `--` of
/// `COMPLETE=bash astra -- astra user get -p dev …`), read through the clap tree as the command
/// itself would read them. `--token @-` is left out: completion never reads standard input.
fn typed_request(argv: impl IntoIterator<Item = OsString>) -> ConnectionRequest {
    let words: Vec<OsString> = argv.into_iter().skip_while(|w| w != "--").skip(1).collect();
    let Some(read) = READ_CONNECTION.get() else {
        return ConnectionRequest::default();
    };
    let mut request = read(words);
    if matches!(request.token, Some(TokenArg::Stdin)) {
        request.token = None;
    }
    // zsh passes a word as typed, its opening quote included (`-p 'dev'`).
    let unquote = |value: Option<String>| value.map(|v| crate::text::unquote(&v).to_owned());
    request.profile = unquote(request.profile);
    request.config_file = unquote(request.config_file);
    request.local_endpoint = unquote(request.local_endpoint);
    request
}

/// The script that registers astra's completion with `shell` (what `astra completions SHELL`
/// prints): it calls `astra` back by name, found on `PATH`, with `COMPLETE=SHELL` at every Tab
/// (a path fixed when the script was written breaks on the next upgrade).
pub fn registration(shell: clap_complete::Shell) -> std::io::Result<String> {
    let name = shell.to_string();
    let completer = "astra";
    let shells = clap_complete::env::Shells::builtins();
    let Some(writer) = shells.completer(&name) else {
        return Err(std::io::Error::other(format!("no completion for {name}")));
    };
    let mut out = Vec::new();
    writer.write_registration("COMPLETE", "astra", "astra", completer, &mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_connection_options_are_read_from_the_completed_line() {
        set_connection_reader(crate::app::typed_connection);
        let argv = |words: &[&str]| -> Vec<OsString> { words.iter().map(OsString::from).collect() };
        let request = typed_request(argv(&[
            "astra",
            "--",
            "astra",
            "user",
            "get",
            "-p",
            "'dev'",
            "--env=local",
            "-cf",
            "~/rc",
            "--local-endpoint",
            "http://127.0.0.1:1/v2",
            "--token",
            "@-",
            "al",
        ]));
        assert_eq!(request.profile.as_deref(), Some("dev"));
        assert_eq!(request.env, Some(Env::Local));
        assert_eq!(request.config_file.as_deref(), Some("~/rc"));
        assert_eq!(
            request.local_endpoint.as_deref(),
            Some("http://127.0.0.1:1/v2")
        );
        assert!(request.token.is_none(), "completion never reads stdin");
        let nothing = typed_request(argv(&["astra", "user", "get", "-p", "dev"]));
        assert!(nothing.profile.is_none(), "only the words after --");
        let dangling = typed_request(argv(&["astra", "--", "astra", "-p"]));
        assert!(dangling.profile.is_none());
    }

    #[test]
    fn values_match_the_typed_start_case_and_an_opening_quote_aside() {
        let values = || {
            vec![
                "R/W User".to_owned(),
                "RO User".to_owned(),
                "Billing Admin".to_owned(),
            ]
        };
        let names = |typed: &str| -> Vec<String> {
            candidates(values(), OsStr::new(typed), false)
                .iter()
                .map(|c| c.get_value().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names("r/"), ["R/W User"]);
        let quoted: Vec<String> = candidates(values(), OsStr::new("'Bil"), true)
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        assert_eq!(quoted, ["'Billing Admin'"], "bash inserts what it is given");
        assert_eq!(names("'Billing A"), ["Billing Admin"]);
        assert_eq!(names("\"ro"), ["RO User"]);
        assert_eq!(names(""), ["R/W User", "RO User", "Billing Admin"]);
        assert!(names("x").is_empty());
    }

    #[test]
    fn a_target_key_tells_endpoints_and_tokens_apart() {
        let a = Token::parse(&format!("AstraCS:{}:{}", "a".repeat(24), "0".repeat(64))).unwrap();
        let b = Token::parse(&format!("AstraCS:{}:{}", "b".repeat(24), "0".repeat(64))).unwrap();
        let key = target_key(Env::Local, "http://127.0.0.1:1/v2", &a);
        assert!(key.starts_with("local-") && key.len() == 22, "{key}");
        assert_eq!(
            key,
            target_key(Env::Local, "http://127.0.0.1:1/v2", &a),
            "stable"
        );
        assert_ne!(key, target_key(Env::Local, "http://127.0.0.1:2/v2", &a));
        assert_ne!(key, target_key(Env::Local, "http://127.0.0.1:1/v2", &b));
        assert_ne!(key, target_key(Env::Dev, "http://127.0.0.1:1/v2", &a));
    }
}
