//! `astra role …`

pub mod get;
pub mod list;
