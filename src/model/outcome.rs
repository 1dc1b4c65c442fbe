//! How an operation's check ended, and the one rule that decides it from its findings.

use super::finding::Finding;
use super::kind::Severity;

/// How an operation's check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A success answer checked against its schema: the contract was verified.
    Pass,
    Drift,
    /// An answer with nothing wrong that verified nothing: a declared error (to a value drift
    /// made up, or without credentials); the reason says what to configure.
    Unverified,
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

    /// [`Outcome::of`] for an answer that verified nothing (`unverified` says why): a pass is
    /// `unverified`; drift and errors stay what they are.
    pub fn of_answer(findings: &[Finding], unverified: bool) -> Outcome {
        match Outcome::of(findings) {
            Outcome::Pass if unverified => Outcome::Unverified,
            other => other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Drift => "drift",
            Outcome::Unverified => "unverified",
            Outcome::Skipped => "skipped",
            Outcome::Error => "error",
        }
    }
}
