//! Snapshot files: `<dir>/<api>/<operationId>.json`, pretty, sorted keys, small; a pending change
//! is `<operationId>.json.new` beside it. Every write is atomic (temp file + rename), so a run
//! killed at any moment leaves each file either old or new, never partial.

use super::Snapshot;
use crate::fsutil::write_atomic;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A snapshot folder.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
}

/// A file name for an operation id (ids are usually safe; anything else becomes `_`).
pub fn file_stem(operation_id: &str) -> String {
    operation_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    /// Remove the temp files a killed run left in an API's folder.
    pub fn remove_stale_temp_files(&self, api: &str) -> usize {
        crate::fsutil::remove_stale_temp_files(&self.root.join(file_stem(api)))
    }

    pub fn path(&self, api: &str, operation_id: &str) -> PathBuf {
        self.root
            .join(file_stem(api))
            .join(format!("{}.json", file_stem(operation_id)))
    }

    pub fn pending_path(&self, api: &str, operation_id: &str) -> PathBuf {
        let mut p = self.path(api, operation_id).into_os_string();
        p.push(".new");
        PathBuf::from(p)
    }

    /// The stored snapshot; `Ok(None)` when there is none; `Err` when the file is unreadable.
    pub fn read(&self, api: &str, operation_id: &str) -> Result<Option<Snapshot>, String> {
        read_file(&self.path(api, operation_id))
    }

    pub fn write(&self, snapshot: &Snapshot) -> std::io::Result<()> {
        write_atomic(
            &self.path(&snapshot.api, &snapshot.operation.id),
            snapshot.to_pretty().as_bytes(),
        )?;
        let pending = self.pending_path(&snapshot.api, &snapshot.operation.id);
        match std::fs::remove_file(pending) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub fn write_pending(&self, snapshot: &Snapshot) -> std::io::Result<()> {
        write_atomic(
            &self.pending_path(&snapshot.api, &snapshot.operation.id),
            snapshot.to_pretty().as_bytes(),
        )
    }

    /// Every pending `.json.new` file, sorted.
    pub fn pending(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let Ok(apis) = std::fs::read_dir(&self.root) else {
            return out;
        };
        for api in apis.flatten() {
            let Ok(files) = std::fs::read_dir(api.path()) else {
                continue;
            };
            for f in files.flatten() {
                if f.path().to_string_lossy().ends_with(".json.new") {
                    out.push(f.path());
                }
            }
        }
        out.sort();
        out
    }

    /// Append one line to `<api>/history.jsonl` (a single `write` of a whole line, `O_APPEND`).
    pub fn append_history(&self, api: &str, line: &str) -> std::io::Result<()> {
        let dir = self.root.join(file_stem(api));
        std::fs::create_dir_all(&dir)?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("history.jsonl"))?;
        let mut text = line.replace('\n', " ");
        text.push('\n');
        f.write_all(text.as_bytes())
    }
}

pub fn read_file(path: &Path) -> Result<Option<Snapshot>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    Snapshot::parse(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Accept a pending file: it replaces the stored snapshot.
pub fn accept(pending: &Path) -> std::io::Result<()> {
    let target = PathBuf::from(pending.to_string_lossy().trim_end_matches(".new"));
    std::fs::rename(pending, target)
}

/// Reject a pending file: it is deleted.
pub fn reject(pending: &Path) -> std::io::Result<()> {
    std::fs::remove_file(pending)
}
