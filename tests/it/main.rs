//! Black-box tests: the real `astra` binary against real HTTP on loopback (wiremock where an
//! exact reply is needed, the bundled emulator for end-to-end runs). One test binary, so it
//! links once.

mod common;

mod access;
mod access_review;

mod bad_input;

mod config;
mod custom_roles;
mod e2e;
mod errors;
mod faults;
mod help;
mod hints;
mod layout;
mod ops;
mod readme;
mod roles;
mod rotate;
mod security;
mod team_roles;
mod terminal;
mod tls;
mod users;
