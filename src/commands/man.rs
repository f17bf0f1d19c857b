//! `astra man [--all DIR]`: the man page `astra(1)` on stdout, or one page per command
//! (`astra-user-invite.1`, …) written into DIR, each with its options, its examples kept line by
//! line, and a SEE ALSO naming only pages that the same run writes.

use std::path::{Path, PathBuf};

use crate::commands::Context;
use crate::error::{CliError, ErrorCode};
use crate::output::views::NoChange;
use crate::output::{Outcome, Response};

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write one page per command into DIR (created if needed) instead of printing astra(1)
    #[arg(long, value_name = "DIR")]
    all: Option<PathBuf>,
}

pub fn run(context: &Context, args: &ManArgs) -> Result<Outcome, CliError> {
    let mut tree = context.tree().disable_help_subcommand(true);
    tree.build();
    let Some(dir) = &args.all else {
        return Ok(Outcome::Document(
            page(&tree, None).map_err(cannot_render)?,
            None,
        ));
    };
    std::fs::create_dir_all(dir).map_err(|err| cannot_write(dir, &err))?;
    let mut written = 0;
    write_pages(&tree, None, dir, &mut written)?;
    Ok(Outcome::Response(Response::new(
        format!("Wrote {written} man pages to '{}'.", dir.display()),
        NoChange {},
    )))
}

fn write_pages(
    command: &clap::Command,
    parent: Option<&str>,
    dir: &Path,
    written: &mut usize,
) -> Result<(), CliError> {
    let name = page_name(command);
    let text = page(command, parent).map_err(cannot_render)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, text).map_err(|err| cannot_write(&path, &err))?;
    *written += 1;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, Some(&name), dir, written)?;
    }
    Ok(())
}

/// `astra-user-invite`: the name clap gives a subcommand once the tree is built.
fn page_name(command: &clap::Command) -> String {
    command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
        .to_owned()
}

/// One page: clap_mangen's sections, then EXAMPLES as written (not reflowed), SEE ALSO and the
/// version.
fn page(command: &clap::Command, parent: Option<&str>) -> std::io::Result<String> {
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let subs: Vec<String> = command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(page_name)
        .collect();
    if !subs.is_empty() {
        man.render_subcommands_section(&mut out)?;
    }
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if let Some(examples) = command.get_after_help() {
        let lines: Vec<String> = examples
            .to_string()
            .lines()
            .filter(|line| *line != "Examples:")
            .map(roff_line)
            .collect();
        text.push_str(&format!(".SH EXAMPLES\n.nf\n{}\n.fi\n", lines.join("\n")));
    }
    // The subcommands have their section above; SEE ALSO names the page one level up.
    if let Some(parent) = parent {
        text.push_str(&format!(
            ".SH \"SEE ALSO\"\n\\fB{}\\fR(1)\n",
            roff_text(parent)
        ));
    }
    if command.get_version().is_some() {
        let mut version = Vec::new();
        man.render_version_section(&mut version)?;
        text.push_str(&String::from_utf8_lossy(&version));
    }
    Ok(text)
}

/// A line shown as is: backslashes and hyphens escaped, and no line starting a roff request.
fn roff_line(line: &str) -> String {
    let text = roff_text(line);
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

fn roff_text(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

fn cannot_render(err: std::io::Error) -> CliError {
    CliError::new(
        ErrorCode::Uncaught,
        format!("cannot render the man page: {err}"),
    )
}

fn cannot_write(path: &Path, err: &std::io::Error) -> CliError {
    CliError::new(
        ErrorCode::FileIssue,
        format!(
            "Cannot write '{}': {}.",
            path.display(),
            crate::text::os_reason(err)
        ),
    )
}
