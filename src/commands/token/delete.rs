//! `astra token delete CLIENT_ID… [--if-exists] [--yes]` (alias `revoke`): one
//! `GET /clientIdSecrets` (ids compared case-insensitively, the listed spelling sent), then one
//! `DELETE /clientIdSecrets/{id}` per token: a batch when there are several. The token in use is
//! refused without `--yes`; no CLIENT_ID on a terminal picks one and asks for `confirm`.

use super::see_all_tokens;
use crate::api::models::AppToken;
use crate::commands::batch::{self, BatchArgs, Planned};
use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::output::views::{Deleted, NoChange};
use crate::output::Action;
use crate::output::{ItemKind, Outcome, Response};

/// Revoke application tokens by client id
#[derive(Debug, clap::Args)]
#[command(
    visible_alias = "revoke",
    after_help = "Examples:\n# Revoke a token\n$ astra token delete BOjPpMRcaWergiKIyHXEAymP\n# Revoke it if it still exists\n$ astra token delete BOjPpMRcaWergiKIyHXEAymP --if-exists"
)]
pub struct TokenDeleteArgs {
    /// Client ids of the tokens to revoke (several may be given; picked on a terminal when none)
    #[arg(value_name = "CLIENT_ID")]
    client_ids: Vec<String>,
    /// Do not fail if the token does not exist
    #[arg(long)]
    if_exists: bool,
    /// Also revoke the token in use, and do not ask
    #[arg(long, short = 'y')]
    yes: bool,
    #[command(flatten)]
    batch: BatchArgs,
}

pub async fn run(context: &Context, args: &TokenDeleteArgs) -> Result<Outcome, CliError> {
    if args.client_ids.is_empty() && !context.ui.can_prompt() {
        return Err(CliError::usage(
            "the following required arguments were not provided: <CLIENT_ID>...",
        ));
    }
    batch::refuse_duplicates(
        ItemKind::Token,
        args.client_ids
            .iter()
            .map(|id| (id.as_str(), id.to_ascii_lowercase())),
    )?;
    let in_use = context.credential()?.token.client_id().to_owned();
    let client = context.client()?;
    context.ui.step("Loading tokens…");
    let listed = client.list_tokens().await?.clients;
    let typed = match args.client_ids.as_slice() {
        [] => match pick(context, args, &listed, &in_use)? {
            Some(id) => vec![id],
            None => {
                return Ok(Outcome::Response(Response::new(
                    "Nothing was changed.",
                    NoChange {},
                )))
            }
        },
        ids => ids.to_vec(),
    };
    let found: Vec<Option<&str>> = typed
        .iter()
        .map(|id| {
            listed
                .iter()
                .find(|token| token.client_id.eq_ignore_ascii_case(id))
                .map(|token| token.client_id.as_str())
        })
        .collect();
    if !args.yes && found.iter().flatten().any(|id| *id == in_use) {
        return Err(in_use_refused(&in_use));
    }
    let items = typed
        .iter()
        .zip(&found)
        .map(|(id, found)| match found {
            Some(listed) => Planned::change(id, Action::Delete, (id.as_str(), *listed)),
            None => Planned::settled(id, missing(id, args.if_exists)),
        })
        .collect();
    batch::execute(
        context,
        &args.batch,
        batch::Plan::deletes(ItemKind::Token, items),
        |(typed, _)| {
            Ok(Response::new(
                format!("Dry run: token {typed} would be deleted; nothing was sent."),
                Deleted { was_deleted: false },
            ))
        },
        |(typed, listed)| delete_one(context, typed, listed, args.if_exists),
        || {},
    )
    .await
}

async fn delete_one(
    context: &Context,
    typed: &str,
    id: &str,
    if_exists: bool,
) -> Result<Response, CliError> {
    if !context.client()?.delete_token(id).await? {
        return missing(typed, if_exists);
    }
    Ok(Response::new(
        format!("Token {id} has been deleted."),
        Deleted { was_deleted: true },
    ))
}

/// A client id that is not there: nothing to do with `--if-exists`, else `TOKEN_NOT_FOUND` (5).
fn missing(id: &str, if_exists: bool) -> Result<Response, CliError> {
    if if_exists {
        return Ok(Response::new(
            format!("Token {id} does not exist; nothing to delete."),
            Deleted { was_deleted: false },
        )
        .suggest(see_all_tokens())
        .unchanged());
    }
    Err(CliError::new(ErrorCode::ClientIdNotFound, format!("Token '{id}' not found."))
        .detail("The specified token does not exist. To avoid this error, pass the '--if-exists' flag to skip this error if the token doesn't exist.")
        .fix("Example fix:", Edit::AddFlag("--if-exists"))
        .suggest(see_all_tokens()))
}

/// The token in use is not revoked without `--yes`: every session that uses it would end.
fn in_use_refused(in_use: &str) -> CliError {
    CliError::new(
        ErrorCode::ValidationIssue,
        format!("Token {in_use} is the one this command runs with; nothing was sent."),
    )
    .detail("Revoking it ends every session that uses it, this one included.")
    .fix("Revoke it anyway:", Edit::AddFlag("--yes"))
}

/// The token picker (the token in use marked), then the typed confirmation (skipped with
/// `--yes`). `None`: not confirmed. The token in use is refused before the question.
fn pick(
    context: &Context,
    args: &TokenDeleteArgs,
    listed: &[AppToken],
    in_use: &str,
) -> Result<Option<String>, CliError> {
    let cannot = |err: std::io::Error| {
        CliError::new(
            ErrorCode::UnsupportedExecution,
            format!("Cannot show the token picker: {err}."),
        )
        .detail("Pass the client id: astra token delete CLIENT_ID.")
    };
    let cancelled = CliError::cancelled;
    if listed.is_empty() {
        return Err(CliError::new(
            ErrorCode::ClientIdNotFound,
            "The organization has no token to delete.",
        ));
    }
    let options = listed
        .iter()
        .map(|t| {
            let mut label = t.client_id.clone();
            if let Some(description) = t.description.as_deref().filter(|d| !d.is_empty()) {
                label.push_str(&format!(" ({description})"));
            }
            if t.client_id == in_use {
                label.push_str(" (in use)");
            }
            label
        })
        .collect();
    let index = context
        .ui
        .select("Token to delete:", options)
        .map_err(cannot)?
        .ok_or_else(cancelled)?;
    let id = listed[index].client_id.clone();
    if args.yes {
        return Ok(Some(id));
    }
    if id == in_use {
        return Err(in_use_refused(in_use));
    }
    context.ui.notice(&format!(
        "You are about to permanently delete token {id}.\nTo confirm, type 'confirm' below or press Ctrl+C to cancel."
    ));
    let answer = context
        .ui
        .text("Type 'confirm':")
        .map_err(cannot)?
        .ok_or_else(cancelled)?;
    Ok((answer.trim() == "confirm").then_some(id))
}
