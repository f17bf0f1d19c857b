//! The top of the command line: the program, its global options and the spellings clap cannot
//! parse (`-cf`). Each command's own arguments live beside its `run` in `commands`; nothing here
//! talks to the network or prints.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, ValueEnum};

pub use crate::commands::Command;
use crate::config::{parse_token_arg, ConnectionRequest, Env, TokenArg};
use crate::hints::OptionSpec;
use crate::output::Format;

#[derive(Debug, Parser)]
#[command(
    name = "astra",
    version = env!("ASTRA_VERSION"),
    about = "Manage the users and roles of a DataStax Astra organization",
    disable_version_flag = true,
    after_help = crate::env::HELP_FOOTER
)]
pub struct Cli {
    /// Print the version
    #[arg(long, action = ArgAction::Version)]
    pub version: Option<bool>,
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Never,
    Always,
}

/// Options every leaf command takes, also accepted before the subcommand (SPEC §2 and §3).
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format
    #[arg(short = 'o', long, value_enum, ignore_case = true, default_value_t = Format::Human, global = true, help_heading = "Common Options")]
    pub output: Format,
    /// Print a debug log on stderr (HTTP calls, retries; never the token)
    #[arg(short = 'V', long, global = true, help_heading = "Common Options")]
    pub verbose: bool,
    /// Only essential output: no hints, notices or spinner
    #[arg(short = 'q', long, global = true, help_heading = "Common Options")]
    pub quiet: bool,
    /// Show a spinner on stderr while waiting
    #[arg(
        long,
        overrides_with = "no_spinner",
        global = true,
        help_heading = "Common Options"
    )]
    pub spinner: bool,
    /// Never show a spinner
    #[arg(long, global = true, help_heading = "Common Options")]
    pub no_spinner: bool,
    /// Never prompt; use the documented default or fail
    #[arg(long, global = true, help_heading = "Common Options")]
    pub no_input: bool,
    /// When to use colours
    #[arg(long, value_enum, value_name = "WHEN", num_args = 0..=1, require_equals = true, default_missing_value = "always", global = true, help_heading = "Common Options")]
    pub color: Option<ColorWhen>,
    /// At exit, write the debug log (tokens masked) to FILE or to <ASTRA_HOME>/logs/
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, global = true, help_heading = "Common Options")]
    pub dump_logs: Option<Option<PathBuf>>,
    /// Filter the JSON output through a jq expression: strings print raw (implies -o json)
    #[arg(
        long,
        value_name = "EXPR",
        global = true,
        help_heading = "Common Options"
    )]
    pub jq: Option<String>,

    /// The .astrarc file to read (also -cf PATH)
    #[arg(
        long = "config-file",
        value_name = "PATH",
        global = true,
        help_heading = "Connection Options"
    )]
    pub config_file: Option<String>,
    /// The profile of the .astrarc to use
    #[arg(
        short = 'p',
        long,
        value_name = "NAME",
        global = true,
        help_heading = "Connection Options",
        add = clap_complete::ArgValueCompleter::new(crate::completion::profiles)
    )]
    pub profile: Option<String>,
    /// The token, or @FILE to read it from a file, or @- to read it from stdin
    #[arg(long, value_name = "TOKEN", value_parser = parse_token_arg, global = true, help_heading = "Connection Options")]
    pub token: Option<TokenArg>,
    /// The environment of the token [prod (default), dev, test, local]
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        hide_possible_values = true,
        global = true,
        help_heading = "Connection Options"
    )]
    pub env: Option<Env>,
    /// Base URL for --env local (e.g. http://127.0.0.1:PORT/v2)
    #[arg(
        long,
        value_name = "URL",
        global = true,
        help_heading = "Connection Options"
    )]
    pub local_endpoint: Option<String>,
}

impl GlobalArgs {
    pub fn connection_request(&self) -> ConnectionRequest {
        ConnectionRequest {
            config_file: self.config_file.clone(),
            profile: self.profile.clone(),
            token: self.token.clone(),
            env: self.env,
            local_endpoint: self.local_endpoint.clone(),
        }
    }
}

/// Every spelling of every option that takes a value (`-p`, `--profile`, `--role`, `-cf`), mapped
/// to its id: what a hint needs to tell an option's value from a positional argument.
pub fn value_options() -> OptionSpec {
    use clap::CommandFactory;
    fn walk(command: &clap::Command, out: &mut Vec<(String, String)>) {
        for arg in command.get_arguments() {
            // `--color` and `--dump-logs` take a value only after `=`.
            if !arg.get_action().takes_values()
                || arg.is_positional()
                || arg.is_require_equals_set()
            {
                continue;
            }
            let id = arg.get_id().to_string();
            if let Some(short) = arg.get_short() {
                out.push((format!("-{short}"), id.clone()));
            }
            for long in arg.get_long_and_visible_aliases().into_iter().flatten() {
                out.push((format!("--{long}"), id.clone()));
            }
            for alias in arg.get_all_aliases().into_iter().flatten() {
                out.push((format!("--{alias}"), id.clone()));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut spellings = vec![("-cf".to_owned(), "config_file".to_owned())];
    walk(&Cli::command(), &mut spellings);
    OptionSpec::new(spellings)
}

/// clap has no two-letter short options: `-cf PATH` and `-cf=PATH` become `--config-file`.
/// `--color WHEN` with a space becomes `--color=WHEN` when WHEN is one of its values (SPEC §2, as
/// cargo does), so that it never swallows a USER and a bare `--color` stays `always`.
fn is_dump_logs(arg: &OsString) -> bool {
    arg.to_str()
        .is_some_and(|arg| arg == "--dump-logs" || arg.starts_with("--dump-logs="))
}

pub fn rewrite_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut args = args.into_iter().peekable();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--") => {
                out.push(arg);
                out.extend(args);
                break;
            }
            Some("-cf") => out.push(OsString::from("--config-file")),
            // The original's spellings (SPEC §2): `--no-color`; `--dump-logs=false` and
            // `--no-dump-logs` (no log file, whatever came before); `--dump-logs=true`.
            Some("--no-color") => out.push(OsString::from("--color=never")),
            Some("--no-dump-logs" | "--dump-logs=false") => {
                out.retain(|given| !is_dump_logs(given));
            }
            Some("--dump-logs=true") => out.push(OsString::from("--dump-logs")),
            Some(text) if text.starts_with("-cf=") => {
                out.push(OsString::from(format!("--config-file={}", &text[4..])))
            }
            Some("--color") => {
                let when = args
                    .peek()
                    .and_then(|next| next.to_str())
                    .filter(|next| ["auto", "never", "always"].contains(next))
                    .map(str::to_owned);
                match when {
                    Some(when) => {
                        args.next();
                        out.push(OsString::from(format!("--color={when}")));
                    }
                    None => out.push(arg),
                }
            }
            _ => out.push(arg),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_clap_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_original_s_spellings_of_color_and_dump_logs_are_accepted() {
        let rewritten = |args: &[&str]| -> Vec<String> {
            rewrite_args(args.iter().map(OsString::from))
                .into_iter()
                .map(|a| a.into_string().unwrap())
                .collect()
        };
        assert_eq!(
            rewritten(&["astra", "--no-color"]),
            ["astra", "--color=never"]
        );
        assert_eq!(
            rewritten(&[
                "astra",
                "--dump-logs",
                "user",
                "--dump-logs=/x",
                "--no-dump-logs",
                "list"
            ]),
            ["astra", "user", "list"]
        );
        assert_eq!(rewritten(&["astra", "--dump-logs=false"]), ["astra"]);
        assert_eq!(
            rewritten(&["astra", "--dump-logs=true"]),
            ["astra", "--dump-logs"]
        );
        assert_eq!(
            rewritten(&["astra", "--", "--no-color"]),
            ["astra", "--", "--no-color"],
            "after -- nothing is rewritten"
        );
    }

    #[test]
    fn color_takes_its_value_after_a_space_only_when_it_is_one() {
        let rewritten = rewrite_args(
            [
                "astra", "--color", "never", "u@x.io", "--color", "bob@x.io", "--", "--color",
                "auto",
            ]
            .map(OsString::from),
        );
        assert_eq!(
            rewritten,
            [
                "astra",
                "--color=never",
                "u@x.io",
                "--color",
                "bob@x.io",
                "--",
                "--color",
                "auto"
            ]
            .map(OsString::from)
        );
    }

    #[test]
    fn cf_is_rewritten_in_both_forms_but_not_after_a_separator() {
        let args = ["astra", "-cf", "a", "-cf=b", "--", "-cf"].map(OsString::from);
        let rewritten = rewrite_args(args);
        assert_eq!(
            rewritten,
            [
                "astra",
                "--config-file",
                "a",
                "--config-file=b",
                "--",
                "-cf"
            ]
            .map(OsString::from)
        );
    }
}
