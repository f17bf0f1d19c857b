//! astra-emulator: a local, stateful Astra DevOps API (users, roles, current org) with fault
//! injection, so the `astra` CLI can be tried and tested without an Astra account.

mod access;
mod faults;
mod model;
mod server;
mod state;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;

use faults::{parse_latency, FaultRule, Faults};
use model::{Org, DEFAULT_TOKEN};
use state::{Emulator, Shared};

#[derive(Parser)]
#[command(
    name = "astra-emulator",
    version,
    about = "A local emulator of the Astra DevOps API's user and role endpoints"
)]
struct Cli {
    #[command(flatten)]
    options: Options,
    #[command(subcommand)]
    command: Mode,
}

#[derive(Args)]
struct Options {
    /// Seed this many extra users (user0@example.com, …)
    #[arg(long, default_value_t = 0, global = true)]
    users: usize,
    /// Load the state from FILE if it exists, and save it there after every change
    #[arg(long, value_name = "FILE", global = true)]
    state: Option<PathBuf>,
    /// Accept only this token (default: any token that passes the CLI's checks)
    #[arg(long, global = true)]
    token: Option<String>,
    /// Latency for every call: MS, or MIN-MAX for a random delay
    #[arg(long, value_name = "MS|MIN-MAX", value_parser = parse_latency, global = true)]
    latency: Option<(u64, u64)>,
    /// Make calls fail: 'METHOD PATH ACTION [xCOUNT] [retry-after=S]', ACTION a status, non-json, hang or drop (repeatable)
    #[arg(long = "fail", value_name = "RULE", value_parser = FaultRule::parse, global = true)]
    fail: Vec<FaultRule>,
    /// Refuse writes beyond N per second with 429 and an honest Retry-After: N/s or N/s,BURST
    #[arg(long, value_name = "N/s[,BURST]", value_parser = faults::RateLimit::parse, global = true)]
    rate_limit: Option<faults::RateLimit>,
    /// Serve HTTPS with a certificate for localhost/127.0.0.1 signed by a CA made at start
    #[arg(long, global = true)]
    tls: bool,
    /// With --tls: write the CA certificate (PEM) here (default: a file in the temp directory)
    #[arg(long, value_name = "FILE", global = true, requires = "tls")]
    ca_file: Option<PathBuf>,
}

/// How the emulator is reached: plain HTTP, or HTTPS with its CA in a file.
fn scheme(tls: &Option<tls::Tls>) -> &'static str {
    if tls.is_some() {
        "https"
    } else {
        "http"
    }
}

/// Serves plain HTTP or HTTPS on `listener`.
async fn serve_on(
    listener: TcpListener,
    shared: Shared,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> Result<(), String> {
    let router = server::router(shared);
    match tls {
        Some(acceptor) => tls::serve(listener, router, acceptor)
            .await
            .map_err(|e| e.to_string()),
        None => axum::serve(listener, router)
            .await
            .map_err(|e| e.to_string()),
    }
}

fn make_tls(options: &Options) -> Result<Option<tls::Tls>, String> {
    if !options.tls {
        return Ok(None);
    }
    let file = options.ca_file.clone().unwrap_or_else(tls::default_ca_file);
    tls::generate(&file).map(Some)
}

#[derive(Subcommand)]
enum Mode {
    /// Serve until interrupted, printing the base URL and an export line
    Serve {
        /// Port to listen on (default: a free one)
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Write the port to this file once listening
        #[arg(long, value_name = "FILE")]
        port_file: Option<PathBuf>,
    },
    /// Start on a free port, run COMMAND against it, stop, and exit with its status
    Exec {
        /// The command and its arguments
        #[arg(
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "COMMAND"
        )]
        command: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("cannot start the runtime: {err}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("astra-emulator: {message}");
    ExitCode::from(1)
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let shared = Shared::new(build(&cli.options)?);
    let tls = make_tls(&cli.options)?;
    match cli.command {
        Mode::Serve { port, port_file } => {
            let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
                .await
                .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
            let address = listener.local_addr().map_err(|e| e.to_string())?;
            let endpoint = format!("{}://{address}/v2", scheme(&tls));
            let token = cli.options.token.as_deref().unwrap_or(DEFAULT_TOKEN);
            println!("astra-emulator listening on {endpoint}");
            let ca = match &tls {
                Some(tls) => {
                    println!("CA certificate: {}", tls.ca_file.display());
                    format!(" SSL_CERT_FILE={}", tls.ca_file.display())
                }
                None => String::new(),
            };
            println!("export ASTRA_DB_APPLICATION_TOKEN={token} ASTRA_ENV=local ASTRA_LOCAL_ENDPOINT={endpoint}{ca}");
            if let Some(file) = port_file {
                std::fs::write(&file, address.port().to_string())
                    .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            }
            tokio::select! {
                result = serve_on(listener, shared, tls.map(|t| t.acceptor)) => result?,
                _ = tokio::signal::ctrl_c() => {}
            }
            Ok(ExitCode::SUCCESS)
        }
        Mode::Exec { command } => {
            exec(
                shared,
                tls,
                &command,
                cli.options.token.as_deref().unwrap_or(DEFAULT_TOKEN),
            )
            .await
        }
    }
}

/// The initial state: `--state FILE` if it exists, else the seed; then the start-up faults.
fn build(options: &Options) -> Result<Emulator, String> {
    let org = match &options.state {
        Some(file) if file.exists() => {
            let text =
                std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            serde_json::from_slice::<Org>(&text)
                .map_err(|e| format!("{} is not an emulator state: {e}", file.display()))?
        }
        _ => Org::seed(
            options.users,
            options.token.as_deref().unwrap_or(DEFAULT_TOKEN),
        ),
    };
    let mut faults = Faults::default();
    faults.latency = options.latency;
    for rule in &options.fail {
        faults.add(rule.clone());
    }
    if let Some(file) = &options.state {
        state::save_state(file, &org)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    Ok(Emulator {
        org,
        faults,
        requests: Vec::new(),
        pinned_token: options.token.clone(),
        state_file: options.state.clone(),
        in_flight: 0,
        peak_in_flight: 0,
        rate_limit: options.rate_limit.clone(),
        started: std::time::Instant::now(),
        users_body: None,
    })
}

/// Runs the command with the connection variables set and the workspace's binaries on PATH.
async fn exec(
    shared: Shared,
    tls: Option<tls::Tls>,
    command: &[String],
    token: &str,
) -> Result<ExitCode, String> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("cannot listen: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = scheme(&tls);
    let ca_file = tls.as_ref().map(|t| t.ca_file.clone());
    let server = tokio::spawn(serve_on(listener, shared, tls.map(|t| t.acceptor)));
    let mut path = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| vec![dir.to_path_buf()]))
        .unwrap_or_default();
    path.extend(
        std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let mut child = tokio::process::Command::new(&command[0]);
    if let Some(file) = &ca_file {
        child.env("SSL_CERT_FILE", file);
    }
    // Listening before the command starts: a Ctrl+C at any moment reaches it, not us.
    #[cfg(unix)]
    let mut interrupts = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| format!("cannot handle Ctrl+C: {e}"))?;
    let spawned = child
        .args(&command[1..])
        .env(
            "PATH",
            std::env::join_paths(path).map_err(|e| e.to_string())?,
        )
        .env("ASTRA_DB_APPLICATION_TOKEN", token)
        .env("ASTRA_ENV", "local")
        .env("ASTRA_LOCAL_ENDPOINT", format!("{scheme}://{address}/v2"))
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(err) => {
            // As a shell says it: 127 for a command that is not there, 126 for one not runnable.
            eprintln!("astra-emulator: cannot run '{}': {err}", command[0]);
            let code = if err.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            return Ok(ExitCode::from(code));
        }
    };
    // Ctrl+C reaches the command too (one process group): the emulator waits for it to end and
    // exits with its status (130 for astra), instead of dying of the signal first.
    #[cfg(unix)]
    let status = loop {
        tokio::select! {
            status = child.wait() => break status.map_err(|e| format!("cannot wait for '{}': {e}", command[0]))?,
            _ = interrupts.recv() => {}
        }
    };
    #[cfg(not(unix))]
    let status = loop {
        tokio::select! {
            status = child.wait() => break status.map_err(|e| format!("cannot wait for '{}': {e}", command[0]))?,
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    server.abort();
    Ok(ExitCode::from(exit_code(status)))
}

/// The command's exit status as a shell reports it: its code, or 128 + the signal that ended it.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return (128 + signal) as u8;
        }
    }
    status.code().map_or(1, |code| code as u8)
}
