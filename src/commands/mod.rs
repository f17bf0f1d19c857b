//! The commands: each takes the [`Context`] and its arguments and returns an [`Outcome`] or a
//! [`CliError`]. Commands never print to stdout; `app` renders what they return.

mod access;
pub mod batch;
mod completions;
mod config;
mod context;
mod files;
mod man;
mod org;
mod pickers;
mod profiles;
mod role;
mod setup;
mod token;
pub mod user;

use clap::Subcommand;

use crate::error::CliError;
use crate::output::Outcome;

pub use context::{Context, Credential};

/// The commands under `astra`; a group's own subcommands are in its module.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the users of the organization
    #[command(after_help = "Examples:\n# List the users of the organization\n$ astra user list")]
    User {
        #[command(subcommand)]
        command: Option<user::UserCommand>,
    },
    /// List and show the roles, and create, update or delete custom ones
    #[command(after_help = "Examples:\n# List the roles of the organization\n$ astra role list")]
    Role {
        #[command(subcommand)]
        command: Option<role::RoleCommand>,
    },
    /// Who can do what: a user's or token's grants, who holds an action, reviews and checks
    #[command(
        after_help = "Examples:\n# What can this user do?\n$ astra access show jane@example.com\n# Who can delete databases?\n$ astra access who-can org-db-terminate\n# The access review, for a spreadsheet\n$ astra access report -o csv > review.csv\n# A policy gate in CI (exit 12 on a finding)\n$ astra access check --policy access-policy.toml --fail-on warning"
    )]
    Access {
        #[command(subcommand)]
        command: Option<access::AccessCommand>,
    },
    /// Show, list, create or revoke application tokens
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:\n# Print the token in use\n$ astra token\n# List the organization's tokens\n$ astra token list\n# Create a token for CI and keep it as a profile\n$ astra token create -r 'R/W User' -d ci --save-profile ci"
    )]
    Token(token::TokenArgs),
    /// Show the organization: its name and id
    #[command(
        after_help = "Examples:\n# Show the organization\n$ astra org\n# Print its id\n$ astra org id"
    )]
    Org {
        #[command(subcommand)]
        command: Option<org::OrgCommand>,
    },
    /// Ask for a token, check it, and save it as a profile in .astrarc
    #[command(
        after_help = "Examples:\n# Save the default profile (asks for the token, hidden)\n$ astra setup\n# Save a profile for the dev environment from a file\n$ astra setup -p dev --env dev --token @token.txt"
    )]
    Setup(setup::SetupArgs),
    /// List, create or delete the profiles of .astrarc
    #[command(
        after_help = "Examples:\n# List the profiles, tokens masked\n$ astra config list\n# Add a profile for the emulator\n$ astra config create emu --token @token.txt --local-endpoint http://127.0.0.1:8080/v2"
    )]
    Config {
        #[command(subcommand)]
        command: Option<config::ConfigCommand>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n# Complete astra in bash from now on\n$ astra completions bash > ~/.local/share/bash-completion/completions/astra\n# In zsh\n$ astra completions zsh > ~/.zfunc/_astra"
    )]
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), or write one page per command
    #[command(
        after_help = "Examples:\n# Install the man pages\n$ mkdir -p ~/.local/share/man/man1 && astra man --all ~/.local/share/man/man1\n# Read one without installing it\n$ astra man | man -l -"
    )]
    Man(man::ManArgs),
}

impl Command {
    /// The group typed without a subcommand (`astra user`), whose help is printed instead.
    pub fn bare_group(&self) -> Option<&'static str> {
        match self {
            Command::User { command: None } => Some("user"),
            Command::Role { command: None } => Some("role"),
            Command::Config { command: None } => Some("config"),
            Command::Access { command: None } => Some("access"),
            _ => None,
        }
    }
}

/// Takes back a change whose outcome stdout could not take (see [`crate::output::Undo`]): the
/// line that says so.
pub async fn undo(context: &Context, undo: &crate::output::Undo) -> Result<String, CliError> {
    match undo {
        crate::output::Undo::DeleteToken { client_id, kept } => {
            token::rotate::delete_unwritten(context, client_id, kept).await
        }
    }
}

pub async fn run(context: &Context, command: &Command) -> Result<Outcome, CliError> {
    let result = match command {
        Command::User {
            command: Some(command),
        } => user::run(context, command).await,
        Command::Role {
            command: Some(command),
        } => role::run(context, command).await,
        Command::Config {
            command: Some(command),
        } => config::run(context, command),
        Command::Access {
            command: Some(command),
        } => access::run(context, command).await,
        Command::Token(args) => token::run(context, args).await,
        Command::Org { command } => org::run(context, command.as_ref()).await,
        Command::Setup(args) => setup::run(context, args).await,
        Command::Completions(args) => completions::run(context, args),
        Command::Man(args) => man::run(context, args),
        // `app` prints help for a group without a subcommand before any context exists.
        Command::User { command: None }
        | Command::Role { command: None }
        | Command::Config { command: None }
        | Command::Access { command: None } => Err(CliError::usage("a subcommand is required")),
    };
    result.map_err(|err| context.explain(err))
}
