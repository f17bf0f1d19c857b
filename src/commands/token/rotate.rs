//! `astra token rotate [CLIENT_ID]`: replaces a token by a new one with the same roles, in the
//! order that never locks anyone out (SPEC §1.12): read, create, prove the new token works with
//! the new token itself, save it (or print it), and only once it is saved delete the old one.

use serde::Serialize;

use super::{parse_expiry, profile_file};
use crate::api::models::NewToken;
use crate::api::ApiClient;
use crate::commands::{Context, Credential};
use crate::config::store::{
    check_free, check_profile_name, profile_keys, read, save_profile, write,
};
use crate::config::{Token, TokenSource};
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::output::columns::{many, one, Column};
use crate::output::{Outcome, Record, Response, Undo};

const EXAMPLES: &str = "Examples:\n# Rotate the token in use: the new one replaces it in its profile, the old one is deleted\n$ astra token rotate\n# See what it would do first\n$ astra token rotate --dry-run\n# Rotate CI's token into a profile, with an expiry, keeping the old one for now\n$ astra token rotate ciTokenciTokenciTokenciT --save-profile ci -x 2027-06-30T00:00:00Z --keep-old";

/// Replace a token by a new one with the same roles, without locking anyone out
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct TokenRotateArgs {
    /// The client id of the token to replace (default: the token in use)
    #[arg(value_name = "CLIENT_ID")]
    client_id: Option<String>,
    /// Save the new token as this profile of .astrarc (default: the profile of the token in use)
    #[arg(long, value_name = "NAME")]
    save_profile: Option<String>,
    /// Replace the profile of --save-profile if it exists
    #[arg(long, requires = "save_profile")]
    overwrite: bool,
    /// Keep the old token: delete it yourself once nothing uses it
    #[arg(long)]
    keep_old: bool,
    /// When the new token expires: an RFC 3339 instant in the future (default: never)
    #[arg(short = 'x', long, value_name = "EXPIRY")]
    expiry: Option<String>,
    /// The new token's description (default: the old one's)
    #[arg(short = 'd', long, value_name = "DESC")]
    description: Option<String>,
    /// Show what would happen; only the token list and roles are read
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run, exit 11 (the rotation is planned)
    #[arg(long, requires = "dry_run")]
    exit_code: bool,
}

/// Where the new token goes.
enum Destination {
    /// Into the profile the token in use came from: its token key only.
    SameProfile {
        name: String,
        path: std::path::PathBuf,
    },
    /// A profile written as `token create --save-profile` writes it.
    NewProfile {
        name: String,
        path: std::path::PathBuf,
    },
    /// Printed on stdout; the old token is then always kept.
    Printed,
}

impl Destination {
    fn profile(&self) -> Option<&str> {
        match self {
            Self::SameProfile { name, .. } | Self::NewProfile { name, .. } => Some(name),
            Self::Printed => None,
        }
    }
}

pub async fn run(context: &Context, args: &TokenRotateArgs) -> Result<Outcome, CliError> {
    let expiry = args.expiry.as_deref().map(parse_expiry).transpose()?;
    let credential = context.credential()?;
    let in_use = credential.token.client_id().to_owned();
    let old_typed = args
        .client_id
        .as_deref()
        .map(str::trim)
        .unwrap_or(&in_use)
        .to_owned();
    let rotating_in_use = old_typed.eq_ignore_ascii_case(&in_use);
    let destination = destination(&credential, args, rotating_in_use)?;
    let target = (credential.env, credential.base_url.to_owned());
    let client = context.client()?;

    // (1) The token and its roles.
    context.ui.step("Loading tokens…");
    let (list, roles) = tokio::try_join!(client.list_tokens(), client.list_roles())?;
    let old = list
        .clients
        .into_iter()
        .find(|t| t.client_id.eq_ignore_ascii_case(&old_typed))
        .ok_or_else(|| not_found(&old_typed))?;
    if let Some(gone) = old
        .roles
        .iter()
        .find(|id| !roles.iter().any(|r| r.id.eq_ignore_ascii_case(id)))
    {
        return Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("Token {} holds role {gone}, which the organization no longer has; nothing was sent.", old.client_id),
        )
        .detail("Create the new token with the roles it should have: astra token create -r ROLE."));
    }
    let description = args
        .description
        .clone()
        .or_else(|| old.description.clone())
        .filter(|d| !d.trim().is_empty());
    let old_id = old.client_id.clone();
    let deletes_old = destination.profile().is_some() && !args.keep_old;
    if args.dry_run {
        return Ok(Outcome::Response(planned(
            &old_id,
            &destination,
            deletes_old,
            args.exit_code,
        )));
    }

    // (2) The new token, with the same roles.
    context.start_batch();
    if let Some(code) = context.stop_code() {
        return Err(CliError::new(code, "Interrupted; nothing was sent."));
    }
    context.ui.step("Creating the new token…");
    let body = NewToken {
        roles: old.roles.iter().map(String::as_str).collect(),
        description: description.as_deref(),
        token_expiry: expiry,
        org_id: None,
    };
    let created = client.create_token(&body).await.map_err(|err| {
        crate::error::maybe_created(err, "The new token", "astra token list".to_owned())
    })?;
    let new_id = created.client_id.clone();
    let new_token = Token::parse(&created.token)?;

    // (3) Proof that it works, with the new token itself; (4) saved, or printed.
    let new_client = context.client_for(credential.base_url, &new_token)?;
    context.ui.step("Checking the new token…");
    let checked = match new_client.current_org().await {
        Ok(_) => save_new(&destination, &new_token, target, args.overwrite),
        Err(err) => {
            Err(CliError::from(err).detail("The new token did not work: it is deleted again."))
        }
    };
    if let Err(err) = checked {
        return Err(undo(client, &new_id, &old_id, err).await);
    }
    let rotated = Rotated {
        old_client_id: old_id.clone(),
        client_id: new_id.clone(),
        profile: destination.profile().map(str::to_owned),
        token: matches!(destination, Destination::Printed).then(|| created.token.clone()),
        old_deleted: false,
    };

    if rotated.token.is_some() {
        context
            .ui
            .notice("Store the token now: it cannot be shown again.");
    }

    // (5) Only a saved token's old one is deleted, and not after a signal.
    if !deletes_old {
        return Ok(Outcome::Response(kept(
            rotated,
            context.stop_code(),
            args.keep_old,
        )));
    }
    if let Some(code) = context.stop_code() {
        return Ok(Outcome::Response(kept(rotated, Some(code), false)));
    }
    context.ui.step("Deleting the old token…");
    let deleter: &ApiClient = if rotating_in_use { &new_client } else { client };
    let deleted = deleter.delete_token(&old_id).await;
    Ok(Outcome::Response(match deleted {
        Ok(_) => {
            let done = Rotated {
                old_deleted: true,
                ..rotated
            };
            let message = format!("{}\nToken {old_id} has been deleted.", rotated_line(&done));
            let response = Response::new(message, done);
            match context.stop_code() {
                Some(code) => {
                    response.failed_with(code, "Interrupted, after the rotation was complete.")
                }
                None => response,
            }
        }
        Err(err) => {
            let why = crate::error::sentence(CliError::from(err).headline);
            let message = format!("{}\nToken {old_id} was kept.", rotated_line(&rotated));
            Response::new(message, rotated)
                .failed_with(
                    ErrorCode::PartialFailure,
                    format!("Token {old_id} was rotated, but it could not be deleted: {why}"),
                )
                .suggest(delete_old(&old_id))
        }
    }))
}

/// Where the new token goes, checked before any request (SPEC §1.12).
fn destination(
    credential: &Credential<'_>,
    args: &TokenRotateArgs,
    rotating_in_use: bool,
) -> Result<Destination, CliError> {
    if let Some(name) = &args.save_profile {
        check_profile_name(name)?;
    }
    let in_profile = match credential.source {
        TokenSource::Profile { name, path } if rotating_in_use => Some((name, path)),
        _ => None,
    };
    match (in_profile, &args.save_profile) {
        (Some((name, path)), None) => same_profile(name, path),
        (Some((name, path)), Some(wanted)) if wanted == name => same_profile(name, path),
        (Some((name, _)), Some(_)) if !args.keep_old => Err(CliError::new(
            ErrorCode::ValidationIssue,
            format!("The token in use comes from profile '{name}', which would be left holding a deleted token; nothing was sent."),
        )
        .detail(format!("Leave out --save-profile to write the new token into '{name}', or keep the old token with --keep-old."))),
        (_, Some(wanted)) => {
            let path = profile_file(credential)?;
            check_free(&path, wanted, args.overwrite)?;
            Ok(Destination::NewProfile { name: wanted.clone(), path })
        }
        (None, None) if rotating_in_use => Err(CliError::new(
            ErrorCode::ValidationIssue,
            "The token in use does not come from a profile: say where to save the new one; nothing was sent.",
        )
        .fix("Save it as a profile:", Edit::AddFlag("--save-profile NAME"))),
        (None, None) => Ok(Destination::Printed),
    }
}

fn same_profile(name: &str, path: &std::path::Path) -> Result<Destination, CliError> {
    // The file must read back before anything is created that it would have to hold.
    crate::config::astrarc::Astrarc::parse(path, &read(path)?)
        .map_err(|err| err.detail("Nothing was sent; fix the file first."))?;
    Ok(Destination::SameProfile {
        name: name.to_owned(),
        path: path.to_owned(),
    })
}

/// (4): the new token into its profile (only the token key of the profile it came from).
fn save_new(
    destination: &Destination,
    token: &Token,
    target: (crate::config::Env, String),
    overwrite: bool,
) -> Result<(), CliError> {
    match destination {
        Destination::SameProfile { name, path } => {
            let text = read(path)?;
            let key = crate::env::TOKEN;
            let updated = crate::config::writer::set_key(&text, name, key, token.secret().expose())
                .unwrap_or_else(|| {
                    let keys = profile_keys(token, target.0, &target.1);
                    crate::config::writer::set_profile(&text, name, &keys)
                });
            write(path, &updated)
        }
        Destination::NewProfile { name, path } => {
            save_profile(path, name, token, (target.0, &target.1), overwrite)
        }
        Destination::Printed => Ok(()),
    }
}

/// A failure at (3) or (4): the new token is deleted again (with the token in use), the old
/// one stays, and the command fails with that step's error.
async fn undo(client: &ApiClient, new_id: &str, old_id: &str, err: CliError) -> CliError {
    match client.delete_token(new_id).await {
        Ok(_) => err.detail(format!(
            "The new token {new_id} was deleted again; token {old_id} still works."
        )),
        Err(_) => err
            .detail(format!(
                "The new token {new_id} could not be deleted again; token {old_id} still works."
            ))
            .hint(
                "Delete the new token:",
                format!("astra token delete {new_id}"),
            ),
    }
}

fn rotated_line(rotated: &Rotated) -> String {
    match &rotated.profile {
        Some(profile) => format!(
            "Token {} rotated: the new token {} is saved in profile '{profile}'.",
            rotated.old_client_id, rotated.client_id
        ),
        None => format!(
            "Token {} rotated: the new token {} is shown below.",
            rotated.old_client_id, rotated.client_id
        ),
    }
}

/// The old token kept: asked for, printed (stdout may not have reached a safe place), or
/// skipped after a signal.
fn kept(rotated: Rotated, signal: Option<ErrorCode>, asked: bool) -> Response {
    let old = rotated.old_client_id.clone();
    let shown = rotated.token.clone();
    let message = format!("{}\nToken {old} was kept.", rotated_line(&rotated));
    let new = rotated.client_id.clone();
    let mut response = Response::new(message, rotated).suggest(delete_old(&old));
    if shown.is_some() {
        response.shown = shown;
        // A token printed to a stdout that cannot take it is deleted again (SPEC §1.12).
        response.undo_unwritten = Some(Undo::DeleteToken {
            client_id: new,
            kept: old.clone(),
        });
    }
    match signal {
        Some(code) => response.failed_with(
            code,
            format!(
                "Interrupted: token {old} was kept{}.",
                if asked { "" } else { ", not deleted" }
            ),
        ),
        None => response,
    }
}

/// Step (4) failed for a printed token (stdout could not take it): the new token is deleted
/// again with the token in use, and the old one stays.
pub async fn delete_unwritten(context: &Context, new: &str, old: &str) -> Result<String, CliError> {
    match context.client()?.delete_token(new).await {
        Ok(_) => Ok(format!(
            "The new token {new} reached nowhere: it is deleted again, and token {old} is kept."
        )),
        Err(err) => Err(CliError::from(err).detail(format!(
            "The new token {new} reached nowhere and could not be deleted again; token {old} is kept. Delete it with: astra token delete {new}"
        ))),
    }
}

fn delete_old(old: &str) -> crate::hints::Hint {
    crate::hints::Hint::new(
        "Once nothing uses the old token, delete it:",
        format!("astra token delete {old}"),
    )
}

fn planned(old: &str, destination: &Destination, deletes_old: bool, exit_code: bool) -> Response {
    let goes = match destination.profile() {
        Some(profile) => format!("save it in profile '{profile}'"),
        None => "print it".to_owned(),
    };
    let then = if deletes_old {
        format!("then delete token {old}")
    } else {
        format!("and keep token {old}")
    };
    let data = Rotated {
        old_client_id: old.to_owned(),
        client_id: String::new(),
        profile: destination.profile().map(str::to_owned),
        token: None,
        old_deleted: false,
    };
    Response::new(
        format!("Would rotate token {old}: create a token with the same roles, check it, {goes}, {then}."),
        data,
    )
    .planned()
    .exit_code(exit_code)
}

fn not_found(id: &str) -> CliError {
    CliError::new(
        ErrorCode::ClientIdNotFound,
        format!("Token '{id}' not found."),
    )
    .detail("Nothing was sent.")
    .suggest(super::see_all_tokens())
}

/// The rotation's result (SPEC §1.12).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rotated {
    old_client_id: String,
    client_id: String,
    profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    old_deleted: bool,
}

impl Record for Rotated {
    /// Drawn vertically; the token's row only when it was printed.
    const COLUMNS: &'static [Column<Self>] = &[
        Column::csv("oldClientId", |r| one(&r.old_client_id)),
        Column::csv("clientId", |r| one(&r.client_id)),
        Column::csv("profile", |r| one(r.profile.as_deref().unwrap_or_default())),
        Column::csv("token", |r| many(r.token.iter())),
        Column::csv("oldDeleted", |r| one(r.old_deleted.to_string())),
    ];
    const VERTICAL: bool = true;
}
