//! Benchmark: load + compile time and peak memory for the Fitbit Plus contract and the largest
//! contract of the APIs.guru corpus. `cargo bench --bench load` (corpus: `DRIFT_CORPUS` or
//! `~/.cache/drift-corpus/apis-guru/api`, fetched by `../shared/corpus/fetch-apis-guru.sh`).
//!
//! Each contract is measured in a child process so its peak memory (VmHWM) is its own.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        if let Some(file) = args.get(i + 1) {
            measure(Path::new(file));
        }
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut targets: Vec<PathBuf> = Vec::new();
    let fitbit = root.join("../shared/corpus/fitbit-plus/swagger.yaml");
    if fitbit.exists() {
        targets.push(fitbit);
    } else {
        println!(
            "SKIPPED: Fitbit Plus contract not found at {}",
            fitbit.display()
        );
    }
    let corpus = std::env::var_os("DRIFT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/drift-corpus/apis-guru/api")
        });
    match largest(&corpus) {
        Some(p) => targets.push(p),
        None => println!(
            "SKIPPED: no corpus at {} (run ../shared/corpus/fetch-apis-guru.sh)",
            corpus.display()
        ),
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    for t in targets {
        let out = Command::new(&exe).arg("--one").arg(&t).output();
        match out {
            Ok(o) => print!("{}", String::from_utf8_lossy(&o.stdout)),
            Err(e) => println!("{}: cannot run: {e}", t.display()),
        }
    }
}

fn measure(file: &Path) {
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let runs = if size > 5_000_000 { 3 } else { 15 };
    let mut load = Vec::new();
    let mut compile = Vec::new();
    let mut schemas = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let contract = match drift::spec::load(file) {
            Ok(c) => c,
            Err(e) => return println!("{}: {e}", file.display()),
        };
        load.push(t.elapsed());
        let t = Instant::now();
        contract.schemas().prepare(contract.response_schemas());
        compile.push(t.elapsed());
        schemas = contract.schemas().compiled_count();
    }
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "{} ({:.1} MB): load {:.1?}, compile {schemas} response schemas {:.1?} (median of {runs}); peak memory {peak}",
        file.display(),
        size as f64 / 1e6,
        median(&mut load),
        median(&mut compile),
    );
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn largest(dir: &Path) -> Option<PathBuf> {
    let mut best: Option<(u64, PathBuf)> = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(m) = e.metadata() {
                if best.as_ref().is_none_or(|(s, _)| m.len() > *s) {
                    best = Some((m.len(), p));
                }
            }
        }
    }
    best.map(|(_, p)| p)
}
