//! astra-cli: the `astra` command line's user and role management for DataStax Astra.
//!
//! Data flows one way: arguments ([`cli`]) → a resolved connection ([`config`]) → API calls
//! ([`api`]) from a command ([`commands`]) → a [`output::Report`] → a renderer ([`output`]).
//! [`app::run`] wires it together and returns the exit status; only `main` exits.

pub mod api;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod env;
pub mod error;
pub mod invocation;
pub mod logging;
pub mod output;
