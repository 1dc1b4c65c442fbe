//! When most operations of an API answer the same status they do not declare (404 for every
//! path is the usual sign of a base URL missing the contract's base path), one finding says so,
//! with a hint, instead of one line per operation.

use crate::model::Finding;
use crate::model::Kind;
use crate::model::OperationResult;
use std::collections::{BTreeMap, HashSet};

/// The fewest operations that make a pattern worth grouping.
pub const MIN_OPERATIONS: usize = 3;

/// Group the API's `status.undeclared` findings when one status covers at least 80% of the
/// operations that got an answer (and at least [`MIN_OPERATIONS`]).
pub fn group(
    api: &str,
    base_path: &str,
    base_url: &str,
    operations: &[OperationResult],
    findings: &mut Vec<Finding>,
) {
    let answered = operations.iter().filter(|o| o.status.is_some()).count();
    let mut by_status: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for f in findings.iter() {
        if f.kind != Kind::StatusUndeclared {
            continue;
        }
        if let (Some(op), Some(status)) = (&f.operation, &f.actual) {
            by_status.entry(status.clone()).or_default().push(&op.id);
        }
    }
    let Some((status, ops)) = by_status.into_iter().max_by_key(|(_, ops)| ops.len()) else {
        return;
    };
    if ops.len() < MIN_OPERATIONS || ops.len() * 5 < answered * 4 {
        return;
    }
    let affected: HashSet<String> = ops.iter().map(|s| s.to_string()).collect();
    let examples: Vec<String> = operations
        .iter()
        .filter(|o| affected.contains(&o.operation_id))
        .take(3)
        .map(|o| format!("{} {}", o.method, o.path))
        .collect();
    // A reproduction line of one of them, kept for the grouped finding.
    let reproduce = findings
        .iter()
        .find(|f| {
            f.operation
                .as_ref()
                .is_some_and(|op| affected.contains(&op.id))
        })
        .and_then(|f| f.reproduce.clone());
    // Everything else those answers produced (a status that differs from the snapshot, …)
    // follows from the same cause.
    // (Not what says the check itself could not run or record: those stay.)
    findings.retain(|f| {
        let consequence = f.severity != crate::model::Severity::Error
            && !matches!(
                f.kind.as_str(),
                "snapshot.missing" | "snapshot.not-recorded" | "snapshot.unreadable"
            );
        !consequence
            || f.operation
                .as_ref()
                .is_none_or(|op| !affected.contains(&op.id))
    });
    let mut message = format!(
        "{} of {answered} operations answered {status}, which they do not declare (for example {}): ",
        affected.len(),
        examples.join(", ")
    );
    message.push_str(&hint(&status, base_path, base_url));
    let mut f = Finding::new(api, Kind::StatusUndeclared, message);
    f.actual = Some(status);
    f.reproduce = reproduce;
    findings.push(f.bounded());
}

/// Why so many operations could answer the same undeclared status.
fn hint(status: &str, base_path: &str, base_url: &str) -> String {
    if status.starts_with('5') {
        return format!("the API at {base_url} is failing (server errors), not only drifting");
    }
    let wanted = base_path.trim_end_matches('/');
    let path = url::Url::parse(base_url)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    if !wanted.is_empty() && !path.ends_with(wanted) {
        format!(
            "is the base URL right? The contract's base path `{wanted}` is not in {base_url} — try {}{wanted}",
            base_url.trim_end_matches('/')
        )
    } else {
        format!("is the base URL right ({base_url})? The API may be deployed under another path or version prefix")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hints() {
        assert!(super::hint("404", "/pub", "http://h:1").contains("try http://h:1/pub"));
        assert!(super::hint("404", "/pub", "http://h:1/pub/").contains("another path"));
        assert!(super::hint("404", "", "http://h:1").contains("another path"));
        assert!(super::hint("503", "/pub", "http://h:1").contains("failing"));
    }
}
