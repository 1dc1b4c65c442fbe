//! Snapshot files: `<dir>/<api>/<operationId>.json`, pretty, sorted keys, small; a pending change
//! is `<operationId>.json.new` beside it; the evidence of every operation of an API is one file
//! beside them ([`super::ledger`]). Every write is atomic (temp file + rename), so a run
//! killed at any moment leaves each file either old or new, never partial.

use super::ledger::Ledger;
use super::Snapshot;
use crate::fsutil::write_atomic;
use std::path::{Path, PathBuf};

/// A snapshot folder.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
    /// A staging store's writes, in order, put in place together by [`Store::commit`]: a run
    /// interrupted before then changes no snapshot.
    staged: Option<std::sync::Arc<std::sync::Mutex<Vec<Staged>>>>,
}

/// A write held back until the run's end.
#[derive(Debug)]
enum Staged {
    /// A temp file to rename over its file, and whether a file is there to replace.
    Put {
        tmp: PathBuf,
        path: PathBuf,
        replacing: bool,
    },
    /// A pending file the new stored snapshot replaces.
    Remove(PathBuf),
}

/// A file name for an API name or an operation id. Letters, digits, `_`, `-` and inner `.` stay
/// as they are; every other byte (and a leading `.`) is written `%XX`. The mapping is one-to-one,
/// so `dup/a` and `dup_a` get different files, and no name (`..`, `a/../../b`) can leave its folder.
/// A name longer than file systems allow (Microsoft Graph's operation ids reach 300 bytes) keeps
/// its first 150 bytes and a hash of the whole.
pub fn file_stem(name: &str) -> String {
    let stem = encoded(name);
    if stem.len() <= MAX_STEM {
        return stem;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut cut = 150;
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}~{hash:016x}", &stem[..cut])
}

/// The longest file stem kept whole (255-byte file names, less `.json.new` and a temp suffix).
const MAX_STEM: usize = 200;

fn encoded(name: &str) -> String {
    if name.is_empty() {
        return "%".to_string();
    }
    let mut out = String::with_capacity(name.len());
    for (i, b) in name.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-') || (b == b'.' && i > 0);
        if plain {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store {
            root: root.into(),
            staged: None,
        }
    }

    /// A store whose writes wait for [`Store::commit`]: all of a run's snapshots change, or none.
    pub fn staging(root: impl Into<PathBuf>) -> Store {
        Store {
            staged: Some(std::sync::Arc::default()),
            ..Store::new(root)
        }
    }

    /// Put every staged write in place, in the order made; returns how many files changed.
    pub fn commit(&self) -> std::io::Result<usize> {
        let Some(staged) = &self.staged else {
            return Ok(0);
        };
        let ops = std::mem::take(&mut *staged.lock().unwrap_or_else(|e| e.into_inner()));
        let count = ops.len();
        let replacing: Vec<PathBuf> = ops
            .iter()
            .filter_map(|op| match op {
                Staged::Put {
                    tmp,
                    replacing: true,
                    ..
                } => Some(tmp.clone()),
                _ => None,
            })
            .collect();
        crate::fsutil::flush_staged(&replacing)?;
        for op in ops {
            match op {
                Staged::Put { tmp, path, .. } => crate::fsutil::commit_staged(&tmp, &path)?,
                Staged::Remove(path) => match std::fs::remove_file(path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                },
            }
        }
        Ok(count)
    }

    fn stage(&self, op: Staged) {
        if let Some(staged) = &self.staged {
            staged.lock().unwrap_or_else(|e| e.into_inner()).push(op);
        }
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

    /// The stored snapshot with its evidence from the API's `ledger`; `Ok(None)` when there is
    /// none; `Err` when a file is unreadable. A file written before evidence had its own file
    /// keeps its evidence inside until the ledger has a line for it.
    pub fn read(
        &self,
        api: &str,
        operation_id: &str,
        ledger: &Ledger,
    ) -> Result<Option<Snapshot>, String> {
        let Some(mut snapshot) = read_file(&self.path(api, operation_id))? else {
            return Ok(None);
        };
        if let Some(evidence) = ledger.get(operation_id)? {
            snapshot.evidence = evidence;
        }
        Ok(Some(snapshot))
    }

    /// Write a file of the folder atomically, never through a symbolic link (snapshots come
    /// from git, where a link may point anywhere).
    fn write_file(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        self.write_file_by(path, |w| w.write_all(bytes))
    }

    /// [`Store::write_file`], the bytes made by `write` as it goes.
    pub(super) fn write_file_by(
        &self,
        path: &Path,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        crate::fsutil::refuse_links_below(&self.root, path)?;
        if self.staged.is_some() {
            let (tmp, replacing) = crate::fsutil::stage_unflushed_by(path, write)?;
            self.stage(Staged::Put {
                tmp,
                path: path.to_path_buf(),
                replacing,
            });
            return Ok(());
        }
        crate::fsutil::write_atomic_by(path, write)
    }

    /// Store a snapshot: its evidence goes to the API's `ledger`, the rest to its file, which
    /// is rewritten only when that changes (most nights, only the evidence grows).
    pub fn write(&self, snapshot: &Snapshot, ledger: &Ledger) -> std::io::Result<()> {
        ledger.put(&snapshot.operation.id, &snapshot.evidence)?;
        let path = self.path(&snapshot.api, &snapshot.operation.id);
        let text = snapshot.stored_pretty();
        if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            self.write_file(&path, text.as_bytes())?;
        }
        let pending = self.pending_path(&snapshot.api, &snapshot.operation.id);
        if self.staged.is_some() {
            if std::fs::symlink_metadata(&pending).is_ok() {
                self.stage(Staged::Remove(pending));
            }
            return Ok(());
        }
        match std::fs::remove_file(pending) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub fn write_pending(&self, snapshot: &Snapshot) -> std::io::Result<()> {
        self.write_file(
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

/// The stored snapshot at `path`, with its evidence from its folder's evidence file.
pub fn read_stored(path: &Path) -> Result<Option<Snapshot>, String> {
    let Some(mut snapshot) = read_file(path)? else {
        return Ok(None);
    };
    let ledger = Ledger::in_folder(path.parent().unwrap_or(Path::new(".")));
    if let Some(evidence) = ledger.get(&snapshot.operation.id)? {
        snapshot.evidence = evidence;
    }
    Ok(Some(snapshot))
}

/// Accepting pending files: each replaces its stored snapshot, evidence and all, without the
/// reasons it was pending for. The evidence of an API's accepted files is written once, when
/// the next file is of another API or at [`Accepting::finish`]; only then are those pending
/// files removed, so an accept cut short leaves them pending.
#[derive(Default)]
pub struct Accepting {
    ledger: Option<Ledger>,
    accepted: Vec<PathBuf>,
}

impl Accepting {
    pub fn accept(&mut self, pending: &Path) -> std::io::Result<()> {
        let dir = pending.parent().unwrap_or(Path::new("."));
        if self.ledger.as_ref().and_then(|l| l.path().parent()) != Some(dir) {
            self.finish()?;
            self.ledger = Some(Ledger::in_folder(dir));
        }
        let target = PathBuf::from(pending.to_string_lossy().trim_end_matches(".new"));
        let text = std::fs::read_to_string(pending)?;
        let mut snapshot = Snapshot::parse(&text).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", pending.display()),
            )
        })?;
        snapshot.reasons.clear();
        if let Some(ledger) = &self.ledger {
            ledger.put(&snapshot.operation.id, &snapshot.evidence)?;
        }
        write_atomic(&target, snapshot.stored_pretty().as_bytes())?;
        self.accepted.push(pending.to_path_buf());
        Ok(())
    }

    /// Write the evidence of the files accepted so far and remove them.
    pub fn finish(&mut self) -> std::io::Result<()> {
        if let Some(ledger) = self.ledger.take() {
            ledger.finish()?;
        }
        for pending in self.accepted.drain(..) {
            std::fs::remove_file(pending)?;
        }
        Ok(())
    }
}

/// Reject a pending file: it is deleted.
pub fn reject(pending: &Path) -> std::io::Result<()> {
    std::fs::remove_file(pending)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(runs: u32, request: &str) -> Snapshot {
        crate::snapshot::bare(request, runs, vec!["breaking snapshot.removed: /a".into()])
    }

    // Snapshots used to hold their own evidence. A folder written so keeps it until a run
    // learns; an accepted change puts its evidence in the API's evidence file, not the snapshot.
    #[test]
    fn accepted_evidence_goes_to_the_evidence_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let stored = dir.path().join("api/op.json");
        let pending = dir.path().join("api/op.json.new");
        let old = snapshot(5, "old").to_pretty().replace(
            &format!("\"drift_snapshot\": {}", crate::snapshot::SNAPSHOT_VERSION),
            "\"drift_snapshot\": 2",
        );
        write_atomic(&stored, old.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let runs = |p: &Path| read_stored(p).ok().flatten().map(|s| s.evidence.runs);
        assert_eq!(runs(&stored), Some(5));
        write_atomic(&pending, snapshot(6, "new").to_pretty().as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut accepting = Accepting::default();
        accepting.accept(&pending).unwrap_or_else(|e| panic!("{e}"));
        assert!(pending.exists(), "pending until its evidence is written");
        accepting.finish().unwrap_or_else(|e| panic!("{e}"));
        assert!(!pending.exists());
        let text = std::fs::read_to_string(&stored).unwrap_or_default();
        assert!(
            !text.contains("evidence") && !text.contains("pending_because"),
            "{text}"
        );
        assert!(text.contains("\"request\": \"new\""), "{text}");
        assert_eq!(runs(&stored), Some(6));
        let ledger = Ledger::in_folder(&dir.path().join("api"));
        let read = Store::new(dir.path()).read("api", "op", &ledger);
        assert_eq!(read.map(|s| s.map(|s| s.evidence.runs)), Ok(Some(6)));
    }

    // An API named `..` wrote outside the snapshot folder; `dup/a` and `dup_a` shared one file.
    #[test]
    fn file_names_are_safe_and_distinct() {
        let names = [
            "..",
            ".",
            "",
            "dup/a",
            "dup_a",
            "dup%2Fa",
            "a/../../b",
            "fetchPatient",
            "v1.2",
        ];
        let stems: Vec<String> = names.iter().map(|n| file_stem(n)).collect();
        for stem in &stems {
            assert!(
                !stem.contains('/') && !stem.starts_with('.') && !stem.is_empty(),
                "{stem}"
            );
        }
        let distinct: std::collections::HashSet<&String> = stems.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{stems:?}");
        assert_eq!(file_stem("fetchPatient"), "fetchPatient");
        let long = "identityGovernance.entitlementManagement.".repeat(8);
        let (a, b) = (
            file_stem(&format!("{long}Get")),
            file_stem(&format!("{long}List")),
        );
        assert!(a.len() < 180 && a != b, "{a} {b}");
        assert_eq!(file_stem("v1.2"), "v1.2");
        let store = Store::new("/snaps");
        assert!(store.path("..", "x").starts_with("/snaps"));
        assert_eq!(
            store.path("..", "x"),
            std::path::Path::new("/snaps/%2E./x.json")
        );
    }
}
