//! Secrets as a type, and the masking rule of SPEC §6 for any text the tool prints or logs.

use std::fmt;

const PREFIX: &str = "AstraCS:";

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
    let (prefix, body) = match value.strip_prefix(PREFIX) {
        Some(body) => (PREFIX, body),
        None => ("", value),
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

/// Masks every token-shaped string (`AstraCS:` and the token characters after it) in `text`,
/// whatever its origin: the last line of defence before anything is printed or logged.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    redact_except(text, &[])
}

/// [`redact`], letting through exactly the tokens in `shown`: what `token get` and `token
/// create` print on stdout on purpose (SPEC §6). Any other token in the text is still masked.
pub fn redact_except<'a>(text: &'a str, shown: &[&str]) -> std::borrow::Cow<'a, str> {
    if !text.contains(PREFIX) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(PREFIX) {
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
        ) {
            let token = format!("AstraCS:{middle}:{secret}");
            let text = format!("{before}{token}{after}");
            let redacted = redact(&text);
            prop_assert!(!redacted.contains(&secret[4..60]));
        }
    }
}
