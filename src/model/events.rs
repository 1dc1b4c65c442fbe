//! Drift events from a run history: when each finding (by its fingerprint) was first and last
//! seen, and whether it is still open. An event is resolved by the first later run that checked
//! its operation without it; a run that could not reach the target (or could not run) is a gap —
//! it neither resolves nor opens anything. A finding that comes back after being resolved is a new
//! event.

use super::history::{Entry, Fingerprint};
use crate::model::Severity;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The finding as the run that opened the event saw it (its id, operation, kind and
    /// pointer), shared with the history's entries.
    pub finding: Arc<Fingerprint>,
    pub api: Arc<str>,
    /// The most severe it has been.
    pub severity: Severity,
    pub first_seen: Arc<str>,
    pub last_seen: Arc<str>,
    /// The time of the run that no longer had it; `None` while open.
    pub resolved: Option<Arc<str>>,
    /// Runs that had it.
    pub runs: usize,
}

impl Event {
    pub fn is_open(&self) -> bool {
        self.resolved.is_none()
    }
}

/// Whether a run says nothing about drift (the target was unreachable, refused the credentials,
/// or the API could not run).
pub fn is_gap(e: &Entry) -> bool {
    e.unreachable || e.auth_failed || e.error.is_some()
}

/// How many breaking events are open after `entries` (oldest first): as [`events`] would count
/// them, without building every event — only the findings that were ever breaking are followed
/// (a trust score is computed per run, over histories of a hundred thousand findings a night).
pub fn open_breaking(entries: &[Entry]) -> usize {
    let live = || entries.iter().filter(|e| !is_gap(e));
    let ever: HashSet<&str> = live()
        .flat_map(|e| e.findings.iter())
        .filter(|f| f.severity == crate::model::Severity::Breaking)
        .map(|f| f.id.as_str())
        .collect();
    if ever.is_empty() {
        return 0;
    }
    // id → its operation, while open.
    let mut open: HashMap<&str, Option<&str>> = HashMap::new();
    for entry in live() {
        let present: HashSet<&str> = entry
            .findings
            .iter()
            .map(|f| f.id.as_str())
            .filter(|id| ever.contains(id))
            .collect();
        for f in entry
            .findings
            .iter()
            .filter(|f| present.contains(f.id.as_str()))
        {
            open.entry(f.id.as_str()).or_insert(f.operation.as_deref());
        }
        let checked: HashSet<&str> = entry.checked.iter().map(|op| &**op).collect();
        open.retain(|id, op| present.contains(id) || op.is_some_and(|op| !checked.contains(op)));
    }
    open.len()
}

/// [`open_breaking`] after each entry (oldest first), in one pass: what a trust score per run
/// needs, without following the history again for every run.
pub fn open_breaking_after_each(entries: &[Entry]) -> Vec<usize> {
    let mut ever: HashSet<&str> = HashSet::new();
    // id → its operation, while open (every finding is followed: one may turn breaking later).
    let mut open: HashMap<&str, Option<&str>> = HashMap::new();
    let mut counts = Vec::with_capacity(entries.len());
    for entry in entries {
        if !is_gap(entry) {
            let present: HashSet<&str> = entry.findings.iter().map(|f| f.id.as_str()).collect();
            for f in &entry.findings {
                if f.severity == Severity::Breaking {
                    ever.insert(&f.id);
                }
                open.entry(f.id.as_str()).or_insert(f.operation.as_deref());
            }
            let checked: HashSet<&str> = entry.checked.iter().map(|op| &**op).collect();
            open.retain(|id, op| {
                present.contains(id) || op.is_some_and(|op| !checked.contains(op))
            });
        }
        counts.push(open.keys().filter(|id| ever.contains(*id)).count());
    }
    counts
}

/// The events of one API's entries (oldest first), ordered by first seen.
pub fn events(entries: &[Entry]) -> Vec<Event> {
    // Open events by id (the order they close in does not matter: the result is sorted).
    let mut open: HashMap<&str, Event> = HashMap::new();
    let mut closed = Vec::new();
    let Some(api) = entries.first().map(|e| Arc::<str>::from(e.api.as_str())) else {
        return closed;
    };
    for entry in entries {
        if is_gap(entry) {
            continue;
        }
        let time: Arc<str> = entry.time.as_str().into();
        let mut present = HashSet::new();
        for f in &entry.findings {
            if !present.insert(f.id.as_str()) {
                continue;
            }
            let e = open.entry(f.id.as_str()).or_insert_with(|| Event {
                finding: f.clone(),
                api: api.clone(),
                severity: f.severity,
                first_seen: time.clone(),
                last_seen: time.clone(),
                resolved: None,
                runs: 0,
            });
            e.last_seen = time.clone();
            e.runs += 1;
            e.severity = e.severity.min(f.severity);
        }
        let checked: HashSet<&str> = entry.checked.iter().map(|op| &**op).collect();
        let gone: Vec<&str> = open
            .iter()
            .filter(|(id, e)| {
                !present.contains(*id)
                    && e.finding
                        .operation
                        .as_deref()
                        .is_none_or(|op| checked.contains(op))
            })
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            if let Some(mut e) = open.remove(id) {
                e.resolved = Some(time.clone());
                closed.push(e);
            }
        }
    }
    closed.extend(open.into_values());
    closed.sort_by(|a, b| (&a.first_seen, &a.finding.id).cmp(&(&b.first_seen, &b.finding.id)));
    closed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::history::{Entry, Fingerprint, Operations};
    use crate::model::Summary;

    fn night(n: u32, findings: &[&str], unreachable: bool) -> Entry {
        Entry {
            version: 1,
            time: format!("2026-11-{n:02}T02:00:00Z"),
            api: "a".into(),
            spec: "a.yaml".into(),
            spec_hash: if n < 5 { "h1".into() } else { "h2".into() },
            spec_version: None,
            spec_title: None,
            target: "https://api.example.com".into(),
            evidence: crate::model::history::Evidence::Live,
            operations: Operations {
                total: 2,
                checked: 2,
                skipped: 0,
                passing: 2,
            },
            counts: Summary::default(),
            unreachable,
            auth_failed: false,
            error: None,
            checked: if unreachable {
                Vec::new()
            } else {
                vec!["getA".into(), "getB".into()]
            },
            findings: findings
                .iter()
                .map(|id| {
                    Arc::new(Fingerprint {
                        id: id.to_string(),
                        operation: Some("getA".into()),
                        kind: crate::model::Kind::SnapshotRemoved.into(),
                        pointer: "/x".into(),
                        severity: Severity::Breaking,
                    })
                })
                .collect(),
            report: None,
            spec_change: None,
        }
    }

    // Drift appears on night 3, persists, resolves on night 7; nights 5 is unreachable (a gap,
    // not a resolution); it comes back on night 9 as a new event, still open.
    #[test]
    fn appear_persist_resolve_with_gaps() {
        let nights: Vec<Entry> = (1..=10)
            .map(|n| match n {
                3 | 4 | 6 | 9 | 10 => night(n, &["fp1"], false),
                5 => night(n, &[], true),
                _ => night(n, &[], false),
            })
            .collect();
        let ev = events(&nights);
        assert_eq!(ev.len(), 2, "{ev:#?}");
        assert_eq!(&*ev[0].first_seen, "2026-11-03T02:00:00Z");
        assert_eq!(&*ev[0].last_seen, "2026-11-06T02:00:00Z");
        assert_eq!(ev[0].resolved.as_deref(), Some("2026-11-07T02:00:00Z"));
        assert_eq!(ev[0].runs, 3, "the gap night does not count");
        assert_eq!(&*ev[1].first_seen, "2026-11-09T02:00:00Z");
        assert!(ev[1].is_open());
    }

    // A run that did not check the operation does not resolve its event.
    #[test]
    fn only_a_run_that_checked_the_operation_resolves() {
        let mut second = night(2, &[], false);
        second.checked = vec!["getB".into()];
        let ev = events(&[night(1, &["fp"], false), second, night(3, &[], false)]);
        assert_eq!(ev[0].resolved.as_deref(), Some("2026-11-03T02:00:00Z"));
    }

    // The count the trust score uses agrees with the events, night by night, through gaps,
    // unchecked operations, and a finding that grows from info to breaking.
    #[test]
    fn open_breaking_agrees_with_the_events() {
        let mut nights: Vec<Entry> = (1..=10)
            .map(|n| match n {
                3 | 4 | 6 | 9 | 10 => night(n, &["fp1", "fp2"], false),
                5 => night(n, &[], true),
                7 => night(n, &["fp2", "fp3"], false),
                _ => night(n, &["fp3"], false),
            })
            .collect();
        for f in &mut nights[7].findings {
            Arc::make_mut(f).severity = Severity::Info; // fp3 on night 8: info
        }
        nights[7].checked = vec!["getB".into()];
        for upto in 0..=nights.len() {
            let want = events(&nights[..upto])
                .iter()
                .filter(|e| e.is_open() && e.severity == Severity::Breaking)
                .count();
            assert_eq!(open_breaking(&nights[..upto]), want, "after {upto} nights");
        }
        let each = open_breaking_after_each(&nights);
        for upto in 1..=nights.len() {
            assert_eq!(
                each[upto - 1],
                open_breaking(&nights[..upto]),
                "after {upto}"
            );
        }
    }
}
