//! The JSON report, version 1 — a wire contract: fields are only ever added.
//!
//! ```text
//! {
//!   "version": 1,
//!   "tool": {"name": "drift", "version": "0.1.0"},
//!   "apis": [{"name": …, "spec": …, …}],
//!   "findings": [{
//!     "api", "operation_id", "method", "path"      — null when not about one operation
//!     "kind"            — a finding kind (`drift rules`), e.g. "schema.type", "example.invalid"
//!     "severity"        — "breaking" | "warning" | "info" | "error"
//!     "pointer"         — JSON Pointer into the response body or example ("" = whole body)
//!     "schema_pointer"  — the failing schema, "#/…" in the root contract file, "file#/…" else
//!     "spec_location"   — {"file", "pointer", "line"} where the finding is about a contract place
//!     "old_location"    — (drift diff only; absent otherwise) the same place in the old contract
//!     "expected", "actual", "message", "reproduce"
//!   }],
//!   "summary": {"breaking": n, "warning": n, "info": n, "error": n},
//!   "suppressed": [{…a finding…, "reason"}]  — drift.yaml `ignore:`; absent when none
//! }
//! ```
//! Findings are sorted by (severity, api, operation, kind, pointer, location); `drift diff` groups
//! them by operation.

use crate::model::{Finding, Summary};
use serde_json::{json, Value};

pub const REPORT_VERSION: u32 = 1;

/// The `tool` object.
pub fn tool() -> Value {
    json!(crate::model::Tool::current())
}

/// One finding in the report's shape.
pub fn finding(f: &Finding) -> Value {
    json!(f)
}

/// A report holding only findings (lint, diff): `apis`, `findings`, `summary`.
pub fn findings_report(apis: Vec<Value>, findings: &[Finding]) -> Value {
    json!({
        "version": REPORT_VERSION,
        "tool": tool(),
        "apis": apis,
        "findings": findings.iter().map(finding).collect::<Vec<_>>(),
        "summary": Summary::of(findings),
    })
}

/// The JSON reporter: pretty-printed, one document per output, newline-terminated.
pub struct JsonReporter;

fn write_json(w: &mut dyn std::io::Write, value: &Value) -> Result<(), super::ReportError> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    Ok(writeln!(w)?)
}

impl super::Reporter for JsonReporter {
    fn format(&self) -> super::Format {
        super::Format::Json
    }

    fn timeline(
        &self,
        w: &mut dyn std::io::Write,
        t: &crate::model::timeline::Timeline,
        built_at: &str,
    ) -> Result<(), super::ReportError> {
        serde_json::to_writer_pretty(&mut *w, &timeline(t, built_at))?;
        Ok(writeln!(w)?)
    }

    fn check(
        &self,
        w: &mut dyn std::io::Write,
        report: &crate::model::CheckReport,
    ) -> Result<(), super::ReportError> {
        // Written as it is serialized: a corpus run's report is a hundred megabytes of text,
        // several times that as a document tree.
        serde_json::to_writer_pretty(&mut *w, report)?;
        Ok(writeln!(w)?)
    }

    fn lint(
        &self,
        w: &mut dyn std::io::Write,
        view: &super::LintView<'_>,
    ) -> Result<(), super::ReportError> {
        let apis = vec![json!({
            "name": view.api,
            "spec": view.spec.display().to_string(),
            "operations_total": view.contract.operations.len(),
        })];
        write_json(w, &findings_report(apis, view.findings))
    }

    fn operations(
        &self,
        w: &mut dyn std::io::Write,
        view: &super::ops::OperationsView<'_>,
    ) -> Result<(), super::ReportError> {
        write_json(w, &super::ops::json(view))
    }

    fn pages(
        &self,
        w: &mut dyn std::io::Write,
        pages: &[crate::docs::Page],
    ) -> Result<(), super::ReportError> {
        write_json(w, &json!({ "pages": pages }))
    }

    fn rules(
        &self,
        w: &mut dyn std::io::Write,
        rules: &[&crate::rules::Rule],
        _full: bool,
    ) -> Result<(), super::ReportError> {
        write_json(w, &super::rules::json(rules))
    }
}

/// The `drift report --format json` document (its own version 1): per API its status, trust
/// score, latest run, recent nights and drift events — what a workflow needs to decide whether to
/// open an issue (`first_seen == latest` and `state == "open"` is a new event). Borrowed from the
/// timeline and written as it is serialized: a corpus-scale history has half a million events.
#[derive(serde::Serialize)]
pub struct TimelineDoc<'a> {
    drift_report: u32,
    built_at: &'a str,
    apis: Vec<ApiDoc<'a>>,
}

#[derive(serde::Serialize)]
struct ApiDoc<'a> {
    name: &'a str,
    status: &'static str,
    trust: Option<u32>,
    runs: usize,
    latest: Option<&'a str>,
    /// The last runs' statuses, oldest first: how many nights in a row an API was unreachable
    /// or refused the credentials.
    nights: Vec<NightDoc<'a>>,
    /// Every open event, every resolved warning or breaking one, and the latest
    /// [`RESOLVED_KEPT`] resolved `info` ones, by first seen.
    events: Vec<EventDoc<'a>>,
    /// The resolved `info` events left out of `events`.
    resolved_omitted: usize,
}

/// The resolved `info` events an API's document lists: the latest ones. Thirty nights of a
/// corpus resolve millions of them (an optional key of a churning collection comes and goes);
/// listed whole, they made the document 840 MB.
pub const RESOLVED_KEPT: usize = 100;

#[derive(serde::Serialize)]
struct NightDoc<'a> {
    time: &'a str,
    status: &'static str,
}

#[derive(serde::Serialize)]
struct EventDoc<'a> {
    id: &'a str,
    operation: Option<&'a str>,
    kind: &'a crate::model::FindingKind,
    pointer: &'a str,
    severity: crate::model::Severity,
    first_seen: &'a str,
    last_seen: &'a str,
    runs: usize,
    state: &'static str,
    resolved: Option<&'a str>,
    /// An open event's finding in the latest run says what it is.
    message: Option<&'a str>,
}

pub fn timeline<'a>(t: &'a crate::model::timeline::Timeline, built_at: &'a str) -> TimelineDoc<'a> {
    use crate::model::timeline::Status;
    let apis = t
        .apis
        .iter()
        .map(|api| {
            let messages = api.messages();
            let mut resolved: Vec<(&str, usize)> = (api.events.iter().enumerate())
                .filter(|(_, e)| e.severity == crate::model::Severity::Info)
                .filter_map(|(i, e)| Some((e.resolved.as_deref()?, i)))
                .collect();
            let resolved_omitted = resolved.len().saturating_sub(RESOLVED_KEPT);
            resolved.sort_unstable_by(|a, b| b.cmp(a));
            let kept: std::collections::HashSet<usize> = resolved
                .iter()
                .take(RESOLVED_KEPT)
                .map(|(_, i)| *i)
                .collect();
            let events = (api.events.iter().enumerate())
                .filter(|(i, e)| {
                    e.is_open() || e.severity != crate::model::Severity::Info || kept.contains(i)
                })
                .map(|(_, e)| EventDoc {
                    id: &e.finding.id,
                    operation: e.finding.operation.as_deref(),
                    kind: &e.finding.kind,
                    pointer: &e.finding.pointer,
                    severity: e.severity,
                    first_seen: &e.first_seen,
                    last_seen: &e.last_seen,
                    runs: e.runs,
                    state: if e.is_open() { "open" } else { "resolved" },
                    resolved: e.resolved.as_deref(),
                    message: e
                        .is_open()
                        .then(|| messages.get(&e.finding.id).copied())
                        .flatten(),
                })
                .collect();
            let nights = api
                .entries
                .iter()
                .rev()
                .take(crate::model::timeline::WINDOW)
                .rev()
                .map(|e| NightDoc {
                    time: &e.time,
                    status: Status::of(e).label(),
                })
                .collect();
            ApiDoc {
                name: &api.name,
                status: api.status().label(),
                trust: api.trust(),
                runs: api.entries.len(),
                latest: api.latest().map(|e| e.time.as_str()),
                nights,
                events,
                resolved_omitted,
            }
        })
        .collect();
    TimelineDoc {
        drift_report: 1,
        built_at,
        apis,
    }
}
