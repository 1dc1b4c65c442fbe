//! The operations of a contract and how each would be planned (`drift ops`), for the terminal and
//! as JSON.

use super::terminal::Palette;
use crate::plan::{self, ParamValues, Planned};
use crate::spec::{Contract, Operation};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A contract's operations sorted by (path, method), with their plans.
pub struct OperationsView<'a> {
    pub api: &'a str,
    pub spec: &'a std::path::Path,
    pub contract: &'a Contract,
    pub operations: Vec<&'a Operation>,
    pub plans: HashMap<&'a str, Planned>,
    /// How each paged collection pages (detected from the contract).
    pub paging: HashMap<&'a str, crate::paging::Paging>,
}

impl<'a> OperationsView<'a> {
    /// With `live` (a real API as the target), path parameters show the live response they
    /// will be taken from, the documented value as the fallback.
    pub fn new(
        api: &'a str,
        spec: &'a std::path::Path,
        contract: &'a Contract,
        live: bool,
    ) -> OperationsView<'a> {
        let mut planned = plan::build(contract, &ParamValues::default());
        if live {
            let providers = plan::live::Providers::new(contract);
            for (op, p) in contract.operations.iter().zip(planned.iter_mut()) {
                if let Planned::Request(r) = p {
                    show_live(&providers, contract, op, r);
                }
            }
        }
        let plans = contract
            .operations
            .iter()
            .map(|o| o.id.as_str())
            .zip(planned)
            .collect();
        let mut operations: Vec<&Operation> = contract.operations.iter().collect();
        operations.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
        let none = crate::paging::PagingConfig::default();
        let paging = contract
            .operations
            .iter()
            .filter_map(|o| Some((o.id.as_str(), crate::paging::resolve(contract, o, &none)?)))
            .collect();
        OperationsView {
            api,
            spec,
            contract,
            operations,
            plans,
            paging,
        }
    }
}

/// Mark the path parameters a live response will provide.
fn show_live(
    providers: &plan::live::Providers<'_>,
    contract: &Contract,
    op: &Operation,
    r: &mut plan::PlannedRequest,
) {
    for d in providers.dependencies(op, &[]) {
        let provider = &contract.operations[d.provider];
        if !provider.is_read_only() {
            continue;
        }
        if let Some(b) = r.bindings.iter_mut().find(|b| b.name == d.param) {
            if b.source == plan::Source::Config {
                continue;
            }
            let from = format!(
                "{} of {} {} (live); else {:?} from {}",
                d.path.describe(),
                provider.method,
                provider.path,
                b.value,
                b.source
            );
            b.source = plan::Source::Live { from };
        }
    }
}

fn plan_json(p: Option<&Planned>) -> Value {
    match p {
        Some(Planned::Request(r)) => json!({
            "path": r.path,
            "query": r.query.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "bindings": r.bindings.iter().map(|b| json!({
                "name": b.name, "in": b.location, "value": b.value, "source": b.source.to_string(),
            })).collect::<Vec<_>>(),
        }),
        Some(Planned::Skipped { reason, .. }) => json!({ "skipped": reason }),
        None => Value::Null,
    }
}

/// The `drift ops --format json` document (its own version 1).
pub fn json(view: &OperationsView<'_>) -> Value {
    let (api, spec_path, c, ops, plans) = (
        view.api,
        view.spec,
        view.contract,
        &view.operations,
        &view.plans,
    );
    json!({
        "version": 1,
        "tool": crate::report::json::tool(),
        "api": {
            "name": api,
            "spec": spec_path.display().to_string(),
            "dialect": c.dialect,
            "title": c.title,
            "version": c.version,
            "servers": c.servers,
            "operations_total": c.operations.len(),
            "operations_read_only": c.operations.iter().filter(|o| o.is_read_only()).count(),
        },
        "operations": ops.iter().map(|o| json!({
            "operation_id": o.id,
            "operation_id_synthesized": o.id_synthesized,
            "method": o.method,
            "path": o.path,
            "tags": o.tags,
            "summary": o.summary,
            "read_only": o.is_read_only(),
            "deprecated": o.deprecated,
            "plan": plan_json(plans.get(o.id.as_str())),
            "paging": view.paging.get(o.id.as_str()),
            "responses": o.responses.iter().map(|r| json!({
                "status": r.status.to_string(),
                "media_types": r.content.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The terminal listing: one line per operation, then how each would be planned.
pub fn text(view: &OperationsView<'_>, p: Palette) -> String {
    let (api, c, ops, plans) = (view.api, view.contract, &view.operations, &view.plans);
    let mut s = String::new();
    let read_only = ops.iter().filter(|o| o.is_read_only()).count();
    let (b, d) = (p.bold(), p.dim());
    let _ = writeln!(
        s,
        "{b}{api}{b:#}  {}  \"{}\" {}  {} operations, {read_only} read-only",
        c.dialect,
        t(&c.title),
        t(&c.version),
        ops.len()
    );
    if let Some(server) = c.servers.first() {
        let _ = writeln!(s, "{d}server: {}{d:#}", t(server));
    }
    let _ = writeln!(s);
    let path_w = ops.iter().map(|o| o.path.len()).max().unwrap_or(4).min(60);
    let id_w = ops
        .iter()
        .map(|o| o.id.len() + 1)
        .max()
        .unwrap_or(2)
        .min(40);
    for o in ops {
        let id = if o.id_synthesized {
            format!("{}*", o.id)
        } else {
            o.id.clone()
        };
        // `200 401 403 application/vnd.api+json`: statuses grouped by their media types.
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for r in &o.responses {
            let media = r
                .content
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            match groups.iter_mut().find(|(m, _)| *m == media) {
                Some((_, statuses)) => statuses.push(r.status.to_string()),
                None => groups.push((media, vec![r.status.to_string()])),
            }
        }
        let responses: Vec<String> = groups
            .into_iter()
            .map(|(media, statuses)| {
                format!("{} {media}", statuses.join(" "))
                    .trim_end()
                    .to_string()
            })
            .collect();
        let ro = if o.is_read_only() {
            "read-only"
        } else {
            "         "
        };
        let tags = if o.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", o.tags.join(", "))
        };
        let _ = writeln!(
            s,
            "{:<7}{:<path_w$}  {:<id_w$}  {ro}  {d}{}{d:#}",
            t(&o.method),
            t(&o.path),
            t(&id),
            t(&format!("{}{tags}", responses.join(", ")))
        );
        if let Some(Planned::Request(r)) = plans.get(o.id.as_str()) {
            let mut target = r.path.clone();
            if !r.query.is_empty() {
                let q: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                // A template with a fixed query (`/rest?method=…`) goes on with `&`.
                let sep = if target.contains('?') { '&' } else { '?' };
                target = format!("{target}{sep}{}", q.join("&"));
            }
            let _ = writeln!(s, "{d}       → {}{d:#}", t(&target));
            for b in &r.bindings {
                let _ = match &b.source {
                    plan::Source::Live { from } => {
                        writeln!(s, "{d}         {} ← {}{d:#}", t(&b.name), t(from))
                    }
                    source => writeln!(
                        s,
                        "{d}         {} = {:?} from {}{d:#}",
                        t(&b.name),
                        b.value,
                        t(&source.to_string())
                    ),
                };
            }
        }
        if let Some(paging) = view.paging.get(o.id.as_str()) {
            let _ = writeln!(s, "{d}       ⇄ paged: {}{d:#}", t(&paging.describe()));
            let _ = writeln!(s, "{d}         why: {}{d:#}", t(&paging.reasons.join("; ")));
        }
    }
    if !view.paging.is_empty() {
        let _ = writeln!(s, "\n{}", paging_totals(view));
    }
    if ops.iter().any(|o| o.id_synthesized) {
        let _ = writeln!(
            s,
            "\n{d}* operationId synthesized from method and path (the contract has none){d:#}"
        );
    }
    s
}

/// `12 paged collections: 6 page, 6 cursor, 6 links-only; 6 with a count-only request`.
fn paging_totals(view: &OperationsView<'_>) -> String {
    let mut by_style: std::collections::BTreeMap<String, usize> = Default::default();
    for p in view.paging.values() {
        for st in &p.strategies {
            *by_style.entry(st.style.to_string()).or_default() += 1;
        }
    }
    let styles: Vec<String> = by_style.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let count_only = view.paging.values().filter(|p| p.count_only).count();
    format!(
        "{} paged collection(s): {}; {count_only} with a count-only request",
        view.paging.len(),
        styles.join(", ")
    )
}

/// Contract strings are shown with control characters escaped.
fn t(text: &str) -> std::borrow::Cow<'_, str> {
    crate::text::escape_control(text, false)
}
