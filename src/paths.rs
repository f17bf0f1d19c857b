//! Every path the program reads or writes, and how it writes them: the home directory and `~`,
//! the default `.astrarc`, `ASTRA_HOME` (logs, completion caches), private directories and
//! files, and atomic replacement. One owner, so that a second spelling of a default cannot drift.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::env;

/// The user's home directory.
pub fn home() -> Option<PathBuf> {
    dirs::home_dir()
}

/// `$ASTRARC`, else `$XDG_CONFIG_HOME/astra/.astrarc` when it exists, else `~/.astrarc`.
pub fn default_astrarc() -> Option<PathBuf> {
    if let Some(path) = env::var(env::ASTRARC) {
        return Some(expand_tilde(&path));
    }
    if let Some(xdg) = env::var(env::XDG_CONFIG_HOME) {
        let path = Path::new(&xdg).join("astra").join(".astrarc");
        if path.is_file() {
            return Some(path);
        }
    }
    home().map(|home| home.join(".astrarc"))
}

pub fn expand_tilde(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), home()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ if path == "~" => home().unwrap_or_else(|| PathBuf::from(path)),
        _ => PathBuf::from(path),
    }
}

/// `$ASTRA_HOME`, else `$XDG_DATA_HOME/astra`, else `~/.astra`.
pub fn astra_home() -> Option<PathBuf> {
    if let Some(home) = env::var(env::ASTRA_HOME) {
        return Some(PathBuf::from(home));
    }
    if let Some(data) = env::var(env::XDG_DATA_HOME) {
        return Some(Path::new(&data).join("astra"));
    }
    home().map(|home| home.join(".astra"))
}

/// A completion cache: `<ASTRA_HOME>/cache/<kind>-<target key>`.
pub fn cache_file(kind: &str, key: &str) -> Option<PathBuf> {
    Some(astra_home()?.join("cache").join(format!("{kind}-{key}")))
}

/// Creates a directory (and its parents) as mode 0700: the one place that makes private
/// directories, for logs, `.astrarc` and caches.
#[cfg(unix)]
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

#[cfg(not(unix))]
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)
}

#[cfg(unix)]
pub fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // An existing file keeps its mode on open: tighten it too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

#[cfg(not(unix))]
pub fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, flushed, mode
/// 0600, then renamed over the file. A directory it creates is mode 0700.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    replace(path, text, true)
}

/// [`write_atomically`] without the flush to disk: for a cache, which a crash may lose (it is
/// rebuilt by the next command) but never leaves half-written.
pub fn write_cache(path: &Path, text: &str) -> std::io::Result<()> {
    replace(path, text, false)
}

fn replace(path: &Path, text: &str, durable: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    if !dir.exists() {
        create_private_dir(&dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| ".astrarc".to_owned());
    let temporary = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result =
        write_private(&temporary, text, durable).and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn write_private(path: &Path, text: &str, durable: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    if durable {
        file.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::hermetic::with_vars;

    #[test]
    fn astra_home_is_the_variable_then_xdg_data_then_home() {
        with_vars(&[(env::ASTRA_HOME, "/a")], || {
            assert_eq!(astra_home(), Some(PathBuf::from("/a")));
            assert_eq!(
                cache_file("roles", "k"),
                Some(PathBuf::from("/a/cache/roles-k"))
            );
        });
        with_vars(&[(env::XDG_DATA_HOME, "/d")], || {
            assert_eq!(astra_home(), Some(PathBuf::from("/d/astra")));
        });
        with_vars(&[], || {
            assert_eq!(astra_home(), home().map(|h| h.join(".astra")));
        });
        assert!(home().is_some_and(|h| h.is_absolute()));
    }

    #[cfg(unix)]
    #[test]
    fn private_directories_and_files_are_private_and_caches_are_replaced_whole() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let nested = dir.path().join("a/b");
        create_private_dir(&nested).unwrap();
        assert_eq!(mode(&nested), 0o700);
        let file = nested.join("f");
        open_private(&file).unwrap().write_all(b"x").unwrap();
        assert_eq!(mode(&file), 0o600);
        let cache = dir.path().join("c/cache-file");
        write_cache(&cache, "one\n").unwrap();
        write_cache(&cache, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&cache).unwrap(), "two\n");
        assert_eq!(mode(&cache), 0o600);
        assert_eq!(mode(&dir.path().join("c")), 0o700);
    }
}
