//! The command line as the user typed it, for hints such as "Example fix:" and "Did you mean:".

use crate::config::astrarc::quote_arg;

/// The command line as typed (without the program name), for hints such as "Example fix".
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    args: Vec<String>,
}

impl Invocation {
    pub fn new(args: Vec<String>) -> Self {
        Self { args }
    }

    /// `astra` and the arguments as given, quoted where they contain spaces, tokens masked.
    pub fn typed(&self) -> String {
        Self::format(&self.args)
    }

    /// The command as typed plus one more flag, e.g. ` --if-not-exists`.
    pub fn with_flag(&self, flag: &str) -> String {
        format!("{} {flag}", self.typed())
    }

    /// The command as typed with `from` replaced by `to`: the argument equal to `from` if any,
    /// else the first one that contains it (`-r 'A,B'`).
    pub fn replacing(&self, from: &str, to: &str) -> String {
        let mut args = self.args.clone();
        if let Some(arg) = args.iter_mut().find(|arg| arg.as_str() == from) {
            *arg = to.to_owned();
        } else if let Some(arg) = args.iter_mut().find(|arg| arg.contains(from)) {
            *arg = arg.replacen(from, to, 1);
        }
        Self::format(&args)
    }

    /// Whether an argument is exactly `value`.
    pub fn has_arg(&self, value: &str) -> bool {
        self.args.iter().any(|arg| arg == value)
    }

    fn format(args: &[String]) -> String {
        let mut shown = vec!["astra".to_owned()];
        let mut mask_next = false;
        for arg in args {
            let arg = if mask_next && !arg.starts_with('@') {
                crate::config::token::mask(arg)
            } else if let Some(value) = arg.strip_prefix("--token=").filter(|v| !v.starts_with('@'))
            {
                format!("--token={}", crate::config::token::mask(value))
            } else {
                arg.clone()
            };
            mask_next = arg == "--token";
            shown.push(quote_arg(&arg));
        }
        shown.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_command_quotes_spaces_and_masks_literal_tokens() {
        let token = format!("AstraCS:{}:{}", "a".repeat(24), "b".repeat(64));
        let args = [
            "user",
            "invite",
            "a@b.c",
            "--roles",
            "R/W Svc Acct",
            "--token",
            &token,
        ]
        .map(String::from);
        assert_eq!(
            Invocation::new(args.to_vec()).with_flag("--if-not-exists"),
            "astra user invite a@b.c --roles 'R/W Svc Acct' --token AstraCS:aaaa****bbbb --if-not-exists"
        );
        let from_file = [
            "user",
            "list",
            "--token",
            "@tok.txt",
            &format!("--token={token}"),
        ]
        .map(String::from);
        assert_eq!(
            Invocation::new(from_file.to_vec()).typed(),
            "astra user list --token @tok.txt --token=AstraCS:aaaa****bbbb"
        );
    }
}
