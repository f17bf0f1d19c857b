//! `astra token create [-r ROLES]… [-d DESC] [-x EXPIRY] [--org ORG] [--save-profile NAME]`:
//! every input checked first (expiry, profile name, roles), then one `POST /clientIdSecrets`,
//! never retried once sent. The new token is shown once on stdout, or saved as a profile and
//! shown masked.

use super::{parse_expiry, profile_file};
use crate::api::models::{NewToken, Role};
use crate::api::ApiError;
use crate::commands::pickers::{name_roles_with_flag, pick_roles};
use crate::commands::Context;
use crate::config::store::{check_free, check_profile_name, save_profile};
use crate::error::{CliError, ErrorCode};
use crate::lookup::resolve_roles;
use crate::output::columns::{self, one, Column};
use crate::output::views::Vertical;
use crate::output::Outcome;
use crate::output::{json, CsvTable, Table, ValueView};
use crate::refs::{canonical_uuid, parse_role_refs, RoleRef};
use serde::Serialize;

/// Create an application token
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n# A token for CI that expires\n$ astra token create -r 'R/W User' -d 'CI pipeline' -x 2027-01-01T00:00:00Z\n# Keep it as a profile instead of printing it\n$ astra token create -r 'RO User' --save-profile reader"
)]
pub struct TokenCreateArgs {
    /// Roles of the new token (repeatable, comma-separated; asked for on a terminal)
    #[arg(short = 'r', long = "role", visible_alias = "roles", value_name = "ROLE[,ROLE...]", value_parser = parse_role_refs, add = clap_complete::ArgValueCompleter::new(crate::completion::roles))]
    roles: Vec<Vec<RoleRef>>,
    /// What the token is for
    #[arg(short = 'd', long, value_name = "DESC")]
    description: Option<String>,
    /// When the token expires: an RFC 3339 instant in the future (2027-01-01T00:00:00Z)
    #[arg(short = 'x', long, value_name = "EXPIRY")]
    expiry: Option<String>,
    /// The organization to create it in (default: the token's own)
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
    /// Save the new token as this profile of .astrarc instead of printing it
    #[arg(long, value_name = "NAME")]
    save_profile: Option<String>,
    /// Replace the profile of --save-profile if it exists
    #[arg(long, requires = "save_profile")]
    overwrite: bool,
}

pub async fn run(context: &Context, args: &TokenCreateArgs) -> Result<Outcome, CliError> {
    if let Some(name) = &args.save_profile {
        check_profile_name(name)?;
    }
    let expiry = args.expiry.as_deref().map(parse_expiry).transpose()?;
    if let Some(org) = args
        .org
        .as_deref()
        .filter(|org| canonical_uuid(org).is_none())
    {
        return Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("'{org}' is not an organization id (a UUID); nothing was sent."),
        )
        .hint("See the organization's id:", "astra org id"));
    }
    let credential = context.credential()?;
    let profile_file = match &args.save_profile {
        Some(name) => {
            let path = profile_file(&credential)?;
            check_free(&path, name, args.overwrite)?;
            Some(path)
        }
        None => None,
    };
    let client = context.client()?;
    context.ui.step("Loading roles…");
    let roles = client.list_roles().await?;
    let chosen = chosen_roles(context, args, &roles)?;
    let body = NewToken {
        roles: chosen.iter().map(|role| role.id.as_str()).collect(),
        description: args.description.as_deref().filter(|d| !d.trim().is_empty()),
        token_expiry: expiry,
        org_id: args.org.as_deref(),
    };
    context.ui.step("Creating the token…");
    let created = client.create_token(&body).await.map_err(maybe_created)?;
    let (Some(name), Some(path)) = (&args.save_profile, profile_file) else {
        context
            .ui
            .notice("Store the token now: it cannot be shown again.");
        return Ok(Outcome::value(CreatedTokenView { created }));
    };
    let token = crate::config::Token::parse(&created.token)?;
    let target = (credential.env, credential.base_url.to_owned());
    save_profile(&path, name, &token, (target.0, &target.1), args.overwrite)?;
    let saved = SavedToken {
        client_id: created.client_id,
        token: token.masked(),
        profile: name.clone(),
    };
    Ok(Outcome::value(Vertical::new(
        saved,
        SAVED_TOKEN_FIELDS,
        json::value_envelope::<SavedToken>,
    )))
}

/// `-r`'s roles, every unknown one named at once; else the picker; never a silent default.
fn chosen_roles<'a>(
    context: &Context,
    args: &TokenCreateArgs,
    roles: &'a [Role],
) -> Result<Vec<&'a Role>, CliError> {
    let refs: Vec<RoleRef> = args.roles.iter().flatten().cloned().collect();
    if !refs.is_empty() {
        return resolve_roles(roles, &refs);
    }
    if context.ui.can_prompt() {
        return pick_roles(context, roles, None);
    }
    Err(CliError::new(
        ErrorCode::ValidationIssue,
        "No role given for the new token; nothing was sent.",
    )
    .detail("A token has only the roles it is created with: name them.")
    .fix("Pass the roles with -r:", name_roles_with_flag()))
}

/// A create whose answer never came, or was a 5xx, may have happened: say how to check.
fn maybe_created(err: ApiError) -> CliError {
    crate::error::maybe_created(err, "The token", "astra token list".to_owned())
}

/// `token create`: the new token, shown this once; JSON `data` is the answer as sent.
pub struct CreatedTokenView {
    pub created: crate::api::models::CreatedToken,
}

impl ValueView for CreatedTokenView {
    fn json(&self) -> String {
        json::value_envelope(&self.created.raw)
    }

    fn table(&self) -> Table {
        columns::attributes(CREATED_TOKEN_FIELDS, &self.created)
    }

    fn csv(&self) -> CsvTable {
        columns::attribute_csv(CREATED_TOKEN_FIELDS, &self.created)
    }

    fn reveals(&self) -> Option<&str> {
        Some(&self.created.token)
    }
}

const CREATED_TOKEN_FIELDS: &[Column<crate::api::models::CreatedToken>] = &[
    Column::human("Client Id", |t| one(&t.client_id)),
    Column::human("Client Secret", |t| one(&t.secret)),
    Column::human("Token", |t| one(&t.token)),
];

/// `token create --save-profile NAME`: the new token went into `.astrarc`; nothing secret shown.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedToken {
    client_id: String,
    /// Masked.
    token: String,
    profile: String,
}

const SAVED_TOKEN_FIELDS: &[Column<SavedToken>] = &[
    Column::human("Client Id", |t| one(&t.client_id)),
    Column::human("Token", |t| one(&t.token)),
    Column::human("Profile", |t| one(&t.profile)),
];
