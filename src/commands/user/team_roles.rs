//! The custom roles of a team file (SPEC §1.15): checked with their lines, compared with the
//! organization's, and planned as role creates and updates (first wave) and, with `--prune`,
//! deletes of undeclared custom roles (last wave). A role the file creates has no id until it
//! exists: users that need it name it ([`RoleTarget::Created`]), wait for its item, and are
//! skipped if it fails.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::api::models::{PolicyBody, Role, RoleDefinition};
use crate::commands::batch::{ItemName, Planned};
use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::{Applied, PolicyRecord};
use crate::output::{ItemKind, Response};
use crate::policy::{expand_resources, is_standard, unknown_actions, whole_org};
use crate::teamfile::{RoleEntry, RowProblem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleAction {
    Create,
    Update,
    Delete,
    Unchanged,
}

impl RoleAction {
    /// The batch's change, or none for a role already as the file says.
    fn change(self) -> Option<crate::output::Action> {
        use crate::output::Action;
        match self {
            Self::Create => Some(Action::CreateRole),
            Self::Update => Some(Action::UpdateRole),
            Self::Delete => Some(Action::DeleteRole),
            Self::Unchanged => None,
        }
    }

    fn name(self) -> &'static str {
        self.change()
            .map_or("unchanged", crate::output::Action::name)
    }
}

/// One declared (or, pruned, undeclared) role and what it needs.
#[derive(Debug)]
pub struct RoleStep {
    pub name: String,
    pub action: RoleAction,
    /// The organization's id of the role; none for a role the file creates.
    pub id: Option<String>,
    pub description: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// A role a user change gives: one the organization has (by its id), or one the file creates
/// (by its name: it has no id until its item has run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleTarget<'a> {
    Listed(&'a str),
    Created(&'a str),
}

impl RoleTarget<'_> {
    /// The batch item a change giving this role waits for, if any.
    pub fn creating_item(self) -> Option<ItemName> {
        match self {
            Self::Listed(_) => None,
            Self::Created(name) => Some(ItemName::new(ItemKind::Role, name)),
        }
    }
}

/// The roles a row may name: the organization's (and those its users hold that it no longer
/// lists), then those the file creates.
pub struct KnownRoles {
    roles: Vec<Role>,
    /// Where the roles the file creates begin in `roles`.
    created_from: usize,
}

impl KnownRoles {
    pub fn new(listed: &[Role], unlisted: Vec<Role>, declared: &[RoleEntry]) -> Self {
        let mut roles = listed.to_vec();
        roles.extend(unlisted);
        let created_from = roles.len();
        for entry in declared {
            if !roles.iter().any(|r| r.name() == entry.name) {
                roles.push(Role {
                    // None yet: no id can be typed to name it (ids are UUIDs).
                    id: String::new(),
                    name: Some(entry.name.clone()),
                    policy: None,
                });
            }
        }
        Self {
            roles,
            created_from,
        }
    }

    /// Every role, to resolve a row's roles against.
    pub fn all(&self) -> &[Role] {
        &self.roles
    }

    /// What `role` (one of [`Self::all`]) is: listed, or created by the file.
    pub fn target<'a>(&self, role: &'a Role) -> RoleTarget<'a> {
        let created = self.roles[self.created_from..].as_ptr_range();
        if created.contains(&std::ptr::from_ref(role)) {
            RoleTarget::Created(role.name())
        } else {
            RoleTarget::Listed(&role.id)
        }
    }
}

/// The ids of the roles created so far, by name: filled in by the first wave, read by the user
/// changes of the second.
#[derive(Default)]
pub struct CreatedRoles(Mutex<HashMap<String, String>>);

impl CreatedRoles {
    fn insert(&self, name: &str, id: String) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.to_owned(), id);
    }

    /// The id to send for `target`: a listed role's, or the one its create answered; none for
    /// a role whose create has not succeeded.
    pub fn id_of(&self, target: RoleTarget) -> Option<String> {
        match target {
            RoleTarget::Listed(id) => Some(id.to_owned()),
            RoleTarget::Created(name) => self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .get(name)
                .cloned(),
        }
    }
}

/// Every declared role checked (name, standard, duplicate, actions, resources) and compared with
/// the organization's; with `prune`, undeclared custom roles are deleted. All problems at once.
pub fn plan(
    declared: &[RoleEntry],
    existing: &[Role],
    org_id: &str,
    prune: bool,
) -> Result<Vec<RoleStep>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut steps: Vec<RoleStep> = Vec::new();
    for entry in declared {
        let line = entry.line;
        let name = entry.name.as_str();
        if name.is_empty() {
            problems.push(RowProblem::new(line, "a role needs a name"));
            continue;
        }
        if let Some(problem) = crate::refs::control_problem(name) {
            let shown = crate::text::escape_control_in_line(name).into_owned();
            problems.push(
                RowProblem::new(line, format!("role '{shown}': the name {problem}")).about(shown),
            );
            continue;
        }
        if let Some(problem) = crate::refs::control_problem(&entry.description) {
            problems.push(
                RowProblem::new(line, format!("role '{name}': the description {problem}"))
                    .about(name),
            );
        }
        if is_standard(name) {
            problems.push(
                RowProblem::new(
                    line,
                    format!("'{name}' is a standard role and cannot be declared"),
                )
                .about(name),
            );
            continue;
        }
        if let Some(first) = declared
            .iter()
            .find(|other| other.name == name && other.line < line)
        {
            problems.push(
                RowProblem::new(
                    line,
                    format!("role '{name}' is already declared on line {}", first.line),
                )
                .about(name),
            );
            continue;
        }
        if entry.actions.is_empty() {
            problems
                .push(RowProblem::new(line, format!("role '{name}' has no actions")).about(name));
        }
        for unknown in unknown_actions(&entry.actions) {
            let message = match &unknown.suggestion {
                Some(closest) => format!(
                    "role '{name}': {}; did you mean '{closest}'?",
                    unknown.problem
                ),
                None => format!("role '{name}': {}", unknown.problem),
            };
            problems.push(
                RowProblem::new(line, message)
                    .about(unknown.item)
                    .suggesting(unknown.suggestion),
            );
        }
        let raw = if entry.resources.is_empty() {
            vec![whole_org()]
        } else {
            entry.resources.clone()
        };
        let (resources, bad) = expand_resources(&raw, org_id);
        problems.extend(bad.into_iter().map(|bad| {
            RowProblem::new(line, format!("role '{name}': {}", bad.problem)).about(bad.item)
        }));
        let found = existing.iter().find(|r| r.name() == name);
        let mut actions = entry.actions.clone();
        actions.dedup();
        let (action, id) = match found {
            None => (RoleAction::Create, None),
            Some(role) if same_policy(role, &entry.description, &actions, &resources) => {
                (RoleAction::Unchanged, Some(role.id.clone()))
            }
            Some(role) => (RoleAction::Update, Some(role.id.clone())),
        };
        steps.push(RoleStep {
            name: name.to_owned(),
            action,
            id,
            description: entry.description.clone(),
            actions,
            resources,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if prune {
        let mut gone: Vec<&Role> = existing
            .iter()
            .filter(|r| !is_standard(r.name()) && !declared.iter().any(|d| d.name == r.name()))
            .collect();
        gone.sort_by(|a, b| a.name().cmp(b.name()));
        steps.extend(gone.into_iter().map(|role| RoleStep {
            name: role.name().to_owned(),
            action: RoleAction::Delete,
            id: Some(role.id.clone()),
            description: String::new(),
            actions: Vec::new(),
            resources: Vec::new(),
        }));
    }
    Ok(steps)
}

/// The same policy, order aside.
fn same_policy(role: &Role, description: &str, actions: &[String], resources: &[String]) -> bool {
    let held = PolicyRecord::from(role);
    held.description == description
        && set_of(&held.actions) == set_of(actions)
        && set_of(&held.resources) == set_of(resources)
}

/// Values sorted, each once: how a team file writes a policy's lists, and compares them.
fn set_of(values: &[String]) -> Vec<String> {
    let mut values = values.to_vec();
    values.sort();
    values.dedup();
    values
}

impl RoleStep {
    fn applied(&self) -> Applied {
        Applied {
            action: self.action.name(),
            roles: std::sync::Arc::from([]),
        }
    }

    pub fn response(&self, dry_run: bool) -> Response {
        let name = &self.name;
        let (done, would) = match self.action {
            RoleAction::Create => (
                format!("Created role '{name}'."),
                format!("Would create role '{name}'."),
            ),
            RoleAction::Update => (
                format!("Updated role '{name}'."),
                format!("Would update role '{name}'."),
            ),
            RoleAction::Delete => (
                format!("Deleted role '{name}'."),
                format!("Would delete role '{name}'."),
            ),
            RoleAction::Unchanged => (
                format!("Role '{name}' is unchanged."),
                format!("Role '{name}' is unchanged."),
            ),
        };
        let response = Response::new(if dry_run { would } else { done }, self.applied());
        if self.action == RoleAction::Unchanged {
            response.unchanged()
        } else {
            response
        }
    }

    /// The step as an item of the batch, carrying `payload`.
    pub fn planned<P>(&self, payload: P) -> Planned<P> {
        let item = match self.action.change() {
            Some(change) => Planned::change(&self.name, change, payload),
            None => Planned::settled(&self.name, Ok(self.response(false))),
        };
        item.with_record(Box::new(self.applied()))
            .of_kind(ItemKind::Role)
    }

    /// Sends the change; a created role's id is remembered for the users that need it.
    pub async fn execute(
        &self,
        context: &Context,
        created: &CreatedRoles,
    ) -> Result<Response, CliError> {
        let client = context.client()?;
        let definition = RoleDefinition {
            name: &self.name,
            policy: PolicyBody {
                description: &self.description,
                effect: "allow",
                resources: &self.resources,
                actions: &self.actions,
            },
        };
        match self.action {
            RoleAction::Create => {
                let role = client.create_role(&definition).await.map_err(|err| {
                    crate::error::maybe_created(
                        err,
                        &format!("Role '{}'", self.name),
                        format!("astra role get {}", crate::text::shell_quote(&self.name)),
                    )
                })?;
                created.insert(&self.name, role.id);
            }
            RoleAction::Update => {
                if let Some(id) = &self.id {
                    client.update_role(id, &definition).await?;
                }
            }
            RoleAction::Delete => {
                if let Some(id) = &self.id {
                    client.delete_role(id).await?;
                }
            }
            RoleAction::Unchanged => {}
        }
        Ok(self.response(false))
    }
}

/// The custom roles of the organization as a team file declares them: sorted by name, actions
/// and resources sorted, resources with `__ORG_ID__` (SPEC §1.15).
pub fn exported(roles: &[Role], org_id: &str) -> Vec<RoleEntry> {
    let mut entries: Vec<RoleEntry> = roles
        .iter()
        .filter(|role| !is_standard(role.name()))
        .map(|role| {
            let held = PolicyRecord::from(role);
            let portable: Vec<String> = held
                .resources
                .iter()
                .map(|resource| crate::policy::portable_resource(resource, org_id))
                .collect();
            RoleEntry {
                name: role.name().to_owned(),
                description: held.description,
                actions: set_of(&held.actions),
                resources: set_of(&portable),
                line: 0,
            }
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::Policy;

    const ORG: &str = "7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c";

    fn custom(
        id: &str,
        name: &str,
        description: &str,
        actions: &[&str],
        resources: &[&str],
    ) -> Role {
        let list = |v: &[&str]| Some(v.iter().map(|s| (*s).to_owned()).collect());
        Role {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            policy: Some(Box::new(Policy {
                description: Some(description.to_owned()),
                effect: Some("allow".to_owned()),
                resources: list(resources),
                actions: list(actions),
            })),
        }
    }

    fn entry(line: usize, name: &str, actions: &[&str], resources: &[&str]) -> RoleEntry {
        RoleEntry {
            name: name.to_owned(),
            description: "d".to_owned(),
            actions: actions.iter().map(|s| (*s).to_owned()).collect(),
            resources: resources.iter().map(|s| (*s).to_owned()).collect(),
            line,
        }
    }

    fn actions(steps: &[RoleStep]) -> Vec<(&str, RoleAction)> {
        steps.iter().map(|s| (s.name.as_str(), s.action)).collect()
    }

    #[test]
    fn declared_roles_are_created_updated_or_left_and_undeclared_ones_pruned_last() {
        let org_drn = format!("drn:astra:org:{ORG}");
        let existing = vec![
            custom("r1", "Same", "d", &["db-cql", "org-read"], &[&org_drn]),
            custom("r2", "Changed", "d", &["db-cql"], &[&org_drn]),
            custom("r3", "Old", "d", &["db-cql"], &[&org_drn]),
            crate::fixtures::role("s1", "RO User"),
        ];
        let declared = vec![
            entry(1, "Same", &["org-read", "db-cql"], &[]),
            entry(
                5,
                "Changed",
                &["db-cql", "db-rest"],
                &["drn:astra:org:__ORG_ID__"],
            ),
            entry(
                9,
                "New",
                &["db-cql"],
                &["db:*", "drn:astra:org:__ORG_ID__:db:*"],
            ),
        ];
        let steps = plan(&declared, &existing, ORG, true).unwrap();
        assert_eq!(
            actions(&steps),
            [
                ("Same", RoleAction::Unchanged),
                ("Changed", RoleAction::Update),
                ("New", RoleAction::Create),
                ("Old", RoleAction::Delete),
            ],
            "order and actions aside, the standard role is never pruned"
        );
        assert_eq!(steps[1].id.as_deref(), Some("r2"));
        assert_eq!(steps[2].id, None, "no id until it exists");
        assert_eq!(
            steps[2].resources,
            [format!("{org_drn}:db:*")],
            "one resource, written twice"
        );
        let named: Vec<Option<&str>> = steps
            .iter()
            .map(|s| s.action.change().map(crate::output::Action::name))
            .collect();
        assert_eq!(
            named,
            [
                None,
                Some("update-role"),
                Some("create-role"),
                Some("delete-role")
            ]
        );
        assert_eq!(
            steps[0].resources,
            std::slice::from_ref(&org_drn),
            "no resources: the org itself"
        );
        let kept = plan(&declared, &existing, ORG, false).unwrap();
        assert_eq!(kept.len(), 3, "no prune: nothing deleted");
        let unlisted = vec![crate::fixtures::role("gone", "gone")];
        let known = KnownRoles::new(&existing, unlisted, &declared);
        let all = known.all();
        assert_eq!(all.len(), 6);
        assert_eq!(all[5].name(), "New");
        assert_eq!(known.target(&all[5]), RoleTarget::Created("New"));
        assert_eq!(known.target(&all[4]), RoleTarget::Listed("gone"));
        assert_eq!(known.target(&all[0]), RoleTarget::Listed("r1"));
        assert_eq!(
            RoleTarget::Created("New").creating_item(),
            Some(ItemName::new(ItemKind::Role, "New"))
        );
        assert_eq!(RoleTarget::Listed("r1").creating_item(), None);
    }

    #[test]
    fn every_bad_role_is_named_with_its_line() {
        let declared = vec![
            entry(1, "", &["db-cql"], &[]),
            entry(3, "RO User", &["db-cql"], &[]),
            entry(6, "A", &[], &["keyspace:*"]),
            entry(9, "B", &["db-cqll"], &[]),
            entry(12, "B", &["db-cql"], &[]),
        ];
        let problems = plan(&declared, &[], ORG, false).unwrap_err();
        let lines: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line(), p.problem.as_str()))
            .collect();
        assert_eq!(lines[0], (1, "a role needs a name"));
        assert_eq!(
            lines[1],
            (3, "'RO User' is a standard role and cannot be declared")
        );
        assert_eq!(lines[2], (6, "role 'A' has no actions"));
        assert!(
            lines[3]
                .1
                .starts_with("role 'A': 'keyspace:*' is not a resource"),
            "{lines:?}"
        );
        assert_eq!(
            lines[4],
            (
                9,
                "role 'B': 'db-cqll' is not a known action; did you mean 'db-cql'?"
            )
        );
        assert_eq!(problems[4].suggestion.as_deref(), Some("db-cql"));
        assert_eq!(lines[5], (12, "role 'B' is already declared on line 9"));
        assert_eq!(problems.len(), 6);
    }

    #[test]
    fn export_writes_custom_roles_sorted_and_portable() {
        let roles = vec![
            custom(
                "r2",
                "Zed",
                "z",
                &["org-read", "db-cql"],
                &[
                    &format!("drn:astra:org:{ORG}:db:*"),
                    &format!("drn:astra:org:{ORG}"),
                ],
            ),
            custom(
                "r1",
                "Alpha",
                "a",
                &["db-cql"],
                &[&format!("drn:astra:org:{ORG}")],
            ),
            crate::fixtures::role("s1", "Organization Administrator"),
        ];
        let entries = exported(&roles, ORG);
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Alpha", "Zed"], "sorted, standard roles left out");
        assert_eq!(entries[1].actions, ["db-cql", "org-read"]);
        assert_eq!(
            entries[1].resources,
            ["drn:astra:org:__ORG_ID__", "drn:astra:org:__ORG_ID__:db:*"]
        );
        assert_eq!(entries[1].description, "z");
        // What export writes, apply reads back as unchanged.
        let again = plan(&entries, &roles, ORG, true).unwrap();
        assert!(
            again.iter().all(|s| s.action == RoleAction::Unchanged),
            "{:?}",
            actions(&again)
        );
    }

    #[test]
    fn each_step_reports_its_action_and_only_changes_are_sent() {
        let step = |action| RoleStep {
            name: "Ops".into(),
            action,
            id: Some("r".into()),
            description: String::new(),
            actions: Vec::new(),
            resources: Vec::new(),
        };
        assert_eq!(
            step(RoleAction::Create).response(false).message,
            "Created role 'Ops'."
        );
        assert_eq!(
            step(RoleAction::Update).response(true).message,
            "Would update role 'Ops'."
        );
        assert_eq!(
            step(RoleAction::Delete).response(false).message,
            "Deleted role 'Ops'."
        );
        assert!(step(RoleAction::Create).planned(()).is_change());
        assert!(!step(RoleAction::Unchanged).planned(()).is_change());
        assert_eq!(
            step(RoleAction::Unchanged).response(true).effect,
            crate::output::Effect::Unchanged
        );
        assert_eq!(
            step(RoleAction::Create).response(false).effect,
            crate::output::Effect::Changed
        );
        let created = CreatedRoles::default();
        assert_eq!(created.id_of(RoleTarget::Created("Ops")), None);
        created.insert("Ops", "real".into());
        assert_eq!(
            created.id_of(RoleTarget::Created("Ops")).as_deref(),
            Some("real")
        );
        assert_eq!(
            created.id_of(RoleTarget::Listed("other")).as_deref(),
            Some("other")
        );
    }
}
