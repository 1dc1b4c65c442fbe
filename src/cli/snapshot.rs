//! `drift snapshot` (record or accept) and `drift review` (walk pending changes).

use super::args::{ReviewArgs, SnapshotArgs};
use super::progress::ProgressLine;
use super::{options, write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, Format};
use crate::run::{RunOptions, SnapshotMode};
use crate::snapshot::review::{self, Choice};
use crate::snapshot::store::Store;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

pub fn record(
    args: &SnapshotArgs,
    console: &mut Console<'_>,
    p: Palette,
) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(&[Format::Terminal, Format::Json])?;
    let resolved = options::resolve(&args.target)?;
    let dir = resolved
        .snapshots
        .unwrap_or_else(|| PathBuf::from("snapshots"));
    let options = RunOptions {
        apis: resolved.runs,
        snapshots: Some(dir.clone()),
        history: None,
        mode: SnapshotMode::Record {
            accept: args.accept,
        },
    };
    let result = {
        let mut progress = ProgressLine::new(console.err, console.err_is_tty);
        crate::run::run(&options, &mut progress)?
    };
    if super::nothing_ran(console, &result)? {
        return Ok(ExitStatus::Error);
    }
    let (report, stats) = (&result.report, &result.snapshots);
    write_outputs(
        console,
        &outputs,
        p,
        Some(&result.redactor),
        |r, palette, w| match r.format() {
            Format::Terminal => {
                crate::report::snapshots::write_record(w, palette, &dir, stats, report)?;
                Ok(())
            }
            _ => r.check(w, report),
        },
    )?;
    let problems = report
        .findings
        .iter()
        .filter(|f| f.severity == crate::model::Severity::Error)
        .count();
    Ok(if problems > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

pub fn review(
    args: &ReviewArgs,
    console: &mut Console<'_>,
    p: Palette,
) -> anyhow::Result<ExitStatus> {
    let dir = review_dir(args)?;
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
        writeln!(
            console.out,
            "{} pending snapshot change(s) in {}:",
            pending.len(),
            dir.display()
        )?;
        for f in &pending {
            writeln!(console.out, "  {}", f.display())?;
        }
        writeln!(console.out, "accept them all with `drift review --accept-all` (or reject: --reject-all); run `drift review` in a terminal to choose one by one")?;
        return Ok(ExitStatus::Failure);
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let total = pending.len();
    let out = &mut *console.out;
    let tally = review::review(&pending, |i, file| {
        show_change(out, p, i, total, file)?;
        loop {
            write!(
                out,
                "accept (a), reject (r), skip (s), accept all (A), reject all (R), quit (q)? "
            )?;
            out.flush()?;
            let Some(line) = lines.next() else {
                return Ok(Choice::Quit);
            };
            if let Some(choice) = Choice::parse(&line?) {
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

/// The snapshot folder to review: `--snapshots`, or the one of the config file, or `snapshots/`.
fn review_dir(args: &ReviewArgs) -> anyhow::Result<PathBuf> {
    if let Some(dir) = &args.snapshots {
        return Ok(dir.clone());
    }
    let path = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from("drift.yaml"));
    if !path.exists() {
        return Ok(PathBuf::from("snapshots"));
    }
    let cfg = crate::config::load(&path)?;
    Ok(cfg
        .snapshots
        .unwrap_or_else(|| crate::config::folder(&path).join("snapshots")))
}

/// `[2/5] snapshots/coaching/fetchCoach.json` and the coloured diff of its pending change.
fn show_change(
    out: &mut dyn Write,
    p: Palette,
    index: usize,
    total: usize,
    pending: &std::path::Path,
) -> std::io::Result<()> {
    let old_path = review::stored_path(pending);
    let old = std::fs::read_to_string(&old_path).unwrap_or_default();
    let new = std::fs::read_to_string(pending)?;
    let b = p.bold();
    writeln!(
        out,
        "\n{b}[{}/{total}] {}{b:#}",
        index + 1,
        old_path.display()
    )?;
    if old.is_empty() {
        writeln!(out, "  (new snapshot)")?;
    }
    let parse = |text: &str| crate::snapshot::Snapshot::parse(text).ok();
    let (Some(after), before) = (parse(&new), parse(&old)) else {
        return crate::report::snapshots::write_diff(out, p, &old, &new);
    };
    // Why it is pending: the findings of the run that left it, with the evidence behind them.
    for reason in &after.reasons {
        writeln!(out, "  {}", crate::text::escape_control(reason, false))?;
    }
    let e = &after.evidence;
    let was = before.as_ref().map_or(0, |b| b.evidence.runs);
    writeln!(
        out,
        "  {}evidence: {} run(s) since {} (was {was}); accepting keeps it{:#}",
        p.dim(),
        e.runs,
        crate::text::escape_control(&e.first_run, false),
        p.dim()
    )?;
    let old_content = before.map(|b| b.content_pretty()).unwrap_or_default();
    crate::report::snapshots::write_diff(out, p, &old_content, &after.content_pretty())
}
