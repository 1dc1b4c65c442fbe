//! The pipeline as a library: for every selected API, load its contract and documentation pages,
//! plan, replay, check each exchange, compare it with its snapshot and documented examples, and
//! return the immutable report. No clap, no terminal: progress goes to a [`Listener`], so the CLI
//! draws a progress line and tests record events.
//!
//! ```no_run
//! use drift::run::{run, ApiRun, RunOptions, Silent, SnapshotMode};
//! let options = RunOptions {
//!     apis: vec![ApiRun::new("coaching", Some("specs/coaching/openapi.json".into()))],
//!     snapshots: None,
//!     history: None,
//!     mode: SnapshotMode::Compare { write: false, learn: false },
//!     policy: Default::default(),
//! };
//! let result = run(&options, &mut Silent).expect("the async runtime starts");
//! assert_eq!(result.report.apis.len(), 1);
//! ```
//!
//! One API that cannot run (its contract does not load, a credential variable is not set, a docs
//! page cannot be read) is a result for that API — an `api.error` finding with one message — and
//! the other APIs run.

#![warn(clippy::too_many_lines)]

pub mod api;
mod auth_gate;
mod base_url_hint;
mod exchange;
mod maker;
pub mod options;
mod paging;
mod pool;
pub mod prepare;
pub mod shard;
mod snapshots;
pub mod target;
mod verified;
mod waves;

pub use api::{ApiRun, BaseUrl};

use crate::history::History;
use crate::model::history::Evidence;
use crate::model::Kind;
use crate::model::{ApiSummary, CheckReport, OperationResult};
use crate::model::{Finding, OperationRef, SnapshotStats};
use crate::plan::{self, Planned, PlannedRequest};
use crate::replay::auth::AuthConfig;
use crate::replay::{self, auth::Redactor, transport::HttpRequest};
use crate::snapshot::ledger::Ledger;
use crate::snapshot::store::Store;
use crate::snapshot::view::Views;
use auth_gate::AuthGate;
use exchange::{ExchangeCtx, Stepped};
use prepare::Prepared;
use snapshots::SnapshotCtx;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};
use waves::LivePlan;

/// What a run does with snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotMode {
    /// `drift check`: compare; write pending `.json.new` files when `write`; when
    /// `learn`, add each quiet run to its snapshot's evidence (and write pending files).
    Compare { write: bool, learn: bool },
    /// `drift snapshot`: record missing snapshots; changed ones pending, or replaced when `accept`.
    Record { accept: bool },
}

/// The APIs to run and where their snapshots live.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub apis: Vec<ApiRun>,
    /// The snapshot folder; `None` runs without snapshots.
    pub snapshots: Option<PathBuf>,
    /// The run history folder (`--history`); `None` keeps no history.
    pub history: Option<PathBuf>,
    pub mode: SnapshotMode,
    /// drift.yaml `ignore:` and `severity:`, applied to the finished report (before the history
    /// records it).
    pub policy: crate::model::suppress::Policy,
}

impl RunOptions {
    /// `drift snapshot`: record the resolved runs' answers as baselines (into `snapshots/` when
    /// neither a flag nor drift.yaml names a folder); `accept`: over pending changes too.
    pub fn recording(resolved: options::Resolved, accept: bool) -> RunOptions {
        RunOptions {
            apis: resolved.runs,
            policy: resolved.policy,
            snapshots: Some(
                resolved
                    .snapshots
                    .unwrap_or_else(|| PathBuf::from("snapshots")),
            ),
            history: None,
            mode: SnapshotMode::Record { accept },
        }
    }
}

/// A finished run.
pub struct RunResult {
    pub report: CheckReport,
    /// Exchanges attempted, and those whose target could not be reached.
    pub attempted: usize,
    pub unreachable: usize,
    /// APIs that could not run at all (`api.error`).
    pub failed_apis: usize,
    /// APIs whose run stopped on an authentication failure (one `auth.failed` each).
    pub auth_failed_apis: usize,
    pub snapshots: SnapshotStats,
    /// Every credential value read during the run, for the writers of outputs.
    pub redactor: Redactor,
}

/// Progress events of a run (all on the caller's thread).
pub trait Listener {
    /// An API's requests are about to be sent.
    fn api_started(&mut self, _api: &str, _requests: usize) {}
    /// One more exchange of an API was checked.
    fn exchange_checked(&mut self, _api: &str, _done: usize, _total: usize) {}
    /// One more page of the API's collections was fetched (`pages` so far).
    fn pages_walked(&mut self, _api: &str, _pages: usize) {}
    /// An API is finished (or could not run).
    fn api_finished(&mut self, _api: &str) {}
}

/// A listener that ignores every event.
pub struct Silent;

impl Listener for Silent {}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot append to the history of {api}: {cause}")]
    History { api: String, cause: std::io::Error },
    #[error("cannot put the run's snapshots in place: {0}")]
    Snapshots(std::io::Error),
}

/// Whether this is a CI run (insta's rule: then nothing is written unless asked).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Plan, replay and check every API; compare or record snapshots.
pub fn run(options: &RunOptions, listener: &mut dyn Listener) -> Result<RunResult, RunError> {
    let started_at = crate::text::rfc3339(SystemTime::now());
    let t0 = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let redactor = Redactor::default();
    // Snapshot writes are staged and put in place once every API has finished: a run stopped
    // half-way (Ctrl-C) learns nothing rather than some snapshots and not others.
    let store = options.snapshots.clone().map(Store::staging);
    let weights: Vec<u64> = options
        .apis
        .iter()
        .map(|api| pool::weight(api.spec.as_deref()))
        .collect();
    let finished = pool::run_all(
        &weights,
        pool::SPEC_BYTES_IN_FLIGHT,
        pool::workers(options.apis.len()),
        listener,
        |i, listener| {
            let api = &options.apis[i];
            let began = Instant::now();
            if let Some(store) = &store {
                store.remove_stale_temp_files(&api.name);
            }
            let done = match prepare::prepare(api, &redactor) {
                Ok(prepared) => check_prepared(
                    api,
                    &prepared,
                    store.as_ref(),
                    (options.mode, &redactor, &started_at),
                    &runtime,
                    listener,
                ),
                Err(e) => (
                    ApiOutcome::failed(api, &redactor.redact(&e.to_string())),
                    ApiFacts::default(),
                ),
            };
            listener.api_finished(&api.name);
            let (mut outcome, facts) = done;
            outcome.summary.duration_ms = Some(began.elapsed().as_millis() as u64);
            (outcome, facts)
        },
    );
    let mut totals = Totals::default();
    let mut facts = Vec::new();
    for (outcome, fact) in finished {
        totals.add(outcome);
        facts.push(fact);
    }
    // Every API has finished: the staged snapshots are put in place (tens of thousands of
    // renames on a large corpus) while the report is assembled and the history written.
    std::thread::scope(|scope| {
        let committing = store.as_ref().map(|store| scope.spawn(|| store.commit()));
        let result = finish(options, totals, &facts, (started_at, t0), redactor);
        if let Some(committing) = committing {
            committing
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the snapshot writer stopped")))
                .map_err(RunError::Snapshots)?;
        }
        result
    })
}

/// One prepared API checked: its snapshots compared or recorded, and its evidence file written.
fn check_prepared(
    api: &ApiRun,
    prepared: &Prepared,
    store: Option<&Store>,
    (mode, redactor, time): (SnapshotMode, &Redactor, &str),
    runtime: &tokio::runtime::Runtime,
    listener: &mut dyn Listener,
) -> (ApiOutcome, ApiFacts) {
    let ledger = store.map(|store| Ledger::new(store, &api.name));
    let snapshots = store
        .zip(ledger.as_ref())
        .map(|(store, ledger)| SnapshotCtx {
            store,
            ledger,
            mode,
            spec_hash: &prepared.spec_hash,
            redactor,
            time,
            views: Default::default(),
        });
    let facts = ApiFacts {
        spec_hash: prepared.spec_hash.clone(),
        spec_version: Some(prepared.contract.version.clone()).filter(|v| !v.is_empty()),
        spec_title: Some(prepared.contract.title.clone()).filter(|t| !t.is_empty()),
        spec_file: prepared
            .file
            .clone()
            .filter(|_| prepared.contract.documents.docs.len() == 1),
    };
    let mut outcome = runtime.block_on(check_api(api, prepared, snapshots, listener));
    if let Some(ledger) = ledger {
        let path = ledger.path().display().to_string();
        if let Err(e) = ledger.finish() {
            let msg = format!("cannot write the evidence file {path}: {e}");
            outcome
                .findings
                .push(Finding::new(&api.name, Kind::SnapshotUnreadable, msg));
        }
    }
    (outcome, facts)
}

/// The run's report from every API's outcome, with its history entries recorded.
fn finish(
    options: &RunOptions,
    totals: Totals,
    facts: &[ApiFacts],
    (started_at, t0): (String, Instant),
    redactor: Redactor,
) -> Result<RunResult, RunError> {
    let mut result = totals.finish(started_at, t0, redactor);
    result.report = redacted(result.report, &result.redactor);
    let today: String = result.report.started_at.chars().take(10).collect();
    options.policy.apply(&mut result.report, &today);
    if let (Some(dir), SnapshotMode::Compare { .. }) = (&options.history, options.mode) {
        let history = History::new(dir);
        let changes = spec_changes(&history, options, facts, &mut result);
        record_history(&history, options, facts, &result, &changes)?;
    }
    Ok(result)
}

/// The report with every secret redacted from its data (object keys and JSON Pointers
/// included), before any format escapes it or the history stores it.
fn redacted(report: CheckReport, redactor: &Redactor) -> CheckReport {
    if redactor.is_empty() {
        return report;
    }
    let Ok(mut value) = serde_json::to_value(&report) else {
        return report;
    };
    redactor.redact_value(&mut value);
    serde_json::from_value(value).unwrap_or(report)
}

impl RunResult {
    /// The exit status of a `drift check`: could not run (no API started), authentication
    /// refused, target unreachable, or findings at or above `threshold`.
    pub fn exit_status(&self, threshold: crate::model::Severity) -> crate::model::ExitStatus {
        use crate::model::ExitStatus;
        let apis = &self.report.apis;
        if !apis.is_empty() && self.failed_apis == apis.len() {
            ExitStatus::Error
        } else if self.auth_failed_apis > 0 {
            ExitStatus::AuthFailed
        } else if self.attempted > 0 && self.unreachable == self.attempted {
            ExitStatus::Unreachable
        } else {
            ExitStatus::of_findings(&self.report.findings, threshold)
        }
    }
}

/// What the history needs of an API beyond the report.
#[derive(Default)]
struct ApiFacts {
    spec_hash: String,
    spec_version: Option<String>,
    spec_title: Option<String>,
    /// The contract file, when it is a single document (its versions are kept for diffs).
    spec_file: Option<PathBuf>,
}

/// For every API whose contract changed since its previous run (and whose versions are kept):
/// `drift diff` of the two, as `spec.*` findings of this run and a summary for its history entry.
fn spec_changes(
    history: &History,
    options: &RunOptions,
    facts: &[ApiFacts],
    result: &mut RunResult,
) -> Vec<Option<crate::model::history::SpecChange>> {
    let mut out = Vec::new();
    for (run, fact) in options.apis.iter().zip(facts) {
        let previous = history.last_spec_hash(&run.name);
        if let Some(file) = &fact.spec_file {
            // A failure to keep a copy only costs the next run its diff.
            let _ = history.keep_spec(&run.name, &fact.spec_hash, file);
        }
        let change = previous
            .filter(|p| !fact.spec_hash.is_empty() && *p != fact.spec_hash)
            .and_then(|p| {
                let old = crate::spec::load(&history.spec_copy(&run.name, &p)?).ok()?;
                let new = crate::spec::load(fact.spec_file.as_ref()?).ok()?;
                let found = crate::diff::diff(&run.name, &old, &new);
                let breaking = found
                    .iter()
                    .filter(|f| f.severity == crate::model::Severity::Breaking)
                    .count();
                let change = crate::model::history::SpecChange {
                    from: p,
                    breaking,
                    compatible: found.len() - breaking,
                };
                result.report.findings.extend(found);
                Some(change)
            });
        out.push(change);
    }
    crate::model::sort(&mut result.report.findings);
    result.report.summary = crate::model::Summary::of(&result.report.findings);
    out
}

/// Keep the run in the history folder: its full report, then one entry per API.
fn record_history(
    history: &History,
    options: &RunOptions,
    facts: &[ApiFacts],
    result: &RunResult,
    changes: &[Option<crate::model::history::SpecChange>],
) -> Result<(), RunError> {
    let report = &result.report;
    let failed = |api: &str, cause| RunError::History {
        api: api.to_string(),
        cause,
    };
    // The report's data is redacted already; its text is redacted again when a secret is known.
    let saved = if result.redactor.is_empty() {
        history.save_report_of(report)
    } else {
        let text = serde_json::to_string(report).unwrap_or_default();
        history.save_report(report, &result.redactor.redact(&text))
    };
    let name = saved.map_err(|e| failed("(all)", e))?;
    // The report lists APIs by name; the options and facts are in run order.
    let by_name: std::collections::HashMap<&str, usize> = options
        .apis
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.as_str(), i))
        .collect();
    for group in report.per_api().iter() {
        let Some(&i) = by_name.get(group.api.name.as_str()) else {
            continue;
        };
        let (run, fact) = (&options.apis[i], &facts[i]);
        let evidence = match (&run.base_url, &run.auth) {
            (BaseUrl::Mock, _) => Evidence::Spec,
            (_, AuthConfig::None) if run.url_credentials.is_none() => Evidence::Live,
            _ => Evidence::LiveCredentials,
        };
        let ops: Vec<&OperationResult> = group.operations.iter().map(|(o, _)| *o).collect();
        let findings: Vec<&Finding> = group
            .general
            .iter()
            .copied()
            .chain(group.operations.iter().flat_map(|(_, f)| f.iter().copied()))
            .collect();
        let run_facts = crate::model::history::RunFacts {
            spec_hash: &fact.spec_hash,
            spec_version: fact.spec_version.as_deref(),
            spec_title: fact.spec_title.as_deref(),
            evidence,
        };
        let mut entry =
            crate::model::history::entry(report, group.api, &ops, &findings, &run_facts);
        entry.report = Some(name.clone());
        entry.spec_change = changes.get(i).cloned().flatten();
        history
            .append(&entry)
            .map_err(|e| failed(&group.api.name, e))?;
    }
    Ok(())
}

/// The results of one API.
pub struct ApiOutcome {
    pub summary: ApiSummary,
    pub operations: Vec<OperationResult>,
    pub findings: Vec<Finding>,
    pub attempted: usize,
    pub unreachable: usize,
    pub snapshots: SnapshotStats,
    /// The run stopped on an authentication failure.
    pub auth_failed: bool,
}

impl ApiOutcome {
    /// An API that could not run: one `api.error` finding says why.
    fn failed(run: &ApiRun, message: &str) -> ApiOutcome {
        let summary = ApiSummary {
            name: run.name.clone(),
            spec: run.spec.as_ref().map_or_else(
                || format!("docs: {} page(s)", run.docs.len()),
                |s| s.display().to_string(),
            ),
            target: run.target_label(),
            operations_total: 0,
            operations_checked: 0,
            operations_skipped: 0,
            notes: Vec::new(),
            error: Some(message.to_string()),
            duration_ms: None,
        };
        ApiOutcome {
            summary,
            operations: Vec::new(),
            findings: vec![Finding::new(&run.name, Kind::ApiError, message)],
            attempted: 0,
            unreachable: 0,
            snapshots: SnapshotStats::default(),
            auth_failed: false,
        }
    }
}

/// Everything the APIs of a run produced, merged into one report.
#[derive(Default)]
struct Totals {
    apis: Vec<ApiSummary>,
    operations: Vec<OperationResult>,
    findings: Vec<Finding>,
    attempted: usize,
    unreachable: usize,
    failed_apis: usize,
    auth_failed_apis: usize,
    snapshots: SnapshotStats,
}

impl Totals {
    fn add(&mut self, o: ApiOutcome) {
        self.failed_apis += usize::from(o.summary.error.is_some());
        self.auth_failed_apis += usize::from(o.auth_failed);
        self.attempted += o.attempted;
        self.unreachable += o.unreachable;
        self.snapshots.recorded += o.snapshots.recorded;
        self.snapshots.unchanged += o.snapshots.unchanged;
        self.snapshots.pending += o.snapshots.pending;
        self.snapshots.accepted += o.snapshots.accepted;
        self.snapshots.learned += o.snapshots.learned;
        self.apis.push(o.summary);
        self.operations.extend(o.operations);
        self.findings.extend(o.findings);
    }

    fn finish(self, started_at: String, t0: Instant, redactor: Redactor) -> RunResult {
        RunResult {
            report: CheckReport::assembled(
                started_at,
                t0.elapsed().as_millis() as u64,
                self.apis,
                self.operations,
                self.findings,
            ),
            attempted: self.attempted,
            unreachable: self.unreachable,
            failed_apis: self.failed_apis,
            auth_failed_apis: self.auth_failed_apis,
            snapshots: self.snapshots,
            redactor,
        }
    }
}

/// Plan, replay and check one prepared API.
async fn check_api(
    run: &ApiRun,
    prepared: &Prepared,
    snapshots: Option<SnapshotCtx<'_>>,
    listener: &mut dyn Listener,
) -> ApiOutcome {
    let contract = &prepared.contract;
    let (operations, to_send) = plan_api(run, contract);
    compile_schemas(prepared, &to_send);
    let snapshots = snapshots.map(|s| SnapshotCtx {
        views: Views::expecting(
            contract,
            to_send
                .iter()
                .filter_map(|(op, _)| snapshots::expected_schema(op)),
        ),
        ..s
    });
    let mut live = LivePlan::new(contract, &to_send, run.base_url != BaseUrl::Mock);
    let pagings: Vec<Option<crate::paging::Paging>> = to_send
        .iter()
        .map(|(op, _)| crate::paging::resolve(contract, op, &run.paging))
        .collect();
    listener.api_started(&run.name, to_send.len());
    let mut r = Replaying {
        ctx: ExchangeCtx {
            run,
            contract,
            docs: &prepared.docs,
            base_path: contract.base_path(),
            snapshots,
        },
        prepared,
        gate: AuthGate::new(
            &run.auth,
            run.url_credentials.is_some(),
            run.base_url != BaseUrl::Mock,
        ),
        operations,
        findings: Vec::new(),
        stats: SnapshotStats::default(),
        exchanged: 0,
        unreachable: 0,
        handled: vec![false; to_send.len()],
        paged: Vec::new(),
        origin_down: None,
    };
    for w in 0..live.waves() {
        if r.gate.stopped() {
            break;
        }
        let mut batch = Vec::new();
        for i in live.wave(w) {
            // Every request of an earlier wave timed out, was refused or was throttled past the
            // retries: the waves behind it are not sent (each would cost the same bound again).
            if let Some(why) = &r.origin_down {
                r.handled[i] = true;
                r.operations.push(skipped_result(
                    run,
                    to_send[i].0,
                    format!("not sent: {why}"),
                ));
                continue;
            }
            match live.apply(i, &to_send) {
                Ok((request, notes)) => batch.push((i, request, notes)),
                Err(reason) => {
                    r.handled[i] = true;
                    r.operations.push(skipped_result(run, to_send[i].0, reason));
                }
            }
        }
        r.batch(&to_send, batch, &mut live, &pagings, listener)
            .await;
        r.next_items(w, &to_send, &mut live, &pagings, listener)
            .await;
    }
    let paged = std::mem::take(&mut r.paged);
    if !paged.is_empty() {
        paging::walk_all(&mut r, &to_send, &pagings, paged, listener).await;
    }
    r.finish(&to_send)
}

/// Compile every response schema the run can need, in one batch, before the first request.
fn compile_schemas(prepared: &Prepared, to_send: &[(&crate::spec::Operation, PlannedRequest)]) {
    let needed: Vec<_> = to_send
        .iter()
        .flat_map(|(op, _)| op.responses.iter())
        .flat_map(|r| r.content.iter())
        .filter_map(|m| m.schema.as_ref())
        .collect();
    prepared.contract.schemas().prepare(needed);
}

/// One API being replayed: what has come back so far.
struct Replaying<'a> {
    ctx: ExchangeCtx<'a>,
    prepared: &'a Prepared,
    gate: AuthGate,
    operations: Vec<OperationResult>,
    findings: Vec<Finding>,
    stats: SnapshotStats,
    exchanged: usize,
    unreachable: usize,
    /// Per operation to send: sent (or skipped) already.
    handled: Vec<bool>,
    /// Paged collections that answered with a success: walked after the main pass.
    paged: Vec<paging::PagedOp>,
    /// Why the target is taken as down: every request of a wave went unanswered (timed out,
    /// refused) or throttled past the retries.
    origin_down: Option<String>,
}

impl Replaying<'_> {
    /// Send one wave and check each exchange as it arrives; each is dropped after (its body and
    /// concurrency slot released), so memory does not grow with the number of operations.
    async fn batch(
        &mut self,
        to_send: &[(&crate::spec::Operation, PlannedRequest)],
        batch: Vec<(usize, PlannedRequest, Vec<String>)>,
        live: &mut LivePlan,
        pagings: &[Option<crate::paging::Paging>],
        listener: &mut dyn Listener,
    ) {
        let run = self.ctx.run;
        let target = &self.prepared.target;
        let planned: Vec<&PlannedRequest> = batch.iter().map(|(_, p, _)| p).collect();
        let (requests, reproductions, options) = requests_for(run, self.prepared, &planned);
        // The requests of paged collections: their walks start from them.
        let mut walk_from: Vec<Option<HttpRequest>> = batch
            .iter()
            .zip(&requests)
            .map(|((i, _, _), q)| pagings[*i].as_ref().map(|_| q.clone()))
            .collect();
        let redactor = target
            .replay
            .credentials
            .as_ref()
            .map(|c| c.redactor.clone())
            .unwrap_or_default();
        let mut incoming = replay::start(target.replay.clone(), requests, &options);
        let mut tally = WaveTally::default();
        while let Some(delivered) = incoming.recv().await {
            let ex = &delivered.exchange;
            let (i, _, notes) = &batch[ex.index];
            let op = to_send[*i].0;
            self.handled[*i] = true;
            let Stepped {
                mut operation,
                findings: found,
                unreachable: down,
                collection,
                deferred,
                body,
                declared_refusal,
            } = exchange::step(
                &self.ctx,
                (op, &batch[ex.index].1),
                ex,
                &reproductions[ex.index],
                &mut self.stats,
                pagings[*i].as_ref(),
            );
            operation.live = notes.clone();
            if let Some(request) = walk_from[ex.index].take().filter(|_| collection) {
                self.paged.push(paging::PagedOp {
                    index: *i,
                    request,
                    deferred: deferred.then(|| {
                        // The step takes the body already parsed when it was kept.
                        let mut kept = ex.clone();
                        if let (Ok(r), Some(body)) = (&mut kept.result, body) {
                            r.parsed = replay::transport::Parsed::new(Some(body));
                        }
                        (kept, reproductions[ex.index].clone())
                    }),
                });
            }
            live.observe(*i, ex);
            tally.count(ex, down);
            self.exchanged += 1;
            self.unreachable += usize::from(down);
            self.operations.push(operation);
            self.findings.extend(found);
            listener.exchange_checked(&run.name, self.exchanged, to_send.len());
            if self.gate.observe(ex, &redactor, declared_refusal) {
                // Closed before this exchange's concurrency slot is released: no task still
                // waiting for a slot sends its request.
                incoming.close();
                break;
            }
            drop(delivered);
            // A few collections at a time are walked (their first answers and pages' items held
            // meanwhile), so memory does not grow with the number of collections.
            if self.paged.len() >= paging::AT_ONCE {
                let paged = std::mem::take(&mut self.paged);
                paging::walk_all(self, to_send, pagings, paged, listener).await;
            }
        }
        self.origin_down = self.origin_down.take().or(tally.down());
    }

    /// A list of wave `w` that came back empty while others wait for its items (an empty
    /// bucket, where other buckets hold collections): its own live value is taken from the next
    /// item of its provider's list, a few at most, before its dependents are skipped.
    async fn next_items(
        &mut self,
        w: usize,
        to_send: &[(&crate::spec::Operation, PlannedRequest)],
        live: &mut LivePlan,
        pagings: &[Option<crate::paging::Paging>],
        listener: &mut dyn Listener,
    ) {
        for _ in 1..waves::CANDIDATES {
            let retry: Vec<usize> = live
                .wave(w)
                .into_iter()
                .filter(|&i| live.try_next_item(i))
                .collect();
            if retry.is_empty() || self.gate.stopped() || self.origin_down.is_some() {
                break;
            }
            let mut again = Vec::new();
            for i in retry {
                self.forget(i, to_send[i].0);
                if let Ok((request, notes)) = live.apply(i, to_send) {
                    again.push((i, request, notes));
                }
            }
            self.batch(to_send, again, live, pagings, listener).await;
        }
    }

    /// Drop what operation `i` (`op`) brought back, before it is sent again with other values.
    fn forget(&mut self, i: usize, op: &crate::spec::Operation) {
        self.operations.retain(|o| o.operation_id != op.id);
        self.findings
            .retain(|f| f.operation.as_ref().is_none_or(|o| o.id != op.id));
        self.paged.retain(|p| p.index != i);
        self.handled[i] = false;
        self.exchanged = self.exchanged.saturating_sub(1);
    }

    /// The API's outcome: an authentication stop or a wrong base URL summarised, lines located.
    fn finish(mut self, to_send: &[(&crate::spec::Operation, PlannedRequest)]) -> ApiOutcome {
        let (run, contract) = (self.ctx.run, &self.prepared.contract);
        let not_sent = to_send
            .iter()
            .zip(&self.handled)
            .filter(|(_, handled)| !**handled)
            .map(|((op, _), _)| skipped_result(run, op, String::new()))
            .collect();
        self.gate.finish(
            &run.name,
            not_sent,
            &mut self.operations,
            &mut self.findings,
        );
        base_url_hint::group(
            &run.name,
            &contract.base_path(),
            &self.prepared.target.name,
            &self.operations,
            &mut self.findings,
        );
        locate_lines(contract, &mut self.findings);
        let summary = api_summary(run, self.prepared, &self.operations);
        ApiOutcome {
            summary,
            operations: self.operations,
            findings: self.findings,
            attempted: self.exchanged,
            unreachable: self.unreachable,
            snapshots: self.stats,
            auth_failed: self.gate.stopped(),
        }
    }
}

/// How the requests of one wave ended: answered, unanswered (timed out, refused) or throttled
/// past the retries.
#[derive(Default)]
struct WaveTally {
    answered: usize,
    unanswered: usize,
    throttled: usize,
}

impl WaveTally {
    fn count(&mut self, ex: &replay::Exchange, unreachable: bool) {
        match &ex.result {
            _ if unreachable => self.unanswered += 1,
            Ok(response) if response.status == 429 => self.throttled += 1,
            _ => self.answered += 1,
        }
    }

    /// Why the target is taken as down after this wave: nothing was answered.
    fn down(&self) -> Option<String> {
        if self.answered > 0 || self.unanswered + self.throttled == 0 {
            return None;
        }
        Some(if self.throttled == 0 {
            "the target did not answer any request of the previous wave (timed out or refused)"
                .into()
        } else {
            "the target throttled (429) or did not answer every request of the previous wave, past the retries".into()
        })
    }
}

/// The summary line of a checked API: what was checked and skipped, and the notes of the run.
fn api_summary(run: &ApiRun, prepared: &Prepared, operations: &[OperationResult]) -> ApiSummary {
    let (contract, target) = (&prepared.contract, &prepared.target);
    let checked = operations
        .iter()
        .filter(|o| o.outcome != crate::model::Outcome::Skipped)
        .count();
    let mut notes = prepared.notes.clone();
    if let Some(creds) = &target.replay.credentials {
        let n = creds
            .token_requests
            .load(std::sync::atomic::Ordering::Relaxed);
        if n > 0 {
            notes.push(format!("{n} token request(s) sent"));
        }
    }
    ApiSummary {
        name: run.name.clone(),
        spec: prepared.label.clone(),
        target: target.name.clone(),
        operations_total: contract.operations.len(),
        operations_checked: checked,
        operations_skipped: contract.operations.len() - checked,
        notes,
        error: None,
        duration_ms: None,
    }
}

/// The requests to send, their reproduction lines (made before the replay takes the requests),
/// and the replay options.
fn requests_for(
    run: &ApiRun,
    prepared: &Prepared,
    planned: &[&PlannedRequest],
) -> (Vec<HttpRequest>, Vec<String>, replay::ReplayOptions) {
    let target = &prepared.target;
    let requests: Vec<HttpRequest> = planned
        .iter()
        .map(|p| replay::http_request(&target.replay.base_url, p))
        .collect();
    let mut replay_options = run.replay.clone();
    if run.base_url == BaseUrl::Mock {
        // A rate limit protects a real API; the in-process mock needs none.
        replay_options.rate_limit = None;
    }
    // The reproduction lines are made before the requests go (the replay takes them).
    let reproductions: Vec<String> = requests
        .iter()
        .map(|r| target::reproduce(r, &run.auth, target.mock_base.as_deref(), run))
        .collect();
    (requests, reproductions, replay_options)
}

/// An operation drift did not send, with the reason.
fn skipped_result(run: &ApiRun, op: &crate::spec::Operation, reason: String) -> OperationResult {
    let r = OperationRef::from(op);
    OperationResult {
        api: run.name.clone(),
        operation_id: r.id,
        method: r.method,
        path: r.path,
        url: None,
        status: None,
        outcome: crate::model::Outcome::Skipped,
        reason: Some(reason),
        duration_ms: None,
        live: Vec::new(),
        pages: Vec::new(),
    }
}

/// The lines of the contract places findings point at: one scan per contract file.
fn locate_lines(contract: &crate::spec::Contract, findings: &mut [Finding]) {
    contract.locate_lines(
        findings
            .iter_mut()
            .filter_map(|f| f.spec_location.as_mut())
            .filter(|l| l.line.is_none()),
    );
}

/// The operations to send, and the skipped ones as results (not read-only, not plannable, or
/// excluded by the configuration).
fn plan_api<'c>(
    run: &ApiRun,
    contract: &'c crate::spec::Contract,
) -> (
    Vec<OperationResult>,
    Vec<(&'c crate::spec::Operation, PlannedRequest)>,
) {
    let mut skipped = Vec::new();
    let mut to_send = Vec::new();
    for (op, planned) in contract
        .operations
        .iter()
        .zip(plan::build(contract, &run.params))
    {
        let skip = |reason: String| skipped_result(run, op, reason);
        match planned {
            Planned::Skipped { reason, .. } => skipped.push(skip(reason)),
            Planned::Request(_)
                if !crate::config::selected(&run.selection, &op.id, &op.tags, &op.path) =>
            {
                skipped.push(skip(
                    "excluded by the configuration's operations include/exclude".into(),
                ));
            }
            Planned::Request(r) => to_send.push((op, r)),
        }
    }
    (skipped, to_send)
}
