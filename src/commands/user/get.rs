//! `astra user get USER`: one user, by id (`GET /users/{id}`) or by email (the users list).

use crate::cli::UserGetArgs;
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::lookup::find_user;
use crate::output::views::UserView;
use crate::output::Outcome;

pub async fn run(context: &Context, args: &UserGetArgs) -> Result<Outcome, CliError> {
    let user = find_user(context.client()?, &args.user)
        .await?
        .ok_or_else(|| {
            CliError::new(
                ErrorCode::UserNotFound,
                format!("User '{}' not found.", args.user.typed()),
            )
            .detail("Use 'astra user list' to see all available users.")
        })?;
    Ok(Outcome::value(UserView { user }))
}
