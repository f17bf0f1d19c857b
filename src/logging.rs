//! The debug log: on stderr with `-V`, and kept in memory for `--dump-logs`, which writes it at
//! exit (tokens masked, no ANSI) to a file created 0600 in a directory of mode 0700.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{filter::LevelFilter, Layer};

/// The in-memory copy of the log, for `--dump-logs`.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("log buffer poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// stderr for `-V`, with every token-shaped string masked on the way (an API message in a retry
/// line may echo the token).
struct RedactingStderr;

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let clean = crate::text::escape_control(&crate::secret::redact(&text)).into_owned();
        std::io::stderr().lock().write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Installs the subscriber; returns the buffer when logs are to be dumped.
pub fn init(verbose: bool, dump: bool) -> Option<LogBuffer> {
    let only_ours =
        tracing_subscriber::filter::filter_fn(|meta| meta.target().starts_with("astra_cli"));
    let stderr_layer = verbose.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(|| RedactingStderr)
            .with_ansi(false)
            .without_time()
            .with_target(false)
            .with_filter(LevelFilter::DEBUG)
            .with_filter(only_ours.clone())
    });
    let buffer = dump.then(LogBuffer::default);
    let buffer_layer = buffer.clone().map(|buffer| {
        tracing_subscriber::fmt::layer()
            .with_writer(buffer)
            .with_ansi(false)
            .with_target(false)
            .with_filter(LevelFilter::DEBUG)
            .with_filter(only_ours)
    });
    let subscriber = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(buffer_layer);
    let _ = tracing::subscriber::set_global_default(subscriber);
    buffer
}

/// Writes the log to `target`, or to `<home>/logs/<timestamp>-<pid>.astra.log`; returns the
/// path, or the path (when known) and the reason it could not be written.
pub fn dump(
    buffer: &LogBuffer,
    target: Option<&Path>,
) -> Result<PathBuf, (Option<PathBuf>, std::io::Error)> {
    // Only the default place is made: a FILE in a directory that does not exist is a typo,
    // reported, not a tree of directories made on the user's behalf (at `/` as root).
    let (path, make_dir) = match target {
        Some(path) => (path.to_path_buf(), false),
        None => (default_log_path().map_err(|err| (None, err))?, true),
    };
    write_log(buffer, &path, make_dir).map_err(|err| (Some(path.clone()), err))?;
    Ok(path)
}

fn write_log(buffer: &LogBuffer, path: &Path, make_dir: bool) -> std::io::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|p| make_dir && !p.as_os_str().is_empty())
    {
        crate::paths::create_private_dir(parent)?;
    }
    let text = String::from_utf8_lossy(
        &buffer
            .0
            .lock()
            .map_err(|_| std::io::Error::other("log buffer poisoned"))?,
    )
    .into_owned();
    let mut file = crate::paths::open_private(path)?;
    file.write_all(crate::secret::redact(&text).as_bytes())
}

fn default_log_path() -> std::io::Result<PathBuf> {
    let home = crate::paths::astra_home()
        .ok_or_else(|| std::io::Error::other("no home directory for the log file"))?;
    // Milliseconds and the pid: two runs in the same second never share a file.
    let stamp = jiff::Zoned::now()
        .strftime("%Y-%m-%d_%H-%M-%S%.3f")
        .to_string();
    let name = format!(
        "{}-{}.astra.log",
        stamp.replace('.', "-"),
        std::process::id()
    );
    Ok(home.join("logs").join(name))
}
