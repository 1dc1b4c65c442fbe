//! Helpers for end-to-end tests: run the real binary, find the shared corpus.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// `exit: N`, stdout and stderr in one string, for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `drift` with `args` from the crate root, colour off.
pub fn drift(args: &[&str]) -> Run {
    drift_env(args, &[])
}

/// Run `drift` with extra environment variables.
pub fn drift_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_drift"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run drift: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A file of the shared corpus beside the project, or `None` (with a printed notice) when absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        println!(
            "SKIPPED: {} is not available (the shared corpus is not beside this checkout)",
            p.display()
        );
        None
    }
}

/// Parse stdout as JSON.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// A JSON report with its times zeroed (`started_at`, the run's, each operation's and each
/// API's `duration_ms`), for comparing runs.
pub fn timeless(mut report: serde_json::Value) -> serde_json::Value {
    report["started_at"] = "TIME".into();
    report["duration_ms"] = 0.into();
    for key in ["operations", "apis"] {
        for item in report[key].as_array_mut().into_iter().flatten() {
            if item["duration_ms"].is_number() {
                item["duration_ms"] = 0.into();
            }
        }
    }
    report
}

/// Run a shell command line inside a pseudo-terminal (`script -qec`), so stdin, stdout and stderr
/// are a real terminal. Returns the exit code and everything the terminal showed, or `None` when
/// the command was still running after `limit` (it is killed).
pub fn in_pty(command: &str, limit: std::time::Duration) -> Option<(i32, String)> {
    in_pty_typing(command, "", limit)
}

/// [`in_pty`], typing `keys` into the terminal (one at a time, a moment apart, no Enter).
#[allow(dead_code)]
pub fn in_pty_typing(
    command: &str,
    keys: &str,
    limit: std::time::Duration,
) -> Option<(i32, String)> {
    use std::io::{Read, Write};
    let mut child = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(if keys.is_empty() {
            std::process::Stdio::null()
        } else {
            std::process::Stdio::piped()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `script` (util-linux) for a pseudo-terminal: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        for key in keys.chars() {
            std::thread::sleep(std::time::Duration::from_millis(400));
            let _ = write!(stdin, "{key}");
            let _ = stdin.flush();
        }
        // Kept open: a closed input would end the terminal before the command reads it.
        std::mem::forget(stdin);
    }
    let started = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let mut text = String::new();
                if let Some(mut out) = child.stdout.take() {
                    let _ = out.read_to_string(&mut text);
                }
                return Some((status.code().unwrap_or(-1), text));
            }
            Ok(None) if started.elapsed() > limit => {
                // `script` runs the command in its own session: kill the whole group.
                let _ = Command::new("pkill")
                    .args(["-KILL", "-P", &child.id().to_string()])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => panic!("waiting for script: {e}"),
        }
    }
}

/// A Swagger 2.0 contract with `n` GET operations `/items/{i}` answering `{"id": integer}`.
pub fn many_operations_spec(n: usize) -> String {
    let mut paths = serde_json::Map::new();
    for i in 0..n {
        paths.insert(
            format!("/items{i}"),
            serde_json::json!({"get": {"operationId": format!("getItem{i}"), "produces": ["application/json"],
                "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}}),
        );
    }
    serde_json::json!({"swagger": "2.0", "info": {"title": "many", "version": "1"}, "paths": paths})
        .to_string()
}

/// What a run of drift printed, its exit code and its peak resident memory.
pub struct Peak {
    pub code: i32,
    pub kib: u64,
    pub stdout: String,
    pub stderr: String,
}

/// Run drift in `cwd` and measure its peak resident memory (`VmHWM`, read from `/proc` while it
/// runs); `None`, with a notice, where `/proc` is not available.
pub fn peak_memory(args: &[&str], cwd: &Path) -> Option<Peak> {
    use std::io::Read;
    if !Path::new("/proc/self/status").exists() {
        println!("SKIPPED: no /proc to measure memory on this system");
        return None;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_drift"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status_path = format!("/proc/{}/status", child.id());
    let mut kib = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(v) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                kib = kib.max(v);
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Some(Peak {
                code: status.code().unwrap_or(-1),
                kib,
                stdout: out.join().unwrap_or_default(),
                stderr: err.join().unwrap_or_default(),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Every file under `dir`, relative, sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
