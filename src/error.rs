//! The one error type every command returns, and the one place that maps it to a code string and
//! an exit status (SPEC §5).

use crate::output::Hint;

/// The documented error codes. `code()` and `exit_status()` are the only mapping in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Usage,
    Uncaught,
    InvalidToken,
    ValidationIssue,
    UnsupportedExecution,
    FileIssue,
    ParseIssue,
    ProfileNotFound,
    TokenNotFound,
    UserNotFound,
    RoleNotFound,
    Unauthorized,
    Forbidden,
    UserAlreadyInvited,
    ConnectionFailed,
    TimedOut,
    ServerError,
    BadResponse,
    RequestRejected,
    PartialFailure,
    ExecutionCancelled,
}

impl ErrorCode {
    pub fn code(self) -> &'static str {
        match self {
            Self::Usage => "USAGE",
            Self::Uncaught => "UNCAUGHT",
            Self::InvalidToken => "INVALID_TOKEN",
            Self::ValidationIssue => "VALIDATION_ISSUE",
            Self::UnsupportedExecution => "UNSUPPORTED_EXECUTION",
            Self::FileIssue => "FILE_ISSUE",
            Self::ParseIssue => "PARSE_ISSUE",
            Self::ProfileNotFound => "PROFILE_NOT_FOUND",
            Self::TokenNotFound => "TOKEN_NOT_FOUND",
            Self::UserNotFound => "USER_NOT_FOUND",
            Self::RoleNotFound => "ROLE_NOT_FOUND",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::Forbidden => "FORBIDDEN",
            Self::UserAlreadyInvited => "USER_ALREADY_INVITED",
            Self::ConnectionFailed => "CONNECTION_FAILED",
            Self::TimedOut => "TIMED_OUT",
            Self::ServerError => "SERVER_ERROR",
            Self::BadResponse => "BAD_RESPONSE",
            Self::RequestRejected => "REQUEST_REJECTED",
            Self::PartialFailure => "PARTIAL_FAILURE",
            Self::ExecutionCancelled => "EXECUTION_CANCELLED",
        }
    }

    pub fn exit_status(self) -> u8 {
        match self {
            Self::Uncaught => 1,
            Self::Usage => 2,
            Self::InvalidToken | Self::ValidationIssue | Self::UnsupportedExecution => 3,
            Self::FileIssue | Self::ParseIssue | Self::ProfileNotFound | Self::TokenNotFound => 4,
            Self::UserNotFound | Self::RoleNotFound => 5,
            Self::Unauthorized | Self::Forbidden => 6,
            Self::UserAlreadyInvited => 7,
            Self::ConnectionFailed | Self::TimedOut | Self::ServerError | Self::BadResponse => 8,
            Self::RequestRejected => 9,
            Self::PartialFailure => 10,
            Self::ExecutionCancelled => 130,
        }
    }
}

/// An error a user can cause or meet: a headline, detail paragraphs and hints.
///
/// Rendered as `Error: <headline>`, then each detail after a blank line, then the hints; the JSON
/// and CSV `message` carry the same text.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{headline}")]
pub struct CliError {
    pub code: ErrorCode,
    pub headline: String,
    pub details: Vec<String>,
    pub hints: Vec<Hint>,
}

impl CliError {
    pub fn new(code: ErrorCode, headline: impl Into<String>) -> Self {
        Self {
            code,
            headline: headline.into(),
            details: Vec::new(),
            hints: Vec::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.details.push(detail.into());
        self
    }

    pub fn hint(self, comment: impl Into<String>, command: impl Into<String>) -> Self {
        self.with_hint(Hint::new(comment, command))
    }

    pub fn with_hint(mut self, hint: Hint) -> Self {
        self.hints.push(hint);
        self
    }

    /// A usage error: plain text on stderr and exit 2 in every output format, like clap's own.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Usage, message)
    }

    /// The whole message as the JSON/CSV `message` shows it.
    pub fn message(&self) -> String {
        let mut text = format!("Error: {}", self.headline);
        for detail in &self.details {
            text.push_str("\n\n");
            text.push_str(detail);
        }
        text
    }
}
