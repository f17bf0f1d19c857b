//! `astra user …`

pub mod delete;
pub mod get;
pub mod invite;
pub mod list;

use crate::output::Hint;

fn see_all_users() -> Hint {
    Hint::new("See all existing users:", "astra user list")
}
