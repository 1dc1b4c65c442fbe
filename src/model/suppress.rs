//! The escape hatch that keeps its reason: drift.yaml `ignore:` entries and `severity:`
//! overrides, applied to a finished report.
//!
//! An entry matches a rule id or family (`snapshot.added`, `pagination.*`, `schema`), optionally
//! an API, an operation (its id, or `METHOD /path`, as a glob), a body pointer (a glob: `*` one
//! segment, `**` any), or a finding's fingerprint; it needs a `reason`, and may end on an `until`
//! date. A suppressed finding is never dropped silently: the report lists it with its reason
//! (`suppressed`) and it no longer counts toward the summary or the exit code. An entry past its
//! date no longer applies and is itself a warning (`config.ignore-expired`), as is one that
//! matched nothing — a stale entry hides nothing but clutters, so it is named.

use super::finding::{Finding, Summary};
use super::kind::{Kind, Severity};
use super::report::CheckReport;
use std::collections::BTreeMap;

/// One `ignore:` entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreRule {
    /// A rule id (`snapshot.added`), a family (`pagination.*` or `pagination`).
    pub rule: String,
    #[serde(default)]
    pub api: Option<String>,
    /// An operation id or `METHOD /path` glob (`GET /patients/*`).
    #[serde(default)]
    pub operation: Option<String>,
    /// A body pointer glob (`/data/*/attributes/**`).
    #[serde(default)]
    pub pointer: Option<String>,
    /// A finding's fingerprint (the `partialFingerprints` of SARIF, the history's key).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// Why: required, shown with every finding it suppresses.
    pub reason: String,
    /// The last day it applies (`YYYY-MM-DD`).
    #[serde(default)]
    pub until: Option<String>,
}

/// The `ignore:` entries and `severity:` overrides of a configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub ignore: Vec<IgnoreRule>,
    /// Rule id or family → severity.
    pub severity: BTreeMap<String, Severity>,
    /// Where the entries were written, for the warnings about them.
    pub source: String,
}

/// A finding an `ignore:` entry suppressed, with that entry's reason.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SuppressedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
}

impl Policy {
    pub fn is_empty(&self) -> bool {
        self.ignore.is_empty() && self.severity.is_empty()
    }

    /// Apply the overrides, then the entries, to a finished report; `today` is `YYYY-MM-DD`.
    pub fn apply(&self, report: &mut CheckReport, today: &str) {
        if self.is_empty() {
            return;
        }
        for f in &mut report.findings {
            if let Some(s) = self.severity_of(f.kind.as_str()) {
                f.severity = s;
            }
        }
        let (live, expired): (Vec<&IgnoreRule>, Vec<&IgnoreRule>) = self
            .ignore
            .iter()
            .partition(|r| r.until.as_deref().is_none_or(|u| u >= today));
        let mut used = vec![false; live.len()];
        let mut kept = Vec::with_capacity(report.findings.len());
        for f in std::mem::take(&mut report.findings) {
            match live.iter().position(|r| r.matches(&f)) {
                Some(i) => {
                    used[i] = true;
                    report.suppressed.push(SuppressedFinding {
                        reason: live[i].reason.clone(),
                        finding: f,
                    });
                }
                None => kept.push(f),
            }
        }
        let api = report
            .apis
            .first()
            .map_or("", |a| a.name.as_str())
            .to_string();
        for r in expired {
            kept.push(Finding::new(
                &api,
                Kind::ConfigIgnoreExpired,
                format!(
                    "{}: the ignore entry for `{}` ended on {} and no longer applies (its reason: {})",
                    self.source,
                    r.rule,
                    r.until.as_deref().unwrap_or(""),
                    r.reason
                ),
            ));
        }
        for (r, _) in live.iter().zip(&used).filter(|(_, used)| !**used) {
            kept.push(Finding::new(
                &api,
                Kind::ConfigIgnoreUnused,
                format!(
                    "{}: the ignore entry for `{}` matched no finding in this run (stale? its reason: {})",
                    self.source, r.rule, r.reason
                ),
            ));
        }
        super::finding::sort(&mut kept);
        report.summary = Summary::of(kept.iter());
        report.findings = kept;
    }

    /// The override for a kind id: the id itself, else its family.
    fn severity_of(&self, id: &str) -> Option<Severity> {
        // The id itself, then its families from the narrowest (`spec.response`, then `spec`).
        let mut family = id;
        loop {
            if let Some(s) = self
                .severity
                .get(family)
                .or_else(|| self.severity.get(&format!("{family}.*")))
            {
                return Some(*s);
            }
            family = family.rsplit_once('.')?.0;
        }
    }
}

impl IgnoreRule {
    /// Whether this entry covers a finding.
    pub fn matches(&self, f: &Finding) -> bool {
        let id = f.kind.as_str();
        let rule_ok = super::kind::in_family(id, &self.rule);
        let api_ok = self.api.as_deref().is_none_or(|a| a == f.api);
        let operation_ok = self.operation.as_deref().is_none_or(|pattern| {
            f.operation.as_ref().is_some_and(|o| {
                glob(pattern, &o.id) || glob(pattern, &format!("{} {}", o.method, o.path))
            })
        });
        let pointer_ok = self
            .pointer
            .as_deref()
            .is_none_or(|pattern| glob(pattern, &f.pointer));
        let fingerprint_ok = self
            .fingerprint
            .as_deref()
            .is_none_or(|fp| f.fingerprint() == fp);
        rule_ok && api_ok && operation_ok && pointer_ok && fingerprint_ok
    }
}

/// A glob over `/`-separated text: `*` within one segment, `**` across segments, `?` one
/// character. Bounded: patterns and texts are short, and the matcher backtracks at most
/// quadratically.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    if p.len() > 1024 || t.len() > 8192 {
        return pattern == text;
    }
    // Dynamic programming: m[i][j] = p[..i] matches t[..j].
    let mut m = vec![vec![false; t.len() + 1]; p.len() + 1];
    m[0][0] = true;
    let mut i = 0;
    while i < p.len() {
        let double = p[i] == '*' && p.get(i + 1) == Some(&'*');
        let width = if double { 2 } else { 1 };
        for j in 0..=t.len() {
            if !m[i][j] {
                continue;
            }
            match p[i] {
                '*' => {
                    // Zero or more characters (not `/` for a single star).
                    let mut k = j;
                    m[i + width][k] = true;
                    while k < t.len() && (double || t[k] != '/') {
                        k += 1;
                        m[i + width][k] = true;
                    }
                }
                '?' if j < t.len() && t[j] != '/' => m[i + 1][j + 1] = true,
                c if j < t.len() && t[j] == c => m[i + 1][j + 1] = true,
                _ => {}
            }
        }
        i += width;
    }
    m[p.len()][t.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_by_segment() {
        assert!(glob("GET /patients/*", "GET /patients/{id}"));
        assert!(!glob("GET /patients/*", "GET /patients/{id}/goals"));
        assert!(glob("GET /patients/**", "GET /patients/{id}/goals"));
        assert!(glob("/data/*/attributes/**", "/data/*/attributes/a/b"));
        assert!(glob("fetch*", "fetchPatient"));
        assert!(!glob("fetch*", "listPatients"));
        assert!(glob("", ""));
    }

    /// An entry ignoring `r` everywhere.
    fn rule(r: &str) -> IgnoreRule {
        IgnoreRule {
            rule: r.into(),
            api: None,
            operation: None,
            pointer: None,
            fingerprint: None,
            reason: "why".into(),
            until: None,
        }
    }

    #[test]
    fn entries_match_by_rule_family_operation_and_pointer() {
        let mut f = Finding::new("a", Kind::SnapshotAdded, "x".to_string());
        f.operation = Some(crate::model::OperationRef {
            id: "listPatients".into(),
            method: "GET".into(),
            path: "/patients".into(),
        });
        f.pointer = "/data/*/attributes/nick".into();
        assert!(rule("snapshot.added").matches(&f));
        assert!(rule("snapshot.*").matches(&f));
        assert!(rule("snapshot").matches(&f));
        assert!(!rule("snapshot.removed").matches(&f));
        let mut r = rule("snapshot.added");
        r.operation = Some("GET /patients".into());
        r.pointer = Some("/data/*/attributes/**".into());
        assert!(r.matches(&f));
        r.pointer = Some("/data/*/meta/**".into());
        assert!(!r.matches(&f));
    }

    #[test]
    fn a_direction_of_the_differ_is_a_family() {
        let f = Finding::new("a", Kind::SpecResponsePropertyRemoved, "x".to_string());
        for family in ["spec", "spec.*", "spec.response", "spec.response.*"] {
            assert!(rule(family).matches(&f), "{family}");
        }
        for other in [
            "spec.request",
            "spec.request.*",
            "spec.resp",
            "spec.response.property",
        ] {
            assert!(!rule(other).matches(&f), "{other}");
        }
        // The narrowest override wins: the id, then `spec.response`, then `spec`.
        let policy = |pairs: &[(&str, Severity)]| Policy {
            ignore: Vec::new(),
            severity: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            source: "drift.yaml".into(),
        };
        let id = f.kind.as_str();
        let both = policy(&[
            ("spec.*", Severity::Info),
            ("spec.response", Severity::Warning),
        ]);
        assert_eq!(both.severity_of(id), Some(Severity::Warning));
        let exact = policy(&[(id, Severity::Info), ("spec.response.*", Severity::Warning)]);
        assert_eq!(exact.severity_of(id), Some(Severity::Info));
        assert_eq!(
            policy(&[("spec.request", Severity::Info)]).severity_of(id),
            None
        );
    }
}
