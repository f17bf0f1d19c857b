//! `astra user get USER`: one user, by id (`GET /users/{id}`) or by email (the users list).

use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::find_user;
use crate::output::views::UserView;
use crate::output::Outcome;
use crate::refs::{parse_user_ref, UserRef};

/// Show one user, with role names
#[derive(Debug, clap::Args)]
#[command(
    visible_alias = "describe",
    after_help = "Examples:\n# Show a user by email\n$ astra user get john@example.com\n# Show a user by id\n$ astra user get 3476f3bb-10df-4d2f-ac2b-f05c65676724"
)]
pub struct UserGetArgs {
    /// User email/id to describe
    #[arg(value_name = "USER", value_parser = parse_user_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::emails))]
    pub user: UserRef,
}

pub async fn run(context: &Context, args: &UserGetArgs) -> Result<Outcome, CliError> {
    let user = find_user(context.client()?, &args.user).await?;
    Ok(Outcome::value(UserView { user }))
}
