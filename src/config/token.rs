//! The application token as a redacting type, and the checks of SPEC §3.2.

use std::fmt;

use crate::error::{CliError, ErrorCode};
use crate::secret::{mask, Secret, PREFIX};

const TOKEN_LEN: usize = 97;
const MIDDLE_LEN: usize = 24;

/// A checked token that cannot be printed by accident: no `Display`, a masked `Debug`, and one
/// `expose` call where the `Authorization` header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Secret);

impl Token {
    /// Checks a raw token (from any source) and wraps it. One pair of outer quotes is removed,
    /// as `.astrarc` values are (SPEC §1.1): `"AstraCS:…"` pasted from a file is the token.
    pub fn parse(raw: &str) -> Result<Self, CliError> {
        let token = crate::text::unquote(raw.trim()).trim();
        check(token).map_err(|reason| {
            let err = CliError::new(
                ErrorCode::InvalidToken,
                format!("The token is invalid: {reason}."),
            );
            if reason.contains("file name") {
                err.detail("To read the token from a file, pass --token @FILE.")
            } else {
                err.detail(
                    "Tokens look like AstraCS:<24 characters>:<64 characters>; \
                     create one at https://astra.datastax.com/settings/tokens.",
                )
            }
        })?;
        Ok(Self(Secret::new(token)))
    }

    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// The client id: the token's middle part (`AstraCS:<clientId>:<hex>`).
    pub fn client_id(&self) -> &str {
        self.0.expose().split(':').nth(1).unwrap_or_default()
    }

    /// `AstraCS:abcd****wxyz`: enough to tell two tokens apart, not enough to use one.
    pub fn masked(&self) -> String {
        mask(self.0.expose())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.masked())
    }
}

fn check(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("it is empty".into());
    }
    if token.starts_with('{') || token.starts_with('[') || token.starts_with('"') {
        return Err(
            "it looks like JSON; pass the token value itself, not the JSON file's content".into(),
        );
    }
    if !token.starts_with(PREFIX) && looks_like_file_name(token) {
        return Err("it looks like a file name".into());
    }
    if !token.starts_with(PREFIX) {
        return Err(format!("it must start with '{PREFIX}'"));
    }
    let len = token.chars().count();
    if len != TOKEN_LEN {
        return Err(format!(
            "it must be exactly {TOKEN_LEN} characters long, not {len}"
        ));
    }
    let parts: Vec<&str> = token.split(':').collect();
    if parts.len() != 3 {
        return Err(format!(
            "it must have three ':'-separated parts, not {}",
            parts.len()
        ));
    }
    if parts[1].chars().count() != MIDDLE_LEN {
        return Err(format!(
            "its middle part must be {MIDDLE_LEN} characters long"
        ));
    }
    if !parts[1..]
        .iter()
        .all(|part| part.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err("apart from the two ':', it must be ASCII letters and digits".into());
    }
    Ok(())
}

fn looks_like_file_name(token: &str) -> bool {
    token.contains('/')
        || token.contains('\\')
        || token.starts_with('~')
        || token.starts_with('.')
        || [".txt", ".json", ".token", ".env", ".csv"]
            .iter()
            .any(|ext| token.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn valid() -> String {
        format!("AstraCS:{}:{}", "a".repeat(24), "b".repeat(64))
    }

    #[test]
    fn accepts_a_well_formed_token_and_trims_it() {
        let token = Token::parse(&format!("  {}\n", valid())).unwrap();
        assert_eq!(token.secret().expose(), valid());
        assert_eq!(token.masked(), "AstraCS:aaaa****bbbb");
        assert_eq!(format!("{token:?}"), "Token(AstraCS:aaaa****bbbb)");
        for quoted in [format!("\"{}\"\n", valid()), format!(" '{}' ", valid())] {
            let token = Token::parse(&quoted).unwrap();
            assert_eq!(
                token.secret().expose(),
                valid(),
                "one pair of outer quotes is removed"
            );
        }
    }

    #[test]
    fn each_check_has_its_own_reason() {
        let cases = [
            ("", "empty"),
            ("{\"token\": 1}", "JSON"),
            ("./token.txt", "file name"),
            ("Bearer abc", "must start with"),
            ("\"AstraCS:abc", "JSON"),
            ("AstraCS:abc", "97 characters"),
        ];
        for (raw, reason) in cases {
            let err = Token::parse(raw).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidToken);
            assert!(err.headline.contains(reason), "{raw:?}: {}", err.headline);
            assert!(raw.is_empty() || !err.message().contains(raw) || raw.len() < 12);
        }
        let bad_middle = format!("AstraCS:{}:{}", "a".repeat(23), "b".repeat(65));
        assert!(Token::parse(&bad_middle)
            .unwrap_err()
            .headline
            .contains("middle part"));
        let four_parts = format!(
            "AstraCS:{}:{}:{}",
            "a".repeat(24),
            "b".repeat(31),
            "c".repeat(32)
        );
        assert!(Token::parse(&four_parts)
            .unwrap_err()
            .headline
            .contains("three"));
        let non_ascii = format!("AstraCS:{}:{}é", "a".repeat(24), "b".repeat(63));
        assert_eq!(non_ascii.chars().count(), 97);
        assert!(Token::parse(&non_ascii)
            .unwrap_err()
            .headline
            .contains("ASCII"));
        for json in ["[\"x\"]", "{}"] {
            assert!(
                Token::parse(json).unwrap_err().headline.contains("JSON"),
                "{json}"
            );
        }
        for file in [
            "a/b",
            "a\\b",
            "~tok",
            ".tok",
            "tok.txt",
            "tok.json",
            "tok.token",
            "tok.env",
            "tok.csv",
        ] {
            assert!(
                Token::parse(file)
                    .unwrap_err()
                    .headline
                    .contains("file name"),
                "{file}"
            );
        }
    }
}
