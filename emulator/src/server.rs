//! The HTTP side: the DevOps API routes under `/v2`, the control API under `/_emulator/`, and one
//! middleware that records each call, adds latency, injects faults and checks the token.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::access;
use crate::faults::{Action, FaultRule};
use crate::model::{Org, User};
use crate::state::{api_error, check_roles, Recorded, Shared};

/// Counts a call in flight for as long as it lives.
struct InFlight(Shared);

impl InFlight {
    fn enter(shared: &Shared) -> Self {
        let mut emulator = shared.lock();
        emulator.in_flight += 1;
        emulator.peak_in_flight = emulator.peak_in_flight.max(emulator.in_flight);
        Self(shared.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.lock().in_flight -= 1;
    }
}

pub fn router(shared: Shared) -> Router {
    let api = Router::new()
        .route("/v2/organizations/users", get(list_users).put(invite))
        .route(
            "/v2/organizations/users/{id}",
            get(get_user).delete(delete_user),
        )
        .route("/v2/organizations/users/{id}/roles", put(set_roles))
        .route(
            "/v2/organizations/roles",
            get(list_roles).post(access::create_role),
        )
        .route(
            "/v2/organizations/roles/{id}",
            get(get_role)
                .put(access::update_role)
                .delete(access::delete_role),
        )
        .route(
            "/v2/clientIdSecrets",
            get(access::list_tokens).post(access::create_token),
        )
        .route(
            "/v2/clientIdSecrets/{id}",
            axum::routing::delete(access::delete_token),
        )
        .route("/v2/currentOrg", get(current_org))
        .route("/_emulator/requests", get(requests).delete(clear_requests))
        .route(
            "/_emulator/faults",
            axum::routing::post(add_fault).delete(clear_faults),
        )
        .route("/_emulator/latency", put(set_latency))
        .route("/_emulator/state", get(state))
        .route(
            "/_emulator/concurrency",
            get(concurrency).delete(reset_concurrency),
        )
        .fallback(not_found);
    api.layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

async fn not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, "no such endpoint")
}

/// Records, delays, injects faults and authenticates every DevOps API call.
async fn gate(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 20).await else {
        return api_error(StatusCode::BAD_REQUEST, "cannot read the request body");
    };
    let path = parts.uri.path().to_owned();
    if path.starts_with("/_emulator/") {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    let _in_flight = InFlight::enter(&shared);
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (delay, action, authorized, refused) = {
        let mut emulator = shared.lock();
        let write = parts.method != axum::http::Method::GET;
        let refused = match &mut emulator.rate_limit {
            Some(limit) if write => limit.take().err(),
            _ => None,
        };
        let at_ms = emulator.started.elapsed().as_millis() as u64;
        emulator.requests.push(Recorded {
            method: parts.method.to_string(),
            path: path.clone(),
            body: body_value(&bytes),
            authorization: authorization.as_deref().map(mask_authorization),
            at_ms,
            rate_limited: refused.is_some(),
        });
        let token = authorization
            .as_deref()
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let authorized = access::authorize(
            &emulator.org,
            emulator.pinned_token.as_deref(),
            token,
            &parts.method,
            &path,
        );
        (
            emulator.faults.delay(),
            emulator.faults.take(parts.method.as_str(), &path),
            authorized,
            refused,
        )
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    if let Some(seconds) = refused {
        let mut response = api_error(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded");
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, seconds.into());
        return response;
    }
    if let Some(action) = action {
        return inject(action).await;
    }
    if let Err(refusal) = authorized {
        return refusal;
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

async fn inject(action: Action) -> Response {
    match action {
        Action::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = api_error(status, format!("injected failure: {status}"));
            if let Some(value) = retry_after.and_then(|v| v.parse().ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Action::NonJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body>Service temporarily unavailable</body></html>",
        )
            .into_response(),
        Action::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Action::Drop => {
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by the emulator",
                ))
            });
            (StatusCode::OK, Body::from_stream(failing)).into_response()
        }
    }
}

fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// SPEC §3.2: `AstraCS:`, 97 characters, three parts with a 24-character middle.
fn mask_authorization(value: &str) -> String {
    let token = value.strip_prefix("Bearer ").unwrap_or(value);
    let masked = match token.strip_prefix("AstraCS:") {
        Some(body) if body.len() >= 12 => {
            format!("AstraCS:{}****{}", &body[..4], &body[body.len() - 4..])
        }
        _ => "****".to_owned(),
    };
    format!("Bearer {masked}")
}

#[derive(Serialize)]
struct UserOut<'a> {
    #[serde(rename = "UserID")]
    id: &'a str,
    #[serde(rename = "Email")]
    email: &'a str,
    #[serde(rename = "Status")]
    status: &'a str,
    #[serde(rename = "Roles")]
    roles: Vec<RoleRefOut<'a>>,
}

#[derive(Serialize)]
struct RoleRefOut<'a> {
    #[serde(rename = "ID")]
    id: &'a str,
    #[serde(rename = "Name")]
    name: &'a str,
}

fn user_out<'a>(user: &'a User, names: &HashMap<&'a str, &'a str>) -> UserOut<'a> {
    UserOut {
        id: &user.id,
        email: &user.email,
        status: &user.status,
        roles: user
            .role_ids
            .iter()
            .map(|id| RoleRefOut {
                id,
                name: names.get(id.as_str()).copied().unwrap_or(""),
            })
            .collect(),
    }
}

fn role_names(org: &Org) -> HashMap<&str, &str> {
    org.roles
        .iter()
        .map(|role| (role.id.as_str(), role.name.as_str()))
        .collect()
}

fn json_response(body: impl Into<Body>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Into::<Body>::into(body),
    )
        .into_response()
}

async fn list_users(State(shared): State<Shared>) -> Response {
    let mut emulator = shared.lock();
    if let Some(body) = &emulator.users_body {
        return json_response(body.clone());
    }
    let org = &emulator.org;
    let names = role_names(org);
    let users: Vec<UserOut> = org
        .users
        .iter()
        .map(|user| user_out(user, &names))
        .collect();
    let body = serde_json::to_vec(&json!({"OrgID": org.id, "OrgName": org.name, "Users": users}))
        .unwrap_or_default();
    let body = Bytes::from(body);
    emulator.users_body = Some(body.clone());
    json_response(body)
}

async fn get_user(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let emulator = shared.lock();
    let org = &emulator.org;
    match org
        .users
        .iter()
        .find(|user| user.id.eq_ignore_ascii_case(&id))
    {
        Some(user) => {
            json_response(serde_json::to_vec(&user_out(user, &role_names(org))).unwrap_or_default())
        }
        None => api_error(StatusCode::NOT_FOUND, format!("user {id} not found")),
    }
}

#[derive(Deserialize)]
struct InviteBody {
    email: String,
    #[serde(rename = "orgID")]
    org_id: String,
    roles: Vec<String>,
}

async fn invite(State(shared): State<Shared>, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<InviteBody>(&body) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "the body must be {\"email\", \"orgID\", \"roles\"}",
        );
    };
    {
        let mut emulator = shared.lock();
        if let Err(response) = check_invitation(&emulator.org, &body) {
            return response;
        }
        let org = &mut emulator.org;
        match org
            .users
            .iter_mut()
            .find(|user| user.email.eq_ignore_ascii_case(&body.email))
        {
            // The real API resends the invitation with the new details.
            Some(user) => user.role_ids = body.roles,
            None => org.users.push(User {
                id: uuid::Uuid::new_v4().to_string(),
                email: body.email,
                status: "invited".to_owned(),
                role_ids: body.roles,
            }),
        }
    }
    shared.save();
    StatusCode::OK.into_response()
}

#[allow(clippy::result_large_err)]
fn check_invitation(org: &Org, body: &InviteBody) -> Result<(), Response> {
    if body.org_id != org.id {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            format!(
                "orgID {} does not match the token's organization",
                body.org_id
            ),
        ));
    }
    let valid_email = body
        .email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !valid_email {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            format!("'{}' is not a valid email address", body.email),
        ));
    }
    check_roles(org, &body.roles)
}

async fn delete_user(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let removed = {
        let mut emulator = shared.lock();
        let users = &mut emulator.org.users;
        users
            .iter()
            .position(|user| user.id.eq_ignore_ascii_case(&id))
            .map(|index| users.remove(index))
    };
    match removed {
        Some(_) => {
            shared.save();
            StatusCode::NO_CONTENT.into_response()
        }
        None => api_error(StatusCode::NOT_FOUND, format!("user {id} not found")),
    }
}

#[derive(Deserialize)]
struct RolesBody {
    roles: Vec<String>,
}

async fn set_roles(State(shared): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<RolesBody>(&body) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "the body must be {\"roles\": [ids]}",
        );
    };
    {
        let mut emulator = shared.lock();
        if let Err(response) = check_roles(&emulator.org, &body.roles) {
            return response;
        }
        match emulator
            .org
            .users
            .iter_mut()
            .find(|user| user.id.eq_ignore_ascii_case(&id))
        {
            Some(user) => user.role_ids = body.roles,
            None => return api_error(StatusCode::NOT_FOUND, format!("user {id} not found")),
        }
    }
    shared.save();
    StatusCode::NO_CONTENT.into_response()
}

async fn list_roles(State(shared): State<Shared>) -> Response {
    json_response(serde_json::to_vec(&shared.lock().org.roles).unwrap_or_default())
}

async fn get_role(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let emulator = shared.lock();
    match emulator.org.role(&id) {
        Some(role) => json_response(serde_json::to_vec(role).unwrap_or_default()),
        None => api_error(StatusCode::NOT_FOUND, format!("role {id} not found")),
    }
}

async fn current_org(State(shared): State<Shared>) -> Response {
    let emulator = shared.lock();
    Json(json!({"id": emulator.org.id, "name": emulator.org.name})).into_response()
}

async fn requests(State(shared): State<Shared>) -> Response {
    Json(shared.lock().requests.clone()).into_response()
}

async fn clear_requests(State(shared): State<Shared>) -> StatusCode {
    shared.lock().requests.clear();
    StatusCode::NO_CONTENT
}

async fn add_fault(State(shared): State<Shared>, Json(rule): Json<FaultRule>) -> Response {
    if let Err(reason) = rule.to_action() {
        return api_error(StatusCode::BAD_REQUEST, reason);
    }
    shared.lock().faults.add(rule);
    StatusCode::CREATED.into_response()
}

/// `GET /_emulator/concurrency`: `{"current", "peak"}` calls in flight.
async fn concurrency(State(shared): State<Shared>) -> Response {
    let emulator = shared.lock();
    Json(serde_json::json!({"current": emulator.in_flight, "peak": emulator.peak_in_flight}))
        .into_response()
}

async fn reset_concurrency(State(shared): State<Shared>) -> StatusCode {
    let mut emulator = shared.lock();
    emulator.peak_in_flight = emulator.in_flight;
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(shared): State<Shared>) -> StatusCode {
    let mut emulator = shared.lock();
    emulator.faults.clear();
    emulator.faults.latency = None;
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Latency {
    #[serde(rename = "minMs")]
    min_ms: u64,
    #[serde(rename = "maxMs")]
    max_ms: Option<u64>,
}

async fn set_latency(State(shared): State<Shared>, Json(latency): Json<Latency>) -> StatusCode {
    shared.lock().faults.latency = Some((latency.min_ms, latency.max_ms.unwrap_or(latency.min_ms)));
    StatusCode::NO_CONTENT
}

async fn state(State(shared): State<Shared>) -> Response {
    Json(shared.lock().org.clone()).into_response()
}
