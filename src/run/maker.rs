//! Findings about one exchange: its API, operation and reproduction line attached, for the
//! check, snapshot, example and paging steps alike.

use crate::model::{Finding, Kind, OperationRef};
use crate::snapshot::diff::Change;

/// Builds the findings of one exchange: its API, operation and reproduction line.
pub struct FindingMaker<'a> {
    pub api: &'a str,
    pub operation: OperationRef,
    pub reproduce: &'a str,
}

impl FindingMaker<'_> {
    /// A finding of `kind` (its default severity) about this exchange.
    pub fn make(&self, kind: Kind, message: String) -> Finding {
        let mut f = Finding::new(self.api, kind, message);
        f.operation = Some(self.operation.clone());
        f.reproduce = Some(self.reproduce.to_string());
        f
    }

    /// A shape change (from a snapshot or a documented example) as a finding.
    pub fn change(&self, c: Change) -> Finding {
        let mut f = self.make(c.kind, c.message);
        f.severity = c.severity;
        f.pointer = c.pointer;
        f.expected = c.expected;
        f.actual = c.actual;
        f
    }
}
