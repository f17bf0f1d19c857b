//! The program's one path: parse, resolve the token, run the command, render, exit status.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::Parser;

use crate::api::ApiClient;
use crate::cli::{Cli, ColorWhen, Command, GlobalArgs};
use crate::commands::{self, Context, Invocation};
use crate::config::{self, Env};
use crate::env;
use crate::error::{CliError, ErrorCode};
use crate::logging::{self, LogBuffer};
use crate::output::{self, Format, Rendered, Style};

/// Runs `astra` with these arguments (the program name first) and returns the exit status.
pub fn run(args: impl IntoIterator<Item = OsString>) -> u8 {
    let mut args = args.into_iter();
    let program = args.next().unwrap_or_else(|| OsString::from("astra"));
    let typed: Vec<OsString> = args.collect();
    let invocation = Invocation::new(
        typed
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect(),
    );

    let cli = match Cli::try_parse_from(crate::cli::rewrite_args(
        std::iter::once(program).chain(typed),
    )) {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = err.print();
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    let Some(command) = group_or_help(&cli) else {
        return 0;
    };

    let style = style_of(&cli.global);
    let buffer = logging::init(cli.global.verbose, cli.global.dump_logs.is_some());
    install_panic_hook();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        execute(&cli.global, command, &invocation, style)
    }));
    let (rendered, status) = match outcome {
        Ok((result, notices)) => {
            write_stderr(&notices, style.quiet);
            match result {
                Ok(report) => (output::render_report(&report, style), 0),
                Err(error) => (
                    output::render_error(&error, style),
                    error.code.exit_status(),
                ),
            }
        }
        Err(_) => (Rendered::default(), ErrorCode::Uncaught.exit_status()),
    };
    emit(&rendered);
    if let (Some(buffer), Some(target)) = (&buffer, &cli.global.dump_logs) {
        dump_logs(buffer, target.as_deref(), style.quiet);
    }
    status
}

/// Prints help for `astra`, `astra user` and `astra role` without a subcommand; `None` then.
fn group_or_help(cli: &Cli) -> Option<&Command> {
    let path: &[&str] = match &cli.command {
        None => &["astra", "--help"],
        Some(Command::User { command: None }) => &["astra", "user", "--help"],
        Some(Command::Role { command: None }) => &["astra", "role", "--help"],
        Some(command) => return Some(command),
    };
    // Parsing `--help` renders it exactly as clap does for a typed `--help`.
    if let Err(help) = Cli::try_parse_from(path) {
        let _ = help.print();
    }
    None
}

type Notices = Vec<String>;

/// Runs the command; the notices for stderr come back whatever the outcome.
fn execute(
    global: &GlobalArgs,
    command: &Command,
    invocation: &Invocation,
    style: Style,
) -> (Result<output::Report, CliError>, Notices) {
    let mut connection = match config::resolve(&global.connection_request(), invocation) {
        Ok(connection) => connection,
        Err(err) => return (Err(err), Vec::new()),
    };
    let mut notices = std::mem::take(&mut connection.warnings);
    let result = run_command(global, command, invocation, style, connection, &mut notices);
    (result, notices)
}

fn run_command(
    global: &GlobalArgs,
    command: &Command,
    invocation: &Invocation,
    style: Style,
    connection: config::Connection,
    notices: &mut Notices,
) -> Result<output::Report, CliError> {
    tracing::debug!(
        "token from {} (env {:?})",
        connection.source,
        connection.env
    );
    let client = ApiClient::new(&connection.base_url, connection.token)
        .map_err(|reason| CliError::new(ErrorCode::Uncaught, reason))?;
    let context = Context {
        client,
        invocation: invocation.clone(),
        source: connection.source,
        is_prod: connection.env == Env::Prod,
        notices: Default::default(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| {
            CliError::new(
                ErrorCode::Uncaught,
                format!("cannot start the async runtime: {err}"),
            )
        })?;
    let spinner = spinner(global, style);
    let result = runtime.block_on(async {
        tokio::select! {
            result = commands::run(&context, command) => result,
            _ = tokio::signal::ctrl_c() => Err(CliError::new(ErrorCode::ExecutionCancelled, "Interrupted; nothing more was sent.")),
        }
    });
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    notices.extend(context.notices.take());
    result
}

/// Colours: `--color` wins, then `NO_COLOR`, then `CLICOLOR_FORCE`, then whether both streams are
/// terminals. JSON and CSV are plain unless `--color=always`.
fn style_of(global: &GlobalArgs) -> Style {
    let color = match global.color {
        Some(ColorWhen::Always) => true,
        Some(ColorWhen::Never) => false,
        Some(ColorWhen::Auto) | None => {
            global.output == Format::Human
                && env::var(env::NO_COLOR).is_none()
                && (env::var(env::CLICOLOR_FORCE).is_some_and(|v| v != "0")
                    || (std::io::stdout().is_terminal() && std::io::stderr().is_terminal()))
        }
    };
    Style {
        format: global.output,
        color,
        quiet: global.quiet,
    }
}

/// A spinner on stderr while waiting: only for people (human output, a terminal, not quiet or
/// verbose), unless asked for with `--spinner`.
fn spinner(global: &GlobalArgs, style: Style) -> Option<indicatif::ProgressBar> {
    let wanted = if global.spinner {
        true
    } else {
        !global.no_spinner && std::io::stderr().is_terminal()
    };
    if !wanted || style.format != Format::Human || style.quiet || global.verbose {
        return None;
    }
    let spinner = indicatif::ProgressBar::new_spinner().with_message("Talking to Astra…");
    spinner.enable_steady_tick(Duration::from_millis(100));
    Some(spinner)
}

fn write_stderr(notices: &[String], quiet: bool) {
    if quiet || notices.is_empty() {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    for notice in notices {
        let _ = writeln!(stderr, "{notice}");
    }
}

/// Writes both streams; a closed stdout (`astra user list | head -1`) is not an error.
fn emit(rendered: &Rendered) {
    if !rendered.stdout.is_empty() {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(rendered.stdout.as_bytes())
            .and_then(|()| stdout.flush());
    }
    if !rendered.stderr.is_empty() {
        let _ = std::io::stderr()
            .lock()
            .write_all(rendered.stderr.as_bytes());
    }
}

fn dump_logs(buffer: &LogBuffer, target: Option<&std::path::Path>, quiet: bool) {
    match logging::dump(buffer, target) {
        Ok(path) if !quiet => eprintln!("Logs written to {}", path.display()),
        Ok(_) => {}
        Err(err) => eprintln!("Warning: cannot write the log file: {err}"),
    }
}

/// A bug must not print a backtrace (or anything that could hold a secret): one line and a plea.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "Error: unexpected internal error{location} (UNCAUGHT).\n\nThis is a bug in astra; please report it with the output of the same command run with --dump-logs."
        );
    }));
}
