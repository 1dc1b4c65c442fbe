//! Stage 5b, `snapshot`: shape snapshots — quiet on live data, loud on drift.
//!
//! A snapshot stores what a client depends on: the status, the content type and the **shape** of
//! the body (see [`shape`]), plus values only at pinned pointers; `volatile` pointers are removed
//! first. Values of data are expected to change; shapes are not. [`compare`] is pure; [`store`]
//! does the (atomic) file work.

pub mod diff;
pub mod evidence;
mod file;
pub mod ledger;
mod printed;
pub mod review;
pub mod select;
pub mod shape;
pub mod store;
pub mod view;

use crate::model::Kind;
use crate::model::Severity;
use diff::Change;
use evidence::{Evidence, Observation};
use select::Selector;
use serde_json::{json, Map, Value};
use shape::Shape;
use std::collections::BTreeMap;

/// Version 2 added `evidence`; version 3 keeps a stored snapshot's evidence in its API's
/// evidence file ([`ledger`]), and only a pending file holds its own. Version 1 files are read as
/// one run; version 2 files keep the evidence inside until the next run learns.
pub const SNAPSHOT_VERSION: u64 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotOperation {
    pub id: String,
    pub method: String,
    pub path: String,
}

/// One stored response.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub api: String,
    pub operation: SnapshotOperation,
    /// `GET /pub/patient/5816…?page[size]=2`: the request, without credentials.
    pub request: String,
    pub spec_hash: String,
    pub drift_version: String,
    pub status: u16,
    /// The media type essence, without parameters.
    pub content_type: Option<String>,
    /// `None` when the response has no JSON body.
    pub shape: Option<Shape>,
    pub pinned: BTreeMap<String, Value>,
    /// What the runs this snapshot learned from saw.
    pub evidence: Evidence,
    /// Why a pending change is pending (the findings that stopped it from being learned); empty
    /// in a stored snapshot.
    pub reasons: Vec<String>,
}

/// What to ignore and what to hold fixed.
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    pub volatile: Vec<Selector>,
    pub pin: Vec<Selector>,
}

impl Selectors {
    pub fn parse(volatile: &[String], pin: &[String]) -> Result<Selectors, select::SelectorError> {
        Ok(Selectors {
            volatile: volatile
                .iter()
                .map(|s| Selector::parse(s))
                .collect::<Result<_, _>>()?,
            pin: pin
                .iter()
                .map(|s| Selector::parse(s))
                .collect::<Result<_, _>>()?,
        })
    }
}

impl Snapshot {
    /// Pass every pinned value through `redact` (a credential echoed in a body must not be
    /// written to a file reviewed in git). A value that changes is replaced by its redacted text.
    pub fn redact_pinned(&mut self, redact: impl Fn(&str) -> String) {
        for value in self.pinned.values_mut() {
            let text = value.to_string();
            if redact(&text) != text {
                *value = match value {
                    Value::String(s) => Value::String(redact(s)),
                    _ => Value::String("***".into()),
                };
            }
        }
    }
}

/// One response as a snapshot, with what it shows as evidence.
#[derive(Debug, Clone)]
pub struct Captured {
    pub snapshot: Snapshot,
    pub observation: Observation,
}

/// The response being captured.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: Option<&'a Value>,
}

/// How a response is read into a snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    /// What to ignore and what to hold fixed.
    pub selectors: &'a Selectors,
    /// What the contract declares for the body.
    pub view: &'a view::SchemaView,
    /// When it was observed (RFC 3339).
    pub time: &'a str,
}

/// Build the snapshot of one response.
pub fn capture(
    api: &str,
    operation: SnapshotOperation,
    request: String,
    spec_hash: &str,
    response: Response<'_>,
    reading: Reading<'_>,
) -> Captured {
    let Reading {
        selectors,
        view,
        time,
    } = reading;
    let (shape, pinned, observation) = match response.body {
        Some(b) => {
            let pinned = select::pinned(b, &selectors.pin);
            let mut b = std::borrow::Cow::Borrowed(b);
            if !selectors.volatile.is_empty() {
                select::strip(b.to_mut(), &selectors.volatile);
            }
            let observation = Observation::of(&b, view);
            (Some(Shape::read(&b, view)), pinned, observation)
        }
        None => (None, BTreeMap::new(), Observation::default()),
    };
    let snapshot = Snapshot {
        api: api.to_string(),
        operation,
        request,
        spec_hash: spec_hash.to_string(),
        drift_version: env!("CARGO_PKG_VERSION").to_string(),
        status: response.status,
        content_type: response.content_type.map(crate::spec::media::essence),
        shape,
        pinned,
        evidence: Evidence::first(&observation, time),
        reasons: Vec::new(),
    };
    Captured {
        snapshot,
        observation,
    }
}

impl Snapshot {
    /// The stored snapshot after one more run: the shapes merged (what was seen on either side;
    /// keys seen on one side only become optional), the evidence grown by the run's observation,
    /// the metadata of the run.
    /// The stored snapshot, its shape unchanged, with this run's evidence added to every key but
    /// those at or below `held` (the places of this run's pending changes): learning never waits
    /// for a review of something else.
    pub fn with_evidence(&self, current: &Captured, time: &str, held: &[String]) -> Snapshot {
        let mut out = self.clone();
        out.evidence.add_except(&current.observation, time, held);
        out
    }

    pub fn learn(self, current: &Captured, view: &view::SchemaView, time: &str) -> Snapshot {
        let now = &current.snapshot;
        let shape = match (self.shape, &now.shape) {
            (Some(old), Some(new)) => Some(old.through(view).merge(new.clone())),
            (old, new) => new.clone().or(old),
        };
        let mut evidence = self.evidence;
        evidence.add(&current.observation, time);
        // The run's metadata; its own shape and evidence were read into the ones above.
        Snapshot {
            api: now.api.clone(),
            operation: now.operation.clone(),
            request: now.request.clone(),
            spec_hash: now.spec_hash.clone(),
            drift_version: now.drift_version.clone(),
            status: now.status,
            content_type: now.content_type.clone(),
            shape,
            pinned: now.pinned.clone(),
            evidence,
            reasons: Vec::new(),
        }
    }
}

/// What changed from the stored snapshot to the current one. Metadata (spec hash, version, the
/// request's parameter values) is not drift.
pub fn compare(stored: &Snapshot, current: &Snapshot) -> Vec<Change> {
    compare_with(stored, current, None, None)
}

/// [`compare`], reading the bodies through what the contract declares for this response and
/// weighing a vanished key by the stored evidence against what this run observed.
pub fn compare_with(
    stored: &Snapshot,
    current: &Snapshot,
    view: Option<&view::SchemaView>,
    tonight: Option<&Observation>,
) -> Vec<Change> {
    let mut out = Vec::new();
    if stored.status != current.status {
        out.push(Change {
            kind: Kind::StatusChanged,
            severity: Severity::Breaking,
            pointer: String::new(),
            expected: Some(stored.status.to_string()),
            actual: Some(current.status.to_string()),
            message: format!("status was {}, now {}", stored.status, current.status),
        });
        return out; // a different response: its body is not comparable
    }
    if stored.content_type != current.content_type {
        let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "none".into());
        out.push(Change {
            kind: Kind::ContentTypeChanged,
            severity: Severity::Breaking,
            pointer: String::new(),
            expected: Some(show(&stored.content_type)),
            actual: Some(show(&current.content_type)),
            message: format!(
                "content type was {}, now {}",
                show(&stored.content_type),
                show(&current.content_type)
            ),
        });
    }
    match (&stored.shape, &current.shape) {
        (Some(old), Some(new)) => {
            out.extend(match view {
                Some(v) => diff::diff_learned(old, new, v, Some(&stored.evidence), tonight),
                None => diff::diff(old, new),
            });
            diff::renames(&mut out);
        }
        (Some(old), None) => out.push(Change {
            kind: Kind::SnapshotRemoved,
            severity: Severity::Breaking,
            pointer: String::new(),
            expected: Some(old.describe()),
            actual: Some("no JSON body".into()),
            message: "the JSON body is gone".into(),
        }),
        _ => {}
    }
    for (pointer, old) in &stored.pinned {
        let now = current.pinned.get(pointer);
        if now != Some(old) {
            let actual = now.map_or_else(|| "missing".to_string(), Value::to_string);
            out.push(Change {
                kind: Kind::SnapshotValueChanged,
                severity: Severity::Breaking,
                pointer: pointer.clone(),
                expected: Some(old.to_string()),
                actual: Some(actual.clone()),
                message: format!("pinned value at {pointer} was {old}, now {actual}"),
            });
        }
    }
    out
}

impl Snapshot {
    /// The parts that matter for drift (not metadata).
    pub fn same_content(&self, other: &Snapshot) -> bool {
        self.status == other.status
            && self.content_type == other.content_type
            && self.shape == other.shape
            && self.pinned == other.pinned
    }

    pub fn to_json(&self) -> Value {
        let mut value = self.document(true);
        if let Some(map) = value.as_object_mut() {
            map.insert("evidence".into(), self.evidence.to_json());
        }
        sort_keys(value)
    }

    /// The file form but the evidence, keys in the order written here (the printer sorts them);
    /// without `shape`, the shape's place holds `null` (its writer prints it).
    fn document(&self, shape: bool) -> Value {
        let pinned: Map<String, Value> = self
            .pinned
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        json!({
            "drift_snapshot": SNAPSHOT_VERSION,
            "api": self.api,
            "operation": {"id": self.operation.id, "method": self.operation.method, "path": self.operation.path},
            "request": self.request,
            "spec_hash": self.spec_hash,
            "drift_version": self.drift_version,
            "status": self.status,
            "content_type": self.content_type,
            "shape": self.shape.as_ref().filter(|_| shape).map(Shape::to_json),
            "pinned": pinned,
            "pending_because": (!self.reasons.is_empty()).then_some(&self.reasons),
        })
    }

    /// Pretty JSON with sorted keys and a final newline: small, reviewable diffs. Small objects
    /// (a leaf shape, the evidence of one key) stay on one line. The form of a pending file,
    /// which holds its evidence.
    pub fn to_pretty(&self) -> String {
        self.pretty(true)
    }

    /// [`Snapshot::to_pretty`] without the evidence: the form of a stored snapshot, whose
    /// evidence is in its API's evidence file.
    pub fn stored_pretty(&self) -> String {
        self.pretty(false)
    }

    fn pretty(&self, with_evidence: bool) -> String {
        let mut value = self.document(false);
        let Some(map) = value.as_object_mut() else {
            return String::new();
        };
        map.retain(|k, v| k != "pending_because" || !v.is_null());
        // The evidence (most of the file) and the shape are written straight from their types.
        if with_evidence {
            map.insert("evidence".into(), Value::Null);
        }
        let entries = crate::text::sorted_entries(map);
        let mut out = String::with_capacity(4096);
        out.push_str("{\n");
        for (i, (k, v)) in entries.iter().enumerate() {
            out.push_str("  ");
            crate::text::push_json_string(&mut out, k);
            out.push_str(": ");
            if *k == "evidence" {
                self.evidence.write_pretty(1, &mut out);
            } else if let ("shape", Some(shape)) = (k.as_str(), &self.shape) {
                printed::write_pretty(shape, 1, &mut out);
            } else {
                crate::text::pretty_into(v, 1, &mut out);
            }
            out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
        }
        out.push_str("}\n");
        out
    }

    /// [`Snapshot::to_pretty`] without the evidence and the pending reasons: what a reviewer
    /// compares.
    pub fn content_pretty(&self) -> String {
        let mut value = self.document(true);
        if let Some(map) = value.as_object_mut() {
            map.remove("pending_because");
        }
        let mut s = crate::text::pretty_json(&value);
        s.push('\n');
        s
    }

    pub fn parse(text: &str) -> Result<Snapshot, String> {
        match file::read(text) {
            Some(snapshot) => Ok(snapshot),
            None => Snapshot::parse_lenient(text),
        }
    }

    /// Any version this build reads, through a document tree: unknown field types fall back to
    /// defaults where that is safe, and errors say what is wrong.
    fn parse_lenient(text: &str) -> Result<Snapshot, String> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| format!("not a snapshot file: {e}"))?;
        let version = v.get("drift_snapshot").and_then(Value::as_u64);
        if !matches!(version, Some(1..=SNAPSHOT_VERSION)) {
            return Err(format!(
                "not a drift snapshot (versions 1 to {SNAPSHOT_VERSION} are read)"
            ));
        }
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let op = v.get("operation").cloned().unwrap_or_default();
        let os = |k: &str| {
            op.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let shape = match v.get("shape") {
            None | Some(Value::Null) => None,
            Some(sh) => Some(Shape::from_json(sh).ok_or("the `shape` is not a valid shape")?),
        };
        let evidence = match (version, v.get("evidence")) {
            (Some(1), _) => shape
                .as_ref()
                .map(|sh| Evidence::from_v1(sh, ""))
                .unwrap_or_default(),
            (_, Some(e)) => Evidence::from_json(e).ok_or("the `evidence` is not valid evidence")?,
            (_, None) => Evidence::default(),
        };
        let reasons = v
            .get("pending_because")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Snapshot {
            evidence,
            reasons,
            api: s("api"),
            operation: SnapshotOperation {
                id: os("id"),
                method: os("method"),
                path: os("path"),
            },
            request: s("request"),
            spec_hash: s("spec_hash"),
            drift_version: s("drift_version"),
            status: v
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or("no `status`")?,
            content_type: v
                .get("content_type")
                .and_then(Value::as_str)
                .map(String::from),
            shape,
            pinned: v
                .get("pinned")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        })
    }
}

/// A snapshot of `api`'s `GET /op` with no body: its request, runs of evidence and reasons.
#[cfg(test)]
pub(crate) fn bare(request: &str, runs: u32, reasons: Vec<String>) -> Snapshot {
    Snapshot {
        api: "api".into(),
        operation: SnapshotOperation {
            id: "op".into(),
            method: "GET".into(),
            path: "/op".into(),
        },
        request: request.into(),
        spec_hash: String::new(),
        drift_version: String::new(),
        status: 200,
        content_type: None,
        shape: None,
        pinned: BTreeMap::new(),
        evidence: Evidence {
            runs,
            ..Evidence::default()
        },
        reasons,
    }
}

/// Recursively sort object keys (the document model keeps insertion order).
pub fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// A short, stable hash of a file's bytes (FNV-1a, 64 bits), to tell which contract a snapshot saw.
pub use crate::text::content_hash;

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(status: u16, body: Value, sel: &Selectors) -> Snapshot {
        let op = SnapshotOperation {
            id: "op".into(),
            method: "GET".into(),
            path: "/x".into(),
        };
        let response = Response {
            status,
            content_type: Some("application/json; charset=utf-8"),
            body: Some(&body),
        };
        let view = view::SchemaView::undeclared();
        capture(
            "api",
            op,
            "GET /x".into(),
            "h",
            response,
            Reading {
                selectors: sel,
                view: &view,
                time: "2026-11-01T02:00:00Z",
            },
        )
        .snapshot
    }

    #[test]
    fn round_trips_through_its_file_form() {
        let sel = Selectors::parse(&[], &["/kind".into()]).unwrap_or_default();
        let s = snap(
            200,
            json!({"kind": "a", "items": [{"n": 1}, {"n": 2, "o": "x"}]}),
            &sel,
        );
        assert_eq!(Snapshot::parse(&s.to_pretty()), Ok(s.clone()));
        assert_eq!(s.content_type.as_deref(), Some("application/json"));
    }

    /// A snapshot whose evidence has a key with many kinds of value (too wide for one line), a
    /// pinned value and pending reasons.
    fn rich() -> Snapshot {
        let sel = Selectors::parse(&[], &["/kind".into()]).unwrap_or_default();
        let mut s = snap(
            200,
            json!({"kind": {"b": 1, "a": [2]}, "items": [{"n": 1}, {"n": 2, "o": "x\u{1}\"é"}]}),
            &sel,
        );
        let wide = s.evidence.keys.entry("/items/*/n".into()).or_default();
        for t in [
            "array", "boolean", "integer", "null", "number", "object", "string",
        ] {
            wide.types.insert(format!("{t}-{}", "x".repeat(20)), 3);
        }
        s.reasons = vec!["a \"finding\"".into()];
        s
    }

    #[test]
    fn the_file_writer_matches_the_general_pretty_printer() {
        let plain = Selectors::default();
        for (i, s) in [
            rich(),
            snap(200, json!([]), &plain),
            snap(204, Value::Null, &plain),
        ]
        .into_iter()
        .enumerate()
        {
            let text = s.to_pretty();
            let mut general = s.to_json();
            if let Some(map) = general.as_object_mut() {
                map.retain(|k, v| k != "pending_because" || !v.is_null());
            }
            assert_eq!(text, format!("{}\n", crate::text::pretty_json(&general)));
            assert_eq!(
                i == 0,
                text.contains("\"types\": {\n"),
                "a wide entry spans lines: {text}"
            );
            assert_eq!(Snapshot::parse(&text), Ok(s.clone()));
        }
    }

    #[test]
    fn both_readers_read_a_file_alike() {
        let text = rich().to_pretty();
        assert_eq!(
            file::read(&text).map(Ok),
            Some(Snapshot::parse_lenient(&text))
        );
        // What the typed reader declines, the lenient one still reads.
        let big = text.replacen("\"runs\": 1", "\"runs\": 99999999999", 1);
        assert!(file::read(&big).is_none());
        assert!(Snapshot::parse(&big).is_ok());
        let v1 = json!({"drift_snapshot": 1, "status": 200, "shape": {"object": {"a": "string"}}});
        assert!(file::read(&v1.to_string()).is_none());
        assert_eq!(
            Snapshot::parse(&v1.to_string()).map(|s| s.evidence.keys.len()),
            Ok(1)
        );
    }

    #[test]
    fn status_content_type_and_pins() {
        let sel = Selectors::parse(&["/meta/*".into()], &["/kind".into()]).unwrap_or_default();
        let a = snap(200, json!({"kind": "a", "meta": {"req": "1"}}), &sel);
        let b = snap(
            200,
            json!({"kind": "b", "meta": {"req": "2", "new": true}}),
            &sel,
        );
        let kinds: Vec<_> = compare(&a, &b)
            .into_iter()
            .map(|c| (c.kind.id(), c.pointer))
            .collect();
        assert_eq!(
            kinds,
            vec![("snapshot.value-changed", "/kind".to_string())],
            "volatile keys are ignored, pinned values compared"
        );
        let c = snap(404, json!({}), &sel);
        assert_eq!(
            compare(&a, &c)
                .into_iter()
                .map(|c| c.kind.id())
                .collect::<Vec<_>>(),
            vec!["status.changed"]
        );
    }
}
