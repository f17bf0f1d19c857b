//! `astra user …`

pub mod apply;
pub mod delete;
pub mod export;
pub mod get;
pub mod invite;
pub mod list;
pub mod roles;

use futures::stream::{self, StreamExt};

use crate::commands::Context;
use crate::error::CliError;
use crate::hints::Hint;
use crate::output::{Batch, BatchItem, ItemResult, Outcome, Record, Response};
use crate::refs::UserRef;

fn see_all_users() -> Hint {
    Hint::new("See all existing users:", "astra user list")
}

/// Runs `one(i)` for every user `users[i]`, at most `concurrency` at a time, results in argument
/// order. One user gives that user's own outcome (or error); several give a batch.
async fn for_each_user<R, F, Fut>(
    context: &Context,
    users: &[UserRef],
    concurrency: usize,
    one: F,
) -> Result<Outcome, CliError>
where
    R: Record,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Response, CliError>>,
{
    if users.len() == 1 {
        return one(0).await.map(Outcome::Response);
    }
    let results = run_all(context, users.len(), concurrency, &one, |_| ()).await;
    let items = users
        .iter()
        .zip(results)
        .map(|(user, result)| BatchItem {
            user: user.typed().to_owned(),
            result,
        })
        .collect();
    Ok(Outcome::Batch(Batch::new(items, R::COLUMNS)))
}

/// Runs `one(0)`…`one(count - 1)` with at most `concurrency` in flight, in order. After a
/// signal, items not yet started are not started (SPEC §5); those in flight finish.
async fn run_all<F, Fut>(
    context: &Context,
    count: usize,
    concurrency: usize,
    one: &F,
    on_done: impl Fn(&ItemResult),
) -> Vec<ItemResult>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Response, CliError>>,
{
    context.start_batch();
    stream::iter(0..count)
        .map(|i| async move {
            if context.stopped() {
                return ItemResult::NotStarted;
            }
            ItemResult::from(one(i).await)
        })
        .buffered(concurrency.max(1))
        .inspect(|result| on_done(result))
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConnectionRequest;
    use crate::error::ErrorCode;
    use crate::output::views::Deleted;
    use crate::ui::{Ui, UiSettings};

    fn context() -> Context {
        let no_client = Err(CliError::new(ErrorCode::Uncaught, "no client in this test"));
        Context::new(
            Ui::new(UiSettings::default()),
            ConnectionRequest::default(),
            no_client,
        )
    }

    fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
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

    fn statuses(results: &[ItemResult]) -> Vec<&'static str> {
        results.iter().map(ItemResult::status).collect()
    }

    #[test]
    fn results_come_back_in_argument_order_whatever_finishes_first() {
        let context = context();
        let results = block_on(run_all(&context, 5, 3, &item, |_| ()));
        assert_eq!(
            statuses(&results),
            ["done", "failed", "done", "failed", "done"]
        );
        let ItemResult::Done(third) = &results[2] else {
            panic!("item 2 is done");
        };
        assert_eq!(third.message, "item 2");
        assert!(context.in_batch());
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
        let ticks = std::cell::Cell::new(0);
        let results = block_on(run_all(&context, 5, 1, &one, |_| {
            ticks.set(ticks.get() + 1)
        }));
        assert_eq!(
            statuses(&results),
            [
                "done",
                "failed",
                "not started",
                "not started",
                "not started"
            ]
        );
        assert_eq!(started.get(), 2);
        assert_eq!(ticks.get(), 5, "every item is reported");
    }

    #[test]
    fn one_user_gives_its_own_outcome_and_several_a_batch() {
        let context = context();
        let users = |emails: &[&str]| -> Vec<UserRef> {
            emails
                .iter()
                .map(|e| UserRef::Email((*e).to_owned()))
                .collect()
        };
        let one = block_on(for_each_user::<Deleted, _, _>(
            &context,
            &users(&["a@x.io"]),
            4,
            item,
        ));
        assert!(matches!(one, Ok(Outcome::Response(r)) if r.message == "item 0"));
        let failed = block_on(for_each_user::<Deleted, _, _>(
            &context,
            &users(&["a@x.io"]),
            4,
            |_| item(1),
        ));
        assert_eq!(failed.err().map(|e| e.code), Some(ErrorCode::ServerError));
        let several = block_on(for_each_user::<Deleted, _, _>(
            &context,
            &users(&["a@x.io", "B@x.io"]),
            4,
            item,
        ));
        let Ok(Outcome::Batch(batch)) = several else {
            panic!("several users make a batch");
        };
        let labels: Vec<&str> = batch.items.iter().map(|i| i.user.as_str()).collect();
        assert_eq!(labels, ["a@x.io", "B@x.io"]);
        assert_eq!(batch.columns, Deleted::COLUMNS);
        assert_eq!(
            see_all_users(),
            Hint::new("See all existing users:", "astra user list")
        );
    }
}
