//! Files a command reads: a team file, a policy file (FILE, or `-` for standard input).

use std::io::Read;

use crate::error::{CliError, ErrorCode};
use crate::paths::expand_tilde;
use crate::text::os_reason;

/// `FILE_ISSUE` when FILE does not exist or is a directory (`-`, standard input, always is one).
pub fn not_a_file(file: &str) -> Result<(), CliError> {
    if file == "-" {
        return Ok(());
    }
    let why = match std::fs::metadata(expand_tilde(file)) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => "does not exist",
        Ok(meta) if meta.is_dir() => "is a directory",
        _ => return Ok(()),
    };
    Err(CliError::new(
        ErrorCode::FileIssue,
        format!("'{file}' {why}."),
    ))
}

/// FILE, or standard input for `-`: a missing file or a directory is said as such first.
pub fn read_input(file: &str) -> Result<String, CliError> {
    not_a_file(file)?;
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(drop)
    } else {
        std::fs::read(expand_tilde(file)).map(|b| bytes = b)
    };
    read.map_err(|err| {
        CliError::new(
            ErrorCode::FileIssue,
            format!("Cannot read '{file}': {}.", os_reason(&err)),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        CliError::new(
            ErrorCode::ValidationIssue,
            format!("'{file}' is not UTF-8 text."),
        )
    })
}
