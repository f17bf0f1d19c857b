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
