//! `astra role update ROLE [--name N] [--description D] [--set-actions|--add-action|--remove-action
//! A]… [--set-resources|--add-resource|--remove-resource R]… [--dry-run]`: reads the role (roles ∥
//! `GET /currentOrg`), computes the whole new policy, and sends one `PUT` only when it differs.

use super::refuse_standard;
use crate::api::models::{PolicyBody, RoleDefinition};
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::lookup::resolve_roles;
use crate::output::columns::{one, Column};
use crate::output::views::PolicyRecord;
use crate::output::Record;
use crate::output::{Outcome, Response};
use crate::policy::{check_actions, expanded_resources};
use crate::refs::{parse_list, parse_role_ref, role_description, role_name, RoleRef};
use crate::text::quoted_list;
use serde::Serialize;

/// Change a custom role's name, description, actions or resources
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# Allow one more action, showing the change first\n$ astra role update Ops --add-action org-db-create --dry-run\n# Limit it to one database\n$ astra role update Ops --set-resources 'db:3fa85f64-5717-4562-b3fc-2c963f66afa6'"
)]
pub struct RoleUpdateArgs {
    /// Role name/id to change
    #[arg(value_name = "ROLE", value_parser = parse_role_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    role: RoleRef,
    /// A new name
    #[arg(long, value_name = "N", value_parser = role_name)]
    name: Option<String>,
    /// A new description
    #[arg(short = 'd', long, value_name = "D", value_parser = role_description)]
    description: Option<String>,
    /// Make the actions exactly these (repeatable, comma-separated)
    #[arg(long, value_name = "ACTION[,ACTION...]", value_parser = parse_list, conflicts_with_all = ["add_action", "remove_action"])]
    set_actions: Vec<Vec<String>>,
    /// Allow these actions too
    #[arg(long, value_name = "ACTION[,ACTION...]", value_parser = parse_list)]
    add_action: Vec<Vec<String>>,
    /// Stop allowing these actions
    #[arg(long, value_name = "ACTION[,ACTION...]", value_parser = parse_list)]
    remove_action: Vec<Vec<String>>,
    /// Make the resources exactly these (DRNs or short forms like db:*)
    #[arg(long, value_name = "RESOURCE[,RESOURCE...]", value_parser = parse_list, conflicts_with_all = ["add_resource", "remove_resource"])]
    set_resources: Vec<Vec<String>>,
    /// Apply the role to these resources too
    #[arg(long, value_name = "RESOURCE[,RESOURCE...]", value_parser = parse_list)]
    add_resource: Vec<Vec<String>>,
    /// Stop applying it to these resources
    #[arg(long, value_name = "RESOURCE[,RESOURCE...]", value_parser = parse_list)]
    remove_resource: Vec<Vec<String>>,
    /// Show the change and send nothing
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run: exit 11 when a change is planned, 0 when none (a drift gate for CI)
    #[arg(long, requires = "dry_run")]
    exit_code: bool,
    /// Send actions this tool does not know (the API may know newer ones)
    #[arg(long)]
    allow_unknown_actions: bool,
}

pub async fn run(context: &Context, args: &RoleUpdateArgs) -> Result<Outcome, CliError> {
    if let RoleRef::Name(name) = &args.role {
        if crate::policy::is_standard(name) {
            return Err(refuse_standard(name));
        }
    }
    let flat = |lists: &[Vec<String>]| -> Vec<String> { lists.iter().flatten().cloned().collect() };
    let added_actions = [flat(&args.set_actions), flat(&args.add_action)].concat();
    check_actions(&added_actions, args.allow_unknown_actions)?;
    let client = context.client()?;
    context.ui.step("Loading roles…");
    let (roles, org) = tokio::try_join!(client.list_roles(), client.current_org())?;
    let role = resolve_roles(&roles, std::slice::from_ref(&args.role))?
        .into_iter()
        .next()
        .ok_or_else(|| CliError::new(ErrorCode::RoleNotFound, "The role was not found."))?;
    if crate::policy::is_standard(role.name()) {
        return Err(refuse_standard(role.name()));
    }
    let before = PolicyRecord::from(role);
    let actions = changed(
        &before.actions,
        (!args.set_actions.is_empty()).then(|| flat(&args.set_actions)),
        &flat(&args.add_action),
        &flat(&args.remove_action),
    );
    let expand = |lists: &[Vec<String>]| expanded_resources(&flat(lists), &org.id);
    let resources = changed(
        &before.resources,
        (!args.set_resources.is_empty())
            .then(|| expand(&args.set_resources))
            .transpose()?,
        &expand(&args.add_resource)?,
        &expand(&args.remove_resource)?,
    );
    for (kind, set) in [("actions", &actions), ("resources", &resources)] {
        if set.is_empty() {
            return Err(CliError::new(
                ErrorCode::ValidationIssue,
                format!("The role would have no {kind}; nothing was sent."),
            )
            .detail("A role needs at least one action and one resource; to remove it, use 'astra role delete'."));
        }
    }
    let name = args.name.clone().unwrap_or_else(|| role.name().to_owned());
    if roles
        .iter()
        .any(|r| r.id != role.id && r.name().eq_ignore_ascii_case(&name))
    {
        return Err(CliError::new(
            ErrorCode::RoleAlreadyExists,
            format!("Another role is already named '{name}'; nothing was sent."),
        ));
    }
    let after = PolicyRecord {
        description: args
            .description
            .clone()
            .unwrap_or_else(|| before.description.clone()),
        effect: "allow".to_owned(),
        resources,
        actions,
    };
    let changed = after != before || name != role.name();
    let record = RoleChanged {
        role_id: role.id.clone(),
        name: name.clone(),
        before,
        after,
        changed,
    };
    let typed = role.name();
    if !changed {
        let message = format!("Role '{typed}' already has this policy; nothing to change.");
        return Ok(Outcome::Response(
            Response::new(message, record).unchanged(),
        ));
    }
    if args.dry_run {
        let message = format!(
            "Dry run: role '{typed}' would be updated ({}); nothing was sent.",
            changes(&record.before, &record.after, typed, &record.name)
        );
        return Ok(Outcome::Response(
            Response::new(message, record)
                .planned()
                .exit_code(args.exit_code),
        ));
    }
    let definition = RoleDefinition {
        name: &name,
        policy: PolicyBody {
            description: &record.after.description,
            effect: "allow",
            resources: &record.after.resources,
            actions: &record.after.actions,
        },
    };
    context.ui.step(&format!("Updating role '{typed}'…"));
    client.update_role(&role.id, &definition).await?;
    Ok(Outcome::Response(Response::new(
        format!("Role '{typed}' has been updated."),
        record,
    )))
}

/// `set` when given, else `before` with `add` appended and `remove` taken out; in order, once
/// each. Removing what is not there changes nothing.
fn changed(
    before: &[String],
    set: Option<Vec<String>>,
    add: &[String],
    remove: &[String],
) -> Vec<String> {
    let base = set.unwrap_or_else(|| [before, add].concat());
    let mut out: Vec<String> = Vec::new();
    for value in base {
        if !remove.contains(&value) && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// What an update changes, as `user roles --dry-run` says it: `added actions 'a'; removed
/// resources 'r'; renamed to 'N'; new description`.
fn changes(before: &PolicyRecord, after: &PolicyRecord, old_name: &str, new_name: &str) -> String {
    let missing = |from: &[String], to: &[String]| -> Vec<String> {
        from.iter().filter(|x| !to.contains(x)).cloned().collect()
    };
    let mut parts = Vec::new();
    for (what, from, to) in [
        ("actions", &before.actions, &after.actions),
        ("resources", &before.resources, &after.resources),
    ] {
        let added = missing(to, from);
        if !added.is_empty() {
            parts.push(format!("added {what} {}", quoted_list(&added)));
        }
        let removed = missing(from, to);
        if !removed.is_empty() {
            parts.push(format!("removed {what} {}", quoted_list(&removed)));
        }
    }
    if old_name != new_name {
        parts.push(format!("renamed to '{new_name}'"));
    }
    if before.description != after.description {
        parts.push("new description".to_owned());
    }
    parts.join("; ")
}

/// `role update` data: `{"roleId", "name", "before", "after", "changed"}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleChanged {
    pub role_id: String,
    pub name: String,
    pub before: PolicyRecord,
    pub after: PolicyRecord,
    pub changed: bool,
}

impl Record for RoleChanged {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("role_id", |r| one(&r.role_id)),
        Column::csv("name", |r| one(&r.name)),
        Column::csv("changed", |r| one(r.changed.to_string())),
    ];
}

#[cfg(test)]
mod tests {
    use super::RoleChanged;
    use crate::output::Record;

    #[test]
    fn the_change_names_the_csv_columns_of_the_snapshots() {
        assert_eq!(RoleChanged::csv_names(), ["role_id", "name", "changed"]);
    }

    use super::{changed, changes};
    use crate::output::views::PolicyRecord;

    #[test]
    fn a_dry_run_names_what_it_adds_removes_and_renames() {
        let policy = |actions: &[&str], resources: &[&str], description: &str| PolicyRecord {
            description: description.to_owned(),
            effect: "allow".to_owned(),
            resources: list(resources),
            actions: list(actions),
        };
        let before = policy(&["a", "b"], &["r1"], "d");
        assert_eq!(
            changes(&before, &policy(&["b", "c"], &["r1", "r2"], "d"), "X", "X"),
            "added actions 'c'; removed actions 'a'; added resources 'r2'"
        );
        assert_eq!(
            changes(&before, &policy(&["a", "b"], &[], "e"), "X", "Y"),
            "removed resources 'r1'; renamed to 'Y'; new description"
        );
    }

    fn list(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn set_replaces_add_appends_remove_takes_out() {
        let before = list(&["a", "b"]);
        assert_eq!(
            changed(&before, Some(list(&["c", "c"])), &[], &[]),
            list(&["c"])
        );
        assert_eq!(
            changed(&before, None, &list(&["b", "c"]), &[]),
            list(&["a", "b", "c"])
        );
        assert_eq!(
            changed(&before, None, &[], &list(&["a", "z"])),
            list(&["b"])
        );
        assert_eq!(
            changed(&before, None, &list(&["c"]), &list(&["c"])),
            list(&["a", "b"])
        );
        assert_eq!(changed(&before, None, &[], &[]), before);
    }
}
