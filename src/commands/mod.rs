//! The commands: each takes the [`Context`] and its arguments and returns an [`Outcome`] or a
//! [`CliError`]. Commands never print to stdout; `app` renders what they return.

pub mod batch;
mod completions;
mod profiles;
mod role;
mod setup;
mod user;

use std::cell::{Cell, OnceCell};

use crate::api::{ApiClient, ClientSettings};
use crate::cli::{Command, ConfigCommand, RoleCommand, UserCommand};
use crate::config::{self, ConnectionRequest, Env, TokenSource};
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::output::Outcome;
use crate::ui::Ui;

/// Everything a command needs: the terminal, and the API client, connected on first use so that
/// commands that need no token never resolve one.
pub struct Context {
    pub ui: std::sync::Arc<Ui>,
    request: ConnectionRequest,
    settings: Result<ClientSettings, CliError>,
    connection: OnceCell<Connected>,
    /// The signal that asked the command to stop, if one did.
    stop: Cell<Option<ErrorCode>>,
    /// A multi-item command is running: on a signal it stops starting writes and reports.
    batch: Cell<bool>,
}

struct Connected {
    client: ApiClient,
    source: TokenSource,
    env: Env,
}

impl Context {
    pub fn new(
        ui: Ui,
        request: ConnectionRequest,
        settings: Result<ClientSettings, CliError>,
    ) -> Self {
        let ui = std::sync::Arc::new(ui);
        let listener = ui.clone();
        let settings = settings.map(|settings| ClientSettings {
            on_retry: Some(std::sync::Arc::new(move |step: &str| listener.step(step))),
            ..settings
        });
        Self {
            ui,
            request,
            settings,
            connection: OnceCell::new(),
            stop: Cell::new(None),
            batch: Cell::new(false),
        }
    }

    /// Asks a running batch to stop starting writes (SPEC §5).
    pub fn stop(&self, code: ErrorCode) {
        self.stop.set(Some(code));
    }

    pub fn stopped(&self) -> bool {
        self.stop.get().is_some()
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

    /// Remembers role names for shell completion.
    pub fn remember_roles(&self, roles: &[crate::api::models::Role]) {
        crate::cache::remember("roles", roles.iter().map(|r| r.name().to_owned()));
    }

    /// Remembers the organization's emails for completion, per profile (`default` for a token
    /// from `--token` or the variable).
    pub fn remember_emails(&self, users: &[crate::api::models::User]) {
        let profile = match self.connection.get().map(|c| &c.source) {
            Some(TokenSource::Profile { name, .. }) => name.as_str(),
            _ => "default",
        };
        crate::cache::remember(
            &format!("emails-{profile}"),
            users.iter().map(|u| u.email().to_owned()),
        );
    }

    /// The connection options as given (for `setup` and `config`, which write them).
    pub fn request(&self) -> &ConnectionRequest {
        &self.request
    }

    /// A client for another token and URL (`setup` checks a token before saving it).
    pub fn client_for(&self, base_url: &str, token: &config::Token) -> Result<ApiClient, CliError> {
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
        let connection = config::resolve(&self.request, &self.ui)?;
        tracing::debug!(
            "token from {} (env {:?})",
            connection.source,
            connection.env
        );
        let client = self.client_for(&connection.base_url, &connection.token)?;
        let connected = self.connection.get_or_init(|| Connected {
            client,
            source: connection.source,
            env: connection.env,
        });
        Ok(&connected.client)
    }

    /// Adds what only the connection knows to an error: for 401 and 403, where the token came
    /// from and how to name another environment (SPEC §5).
    pub fn explain(&self, err: CliError) -> CliError {
        let Some(connected) = self.connection.get() else {
            return err;
        };
        let why = match err.code {
            ErrorCode::Unauthorized => "it may be expired, revoked, or for another environment",
            ErrorCode::Forbidden => "its role may lack the permission this command needs",
            _ => return err,
        };
        let err = err.detail(format!("The token came from {}; {why}.", connected.source));
        match (&connected.source, connected.env) {
            (TokenSource::Profile { .. }, Env::Prod) => err
                .detail("If the token is for a non-production environment, set ASTRA_ENV in the profile.")
                .fix("Or pass another token:", Edit::UseTokenFile),
            (TokenSource::Profile { .. }, _) => err.fix("Or pass another token:", Edit::UseTokenFile),
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

pub async fn run(context: &Context, command: &Command) -> Result<Outcome, CliError> {
    let result = match command {
        Command::User {
            command: Some(command),
        } => match command {
            UserCommand::List(args) => user::list::run(context, args).await,
            UserCommand::Get(args) => user::get::run(context, args).await,
            UserCommand::Invite(args) => user::invite::run(context, args).await,
            UserCommand::Delete(args) => user::delete::run(context, args).await,
            UserCommand::Roles(args) => user::roles::run(context, args).await,
            UserCommand::Apply(args) => user::apply::run(context, args).await,
            UserCommand::Export(args) => user::export::run(context, args).await,
        },
        Command::Role {
            command: Some(command),
        } => match command {
            RoleCommand::List => role::list::run(context).await,
            RoleCommand::Get(args) => role::get::run(context, args).await,
        },
        Command::Setup(args) => setup::run(context, args).await,
        Command::Config {
            command: Some(command),
        } => match command {
            ConfigCommand::List => profiles::list(context),
            ConfigCommand::Create(args) => profiles::create(context, args),
            ConfigCommand::Delete(args) => profiles::delete(context, args),
        },
        Command::Completions { shell } => Ok(completions::script(*shell)),
        Command::Man => completions::man(),
        // `app` prints help for a group without a subcommand before any context exists.
        Command::User { command: None }
        | Command::Role { command: None }
        | Command::Config { command: None } => Err(CliError::usage("a subcommand is required")),
    };
    result.map_err(|err| context.explain(err))
}
