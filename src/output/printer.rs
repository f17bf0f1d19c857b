//! The one writer of stdout and stderr (uv's `Printer`, cargo's `Shell`): every byte the program
//! prints goes through here, masked (SPEC §6: a token in an API body, a config line or a typed
//! value is never printed, but the one a command shows on purpose on stdout), stdout first and
//! flushed (a failed batch's items come before its summary, SPEC §13.4), and a closed stdout
//! (`astra user list | head -1`) is not an error (SPEC §4).

use std::io::Write;

use super::{Rendered, Style, ValueView};
use crate::secret::{redact, redact_except, Redacting};

/// Writes both streams; `shown` is the token stdout may show (`token get`, `token create`).
#[derive(Debug, Default)]
pub struct Printer {
    shown: Option<String>,
    /// stdout must arrive: a closed pipe is a failure too (a secret printed once, SPEC §1.12).
    must_arrive: bool,
}

impl Printer {
    /// A printer that masks every token, everywhere.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same printer, showing `token` on stdout (never on stderr).
    pub fn revealing(mut self, token: Option<&str>) -> Self {
        self.shown = token.map(str::to_owned);
        self
    }

    /// The same printer, for which a closed stdout is a failure when `on`.
    pub fn delivering(mut self, on: bool) -> Self {
        self.must_arrive = on;
        self
    }

    /// `text` on stdout, masked and flushed. A closed pipe is not an error (unless stdout must
    /// arrive); any other failure to write is returned (the caller reports it and exits 1, SPEC §5).
    pub fn out(&self, text: &str) -> std::io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let mut stdout = std::io::stdout().lock();
        let masked = redact_except(text, self.shown.as_deref().as_slice());
        let written = stdout
            .write_all(masked.as_bytes())
            .and_then(|()| stdout.flush());
        match self.must_arrive {
            true => written,
            false => closed_pipe_is_fine(written),
        }
    }

    /// A value written to stdout as its view renders it (100,000 rows as they come), masked as
    /// it goes.
    pub fn out_value(&self, view: &dyn ValueView, style: Style) -> std::io::Result<()> {
        let mut stdout = Redacting::new(std::io::stdout().lock(), self.shown.as_deref());
        closed_pipe_is_fine(
            view.write(style, &mut stdout)
                .and_then(|()| stdout.finish().map(drop)),
        )
    }

    /// `text` on stderr, every token masked. A failure to write stderr has nowhere to be told.
    pub fn err(&self, text: &str) {
        if !text.is_empty() {
            let _ = std::io::stderr().lock().write_all(redact(text).as_bytes());
        }
    }

    /// One line on stderr (`Note: …`, `Logs written to …`).
    pub fn err_line(&self, line: &str) {
        self.err(&format!("{line}\n"));
    }

    /// Both streams of a rendering: stdout first, flushed, then stderr. When stdout must
    /// arrive and did not, its stderr is left out too: its hints speak of a change that is
    /// about to be taken back.
    pub fn rendered(&self, rendered: &Rendered) -> std::io::Result<()> {
        let written = self.out(&rendered.stdout);
        if written.is_ok() || !self.must_arrive {
            self.err(&rendered.stderr);
        }
        written
    }
}

fn closed_pipe_is_fine(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
