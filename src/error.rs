//! The one error type every command returns, and the one place that maps it to a code string and
//! an exit status (SPEC §5).

use crate::api::ApiError;
use crate::hints::{Edit, Hint, Suggestion};

/// The documented error codes. `code()` and `exit_status()` are the only mapping in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// Success: the code of a result, not of an error.
    Ok,
    Usage,
    Uncaught,
    InvalidToken,
    ValidationIssue,
    UnsupportedExecution,
    FileIssue,
    ParseIssue,
    ProfileNotFound,
    /// No credential configured anywhere (exit 4).
    TokenNotFound,
    /// A named application token's client id does not exist: the same code, exit 5 (SPEC §5).
    ClientIdNotFound,
    UserNotFound,
    RoleNotFound,
    Unauthorized,
    Forbidden,
    UserAlreadyInvited,
    RoleAlreadyExists,
    ConnectionFailed,
    TimedOut,
    ServerError,
    BadResponse,
    RequestRejected,
    PartialFailure,
    /// Stopped by SIGINT (Ctrl+C).
    ExecutionCancelled,
    /// Stopped by SIGTERM: the same code as Ctrl+C, its own exit status.
    Terminated,
    /// Standard output could not be written (a full disk, `/dev/full`).
    OutputFailed,
    /// `access check` found something at or above `--fail-on` (SPEC §1.16).
    CheckFailed,
}

impl ErrorCode {
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Usage => "USAGE",
            Self::Uncaught => "UNCAUGHT",
            Self::InvalidToken => "INVALID_TOKEN",
            Self::ValidationIssue => "VALIDATION_ISSUE",
            Self::UnsupportedExecution => "UNSUPPORTED_EXECUTION",
            Self::FileIssue => "FILE_ISSUE",
            Self::ParseIssue => "PARSE_ISSUE",
            Self::ProfileNotFound => "PROFILE_NOT_FOUND",
            Self::TokenNotFound | Self::ClientIdNotFound => "TOKEN_NOT_FOUND",
            Self::UserNotFound => "USER_NOT_FOUND",
            Self::RoleNotFound => "ROLE_NOT_FOUND",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::Forbidden => "FORBIDDEN",
            Self::UserAlreadyInvited => "USER_ALREADY_INVITED",
            Self::RoleAlreadyExists => "ROLE_ALREADY_EXISTS",
            Self::ConnectionFailed => "CONNECTION_FAILED",
            Self::TimedOut => "TIMED_OUT",
            Self::ServerError => "SERVER_ERROR",
            Self::BadResponse => "BAD_RESPONSE",
            Self::RequestRejected => "REQUEST_REJECTED",
            Self::PartialFailure => "PARTIAL_FAILURE",
            Self::ExecutionCancelled | Self::Terminated => "EXECUTION_CANCELLED",
            Self::OutputFailed => "OUTPUT_FAILED",
            Self::CheckFailed => "CHECK_FAILED",
        }
    }

    pub fn exit_status(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Uncaught | Self::OutputFailed => 1,
            Self::Usage => 2,
            Self::InvalidToken | Self::ValidationIssue | Self::UnsupportedExecution => 3,
            Self::FileIssue | Self::ParseIssue | Self::ProfileNotFound | Self::TokenNotFound => 4,
            Self::UserNotFound | Self::RoleNotFound | Self::ClientIdNotFound => 5,
            Self::Unauthorized | Self::Forbidden => 6,
            Self::UserAlreadyInvited | Self::RoleAlreadyExists => 7,
            Self::ConnectionFailed | Self::TimedOut | Self::ServerError | Self::BadResponse => 8,
            Self::RequestRejected => 9,
            Self::PartialFailure => 10,
            Self::CheckFailed => 12,
            Self::ExecutionCancelled => 130,
            Self::Terminated => 143,
        }
    }
}

/// `--dry-run --exit-code` planned at least one change (SPEC §1.8, §5): still `OK`, nothing was
/// sent; the exit status a CI drift gate branches on, as `terraform plan -detailed-exitcode`.
pub const EXIT_CHANGES_PLANNED: u8 = 11;

/// An error a user can cause or meet: a headline, detail paragraphs and hints, with the API
/// failure that caused it when there was one.
///
/// Rendered as `Error: <headline>`, then each detail after a blank line, then the hints; the JSON
/// and CSV `message` carry the same text. Hints that edit the typed command are kept as
/// [`Suggestion`]s and turned into text once, at the end, from the parsed command line.
#[derive(Debug, Clone)]
pub struct CliError {
    pub code: ErrorCode,
    pub headline: String,
    pub details: Vec<String>,
    pub suggestions: Vec<Suggestion>,
    pub source: Option<Box<ApiError>>,
    /// Every input problem a check found (SPEC §13.1): JSON `data.problems`, so that a script
    /// can read them without parsing the message.
    pub problems: Vec<Problem>,
}

/// One input problem: the item as written, what is wrong, and the closest valid value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub item: String,
    pub problem: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Problem {
    /// A problem at `line` of a file.
    pub fn new(line: usize, problem: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            item: String::new(),
            problem: problem.into(),
            suggestion: None,
        }
    }

    /// The problem is about this value.
    pub fn about(mut self, item: impl Into<String>) -> Self {
        self.item = item.into();
        self
    }

    pub fn suggesting(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// The line, or 0 for a problem of the whole document.
    pub fn line(&self) -> usize {
        self.line.unwrap_or_default()
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|err| err.as_ref() as &(dyn std::error::Error + 'static))
    }
}

impl CliError {
    pub fn new(code: ErrorCode, headline: impl Into<String>) -> Self {
        Self {
            code,
            headline: headline.into(),
            details: Vec::new(),
            suggestions: Vec::new(),
            source: None,
            problems: Vec::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.details.push(detail.into());
        self
    }

    /// A hint with fixed text.
    pub fn hint(self, comment: impl Into<String>, command: impl Into<String>) -> Self {
        self.suggest(Hint::new(comment, command))
    }

    /// A hint that edits the command as typed, e.g. adds `--if-exists`.
    pub fn fix(self, comment: impl Into<String>, edit: Edit) -> Self {
        self.suggest(Suggestion::edit(comment, edit))
    }

    pub fn suggest(mut self, suggestion: impl Into<Suggestion>) -> Self {
        self.suggestions.push(suggestion.into());
        self
    }

    /// A prompt cancelled with Ctrl+C or Esc: one rule for every prompt (SPEC §5: exit 130; only
    /// answering "no" to a confirmation is exit 0).
    pub fn cancelled() -> Self {
        Self::new(
            ErrorCode::ExecutionCancelled,
            "Cancelled; nothing was sent.",
        )
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

/// A failed API call as the documented error (SPEC §5). For 401 and 403, the token's source and
/// the environment hint are added by the caller that knows where the token came from.
/// A create that failed after it was sent (SPEC §7.2): the error, saying that `what` (`The
/// token`, `Role 'Ops'`) may exist anyway and how to check before trying again.
pub fn maybe_created(err: crate::api::ApiError, what: &str, check: String) -> CliError {
    let sent = err.may_have_been_sent();
    let err = CliError::from(err);
    if !sent {
        return err;
    }
    err.detail(format!("{what} may have been created anyway."))
        .hint("Check before trying again:", check)
}

/// `The request was retried 3 times.`, from the retry policy's own count.
fn retried() -> String {
    format!("The request was retried {} times.", crate::api::MAX_RETRIES)
}

/// Why a create that may have reached the API is not retried (SPEC §7.2).
const NOT_SENT_TWICE: &str =
    "The request may have reached Astra, and a create is never sent twice: it was not retried.";

impl From<ApiError> for CliError {
    fn from(err: ApiError) -> Self {
        let (code, headline, detail) = match &err {
            ApiError::Connect { url, reason, method, sent: true, .. } if *method == reqwest::Method::POST => (
                ErrorCode::ConnectionFailed,
                sentence(format!("Cannot connect to the Astra DevOps API at {url}: {reason}")),
                Some(NOT_SENT_TWICE.to_owned()),
            ),
            ApiError::Connect { url, reason, .. } => (
                ErrorCode::ConnectionFailed,
                sentence(format!("Cannot connect to the Astra DevOps API at {url}: {reason}")),
                Some(format!("{} Check your network, proxy (HTTPS_PROXY) or --local-endpoint.", retried())),
            ),
            ApiError::Timeout { method, .. } if *method == reqwest::Method::POST => (
                ErrorCode::TimedOut,
                sentence(format!("The Astra DevOps API did not answer: {err}")),
                Some(NOT_SENT_TWICE.to_owned()),
            ),
            ApiError::Timeout { .. } => (
                ErrorCode::TimedOut,
                sentence(format!("The Astra DevOps API did not answer: {err}")),
                Some(format!("{} Raise the limit with {}=<seconds>.", retried(), crate::env::HTTP_TIMEOUT)),
            ),
            ApiError::Untrusted { url, reason, .. } => (
                ErrorCode::ConnectionFailed,
                sentence(format!("The certificate of {url} is not trusted: {reason}")),
                Some(format!("The request was not retried. If a proxy or a corporate CA re-signs HTTPS traffic, point {} (a PEM bundle) or {} (a directory of certificates) at its CA certificate.", crate::env::SSL_CERT_FILE, crate::env::SSL_CERT_DIR)),
            ),
            ApiError::Setup { reason, file: Some((variable, path)) } => (
                ErrorCode::FileIssue,
                sentence(format!("{variable} points at '{path}', which cannot be read: {reason}")),
                Some("Point it at a PEM file of CA certificates, or unset it to use the system's.".to_owned()),
            ),
            ApiError::Setup { reason, file: None } => (
                ErrorCode::ConnectionFailed,
                sentence(format!("Cannot set up the HTTPS client: {reason}")),
                Some(format!("Check {} and {}, which name the CA certificates to trust.", crate::env::SSL_CERT_FILE, crate::env::SSL_CERT_DIR)),
            ),
            ApiError::BadResponse { .. } => (
                ErrorCode::BadResponse,
                sentence(format!("Unexpected reply from the Astra DevOps API: {err}")),
                None,
            ),
            ApiError::Status { status, .. } => match status.as_u16() {
                401 => (ErrorCode::Unauthorized, sentence(format!("The token was rejected: {err}")), None),
                403 => (ErrorCode::Forbidden, sentence(format!("The token is not allowed to do this: {err}")), None),
                429 | 500..=599 => (ErrorCode::ServerError, sentence(format!("The Astra DevOps API failed: {err}")), None),
                _ => (ErrorCode::RequestRejected, sentence(format!("The Astra DevOps API rejected the request: {err}")), None),
            },
        };
        let mut error = Self::new(code, headline);
        if let Some(detail) = detail {
            error = error.detail(detail);
        }
        error.source = Some(Box::new(err));
        error
    }
}

/// Ends a sentence with a full stop, unless the text quoted at its end already has one (an
/// API message `…for this organization.` must not become `…organization..`).
pub fn sentence(mut text: String) -> String {
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_message_that_ends_a_sentence_gets_no_second_full_stop() {
        let api = ApiError::Status {
            method: reqwest::Method::PUT,
            path: "/organizations/users".into(),
            status: reqwest::StatusCode::BAD_REQUEST,
            api_message: Some("role not allowed for this organization.".into()),
            retry_after: None,
        };
        let headline = CliError::from(api).headline;
        assert!(headline.ends_with("for this organization."), "{headline}");
        assert!(!headline.ends_with(".."), "{headline}");
        assert_eq!(sentence("done?".into()), "done?");
        assert_eq!(sentence("done".into()), "done.");
    }

    #[test]
    fn an_api_failure_keeps_its_cause_and_shows_its_headline() {
        let api = ApiError::Status {
            method: reqwest::Method::GET,
            path: "/organizations/users".into(),
            status: reqwest::StatusCode::BAD_GATEWAY,
            api_message: Some("upstream".into()),
            retry_after: None,
        };
        let err = CliError::from(api);
        assert_eq!(err.code, ErrorCode::ServerError);
        assert_eq!(err.to_string(), err.headline);
        assert_eq!(
            err.to_string(),
            "The Astra DevOps API failed: GET /organizations/users returned 502 Bad Gateway: upstream."
        );
        let cause = err.source().expect("the API error is the cause");
        assert!(cause.to_string().contains("502 Bad Gateway"));
        assert!(CliError::usage("x").source().is_none());
    }

    #[test]
    fn a_post_that_may_have_arrived_says_it_was_not_retried() {
        let connect = |method: reqwest::Method, sent: bool| ApiError::Connect {
            method,
            path: "/clientIdSecrets".into(),
            url: "http://x/v2".into(),
            reason: "reset".into(),
            sent,
        };
        let timeout = |method: reqwest::Method| ApiError::Timeout {
            method,
            path: "/clientIdSecrets".into(),
            seconds: 5,
        };
        for (api, not_retried) in [
            (connect(reqwest::Method::POST, true), true),
            (connect(reqwest::Method::POST, false), false),
            (connect(reqwest::Method::GET, true), false),
            (timeout(reqwest::Method::POST), true),
            (timeout(reqwest::Method::GET), false),
        ] {
            let said = CliError::from(api.clone()).details.join(" ");
            assert_eq!(said.contains(NOT_SENT_TWICE), not_retried, "{api:?}");
            assert_eq!(said.contains("retried 3 times"), !not_retried, "{api:?}");
        }
    }

    /// SPEC §5's table, row by row: scripts branch on these.
    #[test]
    fn every_code_has_its_documented_name_and_exit_status() {
        use ErrorCode::*;
        let table = [
            (Ok, "OK", 0),
            (Uncaught, "UNCAUGHT", 1),
            (OutputFailed, "OUTPUT_FAILED", 1),
            (Usage, "USAGE", 2),
            (InvalidToken, "INVALID_TOKEN", 3),
            (ValidationIssue, "VALIDATION_ISSUE", 3),
            (UnsupportedExecution, "UNSUPPORTED_EXECUTION", 3),
            (FileIssue, "FILE_ISSUE", 4),
            (ParseIssue, "PARSE_ISSUE", 4),
            (ProfileNotFound, "PROFILE_NOT_FOUND", 4),
            (TokenNotFound, "TOKEN_NOT_FOUND", 4),
            (ClientIdNotFound, "TOKEN_NOT_FOUND", 5),
            (UserNotFound, "USER_NOT_FOUND", 5),
            (RoleNotFound, "ROLE_NOT_FOUND", 5),
            (Unauthorized, "UNAUTHORIZED", 6),
            (Forbidden, "FORBIDDEN", 6),
            (UserAlreadyInvited, "USER_ALREADY_INVITED", 7),
            (RoleAlreadyExists, "ROLE_ALREADY_EXISTS", 7),
            (ConnectionFailed, "CONNECTION_FAILED", 8),
            (TimedOut, "TIMED_OUT", 8),
            (ServerError, "SERVER_ERROR", 8),
            (BadResponse, "BAD_RESPONSE", 8),
            (RequestRejected, "REQUEST_REJECTED", 9),
            (PartialFailure, "PARTIAL_FAILURE", 10),
            (ExecutionCancelled, "EXECUTION_CANCELLED", 130),
            (Terminated, "EXECUTION_CANCELLED", 143),
        ];
        for (code, name, exit) in table {
            assert_eq!((code.code(), code.exit_status()), (name, exit), "{code:?}");
        }
    }

    fn status(code: u16, message: Option<&str>) -> CliError {
        CliError::from(ApiError::Status {
            method: reqwest::Method::PUT,
            path: "/organizations/users".into(),
            status: reqwest::StatusCode::from_u16(code).unwrap(),
            api_message: message.map(str::to_owned),
            retry_after: None,
        })
    }

    #[test]
    fn each_http_status_maps_to_its_code_with_the_apis_message() {
        let cases = [
            (401, ErrorCode::Unauthorized, "The token was rejected: PUT /organizations/users returned 401 Unauthorized: no."),
            (403, ErrorCode::Forbidden, "The token is not allowed to do this: PUT /organizations/users returned 403 Forbidden: no."),
            (429, ErrorCode::ServerError, "The Astra DevOps API failed: PUT /organizations/users returned 429 Too Many Requests: no."),
            (500, ErrorCode::ServerError, "The Astra DevOps API failed: PUT /organizations/users returned 500 Internal Server Error: no."),
            (599, ErrorCode::ServerError, "The Astra DevOps API failed: PUT /organizations/users returned 599 <unknown status code>: no."),
            (400, ErrorCode::RequestRejected, "The Astra DevOps API rejected the request: PUT /organizations/users returned 400 Bad Request: no."),
            (409, ErrorCode::RequestRejected, "The Astra DevOps API rejected the request: PUT /organizations/users returned 409 Conflict: no."),
        ];
        for (code, expected, headline) in cases {
            let err = status(code, Some("no"));
            assert_eq!((err.code, err.headline.as_str()), (expected, headline));
            assert!(err.details.is_empty());
        }
        assert_eq!(
            status(404, None).headline,
            "The Astra DevOps API rejected the request: PUT /organizations/users returned 404 Not Found."
        );
    }

    #[test]
    fn transport_failures_say_what_was_tried_and_what_to_check() {
        let get = || reqwest::Method::GET;
        let path = || "/p".to_owned();
        let table = [
            (
                ApiError::Connect { method: get(), path: path(), url: "http://h:1/v2".into(), reason: "refused".into(), sent: false },
                ErrorCode::ConnectionFailed,
                "Cannot connect to the Astra DevOps API at http://h:1/v2: refused.",
                Some("retried 3 times"),
            ),
            (
                ApiError::Timeout { method: get(), path: path(), seconds: 30 },
                ErrorCode::TimedOut,
                "The Astra DevOps API did not answer: GET /p timed out after 30 s.",
                Some("ASTRA_HTTP_TIMEOUT"),
            ),
            (
                ApiError::Untrusted { method: get(), path: path(), url: "https://h".into(), reason: "unknown issuer".into() },
                ErrorCode::ConnectionFailed,
                "The certificate of https://h is not trusted: unknown issuer.",
                Some("SSL_CERT_FILE"),
            ),
            (
                ApiError::Setup { reason: "no such file".into(), file: Some(("SSL_CERT_FILE", "/x.pem".into())) },
                ErrorCode::FileIssue,
                "SSL_CERT_FILE points at '/x.pem', which cannot be read: no such file.",
                Some("PEM file"),
            ),
            (
                ApiError::Setup { reason: "bad".into(), file: None },
                ErrorCode::ConnectionFailed,
                "Cannot set up the HTTPS client: bad.",
                Some("SSL_CERT_DIR"),
            ),
            (
                ApiError::BadResponse { method: get(), path: path(), reason: "EOF".into() },
                ErrorCode::BadResponse,
                "Unexpected reply from the Astra DevOps API: the response to GET /p is not the documented JSON: EOF.",
                None,
            ),
        ];
        for (api, code, headline, detail) in table {
            let err = CliError::from(api);
            assert_eq!((err.code, err.headline.as_str()), (code, headline));
            match detail {
                Some(fragment) => assert!(err.details[0].contains(fragment), "{headline}"),
                None => assert!(err.details.is_empty(), "{headline}"),
            }
        }
    }
}
