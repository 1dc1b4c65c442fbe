//! What `drift report` shows, computed from a run history: per API its runs, drift events,
//! status, cadence, evidence and trust score. The HTML and Markdown reporters render it.
//!
//! **Trust score** (0–100), in one sentence: the share of operations verified in the latest
//! run × the share of the last 30 runs without a breaking finding × the weight of the evidence
//! (1 for live replay with credentials, 0.9 live without, 0.5 for the contract against its own
//! mock), × 100, minus 10 for each open breaking drift event.

use super::events::{self, is_gap, Event};
use super::history::Entry;
use super::Finding;

/// Runs the trust score and the sparkline look back over.
pub const WINDOW: usize = 30;

pub const TRUST_FORMULA: &str = "trust = verified share of operations in the latest run × share of the last 30 runs without a breaking finding × evidence weight (1 live with credentials, 0.9 live, 0.5 the contract against its own mock) × 100, minus 10 per open breaking drift event";

/// A trust score and what it is made of, to show beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrustParts {
    pub score: u32,
    /// The share of operations verified in the latest run that reached the API.
    pub verified: f64,
    /// The share of the last runs without a breaking finding.
    pub clean: f64,
    /// The weight of the evidence (1 live with credentials, 0.9 live, 0.5 the mock).
    pub weight: f64,
    pub open_breaking: usize,
}

impl TrustParts {
    /// `62% verified · 100% of runs clean · mock evidence ×0.5`, and open breaking events.
    pub fn explain(&self) -> String {
        let mut s = format!(
            "{:.0}% verified · {:.0}% of runs clean",
            self.verified * 100.0,
            self.clean * 100.0
        );
        if self.weight < 1.0 {
            let what = if self.weight <= 0.5 {
                "mock"
            } else {
                "no credentials"
            };
            s.push_str(&format!(" · {what} ×{}", self.weight));
        }
        if self.open_breaking > 0 {
            s.push_str(&format!(" · −{} open breaking", 10 * self.open_breaking));
        }
        s
    }
}

/// One API's history, ready to render.
pub struct ApiTimeline {
    pub name: String,
    /// Oldest first.
    pub entries: Vec<Entry>,
    pub events: Vec<Event>,
    /// The latest run's findings (from its stored report), for "current findings".
    pub current: Vec<Finding>,
    pub warnings: Vec<String>,
}

/// Every API of a history folder.
pub struct Timeline {
    pub apis: Vec<ApiTimeline>,
    pub warnings: Vec<String>,
}

impl Timeline {
    /// The history's warnings, then each API's.
    pub fn all_warnings(&self) -> impl Iterator<Item = &String> {
        let apis = self.apis.iter().flat_map(|a| a.warnings.iter());
        self.warnings.iter().chain(apis)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Clean,
    Warning,
    Breaking,
    Unreachable,
    AuthFailed,
    Error,
    NoRuns,
}

impl Status {
    /// The status of one run.
    pub fn of(e: &Entry) -> Status {
        if e.error.is_some() {
            Status::Error
        } else if e.auth_failed {
            Status::AuthFailed
        } else if e.unreachable {
            Status::Unreachable
        } else if e.counts.breaking > 0 {
            Status::Breaking
        } else if e.counts.warning > 0 {
            Status::Warning
        } else {
            Status::Clean
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Clean => "clean",
            Status::Warning => "warnings",
            Status::Breaking => "breaking drift",
            Status::Unreachable => "unreachable",
            Status::AuthFailed => "credentials refused",
            Status::Error => "could not run",
            Status::NoRuns => "no runs",
        }
    }
}

impl ApiTimeline {
    pub fn latest(&self) -> Option<&Entry> {
        self.entries.last()
    }

    /// The messages of the latest run's findings, by fingerprint (an event's id): built once,
    /// read for every event.
    pub fn messages(&self) -> std::collections::HashMap<String, &str> {
        self.current
            .iter()
            .map(|f| (f.fingerprint(), f.message.as_str()))
            .collect()
    }

    pub fn status(&self) -> Status {
        self.latest().map_or(Status::NoRuns, Status::of)
    }

    /// The trust score after the first `upto` entries.
    pub fn trust_at(&self, upto: usize) -> Option<u32> {
        self.trust_parts_at(upto).map(|p| p.score)
    }

    /// The trust score after the first `upto` entries, with the parts it is made of.
    pub fn trust_parts_at(&self, upto: usize) -> Option<TrustParts> {
        let entries = &self.entries[..upto.min(self.entries.len())];
        self.trust_parts_with(upto, || events::open_breaking(entries))
    }

    /// The trust score after the first `upto` entries, given how many breaking events are
    /// open then.
    fn trust_parts_with(
        &self,
        upto: usize,
        open_breaking: impl FnOnce() -> usize,
    ) -> Option<TrustParts> {
        let entries = &self.entries[..upto.min(self.entries.len())];
        let latest = entries.iter().rev().find(|e| !is_gap(e))?;
        let verified = if latest.operations.total == 0 {
            0.0
        } else {
            latest.operations.checked as f64 / latest.operations.total as f64
        };
        let window: Vec<&Entry> = entries
            .iter()
            .rev()
            .filter(|e| !is_gap(e))
            .take(WINDOW)
            .collect();
        let clean = window.iter().filter(|e| e.counts.breaking == 0).count() as f64
            / window.len().max(1) as f64;
        let weight = latest.evidence.weight();
        let open_breaking = open_breaking();
        let score = (verified * clean * weight * 100.0).round() - 10.0 * open_breaking as f64;
        Some(TrustParts {
            score: score.clamp(0.0, 100.0) as u32,
            verified,
            clean,
            weight,
            open_breaking,
        })
    }

    /// The latest trust score's parts.
    pub fn trust_parts(&self) -> Option<TrustParts> {
        self.trust_parts_at(self.entries.len())
    }

    pub fn trust(&self) -> Option<u32> {
        self.trust_at(self.entries.len())
    }

    /// The trust score after each of the last [`WINDOW`] runs.
    pub fn sparkline(&self) -> Vec<Option<u32>> {
        let n = self.entries.len();
        let open = events::open_breaking_after_each(&self.entries);
        (n.saturating_sub(WINDOW) + 1..=n)
            .map(|i| {
                let open = open.get(i.wrapping_sub(1)).copied().unwrap_or(0);
                self.trust_parts_with(i, || open).map(|p| p.score)
            })
            .collect()
    }

    /// The median time between runs, as words (`daily`, `every 6 h`).
    pub fn cadence(&self) -> Option<String> {
        let times: Vec<i64> = self
            .entries
            .iter()
            .filter_map(|e| seconds(&e.time))
            .collect();
        let mut gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        if gaps.is_empty() {
            return None;
        }
        gaps.sort_unstable();
        let median = gaps[gaps.len() / 2];
        Some(match median {
            m if (6 * 86_400..=8 * 86_400).contains(&m) => "weekly".into(),
            m if (20 * 3600..=28 * 3600).contains(&m) => "daily".into(),
            m if m >= 86_400 => format!("every {} days", (m + 43_200) / 86_400),
            m if m >= 3600 => format!("every {} h", (m + 1800) / 3600),
            m if m >= 60 => format!("every {} min", (m + 30) / 60),
            m => format!("every {m} s"),
        })
    }

    /// Runs where the contract's hash differs from the run before.
    pub fn spec_changed(&self, i: usize) -> bool {
        i > 0 && self.entries[i].spec_hash != self.entries[i - 1].spec_hash
    }
}

/// `2026-11-21T06:00:00Z` → seconds since the epoch (UTC, seconds precision).
fn seconds(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    if b.len() < 19 {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::history::{Fingerprint, Operations};
    use crate::model::{Severity, Summary};

    fn night(n: u32, hash: &str, breaking: bool, unreachable: bool) -> Entry {
        let findings = if breaking {
            vec![Fingerprint {
                id: "fp".into(),
                operation: Some("getA".into()),
                kind: crate::model::Kind::SnapshotRemoved.into(),
                pointer: "/x".into(),
                severity: Severity::Breaking,
            }]
        } else {
            Vec::new()
        };
        Entry {
            version: 1,
            time: format!("2026-11-{n:02}T02:00:00Z"),
            api: "a".into(),
            spec: "a.yaml".into(),
            spec_hash: hash.into(),
            spec_version: None,
            spec_title: None,
            target: "https://api.example.com".into(),
            evidence: crate::model::history::Evidence::LiveCredentials,
            operations: Operations {
                total: 4,
                checked: 4,
                skipped: 0,
                passing: 4,
            },
            counts: Summary {
                breaking: findings.len(),
                ..Summary::default()
            },
            unreachable,
            auth_failed: false,
            error: None,
            checked: if unreachable {
                Vec::new()
            } else {
                vec!["getA".into()]
            },
            findings: findings.into_iter().map(std::sync::Arc::new).collect(),
            report: None,
            spec_change: None,
        }
    }

    fn api(entries: Vec<Entry>) -> ApiTimeline {
        ApiTimeline {
            name: "a".into(),
            events: crate::model::events::events(&entries),
            entries,
            current: Vec::new(),
            warnings: Vec::new(),
        }
    }

    // The spec changes on night 4; drift appears on night 3 and resolves on night 6; night 5 is
    // unreachable. The trust score drops with the drift and recovers, the cadence is daily.
    #[test]
    fn spec_changes_status_trust_and_cadence() {
        let a = api((1..=8)
            .map(|n| {
                night(
                    n,
                    if n < 4 { "h1" } else { "h2" },
                    (3..=4).contains(&n),
                    n == 5,
                )
            })
            .collect());
        assert!(a.spec_changed(3) && !a.spec_changed(4) && !a.spec_changed(1));
        assert_eq!(a.status(), Status::Clean);
        assert_eq!(a.cadence().as_deref(), Some("daily"));
        let spark = a.sparkline();
        assert_eq!(spark.len(), 8);
        assert_eq!(spark[1], Some(100), "two clean nights");
        assert!(spark[2] < spark[1], "drift lowers trust: {spark:?}");
        assert!(spark[7] > spark[3], "and resolving it raises it: {spark:?}");
        assert_eq!(a.events.len(), 1);
        assert_eq!(
            a.events[0].resolved.as_deref(),
            Some("2026-11-06T02:00:00Z")
        );
        let unreachable = api(vec![
            night(1, "h", false, false),
            night(2, "h", false, true),
        ]);
        assert_eq!(unreachable.status(), Status::Unreachable);
    }

    // A night whose credentials were refused is its own status, and a gap: it neither resolves
    // nor confirms drift, and the trust score stands on the last run that checked something.
    #[test]
    fn a_refused_night_is_a_gap_with_its_own_status() {
        let mut refused = night(3, "h", false, false);
        refused.auth_failed = true;
        refused.checked.clear();
        refused.counts.error = 1;
        let a = api(vec![
            night(1, "h", false, false),
            night(2, "h", true, false),
            refused,
        ]);
        assert_eq!(a.status(), Status::AuthFailed);
        assert_eq!(a.status().label(), "credentials refused");
        assert!(crate::model::events::is_gap(&a.entries[2]));
        assert!(a.events[0].is_open(), "a refused night resolves nothing");
        assert_eq!(a.trust(), a.trust_at(2));
    }

    #[test]
    fn seconds_agree_with_the_formatter() {
        for s in [0u64, 951_782_400, 1_795_240_800] {
            let t = crate::text::rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(s));
            assert_eq!(super::seconds(&t), Some(s as i64), "{t}");
        }
    }
}
