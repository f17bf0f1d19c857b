//! Fault injection: latency for every call, and rules that make the next N matching calls fail
//! with a status (and `Retry-After`), a non-JSON body, a hang, or a dropped connection.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A rule as given on the command line (`--fail 'GET /v2/organizations/users 503 x2 retry-after=1'`)
/// or to `POST /_emulator/faults` as JSON.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// `GET`, `PUT`, `DELETE`, or `*`.
    #[serde(default = "any")]
    pub method: String,
    /// An exact path, or a prefix ending in `*`; `*` alone matches every path.
    #[serde(default = "any")]
    pub path: String,
    /// A status code (`503`), or `non-json`, `hang`, `drop`.
    pub action: String,
    /// How many matching calls fail; 0 means every one.
    #[serde(default = "one")]
    pub count: u32,
    /// The `Retry-After` header sent with a status.
    #[serde(default)]
    pub retry_after: Option<String>,
}

fn any() -> String {
    "*".to_owned()
}

fn one() -> u32 {
    1
}

/// What to do with a call a rule matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    NonJson,
    Hang,
    Drop,
}

impl FaultRule {
    /// Parses `METHOD PATH ACTION [xCOUNT] [retry-after=VALUE]`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut words = spec.split_whitespace();
        let (Some(method), Some(path), Some(action)) = (words.next(), words.next(), words.next())
        else {
            return Err(format!(
                "'{spec}': expected METHOD PATH ACTION [xCOUNT] [retry-after=VALUE]"
            ));
        };
        let mut rule = Self {
            method: method.to_uppercase(),
            path: path.to_owned(),
            action: action.to_owned(),
            count: 1,
            retry_after: None,
        };
        for word in words {
            if let Some(count) = word.strip_prefix('x') {
                rule.count = count
                    .parse()
                    .map_err(|_| format!("'{spec}': bad count '{word}'"))?;
            } else if let Some(value) = word.strip_prefix("retry-after=") {
                rule.retry_after = Some(value.to_owned());
            } else {
                return Err(format!("'{spec}': unexpected '{word}'"));
            }
        }
        rule.to_action()?;
        Ok(rule)
    }

    /// The action, once the rule is known to be able to match a call: a method the API has and a
    /// path of one of its routes (a rule that never matches would make a test pass for nothing).
    pub fn to_action(&self) -> Result<Action, String> {
        if !["*", "GET", "PUT", "POST", "DELETE"].contains(&self.method.to_uppercase().as_str()) {
            return Err(format!(
                "method '{}' is not one of GET, PUT, POST, DELETE or *",
                self.method
            ));
        }
        if !could_match(&normalized(&self.path)) {
            return Err(format!(
                "path '{}' matches no route of the API ({})",
                self.path,
                ROUTES.join(", ")
            ));
        }
        self.action()
    }

    fn action(&self) -> Result<Action, String> {
        Ok(match self.action.as_str() {
            "non-json" => Action::NonJson,
            "hang" => Action::Hang,
            "drop" => Action::Drop,
            status => {
                let status: u16 = status.parse().map_err(|_| {
                    format!("unknown action '{status}' (a status, non-json, hang or drop)")
                })?;
                if !(100..=599).contains(&status) {
                    return Err(format!("status {status} is out of range"));
                }
                Action::Status {
                    status,
                    retry_after: self.retry_after.clone(),
                }
            }
        })
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self.method == "*" || self.method.eq_ignore_ascii_case(method);
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        };
        method_ok && path_ok
    }
}

/// The DevOps API routes the emulator serves (`{id}` is any one segment).
const ROUTES: &[&str] = &[
    "/v2/organizations/users",
    "/v2/organizations/users/{id}",
    "/v2/organizations/users/{id}/roles",
    "/v2/organizations/roles",
    "/v2/organizations/roles/{id}",
    "/v2/clientIdSecrets",
    "/v2/clientIdSecrets/{id}",
    "/v2/currentOrg",
];

/// A path relative to the base URL (`/organizations/users`, as the CLI's messages show it) is
/// taken as under `/v2`. A relative word (`users`) stays as written, and matches nothing.
fn normalized(path: &str) -> String {
    if path == "*" || path == "/v2" || path.starts_with("/v2/") || !path.starts_with('/') {
        return path.to_owned();
    }
    format!("/v2{path}")
}

/// Whether some call could match `path` (exact, or a prefix ending in `*`).
fn could_match(path: &str) -> bool {
    if path == "*" {
        return true;
    }
    let (wanted, prefix) = match path.strip_suffix('*') {
        Some(prefix) => (prefix, true),
        None => (path, false),
    };
    if wanted.contains('*') {
        return false; // only a trailing `*` is a wildcard
    }
    ROUTES.iter().any(|route| {
        let route: Vec<&str> = route.split('/').collect();
        let parts: Vec<&str> = wanted.split('/').collect();
        if parts.len() > route.len() || (!prefix && parts.len() != route.len()) {
            return false;
        }
        parts
            .iter()
            .zip(&route)
            .enumerate()
            .all(|(i, (part, segment))| {
                let last = i + 1 == parts.len();
                (*segment == "{id}" && (last || !part.is_empty()))
                    || part == segment
                    || (prefix && last && segment.starts_with(part))
            })
    })
}

/// Latency and the active rules.
#[derive(Debug, Default)]
pub struct Faults {
    pub latency: Option<(u64, u64)>,
    rules: Vec<(FaultRule, u32)>,
}

impl Faults {
    /// Adds a rule. A path written relative to the base URL (`/organizations/users`, as the CLI's
    /// messages show it) is taken as under `/v2`, so that it matches rather than silently never.
    pub fn add(&mut self, mut rule: FaultRule) {
        rule.path = normalized(&rule.path);
        self.rules.push((rule, 0));
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The action for this call, using up one count of the first matching rule.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Action> {
        let index = self.rules.iter().position(|(rule, used)| {
            rule.matches(method, path) && (rule.count == 0 || *used < rule.count)
        })?;
        let (rule, used) = &mut self.rules[index];
        *used += 1;
        rule.to_action().ok()
    }

    pub fn delay(&self) -> Option<Duration> {
        let (min, max) = self.latency?;
        Some(Duration::from_millis(if max > min {
            fastrand::u64(min..=max)
        } else {
            min
        }))
    }
}

/// A token bucket for writes (`--rate-limit N/s[,BURST]`): what a rate-limited API does. A write
/// that finds the bucket empty is refused with 429 and an honest `Retry-After` (the whole seconds
/// until a token is back, at least 1).
#[derive(Debug, Clone)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
    tokens: f64,
    last: std::time::Instant,
}

impl RateLimit {
    /// Parses `N/s` or `N/s,BURST` (the burst defaults to N).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("'{text}': expected N/s or N/s,BURST (e.g. 5/s,5)");
        let (rate, burst) = match text.split_once(',') {
            Some((rate, burst)) => (rate, Some(burst)),
            None => (text, None),
        };
        let per_second: f64 = rate
            .trim()
            .strip_suffix("/s")
            .ok_or_else(bad)?
            .trim()
            .parse()
            .map_err(|_| bad())?;
        let burst: f64 = match burst {
            Some(b) => b.trim().parse().map_err(|_| bad())?,
            None => per_second.max(1.0),
        };
        if per_second <= 0.0 || burst < 1.0 {
            return Err(bad());
        }
        Ok(Self {
            per_second,
            burst,
            tokens: burst,
            last: std::time::Instant::now(),
        })
    }

    /// Takes a token, or says how many seconds until one is back.
    pub fn take(&mut self) -> Result<(), u64> {
        let now = std::time::Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - self.tokens) / self.per_second;
        Err((wait.ceil() as u64).max(1))
    }
}

/// Parses `MS` or `MIN-MAX` milliseconds.
pub fn parse_latency(text: &str) -> Result<(u64, u64), String> {
    let parse = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("'{text}': expected MS or MIN-MAX milliseconds"))
    };
    match text.split_once('-') {
        Some((min, max)) => Ok((parse(min)?, parse(max)?)),
        None => parse(text).map(|ms| (ms, ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_match_and_run_out() {
        let rule = FaultRule::parse("get /v2/organizations/* 503 x2 retry-after=1").unwrap();
        let mut faults = Faults::default();
        faults.add(rule);
        let expected = Action::Status {
            status: 503,
            retry_after: Some("1".into()),
        };
        assert_eq!(
            faults.take("GET", "/v2/organizations/users"),
            Some(expected.clone())
        );
        assert_eq!(faults.take("PUT", "/v2/organizations/users"), None);
        let mut relative = Faults::default();
        relative.add(FaultRule::parse("GET /organizations/users 500").unwrap());
        assert!(relative.take("GET", "/v2/organizations/users").is_some());
        assert_eq!(
            faults.take("GET", "/v2/organizations/roles"),
            Some(expected)
        );
        assert_eq!(faults.take("GET", "/v2/organizations/users"), None);
        assert!(FaultRule::parse("GET /x teapot").is_err());
        for (never, why) in [
            ("GET users 503", "matches no route"),
            ("GIT /v2/organizations/users 503", "method 'GIT'"),
            ("GET /v2/organizations/user 503", "matches no route"),
            ("GET /v2/organizations/users/a/b/c 503", "matches no route"),
            ("GET /v2/nothing* 503", "matches no route"),
            (
                "PUT /v2/organizations/users/*/roles 500",
                "matches no route",
            ),
        ] {
            let err = FaultRule::parse(never).unwrap_err();
            assert!(err.contains(why), "{never}: {err}");
        }
        for fine in [
            "GET /organizations/users 503",
            "* * 503",
            "DELETE /v2/organizations/users/123 404",
            "POST /v2/clientIdSecrets 503",
            "GET /v2/organizations/* 503",
            "GET /v2/org* 503",
            "get /v2/currentOrg hang",
        ] {
            assert!(FaultRule::parse(fine).is_ok(), "{fine}");
        }
        assert_eq!(parse_latency("5-20"), Ok((5, 20)));
        let mut limit = RateLimit::parse("2/s,3").unwrap();
        assert_eq!((limit.per_second, limit.burst), (2.0, 3.0));
        assert!(limit.take().is_ok() && limit.take().is_ok() && limit.take().is_ok());
        assert_eq!(
            limit.take(),
            Err(1),
            "the burst is used up; a token is back within 1 s"
        );
        assert_eq!(RateLimit::parse("5/s").unwrap().burst, 5.0);
        assert!(RateLimit::parse("5").is_err() && RateLimit::parse("0/s").is_err());
    }
}
