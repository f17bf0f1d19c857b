//! The one pipeline of every command that changes several things (SPEC §13): the command plans
//! its items (each a label, a change with the payload it sends, or an outcome already known),
//! then [`execute`] previews them (`--dry-run`) or starts them with at most N in flight, never
//! waiting on a slow one to start the next (`buffer_unordered`), puts the results back in input
//! order, and reports one item as itself or several as a batch.

use std::collections::HashMap;

use futures::stream::{self, StreamExt};

use crate::commands::Context;
use crate::error::CliError;
use crate::output::views::Deleted;
pub use crate::output::Action as Change;
use crate::output::{
    Action, AnyRecord, Batch, BatchItem, ItemKind, ItemResult, Outcome, Record, Response, Wave,
};

/// The options every batch command shares (SPEC §13): one `--dry-run`, one `--concurrency`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Show what would change and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Requests in flight at most (1 to 64)
    #[arg(long, value_name = "N", default_value = "8", value_parser = parse_concurrency)]
    pub concurrency: usize,
    /// With --dry-run: exit 11 when a change is planned, 0 when none (a drift gate for CI)
    #[arg(long, requires = "dry_run")]
    pub exit_code: bool,
}

/// How many requests may be in flight at once (SPEC §7.3).
fn parse_concurrency(raw: &str) -> Result<usize, String> {
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=64).contains(&n) => Ok(n),
        _ => Err(format!("'{raw}' is not a number from 1 to 64")),
    }
}

/// Names one item of a plan, as its report does: `role 'Ops'`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemName {
    pub kind: ItemKind,
    pub label: String,
}

impl ItemName {
    pub fn new(kind: ItemKind, label: impl Into<String>) -> Self {
        Self {
            kind,
            label: label.into(),
        }
    }
}

/// What becomes of an item: a change to send with its payload, or an outcome the plan already
/// knows (an unchanged row, a user that does not exist).
enum Todo<P> {
    Send(Action, P),
    Settled(Result<Response, CliError>),
}

/// One item of a plan: what it is called, what it does, and the items it needs.
pub struct Planned<P> {
    pub label: String,
    todo: Todo<P>,
    /// What the report shows of the item whatever happens (apply's action and roles).
    record: Option<Box<dyn AnyRecord>>,
    /// The item's kind when it is not the batch's (a role in a team file of users).
    kind: Option<ItemKind>,
    /// Items of earlier waves this one needs: if one of them fails, this one is skipped.
    needs: Vec<ItemName>,
}

impl<P> Planned<P> {
    /// A change: `payload` is what `send` (or the preview) gets for it.
    pub fn change(label: impl Into<String>, action: Action, payload: P) -> Self {
        Self::new(label, Todo::Send(action, payload))
    }

    /// An item whose outcome is known without sending anything.
    pub fn settled(label: impl Into<String>, outcome: Result<Response, CliError>) -> Self {
        Self::new(label, Todo::Settled(outcome))
    }

    fn new(label: impl Into<String>, todo: Todo<P>) -> Self {
        Self {
            label: label.into(),
            todo,
            record: None,
            kind: None,
            needs: Vec::new(),
        }
    }

    pub fn with_record(mut self, record: Box<dyn AnyRecord>) -> Self {
        self.record = Some(record);
        self
    }

    pub fn of_kind(mut self, kind: ItemKind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// This item needs those (of earlier waves) to succeed first.
    pub fn needing(mut self, items: Vec<ItemName>) -> Self {
        self.needs = items;
        self
    }

    /// Whether the item needs a request.
    pub fn is_change(&self) -> bool {
        matches!(self.todo, Todo::Send(..))
    }

    fn name(&self, batch_kind: ItemKind) -> ItemName {
        ItemName::new(self.kind.unwrap_or(batch_kind), self.label.as_str())
    }

    /// The item as reported, with `result` (a settled item keeps its own) and its payload
    /// handed out for sending.
    fn split(self) -> (Head, Result<P, ItemResult>) {
        let (action, next) = match self.todo {
            Todo::Send(action, payload) => (Some(action), Ok(payload)),
            Todo::Settled(outcome) => (None, Err(ItemResult::from(outcome))),
        };
        let head = Head {
            label: self.label,
            action,
            record: self.record,
            kind: self.kind,
        };
        (head, next)
    }
}

/// What the report keeps of a planned item while its payload is sent.
struct Head {
    label: String,
    action: Option<Action>,
    record: Option<Box<dyn AnyRecord>>,
    kind: Option<ItemKind>,
}

impl Head {
    fn into_item(self, result: ItemResult) -> BatchItem {
        BatchItem {
            label: self.label,
            action: self.action,
            planned: self.record,
            result,
            kind: self.kind,
        }
    }
}

/// How a command reports what it did.
pub enum Report {
    /// One item is reported as itself (the original's output, SPEC §13); several as a batch,
    /// which a rerun with this flag finishes (`--if-exists`).
    ItemOrBatch { finish_with: &'static str },
    /// Always a batch under this title, whatever the count (a file applied as a whole).
    Batch { title: String },
}

/// A batch command's plan: its items in input order and how it is reported.
pub struct Plan<P> {
    pub kind: ItemKind,
    pub columns: Vec<&'static str>,
    pub items: Vec<Planned<P>>,
    pub report: Report,
}

impl<P> Plan<P> {
    /// Items reported one by one as themselves, or together as a batch that a rerun with
    /// `finish_with` finishes (`--if-not-exists`).
    pub fn item_or_batch(
        kind: ItemKind,
        columns: Vec<&'static str>,
        items: Vec<Planned<P>>,
        finish_with: &'static str,
    ) -> Self {
        Self {
            kind,
            columns,
            items,
            report: Report::ItemOrBatch { finish_with },
        }
    }

    /// Deletions of users, roles or tokens: `{"wasDeleted"}` data, finished by `--if-exists`.
    pub fn deletes(kind: ItemKind, items: Vec<Planned<P>>) -> Self {
        Self::item_or_batch(kind, Deleted::csv_names(), items, "--if-exists")
    }
}

/// The one way a batch command runs its plan: a preview under `--dry-run` (`preview(payload)`
/// says what the change would do; nothing is sent), else `send(payload)` for each change;
/// `--exit-code` marked; `on_change` told of each change that ended (a progress bar); then
/// reported as [`Plan::report`] says.
pub async fn execute<P, F, Fut>(
    context: &Context,
    args: &BatchArgs,
    plan: Plan<P>,
    preview: impl Fn(P) -> Result<Response, CliError>,
    send: F,
    on_change: impl Fn(),
) -> Result<Outcome, CliError>
where
    F: Fn(P) -> Fut,
    Fut: std::future::Future<Output = Result<Response, CliError>>,
{
    let Plan {
        kind,
        columns,
        items,
        report,
    } = plan;
    let mut batch = if args.dry_run {
        self::preview(kind, columns, items, preview)
    } else {
        run(
            context,
            kind,
            columns,
            items,
            args.concurrency,
            send,
            on_change,
        )
        .await
    }
    .exit_code(args.exit_code);
    match report {
        Report::ItemOrBatch { finish_with } => single_or(batch.finishing_with(finish_with)),
        Report::Batch { title } => {
            batch.title = Some(title);
            Ok(Outcome::Batch(batch))
        }
    }
}

/// Runs `send(payload)` for every change, at most `concurrency` in flight, wave by wave, and
/// returns the batch in input order. After a signal no new item starts (SPEC §5); those in
/// flight finish. `on_change` is told of every change that ended (the progress bar).
async fn run<P, F, Fut>(
    context: &Context,
    kind: ItemKind,
    columns: Vec<&'static str>,
    plan: Vec<Planned<P>>,
    concurrency: usize,
    send: F,
    on_change: impl Fn(),
) -> Batch
where
    F: Fn(P) -> Fut,
    Fut: std::future::Future<Output = Result<Response, CliError>>,
{
    if plan.len() > 1 {
        context.start_batch();
    }
    context.set_concurrency(concurrency);
    let needs = Needs::of(&plan, kind);
    // Each item's payload until it is sent, or the outcome the plan already knew.
    let mut heads = Vec::with_capacity(plan.len());
    let mut payloads: Vec<Option<P>> = Vec::with_capacity(plan.len());
    let mut settled: Vec<Option<ItemResult>> = Vec::with_capacity(plan.len());
    for planned in plan {
        let (head, next) = planned.split();
        heads.push(head);
        let (payload, known) = match next {
            Ok(payload) => (Some(payload), None),
            Err(known) => (None, Some(known)),
        };
        payloads.push(payload);
        settled.push(known);
    }
    // What became of each item sent (the needs of later waves read it).
    let mut results: Vec<Option<ItemResult>> = (0..heads.len()).map(|_| None).collect();
    let send = &send;
    let on_change = &on_change;
    for wave in Wave::ALL {
        let mut changes = Vec::new();
        // A change runs in its action's wave (SPEC §13.1).
        for i in (0..heads.len()).filter(|&i| heads[i].action.map(Action::wave) == Some(wave)) {
            if let Some(payload) = payloads[i].take() {
                changes.push((i, payload, needs.unmet(i, &heads, &results, kind)));
            }
        }
        let ended: Vec<(usize, ItemResult)> = stream::iter(changes)
            .map(|(i, payload, unmet)| async move {
                if let Some(why) = unmet {
                    return (i, ItemResult::Skipped(why));
                }
                if context.stopped() {
                    return (i, ItemResult::NotStarted(None));
                }
                if let Some(refused) = context.refused_for_good() {
                    return (i, ItemResult::NotStarted(Some(refused)));
                }
                let result = ItemResult::from(send(payload).await);
                on_change();
                (i, result)
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        for (i, result) in ended {
            results[i] = Some(result);
        }
    }
    let items = heads
        .into_iter()
        .zip(settled)
        .zip(results)
        .map(|((head, settled), sent)| {
            head.into_item(sent.or(settled).unwrap_or(ItemResult::NotStarted(None)))
        })
        .collect();
    Batch::new(kind, items, columns)
}

/// Each item's needs, as the indexes of the items they name (found once, by name).
struct Needs(Vec<Vec<usize>>);

impl Needs {
    fn of<P>(plan: &[Planned<P>], kind: ItemKind) -> Self {
        if plan.iter().all(|item| item.needs.is_empty()) {
            return Self(Vec::new());
        }
        let index: HashMap<ItemName, usize> = plan
            .iter()
            .enumerate()
            .map(|(i, item)| (item.name(kind), i))
            .collect();
        Self(
            plan.iter()
                .map(|item| {
                    item.needs
                        .iter()
                        .filter_map(|name| index.get(name).copied())
                        .collect()
                })
                .collect(),
        )
    }

    /// Why item `i` cannot be sent: the first item it needs that failed or was skipped.
    fn unmet(
        &self,
        i: usize,
        heads: &[Head],
        results: &[Option<ItemResult>],
        kind: ItemKind,
    ) -> Option<CliError> {
        self.0.get(i)?.iter().find_map(|&need| {
            let (code, what) = match &results[need] {
                Some(ItemResult::Failed(err)) => (err.code, "failed"),
                Some(ItemResult::Skipped(err)) => (err.code, "was skipped"),
                _ => return None,
            };
            let noun = heads[need].kind.unwrap_or(kind).noun().to_lowercase();
            Some(CliError::new(
                code,
                format!(
                    "not sent: it needs {noun} '{}', which {what}.",
                    heads[need].label
                ),
            ))
        })
    }
}

/// The same plan as a dry run: every change `planned` with `preview(payload)`'s message,
/// nothing sent.
fn preview<P>(
    kind: ItemKind,
    columns: Vec<&'static str>,
    plan: Vec<Planned<P>>,
    preview: impl Fn(P) -> Result<Response, CliError>,
) -> Batch {
    let items = plan
        .into_iter()
        .map(|planned| {
            let (head, next) = planned.split();
            let result = match next {
                Ok(payload) => ItemResult::from(preview(payload).map(Response::planned)),
                Err(settled) => settled,
            };
            head.into_item(result)
        })
        .collect();
    let mut batch = Batch::new(kind, items, columns);
    batch.dry_run = true;
    batch
}

/// SPEC §13.1: the same item twice on one command line (`invite a@x.io A@x.io`) is refused before
/// anything is sent, as a duplicate row of a file is. `items` are each item as typed with the key
/// that says which item it is (an email's [`crate::lookup::email_key`], a role's id, a client id
/// lower-cased).
pub fn refuse_duplicates<'a>(
    kind: ItemKind,
    items: impl IntoIterator<Item = (&'a str, String)>,
) -> Result<(), CliError> {
    let mut first: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for (typed, key) in items {
        match first.get(&key) {
            Some(earlier) => problems.push(crate::error::Problem {
                line: None,
                item: typed.to_owned(),
                problem: format!(
                    "'{typed}' is the same {} as '{earlier}'",
                    kind.noun().to_lowercase()
                ),
                suggestion: None,
            }),
            None => {
                first.insert(key, typed);
            }
        }
    }
    let Some(only) = problems.first() else {
        return Ok(());
    };
    let headline = match problems.len() {
        1 => format!(
            "{} '{}' is given more than once; nothing was sent.",
            kind.noun(),
            only.item
        ),
        n => format!(
            "{n} {}s are given more than once; nothing was sent.",
            kind.noun().to_lowercase()
        ),
    };
    let details: Vec<String> = problems
        .iter()
        .map(|p| format!("  {}", p.problem))
        .collect();
    let mut err = CliError::new(crate::error::ErrorCode::ValidationIssue, headline)
        .detail(details.join("\n"))
        .detail("Give each one once.");
    err.problems = problems;
    Err(err)
}

/// [`refuse_duplicates`] for USER arguments: an email in any case, or an id, names one user.
pub fn refuse_duplicate_users(users: &[crate::refs::UserRef]) -> Result<(), CliError> {
    refuse_duplicates(
        ItemKind::User,
        users
            .iter()
            .map(|u| (u.typed(), crate::lookup::user_key(u))),
    )
}

/// One item keeps its own outcome (the original's output, SPEC §13); several make a batch. A
/// single item that was not sent fails with why: the refusal that stopped the batch, the change
/// it needed, or the signal.
fn single_or(batch: Batch) -> Result<Outcome, CliError> {
    if batch.items.len() != 1 {
        return Ok(Outcome::Batch(batch));
    }
    let exit_code = batch.exit_code;
    let cancelled = batch.cancelled;
    match batch.items.into_iter().next().map(|item| item.result) {
        Some(ItemResult::Done(response)) => Ok(Outcome::Response(response.exit_code(exit_code))),
        Some(ItemResult::Failed(error) | ItemResult::Skipped(error)) => Err(error),
        Some(ItemResult::NotStarted(Some(refused))) => Err(refused),
        _ => Err(CliError::new(
            cancelled.unwrap_or(crate::error::ErrorCode::ExecutionCancelled),
            "Interrupted; nothing more was sent.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConnectionRequest;
    use crate::error::ErrorCode;
    use crate::fixtures::block_on;
    use crate::output::views::Deleted;
    use crate::output::Record;
    use crate::ui::{Ui, UiSettings};

    fn context() -> Context {
        let no_client = Err(CliError::new(ErrorCode::Uncaught, "no client in this test"));
        Context::new(
            Ui::new(UiSettings::default()),
            ConnectionRequest::default(),
            no_client,
            clap::Command::default,
        )
    }

    /// Item `i` succeeds when even and fails when odd; the later ones finish first.
    async fn item(i: usize) -> Result<Response, CliError> {
        tokio::time::sleep(std::time::Duration::from_millis(10 * (5 - i as u64))).await;
        if i % 2 == 0 {
            Ok(Response::new(
                format!("item {i}"),
                Deleted { was_deleted: true },
            ))
        } else {
            Err(CliError::new(
                ErrorCode::ServerError,
                format!("item {i} failed"),
            ))
        }
    }

    fn plan(count: usize) -> Vec<Planned<usize>> {
        (0..count)
            .map(|i| Planned::change(format!("u{i}"), Action::Delete, i))
            .collect()
    }

    fn role(name: &str) -> ItemName {
        ItemName::new(ItemKind::Role, name)
    }

    fn statuses(batch: &Batch) -> Vec<&'static str> {
        batch
            .items
            .iter()
            .map(|i| i.result.status().as_str())
            .collect()
    }

    #[test]
    fn results_come_back_in_input_order_whatever_finishes_first() {
        let context = context();
        let mut items = plan(5);
        items[3] = Planned::settled(
            "u3",
            Ok(Response::new("there", Deleted { was_deleted: false }).unchanged()),
        );
        let ticks = std::cell::Cell::new(0);
        let batch = block_on(run(
            &context,
            ItemKind::User,
            Deleted::csv_names(),
            items,
            3,
            item,
            || ticks.set(ticks.get() + 1),
        ));
        assert_eq!(
            statuses(&batch),
            ["done", "failed", "done", "unchanged", "done"]
        );
        let labels: Vec<&str> = batch.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["u0", "u1", "u2", "u3", "u4"]);
        assert_eq!(ticks.get(), 4, "the bar counts changes only");
        assert_eq!(batch.items[0].action, Some(Action::Delete));
        assert!(context.in_batch());
    }

    #[test]
    fn an_item_whose_need_failed_or_was_skipped_is_skipped_with_its_code() {
        let context = context();
        // Items 0 (done) and 1 (fails) are roles; 2 needs 1, 3 needs 0, 4 needs 2 (skipped).
        let items = vec![
            Planned::change("r0", Action::CreateRole, 0).of_kind(ItemKind::Role),
            Planned::change("r1", Action::CreateRole, 1).of_kind(ItemKind::Role),
            Planned::change("u2", Action::Invite, 2).needing(vec![role("r1"), role("nothing")]),
            Planned::change("u3", Action::Invite, 3).needing(vec![role("r0")]),
            Planned::change("u4", Action::Delete, 4)
                .needing(vec![ItemName::new(ItemKind::User, "u2")]),
        ];
        let sent = std::cell::RefCell::new(Vec::new());
        let batch = block_on(run(
            &context,
            ItemKind::User,
            Deleted::csv_names(),
            items,
            4,
            |i| {
                sent.borrow_mut().push(i);
                async move {
                    match i {
                        1 => Err(CliError::new(ErrorCode::RequestRejected, "no")),
                        _ => Ok(Response::new("ok", Deleted { was_deleted: true })),
                    }
                }
            },
            || {},
        ));
        assert_eq!(
            statuses(&batch),
            ["done", "failed", "skipped", "done", "skipped"]
        );
        assert_eq!(*sent.borrow(), [0, 1, 3], "skipped items are never sent");
        let ItemResult::Skipped(why) = &batch.items[2].result else {
            panic!("not skipped")
        };
        assert_eq!(why.code, ErrorCode::RequestRejected);
        assert_eq!(why.headline, "not sent: it needs role 'r1', which failed.");
        let ItemResult::Skipped(why) = &batch.items[4].result else {
            panic!("not skipped")
        };
        assert_eq!(
            why.headline,
            "not sent: it needs user 'u2', which was skipped."
        );
        assert_eq!(batch.items[0].kind, Some(ItemKind::Role));
        assert_eq!(batch.key(), "item", "a batch of users and roles");
    }

    #[test]
    fn a_slow_item_does_not_keep_the_next_from_starting() {
        let context = context();
        let started = std::cell::RefCell::new(Vec::new());
        let one = |i: usize| {
            started.borrow_mut().push(i);
            async move {
                let ms = if i == 0 { 200 } else { 1 };
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                let order = i;
                Ok(Response::new(
                    format!("{order}"),
                    Deleted { was_deleted: true },
                ))
            }
        };
        let finished = std::cell::RefCell::new(Vec::new());
        let batch = block_on(async {
            run(
                &context,
                ItemKind::User,
                Deleted::csv_names(),
                plan(6),
                2,
                |i| {
                    let f = one(i);
                    let finished = &finished;
                    async move {
                        let r = f.await;
                        finished.borrow_mut().push(i);
                        r
                    }
                },
                || {},
            )
            .await
        });
        assert_eq!(statuses(&batch), ["done"; 6]);
        assert_eq!(
            finished.borrow().last(),
            Some(&0),
            "items 1..5 ran through the second slot while item 0 waited"
        );
    }

    #[test]
    fn a_wave_starts_when_the_one_before_it_has_ended() {
        let context = context();
        let order = std::cell::RefCell::new(Vec::new());
        let items = vec![
            Planned::change("gone", Action::Delete, 0),
            Planned::change("new", Action::Invite, 1),
            Planned::change("old-role", Action::DeleteRole, 2),
            Planned::change("role", Action::CreateRole, 3),
            Planned::change("moved", Action::SetRoles, 4),
        ];
        let batch = block_on(run(
            &context,
            ItemKind::User,
            Deleted::csv_names(),
            items,
            8,
            |i| {
                order.borrow_mut().push(i);
                async move { Ok(Response::new(format!("{i}"), Deleted { was_deleted: true })) }
            },
            || {},
        ));
        assert_eq!(
            *order.borrow(),
            [3, 1, 4, 0, 2],
            "roles, users, user deletes, role deletes"
        );
        let labels: Vec<&str> = batch.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(
            labels,
            ["gone", "new", "old-role", "role", "moved"],
            "reported in input order"
        );
    }

    #[test]
    fn after_a_signal_no_item_starts_and_those_started_finish() {
        let context = context();
        let started = std::cell::Cell::new(0);
        let one = |i: usize| {
            started.set(started.get() + 1);
            if i == 1 {
                context.stop(ErrorCode::ExecutionCancelled);
            }
            item(i)
        };
        let batch = block_on(run(
            &context,
            ItemKind::User,
            Deleted::csv_names(),
            plan(5),
            1,
            one,
            || {},
        ));
        assert_eq!(
            statuses(&batch),
            [
                "done",
                "failed",
                "not started",
                "not started",
                "not started"
            ]
        );
        assert_eq!(started.get(), 2);
    }

    #[test]
    fn one_item_gives_its_own_outcome_and_several_a_batch() {
        let context = context();
        let one = block_on(run(
            &context,
            ItemKind::User,
            Deleted::csv_names(),
            plan(1),
            4,
            item,
            || {},
        ));
        assert!(!context.in_batch(), "one item is not a batch");
        assert!(matches!(single_or(one), Ok(Outcome::Response(r)) if r.message == "item 0"));
        let failed = block_on(run(
            &context,
            ItemKind::User,
            Deleted::csv_names(),
            plan(1),
            4,
            |_| item(1),
            || {},
        ));
        assert_eq!(
            single_or(failed).err().map(|e| e.code),
            Some(ErrorCode::ServerError)
        );
        let several = block_on(run(
            &context,
            ItemKind::User,
            Deleted::csv_names(),
            plan(2),
            4,
            item,
            || {},
        ));
        assert!(matches!(single_or(several), Ok(Outcome::Batch(b)) if b.items.len() == 2));
        // One item that was never sent fails with why: the refusal, or the signal.
        let refused = CliError::new(ErrorCode::ServerError, "refused for 120 s");
        let item = BatchItem::new("a", ItemResult::NotStarted(Some(refused)));
        let batch = Batch::new(ItemKind::User, vec![item], Deleted::csv_names());
        assert_eq!(
            single_or(batch).err().map(|e| e.code),
            Some(ErrorCode::ServerError)
        );
        let item = BatchItem::new("a", ItemResult::NotStarted(None));
        let mut batch = Batch::new(ItemKind::User, vec![item], Deleted::csv_names());
        batch.cancelled = Some(ErrorCode::Terminated);
        assert_eq!(
            single_or(batch).err().map(|e| e.code),
            Some(ErrorCode::Terminated)
        );
    }

    #[test]
    fn an_item_given_twice_is_refused_with_every_repeat_named() {
        let key = |typed: &'static str| (typed, typed.to_lowercase());
        assert!(refuse_duplicates(ItemKind::User, [key("a@x.io"), key("b@x.io")]).is_ok());
        let err = refuse_duplicates(
            ItemKind::User,
            [
                key("a@x.io"),
                key("A@x.io"),
                key("b@x.io"),
                key("a@X.io"),
                key("B@x.io"),
            ],
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationIssue);
        assert_eq!(
            err.headline,
            "3 users are given more than once; nothing was sent."
        );
        let items: Vec<&str> = err.problems.iter().map(|p| p.item.as_str()).collect();
        assert_eq!(items, ["A@x.io", "a@X.io", "B@x.io"]);
        assert_eq!(
            err.problems[2].problem,
            "'B@x.io' is the same user as 'b@x.io'"
        );
        let one = refuse_duplicates(ItemKind::Role, [key("Ops"), key("ops")]).unwrap_err();
        assert_eq!(
            one.headline,
            "Role 'ops' is given more than once; nothing was sent."
        );
        assert_eq!(one.details[0], "  'ops' is the same role as 'Ops'");
    }

    #[test]
    fn a_preview_plans_every_change_and_sends_nothing() {
        let mut items = plan(2);
        items.push(Planned::settled(
            "gone",
            Err(CliError::new(ErrorCode::UserNotFound, "no")),
        ));
        let batch = preview(ItemKind::User, Deleted::csv_names(), items, |i| {
            Ok(Response::new(
                format!("would {i}"),
                Deleted { was_deleted: false },
            ))
        });
        assert!(batch.dry_run);
        assert_eq!(statuses(&batch), ["planned", "planned", "failed"]);
        assert_eq!(Deleted::csv_names(), batch.columns);
    }
}
