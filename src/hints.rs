//! Hints (`# comment` / `$ command`) and the one place that builds a hint's command from the
//! command line as typed (SPEC §4.4): it edits the parsed arguments, never a substring of the
//! line, quotes every argument for a POSIX shell and masks a literal token.

use std::collections::HashMap;

use serde::Serialize;

use crate::refs::{clean, split_list};
use crate::secret::mask;
use crate::text::shell_quote;

/// A `# comment` / `$ command` pair shown after a message; `nextSteps` in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hint {
    pub comment: String,
    pub command: String,
}

impl Hint {
    pub fn new(comment: impl Into<String>, command: impl Into<String>) -> Self {
        Self {
            comment: comment.into(),
            command: command.into(),
        }
    }
}

/// A hint as an error or result carries it: fixed text, or an edit of the typed command that is
/// only turned into text once, at the end, by [`CommandLine::hint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggestion {
    Fixed(Hint),
    Edit { comment: String, edit: Edit },
}

impl Suggestion {
    pub fn edit(comment: impl Into<String>, edit: Edit) -> Self {
        Self::Edit {
            comment: comment.into(),
            edit,
        }
    }
}

impl From<Hint> for Suggestion {
    fn from(hint: Hint) -> Self {
        Self::Fixed(hint)
    }
}

/// A change to the typed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Adds a flag unless it is already there (`--if-not-exists`).
    AddFlag(&'static str),
    /// Gives option `id` this value: replaces its value where it was given, else appends
    /// `flag value`.
    SetOption {
        id: &'static str,
        flag: &'static str,
        value: String,
    },
    /// Replaces one role as typed: that item of a `-r` list (the rest of the argument kept), or
    /// the ROLE argument.
    ReplaceRole { typed: String, with: String },
    /// Drops `-cf`/`-p` (they exclude `--token`) and adds `--token @FILE`.
    UseTokenFile,
    /// A `--token` given as the token itself becomes `--token @FILE`: the hint shows it masked,
    /// which would fail as a token if pasted.
    TokenAsFile,
    /// Replaces the argument typed as `typed` with several arguments (`'a@x.io,b@x.io'` →
    /// `a@x.io b@x.io`).
    SplitArg { typed: String, into: Vec<String> },
    /// Several edits in one hint (two typos in one `-r`: one command that fixes both).
    All(Vec<Edit>),
}

/// Which options take a value, by every spelling (`-p`, `--profile`), mapped to the option's id.
#[derive(Debug, Clone, Default)]
pub struct OptionSpec {
    ids: HashMap<String, String>,
}

impl OptionSpec {
    pub fn new(spellings: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            ids: spellings.into_iter().collect(),
        }
    }

    fn id_of(&self, flag: &str) -> Option<&str> {
        self.ids.get(flag).map(String::as_str)
    }
}

#[derive(Clone)]
enum Joined {
    /// `--profile prod`
    Apart,
    /// `--profile=prod`
    Equals,
    /// `-pprod`
    Attached,
}

#[derive(Clone)]
enum Piece {
    Option {
        flag: String,
        id: String,
        value: Option<String>,
        joined: Joined,
    },
    Word(String),
}

/// The command line as typed (without the program name), split into options and words. It holds
/// a literal token, so it has no `Debug`.
#[derive(Clone, Default)]
pub struct CommandLine {
    pieces: Vec<Piece>,
}

impl CommandLine {
    pub fn parse(args: &[String], spec: &OptionSpec) -> Self {
        let mut pieces = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if arg == "--" {
                pieces.push(Piece::Word(arg.clone()));
                pieces.extend(args.by_ref().cloned().map(Piece::Word));
                break;
            }
            pieces.push(Self::piece(arg, &mut args, spec));
        }
        Self { pieces }
    }

    fn piece<'a>(
        arg: &str,
        rest: &mut impl Iterator<Item = &'a String>,
        spec: &OptionSpec,
    ) -> Piece {
        let option = |flag: &str, id: &str, value: Option<String>, joined| Piece::Option {
            flag: flag.to_owned(),
            id: id.to_owned(),
            value,
            joined,
        };
        if let Some(id) = spec.id_of(arg) {
            return option(arg, id, rest.next().cloned(), Joined::Apart);
        }
        if let Some((flag, value)) = arg.split_once('=') {
            if let Some(id) = spec.id_of(flag) {
                return option(flag, id, Some(value.to_owned()), Joined::Equals);
            }
        }
        // `-pprod`: only a short option (`-p`) is in the spec as two characters; `-p` alone was
        // matched above.
        if let (Some(flag), Some(value)) = (arg.get(..2), arg.get(2..)) {
            if let Some(id) = spec.id_of(flag) {
                return option(flag, id, Some(value.to_owned()), Joined::Attached);
            }
        }
        Piece::Word(arg.to_owned())
    }

    /// `astra` and the arguments as given: shell-quoted, a literal token masked.
    pub fn typed(&self) -> String {
        let mut shown = vec!["astra".to_owned()];
        for piece in &self.pieces {
            match piece {
                Piece::Word(word) => shown.push(shell_quote(word).into_owned()),
                Piece::Option {
                    flag,
                    id,
                    value,
                    joined,
                } => {
                    let value = value.as_deref().map(|value| shown_value(id, value));
                    match (joined, value) {
                        (_, None) => shown.push(shell_quote(flag).into_owned()),
                        (Joined::Apart, Some(value)) => {
                            shown.push(shell_quote(flag).into_owned());
                            shown.push(shell_quote(&value).into_owned());
                        }
                        (Joined::Equals, Some(value)) => {
                            shown.push(shell_quote(&format!("{flag}={value}")).into_owned())
                        }
                        (Joined::Attached, Some(value)) => {
                            shown.push(shell_quote(&format!("{flag}{value}")).into_owned())
                        }
                    }
                }
            }
        }
        shown.join(" ")
    }

    /// The value of option `id` as typed, the last one when it was given several times (as clap
    /// takes it); nothing after `--` is an option.
    pub fn value_of(&self, id: &str) -> Option<&str> {
        self.pieces.iter().rev().find_map(|piece| match piece {
            Piece::Option {
                id: given,
                value: Some(value),
                ..
            } if given == id => Some(value.as_str()),
            _ => None,
        })
    }

    /// The typed command with one edit applied.
    pub fn edited(&self, edit: &Edit) -> String {
        let mut line = self.clone();
        line.apply(edit);
        line.typed()
    }

    /// The text of a suggestion.
    pub fn hint(&self, suggestion: &Suggestion) -> Hint {
        match suggestion {
            Suggestion::Fixed(hint) => hint.clone(),
            Suggestion::Edit { comment, edit } => Hint::new(comment.clone(), self.edited(edit)),
        }
    }

    pub fn hints(&self, suggestions: &[Suggestion]) -> Vec<Hint> {
        suggestions.iter().map(|s| self.hint(s)).collect()
    }

    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::AddFlag(flag) => {
                let present = self
                    .pieces
                    .iter()
                    .any(|piece| matches!(piece, Piece::Word(word) if word == flag));
                if !present {
                    self.push(Piece::Word((*flag).to_owned()));
                }
            }
            Edit::SetOption { id, flag, value } => {
                let given = self.pieces.iter_mut().rev().find_map(|piece| match piece {
                    Piece::Option {
                        id: given, value, ..
                    } if given == id => Some(value),
                    _ => None,
                });
                match given {
                    Some(slot) => *slot = Some(value.clone()),
                    None => self.push(Piece::Option {
                        flag: (*flag).to_owned(),
                        id: (*id).to_owned(),
                        value: Some(value.clone()),
                        joined: Joined::Apart,
                    }),
                }
            }
            Edit::ReplaceRole { typed, with } => self.replace_role(typed, with),
            Edit::All(edits) => edits.iter().for_each(|edit| self.apply(edit)),
            Edit::SplitArg { typed, into } => {
                let at = self.pieces.iter().position(|piece| {
                    matches!(piece, Piece::Word(word) if clean(word).is_ok_and(|w| &w == typed))
                });
                if let Some(at) = at {
                    self.pieces
                        .splice(at..=at, into.iter().cloned().map(Piece::Word));
                }
            }
            Edit::TokenAsFile => {
                for piece in &mut self.pieces {
                    if let Piece::Option {
                        id,
                        value: Some(value),
                        ..
                    } = piece
                    {
                        if id == "token" && !value.starts_with('@') {
                            *value = "@FILE".to_owned();
                        }
                    }
                }
            }
            Edit::UseTokenFile => {
                self.pieces.retain(|piece| {
                    !matches!(piece, Piece::Option { id, .. } if id == "config_file" || id == "profile")
                });
                self.push(Piece::Option {
                    flag: "--token".to_owned(),
                    id: "token".to_owned(),
                    value: Some("@FILE".to_owned()),
                    joined: Joined::Apart,
                });
            }
        }
    }

    fn replace_role(&mut self, typed: &str, with: &str) {
        let is_typed = |item: &str| clean(item).is_ok_and(|value| value == typed);
        for piece in &mut self.pieces {
            if let Piece::Option {
                id,
                value: Some(value),
                ..
            } = piece
            {
                // The options that take roles: `-r` (invite, token create), `--role` (token
                // list) and `user roles`' `--set`, `--add`, `--remove`.
                if !["roles", "role", "set", "add", "remove"].contains(&id.as_str()) {
                    continue;
                }
                let mut items = split_list(value);
                if let Some(item) = items.iter_mut().find(|item| is_typed(item)) {
                    let leading: String = item.chars().take_while(|c| c.is_whitespace()).collect();
                    *item = if with.contains(',') {
                        format!("{leading}\"{with}\"")
                    } else {
                        format!("{leading}{with}")
                    };
                    *value = items.join(",");
                    return;
                }
            }
        }
        for piece in &mut self.pieces {
            if let Piece::Word(word) = piece {
                if is_typed(word) {
                    *word = with.to_owned();
                    return;
                }
            }
        }
    }

    /// Appends before a `--` separator, so that a flag stays a flag.
    fn push(&mut self, piece: Piece) {
        let at = self
            .pieces
            .iter()
            .position(|p| matches!(p, Piece::Word(word) if word == "--"))
            .unwrap_or(self.pieces.len());
        self.pieces.insert(at, piece);
    }
}

/// A literal token is shown masked; `@FILE` and `@-` as given.
fn shown_value(id: &str, value: &str) -> String {
    if id == "token" && !value.starts_with('@') {
        mask(value)
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> OptionSpec {
        let pairs = [
            ("-p", "profile"),
            ("--profile", "profile"),
            ("-cf", "config_file"),
            ("--config-file", "config_file"),
            ("--token", "token"),
            ("--env", "env"),
            ("-r", "roles"),
            ("--roles", "roles"),
            ("--role", "roles"),
            ("--add", "add"),
            ("--set", "set"),
            ("--remove", "remove"),
            ("-o", "output"),
        ];
        OptionSpec::new(pairs.map(|(a, b)| (a.to_owned(), b.to_owned())))
    }

    fn line(args: &[&str]) -> CommandLine {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        CommandLine::parse(&args, &spec())
    }

    const TOKEN: &str = "AstraCS:aaaaaaaaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn the_typed_command_is_shell_safe_and_masks_a_literal_token() {
        let typed = line(&["user", "get", "o'brien@x.io", "--token", TOKEN]).typed();
        assert_eq!(
            typed,
            r"astra user get 'o'\''brien@x.io' --token 'AstraCS:aaaa****bbbb'"
        );
        let typed = line(&["user", "get", "$(id)", &format!("--token={TOKEN}")]).typed();
        assert_eq!(
            typed,
            "astra user get '$(id)' '--token=AstraCS:aaaa****bbbb'"
        );
        assert_eq!(
            line(&["user", "list", "--token", "@tok.txt"]).typed(),
            "astra user list --token @tok.txt"
        );
    }

    #[test]
    fn replacing_a_role_edits_that_item_only() {
        let typed = line(&[
            "user",
            "invite",
            "billing@example.com",
            "-r",
            "billing,RO User",
        ]);
        let edit = Edit::ReplaceRole {
            typed: "billing".into(),
            with: "Billing Admin".into(),
        };
        assert_eq!(
            typed.edited(&edit),
            "astra user invite billing@example.com -r 'Billing Admin,RO User'"
        );
        let positional = line(&["role", "get", "'Biling Admin'"]);
        let edit = Edit::ReplaceRole {
            typed: "Biling Admin".into(),
            with: "Billing Admin".into(),
        };
        assert_eq!(positional.edited(&edit), "astra role get 'Billing Admin'");
        let both = line(&["user", "invite", "a@b.c", "-r", "RO Usr,Biling Admin"]);
        let edit = Edit::All(vec![
            Edit::ReplaceRole {
                typed: "RO Usr".into(),
                with: "RO User".into(),
            },
            Edit::ReplaceRole {
                typed: "Biling Admin".into(),
                with: "Billing Admin".into(),
            },
        ]);
        assert_eq!(
            both.edited(&edit),
            "astra user invite a@b.c -r 'RO User,Billing Admin'",
            "one hint fixes both"
        );
        let joined = line(&["user", "invite", "a@b.c", "--role=x, Biling Admin"]);
        assert_eq!(
            joined.edited(&edit),
            "astra user invite a@b.c '--role=x, Billing Admin'"
        );
    }

    #[test]
    fn setting_an_option_replaces_its_value_in_any_form() {
        let edit = Edit::SetOption {
            id: "profile",
            flag: "-p",
            value: "default".into(),
        };
        assert_eq!(
            line(&["user", "list", "--profile=prod"]).edited(&edit),
            "astra user list --profile=default"
        );
        assert_eq!(
            line(&["-pprod", "user", "list"]).edited(&edit),
            "astra -pdefault user list"
        );
        assert_eq!(
            line(&["user", "list"]).edited(&edit),
            "astra user list -p default"
        );
        assert_eq!(
            line(&["-o", "json", "user", "list", "-p", "prod", "-ojson"]).edited(&edit),
            "astra -o json user list -p default -ojson",
            "only the profile's value changes"
        );
    }

    #[test]
    fn an_argument_can_be_split_in_several() {
        let typed = line(&["user", "invite", "a@x.io,b@x.io", "-r", "x"]);
        let edit = Edit::SplitArg {
            typed: "a@x.io,b@x.io".into(),
            into: vec!["a@x.io".into(), "b@x.io".into()],
        };
        assert_eq!(typed.edited(&edit), "astra user invite a@x.io b@x.io -r x");
    }

    #[test]
    fn a_token_file_replaces_the_profile_options() {
        let typed = line(&["user", "list", "-cf", "/x/rc", "-p", "dev"]);
        assert_eq!(
            typed.edited(&Edit::UseTokenFile),
            "astra user list --token @FILE"
        );
    }

    #[test]
    fn an_option_s_value_is_the_last_one_given_before_a_separator() {
        let typed = line(&[
            "-o",
            "csv",
            "user",
            "list",
            "--output=human",
            "-ojson",
            "--",
            "-o",
            "x",
        ]);
        assert_eq!(typed.value_of("output"), Some("json"));
        assert_eq!(
            line(&["user", "list", "-o", "csv"]).value_of("output"),
            Some("csv")
        );
        assert_eq!(line(&["user", "list"]).value_of("output"), None);
    }

    #[test]
    fn a_mistyped_role_is_replaced_in_the_option_that_holds_it() {
        let edit = |typed: &str| Edit::ReplaceRole {
            typed: typed.into(),
            with: "RO User".into(),
        };
        assert_eq!(
            line(&["user", "roles", "b@x.io", "--add", "RO Usr"]).edited(&edit("RO Usr")),
            "astra user roles b@x.io --add 'RO User'"
        );
        assert_eq!(
            line(&["user", "roles", "b@x.io", "--add=RO Usr"]).edited(&edit("RO Usr")),
            "astra user roles b@x.io '--add=RO User'"
        );
        assert_eq!(
            line(&["user", "roles", "b@x.io", "--set", "x,RO Usr", "--remove", "y"])
                .edited(&edit("RO Usr")),
            "astra user roles b@x.io --set 'x,RO User' --remove y"
        );
    }

    #[test]
    fn a_literal_token_becomes_a_token_file_and_a_file_stays() {
        let edit = Edit::All(vec![Edit::TokenAsFile, Edit::AddFlag("--overwrite")]);
        assert_eq!(
            line(&["config", "create", "dev", "--token", TOKEN]).edited(&edit),
            "astra config create dev --token @FILE --overwrite"
        );
        assert_eq!(
            line(&["config", "create", "dev", "--token", "@dev.txt"]).edited(&edit),
            "astra config create dev --token @dev.txt --overwrite"
        );
    }

    #[test]
    fn a_flag_is_added_once_and_before_a_separator() {
        let typed = line(&["user", "delete", "--if-exists", "--", "-x@y.z"]);
        assert_eq!(
            typed.edited(&Edit::AddFlag("--if-exists")),
            "astra user delete --if-exists -- -x@y.z"
        );
        let typed = line(&["user", "delete", "--", "-x@y.z"]);
        assert_eq!(
            typed.edited(&Edit::AddFlag("--if-exists")),
            "astra user delete --if-exists -- -x@y.z"
        );
    }

    #[test]
    fn fixed_hints_stay_as_written_and_edits_apply_to_the_typed_line() {
        let typed = line(&["user", "get", "jo@x.io", "-p", "prod"]);
        let hints = typed.hints(&[
            Suggestion::Fixed(Hint::new("See all users:", "astra user list")),
            Suggestion::edit(
                "Use the default profile:",
                Edit::SetOption {
                    id: "profile",
                    flag: "-p",
                    value: "default".into(),
                },
            ),
        ]);
        assert_eq!(
            hints,
            [
                Hint::new("See all users:", "astra user list"),
                Hint::new(
                    "Use the default profile:",
                    "astra user get jo@x.io -p default"
                ),
            ]
        );
    }
}
