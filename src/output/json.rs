//! The JSON contract: the value envelope and the response envelope (SPEC §4.2).

use serde::Serialize;
use serde_json::Value;

use super::{Hint, Report};
use crate::error::CliError;

#[derive(Serialize)]
struct ValueEnvelope<'a> {
    code: &'a str,
    data: &'a Value,
}

/// Every change and every error: all four keys, always.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseEnvelope<'a> {
    code: &'a str,
    message: &'a str,
    data: &'a Value,
    next_steps: Option<&'a [Hint]>,
}

pub fn report(report: &Report) -> String {
    match report {
        Report::Value { data, .. } => pretty(&ValueEnvelope { code: "OK", data }),
        Report::Response {
            message,
            data,
            hints,
            ..
        } => pretty(&ResponseEnvelope {
            code: "OK",
            message,
            data,
            next_steps: (!hints.is_empty()).then_some(hints.as_slice()),
        }),
    }
}

pub fn error(error: &CliError) -> String {
    pretty(&ResponseEnvelope {
        code: error.code.code(),
        message: &error.message(),
        data: &Value::Null,
        next_steps: (!error.hints.is_empty()).then_some(error.hints.as_slice()),
    })
}

fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("envelopes always serialize");
    text.push('\n');
    text
}
