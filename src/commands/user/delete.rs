//! `astra user delete USER [--if-exists]`: by id one `DELETE` (404 = not found); by email the
//! users list, then the `DELETE`. Deleting an invited user revokes the invitation.

use serde_json::json;

use crate::cli::UserDeleteArgs;
use crate::commands::refs::UserRef;
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::Report;

use super::see_all_users;

pub async fn run(context: &Context, args: &UserDeleteArgs) -> Result<Report, CliError> {
    let user = args.users.first().expect("clap requires one USER");
    delete_one(context, user, args.if_exists).await
}

async fn delete_one(
    context: &Context,
    user: &UserRef,
    if_exists: bool,
) -> Result<Report, CliError> {
    let deleted = match user {
        UserRef::Id { id, .. } => context
            .client
            .delete_user(id)
            .await
            .map_err(|err| context.api_error(err))?,
        UserRef::Email(_) => {
            let list = context
                .client
                .list_users()
                .await
                .map_err(|err| context.api_error(err))?;
            match user.find_in(&list.users) {
                Some(found) => context
                    .client
                    .delete_user(&found.id)
                    .await
                    .map_err(|err| context.api_error(err))?,
                None => false,
            }
        }
    };
    let typed = user.typed();
    if deleted {
        return Ok(Report::Response {
            message: format!("User '{typed}' has been deleted."),
            data: json!({"wasDeleted": true}),
            hints: Vec::new(),
            fields: vec![("was_deleted", "true".into())],
        });
    }
    if if_exists {
        return Ok(Report::Response {
            message: format!("User '{typed}' does not exist; nothing to delete."),
            data: json!({"wasDeleted": false}),
            hints: vec![see_all_users()],
            fields: vec![("was_deleted", "false".into())],
        });
    }
    Err(CliError::new(ErrorCode::UserNotFound, format!("User '{typed}' does not exist in this organization."))
        .detail("This may be expected, but to avoid this error, pass the '--if-exists' flag to skip this error if the user doesn't exist.")
        .hint("Example fix:", context.invocation.with_flag("--if-exists"))
        .with_hint(see_all_users()))
}
