//! The run history's data: one [`Entry`] per API per run (format version 1; fields are only ever
//! added), what identifies a finding across runs, and the evidence a run stands on. The history
//! folder (`crate::history`) stores them; the timeline reads them.

use super::finding::{Finding, FindingKind, Summary};
use super::kind::Severity;
use super::outcome::Outcome;
use super::report::{ApiSummary, CheckReport, OperationResult};

pub const HISTORY_VERSION: u32 = 1;

/// What a run's verdict stands on: the contract against its own mock, a live API, or a live API
/// with credentials. It weighs the trust score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// The embedded mock: the contract checked against itself.
    Spec,
    /// A real API without credentials.
    Live,
    /// A real API with credentials.
    LiveCredentials,
}

impl Evidence {
    /// The id history entries and Markdown reports write.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Spec => "spec",
            Evidence::Live => "live",
            Evidence::LiveCredentials => "live-credentials",
        }
    }

    /// In words, for the report page.
    pub fn label(self) -> &'static str {
        match self {
            Evidence::Spec => "contract vs its mock",
            Evidence::Live => "live",
            Evidence::LiveCredentials => "live, with credentials",
        }
    }

    /// Its weight in the trust score.
    pub fn weight(self) -> f64 {
        match self {
            Evidence::Spec => 0.5,
            Evidence::Live => 0.9,
            Evidence::LiveCredentials => 1.0,
        }
    }
}

/// One run of one API.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub version: u32,
    /// RFC 3339, UTC: when the run started.
    pub time: String,
    pub api: String,
    /// The contract (path or `docs: …`), its content hash and `info.version`.
    pub spec: String,
    pub spec_hash: String,
    #[serde(default)]
    pub spec_version: Option<String>,
    /// The contract's `info.title`.
    #[serde(default)]
    pub spec_title: Option<String>,
    /// The base URL (without credentials), or `mock`.
    pub target: String,
    /// `spec` (the embedded mock: the contract checked against itself), `live`, or
    /// `live-credentials` (a real API with credentials).
    pub evidence: Evidence,
    pub operations: Operations,
    pub counts: Summary,
    /// The target could not be reached at all: a gap in the timeline, not a clean run.
    pub unreachable: bool,
    /// The API refused the configured credentials (`auth.failed`): a gap too, and a secret to
    /// check.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auth_failed: bool,
    /// The API could not run (its contract did not load, a credential was missing).
    #[serde(default)]
    pub error: Option<String>,
    /// The operations that were checked (an event is resolved only by a run that checked it).
    /// Shared: a history read back holds each id and fingerprint once, however many runs
    /// repeat it ([`crate::history`]).
    pub checked: Vec<std::sync::Arc<str>>,
    pub findings: Vec<std::sync::Arc<Fingerprint>>,
    /// The file of the run's full report, under `reports/`.
    #[serde(default)]
    pub report: Option<String>,
    /// The contract changed since the API's previous run: `drift diff` of the two versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_change: Option<SpecChange>,
}

/// The summary of a contract change between two runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SpecChange {
    /// The previous version's hash.
    pub from: String,
    pub breaking: usize,
    pub compatible: usize,
}

/// How many operations the contract has, and what the run did with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Operations {
    pub total: usize,
    pub checked: usize,
    pub skipped: usize,
    pub passing: usize,
}

/// What identifies a finding across runs: API, operation, kind and the body pointer with array
/// indexes generalised (`id` is a hash of those, stable across runs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    pub id: String,
    pub operation: Option<String>,
    pub kind: FindingKind,
    pub pointer: String,
    pub severity: Severity,
}

impl Fingerprint {
    pub fn of(f: &Finding) -> Fingerprint {
        Fingerprint {
            id: f.fingerprint(),
            operation: f.operation.as_ref().map(|o| o.id.clone()),
            kind: f.kind.clone(),
            pointer: super::finding::generalize_pointer(&f.pointer),
            severity: f.severity,
        }
    }
}

/// The context of an API's run that the report does not hold.
pub struct RunFacts<'a> {
    pub spec_hash: &'a str,
    pub spec_version: Option<&'a str>,
    pub spec_title: Option<&'a str>,
    pub evidence: Evidence,
}

/// The history entry of one API in a finished report.
pub fn entry(
    report: &CheckReport,
    api: &ApiSummary,
    operations: &[&OperationResult],
    findings: &[&Finding],
    facts: &RunFacts<'_>,
) -> Entry {
    let checked: Vec<String> = operations
        .iter()
        .filter(|o| o.outcome != Outcome::Skipped && o.status.is_some())
        .map(|o| o.operation_id.clone())
        .collect();
    let passing = operations
        .iter()
        .filter(|o| o.outcome == Outcome::Pass)
        .count();
    let attempted = operations
        .iter()
        .filter(|o| o.outcome != Outcome::Skipped)
        .count();
    Entry {
        version: HISTORY_VERSION,
        time: report.started_at.clone(),
        api: api.name.clone(),
        spec: api.spec.clone(),
        spec_hash: facts.spec_hash.to_string(),
        spec_version: facts.spec_version.map(String::from),
        spec_title: facts.spec_title.map(String::from),
        target: api.target.clone(),
        evidence: facts.evidence,
        operations: Operations {
            total: api.operations_total,
            checked: api.operations_checked,
            skipped: api.operations_skipped,
            passing,
        },
        counts: Summary::of(findings.iter().copied()),
        unreachable: attempted > 0 && checked.is_empty() && api.error.is_none(),
        auth_failed: findings.iter().any(|f| f.kind == super::Kind::AuthFailed),
        error: api.error.clone(),
        checked: checked.into_iter().map(Into::into).collect(),
        findings: findings
            .iter()
            .map(|f| std::sync::Arc::new(Fingerprint::of(f)))
            .collect(),
        report: None,
        spec_change: None,
    }
}
