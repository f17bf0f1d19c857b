//! What commands return ([`Outcome`]) and how it is printed: `human`, `json` or `csv` (SPEC §4).
//!
//! Renderers are pure: they turn an outcome or an error into the text for stdout and stderr, and
//! `app` writes it. Nothing here calls the API. Each view derives `Serialize` for JSON and names
//! its CSV columns itself (the CSV header is a contract, SPEC §4.3).

mod csv;
mod human;
pub mod json;
pub mod views;

use serde::Serialize;
use serde_json::Value;

use crate::error::{CliError, ErrorCode};
use crate::hints::{CommandLine, Hint, Suggestion};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Csv,
}

/// A human table: one row per item, each cell one or more values (one per line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Vec<String>>>,
}

impl Table {
    pub fn new(columns: &[&'static str]) -> Self {
        Self {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Vec<String>>) {
        self.rows.push(cells);
    }

    /// An `Attribute | Value` table, as `user get` and `role get` show.
    pub fn attributes(rows: Vec<(&'static str, Vec<String>)>) -> Self {
        let mut table = Self::new(&["Attribute", "Value"]);
        for (name, values) in rows {
            table.row(vec![vec![name.to_owned()], values]);
        }
        table
    }
}

/// CSV rows after `code,message`: the columns are declared by the view, never derived from the
/// human headers.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

/// Data for the value envelope (`{"code": "OK", "data": …}`), a table, and CSV rows.
pub trait ValueView {
    /// The whole JSON value envelope, serialized straight from the view's borrowed data (no
    /// intermediate `serde_json::Value`): see [`json::value_envelope`].
    fn json(&self) -> String;
    fn table(&self) -> Table;
    fn csv(&self) -> CsvTable;
}

/// The typed data of a change (invite, delete, …): JSON keys from `Serialize`, CSV cells in the
/// order of `COLUMNS`.
pub trait Record: Serialize {
    const COLUMNS: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

/// [`Record`] made object-safe so that outcomes can hold any change's data.
pub trait AnyRecord {
    fn json(&self) -> Value;
    fn columns(&self) -> &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

impl<T: Record> AnyRecord for T {
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn columns(&self) -> &'static [&'static str] {
        T::COLUMNS
    }
    fn cells(&self) -> Vec<String> {
        Record::cells(self)
    }
}

/// The outcome of a change: a message with hints, and its data (the response envelope).
pub struct Response {
    pub message: String,
    pub suggestions: Vec<Suggestion>,
    pub data: Box<dyn AnyRecord>,
    /// Nothing happened (an unchanged row of `apply`): human output leaves it out of a batch.
    pub routine: bool,
}

impl Response {
    pub fn new(message: impl Into<String>, data: impl Record + 'static) -> Self {
        Self {
            message: message.into(),
            suggestions: Vec::new(),
            data: Box::new(data),
            routine: false,
        }
    }

    pub fn suggest(mut self, suggestion: impl Into<Suggestion>) -> Self {
        self.suggestions.push(suggestion.into());
        self
    }
}

/// What happened to one item of a multi-item command.
pub enum ItemResult {
    Done(Response),
    Failed(CliError),
    /// Not started because the command was interrupted (SPEC §5).
    NotStarted,
}

impl ItemResult {
    pub fn status(&self) -> &'static str {
        match self {
            Self::Done(_) => "done",
            Self::Failed(_) => "failed",
            Self::NotStarted => "not started",
        }
    }
}

impl From<Result<Response, CliError>> for ItemResult {
    fn from(result: Result<Response, CliError>) -> Self {
        match result {
            Ok(response) => Self::Done(response),
            Err(error) => Self::Failed(error),
        }
    }
}

/// One item of a multi-item command: the user as typed and what happened to it.
pub struct BatchItem {
    pub user: String,
    pub result: ItemResult,
}

/// The outcome of a command over several users, one item per user in argument order.
pub struct Batch {
    pub items: Vec<BatchItem>,
    /// The CSV columns of the items' data, for the header even when every item failed.
    pub columns: &'static [&'static str],
    /// A headline of the command's own (`apply`'s counts), else a count of failures.
    pub headline: Option<String>,
    /// Set when a signal stopped the command: its code and exit status win.
    pub cancelled: Option<ErrorCode>,
}

impl Batch {
    pub fn new(items: Vec<BatchItem>, columns: &'static [&'static str]) -> Self {
        Self {
            items,
            columns,
            headline: None,
            cancelled: None,
        }
    }

    fn count(&self, status: &str) -> usize {
        self.items
            .iter()
            .filter(|item| item.result.status() == status)
            .count()
    }

    pub fn failures(&self) -> usize {
        self.count("failed")
    }

    pub fn code(&self) -> ErrorCode {
        match self.cancelled {
            Some(code) => code,
            None if self.failures() > 0 => ErrorCode::PartialFailure,
            None => ErrorCode::Ok,
        }
    }

    pub fn summary(&self) -> String {
        let failed = self.failures();
        let total = self.items.len();
        if self.cancelled.is_some() {
            return format!(
                "Interrupted: {} done, {failed} failed, {} not started.",
                self.count("done"),
                self.count("not started")
            );
        }
        if let Some(headline) = &self.headline {
            return headline.clone();
        }
        if failed == 0 {
            format!("All {total} users done.")
        } else {
            format!("{failed} of {total} users failed; the others are done.")
        }
    }
}

/// What a command produced.
pub enum Outcome {
    /// Data: a table in human and CSV output, `{"code": "OK", "data": …}` in JSON.
    Value(Box<dyn ValueView>),
    /// The outcome of one change.
    Response(Response),
    /// The outcomes of a change over several items.
    Batch(Batch),
    /// A document printed as it is, whatever `-o` says (`user export`).
    Document(String),
}

impl Outcome {
    pub fn value(view: impl ValueView + 'static) -> Self {
        Self::Value(Box::new(view))
    }

    pub fn exit_status(&self) -> u8 {
        match self {
            Self::Batch(batch) => batch.code().exit_status(),
            _ => 0,
        }
    }

    /// The same outcome, marked as stopped by a signal (a batch keeps its items).
    pub fn cancelled(self, code: ErrorCode) -> Result<Self, CliError> {
        match self {
            Self::Batch(mut batch) => {
                batch.cancelled = Some(code);
                Ok(Self::Batch(batch))
            }
            _ => Err(CliError::new(code, "Interrupted; nothing more was sent.")),
        }
    }
}

/// How to print: the format and what the terminal allows.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
    /// The terminal's width for human tables; `None` (not a terminal) keeps the original layout.
    pub width: Option<usize>,
}

/// Text for the two streams.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

pub fn render(outcome: &Outcome, line: &CommandLine, style: Style) -> Rendered {
    match style.format {
        Format::Human => human::outcome(outcome, line, style),
        Format::Json => Rendered {
            stdout: json::outcome(outcome, line),
            stderr: String::new(),
        },
        Format::Csv => Rendered {
            stdout: csv::outcome(outcome),
            stderr: String::new(),
        },
    }
}

pub fn render_error(error: &CliError, line: &CommandLine, style: Style) -> Rendered {
    if error.code == ErrorCode::Usage {
        return Rendered {
            stdout: String::new(),
            stderr: human::usage_error(error),
        };
    }
    let hints = line.hints(&error.suggestions);
    match style.format {
        Format::Human => Rendered {
            stdout: String::new(),
            stderr: human::error(error, &hints, style),
        },
        Format::Json => Rendered {
            stdout: json::error(error, &hints),
            stderr: String::new(),
        },
        Format::Csv => Rendered {
            stdout: csv::error(error),
            stderr: String::new(),
        },
    }
}

/// The message of an item that a signal kept from starting.
const NOT_STARTED: &str = "Not started: the command was interrupted.";

fn next_steps(hints: &[Hint]) -> Option<&[Hint]> {
    (!hints.is_empty()).then_some(hints)
}

#[cfg(test)]
mod tests {
    use super::views::{Deleted, RolesView};
    use super::*;
    use crate::fixtures::role;

    fn style(format: Format) -> Style {
        Style {
            format,
            color: false,
            quiet: false,
            width: None,
        }
    }

    fn render_as(outcome: &Outcome, format: Format) -> String {
        let rendered = render(outcome, &CommandLine::default(), style(format));
        assert_eq!(rendered.stderr, "", "machine formats write stdout only");
        rendered.stdout
    }

    fn deleted(user: &str) -> Response {
        Response::new(
            format!("User '{user}' has been deleted."),
            Deleted { was_deleted: true },
        )
        .suggest(Hint::new("See all existing users:", "astra user list"))
    }

    fn mixed_batch() -> Outcome {
        let item = |user: &str, result| BatchItem {
            user: user.to_owned(),
            result,
        };
        Outcome::Batch(Batch::new(
            vec![
                item("a@x.io", ItemResult::Done(deleted("a@x.io"))),
                item(
                    "b@x.io",
                    ItemResult::Failed(
                        CliError::new(ErrorCode::UserNotFound, "User 'b@x.io' not found.")
                            .detail("Use 'astra user list'."),
                    ),
                ),
                item("c@x.io", ItemResult::NotStarted),
            ],
            Deleted::COLUMNS,
        ))
    }

    #[test]
    fn a_batch_in_json_lists_every_item_with_its_status_code_and_data() {
        let json: Value = serde_json::from_str(&render_as(&mixed_batch(), Format::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "PARTIAL_FAILURE",
                "message": "1 of 3 users failed; the others are done.",
                "data": [
                    {"user": "a@x.io", "status": "done", "code": "OK",
                     "message": "User 'a@x.io' has been deleted.", "wasDeleted": true},
                    {"user": "b@x.io", "status": "failed", "code": "USER_NOT_FOUND",
                     "message": "Error: User 'b@x.io' not found.\n\nUse 'astra user list'."},
                    {"user": "c@x.io", "status": "not started", "code": "EXECUTION_CANCELLED",
                     "message": "Not started: the command was interrupted."}
                ],
                "nextSteps": null
            })
        );
    }

    #[test]
    fn a_batch_in_csv_blanks_the_data_of_items_that_did_not_happen() {
        assert_eq!(
            render_as(&mixed_batch(), Format::Csv),
            "code,message,was_deleted\n\
             OK,User 'a@x.io' has been deleted.,true\n\
             USER_NOT_FOUND,\"Error: User 'b@x.io' not found.\n\nUse 'astra user list'.\",\n\
             EXECUTION_CANCELLED,Not started: the command was interrupted.,\n"
        );
    }

    #[test]
    fn a_response_has_all_four_keys_and_its_hints_as_next_steps() {
        let outcome = Outcome::Response(deleted("a@x.io"));
        let json: Value = serde_json::from_str(&render_as(&outcome, Format::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "OK",
                "message": "User 'a@x.io' has been deleted.",
                "data": {"wasDeleted": true},
                "nextSteps": [{"comment": "See all existing users:", "command": "astra user list"}]
            })
        );
        assert_eq!(
            render_as(&outcome, Format::Csv),
            "code,message,was_deleted\nOK,User 'a@x.io' has been deleted.,true\n"
        );
        let bare = Outcome::Response(Response::new("Done.", Deleted { was_deleted: false }));
        let json: Value = serde_json::from_str(&render_as(&bare, Format::Json)).unwrap();
        assert_eq!(json["nextSteps"], Value::Null, "no hints: null, not []");
    }

    #[test]
    fn values_are_enveloped_in_json_and_rows_in_csv() {
        let outcome = Outcome::value(RolesView {
            roles: vec![role("r1", "RO User"), role("r2", "R/W, \"Admin\"")],
        });
        let json: Value = serde_json::from_str(&render_as(&outcome, Format::Json)).unwrap();
        assert_eq!(json["code"], "OK");
        assert_eq!(
            json["data"][1],
            serde_json::json!({"ID": "r2", "Name": "R/W, \"Admin\""})
        );
        assert_eq!(
            render_as(&outcome, Format::Csv),
            "code,message,role_id,role_name\nOK,,r1,RO User\nOK,,r2,\"R/W, \"\"Admin\"\"\"\n"
        );
        let document = Outcome::Document("email,roles\n".into());
        for format in [Format::Human, Format::Json, Format::Csv] {
            assert_eq!(
                render(&document, &CommandLine::default(), style(format)).stdout,
                "email,roles\n"
            );
        }
    }

    #[test]
    fn errors_carry_their_code_message_and_hints_in_each_format() {
        let err = CliError::new(ErrorCode::RoleNotFound, "Role 'x' not found.")
            .detail("Use 'astra role list'.")
            .hint("See all roles:", "astra role list");
        let line = CommandLine::default();
        let json: Value =
            serde_json::from_str(&render_error(&err, &line, style(Format::Json)).stdout).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "ROLE_NOT_FOUND",
                "message": "Error: Role 'x' not found.\n\nUse 'astra role list'.",
                "data": null,
                "nextSteps": [{"comment": "See all roles:", "command": "astra role list"}]
            })
        );
        assert_eq!(
            render_error(&err, &line, style(Format::Csv)).stdout,
            "code,message\nROLE_NOT_FOUND,\"Error: Role 'x' not found.\n\nUse 'astra role list'.\"\n"
        );
        let human = render_error(&err, &line, style(Format::Human));
        assert_eq!(human.stdout, "");
        assert!(human.stderr.starts_with("Error: Role 'x' not found."));
        let usage = render_error(&CliError::usage("bad"), &line, style(Format::Json));
        assert_eq!(
            usage,
            Rendered {
                stdout: String::new(),
                stderr: "error: bad\n\nFor more information, try '--help'.\n".into()
            },
            "usage errors look like clap's in every format"
        );
    }

    #[test]
    fn a_batch_decides_the_exit_status_and_a_signal_marks_it_or_ends_the_command() {
        assert_eq!(
            mixed_batch().exit_status(),
            10,
            "a failed item: partial failure"
        );
        assert_eq!(Outcome::Response(deleted("a")).exit_status(), 0);
        let all_done = Outcome::Batch(Batch::new(
            vec![BatchItem {
                user: "a".into(),
                result: ItemResult::Done(deleted("a")),
            }],
            Deleted::COLUMNS,
        ));
        assert_eq!(all_done.exit_status(), 0);
        let stopped = mixed_batch().cancelled(ErrorCode::Terminated).ok().unwrap();
        assert_eq!(stopped.exit_status(), 143);
        let Outcome::Batch(batch) = &stopped else {
            panic!("a batch stays a batch");
        };
        assert_eq!(batch.items.len(), 3);
        assert_eq!(
            batch.summary(),
            "Interrupted: 1 done, 1 failed, 1 not started."
        );
        let err = Outcome::Response(deleted("a"))
            .cancelled(ErrorCode::ExecutionCancelled)
            .err()
            .unwrap();
        assert_eq!(err.code, ErrorCode::ExecutionCancelled);
        assert_eq!(err.headline, "Interrupted; nothing more was sent.");
    }
}
