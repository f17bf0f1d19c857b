//! Box-drawn tables, messages and hints for people.

use anstyle::{AnsiColor, Effects, Style as Ansi};
use comfy_table::{ContentArrangement, Table as Comfy};

use super::{ItemResult, Outcome, Rendered, Response, Style, Table};
use crate::error::CliError;
use crate::hints::{CommandLine, Hint};
use crate::text::escape_control;

/// `┌─┬─┐` borders, a `├─┼─┤` line under the header only, no lines between rows.
const BOX: &str = "││──├─┼┤│    ┬┴┌┐└┘";

pub fn outcome(outcome: &Outcome, line: &CommandLine, style: Style) -> Rendered {
    let mut rendered = Rendered::default();
    match outcome {
        Outcome::Value(view) => rendered.stdout = table_within(&view.table(), style.width),
        Outcome::Document(text) => rendered.stdout = text.clone(),
        Outcome::Response(response) => {
            rendered.stdout = response_text(response, line, style);
        }
        Outcome::Batch(batch) => {
            let mut hints: Vec<Hint> = Vec::new();
            for item in &batch.items {
                match &item.result {
                    ItemResult::Done(response) if response.routine => {}
                    ItemResult::Done(response) => {
                        rendered
                            .stdout
                            .push_str(&message_text(&response.message, style));
                        for hint in line.hints(&response.suggestions) {
                            if !hints.contains(&hint) {
                                hints.push(hint);
                            }
                        }
                    }
                    ItemResult::Failed(error) => {
                        rendered.stderr.push_str(&headline(&error.message(), style))
                    }
                    ItemResult::NotStarted => rendered
                        .stderr
                        .push_str(&format!("Not started: '{}'.\n", escape_control(&item.user))),
                }
            }
            if !style.quiet {
                rendered.stdout.push_str(&hints_text(&hints, style.color));
            }
            if batch.code() != crate::error::ErrorCode::Ok {
                rendered
                    .stderr
                    .push_str(&headline(&format!("Error: {}", batch.summary()), style));
            } else if let Some(summary) = &batch.headline {
                rendered
                    .stdout
                    .push_str(&format!("{}\n", escape_control(summary)));
            }
        }
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

fn response_text(response: &Response, line: &CommandLine, style: Style) -> String {
    let mut text = message_text(&response.message, style);
    if !style.quiet {
        text.push_str(&hints_text(&line.hints(&response.suggestions), style.color));
    }
    text
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
        return plain_table(table);
    };
    let mut comfy = Comfy::new();
    comfy.load_preset(BOX);
    comfy
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    // The original's rule: a column is at least its header plus one space wide.
    comfy.set_header(table.columns.iter().map(|column| format!("{column} ")));
    for row in &table.rows {
        comfy.add_row(row.iter().map(|values| cell_lines(values).join("\n")));
    }
    let mut text = comfy
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

/// A cell's lines, control characters escaped (a line feed inside a value too); borrowed when
/// there is nothing to escape, which is nearly always.
fn cell_lines(values: &[String]) -> Vec<std::borrow::Cow<'_, str>> {
    values
        .iter()
        .map(|value| match escape_control(value) {
            text if text.contains('\n') => text.replace('\n', "\\u{a}").into(),
            text => text,
        })
        .collect()
}

/// The original's layout, written directly (a 100,000-row list in milliseconds): a column is as
/// wide as the longer of its header plus one space and its longest line, with one space of
/// padding on each side; a multi-valued cell takes one line per value.
fn plain_table(table: &Table) -> String {
    use unicode_width::UnicodeWidthStr;
    let headers: Vec<String> = table.columns.iter().map(|c| format!("{c} ")).collect();
    let rows: Vec<Vec<Vec<std::borrow::Cow<'_, str>>>> = table
        .rows
        .iter()
        .map(|row| row.iter().map(|values| cell_lines(values)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (width, lines) in widths.iter_mut().zip(row) {
            for line in lines {
                *width = (*width).max(line.width());
            }
        }
    }
    let rule = |left: &str, middle: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{left}{}{right}\n", parts.join(middle))
    };
    let mut out = String::with_capacity(256 + rows.len() * (widths.iter().sum::<usize>() + 16));
    out.push_str(&rule("┌", "┬", "┐"));
    let header: Vec<&str> = headers.iter().map(String::as_str).collect();
    table_line(&mut out, &header, &widths);
    out.push_str(&rule("├", "┼", "┤"));
    for row in &rows {
        let height = row.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for index in 0..height {
            let cells: Vec<&str> = (0..widths.len())
                .map(|column| {
                    row.get(column)
                        .and_then(|lines| lines.get(index))
                        .map_or("", |line| line.as_ref())
                })
                .collect();
            table_line(&mut out, &cells, &widths);
        }
    }
    out.push_str(&rule("└", "┴", "┘"));
    out
}

fn table_line(out: &mut String, cells: &[&str], widths: &[usize]) {
    use unicode_width::UnicodeWidthStr;
    out.push('│');
    for (cell, width) in cells.iter().zip(widths) {
        out.push(' ');
        out.push_str(cell);
        for _ in cell.width()..*width {
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
        at > 0
            && bytes[at - 1] != b' '
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
                    at = end + 1;
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

    #[test]
    fn tables_follow_the_original_width_rule() {
        let mut users = Table::new(&["User Id", "User Email", "Status"]);
        users.row(vec![
            vec!["ae2f3b2c-4d5e-6f7g-8h9i-0j1k2l3m4n5o".into()],
            vec!["alice@example.bob".into()],
            vec!["active".into()],
        ]);
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
}
