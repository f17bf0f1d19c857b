//! The `.astrarc` format (SPEC §3.1): `[name]` sections, `KEY=VALUE` lines, `#`/`;` comments,
//! blank lines, indentation, LF or CRLF, an optional BOM. A section given twice is one section and
//! the last occurrence of a key wins. Only the selected profile is validated.
//!
//! A hand-written reader rather than rust-ini: the line number of a bad line, indented keys, the
//! last key winning and an unpaired quote kept as part of the value are all rules of the contract,
//! and a later writer must keep the file's other lines byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use super::Env;
use crate::error::{CliError, ErrorCode};
use crate::hints::Edit;
use crate::secret::redact;
use crate::text::{quoted_list, unquote};

/// The keys of one profile as written (trimmed and unquoted), not yet validated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Section {
    keys: BTreeMap<String, String>,
}

impl Section {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.keys.get(key).map(String::as_str)
    }
}

/// A parsed file: its sections in order of first appearance.
#[derive(Debug, Default)]
pub struct Astrarc {
    sections: Vec<(String, Section)>,
}

/// One line of the file, classified.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Blank,
    Comment,
    Section(&'a str),
    Key(&'a str, &'a str),
    Malformed,
}

/// Classifies one line (without its line ending).
pub fn classify(line: &str) -> Line<'_> {
    let line = line.trim();
    if line.is_empty() {
        return Line::Blank;
    }
    if line.starts_with('#') || line.starts_with(';') {
        return Line::Comment;
    }
    if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
        let name = name.trim();
        return if name.is_empty() {
            Line::Malformed
        } else {
            Line::Section(name)
        };
    }
    match line.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Line::Key(key.trim(), unquote(value.trim()))
        }
        _ => Line::Malformed,
    }
}

/// The longest profile name `config create`, `setup -p` and `--save-profile` accept.
pub const MAX_PROFILE_NAME: usize = 64;

/// Why `name` cannot be a profile written to the file (SPEC §1.11), or `None` when it can: a
/// name that [`classify`] would not read back as the same section would break the file.
pub fn profile_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if redact(name) != name
        || name
            .get(..crate::secret::PREFIX.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(crate::secret::PREFIX))
    {
        Some("it looks like a token (pass the token with --token)")
    } else if name.chars().count() > MAX_PROFILE_NAME {
        Some("it is longer than 64 characters")
    } else if name.chars().any(char::is_control) {
        Some("it holds a control character (a newline, a tab…)")
    } else if name.contains(['[', ']']) {
        Some("it holds '[' or ']'")
    } else if name.trim() != name {
        Some("it starts or ends with a space")
    } else {
        None
    }
}

/// The lines of a text: a leading BOM dropped, LF or CRLF endings.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let text = crate::text::without_bom(text);
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
}

impl Astrarc {
    /// Parses the file; the first line that is not a section, key, comment or blank is an error.
    pub fn parse(path: &Path, text: &str) -> Result<Self, CliError> {
        let mut file = Self::default();
        let mut current: Option<usize> = None;
        for (index, line) in lines(text).enumerate() {
            match classify(line) {
                Line::Blank | Line::Comment => {}
                Line::Section(name) => current = Some(file.section_index(name)),
                Line::Key(key, value) => {
                    if let Some(index) = current {
                        file.sections[index]
                            .1
                            .keys
                            .insert(key.to_owned(), value.to_owned());
                    }
                }
                Line::Malformed => return Err(malformed(path, index + 1, line)),
            }
        }
        Ok(file)
    }

    fn section_index(&mut self, name: &str) -> usize {
        match self.sections.iter().position(|(n, _)| n == name) {
            Some(index) => index,
            None => {
                self.sections.push((name.to_owned(), Section::default()));
                self.sections.len() - 1
            }
        }
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, section)| section)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|(name, _)| name.as_str())
    }
}

/// The settings of one profile: the token, and the env and endpoint keys as written.
#[derive(Debug)]
pub struct Profile {
    pub token: String,
    pub env: Option<Env>,
    pub local_endpoint: Option<String>,
}

/// Parses `text` (the content of `path`) and returns `profile`, its keys checked.
pub fn read_profile(path: &Path, text: &str, profile: &str) -> Result<Profile, CliError> {
    let file = Astrarc::parse(path, text)?;
    let Some(section) = file.section(profile) else {
        return Err(profile_not_found(path, profile, &file));
    };
    let parse_issue = |what: String| {
        CliError::new(
            ErrorCode::ParseIssue,
            format!("Profile '{profile}' in '{}': {what}", path.display()),
        )
    };
    let token = section
        .get(crate::env::TOKEN)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| parse_issue(format!("the key {} is missing.", crate::env::TOKEN)))?;
    let env = match section.get(crate::env::ENV).filter(|v| !v.is_empty()) {
        Some(value) => Some(Env::from_setting(value).map_err(parse_issue)?),
        None => None,
    };
    Ok(Profile {
        token: token.to_owned(),
        env,
        local_endpoint: section
            .get(crate::env::LOCAL_ENDPOINT)
            .filter(|value| !value.is_empty())
            .map(str::to_owned),
    })
}

fn profile_not_found(path: &Path, profile: &str, file: &Astrarc) -> CliError {
    let names: Vec<&str> = file.names().collect();
    let err = CliError::new(
        ErrorCode::ProfileNotFound,
        format!("Profile '{profile}' not found in '{}'.", path.display()),
    );
    let Some(first) = names.first() else {
        return err.detail("The file has no profiles.");
    };
    let listed = quoted_list(names.iter().take(5));
    let more = match names.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    // The close name when there is one (`prdo` → `prod`), else the first profile.
    let (comment, suggested) = match crate::lookup::closest(names.iter().copied(), profile) {
        Some(close) => ("Did you mean:", close),
        None => ("Use an existing profile:", *first),
    };
    err.detail(format!("Existing profiles: {listed}{more}."))
        .fix(
            comment,
            Edit::SetOption {
                id: "profile",
                flag: "-p",
                value: suggested.to_owned(),
            },
        )
}

fn malformed(path: &Path, number: usize, line: &str) -> CliError {
    CliError::new(
        ErrorCode::ParseIssue,
        format!(
            "Cannot parse '{}' at line {number}: '{}'.",
            path.display(),
            redact(line.trim())
        ),
    )
    .detail("Each line must be a [section] header, a KEY=VALUE pair, a # or ; comment, or blank.")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_profile_name_is_one_that_reads_back_as_the_same_section() {
        let long = "p".repeat(MAX_PROFILE_NAME);
        for good in ["default", "prod eu", "dev-2", "é", long.as_str()] {
            assert_eq!(profile_name_problem(good), None, "{good}");
            let file = format!("[{good}]\n");
            assert_eq!(classify(file.lines().next().unwrap()), Line::Section(good));
        }
        let token = format!("AstraCS:{}:{}", "a".repeat(24), "b".repeat(64));
        for (bad, why) in [
            ("", "empty"),
            (&"p".repeat(MAX_PROFILE_NAME + 1), "longer than 64"),
            ("a\nb", "control"),
            ("a\tb", "control"),
            ("[x", "'['"),
            ("x]", "'['"),
            (" x", "space"),
            ("x ", "space"),
            (&token, "token"),
            ("astracs:x", "token"),
            ("AstraCS:", "token"),
            ("my AstraCS:abcdefghijklmnopqrstuvwx", "token"),
        ] {
            let problem = profile_name_problem(bad).unwrap_or_else(|| panic!("{bad:?}"));
            assert!(problem.contains(why), "{bad:?}: {problem}");
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn read(text: &str, profile: &str) -> Result<Profile, CliError> {
        read_profile(Path::new("/home/me/.astrarc"), text, profile)
    }

    #[test]
    fn reads_keys_trimmed_unquoted_last_wins_and_ignores_comments() {
        let text = "# comment\n; other\n\n[default]\n ASTRA_DB_APPLICATION_TOKEN = first \nASTRA_DB_APPLICATION_TOKEN=\"second\"\nASTRA_ENV=DEV\n";
        let profile = read(text, "default").unwrap();
        assert_eq!(profile.token, "second");
        assert_eq!(profile.env, Some(Env::Dev));
    }

    #[test]
    fn indented_keys_crlf_and_a_bom_are_read() {
        let text =
            "\u{feff}[default]\r\n    ASTRA_DB_APPLICATION_TOKEN = \"t\"\r\n\tASTRA_ENV=test\r\n";
        let profile = read(text, "default").unwrap();
        assert_eq!(profile.token, "t");
        assert_eq!(profile.env, Some(Env::Test));
    }

    #[test]
    fn a_section_given_twice_merges_and_the_last_key_wins() {
        let text = "[a]\nASTRA_DB_APPLICATION_TOKEN=one\nASTRA_ENV=dev\n[b]\nX=1\n[a]\nASTRA_DB_APPLICATION_TOKEN=two\n";
        let profile = read(text, "a").unwrap();
        assert_eq!(profile.token, "two");
        assert_eq!(profile.env, Some(Env::Dev));
    }

    #[test]
    fn an_unpaired_quote_stays_in_the_value() {
        let profile = read("[a]\nASTRA_DB_APPLICATION_TOKEN=\"abc\n", "a").unwrap();
        assert_eq!(profile.token, "\"abc");
        let profile = read("[a]\nASTRA_DB_APPLICATION_TOKEN='abc\"\n", "a").unwrap();
        assert_eq!(profile.token, "'abc\"");
    }

    #[test]
    fn a_broken_line_is_a_parse_issue_naming_path_line_and_masked_text() {
        let err = read(
            "[default]\nASTRA_DB_APPLICATION_TOKEN=x\nthis is not ini\n",
            "default",
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::ParseIssue);
        assert_eq!(
            err.headline,
            "Cannot parse '/home/me/.astrarc' at line 3: 'this is not ini'."
        );
        let token = format!("AstraCS:{}:{}", "a".repeat(24), "b".repeat(64));
        let err = read(&format!("[d]\nASTRA_DB_APPLICATION_TOKEN {token}\n"), "d").unwrap_err();
        assert_eq!(
            err.headline,
            "Cannot parse '/home/me/.astrarc' at line 2: 'ASTRA_DB_APPLICATION_TOKEN AstraCS:aaaa****bbbb'."
        );
        for (text, line) in [
            ("[default\n", 1),
            ("x\n[]\n", 1),
            ("[a]\n[]\n", 2),
            ("[a]\n=v\n", 2),
        ] {
            let err = read(text, "a").unwrap_err();
            assert!(
                err.headline.contains(&format!("at line {line}:")),
                "{text:?}: {}",
                err.headline
            );
        }
    }

    #[test]
    fn a_missing_profile_lists_up_to_five_existing_ones() {
        let text: String = (1..=7)
            .map(|i| format!("[p{i}]\nASTRA_DB_APPLICATION_TOKEN=x\n"))
            .collect();
        let err = read(&text, "prod").unwrap_err();
        assert_eq!(err.code, ErrorCode::ProfileNotFound);
        assert_eq!(
            err.details,
            ["Existing profiles: 'p1', 'p2', 'p3', 'p4', 'p5' and 2 more."]
        );
    }

    #[test]
    fn five_profiles_are_listed_whole_and_an_empty_token_is_missing() {
        let five: String = (1..=5)
            .map(|i| format!("[p{i}]\nASTRA_DB_APPLICATION_TOKEN=x\n"))
            .collect();
        let err = read(&five, "prod").unwrap_err();
        assert_eq!(
            err.details,
            ["Existing profiles: 'p1', 'p2', 'p3', 'p4', 'p5'."]
        );
        let err = read("[d]\nASTRA_DB_APPLICATION_TOKEN=\n", "d").unwrap_err();
        assert!(
            err.headline
                .contains("ASTRA_DB_APPLICATION_TOKEN is missing"),
            "{}",
            err.headline
        );
        assert_eq!(
            read("[d]\nASTRA_DB_APPLICATION_TOKEN=t\n", "d")
                .unwrap()
                .token,
            "t"
        );
    }

    #[test]
    fn only_the_selected_profile_is_validated() {
        let text = "[broken]\nASTRA_ENV=mars\n[good]\nASTRA_DB_APPLICATION_TOKEN=t\n";
        assert!(read(text, "good").is_ok());
        let err = read(text, "broken").unwrap_err();
        assert_eq!(err.code, ErrorCode::ParseIssue);
        assert!(err
            .headline
            .contains("ASTRA_DB_APPLICATION_TOKEN is missing"));
        let err = read("[d]\nASTRA_DB_APPLICATION_TOKEN=t\nASTRA_ENV=mars\n", "d").unwrap_err();
        assert!(err.headline.contains("ASTRA_ENV='mars'"));
    }

    proptest! {
        #[test]
        fn no_text_makes_the_reader_panic(text in any::<String>(), name in "[a-z]{1,4}") {
            let _ = read(&text, &name);
        }

        #[test]
        fn keys_written_any_way_read_back(indent in "[ \t]{0,3}", value in "[A-Za-z0-9:]{1,20}", crlf in any::<bool>()) {
            let end = if crlf { "\r\n" } else { "\n" };
            let text = format!("[p]{end}{indent}ASTRA_DB_APPLICATION_TOKEN = '{value}'{end}");
            prop_assert_eq!(read(&text, "p").unwrap().token, value);
        }
    }

    #[test]
    fn empty_env_and_endpoint_keys_count_as_absent() {
        let profile = read(
            "[a]\nASTRA_DB_APPLICATION_TOKEN=t\nASTRA_ENV=\nASTRA_LOCAL_ENDPOINT=\n",
            "a",
        )
        .unwrap();
        assert_eq!((profile.env, profile.local_endpoint), (None, None));
        let profile = read(
            "[a]\nASTRA_DB_APPLICATION_TOKEN=t\nASTRA_LOCAL_ENDPOINT=http://h/v2\n",
            "a",
        )
        .unwrap();
        assert_eq!(profile.local_endpoint.as_deref(), Some("http://h/v2"));
    }
}
