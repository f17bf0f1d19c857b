//! RFC 4180 output whose first two columns are always `code,message` (SPEC §4.3). The data is
//! written as received: CSV consumers are programs, not terminals. A message is one line.

use super::{CsvTable, Outcome, Response};
use crate::error::CliError;

pub fn outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Value(view) => value(view.csv()),
        Outcome::Response(Response { message, data, .. }) => {
            let mut record = vec!["OK".to_owned(), one_line(message)];
            record.extend(data.cells());
            write(data.columns(), std::iter::once(record))
        }
        Outcome::Batch(batch) => {
            let rows = batch.items.iter().map(|item| {
                let (code, message) = item.result.code_and_message();
                let mut record = vec![
                    code.to_owned(),
                    one_line(&message),
                    item.label.clone(),
                    item.result.status().to_owned(),
                ];
                match item.record() {
                    Some(data) => record.extend(data.cells()),
                    None => record.extend(batch.columns.iter().map(|_| String::new())),
                }
                record
            });
            let columns: Vec<&str> = [batch.key(), "status"]
                .into_iter()
                .chain(batch.columns.iter().copied())
                .collect();
            write(&columns, rows)
        }
        Outcome::Document(text) => text.clone(),
    }
}

/// A value's rows, each after `OK` and an empty message.
pub fn value(table: CsvTable) -> String {
    let rows = table.rows.into_iter().map(|cells| {
        let mut record = vec!["OK".to_owned(), String::new()];
        record.extend(cells);
        record
    });
    write(table.columns, rows)
}

pub fn error(error: &CliError) -> String {
    write(
        &[],
        std::iter::once(vec![
            error.code.code().to_owned(),
            one_line(&error.message()),
        ]),
    )
}

/// A message on one line, as a row of CSV is read: the blank line between its paragraphs (the
/// `¶` of SPEC §4.4, kept in JSON) becomes a space.
fn one_line(message: &str) -> String {
    message
        .split('\n')
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn write(columns: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header = ["code", "message"].iter().chain(columns);
    // Writing to a Vec cannot fail; a failure would only drop rows, never panic.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}
