//! Secrets as a type, and the masking rule of SPEC §6 for any text the tool prints or logs.

use std::borrow::Cow;
use std::fmt;

/// How every token starts (compared in any letter case where a token is looked for): the one
/// spelling of it in the program.
pub const PREFIX: &str = "AstraCS:";

/// A string that cannot be printed by accident: no `Display`, a masked `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", mask(&self.0))
    }
}

/// `AstraCS:abcd****wxyz`: enough to tell two tokens apart, not enough to use one. A value too
/// short to keep 4 + 4 characters and still hide at least as many is masked whole.
pub fn mask(value: &str) -> String {
    let (prefix, body) = match value.get(..PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(PREFIX) => value.split_at(PREFIX.len()),
        _ => ("", value),
    };
    let body: Vec<char> = body.chars().collect();
    let already_masked = body.len() == 12 && body[4..8].iter().all(|c| *c == '*');
    if already_masked {
        return value.to_owned();
    }
    if body.len() < 16 {
        return format!("{prefix}****");
    }
    let head: String = body[..4].iter().collect();
    let tail: String = body[body.len() - 4..].iter().collect();
    format!("{prefix}{head}****{tail}")
}

/// Where the first `AstraCS:` of `bytes` starts, in any letter case (`astracs:` is a token
/// lower-cased by whatever quoted it: SPEC §6). Found from the colon, which memchr finds fast.
fn find_prefix(bytes: &[u8]) -> Option<usize> {
    let name = &PREFIX.as_bytes()[..PREFIX.len() - 1];
    memchr::memchr_iter(b':', bytes)
        .filter(|&colon| colon >= name.len())
        .map(|colon| colon - name.len())
        .find(|&start| bytes[start..start + name.len()].eq_ignore_ascii_case(name))
}

/// Masks every token-shaped string (`AstraCS:` in any letter case and the token characters
/// after it) in `text`, whatever its origin: the last line of defence before anything is
/// printed or logged.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    redact_except(text, &[])
}

/// [`redact`], letting through exactly the tokens in `shown`: what `token get` and `token
/// create` print on stdout on purpose (SPEC §6). Any other token in the text is still masked.
pub fn redact_except<'a>(text: &'a str, shown: &[&str]) -> std::borrow::Cow<'a, str> {
    if find_prefix(text.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_prefix(rest.as_bytes()) {
        out.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let end = candidate[PREFIX.len()..]
            .char_indices()
            .find(|(_, c)| !is_token_char(*c))
            .map_or(candidate.len(), |(i, _)| PREFIX.len() + i);
        // A sentence's full stop after a token is not part of it.
        let end = PREFIX.len()
            + candidate[PREFIX.len()..end]
                .trim_end_matches(['.', ':', '-', '!', '?'])
                .len();
        // `AstraCS:...` in a help text holds nothing to hide.
        let token = &candidate[..end];
        if shown.contains(&token) {
            out.push_str(token);
        } else if candidate[PREFIX.len()..end]
            .chars()
            .any(char::is_alphanumeric)
        {
            out.push_str(&mask(&candidate[..end]));
        } else {
            out.push_str(&candidate[..end]);
        }
        rest = &candidate[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// [`redact_except`] for output written as it is produced: text is masked a chunk at a time, and
/// a token (or the start of one) at the end of a chunk is held back until the text after it
/// shows where it ends, so a token split across two writes is masked like any other.
/// [`Redacting::finish`] writes what is held back; `flush` never does (it would split a token).
pub struct Redacting<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
    shown: Option<String>,
}

/// How much text is gathered before it is masked and passed on.
const CHUNK: usize = 65_536;

impl<W: std::io::Write> Redacting<W> {
    pub fn new(inner: W, shown: Option<&str>) -> Self {
        Self {
            inner,
            pending: Vec::with_capacity(CHUNK + 1024),
            shown: shown.map(str::to_owned),
        }
    }

    /// Masks and writes everything still held back, then flushes.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.pass_on(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }

    /// Writes the masked text, all of it when `last`, else up to a possibly unfinished token or
    /// character.
    fn pass_on(&mut self, last: bool) -> std::io::Result<()> {
        if find_prefix(&self.pending).is_none() {
            // Nearly always: no token, and the bytes pass as they are (but for the first
            // letters of `AstraCS:` at the end, which the next write may complete).
            let cut = self.pending.len()
                - if last {
                    0
                } else {
                    partial_prefix(&self.pending)
                };
            self.inner.write_all(&self.pending[..cut])?;
            self.pending.drain(..cut);
            return Ok(());
        }
        let shown: Vec<&str> = self.shown.iter().map(String::as_str).collect();
        // The text to mask, how much of it to pass on, and how many bytes that consumes.
        let (text, cut, consumed) = match std::str::from_utf8(&self.pending) {
            Ok(text) => {
                let cut = if last { text.len() } else { open_tail(text) };
                (Cow::Borrowed(text), cut, cut)
            }
            Err(err) if !last && err.error_len().is_none() => {
                // Only a character cut in two at the end: the next write completes it.
                let text =
                    std::str::from_utf8(&self.pending[..err.valid_up_to()]).unwrap_or_default();
                let cut = open_tail(text);
                (Cow::Borrowed(text), cut, cut)
            }
            // Not UTF-8 (nothing the tool renders): masked as lossy text, all of it.
            Err(_) => {
                let text = String::from_utf8_lossy(&self.pending).into_owned();
                let cut = text.len();
                (Cow::Owned(text), cut, self.pending.len())
            }
        };
        self.inner
            .write_all(redact_except(&text[..cut], &shown).as_bytes())?;
        self.pending.drain(..consumed);
        Ok(())
    }
}

impl<W: std::io::Write> std::io::Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= CHUNK {
            self.pass_on(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Where the text's unfinished end starts: a token that runs to the end (more of it may follow)
/// or the first letters of `AstraCS:`; the text's length when it ends cleanly.
fn open_tail(text: &str) -> usize {
    let mut rest = 0;
    while let Some(found) = find_prefix(&text.as_bytes()[rest..]) {
        let start = rest + found;
        let after = start + PREFIX.len();
        match text[after..].find(|c: char| !is_token_char(c)) {
            Some(end) => rest = after + end,
            None => return start,
        }
    }
    text.len() - partial_prefix(text.as_bytes())
}

/// How many of the first letters of `AstraCS:` end `bytes` (0 when none do).
fn partial_prefix(bytes: &[u8]) -> usize {
    (1..PREFIX.len())
        .rev()
        .find(|n| {
            bytes.len() >= *n
                && bytes[bytes.len() - n..].eq_ignore_ascii_case(&PREFIX.as_bytes()[..*n])
        })
        .unwrap_or(0)
}

/// Characters that may follow `AstraCS:` in something meant as a token (generously: a mangled
/// token must still be masked).
fn is_token_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || "\"'`,;()[]{}<>\\|&".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid() -> String {
        format!("AstraCS:{}:{}", "a".repeat(24), "b".repeat(64))
    }

    #[test]
    fn a_token_keeps_four_characters_at_each_end() {
        assert_eq!(mask(&valid()), "AstraCS:aaaa****bbbb");
        assert_eq!(
            format!("{:?}", Secret::new(valid())),
            "Secret(AstraCS:aaaa****bbbb)"
        );
    }

    #[test]
    fn a_short_value_is_masked_whole() {
        assert_eq!(mask("AstraCS:abcdefgh12345"), "AstraCS:****");
        assert_eq!(mask("abcdefghijklmno"), "****");
        assert_eq!(mask("abcdefghijklmnop"), "abcd****mnop");
        assert_eq!(mask(""), "****");
    }

    #[test]
    fn redact_masks_every_token_in_a_text() {
        let text = format!("a {} b \"Bearer {}\"", valid(), valid());
        assert_eq!(
            redact(&text),
            "a AstraCS:aaaa****bbbb b \"Bearer AstraCS:aaaa****bbbb\""
        );
        assert_eq!(
            redact("Bearer AstraCS:aaaa****bbbb"),
            "Bearer AstraCS:aaaa****bbbb"
        );
        assert_eq!(redact("AstraCS:"), "AstraCS:");
        assert_eq!(
            redact(&format!("from {}.", valid())),
            "from AstraCS:aaaa****bbbb."
        );
        assert_eq!(redact("x=AstraCS:...\n"), "x=AstraCS:...\n");
        let lower = valid().to_ascii_lowercase();
        assert_eq!(
            redact(&format!("not '{lower}'")),
            "not 'astracs:aaaa****bbbb'"
        );
        assert_eq!(
            redact("ASTRACS:0123456789abcdefghij"),
            "ASTRACS:0123****ghij"
        );
        assert_eq!(redact("cs:abc s: astra:x"), "cs:abc s: astra:x");
        let unicode = format!("AstraCS:{}é{}", "a".repeat(24), "b".repeat(63));
        assert_eq!(redact(&unicode), "AstraCS:aaaa****bbbb");
    }

    proptest! {
        #[test]
        fn redacted_text_never_holds_a_token(
            before in any::<String>(),
            middle in "[A-Za-z0-9]{24}",
            secret in "[A-Za-z0-9]{64}",
            after in any::<String>(),
            upper in proptest::collection::vec(any::<bool>(), 7),
        ) {
            let prefix: String = "astracs".chars().zip(upper)
                .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            let token = format!("{prefix}:{middle}:{secret}");
            let text = format!("{before}{token}{after}");
            let redacted = redact(&text);
            prop_assert!(!redacted.contains(&secret[4..60]));
        }

        /// Written in pieces of any size (a token, a character, `AstraCS:` itself cut anywhere),
        /// the stream says exactly what the whole text says once masked.
        #[test]
        fn streamed_text_is_masked_as_the_whole_text_is(
            parts in proptest::collection::vec(
                prop_oneof![
                    any::<String>(),
                    Just("AstraCS:abcdefghijklmnopqrstuvwx:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_owned()),
                    Just("AstraCS:shown0000000000000000000:ffff".to_owned()),
                    Just("é, AstraCS:".to_owned()),
                    Just("astracs:abcdefghijklmnopqrstuvwx:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_owned()),
                    Just("ASTRAcs".to_owned()),
                    Just("x".repeat(CHUNK - 3)),
                ],
                0..8,
            ),
            cuts in proptest::collection::vec(0usize..200_000, 0..12),
        ) {
            let text = parts.concat();
            let shown = Some("AstraCS:shown0000000000000000000:ffff");
            let mut stream = Redacting::new(Vec::new(), shown);
            let bytes = text.as_bytes();
            let mut at = 0;
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
            cuts.sort_unstable();
            for cut in cuts.into_iter().chain([bytes.len()]) {
                std::io::Write::write_all(&mut stream, &bytes[at..cut.max(at)]).unwrap();
                at = cut.max(at);
            }
            let written = String::from_utf8(stream.finish().unwrap()).unwrap();
            prop_assert_eq!(written, redact_except(&text, shown.as_slice()));
        }
    }

    /// A piece that holds a token and ends inside a character keeps that character's first bytes
    /// for the next piece; a piece that is not UTF-8 at all is masked as lossy text.
    #[test]
    fn a_character_cut_in_two_after_a_token_is_completed_by_the_next_piece() {
        let token = valid();
        let filler = "w".repeat(CHUNK - token.len() - 2);
        let text = format!("{filler}{token} é and more");
        let cut = filler.len() + token.len() + 2; // inside the two bytes of 'é'
        let mut stream = Redacting::new(Vec::new(), None);
        std::io::Write::write_all(&mut stream, &text.as_bytes()[..cut]).unwrap();
        assert_eq!(
            stream.pending, b"\xc3",
            "only the cut character is held back"
        );
        std::io::Write::write_all(&mut stream, &text.as_bytes()[cut..]).unwrap();
        let written = String::from_utf8(stream.finish().unwrap()).unwrap();
        assert_eq!(written, format!("{filler}AstraCS:aaaa****bbbb é and more"));

        let mut broken = Redacting::new(Vec::new(), None);
        let mut bytes = format!("{token} ").into_bytes();
        bytes.extend([0xff, b'x']);
        bytes.resize(CHUNK + 1, b'y');
        std::io::Write::write_all(&mut broken, &bytes).unwrap();
        assert!(broken.pending.is_empty(), "a bad byte is not waited on");
        let written = String::from_utf8(broken.finish().unwrap()).unwrap();
        assert!(
            written.starts_with("AstraCS:aaaa****bbbb \u{fffd}xyy"),
            "{}",
            &written[..30]
        );
    }

    #[test]
    fn the_first_letters_of_a_token_after_another_token_wait_for_the_rest() {
        let token = valid();
        let filler = "u".repeat(CHUNK);
        let mut stream = Redacting::new(Vec::new(), None);
        std::io::Write::write_all(&mut stream, format!("{token} {filler}Astr").as_bytes()).unwrap();
        assert_eq!(stream.pending, b"Astr");
        std::io::Write::write_all(&mut stream, &token.as_bytes()[4..]).unwrap();
        let written = String::from_utf8(stream.finish().unwrap()).unwrap();
        assert_eq!(
            written,
            format!("AstraCS:aaaa****bbbb {filler}AstraCS:aaaa****bbbb")
        );
    }

    #[test]
    fn flush_passes_on_what_was_masked_but_holds_an_unfinished_token() {
        let mut stream = Redacting::new(
            std::io::BufWriter::with_capacity(4 * CHUNK, Vec::new()),
            None,
        );
        let text = format!("{}AstraCS:abcd", "v".repeat(CHUNK));
        std::io::Write::write_all(&mut stream, text.as_bytes()).unwrap();
        std::io::Write::flush(&mut stream).unwrap();
        assert_eq!(
            stream.inner.get_ref().as_slice(),
            "v".repeat(CHUNK).as_bytes()
        );
        assert_eq!(stream.pending, b"AstraCS:abcd");
    }

    #[test]
    fn a_token_split_between_two_full_chunks_is_still_masked() {
        let token = valid();
        let text = format!("{}{token} end", "y".repeat(CHUNK - 10));
        let mut stream = Redacting::new(Vec::new(), None);
        for piece in text.as_bytes().chunks(7) {
            std::io::Write::write_all(&mut stream, piece).unwrap();
        }
        let written = String::from_utf8(stream.finish().unwrap()).unwrap();
        assert!(
            written.ends_with("AstraCS:aaaa****bbbb end"),
            "{}",
            &written[written.len() - 40..]
        );
        assert!(!written.contains(&"b".repeat(8)));
        // A chunk that ends in the first letters of `AstraCS:` holds them back.
        let mut stream = Redacting::new(Vec::new(), None);
        let filler = "z".repeat(CHUNK - 3);
        std::io::Write::write_all(&mut stream, format!("{filler}Ast").as_bytes()).unwrap();
        std::io::Write::write_all(&mut stream, &token.as_bytes()[3..]).unwrap();
        let written = String::from_utf8(stream.finish().unwrap()).unwrap();
        assert_eq!(written, format!("{filler}AstraCS:aaaa****bbbb"));
    }
}
