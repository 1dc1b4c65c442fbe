//! SARIF 2.1.0 for code scanning. The rules come from the rule registry (id = finding kind, the
//! summary and the `drift rules KIND` docs, the default level); each finding is one result with
//! its level from the severity, a physical location in the contract file (relative to the
//! repository root, at the line of the violated schema or operation), and `partialFingerprints`
//! built from what identifies the problem — API, operation, kind, and the body pointer with array
//! indexes generalised — so code scanning recognises the same alert across runs.

use super::{Format, ReportError, Reporter};
use crate::model::CheckReport;
use crate::model::{Finding, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub struct SarifReporter {
    /// The repository root paths are made relative to.
    pub root: Option<PathBuf>,
    /// drift's home page (`DRIFT_HOME_URL`, which the action sets to its own repository): the
    /// tool's `informationUri`, and each rule's `helpUri` into its `docs/rules.md`.
    pub home: Option<String>,
}

impl SarifReporter {
    /// Paths relative to `GITHUB_WORKSPACE`, or to the Git repository the current folder is in.
    pub fn new() -> SarifReporter {
        SarifReporter {
            root: repository_root(),
            home: std::env::var("DRIFT_HOME_URL")
                .ok()
                .and_then(|u| home_url(&u)),
        }
    }
}

impl Default for SarifReporter {
    fn default() -> SarifReporter {
        SarifReporter::new()
    }
}

impl Reporter for SarifReporter {
    fn format(&self) -> Format {
        Format::Sarif
    }

    fn check(&self, w: &mut dyn Write, report: &CheckReport) -> Result<(), ReportError> {
        serde_json::to_writer_pretty(&mut *w, &self.render(report))?;
        Ok(writeln!(w)?)
    }
}

/// The repository root: `GITHUB_WORKSPACE`, else the nearest folder above the current one that
/// holds `.git`.
pub fn repository_root() -> Option<PathBuf> {
    if let Some(ws) = std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty()) {
        return std::fs::canonicalize(ws).ok();
    }
    let cwd = std::env::current_dir().ok()?;
    let cwd = std::fs::canonicalize(cwd).ok()?;
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `file` as a `/`-separated path relative to `root` when it lies inside it; else absolute (a
/// relative path that climbs out with `..` is made absolute), `/`-rooted.
pub fn repo_relative(file: &str, root: Option<&Path>) -> String {
    use std::path::Component;
    // A file of a git revision (`drift diff origin/main:specs/x.yaml …`) is that path of the
    // repository, from its root, as git names it.
    if let Some(path) = revision_path(file) {
        return path.to_string();
    }
    let path = Path::new(file);
    let abs = std::fs::canonicalize(path).ok();
    let relative = root
        .zip(abs.as_deref())
        .and_then(|(root, abs)| abs.strip_prefix(root).ok());
    let climbs = path.components().any(|c| c == Component::ParentDir);
    let shown = match (relative, &abs) {
        (Some(r), _) => r,
        (None, Some(abs)) if climbs => abs.as_path(),
        _ => path,
    };
    let text = shown
        .components()
        .filter(|c| matches!(c, Component::Normal(_) | Component::ParentDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if shown.is_absolute() {
        format!("/{text}")
    } else {
        text
    }
}

/// The repository path of a `REV:PATH` location; `None` for files, URLs and drive letters.
fn revision_path(file: &str) -> Option<&str> {
    if file.contains("://") || Path::new(file).exists() {
        return None;
    }
    let (rev, path) = file.split_once(':')?;
    (rev.len() > 1 && !path.is_empty() && !path.starts_with(['/', '\\'])).then_some(path)
}

/// A home URL worth linking: `https://…`, nothing a link could be made odd with.
fn home_url(url: &str) -> Option<String> {
    let url = url.trim().trim_end_matches('/');
    let host = url.strip_prefix("https://")?;
    let fine = !host.is_empty()
        && host.contains('/')
        && url
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/:".contains(c));
    fine.then(|| url.to_string())
}

/// The anchor GitHub gives the heading `` ## `spec.response.type-widened` ``.
fn anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error | Severity::Breaking => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

impl SarifReporter {
    pub fn render(&self, report: &CheckReport) -> Value {
        // Every registered kind, and every kind of a family (`schema.required`) that occurred.
        let mut ids: BTreeMap<String, &'static crate::rules::Rule> = crate::rules::RULES
            .iter()
            .filter(|r| !r.id().ends_with(".*"))
            .map(|r| (r.id().to_string(), r))
            .collect();
        for f in &report.findings {
            if let Some(rule) = crate::rules::find(f.kind.as_str()) {
                ids.entry(f.kind.to_string()).or_insert(rule);
            }
        }
        let index: BTreeMap<&str, usize> = ids
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let rules: Vec<Value> = ids
            .iter()
            .map(|(id, rule)| {
                let mut r = json!({
                    "id": id,
                    "name": rule_name(id),
                    "shortDescription": {"text": rule.summary},
                    "fullDescription": {"text": rule.doc},
                    "defaultConfiguration": {"level": level(rule.severity())},
                    "help": {
                        "text": format!("{}\n\nMore: `drift rules {id}`", rule.doc),
                        "markdown": format!("{}\n\nMore: `drift rules {id}`", rule.doc),
                    },
                    "properties": {"tags": [id.split('.').next().unwrap_or(id)]},
                });
                if let Some(home) = &self.home {
                    r["helpUri"] = json!(format!(
                        "{home}/blob/HEAD/docs/rules.md#{}",
                        anchor(rule.id())
                    ));
                }
                r
            })
            .collect();
        let results: Vec<Value> = report
            .findings
            .iter()
            .map(|f| self.result(f, index.get(f.kind.as_str()).copied()))
            .collect();
        let mut sarif = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": report.tool.name,
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "rules": rules,
                }},
                "automationDetails": {"id": "drift/check/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        if let Some(home) = &self.home {
            sarif["runs"][0]["tool"]["driver"]["informationUri"] = json!(home);
        }
        sarif
    }

    fn result(&self, f: &Finding, rule_index: Option<usize>) -> Value {
        let mut message = f.message.clone();
        if let Some(op) = &f.operation {
            message = format!("{} {} ({}): {message}", op.method, op.path, op.id);
        }
        if !f.pointer.is_empty() {
            message.push_str(&format!(" [at {}]", f.pointer));
        }
        let mut result = json!({
            "ruleId": f.kind,
            "level": level(f.severity),
            "message": {"text": message},
            "partialFingerprints": {"driftFinding/v1": f.fingerprint()},
            "properties": {
                "api": f.api,
                "severity": f.severity.as_str(),
                "pointer": f.pointer,
                "operationId": f.operation.as_ref().map(|o| o.id.clone()),
                "reproduce": f.reproduce,
            },
        });
        if let Some(i) = rule_index {
            result["ruleIndex"] = json!(i);
        }
        if let Some(loc) = f.spec_location.as_ref().filter(|l| !l.file.is_empty()) {
            let mut physical = json!({
                "artifactLocation": {"uri": uri(&repo_relative(&loc.file, self.root.as_deref()))},
            });
            if let Some(line) = loc.line.filter(|l| *l > 0) {
                physical["region"] = json!({"startLine": line});
            }
            let mut location = json!({"physicalLocation": physical});
            if !loc.pointer.is_empty() {
                location["message"] = json!({"text": loc.pointer});
            }
            result["locations"] = json!([location]);
        }
        result
    }
}

/// A path as a URI reference: each segment percent-encoded; an absolute path as a `file:///` URI
/// (RFC 8089: an empty authority, then the path).
fn uri(path: &str) -> String {
    let encoded: Vec<String> = path
        .split('/')
        .map(|seg| {
            percent_encoding::utf8_percent_encode(seg, crate::text::PATH_SEGMENT).to_string()
        })
        .collect();
    let joined = encoded.join("/");
    if let Some(rest) = joined.strip_prefix('/') {
        format!("file:///{}", rest.trim_start_matches('/'))
    } else {
        joined
    }
}

/// `snapshot.type-changed` → `SnapshotTypeChanged`.
fn rule_name(id: &str) -> String {
    id.split(['.', '-'])
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_links_only_a_plain_https_url() {
        assert_eq!(
            home_url("https://github.com/acme/drift/"),
            Some("https://github.com/acme/drift".into())
        );
        for bad in [
            "http://github.com/acme/drift",
            "https://",
            "https://github.com",
            "https://github.com/a b",
            "https://github.com/a\"><x",
            "javascript:alert(1)",
        ] {
            assert_eq!(home_url(bad), None, "{bad}");
        }
        assert_eq!(
            anchor("spec.response.type-widened"),
            "specresponsetype-widened"
        );
        assert_eq!(anchor("schema.*"), "schema");
    }

    #[test]
    fn rules_link_their_docs_when_drift_has_a_home() {
        let report: CheckReport = serde_json::from_value(json!({
            "version": 1, "tool": {"name": "drift", "version": "0.1.0"},
            "started_at": "2026-12-06T00:00:00Z", "duration_ms": 1, "apis": [], "operations": [],
            "findings": [], "summary": {"breaking": 0, "warning": 0, "info": 0, "error": 0}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let with = SarifReporter {
            root: None,
            home: Some("https://github.com/acme/drift".into()),
        }
        .render(&report);
        let driver = &with["runs"][0]["tool"]["driver"];
        assert_eq!(driver["informationUri"], "https://github.com/acme/drift");
        let rule = driver["rules"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["id"] == "status.undeclared"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            rule["helpUri"],
            "https://github.com/acme/drift/blob/HEAD/docs/rules.md#statusundeclared"
        );
        let without = SarifReporter {
            root: None,
            home: None,
        }
        .render(&report);
        let driver = &without["runs"][0]["tool"]["driver"];
        assert!(driver.get("informationUri").is_none());
        assert!(driver["rules"][0].get("helpUri").is_none());
    }
}
