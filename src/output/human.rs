//! Box-drawn tables, messages and hints for people.

use anstyle::{AnsiColor, Effects, Style as Ansi};
use comfy_table::{ContentArrangement, Table as Comfy};

use super::{Batch, Effect, ItemResult, Outcome, Rendered, Response, Style, Table, Verdict};
use crate::error::CliError;
use crate::hints::{CommandLine, Hint};
use crate::text::{display_width, escape_control, escape_control_in_line};

/// `┌─┬─┐` borders, a `├─┼─┤` line under the header only, no lines between rows.
const BOX: &str = "││──├─┼┤│    ┬┴┌┐└┘";

pub fn outcome(outcome: &Outcome, line: &CommandLine, style: Style) -> Rendered {
    let mut rendered = Rendered::default();
    match outcome {
        Outcome::Value(view) => rendered.stdout = super::value_text(view.as_ref(), style),
        Outcome::Document(text, _) => rendered.stdout = text.clone(),
        Outcome::Response(response) => rendered = response_text(response, line, style),
        Outcome::Batch(batch) => rendered = batch_text(batch, line, style),
        Outcome::Verdict(verdict) => rendered = verdict_text(verdict, style),
    }
    rendered
}

/// The rows' table (none when there is no row), then the summary: on stdout when the check
/// passed, on stderr as an error when it failed.
fn verdict_text(verdict: &Verdict, style: Style) -> Rendered {
    let mut rendered = Rendered::default();
    if !verdict.table.rows.is_empty() {
        rendered.stdout = table_within(&verdict.table, style.width);
    }
    if verdict.failed() {
        rendered.stderr = headline(&verdict.message(), style);
    } else {
        rendered
            .stdout
            .push_str(&message_text(&verdict.summary, style));
    }
    rendered
}

/// Each item's line on stdout in input order but the unchanged ones, which only the summary
/// counts (as `terraform plan` does); then the summary (stderr when something failed or a signal
/// stopped the batch), then the hints once (SPEC §13.4).
fn batch_text(batch: &Batch, line: &CommandLine, style: Style) -> Rendered {
    let mut rendered = Rendered::default();
    for item in &batch.items {
        let noun = item.kind_in(batch).noun();
        let label = escape_control(&item.label);
        match &item.result {
            ItemResult::Done(response) if response.effect == Effect::Unchanged => {}
            ItemResult::Done(response) => rendered
                .stdout
                .push_str(&message_text(&response.message, style)),
            ItemResult::Failed(error) => {
                // Named once: a headline that starts with the item needs no second mention.
                let named = format!("{noun} '{}'", item.label);
                let text = if error.headline.starts_with(&named) {
                    format!("Error: {}", error.headline)
                } else {
                    format!("Error: {named}: {}", error.headline)
                };
                rendered.stdout.push_str(&headline(&text, style));
            }
            ItemResult::NotStarted(_) => rendered
                .stdout
                .push_str(&format!("Error: Not started: {noun} '{label}'.\n")),
            ItemResult::Skipped(why) => rendered.stdout.push_str(&format!(
                "Skipped: {noun} '{label}': {}\n",
                escape_control(&why.headline)
            )),
        }
    }
    let (summary, stream) = if batch.failed() {
        (headline(&batch.summary(), style), &mut rendered.stderr)
    } else {
        (
            format!("{}\n", escape_control(&batch.summary())),
            &mut rendered.stdout,
        )
    };
    stream.push_str(&summary);
    if !style.quiet {
        stream.push_str(&hints_text(&batch.hints(line), style.color));
    }
    rendered
}

/// A success message, values highlighted when colours are on.
fn message_text(message: &str, style: Style) -> String {
    let message = escape_control(message);
    if style.color {
        format!("{}\n", highlight(&message, None))
    } else {
        format!("{message}\n")
    }
}

/// The message on stdout; a failure after the change on stderr, with the hints after it.
fn response_text(response: &Response, line: &CommandLine, style: Style) -> Rendered {
    let mut rendered = Rendered {
        stdout: message_text(&response.message, style),
        stderr: String::new(),
    };
    if let Some(secret) = &response.shown {
        rendered
            .stdout
            .push_str(&format!("{}\n", escape_control(secret)));
    }
    let hints_to = match &response.failure {
        Some((_, why)) => {
            rendered.stderr = headline(&format!("Error: {why}"), style);
            &mut rendered.stderr
        }
        None => &mut rendered.stdout,
    };
    if !style.quiet {
        hints_to.push_str(&hints_text(&line.hints(&response.suggestions), style.color));
    }
    rendered
}

/// The original's layout (SPEC §4.1), for a pipe or a file.
#[cfg(test)]
pub fn table(table: &Table) -> String {
    table_within(table, None)
}

/// A table no wider than `width`: the widest columns wrap (the box stays whole); `None` keeps
/// the original's layout.
pub fn table_within(table: &Table, width: Option<usize>) -> String {
    let Some(width) = width else {
        return plain_text(&table.columns, &escaped_rows(table));
    };
    // SPEC §4.1: a value is wrapped only between words, never inside an id, email, DRN or URL;
    // when even that cannot fit, each row is a block of `Header: value` lines (psql's expanded
    // mode), which the terminal does not hard-wrap into noise.
    let rows = escaped_rows(table);
    let floors = word_floors(&table.columns, &rows);
    let needed: usize = floors.iter().map(|w| w + 3).sum::<usize>() + 1;
    if needed > width {
        return if rows.is_empty() {
            plain_text(&table.columns, &rows)
        } else {
            blocks(&table.columns, &rows)
        };
    }
    let mut comfy = Comfy::new();
    comfy.load_preset(BOX);
    comfy
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    // The original's rule: a column is at least its header plus one space wide.
    comfy.set_header(table.columns.iter().map(|column| format!("{column} ")));
    for row in rows {
        comfy.add_row(row);
    }
    for (column, floor) in comfy.column_iter_mut().zip(&floors) {
        // comfy-table counts the padding (one space each side) in a column's width.
        let floor = u16::try_from(*floor + 2).unwrap_or(u16::MAX);
        column.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(floor),
        ));
    }
    let mut text = comfy
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

/// Each row as `Header: value` lines, a blank line between rows; an attribute table (`get`) is
/// one record already, so its rows are its lines (`Name: R/W User`). A cell of several values
/// puts each on its own indented line, so that no line is longer than its longest value.
fn blocks(columns: &[&str], rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    if columns == ["Attribute", "Value"] {
        for row in rows {
            field(&mut text, &row[0], &row[1]);
        }
        return text;
    }
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        for (column, cell) in columns.iter().zip(row) {
            field(&mut text, column, cell);
        }
    }
    text
}

fn field(text: &mut String, name: &str, cell: &str) {
    text.push_str(name);
    text.push(':');
    let mut values = cell.lines();
    match (values.next(), values.next()) {
        (None, _) => {}
        (Some(one), None) => {
            text.push(' ');
            text.push_str(one);
        }
        (Some(first), Some(second)) => {
            for value in [first, second].into_iter().chain(values) {
                text.push_str("\n  ");
                text.push_str(value);
            }
        }
    }
    text.push('\n');
}

/// Per column, the widest word (text between spaces) of its header and cells: the narrowest the
/// column may be without splitting a word.
fn word_floors(columns: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    use unicode_width::UnicodeWidthStr;
    let widest = |text: &str| {
        text.split(' ')
            .map(UnicodeWidthStr::width)
            .max()
            .unwrap_or(0)
    };
    let mut floors: Vec<usize> = columns.iter().map(|c| widest(c) + 1).collect();
    for row in rows {
        for (floor, cell) in floors.iter_mut().zip(row) {
            for line in cell.lines() {
                *floor = (*floor).max(widest(line));
            }
        }
    }
    floors
}

/// A cell's lines, control characters escaped (a line feed inside a value too); borrowed when
/// there is nothing to escape, which is nearly always.
fn cell_lines(values: &[String]) -> Vec<std::borrow::Cow<'_, str>> {
    values
        .iter()
        .map(|value| escape_control_in_line(value))
        .collect()
}

/// Each cell escaped once, its values one per line: what both layouts lay out.
fn escaped_rows(table: &Table) -> Vec<Vec<String>> {
    table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|values| cell_lines(values).join("\n"))
                .collect()
        })
        .collect()
}

/// The original's layout of escaped rows, as one string.
fn plain_text(columns: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_plain(&mut out, columns, || rows.iter());
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the original's layout row by row (100,000 users in milliseconds, with no table held
/// in memory): a column is as wide as the longer of its header plus one space and its longest
/// line, with one space of padding on each side; a cell's lines (already escaped, split at line
/// feeds) take one table line each. `rows` is read twice: once for the widths, once to write.
pub fn write_plain<W, I, R, C>(
    out: &mut W,
    columns: &[&str],
    rows: impl Fn() -> I,
) -> std::io::Result<()>
where
    W: std::io::Write + ?Sized,
    I: Iterator<Item = R>,
    R: AsRef<[C]>,
    C: AsRef<str>,
{
    let headers: Vec<String> = columns.iter().map(|c| format!("{c} ")).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for row in rows() {
        for (width, cell) in widths.iter_mut().zip(row.as_ref()) {
            for line in cell.as_ref().split('\n') {
                *width = (*width).max(display_width(line));
            }
        }
    }
    let rule = |left: &str, middle: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{left}{}{right}\n", parts.join(middle))
    };
    let mut line = String::with_capacity(widths.iter().sum::<usize>() * 2 + 32);
    out.write_all(rule("┌", "┬", "┐").as_bytes())?;
    table_line(&mut line, headers.iter().map(|h| h.as_str()), &widths);
    out.write_all(line.as_bytes())?;
    out.write_all(rule("├", "┼", "┤").as_bytes())?;
    for row in rows() {
        let cells = row.as_ref();
        let height = cells
            .iter()
            .map(|cell| cell.as_ref().split('\n').count())
            .max()
            .unwrap_or(1);
        for index in 0..height {
            let parts = (0..widths.len()).map(|column| {
                cells
                    .get(column)
                    .and_then(|cell| cell.as_ref().split('\n').nth(index))
                    .unwrap_or("")
            });
            line.clear();
            table_line(&mut line, parts, &widths);
            out.write_all(line.as_bytes())?;
        }
    }
    out.write_all(rule("└", "┴", "┘").as_bytes())
}

fn table_line<'c>(out: &mut String, cells: impl Iterator<Item = &'c str>, widths: &[usize]) {
    out.push('│');
    for (cell, width) in cells.zip(widths) {
        out.push(' ');
        out.push_str(cell);
        for _ in display_width(cell)..*width {
            out.push(' ');
        }
        out.push_str(" │");
    }
    out.push('\n');
}

/// `Error: …` and its details, the first line bold red when colours are on.
fn headline(message: &str, style: Style) -> String {
    let message = escape_control(message);
    let mut lines = message.lines();
    let first = lines.next().unwrap_or_default();
    let mut text = if style.color {
        let red = Ansi::new()
            .fg_color(Some(AnsiColor::Red.into()))
            .effects(Effects::BOLD);
        highlight(first, Some(red))
    } else {
        first.to_owned()
    };
    for line in lines {
        text.push('\n');
        if style.color {
            text.push_str(&highlight(line, None));
        } else {
            text.push_str(line);
        }
    }
    text.push('\n');
    text
}

/// A message line with colours on: each value in single quotes (what the user typed, a name from
/// the API) shown highlighted instead of quoted (SPEC §4.1); the rest in `base`, if any.
fn highlight(line: &str, base: Option<Ansi>) -> String {
    let value = Ansi::new()
        .fg_color(Some(AnsiColor::Cyan.into()))
        .effects(Effects::BOLD);
    let mut out = String::new();
    for (is_value, part) in quoted_segments(line) {
        match (is_value, base) {
            (true, _) => out.push_str(&paint(part, value)),
            (false, Some(base)) if !part.is_empty() => out.push_str(&paint(part, base)),
            (false, _) => out.push_str(part),
        }
    }
    out
}

/// Splits a line into plain text and quoted values. A value opens with `'` at the start of a word
/// and closes with a `'` followed by the end, a space or punctuation, so apostrophes inside words
/// (`doesn't`, `o'brien`) stay text.
fn quoted_segments(line: &str) -> Vec<(bool, &str)> {
    let bytes = line.as_bytes();
    let opens = |at: usize| at == 0 || matches!(bytes[at - 1], b' ' | b'(' | b'\t' | b'[');
    let closes = |at: usize| {
        // `at` is past an opening quote, so there is a byte before it.
        bytes[at - 1] != b' '
            && bytes.get(at + 1).is_none_or(|next| {
                matches!(
                    next,
                    b' ' | b'.' | b',' | b';' | b':' | b')' | b'?' | b'!' | b']'
                )
            })
    };
    let mut segments = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'\'' && opens(at) {
            if let Some(end) = (at + 1..bytes.len()).find(|&i| bytes[i] == b'\'' && closes(i)) {
                if end > at + 1 {
                    segments.push((false, &line[start..at]));
                    segments.push((true, &line[at + 1..end]));
                    start = end + 1;
                    at = start;
                    continue;
                }
            }
        }
        at += 1;
    }
    segments.push((false, &line[start..]));
    segments
}

pub fn error(error: &CliError, hints: &[Hint], style: Style) -> String {
    let mut text = headline(&error.message(), style);
    if !style.quiet {
        text.push_str(&hints_text(hints, style.color));
    }
    text
}

/// Usage errors look like clap's own, whatever the output format.
pub fn usage_error(error: &CliError) -> String {
    format!(
        "error: {}\n\nFor more information, try '--help'.\n",
        escape_control(&error.headline)
    )
}

fn hints_text(hints: &[Hint], color: bool) -> String {
    let mut text = String::new();
    for hint in hints {
        let comment = format!("# {}", escape_control(&hint.comment));
        let command = format!("$ {}", escape_control(&hint.command));
        if color {
            let dim = Ansi::new().effects(Effects::DIMMED);
            let bold = Ansi::new().effects(Effects::BOLD);
            text.push_str(&format!(
                "\n{}\n{}\n",
                paint(&comment, dim),
                paint(&command, bold)
            ));
        } else {
            text.push_str(&format!("\n{comment}\n{command}\n"));
        }
    }
    text
}

fn paint(text: &str, style: Ansi) -> String {
    format!("{style}{text}{style:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_user() -> Table {
        let mut users = Table::new(&["User Id", "User Email", "Status"]);
        users.row(vec![
            vec!["ae2f3b2c-4d5e-6f7g-8h9i-0j1k2l3m4n5o".into()],
            vec!["alice@example.bob".into()],
            vec!["active".into()],
        ]);
        users
    }

    #[test]
    fn tables_follow_the_original_width_rule() {
        let users = one_user();
        let expected = "\
┌──────────────────────────────────────┬───────────────────┬─────────┐
│ User Id                              │ User Email        │ Status  │
├──────────────────────────────────────┼───────────────────┼─────────┤
│ ae2f3b2c-4d5e-6f7g-8h9i-0j1k2l3m4n5o │ alice@example.bob │ active  │
└──────────────────────────────────────┴───────────────────┴─────────┘
";
        assert_eq!(table(&users), expected);
        assert_eq!(
            table_within(&users, Some(200)),
            expected,
            "comfy-table agrees when it fits"
        );
        let empty = "\
┌──────────┬────────────┐
│ Role Id  │ Role Name  │
├──────────┼────────────┤
└──────────┴────────────┘
";
        assert_eq!(table(&Table::new(&["Role Id", "Role Name"])), empty);
    }

    #[test]
    fn quoted_values_are_found_but_apostrophes_in_words_are_not() {
        let values = |line| {
            quoted_segments(line)
                .into_iter()
                .filter(|(v, _)| *v)
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
        };
        assert_eq!(values("User 'a@b.c' has been deleted."), ["a@b.c"]);
        assert_eq!(
            values("User 'o'brien@x.io' doesn't exist."),
            ["o'brien@x.io"]
        );
        assert_eq!(
            values("roles 'R/W User', 'Billing Admin'."),
            ["R/W User", "Billing Admin"]
        );
        assert_eq!(
            values("pass the '--if-exists' flag if the user doesn't exist."),
            ["--if-exists"]
        );
        assert_eq!(values("it's 'x"), Vec::<&str>::new());
        assert_eq!(
            values("a 'b ' c'"),
            ["b ' c"],
            "a quote after a space does not close"
        );
        assert_eq!(
            values("(' x')"),
            [" x"],
            "the opening quote does not close itself"
        );
        assert_eq!(values("''"), Vec::<&str>::new());
        let painted = highlight("User 'a' left.", None);
        assert_eq!(painted, "User \u{1b}[1m\u{1b}[36ma\u{1b}[0m left.");
    }

    #[test]
    fn multi_valued_cells_take_one_line_per_value() {
        let t = Table::attributes(vec![
            ("Roles", vec!["A".into(), "Billing Admin".into()]),
            ("Status", vec!["x".into()]),
        ]);
        let expected = "\
┌────────────┬───────────────┐
│ Attribute  │ Value         │
├────────────┼───────────────┤
│ Roles      │ A             │
│            │ Billing Admin │
│ Status     │ x             │
└────────────┴───────────────┘
";
        assert_eq!(table(&t), expected);
    }

    use crate::error::ErrorCode;
    use crate::hints::Suggestion;
    use crate::output::views::Deleted;
    use crate::output::{Batch, BatchItem, Format, ItemKind, Record};

    fn plain() -> Style {
        Style {
            format: Format::Human,
            color: false,
            quiet: false,
            width: None,
        }
    }

    fn colored() -> Style {
        Style {
            color: true,
            ..plain()
        }
    }

    fn deleted(message: &str, hint: Option<(&str, &str)>) -> Response {
        let mut response = Response::new(message, Deleted { was_deleted: true });
        if let Some((comment, command)) = hint {
            response = response.suggest(Hint::new(comment, command));
        }
        response
    }

    fn item(user: &str, result: ItemResult) -> BatchItem {
        BatchItem::new(user, result)
    }

    fn batch(items: Vec<BatchItem>) -> Outcome {
        Outcome::Batch(Batch::new(ItemKind::User, items, Deleted::csv_names()))
    }

    const LIST: (&str, &str) = ("See all existing users:", "astra user list");

    #[test]
    fn a_batch_prints_each_change_once_its_hints_once_and_its_failures_on_stderr() {
        let routine = deleted("'c@x.io' is unchanged.", Some(LIST)).unchanged();
        let outcome = batch(vec![
            item(
                "a@x.io",
                ItemResult::Done(deleted("User 'a@x.io' has been deleted.", Some(LIST))),
            ),
            item(
                "b@x.io",
                ItemResult::Failed(CliError::new(
                    ErrorCode::UserNotFound,
                    "User 'b@x.io' not found.",
                )),
            ),
            item("c@x.io", ItemResult::Done(routine)),
            item(
                "d@x.io",
                ItemResult::Done(deleted("User 'd@x.io' has been deleted.", Some(LIST))),
            ),
            item("e\u{1b}@x.io", ItemResult::NotStarted(None)),
        ]);
        let rendered = outcome_text(&outcome, plain());
        assert_eq!(
            rendered.stdout,
            "User 'a@x.io' has been deleted.\n\
             Error: User 'b@x.io' not found.\n\
             User 'd@x.io' has been deleted.\n\
             Error: Not started: User 'e\\u{1b}@x.io'.\n",
            "every item in input order but the unchanged, each named, done hints not repeated"
        );
        assert_eq!(
            rendered.stderr,
            "Error: 1 of 4 changes failed; 2 done. 1 unchanged. Run the same command again to finish.\n\n# See all existing users:\n$ astra user list\n",
            "the summary, then the hints once"
        );
        let quiet = outcome_text(
            &outcome,
            Style {
                quiet: true,
                ..plain()
            },
        );
        assert_eq!(
            quiet.stdout,
            "User 'a@x.io' has been deleted.\n\
             Error: User 'b@x.io' not found.\n\
             User 'd@x.io' has been deleted.\n\
             Error: Not started: User 'e\\u{1b}@x.io'.\n"
        );
        assert!(!quiet.stderr.contains('#'), "no hints under -q");
    }

    #[test]
    fn a_successful_batch_ends_with_its_summary_on_stdout() {
        let items = || {
            let mut done = item(
                "a@x.io",
                ItemResult::Done(deleted("Deleted 'a@x.io'.", None)),
            );
            done.action = Some(crate::output::Action::Delete);
            vec![done]
        };
        assert_eq!(
            outcome_text(&batch(items()), plain()).stdout,
            "Deleted 'a@x.io'.\n1 change done.\n"
        );
        let mut titled = Batch::new(ItemKind::User, items(), Deleted::csv_names());
        titled.title = Some("Applied 't.csv'".into());
        let rendered = outcome_text(&Outcome::Batch(titled), plain());
        assert_eq!(
            rendered.stdout,
            "Deleted 'a@x.io'.\nApplied 't.csv': 1 change done (1 delete).\n"
        );
        assert_eq!(rendered.stderr, "");
    }

    fn outcome_text(outcome: &Outcome, style: Style) -> Rendered {
        super::outcome(outcome, &CommandLine::default(), style)
    }

    #[test]
    fn a_response_shows_its_message_then_its_hints_unless_quiet() {
        let outcome = Outcome::Response(deleted("User 'a\u{7}' has been deleted.", Some(LIST)));
        let rendered = outcome_text(&outcome, plain());
        assert_eq!(
            rendered.stdout,
            "User 'a\\u{7}' has been deleted.\n\n# See all existing users:\n$ astra user list\n"
        );
        assert_eq!(rendered.stderr, "");
        let quiet = outcome_text(
            &outcome,
            Style {
                quiet: true,
                ..plain()
            },
        );
        assert_eq!(quiet.stdout, "User 'a\\u{7}' has been deleted.\n");
        let document = outcome_text(&Outcome::Document("[x]\n".into(), Some("toml")), plain());
        assert_eq!(document.stdout, "[x]\n");
    }

    const RED: &str = "\u{1b}[1m\u{1b}[31m";
    const CYAN: &str = "\u{1b}[1m\u{1b}[36m";
    const RESET: &str = "\u{1b}[0m";

    #[test]
    fn a_coloured_error_has_a_red_headline_highlighted_values_and_dimmed_hints() {
        let err = CliError::new(ErrorCode::UserNotFound, "User 'jo@x.io' not found.")
            .detail("Use 'astra user list' to see them.");
        let hint = Hint::new("See all existing users:", "astra user list");
        let text = error(&err, std::slice::from_ref(&hint), colored());
        assert_eq!(
            text,
            format!(
                "{RED}Error: User {RESET}{CYAN}jo@x.io{RESET}{RED} not found.{RESET}\n\nUse {CYAN}astra user list{RESET} to see them.\n\n\u{1b}[2m# See all existing users:{RESET}\n\u{1b}[1m$ astra user list{RESET}\n"
            )
        );
        assert_eq!(
            error(&err, std::slice::from_ref(&hint), plain()),
            "Error: User 'jo@x.io' not found.\n\nUse 'astra user list' to see them.\n\n# See all existing users:\n$ astra user list\n"
        );
        let ends_with_value = CliError::new(ErrorCode::RoleNotFound, "No role named 'x'");
        assert_eq!(
            error(&ends_with_value, &[], colored()),
            format!("{RED}Error: No role named {RESET}{CYAN}x{RESET}\n"),
            "nothing painted after the last value"
        );
        let quiet = error(
            &err,
            &[hint],
            Style {
                quiet: true,
                ..plain()
            },
        );
        assert_eq!(
            quiet,
            "Error: User 'jo@x.io' not found.\n\nUse 'astra user list' to see them.\n"
        );
    }

    #[test]
    fn a_coloured_success_highlights_its_values_only() {
        let outcome = Outcome::Response(deleted("User 'a@x.io' has been deleted.", None));
        assert_eq!(
            outcome_text(&outcome, colored()).stdout,
            format!("User {CYAN}a@x.io{RESET} has been deleted.\n")
        );
        let failed = batch(vec![
            item(
                "a",
                ItemResult::Failed(CliError::new(
                    ErrorCode::UserNotFound,
                    "User 'a' not found.",
                )),
            ),
            item(
                "b",
                ItemResult::Done(deleted("User 'b' has been deleted.", None)),
            ),
        ]);
        let rendered = outcome_text(&failed, colored());
        assert_eq!(
            rendered.stdout,
            format!("{RED}Error: User {RESET}{CYAN}a{RESET}{RED} not found.{RESET}\nUser {CYAN}b{RESET} has been deleted.\n")
        );
        assert_eq!(
            rendered.stderr,
            format!("{RED}Error: 1 of 2 changes failed; 1 done. Run the same command again to finish.{RESET}\n")
        );
    }

    #[test]
    fn usage_errors_look_like_clap_and_control_characters_never_reach_the_terminal() {
        let err = CliError::usage("unexpected argument '\u{1b}[2J'");
        assert_eq!(
            usage_error(&err),
            "error: unexpected argument '\\u{1b}[2J'\n\nFor more information, try '--help'.\n"
        );
        let hint = Hint::new("Try \u{9b}this:", "astra user get '\u{1b}'");
        assert_eq!(
            hints_text(&[hint], false),
            "\n# Try \\u{9b}this:\n$ astra user get '\\u{1b}'\n"
        );
        let line = CommandLine::default();
        let suggestion = [Suggestion::Fixed(Hint::new("c", "astra x"))];
        assert_eq!(line.hints(&suggestion).len(), 1);
    }

    #[test]
    fn a_cell_without_values_still_takes_a_line_and_line_feeds_are_shown_escaped() {
        let mut t = Table::new(&["Id", "Roles"]);
        t.row(vec![vec!["u1".into()], vec![]]);
        t.row(vec![vec!["u2\n\u{1b}".into()], vec!["日本".into()]]);
        let expected = "\
┌───────────────┬────────┐
│ Id            │ Roles  │
├───────────────┼────────┤
│ u1            │        │
│ u2\\u{a}\\u{1b} │ 日本   │
└───────────────┴────────┘
";
        assert_eq!(table(&t), expected);
    }

    #[test]
    fn a_narrow_terminal_wraps_between_words_and_never_splits_an_id() {
        use unicode_width::UnicodeWidthStr;
        let mut role = Table::new(&["Attribute", "Value"]);
        role.row(vec![
            vec!["Identifier".into()],
            vec!["b4ed0e9e-67e8-47b6-8b58-c6629be961a9".into()],
        ]);
        role.row(vec![
            vec!["Description".into()],
            vec![
                "Read and write the data of every keyspace and table, as a user of any database"
                    .into(),
            ],
        ]);
        role.row(vec![
            vec!["Resources".into()],
            vec!["drn:astra:org:7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c:db:*".into()],
        ]);
        let wide = table_within(&role, Some(75));
        let lines: Vec<&str> = wide.lines().collect();
        assert!(lines.iter().all(|l| l.width() <= 75), "{wide}");
        assert!(lines.len() > 7, "the description wrapped: {wide}");
        for whole in [
            "b4ed0e9e-67e8-47b6-8b58-c6629be961a9",
            "drn:astra:org:7a3c2e6b-1f4d-4c8e-9b2a-5d6f7e8a9b0c:db:*",
        ] {
            assert!(wide.contains(whole), "{whole} is whole:\n{wide}");
        }
        assert!(
            lines[0].starts_with('┌') && lines[0].ends_with('┐'),
            "{wide}"
        );
        assert!(wide.ends_with("┘\n"));
        // Too narrow for the longest word: each row is a block of `Header: value` lines.
        let narrow = table_within(&one_user(), Some(20));
        assert_eq!(
            narrow,
            "User Id: ae2f3b2c-4d5e-6f7g-8h9i-0j1k2l3m4n5o\nUser Email: alice@example.bob\nStatus: active\n"
        );
        let mut two = one_user();
        two.row(vec![vec!["b".into()], vec![], vec!["x".into(), "y".into()]]);
        assert!(
            table_within(&two, Some(20))
                .ends_with("Status: active\n\nUser Id: b\nUser Email:\nStatus:\n  x\n  y\n"),
            "a blank line between rows, several values one per line:\n{}",
            table_within(&two, Some(20))
        );
        let mut attributes = Table::new(&["Attribute", "Value"]);
        attributes.row(vec![vec!["Name".into()], vec!["R/W User".into()]]);
        attributes.row(vec![
            vec!["Resources".into()],
            vec![
                "drn:astra:org:7a3c2e6b-1f4d-4c8e".into(),
                "drn:astra:org:x:db:*".into(),
            ],
        ]);
        assert_eq!(
            table_within(&attributes, Some(20)),
            "Name: R/W User\nResources:\n  drn:astra:org:7a3c2e6b-1f4d-4c8e\n  drn:astra:org:x:db:*\n"
        );
        let empty = Table::new(&["User Id", "User Email"]);
        assert_eq!(
            table_within(&empty, Some(5)),
            table(&empty),
            "no rows: the header"
        );
        let huge = table_within(&one_user(), Some(100_000));
        assert_eq!(
            huge,
            table(&one_user()),
            "wider than u16 counts as unlimited"
        );
    }
}
