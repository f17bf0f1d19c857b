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
use crate::config::astrarc::quote_arg;
use crate::error::{CliError, ErrorCode};
use crate::output::Report;

/// The command line as typed (without the program name), for hints such as "Example fix".
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    args: Vec<String>,
}

impl Invocation {
    pub fn new(args: Vec<String>) -> Self {
        Self { args }
    }

    /// `astra` and the arguments as given, quoted where they contain spaces, tokens masked.
    pub fn typed(&self) -> String {
        Self::format(&self.args)
    }

    /// The command as typed plus one more flag, e.g. ` --if-not-exists`.
    pub fn with_flag(&self, flag: &str) -> String {
        format!("{} {flag}", self.typed())
    }

    /// The command as typed with `from` replaced by `to` in the first argument that holds it.
    pub fn replacing(&self, from: &str, to: &str) -> String {
        let mut args = self.args.clone();
        if let Some(arg) = args.iter_mut().find(|arg| arg.contains(from)) {
            *arg = arg.replacen(from, to, 1);
        }
        Self::format(&args)
    }

    fn format(args: &[String]) -> String {
        let mut shown = vec!["astra".to_owned()];
        let mut mask_next = false;
        for arg in args {
            let arg = if mask_next && !arg.starts_with('@') {
                crate::config::token::mask(arg)
            } else if let Some(value) = arg.strip_prefix("--token=").filter(|v| !v.starts_with('@')) {
                format!("--token={}", crate::config::token::mask(value))
            } else {
                arg.clone()
            };
            mask_next = arg == "--token";
            shown.push(quote_arg(&arg));
        }
        shown.join(" ")
    }
}

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
            (TokenSource::Profile { .. }, _) => err.hint("Or pass another token:", format!("{typed} --token @FILE")),
            (_, true) => err.hint("If the token is for a non-production environment, name it:", format!("{typed} --env dev")),
            _ => err,
        }
    }
}

pub async fn run(context: &Context, command: &Command) -> Result<Report, CliError> {
    match command {
        Command::User { command: Some(command) } => match command {
            UserCommand::List => user::list::run(context).await,
            UserCommand::Get(args) => user::get::run(context, args).await,
            UserCommand::Invite(args) => user::invite::run(context, args).await,
            UserCommand::Delete(args) => user::delete::run(context, args).await,
        },
        Command::Role { command: Some(command) } => match command {
            RoleCommand::List => role::list::run(context).await,
            RoleCommand::Get(args) => role::get::run(context, args).await,
        },
        Command::User { command: None } | Command::Role { command: None } => {
            unreachable!("groups without a subcommand print help before a context exists")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_command_quotes_spaces_and_masks_literal_tokens() {
        let token = format!("AstraCS:{}:{}", "a".repeat(24), "b".repeat(64));
        let args = ["user", "invite", "a@b.c", "--roles", "R/W Svc Acct", "--token", &token].map(String::from);
        assert_eq!(
            Invocation::new(args.to_vec()).with_flag("--if-not-exists"),
            "astra user invite a@b.c --roles 'R/W Svc Acct' --token AstraCS:aaaa****bbbb --if-not-exists"
        );
        let from_file = ["user", "list", "--token", "@tok.txt", &format!("--token={token}")].map(String::from);
        assert_eq!(Invocation::new(from_file.to_vec()).typed(), "astra user list --token @tok.txt --token=AstraCS:aaaa****bbbb");
    }
}
