//! The snapshot step of one exchange: compare the response's shape with its stored snapshot
//! (`drift check`) or record it (`drift snapshot`). Only normal answers make a baseline.
//!
//! Learning (`drift snapshot`, `drift check --learn`): a run whose comparison finds nothing at
//! warning or above adds its observation to the stored snapshot's evidence in place; a run that
//! does leaves the learned snapshot pending for review, with the reasons, so nothing alarming is
//! ever learned silently — and with `--learn` still adds its observation to the evidence of every
//! other key of the stored snapshot, so learning never stalls behind one pending change.

use super::api::ApiRun;
use super::maker::FindingMaker;
use super::SnapshotMode;
use crate::check::Checked;
use crate::model::Kind;
use crate::model::Outcome;
use crate::model::SnapshotStats;
use crate::model::{Finding, Severity};
use crate::replay::auth::Redactor;
use crate::replay::Exchange;
use crate::snapshot::ledger::Ledger;
use crate::snapshot::store::Store;
use crate::snapshot::view::{SchemaView, Views};
use crate::snapshot::{self as snap, Captured, Snapshot, SnapshotOperation};
use crate::spec::{Contract, Operation};
use std::sync::Arc;

/// The snapshot folder of a run and what the run does with it.
pub struct SnapshotCtx<'a> {
    pub store: &'a Store,
    /// The API's evidence file.
    pub ledger: &'a Ledger,
    pub mode: SnapshotMode,
    pub spec_hash: &'a str,
    /// Pinned values and requests that hold a credential are stored redacted.
    pub redactor: &'a Redactor,
    /// When the run started (RFC 3339): the time of its observations.
    pub time: &'a str,
    /// The API's response schema views, shared by the operations that answer alike.
    pub views: Views,
}

fn answered_as_other(op: &Operation, ex: &Exchange) -> bool {
    ex.result.as_ref().is_ok_and(|r| {
        r.header(crate::mock::ANSWERED_AS_HEADER)
            .is_some_and(|other| other != op.id)
    })
}

/// What becomes of the snapshot file after comparing.
enum Write {
    Nothing,
    /// The stored snapshot is replaced (recorded, learned or accepted).
    Stored(Snapshot),
    /// A `.json.new` file waits for review.
    Pending(Snapshot),
    /// A learning run with changes to review: the stored snapshot's evidence grows (but for the
    /// places of those changes), and the learned snapshot waits for review.
    LearnedAndPending(Box<(Snapshot, Snapshot)>),
}

/// Compare the response with its snapshot (or record it); returns snapshot findings. An answer
/// that may not be a `baseline` (undeclared, or to a value drift guessed) is compared with a
/// stored snapshot but never recorded or learned: it would call the first real answer a change.
#[allow(clippy::too_many_arguments)]
pub fn step(
    ctx: &SnapshotCtx<'_>,
    contract: &Contract,
    run: &ApiRun,
    op: &Operation,
    ex: &Exchange,
    (checked, baseline): (&Checked, bool),
    maker: &FindingMaker<'_>,
    stats: &mut SnapshotStats,
) -> Vec<Finding> {
    let Some(status) = checked.status else {
        return Vec::new();
    };
    // The embedded mock answered as another operation (the contract declares the request's
    // path more than once, on templates no request tells apart): the body is that operation's
    // and says nothing of this one's shape.
    if answered_as_other(op, ex) {
        return Vec::new();
    }
    // Not transport failures, throttling, auth refusals or server errors: recording one would
    // make every later healthy answer look like drift.
    if matches!(status, 401 | 403 | 429) || status >= 500 || checked.outcome == Outcome::Error {
        return match ctx.mode {
            SnapshotMode::Record { .. } => vec![not_recorded(status, maker)],
            SnapshotMode::Compare { .. } => Vec::new(),
        };
    }
    let view = response_view(ctx, contract, op, status, checked.content_type.as_deref());
    let current = capture(ctx, run, op, ex, checked, status, &view);
    let stored = match ctx.store.read(&run.name, &op.id, ctx.ledger) {
        Ok(s) => s,
        // Re-recording with --accept replaces an unreadable file.
        Err(_) if matches!(ctx.mode, SnapshotMode::Record { accept: true }) => None,
        Err(e) => return vec![maker.make(Kind::SnapshotUnreadable, e)],
    };
    if !baseline && matches!(ctx.mode, SnapshotMode::Record { .. }) {
        return Vec::new();
    }
    let Some(stored) = stored else {
        if !baseline {
            return Vec::new();
        }
        return first_snapshot(ctx, run, op, current.snapshot, maker, stats);
    };
    let changes = snap::compare_with(
        &stored,
        &current.snapshot,
        Some(&view),
        Some(&current.observation),
    );
    if !baseline {
        return changes.into_iter().map(|c| maker.change(c)).collect();
    }
    let write = decide(ctx, stored, &current, &view, &changes, stats);
    let written = match write {
        Write::Nothing => Ok(()),
        Write::Stored(s) => ctx.store.write(&s, ctx.ledger),
        Write::Pending(s) => ctx.store.write_pending(&s),
        // The stored file first: writing it removes a pending file left by an earlier run.
        Write::LearnedAndPending(both) => ctx
            .store
            .write(&both.0, ctx.ledger)
            .and_then(|()| ctx.store.write_pending(&both.1)),
    };
    if let Err(e) = written {
        return vec![write_failed(ctx, run, op, &e, maker)];
    }
    changes.into_iter().map(|c| maker.change(c)).collect()
}

/// What becomes of the snapshot files, from the mode and what the comparison found.
fn decide(
    ctx: &SnapshotCtx<'_>,
    stored: Snapshot,
    current: &Captured,
    view: &SchemaView,
    changes: &[crate::snapshot::diff::Change],
    stats: &mut SnapshotStats,
) -> Write {
    let alarming = changes
        .iter()
        .any(|c| c.severity.reaches(Severity::Warning));
    let learned = |stored: Snapshot| {
        let mut s = stored.learn(current, view, ctx.time);
        if alarming {
            s.reasons = changes.iter().map(reason).collect();
        }
        s
    };
    match ctx.mode {
        SnapshotMode::Compare { learn: true, .. } if !alarming => {
            stats.learned += 1;
            Write::Stored(learned(stored))
        }
        SnapshotMode::Compare { learn: true, .. } => {
            let held: Vec<String> = changes
                .iter()
                .filter(|c| c.severity.reaches(Severity::Warning))
                .map(|c| c.pointer.clone())
                .collect();
            stats.learned += 1;
            stats.pending += 1;
            let kept = stored.with_evidence(current, ctx.time, &held);
            Write::LearnedAndPending(Box::new((kept, learned(stored))))
        }
        SnapshotMode::Compare { write, learn } if (write || learn) && !changes.is_empty() => {
            stats.pending += 1;
            Write::Pending(learned(stored))
        }
        SnapshotMode::Compare { .. } => Write::Nothing,
        SnapshotMode::Record { accept: false } if alarming => {
            stats.pending += 1;
            Write::Pending(learned(stored))
        }
        SnapshotMode::Record { accept } => {
            if stored.same_content(&current.snapshot) {
                stats.unchanged += 1;
            } else if alarming && accept {
                stats.accepted += 1;
            } else {
                stats.learned += 1;
            }
            Write::Stored(learned(stored))
        }
    }
}

/// No stored snapshot yet: `drift snapshot` records one; `drift check` says so and, when it may
/// write, leaves it pending for review.
fn first_snapshot(
    ctx: &SnapshotCtx<'_>,
    run: &ApiRun,
    op: &Operation,
    current: Snapshot,
    maker: &FindingMaker<'_>,
    stats: &mut SnapshotStats,
) -> Vec<Finding> {
    let (written, counter) = match ctx.mode {
        SnapshotMode::Record { .. } => (ctx.store.write(&current, ctx.ledger), &mut stats.recorded),
        SnapshotMode::Compare { write, learn } => {
            let msg = format!(
                "no snapshot yet at {}",
                ctx.store.path(&run.name, &op.id).display()
            );
            if !(write || learn) {
                return vec![maker.make(Kind::SnapshotMissing, msg)];
            }
            match ctx.store.write_pending(&current) {
                Ok(()) => {
                    stats.pending += 1;
                    return vec![maker.make(Kind::SnapshotMissing, msg)];
                }
                Err(e) => (Err(e), &mut stats.pending),
            }
        }
    };
    match written {
        Ok(()) => {
            *counter += 1;
            Vec::new()
        }
        Err(e) => vec![write_failed(ctx, run, op, &e, maker)],
    }
}

/// `breaking snapshot.removed: /nick (string) is gone: present in 14 of 14 runs, absent now`.
fn reason(c: &crate::snapshot::diff::Change) -> String {
    format!("{} {}: {}", c.severity, c.kind.id(), c.message)
}

/// A snapshot file that cannot be written becomes the exchange's only snapshot finding.
fn write_failed(
    ctx: &SnapshotCtx<'_>,
    run: &ApiRun,
    op: &Operation,
    e: &std::io::Error,
    maker: &FindingMaker<'_>,
) -> Finding {
    let path = ctx.store.path(&run.name, &op.id);
    let msg = format!("cannot write the snapshot beside {}: {e}", path.display());
    maker.make(Kind::SnapshotUnreadable, msg)
}

/// The snapshot of this response, with credentials redacted.
fn capture(
    ctx: &SnapshotCtx<'_>,
    run: &ApiRun,
    op: &Operation,
    ex: &Exchange,
    checked: &Checked,
    status: u16,
    view: &SchemaView,
) -> Captured {
    // `GET /pub/patient/1?page[size]=2`: the request as sent, without the origin.
    let request = match url::Url::parse(&ex.url) {
        Ok(u) => match u.query() {
            Some(q) => format!("{} {}?{q}", ex.method, u.path()),
            None => format!("{} {}", ex.method, u.path()),
        },
        Err(_) => format!("{} {}", ex.method, ex.url),
    };
    let operation = SnapshotOperation {
        id: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
    };
    // A secret the server echoes as a key would otherwise be stored in the shape.
    let redacted_body = checked
        .body
        .as_ref()
        .filter(|_| !ctx.redactor.is_empty())
        .map(|body| {
            let mut body = body.clone();
            ctx.redactor.redact_value(&mut body);
            body
        });
    let response = snap::Response {
        status,
        content_type: checked.content_type.as_deref(),
        body: redacted_body.as_ref().or(checked.body.as_ref()),
    };
    let mut current = snap::capture(
        &run.name,
        operation,
        ctx.redactor.redact(&request),
        ctx.spec_hash,
        response,
        snap::Reading {
            selectors: &run.selectors,
            view,
            time: ctx.time,
        },
    );
    current
        .snapshot
        .redact_pinned(|text| ctx.redactor.redact(text));
    current
}

/// What the contract declares for this response's body (undeclared when it has no schema).
fn response_view(
    ctx: &SnapshotCtx<'_>,
    contract: &Contract,
    op: &Operation,
    status: u16,
    content_type: Option<&str>,
) -> Arc<SchemaView> {
    let schema = op.response_for(status).and_then(|r| {
        let media = content_type
            .and_then(|c| crate::spec::media::best(&r.content, |m| m.name.as_str(), c))
            .or_else(|| r.content.first());
        media.and_then(|m| m.schema.as_ref())
    });
    match schema {
        Some(s) => ctx.views.of(contract, s),
        None => Arc::new(SchemaView::undeclared()),
    }
}

/// The schema an operation is expected to answer with: its first success's, JSON first.
pub fn expected_schema(op: &Operation) -> Option<&crate::spec::SchemaRef> {
    let success = op
        .responses
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                crate::spec::Status::Code(200..=299) | crate::spec::Status::Range(2)
            )
        })
        .min_by_key(|r| r.status)?;
    let media = success
        .content
        .iter()
        .find(|m| crate::spec::media::is_json(&m.name))
        .or_else(|| success.content.first())?;
    media.schema.as_ref()
}

fn not_recorded(status: u16, maker: &FindingMaker<'_>) -> Finding {
    let mut f = maker.make(Kind::SnapshotNotRecorded, format!("the API answered {status}; a baseline must be a normal answer, so nothing was recorded — run `drift snapshot` again when the API is healthy"),
    );
    f.actual = Some(status.to_string());
    f
}
