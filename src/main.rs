//! The `drift` binary: hand the arguments to [`drift::cli::run`] and exit with its status.

use std::io::IsTerminal;

/// mimalloc: a run allocates and frees millions of small JSON nodes (contracts, bodies,
/// snapshots), where glibc's allocator spent a third of the CPU time; and it returns freed
/// large buffers (multi-megabyte bodies) to the system instead of keeping them in arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t`.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Freed memory goes back to the system a tenth of a second later: a run checks bodies of
    // megabytes one after another, and each one's pages would otherwise stay resident. At once
    // (0) cost a tenth of a corpus run's CPU in the kernel, faulting in again pages just returned.
    // SAFETY: sets an allocator option; called before any other thread starts.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100) };
    // A freed body of megabytes goes back at once: many of them in a row stay bounded.
    // SAFETY: asks the allocator to return what it can; safe from any thread.
    drift::replay::transport::on_large_body_freed(|| unsafe { libmimalloc_sys::mi_collect(true) });
    // Unlocked handles: each write takes the lock for that write only. Holding `stderr().lock()`
    // for the whole run would deadlock the progress line, which is drawn from a tokio worker.
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    let (out_is_tty, err_is_tty) = (out.is_terminal(), err.is_terminal());
    let mut console = drift::cli::Console {
        out: &mut out,
        err: &mut err,
        out_is_tty,
        err_is_tty,
    };
    let status = drift::cli::run(std::env::args_os(), &mut console);
    std::process::ExitCode::from(status as u8)
}
