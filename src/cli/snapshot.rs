//! `drift snapshot` (record or accept) and `drift review` (walk pending changes).

use super::args::{ReviewArgs, SnapshotArgs};
use super::progress::ProgressLine;
use super::{options, write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, View};
use crate::run::RunOptions;
use crate::snapshot::review::{self, Choice};
use crate::snapshot::store::Store;
use std::io::IsTerminal;

pub fn record(
    args: &SnapshotArgs,
    console: &mut Console<'_>,
    p: Palette,
) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Record)?;
    let options = RunOptions::recording(options::resolve(&args.target)?, args.accept);
    let dir = options.snapshots.clone().unwrap_or_default();
    let result = {
        let mut progress = ProgressLine::new(console.err, console.err_is_tty);
        crate::run::run(&options, &mut progress)?
    };
    if super::nothing_ran(console, &result)? {
        return Ok(ExitStatus::Error);
    }
    let recorded = crate::report::snapshots::Recorded {
        dir: &dir,
        stats: &result.snapshots,
        report: &result.report,
    };
    write_outputs(console, &outputs, p, Some(&result.redactor), |r, _, w| {
        r.record(w, &recorded)
    })?;
    // Only answers that could not be recorded fail a recording.
    Ok(ExitStatus::of_findings(
        &result.report.findings,
        crate::model::Severity::Error,
    ))
}

pub fn review(
    args: &ReviewArgs,
    console: &mut Console<'_>,
    p: Palette,
) -> anyhow::Result<ExitStatus> {
    let dir = crate::config::snapshot_folder(args.snapshots.as_deref(), args.config.as_deref())?;
    let pending = Store::new(&dir).pending();
    if pending.is_empty() {
        writeln!(
            console.out,
            "no pending snapshot changes in {}",
            dir.display()
        )?;
        return Ok(ExitStatus::Success);
    }
    if args.accept_all || args.reject_all {
        let (choice, verb) = if args.accept_all {
            (Choice::AcceptAll, "accepted")
        } else {
            (Choice::RejectAll, "rejected")
        };
        review::review(&pending, |_, _| Ok(choice))?;
        writeln!(
            console.out,
            "{verb} {} pending snapshot change(s)",
            pending.len()
        )?;
        return Ok(ExitStatus::Success);
    }
    if !std::io::stdin().is_terminal() {
        crate::report::snapshots::write_pending_list(console.out, &dir, &pending)?;
        return Ok(ExitStatus::Failure);
    }
    // One key per answer, as insta's review reads them; Ctrl-C, Esc or a closed terminal quits.
    let term = console::Term::stderr();
    let total = pending.len();
    let out = &mut *console.out;
    let tally = review::review(&pending, |i, file| {
        crate::report::snapshots::write_pending_change(out, p, i, total, file)?;
        loop {
            write!(out, "{}", review::PROMPT)?;
            out.flush()?;
            let key = match term.read_key() {
                Ok(console::Key::Char(c)) => c,
                Ok(console::Key::Escape | console::Key::CtrlC) | Err(_) => 'q',
                Ok(_) => continue,
            };
            writeln!(out, "{key}")?;
            if let Some(choice) = Choice::parse(&key.to_string()) {
                return Ok(choice);
            }
        }
    })?;
    writeln!(
        console.out,
        "\n{} accepted, {} rejected, {} skipped",
        tally.accepted, tally.rejected, tally.skipped
    )?;
    Ok(ExitStatus::Success)
}
