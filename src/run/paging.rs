//! The paging phase of one API: after every operation has been checked once, each paged
//! collection that answered with a success is walked — in every style it declares, plus the
//! count-only request where the contract promises one — through the same target (gate, auth,
//! rate limit, retries) as every other request. Walks advance in rounds: one page of every
//! active walk per round, with the API's concurrency.
//!
//! Every page is checked against the contract like any response (a defect already reported for
//! the operation is not repeated per page), the paging promises are checked by
//! [`crate::paging::walk`], and the items of every page feed the operation's snapshot.

use super::maker::FindingMaker;
use super::{Listener, Replaying};
use crate::check;
use crate::model::{Finding, OperationRef};
use crate::paging::walk::{self, PageFinding, Step, Walk};
use crate::paging::Paging;
use crate::plan::PlannedRequest;
use crate::replay::{self, transport::HttpRequest, Exchange};
use crate::spec::Operation;
use serde_json::Value;
use std::collections::HashSet;

/// How many collections are walked together: their first answers (held for the snapshot step)
/// and their pages' items are in memory meanwhile.
pub(super) const AT_ONCE: usize = 16;

/// The most items of one collection's pages kept for its snapshot.
const SNAPSHOT_ITEMS: usize = 250;

/// What the main pass leaves for the paging phase about one paged operation.
pub(super) struct PagedOp {
    /// Index into the operations to send.
    pub index: usize,
    /// The request as sent (the walks start from it).
    pub request: HttpRequest,
    /// The main exchange, kept when its snapshot step waits for the pages' items.
    pub deferred: Option<(Exchange, String)>,
}

/// One request of the paging phase.
enum Job<'p> {
    Walk {
        op: usize,
        walk: Box<Walk<'p>>,
        url: String,
    },
    CountOnly {
        op: usize,
        paging: &'p Paging,
        url: String,
    },
}

impl Job<'_> {
    fn op(&self) -> usize {
        match self {
            Job::Walk { op, .. } | Job::CountOnly { op, .. } => *op,
        }
    }
    fn url(&self) -> &str {
        match self {
            Job::Walk { url, .. } | Job::CountOnly { url, .. } => url,
        }
    }
}

/// The items the pages of one operation brought, for its snapshot (distinct, bounded).
#[derive(Default)]
struct Collected {
    items: Vec<Value>,
    seen: HashSet<u64>,
}

/// What tells a collection's items apart: the `id`, else the whole item (a hash of it; two
/// distinct items sharing one among a page budget's thousand is a chance of about 10^-13).
pub(super) fn item_key(item: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    fn feed(v: &Value, h: &mut std::hash::DefaultHasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => (2u8, n.as_i64(), n.as_u64(), n.as_f64().map(f64::to_bits)).hash(h),
            Value::String(s) => (3u8, s).hash(h),
            Value::Array(items) => {
                (4u8, items.len()).hash(h);
                items.iter().for_each(|i| feed(i, h));
            }
            Value::Object(map) => {
                (5u8, map.len()).hash(h);
                for (k, v) in map {
                    k.hash(h);
                    feed(v, h);
                }
            }
        }
    }
    let mut h = std::hash::DefaultHasher::new();
    match item.get("id") {
        Some(id) => {
            0u8.hash(&mut h);
            feed(id, &mut h);
        }
        None => {
            1u8.hash(&mut h);
            feed(item, &mut h);
        }
    }
    h.finish()
}

impl Collected {
    fn add(&mut self, items: Vec<Value>, cap: usize) {
        for item in items {
            if self.items.len() >= cap {
                return;
            }
            if self.seen.insert(item_key(&item)) {
                self.items.push(item);
            }
        }
    }
}

/// The paging phase of one API in progress.
struct Walking<'p> {
    to_send: &'p [(&'p Operation, PlannedRequest)],
    pagings: &'p [Option<Paging>],
    /// Per operation to send: the request its walks start from.
    requests: Vec<Option<HttpRequest>>,
    /// Per operation to send: the items of its pages, and one line per walk.
    collected: Vec<Collected>,
    /// Per operation to send: its pages' items feed a snapshot (so they are kept).
    keep: Vec<bool>,
    summaries: Vec<Vec<String>>,
    fetched: usize,
}

/// Walk every paged operation, then take the deferred snapshot steps with the pages' items.
pub(super) async fn walk_all(
    r: &mut Replaying<'_>,
    to_send: &[(&Operation, PlannedRequest)],
    pagings: &[Option<Paging>],
    paged: Vec<PagedOp>,
    listener: &mut dyn Listener,
) {
    let mut w = Walking {
        to_send,
        pagings,
        requests: vec![None; to_send.len()],
        collected: (0..to_send.len()).map(|_| Collected::default()).collect(),
        keep: vec![false; to_send.len()],
        summaries: vec![Vec::new(); to_send.len()],
        fetched: 0,
    };
    let mut deferred = Vec::new();
    for p in paged {
        w.requests[p.index] = Some(p.request);
        w.keep[p.index] = p.deferred.is_some();
        deferred.push((p.index, p.deferred));
    }
    let mut jobs = w.jobs(r.ctx.run);
    while !jobs.is_empty() && !r.gate.stopped() {
        jobs = w.round(r, jobs, listener).await;
    }
    // Walks cut short by an authentication stop still say how far they got.
    for job in jobs {
        if let Job::Walk { op, walk, .. } = job {
            w.summaries[op].push(walk.summary());
        }
    }
    for (index, deferred) in deferred {
        let op = to_send[index].0;
        if let Some((ex, reproduce)) = deferred {
            let items = pagings[index].as_ref().map_or("", |g| g.items.as_str());
            let extra = std::mem::take(&mut w.collected[index].items);
            let found = super::exchange::snapshot_with_pages(
                &r.ctx,
                op,
                &ex,
                &reproduce,
                items,
                extra,
                &mut r.stats,
            );
            r.findings.extend(found);
        }
        let mut notes = std::mem::take(&mut w.summaries[index]);
        notes.sort();
        refresh(r, op, notes);
    }
}

impl<'p> Walking<'p> {
    /// The first request of every walk, and the count-only requests.
    fn jobs(&self, run: &super::ApiRun) -> Vec<Job<'p>> {
        let mut jobs = Vec::new();
        for (index, request) in self.requests.iter().enumerate() {
            let (Some(request), Some(paging)) = (request, self.pagings[index].as_ref()) else {
                continue;
            };
            // Every style's parameters are set by the walk itself: the styles never mix.
            let strip: Vec<&str> = paging
                .strategies
                .iter()
                .flat_map(|s| s.size.iter().chain(s.position.iter()))
                .map(String::as_str)
                .collect();
            let budget = run.paging.budget(&self.to_send[index].0.id);
            for strategy in &paging.strategies {
                if let Some(mut walk) = Walk::new(paging, strategy, budget, &request.url, &strip) {
                    let url = walk.first();
                    let walk = Box::new(walk);
                    jobs.push(Job::Walk {
                        op: index,
                        walk,
                        url,
                    });
                }
                if paging.count_only && strategy.zero_size {
                    if let Some(url) = walk::count_only_url(strategy, &request.url, &strip) {
                        jobs.push(Job::CountOnly {
                            op: index,
                            paging,
                            url,
                        });
                    }
                }
            }
        }
        jobs
    }

    /// Send one request of every job; returns the jobs with another page to fetch.
    async fn round(
        &mut self,
        r: &mut Replaying<'_>,
        jobs: Vec<Job<'p>>,
        listener: &mut dyn Listener,
    ) -> Vec<Job<'p>> {
        let run = r.ctx.run;
        let target = &r.prepared.target;
        let requests: Vec<HttpRequest> = jobs
            .iter()
            .map(|j| HttpRequest {
                method: "GET".into(),
                url: j.url().to_string(),
                headers: self.requests[j.op()]
                    .as_ref()
                    .map(|h| h.headers.clone())
                    .unwrap_or_default(),
                ..Default::default()
            })
            .collect();
        let reproductions: Vec<String> = requests
            .iter()
            .map(|q| super::target::reproduce(q, &run.auth, target.mock_base.as_deref(), run))
            .collect();
        let (_, _, options) = super::requests_for(run, r.prepared, &[]);
        let redactor = target
            .replay
            .credentials
            .as_ref()
            .map(|c| c.redactor.clone())
            .unwrap_or_default();
        let mut incoming = replay::start(target.replay.clone(), requests, &options);
        let mut slots: Vec<Option<Job<'p>>> = jobs.into_iter().map(Some).collect();
        let mut next_round = Vec::new();
        while let Some(delivered) = incoming.recv().await {
            let ex = &delivered.exchange;
            let Some(job) = slots.get_mut(ex.index).and_then(Option::take) else {
                continue;
            };
            r.exchanged += 1;
            self.fetched += 1;
            listener.pages_walked(&run.name, self.fetched);
            if let Some(next) = self.page(r, job, ex, &reproductions[ex.index]) {
                next_round.push(next);
            }
            if r.gate.observe(ex, &redactor, false) {
                incoming.close();
                break;
            }
        }
        next_round
    }

    /// Check one fetched page; returns the job again when its walk goes on.
    fn page(
        &mut self,
        r: &mut Replaying<'_>,
        job: Job<'p>,
        ex: &Exchange,
        reproduce: &str,
    ) -> Option<Job<'p>> {
        let run = r.ctx.run;
        let op = self.to_send[job.op()].0;
        let mut checked = check::check(
            r.ctx.contract,
            &run.name,
            op,
            ex,
            reproduce,
            run.credentials(),
        );
        super::exchange::name_provenance(run, op, ex, &mut checked.findings);
        let maker = FindingMaker {
            api: &run.name,
            operation: OperationRef::from(op),
            reproduce,
        };
        add_page_checks(r, op, checked.findings);
        let error = ex.result.as_ref().err().map(ToString::to_string);
        match job {
            Job::Walk {
                op: i,
                mut walk,
                url,
            } => {
                let headers = ex.result.as_ref().map_or(&[][..], |r| r.headers.as_slice());
                let (found, step) = walk.observe(
                    &url,
                    (checked.status, headers),
                    checked.body.as_ref(),
                    error.as_deref(),
                );
                // The page is done with: its items move to the operation's snapshot.
                if let (Some(body), Some(paging), true) =
                    (&mut checked.body, self.pagings[i].as_ref(), self.keep[i])
                {
                    if let Some(items) = body
                        .pointer_mut(&paging.items)
                        .and_then(Value::as_array_mut)
                    {
                        self.collected[i].add(std::mem::take(items), SNAPSHOT_ITEMS);
                    }
                }
                r.findings
                    .extend(found.into_iter().map(|f| page_finding(&maker, f)));
                match step {
                    Step::Fetch(url) => Some(Job::Walk { op: i, walk, url }),
                    Step::Done(_) => {
                        self.summaries[i].push(walk.summary());
                        None
                    }
                }
            }
            Job::CountOnly { op: i, paging, url } => {
                let found =
                    walk::check_count_only(paging, &url, checked.status, checked.body.as_ref());
                r.findings.extend(found.map(|f| page_finding(&maker, f)));
                let shown = url::Url::parse(&url)
                    .map(|u| format!("{}?{}", u.path(), u.query().unwrap_or("")))
                    .unwrap_or(url);
                self.summaries[i].push(match checked.status {
                    Some(s) => format!("count only ({shown}): {s}"),
                    None => format!("count only ({shown}): no answer"),
                });
                None
            }
        }
    }
}

/// A page's contract findings, except those the operation already has (the same kind at the
/// same place, item indices aside): a defect shared by every page is reported once.
fn add_page_checks(r: &mut Replaying<'_>, op: &Operation, found: Vec<Finding>) {
    // Most pages are clean: the operation's findings are only looked at when a page has some.
    if found.is_empty() {
        return;
    }
    let key = |f: &Finding| {
        let place: Vec<String> = f
            .pointer
            .split('/')
            .map(|s| {
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    "*".to_string()
                } else {
                    s.to_string()
                }
            })
            .collect();
        (f.kind.clone(), place.join("/"))
    };
    let known: HashSet<_> = r
        .findings
        .iter()
        .filter(|f| f.operation.as_ref().is_some_and(|o| o.id == op.id))
        .map(key)
        .collect();
    let mut added = HashSet::new();
    for mut f in found {
        let k = key(&f);
        if known.contains(&k) || !added.insert(k) {
            continue;
        }
        if f.spec_location.is_none() {
            f.spec_location = Some(r.ctx.contract.location(op.doc, &op.pointer));
        }
        r.findings.push(f.bounded());
    }
}

/// A paging finding; its message names the page unless it already does.
fn page_finding(maker: &FindingMaker<'_>, f: PageFinding) -> Finding {
    let message = if f.message.contains(&f.url) {
        f.message
    } else {
        format!("{} (page {})", f.message, f.url)
    };
    let mut finding = maker.make(f.kind, message);
    if let Some(s) = f.severity {
        finding.severity = s;
    }
    finding.bounded()
}

/// The operation's result after its walks: its outcome over every finding it now has, and
/// what each walk saw.
fn refresh(r: &mut Replaying<'_>, op: &Operation, notes: Vec<String>) {
    let findings: Vec<Finding> = r
        .findings
        .iter()
        .filter(|f| f.operation.as_ref().is_some_and(|o| o.id == op.id))
        .cloned()
        .collect();
    let spec_location = r.ctx.contract.location(op.doc, &op.pointer);
    for f in &mut r.findings {
        if f.operation.as_ref().is_some_and(|o| o.id == op.id) && f.spec_location.is_none() {
            f.spec_location = Some(spec_location.clone());
        }
    }
    if let Some(result) = r.operations.iter_mut().find(|o| o.operation_id == op.id) {
        let unverified = result.outcome == crate::model::Outcome::Unverified;
        result.outcome = crate::model::Outcome::of_answer(&findings, unverified);
        result.pages = notes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_told_apart_by_id_else_whole() {
        let key = |v: Value| item_key(&v);
        assert_eq!(key(json!({"id": 1, "a": 1})), key(json!({"id": 1, "a": 2})));
        assert_ne!(key(json!({"id": 1})), key(json!({"id": 2})));
        assert_ne!(key(json!({"id": 1})), key(json!({"id": "1"})));
        assert_ne!(key(json!({"id": 1})), key(json!({"id": 1.5})));
        assert_eq!(
            key(json!({"a": [1, {"b": null}]})),
            key(json!({"a": [1, {"b": null}]}))
        );
        assert_ne!(
            key(json!({"a": [1, {"b": null}]})),
            key(json!({"a": [1, {"b": false}]}))
        );
        assert_ne!(key(json!({"a": [[1], 2]})), key(json!({"a": [[1, 2]]})));
        assert_ne!(key(json!(["ab", "c"])), key(json!(["a", "bc"])));

        let mut collected = Collected::default();
        collected.add(
            vec![json!({"id": 1}), json!({"id": 1}), json!({"x": 1})],
            10,
        );
        collected.add(vec![json!({"x": 1}), json!({"x": 2}), json!({"id": 3})], 3);
        assert_eq!(
            collected.items,
            vec![json!({"id": 1}), json!({"x": 1}), json!({"x": 2})]
        );
    }
}
