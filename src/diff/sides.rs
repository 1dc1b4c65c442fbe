//! The two sides of `drift diff OLD NEW`, and the report of their comparison. Each side is a file,
//! a git revision (`origin/main:specs/x.yaml`: the YAML/JSON files of the contract's folder at that
//! revision, streamed from git, so split contracts keep their `$ref`s), or a URL (fetched with a
//! GET through the same safety gate as `drift check`, redirects within its origin only, size
//! capped). Locations in the report name each side as the user gave it.

use crate::model::{ApiSummary, CheckReport, OperationResult};
use crate::replay::auth::AuthConfig;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

/// What to compare.
#[derive(Debug, Clone)]
pub struct Sides {
    /// The contract clients were written against: a file, a URL, or `REV:PATH`.
    pub old: String,
    /// The new contract, likewise.
    pub new: String,
    /// The API name in reports (default: from NEW's file name).
    pub api: Option<String>,
    /// Credentials for a side given as a URL.
    pub auth: AuthConfig,
    /// The cap of a contract fetched by URL or read from git.
    pub max_spec_bytes: usize,
}

/// Compare OLD with NEW: every change as a finding, one result per operation of NEW.
pub fn compare(input: &Sides) -> anyhow::Result<CheckReport> {
    let started_at = crate::text::rfc3339(std::time::SystemTime::now());
    let t0 = std::time::Instant::now();
    let scratch = Scratch::new()?;
    let (auth, cap) = (&input.auth, input.max_spec_bytes);
    let old_path = side(&input.old, &scratch.path().join("old"), auth, cap)?;
    let new_path = side(&input.new, &scratch.path().join("new"), auth, cap)?;
    let old = crate::spec::load(&old_path).with_context(|| format!("OLD ({})", input.old))?;
    let new = crate::spec::load(&new_path).with_context(|| format!("NEW ({})", input.new))?;
    let api = input
        .api
        .clone()
        .unwrap_or_else(|| crate::run::api::default_api_name(&new_path));
    let mut findings = crate::diff::diff(&api, &old, &new);
    // Locations name the sides as the user gave them, with lines.
    new.locate_lines(findings.iter_mut().filter_map(|f| f.spec_location.as_mut()));
    old.locate_lines(findings.iter_mut().filter_map(|f| f.old_location.as_mut()));
    for f in &mut findings {
        for loc in [&mut f.spec_location, &mut f.old_location]
            .into_iter()
            .flatten()
        {
            loc.file = rename(&loc.file, &new_path, &input.new, scratch.path())
                .or_else(|| rename(&loc.file, &old_path, &input.old, scratch.path()))
                .unwrap_or_else(|| loc.file.clone());
        }
    }
    let (operations, summary) = results(&api, input, &old, &new, &findings);
    Ok(CheckReport::new(
        started_at,
        t0.elapsed().as_millis() as u64,
        vec![summary],
        operations,
        findings,
    ))
}

/// A private scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> anyhow::Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("drift-diff-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).context("cannot make a scratch folder")?;
        Ok(Scratch(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One result per operation of NEW (drift where a change was found) and the API line.
fn results(
    api: &str,
    input: &Sides,
    old: &crate::spec::Contract,
    new: &crate::spec::Contract,
    findings: &[crate::model::Finding],
) -> (Vec<OperationResult>, ApiSummary) {
    // Findings per operation, keyed once (a large diff has thousands of both).
    let mut by_op: std::collections::HashMap<(String, String), Vec<crate::model::Finding>> =
        std::collections::HashMap::new();
    for f in findings {
        if let Some(r) = &f.operation {
            by_op
                .entry((r.method.clone(), crate::diff::path_key(&r.path)))
                .or_default()
                .push(f.clone());
        }
    }
    let mut operations: Vec<OperationResult> = new
        .operations
        .iter()
        .map(|o| {
            let mine = by_op
                .get(&(o.method.clone(), crate::diff::path_key(&o.path)))
                .cloned()
                .unwrap_or_default();
            OperationResult {
                api: api.to_string(),
                operation_id: o.id.clone(),
                method: o.method.clone(),
                path: o.path.clone(),
                url: None,
                status: None,
                outcome: crate::model::Outcome::of(&mine),
                reason: None,
                duration_ms: None,
                live: Vec::new(),
                pages: Vec::new(),
            }
        })
        .collect();
    operations.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    let summary = ApiSummary {
        name: api.to_string(),
        spec: format!("{} → {}", input.old, input.new),
        target: "spec diff".into(),
        operations_total: new.operations.len(),
        operations_checked: new.operations.len(),
        operations_skipped: 0,
        notes: vec![format!(
            "{} {} → {} {}",
            old.title, old.version, new.title, new.version
        )],
        error: None,
        duration_ms: None,
    };
    (operations, summary)
}

/// A location named as the user named the side (`origin/main:specs/x.yaml`), or, for another
/// file of an extracted revision, by its path in the repository.
fn rename(file: &str, side: &Path, given: &str, scratch: &Path) -> Option<String> {
    if Path::new(file) == side {
        return Some(given.to_string());
    }
    let rest = Path::new(file).strip_prefix(scratch).ok()?;
    let mut parts = rest.components();
    // `old` or `new`: only a file of this side's own folder is named after this side.
    let own = side.strip_prefix(scratch).ok()?.components().next();
    if parts.next() != own {
        return None;
    }
    let path = parts.as_path().display().to_string();
    // A file of that side's revision keeps the revision in its name (`HEAD~1:specs/x.yaml`).
    Some(match given.split_once(':') {
        Some((rev, _)) if !given.starts_with("http") => format!("{rev}:{path}"),
        _ => path,
    })
}

/// A side as a file on disk: itself, a git revision extracted to `scratch`, or a fetched URL.
fn side(
    given: &str,
    scratch: &Path,
    auth: &crate::replay::auth::AuthConfig,
    max_bytes: usize,
) -> anyhow::Result<PathBuf> {
    if given.starts_with("http://") || given.starts_with("https://") {
        return crate::spec::remote::fetch_with(given, scratch, auth, max_bytes)
            .map_err(|e| anyhow::anyhow!(e));
    }
    let path = PathBuf::from(given);
    if path.exists() {
        return Ok(path);
    }
    let Some((rev, file)) = given.split_once(':') else {
        bail!("{given}: no such file (give a file, a URL, or a git revision like origin/main:specs/x.yaml)");
    };
    crate::spec::revision::extract(rev, file, scratch, max_bytes).map_err(anyhow::Error::msg)
}
