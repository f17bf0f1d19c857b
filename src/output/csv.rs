//! RFC 4180 output whose first two columns are always `code,message` (SPEC §4.3). The data is
//! written as received: CSV consumers are programs, not terminals. A message is one line.

use super::{CsvTable, Outcome, Style};
use crate::error::CliError;

pub fn outcome(outcome: &Outcome, style: Style) -> String {
    match outcome {
        Outcome::Value(view) => super::value_text(view.as_ref(), style),
        Outcome::Response(response) => {
            let code = response.code().code().to_owned();
            let message = one_line(&response.envelope_message());
            if let Some(attributes) = response.data.attributes() {
                // Attribute rows carry no message when all went well, as a value's rows.
                let message = if response.failure.is_some() {
                    message
                } else {
                    String::new()
                };
                let rows = attributes.into_iter().map(|(name, value)| {
                    vec![code.clone(), message.clone(), name.to_owned(), value]
                });
                return write(&["attribute", "value"], rows);
            }
            let mut record = vec![code, message];
            record.extend(response.data.cells());
            write(&response.data.columns(), std::iter::once(record))
        }
        Outcome::Batch(batch) => {
            let rows = batch.items.iter().map(|item| {
                let (code, message) = item.result.code_and_message();
                let mut record = vec![
                    code.to_owned(),
                    one_line(&message),
                    item.label.clone(),
                    item.result.status().as_str().to_owned(),
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
        Outcome::Document(text, _) => text.clone(),
        Outcome::Verdict(verdict) => {
            let rows = verdict.csv_rows.iter().map(|(code, cells)| {
                let mut record = vec![code.code().to_owned(), String::new()];
                record.extend(cells.iter().cloned());
                record
            });
            write(&verdict.csv_columns, rows)
        }
    }
}

/// A value's rows, each after `OK` and an empty message.
pub fn value(table: CsvTable) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_value(&mut out, &table.columns, table.rows.iter());
    String::from_utf8_lossy(&out).into_owned()
}

/// [`value`] written into `out` row by row.
fn write_value<W, R, T>(
    out: W,
    columns: &[&str],
    rows: impl Iterator<Item = R>,
) -> std::io::Result<()>
where
    W: std::io::Write,
    R: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut writer = writer(out);
    writer
        .write_record(["code", "message"].iter().chain(columns))
        .map_err(io_error)?;
    for cells in rows {
        writer.write_field("OK").map_err(io_error)?;
        writer.write_field("").map_err(io_error)?;
        writer.write_record(cells).map_err(io_error)?;
    }
    writer.flush()
}

/// The CSV of items drawn through their columns, written row by row with each cell borrowed
/// where it can be (an expanded access report runs to millions of rows).
pub fn write_items<W: std::io::Write, T, B: std::borrow::Borrow<T>>(
    out: W,
    columns: &[&super::columns::Column<T>],
    items: impl Iterator<Item = B>,
) -> std::io::Result<()> {
    let written: Vec<_> = columns.iter().filter(|c| c.csv.is_some()).collect();
    let mut writer = writer(out);
    let names = written.iter().filter_map(|c| c.csv);
    writer
        .write_record(["code", "message"].into_iter().chain(names))
        .map_err(io_error)?;
    for item in items {
        writer.write_field("OK").map_err(io_error)?;
        writer.write_field("").map_err(io_error)?;
        for column in &written {
            let cell = (column.get)(item.borrow()).csv();
            writer.write_field(cell.as_bytes()).map_err(io_error)?;
        }
        writer
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(io_error)?;
    }
    writer.flush()
}

/// The I/O error under a CSV one as it was (a closed pipe must stay `BrokenPipe`, SPEC §4).
fn io_error(err: csv::Error) -> std::io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// A CSV writer with the line ends of the contract (`\n`, as the original writes).
fn writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
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
    let mut writer = writer(Vec::new());
    let header = ["code", "message"].iter().chain(columns);
    // Writing to a Vec cannot fail; a failure would only drop rows, never panic.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}
