//! RFC 4180 output whose first two columns are always `code,message` (SPEC §4.3). The data is
//! written as received: CSV consumers are programs, not terminals.

use super::{ItemResult, Outcome, Response, NOT_STARTED};
use crate::error::CliError;

pub fn outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Value(view) => {
            let table = view.csv();
            let rows = table.rows.into_iter().map(|cells| {
                let mut record = vec!["OK".to_owned(), String::new()];
                record.extend(cells);
                record
            });
            write(table.columns, rows)
        }
        Outcome::Response(Response { message, data, .. }) => {
            let mut record = vec!["OK".to_owned(), message.clone()];
            record.extend(data.cells());
            write(data.columns(), std::iter::once(record))
        }
        Outcome::Batch(batch) => {
            let blank = || batch.columns.iter().map(|_| String::new());
            let rows = batch.items.iter().map(|item| match &item.result {
                ItemResult::Done(Response { message, data, .. }) => {
                    let mut record = vec!["OK".to_owned(), message.clone()];
                    record.extend(data.cells());
                    record
                }
                ItemResult::Failed(error) => {
                    let mut record = vec![error.code.code().to_owned(), error.message()];
                    record.extend(blank());
                    record
                }
                ItemResult::NotStarted => {
                    let mut record = vec!["EXECUTION_CANCELLED".to_owned(), NOT_STARTED.to_owned()];
                    record.extend(blank());
                    record
                }
            });
            write(batch.columns, rows)
        }
        Outcome::Document(text) => text.clone(),
    }
}

pub fn error(error: &CliError) -> String {
    write(
        &[],
        std::iter::once(vec![error.code.code().to_owned(), error.message()]),
    )
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
