//! `astra user invite USER… [-r ROLES]… [--if-not-exists]`: every email is checked, then the users
//! list and the roles are read concurrently, every role is resolved once, then one
//! `PUT /organizations/users` per new user (two round trips).

use crate::api::models::{Invitation, Role, UserList};
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::{Edit, Hint, Suggestion};
use crate::lookup::{find_in, org_id, resolve_roles};
use crate::output::views::Invited;
use crate::output::Action;
use crate::output::{ItemKind, Outcome, Record, Response};
use crate::refs::{email_problem, split_list, EmailProblem, RoleRef, UserRef};
use crate::refs::{parse_role_refs, parse_user_ref};
use crate::text::{quoted_list, shell_quote};

use super::see_all_users;
use crate::commands::batch::{self, BatchArgs, Planned};
use crate::commands::pickers::{name_roles_with_flag, pick_roles};

/// Invite a user to an organization
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# Invite a user with the default \"Database Administrator\" role\n$ astra user invite john@example.com\n# Invite a user with specific roles\n$ astra user invite john@example.com --role 'R/W User' --role 'Billing Admin'\n# Invite a user without failing if they already exist\n$ astra user invite john@example.com --if-not-exists"
)]
pub struct UserInviteArgs {
    /// User email/id to invite (several may be given)
    #[arg(value_name = "USER", value_parser = parse_user_ref, required = true, num_args = 1..)]
    pub users: Vec<UserRef>,
    /// List of roles to assign the user (repeatable, comma-separated; default: Database Administrator)
    #[arg(short = 'r', long = "roles", visible_alias = "role", value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    pub roles: Vec<Vec<RoleRef>>,
    /// Do not fail if user already exists
    #[arg(long)]
    pub if_not_exists: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

pub const DEFAULT_ROLE: &str = "Database Administrator";

pub async fn run(context: &Context, args: &UserInviteArgs) -> Result<Outcome, CliError> {
    check_emails(&args.users)?;
    batch::refuse_duplicate_users(&args.users)?;
    let client = context.client()?;
    context.ui.step("Loading users and roles…");
    let (list, roles) = tokio::try_join!(client.list_users(), client.list_roles())?;
    let plans: Vec<Plan> = args
        .users
        .iter()
        .map(|user| plan(&list, user, args.if_not_exists))
        .collect();
    let inviting = plans.iter().any(|plan| matches!(plan, Plan::Invite(_)));
    let (roles, defaulted) = if inviting {
        requested_roles(context, args, &roles)?
    } else {
        (Vec::new(), false)
    };
    if defaulted && !args.batch.dry_run {
        context.ui.notice(&format!(
            "No role given: inviting with the default role '{DEFAULT_ROLE}' (pass -r ROLE to choose)."
        ));
    }
    let items = args
        .users
        .iter()
        .zip(&plans)
        .map(|(user, plan)| match plan {
            Plan::Invite(email) => Planned::change(user.typed(), Action::Invite, (user, email)),
            Plan::AlreadyThere => Planned::settled(user.typed(), Ok(already_there(user))),
            Plan::Fail(err) => Planned::settled(user.typed(), Err(err.clone())),
        })
        .collect();
    let plan = batch::Plan::item_or_batch(
        ItemKind::User,
        Invited::csv_names(),
        items,
        "--if-not-exists",
    );
    batch::execute(
        context,
        &args.batch,
        plan,
        |(user, _)| {
            Ok(Response::new(
                format!(
                    "Dry run: user '{}' would be invited with {}; nothing was sent.",
                    user.typed(),
                    with_roles(&roles)
                ),
                Invited {
                    was_invited: false,
                    role_ids: Some(roles.iter().map(|role| role.id.clone()).collect()),
                },
            ))
        },
        |(user, email)| invite(context, &list, &roles, user, email),
        || {},
    )
    .await
}

fn already_there(user: &UserRef) -> Response {
    Response::new(
        format!("User '{}' already exists; nothing to invite.", user.typed()),
        Invited {
            was_invited: false,
            role_ids: None,
        },
    )
    .suggest(see_all_users())
    .unchanged()
}

/// What to do for one user, decided from the users list before anything is sent.
enum Plan {
    Invite(String),
    AlreadyThere,
    Fail(CliError),
}

fn plan(list: &UserList, user: &UserRef, if_not_exists: bool) -> Plan {
    let typed = user.typed();
    if find_in(&list.users, user).is_some() {
        if if_not_exists {
            return Plan::AlreadyThere;
        }
        return Plan::Fail(CliError::new(ErrorCode::UserAlreadyInvited, format!("User '{typed}' already exists in this organization."))
            .detail("This may be expected, but to avoid this error, pass the '--if-not-exists' flag to skip this error if the user already exists.")
            .fix("Example fix:", Edit::AddFlag("--if-not-exists"))
            .suggest(see_all_users()));
    }
    match user {
        UserRef::Email(email) => Plan::Invite(email.clone()),
        UserRef::Id { .. } => Plan::Fail(
            CliError::new(
                ErrorCode::UserNotFound,
                format!("User '{typed}' not found."),
            )
            .detail("A user id can only name an existing user; invite a new user by email address.")
            .detail("Use 'astra user list' to see all available users."),
        ),
    }
}

async fn invite(
    context: &Context,
    list: &UserList,
    roles: &[&Role],
    user: &UserRef,
    email: &str,
) -> Result<Response, CliError> {
    let typed = user.typed();
    let org_id = org_id(list)?;
    let ids: Vec<&str> = roles.iter().map(|role| role.id.as_str()).collect();
    let invitation = Invitation {
        email,
        org_id,
        roles: ids.clone(),
    };
    context.ui.step(&format!("Inviting '{typed}'…"));
    context.client()?.invite(&invitation).await?;
    Ok(Response::new(
        format!(
            "User '{typed}' has been invited with {}.",
            with_roles(roles)
        ),
        Invited {
            was_invited: true,
            role_ids: Some(ids.iter().map(|id| (*id).to_owned()).collect()),
        },
    )
    .suggest_if(
        context.ui.human_terminal(),
        Hint::new(
            "See the invited user:",
            format!("astra user get {}", shell_quote(typed)),
        ),
    ))
}

/// `role 'R'` or `roles 'R1', 'R2'`, as the invitation's message names them.
fn with_roles(roles: &[&Role]) -> String {
    let noun = if roles.len() == 1 { "role" } else { "roles" };
    format!(
        "{noun} {}",
        quoted_list(roles.iter().map(|role| role.name()))
    )
}

/// The roles given with `-r`, resolved; else those picked on a terminal; else the default role.
/// The flag says whether the default was used without asking.
fn requested_roles<'a>(
    context: &Context,
    args: &UserInviteArgs,
    roles: &'a [Role],
) -> Result<(Vec<&'a Role>, bool), CliError> {
    let refs: Vec<RoleRef> = args.roles.iter().flatten().cloned().collect();
    if !refs.is_empty() {
        return Ok((resolve_roles(roles, &refs)?, false));
    }
    if context.ui.can_prompt() {
        return pick_roles(context, roles, Some(DEFAULT_ROLE)).map(|picked| (picked, false));
    }
    let default = [RoleRef::Name(DEFAULT_ROLE.to_owned())];
    let resolved = resolve_roles(roles, &default).map_err(|mut err| {
        // When the default role itself is missing, the way out is to name roles with -r.
        err.suggestions = vec![Suggestion::edit(
            "Pass the roles to assign with -r:",
            name_roles_with_flag(),
        )];
        err
    })?;
    Ok((resolved, true))
}

/// SPEC §1.5 and §13.1: every bad email is reported at once; nothing is sent then.
fn check_emails(users: &[UserRef]) -> Result<(), CliError> {
    let errors: Vec<(&str, CliError)> = users
        .iter()
        .filter_map(|user| check_email(user).err().map(|err| (user.typed(), err)))
        .collect();
    let problems: Vec<crate::error::Problem> = errors
        .iter()
        .map(|(typed, err)| crate::error::Problem {
            line: None,
            item: (*typed).to_owned(),
            problem: err.headline.clone(),
            suggestion: None,
        })
        .collect();
    let mut errors = errors.into_iter().map(|(_, err)| err);
    let Some(first) = errors.next() else {
        return Ok(());
    };
    let mut combined = match errors.len() {
        0 => first,
        more => {
            let mut combined = CliError::new(
                ErrorCode::ValidationIssue,
                format!(
                    "{} arguments are not email addresses; nothing was sent.",
                    more + 1
                ),
            );
            combined.details.push(
                problems
                    .iter()
                    .map(|p| format!("  {}", p.problem))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            for err in std::iter::once(first).chain(errors) {
                combined.suggestions.extend(err.suggestions);
            }
            combined
        }
    };
    combined.problems = problems;
    Err(combined)
}

/// SPEC §1.5: an email must look like one.
fn check_email(user: &UserRef) -> Result<(), CliError> {
    let UserRef::Email(email) = user else {
        return Ok(());
    };
    match email_problem(email) {
        None => Ok(()),
        Some(EmailProblem::SeveralEmails) => {
            let parts: Vec<String> = split_list(&email.replace(char::is_whitespace, ","))
                .into_iter()
                .map(|part| part.trim().to_owned())
                .filter(|part| !part.is_empty())
                .collect();
            // The split is offered only when it gives emails; `ben@example,com` is a typo.
            if parts.iter().all(|part| email_problem(part).is_none()) {
                return Err(CliError::new(
                    ErrorCode::ValidationIssue,
                    format!("'{email}' is not an email address: it looks like several emails in one argument."),
                )
                .detail("Nothing was sent.")
                .fix(
                    "Pass them as separate arguments:",
                    Edit::SplitArg {
                        typed: email.clone(),
                        into: parts,
                    },
                ));
            }
            let dotted = email.replace(',', ".");
            let err = CliError::new(
                ErrorCode::ValidationIssue,
                format!("'{email}' is not an email address: it contains a comma."),
            )
            .detail("Nothing was sent.");
            Err(match email_problem(&dotted) {
                None => err.fix(
                    "Did you mean:",
                    Edit::SplitArg {
                        typed: email.clone(),
                        into: vec![dotted],
                    },
                ),
                Some(_) => err,
            })
        }
        Some(EmailProblem::Malformed(why)) => Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("'{email}' is not an email address: {why}."),
        )
        .detail("Nothing was sent.")),
    }
}
