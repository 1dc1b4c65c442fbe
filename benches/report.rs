//! Benchmark: `drift report` on a large history — 100 APIs × 30 nightly runs × 50 operations,
//! with drift events opening and resolving. `cargo bench --bench report`. Prints the time to read
//! the history and render the HTML page (median of 5) and the page's size; with
//! `DRIFT_REPORT_OUT=FILE` the page is kept.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use drift::history::History;
use drift::model::history::{Entry, Fingerprint, Operations};
use drift::model::{Severity, Summary};
use std::time::{Duration, Instant};

const APIS: usize = 100;
const NIGHTS: usize = 30;
const OPERATIONS: usize = 50;

fn fixture(history: &History) {
    for a in 0..APIS {
        for n in 0..NIGHTS {
            let checked: Vec<String> = (0..OPERATIONS).map(|o| format!("op{o}")).collect();
            // Every fifth API drifts from night 10 to night 20 on three operations.
            let findings: Vec<Fingerprint> = if a % 5 == 0 && (10..20).contains(&n) {
                (0..3)
                    .map(|o| Fingerprint {
                        id: format!("{a:03}-{o}"),
                        operation: Some(format!("op{o}")),
                        kind: drift::model::Kind::SnapshotRemoved.into(),
                        pointer: "/data/*/nickname".into(),
                        severity: Severity::Breaking,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let entry = Entry {
                version: 1,
                time: format!("2026-11-{:02}T02:00:00Z", n + 1),
                api: format!("api-{a:03}"),
                spec: format!("specs/api-{a:03}.yaml"),
                spec_hash: if n < 15 { "h1".into() } else { "h2".into() },
                spec_version: Some("1.0".into()),
                spec_title: Some(format!("API {a}")),
                target: format!("https://api-{a:03}.example.com"),
                evidence: drift::model::history::Evidence::LiveCredentials,
                operations: Operations {
                    total: OPERATIONS,
                    checked: OPERATIONS,
                    skipped: 0,
                    passing: OPERATIONS - findings.len(),
                },
                counts: Summary {
                    breaking: findings.len(),
                    ..Summary::default()
                },
                unreachable: n == 25 && a % 7 == 0,
                auth_failed: false,
                error: None,
                checked: checked.into_iter().map(Into::into).collect(),
                findings: findings.into_iter().map(std::sync::Arc::new).collect(),
                report: None,
                spec_change: None,
            };
            if let Err(e) = history.append(&entry) {
                panic!("cannot write the fixture: {e}");
            }
        }
    }
}

fn main() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let history = History::new(dir.path());
    let t = Instant::now();
    fixture(&history);
    println!(
        "fixture: {APIS} APIs × {NIGHTS} runs × {OPERATIONS} operations written in {:.0?}",
        t.elapsed()
    );
    let mut times: Vec<Duration> = Vec::new();
    let mut size = 0;
    let mut last = String::new();
    for _ in 0..5 {
        let t = Instant::now();
        let timeline = match history.timeline() {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        let page = drift::report::html::render(&timeline, "2026-12-01T00:00:00Z");
        times.push(t.elapsed());
        size = page.len();
        last = page;
    }
    // DRIFT_REPORT_OUT=page.html keeps the page (to time a browser opening it).
    if let Some(out) = std::env::var_os("DRIFT_REPORT_OUT") {
        if let Err(e) = std::fs::write(&out, &last) {
            panic!("{e}");
        }
    }
    times.sort();
    println!(
        "drift report (read the history + render HTML): median {:.1?} (min {:.1?}, max {:.1?}); page {:.0} KB",
        times[2],
        times[0],
        times[4],
        size as f64 / 1024.0
    );
}
