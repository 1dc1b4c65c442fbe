//! Many APIs in one run: a few worker threads take the APIs in turn, each API planned, replayed
//! and checked on the shared async runtime, within a memory budget so that one huge contract does
//! not run beside others that would not fit with it. An API's contract, compiled schemas and
//! responses are dropped as soon as it is done. Progress events are sent back to the caller's
//! thread, where the [`Listener`] draws them.

use super::Listener;
use std::path::Path;
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

/// Which API runs next: the heaviest waiting one that fits beside those running (a weight over
/// the whole budget waits until nothing else runs, then runs alone). Heaviest first, so the
/// largest contracts do not start last and run on one core at the end; and a worker whose next
/// API does not fit takes a lighter one rather than wait.
pub struct Scheduler {
    state: Mutex<Pending>,
    freed: Condvar,
    capacity: u64,
}

struct Pending {
    /// (weight, index), heaviest last (taken from the end).
    waiting: Vec<(u64, usize)>,
    used: u64,
}

/// An API taken from a [`Scheduler`]; its weight is given back when dropped.
pub struct Slot<'s> {
    scheduler: &'s Scheduler,
    weight: u64,
    pub index: usize,
}

impl Scheduler {
    pub fn new(weights: &[u64], capacity: u64) -> Scheduler {
        let mut waiting: Vec<(u64, usize)> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| ((*w).min(capacity), i))
            .collect();
        // Heaviest last; equal weights in index order.
        waiting.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        Scheduler {
            state: Mutex::new(Pending { waiting, used: 0 }),
            freed: Condvar::new(),
            capacity,
        }
    }

    /// The next API to run, waiting until one fits; `None` when every API has been taken.
    pub fn next(&self) -> Option<Slot<'_>> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            let room = self.capacity.saturating_sub(state.used);
            let fits = state
                .waiting
                .iter()
                .rposition(|(w, _)| state.used == 0 || *w <= room);
            if let Some(at) = fits {
                let (weight, index) = state.waiting.remove(at);
                state.used += weight;
                return Some(Slot {
                    scheduler: self,
                    weight,
                    index,
                });
            }
            if state.waiting.is_empty() {
                return None;
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut state = self
            .scheduler
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.used -= self.weight;
        self.scheduler.freed.notify_all();
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

/// Run `job(i, listener)` for every API (`weights[i]` its weight in the budget `capacity`) on
/// `workers` threads, as the [`Scheduler`] picks them, the caller's thread delivering progress
/// to `listener`; results in index order.
pub fn run_all<T: Send>(
    weights: &[u64],
    capacity: u64,
    workers: usize,
    listener: &mut dyn Listener,
    job: impl Fn(usize, &mut dyn Listener) -> T + Sync,
) -> Vec<T> {
    let scheduler = Scheduler::new(weights, capacity);
    let results: Vec<Mutex<Option<T>>> = weights.iter().map(|_| Mutex::new(None)).collect();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let sender = sender.clone();
            let (scheduler, results, job) = (&scheduler, &results, &job);
            scope.spawn(move || {
                let mut forward = Forward(sender);
                while let Some(slot) = scheduler.next() {
                    let out = job(slot.index, &mut forward);
                    if let Ok(mut result) = results[slot.index].lock() {
                        *result = Some(out);
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
    use std::sync::atomic::{AtomicBool, Ordering};

    // Heaviest first; a lighter API that fits runs beside a heavy one rather than waiting
    // behind another heavy one; one over the whole budget runs alone rather than never.
    #[test]
    fn the_scheduler_takes_the_heaviest_api_that_fits() {
        let s = Scheduler::new(&[1, 8, 6, 1, 30], 10);
        let huge = s.next().map(|t| t.index);
        assert_eq!(huge, Some(4), "30 is clamped to the budget and runs first");
        let eight = s.next();
        assert_eq!(eight.as_ref().map(|t| t.index), Some(1));
        // 6 does not fit beside 8: the light ones are taken, in index order.
        let one = s.next();
        assert_eq!(one.as_ref().map(|t| t.index), Some(0));
        let other = s.next();
        assert_eq!(other.as_ref().map(|t| t.index), Some(3));
        let six_ran = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let six = s.next();
                assert_eq!(six.as_ref().map(|t| t.index), Some(2));
                six_ran.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(
                !six_ran.load(Ordering::SeqCst),
                "6 does not fit beside 8 + 1 + 1"
            );
            drop(eight);
        });
        assert!(six_ran.load(Ordering::SeqCst));
        assert!(s.next().is_none());
    }

    #[test]
    fn results_come_back_in_index_order() {
        struct Quiet;
        impl Listener for Quiet {}
        let weights: Vec<u64> = (0..50).map(|i| i % 7).collect();
        let out = run_all(&weights, 10, 4, &mut Quiet, |i, _| i * 2);
        assert_eq!(out, (0..50).map(|i| i * 2).collect::<Vec<_>>());
    }
}
