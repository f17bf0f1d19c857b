//! The desired-state document of `user apply` and `user export` (SPEC §1.8, §1.10, §1.15): CSV
//! with the header `email,roles`, JSON `[{"email", "roles"}]` (or `{"roles", "users"}` with custom
//! roles), or TOML `[[user]]` tables (and `[[role]]` tables). Reading keeps
//! each entry's line number so that every bad row can be named; writing is sorted so that the
//! document diffs cleanly in git.

use serde::{Deserialize, Serialize};

/// The format of a desired-state document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocumentFormat {
    Toml,
    Csv,
    Json,
}

/// One user as the document wants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub email: String,
    pub roles: Vec<String>,
    /// 1-based line of the entry in the file (the CSV header is line 1).
    #[serde(skip)]
    pub line: usize,
}

/// One custom role as the document declares it (SPEC §1.15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleEntry {
    pub name: String,
    pub description: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    #[serde(skip)]
    pub line: usize,
}

/// A whole document: its users, and its roles when it has a role part (even an empty one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub users: Vec<Entry>,
    pub roles: Option<Vec<RoleEntry>>,
}

/// A problem of a row or table, at its line: the one problem type of input (argv and files).
pub type RowProblem = crate::error::Problem;

/// The format named by `--format`, else by the file's extension.
pub fn format_of(path: &str, given: Option<DocumentFormat>) -> Option<DocumentFormat> {
    given.or_else(|| {
        let lower = path.to_ascii_lowercase();
        [
            (".csv", DocumentFormat::Csv),
            (".json", DocumentFormat::Json),
            (".toml", DocumentFormat::Toml),
        ]
        .into_iter()
        .find(|(ext, _)| lower.ends_with(ext))
        .map(|(_, format)| format)
    })
}

/// Reads the entries of a document; a malformed document is one problem at its line.
pub fn parse(text: &str, format: DocumentFormat) -> Result<Vec<Entry>, Vec<RowProblem>> {
    parse_document(text, format).map(|document| document.users)
}

/// Reads a whole document, roles included (CSV holds users only). A byte-order mark (PowerShell
/// 5 writes one) is passed over in every format.
///
/// A malformed document is every problem found, each at its line: every CSV row with the wrong
/// number of fields, every element of a JSON array that is not a user (SPEC §13.1), every TOML
/// table that is not one (a TOML syntax error stops the parser at its first).
pub fn parse_document(text: &str, format: DocumentFormat) -> Result<Document, Vec<RowProblem>> {
    let text = crate::text::without_bom(text);
    match format {
        DocumentFormat::Csv => parse_csv(text).map(|users| Document { users, roles: None }),
        DocumentFormat::Json => parse_json(text),
        DocumentFormat::Toml => parse_toml(text),
    }
}

/// Roles in a CSV cell: separated by `;` or `,`.
fn split_roles(cell: &str) -> Vec<String> {
    let mut roles: Vec<String> = cell
        .split([';', ','])
        .map(str::trim)
        .filter(|role| !role.is_empty())
        .map(str::to_owned)
        .collect();
    roles.shrink_to_fit();
    roles
}

fn parse_csv(text: &str) -> Result<Vec<Entry>, Vec<RowProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|err| vec![RowProblem::new(1, format!("cannot read the header: {err}"))])?;
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let expected = names.len() == 2
        && names[0].eq_ignore_ascii_case("email")
        && names[1].eq_ignore_ascii_case("roles");
    if !expected {
        // Quoted as written and masked first: a token file passed by mistake is its header.
        let written = crate::secret::redact(&names.join(",")).into_owned();
        return Err(vec![RowProblem::new(
            1,
            format!("the header must be 'email,roles', not '{written}'"),
        )]);
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    // One record, read into again and again: a row costs its own strings only.
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|err| {
        let line = err.position().map_or(0, |p| p.line() as usize);
        problems.push(RowProblem::new(line, format!("not CSV: {err}")));
        std::mem::take(&mut problems)
    })? {
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() != 2 {
            problems.push(RowProblem::new(
                line,
                format!("expected 2 fields (email,roles), found {}", record.len()),
            ));
            continue;
        }
        entries.push(Entry {
            email: record[0].trim().to_owned(),
            roles: split_roles(&record[1]),
            line,
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    email: String,
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    resources: Vec<String>,
}

impl RawRole {
    fn into_entry(self, line: usize) -> RoleEntry {
        let trim = |values: Vec<String>| values.iter().map(|v| v.trim().to_owned()).collect();
        RoleEntry {
            name: self.name.trim().to_owned(),
            description: self.description,
            actions: trim(self.actions),
            resources: trim(self.resources),
            line,
        }
    }
}

impl RawEntry {
    fn into_entry(self, line: usize) -> Entry {
        Entry {
            email: self.email.trim().to_owned(),
            roles: self.roles.iter().map(|r| r.trim().to_owned()).collect(),
            line,
        }
    }
}

/// `{"roles": [...], "users": [...]}`: the object form, for a document with custom roles.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonObject {
    #[serde(default)]
    roles: Option<Vec<RawRole>>,
    #[serde(default)]
    users: Vec<RawEntry>,
}

fn parse_json(text: &str) -> Result<Document, Vec<RowProblem>> {
    let object = text.trim_start().starts_with('{');
    let fail = |err: serde_json::Error| {
        let shape = if object {
            "a JSON object {\"roles\", \"users\"}"
        } else {
            "a JSON array of {\"email\", \"roles\"}"
        };
        RowProblem::new(err.line(), format!("not {shape}: {err}"))
    };
    if !object {
        let starts = json_entry_lines(text, 1);
        let raw: Vec<RawEntry> = match serde_json::from_str(text) {
            Ok(raw) => raw,
            // Every element that is not a user, each at its line, when the array itself reads.
            Err(err) => {
                return Err(json_entry_problems(text, &starts).unwrap_or_else(|| vec![fail(err)]))
            }
        };
        let users = raw
            .into_iter()
            .enumerate()
            .map(|(i, entry)| entry.into_entry(starts.get(i).copied().unwrap_or(0)))
            .collect();
        return Ok(Document { users, roles: None });
    }
    let raw: JsonObject = serde_json::from_str(text).map_err(|err| vec![fail(err)])?;
    // Elements of the two arrays are at depth 2: roles come first when they are written first.
    let starts = json_entry_lines(text, 2);
    let roles_first =
        text.find("\"roles\"").unwrap_or(usize::MAX) < text.find("\"users\"").unwrap_or(usize::MAX);
    let role_count = raw.roles.as_ref().map_or(0, Vec::len);
    let (role_starts, user_starts) = if roles_first {
        starts.split_at(role_count.min(starts.len()))
    } else {
        let (users, roles) = starts.split_at(raw.users.len().min(starts.len()));
        (roles, users)
    };
    let at = |lines: &[usize], i: usize| lines.get(i).copied().unwrap_or(0);
    Ok(Document {
        users: raw
            .users
            .into_iter()
            .enumerate()
            .map(|(i, entry)| entry.into_entry(at(user_starts, i)))
            .collect(),
        roles: raw.roles.map(|roles| {
            roles
                .into_iter()
                .enumerate()
                .map(|(i, role)| role.into_entry(at(role_starts, i)))
                .collect()
        }),
    })
}

/// The problem of each element of a JSON array that is not a user, or `None` when the text is
/// not an array of objects at all (then the parser's one error says it).
fn json_entry_problems(text: &str, starts: &[usize]) -> Option<Vec<RowProblem>> {
    let elements: Vec<&serde_json::value::RawValue> = serde_json::from_str(text).ok()?;
    let problems: Vec<RowProblem> = elements
        .iter()
        .enumerate()
        .filter_map(|(i, element)| {
            let err = serde_json::from_str::<RawEntry>(element.get()).err()?;
            let line = starts.get(i).copied().unwrap_or(0) + err.line().saturating_sub(1);
            Some(RowProblem::new(
                line,
                format!("not a user {{\"email\", \"roles\"}}: {err}"),
            ))
        })
        .collect();
    (!problems.is_empty()).then_some(problems)
}

/// The line where each element of the arrays at `depth` starts (1: the top-level array; 2: the
/// arrays of a top-level object).
fn json_entry_lines(text: &str, depth_of_array: usize) -> Vec<usize> {
    let (mut depth, mut in_string, mut escaped, mut line) = (0usize, false, false, 1usize);
    let mut starts = Vec::new();
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                if depth == depth_of_array && (depth == 1 || c == '{') {
                    starts.push(line);
                }
                depth += 1;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    starts
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlDocument {
    #[serde(default)]
    user: Vec<toml::Spanned<RawEntry>>,
    #[serde(default)]
    role: Option<Vec<toml::Spanned<RawRole>>>,
}

fn parse_toml(text: &str) -> Result<Document, Vec<RowProblem>> {
    // Where each line starts, found once: a line per entry by search, not by counting again.
    let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
    let line = |start: usize| newlines.partition_point(|&at| at < start) + 1;
    let mut document = Document {
        users: Vec::new(),
        roles: None,
    };
    // Parsed a few hundred tables at a time: the parser's tree of a whole organization's file
    // costs some 25 times the text (SPEC §1.8: memory proportional to the file and the listing).
    let problem = |offset: usize, err: toml::de::Error| {
        let at = err.span().map_or(0, |span| line(offset + span.start));
        let message = err.message().to_owned();
        RowProblem::new(
            at,
            format!("not a TOML document of [[user]] and [[role]] tables: {message}"),
        )
    };
    for (offset, chunk) in toml_chunks(text, TABLES_PER_CHUNK) {
        let part: TomlDocument = match toml::from_str(chunk) {
            Ok(part) => part,
            // Each table of the piece alone: every table that is wrong is named, not the first.
            Err(first) => {
                let mut problems: Vec<RowProblem> = toml_chunks(chunk, 1)
                    .into_iter()
                    .filter_map(|(at, table)| {
                        let err = toml::from_str::<TomlDocument>(table).err()?;
                        Some(problem(offset + at, err))
                    })
                    .collect();
                if problems.is_empty() {
                    problems.push(problem(offset, first));
                }
                return Err(problems);
            }
        };
        document.users.extend(part.user.into_iter().map(|spanned| {
            let at = line(offset + spanned.span().start);
            spanned.into_inner().into_entry(at)
        }));
        if let Some(roles) = part.role {
            document
                .roles
                .get_or_insert_with(Vec::new)
                .extend(roles.into_iter().map(|spanned| {
                    let at = line(offset + spanned.span().start);
                    spanned.into_inner().into_entry(at)
                }));
        }
    }
    Ok(document)
}

/// How many `[[user]]`/`[[role]]` tables are parsed together.
const TABLES_PER_CHUNK: usize = 512;

/// The text cut into pieces of `tables` tables that are each a TOML document, with where each
/// starts: cut only before a line that is exactly `[[user]]` or `[[role]]`, so that each piece
/// means what it meant in the whole. A text that a cut could change (a multi-line string, which
/// may hold such a line, or keys before the first table) is one piece.
fn toml_chunks(text: &str, tables: usize) -> Vec<(usize, &str)> {
    let whole = vec![(0, text)];
    if text.contains("\"\"\"") || text.contains("'''") {
        return whole;
    }
    let mut starts = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let header = matches!(line.trim(), "[[user]]" | "[[role]]");
        if header {
            starts.push(at);
        } else if starts.is_empty() && !is_blank_or_comment(line) {
            return whole;
        }
        at += line.len();
    }
    let cuts: Vec<usize> = starts
        .iter()
        .copied()
        .step_by(tables)
        .skip(1)
        .chain([text.len()])
        .collect();
    let mut pieces = Vec::with_capacity(cuts.len());
    let mut from = 0;
    for cut in cuts {
        pieces.push((from, &text[from..cut]));
        from = cut;
    }
    pieces
}

fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim().trim_start_matches('\u{feff}');
    line.is_empty() || line.starts_with('#')
}

/// Writes entries (already sorted) in `format`.
pub fn write(entries: &[Entry], format: DocumentFormat) -> String {
    write_document(entries, &[], format)
}

/// Writes users and custom roles (already sorted): roles first, so that a reader sees them
/// before the users that hold them. CSV holds users only; JSON is the bare array without roles.
pub fn write_document(entries: &[Entry], roles: &[RoleEntry], format: DocumentFormat) -> String {
    match format {
        DocumentFormat::Json => {
            let mut text = if roles.is_empty() {
                serde_json::to_string_pretty(entries)
            } else {
                #[derive(Serialize)]
                struct Both<'a> {
                    roles: &'a [RoleEntry],
                    users: &'a [Entry],
                }
                serde_json::to_string_pretty(&Both {
                    roles,
                    users: entries,
                })
            }
            .unwrap_or_default();
            text.push('\n');
            text
        }
        DocumentFormat::Csv => {
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            let _ = writer.write_record(["email", "roles"]);
            for entry in entries {
                let _ = writer.write_record([entry.email.as_str(), &entry.roles.join(";")]);
            }
            String::from_utf8_lossy(&writer.into_inner().unwrap_or_default()).into_owned()
        }
        DocumentFormat::Toml => {
            #[derive(Serialize)]
            struct Tables<'a> {
                #[serde(skip_serializing_if = "<[RoleEntry]>::is_empty")]
                role: &'a [RoleEntry],
                user: &'a [Entry],
            }
            toml::to_string(&Tables {
                role: roles,
                user: entries,
            })
            .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    /// A long file is parsed a chunk at a time, each entry at its own line as in the whole.
    #[test]
    fn a_long_toml_file_reads_as_one_document_with_every_line() {
        let mut text =
            String::from("# team\n\n[[role]]\nname = \"Ops\"\nactions = [\"db-cql\"]\n\n");
        for i in 0..1200 {
            text.push_str(&format!(
                "[[user]]\nemail = \"u{i}@x.io\"\nroles = [\"RO User\"]\n\n"
            ));
            if i == 700 {
                text.push_str("[[role]]\nname = \"Late\"\n\n");
            }
        }
        let pieces = toml_chunks(&text, TABLES_PER_CHUNK);
        assert!(pieces.len() >= 3, "cut in pieces");
        let mut next = 0;
        for (offset, piece) in &pieces {
            assert_eq!(*offset, next, "the pieces follow each other");
            assert!(!piece.is_empty());
            assert_eq!(&text[*offset..*offset + piece.len()], *piece);
            next += piece.len();
        }
        assert_eq!(next, text.len(), "and cover the whole text");
        assert!(pieces[1..]
            .iter()
            .all(|(_, piece)| piece.starts_with("[[user]]")));
        let document = parse_document(&text, DocumentFormat::Toml).unwrap();
        assert_eq!(document.users.len(), 1200);
        assert_eq!(document.users[0].line, 7);
        assert_eq!(document.users[1199].email, "u1199@x.io");
        let roles = document.roles.unwrap();
        assert_eq!((roles[0].line, roles[1].name.as_str()), (3, "Late"));
        assert_eq!(roles[1].line, 7 + 4 * 701);
        assert_eq!(document.users[1199].line, 7 + 4 * 1199 + 3);

        let broken = text.replace("email = \"u1100@x.io\"", "email = u1100");
        let problem = &parse_document(&broken, DocumentFormat::Toml).unwrap_err()[0];
        assert_eq!(problem.line(), 7 + 4 * 1100 + 3 + 1, "{}", problem.problem);
        // An error at the end of a line is on that line, not the next.
        let unfinished = parse_document("[[user]]\nemail =\nroles = []\n", DocumentFormat::Toml);
        assert_eq!(unfinished.unwrap_err()[0].line(), 2);
    }

    #[test]
    fn every_toml_table_that_is_not_a_user_is_named_with_its_line() {
        let text = "[[user]]\nemail = \"a@x.io\"\nroles = \"RO User\"\n\n[[user]]\nemail = \"b@x.io\"\nroles = [\"RO User\"]\n\n[[user]]\nemail = 3\nroles = []\n";
        let problems = parse(text, DocumentFormat::Toml).unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|p| p.line()).collect();
        assert_eq!(lines, [3, 10], "{problems:?}");
        assert!(
            problems[0].problem.contains("expected a sequence"),
            "{problems:?}"
        );
        let syntax = parse("[[user]\n", DocumentFormat::Toml).unwrap_err();
        assert_eq!(syntax.len(), 1);
    }

    #[test]
    fn a_toml_file_that_a_cut_could_change_is_parsed_whole() {
        let tables = "[[user]]\nemail = \"a@x.io\"\n".repeat(TABLES_PER_CHUNK + 1);
        assert_eq!(toml_chunks(&tables, TABLES_PER_CHUNK).len(), 2);
        for text in [
            format!("title = 'x'\n{tables}"),
            format!("{tables}[[user]]\nemail = '''\n[[user]]\n'''\n"),
        ] {
            assert_eq!(toml_chunks(&text, TABLES_PER_CHUNK), [(0, text.as_str())]);
        }
        let commented = format!("\u{feff}# c\n\n{tables}");
        assert_eq!(toml_chunks(&commented, TABLES_PER_CHUNK).len(), 2);
    }
    use super::*;
    use proptest::prelude::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                email: "a@x.io".into(),
                roles: vec!["Billing Admin".into(), "R/W User".into()],
                line: 0,
            },
            Entry {
                email: "b@x.io".into(),
                roles: vec!["RO User".into()],
                line: 0,
            },
        ]
    }

    #[test]
    fn every_format_round_trips_with_line_numbers() {
        for format in [
            DocumentFormat::Csv,
            DocumentFormat::Json,
            DocumentFormat::Toml,
        ] {
            let text = write(&entries(), format);
            let read = parse(&text, format).unwrap();
            let strip = |mut e: Vec<Entry>| {
                e.iter_mut().for_each(|e| e.line = 0);
                e
            };
            assert_eq!(strip(read.clone()), entries(), "{format:?}\n{text}");
            assert!(
                read[1].line > read[0].line && read[0].line >= 1,
                "{format:?}: {read:?}"
            );
        }
        let csv = parse(
            "email,roles\na@x.io,\"A;B\"\nb@x.io,C\n",
            DocumentFormat::Csv,
        )
        .unwrap();
        assert_eq!((csv[0].line, csv[1].line), (2, 3));
        assert_eq!(csv[0].roles, ["A", "B"]);
        let toml = parse("# team\n\n[[user]]\nemail = \"a@x.io\"\nroles = [\"A\"]\n\n[[user]]\nemail = \"b@x.io\"\n", DocumentFormat::Toml).unwrap();
        assert_eq!((toml[0].line, toml[1].line), (3, 7));
        let json = parse(
            "[\n  {\"email\": \"a@x.io\", \"roles\": [\"A\"]},\n\n  {\"email\": \"b@x.io\"}\n]",
            DocumentFormat::Json,
        )
        .unwrap();
        assert_eq!((json[0].line, json[1].line), (2, 4));
    }

    #[test]
    fn roles_are_read_with_their_lines_and_written_back_first() {
        let role = RoleEntry {
            name: "Ops".into(),
            description: "d".into(),
            actions: vec!["db-cql".into()],
            resources: vec!["drn:astra:org:__ORG_ID__:db:*".into()],
            line: 0,
        };
        for format in [DocumentFormat::Toml, DocumentFormat::Json] {
            let text = write_document(&entries(), std::slice::from_ref(&role), format);
            let read = parse_document(&text, format).unwrap();
            let roles = read.roles.expect("a role part");
            assert_eq!(roles.len(), 1, "{format:?}");
            assert_eq!(roles[0].name, "Ops");
            assert_eq!(roles[0].actions, role.actions);
            assert!(
                roles[0].line >= 1 && roles[0].line < read.users[0].line,
                "{format:?}: {text}"
            );
            assert_eq!(read.users.len(), 2);
        }
        let users_first = "{\n \"users\": [\n  {\"email\": \"a@x.io\"}\n ],\n \"roles\": [\n  {\"name\": \"R\"}\n ]\n}";
        let read = parse_document(users_first, DocumentFormat::Json).unwrap();
        assert_eq!((read.users[0].line, read.roles.unwrap()[0].line), (3, 6));
        let bare = parse_document("[]", DocumentFormat::Json).unwrap();
        assert_eq!(bare.roles, None, "a bare array has no role part");
        let empty = parse_document("role = []\n", DocumentFormat::Toml).unwrap();
        assert_eq!(
            empty.roles,
            Some(Vec::new()),
            "an empty role part is a role part"
        );
        assert_eq!(
            write_document(&entries(), &[], DocumentFormat::Json),
            write(&entries(), DocumentFormat::Json),
            "no custom role: the bare array"
        );
    }

    #[test]
    fn json_line_numbers_ignore_brackets_and_quotes_inside_strings() {
        let text = "[\n  {\"email\": \"a{[\\\"@x.io\", \"roles\": [\"A\"]},\n  {\"email\": \"b@x.io\",\n   \"roles\": [\"}]\"]},\n  {\"email\": \"c@x.io\", \"roles\": [\"C\"]}\n]";
        let entries = parse(text, DocumentFormat::Json).unwrap();
        let lines: Vec<usize> = entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 5], "{text}");
    }

    #[test]
    fn a_malformed_document_names_its_line() {
        let err = &parse("email,role\n", DocumentFormat::Csv).unwrap_err()[0];
        assert_eq!(err.line(), 1);
        let err = &parse("[\n{\"email\": 1}\n]", DocumentFormat::Json).unwrap_err()[0];
        assert_eq!(err.line(), 2);
        let err = &parse(
            "[[user]]\nemail = \"a@x.io\"\nrole = []\n",
            DocumentFormat::Toml,
        )
        .unwrap_err()[0];
        assert_eq!(err.line(), 3, "{err:?}");
        assert_eq!(format_of("team.TOML", None), Some(DocumentFormat::Toml));
        assert_eq!(format_of("-", None), None);
    }

    /// SPEC §13.1: every structural problem, each at its line, not only the first.
    #[test]
    fn every_bad_row_and_element_is_reported() {
        let csv = "email,roles\na@x.io,RO User\nb@x.io\nc@x.io,RO User,extra\nd@x.io,RO User\n";
        let lines: Vec<usize> = parse(csv, DocumentFormat::Csv)
            .unwrap_err()
            .iter()
            .map(|p| p.line())
            .collect();
        assert_eq!(lines, [3, 4]);
        let json = "[\n {\"email\": \"a@x.io\", \"roles\": \"RO User\"},\n {\"email\": \"b@x.io\", \"roles\": [\"x\"]},\n {\"email\": 2}\n]";
        let problems = parse(json, DocumentFormat::Json).unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|p| p.line()).collect();
        assert_eq!(lines, [2, 4], "{problems:?}");
        assert!(
            problems[0].problem.contains("expected a sequence"),
            "{problems:?}"
        );
        let broken = parse("[{\"email\": ", DocumentFormat::Json).unwrap_err();
        assert_eq!(
            broken.len(),
            1,
            "not an array at all: the parser's one error"
        );
    }

    proptest! {
        #[test]
        fn no_document_makes_the_readers_panic(text in any::<String>()) {
            for format in [DocumentFormat::Csv, DocumentFormat::Json, DocumentFormat::Toml] {
                let _ = parse(&text, format);
            }
        }
    }
}
