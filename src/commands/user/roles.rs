//! `astra user roles USER [--set ROLES | --add ROLES --remove ROLES] [--dry-run]`: shows a user's
//! roles, or computes the desired-state list and sends one `PUT …/users/{id}/roles` when it
//! differs (two round trips by email: users ∥ roles, then the PUT).

use crate::api::models::{Role, RoleAssignment, User};
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::Hint;
use crate::lookup::{find_user, resolve_all, roles_error, RoleDiff, RoleProblem};
use crate::output::columns::{many, one, Column};
use crate::output::views::RolesView;
use crate::output::Record;
use crate::output::{Outcome, Response};
use crate::refs::RoleRef;
use crate::refs::{parse_role_refs, parse_user_ref, UserRef};
use crate::text::{quoted_list, shell_quote};
use serde::Serialize;

/// Show a user's roles, or set, add or remove some
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# Show the roles of a user\n$ astra user roles john@example.com\n# Give a user one more role\n$ astra user roles john@example.com --add 'Billing Admin'\n# Replace all of a user's roles, showing the change first\n$ astra user roles john@example.com --set 'R/W User' --dry-run"
)]
pub struct UserRolesArgs {
    /// User email/id
    #[arg(value_name = "USER", value_parser = parse_user_ref, add = clap_complete::ArgValueCompleter::new(crate::completion::emails))]
    pub user: UserRef,
    /// Make the user's roles exactly these (repeatable, comma-separated)
    #[arg(long, value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs, add = clap_complete::ArgValueCompleter::new(crate::completion::roles), conflicts_with_all = ["add", "remove"])]
    pub set: Vec<Vec<RoleRef>>,
    /// Add these roles (repeatable, comma-separated)
    #[arg(long, value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    pub add: Vec<Vec<RoleRef>>,
    /// Remove these roles (repeatable, comma-separated)
    #[arg(long, value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    pub remove: Vec<Vec<RoleRef>>,
    /// Show the change and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: exit 11 when a change is planned, 0 when none (a drift gate for CI)
    #[arg(long, requires = "dry_run")]
    pub exit_code: bool,
}

pub async fn run(context: &Context, args: &UserRolesArgs) -> Result<Outcome, CliError> {
    let client = context.client()?;
    let changing = !(args.set.is_empty() && args.add.is_empty() && args.remove.is_empty());
    let typed = args.user.typed();
    let (user, roles) = if changing {
        tokio::try_join!(find_user(client, &args.user), async {
            Ok(client.list_roles().await?)
        })?
    } else {
        (find_user(client, &args.user).await?, Vec::new())
    };
    if !changing {
        return Ok(Outcome::value(RolesView {
            roles: user.roles().to_vec(),
        }));
    }
    let change = plan(args, &user, &roles)?;
    let data = |changed: bool| RolesChanged {
        user_id: user.id.clone(),
        email: user.email().to_owned(),
        before: change.diff.before.clone(),
        after: change.diff.after.clone(),
        added: change.diff.added.clone(),
        removed: change.diff.removed.clone(),
        changed,
        added_names: change.added_names.clone(),
        removed_names: change.removed_names.clone(),
    };
    if !change.diff.changed() {
        let message = if args.set.is_empty() && args.add.is_empty() {
            // Only --remove, of roles the user does not hold.
            let removed: Vec<&str> = args.remove.iter().flatten().map(RoleRef::typed).collect();
            let noun = if removed.len() == 1 { "role" } else { "roles" };
            format!(
                "User '{typed}' does not have {noun} {}; nothing to change.",
                quoted_list(removed)
            )
        } else {
            format!("User '{typed}' already has these roles; nothing to change.")
        };
        return Ok(Outcome::Response(Response::new(message, data(false))));
    }
    keeps_an_admin(client, &user, &roles, &change.diff.after).await?;
    let summary = change.summary();
    if args.dry_run {
        return Ok(Outcome::Response(
            Response::new(
                format!("Dry run: user '{typed}' would change: {summary}. Nothing was sent."),
                data(true),
            )
            .planned()
            .exit_code(args.exit_code),
        ));
    }
    let ids: Vec<&str> = change.diff.after.iter().map(String::as_str).collect();
    client
        .set_roles(&user.id, &RoleAssignment { roles: ids })
        .await?;
    Ok(Outcome::Response(
        Response::new(
            format!("User '{typed}' roles changed: {summary}."),
            data(true),
        )
        .suggest(Hint::new(
            "See the user's roles:",
            format!("astra user roles {}", shell_quote(typed)),
        )),
    ))
}

/// SPEC §13.2: taking `Organization Administrator` from an active user is refused when no other
/// active user holds it. Only then is the users list read (a third round trip, for this case).
async fn keeps_an_admin(
    client: &crate::api::ApiClient,
    user: &User,
    roles: &[Role],
    after: &[String],
) -> Result<(), CliError> {
    let admin_ids = crate::lookup::admin_role_ids(roles);
    let keeps_it = after.iter().any(|id| admin_ids.contains(id.as_str()));
    if keeps_it || !crate::lookup::holds_admin(user, &admin_ids) {
        return Ok(());
    }
    let list = client.list_users().await?;
    crate::lookup::keeps_an_admin(
        &list.users,
        &admin_ids,
        |other| !other.id.eq_ignore_ascii_case(&user.id),
        crate::lookup::GIVE_ADMIN_FIRST,
    )
}

fn as_str(ids: &[String]) -> Vec<&str> {
    ids.iter().map(String::as_str).collect()
}

/// The change, with names for the message and the JSON.
struct Change {
    diff: RoleDiff,
    added_names: Vec<String>,
    removed_names: Vec<String>,
}

impl Change {
    fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.added_names.is_empty() {
            parts.push(format!("added {}", quoted_list(&self.added_names)));
        }
        if !self.removed_names.is_empty() {
            parts.push(format!("removed {}", quoted_list(&self.removed_names)));
        }
        parts.join("; ")
    }
}

/// Resolves every role first (all unknown ones reported at once), then computes the target set;
/// an empty target is refused.
fn plan(args: &UserRolesArgs, user: &User, roles: &[Role]) -> Result<Change, CliError> {
    // Each list resolved once; every role that fails, in any list, is reported together.
    let ids = |lists: &[Vec<RoleRef>]| -> Result<Vec<String>, Vec<RoleProblem>> {
        let refs: Vec<RoleRef> = lists.iter().flatten().cloned().collect();
        resolve_all(roles, &refs).map(|found| found.iter().map(|r| r.id.clone()).collect())
    };
    let (set, add, remove) = (ids(&args.set), ids(&args.add), ids(&args.remove));
    let mut problems: Vec<RoleProblem> = Vec::new();
    for problem in [&set, &add, &remove]
        .into_iter()
        .filter_map(|r| r.as_ref().err())
        .flatten()
    {
        if !problems.contains(problem) {
            problems.push(problem.clone());
        }
    }
    if !problems.is_empty() {
        return Err(roles_error(&problems));
    }
    let (set, add, remove) = (
        set.unwrap_or_default(),
        add.unwrap_or_default(),
        remove.unwrap_or_default(),
    );
    let before: Vec<String> = user.roles().iter().map(|r| r.id.clone()).collect();
    let after: Vec<String> = if args.set.is_empty() {
        let mut after: Vec<String> = before
            .iter()
            .filter(|id| !remove.contains(id))
            .cloned()
            .collect();
        for id in add {
            if !after.contains(&id) && !remove.contains(&id) {
                after.push(id);
            }
        }
        after
    } else {
        set
    };
    if after.is_empty() {
        return Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("User '{}' would be left with no role.", args.user.typed()),
        )
        .detail("A user needs at least one role; nothing was sent.")
        .hint(
            "Delete the user instead:",
            format!("astra user delete {}", shell_quote(args.user.typed())),
        ));
    }
    let diff = RoleDiff::new(&as_str(&before), &as_str(&after));
    let name_of = |id: &String| {
        roles
            .iter()
            .chain(user.roles())
            .find(|r| &r.id == id)
            .map_or_else(|| id.clone(), |r| r.name().to_owned())
    };
    Ok(Change {
        added_names: diff.added.iter().map(name_of).collect(),
        removed_names: diff.removed.iter().map(name_of).collect(),
        diff,
    })
}

/// `user roles USER --set/--add/--remove` data (SPEC §1.7).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolesChanged {
    pub user_id: String,
    pub email: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: bool,
    pub added_names: Vec<String>,
    pub removed_names: Vec<String>,
}

impl Record for RolesChanged {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("user_id", |r| one(&r.user_id)),
        Column::csv("email", |r| one(&r.email)),
        Column::csv("before", |r| many(&r.before)),
        Column::csv("after", |r| many(&r.after)),
        Column::csv("added", |r| many(&r.added)),
        Column::csv("removed", |r| many(&r.removed)),
        Column::csv("changed", |r| one(r.changed.to_string())),
        Column::csv("added_names", |r| many(&r.added_names)),
        Column::csv("removed_names", |r| many(&r.removed_names)),
    ];
}

#[cfg(test)]
mod tests {
    use crate::output::AnyRecord;

    #[test]
    fn the_change_names_its_csv_cells_in_column_order() {
        let changed = RolesChanged {
            user_id: "u1".into(),
            email: "a@x.io".into(),
            before: vec!["r1".into()],
            after: vec!["r1".into(), "r2".into()],
            added: vec!["r2".into()],
            removed: vec![],
            changed: true,
            added_names: vec!["R/W User".into(), "X".into()],
            removed_names: vec![],
        };
        assert_eq!(
            changed.cells(),
            [
                "u1",
                "a@x.io",
                "r1",
                "r1,r2",
                "r2",
                "",
                "true",
                "R/W User,X",
                ""
            ]
        );
        assert_eq!(changed.cells().len(), RolesChanged::COLUMNS.len());
        assert_eq!(RolesChanged::csv_names().len(), 9);
    }

    use super::*;
    use crate::fixtures::{role, user};
    use crate::hints::Suggestion;
    use crate::refs::UserRef;

    fn names(list: &[&str]) -> Vec<Vec<RoleRef>> {
        if list.is_empty() {
            return Vec::new();
        }
        vec![list
            .iter()
            .map(|n| RoleRef::Name((*n).to_owned()))
            .collect()]
    }

    fn args(set: &[&str], add: &[&str], remove: &[&str]) -> UserRolesArgs {
        UserRolesArgs {
            user: UserRef::Email("jo smith@x.io".into()),
            set: names(set),
            add: names(add),
            remove: names(remove),
            dry_run: false,
            exit_code: false,
        }
    }

    fn org() -> Vec<Role> {
        vec![
            role("ro", "RO User"),
            role("rw", "R/W User"),
            role("ba", "Billing Admin"),
        ]
    }

    fn plan_for(current: &[&Role], args: &UserRolesArgs) -> Result<Change, CliError> {
        plan(args, &user("u1", "jo@x.io", "active", current), &org())
    }

    #[test]
    fn add_and_remove_edit_the_current_roles_in_order() {
        let org = org();
        let change =
            plan_for(&[&org[0], &org[2]], &args(&[], &["R/W User"], &["RO User"])).unwrap();
        assert_eq!(change.diff.before, ["ro", "ba"]);
        assert_eq!(change.diff.after, ["ba", "rw"]);
        assert_eq!(change.summary(), "added 'R/W User'; removed 'RO User'");
        let only_added =
            plan_for(&[&org[0]], &args(&[], &["r/w user", "Billing Admin"], &[])).unwrap();
        assert_eq!(only_added.summary(), "added 'R/W User', 'Billing Admin'");
        let only_removed = plan_for(&[&org[0], &org[1]], &args(&[], &[], &["RO User"])).unwrap();
        assert_eq!(only_removed.summary(), "removed 'RO User'");
    }

    #[test]
    fn a_role_both_added_and_removed_is_removed_and_a_held_role_is_not_added_twice() {
        let org = org();
        let change = plan_for(
            &[&org[0], &org[1]],
            &args(&[], &["Billing Admin", "RO User"], &["Billing Admin"]),
        )
        .unwrap();
        assert_eq!(change.diff.after, ["ro", "rw"]);
        assert!(!change.diff.changed());
    }

    #[test]
    fn set_replaces_every_role() {
        let org = org();
        let change = plan_for(&[&org[0], &org[1]], &args(&["Billing Admin"], &[], &[])).unwrap();
        assert_eq!(change.diff.after, ["ba"]);
        assert_eq!(change.added_names, ["Billing Admin"]);
        assert_eq!(change.removed_names, ["RO User", "R/W User"]);
        let same = plan_for(&[&org[2]], &args(&["billing admin"], &[], &[])).unwrap();
        assert!(!same.diff.changed());
    }

    #[test]
    fn a_role_only_the_user_holds_is_named_from_the_user() {
        let legacy = role("old", "Legacy Role");
        let change = plan_for(&[&legacy], &args(&["RO User"], &[], &[])).unwrap();
        assert_eq!(change.removed_names, ["Legacy Role"]);
        assert_eq!(change.summary(), "added 'RO User'; removed 'Legacy Role'");
    }

    #[test]
    fn every_unknown_role_in_any_list_is_reported_once() {
        let org = org();
        let err = plan_for(
            &[&org[0]],
            &args(&[], &["Wizard", "R/W Usr"], &["Wizard", "Ghost"]),
        )
        .err()
        .unwrap();
        assert_eq!(err.code, ErrorCode::RoleNotFound);
        assert_eq!(
            err.headline,
            "Roles 'Wizard', 'R/W Usr', 'Ghost' not found."
        );
        let err = plan_for(&[&org[0]], &args(&["Ghost"], &[], &[]))
            .err()
            .unwrap();
        assert_eq!(err.headline, "Role 'Ghost' not found.");
    }

    #[test]
    fn a_user_left_without_roles_is_refused_with_the_delete_hint() {
        let org = org();
        for args in [
            args(&[], &[], &["RO User"]),
            args(&[], &["R/W User"], &["RO User", "R/W User"]),
        ] {
            let err = plan_for(&[&org[0]], &args).err().unwrap();
            assert_eq!(err.code, ErrorCode::ValidationIssue);
            assert_eq!(
                err.headline,
                "User 'jo smith@x.io' would be left with no role."
            );
            assert_eq!(
                err.details,
                ["A user needs at least one role; nothing was sent."]
            );
            assert_eq!(
                err.suggestions,
                [Suggestion::Fixed(Hint::new(
                    "Delete the user instead:",
                    "astra user delete 'jo smith@x.io'"
                ))]
            );
        }
    }
}
