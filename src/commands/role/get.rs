//! `astra role get ROLE`: by id `GET /roles/{id}`; by name the roles list, resolved as everywhere.

use crate::api::models::{Policy, Role};
use crate::commands::Context;
use crate::error::CliError;
use crate::lookup::{resolve_roles, roles_error, RoleProblem};
use crate::output::columns::{many, one, Column};
use crate::output::json;
use crate::output::views::RoleJson;
use crate::output::views::Vertical;
use crate::output::Outcome;
use crate::refs::parse_role_ref;
use crate::refs::RoleRef;

/// Show one role, with its policy
#[derive(Debug, clap::Args)]
#[command(
    visible_alias = "describe",
    after_help = "Examples:\n# Show a role by name\n$ astra role get 'R/W User'\n# Show a role by id\n$ astra role get b4ed0e9e-67e8-47b6-8b58-c6629be961a9"
)]
pub struct RoleGetArgs {
    /// Role name/id to describe
    #[arg(value_name = "ROLE", value_parser = parse_role_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    pub role: RoleRef,
}

pub async fn run(context: &Context, args: &RoleGetArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    let role = match &args.role {
        RoleRef::Id { id, typed } => match client.get_role(id).await {
            Ok(role) => role,
            Err(err) if err.is_not_found() => {
                return Err(roles_error(&[RoleProblem::NotFound {
                    typed: typed.clone(),
                    closest: None,
                }]))
            }
            Err(err) => return Err(err.into()),
        },
        RoleRef::Name(_) => {
            let roles = client.list_roles().await?;
            let found = resolve_roles(&roles, std::slice::from_ref(&args.role))?;
            found.into_iter().next().cloned().ok_or_else(|| {
                roles_error(&[RoleProblem::NotFound {
                    typed: args.role.typed().to_owned(),
                    closest: None,
                }])
            })?
        }
    };
    Ok(Outcome::value(view(role)))
}

/// `role get`: one role, with its policy.
fn view(role: Role) -> Vertical<Role> {
    Vertical::new(role, ROLE_FIELDS, |role| {
        json::value_envelope(&RoleJson::from(role))
    })
}

/// `role get`'s attributes: a policy's absent fields are empty.
const ROLE_FIELDS: &[Column<Role>] = &[
    Column::human("Identifier", |r| one(&r.id)),
    Column::human("Name", |r| one(r.name())),
    Column::human("Description", |r| one(policy_text(r, |p| &p.description))),
    Column::human("Effect", |r| one(policy_text(r, |p| &p.effect))),
    Column::human("Resources", |r| many(policy_list(r, |p| &p.resources))),
    Column::human("Actions", |r| many(policy_list(r, |p| &p.actions))),
];

fn policy_text(role: &Role, pick: fn(&Policy) -> &Option<String>) -> &str {
    role.policy
        .as_deref()
        .and_then(|p| pick(p).as_deref())
        .unwrap_or_default()
}

fn policy_list(role: &Role, pick: fn(&Policy) -> &Option<Vec<String>>) -> &[String] {
    role.policy
        .as_deref()
        .and_then(|p| pick(p).as_deref())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::admin_with_policy as admin;
    use crate::fixtures::role;
    use crate::fixtures::table_rows as rows;
    use crate::output::ValueView;
    use serde_json::Value;

    #[test]
    fn one_role_is_an_attribute_table_with_its_policy() {
        let one = view(admin());
        let json: Value = serde_json::from_str(&one.json()).unwrap();
        assert_eq!(json["data"]["Policy"]["effect"], "allow");
        assert_eq!(
            rows(&one.table()),
            [
                ["Identifier", "r2"],
                ["Name", "Admin"],
                ["Description", "All"],
                ["Effect", "allow"],
                ["Resources", "drn:a|drn:b"],
                ["Actions", "org-read"]
            ]
        );
        assert_eq!(one.csv().rows[4], ["Resources", "drn:a,drn:b"]);
        let bare = view(role("r1", "RO User"));
        assert_eq!(
            rows(&bare.table())[2..],
            [
                ["Description", ""],
                ["Effect", ""],
                ["Resources", ""],
                ["Actions", ""]
            ]
        );
    }

    #[test]
    fn the_attributes_are_those_of_the_snapshots_top_to_bottom() {
        let attributes = |fields: Vec<&'static str>| fields;
        assert_eq!(
            attributes(ROLE_FIELDS.iter().filter_map(|c| c.header).collect()),
            [
                "Identifier",
                "Name",
                "Description",
                "Effect",
                "Resources",
                "Actions"
            ]
        );
    }
}
