//! Writing `.astrarc` (SPEC §1.11): adding, replacing or removing one profile while every other
//! line of the file — other profiles, comments, key order, line endings — stays byte for byte,
//! through a temporary file in the same directory and a rename, mode 0600.

use super::astrarc::{classify, Line};

/// Splits a text into lines that keep their endings, so that joining them gives the text back.
fn raw_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The line-index ranges of every block of section `name`: from its header to the next header
/// (its keys, and the comments and blank lines after them); lines above a header belong to the
/// section before.
fn blocks(lines: &[&str], name: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        let content = line
            .trim_end_matches(['\n', '\r'])
            .trim_start_matches('\u{feff}');
        if let Line::Section(section) = classify(content) {
            if let Some(start) = open.take() {
                ranges.push(start..index);
            }
            if section == name {
                open = Some(index);
            }
        }
    }
    if let Some(start) = open {
        ranges.push(start..lines.len());
    }
    ranges
}

/// Whether the file has a section `name`.
pub fn has_profile(text: &str, name: &str) -> bool {
    !blocks(&raw_lines(text), name).is_empty()
}

/// The text without profile `name` (every block of it); `None` when there is no such profile.
pub fn remove_profile(text: &str, name: &str) -> Option<String> {
    let lines = raw_lines(text);
    let ranges = blocks(&lines, name);
    if ranges.is_empty() {
        return None;
    }
    let kept: String = lines
        .iter()
        .enumerate()
        .filter(|(index, _)| !ranges.iter().any(|r| r.contains(index)))
        .map(|(_, line)| *line)
        .collect();
    Some(kept)
}

/// The text with profile `name` set to `keys`: its first block replaced in place (later
/// duplicates removed), or a new block appended after a blank line.
pub fn set_profile(text: &str, name: &str, keys: &[(&str, &str)]) -> String {
    let crlf = text.contains("\r\n");
    let end = if crlf { "\r\n" } else { "\n" };
    let mut block = format!("[{name}]{end}");
    for (key, value) in keys {
        block.push_str(&format!("{key}={value}{end}"));
    }
    let lines = raw_lines(text);
    let ranges = blocks(&lines, name);
    let Some(first) = ranges.first() else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(end);
        }
        let last_blank = lines.last().is_none_or(|l| l.trim().is_empty());
        if !out.is_empty() && !last_blank {
            out.push_str(end);
        }
        out.push_str(&block);
        return out;
    };
    // Keep the comments and blank lines that followed the old keys (they separate sections).
    let tail: String = lines[first.clone()]
        .iter()
        .rev()
        .take_while(|l| {
            matches!(
                classify(l.trim_end_matches(['\n', '\r'])),
                Line::Blank | Line::Comment
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .copied()
        .collect();
    let mut out = String::new();
    for (index, line) in lines.iter().enumerate() {
        if index == first.start {
            out.push_str(&block);
            out.push_str(&tail);
        }
        if ranges.iter().any(|r| r.contains(&index)) {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// The text with one key of profile `name` given a new value, every other byte kept (the line's
/// indent and spacing around `=` too); `None` when the profile has no such key.
pub fn set_key(text: &str, name: &str, key: &str, value: &str) -> Option<String> {
    let lines = raw_lines(text);
    let first = blocks(&lines, name).into_iter().next()?;
    let index = first.clone().find(|&i| {
        let content = lines[i].trim_end_matches(['\n', '\r']);
        matches!(classify(content), Line::Key(k, _) if k == key)
    })?;
    let line = lines[index];
    let body = line.trim_end_matches(['\n', '\r']);
    let ending = &line[body.len()..];
    let (before, after) = body.split_once('=')?;
    let spacing = &after[..after.len() - after.trim_start().len()];
    let mut out: String = lines[..index].concat();
    out.push_str(&format!("{before}={spacing}{value}{ending}"));
    out.push_str(&lines[index + 1..].concat());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# my astra profiles\n[default]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:one\n\n; the dev one\n[dev]\n  ASTRA_ENV = dev\nASTRA_DB_APPLICATION_TOKEN = \"AstraCS:two\"\n# keep me\n\n[prod]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:three\n";

    #[test]
    fn deleting_a_profile_keeps_every_other_line() {
        assert_eq!(
            remove_profile(FILE, "dev").unwrap(),
            "# my astra profiles\n[default]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:one\n\n; the dev one\n[prod]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:three\n"
        );
        assert_eq!(remove_profile(FILE, "nope"), None);
    }

    #[test]
    fn adding_appends_after_a_blank_line_and_replacing_keeps_the_place() {
        let added = set_profile(
            FILE,
            "emu",
            &[
                ("ASTRA_DB_APPLICATION_TOKEN", "AstraCS:x"),
                ("ASTRA_ENV", "local"),
            ],
        );
        assert_eq!(
            added,
            format!("{FILE}\n[emu]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:x\nASTRA_ENV=local\n")
        );
        let replaced = set_profile(
            FILE,
            "dev",
            &[("ASTRA_DB_APPLICATION_TOKEN", "AstraCS:new")],
        );
        assert_eq!(
            replaced,
            "# my astra profiles\n[default]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:one\n\n; the dev one\n[dev]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:new\n# keep me\n\n[prod]\nASTRA_DB_APPLICATION_TOKEN=AstraCS:three\n"
        );
        assert_eq!(set_profile("", "a", &[("K", "v")]), "[a]\nK=v\n");
        assert_eq!(
            set_profile("[b]\r\nK=1\r\n", "a", &[("K", "v")]),
            "[b]\r\nK=1\r\n\r\n[a]\r\nK=v\r\n"
        );
    }

    #[test]
    fn a_file_without_a_final_line_feed_gets_one_before_the_new_profile() {
        assert_eq!(
            set_profile("[b]\nK=1", "a", &[("K", "v")]),
            "[b]\nK=1\n\n[a]\nK=v\n"
        );
        assert_eq!(
            set_profile("[b]\nK=1\n\n", "a", &[("K", "v")]),
            "[b]\nK=1\n\n[a]\nK=v\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_atomic_write_creates_private_files_in_private_directories() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/dir/.astrarc");
        crate::paths::write_atomically(&path, "[a]\nK=v\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[a]\nK=v\n");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        crate::paths::write_atomically(&path, "[b]\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[b]\n", "replaced");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    }

    #[test]
    fn a_profile_given_twice_is_replaced_and_deleted_whole() {
        let text = "[a]\nK=1\n[b]\nK=2\n[a]\nJ=3\n";
        assert_eq!(
            set_profile(text, "a", &[("K", "9")]),
            "[a]\nK=9\n[b]\nK=2\n"
        );
        assert_eq!(remove_profile(text, "a").unwrap(), "[b]\nK=2\n");
        assert!(has_profile(text, "b") && !has_profile(text, "c"));
    }

    #[test]
    fn a_failed_rename_leaves_the_target_as_it_was_and_no_temporary_file() {
        // A real failure, even for root: renaming a file onto a directory that is not empty.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".astrarc");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("kept"), "[a]\nK=1\n").unwrap();
        let result = crate::paths::write_atomically(&path, "[b]\n");
        assert!(result.is_err());
        assert_eq!(
            std::fs::read_to_string(path.join("kept")).unwrap(),
            "[a]\nK=1\n"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn a_bom_before_a_header_is_no_obstacle_and_notes_after_the_keys_stay() {
        assert!(has_profile("\u{feff}[a]\nK=1\n", "a"));
        assert_eq!(
            set_profile("[a]\nK=1\n# note\n\n[b]\nK=2\n", "a", &[("K", "9")]),
            "[a]\nK=9\n# note\n\n[b]\nK=2\n",
            "the comment and blank line after the old keys stay"
        );
    }

    #[test]
    fn set_key_changes_one_value_and_keeps_every_other_byte() {
        let text = "# mine\r\n[default]\r\nASTRA_DB_APPLICATION_TOKEN = old\r\nASTRA_ENV=dev\r\n\r\n[other]\r\nASTRA_DB_APPLICATION_TOKEN=keep\r\n";
        let updated = set_key(text, "default", "ASTRA_DB_APPLICATION_TOKEN", "new").unwrap();
        assert_eq!(updated, text.replace("= old", "= new"));
        let other = set_key(text, "other", "ASTRA_DB_APPLICATION_TOKEN", "x").unwrap();
        assert_eq!(other, text.replace("=keep", "=x"));
        assert_eq!(set_key(text, "default", "MISSING", "x"), None);
        assert_eq!(set_key(text, "nope", "ASTRA_ENV", "x"), None);
        let last = set_key("[p]\nASTRA_ENV=dev", "p", "ASTRA_ENV", "test").unwrap();
        assert_eq!(last, "[p]\nASTRA_ENV=test");
    }
}
