//! When most operations of an API answer the same error status (404 for every path is the usual
//! sign of a base URL missing the contract's base path) and some do not declare it, one finding
//! says so, with a hint, instead of one line per operation — the operations that declare the
//! status included, since their "pass" checked nothing of the contract.

use crate::model::Finding;
use crate::model::Kind;
use crate::model::OperationResult;
use std::collections::{BTreeMap, HashSet};

/// The fewest operations that make a pattern worth grouping.
pub const MIN_OPERATIONS: usize = 3;

/// Group the API's findings when one error status covers at least 80% of the operations that got
/// an answer (and at least [`MIN_OPERATIONS`]), and at least one of them does not declare it.
pub fn group(
    api: &str,
    base_path: &str,
    base_url: &str,
    operations: &[OperationResult],
    findings: &mut Vec<Finding>,
) {
    let answered = operations.iter().filter(|o| o.status.is_some()).count();
    // The error status most operations answered, declared or not: an item endpoint that declares
    // 404 answers it too when the base URL is wrong, and must not read as a pass.
    let mut by_status: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
    for o in operations {
        if let Some(status) = o.status.filter(|s| *s >= 400) {
            by_status.entry(status).or_default().push(&o.operation_id);
        }
    }
    let undeclared: HashSet<&str> = findings
        .iter()
        .filter(|f| f.kind == Kind::StatusUndeclared)
        .filter_map(|f| f.operation.as_ref().map(|op| op.id.as_str()))
        .collect();
    let Some((status, ops)) = by_status.into_iter().max_by_key(|(_, ops)| ops.len()) else {
        return;
    };
    let not_declaring = ops.iter().filter(|id| undeclared.contains(*id)).count();
    if ops.len() < MIN_OPERATIONS || ops.len() * 5 < answered * 4 || not_declaring == 0 {
        return;
    }
    let status = status.to_string();
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
    let declared = if not_declaring == affected.len() {
        "which they do not declare".to_string()
    } else {
        format!(
            "{not_declaring} of them not declaring it ({} declare it, so their answer says nothing of the contract)",
            affected.len() - not_declaring
        )
    };
    let mut message = format!(
        "{} of {answered} operations answered {status}, {declared} (for example {}): ",
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
