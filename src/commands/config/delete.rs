//! `astra config delete NAME`: removes one profile, every other line kept byte for byte.

use crate::commands::profiles::file;
use crate::commands::Context;
use crate::config::store::{read, write};
use crate::config::writer::remove_profile;
use crate::error::{CliError, ErrorCode};
use crate::output::views::ProfileChange;
use crate::output::{Outcome, Response};

/// Remove a profile
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n# Remove a profile\n$ astra config delete dev")]
pub struct ConfigDeleteArgs {
    /// The profile's name
    #[arg(value_name = "NAME", add = clap_complete::ArgValueCompleter::new(crate::completion::profiles))]
    pub name: String,
}

pub fn run(context: &Context, args: &ConfigDeleteArgs) -> Result<Outcome, CliError> {
    let path = file(context)?;
    let text = read(&path)?;
    let Some(updated) = remove_profile(&text, &args.name) else {
        return Err(CliError::new(
            ErrorCode::ProfileNotFound,
            format!("Profile '{}' not found in '{}'.", args.name, path.display()),
        )
        .hint("See the profiles:", "astra config list"));
    };
    write(&path, &updated)?;
    Ok(Outcome::Response(Response::new(
        format!("Profile '{}' deleted from '{}'.", args.name, path.display()),
        ProfileChange {
            name: args.name.clone(),
            env: None,
            token: None,
            path: path.display().to_string(),
        },
    )))
}
