//! What `drift snapshot` did (files recorded, unchanged, accepted, pending; what could not be
//! recorded) and the coloured diff `drift review` shows for a pending change.

use super::terminal::Palette;
use crate::model::Severity;
use crate::model::SnapshotStats;
use crate::model::{CheckReport, Kind};
use crate::text::escape_control;
use std::io::{self, Write};
use std::path::Path;

/// The summary of a `drift snapshot` run; returns how many operations could not be recorded.
/// What a recording run wrote, and where.
pub struct Recorded<'a> {
    pub dir: &'a Path,
    pub stats: &'a SnapshotStats,
    pub report: &'a CheckReport,
}

pub fn write_record(
    w: &mut dyn Write,
    p: Palette,
    dir: &Path,
    s: &SnapshotStats,
    report: &CheckReport,
) -> io::Result<usize> {
    let b = p.bold();
    writeln!(
        w,
        "{b}snapshots{b:#} in {}: {} recorded, {} unchanged, {} learned, {} accepted, {} pending review",
        dir.display(),
        s.recorded,
        s.unchanged,
        s.learned,
        s.accepted,
        s.pending
    )?;
    let changes = report.findings.iter().filter(|f| {
        f.kind.kind().class() == "snapshot"
            || matches!(
                f.kind.kind(),
                Kind::StatusChanged | Kind::ContentTypeChanged
            )
    });
    for f in changes {
        let op = f.operation.as_ref().map(|o| o.id.as_str()).unwrap_or("");
        let (op, message) = (escape_control(op, false), escape_control(&f.message, false));
        writeln!(w, "  {op}: {} {message}", f.kind)?;
    }
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        writeln!(
            w,
            "{} operation(s) could not be recorded (errors below); run `drift check` for details",
            errors.len()
        )?;
        for f in &errors {
            writeln!(w, "  {}: {}", f.kind, escape_control(&f.message, false))?;
        }
    }
    if s.pending > 0 {
        writeln!(
            w,
            "review them with `drift review`, or accept all with `drift snapshot --accept`"
        )?;
    }
    Ok(errors.len())
}

/// A coloured line diff of two snapshot files.
pub fn write_diff(w: &mut dyn Write, p: Palette, old: &str, new: &str) -> std::io::Result<()> {
    let diff = similar::TextDiff::from_lines(old, new);
    let (add, del, dim) = (
        p.good(),
        p.severity(crate::model::Severity::Breaking),
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

/// `[2/5] snapshots/coaching/fetchCoach.json` and the coloured diff of its pending change.
pub fn write_pending_change(
    out: &mut dyn Write,
    p: Palette,
    index: usize,
    total: usize,
    pending: &std::path::Path,
) -> std::io::Result<()> {
    let old_path = crate::snapshot::review::stored_path(pending);
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
        return write_diff(out, p, &old, &new);
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
    write_diff(out, p, &old_content, &after.content_pretty())
}

/// What a `drift check` did to the snapshots, for the end of its terminal report: what was
/// learned (with `--learn`) and what waits for review.
pub fn check_notes(dir: &std::path::Path, s: &SnapshotStats, learn: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if learn {
        notes.push(format!(
            "learned from {} response(s): their evidence grew in {}",
            s.learned,
            dir.display()
        ));
    }
    if s.pending > 0 {
        notes.push(format!("{} snapshot change(s) pending in {}: review them with `drift review` (or accept all: `drift review --accept-all`)", s.pending, dir.display()));
    }
    notes
}
