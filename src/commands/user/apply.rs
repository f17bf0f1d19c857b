//! `astra user apply FILE|- [--format F] [--prune] [--dry-run] [--concurrency N]`: makes the
//! organization's users match a desired-state document (SPEC §1.8). Every row is validated first
//! and every problem reported with its line before anything is sent; then one read (users ∥
//! roles) and the changes, at most N in flight. A second run plans 0 changes.

use crate::teamfile::DocumentFormat;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::api::models::{Invitation, Role, RoleAssignment, User, UserList, UserStatus};
use crate::commands::files;
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::lookup::{admin_role_ids, email_key, org_id, resolve_all, RoleProblem, ORG_ADMIN};
use crate::output::views::Applied;
use crate::output::{ItemKind, Outcome, Record, Response};
use crate::refs::{email_problem, parse_role_ref, EmailProblem};
use crate::teamfile::{self, Entry, RowProblem};
use crate::text::quoted_list;

use super::team_roles::{self, CreatedRoles, KnownRoles, RoleAction, RoleStep};
use crate::commands::batch::{self, BatchArgs, ItemName, Planned, Report};

/// Make the organization's users (and custom roles) match a file (CSV, JSON or TOML)
///
/// The format comes from the extension (.csv, .json, .toml) or --format:
///
/// CSV: a header 'email,roles', then one user per row; several roles in a quoted cell,
/// separated by ';' or ','. JSON: [{"email": …, "roles": [...]}], or {"roles": [...],
/// "users": [...]} with custom roles. TOML: [[user]] tables with 'email' and 'roles', and
/// [[role]] tables with 'name', 'description', 'actions' and 'resources'.
///
/// Every row is checked before anything is sent, and every problem is listed with its line.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# Show what would change\n$ astra user apply team.toml --dry-run\n# Apply it, deleting users that are not in the file\n$ astra user apply team.toml --prune\n# Read CSV from standard input\n$ cat team.csv | astra user apply - --format csv"
)]
pub struct UserApplyArgs {
    /// The file to apply, or - for standard input
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub file: String,
    /// The file's format (default: from its extension)
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<DocumentFormat>,
    /// Also delete the users that are not in the file (asks first; --yes without a terminal)
    #[arg(long)]
    pub prune: bool,
    /// Delete without asking (needed for --prune without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

pub async fn run(context: &Context, args: &UserApplyArgs) -> Result<Outcome, CliError> {
    if args.file == "-" && context.request().token == Some(crate::config::TokenArg::Stdin) {
        // Both would read standard input: the token would become the file's first line.
        return Err(CliError::usage(
            "'--token @-' and FILE '-' cannot both read standard input; pass the token with --token @FILE or the variable",
        ));
    }
    // A missing file or a directory is said first: its format is not the problem.
    files::not_a_file(&args.file)?;
    let format = teamfile::format_of(&args.file, args.format).ok_or_else(|| {
        CliError::new(
            ErrorCode::ValidationIssue,
            format!("Cannot tell the format of '{}'.", args.file),
        )
        .detail("Name it with --format csv, --format json or --format toml.")
    })?;
    let text = files::read_input(&args.file)?;
    let mut document =
        teamfile::parse_document(&text, format).map_err(|p| invalid(&args.file, &p))?;
    drop(text);
    // Taken: validation keeps each row's email and lets go of the rest as it goes.
    let entries = std::mem::take(&mut document.users);
    if args.prune && entries.is_empty() {
        return Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("'{}' has no user entry; with --prune it would delete every user. Nothing was sent.", args.file),
        )
        .detail("Add the users to keep to the file, or leave out --prune."));
    }
    let client = context.client()?;
    let (list, roles) = tokio::try_join!(client.list_users(), client.list_roles())?;
    let declared = document.roles.as_deref().unwrap_or_default();
    let role_plan = match &document.roles {
        Some(declared) => team_roles::plan(declared, &roles, org_id(&list)?, args.prune),
        None => Ok(Vec::new()),
    };
    let known = KnownRoles::new(&roles, held_but_unlisted(&roles, &list.users), declared);
    let (role_steps, desired) = match (role_plan, validate(entries, known.all())) {
        (Ok(role_steps), Ok(desired)) => (role_steps, desired),
        (role_plan, users) => {
            let mut problems = role_plan.err().unwrap_or_default();
            problems.extend(users.err().unwrap_or_default());
            problems.sort_by_key(|p| p.line);
            return Err(invalid(&args.file, &problems));
        }
    };
    let steps = plan(desired, &list.users, args.prune);
    keeps_an_admin(&steps, &list.users, &roles)?;
    if !args.batch.dry_run && !confirm_deletions(context, args, &steps, &role_steps)? {
        return Ok(Outcome::Response(Response::new(
            "Nothing was changed.",
            crate::output::views::NoChange {},
        )));
    }
    let items: Vec<Planned<Item>> = ordered(&role_steps, &steps)
        .into_iter()
        .map(|item| item.planned(&known))
        .collect();
    // A run shows a progress bar of its changes; a dry run sends nothing to count.
    let changes = items.iter().filter(|p| p.is_change()).count();
    let bar = (!args.batch.dry_run).then(|| context.ui.progress(changes as u64));
    let created = CreatedRoles::default();
    let plan = batch::Plan {
        kind: ItemKind::User,
        columns: Applied::csv_names(),
        items,
        report: Report::Batch {
            title: format!("Applied '{}'", args.file),
        },
    };
    let outcome = batch::execute(
        context,
        &args.batch,
        plan,
        |item| Ok(item.response(true)),
        |item| item.execute(context, &list, &known, &created),
        || bar.iter().for_each(|bar| bar.inc(1)),
    )
    .await;
    bar.iter()
        .for_each(indicatif::ProgressBar::finish_and_clear);
    outcome
}

/// One item of an apply: a declared role or a user row.
#[derive(Clone, Copy)]
enum Item<'a> {
    Role(&'a RoleStep),
    User(&'a Step<'a>),
}

/// The items in the order they are reported: role creates and updates, the users, then the
/// pruned roles (each is also in its wave, SPEC §13.1).
fn ordered<'a>(roles: &'a [RoleStep], users: &'a [Step]) -> Vec<Item<'a>> {
    let pruned = |step: &&RoleStep| step.action == RoleAction::Delete;
    roles
        .iter()
        .filter(|s| !pruned(s))
        .map(Item::Role)
        .chain(users.iter().map(Item::User))
        .chain(roles.iter().filter(pruned).map(Item::Role))
        .collect()
}

impl<'a> Item<'a> {
    /// The item as planned, carrying itself: a user that needs a role the file creates waits
    /// for that role's item, and is skipped if it fails.
    fn planned(self, known: &KnownRoles) -> Planned<Item<'a>> {
        match self {
            Item::Role(step) => step.planned(self),
            Item::User(step) => {
                let mut needs: Vec<ItemName> = step
                    .roles_given()
                    .filter_map(|role| known.target(role).creating_item())
                    .collect();
                needs.dedup();
                step.planned(self).needing(needs)
            }
        }
    }

    fn response(&self, dry_run: bool) -> Response {
        match self {
            Item::Role(step) => step.response(dry_run),
            Item::User(step) => step.response(dry_run),
        }
    }

    async fn execute(
        self,
        context: &Context,
        list: &UserList,
        known: &KnownRoles,
        created: &CreatedRoles,
    ) -> Result<Response, CliError> {
        match self {
            Item::Role(step) => step.execute(context, created).await,
            Item::User(step) => execute(context, list, step, known, created).await,
        }
    }
}

/// SPEC §13.2: a plan that would leave no active user holding `Organization Administrator` is
/// refused before anything is sent (a dry run reports the same).
fn keeps_an_admin(steps: &[Step], users: &[User], roles: &[Role]) -> Result<(), CliError> {
    let admin_ids = admin_role_ids(roles);
    // The users a step leaves without the role (most rows are unchanged and pass at once); an
    // administrator not among them keeps it.
    let loses_it = |step: &&Step| match step.action {
        Action::Unchanged => false,
        Action::SetRoles => !step.role_ids().any(|id| admin_ids.contains(id)),
        Action::Delete | Action::Reinvite | Action::Invite => true,
    };
    let losing: std::collections::HashSet<Cow<str>> = steps
        .iter()
        .filter(loses_it)
        .map(|step| email_key(&step.email))
        .collect();
    let still_admin = |user: &User| !losing.contains(&email_key(user.email()));
    crate::lookup::keeps_an_admin(
        users,
        &admin_ids,
        still_admin,
        &format!("Keep at least one of them an '{ORG_ADMIN}' in the file."),
    )
}

/// SPEC §13.2: deletions the user did not name one by one are listed and confirmed first. Only
/// `false` when the person answered no.
fn confirm_deletions(
    context: &Context,
    args: &UserApplyArgs,
    steps: &[Step],
    role_steps: &[RoleStep],
) -> Result<bool, CliError> {
    let users: Vec<&str> = steps
        .iter()
        .filter(|s| s.action == Action::Delete)
        .map(|s| s.email.as_ref())
        .collect();
    let roles: Vec<&str> = role_steps
        .iter()
        .filter(|s| s.action == RoleAction::Delete)
        .map(|s| s.name.as_str())
        .collect();
    let deletions: Vec<&str> = users.iter().chain(&roles).copied().collect();
    if deletions.is_empty() || args.yes {
        return Ok(true);
    }
    let count_of = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let count_noun = match (users.len(), roles.len()) {
        (n, 0) => count_of(n, "user"),
        (0, n) => count_of(n, "role"),
        (u, r) => format!("{} and {}", count_of(u, "user"), count_of(r, "role")),
    };
    let with_yes =
        |err: CliError| err.fix("Confirm the deletions with --yes:", Edit::AddFlag("--yes"));
    if !context.ui.can_prompt() {
        return Err(with_yes(CliError::new(
            ErrorCode::UnsupportedExecution,
            format!("--prune would delete {count_noun}, and there is no terminal to confirm it on; nothing was sent."),
        )
        .detail(format!("Deleting: {}.", quoted_list(deletions.iter().copied())))));
    }
    let who = if roles.is_empty() { "who" } else { "which" };
    let mut list = format!(
        "'{}' leaves out {count_noun}, {who} will be deleted:",
        args.file
    );
    for email in &deletions {
        list.push_str(&format!("\n  {email}"));
    }
    context.ui.notice(&list);
    let answer = context
        .ui
        .confirm(&format!("Delete {count_noun}?"))
        .map_err(|err| {
            with_yes(CliError::new(
                ErrorCode::UnsupportedExecution,
                format!("Cannot ask for confirmation: {err}."),
            ))
        })?;
    match answer {
        Some(yes) => Ok(yes),
        None => Err(CliError::cancelled()),
    }
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
        .map(|p| format!("  line {}: {}", p.line(), p.problem))
        .collect();
    let mut err = CliError::new(
        ErrorCode::ValidationIssue,
        format!("'{file}' has {} {noun}; nothing was sent.", problems.len()),
    )
    .detail(lines.join("\n"));
    // A problem of the whole document is about the file.
    err.problems = problems
        .iter()
        .map(|p| match p.item.is_empty() {
            true => p.clone().about(file),
            false => p.clone(),
        })
        .collect();
    err
}

/// Roles users hold that the organization no longer lists: export writes them by id, and the
/// file must read back as 0 changes (SPEC §1.10), so a row may name them (by id) too.
fn held_but_unlisted(known: &[Role], users: &[User]) -> Vec<Role> {
    // Nearly every held id is listed as written: found without allocating, at 100,000 roles
    // held; only the others are compared in lower case.
    let listed: std::collections::HashSet<&str> = known.iter().map(|r| r.id.as_str()).collect();
    let mut seen: std::collections::HashSet<String> =
        known.iter().map(|r| r.id.to_ascii_lowercase()).collect();
    users
        .iter()
        .flat_map(User::roles)
        .filter(|role| !listed.contains(role.id.as_str()))
        .filter(|role| seen.insert(role.id.to_ascii_lowercase()))
        .map(|role| Role {
            id: role.id.clone(),
            // Named by its id, which is how export writes it (and how a row can name it).
            name: Some(role.id.clone()),
            policy: None,
        })
        .collect()
}

/// A row that passed validation: the email and its resolved roles.
#[derive(Clone)]
struct Desired<'a> {
    email: String,
    roles: Vec<&'a Role>,
}

/// Checks every row (email, duplicates, roles) and reports all problems together.
fn validate(entries: Vec<Entry>, roles: &[Role]) -> Result<Vec<Desired<'_>>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut desired = Vec::with_capacity(entries.len());
    for entry in entries {
        let line = entry.line;
        let email = entry.email.as_str();
        match email_problem(email) {
            Some(EmailProblem::SeveralEmails) => problems.push(
                RowProblem::new(
                    line,
                    format!("'{email}' holds several emails; give each its own row"),
                )
                .about(email),
            ),
            Some(EmailProblem::Malformed(why)) => problems.push(
                RowProblem::new(line, format!("'{email}' is not an email address: {why}"))
                    .about(email),
            ),
            None => {}
        }
        match seen.entry(email.to_lowercase()) {
            std::collections::hash_map::Entry::Occupied(first) => problems.push(
                RowProblem::new(
                    line,
                    format!("'{email}' is already on line {}", first.get()),
                )
                .about(email),
            ),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
            }
        }
        if entry.roles.is_empty() {
            problems.push(RowProblem::new(line, format!("'{email}' has no roles")).about(email));
            continue;
        }
        let mut refs = Vec::new();
        for role in &entry.roles {
            match parse_role_ref(role) {
                Ok(role) => refs.push(role),
                Err(why) => problems
                    .push(RowProblem::new(line, format!("role '{role}': {why}")).about(role)),
            }
        }
        match resolve_all(roles, &refs) {
            Ok(resolved) => desired.push(Desired {
                email: entry.email,
                roles: resolved,
            }),
            Err(unknown) => problems.extend(unknown.iter().map(|p| {
                let (typed, closest) = match p {
                    RoleProblem::NotFound { typed, closest } => (typed, closest.clone()),
                    RoleProblem::Ambiguous { typed, .. } => (typed, None),
                };
                RowProblem::new(line, role_problem(p))
                    .about(typed.as_str())
                    .suggesting(closest)
            })),
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
    /// The batch's change, or none for a user already as the file says.
    fn change(self) -> Option<batch::Change> {
        match self {
            Self::Invite => Some(batch::Change::Invite),
            Self::SetRoles => Some(batch::Change::SetRoles),
            Self::Reinvite => Some(batch::Change::Reinvite),
            Self::Delete => Some(batch::Change::Delete),
            Self::Unchanged => None,
        }
    }

    fn name(self) -> &'static str {
        self.change().map_or("unchanged", batch::Change::name)
    }
}

/// One planned change (or none) for one user, borrowing from the file and the listing: at
/// 50,000 rows a copy of each would cost more than the plan itself.
struct Step<'a> {
    /// The file's (moved from its row), or the listing's for a deletion.
    email: Cow<'a, str>,
    action: Action,
    user_id: Option<&'a str>,
    /// The roles the user gets (the file's), or holds (a deletion's).
    roles: Vec<&'a Role>,
    /// Their names, shared with every step of the same roles.
    names: Arc<[String]>,
}

impl<'a> Step<'a> {
    /// The roles the user gets (none for a deletion).
    fn roles_given(&self) -> impl Iterator<Item = &'a Role> + '_ {
        let gets = self.action != Action::Delete;
        self.roles.iter().copied().filter(move |_| gets)
    }

    /// The ids of the roles the user gets (empty for a role the file creates).
    fn role_ids(&self) -> impl Iterator<Item = &str> {
        self.roles_given().map(|r| r.id.as_str())
    }

    fn response(&self, dry_run: bool) -> Response {
        let email = &self.email;
        // Only the one message this outcome needs: at 50,000 rows the others cost as much.
        let roles = || quoted_list(self.names.iter());
        let message = match (self.action, dry_run) {
            (Action::Invite, false) => format!("Invited '{email}' with roles {}.", roles()),
            (Action::Invite, true) => format!("Would invite '{email}' with roles {}.", roles()),
            (Action::SetRoles, false) => format!("Set the roles of '{email}' to {}.", roles()),
            (Action::SetRoles, true) => {
                format!("Would set the roles of '{email}' to {}.", roles())
            }
            (Action::Reinvite, false) => format!("Re-invited '{email}' with roles {}.", roles()),
            (Action::Reinvite, true) => {
                format!("Would re-invite '{email}' with roles {}.", roles())
            }
            (Action::Delete, false) => format!("Deleted '{email}'."),
            (Action::Delete, true) => format!("Would delete '{email}'."),
            (Action::Unchanged, _) => format!("User '{email}' is unchanged."),
        };
        let response = Response::new(message, self.applied());
        if self.action == Action::Unchanged {
            response.unchanged()
        } else {
            response
        }
    }

    fn applied(&self) -> Applied {
        Applied {
            action: self.action.name(),
            roles: Arc::clone(&self.names),
        }
    }

    /// The step as an item of the batch: unchanged rows are settled (their response holds the
    /// record), the rest are changes carrying `payload`, and the record for when they fail.
    fn planned<P>(&self, payload: P) -> Planned<P> {
        match self.action.change() {
            Some(change) => Planned::change(self.email.as_ref(), change, payload)
                .with_record(Box::new(self.applied())),
            None => Planned::settled(self.email.as_ref(), Ok(self.response(false))),
        }
    }
}

/// Compares the file with the organization: rows in file order, then `--prune` deletions. A join
/// on the email key, so a whole organization plans in linear time (SPEC §1.8).
fn plan<'a>(desired: Vec<Desired<'a>>, users: &'a [User], prune: bool) -> Vec<Step<'a>> {
    let mut by_email: HashMap<Cow<str>, &User> = HashMap::with_capacity(users.len());
    for user in users {
        // The first of two users with the same email wins, as a search in list order would.
        by_email.entry(email_key(user.email())).or_insert(user);
    }
    let mut names = RoleNames::default();
    let mut kept: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut steps: Vec<Step> = Vec::with_capacity(desired.len());
    for row in desired {
        let key = email_key(&row.email);
        let found = by_email.get(key.as_ref()).copied();
        if prune {
            kept.insert(key.into_owned());
        }
        let action = match found {
            None => Action::Invite,
            Some(user) => {
                let same = same_ids(
                    row.roles.iter().map(|r| r.id.as_str()),
                    user.roles().iter().map(|r| r.id.as_str()),
                );
                match (same, &user.status) {
                    (true, _) => Action::Unchanged,
                    (false, Some(UserStatus::Active)) => Action::SetRoles,
                    (false, _) => Action::Reinvite,
                }
            }
        };
        steps.push(Step {
            email: Cow::Owned(row.email),
            action,
            user_id: found.map(|u| u.id.as_str()),
            names: names.of(&row.roles),
            roles: row.roles,
        });
    }
    drop(by_email);
    if prune {
        let mut gone: Vec<(Cow<str>, &User)> = users
            .iter()
            .map(|u| (email_key(u.email()), u))
            .filter(|(key, _)| !kept.contains(key.as_ref()))
            .collect();
        gone.sort_by(|a, b| a.0.cmp(&b.0));
        steps.extend(gone.into_iter().map(|(_, user)| {
            let roles: Vec<&Role> = user.roles().iter().collect();
            Step {
                email: Cow::Borrowed(user.email()),
                action: Action::Delete,
                user_id: Some(user.id.as_str()),
                names: names.of(&roles),
                roles,
            }
        }));
    }
    steps
}

/// Whether two lists hold the same role ids, whatever their order and repeats (a user holds a
/// few roles: each is looked for in the other list, nothing is allocated).
fn same_ids<'r>(
    a: impl Iterator<Item = &'r str> + Clone,
    b: impl Iterator<Item = &'r str> + Clone,
) -> bool {
    a.clone().all(|x| b.clone().any(|y| y == x)) && b.clone().all(|y| a.clone().any(|x| x == y))
}

/// The names of a set of roles (by id and name, in order), made once for each distinct set.
#[derive(Default)]
struct RoleNames<'a>(HashMap<Vec<(&'a str, &'a str)>, Arc<[String]>>);

impl<'a> RoleNames<'a> {
    fn of(&mut self, roles: &[&'a Role]) -> Arc<[String]> {
        let ids: Vec<(&str, &str)> = roles.iter().map(|r| (r.id.as_str(), r.name())).collect();
        let names = self.0.entry(ids).or_insert_with(|| {
            roles
                .iter()
                .map(|r| r.name().to_owned())
                .collect::<Vec<_>>()
                .into()
        });
        Arc::clone(names)
    }
}

async fn execute(
    context: &Context,
    list: &UserList,
    step: &Step<'_>,
    known: &KnownRoles,
    created: &CreatedRoles,
) -> Result<Response, CliError> {
    let client = context.client()?;
    let mut resolved = Vec::new();
    for role in step.roles_given() {
        let target = known.target(role);
        // A role the file creates is waited for: its id is known unless its create failed.
        let id = created.id_of(target).ok_or_else(|| {
            CliError::new(
                ErrorCode::Uncaught,
                format!("role '{}' was not created.", role.name()),
            )
        })?;
        resolved.push(id);
    }
    // Sent sorted, so that the same file sends the same body.
    resolved.sort_unstable();
    let ids: Vec<&str> = resolved.iter().map(String::as_str).collect();
    match (step.action, step.user_id) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{role, user};

    fn entry(line: usize, email: &str, roles: &[&str]) -> Entry {
        Entry {
            email: email.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            line,
        }
    }

    fn roles() -> Vec<Role> {
        vec![
            role("r1", "RO User"),
            role("r2", "R/W User"),
            role("b1", "Billing"),
            role("b2", "billing"),
        ]
    }

    fn messages(problems: &[RowProblem]) -> Vec<String> {
        problems
            .iter()
            .map(|p| format!("{}: {}", p.line(), p.problem))
            .collect()
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_in_line_order() {
        let roles = roles();
        let entries = [
            entry(7, "dup@x.io", &["RO User"]),
            entry(2, "a@x.io,b@x.io", &["RO User"]),
            entry(3, "no-at.x.io", &["RO User"]),
            entry(4, "DUP@x.io", &["RO User"]),
            entry(5, "c@x.io", &[]),
            entry(6, "d@x.io", &["RO Usr", "<role>", "BILLING", "Wizard"]),
        ];
        let problems = validate(entries.to_vec(), &roles).err().unwrap();
        assert_eq!(
            messages(&problems),
            [
                "2: 'a@x.io,b@x.io' holds several emails; give each its own row",
                "3: 'no-at.x.io' is not an email address: it has no '@'",
                "4: 'DUP@x.io' is already on line 7",
                "5: 'c@x.io' has no roles",
                "6: role '<role>': '<role>' looks like a placeholder; did you forget to replace a placeholder?",
                "6: role 'RO Usr' not found; did you mean 'RO User'?",
                "6: role 'BILLING' is ambiguous (ids b1, b2); give the id",
                "6: role 'Wizard' not found",
            ]
        );
    }

    #[test]
    fn good_rows_resolve_to_their_roles_in_file_order() {
        let roles = roles();
        let entries = [
            entry(2, "a@x.io", &["R/W User", "ro user"]),
            entry(3, "b@x.io", &["R/W User", "r/w user"]),
        ];
        let desired = validate(entries.to_vec(), &roles).ok().unwrap();
        let rows: Vec<(&str, Vec<&str>)> = desired
            .iter()
            .map(|d| {
                let ids = d.roles.iter().map(|r| r.id.as_str()).collect();
                (d.email.as_str(), ids)
            })
            .collect();
        assert_eq!(rows, [("a@x.io", vec!["r2", "r1"]), ("b@x.io", vec!["r2"])]);
    }

    fn desired<'a>(email: &str, roles: &[&'a Role]) -> Desired<'a> {
        Desired {
            email: email.to_owned(),
            roles: roles.to_vec(),
        }
    }

    fn actions<'a>(steps: &'a [Step<'a>]) -> Vec<(&'a str, &'static str, Vec<&'a str>)> {
        steps
            .iter()
            .map(|s| {
                let mut ids: Vec<&str> = s.role_ids().collect();
                ids.sort_unstable();
                (s.email.as_ref(), s.action.name(), ids)
            })
            .collect()
    }

    #[test]
    fn role_lists_are_the_same_when_they_hold_the_same_ids() {
        let same =
            |a: &[&'static str], b: &[&'static str]| same_ids(a.iter().copied(), b.iter().copied());
        assert!(same(&["r1", "r2"], &["r2", "r1", "r2"]));
        assert!(same(&[], &[]));
        assert!(!same(&["r1"], &["r1", "r2"]));
        assert!(!same(&["r1", "r2"], &["r1"]));
        assert!(!same(&["r1"], &[]));
    }

    #[test]
    fn each_row_is_an_invite_a_role_change_a_reinvite_or_nothing() {
        let (ro, rw) = (role("r1", "RO User"), role("r2", "R/W User"));
        let users = [
            user("u1", "same@x.io", "active", &[&rw, &ro, &ro]),
            user("u2", "active@x.io", "active", &[&ro]),
            user("u3", "invited@x.io", "invited", &[&ro]),
            user("u4", "other@x.io", "suspended", &[&ro]),
        ];
        let rows = [
            desired("SAME@x.io", &[&ro, &rw]),
            desired("active@x.io", &[&rw]),
            desired("invited@x.io", &[&rw]),
            desired("other@x.io", &[&rw]),
            desired("new@x.io", &[&rw, &ro]),
        ];
        let steps = plan(rows.to_vec(), &users, false);
        let expect = |e: &'static str, a, ids: &[&'static str]| (e, a, ids.to_vec());
        assert_eq!(
            actions(&steps),
            [
                expect("SAME@x.io", "unchanged", &["r1", "r2"]),
                expect("active@x.io", "set-roles", &["r2"]),
                expect("invited@x.io", "reinvite", &["r2"]),
                expect("other@x.io", "reinvite", &["r2"]),
                expect("new@x.io", "invite", &["r1", "r2"]),
            ]
        );
        let ids: Vec<Option<&str>> = steps.iter().map(|s| s.user_id).collect();
        assert_eq!(ids, [Some("u1"), Some("u2"), Some("u3"), Some("u4"), None]);
        assert_eq!(*steps[4].names, ["R/W User", "RO User"]);
        assert!(
            Arc::ptr_eq(&steps[1].names, &steps[2].names),
            "one list for each set of roles"
        );
    }

    #[test]
    fn prune_deletes_the_users_the_file_leaves_out_sorted_by_email() {
        let ro = role("r1", "RO User");
        let users = [
            user("u1", "zed@x.io", "active", &[&ro]),
            user("u2", "Kept@x.io", "active", &[&ro]),
            user("u3", "Amy@x.io", "invited", &[&ro]),
            user("u4", "bob@x.io", "active", &[&ro]),
        ];
        let rows = [desired("kept@x.io", &[&ro])];
        assert_eq!(
            plan(rows.to_vec(), &users, false).len(),
            1,
            "no prune, no delete"
        );
        let steps = plan(rows.to_vec(), &users, true);
        let deleted: Vec<(&str, Option<&str>, &'static str)> = steps[1..]
            .iter()
            .map(|s| (s.email.as_ref(), s.user_id, s.action.name()))
            .collect();
        assert_eq!(
            deleted,
            [
                ("Amy@x.io", Some("u3"), "delete"),
                ("bob@x.io", Some("u4"), "delete"),
                ("zed@x.io", Some("u1"), "delete"),
            ]
        );
        assert_eq!(*steps[1].names, ["RO User"]);
        assert_eq!(steps[1].role_ids().count(), 0, "a deletion gives no role");
    }

    fn step<'a>(email: &'a str, action: Action, names: &[&'a str]) -> Step<'a> {
        Step {
            email: Cow::Borrowed(email),
            action,
            user_id: None,
            roles: Vec::new(),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    #[test]
    fn each_action_says_what_was_or_would_be_done() {
        let roles = &["RO User", "R/W User"];
        let cases = [
            (
                Action::Invite,
                "Invited 'a@x.io' with roles 'RO User', 'R/W User'.",
                "Would invite 'a@x.io' with roles 'RO User', 'R/W User'.",
            ),
            (
                Action::SetRoles,
                "Set the roles of 'a@x.io' to 'RO User', 'R/W User'.",
                "Would set the roles of 'a@x.io' to 'RO User', 'R/W User'.",
            ),
            (
                Action::Reinvite,
                "Re-invited 'a@x.io' with roles 'RO User', 'R/W User'.",
                "Would re-invite 'a@x.io' with roles 'RO User', 'R/W User'.",
            ),
            (
                Action::Delete,
                "Deleted 'a@x.io'.",
                "Would delete 'a@x.io'.",
            ),
            (
                Action::Unchanged,
                "User 'a@x.io' is unchanged.",
                "User 'a@x.io' is unchanged.",
            ),
        ];
        for (action, done, would) in cases {
            let step = step("a@x.io", action, roles);
            let response = step.response(false);
            assert_eq!(response.message, done);
            assert_eq!(step.response(true).message, would);
            assert_eq!(
                response.effect == crate::output::Effect::Unchanged,
                action == Action::Unchanged,
                "{done}"
            );
            assert_eq!(response.data.cells(), [action.name(), "RO User,R/W User"]);
            let planned = step.planned(());
            assert_eq!(planned.is_change(), action != Action::Unchanged, "{done}");
            assert_eq!(planned.label, "a@x.io");
        }
    }

    #[test]
    fn an_invalid_file_names_the_count_and_every_line() {
        let one = invalid("t.csv", &[RowProblem::new(3, "bad")]);
        assert_eq!(one.code, ErrorCode::ValidationIssue);
        assert_eq!(one.headline, "'t.csv' has 1 problem; nothing was sent.");
        assert_eq!(one.details, ["  line 3: bad"]);
        let two = invalid("t.csv", &[RowProblem::new(3, "x"), RowProblem::new(9, "y")]);
        assert_eq!(two.headline, "'t.csv' has 2 problems; nothing was sent.");
        assert_eq!(two.details, ["  line 3: x\n  line 9: y"]);
        let about = invalid(
            "t.csv",
            &[
                RowProblem::new(4, "role 'RO Usr' not found; did you mean 'RO User'?")
                    .about("RO Usr")
                    .suggesting(Some("RO User".into())),
            ],
        );
        assert_eq!(
            serde_json::to_value(&about.problems).unwrap(),
            serde_json::json!([{"line": 4, "item": "RO Usr",
                "problem": "role 'RO Usr' not found; did you mean 'RO User'?", "suggestion": "RO User"}])
        );
        assert_eq!(
            one.problems[0].item, "t.csv",
            "a problem of the document names the file"
        );
    }

    proptest::proptest! {
        /// SPEC §1.10: export then apply plans 0 changes whatever a role is called, in every
        /// format (a name with `,` or `;` is written as its id in CSV).
        #[test]
        fn export_then_apply_plans_nothing_for_any_role_name(name in "\\PC{0,12}|[ ,;\"'<>a-z]{0,8}") {
            let custom = role("cccccccc-4e1a-4b5c-8d2e-000000000001", &name);
            let ro = role("cccccccc-4e1a-4b5c-8d2e-000000000002", "RO User");
            let roles = vec![custom.clone(), ro.clone()];
            let users = [user("u1", "a@x.io", "active", &[&custom, &ro])];
            for format in [teamfile::DocumentFormat::Csv, teamfile::DocumentFormat::Json, teamfile::DocumentFormat::Toml] {
                let entries = super::super::export::entries(&users, &roles, format);
                let text = teamfile::write(&entries, format);
                let parsed = teamfile::parse(&text, format).map_err(|p| p[0].problem.clone()).unwrap();
                let desired = validate(parsed, &roles).map_err(|p| messages(&p)).unwrap();
                let steps = plan(desired, &users, true);
                proptest::prop_assert_eq!(actions(&steps).len(), 1);
                proptest::prop_assert_eq!(steps[0].action, Action::Unchanged, "{:?}: {}", format, text);
            }
        }
    }
}
