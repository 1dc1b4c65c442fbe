//! A snapshot file read straight into its types: the evidence, most of a file, never becomes a
//! document tree. Only the current version in its usual form is read here; anything else (a
//! version 1 file, a count past `u32`, a hand-edited field of another type) is left to the
//! lenient reader in [`super::Snapshot::parse`], which also words the errors.

use super::evidence::{Evidence, KeyEvidence};
use super::shape::Shape;
use super::{Snapshot, SnapshotOperation, SNAPSHOT_VERSION};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct File {
    drift_snapshot: u64,
    #[serde(default)]
    api: String,
    #[serde(default)]
    operation: Operation,
    #[serde(default)]
    request: String,
    #[serde(default)]
    spec_hash: String,
    #[serde(default)]
    drift_version: String,
    status: u16,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    shape: Option<Value>,
    #[serde(default)]
    pinned: BTreeMap<String, Value>,
    #[serde(default)]
    evidence: Option<EvidenceFile>,
    #[serde(default)]
    pending_because: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Operation {
    #[serde(default)]
    id: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    path: String,
}

#[derive(Deserialize)]
struct EvidenceFile {
    /// Set on a line of an API's evidence file only.
    #[serde(default)]
    operation: String,
    runs: u32,
    #[serde(default)]
    first_run: String,
    #[serde(default)]
    last_run: String,
    keys: BTreeMap<String, KeyFile>,
}

#[derive(Deserialize)]
struct KeyFile {
    runs: u32,
    present: u32,
    always: u32,
    #[serde(default)]
    items: Vec<u64>,
    #[serde(default)]
    types: BTreeMap<String, u32>,
    #[serde(default)]
    first_seen: String,
    #[serde(default)]
    last_seen: String,
}

/// The snapshot in `text` when it is a current-version file in its usual form.
pub(super) fn read(text: &str) -> Option<Snapshot> {
    let file: File = serde_json::from_str(text).ok()?;
    if !(2..=SNAPSHOT_VERSION).contains(&file.drift_snapshot) {
        return None;
    }
    let shape = match &file.shape {
        None => None,
        Some(sh) => Some(Shape::from_json(sh)?),
    };
    let evidence = file
        .evidence
        .map_or_else(Evidence::default, EvidenceFile::into_evidence);
    Some(Snapshot {
        api: file.api,
        operation: SnapshotOperation {
            id: file.operation.id,
            method: file.operation.method,
            path: file.operation.path,
        },
        request: file.request,
        spec_hash: file.spec_hash,
        drift_version: file.drift_version,
        status: file.status,
        content_type: file.content_type,
        shape,
        pinned: file.pinned,
        evidence,
        reasons: file.pending_because,
    })
}

impl EvidenceFile {
    fn into_evidence(self) -> Evidence {
        Evidence {
            runs: self.runs,
            first_run: self.first_run,
            last_run: self.last_run,
            keys: self
                .keys
                .into_iter()
                .map(|(k, f)| {
                    let item = |i: usize| f.items.get(i).copied().unwrap_or(0);
                    let key = KeyEvidence {
                        runs: f.runs,
                        present: f.present,
                        always: f.always,
                        items_with: item(0),
                        items_seen: item(1),
                        types: f.types,
                        first_seen: f.first_seen,
                        last_seen: f.last_seen,
                    };
                    (k, key)
                })
                .collect(),
        }
    }
}

/// One line of an API's evidence file: the operation's id and its evidence; an error that says
/// what is wrong with it.
pub(super) fn evidence_line(line: &[u8]) -> Result<(String, Evidence), String> {
    let mut file: EvidenceFile =
        serde_json::from_slice(line).map_err(|e| format!("not a line of evidence: {e}"))?;
    if file.operation.is_empty() {
        return Err("the line names no `operation`".into());
    }
    let operation = std::mem::take(&mut file.operation);
    Ok((operation, file.into_evidence()))
}

/// The operation a line of evidence is for, read from its start (where drift writes it) without
/// reading the rest; `None` when the line does not start that way.
pub(super) fn line_operation(line: &[u8]) -> Option<String> {
    let rest = line.strip_prefix(br#"{"operation":"#)?;
    serde_json::Deserializer::from_slice(rest)
        .into_iter::<String>()
        .next()?
        .ok()
}
