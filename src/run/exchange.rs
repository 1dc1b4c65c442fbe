//! One exchange, start to finish: check it against the contract, compare it with its snapshot and
//! with the example its documentation page shows, and decide its outcome — the rule is written
//! once, here, over every finding the exchange produced.

use super::api::ApiRun;
use super::maker::FindingMaker;
use super::snapshots::{self, SnapshotCtx};
use crate::check::{self, Checked};
use crate::docs::DocsContract;
use crate::model::Kind;
use crate::model::OperationResult;
use crate::model::Outcome;
use crate::model::SnapshotStats;
use crate::model::{Finding, OperationRef, SpecLocation};
use crate::plan::PlannedRequest;
use crate::replay::transport::TransportError;
use crate::replay::{Exchange, ReplayError};
use crate::spec::{Contract, Operation};

/// What an exchange is checked against.
pub struct ExchangeCtx<'a> {
    pub run: &'a ApiRun,
    pub contract: &'a Contract,
    pub docs: &'a DocsContract,
    /// The contract's base path (`/api`), for matching documented paths.
    pub base_path: String,
    pub snapshots: Option<SnapshotCtx<'a>>,
}

/// The verdict on one exchange.
pub struct Stepped {
    pub operation: OperationResult,
    pub findings: Vec<Finding>,
    /// The target could not be reached (connect, timeout, TLS) on every attempt.
    pub unreachable: bool,
    /// A paged collection answered with its item list: its pages are walked next.
    pub collection: bool,
    /// The snapshot step waits for the operation's pages ([`snapshot_with_pages`]).
    pub deferred: bool,
    /// A deferred step's parsed body, kept so the step does not parse it again (not for large
    /// bodies, which are parsed again rather than held while the pages are walked).
    pub body: Option<serde_json::Value>,
    /// A 401/403 the operation declares for requests without its credentials: not a refusal of
    /// drift's credentials.
    pub declared_refusal: bool,
}

/// Check one exchange of `op`; `reproduce` is the ready-to-run line attached to each finding.
/// With `paged`, a success's snapshot step is left for after the operation's pages are walked.
pub fn step(
    ctx: &ExchangeCtx<'_>,
    (op, planned): (&Operation, &PlannedRequest),
    ex: &Exchange,
    reproduce: &str,
    stats: &mut SnapshotStats,
    paging: Option<&crate::paging::Paging>,
) -> Stepped {
    let mut checked = check::check(
        ctx.contract,
        &ctx.run.name,
        op,
        ex,
        reproduce,
        ctx.run.credentials(),
    );
    let maker = FindingMaker {
        api: &ctx.run.name,
        operation: OperationRef::from(op),
        reproduce,
    };
    let mut findings = std::mem::take(&mut checked.findings);
    name_provenance(ctx.run, op, ex, &mut findings);
    let unverified = super::verified::unverified(op, planned, &checked, &mut findings);
    findings.extend(redirected(ex, &maker));
    // A success holding the item list: the collection is walked after the main pass.
    let collection = paging.is_some_and(|p| {
        checked.status.is_some_and(|s| (200..300).contains(&s))
            && checked
                .body
                .as_ref()
                .and_then(|b| b.pointer(&p.items))
                .is_some_and(serde_json::Value::is_array)
    });
    let deferred = collection && ctx.snapshots.is_some();
    // An answer to drift's own guess, or one the contract does not declare, is no baseline: a
    // snapshot of it would call the first real answer a change.
    let baseline =
        unverified.is_none() && !findings.iter().any(|f| f.kind == Kind::StatusUndeclared);
    if let Some(snap) = ctx.snapshots.as_ref().filter(|_| !deferred) {
        findings.extend(snapshots::step(
            snap,
            ctx.contract,
            ctx.run,
            op,
            ex,
            (&checked, baseline),
            &maker,
            stats,
        ));
    }
    findings.extend(documented(ctx, op, &checked, &maker, paging));
    // Every finding points into the contract: the schema that was violated, else the operation.
    for f in &mut findings {
        if f.spec_location.is_none() {
            f.spec_location = Some(ctx.contract.location(op.doc, &op.pointer));
        }
    }
    let small = ex
        .result
        .as_ref()
        .is_ok_and(|r| r.body.len() < crate::replay::transport::LARGE_BODY_BYTES);
    let body = checked.body.take().filter(|_| deferred && small);
    let unreachable = matches!(
        ex.result,
        Err(ReplayError::Transport(
            TransportError::Connect(_) | TransportError::Timeout(_) | TransportError::Tls(_)
        ))
    );
    let operation = OperationResult {
        api: ctx.run.name.clone(),
        operation_id: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
        url: Some(ex.url.clone()),
        status: checked.status,
        outcome: Outcome::of_answer(&findings, unverified.is_some()),
        reason: checked.reason.or(unverified),
        duration_ms: Some(ex.duration.as_millis() as u64),
        live: Vec::new(),
        pages: Vec::new(),
    };
    Stepped {
        operation,
        findings: findings.into_iter().map(Finding::bounded).collect(),
        unreachable,
        collection,
        deferred,
        body,
        declared_refusal: checked.declared_refusal,
    }
}

/// A redirect the server made and drift followed (the operation declares none): named, so a
/// moved endpoint does not pass unnoticed.
fn redirected(ex: &Exchange, maker: &FindingMaker<'_>) -> Option<Finding> {
    let response = ex.result.as_ref().ok()?;
    let (first, _) = response.redirects.first()?;
    let hops: Vec<String> = response
        .redirects
        .iter()
        .map(|(status, to)| format!("{status} → {}", crate::text::excerpt(to, 200)))
        .collect();
    let mut f = maker.make(
        Kind::StatusRedirected,
        format!(
            "the server redirected ({}), followed as a client would; the operation declares no redirect, so the final answer ({}) was checked",
            hops.join(", "),
            response.status
        ),
    );
    f.actual = Some(first.to_string());
    Some(f)
}

/// Against the embedded mock, findings on a body the mock made from the contract itself (an
/// invalid documented example, a schema it could not satisfy) say so: they are not drift.
pub(super) fn name_provenance(
    run: &super::ApiRun,
    op: &Operation,
    ex: &Exchange,
    findings: &mut [Finding],
) {
    if run.base_url == super::BaseUrl::Mock {
        name_served_example(ex, findings);
        name_unsatisfied(ex, findings);
        name_other_answer(op, ex, findings);
        name_only_refusal(op, ex, findings);
    }
}

/// A refusal the mock served because the operation declares no other answer.
fn name_only_refusal(op: &Operation, ex: &Exchange, findings: &mut [Finding]) {
    let Ok(response) = &ex.result else { return };
    let Some(status) = response.header(crate::mock::ONLY_REFUSAL_HEADER) else {
        return;
    };
    let note = format!(
        " — {} {} declares no answer but {} (a contract defect, not drift)",
        op.method,
        op.path,
        crate::text::excerpt(status, 8)
    );
    for f in findings.iter_mut() {
        append_note(f, &note);
    }
}

/// A request the contract declares more than once, answered by the mock as another operation:
/// every finding says so (the contract's templates cannot be told apart, whatever the server).
fn name_other_answer(op: &Operation, ex: &Exchange, findings: &mut [Finding]) {
    let Ok(response) = &ex.result else { return };
    let Some(other) = response.header(crate::mock::ANSWERED_AS_HEADER) else {
        return;
    };
    if other == op.id {
        return;
    }
    let other = crate::text::excerpt(other, 120);
    let note = format!(
        " — the mock answered as `{other}`: the contract declares {} {} more than once, on templates no request tells apart (a contract defect, not drift)",
        op.method, op.path
    );
    for f in findings.iter_mut() {
        append_note(f, &note);
    }
}

/// A body the embedded mock (of this very contract) served from a documented example that breaks
/// its own schema: the finding
/// says so, so it reads as a contract defect (`drift lint` reports the example) rather than drift.
fn name_served_example(ex: &Exchange, findings: &mut [Finding]) {
    let Ok(response) = &ex.result else { return };
    let Some((_, example)) = response
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(crate::mock::EXAMPLE_HEADER))
    else {
        return;
    };
    let example = crate::text::percent_decode(example);
    let note = format!(
        " — served by the mock from the documented example {example}, which breaks its own schema (a contract defect: `drift lint` reports it as example.invalid)"
    );
    for f in findings.iter_mut().filter(|f| f.kind == Kind::Schema) {
        append_note(f, &note);
    }
}

/// Append a note to a finding's message, the message cut first so that the bound on messages
/// (applied again later) can never drop the note: a long quoted body must not hide that it came
/// from the contract's own example.
fn append_note(f: &mut Finding, note: &str) {
    let max = crate::model::MAX_MESSAGE_BYTES;
    let note = crate::text::excerpt(note, max / 2);
    // Room for the excerpt's own "… (N more bytes)".
    let room = max.saturating_sub(note.len() + 32);
    f.message = format!("{}{note}", crate::text::excerpt(&f.message, room));
}

/// A body the embedded mock synthesized but its schema rejects: the finding says the mock could
/// not build one, so it does not read as drift. A body built with documented examples says so
/// already (`name_served_example`).
fn name_unsatisfied(ex: &Exchange, findings: &mut [Finding]) {
    let Ok(response) = &ex.result else { return };
    let has = |name: &str| {
        response
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if !has(crate::mock::UNSATISFIED_HEADER) || has(crate::mock::EXAMPLE_HEADER) {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.kind == Kind::Schema) {
        append_note(
            f,
            " — the mock could not build a body this schema accepts (an unsatisfiable schema, or one beyond what the mock can build); not drift",
        );
    }
}

/// The deferred snapshot step of a paged operation: its first answer, with the distinct items
/// its pages brought added to the item list at `items`, so every page's shape feeds the snapshot.
pub fn snapshot_with_pages(
    ctx: &ExchangeCtx<'_>,
    op: &Operation,
    ex: &Exchange,
    reproduce: &str,
    items: &str,
    extra: Vec<serde_json::Value>,
    stats: &mut SnapshotStats,
) -> Vec<Finding> {
    let Some(snap) = &ctx.snapshots else {
        return Vec::new();
    };
    // Checked already: read again for its body, not validated twice.
    let mut checked = check::reread(
        ctx.contract,
        &ctx.run.name,
        op,
        ex,
        reproduce,
        ctx.run.credentials(),
    );
    if let Some(serde_json::Value::Array(list)) =
        checked.body.as_mut().and_then(|b| b.pointer_mut(items))
    {
        let have: std::collections::HashSet<u64> =
            list.iter().map(super::paging::item_key).collect();
        list.extend(
            extra
                .into_iter()
                .filter(|v| !have.contains(&super::paging::item_key(v))),
        );
    }
    let maker = FindingMaker {
        api: &ctx.run.name,
        operation: OperationRef::from(op),
        reproduce,
    };
    let mut findings = snapshots::step(
        snap,
        ctx.contract,
        ctx.run,
        op,
        ex,
        (&checked, true),
        &maker,
        stats,
    );
    for f in &mut findings {
        if f.spec_location.is_none() {
            f.spec_location = Some(ctx.contract.location(op.doc, &op.pointer));
        }
    }
    findings.into_iter().map(Finding::bounded).collect()
}

/// Compare the live body with the example its documentation page shows (`docs.*` findings).
fn documented(
    ctx: &ExchangeCtx<'_>,
    op: &Operation,
    checked: &Checked,
    maker: &FindingMaker<'_>,
    paging: Option<&crate::paging::Paging>,
) -> Vec<Finding> {
    let (Some(status), Some(body)) = (checked.status, checked.body.as_ref()) else {
        return Vec::new();
    };
    let Some((page, example)) = ctx
        .docs
        .response_for(&op.method, &op.path, &ctx.base_path, status)
    else {
        return Vec::new();
    };
    let Some(documented) = example.body.as_ref() else {
        return Vec::new();
    };
    let changes = crate::snapshot::diff::diff_documented(
        &crate::snapshot::shape::Shape::of_documented(documented),
        &crate::snapshot::shape::Shape::of(body),
    );
    // A page's links come and go with its place in the collection (no `next` on the last page):
    // an example page showing other links than this one is not drift.
    let links: Vec<&str> = paging
        .map(|p| {
            p.next
                .iter()
                .chain(p.relations.iter().map(|(_, pointer)| pointer))
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default();
    changes
        .into_iter()
        .filter(|c| {
            !links
                .iter()
                .any(|l| c.pointer == *l || c.pointer.starts_with(&format!("{l}/")))
        })
        .map(|c| {
            let mut f = maker.change(c);
            f.spec_location = Some(SpecLocation {
                file: page.file.clone(),
                pointer: String::new(),
                line: Some(example.line),
            });
            f
        })
        .collect()
}
