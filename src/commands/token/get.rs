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
    // What each installed tool said when it failed: passed on, since installing another tool
    // does not help when the one there cannot reach a display.
    let mut failures: Vec<String> = Vec::new();
    for (program, args) in CLIPBOARDS {
        let Ok(mut child) = Command::new(program)
            .args(*args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
        else {
            continue;
        };
        let written = child
            .stdin
            .take()
            .is_some_and(|mut stdin| stdin.write_all(secret.as_bytes()).is_ok());
        match child.wait_with_output() {
            Ok(output) if output.status.success() && written => return Ok(()),
            Ok(output) => {
                let said = String::from_utf8_lossy(&output.stderr);
                let said = said.trim();
                failures.push(if said.is_empty() {
                    format!("{program} failed ({})", output.status)
                } else {
                    format!("{program}: {said}")
                });
            }
            Err(err) => failures.push(format!("{program}: {err}")),
        }
    }
    let err = CliError::new(
        ErrorCode::UnsupportedExecution,
        "No clipboard tool worked; the token was not copied.",
    );
    if !failures.is_empty() {
        return Err(err.detail(failures.join("\n")));
    }
    let names: Vec<&str> = CLIPBOARDS.iter().map(|(name, _)| *name).collect();
    Err(err.detail(format!("Install one of: {}.", names.join(", "))))
}
