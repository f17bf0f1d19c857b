//! `astra user delete USER… [--if-exists]`: by id one `DELETE` (404 = not found); by email the
//! users list (read once for every user), then the `DELETE`. Deleting an invited user revokes the
//! invitation.

use crate::api::models::UserList;
use crate::cli::UserDeleteArgs;
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::lookup::find_in;
use crate::output::views::Deleted;
use crate::output::{Outcome, Response};
use crate::refs::UserRef;

use super::{for_each_user, see_all_users};

pub async fn run(context: &Context, args: &UserDeleteArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    // A dry run must know whether a user exists without deleting it: it reads the list.
    let by_email = args.dry_run || args.users.iter().any(|u| matches!(u, UserRef::Email(_)));
    let list = if by_email {
        Some(client.list_users().await?)
    } else {
        None
    };
    for_each_user::<Deleted, _, _>(context, &args.users, args.concurrency, |i| {
        delete_one(
            context,
            list.as_ref(),
            &args.users[i],
            args.if_exists,
            args.dry_run,
        )
    })
    .await
}

async fn delete_one(
    context: &Context,
    list: Option<&UserList>,
    user: &UserRef,
    if_exists: bool,
    dry_run: bool,
) -> Result<Response, CliError> {
    let client = context.client()?;
    // With the list, the user must be in it; without it (only ids given), the DELETE's 404 says.
    let id = match (list, user) {
        (Some(list), _) => find_in(&list.users, user).map(|u| u.id.as_str()),
        (None, UserRef::Id { id, .. }) => Some(id.as_str()),
        (None, UserRef::Email(_)) => None,
    };
    let typed = user.typed();
    if dry_run && id.is_some() {
        return Ok(Response::new(
            format!("Dry run: user '{typed}' would be deleted; nothing was sent."),
            Deleted { was_deleted: false },
        ));
    }
    let deleted = match id {
        Some(id) => client.delete_user(id).await?,
        None => false,
    };
    if deleted {
        return Ok(Response::new(
            format!("User '{typed}' has been deleted."),
            Deleted { was_deleted: true },
        ));
    }
    if if_exists {
        return Ok(Response::new(
            format!("User '{typed}' does not exist; nothing to delete."),
            Deleted { was_deleted: false },
        )
        .suggest(see_all_users()));
    }
    Err(CliError::new(ErrorCode::UserNotFound, format!("User '{typed}' does not exist in this organization."))
        .detail("This may be expected, but to avoid this error, pass the '--if-exists' flag to skip this error if the user doesn't exist.")
        .fix("Example fix:", Edit::AddFlag("--if-exists"))
        .suggest(see_all_users()))
}
