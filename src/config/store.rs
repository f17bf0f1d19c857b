//! The `.astrarc` profile store (SPEC §1.11): where the file is, reading it (a missing file is
//! empty), writing it atomically, the keys of a profile, and the checks before a profile is
//! written. Commands that save a profile (`config create`, `setup`, `token create
//! --save-profile`, `token rotate`) all go through here.

use std::path::{Path, PathBuf};

use super::writer::{has_profile, set_profile};
use super::{Env, Token};
use crate::env;
use crate::error::{CliError, ErrorCode};
use crate::paths::{default_astrarc, write_atomically};
use crate::text::os_reason;

/// The default file of SPEC §3, or why there is none.
pub fn default_path() -> Result<PathBuf, CliError> {
    default_astrarc().ok_or_else(|| {
        CliError::new(
            ErrorCode::FileIssue,
            "No home directory for the .astrarc file.",
        )
        .detail("Set ASTRARC to the file to use.")
    })
}

/// The file's text; a missing file is empty (nothing configured yet).
pub fn read(path: &Path) -> Result<String, CliError> {
    match crate::config::read_text(path) {
        Ok(text) => Ok(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(err) => Err(CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot read '{}': {}.", path.display(), os_reason(&err)),
        )),
    }
}

pub fn write(path: &Path, text: &str) -> Result<(), CliError> {
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

pub fn ensure_free(text: &str, path: &Path, name: &str, overwrite: bool) -> Result<(), CliError> {
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

/// Saves profile `name` (replacing it only when `overwrite`), after the checks of
/// [`check_free`].
pub fn save_profile(
    path: &Path,
    name: &str,
    token: &Token,
    (env, base_url): (Env, &str),
    overwrite: bool,
) -> Result<(), CliError> {
    let text = read(path)?;
    ensure_free(&text, path, name, overwrite)?;
    write(
        path,
        &set_profile(&text, name, &profile_keys(token, env, base_url)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> Token {
        Token::parse(&format!("AstraCS:{}:{}", "a".repeat(24), "b".repeat(64))).unwrap()
    }

    #[test]
    fn a_profile_is_saved_once_and_replaced_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".astrarc");
        check_free(&path, "dev", false).unwrap();
        save_profile(&path, "dev", &token(), (Env::Dev, ""), false).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(
            written.starts_with("[dev]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:"),
            "{written}"
        );
        assert!(written.contains("ASTRA_ENV=dev\n"), "{written}");
        let again = save_profile(&path, "dev", &token(), (Env::Prod, ""), false).unwrap_err();
        assert_eq!(again.code, ErrorCode::ValidationIssue);
        assert!(check_free(&path, "dev", false).is_err());
        assert!(check_free(&path, "dev", true).is_ok());
        assert!(check_free(&path, "other", false).is_ok());
        save_profile(&path, "dev", &token(), (Env::Prod, ""), true).unwrap();
        assert!(!std::fs::read_to_string(&path)
            .unwrap()
            .contains("ASTRA_ENV"));
    }

    #[test]
    fn a_file_that_does_not_parse_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".astrarc");
        std::fs::write(&path, "not a profile line\n").unwrap();
        let err = check_free(&path, "new", true).unwrap_err();
        assert!(
            err.details.iter().any(|d| d.contains("fix the file first")),
            "{err:?}"
        );
        assert_eq!(read(&dir.path().join("missing")).unwrap(), "");
        let unreadable = read(dir.path()).unwrap_err();
        assert_eq!(
            unreadable.code,
            ErrorCode::FileIssue,
            "a directory is not an empty file"
        );
    }

    #[test]
    fn local_profiles_keep_their_endpoint_and_prod_ones_only_the_token() {
        let token = token();
        let keys: Vec<&str> = profile_keys(&token, Env::Local, "http://x/v2")
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(keys, [env::TOKEN, env::ENV, env::LOCAL_ENDPOINT]);
        assert_eq!(profile_keys(&token, Env::Prod, "").len(), 1);
        assert_eq!(
            target_text(Env::Local, "http://x/v2"),
            "env local, endpoint http://x/v2"
        );
        assert_eq!(target_text(Env::Test, ""), "env test");
    }
}
