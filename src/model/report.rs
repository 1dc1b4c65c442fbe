//! The check report: everything a `drift check` (or `drift diff`, or a merge of shards) produced,
//! the JSON report version 1 read and written with serde — field order is the wire order
//! (documented in `crate::report::json`).

use super::finding::{self, Finding, Summary};
use super::outcome::Outcome;

/// The version of the JSON report this build writes and reads.
pub const REPORT_VERSION: u32 = 1;

/// Everything a `drift check` run produced: the JSON report, version 1 (documented in
/// `json.rs`), read and written with serde. Field order is the wire order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    /// [`REPORT_VERSION`].
    pub version: u32,
    pub tool: Tool,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: u64,
    pub apis: Vec<ApiSummary>,
    /// Sorted by (api, path, method).
    pub operations: Vec<OperationResult>,
    /// Sorted by (severity, api, operation, kind, pointer).
    pub findings: Vec<Finding>,
    /// Counts of `findings` by severity.
    pub summary: Summary,
    /// Findings drift.yaml `ignore:` entries suppressed, each with the entry's reason (not
    /// counted in `summary`). Left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<super::suppress::SuppressedFinding>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    /// This build of drift.
    pub fn current() -> Tool {
        Tool {
            name: "drift".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// The operations of one API with their findings, in report order, and the API's findings that
/// are about no operation (`api.error`).
pub struct ApiFindings<'r> {
    pub api: &'r ApiSummary,
    pub operations: Vec<(&'r OperationResult, Vec<&'r Finding>)>,
    pub general: Vec<&'r Finding>,
}

impl CheckReport {
    /// One report from the reports of shards of one run (`drift report --merge`): the APIs,
    /// operations and findings of all, in the order an unsharded run writes them; the earliest
    /// start and the longest duration. An API in two reports is an error.
    pub fn merge(reports: Vec<CheckReport>) -> Result<CheckReport, String> {
        let started_at = reports
            .iter()
            .map(|r| r.started_at.clone())
            .min()
            .unwrap_or_default();
        let duration_ms = reports.iter().map(|r| r.duration_ms).max().unwrap_or(0);
        let (mut apis, mut operations, mut findings) = (Vec::new(), Vec::new(), Vec::new());
        let mut suppressed = Vec::new();
        let mut names = std::collections::HashSet::new();
        for r in reports {
            for a in &r.apis {
                if !names.insert(a.name.clone()) {
                    return Err(format!("API `{}` is in more than one report", a.name));
                }
            }
            apis.extend(r.apis);
            operations.extend(r.operations);
            findings.extend(r.findings);
            suppressed.extend(r.suppressed);
        }
        let mut merged =
            CheckReport::assembled(started_at, duration_ms, apis, operations, findings);
        merged.suppressed = suppressed;
        Ok(merged)
    }

    /// A report in the canonical order: APIs by name, operations by (API, path, method),
    /// findings by [`finding::sort`].
    pub fn assembled(
        started_at: String,
        duration_ms: u64,
        mut apis: Vec<ApiSummary>,
        mut operations: Vec<OperationResult>,
        mut findings: Vec<Finding>,
    ) -> CheckReport {
        apis.sort_by(|a, b| a.name.cmp(&b.name));
        operations.sort_by(|a, b| (&a.api, &a.path, &a.method).cmp(&(&b.api, &b.path, &b.method)));
        finding::sort(&mut findings);
        CheckReport::new(started_at, duration_ms, apis, operations, findings)
    }

    /// The report grouped per API and operation: what the CI reporters walk. Linear in the
    /// report's size.
    pub fn per_api(&self) -> Vec<ApiFindings<'_>> {
        use std::collections::HashMap;
        let mut by_op: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
        let mut general: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in &self.findings {
            match &f.operation {
                Some(op) => by_op.entry((&f.api, &op.id)).or_default().push(f),
                None => general.entry(&f.api).or_default().push(f),
            }
        }
        let mut ops: HashMap<&str, Vec<(&OperationResult, Vec<&Finding>)>> = HashMap::new();
        for o in &self.operations {
            let found = by_op
                .remove(&(o.api.as_str(), o.operation_id.as_str()))
                .unwrap_or_default();
            ops.entry(&o.api).or_default().push((o, found));
        }
        // A finding about an operation the report does not list is still reported.
        for ((api, _), found) in by_op {
            general.entry(api).or_default().extend(found);
        }
        self.apis
            .iter()
            .map(|api| ApiFindings {
                api,
                operations: ops.remove(api.name.as_str()).unwrap_or_default(),
                general: general.remove(api.name.as_str()).unwrap_or_default(),
            })
            .collect()
    }

    /// A report of this build, its summary counted from the findings.
    pub fn new(
        started_at: String,
        duration_ms: u64,
        apis: Vec<ApiSummary>,
        operations: Vec<OperationResult>,
        findings: Vec<Finding>,
    ) -> CheckReport {
        CheckReport {
            version: REPORT_VERSION,
            tool: Tool::current(),
            started_at,
            duration_ms,
            apis,
            operations,
            summary: Summary::of(&findings),
            findings,
            suppressed: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiSummary {
    pub name: String,
    pub spec: String,
    /// The base URL, or `mock`.
    pub target: String,
    pub operations_total: usize,
    pub operations_checked: usize,
    pub operations_skipped: usize,
    /// Things the user should know about this run (e.g. auth not applied against the mock).
    pub notes: Vec<String>,
    /// Why the API could not run at all (its contract, docs pages or credentials); then it has
    /// no operations and one `api.error` finding. Absent from the JSON when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Wall time of this API's part of the run: loading, planning, replaying, checking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OperationResult {
    pub api: String,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub url: Option<String>,
    pub status: Option<u16>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub duration_ms: Option<u64>,
    /// Path parameters taken from live responses earlier in the run
    /// (`id ← data[0].id of GET /patients (live)`). Absent from the JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub live: Vec<String>,
    /// What walking the collection's pages saw, one line per walk
    /// (`page (page[size]=10): 3 page(s), 25 item(s) of 25, to the end`). Absent when not paged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
}

/// Why a JSON document is not a report drift can read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("written by `{0}`, not by drift")]
    Tool(String),
    #[error("report version {0}: this drift reads version {REPORT_VERSION}")]
    Version(u32),
}

/// Read a `drift check` JSON report back (for merging shards and the nightly report): one
/// written by drift, of the version this build writes.
pub fn read_check_report(text: &str) -> Result<CheckReport, ReadError> {
    checked(serde_json::from_str(text)?)
}

/// [`read_check_report`] from a reader (a file, a decompressor), without holding its text.
pub fn read_check_report_from(reader: impl std::io::Read) -> Result<CheckReport, ReadError> {
    checked(serde_json::from_reader(std::io::BufReader::new(reader))?)
}

/// The findings of a report read from a reader: the rest (every operation's result, the
/// largest part of a corpus run's report) is skipped, not held.
pub fn read_findings_from(reader: impl std::io::Read) -> Result<Vec<Finding>, ReadError> {
    #[derive(serde::Deserialize)]
    struct Findings {
        version: u32,
        tool: Tool,
        findings: Vec<Finding>,
    }
    let read: Findings = serde_json::from_reader(std::io::BufReader::new(reader))?;
    written_by_drift(&read.tool, read.version)?;
    Ok(read.findings)
}

fn checked(report: CheckReport) -> Result<CheckReport, ReadError> {
    written_by_drift(&report.tool, report.version)?;
    Ok(report)
}

fn written_by_drift(tool: &Tool, version: u32) -> Result<(), ReadError> {
    if tool.name != "drift" {
        return Err(ReadError::Tool(crate::text::excerpt(&tool.name, 80)));
    }
    if version != REPORT_VERSION {
        return Err(ReadError::Version(version));
    }
    Ok(())
}
