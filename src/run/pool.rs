//! Many APIs in one run: a few worker threads take the APIs in turn, each API planned, replayed
//! and checked on the shared async runtime, within a memory budget so that one huge contract does
//! not run beside others that would not fit with it. An API's contract, compiled schemas and
//! responses are dropped as soon as it is done. Progress events are sent back to the caller's
//! thread, where the [`Listener`] draws them.

use super::Listener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Condvar, Mutex};

/// Contract bytes loaded at once (a contract takes several times its size in memory once
/// parsed and compiled): 48 MiB, so the largest public contracts (47 MB) run alone.
pub const SPEC_BYTES_IN_FLIGHT: u64 = 48 * 1024 * 1024;

/// How many APIs run at once: one per core, at most 8, at most the number of APIs.
pub fn workers(apis: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    cores.clamp(1, 8).min(apis.max(1))
}

/// The weight of an API in the memory budget: its contract file's size (a URL counts 1 MiB).
pub fn weight(spec: Option<&Path>) -> u64 {
    spec.and_then(|p| std::fs::metadata(p).ok())
        .map_or(1024 * 1024, |m| m.len().max(1))
}

/// A budget of bytes in flight: `take` waits until the weight fits (a weight over the whole
/// budget waits until nothing else runs, then runs alone).
pub struct Budget {
    used: Mutex<u64>,
    freed: Condvar,
    capacity: u64,
}

/// Bytes taken from a [`Budget`], given back when dropped.
pub struct Taken<'b> {
    budget: &'b Budget,
    weight: u64,
}

impl Budget {
    pub fn new(capacity: u64) -> Budget {
        Budget {
            used: Mutex::new(0),
            freed: Condvar::new(),
            capacity,
        }
    }

    pub fn take(&self, weight: u64) -> Taken<'_> {
        let weight = weight.min(self.capacity);
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while *used > 0 && *used + weight > self.capacity {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *used += weight;
        Taken {
            budget: self,
            weight,
        }
    }
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        let mut used = self
            .budget
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *used -= self.weight;
        self.budget.freed.notify_all();
    }
}

/// A progress event of one API, sent from a worker to the caller's thread.
pub enum Event {
    Started(String, usize),
    Checked(String, usize, usize),
    Pages(String, usize),
    Finished(String),
}

/// The listener a worker hands to its API: it forwards every event.
pub struct Forward(pub Sender<Event>);

impl Listener for Forward {
    fn api_started(&mut self, api: &str, requests: usize) {
        let _ = self.0.send(Event::Started(api.to_string(), requests));
    }
    fn exchange_checked(&mut self, api: &str, done: usize, total: usize) {
        let _ = self.0.send(Event::Checked(api.to_string(), done, total));
    }
    fn pages_walked(&mut self, api: &str, pages: usize) {
        let _ = self.0.send(Event::Pages(api.to_string(), pages));
    }
    fn api_finished(&mut self, api: &str) {
        let _ = self.0.send(Event::Finished(api.to_string()));
    }
}

/// Hand an event to the caller's listener.
pub fn deliver(listener: &mut dyn Listener, event: Event) {
    match event {
        Event::Started(api, n) => listener.api_started(&api, n),
        Event::Checked(api, done, total) => listener.exchange_checked(&api, done, total),
        Event::Pages(api, n) => listener.pages_walked(&api, n),
        Event::Finished(api) => listener.api_finished(&api),
    }
}

/// Run `job(i, listener)` for every `i < count` on `workers` threads, the caller's thread
/// delivering progress to `listener`; results in index order.
pub fn run_all<T: Send>(
    count: usize,
    workers: usize,
    listener: &mut dyn Listener,
    job: impl Fn(usize, &mut dyn Listener) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<T>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let sender = sender.clone();
            let (next, results, job) = (&next, &results, &job);
            scope.spawn(move || {
                let mut forward = Forward(sender);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let out = job(i, &mut forward);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(out);
                    }
                }
            });
        }
        drop(sender);
        for event in receiver {
            deliver(listener, event);
        }
    });
    results
        .into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    // A weight that does not fit waits for the bytes in flight; one over the whole budget runs
    // alone rather than never.
    #[test]
    fn the_budget_holds_back_what_does_not_fit() {
        let budget = Budget::new(10);
        let first = budget.take(8);
        let second_ran = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let _second = budget.take(5);
                second_ran.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(
                !second_ran.load(Ordering::SeqCst),
                "5 more bytes do not fit beside 8"
            );
            drop(first);
        });
        assert!(second_ran.load(Ordering::SeqCst));
        let huge = budget.take(1_000);
        drop(huge);
    }

    #[test]
    fn results_come_back_in_index_order() {
        struct Quiet;
        impl Listener for Quiet {}
        let out = run_all(50, 4, &mut Quiet, |i, _| i * 2);
        assert_eq!(out, (0..50).map(|i| i * 2).collect::<Vec<_>>());
    }
}
