//! The resolved context every command runs with: the terminal, the connection (resolved on
//! first use, so that commands that need no token never resolve one), the signal that asked a
//! command to stop, and the caches of names for completion.

use std::cell::{Cell, OnceCell};

use crate::api::{ApiClient, ClientSettings};
use crate::config::{ConnectionRequest, Env, Token, TokenSource};
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::ui::Ui;

/// Everything a command needs: the terminal, and the API client, connected on first use so that
/// commands that need no token never resolve one.
pub struct Context {
    pub ui: std::sync::Arc<Ui>,
    request: ConnectionRequest,
    settings: Result<ClientSettings, CliError>,
    connection: OnceCell<Connected>,
    /// The whole clap tree, for completions and the man page (built by `cli`, above this layer).
    tree: fn() -> clap::Command,
    /// The signal that asked the command to stop, if one did.
    stop: Cell<Option<ErrorCode>>,
    /// A multi-item command is running: on a signal it stops starting writes and reports.
    batch: Cell<bool>,
}

struct Connected {
    client: ApiClient,
    token: Token,
    source: TokenSource,
    env: Env,
    base_url: String,
}

/// The credential in use and where it points: what `token get` prints and `token create
/// --save-profile` writes beside the new token.
pub struct Credential<'a> {
    pub token: &'a Token,
    pub env: Env,
    pub base_url: &'a str,
    pub source: &'a TokenSource,
}

impl Context {
    pub fn new(
        ui: Ui,
        request: ConnectionRequest,
        settings: Result<ClientSettings, CliError>,
        tree: fn() -> clap::Command,
    ) -> Self {
        let ui = std::sync::Arc::new(ui);
        let listener = ui.clone();
        let settings = settings.map(|settings| ClientSettings {
            on_retry: Some(std::sync::Arc::new(move |wait: &crate::api::RetryWait| {
                listener.waiting(wait.delay, &wait.reason, wait.retry, wait.new)
            })),
            ..settings
        });
        Self {
            ui,
            request,
            settings,
            connection: OnceCell::new(),
            tree,
            stop: Cell::new(None),
            batch: Cell::new(false),
        }
    }

    /// Asks a running batch to stop starting writes (SPEC §5).
    pub fn stop(&self, code: ErrorCode) {
        self.stop.set(Some(code));
    }

    /// The signal that asked the command to stop, if one did.
    pub fn stop_code(&self) -> Option<ErrorCode> {
        self.stop.get()
    }

    pub fn stopped(&self) -> bool {
        self.stop.get().is_some()
    }

    /// Once the API has refused requests for the whole budget of SPEC §7.2, why a batch starts
    /// no new item.
    pub fn refused_for_good(&self) -> Option<CliError> {
        let spent = self
            .settings
            .as_ref()
            .is_ok_and(|settings| settings.throttle.spent());
        spent.then(|| {
            CliError::new(
                ErrorCode::ServerError,
                "Not started: the API refused every request for 120 s.",
            )
        })
    }

    /// The most requests in flight from now on (a batch's `--concurrency`, SPEC §13.3).
    pub fn set_concurrency(&self, max: usize) {
        if let Ok(settings) = &self.settings {
            settings.throttle.set_max(max);
        }
    }

    /// Marks the command as a batch that handles a signal itself.
    pub fn start_batch(&self) {
        self.batch.set(true);
    }

    pub fn in_batch(&self) -> bool {
        self.batch.get()
    }

    /// The client of the connection in use: every list of roles or users it reads whole refreshes
    /// the completion caches of that target, in this one place.
    fn connected_client(
        &self,
        env: &Env,
        base_url: &str,
        token: &Token,
    ) -> Result<ApiClient, CliError> {
        let key = crate::completion::target_key(*env, base_url, token);
        let remember = move |list: crate::api::Listed<'_>| match list {
            crate::api::Listed::Roles(roles) => crate::completion::remember(
                crate::completion::ROLES,
                &key,
                roles.iter().map(|r| r.name()),
            ),
            crate::api::Listed::Users(users) => crate::completion::remember(
                crate::completion::EMAILS,
                &key,
                users.iter().map(|u| u.email()),
            ),
        };
        let settings = ClientSettings {
            on_listed: Some(std::sync::Arc::new(remember)),
            ..self.settings.clone()?
        };
        Ok(ApiClient::new(base_url, token.secret().clone(), settings)?)
    }

    /// The clap tree of the whole program.
    pub fn tree(&self) -> clap::Command {
        (self.tree)()
    }

    /// The connection options as given (for `setup` and `config`, which write them).
    pub fn request(&self) -> &ConnectionRequest {
        &self.request
    }

    /// A client for another token and URL (`setup` checks a token before saving it).
    pub fn client_for(&self, base_url: &str, token: &Token) -> Result<ApiClient, CliError> {
        let settings = self.settings.clone()?;
        Ok(ApiClient::new(base_url, token.secret().clone(), settings)?)
    }

    /// The API client: resolves the token (SPEC §3) the first time it is needed.
    pub fn client(&self) -> Result<&ApiClient, CliError> {
        if let Some(connected) = self.connection.get() {
            return Ok(&connected.client);
        }
        // A bad setting (ASTRA_HTTP_TIMEOUT) is reported before any token problem.
        self.settings.as_ref().map_err(Clone::clone)?;
        let connection = crate::config::resolve(&self.request, &self.ui)?;
        tracing::debug!(
            "token from {} (env {:?})",
            connection.source,
            connection.env
        );
        let client =
            self.connected_client(&connection.env, &connection.base_url, &connection.token)?;
        let connected = self.connection.get_or_init(|| Connected {
            client,
            token: connection.token,
            source: connection.source,
            env: connection.env,
            base_url: connection.base_url,
        });
        Ok(&connected.client)
    }

    /// The token in use (resolved as [`Context::client`] resolves it), its target and its source.
    pub fn credential(&self) -> Result<Credential<'_>, CliError> {
        self.client()?;
        let connected = self
            .connection
            .get()
            .ok_or_else(|| CliError::new(ErrorCode::Uncaught, "the connection was not resolved"))?;
        Ok(Credential {
            token: &connected.token,
            env: connected.env,
            base_url: &connected.base_url,
            source: &connected.source,
        })
    }

    /// Adds what only the connection knows to an error: for 401 and 403, where the token came
    /// from and how to name another environment (SPEC §5).
    pub fn explain(&self, err: CliError) -> CliError {
        let Some(connected) = self.connection.get() else {
            return err;
        };
        if let Some(fixed) = missing_v2(&err, &connected.base_url) {
            return err
                .detail(format!(
                    "The endpoint {} does not end in /v2, where the DevOps API is.",
                    connected.base_url
                ))
                .fix(
                    "Name the API's base URL:",
                    Edit::SetOption {
                        id: "local_endpoint",
                        flag: "--local-endpoint",
                        value: fixed,
                    },
                );
        }
        let why = match err.code {
            ErrorCode::Unauthorized => "it may be expired, revoked, or for another environment",
            ErrorCode::Forbidden => "its role may lack the permission this command needs",
            _ => return err,
        };
        let err = err.detail(format!("The token came from {}; {why}.", connected.source));
        match (&connected.source, connected.env) {
            (TokenSource::Profile { name, path }, env) => {
                let err = if env == Env::Prod {
                    err.detail("If the token is for a non-production environment, set ASTRA_ENV in the profile.")
                } else {
                    err
                };
                let err = match another_profile(path, name) {
                    Some(other) => err.fix(
                        "Use another profile:",
                        Edit::SetOption {
                            id: "profile",
                            flag: "-p",
                            value: other,
                        },
                    ),
                    None => err,
                };
                err.fix("Or pass another token:", Edit::UseTokenFile)
            }
            (_, Env::Prod) => err.fix(
                "If the token is for a non-production environment, name it:",
                Edit::SetOption {
                    id: "env",
                    flag: "--env",
                    value: "dev".to_owned(),
                },
            ),
            _ => err,
        }
    }
}

/// A profile of the same file other than `name`, to offer after its token was refused.
fn another_profile(path: &std::path::Path, name: &str) -> Option<String> {
    let text = crate::config::read_text(path).ok()?;
    let file = crate::config::astrarc::Astrarc::parse(path, &text).ok()?;
    let other = file.names().find(|other| *other != name).map(str::to_owned);
    other
}

/// The endpoint with `/v2`, when a 404 came from an endpoint without it (the emulator's root or
/// a proxy's): the likeliest mistake behind "no such endpoint".
fn missing_v2(err: &CliError, base_url: &str) -> Option<String> {
    let not_found = matches!(
        err.source.as_deref(),
        Some(crate::api::ApiError::Status { status, .. }) if status.as_u16() == 404
    );
    let base = base_url.trim_end_matches('/');
    (not_found && !base.ends_with("/v2")).then(|| format!("{base}/v2"))
}
