//! The command-line surface: clap types only. Parsing turns arguments into these values; nothing
//! here talks to the network or prints.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::config::{parse_token_arg, ConnectionRequest, Env, TokenArg};
use crate::hints::OptionSpec;
use crate::output::Format;
use crate::refs::{parse_role_ref, parse_role_refs, parse_user_ref, RoleRef, UserRef};
pub use crate::teamfile::DocumentFormat;

#[derive(Debug, Parser)]
#[command(
    name = "astra",
    version,
    about = "Manage the users and roles of a DataStax Astra organization",
    disable_version_flag = true,
    after_help = crate::env::HELP_FOOTER
)]
pub struct Cli {
    /// Print the version
    #[arg(long, action = ArgAction::Version, help_heading = "Common options")]
    pub version: Option<bool>,
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the users of the organization
    #[command(after_help = "Examples:\n# List the users of the organization\n$ astra user list")]
    User {
        #[command(subcommand)]
        command: Option<UserCommand>,
    },
    /// Inspect the roles of the organization
    #[command(after_help = "Examples:\n# List the roles of the organization\n$ astra role list")]
    Role {
        #[command(subcommand)]
        command: Option<RoleCommand>,
    },
    /// Ask for a token, check it, and save it as a profile in .astrarc
    #[command(
        after_help = "Examples:\n# Save the default profile (asks for the token, hidden)\n$ astra setup\n# Save a profile for the dev environment from a file\n$ astra setup -p dev --env dev --token @token.txt"
    )]
    Setup(SetupArgs),
    /// List, create or delete the profiles of .astrarc
    #[command(
        after_help = "Examples:\n# List the profiles, tokens masked\n$ astra config list\n# Add a profile for the emulator\n$ astra config create emu --token @token.txt --local-endpoint http://127.0.0.1:8080/v2"
    )]
    Config {
        #[command(subcommand)]
        command: Option<ConfigCommand>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n# Complete astra in bash from now on\n$ astra completions bash > ~/.local/share/bash-completion/completions/astra\n# In zsh\n$ astra completions zsh > ~/.zfunc/_astra"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    #[command(
        after_help = "Examples:\n# Install the man page\n$ astra man > ~/.local/share/man/man1/astra.1"
    )]
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the profiles, with their env and masked token
    #[command(after_help = "Examples:\n# List the profiles\n$ astra config list")]
    List,
    /// Add a profile
    #[command(
        after_help = "Examples:\n# A profile from a token file\n$ astra config create prod --token @token.txt\n# Replace a profile\n$ astra config create dev --token @dev.txt --env dev --overwrite"
    )]
    Create(ConfigCreateArgs),
    /// Remove a profile
    #[command(after_help = "Examples:\n# Remove a profile\n$ astra config delete dev")]
    Delete(ConfigDeleteArgs),
}

#[derive(Debug, Args)]
pub struct SetupArgs {}

#[derive(Debug, Args)]
pub struct ConfigCreateArgs {
    /// The profile's name
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Replace the profile if it exists
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Args)]
pub struct ConfigDeleteArgs {
    /// The profile's name
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List every user of the organization
    #[command(
        after_help = "Examples:\n# List all users\n$ astra user list\n# List all users as JSON\n$ astra user list -o json"
    )]
    List(UserListArgs),
    /// Show one user, with role names
    #[command(
        visible_alias = "describe",
        after_help = "Examples:\n# Show a user by email\n$ astra user get john@example.com\n# Show a user by id\n$ astra user get 3476f3bb-10df-4d2f-ac2b-f05c65676724"
    )]
    Get(UserGetArgs),
    /// Invite a user to an organization
    #[command(
        after_help = "Examples:\n# Invite a user with the default \"Database Administrator\" role\n$ astra user invite john@example.com\n# Invite a user with specific roles\n$ astra user invite john@example.com --role 'R/W User' --role 'Billing Admin'\n# Invite a user without failing if they already exist\n$ astra user invite john@example.com --if-not-exists"
    )]
    Invite(UserInviteArgs),
    /// Delete an existing user
    #[command(
        after_help = "Examples:\n# Delete a specific user\n$ astra user delete john@example.com\n# Delete a user without failing if they don't exist\n$ astra user delete john@example.com --if-exists"
    )]
    Delete(UserDeleteArgs),
    /// Show a user's roles, or set, add or remove some
    #[command(
        after_help = "Examples:\n# Show the roles of a user\n$ astra user roles john@example.com\n# Give a user one more role\n$ astra user roles john@example.com --add 'Billing Admin'\n# Replace all of a user's roles, showing the change first\n$ astra user roles john@example.com --set 'R/W User' --dry-run"
    )]
    Roles(UserRolesArgs),
    /// Make the organization's users match a file (CSV, JSON or TOML)
    #[command(
        after_help = "Examples:\n# Show what would change\n$ astra user apply team.toml --dry-run\n# Apply it, deleting users that are not in the file\n$ astra user apply team.toml --prune\n# Read CSV from standard input\n$ cat team.csv | astra user apply - --format csv"
    )]
    Apply(UserApplyArgs),
    /// Write the organization's users as a file that `user apply` reads back
    #[command(
        after_help = "Examples:\n# Keep the organization's users in git\n$ astra user export > team.toml\n# As CSV\n$ astra user export --format csv > team.csv"
    )]
    Export(UserExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Active,
    Invited,
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    /// Only users with this status
    #[arg(long, value_enum, ignore_case = true)]
    pub status: Option<StatusFilter>,
    /// Only users holding this role (name or id)
    #[arg(long, value_name = "ROLE", value_parser = parse_role_ref)]
    pub role: Option<RoleRef>,
    /// Only users whose email matches GLOB (case-insensitive, * is a wildcard)
    #[arg(long, value_name = "GLOB")]
    pub email: Option<String>,
}

/// How many requests may be in flight at once (SPEC §7.3).
fn parse_concurrency(raw: &str) -> Result<usize, String> {
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=64).contains(&n) => Ok(n),
        _ => Err(format!("'{raw}' is not a number from 1 to 64")),
    }
}

#[derive(Debug, Args)]
pub struct UserRolesArgs {
    /// User email/id
    #[arg(value_name = "USER", value_parser = parse_user_ref)]
    pub user: UserRef,
    /// Make the user's roles exactly these (repeatable, comma-separated)
    #[arg(long, value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs, conflicts_with_all = ["add", "remove"])]
    pub set: Vec<Vec<RoleRef>>,
    /// Add these roles (repeatable, comma-separated)
    #[arg(long, value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs)]
    pub add: Vec<Vec<RoleRef>>,
    /// Remove these roles (repeatable, comma-separated)
    #[arg(long, value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs)]
    pub remove: Vec<Vec<RoleRef>>,
    /// Show the change and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UserApplyArgs {
    /// The file to apply, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: String,
    /// The file's format (default: from its extension)
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<DocumentFormat>,
    /// Also delete the users that are not in the file (asks first; --yes without a terminal)
    #[arg(long)]
    pub prune: bool,
    /// Delete without asking (needed for --prune without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the plan and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Requests in flight at most
    #[arg(long, value_name = "N", default_value = "8", value_parser = parse_concurrency)]
    pub concurrency: usize,
}

#[derive(Debug, Args)]
pub struct UserExportArgs {
    /// The document's format
    #[arg(long, value_enum, ignore_case = true, default_value = "toml")]
    pub format: DocumentFormat,
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// List every role of the organization
    #[command(after_help = "Examples:\n# List all roles\n$ astra role list")]
    List,
    /// Show one role, with its policy
    #[command(
        visible_alias = "describe",
        after_help = "Examples:\n# Show a role by name\n$ astra role get 'R/W User'\n# Show a role by id\n$ astra role get b4ed0e9e-67e8-47b6-8b58-c6629be961a9"
    )]
    Get(RoleGetArgs),
}

#[derive(Debug, Args)]
pub struct UserGetArgs {
    /// User email/id to describe
    #[arg(value_name = "USER", value_parser = parse_user_ref)]
    pub user: UserRef,
}

#[derive(Debug, Args)]
pub struct UserInviteArgs {
    /// User email/id to invite (several may be given)
    #[arg(value_name = "USER", value_parser = parse_user_ref, required = true, num_args = 1..)]
    pub users: Vec<UserRef>,
    /// List of roles to assign the user (repeatable, comma-separated; default: Database Administrator)
    #[arg(short = 'r', long = "roles", visible_alias = "role", value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs)]
    pub roles: Vec<Vec<RoleRef>>,
    /// Do not fail if user already exists
    #[arg(long)]
    pub if_not_exists: bool,
    /// Requests in flight at most, for several users
    #[arg(long, value_name = "N", default_value = "8", value_parser = parse_concurrency)]
    pub concurrency: usize,
}

#[derive(Debug, Args)]
pub struct UserDeleteArgs {
    /// User email/id to delete (several may be given)
    #[arg(value_name = "USER", value_parser = parse_user_ref, required = true, num_args = 1..)]
    pub users: Vec<UserRef>,
    /// Do not fail if user does not exist
    #[arg(long)]
    pub if_exists: bool,
    /// Show what would be deleted and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Requests in flight at most, for several users
    #[arg(long, value_name = "N", default_value = "8", value_parser = parse_concurrency)]
    pub concurrency: usize,
}

#[derive(Debug, Args)]
pub struct RoleGetArgs {
    /// Role name/id to describe
    #[arg(value_name = "ROLE", value_parser = parse_role_ref)]
    pub role: RoleRef,
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
    #[arg(short = 'o', long, value_enum, ignore_case = true, default_value_t = Format::Human, global = true, help_heading = "Common options")]
    pub output: Format,
    /// Print a debug log on stderr (HTTP calls, retries; never the token)
    #[arg(short = 'V', long, global = true, help_heading = "Common options")]
    pub verbose: bool,
    /// Only essential output: no hints, notices or spinner
    #[arg(short = 'q', long, global = true, help_heading = "Common options")]
    pub quiet: bool,
    /// Show a spinner on stderr while waiting
    #[arg(
        long,
        overrides_with = "no_spinner",
        global = true,
        help_heading = "Common options"
    )]
    pub spinner: bool,
    /// Never show a spinner
    #[arg(long, global = true, help_heading = "Common options")]
    pub no_spinner: bool,
    /// Never prompt; use the documented default or fail
    #[arg(long, global = true, help_heading = "Common options")]
    pub no_input: bool,
    /// When to use colours
    #[arg(long, value_enum, value_name = "WHEN", num_args = 0..=1, require_equals = true, default_missing_value = "always", global = true, help_heading = "Common options")]
    pub color: Option<ColorWhen>,
    /// At exit, write the debug log (tokens masked) to FILE or to <ASTRA_HOME>/logs/
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, global = true, help_heading = "Common options")]
    pub dump_logs: Option<Option<PathBuf>>,

    /// The .astrarc file to read (also -cf PATH)
    #[arg(
        long = "config-file",
        value_name = "PATH",
        global = true,
        help_heading = "Connection options"
    )]
    pub config_file: Option<String>,
    /// The profile of the .astrarc to use
    #[arg(
        short = 'p',
        long,
        value_name = "NAME",
        global = true,
        help_heading = "Connection options"
    )]
    pub profile: Option<String>,
    /// The token, or @FILE to read it from a file, or @- to read it from stdin
    #[arg(long, value_name = "TOKEN", value_parser = parse_token_arg, global = true, help_heading = "Connection options")]
    pub token: Option<TokenArg>,
    /// The environment of the token [prod (default), dev, test, local]
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        hide_possible_values = true,
        global = true,
        help_heading = "Connection options"
    )]
    pub env: Option<Env>,
    /// Base URL for --env local (e.g. http://127.0.0.1:PORT/v2)
    #[arg(
        long,
        value_name = "URL",
        global = true,
        help_heading = "Connection options"
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
pub fn rewrite_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut after_separator = false;
    args.into_iter()
        .map(|arg| {
            if after_separator {
                return arg;
            }
            match arg.to_str() {
                Some("--") => {
                    after_separator = true;
                    arg
                }
                Some("-cf") => OsString::from("--config-file"),
                Some(text) if text.starts_with("-cf=") => {
                    OsString::from(format!("--config-file={}", &text[4..]))
                }
                _ => arg,
            }
        })
        .collect()
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
