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

/// The pending changes, listed for a reader who cannot answer one by one (no terminal).
pub fn write_pending_list(
    w: &mut dyn Write,
    dir: &Path,
    pending: &[std::path::PathBuf],
) -> io::Result<()> {
    writeln!(
        w,
        "{} pending snapshot change(s) in {}:",
        pending.len(),
        dir.display()
    )?;
    for f in pending {
        writeln!(w, "  {}", f.display())?;
    }
    writeln!(w, "accept them all with `drift review --accept-all` (or reject: --reject-all); run `drift review` in a terminal to choose one by one")
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
    // The stored snapshot with its evidence, which is in its API's evidence file.
    let before = crate::snapshot::store::read_stored(&old_path)
        .ok()
        .flatten();
    let (Some(after), before) = (crate::snapshot::Snapshot::parse(&new).ok(), before) else {
        return write_diff(out, p, &old, &new);
    };
    // Why it is pending: the findings of the run that left it, with the evidence behind them.
    for reason in &after.reasons {
        writeln!(out, "  {}", crate::text::escape_control(reason, false))?;
    }
    for line in evidence_lines(&after, before.as_ref()) {
        writeln!(out, "  {}", escape_control(&line, false))?;
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

/// What stands behind a pending change: the variants of each array told apart by variant (those
/// new since the stored snapshot marked), and the evidence of every key a reason names.
fn evidence_lines(
    after: &crate::snapshot::Snapshot,
    before: Option<&crate::snapshot::Snapshot>,
) -> Vec<String> {
    let mut lines = Vec::new();
    let known: Vec<(String, Vec<String>)> = before
        .and_then(|b| b.shape.as_ref())
        .map(|s| {
            s.variant_places()
                .into_iter()
                .map(|(at, v)| (at, v.of.keys().cloned().collect()))
                .collect()
        })
        .unwrap_or_default();
    for (at, v) in after
        .shape
        .as_ref()
        .map(|s| s.variant_places())
        .unwrap_or_default()
    {
        let old = known.iter().find(|(p, _)| *p == at).map(|(_, vs)| vs);
        let values: Vec<String> =
            v.of.keys()
                .map(|value| match old {
                    Some(vs) if !vs.contains(value) => format!("{value} (new)"),
                    _ => value.clone(),
                })
                .collect();
        lines.push(format!(
            "variants at {at} by {}: {}",
            v.by,
            values.join(", ")
        ));
    }
    for (key, e) in &after.evidence.keys {
        if after.reasons.iter().any(|r| names(r, key)) {
            let kinds: Vec<String> = e.types.iter().map(|(t, n)| format!("{t} {n}")).collect();
            lines.push(format!(
                "{key}: {}; kinds by runs: {}",
                e.describe(),
                kinds.join(", ")
            ));
        }
    }
    lines
}

/// Whether `text` names the pointer `key` (not a longer one it begins).
fn names(text: &str, key: &str) -> bool {
    text.match_indices(key).any(|(i, _)| {
        !text[i + key.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '[' | '*'))
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{self as snap, view::SchemaView, Selectors, SnapshotOperation};
    use serde_json::{json, Value};

    fn snapshot(body: &Value) -> snap::Snapshot {
        let view = SchemaView::undeclared();
        let operation = SnapshotOperation {
            id: "fetchPatient".into(),
            method: "GET".into(),
            path: "/p".into(),
        };
        let response = snap::Response {
            status: 200,
            content_type: Some("application/vnd.api+json"),
            body: Some(body),
        };
        let reading = snap::Reading {
            selectors: &Selectors::default(),
            view: &view,
            time: "2026-12-01T02:00:00Z",
        };
        snap::capture("care", operation, "GET /p".into(), "h", response, reading).snapshot
    }

    // A pending change shows the variants behind it (a new one marked) and the evidence of the
    // keys its reasons name.
    #[test]
    fn a_pending_change_shows_its_variants_and_evidence() {
        let resource =
            |t: &str, attributes: Value| json!({"type": t, "id": "1", "attributes": attributes});
        let before = snapshot(&json!({"included": [resource("coach", json!({"name": "A"}))]}));
        let mut after = snapshot(&json!({"included": [
            resource("coach", json!({})),
            resource("task", json!({"done": true}))]}));
        after.evidence = before.evidence.clone();
        after.reasons = vec![
            "warning snapshot.removed: /included/*[type=coach]/attributes/name (string) is gone"
                .into(),
        ];
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let stored = dir.path().join("fetchPatient.json");
        let pending = dir.path().join("fetchPatient.json.new");
        // Stored as a run stores it: the shape in its file, the evidence in the API's.
        std::fs::write(&stored, before.stored_pretty()).unwrap_or_else(|e| panic!("{e}"));
        let ledger = crate::snapshot::ledger::Ledger::in_folder(dir.path());
        ledger
            .put(&before.operation.id, &before.evidence)
            .and_then(|()| ledger.finish())
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&pending, after.to_pretty()).unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        write_pending_change(&mut out, Palette { color: false }, 0, 1, &pending)
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("variants at /included/* by type: coach, task (new)"),
            "{text}"
        );
        assert!(
            text.contains("/included/*[type=coach]/attributes/name: present in 1 of 1 runs since 2026-12-01 (1 of 1 items); kinds by runs: string 1"),
            "{text}"
        );
        assert!(
            !text.contains("/included/*[type=coach]/attributes:"),
            "{text}"
        );
        assert!(text.contains("(was 1)"), "{text}");
    }
}
