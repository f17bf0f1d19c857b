//! `astra user get USER`: one user, by id (`GET /users/{id}`) or by email (the users list).

use crate::api::models::User;
use crate::cli::UserGetArgs;
use crate::commands::refs::UserRef;
use crate::commands::{shapes, Context};
use crate::error::{CliError, ErrorCode};
use crate::output::Report;

pub async fn run(context: &Context, args: &UserGetArgs) -> Result<Report, CliError> {
    let user = find_user(context, &args.user).await?.ok_or_else(|| {
        CliError::new(
            ErrorCode::UserNotFound,
            format!("User '{}' not found.", args.user.typed()),
        )
        .detail("Use 'astra user list' to see all available users.")
    })?;
    Ok(shapes::user_report(&user))
}

/// One round trip either way; `None` when the organization has no such user.
async fn find_user(context: &Context, user: &UserRef) -> Result<Option<User>, CliError> {
    match user {
        UserRef::Id { id, .. } => match context.client.get_user(id).await {
            Ok(user) => Ok(Some(user)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(context.api_error(err)),
        },
        UserRef::Email(_) => {
            let list = context
                .client
                .list_users()
                .await
                .map_err(|err| context.api_error(err))?;
            Ok(user.find_in(&list.users).cloned())
        }
    }
}
