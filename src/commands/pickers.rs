//! The prompts several commands share: the role picker and its way out (`-r ROLE`).

use crate::api::models::Role;
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;

/// The hint's edit when no usable role was named: the typed command with `-r ROLE`.
pub fn name_roles_with_flag() -> Edit {
    Edit::SetOption {
        id: "roles",
        flag: "-r",
        value: "ROLE".to_owned(),
    }
}

/// The role picker (SPEC §1.5, §1.12): the organization's roles, `selected` (if any) selected.
pub fn pick_roles<'a>(
    context: &Context,
    roles: &'a [Role],
    selected: Option<&str>,
) -> Result<Vec<&'a Role>, CliError> {
    let names: Vec<String> = roles.iter().map(|r| r.name().to_owned()).collect();
    let defaults: Vec<usize> = names
        .iter()
        .position(|n| Some(n.as_str()) == selected)
        .into_iter()
        .collect();
    let picked = context
        .ui
        .pick("Roles to assign:", names, &defaults)
        .map_err(|err| {
            CliError::new(
                ErrorCode::UnsupportedExecution,
                format!("Cannot show the role picker: {err}."),
            )
            .detail("Pass the roles with -r ROLE.")
        })?
        .ok_or_else(CliError::cancelled)?;
    if picked.is_empty() {
        return Err(CliError::new(
            ErrorCode::ValidationIssue,
            "No role selected; nothing was sent.",
        )
        .fix("Pass the roles with -r:", name_roles_with_flag()));
    }
    // A name held by several roles picks the first: the picker shows names, and names are how
    // the organization's people know them.
    Ok(picked
        .iter()
        .filter_map(|name| roles.iter().find(|role| role.name() == name))
        .collect())
}
