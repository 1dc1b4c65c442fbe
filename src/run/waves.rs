//! Replaying an API in waves so live ids can flow: operations whose path parameters come from
//! another operation's live response (see [`crate::plan::live`]) are sent after it. Against the
//! embedded mock there is one wave (the mock serves the documented ids).

use crate::plan::live::{self, Dependency};
use crate::plan::{PlannedRequest, Source};
use crate::replay::Exchange;
use crate::spec::{Contract, Operation, ParamIn};
use std::collections::HashMap;

/// The operations of an API in dependency order, and the live values found so far.
pub struct LivePlan {
    /// Per operation to send: its live dependencies (providers as indexes among the operations
    /// to send).
    deps: Vec<Vec<(usize, Dependency)>>,
    depth: Vec<usize>,
    /// (operation, parameter) → the value, or `None` for an empty collection, or why not.
    resolved: HashMap<(usize, String), Result<Option<String>, String>>,
}

impl LivePlan {
    /// Plan the waves; with `live` false (the mock) everything is one wave.
    pub fn new(
        contract: &Contract,
        to_send: &[(&Operation, PlannedRequest)],
        live: bool,
    ) -> LivePlan {
        let index_of: HashMap<&str, usize> = to_send
            .iter()
            .enumerate()
            .map(|(i, (op, _))| (op.id.as_str(), i))
            .collect();
        let providers = live::Providers::new(contract);
        let deps: Vec<Vec<(usize, Dependency)>> = to_send
            .iter()
            .map(|(op, planned)| {
                if !live {
                    return Vec::new();
                }
                let configured: Vec<&str> = planned
                    .bindings
                    .iter()
                    .filter(|b| b.source == Source::Config)
                    .map(|b| b.name.as_str())
                    .collect();
                providers
                    .dependencies(op, &configured)
                    .into_iter()
                    .filter_map(|d| {
                        let provider = &contract.operations[d.provider];
                        index_of.get(provider.id.as_str()).map(|&i| (i, d))
                    })
                    .collect()
            })
            .collect();
        // Providers' paths are strict prefixes of their dependents': no cycles.
        let mut depth = vec![0usize; to_send.len()];
        for _ in 0..to_send.len() {
            let mut changed = false;
            for (i, ds) in deps.iter().enumerate() {
                let d = ds.iter().map(|(p, _)| depth[*p] + 1).max().unwrap_or(0);
                if d > depth[i] && d <= to_send.len() {
                    depth[i] = d;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        LivePlan {
            deps,
            depth,
            resolved: HashMap::new(),
        }
    }

    pub fn waves(&self) -> usize {
        self.depth.iter().max().map_or(1, |d| d + 1)
    }

    /// The operations (indexes) of wave `w`, in contract order.
    pub fn wave(&self, w: usize) -> Vec<usize> {
        (0..self.depth.len())
            .filter(|i| self.depth[*i] == w)
            .collect()
    }

    /// Whether some operation waits for `provider`'s answer.
    fn is_provider(&self, provider: usize) -> bool {
        self.deps.iter().flatten().any(|(p, _)| *p == provider)
    }

    /// Read the values dependents need from a provider's exchange.
    pub fn observe(&mut self, provider: usize, ex: &Exchange) {
        if !self.is_provider(provider) {
            return;
        }
        let body = match &ex.result {
            Ok(r) if (200..300).contains(&r.status) => serde_json::from_slice(&r.body).ok(),
            _ => None,
        };
        for (i, ds) in self.deps.iter().enumerate() {
            for (p, d) in ds {
                if *p != provider {
                    continue;
                }
                let value = match &body {
                    Some(b) => d.path.read(b),
                    None => Err("its answer was not a 2xx JSON body".to_string()),
                };
                self.resolved.insert((i, d.param.clone()), value);
            }
        }
    }

    /// The request of operation `i` with its live values, and what they were; `Err` (a reason
    /// to skip) when a provider's collection was empty.
    pub fn apply(
        &self,
        i: usize,
        to_send: &[(&Operation, PlannedRequest)],
    ) -> Result<(PlannedRequest, Vec<String>), String> {
        let mut request = to_send[i].1.clone();
        let mut notes = Vec::new();
        for (p, d) in &self.deps[i] {
            let provider = to_send[*p].0;
            let from = format!("{} {}", provider.method, provider.path);
            let place = format!("{} of {from}", d.path.describe());
            let in_path = request
                .bindings
                .iter()
                .any(|b| b.name == d.param && b.location == ParamIn::Path);
            match self.resolved.get(&(i, d.param.clone())) {
                // A server's `..` (or a HAL link ending in `/..`) would address the parent path.
                Some(Ok(Some(value))) if in_path && crate::plan::is_dot_segment(value) => {
                    return Err(format!(
                        "not sent: {place} is {value:?}, a dot segment: a URL cannot carry it as `{}` (it would address the parent path)",
                        d.param
                    ))
                }
                Some(Ok(Some(value))) => {
                    set(
                        &mut request,
                        &d.param,
                        value,
                        Source::Live {
                            from: place.clone(),
                        },
                    );
                    notes.push(format!("{} ← {place} (live)", d.param));
                }
                Some(Ok(None)) => {
                    return Err(format!(
                        "not sent: {from} returned an empty list, so there is no `{}` to use",
                        d.param
                    ))
                }
                Some(Err(why)) => notes.push(format!(
                    "{} = documented value ({place} not available: {why})",
                    d.param
                )),
                None => notes.push(format!(
                    "{} = documented value ({from} was not answered)",
                    d.param
                )),
            }
        }
        Ok((request, notes))
    }
}

/// Bind a path or query parameter to a live value and rebuild the path and the query.
fn set(request: &mut PlannedRequest, param: &str, value: &str, source: Source) {
    if let Some(b) = request
        .bindings
        .iter_mut()
        .find(|b| b.name == param && matches!(b.location, ParamIn::Path | ParamIn::Query))
    {
        b.value = value.to_string();
        b.source = source;
    }
    request.path = crate::plan::fill_path(&request.path_template, &request.bindings);
    for (name, v) in &mut request.query {
        if name == param {
            *v = value.to_string();
        }
    }
}
