//! `astra role create NAME --action A… [--resource R]… [--description D] [--if-not-exists]
//! [--dry-run [--exit-code]]`: the name and actions checked first, then roles ∥ `GET
//! /currentOrg` (for the DRNs), then one `POST /organizations/roles`, never retried once sent.

use super::refuse_standard;
use crate::api::models::Role;
use crate::api::models::{PolicyBody, RoleDefinition};
use crate::api::ApiError;
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::{Edit, Hint};
use crate::output::columns::{one, Column};
use crate::output::views::RoleJson;
use crate::output::Record;
use crate::output::{Outcome, Response};
use crate::policy::{check_actions, expanded_resources};
use crate::refs::{parse_list, role_description, role_name};
use serde::Serialize;

/// Create a custom role
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# A role that reads every database's data\n$ astra role create 'Data Reader' --action db-cql,db-table-select --resource 'db:*:keyspace:*:table:*'\n# Only if it does not exist yet\n$ astra role create Ops --action org-db-view --if-not-exists"
)]
pub struct RoleCreateArgs {
    /// The new role's name
    #[arg(value_name = "NAME", value_parser = role_name)]
    name: String,
    /// Actions the role allows (repeatable, comma-separated: db-cql,org-db-view)
    #[arg(long = "action", value_name = "ACTION[,ACTION...]", value_parser = parse_list, required = true)]
    actions: Vec<Vec<String>>,
    /// Resources it applies to: DRNs or short forms like db:* (default: the whole organization)
    #[arg(long = "resource", value_name = "RESOURCE[,RESOURCE...]", value_parser = parse_list)]
    resources: Vec<Vec<String>>,
    /// What the role is for
    #[arg(short = 'd', long, value_name = "D", default_value = "", value_parser = role_description)]
    description: String,
    /// Do not fail if a role of that name exists
    #[arg(long)]
    if_not_exists: bool,
    /// Send actions this tool does not know (the API may know newer ones)
    #[arg(long)]
    allow_unknown_actions: bool,
    /// Check everything and show the role that would be created; send nothing
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run, exit 11 when the role would be created
    #[arg(long, requires = "dry_run")]
    exit_code: bool,
}

pub async fn run(context: &Context, args: &RoleCreateArgs) -> Result<Outcome, CliError> {
    let name = args.name.as_str();
    if crate::policy::is_standard(name) {
        return Err(refuse_standard(name));
    }
    let actions: Vec<String> = args.actions.iter().flatten().cloned().collect();
    check_actions(&actions, args.allow_unknown_actions)?;
    let client = context.client()?;
    context.ui.step("Loading roles…");
    let (roles, org) = tokio::try_join!(client.list_roles(), client.current_org())?;
    let mut raw: Vec<String> = args.resources.iter().flatten().cloned().collect();
    if raw.is_empty() {
        raw.push(crate::policy::whole_org());
    }
    let resources = expanded_resources(&raw, &org.id)?;
    if roles.iter().any(|r| r.name().eq_ignore_ascii_case(name)) {
        if args.if_not_exists {
            return Ok(Outcome::Response(
                Response::new(
                    format!("Role '{name}' already exists; nothing to create."),
                    crate::output::views::NoChange {},
                )
                .suggest(see_roles())
                .unchanged(),
            ));
        }
        return Err(already_exists(name));
    }
    if args.dry_run {
        return Ok(Outcome::Response(planned(name, args, &actions, &resources)));
    }
    let definition = RoleDefinition {
        name,
        policy: PolicyBody {
            description: &args.description,
            effect: "allow",
            resources: &resources,
            actions: &actions,
        },
    };
    context.ui.step(&format!("Creating role '{name}'…"));
    let role = client
        .create_role(&definition)
        .await
        .map_err(|err| match err {
            ApiError::Status { status, .. } if status.as_u16() == 409 => already_exists(name),
            other => crate::error::maybe_created(
                other,
                &format!("Role '{name}'"),
                format!("astra role get {}", crate::text::shell_quote(name)),
            ),
        })?;
    Ok(Outcome::Response(
        Response::new(
            format!("Role '{name}' has been created."),
            RoleRecord { role },
        )
        .suggest(Hint::new(
            "See the role:",
            format!("astra role get {}", crate::text::shell_quote(name)),
        )),
    ))
}

/// The role `--dry-run` would create, as `role create` would show it once made (no id yet).
fn planned(
    name: &str,
    args: &RoleCreateArgs,
    actions: &[String],
    resources: &[String],
) -> Response {
    let role = crate::api::models::Role {
        id: String::new(),
        name: Some(name.to_owned()),
        policy: Some(Box::new(crate::api::models::Policy {
            description: Some(args.description.clone()),
            effect: Some("allow".to_owned()),
            resources: Some(resources.to_vec()),
            actions: Some(actions.to_vec()),
        })),
    };
    Response::new(
        format!(
            "Dry run: role '{name}' would be created with {} on {}; nothing was sent.",
            crate::text::quoted_list(actions.iter()),
            crate::text::quoted_list(resources.iter()),
        ),
        RoleRecord { role },
    )
    .planned()
    .exit_code(args.exit_code)
}

fn already_exists(name: &str) -> CliError {
    CliError::new(
        ErrorCode::RoleAlreadyExists,
        format!("Role '{name}' already exists in this organization."),
    )
    .detail("To avoid this error, pass the '--if-not-exists' flag to skip this error if the role already exists.")
    .fix("Example fix:", Edit::AddFlag("--if-not-exists"))
    .suggest(see_roles())
}

fn see_roles() -> Hint {
    Hint::new("See all existing roles:", "astra role list")
}

/// `role create` data: the created role in the `role get` shape; CSV `role_id,role_name`.
pub struct RoleRecord {
    pub role: Role,
}

impl Serialize for RoleRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RoleJson::from(&self.role).serialize(serializer)
    }
}

impl Record for RoleRecord {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("role_id", |r| one(&r.role.id)),
        Column::csv("role_name", |r| one(r.role.name())),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_created_role_names_the_csv_columns_of_the_snapshots() {
        assert_eq!(RoleRecord::csv_names(), ["role_id", "role_name"]);
    }
}
