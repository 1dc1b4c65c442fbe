//! The `drift` binary: hand the arguments to [`drift::cli::run`] and exit with its status.

use std::io::IsTerminal;

fn main() -> std::process::ExitCode {
    // Unlocked handles: each write takes the lock for that write only. Holding `stderr().lock()`
    // for the whole run would deadlock the progress line, which is drawn from a tokio worker.
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    let out_is_tty = out.is_terminal();
    let mut console = drift::cli::Console {
        out: &mut out,
        err: &mut err,
        out_is_tty,
    };
    let status = drift::cli::run(std::env::args_os(), &mut console);
    std::process::ExitCode::from(status as u8)
}
