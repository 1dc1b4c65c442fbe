//! Stage 6, `report`: render a finished run. Reporters read one immutable [`CheckReport`] (or a
//! list of findings, for lint) and write to `&mut dyn Write`; they never re-run checks.

pub mod json;
pub mod terminal;

use crate::check::Outcome;
use crate::findings::Finding;

/// Everything a `drift check` run produced.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: u64,
    pub apis: Vec<ApiSummary>,
    /// Sorted by (api, path, method).
    pub operations: Vec<OperationResult>,
    /// Sorted by (severity, api, operation, kind, pointer).
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone)]
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
    /// no operations and one `api.error` finding.
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
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
}
