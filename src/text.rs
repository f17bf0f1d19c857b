//! Small text rules shared by parsing and rendering: outer quotes, shell-safe arguments, and
//! control characters from outside text (SPEC §1.1, §4.4, §6).

use std::borrow::Cow;
use std::fmt::Write as _;

/// The text without a leading byte-order mark (PowerShell 5 writes one): every file the tool
/// reads (`.astrarc`, a token file, a team file) is read as if it had none.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Removes one pair of matching outer quotes (`'…'` or `"…"`); an unpaired quote stays.
pub fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// An argument as it can be pasted into a POSIX shell: bare when made only of
/// `A-Za-z0-9@%+=:,./_-`, else in single quotes with `'` written as `'\''`.
pub fn shell_quote(arg: &str) -> Cow<'_, str> {
    let safe = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if safe {
        Cow::Borrowed(arg)
    } else {
        Cow::Owned(format!("'{}'", arg.replace('\'', r"'\''")))
    }
}

/// `'a', 'b', 'c'`: names as messages quote them (SPEC §4.1), in order.
pub fn quoted_list<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = names
        .into_iter()
        .map(|name| format!("'{}'", name.as_ref()))
        .collect();
    quoted.join(", ")
}

/// The OS's reason without Rust's `(os error N)` suffix.
pub fn os_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

/// Whether a character must not reach a terminal raw: C0 controls other than tab and line feed,
/// DEL, and C1 controls.
fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Shows control characters as `\u{1b}` so that text from the API cannot drive the terminal.
/// Line feeds and tabs stay (they are layout, not commands).
pub fn escape_control(text: &str) -> Cow<'_, str> {
    escape(text, is_unsafe_control)
}

/// [`escape_control`] for text that must stay on one line (a table cell): line feeds are shown as
/// `\u{a}` too.
pub fn escape_control_in_line(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n' || is_unsafe_control(c))
}

/// Printable ASCII only: nothing to escape, and as many columns as bytes.
fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// The columns `text` takes on a terminal (a table's 100,000 ASCII cells are counted by length).
pub fn display_width(text: &str) -> usize {
    if is_printable_ascii(text) {
        text.len()
    } else {
        unicode_width::UnicodeWidthStr::width(text)
    }
}

fn escape(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if is_printable_ascii(text) || !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `noun` for one, `nouns` for any other count.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_once_and_only_at_the_start() {
        assert_eq!(without_bom("\u{feff}[a]"), "[a]");
        assert_eq!(without_bom("\u{feff}\u{feff}x"), "\u{feff}x");
        assert_eq!(without_bom("x\u{feff}"), "x\u{feff}");
    }
    use proptest::prelude::*;

    #[test]
    fn unquote_removes_one_matching_pair_only() {
        assert_eq!(unquote("'a b'"), "a b");
        assert_eq!(unquote("\"a\""), "a");
        assert_eq!(unquote("\"\"a\"\""), "\"a\"");
        assert_eq!(unquote("'a\""), "'a\"");
        assert_eq!(unquote("\""), "\"");
        assert_eq!(unquote("'"), "'");
        assert_eq!(unquote("'abc"), "'abc");
    }

    #[test]
    fn shell_quoting_is_paste_safe() {
        assert_eq!(shell_quote("a@b.c"), "a@b.c");
        assert_eq!(shell_quote("R/W User"), "'R/W User'");
        assert_eq!(shell_quote("o'brien@x.io"), r"'o'\''brien@x.io'");
        assert_eq!(shell_quote("$(id)"), "'$(id)'");
        assert_eq!(shell_quote("a*b"), "'a*b'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("--if-not-exists"), "--if-not-exists");
    }

    #[test]
    fn control_characters_are_escaped_but_layout_stays() {
        assert_eq!(
            escape_control("a\u{1b}]0;title\u{7}b"),
            "a\\u{1b}]0;title\\u{7}b"
        );
        assert_eq!(escape_control("x\u{1b}[2J"), "x\\u{1b}[2J");
        assert_eq!(escape_control("a\tb\nc"), "a\tb\nc");
        assert_eq!(escape_control("\u{7f}\u{9b}\r"), "\\u{7f}\\u{9b}\\u{d}");
        assert_eq!(escape_control("jörg"), "jörg");
    }

    proptest! {
        #[test]
        fn escaped_text_has_no_control_byte(text in any::<String>()) {
            let escaped = escape_control(&text);
            prop_assert!(!escaped.chars().any(is_unsafe_control));
        }

        #[test]
        fn shell_quoted_text_round_trips_through_sh_rules(text in any::<String>()) {
            // A single-quoted word ends only at a quote; every quote is written as '\''.
            let quoted = shell_quote(&text);
            if quoted.starts_with('\'') {
                let inner = &quoted[1..quoted.len() - 1];
                prop_assert_eq!(inner.replace(r"'\''", "'"), text);
            } else {
                prop_assert_eq!(quoted.as_ref(), text.as_str());
            }
        }

        #[test]
        fn unquote_never_panics(text in any::<String>()) {
            let _ = unquote(&text);
        }
    }

    #[test]
    fn a_list_of_names_is_quoted_in_order() {
        assert_eq!(
            quoted_list(["RO User", "R/W User"]),
            "'RO User', 'R/W User'"
        );
        assert_eq!(quoted_list(["one"]), "'one'");
        assert_eq!(quoted_list(Vec::<String>::new()), "");
    }

    #[test]
    fn os_reasons_lose_their_error_number() {
        let err = std::io::Error::from_raw_os_error(2);
        assert_eq!(os_reason(&err), "No such file or directory");
        let custom = std::io::Error::other("plain");
        assert_eq!(os_reason(&custom), "plain");
    }
}
