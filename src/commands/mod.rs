//! The commands: each takes the resolved [`Context`] and its arguments and returns a [`Report`]
//! or a [`CliError`]. Commands never print; `main` renders what they return.

pub mod refs;
mod role;
mod shapes;
mod user;

use std::cell::RefCell;

use crate::api::{ApiClient, ApiError};
use crate::cli::{Command, RoleCommand, UserCommand};
use crate::config::TokenSource;
use crate::error::{CliError, ErrorCode};
pub use crate::invocation::Invocation;
use crate::output::Report;

/// Everything a command needs: the API client and what to say in messages.
pub struct Context {
    pub client: ApiClient,
    pub invocation: Invocation,
    pub source: TokenSource,
    pub is_prod: bool,
    /// Notices for stderr (not under `-q`); `main` prints them.
    pub notices: RefCell<Vec<String>>,
}

impl Context {
    pub fn notice(&self, text: impl Into<String>) {
        self.notices.borrow_mut().push(text.into());
    }

    /// Maps a failed API call to the documented error (SPEC §5), naming the token's source for
    /// 401 and 403.
    pub fn api_error(&self, err: ApiError) -> CliError {
        let typed = self.invocation.typed();
        match &err {
            ApiError::Connect { url, reason, .. } => {
                CliError::new(ErrorCode::ConnectionFailed, format!("Cannot connect to the Astra DevOps API at {url}: {reason}."))
                    .detail("The request was retried 3 times. Check your network, proxy (HTTPS_PROXY) or --local-endpoint.")
            }
            ApiError::Timeout { .. } => CliError::new(ErrorCode::TimedOut, format!("The Astra DevOps API did not answer: {err}."))
                .detail("The request was retried 3 times. Raise the limit with ASTRA_HTTP_TIMEOUT=<seconds>."),
            ApiError::BadResponse { .. } => CliError::new(ErrorCode::BadResponse, format!("Unexpected reply from the Astra DevOps API: {err}.")),
            ApiError::Status { status, .. } => match status.as_u16() {
                401 => {
                    let err = CliError::new(ErrorCode::Unauthorized, format!("The token was rejected: {err}."))
                        .detail(format!("The token came from {}; it may be expired, revoked, or for another environment.", self.source));
                    self.env_hint(err, &typed)
                }
                403 => {
                    let err = CliError::new(ErrorCode::Forbidden, format!("The token is not allowed to do this: {err}."))
                        .detail(format!("The token came from {}; its role may lack the permission this command needs.", self.source));
                    self.env_hint(err, &typed)
                }
                429 | 500..=599 => CliError::new(ErrorCode::ServerError, format!("The Astra DevOps API failed: {err}.")),
                _ => CliError::new(ErrorCode::RequestRejected, format!("The Astra DevOps API rejected the request: {err}.")),
            },
        }
    }

    fn env_hint(&self, err: CliError, typed: &str) -> CliError {
        match (&self.source, self.is_prod) {
            (TokenSource::Profile { .. }, _) => {
                err.hint("Or pass another token:", format!("{typed} --token @FILE"))
            }
            (_, true) => err.hint(
                "If the token is for a non-production environment, name it:",
                format!("{typed} --env dev"),
            ),
            _ => err,
        }
    }
}

pub async fn run(context: &Context, command: &Command) -> Result<Report, CliError> {
    match command {
        Command::User {
            command: Some(command),
        } => match command {
            UserCommand::List => user::list::run(context).await,
            UserCommand::Get(args) => user::get::run(context, args).await,
            UserCommand::Invite(args) => user::invite::run(context, args).await,
            UserCommand::Delete(args) => user::delete::run(context, args).await,
        },
        Command::Role {
            command: Some(command),
        } => match command {
            RoleCommand::List => role::list::run(context).await,
            RoleCommand::Get(args) => role::get::run(context, args).await,
        },
        // `app` prints help for a group without a subcommand before any context exists.
        Command::User { command: None } | Command::Role { command: None } => {
            Err(CliError::usage("a subcommand is required"))
        }
    }
}
