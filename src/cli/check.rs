//! `drift check`: run the pipeline for every selected API, render the report, choose the exit code.

use super::args::CheckArgs;
use super::options;
use super::progress::ProgressLine;
use super::{write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, Format, View};
use crate::run::{in_ci, RunOptions, SnapshotMode};

pub fn run(args: &CheckArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Check)?;
    let resolved = options::resolve(&args.target)?;
    let options = RunOptions {
        apis: resolved.runs,
        policy: resolved.policy,
        snapshots: resolved.snapshots,
        history: args.history.clone().or(resolved.history),
        mode: SnapshotMode::Compare {
            write: args.write || !in_ci(),
            learn: args.learn,
        },
    };
    let result = {
        let mut progress = ProgressLine::new(console.err, console.err_is_tty && !args.quiet);
        crate::run::run(&options, &mut progress)?
    };
    let (report, redactor) = (&result.report, &result.redactor);
    let notes = match &options.snapshots {
        Some(dir) => crate::report::snapshots::check_notes(dir, &result.snapshots, args.learn),
        None => Vec::new(),
    };
    let settings = crate::report::Settings {
        palette: p,
        fail_on: args.fail_on.severity(),
        quiet: args.quiet,
    };
    write_outputs(console, &outputs, settings, Some(redactor), |r, _, w| {
        r.check(w, report)?;
        if r.format() == Format::Terminal && !args.quiet {
            for line in &notes {
                writeln!(w, "{line}")?;
            }
        }
        Ok(())
    })?;
    // Why no API could run is said on standard error, as for any usage error.
    super::nothing_ran(console, &result)?;
    Ok(result.exit_status(args.fail_on.severity()))
}
