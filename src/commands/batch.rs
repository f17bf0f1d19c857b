//! The one pipeline of every command that changes several items (SPEC §13): the command plans
//! its items (each a label, an action and what it already knows), then [`run`] starts them with
//! at most N in flight, never waiting on a slow one to start the next (`buffer_unordered`), and
//! puts the results back in input order; the renderer reports each item and one summary.

use futures::stream::{self, StreamExt};

use crate::commands::Context;
use crate::error::CliError;
pub use crate::output::Action as Change;
use crate::output::{
    Action, AnyRecord, Batch, BatchItem, ItemKind, ItemResult, Outcome, Response, Wave,
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

/// One item of a plan: what it is called, the change it needs, and its outcome when the plan
/// already knows it (an unchanged row, a user that does not exist).
pub struct Planned {
    pub label: String,
    pub action: Option<Action>,
    pub record: Option<Box<dyn AnyRecord>>,
    /// `Some` when nothing needs sending for this item.
    pub settled: Option<Result<Response, CliError>>,
    /// The wave of SPEC §13.1: a wave starts when the one before it has ended.
    pub wave: Wave,
    /// The item's kind when it is not the batch's (a role in a team file of users).
    pub kind: Option<ItemKind>,
    /// Items of earlier waves this one needs: if one of them fails, this one is skipped.
    pub needs: Vec<usize>,
}

impl Planned {
    pub fn change(label: impl Into<String>, action: Action) -> Self {
        Self {
            label: label.into(),
            action: Some(action),
            record: None,
            settled: None,
            wave: action.wave(),
            kind: None,
            needs: Vec::new(),
        }
    }

    pub fn settled(label: impl Into<String>, outcome: Result<Response, CliError>) -> Self {
        Self {
            label: label.into(),
            action: None,
            record: None,
            settled: Some(outcome),
            wave: Wave::Users,
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
    pub fn needing(mut self, items: Vec<usize>) -> Self {
        self.needs = items;
        self
    }

    /// Whether the item needs a request.
    pub fn is_change(&self) -> bool {
        self.settled.is_none()
    }

    /// The item as reported: its settled outcome, else what `sent()` says became of its change.
    fn into_item(self, sent: impl FnOnce() -> ItemResult) -> BatchItem {
        let result = match self.settled {
            Some(outcome) => ItemResult::from(outcome),
            None => sent(),
        };
        BatchItem {
            label: self.label,
            action: self.action,
            planned: self.record,
            result,
            kind: self.kind,
        }
    }
}

/// Runs `send(i)` for every item that needs a request, at most `concurrency` in flight, and
/// returns the batch in input order. After a signal no new item starts (SPEC §5); those in
/// flight finish. `on_change` is told of every change that ended (the progress bar).
async fn run<F, Fut>(
    context: &Context,
    kind: ItemKind,
    columns: &'static [&'static str],
    plan: Vec<Planned>,
    concurrency: usize,
    send: F,
    on_change: impl Fn(),
) -> Batch
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Response, CliError>>,
{
    if plan.len() > 1 {
        context.start_batch();
    }
    context.set_concurrency(concurrency);
    let send = &send;
    let on_change = &on_change;
    let mut results: Vec<Option<ItemResult>> = (0..plan.len()).map(|_| None).collect();
    for wave in Wave::ALL {
        let changes: Vec<(usize, Option<CliError>)> = (0..plan.len())
            .filter(|&i| plan[i].is_change() && plan[i].wave == wave)
            .map(|i| (i, unmet_need(&plan, &results, i, kind)))
            .collect();
        let ended: Vec<(usize, ItemResult)> = stream::iter(changes)
            .map(|(i, unmet)| async move {
                if let Some(why) = unmet {
                    return (i, ItemResult::Skipped(why));
                }
                if context.stopped() {
                    return (i, ItemResult::NotStarted(None));
                }
                if let Some(refused) = context.refused_for_good() {
                    return (i, ItemResult::NotStarted(Some(refused)));
                }
                let result = ItemResult::from(send(i).await);
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
    let items = plan
        .into_iter()
        .zip(results)
        .map(|(planned, sent)| planned.into_item(|| sent.unwrap_or(ItemResult::NotStarted(None))))
        .collect();
    Batch::new(kind, items, columns)
}

/// Why item `i` cannot be sent: the first item it needs that failed or was skipped.
fn unmet_need(
    plan: &[Planned],
    results: &[Option<ItemResult>],
    i: usize,
    kind: ItemKind,
) -> Option<CliError> {
    plan[i].needs.iter().find_map(|&need| {
        let (code, what) = match results.get(need)? {
            Some(ItemResult::Failed(err)) => (err.code, "failed"),
            Some(ItemResult::Skipped(err)) => (err.code, "was skipped"),
            _ => return None,
        };
        let noun = plan[need].kind.unwrap_or(kind).noun().to_lowercase();
        Some(CliError::new(
            code,
            format!(
                "not sent: it needs {noun} '{}', which {what}.",
                plan[need].label
            ),
        ))
    })
}

/// The same plan as a dry run: every change `planned` with `preview(i)`'s message, nothing sent.
fn preview(
    kind: ItemKind,
    columns: &'static [&'static str],
    plan: Vec<Planned>,
    preview: impl Fn(usize) -> Result<Response, CliError>,
) -> Batch {
    let items = plan
        .into_iter()
        .enumerate()
        .map(|(i, planned)| {
            planned.into_item(|| ItemResult::from(preview(i).map(Response::planned)))
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

/// The one way a batch command runs its plan: a preview under `--dry-run` (`preview(i)` says
/// what item `i` would do; nothing is sent), else `send(i)` for each change; `--exit-code`
/// marked; `on_change` told of each change that ended (a progress bar).
#[allow(clippy::too_many_arguments)]
pub async fn execute<F, Fut>(
    context: &Context,
    args: &BatchArgs,
    kind: ItemKind,
    columns: &'static [&'static str],
    plan: Vec<Planned>,
    preview: impl Fn(usize) -> Result<Response, CliError>,
    send: F,
    on_change: impl Fn(),
) -> Batch
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Response, CliError>>,
{
    let batch = if args.dry_run {
        self::preview(kind, columns, plan, preview)
    } else {
        run(
            context,
            kind,
            columns,
            plan,
            args.concurrency,
            send,
            on_change,
        )
        .await
    };
    batch.exit_code(args.exit_code)
}

/// One item keeps its own outcome (the original's output, SPEC §13); several make a batch. A
/// single item that was not sent fails with why: the refusal that stopped the batch, the change
/// it needed, or the signal.
pub fn single_or(batch: Batch) -> Result<Outcome, CliError> {
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

    fn plan(count: usize) -> Vec<Planned> {
        (0..count)
            .map(|i| Planned::change(format!("u{i}"), Action::Delete))
            .collect()
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
            Deleted::COLUMNS,
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
            Planned::change("r0", Action::CreateRole).of_kind(ItemKind::Role),
            Planned::change("r1", Action::CreateRole).of_kind(ItemKind::Role),
            Planned::change("u2", Action::Invite).needing(vec![1]),
            Planned::change("u3", Action::Invite).needing(vec![0]),
            Planned::change("u4", Action::Delete).needing(vec![2]),
        ];
        let sent = std::cell::RefCell::new(Vec::new());
        let batch = block_on(run(
            &context,
            ItemKind::User,
            Deleted::COLUMNS,
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
                Deleted::COLUMNS,
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
            Planned::change("gone", Action::Delete),
            Planned::change("new", Action::Invite),
            Planned::change("old-role", Action::DeleteRole),
            Planned::change("role", Action::CreateRole),
            Planned::change("moved", Action::SetRoles),
        ];
        let batch = block_on(run(
            &context,
            ItemKind::User,
            Deleted::COLUMNS,
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
            Deleted::COLUMNS,
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
            Deleted::COLUMNS,
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
            Deleted::COLUMNS,
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
            Deleted::COLUMNS,
            plan(2),
            4,
            item,
            || {},
        ));
        assert!(matches!(single_or(several), Ok(Outcome::Batch(b)) if b.items.len() == 2));
        // One item that was never sent fails with why: the refusal, or the signal.
        let refused = CliError::new(ErrorCode::ServerError, "refused for 120 s");
        let item = BatchItem::new("a", ItemResult::NotStarted(Some(refused)));
        let batch = Batch::new(ItemKind::User, vec![item], Deleted::COLUMNS);
        assert_eq!(
            single_or(batch).err().map(|e| e.code),
            Some(ErrorCode::ServerError)
        );
        let item = BatchItem::new("a", ItemResult::NotStarted(None));
        let mut batch = Batch::new(ItemKind::User, vec![item], Deleted::COLUMNS);
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
        let batch = preview(ItemKind::User, Deleted::COLUMNS, items, |i| {
            Ok(Response::new(
                format!("would {i}"),
                Deleted { was_deleted: false },
            ))
        });
        assert!(batch.dry_run);
        assert_eq!(statuses(&batch), ["planned", "planned", "failed"]);
        assert_eq!(Deleted::COLUMNS, batch.columns);
    }
}
