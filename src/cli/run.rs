//! The run behind `drift check` and `drift snapshot`: for every API, plan → replay → check, then
//! compare with (or record) snapshots and with documented examples. Returns the immutable report.

use super::options::{self, ApiRun, BaseUrl};
use super::target::{build_target, reproduce};
use crate::check::{self, Outcome};
use crate::config;
use crate::findings::Finding;
use crate::plan::{self, Planned, PlannedRequest};
use crate::replay;
use crate::replay::auth::Redactor;
use crate::replay::transport::HttpRequest;
use crate::report::{ApiSummary, CheckReport, OperationResult};
use crate::snapshot::store::Store;
use crate::snapshot::{self as snap, SnapshotOperation};
use crate::spec::Contract;
use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// What a run does with snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotMode {
    /// `drift check`: compare; write pending `.json.new` files and history when `write`.
    Compare { write: bool },
    /// `drift snapshot`: record missing snapshots; changed ones pending, or replaced when `accept`.
    Record { accept: bool },
}

/// What happened to snapshot files during a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct SnapshotStats {
    pub recorded: usize,
    pub unchanged: usize,
    pub pending: usize,
    pub accepted: usize,
}

pub struct RunResult {
    pub report: CheckReport,
    pub attempted: usize,
    pub unreachable: usize,
    pub snapshots: SnapshotStats,
    pub snapshot_dir: Option<PathBuf>,
    pub redactor: Redactor,
}

/// Whether this is a CI run (insta's rule: then nothing is written unless asked).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Plan, replay and check every API; compare or record snapshots.
pub fn run_apis(resolved: &options::Resolved, mode: SnapshotMode) -> anyhow::Result<RunResult> {
    let started_at = crate::text::rfc3339(SystemTime::now());
    let t0 = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let redactor = Redactor::default();
    let mut report = CheckReport {
        started_at: started_at.clone(),
        duration_ms: 0,
        apis: Vec::new(),
        operations: Vec::new(),
        findings: Vec::new(),
    };
    let (mut attempted, mut unreachable) = (0usize, 0usize);
    let mut stats = SnapshotStats::default();
    let store = resolved.snapshots.clone().map(Store::new);
    let runs = &resolved.runs;
    for run in runs {
        if let Some(store) = &store {
            store.remove_stale_temp_files(&run.name);
        }
        let docs = crate::docs::DocsContract {
            pages: crate::docs::read_pages(&run.docs).map_err(anyhow::Error::msg)?,
        };
        let (contract, spec_bytes, label) = options::load_contract(run, &docs)?;
        let contract = Arc::new(contract);
        let snap = store.as_ref().map(|store| SnapshotCtx {
            store,
            mode,
            spec_hash: crate::snapshot::content_hash(&spec_bytes),
            redactor: redactor.clone(),
        });
        let input = ApiInput {
            contract,
            docs: &docs,
            label: &label,
        };
        let outcome = runtime.block_on(check_api(
            run,
            input,
            redactor.clone(),
            snap.as_ref(),
            &mut stats,
        ))?;
        if let (Some(ctx), SnapshotMode::Compare { write: true }) = (&snap, mode) {
            let counts = crate::findings::Summary::of(&outcome.findings);
            let errored = outcome
                .operations
                .iter()
                .filter(|o| o.outcome == Outcome::Error)
                .count();
            let line = serde_json::json!({
                "time": started_at,
                "spec_hash": ctx.spec_hash,
                "drift_version": env!("CARGO_PKG_VERSION"),
                "target": outcome.summary.target,
                "counts": counts,
                "operations": {"checked": outcome.summary.operations_checked, "skipped": outcome.summary.operations_skipped, "errored": errored},
            });
            let line = ctx.redactor.redact(&line.to_string());
            ctx.store
                .append_history(&run.name, &line)
                .with_context(|| format!("cannot append to the history of {}", run.name))?;
        }
        attempted += outcome.attempted;
        unreachable += outcome.unreachable;
        report.apis.push(outcome.summary);
        report.operations.extend(outcome.operations);
        report.findings.extend(outcome.findings);
    }
    report.duration_ms = t0.elapsed().as_millis() as u64;
    report
        .operations
        .sort_by(|a, b| (&a.api, &a.path, &a.method).cmp(&(&b.api, &b.path, &b.method)));
    crate::findings::sort(&mut report.findings);
    Ok(RunResult {
        report,
        attempted,
        unreachable,
        snapshots: stats,
        snapshot_dir: resolved.snapshots.clone(),
        redactor,
    })
}

struct ApiOutcome {
    summary: ApiSummary,
    operations: Vec<OperationResult>,
    findings: Vec<Finding>,
    attempted: usize,
    unreachable: usize,
}

struct SnapshotCtx<'a> {
    store: &'a Store,
    mode: SnapshotMode,
    spec_hash: String,
    /// Pinned values and requests that hold a credential are stored redacted.
    redactor: Redactor,
}

/// What an API is checked against: its contract, its documentation pages, a label for reports.
struct ApiInput<'a> {
    contract: Arc<Contract>,
    docs: &'a crate::docs::DocsContract,
    label: &'a str,
}

async fn check_api(
    run: &ApiRun,
    input: ApiInput<'_>,
    redactor: Redactor,
    snap_ctx: Option<&SnapshotCtx<'_>>,
    stats: &mut SnapshotStats,
) -> anyhow::Result<ApiOutcome> {
    let ApiInput {
        contract,
        docs,
        label,
    } = input;
    let base_path = contract
        .servers
        .first()
        .map(|s| crate::mock::server_path(s))
        .unwrap_or_default();
    let mut notes = Vec::new();
    let planned = plan::build(&contract, &run.params);
    let mut operations = Vec::new();
    let mut to_send: Vec<(usize, PlannedRequest)> = Vec::new();
    for (i, p) in planned.into_iter().enumerate() {
        let op = &contract.operations[i];
        let skip = |reason: String| OperationResult {
            api: run.name.clone(),
            operation_id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            url: None,
            status: None,
            outcome: Outcome::Skipped,
            reason: Some(reason),
            duration_ms: None,
        };
        match p {
            Planned::Skipped { reason, .. } => operations.push(skip(reason)),
            Planned::Request(_)
                if !config::selected(&run.selection, &op.id, &op.tags, &op.path) =>
            {
                operations.push(skip(
                    "excluded by the configuration's operations include/exclude".into(),
                ));
            }
            Planned::Request(r) => to_send.push((i, r)),
        }
    }

    let (target, target_name, mock_base) =
        build_target(run, &contract, redactor.clone(), &mut notes)?;
    // Compile every response schema the run can need, in one batch, before the first request.
    let needed: Vec<_> = to_send
        .iter()
        .flat_map(|(i, _)| contract.operations[*i].responses.iter())
        .flat_map(|r| r.content.iter())
        .filter_map(|m| m.schema.as_ref())
        .collect();
    contract.schemas().prepare(needed);

    let requests: Vec<HttpRequest> = to_send
        .iter()
        .map(|(_, p)| replay::http_request(&target.base_url, p))
        .collect();
    let progress = progress_reporter(&run.name);
    let mut replay_options = run.replay.clone();
    if run.base_url == BaseUrl::Mock {
        // A rate limit protects a real API; the in-process mock needs none.
        replay_options.rate_limit = None;
    }
    let mut incoming = replay::start(target.clone(), requests.clone(), &replay_options, progress);

    let mut findings = Vec::new();
    let (mut exchanged, mut unreachable) = (0usize, 0usize);
    // Each exchange is checked as it arrives and dropped after: its body (and its concurrency
    // slot) is released, so memory does not grow with the number of operations.
    while let Some(delivered) = incoming.recv().await {
        let ex = &delivered.exchange;
        exchanged += 1;
        let (op_index, _) = &to_send[ex.index];
        let op = &contract.operations[*op_index];
        let reproduce = reproduce(&requests[ex.index], &run.auth, mock_base.as_deref(), run);
        let mut checked = check::check(&contract, &run.name, op, ex, &reproduce);
        if let Some(ctx) = snap_ctx {
            let extra = snapshot_step(ctx, run, op, ex, &checked, &reproduce, stats);
            if extra
                .iter()
                .any(|f| f.severity <= crate::findings::Severity::Warning)
                && checked.outcome == Outcome::Pass
            {
                checked.outcome = Outcome::Drift;
            }
            if extra
                .iter()
                .any(|f| f.severity == crate::findings::Severity::Error)
            {
                checked.outcome = Outcome::Error;
            }
            checked.findings.extend(extra);
        }
        let documented = docs_step(docs, &base_path, run, op, &checked, &reproduce);
        if documented
            .iter()
            .any(|f| f.severity <= crate::findings::Severity::Warning)
            && checked.outcome == Outcome::Pass
        {
            checked.outcome = Outcome::Drift;
        }
        checked.findings.extend(documented);
        if checked.findings.iter().any(|f| {
            matches!(
                f.kind.as_str(),
                "transport.connect" | "transport.timeout" | "transport.tls"
            )
        }) {
            unreachable += 1;
        }
        operations.push(OperationResult {
            api: run.name.clone(),
            operation_id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            url: Some(ex.url.clone()),
            status: checked.status,
            outcome: checked.outcome,
            reason: checked.reason.clone(),
            duration_ms: Some(ex.duration.as_millis() as u64),
        });
        findings.extend(checked.findings.into_iter().map(Finding::bounded));
    }
    clear_progress();
    if let Some(creds) = &target.credentials {
        let n = creds
            .token_requests
            .load(std::sync::atomic::Ordering::Relaxed);
        if n > 0 {
            notes.push(format!("{n} token request(s) sent"));
        }
    }
    let summary = ApiSummary {
        name: run.name.clone(),
        spec: label.to_string(),
        target: target_name,
        operations_total: contract.operations.len(),
        operations_checked: exchanged,
        operations_skipped: contract.operations.len() - exchanged,
        notes,
    };
    Ok(ApiOutcome {
        summary,
        operations,
        findings,
        attempted: exchanged,
        unreachable,
    })
}

/// Compare the live body with the example its documentation page shows (`docs.*` findings).
fn docs_step(
    docs: &crate::docs::DocsContract,
    base_path: &str,
    run: &ApiRun,
    op: &crate::spec::Operation,
    checked: &check::Checked,
    reproduce: &str,
) -> Vec<Finding> {
    let (Some(status), Some(body)) = (checked.status, checked.body.as_ref()) else {
        return Vec::new();
    };
    let Some((page, example)) = docs.response_for(&op.method, &op.path, base_path, status) else {
        return Vec::new();
    };
    let Some(documented) = example.body.as_ref() else {
        return Vec::new();
    };
    let changes = crate::snapshot::diff::diff_documented(
        &crate::snapshot::shape::Shape::of_documented(documented),
        &crate::snapshot::shape::Shape::of(body),
    );
    changes
        .into_iter()
        .map(|c| {
            let mut f = Finding::new(&run.name, c.kind, c.message);
            f.severity = c.severity;
            f.operation = Some(crate::findings::OperationRef {
                id: op.id.clone(),
                method: op.method.clone(),
                path: op.path.clone(),
            });
            f.pointer = c.pointer;
            f.expected = c.expected;
            f.actual = c.actual;
            f.spec_location = Some(crate::findings::SpecLocation {
                file: page.file.clone(),
                pointer: String::new(),
                line: Some(example.line),
            });
            f.reproduce = Some(reproduce.to_string());
            f
        })
        .collect()
}

/// Compare the response with its snapshot (or record it); returns snapshot findings.
fn snapshot_step(
    ctx: &SnapshotCtx<'_>,
    run: &ApiRun,
    op: &crate::spec::Operation,
    ex: &replay::Exchange,
    checked: &check::Checked,
    reproduce: &str,
    stats: &mut SnapshotStats,
) -> Vec<Finding> {
    // Only normal answers make a baseline: not transport failures, throttling, auth refusals or
    // server errors. Recording one would make every later healthy answer look like drift.
    let Some(status) = checked.status else {
        return Vec::new();
    };
    if matches!(status, 401 | 403 | 429) || status >= 500 || checked.outcome == Outcome::Error {
        if !matches!(ctx.mode, SnapshotMode::Record { .. }) {
            return Vec::new();
        }
        let mut f = Finding::new(
            &run.name,
            "snapshot.not-recorded",
            format!("the API answered {status}; a baseline must be a normal answer, so nothing was recorded — run `drift snapshot` again when the API is healthy"),
        );
        f.operation = Some(crate::findings::OperationRef {
            id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
        });
        f.actual = Some(status.to_string());
        return vec![f];
    }
    let request = match ex
        .url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
    {
        Some(path) => format!("{} {path}", ex.method),
        None => format!("{} {}", ex.method, ex.url),
    };
    let operation = SnapshotOperation {
        id: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
    };
    let mut current = snap::capture(
        &run.name,
        operation,
        ctx.redactor.redact(&request),
        &ctx.spec_hash,
        status,
        checked.content_type.as_deref(),
        checked.body.as_ref(),
        &run.selectors,
    );
    current.redact_pinned(|text| ctx.redactor.redact(text));
    let finding = |kind: &str,
                   severity,
                   pointer: &str,
                   expected: Option<String>,
                   actual: Option<String>,
                   message: String| {
        let mut f = Finding::new(&run.name, kind, message);
        f.severity = severity;
        f.operation = Some(crate::findings::OperationRef {
            id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
        });
        f.pointer = pointer.to_string();
        f.expected = expected;
        f.actual = actual;
        f.reproduce = Some(reproduce.to_string());
        f
    };
    let io_error = |e: std::io::Error| {
        let path = ctx.store.path(&run.name, &op.id);
        finding(
            "snapshot.unreadable",
            crate::findings::Severity::Error,
            "",
            None,
            None,
            format!("cannot write the snapshot beside {}: {e}", path.display()),
        )
    };
    let stored = match ctx.store.read(&run.name, &op.id) {
        Ok(s) => s,
        Err(e) if matches!(ctx.mode, SnapshotMode::Record { accept: true }) => {
            let _ = e;
            None
        }
        Err(e) => {
            return vec![finding(
                "snapshot.unreadable",
                crate::findings::Severity::Error,
                "",
                None,
                None,
                e,
            )]
        }
    };
    match (ctx.mode, stored) {
        (SnapshotMode::Compare { write }, None) => {
            if write {
                if let Err(e) = ctx.store.write_pending(&current) {
                    return vec![io_error(e)];
                }
                stats.pending += 1;
            }
            let msg = format!(
                "no snapshot yet at {}",
                ctx.store.path(&run.name, &op.id).display()
            );
            vec![finding(
                "snapshot.missing",
                crate::findings::Severity::Info,
                "",
                None,
                None,
                msg,
            )]
        }
        (SnapshotMode::Compare { write }, Some(stored)) => {
            let changes = snap::compare(&stored, &current);
            if write && !stored.same_content(&current) {
                if let Err(e) = ctx.store.write_pending(&current) {
                    return vec![io_error(e)];
                }
                stats.pending += 1;
            }
            changes
                .into_iter()
                .map(|c| {
                    finding(
                        c.kind, c.severity, &c.pointer, c.expected, c.actual, c.message,
                    )
                })
                .collect()
        }
        (SnapshotMode::Record { .. }, None) => match ctx.store.write(&current) {
            Ok(()) => {
                stats.recorded += 1;
                Vec::new()
            }
            Err(e) => vec![io_error(e)],
        },
        (SnapshotMode::Record { accept }, Some(stored)) => {
            if stored.same_content(&current) {
                stats.unchanged += 1;
                return Vec::new();
            }
            let result = if accept {
                ctx.store.write(&current)
            } else {
                ctx.store.write_pending(&current)
            };
            match result {
                Ok(()) if accept => stats.accepted += 1,
                Ok(()) => stats.pending += 1,
                Err(e) => return vec![io_error(e)],
            }
            snap::compare(&stored, &current)
                .into_iter()
                .map(|c| {
                    finding(
                        c.kind, c.severity, &c.pointer, c.expected, c.actual, c.message,
                    )
                })
                .collect()
        }
    }
}

/// Progress on standard error when it is a terminal: `  checking coaching 12/42`.
fn progress_reporter(api: &str) -> Arc<dyn Fn(usize, usize) + Send + Sync> {
    if !std::io::stderr().is_terminal() {
        return Arc::new(|_, _| {});
    }
    let api = api.to_string();
    let started = Instant::now();
    Arc::new(move |done, total| {
        if started.elapsed().as_millis() > 300 || done == total && total > 20 {
            let _ = write!(std::io::stderr(), "\r  checking {api} {done}/{total}");
        }
    })
}

fn clear_progress() {
    if std::io::stderr().is_terminal() {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}
