//! The program's one path: parse, build the context, run the command, render, exit status.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::time::Duration;

use clap::Parser;

use crate::api::ClientSettings;
use crate::cli::{Cli, ColorWhen, Command, GlobalArgs};
use crate::commands::{self, Context};
use crate::env;
use crate::error::{CliError, ErrorCode};
use crate::hints::CommandLine;
use crate::logging::{self, LogBuffer};
use crate::output::{self, Format, Outcome, Printer, Rendered, Style};
use crate::ui::{Ui, UiSettings};

/// Runs `astra` with these arguments (the program name first) and returns the exit status.
pub fn run(args: impl IntoIterator<Item = OsString>) -> u8 {
    let args: Vec<OsString> = args.into_iter().collect();
    // `COMPLETE=bash astra -- astra user get al`: a Tab in a shell, answered from the clap tree.
    crate::completion::set_connection_reader(typed_connection);
    let completing =
        clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command)
            .bin("astra")
            .try_complete(args.clone(), std::env::current_dir().ok().as_deref());
    match completing {
        Ok(true) => return 0,
        Ok(false) => {}
        Err(err) => return print_clap(&err),
    }
    let mut args = args.into_iter();
    let program = args.next().unwrap_or_else(|| OsString::from("astra"));
    let typed: Vec<OsString> = args.collect();
    let typed_text: Vec<String> = typed
        .iter()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();

    let cli = match Cli::try_parse_from(crate::cli::rewrite_args(
        std::iter::once(program).chain(typed),
    )) {
        Ok(cli) => cli,
        Err(err) if misplaced_version(&err, &typed_text) => {
            // clap would suggest `--verbose`, the nearest option of the subcommand.
            Printer::new().err_line("error: --version is an option of astra itself, not of a command\n\n  tip: run 'astra --version'");
            return ErrorCode::Usage.exit_status();
        }
        Err(err) => return print_clap(&err),
    };
    let Some(command) = group_or_help(&cli) else {
        let help = Cli::try_parse_from(bare_group_help(&cli)).err();
        return help.map_or(0, |help| print_clap(&help));
    };

    let line = CommandLine::parse(&typed_text, &crate::cli::value_options());
    let mut style = style_of(&cli.global);
    // `--jq` is checked and compiled before anything is sent (SPEC §2).
    let jq = match cli
        .global
        .jq
        .as_deref()
        .map(|expr| jq_for(expr, line.value_of("output")))
    {
        Some(Ok(jq)) => Some(jq),
        Some(Err(message)) => {
            Printer::new().err_line(&format!("error: {message}"));
            return ErrorCode::Usage.exit_status();
        }
        None => None,
    };
    if jq.is_some() {
        style.format = Format::Json;
        style.color = cli.global.color == Some(ColorWhen::Always);
    }
    if let Some(word) = dump_logs_followed_by_a_word(&typed_text).filter(|_| !style.quiet) {
        Printer::new().err_line(&format!(
            "Note: --dump-logs takes a file only after '=': '{}' is read as an argument of the command (for a log file, write --dump-logs={}).",
            crate::text::escape_control(word),
            crate::text::shell_quote(word)
        ));
    }
    let buffer = logging::init(cli.global.verbose, cli.global.dump_logs.is_some());
    install_panic_hook();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        execute(&cli.global, command, style).and_then(|outcome| outcome.checked(style.format))
    }));
    // A view that makes its document as jaq's values is filtered without its text.
    let jq_input = match (&jq, &outcome) {
        (Some(_), Ok(Ok(outcome))) => outcome.jq_input(),
        _ => None,
    };
    let (mut rendered, status, failed) = match &outcome {
        // Written as it is produced, below (unless a filter needs the whole document).
        Ok(Ok(Outcome::Value(_))) if jq.is_none() || jq_input.is_some() => {
            (Rendered::default(), 0, false)
        }
        Ok(Ok(outcome)) => (
            output::render(outcome, &line, style),
            outcome.exit_status(),
            outcome.exit_status() != 0,
        ),
        Ok(Err(error)) => (
            output::render_error(error, &line, style),
            error.code.exit_status(),
            true,
        ),
        Err(_) => (Rendered::default(), ErrorCode::Uncaught.exit_status(), true),
    };
    let shown = match &outcome {
        Ok(Ok(outcome)) => outcome.reveals(),
        _ => None,
    };
    let undo = match &outcome {
        Ok(Ok(outcome)) => outcome.undo_unwritten(),
        _ => None,
    };
    let printer = Printer::new().revealing(shown).delivering(undo.is_some());
    if let Some(notice) = outcome_notice(&outcome, style) {
        printer.err_line(&notice);
    }
    let mut status = status;
    if let Some(jq) = jq
        .as_ref()
        .filter(|_| jq_input.is_some() || !rendered.stdout.is_empty())
    {
        let filtered = match jq_input {
            Some(input) => jq.run_on(input),
            None => jq.run(&rendered.stdout),
        };
        rendered.stdout = match filtered {
            Ok(filtered) => filtered,
            Err(why) => {
                rendered.stderr.push_str(&format!(
                    "error: --jq: {}\n",
                    crate::text::escape_control(&why)
                ));
                if status == 0 {
                    status = 1;
                }
                String::new()
            }
        };
    }
    let written = match &outcome {
        Ok(Ok(Outcome::Value(view))) if jq.is_none() => printer.out_value(view.as_ref(), style),
        _ => printer.rendered(&rendered),
    };
    let status = match written {
        Ok(()) => status,
        Err(err) => {
            printer.err_line(&format!(
                "Error: cannot write to standard output: {}",
                crate::text::os_reason(&err)
            ));
            if let Some(undo) = undo {
                printer.err_line(&undo_unwritten(&cli.global, style, undo));
            }
            // A command that had already failed keeps its own code (SPEC §4).
            if failed {
                status
            } else {
                ErrorCode::OutputFailed.exit_status()
            }
        }
    };
    if let (Some(buffer), Some(target)) = (&buffer, &cli.global.dump_logs) {
        dump_logs(&printer, buffer, target.as_deref(), style.quiet);
    }
    // The process ends now: freeing 100,000 users one by one would only cost time.
    std::mem::forget(outcome);
    std::mem::forget(rendered);
    status
}

/// The command to run, or `None` for `astra` or a group typed without a subcommand
/// (`astra user`), whose help is printed instead.
fn group_or_help(cli: &Cli) -> Option<&Command> {
    cli.command
        .as_ref()
        .filter(|command| command.bare_group().is_none())
}

/// `astra [GROUP] --help`: parsing it renders the help exactly as clap does for a typed `--help`.
fn bare_group_help(cli: &Cli) -> Vec<&'static str> {
    let group = cli.command.as_ref().and_then(Command::bare_group);
    ["astra"]
        .into_iter()
        .chain(group)
        .chain(["--help"])
        .collect()
}

/// `--dump-logs WORD`: clap leaves WORD to the command (the option takes a value only after
/// `=`), which is what the person meant only if WORD is not a file name. Said once, up front.
fn dump_logs_followed_by_a_word(typed: &[String]) -> Option<&str> {
    let at = typed
        .iter()
        .take_while(|arg| *arg != "--")
        .position(|arg| arg == "--dump-logs")?;
    let next = typed.get(at + 1)?;
    fn names(command: &clap::Command, out: &mut Vec<String>) {
        for sub in command.get_subcommands() {
            out.extend(sub.get_all_aliases().map(str::to_owned));
            out.push(sub.get_name().to_owned());
            names(sub, out);
        }
    }
    let mut subcommands = Vec::new();
    names(&<Cli as clap::CommandFactory>::command(), &mut subcommands);
    (!next.starts_with('-') && !subcommands.contains(next)).then_some(next.as_str())
}

/// The `--jq` filter, or the usage error that stops the command first: an expression that does
/// not compile, or an `-o` (`output`, as typed) other than json (the filter reads JSON).
fn jq_for(expr: &str, output: Option<&str>) -> Result<crate::jq::Jq, String> {
    let output = output.map(|value| value.trim_start_matches('='));
    if let Some(format) = output.filter(|f| !f.eq_ignore_ascii_case("json")) {
        return Err(format!(
            "--jq filters the JSON output, so it cannot be used with -o {format}"
        ));
    }
    crate::jq::Jq::compile(expr).map_err(|why| format!("invalid --jq expression: {why}"))
}

/// `astra user --version`: an unknown `--version` after a subcommand.
fn misplaced_version(err: &clap::Error, typed: &[String]) -> bool {
    err.kind() == clap::error::ErrorKind::UnknownArgument
        && typed
            .iter()
            .take_while(|arg| *arg != "--")
            .any(|arg| arg == "--version")
}

/// The connection options of a partly typed command line, as the command would read them (for
/// completion: a profile's roles, the `-cf` file's profiles). clap reads what it can of a line
/// that does not parse yet.
pub(crate) fn typed_connection(words: Vec<OsString>) -> crate::config::ConnectionRequest {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(crate::cli::rewrite_args(words));
    matches
        .ok()
        .and_then(|matches| GlobalArgs::from_arg_matches(&matches).ok())
        .map(|global| global.connection_request())
        .unwrap_or_default()
}

/// Help and version go to stdout with 0 (1 with one line when stdout cannot be written, like
/// every output, SPEC §5); usage errors to stderr with 2. Both through the printer: a value typed
/// where it does not belong (a token after the wrong flag) is masked there too.
fn print_clap(err: &clap::Error) -> u8 {
    let printer = Printer::new();
    let terminal = if err.use_stderr() {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let rendered = err.render();
    let text = if terminal {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    if err.use_stderr() {
        printer.err(&text);
        return ErrorCode::Usage.exit_status();
    }
    match printer.out(&text) {
        Ok(()) => 0,
        Err(err) => {
            printer.err_line(&format!(
                "Error: cannot write to standard output: {}",
                crate::text::os_reason(&err)
            ));
            ErrorCode::OutputFailed.exit_status()
        }
    }
}

/// A notice about the outcome for stderr (not under `-q`): `-o` that did not change a document.
fn outcome_notice(
    outcome: &std::thread::Result<Result<Outcome, CliError>>,
    style: Style,
) -> Option<String> {
    match outcome {
        Ok(Ok(outcome)) if !style.quiet => outcome.document_notice(style.format),
        _ => None,
    }
}

/// Builds the context and runs the command until it ends or a signal stops it.
fn execute(global: &GlobalArgs, command: &Command, style: Style) -> Result<Outcome, CliError> {
    let (context, runtime) = context_and_runtime(global, style)?;
    context.ui.step("Talking to Astra…");
    let result = runtime.block_on(async {
        let run = commands::run(&context, command);
        tokio::pin!(run);
        tokio::select! {
            result = &mut run => result,
            code = interrupted() => {
                context.ui.clear();
                if !context.in_batch() {
                    return Err(CliError::new(code, "Interrupted; nothing more was sent."));
                }
                // A batch stops starting writes, lets those in flight finish, and reports.
                context.stop(code);
                run.await.and_then(|outcome| outcome.cancelled(code))
            }
        }
    });
    context.ui.clear();
    result
}

/// The resolved context a command runs in, and the runtime its requests run on.
fn context_and_runtime(
    global: &GlobalArgs,
    style: Style,
) -> Result<(Context, tokio::runtime::Runtime), CliError> {
    let ui = Ui::new(ui_settings(global, style));
    let context = Context::new(
        ui,
        global.connection_request(),
        client_settings(),
        <Cli as clap::CommandFactory>::command,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| {
            CliError::new(
                ErrorCode::Uncaught,
                format!("cannot start the async runtime: {err}"),
            )
        })?;
    Ok((context, runtime))
}

/// Takes back what an outcome did when stdout could not take it (SPEC §1.12: a printed token
/// that reached nowhere is deleted again), with the same connection as the command: the line
/// that says what became of it.
fn undo_unwritten(global: &GlobalArgs, style: Style, undo: &output::Undo) -> String {
    let undone = context_and_runtime(global, style)
        .and_then(|(context, runtime)| runtime.block_on(commands::undo(&context, undo)));
    match undone {
        Ok(line) => line,
        Err(err) => err.message(),
    }
}

/// Resolves on SIGINT (Ctrl+C) or SIGTERM, with the code to report.
async fn interrupted() -> ErrorCode {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => ErrorCode::ExecutionCancelled,
                _ = term.recv() => ErrorCode::Terminated,
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    ErrorCode::ExecutionCancelled
}

/// SPEC §7.1: `ASTRA_HTTP_TIMEOUT` (seconds, > 0 and ≤ 3600) sets both timeouts.
fn client_settings() -> Result<ClientSettings, CliError> {
    let mut settings = ClientSettings {
        no_retry_delay: env::var(env::TEST_NO_RETRY_DELAY).is_some_and(|v| v == "1"),
        ..ClientSettings::default()
    };
    if let Some(value) = env::var(env::HTTP_TIMEOUT) {
        let seconds = value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0 && *s <= 3600.0)
            .ok_or_else(|| {
                CliError::new(
                    ErrorCode::ValidationIssue,
                    format!(
                        "{}='{value}' is not a number of seconds greater than 0 and at most 3600.",
                        env::HTTP_TIMEOUT
                    ),
                )
            })?;
        let timeout = Duration::from_secs_f64(seconds);
        settings.connect_timeout = timeout;
        settings.request_timeout = timeout;
    }
    Ok(settings)
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
        width: terminal_width(),
    }
}

/// Human tables fit the terminal: `COLUMNS`, else the terminal's own width; unlimited when
/// stdout is not a terminal (the original's layout, which scripts rely on).
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    env::var(env::COLUMNS)
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c >= 20)
        .or_else(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, w)| usize::from(w))
        })
}

/// Prompts need a person at both ends; animation only for people (human output, a terminal,
/// not quiet or verbose), unless asked for with `--spinner`.
fn ui_settings(global: &GlobalArgs, style: Style) -> UiSettings {
    let human = style.format == Format::Human;
    let wanted = global.spinner || (!global.no_spinner && std::io::stderr().is_terminal());
    UiSettings {
        quiet: style.quiet,
        can_prompt: human
            && !global.no_input
            && std::io::stdin().is_terminal()
            && std::io::stderr().is_terminal(),
        animate: wanted && human && !style.quiet && !global.verbose,
        human_terminal: human && std::io::stdout().is_terminal(),
    }
}

fn dump_logs(printer: &Printer, buffer: &LogBuffer, target: Option<&std::path::Path>, quiet: bool) {
    match logging::dump(buffer, target) {
        Ok(path) if !quiet => printer.err_line(&format!("Logs written to {}", path.display())),
        Ok(_) => {}
        Err((path, err)) => printer.err_line(&format!(
            "Warning: cannot write the log file {}: {}",
            path.map(|p| format!("'{}'", p.display()))
                .unwrap_or_default(),
            crate::text::os_reason(&err)
        )),
    }
}

/// A bug must not print a backtrace (or anything that could hold a secret): one line and a plea.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|_| {
        eprintln!(
            "Error: unexpected internal error (UNCAUGHT).\n\nThis is a bug in astra; please report it with the output of the same command run with --dump-logs."
        );
    }));
}
