//! Where the token comes from (SPEC §3): `--token`, `-cf`/`-p`, the environment variable, or the
//! default `.astrarc`, in that order. The result is a [`Connection`] the API client is built from.

pub mod astrarc;
pub mod token;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use token::Token;

use crate::env;
use crate::error::{CliError, ErrorCode};
use crate::invocation::Invocation;

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

    /// An `ASTRA_ENV` setting (variable or profile key): unset means prod.
    pub fn from_setting(value: Option<&str>) -> Result<Self, String> {
        match value {
            None => Ok(Self::Prod),
            Some(value) => Self::parse(value).ok_or_else(|| {
                format!(
                    "{}='{value}' is not one of prod, dev, test, local.",
                    env::ENV
                )
            }),
        }
    }

    fn base_url(self, local_endpoint: Option<&str>) -> String {
        match self {
            Self::Prod => "https://api.astra.datastax.com/v2".to_owned(),
            Self::Dev => "https://api.dev.cloud.datastax.com/v2".to_owned(),
            Self::Test => "https://api.test.cloud.datastax.com/v2".to_owned(),
            Self::Local => local_endpoint
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
        }
    }
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
    pub token: Option<String>,
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
    /// Notices for stderr (for example a token file readable by others).
    pub warnings: Vec<String>,
}

/// Resolves the token with SPEC §3's precedence.
pub fn resolve(
    request: &ConnectionRequest,
    invocation: &Invocation,
) -> Result<Connection, CliError> {
    if let Some(value) = &request.token {
        let mut warnings = Vec::new();
        let (raw, source) = read_token_flag(value, &mut warnings)?;
        return connect(
            &raw,
            source,
            request.env.unwrap_or(Env::Prod),
            request.local_endpoint.clone(),
            warnings,
        );
    }
    if request.config_file.is_some() || request.profile.is_some() {
        reject_env_flags(request)?;
        return from_profile(request, invocation);
    }
    if let Some(raw) = env::var(env::TOKEN) {
        let env = match request.env {
            Some(env) => env,
            None => Env::from_setting(env::var(env::ENV).as_deref())
                .map_err(|what| CliError::new(ErrorCode::ParseIssue, what))?,
        };
        let endpoint = request
            .local_endpoint
            .clone()
            .or_else(|| env::var(env::LOCAL_ENDPOINT));
        return connect(&raw, TokenSource::Variable, env, endpoint, Vec::new());
    }
    reject_env_flags(request)?;
    from_profile(request, invocation)
}

fn connect(
    raw: &str,
    source: TokenSource,
    env: Env,
    local_endpoint: Option<String>,
    warnings: Vec<String>,
) -> Result<Connection, CliError> {
    if env == Env::Local && local_endpoint.is_none() {
        return Err(CliError::usage(format!(
            "the local environment needs an endpoint: pass --local-endpoint URL or set {}",
            env::LOCAL_ENDPOINT
        )));
    }
    let token = Token::parse(raw)?;
    Ok(Connection {
        token,
        env,
        base_url: env.base_url(local_endpoint.as_deref()),
        source,
        warnings,
    })
}

fn reject_env_flags(request: &ConnectionRequest) -> Result<(), CliError> {
    if request.env.is_some() || request.local_endpoint.is_some() {
        return Err(CliError::usage(format!(
            "--env and --local-endpoint apply only to --token or {}; a profile sets its own ASTRA_ENV",
            env::TOKEN
        )));
    }
    Ok(())
}

/// `--token VALUE`, `--token @FILE` (first line) or `--token @-` (standard input).
fn read_token_flag(
    value: &str,
    warnings: &mut Vec<String>,
) -> Result<(String, TokenSource), CliError> {
    let Some(path) = value.strip_prefix('@') else {
        return Ok((value.to_owned(), TokenSource::Flag));
    };
    let (text, source) = if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|err| {
            CliError::new(
                ErrorCode::FileIssue,
                format!("Cannot read the token from standard input: {err}."),
            )
        })?;
        (text, TokenSource::Stdin)
    } else {
        let expanded = expand_tilde(path);
        let text = std::fs::read_to_string(&expanded).map_err(|err| {
            CliError::new(
                ErrorCode::FileIssue,
                format!("Cannot read the token file '{path}': {}.", os_reason(&err)),
            )
        })?;
        if let Some(warning) = permissive_file_warning(&expanded, path) {
            warnings.push(warning);
        }
        (text, TokenSource::File(path.to_owned()))
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

#[cfg(unix)]
fn permissive_file_warning(path: &Path, shown: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!("Warning: the token file '{shown}' is readable by other users; restrict it with: chmod 600 '{shown}'")
    })
}

#[cfg(not(unix))]
fn permissive_file_warning(_path: &Path, _shown: &str) -> Option<String> {
    None
}

fn from_profile(
    request: &ConnectionRequest,
    invocation: &Invocation,
) -> Result<Connection, CliError> {
    let profile_name = request
        .profile
        .clone()
        .or_else(|| env::var(env::ASTRA_PROFILE))
        .unwrap_or_else(|| "default".to_owned());
    let (path, text) = match &request.config_file {
        Some(given) => {
            let path = expand_tilde(given);
            let text = std::fs::read_to_string(&path).map_err(|err| {
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
        None => read_default_file(&invocation.typed())?,
    };
    let profile = astrarc::read_profile(&path, &text, &profile_name, invocation)?;
    let source = TokenSource::Profile {
        name: profile_name,
        path,
    };
    connect(
        &profile.token,
        source,
        profile.env,
        profile.local_endpoint,
        Vec::new(),
    )
}

fn read_default_file(typed: &str) -> Result<(PathBuf, String), CliError> {
    let path = default_file().ok_or_else(|| {
        CliError::new(
            ErrorCode::TokenNotFound,
            "No token found: no --token, no profile, no home directory.",
        )
        .hint("Pass a token directly:", format!("{typed} --token @FILE"))
    })?;
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok((path, text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(CliError::new(
            ErrorCode::FileIssue,
            format!("The configuration file '{}' does not exist.", path.display()),
        )
        .detail(format!(
            "Create it with a profile holding your token, for example:\n\n    [default]\n    {}=AstraCS:...",
            env::TOKEN
        ))
        .hint("Or pass a token directly:", format!("{typed} --token @FILE"))),
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
fn os_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}
