//! `astra user apply FILE|- [--format F] [--prune] [--dry-run] [--concurrency N]`: makes the
//! organization's users match a desired-state document (SPEC §1.8). Every row is validated first
//! and every problem reported with its line before anything is sent; then one read (users ∥
//! roles) and the changes, at most N in flight. A second run plans 0 changes.

use std::collections::HashMap;
use std::io::Read;

use crate::api::models::{Invitation, Role, RoleAssignment, User, UserList, UserStatus};
use crate::cli::UserApplyArgs;
use crate::commands::Context;
use crate::config::{expand_tilde, os_reason};
use crate::error::{CliError, ErrorCode};
use crate::lookup::{org_id, resolve_all, same_email, RoleProblem};
use crate::output::views::Applied;
use crate::output::{Batch, BatchItem, ItemResult, Outcome, Record, Response};
use crate::refs::{email_problem, parse_role_ref, EmailProblem};
use crate::teamfile::{self, Entry, RowProblem};

use super::run_all;

pub async fn run(context: &Context, args: &UserApplyArgs) -> Result<Outcome, CliError> {
    let format = teamfile::format_of(&args.file, args.format).ok_or_else(|| {
        CliError::new(
            ErrorCode::ValidationIssue,
            format!("Cannot tell the format of '{}'.", args.file),
        )
        .detail("Name it with --format csv, --format json or --format toml.")
    })?;
    let text = read_input(&args.file)?;
    let entries = teamfile::parse(&text, format).map_err(|p| invalid(&args.file, &[p]))?;
    let client = context.client()?;
    let (list, roles) = tokio::try_join!(client.list_users(), client.list_roles())?;
    let desired = validate(&entries, &roles).map_err(|p| invalid(&args.file, &p))?;
    let steps = plan(&desired, &list.users, args.prune);
    let headline = headline(&steps, &args.file, args.dry_run);
    let results: Vec<ItemResult> = if args.dry_run {
        steps
            .iter()
            .map(|step| ItemResult::Done(step.response(true)))
            .collect()
    } else {
        // One tick per row, changed or not: the bar counts the file's rows.
        let bar = context.ui.progress(steps.len() as u64);
        let results = run_all(
            context,
            steps.len(),
            args.concurrency,
            &|i| execute(context, &list, &steps[i]),
            |_| bar.inc(1),
        )
        .await;
        bar.finish_and_clear();
        results
    };
    let items = steps
        .iter()
        .zip(results)
        .map(|(step, result)| BatchItem {
            user: step.email.clone(),
            result,
        })
        .collect();
    let mut batch = Batch::new(items, Applied::COLUMNS);
    batch.headline = Some(headline);
    Ok(Outcome::Batch(batch))
}

/// FILE, or standard input for `-`.
fn read_input(file: &str) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(drop)
    } else {
        std::fs::read(expand_tilde(file)).map(|b| bytes = b)
    };
    read.map_err(|err| {
        CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot read '{file}': {}.", os_reason(&err)),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        CliError::new(
            ErrorCode::ValidationIssue,
            format!("'{file}' is not UTF-8 text."),
        )
    })
}

/// `VALIDATION_ISSUE` listing every problem with its line; nothing was sent.
fn invalid(file: &str, problems: &[RowProblem]) -> CliError {
    let noun = if problems.len() == 1 {
        "problem"
    } else {
        "problems"
    };
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("  line {}: {}", p.line, p.message))
        .collect();
    CliError::new(
        ErrorCode::ValidationIssue,
        format!("'{file}' has {} {noun}; nothing was sent.", problems.len()),
    )
    .detail(lines.join("\n"))
}

/// A row that passed validation: the email and its resolved roles.
struct Desired<'a> {
    email: &'a str,
    roles: Vec<&'a Role>,
}

/// Checks every row (email, duplicates, roles) and reports all problems together.
fn validate<'a>(
    entries: &'a [Entry],
    roles: &'a [Role],
) -> Result<Vec<Desired<'a>>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut desired = Vec::new();
    for entry in entries {
        let line = entry.line;
        let email = entry.email.as_str();
        match email_problem(email) {
            Some(EmailProblem::SeveralEmails) => problems.push(RowProblem::new(
                line,
                format!("'{email}' holds several emails; give each its own row"),
            )),
            Some(EmailProblem::Malformed(why)) => problems.push(RowProblem::new(
                line,
                format!("'{email}' is not an email address: {why}"),
            )),
            None => {}
        }
        match seen.get(&email.to_lowercase()) {
            Some(first) => problems.push(RowProblem::new(
                line,
                format!("'{email}' is already on line {first}"),
            )),
            None => {
                seen.insert(email.to_lowercase(), line);
            }
        }
        if entry.roles.is_empty() {
            problems.push(RowProblem::new(line, format!("'{email}' has no roles")));
            continue;
        }
        let mut refs = Vec::new();
        for role in &entry.roles {
            match parse_role_ref(role) {
                Ok(role) => refs.push(role),
                Err(why) => problems.push(RowProblem::new(line, format!("role '{role}': {why}"))),
            }
        }
        match resolve_all(roles, &refs) {
            Ok(resolved) => desired.push(Desired {
                email,
                roles: resolved,
            }),
            Err(unknown) => problems.extend(
                unknown
                    .iter()
                    .map(|p| RowProblem::new(line, role_problem(p))),
            ),
        }
    }
    if problems.is_empty() {
        Ok(desired)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

fn role_problem(problem: &RoleProblem) -> String {
    match problem {
        RoleProblem::NotFound {
            typed,
            closest: Some(closest),
        } => {
            format!("role '{typed}' not found; did you mean '{closest}'?")
        }
        RoleProblem::NotFound {
            typed,
            closest: None,
        } => format!("role '{typed}' not found"),
        RoleProblem::Ambiguous { typed, candidates } => {
            let ids: Vec<&str> = candidates.iter().map(|(_, id)| id.as_str()).collect();
            format!(
                "role '{typed}' is ambiguous (ids {}); give the id",
                ids.join(", ")
            )
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Invite,
    SetRoles,
    Reinvite,
    Delete,
    Unchanged,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::SetRoles => "set roles",
            Self::Reinvite => "re-invite",
            Self::Delete => "delete",
            Self::Unchanged => "unchanged",
        }
    }
}

/// One planned change (or none) for one user.
struct Step {
    email: String,
    action: Action,
    user_id: Option<String>,
    role_ids: Vec<String>,
    role_names: Vec<String>,
}

impl Step {
    fn response(&self, dry_run: bool) -> Response {
        let email = &self.email;
        let roles = self
            .role_names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let (done, would) = match self.action {
            Action::Invite => (
                format!("Invited '{email}' with roles {roles}."),
                format!("Would invite '{email}' with roles {roles}."),
            ),
            Action::SetRoles => (
                format!("Set the roles of '{email}' to {roles}."),
                format!("Would set the roles of '{email}' to {roles}."),
            ),
            Action::Reinvite => (
                format!("Re-invited '{email}' with roles {roles}."),
                format!("Would re-invite '{email}' with roles {roles}."),
            ),
            Action::Delete => (
                format!("Deleted '{email}'."),
                format!("Would delete '{email}'."),
            ),
            Action::Unchanged => (
                format!("'{email}' is unchanged."),
                format!("'{email}' is unchanged."),
            ),
        };
        let mut response = Response::new(
            if dry_run { would } else { done },
            Applied {
                email: email.clone(),
                action: self.action.name(),
                roles: self.role_names.clone(),
            },
        );
        response.routine = self.action == Action::Unchanged;
        response
    }
}

/// Compares the file with the organization: rows in file order, then `--prune` deletions.
fn plan(desired: &[Desired], users: &[User], prune: bool) -> Vec<Step> {
    let mut steps: Vec<Step> = desired
        .iter()
        .map(|row| {
            let mut ids: Vec<String> = row.roles.iter().map(|r| r.id.clone()).collect();
            ids.sort();
            let names = row.roles.iter().map(|r| r.name().to_owned()).collect();
            let found = users.iter().find(|u| same_email(u.email(), row.email));
            let action = match found {
                None => Action::Invite,
                Some(user) => {
                    let mut current: Vec<String> =
                        user.roles().iter().map(|r| r.id.clone()).collect();
                    current.sort();
                    current.dedup();
                    match (current == ids, &user.status) {
                        (true, _) => Action::Unchanged,
                        (false, Some(UserStatus::Active)) => Action::SetRoles,
                        (false, _) => Action::Reinvite,
                    }
                }
            };
            Step {
                email: row.email.to_owned(),
                action,
                user_id: found.map(|u| u.id.clone()),
                role_ids: ids,
                role_names: names,
            }
        })
        .collect();
    if prune {
        let mut gone: Vec<&User> = users
            .iter()
            .filter(|u| !desired.iter().any(|row| same_email(u.email(), row.email)))
            .collect();
        gone.sort_by_key(|u| u.email().to_lowercase());
        steps.extend(gone.into_iter().map(|user| Step {
            email: user.email().to_owned(),
            action: Action::Delete,
            user_id: Some(user.id.clone()),
            role_ids: Vec::new(),
            role_names: user.roles().iter().map(|r| r.name().to_owned()).collect(),
        }));
    }
    steps
}

/// `Applied 'team.toml': 3 changes (1 invite, 1 set roles, 1 delete), 2 unchanged.`
fn headline(steps: &[Step], file: &str, dry_run: bool) -> String {
    let count = |action| steps.iter().filter(|s| s.action == action).count();
    let kinds: Vec<String> = [
        Action::Invite,
        Action::SetRoles,
        Action::Reinvite,
        Action::Delete,
    ]
    .into_iter()
    .filter(|a| count(*a) > 0)
    .map(|a| format!("{} {}", count(a), a.name()))
    .collect();
    let changes: usize = steps
        .iter()
        .filter(|s| s.action != Action::Unchanged)
        .count();
    let noun = if changes == 1 { "change" } else { "changes" };
    let detail = if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    };
    let unchanged = count(Action::Unchanged);
    if dry_run {
        format!("Dry run of '{file}': {changes} {noun}{detail}, {unchanged} unchanged; nothing was sent.")
    } else {
        format!("Applied '{file}': {changes} {noun}{detail}, {unchanged} unchanged.")
    }
}

async fn execute(context: &Context, list: &UserList, step: &Step) -> Result<Response, CliError> {
    let client = context.client()?;
    let ids: Vec<&str> = step.role_ids.iter().map(String::as_str).collect();
    match (step.action, step.user_id.as_deref()) {
        (Action::Invite | Action::Reinvite, _) => {
            let org_id = org_id(list)?;
            client
                .invite(&Invitation {
                    email: &step.email,
                    org_id,
                    roles: ids,
                })
                .await?;
        }
        (Action::SetRoles, Some(id)) => {
            client.set_roles(id, &RoleAssignment { roles: ids }).await?
        }
        (Action::Delete, Some(id)) => {
            client.delete_user(id).await?;
        }
        _ => {}
    }
    Ok(step.response(false))
}
