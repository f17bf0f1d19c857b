//! Reading one profile of an `.astrarc` file (SPEC §3.1). Only the selected profile is validated.

use std::path::Path;

use ini::{Ini, ParseOption};

use super::Env;
use crate::error::{CliError, ErrorCode};
use crate::invocation::Invocation;

/// The settings of one profile, validated.
#[derive(Debug)]
pub struct Profile {
    pub token: String,
    pub env: Env,
    pub local_endpoint: Option<String>,
}

/// Parses `text` (the content of `path`) and returns the validated `profile`.
pub fn read_profile(
    path: &Path,
    text: &str,
    profile: &str,
    invocation: &Invocation,
) -> Result<Profile, CliError> {
    let shown = path.display();
    if let Some((number, line)) = first_malformed_line(text) {
        return Err(malformed(path, number, line));
    }
    let options = ParseOption {
        enabled_quote: true,
        enabled_escape: false,
        ..ParseOption::default()
    };
    let ini = Ini::load_from_str_opt(text, options).map_err(|err| {
        let line = text.lines().nth(err.line.saturating_sub(1)).unwrap_or("");
        malformed(path, err.line, line)
    })?;
    let Some(section) = ini.section(Some(profile)) else {
        let names: Vec<&str> = ini.sections().flatten().collect();
        let mut err = CliError::new(
            ErrorCode::ProfileNotFound,
            format!("Profile '{profile}' not found in '{shown}'."),
        );
        if names.is_empty() {
            err = err.detail("The file has no profiles.");
        } else {
            let listed: Vec<String> = names
                .iter()
                .take(5)
                .map(|name| format!("'{name}'"))
                .collect();
            let more = if names.len() > 5 {
                format!(" and {} more", names.len() - 5)
            } else {
                String::new()
            };
            err = err.detail(format!("Existing profiles: {}{more}.", listed.join(", ")));
            let command = if invocation.has_arg(profile) {
                invocation.replacing(profile, names[0])
            } else {
                invocation.with_flag(&format!("-p {}", quote_arg(names[0])))
            };
            err = err.hint("Use an existing profile:", command);
        }
        return Err(err);
    };
    let get = |key: &str| {
        section
            .get_all(key)
            .last()
            .map(|v| unquote(v.trim()).to_owned())
    };
    let parse_issue = |what: String| {
        CliError::new(
            ErrorCode::ParseIssue,
            format!("Profile '{profile}' in '{shown}': {what}"),
        )
    };

    let token = get(crate::env::TOKEN)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| parse_issue(format!("the key {} is missing.", crate::env::TOKEN)))?;
    let env = Env::from_setting(get(crate::env::ENV).as_deref()).map_err(parse_issue)?;
    let local_endpoint = get(crate::env::LOCAL_ENDPOINT).filter(|value| !value.is_empty());
    if env == Env::Local && local_endpoint.is_none() {
        return Err(parse_issue(format!(
            "{} is local but the key {} is missing.",
            crate::env::ENV,
            crate::env::LOCAL_ENDPOINT
        )));
    }
    Ok(Profile {
        token,
        env,
        local_endpoint,
    })
}

/// rust-ini reports some malformed lines at the end of the file; this finds the line itself.
fn first_malformed_line(text: &str) -> Option<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .find(|(_, line)| {
            let line = line.trim();
            let well_formed = line.is_empty()
                || line.starts_with('#')
                || line.starts_with(';')
                || (line.starts_with('[') && line.ends_with(']') && line.len() > 2)
                || line
                    .split_once('=')
                    .is_some_and(|(key, _)| !key.trim().is_empty());
            !well_formed
        })
}

fn malformed(path: &Path, number: usize, line: &str) -> CliError {
    CliError::new(
        ErrorCode::ParseIssue,
        format!(
            "Cannot parse '{}' at line {number}: '{}'.",
            path.display(),
            line.trim()
        ),
    )
    .detail("Each line must be a [section] header, a KEY=VALUE pair, a # comment or blank.")
}

/// Removes one pair of matching outer quotes.
pub fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// Quotes a command-line argument for display when it contains a space.
pub fn quote_arg(arg: &str) -> String {
    if arg.contains(char::is_whitespace) || arg.is_empty() {
        format!("'{arg}'")
    } else {
        arg.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, profile: &str) -> Result<Profile, CliError> {
        let invocation = Invocation::new(vec!["user".into(), "list".into()]);
        read_profile(Path::new("/home/me/.astrarc"), text, profile, &invocation)
    }

    #[test]
    fn reads_keys_trimmed_unquoted_last_wins_and_ignores_comments() {
        let text = "# comment\n\n[default]\n ASTRA_DB_APPLICATION_TOKEN = first \nASTRA_DB_APPLICATION_TOKEN=\"second\"\nASTRA_ENV=DEV\n";
        let profile = read(text, "default").unwrap();
        assert_eq!(profile.token, "second");
        assert_eq!(profile.env, Env::Dev);
    }

    #[test]
    fn a_broken_line_is_a_parse_issue_naming_path_line_and_text() {
        let err = read(
            "[default]\nASTRA_DB_APPLICATION_TOKEN=x\nthis is not ini\n",
            "default",
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::ParseIssue);
        assert_eq!(
            err.headline,
            "Cannot parse '/home/me/.astrarc' at line 3: 'this is not ini'."
        );
    }

    #[test]
    fn a_missing_profile_lists_up_to_five_existing_ones() {
        let text: String = (1..=7)
            .map(|i| format!("[p{i}]\nASTRA_DB_APPLICATION_TOKEN=x\n"))
            .collect();
        let err = read(&text, "prod").unwrap_err();
        assert_eq!(err.code, ErrorCode::ProfileNotFound);
        assert_eq!(
            err.details,
            ["Existing profiles: 'p1', 'p2', 'p3', 'p4', 'p5' and 2 more."]
        );
    }

    #[test]
    fn only_the_selected_profile_is_validated() {
        let text = "[broken]\nASTRA_ENV=mars\n[good]\nASTRA_DB_APPLICATION_TOKEN=t\n";
        assert!(read(text, "good").is_ok());
        let err = read(text, "broken").unwrap_err();
        assert_eq!(err.code, ErrorCode::ParseIssue);
        assert!(
            err.headline
                .contains("ASTRA_DB_APPLICATION_TOKEN is missing"),
            "{}",
            err.headline
        );
    }

    #[test]
    fn bad_env_and_local_without_endpoint_are_parse_issues() {
        let err = read("[d]\nASTRA_DB_APPLICATION_TOKEN=t\nASTRA_ENV=mars\n", "d").unwrap_err();
        assert!(err.headline.contains("ASTRA_ENV='mars'"));
        let err = read("[d]\nASTRA_DB_APPLICATION_TOKEN=t\nASTRA_ENV=local\n", "d").unwrap_err();
        assert!(err.headline.contains("ASTRA_LOCAL_ENDPOINT is missing"));
    }
}
