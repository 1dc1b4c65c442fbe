//! Findings: the one data type every stage reports with (lint, check, spec diff).
//!
//! A finding is data, not an error: it says what drifted, where, and how bad it is. Reporters read
//! findings; they never re-run checks. Ordering is deterministic (see [`Finding::sort_key`]).

use super::kind::{Kind, Severity};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The kind of one finding: a registered [`Kind`], and for the `schema.*` family the failing
/// keyword (`schema.type`). Written as its id; read back only when the id is registered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FindingKind {
    kind: Kind,
    id: Cow<'static, str>,
}

impl FindingKind {
    /// A `schema.<keyword>` kind.
    pub fn schema(keyword: &str) -> FindingKind {
        FindingKind {
            kind: Kind::Schema,
            id: Cow::Owned(format!("schema.{keyword}")),
        }
    }

    /// The kind of a registered id (`schema.<keyword>` included).
    pub fn parse(id: &str) -> Option<FindingKind> {
        match Kind::of_id(id)? {
            Kind::Schema => Some(FindingKind::schema(id.strip_prefix("schema.")?)),
            kind => Some(FindingKind::from(kind)),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The id reports write (`schema.type`, `snapshot.added`).
    pub fn as_str(&self) -> &str {
        &self.id
    }
}

impl From<Kind> for FindingKind {
    fn from(kind: Kind) -> FindingKind {
        FindingKind {
            kind,
            id: Cow::Borrowed(kind.id()),
        }
    }
}

/// Ordered by id, as reports sort findings.
impl PartialOrd for FindingKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FindingKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id.cmp(&other.id)
    }
}

impl PartialEq<Kind> for FindingKind {
    fn eq(&self, kind: &Kind) -> bool {
        self.kind == *kind
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl Serialize for FindingKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

impl<'de> Deserialize<'de> for FindingKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FindingKind, D::Error> {
        let id = String::deserialize(d)?;
        FindingKind::parse(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding kind `{id}`")))
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

/// The named definition a place in a contract is in: `#/components/schemas/Patient/properties/x`
/// → `#/components/schemas/Patient` (OpenAPI 3) or `#/definitions/Patient` (Swagger 2.0).
pub fn definition(pointer: &str) -> Option<String> {
    for prefix in ["#/components/schemas/", "#/definitions/"] {
        if let Some(rest) = pointer.strip_prefix(prefix) {
            let name = rest.split('/').next().unwrap_or(rest);
            return Some(format!("{prefix}{name}"));
        }
    }
    None
}

/// The longest message a finding keeps (a longer one is cut, with a note of the rest's length).
pub const MAX_MESSAGE_BYTES: usize = 1_000;
/// The longest `expected` / `actual` value a finding keeps.
pub const MAX_VALUE_BYTES: usize = 300;

/// One problem found by drift. In the JSON report (version 1) its operation is flattened into
/// `operation_id`, `method` and `path` (all `null` when it is not about one operation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "FindingV1", from = "FindingV1")]
pub struct Finding {
    pub api: String,
    pub operation: Option<OperationRef>,
    /// Its kind, written as a dot-separated id (`schema.type`); the first segment is the class.
    pub kind: FindingKind,
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
    /// For a change inside a shared definition (`drift diff`): every operation it reaches, with
    /// the direction (`GET /patients [response]`), the finding's own first. Empty otherwise.
    pub reaches: Vec<String>,
}

impl Finding {
    /// A finding of `kind` with its default severity.
    pub fn new(api: &str, kind: Kind, message: impl Into<String>) -> Finding {
        Finding::of(api, FindingKind::from(kind), message.into())
    }

    /// A `schema.<keyword>` finding (the family's severity).
    pub fn schema(api: &str, keyword: &str, message: impl Into<String>) -> Finding {
        Finding::of(api, FindingKind::schema(keyword), message.into())
    }

    fn of(api: &str, kind: FindingKind, message: String) -> Finding {
        Finding {
            api: api.to_string(),
            operation: None,
            severity: kind.kind().severity(),
            kind,
            pointer: String::new(),
            schema_pointer: None,
            spec_location: None,
            old_location: None,
            expected: None,
            actual: None,
            message,
            reproduce: None,
            reaches: Vec::new(),
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

impl Finding {
    /// What identifies a finding across runs (SARIF fingerprints, history events): its API,
    /// operation, kind and pointer with array indexes generalised — indexes are data, not identity.
    pub fn fingerprint(&self) -> String {
        let op = self.operation.as_ref().map_or("", |o| o.id.as_str());
        let key = format!(
            "{}\0{op}\0{}\0{}",
            self.api,
            self.kind,
            generalize_pointer(&self.pointer)
        );
        crate::text::content_hash(key.as_bytes())
    }
}

/// A JSON Pointer with its array indexes as `*` (`/data/3/id` → `/data/*/id`).
pub fn generalize_pointer(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|t| {
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                t
            }
        })
        .collect::<Vec<_>>()
        .join("/")
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
    kind: FindingKind,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    reaches: Vec<String>,
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
            reaches: f.reaches,
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
            reaches: f.reaches,
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
    fn kinds_are_written_as_their_ids_and_read_back_only_when_registered() {
        for id in ["schema.type", "snapshot.added", "lint.ref-refused"] {
            let kind = FindingKind::parse(id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(kind.as_str(), id);
            assert_eq!(serde_json::to_string(&kind).ok(), Some(format!("\"{id}\"")));
        }
        assert_eq!(
            FindingKind::parse("schema.type").map(|k| k.kind()),
            Some(Kind::Schema)
        );
        for id in ["schema.", "snapshot.adde", "nope"] {
            assert!(FindingKind::parse(id).is_none(), "{id}");
            assert!(serde_json::from_str::<FindingKind>(&format!("\"{id}\"")).is_err());
        }
    }

    #[test]
    fn threshold_counts_more_severe_and_errors() {
        assert!(Severity::Breaking.reaches(Severity::Warning));
        assert!(Severity::Warning.reaches(Severity::Warning));
        assert!(!Severity::Info.reaches(Severity::Warning));
        assert!(Severity::Error.reaches(Severity::Info));
        assert!(!Severity::Warning.reaches(Severity::Breaking));
    }
}
