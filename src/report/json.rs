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
//!     "expected", "actual", "message", "reproduce"
//!   }],
//!   "summary": {"breaking": n, "warning": n, "info": n, "error": n}
//! }
//! ```
//! Findings are sorted by (severity, api, operation, kind, location, pointer).

use crate::findings::{Finding, Summary};
use serde_json::{json, Value};

pub const REPORT_VERSION: u32 = 1;

/// The `tool` object.
pub fn tool() -> Value {
    json!({"name": "drift", "version": env!("CARGO_PKG_VERSION")})
}

/// One finding in the report's shape.
pub fn finding(f: &Finding) -> Value {
    let op = f.operation.as_ref();
    json!({
        "api": f.api,
        "operation_id": op.map(|o| o.id.as_str()),
        "method": op.map(|o| o.method.as_str()),
        "path": op.map(|o| o.path.as_str()),
        "kind": f.kind,
        "severity": f.severity,
        "pointer": f.pointer,
        "schema_pointer": f.schema_pointer,
        "spec_location": f.spec_location,
        "expected": f.expected,
        "actual": f.actual,
        "message": f.message,
        "reproduce": f.reproduce,
    })
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
