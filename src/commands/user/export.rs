//! `astra user export [--format toml|csv|json]`: the organization's users as a desired-state
//! document that `user apply` reads back (one round trip: users ∥ roles). Sorted by email, roles
//! by name; a name held by several roles is written as the id, so the document stays exact.
//! Custom roles come first (TOML and JSON), with `__ORG_ID__` in their resources.

use crate::api::models::{Role, User};
use crate::commands::Context;
use crate::error::CliError;
use crate::output::Outcome;
use crate::refs::{parse_role_ref, RoleRef};
use crate::teamfile::{self, DocumentFormat, Entry};

/// Write the organization's users and custom roles as a file that `user apply` reads back
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# Keep the organization's users in git\n$ astra user export > team.toml\n# As CSV\n$ astra user export --format csv > team.csv"
)]
pub struct UserExportArgs {
    /// The document's format
    #[arg(long, value_enum, ignore_case = true, default_value = "toml")]
    pub format: DocumentFormat,
}

pub async fn run(context: &Context, args: &UserExportArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    let (list, roles) = tokio::try_join!(client.list_users(), client.list_roles())?;
    let entries = entries(&list.users, &roles, args.format);
    // CSV holds users only (SPEC §1.15); the others carry the custom roles too.
    let custom = match args.format {
        DocumentFormat::Csv => Vec::new(),
        _ => super::team_roles::exported(&roles, crate::lookup::org_id(&list)?),
    };
    // Roles are declared by name: when two custom roles share one, the file cannot say which
    // is which, so it declares none (and `apply --prune` then leaves every role alone).
    let mut shared: Vec<&str> = custom
        .iter()
        .enumerate()
        .filter(|(i, role)| custom[..*i].iter().any(|other| other.name == role.name))
        .map(|(_, role)| role.name.as_str())
        .collect();
    shared.dedup();
    let custom = if shared.is_empty() {
        custom
    } else {
        context.ui.notice(&format!(
            "The custom roles are not written: several roles are named {}.",
            crate::text::quoted_list(shared)
        ));
        Vec::new()
    };
    let name = match args.format {
        DocumentFormat::Toml => "toml",
        DocumentFormat::Csv => "csv",
        DocumentFormat::Json => "json",
    };
    Ok(Outcome::Document(
        teamfile::write_document(&entries, &custom, args.format),
        Some(name),
    ))
}

/// The document's entries: every user, sorted by email, roles by name (or id) sorted.
pub fn entries(users: &[User], roles: &[Role], format: DocumentFormat) -> Vec<Entry> {
    // Each role's label is worked out once, not once for every user who holds it.
    let labels: std::collections::HashMap<&str, String> = roles
        .iter()
        .map(|role| (role.id.as_str(), role_label(role, roles, format)))
        .collect();
    let mut entries: Vec<Entry> = users
        .iter()
        .map(|user| {
            let mut names: Vec<String> = user
                .roles()
                .iter()
                .map(|role| match labels.get(role.id.as_str()) {
                    Some(label) => label.clone(),
                    None => role_label(role, roles, format),
                })
                .collect();
            names.sort();
            names.dedup();
            Entry {
                email: user.email().to_owned(),
                roles: names,
                line: 0,
            }
        })
        .collect();
    // The key of each email made once (`sort_by_key` would make two for every comparison).
    entries.sort_by_cached_key(|entry| crate::lookup::email_key(&entry.email).into_owned());
    entries
}

/// A role's name, or its id when the name would not read back as this role: held by several
/// roles, not a valid ROLE value as written (a UUID, quotes, a placeholder, spaces at the ends),
/// or, in CSV, holding the `,` or `;` that separate roles in a cell (SPEC §1.10).
fn role_label(role: &Role, roles: &[Role], format: DocumentFormat) -> String {
    let name = roles
        .iter()
        .find(|r| r.id == role.id)
        .map_or(role.name(), |r| r.name());
    let holders = roles.iter().filter(|r| r.name() == name).count();
    let reads_back = matches!(parse_role_ref(name), Ok(RoleRef::Name(parsed)) if parsed == name);
    let splits = format == DocumentFormat::Csv && name.contains([',', ';']);
    if !reads_back || splits || holders > 1 {
        role.id.clone()
    } else {
        name.to_owned()
    }
}
