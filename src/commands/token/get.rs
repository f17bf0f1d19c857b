//! `astra token get [--validate] [--copy]`: the token that SPEC §3 resolves, unmasked on stdout
//! (one of the two outputs that show a secret, §6), with no HTTP call unless `--validate`.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::views::{BareValue, NoChange};
use crate::output::{Outcome, Response};

#[derive(Debug, clap::Args)]
pub struct TokenGetArgs {
    /// Copy the token to the clipboard instead of printing it
    #[arg(short = 'c', long)]
    copy: bool,
    /// Check the token with Astra first (one GET /organizations/roles)
    #[arg(long)]
    validate: bool,
}

/// The clipboard tools tried in order: the token goes on their stdin, never in their argv.
const CLIPBOARDS: &[(&str, &[&str])] = &[
    ("wl-copy", &[]),
    ("xclip", &["-selection", "clipboard"]),
    ("xsel", &["--clipboard", "--input"]),
    ("pbcopy", &[]),
    ("clip", &[]),
];

pub async fn run(context: &Context, args: &TokenGetArgs) -> Result<Outcome, CliError> {
    if args.validate {
        context.client()?.list_roles().await?;
    }
    let credential = context.credential()?;
    let secret = credential.token.secret().expose();
    if args.copy {
        copy(secret)?;
        return Ok(Outcome::Response(Response::new(
            "Successfully copied token to clipboard",
            NoChange {},
        )));
    }
    Ok(Outcome::value(BareValue {
        value: secret.to_owned(),
        is_token: true,
    }))
}

fn copy(secret: &str) -> Result<(), CliError> {
    for (program, args) in CLIPBOARDS {
        let Ok(mut child) = Command::new(program)
            .args(*args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            continue;
        };
        let written = child
            .stdin
            .take()
            .is_some_and(|mut stdin| stdin.write_all(secret.as_bytes()).is_ok());
        if child.wait().is_ok_and(|status| status.success()) && written {
            return Ok(());
        }
    }
    let names: Vec<&str> = CLIPBOARDS.iter().map(|(name, _)| *name).collect();
    Err(CliError::new(
        ErrorCode::UnsupportedExecution,
        "No clipboard tool worked; the token was not copied.",
    )
    .detail(format!("Install one of: {}.", names.join(", "))))
}
