//! `astra user …`

pub mod apply;
pub mod delete;
pub mod export;
pub mod get;
pub mod invite;
pub mod list;
pub mod roles;

use crate::hints::Hint;

fn see_all_users() -> Hint {
    Hint::new("See all existing users:", "astra user list")
}
