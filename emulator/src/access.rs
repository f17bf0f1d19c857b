//! Application tokens (`/clientIdSecrets`), custom-role writes, and what each token may do: the
//! tokens the emulator lists are accepted as bearer tokens, with their roles' actions.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::{client_id_of, is_standard_role, AppToken, Org, Policy, Role};
use crate::state::{api_error, Shared};

/// 401 for a token the organization revoked or does not hold as listed, 403 for a listed
/// token whose roles lack the action the call needs.
#[allow(clippy::result_large_err)]
pub fn authorize(
    org: &Org,
    pinned: Option<&str>,
    token: &str,
    method: &Method,
    path: &str,
) -> Result<(), Response> {
    let unauthorized = || {
        api_error(
            StatusCode::UNAUTHORIZED,
            "The token is missing, malformed or not valid for this organization.",
        )
    };
    let client_id = client_id_of(token);
    let listed = org.tokens.iter().find(|t| t.client_id == client_id);
    let known = match (pinned, listed) {
        (_, Some(listed)) => listed.token == token,
        (Some(pinned), None) => token == pinned,
        (None, None) => crate::state::is_well_formed(token),
    };
    if !known || org.revoked.iter().any(|id| id == client_id) {
        return Err(unauthorized());
    }
    let (Some(actions), Some(needed)) = (org.actions_of(token), needed_action(method, path)) else {
        return Ok(());
    };
    if actions.contains(&needed) {
        return Ok(());
    }
    Err(api_error(
        StatusCode::FORBIDDEN,
        format!("The token's roles do not allow '{needed}'"),
    ))
}

/// The action a DevOps API call needs (the `org-*` codes of the published `PolicyAction`).
fn needed_action(method: &Method, path: &str) -> Option<&'static str> {
    let read = method == Method::GET;
    let path = path.strip_prefix("/v2/")?;
    Some(if path.starts_with("organizations/users") {
        if read {
            "org-user-read"
        } else {
            "org-user-write"
        }
    } else if path.starts_with("organizations/roles") {
        match *method {
            Method::GET => "org-role-read",
            Method::DELETE => "org-role-delete",
            _ => "org-role-write",
        }
    } else if path.starts_with("clientIdSecrets") {
        if read {
            "org-token-read"
        } else {
            "org-token-write"
        }
    } else {
        return None;
    })
}

/// `GET /clientIdSecrets`: one object (not an array), as the live service answers.
pub async fn list_tokens(State(shared): State<Shared>) -> Response {
    let emulator = shared.lock();
    let clients: Vec<Value> = emulator.org.tokens.iter().map(token_out).collect();
    Json(json!({ "clients": clients })).into_response()
}

fn token_out(token: &AppToken) -> Value {
    let mut out = json!({
        "clientId": token.client_id,
        "roles": token.roles,
        "generatedOn": token.generated_on,
    });
    if let Some(description) = &token.description {
        out["description"] = json!(description);
    }
    if let Some(expiry) = &token.token_expiry {
        out["tokenExpiry"] = json!(expiry);
    }
    out
}

#[derive(Deserialize)]
struct CreateToken {
    roles: Vec<String>,
    description: Option<String>,
    #[serde(rename = "tokenExpiry")]
    token_expiry: Option<String>,
    #[serde(rename = "orgId")]
    org_id: Option<String>,
}

/// `POST /clientIdSecrets`: a new client id, secret and token, shown this once.
pub async fn create_token(State(shared): State<Shared>, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<CreateToken>(&body) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "the body must be {\"roles\": [ids], …}",
        );
    };
    let created = {
        let mut emulator = shared.lock();
        let org = &mut emulator.org;
        if body.org_id.as_ref().is_some_and(|id| *id != org.id) {
            return api_error(
                StatusCode::BAD_REQUEST,
                "orgId does not match the token's organization",
            );
        }
        if let Err(response) = crate::state::check_roles(org, &body.roles) {
            return response;
        }
        let client_id = letters(24);
        let hex: String = (0..64)
            .map(|_| char::from(b"0123456789abcdef"[fastrand::usize(..16)]))
            .collect();
        let token = AppToken {
            token: format!("AstraCS:{client_id}:{hex}"),
            client_id,
            roles: body.roles,
            generated_on: now(),
            description: body.description.filter(|d| !d.trim().is_empty()),
            token_expiry: body.token_expiry,
        };
        org.tokens.push(token.clone());
        json!({
            "clientId": token.client_id,
            "orgId": org.id,
            "secret": format!("{}.{}-{}", letters(12), letters(8), letters(8)),
            "token": token.token,
            "generatedOn": token.generated_on,
            "roles": token.roles,
        })
    };
    shared.save();
    (StatusCode::OK, Json(created)).into_response()
}

/// `DELETE /clientIdSecrets/{clientId}`: the id as listed; the token is refused from then on.
pub async fn delete_token(State(shared): State<Shared>, Path(client_id): Path<String>) -> Response {
    {
        let mut emulator = shared.lock();
        let org = &mut emulator.org;
        let Some(index) = org.tokens.iter().position(|t| t.client_id == client_id) else {
            return api_error(
                StatusCode::NOT_FOUND,
                format!("client {client_id} not found"),
            );
        };
        org.tokens.remove(index);
        org.revoked.push(client_id);
    }
    shared.save();
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct RoleBody {
    name: String,
    policy: Policy,
}

/// Checks a role body as the service does: a name, `allow`, actions, and DRNs of this org.
#[allow(clippy::result_large_err)]
fn role_body(org: &Org, bytes: &[u8]) -> Result<RoleBody, Response> {
    let bad = |message: String| Err(api_error(StatusCode::BAD_REQUEST, message));
    let Ok(body) = serde_json::from_slice::<RoleBody>(bytes) else {
        return bad("the body must be {\"name\", \"policy\": {\"description\", \"effect\", \"resources\", \"actions\"}}".to_owned());
    };
    if body.name.trim().is_empty() {
        return bad("the role needs a name".to_owned());
    }
    if body.policy.effect != "allow" {
        return bad(format!("effect '{}' is not supported", body.policy.effect));
    }
    if body.policy.actions.is_empty() || body.policy.resources.is_empty() {
        return bad("a policy needs at least one action and one resource".to_owned());
    }
    let prefix = format!("drn:astra:org:{}", org.id);
    if let Some(resource) = body
        .policy
        .resources
        .iter()
        .find(|r| *r != &prefix && !r.starts_with(&format!("{prefix}:")))
    {
        return bad(format!("resource '{resource}' is not in this organization"));
    }
    Ok(body)
}

fn name_taken(org: &Org, name: &str, except: Option<&str>) -> Option<Response> {
    org.roles
        .iter()
        .any(|r| r.name.eq_ignore_ascii_case(name) && Some(r.id.as_str()) != except)
        .then(|| {
            api_error(
                StatusCode::CONFLICT,
                format!("a role named '{name}' already exists"),
            )
        })
}

/// `POST /organizations/roles`: 201 with the role, in the PascalCase the live service sends.
pub async fn create_role(State(shared): State<Shared>, bytes: Bytes) -> Response {
    let created = {
        let mut emulator = shared.lock();
        let org = &mut emulator.org;
        let body = match role_body(org, &bytes) {
            Ok(body) => body,
            Err(response) => return response,
        };
        if let Some(conflict) = name_taken(org, &body.name, None) {
            return conflict;
        }
        let role = Role {
            id: uuid::Uuid::new_v4().to_string(),
            name: body.name,
            policy: body.policy,
            last_update_date_time: now(),
            last_update_user_id: crate::model::seeded_user_id(0),
        };
        org.roles.push(role.clone());
        json!({
            "OrgID": org.id,
            "ID": role.id,
            "Name": role.name,
            "Policy": role.policy,
            "LastUpdateDateTime": role.last_update_date_time,
            "LastUpdateUserID": role.last_update_user_id,
        })
    };
    shared.save();
    (StatusCode::CREATED, Json(created)).into_response()
}

/// The custom role `id`, or the response refusing to touch it.
#[allow(clippy::result_large_err)]
fn custom_role<'a>(org: &'a mut Org, id: &str) -> Result<&'a mut Role, Response> {
    let Some(role) = org.roles.iter_mut().find(|r| r.id.eq_ignore_ascii_case(id)) else {
        return Err(api_error(
            StatusCode::NOT_FOUND,
            format!("role {id} not found"),
        ));
    };
    if is_standard_role(&role.name) {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            format!("'{}' is a standard role and cannot be changed", role.name),
        ));
    }
    Ok(role)
}

/// `PUT /organizations/roles/{id}`: the whole new name and policy; 200 without a body.
pub async fn update_role(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    {
        let mut emulator = shared.lock();
        let org = &mut emulator.org;
        let body = match role_body(org, &bytes) {
            Ok(body) => body,
            Err(response) => return response,
        };
        if let Some(conflict) = name_taken(org, &body.name, Some(&id)) {
            return conflict;
        }
        let role = match custom_role(org, &id) {
            Ok(role) => role,
            Err(response) => return response,
        };
        role.name = body.name;
        role.policy = body.policy;
        role.last_update_date_time = now();
    }
    shared.save();
    StatusCode::OK.into_response()
}

/// `DELETE /organizations/roles/{id}`: 204; the users who held it lose it.
pub async fn delete_role(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    {
        let mut emulator = shared.lock();
        let org = &mut emulator.org;
        let role_id = match custom_role(org, &id) {
            Ok(role) => role.id.clone(),
            Err(response) => return response,
        };
        org.roles.retain(|r| r.id != role_id);
        for user in &mut org.users {
            user.role_ids.retain(|r| *r != role_id);
        }
    }
    shared.save();
    StatusCode::NO_CONTENT.into_response()
}

fn letters(n: usize) -> String {
    (0..n).map(|_| fastrand::alphabetic()).collect()
}

/// Now, as the service writes instants: `2025-09-02T19:18:10.799Z`.
fn now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let (secs, millis) = (now.as_secs() as i64, now.subsec_millis());
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
