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
    /// (operation, parameter) → the candidate values (first items of the provider's list;
    /// none for an empty collection), or why there are none.
    resolved: HashMap<(usize, String), Result<Vec<String>, String>>,
    /// Per operation to send: which candidate its live values take (0: the first item).
    choice: Vec<usize>,
    /// Providers whose answer was an empty list for some dependent: their dependents would be
    /// skipped, so the provider is tried again with its own next candidate.
    empty: std::collections::HashSet<usize>,
}

/// Items of a list tried as the source of a live value: the first, then, when it leads to an
/// empty list that others depend on, the next ones.
pub const CANDIDATES: usize = 3;

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
            choice: vec![0; deps.len()],
            deps,
            depth,
            resolved: HashMap::new(),
            empty: Default::default(),
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
                    Some(b) => d.path.read_candidates(b, CANDIDATES),
                    None => Err("its answer was not a 2xx JSON body".to_string()),
                };
                if value.as_ref().is_ok_and(Vec::is_empty) {
                    self.empty.insert(provider);
                } else if value.is_ok() {
                    self.empty.remove(&provider);
                }
                self.resolved.insert((i, d.param.clone()), value);
            }
        }
    }

    /// Whether operation `i` (a provider whose list came back empty) takes its live values from
    /// the next item of its own provider's list: an item that leads somewhere, before its
    /// dependents are skipped. `false` when there is no other item.
    pub fn try_next_item(&mut self, i: usize) -> bool {
        if !self.empty.contains(&i) || self.deps[i].is_empty() {
            return false;
        }
        let next = self.choice[i] + 1;
        let has_next = self.deps[i].iter().any(|(_, d)| {
            matches!(self.resolved.get(&(i, d.param.clone())), Some(Ok(c)) if c.len() > next)
        });
        if has_next {
            self.choice[i] = next;
            self.empty.remove(&i);
        }
        has_next
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
            // The item another provider of this operation took the same value from (the
            // bucket whose collections were listed is the bucket of the collection).
            let k = self.deps[i]
                .iter()
                .filter(|(q, _)| q != p)
                .find(|(q, _)| {
                    self.deps[*q]
                        .iter()
                        .any(|(pp, dd)| pp == p && dd.param == d.param)
                })
                .map_or(self.choice[i], |(q, _)| self.choice[*q]);
            let resolved = self.resolved.get(&(i, d.param.clone())).map(|r| {
                r.as_ref()
                    .map(|c| c.get(k.min(c.len().saturating_sub(1))).cloned())
                    .map_err(Clone::clone)
            });
            let place = if k > 0 {
                format!(
                    "{place}, item {} (the first items' lists were empty)",
                    k + 1
                )
            } else {
                place
            };
            match resolved {
                // A server's `..` (or a HAL link ending in `/..`) would address the parent path.
                Some(Ok(Some(value))) if in_path && crate::plan::is_dot_segment(&value) => {
                    return Err(format!(
                        "not sent: {place} is {value:?}, a dot segment: a URL cannot carry it as `{}` (it would address the parent path)",
                        d.param
                    ))
                }
                Some(Ok(Some(value))) => {
                    set(
                        &mut request,
                        &d.param,
                        &value,
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
