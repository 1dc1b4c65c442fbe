//! `drift check`: run the pipeline for every selected API, render the report, choose the exit code.

use super::args::CheckArgs;
use super::options;
use super::progress::ProgressLine;
use super::{write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, Format};
use crate::run::{in_ci, RunOptions, SnapshotMode};
use std::io::Write;

pub fn run(args: &CheckArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(Format::CHECK)?;
    let resolved = options::resolve(&args.target)?;
    let options = RunOptions {
        apis: resolved.runs,
        snapshots: resolved.snapshots,
        history: args.history.clone().or(resolved.history),
        mode: SnapshotMode::Compare {
            write: args.write || !in_ci(),
            learn: args.learn,
        },
    };
    let result = {
        let mut progress = ProgressLine::new(console.err, console.err_is_tty);
        crate::run::run(&options, &mut progress)?
    };
    let (report, redactor) = (&result.report, &result.redactor);
    let mut notes = Vec::new();
    if let (Some(dir), true) = (&options.snapshots, args.learn) {
        let n = result.snapshots.learned;
        notes.push(format!(
            "learned from {n} response(s): their evidence grew in {}",
            dir.display()
        ));
    }
    if let (Some(dir), n) = (&options.snapshots, result.snapshots.pending) {
        if n > 0 {
            notes.push(format!("{n} snapshot change(s) pending in {}: review them with `drift review` (or accept all: `drift review --accept-all`)", dir.display()));
        }
    }
    let settings = crate::report::Settings {
        palette: p,
        fail_on: args.fail_on.severity(),
    };
    write_outputs(console, &outputs, settings, Some(redactor), |r, _, w| {
        r.check(w, report)?;
        if r.format() == Format::Terminal {
            for line in &notes {
                writeln!(w, "{line}")?;
            }
        }
        Ok(())
    })?;
    let threshold = args.fail_on.severity();
    Ok(if super::nothing_ran(console, &result)? {
        ExitStatus::Error
    } else if result.auth_failed_apis > 0 {
        ExitStatus::AuthFailed
    } else if result.attempted > 0 && result.unreachable == result.attempted {
        ExitStatus::Unreachable
    } else if report
        .findings
        .iter()
        .any(|f| f.severity.reaches(threshold))
    {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
