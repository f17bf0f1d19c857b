//! The JSON contract: the value envelope and the response envelope (SPEC §4.2).

use std::io::Write;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{next_steps, Batch, Outcome, Style};
use crate::error::CliError;
use crate::hints::{CommandLine, Hint};

#[derive(Serialize)]
struct ValueEnvelope<'a, T: Serialize> {
    code: &'static str,
    data: &'a T,
}

/// `{"code": "OK", "data": <data>}`, pretty-printed.
pub fn value_envelope<T: Serialize>(data: &T) -> String {
    pretty(&ValueEnvelope { code: "OK", data })
}

/// [`value_envelope`] written into `out` as it is serialized.
pub fn write_value_envelope<T: Serialize>(
    out: &mut dyn std::io::Write,
    data: &T,
) -> std::io::Result<()> {
    // serde_json writes a few bytes at a time: gathered here, they cross `out` in big pieces.
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, &ValueEnvelope { code: "OK", data })?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// Every change and every error: all four keys, always.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseEnvelope<'a> {
    code: &'a str,
    message: &'a str,
    data: Value,
    next_steps: Option<&'a [Hint]>,
}

pub fn outcome(outcome: &Outcome, line: &CommandLine, style: Style) -> String {
    match outcome {
        Outcome::Value(view) => super::value_text(view.as_ref(), style),
        Outcome::Response(response) => {
            let hints = line.hints(&response.suggestions);
            pretty(&ResponseEnvelope {
                code: response.code().code(),
                message: &response.envelope_message(),
                data: response.data.json(),
                next_steps: next_steps(&hints),
            })
        }
        Outcome::Document(text, _) => text.clone(),
        Outcome::Verdict(verdict) => pretty(&ResponseEnvelope {
            code: verdict.code.code(),
            message: &verdict.message(),
            data: verdict.data.clone(),
            next_steps: None,
        }),
        Outcome::Batch(batch) => {
            let hints = batch.hints(line);
            pretty(&ResponseEnvelope {
                code: batch.code().code(),
                message: &batch.summary(),
                data: Value::Array(batch_items(batch)),
                next_steps: next_steps(&hints),
            })
        }
    }
}

/// One object per item: its key, `status`, `code`, `message`, then its data (SPEC §13.4).
fn batch_items(batch: &Batch) -> Vec<Value> {
    batch
        .items
        .iter()
        .map(|item| {
            let mut object = Map::new();
            object.insert(item.kind_in(batch).key().into(), item.label.clone().into());
            object.insert("status".into(), item.result.status().as_str().into());
            let (code, message) = item.result.code_and_message();
            object.insert("code".into(), code.into());
            object.insert("message".into(), message.into());
            if let Some(Value::Object(fields)) = item.record().map(|record| record.json()) {
                object.extend(fields);
            }
            Value::Object(object)
        })
        .collect()
}

pub fn error(error: &CliError, hints: &[Hint]) -> String {
    let data = if error.problems.is_empty() {
        Value::Null
    } else {
        serde_json::json!({ "problems": error.problems })
    };
    pretty(&ResponseEnvelope {
        code: error.code.code(),
        message: &error.message(),
        data,
        next_steps: next_steps(hints),
    })
}

fn pretty(value: &impl Serialize) -> String {
    let mut out = Vec::with_capacity(4096);
    if serde_json::to_writer_pretty(&mut out, value).is_err() {
        out = b"null".to_vec();
    }
    out.push(b'\n');
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}
