//! Where the token comes from (SPEC §3): `--token`, `-cf`/`-p`, the environment variable, or the
//! default `.astrarc`, in that order, and where it may be sent (endpoint safety). The result is a
//! [`Connection`] the API client is built from.

pub mod astrarc;
pub mod token;
pub mod writer;

use std::fmt;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

pub use token::Token;

use crate::env;
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::secret::Secret;
use crate::ui::Ui;

/// The Astra environment a token belongs to (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Env {
    Prod,
    Dev,
    Test,
    Local,
}

impl Env {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "prod" => Some(Self::Prod),
            "dev" => Some(Self::Dev),
            "test" => Some(Self::Test),
            "local" => Some(Self::Local),
            _ => None,
        }
    }

    /// The name as `--env` and `ASTRA_ENV` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prod => "prod",
            Self::Dev => "dev",
            Self::Test => "test",
            Self::Local => "local",
        }
    }

    /// An `ASTRA_ENV` setting (variable or profile key).
    pub fn from_setting(value: &str) -> Result<Self, String> {
        Self::parse(value).ok_or_else(|| {
            format!(
                "{}='{value}' is not one of prod, dev, test, local.",
                env::ENV
            )
        })
    }

    fn base_url(self) -> &'static str {
        match self {
            Self::Prod => "https://api.astra.datastax.com/v2",
            Self::Dev => "https://api.dev.cloud.datastax.com/v2",
            Self::Test => "https://api.test.cloud.datastax.com/v2",
            Self::Local => "",
        }
    }
}

/// `--token` as given: the token itself (kept secret), `@FILE` or `@-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenArg {
    Literal(Secret),
    File(String),
    Stdin,
}

/// clap value parser for `--token`; the token's own checks come later (`INVALID_TOKEN`, exit 3).
pub fn parse_token_arg(raw: &str) -> Result<TokenArg, String> {
    Ok(match raw.strip_prefix('@') {
        Some("-") => TokenArg::Stdin,
        Some(path) => TokenArg::File(path.to_owned()),
        None => TokenArg::Literal(Secret::new(raw)),
    })
}

/// Where the token was found, for messages (401/403) and `-V` logs; never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Flag,
    File(String),
    Stdin,
    Variable,
    Profile { name: String, path: PathBuf },
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag => write!(f, "--token"),
            Self::File(path) => write!(f, "--token @{path}"),
            Self::Stdin => write!(f, "--token @- (standard input)"),
            Self::Variable => write!(f, "the {} variable", env::TOKEN),
            Self::Profile { name, path } => write!(f, "profile '{name}' in {}", path.display()),
        }
    }
}

/// What the user asked for on the command line (SPEC §3's connection options).
#[derive(Debug, Default, Clone)]
pub struct ConnectionRequest {
    pub config_file: Option<String>,
    pub profile: Option<String>,
    pub token: Option<TokenArg>,
    pub env: Option<Env>,
    pub local_endpoint: Option<String>,
}

/// A token ready to use, the base URL to send it to, and where it came from.
#[derive(Debug)]
pub struct Connection {
    pub token: Token,
    pub env: Env,
    pub base_url: String,
    pub source: TokenSource,
}

/// Where an env or endpoint setting came from, which decides how a bad one is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Flag,
    Variable,
    Profile,
}

/// An env or endpoint value with its origin.
type Setting<T> = Option<(T, Origin)>;

/// Resolves the token with SPEC §3's precedence.
pub fn resolve(request: &ConnectionRequest, ui: &Ui) -> Result<Connection, CliError> {
    let flag_env = request.env.map(|env| (env, Origin::Flag));
    let flag_endpoint = request
        .local_endpoint
        .clone()
        .map(|url| (url, Origin::Flag));
    if let Some(value) = &request.token {
        if request.config_file.is_some() || request.profile.is_some() {
            return Err(CliError::usage(
                "the argument '--token <TOKEN>' cannot be used with '--config-file <PATH>' or '--profile <NAME>'",
            ));
        }
        let (raw, source) = read_token_flag(value, ui)?;
        let (env, base_url) = target(flag_env, flag_endpoint)?;
        return connect(&raw, source, env, base_url);
    }
    if request.config_file.is_some() || request.profile.is_some() {
        return from_profile(request, flag_env, flag_endpoint);
    }
    if let Some(raw) = env::var(env::TOKEN) {
        let (env, base_url) = flags_or_variables(request.env, request.local_endpoint.clone())?;
        return connect(&raw, TokenSource::Variable, env, base_url);
    }
    from_profile(request, flag_env, flag_endpoint)
}

fn connect(
    raw: &str,
    source: TokenSource,
    env: Env,
    base_url: String,
) -> Result<Connection, CliError> {
    let token = Token::parse(raw)?;
    Ok(Connection {
        token,
        env,
        base_url,
        source,
    })
}

/// `--env`/`--local-endpoint`, each else its variable (`$ASTRA_ENV`, `$ASTRA_LOCAL_ENDPOINT`),
/// through endpoint safety: the token variable's path, and a token being saved (`setup`,
/// `config create`).
pub fn flags_or_variables(
    env: Option<Env>,
    endpoint: Option<String>,
) -> Result<(Env, String), CliError> {
    let env = match env {
        Some(env) => Some((env, Origin::Flag)),
        None => env::var(env::ENV)
            .map(|value| Env::from_setting(&value))
            .transpose()
            .map_err(|what| CliError::new(ErrorCode::ValidationIssue, what))?
            .map(|env| (env, Origin::Variable)),
    };
    let endpoint = endpoint
        .map(|url| (url, Origin::Flag))
        .or_else(|| env::var(env::LOCAL_ENDPOINT).map(|url| (url, Origin::Variable)));
    target(env, endpoint)
}

/// Endpoint safety (SPEC §3): an endpoint with no env means local; an endpoint with another env,
/// local without an endpoint, or an endpoint that is not an absolute http(s) URL is refused
/// before any request.
fn target(env: Setting<Env>, endpoint: Setting<String>) -> Result<(Env, String), CliError> {
    let refuse = |origins: &[Origin], what: String| {
        if origins.contains(&Origin::Flag) {
            return CliError::usage(what);
        }
        let code = if origins.contains(&Origin::Profile) {
            ErrorCode::ParseIssue
        } else {
            ErrorCode::ValidationIssue
        };
        CliError::new(code, format!("{what}."))
    };
    match (env, endpoint) {
        (None | Some((Env::Local, _)), Some((url, origin))) => {
            let url = check_endpoint(&url).map_err(|why| refuse(&[origin], why))?;
            Ok((Env::Local, url))
        }
        (Some((env, env_origin)), Some((url, origin))) => Err(refuse(
            &[env_origin, origin],
            format!(
                "the endpoint '{url}' ({}) is only for the local environment, but the environment is '{}' ({})",
                origin_name(origin, "endpoint"),
                env.as_str(),
                origin_name(env_origin, "env")
            ),
        )),
        (Some((Env::Local, Origin::Profile)), None) => Err(refuse(
            &[Origin::Profile],
            format!(
                "{} is local but the key {} is missing",
                env::ENV,
                env::LOCAL_ENDPOINT
            ),
        )),
        (Some((Env::Local, origin)), None) => Err(refuse(
            &[origin],
            format!(
                "the local environment needs an endpoint: pass --local-endpoint URL or set {}",
                env::LOCAL_ENDPOINT
            ),
        )),
        (Some((env, _)), None) => Ok((env, env.base_url().to_owned())),
        (None, None) => Ok((Env::Prod, Env::Prod.base_url().to_owned())),
    }
}

fn origin_name(origin: Origin, what: &str) -> String {
    match (origin, what) {
        (Origin::Flag, "endpoint") => "--local-endpoint".into(),
        (Origin::Flag, _) => "--env".into(),
        (Origin::Variable, "endpoint") => env::LOCAL_ENDPOINT.into(),
        (Origin::Variable, _) => env::ENV.into(),
        (Origin::Profile, "endpoint") => format!("the profile key {}", env::LOCAL_ENDPOINT),
        (Origin::Profile, _) => format!("the profile key {}", env::ENV),
    }
}

/// An absolute `http://` or `https://` URL with a host, without a trailing slash.
fn check_endpoint(raw: &str) -> Result<String, String> {
    let refused = |why: &str| format!("the endpoint '{raw}' is not usable: {why}");
    let url = reqwest::Url::parse(raw.trim()).map_err(|err| refused(&err.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused("it must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refused("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("it must not hold credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// `--token VALUE`, `--token @FILE` (first line) or `--token @-` (standard input; on a
/// terminal, a hidden `Token:` prompt instead of a silent wait).
pub fn read_token_flag(value: &TokenArg, ui: &Ui) -> Result<(String, TokenSource), CliError> {
    let (text, source) = match value {
        TokenArg::Literal(secret) => return Ok((secret.expose().to_owned(), TokenSource::Flag)),
        TokenArg::Stdin if std::io::stdin().is_terminal() => (ask_token(ui)?, TokenSource::Stdin),
        TokenArg::Stdin => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|err| {
                CliError::new(
                    ErrorCode::FileIssue,
                    format!("Cannot read the token from standard input: {err}."),
                )
            })?;
            (text, TokenSource::Stdin)
        }
        TokenArg::File(path) => {
            let expanded = expand_tilde(path);
            let bytes = std::fs::read(&expanded).map_err(|err| {
                CliError::new(
                    ErrorCode::FileIssue,
                    format!("Cannot read the token file '{path}': {}.", os_reason(&err)),
                )
            })?;
            warn_if_shared(&expanded, path, ui);
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                TokenSource::File(path.clone()),
            )
        }
    };
    let first_line = text.lines().next().unwrap_or("").trim().to_owned();
    if first_line.is_empty() {
        return Err(CliError::new(
            ErrorCode::InvalidToken,
            format!("The token is invalid: {source} is empty."),
        ));
    }
    Ok((first_line, source))
}

/// The hidden `Token:` prompt; Esc or Ctrl+C is `EXECUTION_CANCELLED`.
pub fn ask_token(ui: &Ui) -> Result<String, CliError> {
    match ui.password("Token:") {
        Ok(Some(token)) => Ok(token),
        Ok(None) => Err(CliError::new(
            ErrorCode::ExecutionCancelled,
            "Cancelled; nothing was saved or sent.",
        )),
        Err(err) => Err(CliError::new(
            ErrorCode::UnsupportedExecution,
            format!("Cannot ask for the token on this terminal: {err}."),
        )
        .detail("Pass it with --token TOKEN, --token @FILE or --token @-.")),
    }
}

#[cfg(unix)]
fn warn_if_shared(path: &Path, shown: &str, ui: &Ui) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(metadata) = std::fs::metadata(path) else {
        return;
    };
    if metadata.permissions().mode() & 0o077 != 0 {
        ui.warn(&format!(
            "the token file '{shown}' is readable by other users; restrict it with: chmod 600 {}",
            crate::text::shell_quote(shown)
        ));
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path, _shown: &str, _ui: &Ui) {}

fn from_profile(
    request: &ConnectionRequest,
    flag_env: Setting<Env>,
    flag_endpoint: Setting<String>,
) -> Result<Connection, CliError> {
    let profile_name = request
        .profile
        .clone()
        .or_else(|| env::var(env::ASTRA_PROFILE))
        .unwrap_or_else(|| "default".to_owned());
    let (path, text) = match &request.config_file {
        Some(given) => {
            let path = expand_tilde(given);
            let text = read_text(&path).map_err(|err| {
                CliError::new(
                    ErrorCode::FileIssue,
                    format!(
                        "Cannot read the configuration file '{given}': {}.",
                        os_reason(&err)
                    ),
                )
            })?;
            (path, text)
        }
        None => read_default_file()?,
    };
    let profile = astrarc::read_profile(&path, &text, &profile_name)?;
    let env = flag_env.or(profile.env.map(|env| (env, Origin::Profile)));
    let endpoint = flag_endpoint.or(profile.local_endpoint.map(|url| (url, Origin::Profile)));
    let (env, base_url) = target(env, endpoint).map_err(|mut err| {
        if err.code == ErrorCode::ParseIssue {
            err.headline = format!(
                "Profile '{profile_name}' in '{}': {}",
                path.display(),
                err.headline
            );
        }
        err
    })?;
    let source = TokenSource::Profile {
        name: profile_name,
        path,
    };
    connect(&profile.token, source, env, base_url)
}

/// A file's text; invalid UTF-8 is replaced rather than refused, so the parser can name the line.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    std::fs::read(path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

fn read_default_file() -> Result<(PathBuf, String), CliError> {
    let path = default_file().ok_or_else(|| {
        CliError::new(
            ErrorCode::TokenNotFound,
            "No token found: no --token, no profile, no home directory.",
        )
        .fix("Pass a token directly:", Edit::UseTokenFile)
    })?;
    match read_text(&path) {
        Ok(text) => Ok((path, text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(CliError::new(
            ErrorCode::FileIssue,
            format!("The configuration file '{}' does not exist.", path.display()),
        )
        .detail(format!(
            "Create it with a profile holding your token, for example:\n\n    [default]\n    {}=AstraCS:...",
            env::TOKEN
        ))
        .fix("Or pass a token directly:", Edit::UseTokenFile)),
        Err(err) => Err(CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot read the configuration file '{}': {}.", path.display(), os_reason(&err)),
        )),
    }
}

/// `$ASTRARC`, else `$XDG_CONFIG_HOME/astra/.astrarc` when it exists, else `~/.astrarc`.
pub fn default_file() -> Option<PathBuf> {
    if let Some(path) = env::var(env::ASTRARC) {
        return Some(expand_tilde(&path));
    }
    if let Some(xdg) = env::var(env::XDG_CONFIG_HOME) {
        let path = Path::new(&xdg).join("astra").join(".astrarc");
        if path.is_file() {
            return Some(path);
        }
    }
    dirs::home_dir().map(|home| home.join(".astrarc"))
}

pub fn expand_tilde(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ if path == "~" => dirs::home_dir().unwrap_or_else(|| PathBuf::from(path)),
        _ => PathBuf::from(path),
    }
}

/// The OS's reason without Rust's `(os error N)` suffix.
pub fn os_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_implies_local_and_conflicts_are_refused() {
        let url = |u: &str| Some((u.to_owned(), Origin::Flag));
        assert_eq!(
            target(None, url("http://127.0.0.1:1/v2/")).unwrap(),
            (Env::Local, "http://127.0.0.1:1/v2".to_owned())
        );
        let err = target(Some((Env::Prod, Origin::Flag)), url("http://x/v2")).unwrap_err();
        assert_eq!(err.code, ErrorCode::Usage);
        let err = target(
            Some((Env::Dev, Origin::Variable)),
            Some(("http://x/v2".into(), Origin::Variable)),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        for bad in [
            "http://",
            "not a url",
            "ftp://x/v2",
            "/v2",
            "http://u:p@x/v2",
        ] {
            let err = target(None, Some((bad.into(), Origin::Profile))).unwrap_err();
            assert_eq!(err.code, ErrorCode::ParseIssue, "{bad}");
        }
        assert_eq!(
            target(Some((Env::Dev, Origin::Flag)), None).unwrap(),
            (Env::Dev, "https://api.dev.cloud.datastax.com/v2".to_owned())
        );
        let err = target(Some((Env::Local, Origin::Variable)), None).unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
    }
}
