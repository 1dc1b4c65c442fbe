//! Markdown: the job summary (`$GITHUB_STEP_SUMMARY`) and pull-request comment of `drift check`,
//! and the rule registry as `docs/rules.md`.
//!
//! The check report: a headline verdict, a table per API (operation, outcome, findings by
//! severity), and a collapsible `<details>` per operation with findings: severity, kind, pointer,
//! expected vs actual, where in the contract, and the reproduction. Everything taken from a
//! contract or a response is escaped (HTML and Markdown), and the whole stays under GitHub's
//! 65,536-character comment limit: past [`BUDGET`], operations are left out with a note saying
//! how many.

use super::{Format, ReportError, Reporter};
use crate::model::CheckReport;
use crate::model::Outcome;
use crate::model::{Finding, Severity};
use std::fmt::Write as _;
use std::io::Write;

pub struct MarkdownReporter;

/// The most characters the check report uses before it leaves operations out (GitHub's limit
/// for a comment is 65,536; the rest is room for the closing note).
pub const BUDGET: usize = 60_000;

impl Reporter for MarkdownReporter {
    fn format(&self) -> Format {
        Format::Markdown
    }

    fn check(&self, w: &mut dyn Write, report: &CheckReport) -> Result<(), ReportError> {
        Ok(w.write_all(check(report).as_bytes())?)
    }

    fn timeline(
        &self,
        w: &mut dyn Write,
        t: &crate::model::timeline::Timeline,
        built_at: &str,
    ) -> Result<(), ReportError> {
        Ok(w.write_all(timeline(t, built_at).as_bytes())?)
    }

    fn rules(
        &self,
        w: &mut dyn Write,
        _rules: &[&crate::rules::Rule],
        _full: bool,
    ) -> Result<(), ReportError> {
        Ok(w.write_all(super::rules::markdown().as_bytes())?)
    }
}

/// Text from a contract or a response, safe in Markdown and HTML ([`crate::text::escape_markdown`]).
pub fn md(s: &str) -> String {
    crate::text::escape_markdown(s)
}

/// Text inside inline `<code>`: Markdown still applies between inline tags, so it is escaped
/// like any text.
fn code(s: &str) -> String {
    md(s)
}

/// Text inside a `<pre>` block: markup escaped only (an HTML block is not Markdown).
fn pre(s: &str) -> String {
    crate::text::escape_control(s, false)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

fn counts(found: &[&Finding]) -> [usize; 4] {
    let n = |s: Severity| found.iter().filter(|f| f.severity == s).count();
    [
        n(Severity::Breaking),
        n(Severity::Warning),
        n(Severity::Info),
        n(Severity::Error),
    ]
}

/// The check report as Markdown.
pub fn check(report: &CheckReport) -> String {
    let s = &report.summary;
    let checked: usize = report
        .apis
        .iter()
        .map(|a| a.operations_checked)
        .fold(0, usize::saturating_add);
    let skipped: usize = report
        .apis
        .iter()
        .map(|a| a.operations_skipped)
        .fold(0, usize::saturating_add);
    let verdict = if s.error > 0 && s.breaking == 0 {
        "⚠️ drift could not check everything"
    } else if s.breaking > 0 {
        "❌ drift found breaking changes"
    } else if s.warning > 0 {
        "⚠️ drift found warnings"
    } else {
        "✅ no drift"
    };
    let unverified = report
        .operations
        .iter()
        .filter(|o| o.outcome == Outcome::Unverified)
        .count();
    let unverified = if unverified > 0 {
        format!(" ({unverified} not verified: an error answer)")
    } else {
        String::new()
    };
    let mut out = format!(
        "## {verdict}\n\n{checked} operation(s) checked{unverified}, {skipped} skipped in {} API(s): **{} breaking**, {} warning, {} info, {} error.\n\n",
        report.apis.len(),
        s.breaking,
        s.warning,
        s.info,
        s.error
    );
    if !report.suppressed.is_empty() {
        let _ = writeln!(
            out,
            "{} finding(s) suppressed by drift.yaml `ignore:`, each with its reason (listed in the JSON report).\n",
            report.suppressed.len()
        );
    }
    let mut details = String::new();
    let (mut left_out, mut rows_left_out) = (0usize, 0usize);
    let mut apis_left_out = 0usize;
    for api in report.per_api() {
        if out.len() + details.len() > BUDGET {
            apis_left_out += 1;
            continue;
        }
        let _ = writeln!(
            out,
            "### {}\n\n{} → {}{}\n",
            md(&api.api.name),
            md(&api.api.spec),
            md(&api.api.target),
            api.api
                .error
                .as_ref()
                .map(|e| format!("  \n**could not run:** {}", md(e)))
                .unwrap_or_default()
        );
        out.push_str("| operation | outcome | breaking | warning | info | error |\n|---|---|---|---|---|---|\n");
        for (op, found) in &api.operations {
            let [b, w, i, e] = counts(found);
            let outcome = match op.outcome {
                Outcome::Pass => "✅ pass",
                Outcome::Drift => "❌ drift",
                Outcome::Unverified => "❔ unverified",
                Outcome::Skipped => "⏭ skipped",
                Outcome::Error => "⚠️ error",
            };
            // Why an operation verified nothing or was not sent.
            let why = match (op.outcome, &op.reason) {
                (Outcome::Unverified | Outcome::Skipped, Some(reason)) => {
                    format!(": {}", md(&crate::text::excerpt(reason, 160)))
                }
                _ => String::new(),
            };
            let outcome = format!("{outcome}{why}");
            let row = format!(
                "| <code>{}</code> {} | {outcome} | {b} | {w} | {i} | {e} |\n",
                code(&format!("{} {}", op.method, op.path)),
                md(&op.operation_id)
            );
            if out.len() + details.len() + row.len() > BUDGET {
                rows_left_out += 1;
            } else {
                out.push_str(&row);
            }
            if found.is_empty() {
                continue;
            }
            let section = operation_details(&api.api.name, op, found);
            if out.len() + details.len() + section.len() > BUDGET {
                left_out += 1;
            } else {
                details.push_str(&section);
            }
        }
        for f in &api.general {
            let _ = writeln!(out, "\n**{}** `{}`: {}", f.severity, f.kind, md(&f.message));
        }
        out.push('\n');
    }
    if !details.is_empty() {
        out.push_str("### Findings\n\n");
        out.push_str(&details);
    }
    if left_out > 0 || rows_left_out > 0 || apis_left_out > 0 {
        let _ = writeln!(
            out,
            "\n> **{left_out} operation(s) with findings were left out** (and {rows_left_out} table row(s), {apis_left_out} API section(s)) to stay within GitHub's comment size; the full report is `drift check --format json`."
        );
    }
    out
}

/// The nightly report as Markdown: the overview, then each API's drift events.
pub fn timeline(t: &crate::model::timeline::Timeline, built_at: &str) -> String {
    use crate::model::timeline::TRUST_FORMULA;
    let mut out = format!(
        "## drift report\n\n{} API(s), built {}.\n\n| API | status | verified | last checked | cadence | evidence | trust |\n|---|---|---|---|---|---|---|\n",
        t.apis.len(),
        md(built_at)
    );
    for api in &t.apis {
        let latest = api.latest();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&api.name),
            api.status().label(),
            latest.map_or("—".into(), |e| format!(
                "{} / {}",
                e.operations.checked, e.operations.total
            )),
            md(latest.map_or("—", |e| e.time.as_str())),
            md(&api.cadence().unwrap_or_else(|| "—".into())),
            md(latest.map_or("—", |e| e.evidence.as_str())),
            api.trust().map_or("—".into(), |s| s.to_string())
        );
    }
    let _ = writeln!(out, "\nTrust score: {}.\n", md(TRUST_FORMULA));
    for api in &t.apis {
        let _ = writeln!(out, "### {}\n", md(&api.name));
        if api.events.is_empty() {
            out.push_str("No drift recorded yet — the spec has held its shape.\n\n");
            continue;
        }
        out.push_str("| severity | kind | operation | pointer | first seen | last seen | state |\n|---|---|---|---|---|---|---|\n");
        for e in &api.events {
            let _ = writeln!(
                out,
                "| {} | <code>{}</code> | {} | <code>{}</code> | {} | {} | {} |",
                e.severity,
                code(e.finding.kind.as_str()),
                md(e.finding.operation.as_deref().unwrap_or("(API)")),
                code(&e.finding.pointer),
                md(&e.first_seen),
                md(&e.last_seen),
                e.resolved
                    .as_ref()
                    .map_or("open".to_string(), |t| format!("resolved {}", md(t)))
            );
        }
        out.push('\n');
    }
    out
}

/// A collapsible section: every finding of one operation.
fn operation_details(api: &str, op: &crate::model::OperationResult, found: &[&Finding]) -> String {
    let [b, w, i, e] = counts(found);
    let mut s = format!(
        "<details><summary>{} <code>{}</code> ({}) — {b} breaking, {w} warning, {i} info, {e} error</summary>\n\n",
        md(api),
        code(&format!("{} {}", op.method, op.path)),
        md(&op.operation_id),
    );
    for f in found {
        let mut head = format!("- **{}** `{}`", f.severity, f.kind);
        if !f.pointer.is_empty() {
            let _ = write!(head, " at <code>{}</code>", code(&f.pointer));
        }
        let _ = write!(head, ": {}", md(&f.message));
        let mut lines = vec![head];
        if let (Some(exp), Some(act)) = (&f.expected, &f.actual) {
            lines.push(format!(
                "expected <code>{}</code>, actual <code>{}</code>",
                code(exp),
                code(act)
            ));
        }
        if let Some(loc) = &f.spec_location {
            let line = loc.line.map(|l| format!(":{l}")).unwrap_or_default();
            lines.push(format!(
                "contract <code>{}{line}</code> <code>{}</code>",
                code(&loc.file),
                code(&loc.pointer)
            ));
        }
        // One list item, its details on lines of their own.
        let _ = writeln!(s, "{}", lines.join("<br>\n  "));
    }
    if let Some(r) = found.iter().find_map(|f| f.reproduce.as_ref()) {
        let _ = writeln!(s, "\nReproduce:\n\n<pre>{}</pre>", pre(r));
    }
    s.push_str("\n</details>\n\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::model::OperationRef;
    use crate::model::{ApiSummary, OperationResult};

    /// A report of `n` drifted operations, each with three long findings.
    fn big(n: usize) -> CheckReport {
        let api = ApiSummary {
            name: "big".into(),
            spec: "big.yaml".into(),
            target: "mock".into(),
            operations_total: n,
            operations_checked: n,
            operations_skipped: 0,
            notes: Vec::new(),
            error: None,
            duration_ms: None,
        };
        let mut ops = Vec::new();
        let mut findings = Vec::new();
        for i in 0..n {
            let id = format!("op{i}");
            ops.push(OperationResult {
                api: "big".into(),
                operation_id: id.clone(),
                method: "GET".into(),
                path: format!("/things/{i}"),
                url: None,
                status: Some(200),
                outcome: Outcome::Drift,
                reason: None,
                duration_ms: Some(1),
                live: Vec::new(),
                pages: Vec::new(),
            });
            for _ in 0..3 {
                let mut f = Finding::new("big", Kind::SnapshotRemoved, "x".repeat(300));
                f.operation = Some(OperationRef {
                    id: id.clone(),
                    method: "GET".into(),
                    path: format!("/things/{i}"),
                });
                f.reproduce = Some(format!("curl -sS http://h/things/{i}"));
                findings.push(f);
            }
        }
        CheckReport::new("2026-12-01T00:00:00Z".into(), 1, vec![api], ops, findings)
    }

    #[test]
    fn stays_under_the_comment_limit_and_says_what_it_left_out() {
        let small = check(&big(3));
        assert!(!small.contains("left out"), "{small}");
        let text = check(&big(2_000));
        assert!(text.len() < 65_536, "{} characters", text.len());
        assert!(
            text.contains("operation(s) with findings were left out"),
            "{text}"
        );
    }
}
