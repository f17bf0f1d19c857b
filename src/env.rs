//! Every environment variable the CLI reads, in one place (SPEC §10).

pub const ASTRARC: &str = "ASTRARC";
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
pub const ASTRA_PROFILE: &str = "ASTRA_PROFILE";
pub const ASTRA_HOME: &str = "ASTRA_HOME";
pub const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
pub const TOKEN: &str = "ASTRA_DB_APPLICATION_TOKEN";
pub const ENV: &str = "ASTRA_ENV";
pub const LOCAL_ENDPOINT: &str = "ASTRA_LOCAL_ENDPOINT";
pub const HTTP_TIMEOUT: &str = "ASTRA_HTTP_TIMEOUT";
pub const NO_COLOR: &str = "NO_COLOR";
pub const CLICOLOR_FORCE: &str = "CLICOLOR_FORCE";
/// The terminal's width, as shells export it.
pub const COLUMNS: &str = "COLUMNS";
/// A PEM bundle of CA certificates to trust (read by rustls-native-certs too).
pub const SSL_CERT_FILE: &str = "SSL_CERT_FILE";
/// A directory of CA certificates to trust.
pub const SSL_CERT_DIR: &str = "SSL_CERT_DIR";
/// Test-only: `1` zeroes every retry delay, `Retry-After` included, so tests of retries run fast.
pub const TEST_NO_RETRY_DELAY: &str = "ASTRA_TEST_NO_RETRY_DELAY";

/// A variable's value, treating an empty value as unset.
pub fn var(name: &str) -> Option<String> {
    #[cfg(test)]
    if let Some(value) = hermetic::var(name) {
        return value;
    }
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The footer of `astra --help`.
pub const HELP_FOOTER: &str = "\
Examples:
# List the users of your organization
$ astra user list
# Invite a user with a role
$ astra user invite jane@example.com -r 'R/W User'
# Read the token from a file, and print JSON
$ astra role list --token @token.txt -o json

Environment variables:
  ASTRA_DB_APPLICATION_TOKEN  token to use when no --token, -cf or -p is given
  ASTRA_ENV                   environment of that token: prod (default), dev, test, local
  ASTRA_LOCAL_ENDPOINT        base URL when the environment is local
  ASTRA_PROFILE               profile of the .astrarc to use (default: 'default')
  ASTRARC                     path of the .astrarc (default: $XDG_CONFIG_HOME/astra/.astrarc, ~/.astrarc)
  ASTRA_HOME                  where --dump-logs writes (default: $XDG_DATA_HOME/astra, ~/.astra)
  ASTRA_HTTP_TIMEOUT          connect and request timeout in seconds (default: 10 and 30)
  NO_COLOR, CLICOLOR_FORCE    disable or force colours when --color is auto
  HTTPS_PROXY, NO_PROXY       proxy settings";

/// Unit tests run on many threads of one process: a test that needs variables sets them for its
/// own thread only, and then sees no other variable (the developer's own token included).
#[cfg(test)]
pub mod hermetic {
    use std::cell::RefCell;
    use std::collections::HashMap;

    thread_local! {
        static VARS: RefCell<Option<HashMap<String, String>>> = const { RefCell::new(None) };
    }

    /// Runs `body` with exactly these variables set (empty values count as unset, as outside).
    pub fn with_vars<T>(vars: &[(&str, &str)], body: impl FnOnce() -> T) -> T {
        let map = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        VARS.with(|cell| *cell.borrow_mut() = Some(map));
        let result = body();
        VARS.with(|cell| *cell.borrow_mut() = None);
        result
    }

    /// `None` outside `with_vars`; `Some(value)` inside.
    pub(super) fn var(name: &str) -> Option<Option<String>> {
        VARS.with(|cell| {
            cell.borrow()
                .as_ref()
                .map(|vars| vars.get(name).filter(|value| !value.is_empty()).cloned())
        })
    }
}
