//! `--jq EXPR` (SPEC §2): the JSON document a command prints, filtered in-process by jaq, as
//! `gh --jq` does: each result on its own line, strings raw, other values as compact JSON.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;

/// A compiled jq filter.
pub struct Jq {
    filter: jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>,
}

impl Jq {
    /// Compiles `expr`, or says why it does not compile (a usage error, before any request).
    pub fn compile(expr: &str) -> Result<Self, String> {
        let program = File {
            code: expr,
            path: (),
        };
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader.load(&arena, program).map_err(|errors| {
            let why: Vec<String> = errors.iter().map(|(_, err)| format!("{err:?}")).collect();
            format!("'{expr}' does not parse ({})", describe(&why.join("; ")))
        })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let undefined: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, names)| names.iter().map(|(name, _)| (*name).to_owned()))
                    .collect();
                format!(
                    "'{expr}' names what jq does not know: {}",
                    describe(&undefined.join(", "))
                )
            })?;
        Ok(Self { filter })
    }

    /// The filter's results for the JSON document `json`, one per line.
    pub fn run(&self, json: &str) -> Result<String, String> {
        // serde_json reads the document into jaq's values faster than jaq's own reader.
        let input: Val =
            serde_json::from_str(json).map_err(|err| format!("the output is not JSON: {err}"))?;
        self.run_on(input)
    }

    /// The filter's results for a document already made of jaq's values.
    pub fn run_on(&self, input: Val) -> Result<String, String> {
        // The document is never freed: the process ends after printing, and dropping 100,000
        // users' objects one by one would only cost time.
        std::mem::forget(input.clone());
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut out = String::new();
        for value in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let value = value.map_err(|err| err.to_string())?;
            match &value {
                Val::TStr(text) => out.push_str(&String::from_utf8_lossy(text)),
                other => out.push_str(&other.to_string()),
            }
            out.push('\n');
        }
        Ok(out)
    }
}

fn describe(text: &str) -> String {
    crate::text::escape_control_in_line(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_prints_strings_raw_and_other_values_as_compact_json() {
        let jq = Jq::compile(".data[] | .Email, .Roles").unwrap();
        let out = jq
            .run(r#"{"code": "OK", "data": [{"Email": "a@x.io", "Roles": [{"ID": "r"}]}]}"#)
            .unwrap();
        assert_eq!(out, "a@x.io\n[{\"ID\":\"r\"}]\n");
        let unparsed = Jq::compile(".data[").err().unwrap();
        assert!(
            unparsed.starts_with("'.data[' does not parse (") && unparsed.contains("Lex"),
            "{unparsed}"
        );
        let unknown = Jq::compile("nosuchfunction(1)").err().unwrap();
        assert_eq!(
            unknown,
            "'nosuchfunction(1)' names what jq does not know: nosuchfunction"
        );
        assert_eq!(
            Jq::compile(".code")
                .unwrap()
                .run("{\"code\": \"OK\"}")
                .unwrap(),
            "OK\n"
        );
    }
}
