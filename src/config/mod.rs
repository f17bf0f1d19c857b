//! Where the token comes from (SPEC §3): `--token`, `-cf`/`-p`, the environment variable, or the
//! default `.astrarc`, in that order, and where it may be sent (endpoint safety). The result is a
//! [`Connection`] the API client is built from.

pub mod astrarc;
pub mod store;
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
use crate::text::os_reason;
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
            let url = check_endpoint(&url).map_err(|why| {
                refuse(
                    &[origin],
                    format!("{why} (from {})", origin_name(origin, "endpoint")),
                )
            })?;
            Ok((Env::Local, url))
        }
        (Some((env, env_origin)), Some((url, origin))) => {
            // A variable left set in the shell is the usual cause: say how to clear it.
            let way_out = match (env_origin, origin) {
                (Origin::Flag, Origin::Variable) => {
                    format!("; unset {} to use '{}'", env::LOCAL_ENDPOINT, env.as_str())
                }
                _ => String::new(),
            };
            Err(refuse(
                &[env_origin, origin],
                format!(
                    "the endpoint '{url}' ({}) is only for the local environment, but the environment is '{}' ({}){way_out}",
                    origin_name(origin, "endpoint"),
                    env.as_str(),
                    origin_name(env_origin, "env")
                ),
            ))
        }
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
    if !raw.contains("://") {
        return Err(refused(&format!(
            "it needs http:// or https:// in front (http://{})",
            raw.trim()
        )));
    }
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
            let expanded = crate::paths::expand_tilde(path);
            let bytes = std::fs::read(&expanded).map_err(|err| {
                CliError::new(
                    ErrorCode::FileIssue,
                    format!("Cannot read the token file '{path}': {}.", os_reason(&err)),
                )
            })?;
            #[cfg(unix)]
            if let Some(warning) = shared_file_warning(&expanded, path) {
                ui.warn(&warning);
            }
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                TokenSource::File(path.clone()),
            )
        }
    };
    // A byte-order mark (PowerShell 5 writes one) is not part of the token.
    let text = crate::text::without_bom(&text);
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

/// The warning for a token file other users can read, if it is one (Unix modes only).
#[cfg(unix)]
fn shared_file_warning(path: &Path, shown: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "the token file '{shown}' is readable by other users; restrict it with: chmod 600 {}",
            crate::text::shell_quote(shown)
        )
    })
}

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
            let path = crate::paths::expand_tilde(given);
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
    let path = crate::paths::default_astrarc().ok_or_else(|| {
        CliError::new(
            ErrorCode::TokenNotFound,
            "No token found: no --token, no profile, no home directory.",
        )
        .fix("Pass a token directly:", Edit::UseTokenFile)
    })?;
    match read_text(&path) {
        Ok(text) => Ok((path, text)),
        // SPEC §3.1: `astra setup` first, then the variable or `--token @FILE`, then the file.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(CliError::new(
            ErrorCode::FileIssue,
            format!(
                "The configuration file '{}' does not exist.",
                path.display()
            ),
        )
        .hint(
            "Save a token as the default profile (asks for it without echo and checks it):",
            "astra setup",
        )
        .fix(
            format!("Or set {}, or pass a token directly:", env::TOKEN),
            Edit::UseTokenFile,
        )
        .hint(
            "Or write the file yourself: a [default] section with the token",
            format!(
                "printf '[default]\\n{}=%s\\n' \"$(cat token.txt)\" > {}",
                env::TOKEN,
                crate::text::shell_quote(&path.display().to_string())
            ),
        )),
        Err(err) => Err(CliError::new(
            ErrorCode::FileIssue,
            format!(
                "Cannot read the configuration file '{}': {}.",
                path.display(),
                os_reason(&err)
            ),
        )),
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

    use crate::env::hermetic::with_vars;
    use crate::ui::UiSettings;

    fn token(c: char) -> String {
        format!("AstraCS:{}:{}", c.to_string().repeat(24), "b".repeat(64))
    }

    fn resolve_with(
        request: &ConnectionRequest,
        vars: &[(&str, &str)],
    ) -> Result<Connection, CliError> {
        with_vars(vars, || resolve(request, &Ui::new(UiSettings::default())))
    }

    fn literal(c: char) -> Option<TokenArg> {
        Some(TokenArg::Literal(Secret::new(token(c))))
    }

    /// A directory holding `.astrarc` with this text; the path as a string.
    fn astrarc(text: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".astrarc");
        std::fs::write(&path, text).unwrap();
        (dir, path.to_string_lossy().into_owned())
    }

    fn profiles() -> String {
        format!(
            "[default]\nASTRA_DB_APPLICATION_TOKEN={}\n[dev]\nASTRA_DB_APPLICATION_TOKEN={}\nASTRA_ENV=dev\n[local]\nASTRA_DB_APPLICATION_TOKEN={}\nASTRA_ENV=local\n[nolocal]\nASTRA_DB_APPLICATION_TOKEN={}\nASTRA_ENV=local\nASTRA_LOCAL_ENDPOINT=http://127.0.0.1:9/v2/\n",
            token('d'),
            token('e'),
            token('l'),
            token('n')
        )
    }

    #[test]
    fn env_names_parse_in_any_case_and_print_as_typed() {
        for env in [Env::Prod, Env::Dev, Env::Test, Env::Local] {
            assert_eq!(Env::parse(env.as_str()), Some(env));
            assert_eq!(
                Env::parse(&format!(" {} ", env.as_str().to_uppercase())),
                Some(env)
            );
        }
        let names: Vec<&str> = [Env::Prod, Env::Dev, Env::Test, Env::Local]
            .map(Env::as_str)
            .into();
        assert_eq!(names, ["prod", "dev", "test", "local"]);
        assert_eq!(Env::parse("staging"), None);
        assert_eq!(
            Env::from_setting("staging").unwrap_err(),
            "ASTRA_ENV='staging' is not one of prod, dev, test, local."
        );
    }

    #[test]
    fn each_env_sends_to_its_own_api() {
        let url = |env| target(Some((env, Origin::Variable)), None).unwrap().1;
        assert_eq!(url(Env::Prod), "https://api.astra.datastax.com/v2");
        assert_eq!(url(Env::Dev), "https://api.dev.cloud.datastax.com/v2");
        assert_eq!(url(Env::Test), "https://api.test.cloud.datastax.com/v2");
        assert_eq!(target(None, None).unwrap(), (Env::Prod, url(Env::Prod)));
    }

    #[test]
    fn token_sources_are_named_without_the_token() {
        let names = [
            (TokenSource::Flag, "--token"),
            (TokenSource::File("t.txt".into()), "--token @t.txt"),
            (TokenSource::Stdin, "--token @- (standard input)"),
            (
                TokenSource::Variable,
                "the ASTRA_DB_APPLICATION_TOKEN variable",
            ),
            (
                TokenSource::Profile {
                    name: "dev".into(),
                    path: "/h/.astrarc".into(),
                },
                "profile 'dev' in /h/.astrarc",
            ),
        ];
        for (source, name) in names {
            assert_eq!(source.to_string(), name);
        }
        assert_eq!(parse_token_arg("@-"), Ok(TokenArg::Stdin));
        assert_eq!(
            parse_token_arg("@t.txt"),
            Ok(TokenArg::File("t.txt".into()))
        );
        assert_eq!(
            parse_token_arg("abc"),
            Ok(TokenArg::Literal(Secret::new("abc")))
        );
    }

    #[test]
    fn a_token_flag_cannot_be_combined_with_a_profile_or_a_file() {
        for (config_file, profile) in [(Some("f"), None), (None, Some("p")), (Some("f"), Some("p"))]
        {
            let request = ConnectionRequest {
                token: literal('a'),
                config_file: config_file.map(str::to_owned),
                profile: profile.map(str::to_owned),
                ..Default::default()
            };
            let err = resolve_with(&request, &[]).unwrap_err();
            assert_eq!(err.code, ErrorCode::Usage, "{config_file:?} {profile:?}");
        }
    }

    #[test]
    fn the_flag_wins_over_the_variable_which_wins_over_the_default_file() {
        let (_dir, path) = astrarc(&profiles());
        let flag = ConnectionRequest {
            token: literal('a'),
            env: Some(Env::Dev),
            ..Default::default()
        };
        let vars = [(env::TOKEN, token('v')), (env::ASTRARC, path.clone())];
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let connection = resolve_with(&flag, &vars).unwrap();
        assert_eq!(connection.source, TokenSource::Flag);
        assert_eq!(connection.token, Token::parse(&token('a')).unwrap());
        assert_eq!(connection.base_url, "https://api.dev.cloud.datastax.com/v2");

        let connection = resolve_with(&ConnectionRequest::default(), &vars).unwrap();
        assert_eq!(connection.source, TokenSource::Variable);
        assert_eq!(connection.token, Token::parse(&token('v')).unwrap());
        assert_eq!(connection.env, Env::Prod);

        let connection = resolve_with(&ConnectionRequest::default(), &vars[1..]).unwrap();
        assert_eq!(connection.token, Token::parse(&token('d')).unwrap());
        assert_eq!(
            connection.source,
            TokenSource::Profile {
                name: "default".into(),
                path: path.clone().into()
            }
        );
        let named = ConnectionRequest {
            config_file: Some(path.clone()),
            ..Default::default()
        };
        let connection = resolve_with(&named, &vars).unwrap();
        assert_eq!(
            connection.token,
            Token::parse(&token('d')).unwrap(),
            "-cf wins over the variable"
        );
    }

    #[test]
    fn the_token_variable_takes_its_env_and_endpoint_from_variables_unless_flags_say() {
        let t = token('v');
        let request = ConnectionRequest::default();
        let dev = resolve_with(&request, &[(env::TOKEN, &t), (env::ENV, "dev")]).unwrap();
        assert_eq!(
            (dev.env, dev.base_url.as_str()),
            (Env::Dev, "https://api.dev.cloud.datastax.com/v2")
        );
        let local = resolve_with(
            &request,
            &[
                (env::TOKEN, &t),
                (env::LOCAL_ENDPOINT, "http://127.0.0.1:1/v2/"),
            ],
        )
        .unwrap();
        assert_eq!(
            (local.env, local.base_url.as_str()),
            (Env::Local, "http://127.0.0.1:1/v2")
        );
        let flags = ConnectionRequest {
            env: Some(Env::Test),
            ..Default::default()
        };
        let test = resolve_with(&flags, &[(env::TOKEN, &t), (env::ENV, "dev")]).unwrap();
        assert_eq!(test.env, Env::Test);
        let flags = ConnectionRequest {
            local_endpoint: Some("http://[::1]:2/v2".into()),
            ..Default::default()
        };
        let local = resolve_with(
            &flags,
            &[(env::TOKEN, &t), (env::LOCAL_ENDPOINT, "http://x/v2")],
        )
        .unwrap();
        assert_eq!(local.base_url, "http://[::1]:2/v2");
        let err = resolve_with(&request, &[(env::TOKEN, &t), (env::ENV, "qa")]).unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        assert_eq!(
            err.headline,
            "ASTRA_ENV='qa' is not one of prod, dev, test, local."
        );
        let err = resolve_with(&request, &[(env::TOKEN, "nope")]).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidToken);
    }

    #[test]
    fn a_profile_is_chosen_by_flag_or_variable_and_its_keys_yield_to_flags() {
        let (_dir, path) = astrarc(&profiles());
        let vars = [(env::ASTRARC, path.as_str()), (env::ASTRA_PROFILE, "dev")];
        let by_variable = resolve_with(&ConnectionRequest::default(), &vars).unwrap();
        assert_eq!(by_variable.token, Token::parse(&token('e')).unwrap());
        assert_eq!(by_variable.env, Env::Dev);
        let by_flag = ConnectionRequest {
            profile: Some("nolocal".into()),
            ..Default::default()
        };
        let local = resolve_with(&by_flag, &vars).unwrap();
        assert_eq!(
            (local.env, local.base_url.as_str()),
            (Env::Local, "http://127.0.0.1:9/v2")
        );
        let overridden = ConnectionRequest {
            profile: Some("nolocal".into()),
            local_endpoint: Some("http://127.0.0.1:7/v2".into()),
            ..Default::default()
        };
        assert_eq!(
            resolve_with(&overridden, &vars).unwrap().base_url,
            "http://127.0.0.1:7/v2"
        );
        let flag_env = ConnectionRequest {
            profile: Some("dev".into()),
            env: Some(Env::Test),
            ..Default::default()
        };
        assert_eq!(resolve_with(&flag_env, &vars).unwrap().env, Env::Test);
        let broken = ConnectionRequest {
            profile: Some("local".into()),
            ..Default::default()
        };
        let err = resolve_with(&broken, &vars).unwrap_err();
        assert_eq!(err.code, ErrorCode::ParseIssue);
        assert_eq!(
            err.headline,
            format!("Profile 'local' in '{path}': ASTRA_ENV is local but the key ASTRA_LOCAL_ENDPOINT is missing.")
        );
        let conflict = ConnectionRequest {
            profile: Some("nolocal".into()),
            env: Some(Env::Dev),
            ..Default::default()
        };
        let err = resolve_with(&conflict, &vars).unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::Usage,
            "a flag in the conflict makes it a usage error"
        );
        assert!(
            err.headline
                .contains("(the profile key ASTRA_LOCAL_ENDPOINT)"),
            "{}",
            err.headline
        );
        assert!(err.headline.contains("'dev' (--env)"), "{}", err.headline);
        let err = target(
            Some((Env::Dev, Origin::Flag)),
            Some(("http://x/v2".into(), Origin::Variable)),
        )
        .unwrap_err();
        assert!(
            err.headline
                .ends_with("; unset ASTRA_LOCAL_ENDPOINT to use 'dev'"),
            "{}",
            err.headline
        );
    }

    #[test]
    fn conflicts_name_where_each_setting_came_from() {
        let err = target(
            Some((Env::Dev, Origin::Variable)),
            Some(("http://x/v2".into(), Origin::Variable)),
        )
        .unwrap_err();
        assert_eq!(
            err.headline,
            "the endpoint 'http://x/v2' (ASTRA_LOCAL_ENDPOINT) is only for the local environment, but the environment is 'dev' (ASTRA_ENV)."
        );
        let err = target(
            Some((Env::Test, Origin::Profile)),
            Some(("http://x/v2".into(), Origin::Flag)),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Usage);
        assert_eq!(
            err.headline,
            "the endpoint 'http://x/v2' (--local-endpoint) is only for the local environment, but the environment is 'test' (the profile key ASTRA_ENV)"
        );
        let err = target(Some((Env::Local, Origin::Flag)), None).unwrap_err();
        assert_eq!(err.code, ErrorCode::Usage);
        assert_eq!(
            err.headline,
            "the local environment needs an endpoint: pass --local-endpoint URL or set ASTRA_LOCAL_ENDPOINT"
        );
        assert_eq!(
            target(
                Some((Env::Local, Origin::Flag)),
                Some(("https://h:1/v2".into(), Origin::Variable))
            )
            .unwrap(),
            (Env::Local, "https://h:1/v2".to_owned())
        );
        let why = |url: &str| check_endpoint(url).unwrap_err();
        assert_eq!(
            why("127.0.0.1:1234/v2"),
            "the endpoint '127.0.0.1:1234/v2' is not usable: it needs http:// or https:// in front (http://127.0.0.1:1234/v2)"
        );
        assert_eq!(
            why("ftp://x/v2"),
            "the endpoint 'ftp://x/v2' is not usable: it must start with http:// or https://"
        );
        assert_eq!(
            why("http://u@x/v2"),
            "the endpoint 'http://u@x/v2' is not usable: it must not hold credentials"
        );
        assert_eq!(
            why("http://:p@x/v2"),
            "the endpoint 'http://:p@x/v2' is not usable: it must not hold credentials"
        );
        assert!(why("http://").contains("is not usable"));
    }

    #[test]
    fn the_default_file_is_astrarc_then_xdg_then_home() {
        let (dir, path) = astrarc("");
        with_vars(
            &[
                (env::ASTRARC, &path),
                (env::XDG_CONFIG_HOME, "/nonexistent"),
            ],
            || {
                assert_eq!(crate::paths::default_astrarc(), Some(PathBuf::from(&path)));
            },
        );
        std::fs::create_dir(dir.path().join("astra")).unwrap();
        let xdg = dir.path().to_string_lossy().into_owned();
        let home = crate::paths::home().map(|h| h.join(".astrarc"));
        with_vars(&[(env::XDG_CONFIG_HOME, &xdg)], || {
            assert_eq!(
                crate::paths::default_astrarc(),
                home,
                "no astra/.astrarc under XDG_CONFIG_HOME"
            );
        });
        std::fs::write(dir.path().join("astra/.astrarc"), "").unwrap();
        with_vars(&[(env::XDG_CONFIG_HOME, &xdg)], || {
            assert_eq!(
                crate::paths::default_astrarc(),
                Some(dir.path().join("astra/.astrarc"))
            );
        });
    }

    #[test]
    fn a_missing_or_unreadable_file_is_a_file_issue_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none").to_string_lossy().into_owned();
        let err =
            resolve_with(&ConnectionRequest::default(), &[(env::ASTRARC, &missing)]).unwrap_err();
        assert_eq!(err.code, ErrorCode::FileIssue);
        assert_eq!(
            err.headline,
            format!("The configuration file '{missing}' does not exist.")
        );
        assert_eq!(
            err.suggestions.len(),
            3,
            "setup, the variable or --token, the file"
        );
        assert!(
            matches!(&err.suggestions[0], crate::hints::Suggestion::Fixed(hint) if hint.command == "astra setup")
        );
        let folder = dir.path().to_string_lossy().into_owned();
        let err =
            resolve_with(&ConnectionRequest::default(), &[(env::ASTRARC, &folder)]).unwrap_err();
        assert_eq!(err.code, ErrorCode::FileIssue);
        assert_eq!(
            err.headline,
            format!("Cannot read the configuration file '{folder}': Is a directory.")
        );
        let given = ConnectionRequest {
            config_file: Some(missing.clone()),
            ..Default::default()
        };
        let err = resolve_with(&given, &[]).unwrap_err();
        assert_eq!(
            err.headline,
            format!("Cannot read the configuration file '{missing}': No such file or directory.")
        );
    }

    #[test]
    fn a_token_file_gives_its_first_line_and_an_empty_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ui = Ui::new(UiSettings::default());
        let file = dir.path().join("t.txt");
        std::fs::write(&file, format!("  {}  \nsecond line\n", token('f'))).unwrap();
        let shown = file.to_string_lossy().into_owned();
        let (raw, source) = read_token_flag(&TokenArg::File(shown.clone()), &ui).unwrap();
        assert_eq!(raw, token('f'));
        assert_eq!(source, TokenSource::File(shown.clone()));
        std::fs::write(&file, "\n\n").unwrap();
        let err = read_token_flag(&TokenArg::File(shown.clone()), &ui).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidToken);
        assert_eq!(
            err.headline,
            format!("The token is invalid: --token @{shown} is empty.")
        );
        let missing = format!("{shown}.none");
        let err = read_token_flag(&TokenArg::File(missing.clone()), &ui).unwrap_err();
        assert_eq!(err.code, ErrorCode::FileIssue);
        assert_eq!(
            err.headline,
            format!("Cannot read the token file '{missing}': No such file or directory.")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_other_users_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.txt");
        std::fs::write(&file, "x").unwrap();
        for (mode, warned) in [(0o600, false), (0o640, true), (0o604, true), (0o400, false)] {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(
                shared_file_warning(&file, "my t.txt").is_some(),
                warned,
                "{mode:o}"
            );
        }
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            shared_file_warning(&file, "my t.txt").unwrap(),
            "the token file 'my t.txt' is readable by other users; restrict it with: chmod 600 'my t.txt'"
        );
        assert_eq!(shared_file_warning(&dir.path().join("none"), "none"), None);
    }

    #[test]
    fn tilde_means_home() {
        let home = crate::paths::home().unwrap();
        assert_eq!(crate::paths::expand_tilde("~/a/b"), home.join("a/b"));
        assert_eq!(crate::paths::expand_tilde("~"), home);
        assert_eq!(crate::paths::expand_tilde("~x/a"), PathBuf::from("~x/a"));
        assert_eq!(crate::paths::expand_tilde("a/~/b"), PathBuf::from("a/~/b"));
    }
}
