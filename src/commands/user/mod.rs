//! `astra user …`

pub mod delete;
pub mod get;
pub mod invite;
pub mod list;

use futures::stream::{self, StreamExt};

use crate::error::CliError;
use crate::hints::Hint;
use crate::output::{Batch, BatchItem, Outcome, Record, Response};
use crate::refs::UserRef;

/// Requests in flight at most for a command over several users (SPEC §7.3).
const CONCURRENCY: usize = 8;

fn see_all_users() -> Hint {
    Hint::new("See all existing users:", "astra user list")
}

/// Runs `one(i)` for every user `users[i]`, at most [`CONCURRENCY`] at a time, results in
/// argument order. One user gives that user's own outcome (or error); several give a batch.
async fn for_each_user<R, F, Fut>(users: &[UserRef], one: F) -> Result<Outcome, CliError>
where
    R: Record,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Response, CliError>>,
{
    if users.len() == 1 {
        return one(0).await.map(Outcome::Response);
    }
    let results: Vec<Result<Response, CliError>> = stream::iter((0..users.len()).map(&one))
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let items = users
        .iter()
        .zip(results)
        .map(|(user, result)| BatchItem {
            user: user.typed().to_owned(),
            result,
        })
        .collect();
    Ok(Outcome::Batch(Batch {
        items,
        columns: R::COLUMNS,
    }))
}
