//! The terminal's side channel (SPEC §2): notices and warnings on stderr, whether a prompt may be
//! shown, and the spinner and progress bar — one object, so that a notice never tears through a
//! spinner line and nothing is shown that `-q`, `--no-input` or a pipe rules out.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::secret::redact;
use crate::text::escape_control;

/// What the terminal and the flags allow, decided once by `app`.
#[derive(Debug, Clone, Copy, Default)]
pub struct UiSettings {
    /// `-q`: no notices, hints, spinner or progress bar.
    pub quiet: bool,
    /// stdin and stderr are terminals, no `--no-input`, human output.
    pub can_prompt: bool,
    /// A spinner and progress bars may be drawn on stderr.
    pub animate: bool,
    /// Human output to a terminal: where the hints beyond the original's may go (SPEC §12).
    pub human_terminal: bool,
}

/// The spinner's line while a retry waits: `Waiting 25 s: REASON (retry 3)…`.
fn countdown(left: u64, reason: &str, retry: u32) -> String {
    format!("Waiting {left} s: {reason} (retry {retry})…")
}

/// A wait this long is worth a line on stderr when there is no spinner to show it.
const LONG_WAIT: Duration = Duration::from_secs(10);

/// Lines kept free for a one-line prompt, and for a list (its question, 7 rows, its help).
const PROMPT_ROWS: usize = 2;
const LIST_ROWS: usize = 10;

pub struct Ui {
    settings: UiSettings,
    /// The spinner, or the progress bar of a batch: the one line that says what is going on.
    spinner: Mutex<Option<ProgressBar>>,
    /// Bumped by every new message, so that a countdown stops once it is no longer the news.
    message: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Ui {
    pub fn new(settings: UiSettings) -> Self {
        Self {
            settings,
            spinner: Mutex::new(None),
            message: std::sync::Arc::default(),
        }
    }

    pub fn quiet(&self) -> bool {
        self.settings.quiet
    }

    /// Whether a prompt may be shown (SPEC §1.5): otherwise use the default or fail.
    /// Whether stdout is a person reading human output (not a pipe, a file, JSON or CSV).
    pub fn human_terminal(&self) -> bool {
        self.settings.human_terminal
    }

    pub fn can_prompt(&self) -> bool {
        self.settings.can_prompt
    }

    /// A line for people on stderr (not under `-q`), written when its event happens.
    pub fn notice(&self, text: &str) {
        if !self.settings.quiet {
            self.write_stderr(text);
        }
    }

    /// A warning on stderr (not under `-q`).
    pub fn warn(&self, text: &str) {
        self.notice(&format!("Warning: {text}"));
    }

    /// Shows or updates the spinner's step (or the progress bar's message), where allowed.
    pub fn step(&self, message: &str) {
        self.message
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if !self.settings.animate || self.settings.quiet {
            return;
        }
        let mut spinner = self.lock();
        if spinner.as_ref().is_some_and(ProgressBar::is_finished) {
            // A batch's bar that its command has finished: a new step gets a new spinner.
            *spinner = None;
        }
        let spinner = spinner.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, narrow_stderr());
            bar.set_style(ProgressStyle::default_spinner());
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        spinner.set_message(escape_control(&redact(message)).into_owned());
    }

    /// A retry's wait (SPEC §7.2): on the spinner, with the retry's number; without one, one
    /// line on stderr for a new wait of 10 s or more (a CI log shows why nothing moves; the
    /// requests refused during that wait join it silently).
    pub fn waiting(&self, delay: Duration, reason: &str, retry: u32, new: bool) {
        let seconds = delay.as_secs_f32().ceil() as u64;
        if !self.settings.animate {
            if new && delay >= LONG_WAIT {
                self.notice(&format!("Waiting {seconds} s: {reason}."));
            }
            return;
        }
        self.step(&countdown(seconds, reason, retry));
        if seconds <= 1 {
            return;
        }
        // Counts down once a second until the wait is over or another message takes its place.
        let Some(bar) = self.lock().clone() else {
            return;
        };
        let (current, mine) = (
            std::sync::Arc::clone(&self.message),
            self.message.load(std::sync::atomic::Ordering::SeqCst),
        );
        let reason = escape_control(&redact(reason)).into_owned();
        std::thread::spawn(move || {
            for left in (1..seconds).rev() {
                std::thread::sleep(Duration::from_secs(1));
                if current.load(std::sync::atomic::Ordering::SeqCst) != mine || bar.is_finished() {
                    return;
                }
                bar.set_message(countdown(left, &reason, retry));
            }
        });
    }

    /// A progress bar of `len` steps on stderr, hidden where animation is not allowed.
    pub fn progress(&self, len: u64) -> ProgressBar {
        if !self.settings.animate || self.settings.quiet {
            return ProgressBar::hidden();
        }
        self.clear();
        let bar = ProgressBar::with_draw_target(Some(len), narrow_stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        // Steps and waits are told on the bar's line, which keeps counting the changes.
        *self.lock() = Some(bar.clone());
        bar
    }

    /// Runs `f` with the spinner hidden (for a prompt), then shows it again.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match self.lock().as_ref() {
            Some(spinner) => spinner.suspend(f),
            None => f(),
        }
    }

    /// Asks for a secret on the terminal without echoing it. `None` when the person cancelled
    /// (Esc or Ctrl+C).
    pub fn password(&self, prompt: &str) -> std::io::Result<Option<String>> {
        self.ask(PROMPT_ROWS, || {
            inquire::Password::new(prompt)
                .without_confirmation()
                .with_display_mode(inquire::PasswordDisplayMode::Hidden)
                .prompt()
        })
    }

    /// A multi-select over `options` with those at `defaults` selected; typing filters the list.
    /// `None` when the person cancelled.
    pub fn pick(
        &self,
        prompt: &str,
        options: Vec<String>,
        defaults: &[usize],
    ) -> std::io::Result<Option<Vec<String>>> {
        self.ask(LIST_ROWS, || {
            inquire::MultiSelect::new(prompt, options)
                .with_default(defaults)
                .with_help_message(
                    "↑↓ to move, space to select, type to filter, enter to accept, esc to cancel",
                )
                .prompt()
        })
    }

    /// One choice among `options`; typing filters the list. `None` when the person cancelled.
    pub fn select(&self, prompt: &str, options: Vec<String>) -> std::io::Result<Option<usize>> {
        self.ask(LIST_ROWS, || {
            inquire::Select::new(prompt, options)
                .with_help_message("↑↓ to move, type to filter, enter to choose, esc to cancel")
                .raw_prompt()
                .map(|choice| choice.index)
        })
    }

    /// A line of text. `None` when the person cancelled.
    pub fn text(&self, prompt: &str) -> std::io::Result<Option<String>> {
        self.ask(PROMPT_ROWS, || inquire::Text::new(prompt).prompt())
    }

    /// A yes/no question, no by default. `None` when the person cancelled.
    pub fn confirm(&self, prompt: &str) -> std::io::Result<Option<bool>> {
        self.ask(PROMPT_ROWS, || {
            inquire::Confirm::new(prompt).with_default(false).prompt()
        })
    }

    /// Runs a prompt with room for `rows` lines of it made first, so that it cannot scroll the
    /// screen: Ctrl+C (which inquire leaves drawn, unlike Esc) then wipes it from where it began.
    fn ask<T>(
        &self,
        rows: usize,
        prompt: impl FnOnce() -> Result<T, inquire::InquireError>,
    ) -> std::io::Result<Option<T>> {
        self.suspend(|| {
            let mut stderr = std::io::stderr();
            // Down `rows` lines (scrolling if need be), back up, and remember the spot.
            let _ = write!(stderr, "{}\x1b[{rows}A\x1b7", "\n".repeat(rows));
            let _ = stderr.flush();
            let answer = prompt();
            if matches!(answer, Err(inquire::InquireError::OperationInterrupted)) {
                let _ = write!(stderr, "\x1b8\x1b[J");
                let _ = stderr.flush();
            }
            prompt_result(answer)
        })
    }

    /// Removes the spinner line (at exit, on Ctrl+C).
    pub fn clear(&self) {
        self.message
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Some(spinner) = self.lock().take() {
            spinner.finish_and_clear();
        }
    }

    fn write_stderr(&self, text: &str) {
        let text = escape_control(&redact(text)).into_owned();
        self.suspend(|| {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.spinner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// stderr as indicatif draws on it, but two columns short of the terminal's width. indicatif
/// pads its line to the right edge, so the `^C` a terminal echoes on Ctrl+C would wrap onto the
/// next line and the clearing would wipe that line instead, leaving the spinner drawn above.
fn narrow_stderr() -> ProgressDrawTarget {
    ProgressDrawTarget::term_like_with_hz(Box::new(Narrow(console::Term::buffered_stderr())), 20)
}

#[derive(Debug)]
struct Narrow(console::Term);

impl indicatif::TermLike for Narrow {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn prompt_result<T>(answer: Result<T, inquire::InquireError>) -> std::io::Result<Option<T>> {
    match answer {
        Ok(value) => Ok(Some(value)),
        Err(
            inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted,
        ) => Ok(None),
        Err(inquire::InquireError::IO(err)) => Err(err),
        Err(other) => Err(std::io::Error::other(other.to_string())),
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        self.clear();
    }
}
