//! Values remembered for shell completion (SPEC-adjacent, issue 10): role names after `role list`
//! or `invite`, emails per profile after `user list`, under `<home>/cache/`. Written atomically,
//! mode 0600 in a 0700 directory; names and emails only, never a token. A failure to write is
//! logged and otherwise ignored: completion is a convenience.

use crate::logging::astra_home;
use crate::secret::redact;

/// Replaces the cache file `name` with these lines.
pub fn remember(name: &str, lines: impl IntoIterator<Item = String>) {
    let Some(home) = astra_home() else {
        return;
    };
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = home.join("cache").join(safe);
    let mut text = String::new();
    for line in lines {
        // One value per line: a line break inside a value would split it.
        let line = line.replace(['\n', '\r'], " ");
        text.push_str(&redact(&line));
        text.push('\n');
    }
    if let Err(err) = crate::config::writer::write_atomically(&path, &text) {
        tracing::debug!(
            "cannot write the completion cache {}: {err}",
            path.display()
        );
    }
}

/// The bash completion script: clap's, wrapped so that `-r`/`--add`/`--remove`/`--set` and
/// `role get` complete role names, and `user get|delete|roles` complete emails, from the cache.
pub const BASH_DYNAMIC: &str = r#"
# Dynamic values from astra's cache (role names, emails of the profile in use).
_astra_cache_file() {
    local home="${ASTRA_HOME:-}"
    [ -n "$home" ] || { [ -n "${XDG_DATA_HOME:-}" ] && home="$XDG_DATA_HOME/astra"; }
    [ -n "$home" ] || home="$HOME/.astra"
    printf '%s/cache/%s' "$home" "$1"
}
_astra_cached() {
    local file cur="$2" line
    file="$(_astra_cache_file "$1")"
    [ -r "$file" ] || return 1
    COMPREPLY=()
    while IFS= read -r line; do
        if [[ "${line,,}" == "${cur,,}"* ]]; then
            COMPREPLY+=("$(printf '%q' "$line")")
        fi
    done < "$file"
    return 0
}
_astra_dynamic() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local words=" ${COMP_WORDS[*]} "
    case "$prev" in
        -r|--roles|--role|--add|--remove|--set)
            _astra_cached roles "$cur" && return 0 ;;
    esac
    if [[ "$cur" != -* ]]; then
        if [[ "$words" == *" role get "* || "$words" == *" role describe "* ]]; then
            _astra_cached roles "$cur" && return 0
        fi
        if [[ "$words" == *" user "* && ( "$words" == *" get "* || "$words" == *" describe "* || "$words" == *" delete "* || "$words" == *" roles "* ) ]]; then
            _astra_cached "emails-${ASTRA_PROFILE:-default}" "$cur" && return 0
        fi
    fi
    _astra "$@"
}
complete -F _astra_dynamic -o bashdefault -o default astra
"#;
