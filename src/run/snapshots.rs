//! The snapshot step of one exchange: compare the response's shape with its stored snapshot
//! (`drift check`) or record it (`drift snapshot`). Only normal answers make a baseline.

use super::api::ApiRun;
use super::exchange::FindingMaker;
use super::{SnapshotMode, SnapshotStats};
use crate::check::{Checked, Outcome};
use crate::findings::Finding;
use crate::replay::auth::Redactor;
use crate::replay::Exchange;
use crate::rules::Kind;
use crate::snapshot::store::Store;
use crate::snapshot::view::SchemaView;
use crate::snapshot::{self as snap, Snapshot, SnapshotOperation};
use crate::spec::{Contract, Operation};

/// The snapshot folder of a run and what the run does with it.
pub struct SnapshotCtx<'a> {
    pub store: &'a Store,
    pub mode: SnapshotMode,
    pub spec_hash: &'a str,
    /// Pinned values and requests that hold a credential are stored redacted.
    pub redactor: &'a Redactor,
}

/// Compare the response with its snapshot (or record it); returns snapshot findings.
#[allow(clippy::too_many_arguments)]
pub fn step(
    ctx: &SnapshotCtx<'_>,
    contract: &Contract,
    run: &ApiRun,
    op: &Operation,
    ex: &Exchange,
    checked: &Checked,
    maker: &FindingMaker<'_>,
    stats: &mut SnapshotStats,
) -> Vec<Finding> {
    let Some(status) = checked.status else {
        return Vec::new();
    };
    // Not transport failures, throttling, auth refusals or server errors: recording one would
    // make every later healthy answer look like drift.
    if matches!(status, 401 | 403 | 429) || status >= 500 || checked.outcome == Outcome::Error {
        return match ctx.mode {
            SnapshotMode::Record { .. } => vec![not_recorded(status, maker)],
            SnapshotMode::Compare { .. } => Vec::new(),
        };
    }
    let current = capture(ctx, run, op, ex, checked, status);
    let stored = match ctx.store.read(&run.name, &op.id) {
        Ok(s) => s,
        // Re-recording with --accept replaces an unreadable file.
        Err(_) if matches!(ctx.mode, SnapshotMode::Record { accept: true }) => None,
        Err(e) => return vec![maker.make(Kind::SnapshotUnreadable, e)],
    };
    let written = match (ctx.mode, &stored) {
        (SnapshotMode::Compare { write }, None) => {
            let msg = format!(
                "no snapshot yet at {}",
                ctx.store.path(&run.name, &op.id).display()
            );
            let pending = write.then(|| ctx.store.write_pending(&current));
            return outcome(pending, &mut stats.pending, ctx, run, op, maker)
                .unwrap_or_else(|| vec![maker.make(Kind::SnapshotMissing, msg)]);
        }
        (SnapshotMode::Compare { write }, Some(stored)) => {
            let changed = !stored.same_content(&current);
            let pending = (write && changed).then(|| ctx.store.write_pending(&current));
            outcome(pending, &mut stats.pending, ctx, run, op, maker)
        }
        (SnapshotMode::Record { .. }, None) => {
            let write = Some(ctx.store.write(&current));
            return outcome(write, &mut stats.recorded, ctx, run, op, maker).unwrap_or_default();
        }
        (SnapshotMode::Record { accept }, Some(stored)) => {
            if stored.same_content(&current) {
                stats.unchanged += 1;
                return Vec::new();
            }
            if accept {
                outcome(
                    Some(ctx.store.write(&current)),
                    &mut stats.accepted,
                    ctx,
                    run,
                    op,
                    maker,
                )
            } else {
                let pending = Some(ctx.store.write_pending(&current));
                outcome(pending, &mut stats.pending, ctx, run, op, maker)
            }
        }
    };
    if let Some(error) = written {
        return error;
    }
    // Only the branches with a stored snapshot get here.
    let Some(stored) = stored else {
        return Vec::new();
    };
    let view = response_view(contract, op, status, checked.content_type.as_deref());
    snap::compare_with(&stored, &current, Some(&view))
        .into_iter()
        .map(|c| maker.change(c))
        .collect()
}

/// Count a successful write; a failed one becomes the exchange's only snapshot finding.
fn outcome(
    write: Option<std::io::Result<()>>,
    counter: &mut usize,
    ctx: &SnapshotCtx<'_>,
    run: &ApiRun,
    op: &Operation,
    maker: &FindingMaker<'_>,
) -> Option<Vec<Finding>> {
    match write? {
        Ok(()) => {
            *counter += 1;
            None
        }
        Err(e) => {
            let path = ctx.store.path(&run.name, &op.id);
            let msg = format!("cannot write the snapshot beside {}: {e}", path.display());
            Some(vec![maker.make(Kind::SnapshotUnreadable, msg)])
        }
    }
}

/// The snapshot of this response, with credentials redacted.
fn capture(
    ctx: &SnapshotCtx<'_>,
    run: &ApiRun,
    op: &Operation,
    ex: &Exchange,
    checked: &Checked,
    status: u16,
) -> Snapshot {
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
    let mut current = snap::capture(
        &run.name,
        operation,
        ctx.redactor.redact(&request),
        ctx.spec_hash,
        status,
        checked.content_type.as_deref(),
        checked.body.as_ref(),
        &run.selectors,
    );
    current.redact_pinned(|text| ctx.redactor.redact(text));
    current
}

/// What the contract declares for this response's body (undeclared when it has no schema).
fn response_view(
    contract: &Contract,
    op: &Operation,
    status: u16,
    content_type: Option<&str>,
) -> SchemaView {
    let schema = op.response_for(status).and_then(|r| {
        let media = content_type
            .and_then(|c| {
                r.content
                    .iter()
                    .find(|m| crate::spec::media::matches(&m.name, c))
            })
            .or_else(|| r.content.first());
        media.and_then(|m| m.schema.as_ref())
    });
    schema.map_or_else(SchemaView::undeclared, |s| SchemaView::of(contract, s))
}

fn not_recorded(status: u16, maker: &FindingMaker<'_>) -> Finding {
    let mut f = maker.make(Kind::SnapshotNotRecorded, format!("the API answered {status}; a baseline must be a normal answer, so nothing was recorded — run `drift snapshot` again when the API is healthy"),
    );
    f.actual = Some(status.to_string());
    f
}
