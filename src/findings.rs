//! Findings: the one data type every stage reports with (lint, check, spec diff).
//!
//! A finding is data, not an error: it says what drifted, where, and how bad it is. Reporters read
//! findings; they never re-run checks. Ordering is deterministic (see [`Finding::sort_key`]).

use crate::rules::Kind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The check itself could not run.
    Error,
    /// A client written against the contract would break.
    Breaking,
    /// The contract is incomplete or surprising.
    Warning,
    /// Worth knowing, never a failure by default.
    Info,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Error, Self::Breaking, Self::Warning, Self::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Breaking => "breaking",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }

    /// Whether a finding of this severity fails a run with the given threshold.
    ///
    /// `error` findings always count: a check that could not run is never a pass.
    pub fn reaches(self, threshold: Severity) -> bool {
        self == Self::Error || self <= threshold
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a contract file: the file, a JSON Pointer into its document, and the line when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecLocation {
    pub file: String,
    pub pointer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// The operation a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    pub id: String,
    pub method: String,
    pub path: String,
}

/// The longest message a finding keeps (a longer one is cut, with a note of the rest's length).
pub const MAX_MESSAGE_BYTES: usize = 1_000;
/// The longest `expected` / `actual` value a finding keeps.
pub const MAX_VALUE_BYTES: usize = 300;

impl From<&crate::spec::Operation> for OperationRef {
    fn from(op: &crate::spec::Operation) -> OperationRef {
        OperationRef {
            id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
        }
    }
}

/// One problem found by drift. In the JSON report (version 1) its operation is flattened into
/// `operation_id`, `method` and `path` (all `null` when it is not about one operation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "FindingV1", from = "FindingV1")]
pub struct Finding {
    pub api: String,
    pub operation: Option<OperationRef>,
    /// Dot-separated kind, e.g. `schema.type`; the first segment is the class.
    pub kind: String,
    pub severity: Severity,
    /// JSON Pointer into the response body or example; `""` for the whole body.
    pub pointer: String,
    pub schema_pointer: Option<String>,
    pub spec_location: Option<SpecLocation>,
    /// For a change between two contracts (`drift diff`), the place in the old one
    /// (`spec_location` is the place in the new one).
    pub old_location: Option<SpecLocation>,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub message: String,
    pub reproduce: Option<String>,
}

impl Finding {
    /// A finding of `kind` with the registry's default severity.
    pub fn new(api: &str, kind: Kind, message: impl Into<String>) -> Finding {
        Finding::with_id(api, kind, kind.id().to_string(), message.into())
    }

    /// A `schema.<keyword>` finding (the family's severity).
    pub fn schema(api: &str, keyword: &str, message: impl Into<String>) -> Finding {
        Finding::with_id(
            api,
            Kind::Schema,
            format!("schema.{keyword}"),
            message.into(),
        )
    }

    fn with_id(api: &str, kind: Kind, id: String, message: String) -> Finding {
        let severity = crate::rules::rule(kind).severity;
        Finding {
            api: api.to_string(),
            operation: None,
            kind: id,
            severity,
            pointer: String::new(),
            schema_pointer: None,
            spec_location: None,
            old_location: None,
            expected: None,
            actual: None,
            message,
            reproduce: None,
        }
    }

    /// The finding with its texts cut to a bounded excerpt: a message or an `actual` value may
    /// quote a response body, and a report must not grow with the size of the bodies checked.
    pub fn bounded(mut self) -> Finding {
        self.message = crate::text::excerpt(&self.message, MAX_MESSAGE_BYTES);
        for value in [&mut self.expected, &mut self.actual].into_iter().flatten() {
            *value = crate::text::excerpt(value, MAX_VALUE_BYTES);
        }
        self
    }

    /// Findings sort by severity, then operation, then kind, then pointer, then contract place.
    pub fn sort_key(&self) -> impl Ord + '_ {
        let op = self
            .operation
            .as_ref()
            .map(|o| (o.path.as_str(), o.method.as_str(), o.id.as_str()));
        let loc = self
            .spec_location
            .as_ref()
            .map(|l| (l.file.as_str(), l.line, l.pointer.as_str()));
        (
            self.severity,
            self.api.as_str(),
            op,
            self.kind.as_str(),
            self.pointer.as_str(),
            loc,
            self.message.as_str(),
        )
    }
}

/// Sort findings into the report order.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// A finding as the JSON report writes it (field order is the wire order).
#[derive(Serialize, Deserialize)]
struct FindingV1 {
    api: String,
    operation_id: Option<String>,
    method: Option<String>,
    path: Option<String>,
    kind: String,
    severity: Severity,
    pointer: String,
    schema_pointer: Option<String>,
    spec_location: Option<SpecLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    old_location: Option<SpecLocation>,
    expected: Option<String>,
    actual: Option<String>,
    message: String,
    reproduce: Option<String>,
}

impl From<Finding> for FindingV1 {
    fn from(f: Finding) -> FindingV1 {
        let (operation_id, method, path) = match f.operation {
            Some(o) => (Some(o.id), Some(o.method), Some(o.path)),
            None => (None, None, None),
        };
        FindingV1 {
            api: f.api,
            operation_id,
            method,
            path,
            kind: f.kind,
            severity: f.severity,
            pointer: f.pointer,
            schema_pointer: f.schema_pointer,
            spec_location: f.spec_location,
            old_location: f.old_location,
            expected: f.expected,
            actual: f.actual,
            message: f.message,
            reproduce: f.reproduce,
        }
    }
}

impl From<FindingV1> for Finding {
    fn from(f: FindingV1) -> Finding {
        let operation = match (f.operation_id, f.method, f.path) {
            (Some(id), Some(method), Some(path)) => Some(OperationRef { id, method, path }),
            _ => None,
        };
        Finding {
            api: f.api,
            operation,
            kind: f.kind,
            severity: f.severity,
            pointer: f.pointer,
            schema_pointer: f.schema_pointer,
            spec_location: f.spec_location,
            old_location: f.old_location,
            expected: f.expected,
            actual: f.actual,
            message: f.message,
            reproduce: f.reproduce,
        }
    }
}

/// Counts by severity, as the report's `summary`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub breaking: usize,
    pub warning: usize,
    pub info: usize,
    pub error: usize,
}

impl Summary {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Breaking => s.breaking += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
                Severity::Error => s.error += 1,
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_counts_more_severe_and_errors() {
        assert!(Severity::Breaking.reaches(Severity::Warning));
        assert!(Severity::Warning.reaches(Severity::Warning));
        assert!(!Severity::Info.reaches(Severity::Warning));
        assert!(Severity::Error.reaches(Severity::Info));
        assert!(!Severity::Warning.reaches(Severity::Breaking));
    }
}
