//! The `drift` binary: hand the arguments to [`drift::cli::run`] and exit with its status.

use std::io::IsTerminal;

fn main() -> std::process::ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let out_is_tty = stdout.is_terminal();
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let mut console = drift::cli::Console {
        out: &mut out,
        err: &mut err,
        out_is_tty,
    };
    let status = drift::cli::run(std::env::args_os(), &mut console);
    std::process::ExitCode::from(status as u8)
}
