//! astra-cli: the `astra` command line's user and role management for DataStax Astra.
//!
//! Data flows one way: arguments ([`cli`]) → a [`commands::Context`] that resolves the token
//! ([`config`]) on first use → API calls ([`api`]) and lookups ([`lookup`]) from a command
//! ([`commands`]) → an [`output::Outcome`] → a renderer ([`output`]). [`app::run`] wires it
//! together and returns the exit status; only `main` exits.

pub mod access;
pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod completion;
pub mod config;
pub mod env;
pub mod error;
#[cfg(test)]
mod fixtures;
pub mod hints;
pub mod jq;
pub mod logging;
pub mod lookup;
pub mod output;
pub mod paths;
pub mod policy;
pub mod refs;
pub mod secret;
pub mod teamfile;
pub mod text;
pub mod ui;
