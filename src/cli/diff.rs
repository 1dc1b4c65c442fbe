//! `drift diff OLD NEW`: spec-to-spec drift. Each side is a file, a git revision
//! (`origin/main:specs/x.yaml`: the YAML/JSON files of the contract's folder at that revision,
//! streamed from git, so split contracts keep their `$ref`s), or a URL (fetched with a GET through
//! the same safety gate as `drift check`, redirects within its origin only, size capped).

use super::args::DiffArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::model::{ApiSummary, CheckReport, OperationResult};
use crate::report::{terminal::Palette, Format};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

pub fn run(args: &DiffArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(Format::CHECK)?;
    let started_at = crate::text::rfc3339(std::time::SystemTime::now());
    let t0 = std::time::Instant::now();
    let scratch = Scratch::new()?;
    let auth = super::options::auth_from_flags(&args.auth)?.unwrap_or_default();
    let cap = args.max_spec_bytes;
    let old_path = side(&args.old, &scratch.path().join("old"), &auth, cap)?;
    let new_path = side(&args.new, &scratch.path().join("new"), &auth, cap)?;
    let old = crate::spec::load(&old_path).with_context(|| format!("OLD ({})", args.old))?;
    let new = crate::spec::load(&new_path).with_context(|| format!("NEW ({})", args.new))?;
    let api = args
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
            loc.file = rename(&loc.file, &new_path, &args.new, scratch.path())
                .or_else(|| rename(&loc.file, &old_path, &args.old, scratch.path()))
                .unwrap_or_else(|| loc.file.clone());
        }
    }
    let (operations, summary) = results(&api, args, &old, &new, &findings);
    let report = CheckReport::new(
        started_at,
        t0.elapsed().as_millis() as u64,
        vec![summary],
        operations,
        findings,
    );
    let settings = crate::report::Settings {
        palette: p,
        fail_on: args.fail_on.severity(),
    };
    write_outputs(console, &outputs, settings, None, |r, palette, w| {
        match r.format() {
            Format::Terminal => Ok(crate::report::terminal::write_diff(w, palette, &report)?),
            _ => r.check(w, &report),
        }
    })?;
    let threshold = args.fail_on.severity();
    Ok(
        if report
            .findings
            .iter()
            .any(|f| f.severity.reaches(threshold))
        {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        },
    )
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
    args: &DiffArgs,
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
        spec: format!("{} → {}", args.old, args.new),
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
    parts.next(); // `old` or `new`
    Some(parts.as_path().display().to_string())
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
