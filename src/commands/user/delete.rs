//! `astra user delete USER… [--if-exists]`: by id one `DELETE` (404 = not found); by email the
//! users list (read once for every user), then the `DELETE`. Deleting an invited user revokes the
//! invitation.

use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::lookup::find_in;
use crate::output::views::Deleted;
use crate::output::Action;
use crate::output::{ItemKind, Outcome, Response};
use crate::refs::parse_user_ref;
use crate::refs::UserRef;

use super::see_all_users;
use crate::commands::batch::{self, BatchArgs, Planned};

/// Delete an existing user
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# Delete a specific user\n$ astra user delete john@example.com\n# Delete a user without failing if they don't exist\n$ astra user delete john@example.com --if-exists"
)]
pub struct UserDeleteArgs {
    /// User email/id to delete (several may be given)
    #[arg(value_name = "USER", value_parser = parse_user_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::emails), required = true, num_args = 1..)]
    pub users: Vec<UserRef>,
    /// Do not fail if user does not exist
    #[arg(long)]
    pub if_exists: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

pub async fn run(context: &Context, args: &UserDeleteArgs) -> Result<Outcome, CliError> {
    batch::refuse_duplicate_users(&args.users)?;
    let client = context.client()?;
    // The list finds each user, and says whether the last Organization Administrator would go
    // (SPEC §13.2); a user missing from it is not found.
    let list = client.list_users().await?;
    let ids: Vec<Option<&str>> = args
        .users
        .iter()
        .map(|user| find_in(&list.users, user).map(|u| u.id.as_str()))
        .collect();
    let deleting: std::collections::HashSet<&str> = ids.iter().flatten().copied().collect();
    crate::lookup::keeps_an_admin(
        &list.users,
        &std::collections::HashSet::new(),
        |user| !deleting.contains(user.id.as_str()),
        crate::lookup::GIVE_ADMIN_FIRST,
    )?;
    let items = args
        .users
        .iter()
        .zip(&ids)
        .map(|(user, id)| match id {
            Some(id) => Planned::change(user.typed(), Action::Delete, (user, *id)),
            None => Planned::settled(user.typed(), missing(user, args.if_exists)),
        })
        .collect();
    batch::execute(
        context,
        &args.batch,
        batch::Plan::deletes(ItemKind::User, items),
        |(user, _)| {
            Ok(Response::new(
                format!(
                    "Dry run: user '{}' would be deleted; nothing was sent.",
                    user.typed()
                ),
                Deleted { was_deleted: false },
            ))
        },
        |(user, id)| delete_one(context, user, id, args.if_exists),
        || {},
    )
    .await
}

async fn delete_one(
    context: &Context,
    user: &UserRef,
    id: &str,
    if_exists: bool,
) -> Result<Response, CliError> {
    if !context.client()?.delete_user(id).await? {
        return missing(user, if_exists);
    }
    Ok(Response::new(
        format!("User '{}' has been deleted.", user.typed()),
        Deleted { was_deleted: true },
    ))
}

/// A user that is not there: nothing to do with `--if-exists`, else `USER_NOT_FOUND`.
fn missing(user: &UserRef, if_exists: bool) -> Result<Response, CliError> {
    let typed = user.typed();
    if if_exists {
        return Ok(Response::new(
            format!("User '{typed}' does not exist; nothing to delete."),
            Deleted { was_deleted: false },
        )
        .suggest(see_all_users())
        .unchanged());
    }
    Err(CliError::new(ErrorCode::UserNotFound, format!("User '{typed}' does not exist in this organization."))
        .detail("This may be expected, but to avoid this error, pass the '--if-exists' flag to skip this error if the user doesn't exist.")
        .fix("Example fix:", Edit::AddFlag("--if-exists"))
        .suggest(see_all_users()))
}
