//! `drift snapshot` (record or accept) and `drift review` (walk pending changes).

use super::args::{ReviewArgs, SnapshotArgs};
use super::progress::ProgressLine;
use super::{options, Console, ExitStatus};
use crate::report::terminal::Palette;
use crate::run::{RunOptions, SnapshotMode};
use crate::snapshot::store::{self, Store};
use anyhow::Context;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

pub fn record(
    args: &SnapshotArgs,
    console: &mut Console<'_>,
    p: Palette,
) -> anyhow::Result<ExitStatus> {
    let resolved = options::resolve(&args.target)?;
    let dir = resolved
        .snapshots
        .unwrap_or_else(|| PathBuf::from("snapshots"));
    let options = RunOptions {
        apis: resolved.runs,
        snapshots: Some(dir.clone()),
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
    let s = result.snapshots;
    let b = p.bold();
    let problems = result
        .report
        .findings
        .iter()
        .filter(|f| f.severity == crate::findings::Severity::Error)
        .count();
    writeln!(
        console.out,
        "{b}snapshots{b:#} in {}: {} recorded, {} unchanged, {} accepted, {} pending review",
        dir.display(),
        s.recorded,
        s.unchanged,
        s.accepted,
        s.pending
    )?;
    for f in result
        .report
        .findings
        .iter()
        .filter(|f| f.kind.starts_with("snapshot.") || f.kind.ends_with(".changed"))
    {
        let op = f.operation.as_ref().map(|o| o.id.as_str()).unwrap_or("");
        writeln!(
            console.out,
            "  {}: {} {}",
            crate::text::escape_control(op, false),
            f.kind,
            crate::text::escape_control(&result.redactor.redact(&f.message), false)
        )?;
    }
    if problems > 0 {
        writeln!(console.out, "{problems} operation(s) could not be recorded (errors below); run `drift check` for details")?;
        for f in result
            .report
            .findings
            .iter()
            .filter(|f| f.severity == crate::findings::Severity::Error)
        {
            writeln!(
                console.out,
                "  {}: {}",
                f.kind,
                crate::text::escape_control(&result.redactor.redact(&f.message), false)
            )?;
        }
    }
    if s.pending > 0 {
        writeln!(
            console.out,
            "review them with `drift review`, or accept all with `drift snapshot --accept`"
        )?;
    }
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
    let dir = match (&args.snapshots, &args.config) {
        (Some(d), _) => d.clone(),
        (None, config) => {
            let path = config
                .clone()
                .unwrap_or_else(|| PathBuf::from("drift.yaml"));
            if path.exists() {
                let cfg = crate::config::load(&path)?;
                let base = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("."));
                cfg.snapshots.unwrap_or_else(|| base.join("snapshots"))
            } else {
                PathBuf::from("snapshots")
            }
        }
    };
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
        for f in &pending {
            if args.accept_all {
                store::accept(f)
            } else {
                store::reject(f)
            }
            .with_context(|| format!("{}", f.display()))?;
        }
        let verb = if args.accept_all {
            "accepted"
        } else {
            "rejected"
        };
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
    let (mut accepted, mut rejected, mut skipped) = (0, 0, 0);
    let mut all: Option<bool> = None;
    for (i, f) in pending.iter().enumerate() {
        let old_path = PathBuf::from(f.to_string_lossy().trim_end_matches(".new"));
        let old = std::fs::read_to_string(&old_path).unwrap_or_default();
        let new = std::fs::read_to_string(f).with_context(|| format!("{}", f.display()))?;
        let b = p.bold();
        writeln!(
            console.out,
            "\n{b}[{}/{}] {}{b:#}",
            i + 1,
            pending.len(),
            old_path.display()
        )?;
        if old.is_empty() {
            writeln!(console.out, "  (new snapshot)")?;
        }
        write_diff(console.out, p, &old, &new)?;
        let choice = match all {
            Some(true) => 'a',
            Some(false) => 'r',
            None => {
                loop {
                    write!(console.out, "accept (a), reject (r), skip (s), accept all (A), reject all (R), quit (q)? ")?;
                    console.out.flush()?;
                    let Some(Ok(line)) = lines.next() else {
                        break 'q';
                    };
                    match line.trim() {
                        "a" | "r" | "s" | "q" => break line.trim().chars().next().unwrap_or('s'),
                        "A" => {
                            all = Some(true);
                            break 'a';
                        }
                        "R" => {
                            all = Some(false);
                            break 'r';
                        }
                        _ => continue,
                    }
                }
            }
        };
        match choice {
            'a' => {
                store::accept(f)?;
                accepted += 1;
            }
            'r' => {
                store::reject(f)?;
                rejected += 1;
            }
            'q' => break,
            _ => skipped += 1,
        }
    }
    writeln!(
        console.out,
        "\n{accepted} accepted, {rejected} rejected, {skipped} skipped"
    )?;
    Ok(ExitStatus::Success)
}

/// A coloured line diff of two snapshot files.
fn write_diff(w: &mut dyn Write, p: Palette, old: &str, new: &str) -> std::io::Result<()> {
    let diff = similar::TextDiff::from_lines(old, new);
    let (add, del, dim) = (
        p.good(),
        p.severity(crate::findings::Severity::Breaking),
        p.dim(),
    );
    for group in diff.grouped_ops(3) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let (sign, style) = match change.tag() {
                    similar::ChangeTag::Delete => ("-", del),
                    similar::ChangeTag::Insert => ("+", add),
                    similar::ChangeTag::Equal => (" ", dim),
                };
                write!(w, "{style}{sign} {}{style:#}", change.value())?;
                if change.missing_newline() {
                    writeln!(w)?;
                }
            }
        }
        writeln!(w, "{dim}  ⋯{dim:#}")?;
    }
    Ok(())
}
