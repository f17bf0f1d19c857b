//! `astra user get USER`: one user, by id (`GET /users/{id}`) or by email (the users list).

use crate::api::models::{User, UserStatus};
use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::find_user;
use crate::output::columns::{many, one, Column};
use crate::output::json;
use crate::output::views::UserJson;
use crate::output::views::Vertical;
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
    Ok(Outcome::value(view(user)))
}

/// `user get`: one user, with role names.
fn view(user: User) -> Vertical<User> {
    Vertical::new(user, USER_FIELDS, |user| {
        json::value_envelope(&UserJson::from(user))
    })
}

/// `user get`'s attributes: a role the organization no longer lists (sent without a name) is
/// shown by its id, as `token list` shows it, rather than as an empty line.
const USER_FIELDS: &[Column<User>] = &[
    Column::human("User Id", |u| one(&u.id)),
    Column::human("User Email", |u| one(u.email())),
    Column::human("Status", |u| {
        one(u.status.as_ref().map_or("", UserStatus::as_str))
    }),
    Column::human("Roles", |u| {
        many(u.roles().iter().map(|r| match r.name() {
            "" => r.id.as_str(),
            name => name,
        }))
    }),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::table_rows as rows;
    use crate::fixtures::{role, user};
    use crate::output::ValueView;
    use serde_json::{json, Value};

    fn first_user() -> User {
        let (ro, rw) = (role("r1", "RO User"), role("r2", "R/W User"));
        user("u1", "a@x.io", "active", &[&ro, &rw])
    }

    #[test]
    fn one_user_is_an_attribute_table_with_a_line_per_role() {
        let view = view(first_user());
        let json: Value = serde_json::from_str(&view.json()).unwrap();
        assert_eq!(json["data"]["UserID"], "u1");
        assert_eq!(
            json["data"]["Roles"][1],
            json!({"ID": "r2", "Name": "R/W User"})
        );
        assert_eq!(
            rows(&view.table()),
            [
                ["User Id", "u1"],
                ["User Email", "a@x.io"],
                ["Status", "active"],
                ["Roles", "RO User|R/W User"]
            ]
        );
        let csv = view.csv();
        assert_eq!(csv.columns, ["attribute", "value"]);
        assert_eq!(csv.rows[3], ["Roles", "RO User,R/W User"]);
    }

    #[test]
    fn the_attributes_are_those_of_the_snapshots_top_to_bottom() {
        let attributes = |fields: Vec<&'static str>| fields;
        assert_eq!(
            attributes(USER_FIELDS.iter().filter_map(|c| c.header).collect()),
            ["User Id", "User Email", "Status", "Roles"]
        );
    }
}
