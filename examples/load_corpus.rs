//! Load every contract under a folder and compile every response schema; report failures by reason.
//!
//! `cargo run --release --example load_corpus -- DIR [--jobs N] [--timeout-secs S]`
//!
//! Each failure is one line `FAIL <file>: <reason>`. Exit status 1 when any spec panicked or hung
//! (a load error is an expected outcome for a broken spec, not a failure of drift).
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use drift::spec::{self, SpecError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

struct Outcome {
    file: PathBuf,
    elapsed: Duration,
    result: Result<(usize, usize, Vec<String>), String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: load_corpus DIR [--jobs N] [--timeout-secs S]");
        std::process::exit(2);
    };
    let flag = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let jobs = flag("--jobs", 2) as usize;
    let timeout = Duration::from_secs(flag("--timeout-secs", 120));
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let total = files.len();
    std::panic::set_hook(Box::new(|_| {})); // panics are counted, not printed mid-run
    let started = Instant::now();
    let queue = Arc::new(Mutex::new(files));
    let (tx, rx) = mpsc::channel::<Outcome>();
    let in_flight: Arc<Mutex<BTreeMap<usize, (PathBuf, Instant)>>> = Arc::default();
    let next_id = Arc::new(AtomicUsize::new(0));
    for _ in 0..jobs {
        let (queue, tx, in_flight, next_id) = (
            queue.clone(),
            tx.clone(),
            in_flight.clone(),
            next_id.clone(),
        );
        std::thread::spawn(move || loop {
            let Some(file) = queue.lock().ok().and_then(|mut q| q.pop()) else {
                return;
            };
            let id = next_id.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut m) = in_flight.lock() {
                m.insert(id, (file.clone(), Instant::now()));
            }
            let t = Instant::now();
            let result = std::panic::catch_unwind(|| load_and_compile(&file))
                .unwrap_or_else(|p| Err(format!("PANIC: {}", panic_text(&p))));
            if let Ok(mut m) = in_flight.lock() {
                m.remove(&id);
            }
            if tx
                .send(Outcome {
                    file,
                    elapsed: t.elapsed(),
                    result,
                })
                .is_err()
            {
                return;
            }
        });
    }
    drop(tx);

    let mut done = 0;
    let (mut loaded, mut schemas, mut schema_failures) = (0usize, 0usize, 0usize);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut schema_reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut slowest: Option<(Duration, PathBuf)> = None;
    let mut panics = 0;
    let mut hangs = Vec::new();
    while done < total {
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(o) => {
                done += 1;
                if slowest.as_ref().is_none_or(|(d, _)| o.elapsed > *d) {
                    slowest = Some((o.elapsed, o.file.clone()));
                }
                match o.result {
                    Ok((_ops, compiled, failures)) => {
                        loaded += 1;
                        schemas += compiled;
                        for f in failures {
                            schema_failures += 1;
                            println!("SCHEMA {}: {f}", o.file.display());
                            *schema_reasons.entry(reason_class(&f)).or_default() += 1;
                        }
                    }
                    Err(reason) => {
                        if reason.starts_with("PANIC") {
                            panics += 1;
                        }
                        println!(
                            "FAIL {}: {}",
                            o.file.display(),
                            reason.lines().next().unwrap_or("")
                        );
                        *reasons.entry(reason_class(&reason)).or_default() += 1;
                    }
                }
                if done % 250 == 0 {
                    eprintln!("… {done}/{total} in {:.1?}", started.elapsed());
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let stuck: Vec<PathBuf> = in_flight
                    .lock()
                    .map(|m| {
                        m.values()
                            .filter(|(_, t)| t.elapsed() > timeout)
                            .map(|(f, _)| f.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                if !stuck.is_empty() {
                    hangs = stuck;
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    println!();
    println!(
        "loaded {loaded} / {total} specs in {:.1?} ({jobs} threads)",
        started.elapsed()
    );
    println!("response schemas compiled: {schemas}, failed to compile: {schema_failures}");
    if let Some((d, f)) = &slowest {
        println!("slowest: {} in {d:.2?}", f.display());
    }
    println!("peak memory (VmHWM): {}", peak_memory());
    println!("load failures by reason:");
    for (r, n) in &reasons {
        println!("  {n:>5}  {r}");
    }
    println!("schema compile failures by reason:");
    for (r, n) in &schema_reasons {
        println!("  {n:>5}  {r}");
    }
    println!("panics: {panics}, hangs: {}", hangs.len());
    for h in &hangs {
        println!("HANG {}", h.display());
    }
    if panics > 0 || !hangs.is_empty() {
        std::process::exit(1);
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "json" || x == "yaml" || x == "yml")
        {
            out.push(p);
        }
    }
}

/// Load, then compile every response schema. Returns (operations, schemas compiled, failures).
fn load_and_compile(file: &Path) -> Result<(usize, usize, Vec<String>), String> {
    let contract = spec::load(file).map_err(|e| describe(&e))?;
    contract.schemas().prepare(contract.response_schemas());
    let mut failures = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for op in &contract.operations {
        for r in &op.responses {
            for m in &r.content {
                if let Some(s) = &m.schema {
                    if seen.insert(s.clone()) {
                        if let Err(e) = contract.schemas().validator(s) {
                            failures.push(format!(
                                "{} {}: {}",
                                op.method,
                                op.path,
                                e.lines().next().unwrap_or("")
                            ));
                        }
                    }
                }
            }
        }
    }
    self_diff(file, &contract)?;
    Ok((contract.operations.len(), seen.len(), failures))
}

/// `drift diff` of the contract against itself and against its own re-serialization (JSON as
/// YAML, YAML as JSON) must find nothing.
fn self_diff(file: &Path, contract: &spec::Contract) -> Result<(), String> {
    let same = drift::diff::diff("self", contract, contract);
    if let Some(f) = same.first() {
        return Err(format!(
            "SELF-DIFF: {} finding(s) against itself, first: {} {}",
            same.len(),
            f.kind,
            f.message
        ));
    }
    let Some(root) = contract.documents.docs.first() else {
        return Ok(());
    };
    let json = file.extension().is_some_and(|e| e == "json");
    let (text, ext) = if json {
        (
            yaml_serde::to_string(&root.value)
                .map_err(|e| format!("SELF-DIFF: cannot write YAML: {e}"))?,
            "yaml",
        )
    } else {
        (
            serde_json::to_string(&root.value)
                .map_err(|e| format!("SELF-DIFF: cannot write JSON: {e}"))?,
            "json",
        )
    };
    let dir = std::env::temp_dir().join(format!(
        "drift-selfdiff-{}-{}",
        std::process::id(),
        std::thread::current().name().unwrap_or("t").len() + text.len()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let copy = dir.join(format!("copy.{ext}"));
    let result = std::fs::write(&copy, text)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            spec::load(&copy).map_err(|e| {
                format!(
                    "SELF-DIFF: the re-serialization does not load: {}",
                    describe(&e)
                )
            })
        })
        .and_then(|other| {
            let found = drift::diff::diff("self", contract, &other);
            match found.first() {
                Some(f) => Err(format!(
                    "SELF-DIFF: {} finding(s) against its re-serialization, first: {} {}",
                    found.len(),
                    f.kind,
                    f.message
                )),
                None => Ok(()),
            }
        });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn describe(e: &SpecError) -> String {
    let class = match e {
        SpecError::Io { .. } => "io",
        SpecError::Syntax { .. } => "syntax",
        SpecError::NotASpec { .. } => "not-a-spec",
        SpecError::UnsupportedVersion { .. } => "unsupported-version",
        SpecError::MissingRef { .. } => "missing-ref",
        SpecError::RefRefused { .. } => "ref-refused",
        SpecError::RefCycle { .. } => "ref-cycle",
        SpecError::Invalid { .. } => "invalid",
    };
    format!("[{class}] {e}")
}

/// A coarse class for counting: the bracketed class, or the first words of the message.
fn reason_class(reason: &str) -> String {
    if let Some(rest) = reason.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_string();
    }
    if reason.starts_with("PANIC") {
        return "panic".into();
    }
    let msg = reason.split_once(": ").map_or(reason, |(_, m)| m);
    msg.split_whitespace().take(4).collect::<Vec<_>>().join(" ")
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown".into())
}
