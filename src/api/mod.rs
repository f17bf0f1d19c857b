//! The DevOps API client: one connection pool per process, the headers and timeouts of SPEC §7.1,
//! the retries of §7.2, and typed calls for the endpoints of §9.

pub mod models;
mod retry;
pub use retry::{RetryWait, MAX_RETRIES};
pub mod throttle;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::debug;

use crate::secret::Secret;
use models::{
    CreatedToken, CurrentOrg, ErrorBody, Invitation, NewToken, Role, RoleAssignment,
    RoleDefinition, TokenList, User, UserList, UserListing,
};

const USER_AGENT: &str = concat!("astra-cli/", env!("CARGO_PKG_VERSION"), " (rust)");

/// Why a call failed. The token never appears here.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("cannot connect to {url} ({method} {path}): {reason}")]
    Connect {
        method: Method,
        path: String,
        url: String,
        reason: String,
        /// The request may have reached the server (the connection broke after it was sent).
        sent: bool,
    },
    #[error("{method} {path} timed out after {seconds} s")]
    Timeout {
        method: Method,
        path: String,
        seconds: u64,
    },
    #[error("{method} {path} returned {status}{}", api_message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Status {
        method: Method,
        path: String,
        status: StatusCode,
        api_message: Option<String>,
        retry_after: Option<Duration>,
    },
    /// The server's certificate is not trusted (not transient: never retried).
    #[error("the certificate of {url} is not trusted ({method} {path}): {reason}")]
    Untrusted {
        method: Method,
        path: String,
        url: String,
        reason: String,
    },
    /// The client could not be set up; `file` names a CA variable and the path it points at.
    #[error("cannot set up the HTTPS client: {reason}")]
    Setup {
        reason: String,
        file: Option<(&'static str, String)>,
    },
    #[error("the response to {method} {path} is not the documented JSON: {reason}")]
    BadResponse {
        method: Method,
        path: String,
        reason: String,
    },
}

impl ApiError {
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request may have been carried out although the answer says nothing of it: no
    /// answer came back (a timeout, a connection that broke after sending) or a 5xx, which says
    /// the server failed, not that it did nothing. A create may have happened (SPEC §7.2), and
    /// is never retried.
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Connect { sent: true, .. } => true,
            Self::Status { status, .. } => status.is_server_error(),
            _ => false,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }
}

/// Told of each retry before its wait (the spinner, or a line on stderr: SPEC §7.2).
pub type RetryListener = std::sync::Arc<dyn Fn(&RetryWait) + Send + Sync>;

/// A list the client has just read whole: the one place the completion caches are refreshed from.
pub enum Listed<'a> {
    Roles(&'a [Role]),
    Users(&'a [models::ListedUser<'a>]),
}

/// Told of every list read whole (`GET /organizations/roles`, `GET /organizations/users`).
pub type ListListener = std::sync::Arc<dyn Fn(Listed<'_>) + Send + Sync>;

/// How the client behaves; the caller reads these from the environment (SPEC §7.1).
#[derive(Clone)]
pub struct ClientSettings {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Test knob: retry without waiting (the delays are still computed and logged).
    pub no_retry_delay: bool,
    /// Shows a retry to the person waiting (the spinner's step).
    pub on_retry: Option<RetryListener>,
    /// The process-wide cap and shared wait (SPEC §13.3).
    pub throttle: std::sync::Arc<throttle::Throttle>,
    /// Told of each list read whole (the completion caches of role names and emails).
    pub on_listed: Option<ListListener>,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            no_retry_delay: false,
            on_retry: None,
            throttle: std::sync::Arc::default(),
            on_listed: None,
        }
    }
}

pub struct ApiClient {
    http: reqwest::Client,
    base_url: String,
    token: Secret,
    settings: ClientSettings,
}

/// A successful reply's status and body.
struct Reply {
    status: StatusCode,
    body: Vec<u8>,
}

/// The most a `Content-Length` may reserve up front: a larger body still arrives whole, in
/// steps, but a lying header cannot make the client reserve gigabytes.
const MAX_RESERVED_BODY: u64 = 64 << 20;

/// What reads a successful reply's body as it arrives: the whole body for most calls, a scan
/// that keeps only what it needs for a lookup in a long list.
pub trait BodySink {
    type Output;
    /// Called once before the first piece, with the length the reply announces.
    fn begin(&mut self, _announced: Option<u64>) {}
    /// Takes the next piece of the body; `false` when the rest is not needed.
    fn take(&mut self, piece: &[u8]) -> bool;
    fn end(self, status: StatusCode) -> Self::Output;
}

/// The whole body, in one buffer sized from `Content-Length`: `Response::bytes` would gather the
/// chunks and then copy them into a second buffer (twice the memory at 100,000 users).
#[derive(Default)]
struct Collect(Vec<u8>);

impl BodySink for Collect {
    type Output = Reply;

    fn begin(&mut self, announced: Option<u64>) {
        let reserved = announced.unwrap_or(0).min(MAX_RESERVED_BODY);
        self.0.reserve(usize::try_from(reserved).unwrap_or(0));
    }

    fn take(&mut self, piece: &[u8]) -> bool {
        self.0.extend_from_slice(piece);
        true
    }

    fn end(self, status: StatusCode) -> Reply {
        Reply {
            status,
            body: self.0,
        }
    }
}

/// Feeds the body to `sink` piece by piece until it ends or the sink has what it needs.
async fn pour(mut response: reqwest::Response, sink: &mut impl BodySink) -> reqwest::Result<()> {
    while let Some(chunk) = response.chunk().await? {
        if !sink.take(&chunk) {
            break;
        }
    }
    Ok(())
}

/// An error reply's whole body, for its message.
async fn read_body(response: reqwest::Response) -> reqwest::Result<Vec<u8>> {
    let mut body = Collect::default();
    body.begin(response.content_length());
    pour(response, &mut body).await?;
    Ok(body.0)
}

impl ApiClient {
    /// A client for `base_url`. Only an `https://` endpoint loads the system's CA certificates
    /// (with `SSL_CERT_FILE`/`SSL_CERT_DIR`); plain `http://` (the emulator) never does, which
    /// saves the time and cannot fail on a broken CA setting.
    pub fn new(base_url: &str, token: Secret, settings: ClientSettings) -> Result<Self, ApiError> {
        // reqwest is built without a default crypto provider so that only ring is compiled in.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout);
        if base_url.starts_with("https://") {
            check_ca_file()?;
        } else {
            builder = builder.tls_certs_only(Vec::new());
        }
        // SPEC §6: a proxy would reach its own loopback, not ours, and the token would cross it.
        if is_loopback(base_url) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|err| ApiError::Setup {
            reason: root_cause(&err),
            file: None,
        })?;
        debug!(base_url, "HTTP client ready");
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            token,
            settings,
        })
    }

    /// The users list, owned.
    pub async fn list_users(&self) -> Result<UserList, ApiError> {
        let listing = self.user_listing().await?;
        listing
            .borrow_dependent()
            .to_list()
            .map_err(|err| ApiError::listing(&err))
    }

    /// The users list read in place, holding its body: for the commands that only read it.
    pub async fn user_listing(&self) -> Result<Listing, ApiError> {
        let reply = self.send::<()>(Method::GET, USERS, None).await?;
        let (status, empty) = (reply.status, reply.body.is_empty());
        let listing = Listing::try_new(reply.body, |body| serde_json::from_slice(body))
            .map_err(|err| parse_error(&Method::GET, USERS, status, empty, err))?;
        self.listed(Listed::Users(&listing.borrow_dependent().users));
        Ok(listing)
    }

    /// The users list read into a sink as it arrives (a new sink for each attempt).
    pub async fn scan_users<S: BodySink>(
        &self,
        sink: impl Fn() -> S,
    ) -> Result<S::Output, ApiError> {
        self.send_into::<(), S>(Method::GET, USERS, None, sink)
            .await
    }

    pub async fn get_user(&self, id: &str) -> Result<User, ApiError> {
        self.get_json(&format!("/organizations/users/{id}")).await
    }

    pub async fn invite(&self, invitation: &Invitation<'_>) -> Result<(), ApiError> {
        self.send(Method::PUT, "/organizations/users", Some(invitation))
            .await
            .map(drop)
    }

    /// Deletes a user (or revokes an invitation). `Ok(false)`: there was no such user.
    pub async fn delete_user(&self, id: &str) -> Result<bool, ApiError> {
        self.delete(&format!("/organizations/users/{id}")).await
    }

    /// Replaces all of a user's roles (a desired-state list).
    pub async fn set_roles(
        &self,
        user_id: &str,
        roles: &RoleAssignment<'_>,
    ) -> Result<(), ApiError> {
        self.send(
            Method::PUT,
            &format!("/organizations/users/{user_id}/roles"),
            Some(roles),
        )
        .await
        .map(drop)
    }

    pub async fn list_roles(&self) -> Result<Vec<Role>, ApiError> {
        let roles: Vec<Role> = self.get_json("/organizations/roles").await?;
        self.listed(Listed::Roles(&roles));
        Ok(roles)
    }

    fn listed(&self, list: Listed<'_>) {
        if let Some(listener) = &self.settings.on_listed {
            listener(list);
        }
    }

    pub async fn get_role(&self, id: &str) -> Result<Role, ApiError> {
        self.get_json(&format!("/organizations/roles/{id}")).await
    }

    pub async fn current_org(&self) -> Result<CurrentOrg, ApiError> {
        self.get_json("/currentOrg").await
    }

    pub async fn list_tokens(&self) -> Result<TokenList, ApiError> {
        self.get_json("/clientIdSecrets").await
    }

    /// Creates an application token; never retried once sent (a retry would mint a second one).
    pub async fn create_token(&self, token: &NewToken<'_>) -> Result<CreatedToken, ApiError> {
        let path = "/clientIdSecrets";
        let reply = self.send(Method::POST, path, Some(token)).await?;
        let raw: serde_json::Value = parse_body(&Method::POST, path, &reply)?;
        let field = |key: &str| raw.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        match (field("clientId"), field("token")) {
            (Some(client_id), Some(token)) => Ok(CreatedToken {
                client_id,
                secret: field("secret").unwrap_or_default(),
                token,
                raw,
            }),
            _ => Err(ApiError::BadResponse {
                method: Method::POST,
                path: path.to_owned(),
                reason: "the answer has no clientId or token".to_owned(),
            }),
        }
    }

    /// Revokes a token. `Ok(false)`: there was no such client id.
    pub async fn delete_token(&self, client_id: &str) -> Result<bool, ApiError> {
        self.delete(&format!("/clientIdSecrets/{client_id}")).await
    }

    pub async fn create_role(&self, role: &RoleDefinition<'_>) -> Result<Role, ApiError> {
        let path = "/organizations/roles";
        let reply = self.send(Method::POST, path, Some(role)).await?;
        parse_body(&Method::POST, path, &reply)
    }

    pub async fn update_role(&self, id: &str, role: &RoleDefinition<'_>) -> Result<(), ApiError> {
        self.send(
            Method::PUT,
            &format!("/organizations/roles/{id}"),
            Some(role),
        )
        .await
        .map(drop)
    }

    /// Deletes a custom role. `Ok(false)`: there was no such role.
    pub async fn delete_role(&self, id: &str) -> Result<bool, ApiError> {
        self.delete(&format!("/organizations/roles/{id}")).await
    }

    /// A `DELETE` whose 404 means "not there": `Ok(false)`.
    async fn delete(&self, path: &str) -> Result<bool, ApiError> {
        match self.send::<()>(Method::DELETE, path, None).await {
            Ok(_) => Ok(true),
            Err(err) if err.is_not_found() => Ok(false),
            Err(err) => Err(err),
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let reply = self.send::<()>(Method::GET, path, None).await?;
        parse_body(&Method::GET, path, &reply)
    }

    /// Sends one call with retries. A DELETE that gets 404 after an earlier attempt may have
    /// succeeded is reported as deleted (SPEC §7.2).
    async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Reply, ApiError> {
        let attempts = std::cell::Cell::new(0u32);
        let outcome = self
            .send_into(method.clone(), path, body, || {
                attempts.set(attempts.get() + 1);
                Collect::default()
            })
            .await;
        match outcome {
            Err(err) if method == Method::DELETE && err.is_not_found() && attempts.get() > 1 => {
                debug!(
                    "{method} {path}: 404 after a retried attempt; the earlier attempt deleted it"
                );
                Ok(Reply {
                    status: StatusCode::NO_CONTENT,
                    body: Vec::new(),
                })
            }
            other => other,
        }
    }

    /// Sends one call with retries, each attempt's successful body read into a new sink.
    async fn send_into<B: Serialize, S: BodySink>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        sink: impl Fn() -> S,
    ) -> Result<S::Output, ApiError> {
        retry::run(
            &self.settings.throttle,
            &method,
            self.settings.no_retry_delay,
            self.settings.on_retry.as_ref(),
            || self.attempt(method.clone(), path, body, sink()),
        )
        .await
    }

    async fn attempt<B: Serialize, S: BodySink>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        mut sink: S,
    ) -> Result<S::Output, ApiError> {
        let url = format!("{}{path}", self.base_url);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        debug!(
            "{method} {url} (Authorization: Bearer {})",
            crate::secret::mask(self.token.expose())
        );
        let started = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|err| self.transport_error(&method, path, &url, &err))?;
        let status = response.status();
        let retry_after = retry::retry_after(response.headers());
        let read = if status.is_success() {
            sink.begin(response.content_length());
            pour(response, &mut sink).await.map(|()| Vec::new())
        } else {
            read_body(response).await
        };
        let body = read.map_err(|err| self.transport_error(&method, path, &url, &err))?;
        debug!(
            "{method} {path} -> {status} in {} ms",
            started.elapsed().as_millis()
        );
        if status.is_success() {
            return Ok(sink.end(status));
        }
        Err(ApiError::Status {
            method,
            path: path.to_owned(),
            status,
            api_message: api_message(&body),
            retry_after,
        })
    }

    fn transport_error(
        &self,
        method: &Method,
        path: &str,
        url: &str,
        err: &reqwest::Error,
    ) -> ApiError {
        if err.is_timeout() {
            return ApiError::Timeout {
                method: method.clone(),
                path: path.to_owned(),
                seconds: self.settings.request_timeout.as_secs().max(1),
            };
        }
        if let Some(reason) = certificate_problem(err) {
            return ApiError::Untrusted {
                method: method.clone(),
                path: path.to_owned(),
                url: url.to_owned(),
                reason,
            };
        }
        ApiError::Connect {
            method: method.clone(),
            path: path.to_owned(),
            url: url.to_owned(),
            reason: root_cause(err),
            sent: !err.is_connect(),
        }
    }
}

/// `localhost`, `127.0.0.0/8` or `[::1]`: reached directly, never through a proxy.
fn is_loopback(base_url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

const USERS: &str = "/organizations/users";

self_cell::self_cell!(
    /// `GET /organizations/users` as [`UserListing`], borrowing from the body it owns.
    pub struct Listing {
        owner: Vec<u8>,
        #[covariant]
        dependent: UserListing,
    }
);

impl ApiError {
    /// `BAD_RESPONSE` for a users list whose roles did not parse.
    pub fn listing(err: &serde_json::Error) -> Self {
        Self::listing_unreadable(err.to_string())
    }

    /// `BAD_RESPONSE` for a users list that could not be read, and why.
    pub fn listing_unreadable(reason: String) -> Self {
        bad_response(&Method::GET, USERS, reason)
    }
}

impl Listing {
    /// Reads every user's roles once: a role the API described wrongly is `BAD_RESPONSE`.
    pub fn check_roles(&self) -> Result<(), ApiError> {
        for user in &self.borrow_dependent().users {
            user.roles().map_err(|err| ApiError::listing(&err))?;
        }
        Ok(())
    }
}

/// A reply's JSON body, or `BAD_RESPONSE` saying why not.
fn parse_body<T: DeserializeOwned>(
    method: &Method,
    path: &str,
    reply: &Reply,
) -> Result<T, ApiError> {
    serde_json::from_slice(&reply.body)
        .map_err(|err| parse_error(method, path, reply.status, reply.body.is_empty(), err))
}

/// `BAD_RESPONSE` for a body that did not parse; an empty one is named as such.
fn parse_error(
    method: &Method,
    path: &str,
    status: StatusCode,
    empty: bool,
    err: serde_json::Error,
) -> ApiError {
    let reason = if empty {
        format!("empty body with status {status}")
    } else {
        err.to_string()
    };
    bad_response(method, path, reason)
}

fn bad_response(method: &Method, path: &str, reason: String) -> ApiError {
    ApiError::BadResponse {
        method: method.clone(),
        path: path.to_owned(),
        reason,
    }
}

/// SPEC §6: a `SSL_CERT_FILE` that is set but missing or unreadable is named, not a vague
/// builder error.
fn check_ca_file() -> Result<(), ApiError> {
    let Some(path) = std::env::var_os(crate::env::SSL_CERT_FILE).filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let shown = path.to_string_lossy().into_owned();
    std::fs::File::open(&path)
        .map(drop)
        .map_err(|err| ApiError::Setup {
            reason: crate::text::os_reason(&err),
            file: Some((crate::env::SSL_CERT_FILE, shown)),
        })
}

/// A TLS certificate failure in the error's chain. rustls's error arrives wrapped in
/// `io::Error`s (twice, through hyper), and an `io::Error`'s `source` skips what it wraps, so the
/// walk opens each one instead.
fn certificate_problem(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = Some(err);
    while let Some(link) = current {
        if let Some(rustls::Error::InvalidCertificate(why)) = link.downcast_ref::<rustls::Error>() {
            return Some(format!("invalid peer certificate: {why:?}"));
        }
        current = match link
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => link.source(),
        };
    }
    None
}

/// The API's own `errors[].message` text, or a plain-text body, if any.
fn api_message(body: &[u8]) -> Option<String> {
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        let messages: Vec<String> = parsed
            .errors
            .into_iter()
            .filter_map(|e| e.message)
            .collect();
        if !messages.is_empty() {
            return Some(messages.join("; "));
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() || text.starts_with('{') || text.starts_with('<') {
        return None;
    }
    Some(text.chars().take(200).collect())
}

/// The innermost cause, which is where the OS's reason ("Connection refused") lives.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(source) = current.source() {
        current = source;
    }
    let text = current.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_is_localhost_127_slash_8_and_ipv6_one() {
        for url in [
            "http://localhost:1/v2",
            "https://LOCALHOST/v2",
            "http://127.0.0.1:8/v2",
            "http://127.9.9.9/v2",
            "http://[::1]:80/v2",
        ] {
            assert!(super::is_loopback(url), "{url}");
        }
        for url in [
            "https://api.astra.datastax.com/v2",
            "http://128.0.0.1/v2",
            "http://localhost.example/v2",
            "http://[::2]/v2",
            "not a url",
        ] {
            assert!(!super::is_loopback(url), "{url}");
        }
    }
}
