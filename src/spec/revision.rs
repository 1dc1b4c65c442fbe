//! Contracts at a git revision (`origin/main:specs/x.yaml`, for `drift diff`): the YAML and JSON
//! files of the contract's folder at that revision, so split contracts keep their `$ref`s. Each
//! file is streamed from `git cat-file --batch` to disk, never held in memory; other files, links
//! and files over the size cap are left out (the contract itself over the cap is an error naming
//! it).

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Extract `rev:file` and the contract files beside it under `scratch`; returns the contract.
pub fn extract(rev: &str, file: &str, scratch: &Path, max_bytes: usize) -> Result<PathBuf, String> {
    if rev.starts_with('-') || file.starts_with('-') {
        return Err(format!("{rev}:{file}: not a git revision and path"));
    }
    let wanted = contract_files(rev, file, max_bytes)?;
    if !wanted.iter().any(|(_, p)| p == Path::new(file)) {
        return Err(format!("{rev}:{file}: no such file at that revision"));
    }
    stream_blobs(&wanted, scratch).map_err(|e| format!("{rev}:{file}: {e}"))?;
    Ok(scratch.join(file))
}

/// The YAML/JSON blobs of the contract's folder at `rev`: (object id, path).
fn contract_files(
    rev: &str,
    file: &str,
    max_bytes: usize,
) -> Result<Vec<(String, PathBuf)>, String> {
    let dir = Path::new(file)
        .parent()
        .map(|d| d.to_string_lossy().into_owned())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| ".".to_string());
    let listing = Command::new("git")
        // Paths are the repository's, from its root, as `git show REV:PATH` reads them.
        .args(["ls-tree", "-r", "-l", "-z", "--full-tree", rev, "--", &dir])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !listing.status.success() {
        return Err(format!(
            "{rev}:{file}: git ls-tree failed: {}",
            String::from_utf8_lossy(&listing.stderr).trim()
        ));
    }
    let mut wanted = Vec::new();
    // `<mode> blob <object> <size>\t<path>`, NUL-terminated.
    for entry in listing.stdout.split(|b| *b == 0) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let meta: Vec<&str> = meta.split_whitespace().collect();
        let [mode, "blob", object, size] = meta[..] else {
            continue;
        };
        let relative = Path::new(path);
        let spec_like = relative
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"));
        let plain = relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !matches!(mode, "100644" | "100755") || !spec_like || !plain {
            continue;
        }
        let size: u64 = size.parse().unwrap_or(u64::MAX);
        if size > max_bytes as u64 {
            if relative == Path::new(file) {
                return Err(format!("{rev}:{file}: the contract is {size} bytes, over the cap of {max_bytes} bytes (raise it with --max-spec-bytes)"));
            }
            continue;
        }
        wanted.push((object.to_string(), relative.to_path_buf()));
    }
    Ok(wanted)
}

/// Write each blob to its path under `scratch`, streamed.
fn stream_blobs(wanted: &[(String, PathBuf)], scratch: &Path) -> std::io::Result<()> {
    let mut git = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let (Some(mut stdin), Some(stdout)) = (git.stdin.take(), git.stdout.take()) else {
        return Err(std::io::Error::other("cannot talk to git cat-file"));
    };
    let objects: String = wanted.iter().map(|(o, _)| format!("{o}\n")).collect();
    // Fed from a thread: git answers while it reads, and a full pipe would block both.
    let feeder = std::thread::spawn(move || stdin.write_all(objects.as_bytes()));
    let mut reader = std::io::BufReader::new(stdout);
    let result = (|| {
        for (_, relative) in wanted {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let size: u64 = header
                .split_whitespace()
                .nth(2)
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| {
                    std::io::Error::other(format!("git cat-file answered {header:?}"))
                })?;
            let target = scratch.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut out = std::fs::File::create(&target)?;
            std::io::copy(&mut (&mut reader).take(size), &mut out)?;
            reader.read_line(&mut String::new())?;
        }
        Ok(())
    })();
    drop(reader);
    let _ = feeder.join();
    let _ = git.wait();
    result
}
