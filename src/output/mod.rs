//! What commands return ([`Report`]) and how it is printed: `human`, `json` or `csv` (SPEC §4).
//!
//! Renderers are pure: they turn a report or an error into the text for stdout and stderr, and
//! `main` writes it. Nothing here calls the API.

mod csv;
mod human;
mod json;

use serde::Serialize;
use serde_json::Value;

use crate::error::{CliError, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Csv,
}

/// A `# comment` / `$ command` pair shown after a message; `nextSteps` in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hint {
    pub comment: String,
    pub command: String,
}

impl Hint {
    pub fn new(comment: impl Into<String>, command: impl Into<String>) -> Self {
        Self {
            comment: comment.into(),
            command: command.into(),
        }
    }
}

/// A table: one row per item, each cell one or more values (one per line in human output).
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

/// What a command produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// Data: a table in human and CSV output, `{"code": "OK", "data": …}` in JSON.
    Value { data: Value, table: Table },
    /// The outcome of a change: a message with hints, and data. `fields` are the CSV columns
    /// after `code,message`, with their values.
    Response {
        message: String,
        data: Value,
        hints: Vec<Hint>,
        fields: Vec<(&'static str, String)>,
    },
}

/// How to print: the format and what the terminal allows.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
}

/// Text for the two streams.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

pub fn render_report(report: &Report, style: Style) -> Rendered {
    let stdout = match style.format {
        Format::Human => human::report(report, style),
        Format::Json => json::report(report),
        Format::Csv => csv::report(report),
    };
    Rendered {
        stdout,
        stderr: String::new(),
    }
}

pub fn render_error(error: &CliError, style: Style) -> Rendered {
    if error.code == ErrorCode::Usage {
        return Rendered {
            stdout: String::new(),
            stderr: human::usage_error(error),
        };
    }
    match style.format {
        Format::Human => Rendered {
            stdout: String::new(),
            stderr: human::error(error, style),
        },
        Format::Json => Rendered {
            stdout: json::error(error),
            stderr: String::new(),
        },
        Format::Csv => Rendered {
            stdout: csv::error(error),
            stderr: String::new(),
        },
    }
}

/// Lower-case snake_case of a column header, for CSV (`User Id` → `user_id`).
fn snake_case(header: &str) -> String {
    header.trim().to_ascii_lowercase().replace(' ', "_")
}
