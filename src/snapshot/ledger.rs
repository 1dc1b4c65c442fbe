//! `<dir>/<api>/evidence.jsonl`: the evidence of an API's snapshots, one line per operation,
//! sorted by operation id.
//!
//! Evidence grows on every learning run while a shape seldom changes. Kept inside the snapshot
//! files, it made every night rewrite every file (58,216 over the APIs.guru corpus, a temp file
//! and a rename each); kept apart, a night rewrites one file per API, and a snapshot file only
//! when what it stores changes. The file is never read whole (Microsoft Graph's holds 160 MB):
//! one pass notes where each operation's line is, and a line is read when its operation's
//! response comes. The run's new lines wait in a scratch file beside it; at the API's end
//! [`Ledger::finish`] merges them with the old lines, in order, into the new file, which the
//! store puts in place with the run's other writes.

use super::evidence::Evidence;
use super::store::Store;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The evidence file's name in an API's folder. Snapshot files end in `.json` or `.json.new`,
/// so no operation's file can take it.
pub const FILE_NAME: &str = "evidence.jsonl";

/// The evidence file of one API, read and written during one run.
pub struct Ledger {
    store: Store,
    path: PathBuf,
    state: Mutex<State>,
}

/// Where a line is: its offset and length in a file.
#[derive(Debug, Clone, Copy)]
struct Span {
    at: u64,
    len: usize,
}

#[derive(Default)]
struct State {
    /// The stored file, indexed on first use.
    old: Option<Indexed>,
    /// The run's new lines, by operation, in the scratch file.
    new: BTreeMap<String, Span>,
    scratch: Option<(File, PathBuf, u64)>,
}

/// The stored file and where each operation's line is; or why it cannot be read.
enum Indexed {
    Absent,
    Read {
        file: File,
        at: HashMap<String, Span>,
    },
    Broken(String),
}

impl Ledger {
    /// The evidence file of `api` in `store`.
    pub fn new(store: &Store, api: &str) -> Ledger {
        let path = store
            .root
            .join(super::store::file_stem(api))
            .join(FILE_NAME);
        Ledger {
            store: store.clone(),
            path,
            state: Mutex::default(),
        }
    }

    /// The evidence file of the API folder `dir`, written at once (not staged).
    pub fn in_folder(dir: &Path) -> Ledger {
        Ledger {
            store: Store::new(dir),
            path: dir.join(FILE_NAME),
            state: Mutex::default(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The stored evidence of `operation`: `Ok(None)` when the file holds none; `Err` when the
    /// file cannot be read (which line, and what is wrong with it).
    pub fn get(&self, operation: &str) -> Result<Option<Evidence>, String> {
        let mut state = self.state();
        let old = state.old.get_or_insert_with(|| index(&self.path));
        match old {
            Indexed::Absent => Ok(None),
            Indexed::Broken(why) => Err(why.clone()),
            Indexed::Read { file, at } => {
                let Some(span) = at.get(operation).copied() else {
                    return Ok(None);
                };
                let line =
                    read_span(file, span).map_err(|e| format!("{}: {e}", self.path.display()))?;
                super::file::evidence_line(&line)
                    .map(|(_, e)| Some(e))
                    .map_err(|e| format!("{}: {e}", self.path.display()))
            }
        }
    }

    /// Record `operation`'s evidence after this run. A file that cannot be read is left as it
    /// is, for its owner to mend: nothing is recorded over it.
    pub fn put(&self, operation: &str, evidence: &Evidence) -> io::Result<()> {
        let mut state = self.state();
        let old = state.old.get_or_insert_with(|| index(&self.path));
        if let Indexed::Broken(why) = old {
            return Err(io::Error::new(io::ErrorKind::InvalidData, why.clone()));
        }
        let mut line = String::with_capacity(256);
        evidence.write_line(operation, &mut line);
        if state.scratch.is_none() {
            state.scratch = Some(self.scratch()?);
        }
        let Some((file, _, len)) = state.scratch.as_mut() else {
            return Ok(());
        };
        let span = Span {
            at: *len,
            len: line.len(),
        };
        file.write_all(line.as_bytes())?;
        *len += line.len() as u64;
        state.new.insert(operation.to_string(), span);
        Ok(())
    }

    /// A new scratch file beside the evidence file, named as a temp file of this process (so a
    /// later run removes it if this one is killed).
    fn scratch(&self) -> io::Result<(File, PathBuf, u64)> {
        crate::fsutil::refuse_links_below(&self.store.root, &self.path)?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!(".{FILE_NAME}.lines.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok((file, path, 0))
    }

    /// Write the file: every stored line, each operation recorded this run replaced by its new
    /// one, in order of operation. Nothing is written when nothing was recorded.
    pub fn finish(mut self) -> io::Result<()> {
        let state = std::mem::take(self.state.get_mut().unwrap_or_else(|e| e.into_inner()));
        let Some((mut scratch, scratch_path, _)) = state.scratch else {
            return Ok(());
        };
        let old = match state.old {
            Some(Indexed::Read { file, at }) => Some((file, at)),
            _ => None,
        };
        let written = self.merge(old, &mut scratch, &state.new);
        let _ = std::fs::remove_file(&scratch_path);
        written
    }
}

impl Ledger {
    /// Write the stored lines (`old`), each replaced by its new one in `scratch` where `new` has
    /// one, in order of operation.
    fn merge(
        &self,
        old: Option<(File, HashMap<String, Span>)>,
        scratch: &mut File,
        new: &BTreeMap<String, Span>,
    ) -> io::Result<()> {
        let (mut old_file, at) = old.unzip();
        let mut order: BTreeMap<&str, (bool, Span)> = BTreeMap::new();
        if let Some(at) = &at {
            order.extend(at.iter().map(|(op, span)| (op.as_str(), (false, *span))));
        }
        order.extend(new.iter().map(|(op, span)| (op.as_str(), (true, *span))));
        self.store.write_file_by(&self.path, |w| {
            for (is_new, span) in order.values() {
                let line = match (is_new, &mut old_file) {
                    (true, _) => read_span(scratch, *span)?,
                    (false, Some(file)) => read_span(file, *span)?,
                    (false, None) => continue,
                };
                w.write_all(&line)?;
                if !line.ends_with(b"\n") {
                    w.write_all(b"\n")?;
                }
            }
            Ok(())
        })
    }
}

/// Read `span` of `file`.
fn read_span(file: &mut File, span: Span) -> io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(span.at))?;
    let mut line = vec![0; span.len];
    file.read_exact(&mut line)?;
    Ok(line)
}

/// Where each operation's line is in the file at `path`. A later line for the same operation
/// wins (a hand merge that kept both); blank lines are skipped.
fn index(path: &Path) -> Indexed {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Indexed::Absent,
        Err(e) => return Indexed::Broken(format!("{}: {e}", path.display())),
    };
    let broken = |n: usize, why: &dyn std::fmt::Display| {
        Indexed::Broken(format!(
            "{}, line {n}: {why} (mend or delete the line; its operation's evidence starts again)",
            path.display()
        ))
    };
    let mut reader = io::BufReader::with_capacity(1 << 16, &file);
    let mut at = HashMap::new();
    let mut offset = 0u64;
    let mut line = Vec::new();
    for n in 1.. {
        line.clear();
        let read = match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) => return broken(n, &e),
        };
        let span = Span {
            at: offset,
            len: read,
        };
        offset += read as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let operation = match super::file::line_operation(&line) {
            Some(op) => op,
            None => match super::file::evidence_line(&line) {
                Ok((op, _)) => op,
                Err(why) => return broken(n, &why),
            },
        };
        at.insert(operation, span);
    }
    drop(reader);
    Indexed::Read { file, at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::evidence::KeyEvidence;

    fn evidence(runs: u32) -> Evidence {
        let mut e = Evidence {
            runs,
            first_run: "2026-12-01T00:00:00Z".into(),
            last_run: "2026-12-07T00:00:00Z".into(),
            ..Evidence::default()
        };
        e.keys.insert(
            "/data/*/\"name\"".into(),
            KeyEvidence {
                runs,
                present: runs,
                always: runs,
                items_with: 3,
                items_seen: 3,
                types: [("string".to_string(), runs)].into(),
                first_seen: "2026-12-01".into(),
                last_seen: "2026-12-07".into(),
            },
        );
        e
    }

    // A night rewrote every snapshot file because each held its own evidence; now an API's
    // evidence is one file whose lines a run replaces, keeping the lines it did not replay.
    #[test]
    fn a_run_replaces_its_lines_and_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // A line is the evidence's JSON, compact, its operation first.
        let mut line = String::new();
        evidence(2).write_line("b", &mut line);
        let mut expected = evidence(2).to_json();
        expected["operation"] = "b".into();
        let read: Option<serde_json::Value> = serde_json::from_str(&line).ok();
        assert_eq!(read, Some(expected));
        assert!(
            line.starts_with(r#"{"operation":"b","#) && !line.contains(": "),
            "{line}"
        );
        assert_eq!(line.matches('\n').count(), 1, "{line}");
        let ledger = Ledger::in_folder(dir.path());
        for (op, runs) in [("b", 1), ("a", 1), ("c", 1)] {
            ledger
                .put(op, &evidence(runs))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        ledger.finish().unwrap_or_else(|e| panic!("{e}"));
        let ledger = Ledger::in_folder(dir.path());
        assert_eq!(ledger.get("b"), Ok(Some(evidence(1))));
        ledger
            .put("b", &evidence(2))
            .unwrap_or_else(|e| panic!("{e}"));
        ledger
            .put("d", &evidence(2))
            .unwrap_or_else(|e| panic!("{e}"));
        // Reads see the stored file until the run's end.
        assert_eq!(ledger.get("b"), Ok(Some(evidence(1))));
        assert_eq!(ledger.get("none"), Ok(None));
        ledger.finish().unwrap_or_else(|e| panic!("{e}"));
        let text =
            std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap_or_else(|e| panic!("{e}"));
        let ops: Vec<String> = text
            .lines()
            .filter_map(|l| super::super::file::line_operation(l.as_bytes()))
            .collect();
        assert_eq!(ops, ["a", "b", "c", "d"]);
        let ledger = Ledger::in_folder(dir.path());
        assert_eq!(ledger.get("a"), Ok(Some(evidence(1))));
        assert_eq!(ledger.get("b"), Ok(Some(evidence(2))));
        assert_eq!(ledger.get("d"), Ok(Some(evidence(2))));
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, [FILE_NAME], "no scratch file is left behind");
    }

    // A line mangled by a hand merge is pointed at, and the file is not written over.
    #[test]
    fn a_broken_line_is_named_and_left_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut good = String::new();
        evidence(1).write_line("a", &mut good);
        let text = format!("{good}<<<<<<< HEAD\n");
        std::fs::write(dir.path().join(FILE_NAME), &text).unwrap_or_else(|e| panic!("{e}"));
        let ledger = Ledger::in_folder(dir.path());
        let why = ledger.get("a").err().unwrap_or_default();
        assert!(why.contains("evidence.jsonl, line 2"), "{why}");
        assert!(ledger.put("a", &evidence(2)).is_err());
        ledger.finish().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(FILE_NAME)).ok(),
            Some(text)
        );
    }
}
