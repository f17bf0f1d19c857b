//! The emulator's state shared by every route: the organization, the request log, the faults,
//! and the one way routes answer an API error. Below the routes (`server`, `access`), so that
//! neither imports the other's internals.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

use crate::faults::Faults;
use crate::model::Org;

/// A call as recorded for `GET /_emulator/requests`; the token is masked.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub authorization: Option<String>,
    /// Milliseconds since the emulator started, when the call arrived.
    pub at_ms: u64,
    /// Refused by `--rate-limit` (answered 429).
    pub rate_limited: bool,
}

pub struct Emulator {
    pub org: Org,
    pub faults: Faults,
    pub requests: Vec<Recorded>,
    pub pinned_token: Option<String>,
    pub state_file: Option<PathBuf>,
    /// DevOps API calls being served now, and the most at once since the last reset.
    pub in_flight: usize,
    pub peak_in_flight: usize,
    /// `--rate-limit`: writes beyond it are refused with 429.
    pub rate_limit: Option<crate::faults::RateLimit>,
    pub started: std::time::Instant,
    /// The users list as last served, until the next change: serializing 50,000 users on every
    /// request would make the emulator, not the network, a benchmark's floor.
    pub users_body: Option<Bytes>,
}

#[derive(Clone)]
pub struct Shared(Arc<Mutex<Emulator>>);

impl Shared {
    pub fn new(emulator: Emulator) -> Self {
        Self(Arc::new(Mutex::new(emulator)))
    }

    pub fn lock(&self) -> MutexGuard<'_, Emulator> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a change: the cached users list is dropped, and the state is saved when
    /// `--state` was given.
    pub fn save(&self) {
        let (file, org) = {
            let mut emulator = self.lock();
            emulator.users_body = None;
            match &emulator.state_file {
                Some(file) => (file.clone(), emulator.org.clone()),
                None => return,
            }
        };
        if let Err(err) = save_state(&file, &org) {
            eprintln!(
                "astra-emulator: cannot save the state to {}: {err}",
                file.display()
            );
        }
    }
}

pub fn save_state(file: &std::path::Path, org: &Org) -> std::io::Result<()> {
    let text = serde_json::to_vec(org).map_err(std::io::Error::other)?;
    let temporary = file.with_extension("tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(temporary, file)
}

pub fn api_error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"errors": [{"ID": status.as_u16(), "message": message.into()}]})),
    )
        .into_response()
}

/// A token of the shape the CLI accepts (`AstraCS:` + 24 + `:` + 64).
pub fn is_well_formed(token: &str) -> bool {
    let parts: Vec<&str> = token.split(':').collect();
    token.len() == 97 && parts.len() == 3 && parts[0] == "AstraCS" && parts[1].len() == 24
}

/// An invitation's or a token's roles: at least one, each one the organization has.
#[allow(clippy::result_large_err)]
pub fn check_roles(org: &Org, roles: &[String]) -> Result<(), Response> {
    if roles.is_empty() {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "at least one role is required",
        ));
    }
    match roles.iter().find(|id| org.role(id).is_none()) {
        Some(unknown) => Err(api_error(
            StatusCode::BAD_REQUEST,
            format!("role {unknown} does not exist"),
        )),
        None => Ok(()),
    }
}
