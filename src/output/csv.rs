//! RFC 4180 output whose first two columns are always `code,message` (SPEC §4.3).

use super::{snake_case, Report};
use crate::error::CliError;

pub fn report(report: &Report) -> String {
    match report {
        Report::Value { table, .. } => {
            let mut header = vec!["code".to_owned(), "message".to_owned()];
            header.extend(table.columns.iter().map(|column| snake_case(column)));
            let rows = table.rows.iter().map(|row| {
                let mut record = vec!["OK".to_owned(), String::new()];
                record.extend(row.iter().map(|values| values.join(",")));
                record
            });
            write(header, rows)
        }
        Report::Response {
            message, fields, ..
        } => {
            let mut header = vec!["code".to_owned(), "message".to_owned()];
            header.extend(fields.iter().map(|(name, _)| (*name).to_owned()));
            let mut record = vec!["OK".to_owned(), message.clone()];
            record.extend(fields.iter().map(|(_, value)| value.clone()));
            write(header, std::iter::once(record))
        }
    }
}

pub fn error(error: &CliError) -> String {
    let header = vec!["code".to_owned(), "message".to_owned()];
    write(
        header,
        std::iter::once(vec![error.code.code().to_owned(), error.message()]),
    )
}

fn write(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    writer.write_record(&header).expect("in-memory write");
    for row in rows {
        writer.write_record(&row).expect("in-memory write");
    }
    String::from_utf8(writer.into_inner().expect("in-memory flush"))
        .expect("CSV of UTF-8 strings is UTF-8")
}
