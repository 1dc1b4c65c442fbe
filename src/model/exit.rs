//! How a command ended: the process exit code, decided by one rule per kind of result.

use super::finding::Finding;
use super::kind::Severity;

/// How a run ended; the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the failure threshold.
    Success = 0,
    /// Drift (findings) at or above the threshold.
    Failure = 1,
    /// Could not run: usage, configuration or contract error.
    Error = 2,
    /// The target was unreachable for every planned operation.
    Unreachable = 3,
    /// An API stopped on an authentication failure (a refused token request, or the API refusing
    /// the first authenticated requests): the credentials, not the contract, need attention.
    AuthFailed = 4,
}

impl ExitStatus {
    /// `Failure` when a finding reaches `threshold` (an `error` finding always does), else
    /// `Success`.
    pub fn of_findings<'a>(
        findings: impl IntoIterator<Item = &'a Finding>,
        threshold: Severity,
    ) -> ExitStatus {
        if findings.into_iter().any(|f| f.severity.reaches(threshold)) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    /// `Failure` when `failed`, else `Success`.
    pub fn failed_if(failed: bool) -> ExitStatus {
        if failed {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}
