use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(astra_cli::app::run(std::env::args_os()))
}
