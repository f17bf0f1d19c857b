//! `access check` (SPEC §1.16): ten rules over the organization's principals, each with a level,
//! a parameter and exemptions, changed by a TOML policy file.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Clock, Directory, Kind, Principal, RoleType};
use crate::error::{CliError, ErrorCode, Problem};
use crate::lookup::{closest, ORG_ADMIN};

/// How much a finding matters; `Off` turns a rule off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    #[value(skip)]
    Off,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Off => "off",
        }
    }

    const NAMES: [&'static str; 4] = ["error", "warning", "info", "off"];

    fn parse(text: &str) -> Option<Self> {
        match text {
            "error" => Some(Self::Error),
            "warning" => Some(Self::Warning),
            "info" => Some(Self::Info),
            "off" => Some(Self::Off),
            _ => None,
        }
    }

    /// Whether a finding at this level fails a check run with `--fail-on at`.
    pub fn fails(self, at: Level) -> bool {
        self != Self::Off && self <= at
    }
}

/// The rules, in the order of SPEC §1.16's table (findings are sorted by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleId {
    AdminsMin,
    AdminsMax,
    AdminTokens,
    TokenNoExpiry,
    TokenAge,
    TokenExpiring,
    DanglingRole,
    UserNoRoles,
    UnusedCustomRole,
    UnknownAction,
}

impl RuleId {
    pub const ALL: [RuleId; 10] = [
        Self::AdminsMin,
        Self::AdminsMax,
        Self::AdminTokens,
        Self::TokenNoExpiry,
        Self::TokenAge,
        Self::TokenExpiring,
        Self::DanglingRole,
        Self::UserNoRoles,
        Self::UnusedCustomRole,
        Self::UnknownAction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AdminsMin => "admins-min",
            Self::AdminsMax => "admins-max",
            Self::AdminTokens => "admin-tokens",
            Self::TokenNoExpiry => "token-no-expiry",
            Self::TokenAge => "token-age",
            Self::TokenExpiring => "token-expiring",
            Self::DanglingRole => "dangling-role",
            Self::UserNoRoles => "user-no-roles",
            Self::UnusedCustomRole => "unused-custom-role",
            Self::UnknownAction => "unknown-action",
        }
    }

    /// The default level, and the rule's parameter with its default value.
    fn defaults(self) -> (Level, Option<(&'static str, u64)>) {
        match self {
            Self::AdminsMin => (Level::Warning, Some(("min", 2))),
            Self::AdminsMax => (Level::Warning, Some(("max", 5))),
            Self::TokenAge => (Level::Warning, Some(("max_days", 365))),
            Self::TokenExpiring => (Level::Info, Some(("within_days", 14))),
            Self::DanglingRole => (Level::Error, None),
            Self::TokenNoExpiry | Self::AdminTokens | Self::UserNoRoles | Self::UnknownAction => {
                (Level::Warning, None)
            }
            Self::UnusedCustomRole => (Level::Info, None),
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|rule| rule.as_str() == text)
    }
}

/// One rule as the policy sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub level: Level,
    pub parameter: Option<u64>,
    /// Emails, client ids or role names exempted (compared case-insensitively).
    pub allow: Vec<String>,
}

impl Rule {
    fn allows(&self, item: &str) -> bool {
        self.allow.iter().any(|a| a.eq_ignore_ascii_case(item))
    }
}

/// Every rule's level, parameter and exemptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    rules: BTreeMap<RuleId, Rule>,
}

impl Default for Policy {
    fn default() -> Self {
        let rules = RuleId::ALL
            .into_iter()
            .map(|id| {
                let (level, parameter) = id.defaults();
                let rule = Rule {
                    level,
                    parameter: parameter.map(|(_, value)| value),
                    allow: Vec::new(),
                };
                (id, rule)
            })
            .collect();
        Self { rules }
    }
}

type Spanned<T> = toml::Spanned<T>;
type RawRule = BTreeMap<Spanned<String>, Spanned<toml::Value>>;
type RawPolicy = BTreeMap<Spanned<String>, Spanned<BTreeMap<Spanned<String>, Spanned<RawRule>>>>;

impl Policy {
    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[&id]
    }

    /// The default policy changed by a TOML file's `[rules.<id>]` tables: every mistake at once,
    /// each with its line and a "did you mean" (SPEC §1.16).
    pub fn from_toml(text: &str, file: &str) -> Result<Self, CliError> {
        let text = crate::text::without_bom(text);
        let line = |offset: usize| 1 + text[..offset.min(text.len())].matches('\n').count();
        let raw: RawPolicy = toml::from_str(text).map_err(|err| {
            let at = err.span().map_or(1, |span| line(span.start));
            let why = err.message().trim().to_owned();
            invalid(
                file,
                vec![problem(at, file, format!("not a policy file: {why}"), None)],
            )
        })?;
        let mut policy = Self::default();
        let mut problems = Vec::new();
        for (key, table) in raw {
            if key.get_ref() != "rules" {
                let why = format!(
                    "unknown key '{}': a policy has only [rules.<id>] tables",
                    key.get_ref()
                );
                problems.push(problem(line(key.span().start), file, why, Some("rules")));
                continue;
            }
            for (id, settings) in table.into_inner() {
                let at = line(id.span().start);
                let Some(rule_id) = RuleId::parse(id.get_ref()) else {
                    let names = RuleId::ALL.map(RuleId::as_str);
                    let near = closest(names.iter().copied(), id.get_ref());
                    problems.push(problem(
                        at,
                        file,
                        format!("unknown rule '{}'", id.get_ref()),
                        near,
                    ));
                    continue;
                };
                let rule = policy
                    .rules
                    .get_mut(&rule_id)
                    .expect("every rule has a default");
                for (key, value) in settings.into_inner() {
                    let at = line(key.span().start);
                    if let Err((why, near)) = set(rule, rule_id, key.get_ref(), value.get_ref()) {
                        problems.push(problem(at, file, why, near));
                    }
                }
            }
        }
        problems.sort_by_key(|p| p.line);
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(invalid(file, problems))
        }
    }
}

/// Sets one key of a rule, or says what is wrong with it.
fn set(
    rule: &mut Rule,
    id: RuleId,
    key: &str,
    value: &toml::Value,
) -> Result<(), (String, Option<&'static str>)> {
    let parameter = id.defaults().1.map(|(name, _)| name);
    match (key, value) {
        ("level", toml::Value::String(text)) => match Level::parse(text) {
            Some(level) => rule.level = level,
            None => {
                let near = closest(Level::NAMES.iter().copied(), text);
                return Err((
                    format!("unknown level '{text}' (error, warning, info or off)"),
                    near,
                ));
            }
        },
        ("level", _) => return Err(("'level' must be a string".to_owned(), None)),
        ("allow", toml::Value::Array(items)) => {
            rule.allow = items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or_else(|| ("'allow' must be a list of strings".to_owned(), None))?;
        }
        ("allow", _) => return Err(("'allow' must be a list of strings".to_owned(), None)),
        (key, value) if Some(key) == parameter => match value.as_integer() {
            Some(number) if number >= 0 => rule.parameter = Some(number as u64),
            _ => return Err((format!("'{key}' must be a whole number, 0 or more"), None)),
        },
        (key, _) => {
            let keys: Vec<&'static str> = ["level", "allow"].into_iter().chain(parameter).collect();
            let near = closest(keys.iter().copied(), key);
            return Err((
                format!(
                    "unknown key '{key}' in rule '{}' (keys: {})",
                    id.as_str(),
                    keys.join(", ")
                ),
                near,
            ));
        }
    }
    Ok(())
}

fn problem(line: usize, file: &str, why: String, near: Option<&str>) -> Problem {
    Problem {
        line: Some(line),
        item: file.to_owned(),
        problem: why,
        suggestion: near.map(str::to_owned),
    }
}

fn invalid(file: &str, problems: Vec<Problem>) -> CliError {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let near = p
                .suggestion
                .as_ref()
                .map(|s| format!(" (did you mean '{s}'?)"));
            format!(
                "line {}: {}{}",
                p.line.unwrap_or(1),
                p.problem,
                near.unwrap_or_default()
            )
        })
        .collect();
    let mut err = CliError::new(
        ErrorCode::ValidationIssue,
        format!(
            "The policy file {file} has {}:",
            plural(problems.len(), "problem")
        ),
    );
    for line in lines {
        err = err.detail(line);
    }
    err.problems = problems;
    err
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub level: Level,
    pub rule: &'static str,
    pub kind: &'static str,
    pub item: String,
    pub finding: String,
    #[serde(skip)]
    order: RuleId,
}

/// Every finding of every rule that is on, sorted by level, rule, then item (SPEC §1.16).
pub fn check(directory: &Directory, policy: &Policy, clock: &Clock) -> Vec<Finding> {
    let mut findings = Vec::new();
    for id in RuleId::ALL {
        let rule = policy.rule(id);
        if rule.level == Level::Off {
            continue;
        }
        let mut found = |kind: &'static str, item: &str, finding: String| {
            if !rule.allows(item) {
                findings.push(Finding {
                    level: rule.level,
                    rule: id.as_str(),
                    kind,
                    item: item.to_owned(),
                    finding,
                    order: id,
                });
            }
        };
        for (kind, item, finding) in rule_findings(id, rule, directory, clock) {
            found(kind, item, finding);
        }
    }
    findings.sort_by(|a, b| (a.level, a.order, &a.item).cmp(&(b.level, b.order, &b.item)));
    findings
}

/// What one rule finds, before its exemptions: (kind, item, finding).
fn rule_findings<'d>(
    id: RuleId,
    rule: &Rule,
    directory: &'d Directory,
    clock: &Clock,
) -> Vec<(&'static str, &'d str, String)> {
    let limit = rule.parameter.unwrap_or_default();
    let principals = directory.principals.iter();
    let tokens = principals.clone().filter(|p| p.kind == Kind::Token);
    let custom_roles = directory
        .roles
        .iter()
        .filter(|r| r.role_type == RoleType::Custom);
    let mut out = Vec::new();
    match id {
        RuleId::AdminsMin | RuleId::AdminsMax => {
            let counted = |p: &&Principal| directory.holds_admin(p) && !rule.allows(&p.name);
            let (count, noun) = if id == RuleId::AdminsMin {
                let active = principals.filter(|p| p.is_active_user());
                (active.filter(counted).count(), "active user")
            } else {
                (principals.filter(counted).count(), "principal")
            };
            let count = count as u64;
            let (outside, bound) = if id == RuleId::AdminsMin {
                (count < limit, "at least")
            } else {
                (count > limit, "at most")
            };
            if outside {
                let holds = if count == 1 { "holds" } else { "hold" };
                let finding = format!(
                    "{} {holds} {ORG_ADMIN} ({bound} {limit} wanted)",
                    plural(count as usize, noun)
                );
                out.push(("org", directory.org_id.as_str(), finding));
            }
        }
        RuleId::AdminTokens => {
            for token in tokens.filter(|t| directory.holds_admin(t)) {
                out.push(("token", token.name.as_str(), format!("holds {ORG_ADMIN}")));
            }
        }
        RuleId::TokenNoExpiry => {
            for token in tokens.filter(|t| t.expiry.is_none()) {
                out.push(("token", token.name.as_str(), "never expires".to_owned()));
            }
        }
        RuleId::TokenAge => {
            for token in tokens {
                let generated = token
                    .generated_on
                    .as_deref()
                    .and_then(|raw| raw.parse().ok());
                let Some(at) = generated else { continue };
                let age = seconds_between(at, clock.now);
                if age > days(limit) {
                    let finding = format!("generated {} days ago (at most {limit})", age / 86_400);
                    out.push(("token", token.name.as_str(), finding));
                }
            }
        }
        RuleId::TokenExpiring => {
            for token in tokens {
                let expiry = token.expiry.as_deref().and_then(|raw| raw.parse().ok());
                let Some(at) = expiry else { continue };
                let date = clock.local_date(at);
                if at < clock.now {
                    out.push(("token", token.name.as_str(), format!("expired on {date}")));
                } else if seconds_between(clock.now, at) <= days(limit) {
                    let finding = format!("expires on {date} (within {limit} days)");
                    out.push(("token", token.name.as_str(), finding));
                }
            }
        }
        RuleId::DanglingRole => {
            for principal in principals {
                let missing = directory
                    .roles_of(principal)
                    .filter(|r| r.role_type == RoleType::Missing);
                for role in missing {
                    let finding = format!(
                        "holds role {}, which the organization no longer has",
                        role.id
                    );
                    out.push((principal.kind.as_str(), principal.name.as_str(), finding));
                }
            }
        }
        RuleId::UserNoRoles => {
            let users = principals.filter(|p| p.kind == Kind::User && p.roles.is_empty());
            for user in users {
                out.push(("user", user.name.as_str(), "holds no role".to_owned()));
            }
        }
        RuleId::UnusedCustomRole => {
            let held: std::collections::HashSet<usize> =
                principals.flat_map(|p| p.roles.iter().copied()).collect();
            for (index, role) in directory.roles.iter().enumerate() {
                if role.role_type == RoleType::Custom && !held.contains(&index) {
                    out.push((
                        "role",
                        role.name.as_str(),
                        "no user or token holds it".to_owned(),
                    ));
                }
            }
        }
        RuleId::UnknownAction => {
            for role in custom_roles {
                for unknown in crate::policy::unknown_actions(&role.actions) {
                    let near = unknown
                        .suggestion
                        .map(|s| format!(" (did you mean '{s}'?)"));
                    let finding = format!("{}{}", unknown.problem, near.unwrap_or_default());
                    out.push(("role", role.name.as_str(), finding));
                }
            }
        }
    }
    out
}

/// Seconds from `from` to `to` (negative when `to` is earlier).
fn seconds_between(from: jiff::Timestamp, to: jiff::Timestamp) -> i64 {
    to.as_second().saturating_sub(from.as_second())
}

fn days(count: u64) -> i64 {
    i64::try_from(count)
        .unwrap_or(i64::MAX)
        .saturating_mul(86_400)
}

/// The count of each level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Self {
        let count = |level| findings.iter().filter(|f| f.level == level).count();
        Self {
            error: count(Level::Error),
            warning: count(Level::Warning),
            info: count(Level::Info),
        }
    }

    /// `1 error, 2 warnings, 0 info.`, or `No findings.`
    pub fn summary(self) -> String {
        if self == Self::default() {
            return "No findings.".to_owned();
        }
        format!(
            "{}, {}, {} info.",
            plural(self.error, "error"),
            plural(self.warning, "warning"),
            self.info
        )
    }
}

/// `1 error`, `2 errors`.
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {}", crate::text::plural(n, noun))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::{Role, User, UserList};

    const ADMIN: &str = "r-admin";

    use crate::fixtures::app_token as token;

    fn role(id: &str, name: &str, actions: &[&str]) -> Role {
        crate::fixtures::role_allowing(id, name, actions, &["drn:astra:org:O"])
    }

    fn user(email: &str, status: &str, roles: &[&str]) -> User {
        crate::fixtures::user_holding(&format!("id-{email}"), email, status, roles)
    }

    fn clock() -> Clock {
        Clock {
            now: "2026-06-01T00:00:00Z".parse().unwrap(),
            zone: jiff::tz::TimeZone::UTC,
        }
    }

    /// An organization where every rule fires once: one active admin (and an invited one), an
    /// admin token without expiry generated 400 days ago, a token expiring in 3 days, a
    /// dangling role, a user without roles, an unused custom role and one naming a typo.
    fn directory() -> Directory {
        let roles = vec![
            role(ADMIN, ORG_ADMIN, &["org-write"]),
            role("r-ro", "RO User", &["db-cql"]),
            role("r-unused", "Unused", &["db-cql"]),
            role("r-typo", "Typo", &["db-cqll"]),
        ];
        let users = UserList {
            org_id: Some("O".into()),
            org_name: None,
            users: vec![
                user("admin@x.io", "active", &[ADMIN]),
                user("new@x.io", "invited", &[ADMIN]),
                user("gone@x.io", "active", &["r-ro", "deadbeef"]),
                user("none@x.io", "active", &[]),
                user("typo@x.io", "active", &["r-typo"]),
            ],
        };
        let tokens = vec![
            token("tokAdmin", &[ADMIN], "2025-04-27T00:00:00Z", None),
            token(
                "tokSoon",
                &["r-ro"],
                "2026-05-01T00:00:00Z",
                Some("2026-06-04T00:00:00Z"),
            ),
        ];
        Directory::new(users, roles, tokens)
    }

    fn found(findings: &[Finding]) -> Vec<(Level, &str, &str, &str, &str)> {
        findings
            .iter()
            .map(|f| (f.level, f.rule, f.kind, f.item.as_str(), f.finding.as_str()))
            .collect()
    }

    #[test]
    fn every_rule_fires_at_its_default_level_sorted_by_level_rule_and_item() {
        let findings = check(&directory(), &Policy::default(), &clock());
        assert_eq!(
            found(&findings),
            [
                (
                    Level::Error,
                    "dangling-role",
                    "user",
                    "gone@x.io",
                    "holds role deadbeef, which the organization no longer has"
                ),
                (
                    Level::Warning,
                    "admins-min",
                    "org",
                    "O",
                    "1 active user holds Organization Administrator (at least 2 wanted)"
                ),
                (
                    Level::Warning,
                    "admin-tokens",
                    "token",
                    "tokAdmin",
                    "holds Organization Administrator"
                ),
                (
                    Level::Warning,
                    "token-no-expiry",
                    "token",
                    "tokAdmin",
                    "never expires"
                ),
                (
                    Level::Warning,
                    "token-age",
                    "token",
                    "tokAdmin",
                    "generated 400 days ago (at most 365)"
                ),
                (
                    Level::Warning,
                    "user-no-roles",
                    "user",
                    "none@x.io",
                    "holds no role"
                ),
                (
                    Level::Warning,
                    "unknown-action",
                    "role",
                    "Typo",
                    "'db-cqll' is not a known action (did you mean 'db-cql'?)"
                ),
                (
                    Level::Info,
                    "token-expiring",
                    "token",
                    "tokSoon",
                    "expires on 2026-06-04 (within 14 days)"
                ),
                (
                    Level::Info,
                    "unused-custom-role",
                    "role",
                    "Unused",
                    "no user or token holds it"
                ),
            ]
        );
        let counts = Counts::of(&findings);
        assert_eq!(
            counts,
            Counts {
                error: 1,
                warning: 6,
                info: 2
            }
        );
        assert_eq!(counts.summary(), "1 error, 6 warnings, 2 info.");
        assert_eq!(Counts::default().summary(), "No findings.");
        assert_eq!(
            Counts {
                error: 2,
                warning: 1,
                info: 1
            }
            .summary(),
            "2 errors, 1 warning, 1 info."
        );
    }

    fn policy(toml: &str) -> Policy {
        Policy::from_toml(toml, "p.toml").unwrap()
    }

    fn rules_found(policy: &Policy) -> Vec<(&'static str, String)> {
        check(&directory(), policy, &clock())
            .into_iter()
            .map(|f| (f.rule, f.item))
            .collect()
    }

    #[test]
    fn a_rule_does_not_fire_within_its_parameter() {
        let relaxed = policy(
            "[rules.admins-min]\nmin = 1\n[rules.admins-max]\nmax = 3\n[rules.token-age]\nmax_days = 400\n[rules.token-expiring]\nwithin_days = 2\n",
        );
        let rules: Vec<&str> = rules_found(&relaxed).into_iter().map(|(r, _)| r).collect();
        for quiet in ["admins-min", "admins-max", "token-age", "token-expiring"] {
            assert!(!rules.contains(&quiet), "{quiet} fired: {rules:?}");
        }
        let strict = policy("[rules.admins-max]\nmax = 1\n[rules.token-expiring]\nwithin_days = 3\n[rules.token-age]\nmax_days = 399\n");
        let found = rules_found(&strict);
        assert!(found.contains(&("admins-max", "O".into())), "{found:?}");
        assert!(
            found.contains(&("token-expiring", "tokSoon".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&("token-age", "tokAdmin".into())),
            "{found:?}"
        );
    }

    #[test]
    fn admins_max_counts_every_principal_holding_the_role() {
        let findings = check(
            &directory(),
            &policy("[rules.admins-max]\nmax = 2\n"),
            &clock(),
        );
        let max = findings.iter().find(|f| f.rule == "admins-max").unwrap();
        assert_eq!(
            max.finding,
            "3 principals hold Organization Administrator (at most 2 wanted)"
        );
    }

    #[test]
    fn an_expired_token_is_reported_as_expired() {
        let later = Clock {
            now: "2026-07-01T00:00:00Z".parse().unwrap(),
            zone: jiff::tz::TimeZone::UTC,
        };
        let findings = check(&directory(), &Policy::default(), &later);
        let expiring = findings
            .iter()
            .find(|f| f.rule == "token-expiring")
            .unwrap();
        assert_eq!(expiring.finding, "expired on 2026-06-04");
    }

    #[test]
    fn allow_exempts_items_and_off_turns_a_rule_off() {
        let exempt = policy(
            r#"
[rules.admin-tokens]
allow = ["TOKADMIN"]  # break-glass token, reviewed quarterly
[rules.user-no-roles]
level = "off"
[rules.admins-min]
allow = ["admin@x.io"]
min = 1
[rules.unused-custom-role]
allow = ["Unused"]
[rules.dangling-role]
allow = ["gone@x.io"]
"#,
        );
        let found = rules_found(&exempt);
        let rules: Vec<&str> = found.iter().map(|(r, _)| *r).collect();
        assert!(!rules.contains(&"admin-tokens"));
        assert!(!rules.contains(&"user-no-roles"));
        assert!(!rules.contains(&"unused-custom-role"));
        assert!(!rules.contains(&"dangling-role"));
        assert!(
            rules.contains(&"admins-min"),
            "the exempted admin is not counted: {found:?}"
        );
        assert!(rules.contains(&"token-no-expiry"));
    }

    #[test]
    fn a_level_changes_where_the_finding_sorts_and_whether_it_fails() {
        let raised = policy("[rules.unused-custom-role]\nlevel = \"error\"\n");
        let findings = check(&directory(), &raised, &clock());
        assert_eq!(findings[0].rule, "dangling-role");
        assert_eq!(findings[1].rule, "unused-custom-role");
        assert_eq!(findings[1].level, Level::Error);
        assert!(Level::Error.fails(Level::Error));
        assert!(Level::Error.fails(Level::Info));
        assert!(!Level::Warning.fails(Level::Error));
        assert!(Level::Warning.fails(Level::Warning));
        assert!(!Level::Info.fails(Level::Warning));
        assert!(!Level::Off.fails(Level::Info));
    }

    fn problems(toml: &str) -> Vec<String> {
        let err = Policy::from_toml(toml, "p.toml").unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        err.problems
            .iter()
            .map(|p| {
                let near = p.suggestion.as_deref().unwrap_or("-");
                format!("{}: {} [{near}]", p.line.unwrap(), p.problem)
            })
            .collect()
    }

    #[test]
    fn every_mistake_in_a_policy_file_is_named_with_its_line() {
        let text = "\u{feff}# team policy\n[rules.admin-token]\nlevel = \"warning\"\n[rules.token-age]\nmax_day = 90\nlevel = \"warn\"\n[rules.admins-min]\nmin = -1\nallow = \"a@x.io\"\n[rule.x]\n";
        assert_eq!(
            problems(text),
            [
                "2: unknown rule 'admin-token' [admin-tokens]",
                "5: unknown key 'max_day' in rule 'token-age' (keys: level, allow, max_days) [max_days]",
                "6: unknown level 'warn' (error, warning, info or off) [warning]",
                "8: 'min' must be a whole number, 0 or more [-]",
                "9: 'allow' must be a list of strings [-]",
                "10: unknown key 'rule': a policy has only [rules.<id>] tables [rules]",
            ]
        );
        assert_eq!(
            problems("[rules\n"),
            ["1: not a policy file: unclosed table, expected `]` [-]"]
        );
        assert_eq!(
            problems("[rules.token-age]\nlevel = 3\n"),
            ["2: 'level' must be a string [-]"]
        );
    }

    #[test]
    fn a_good_policy_file_sets_level_parameter_and_allow() {
        let read =
            policy("[rules.token-age]\nlevel = \"error\"\nmax_days = 90\nallow = [\"a\", \"b\"]\n");
        let rule = read.rule(RuleId::TokenAge);
        assert_eq!(rule.level, Level::Error);
        assert_eq!(rule.parameter, Some(90));
        assert_eq!(rule.allow, ["a", "b"]);
        assert_eq!(
            read.rule(RuleId::TokenNoExpiry),
            Policy::default().rule(RuleId::TokenNoExpiry)
        );
    }

    #[test]
    fn the_readme_example_policy_is_a_good_policy() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("# access-policy.toml")
            .expect("the example policy");
        let text = &readme[start..start + readme[start..].find("```").unwrap()];
        let read = Policy::from_toml(text, "README").unwrap();
        assert_eq!(read.rule(RuleId::AdminTokens).level, Level::Error);
        assert_eq!(
            read.rule(RuleId::AdminsMax).allow,
            ["breakglass@example.com"]
        );
    }

    #[test]
    fn levels_and_days_have_their_words_and_bounds() {
        let words = [Level::Error, Level::Warning, Level::Info, Level::Off].map(Level::as_str);
        assert_eq!(words, ["error", "warning", "info", "off"]);
        assert_eq!(days(2), 172_800);
        assert_eq!(days(u64::MAX), i64::MAX);
    }

    #[test]
    fn a_token_expiring_this_very_instant_is_expiring_not_expired() {
        let dir = directory();
        let at_expiry = Clock {
            now: "2026-06-04T00:00:00Z".parse().unwrap(),
            zone: jiff::tz::TimeZone::UTC,
        };
        let findings = check(&dir, &Policy::default(), &at_expiry);
        let expiring = findings
            .iter()
            .find(|f| f.rule == "token-expiring")
            .unwrap();
        assert_eq!(expiring.finding, "expires on 2026-06-04 (within 14 days)");
    }
}
