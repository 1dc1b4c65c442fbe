//! Run history: what each `drift check` found, kept where the user asks (`--history DIR` or
//! drift.yaml `history:`), so the nightly report can draw a drift timeline.
//!
//! Layout of the folder (format version 1; fields are only ever added):
//!
//! ```text
//! DIR/<api>/runs.jsonl         one line per run of the API (an [`Entry`], `crate::model::history`)
//! DIR/reports/<run>.json       the full JSON report of each run (`.json.gz` when over 64 KiB)
//! ```
//!
//! A line is appended with a single write to a file opened for appending, so a run killed
//! mid-write leaves at most a torn last line; readers skip it with a warning, never fail on it.

use crate::model::history::{Entry, Fingerprint};
use crate::model::timeline::{ApiTimeline, Timeline};
use crate::model::{CheckReport, Finding};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reports larger than this are stored gzip-compressed.
pub const COMPRESS_ABOVE: usize = 64 * 1024;

/// A writer that hashes and counts what goes through it (see [`History::save_report_of`]).
struct Hashing<W> {
    hash: crate::text::ContentHash,
    len: usize,
    userinfo: crate::text::UserinfoScan,
    inner: W,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.userinfo.update(&buf[..n]);
        self.len += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A history folder.
#[derive(Debug, Clone)]
pub struct History {
    pub root: PathBuf,
}

/// What reading a history found besides its entries.
#[derive(Debug, Default)]
pub struct Read {
    pub entries: Vec<Entry>,
    /// Lines that did not parse (a torn last line of a killed run), with their file and line.
    pub warnings: Vec<String>,
}

impl History {
    pub fn new(root: impl Into<PathBuf>) -> History {
        History { root: root.into() }
    }

    fn runs_file(&self, api: &str) -> PathBuf {
        self.root
            .join(crate::snapshot::store::file_stem(api))
            .join("runs.jsonl")
    }

    /// Store the run's full report; returns its file name under `reports/`.
    pub fn save_report(&self, report: &CheckReport, text: &str) -> std::io::Result<String> {
        let stamp: String = report
            .started_at
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let id = &crate::text::content_hash(text.as_bytes())[..8];
        let dir = self.root.join("reports");
        if text.len() > COMPRESS_ABOVE {
            let name = format!("{stamp}-{id}.json.gz");
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(text.as_bytes())?;
            self.write(&dir.join(&name), &enc.finish()?)?;
            Ok(name)
        } else {
            let name = format!("{stamp}-{id}.json");
            self.write(&dir.join(&name), text.as_bytes())?;
            Ok(name)
        }
    }

    /// [`History::save_report`] of the report as drift serializes it, any `user:password@` of a
    /// URL removed, without holding its text: serialized once into the compressor, the hash
    /// that names it taken as it goes (a corpus run's report is a hundred megabytes of text).
    /// A small report is stored plain, as before.
    pub fn save_report_of(&self, report: &CheckReport) -> std::io::Result<String> {
        let mut out = std::io::BufWriter::with_capacity(
            64 * 1024,
            Hashing {
                hash: crate::text::ContentHash::default(),
                len: 0,
                userinfo: crate::text::UserinfoScan::default(),
                inner: flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()),
            },
        );
        serde_json::to_writer(&mut out, report)?;
        let hashing = out.into_inner().map_err(|e| e.into_error())?;
        // Small, or a URL in it holds `user:password@`: stored from its text, stripped.
        if hashing.len <= COMPRESS_ABOVE || hashing.userinfo.found {
            let text = serde_json::to_string(report)?;
            return self.save_report(report, &crate::text::strip_userinfo(&text));
        }
        let stamp: String = report
            .started_at
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let hash = hashing.hash.hex();
        let name = format!("{stamp}-{}.json.gz", &hash[..8]);
        let bytes = hashing.inner.finish()?;
        self.write(&self.root.join("reports").join(&name), &bytes)?;
        Ok(name)
    }

    /// Write a file of the folder atomically, never through a symbolic link (a history cloned
    /// from a branch may hold links that point anywhere).
    fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        crate::fsutil::refuse_links_below(&self.root, path)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::fsutil::refuse_links_below(&self.root, path)?;
        crate::fsutil::write_atomic(path, bytes)
    }

    /// A stored report, parsed as it is decompressed (its text is never held whole); at most
    /// [`crate::limits::MAX_REPORT_BYTES`] of JSON are read, however small the compressed file.
    pub fn load_report(&self, name: &str) -> std::io::Result<CheckReport> {
        self.read_report(name, crate::model::report::read_check_report_from)
    }

    /// The findings of a report of the folder, the rest of it skipped.
    pub fn load_findings(&self, name: &str) -> std::io::Result<Vec<Finding>> {
        self.read_report(name, crate::model::report::read_findings_from)
    }

    fn read_report<T>(
        &self,
        name: &str,
        read: impl FnOnce(
            crate::fsutil::Capped<Box<dyn std::io::Read>>,
        ) -> Result<T, crate::model::report::ReadError>,
    ) -> std::io::Result<T> {
        if name.contains('/') || name.contains('\\') || name.starts_with('.') {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("not a report file name: {name:?}"),
            ));
        }
        let path = self.root.join("reports").join(name);
        refuse_link(&path)?;
        let file = std::io::BufReader::new(std::fs::File::open(&path)?);
        let cap = crate::limits::MAX_REPORT_BYTES;
        let what = format!("{} (uncompressed)", path.display());
        let json: Box<dyn std::io::Read> = if name.ends_with(".gz") {
            Box::new(flate2::read::GzDecoder::new(file))
        } else {
            Box::new(file)
        };
        read(crate::fsutil::Capped::new(json, cap, what))
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
    }

    /// Keep a copy of a single-file contract, content-addressed (`<api>/specs/<hash>.<ext>`), so
    /// a later run can diff against it.
    pub fn keep_spec(&self, api: &str, hash: &str, source: &Path) -> std::io::Result<()> {
        let ext = source
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| matches!(*e, "json" | "yaml" | "yml"))
            .unwrap_or("yaml");
        let dir = self
            .root
            .join(crate::snapshot::store::file_stem(api))
            .join("specs");
        let path = dir.join(format!("{}.{ext}", crate::snapshot::store::file_stem(hash)));
        crate::fsutil::refuse_links_below(&self.root, &path)?;
        if path.exists() {
            return Ok(());
        }
        self.write(&path, &std::fs::read(source)?)
    }

    /// The kept copy of a contract version, if there is one.
    pub fn spec_copy(&self, api: &str, hash: &str) -> Option<PathBuf> {
        let dir = self
            .root
            .join(crate::snapshot::store::file_stem(api))
            .join("specs");
        let stem = crate::snapshot::store::file_stem(hash);
        ["json", "yaml", "yml"]
            .iter()
            .map(|ext| dir.join(format!("{stem}.{ext}")))
            .find(|p| p.is_file())
    }

    /// Append one entry (a single write of a whole line, `O_APPEND`).
    pub fn append(&self, entry: &Entry) -> std::io::Result<()> {
        let path = self.runs_file(&entry.api);
        crate::fsutil::refuse_links_below(&self.root, &path)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::fsutil::refuse_links_below(&self.root, &path)?;
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        // A torn line from a killed run before this one must not swallow this line.
        if f.metadata()?.len() > 0 && !ends_with_newline(&path)? {
            line.insert(0, '\n');
        }
        f.write_all(line.as_bytes())
    }

    /// The entries of one API, oldest first.
    pub fn read(&self, api: &str) -> std::io::Result<Read> {
        read_file(&self.runs_file(api), &mut Shared::default())
    }

    /// The spec hash of the API's latest entry that has one. Read from the end of its file: a
    /// history of many runs of a large contract (megabytes a line) is not parsed whole for it.
    pub fn last_spec_hash(&self, api: &str) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct Hash {
            #[serde(default)]
            spec_hash: String,
        }
        let found = |line: &[u8]| {
            serde_json::from_slice::<Hash>(line)
                .ok()
                .map(|h| h.spec_hash)
                .filter(|h| !h.is_empty())
        };
        let path = self.runs_file(api);
        refuse_link(&path).ok()?;
        let mut lines = LinesBackward::open(&path).ok()?;
        while let Some(line) = lines.next_line() {
            if let Some(hash) = found(&line) {
                return Some(hash);
            }
        }
        None
    }

    /// Every API with a history, sorted, and their entries.
    pub fn read_all(&self) -> std::io::Result<Vec<(String, Read)>> {
        let mut out = Vec::new();
        let mut shared = Shared::default();
        let dir = match std::fs::read_dir(&self.root) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e),
        };
        for entry in dir.flatten() {
            // A linked folder may point anywhere: only the history's own folders are read.
            if entry.file_type().is_ok_and(|t| t.is_symlink()) {
                continue;
            }
            let runs = entry.path().join("runs.jsonl");
            if !runs.is_file() {
                continue;
            }
            let read = read_file(&runs, &mut shared)?;
            let name = read
                .entries
                .first()
                .map(|e| e.api.clone())
                .unwrap_or_else(|| entry.file_name().to_string_lossy().into_owned());
            out.push((name, read));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

/// The timeline of the history in `dir`, which must exist (`drift report`).
pub fn timeline_in(dir: &std::path::Path) -> anyhow::Result<Timeline> {
    use anyhow::Context;
    if !dir.is_dir() {
        anyhow::bail!(
            "{}: no such history folder (record runs with `drift check --history {}`)",
            dir.display(),
            dir.display()
        );
    }
    History::new(dir)
        .timeline()
        .with_context(|| format!("cannot read the history in {}", dir.display()))
}

/// A stored report's findings by API, or why it could not be read.
type ReportFindings = Result<std::collections::HashMap<String, Vec<Finding>>, String>;

impl History {
    /// The timeline of the folder: entries, events, and each API's latest report.
    pub fn timeline(&self) -> std::io::Result<Timeline> {
        let history = self;
        let mut apis = Vec::new();
        let mut warnings = Vec::new();
        // The APIs of one run share its report: each report is read once, its findings split
        // by API, and each API takes its own.
        let mut reports: std::collections::HashMap<String, ReportFindings> =
            std::collections::HashMap::new();
        for (name, read) in history.read_all()? {
            let mut entries = read.entries;
            entries.sort_by(|a, b| a.time.cmp(&b.time));
            let events = crate::model::events::events(&entries);
            let current = match entries.last().and_then(|e| e.report.as_deref()) {
                Some(file) => {
                    let findings = reports
                        .entry(file.to_string())
                        .or_insert_with(|| match history.load_findings(file) {
                            Ok(findings) => {
                                let mut by_api: std::collections::HashMap<String, Vec<Finding>> =
                                    std::collections::HashMap::new();
                                for f in findings {
                                    by_api.entry(f.api.clone()).or_default().push(f);
                                }
                                Ok(by_api)
                            }
                            Err(e) => Err(e.to_string()),
                        });
                    match findings {
                        Ok(by_api) => by_api.remove(&name).unwrap_or_default(),
                        Err(e) => {
                            warnings.push(format!("{name}: cannot read the report {file}: {e}"));
                            Vec::new()
                        }
                    }
                }
                None => Vec::new(),
            };
            apis.push(ApiTimeline {
                name,
                entries,
                events,
                current,
                warnings: read.warnings,
            });
        }
        Ok(Timeline { apis, warnings })
    }
}

/// The lines of a file, last first, read in chunks from its end; lines longer than
/// [`crate::limits::MAX_HISTORY_LINE_BYTES`] are skipped, and at most
/// [`LinesBackward::BUDGET`] bytes are read in all.
struct LinesBackward {
    file: std::fs::File,
    /// Where the bytes not yet read end.
    pos: u64,
    /// Read bytes not yet given out, in file order: the front may be a partial line.
    held: Vec<u8>,
    /// Inside a line too long to keep: its bytes are dropped up to its start.
    skipping: bool,
    read: u64,
}

impl LinesBackward {
    const CHUNK: u64 = 1 << 20;
    const BUDGET: u64 = 256 << 20;

    fn open(path: &Path) -> std::io::Result<LinesBackward> {
        let file = std::fs::File::open(path)?;
        let pos = file.metadata()?.len();
        Ok(LinesBackward {
            file,
            pos,
            held: Vec::new(),
            skipping: false,
            read: 0,
        })
    }

    fn next_line(&mut self) -> Option<Vec<u8>> {
        use std::io::{Read as _, Seek, SeekFrom};
        loop {
            // A whole line: after the last newline of what is held (a final newline aside).
            while self.held.last() == Some(&b'\n') {
                self.held.pop();
            }
            if let Some(nl) = self.held.iter().rposition(|b| *b == b'\n') {
                let line = self.held.split_off(nl + 1);
                self.held.pop();
                if std::mem::take(&mut self.skipping) || line.is_empty() {
                    continue;
                }
                return Some(line);
            }
            if self.pos == 0 || self.read >= Self::BUDGET {
                let line = std::mem::take(&mut self.held);
                return (!line.is_empty() && !self.skipping && self.pos == 0).then_some(line);
            }
            let take = Self::CHUNK.min(self.pos);
            self.pos -= take;
            self.read += take;
            let mut chunk = vec![0; usize::try_from(take).ok()?];
            self.file.seek(SeekFrom::Start(self.pos)).ok()?;
            self.file.read_exact(&mut chunk).ok()?;
            if self.held.len() > crate::limits::MAX_HISTORY_LINE_BYTES {
                self.held.clear();
                self.skipping = true;
            }
            chunk.append(&mut self.held);
            self.held = chunk;
        }
    }
}

fn ends_with_newline(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read as _, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    if f.seek(SeekFrom::End(-1)).is_err() {
        return Ok(true);
    }
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// A file of the folder that is a symbolic link is not read: it may point anywhere.
fn refuse_link(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} is a symbolic link: drift reads a history only from its own files",
                path.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// The entries of a `runs.jsonl`, read line by line: memory holds one line (at most
/// [`crate::limits::MAX_HISTORY_LINE_BYTES`]; a longer one is skipped with a warning) and the
/// entries read.
fn read_file(path: &Path, shared: &mut Shared) -> std::io::Result<Read> {
    use std::io::BufRead;
    let mut read = Read::default();
    if let Err(e) = refuse_link(path) {
        read.warnings.push(e.to_string());
        return Ok(read);
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(read),
        Err(e) => return Err(e),
    };
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let cap = crate::limits::MAX_HISTORY_LINE_BYTES;
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        number += 1;
        let (ended, too_long) = read_line_capped(&mut reader, &mut line, cap)?;
        if too_long {
            read.warnings.push(format!(
                "{}:{number}: skipped a line longer than {cap} bytes",
                path.display()
            ));
        } else if !line.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice::<Entry>(&line) {
                Ok(e) => read.entries.push(shared.entry(e)),
                Err(e) => read.warnings.push(format!(
                    "{}:{number}: skipped a line that is not a history entry (a run killed while writing?): {e}",
                    path.display()
                )),
            }
        }
        if ended {
            return Ok(read);
        }
        if reader.fill_buf()?.is_empty() {
            return Ok(read);
        }
    }
}

/// The operation ids and finding fingerprints of the entries read so far, each held once: a
/// night repeats most of the last one's, and thirty nights of a corpus would otherwise hold
/// millions of copies (`drift report`'s memory grew by 30 MB a night).
#[derive(Default)]
struct Shared {
    operations: std::collections::HashSet<Arc<str>>,
    fingerprints: std::collections::HashSet<Arc<Fingerprint>>,
}

impl Shared {
    fn entry(&mut self, mut entry: Entry) -> Entry {
        for op in &mut entry.checked {
            match self.operations.get(op) {
                Some(held) => *op = held.clone(),
                None => {
                    self.operations.insert(op.clone());
                }
            }
        }
        for f in &mut entry.findings {
            match self.fingerprints.get(f) {
                Some(held) => *f = held.clone(),
                None => {
                    self.fingerprints.insert(f.clone());
                }
            }
        }
        entry
    }
}

/// Read one line into `line` without its newline, keeping at most `cap` bytes: returns (the
/// input ended, the line was longer than `cap` and was dropped).
fn read_line_capped(
    reader: &mut impl std::io::BufRead,
    line: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<(bool, bool)> {
    let mut too_long = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((true, too_long));
        }
        let (chunk, newline) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..i], Some(i)),
            None => (buf, None),
        };
        if !too_long && line.len() + chunk.len() <= cap {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        let used = newline.map_or(chunk.len(), |i| i + 1);
        reader.consume(used);
        if newline.is_some() {
            return Ok((false, too_long));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::history::Operations;
    use crate::model::Summary;

    fn entry(time: &str) -> Entry {
        Entry {
            version: 1,
            time: time.into(),
            api: "a".into(),
            spec: "a.yaml".into(),
            spec_hash: "h".into(),
            spec_version: Some("1".into()),
            spec_title: None,
            target: "mock".into(),
            evidence: crate::model::history::Evidence::Spec,
            operations: Operations {
                total: 1,
                checked: 1,
                skipped: 0,
                passing: 1,
            },
            counts: Summary::default(),
            unreachable: false,
            auth_failed: false,
            error: None,
            checked: vec!["op".into()],
            findings: Vec::new(),
            report: None,
            spec_change: None,
        }
    }

    // A run killed mid-write leaves a torn last line: skipped with a warning, and the next run's
    // line is still read.
    #[test]
    fn a_torn_last_line_is_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let h = History::new(dir.path());
        h.append(&entry("2026-11-01T02:00:00Z"))
            .unwrap_or_else(|e| panic!("{e}"));
        let runs = dir.path().join("a/runs.jsonl");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&runs)
            .unwrap_or_else(|e| panic!("{e}"));
        f.write_all(br#"{"version":1,"time":"2026-11-02T0"#)
            .unwrap_or_else(|e| panic!("{e}"));
        let read = h.read("a").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.entries.len(), 1);
        assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
        assert!(
            read.warnings[0].contains("runs.jsonl:2"),
            "{:?}",
            read.warnings
        );
        h.append(&entry("2026-11-03T02:00:00Z"))
            .unwrap_or_else(|e| panic!("{e}"));
        let read = h.read("a").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.entries.len(), 2);
        assert_eq!(read.entries[1].time, "2026-11-03T02:00:00Z");
    }

    // The previous run's spec hash is read from the end of the file: across lines longer than a
    // read, past a run without a hash and a torn line, and the same as reading it whole.
    #[test]
    fn the_last_spec_hash_is_read_from_the_end() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let h = History::new(dir.path());
        assert_eq!(h.last_spec_hash("a"), None, "no history yet");
        let with = |hash: &str, ops: usize| {
            let mut e = entry("2026-11-01T02:00:00Z");
            e.spec_hash = hash.into();
            e.checked = (0..ops)
                .map(|i| Arc::from(format!("operation{i:08}")))
                .collect();
            e
        };
        let long = (LinesBackward::CHUNK as usize) / 10;
        for e in [with("first", 3), with("second", long), with("", long)] {
            h.append(&e).unwrap_or_else(|e| panic!("{e}"));
        }
        let runs = dir.path().join("a/runs.jsonl");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&runs)
            .unwrap_or_else(|e| panic!("{e}"));
        f.write_all(br#"{"version":1,"spec_hash":"torn"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.last_spec_hash("a").as_deref(), Some("second"));
        let whole = h.read("a").unwrap_or_else(|e| panic!("{e}"));
        let last = whole.entries.iter().rev().find(|e| !e.spec_hash.is_empty());
        assert_eq!(last.map(|e| e.spec_hash.as_str()), Some("second"));
        h.append(&with("third", 1))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.last_spec_hash("a").as_deref(), Some("third"));
    }

    #[test]
    fn reports_round_trip_compressed_or_not() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let h = History::new(dir.path());
        let small = CheckReport::new("2026-11-01T02:00:00Z".into(), 1, vec![], vec![], vec![]);
        let mut large = small.clone();
        large.started_at = format!("2026-11-01T02:00:00Z{}", " ".repeat(COMPRESS_ABOVE));
        for report in [small, large] {
            let text = serde_json::to_string(&report).unwrap_or_default();
            let name = h
                .save_report(&report, &text)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(name.ends_with(".gz"), text.len() > COMPRESS_ABOVE);
            assert_eq!(h.load_report(&name).ok(), Some(report));
        }
        // Not a report: an error, not a panic.
        let name = h
            .save_report(
                &CheckReport::new("x".into(), 1, vec![], vec![], vec![]),
                "[1, 2]",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(h.load_report(&name).is_err());
        assert!(h.load_report("../x").is_err());
    }

    // Saved as it is serialized, a report is the file saved from its text: the same name, the
    // same report read back, a URL's `user:password@` removed in both.
    #[test]
    fn a_report_saved_as_serialized_is_the_one_saved_from_its_text() {
        let small = CheckReport::new("2026-11-01T02:00:00Z".into(), 1, vec![], vec![], vec![]);
        let mut large = small.clone();
        large.started_at = format!("2026-11-01T02:00:00Z{}", " ".repeat(COMPRESS_ABOVE));
        let mut userinfo = large.clone();
        userinfo
            .started_at
            .push_str("https://bob:pw@api.example.com/v1");
        for report in [small, large, userinfo] {
            let (a, b) = (tempfile::tempdir(), tempfile::tempdir());
            let (a, b) = match (a, b) {
                (Ok(a), Ok(b)) => (a, b),
                _ => panic!("no temp dir"),
            };
            let (by_text, streamed) = (History::new(a.path()), History::new(b.path()));
            let text = serde_json::to_string(&report).unwrap_or_default();
            let text = crate::text::strip_userinfo(&text);
            let name = by_text
                .save_report(&report, &text)
                .unwrap_or_else(|e| panic!("{e}"));
            let same = streamed
                .save_report_of(&report)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(name, same);
            let read = streamed
                .load_report(&same)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(by_text.load_report(&name).ok(), Some(read.clone()));
            assert!(!read.started_at.contains("bob:pw"), "{}", read.started_at);
        }
    }
}
