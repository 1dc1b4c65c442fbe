//! One exchange, start to finish: check it against the contract, compare it with its snapshot and
//! with the example its documentation page shows, and decide its outcome — the rule is written
//! once, here, over every finding the exchange produced.

use super::api::ApiRun;
use super::snapshots::{self, SnapshotCtx};
use super::SnapshotStats;
use crate::check::{self, Checked, Outcome};
use crate::docs::DocsContract;
use crate::findings::{Finding, OperationRef, SpecLocation};
use crate::replay::transport::TransportError;
use crate::replay::{Exchange, ReplayError};
use crate::report::OperationResult;
use crate::rules::Kind;
use crate::snapshot::diff::Change;
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
}

/// Builds the findings of one exchange: its API, operation and reproduction line.
pub struct FindingMaker<'a> {
    pub api: &'a str,
    pub operation: OperationRef,
    pub reproduce: &'a str,
}

impl FindingMaker<'_> {
    /// A finding of `kind` (its default severity) about this exchange.
    pub fn make(&self, kind: Kind, message: String) -> Finding {
        let mut f = Finding::new(self.api, kind, message);
        f.operation = Some(self.operation.clone());
        f.reproduce = Some(self.reproduce.to_string());
        f
    }

    /// A shape change (from a snapshot or a documented example) as a finding.
    pub fn change(&self, c: Change) -> Finding {
        let mut f = self.make(c.kind, c.message);
        f.severity = c.severity;
        f.pointer = c.pointer;
        f.expected = c.expected;
        f.actual = c.actual;
        f
    }
}

/// Check one exchange of `op`; `reproduce` is the ready-to-run line attached to each finding.
pub fn step(
    ctx: &ExchangeCtx<'_>,
    op: &Operation,
    ex: &Exchange,
    reproduce: &str,
    stats: &mut SnapshotStats,
) -> Stepped {
    let mut checked = check::check(ctx.contract, &ctx.run.name, op, ex, reproduce);
    let maker = FindingMaker {
        api: &ctx.run.name,
        operation: OperationRef::from(op),
        reproduce,
    };
    let mut findings = std::mem::take(&mut checked.findings);
    if let Some(snap) = &ctx.snapshots {
        findings.extend(snapshots::step(
            snap,
            ctx.contract,
            ctx.run,
            op,
            ex,
            &checked,
            &maker,
            stats,
        ));
    }
    findings.extend(documented(ctx, op, &checked, &maker));
    // Every finding points into the contract: the schema that was violated, else the operation.
    for f in &mut findings {
        if f.spec_location.is_none() {
            f.spec_location = Some(ctx.contract.location(op.doc, &op.pointer));
        }
    }
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
        outcome: Outcome::of(&findings),
        reason: checked.reason,
        duration_ms: Some(ex.duration.as_millis() as u64),
        live: Vec::new(),
    };
    Stepped {
        operation,
        findings: findings.into_iter().map(Finding::bounded).collect(),
        unreachable,
    }
}

/// Compare the live body with the example its documentation page shows (`docs.*` findings).
fn documented(
    ctx: &ExchangeCtx<'_>,
    op: &Operation,
    checked: &Checked,
    maker: &FindingMaker<'_>,
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
    changes
        .into_iter()
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
