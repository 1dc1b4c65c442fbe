//! How an operation's check ended, and the one rule that decides it from its findings.

use super::finding::Finding;
use super::kind::Severity;

/// How an operation's check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Drift,
    Skipped,
    Error,
}

impl Outcome {
    /// The outcome of an exchange from all its findings: `error` when the check could not run,
    /// `drift` for anything breaking or a warning, else `pass`.
    pub fn of(findings: &[Finding]) -> Outcome {
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Outcome::Error
        } else if findings.iter().any(|f| f.severity <= Severity::Warning) {
            Outcome::Drift
        } else {
            Outcome::Pass
        }
    }
}
