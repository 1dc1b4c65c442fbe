//! Compare a response's shape with the stored one. Pure.
//!
//! - a key the baseline never had → `snapshot.added` (warning: undocumented, rarely breaking)
//! - a key the baseline always had, now missing from every object → `snapshot.removed`; with
//!   evidence across runs its severity grows with the runs behind it (see
//!   [`evidence::removal`]); without evidence it is breaking. A key that came and went before
//!   (occasional) may come and go silently.
//! - a different type → `snapshot.type-changed` (breaking); `null` appearing where the baseline
//!   never saw it is a warning (live data is sometimes empty); an integer where a number was seen
//!   is compatible (a whole number is a number)
//! - empty arrays say nothing about their elements, so they never drift
//!
//! Pointers use `*` for "every element of the array" and "every value of the map".

use super::evidence::{self, Evidence, Observation};
use super::shape::{Field, Shape, ValueKind, Variants};
use super::view::SchemaView;
use crate::model::Kind;
use crate::model::Severity;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: Kind,
    pub severity: Severity,
    pub pointer: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub message: String,
}

/// What a comparison reads the shapes through.
#[derive(Clone, Copy)]
struct Lens<'a> {
    view: Option<&'a SchemaView>,
    /// Runs behind each key; `None`: every key the baseline always had is relied on.
    evidence: Option<&'a Evidence>,
    /// What this run's body showed (how many objects at each place).
    tonight: Option<&'a Observation>,
    /// Below a value the contract leaves untyped inside a free-form map: user data, whose keys
    /// are data too; only the kind of the value is compared.
    data: bool,
}

impl<'a> Lens<'a> {
    fn at(self, view: Option<&'a SchemaView>) -> Lens<'a> {
        Lens { view, ..self }
    }
}

pub fn diff(old: &Shape, new: &Shape) -> Vec<Change> {
    let mut out = Vec::new();
    let lens = Lens {
        view: None,
        evidence: None,
        tonight: None,
        data: false,
    };
    walk(old, new, "", lens, &mut out);
    out
}

/// [`diff`] read through what the contract declares (see [`SchemaView`]): a declared key
/// appearing is not news,
/// `null` where the schema admits it is fine, a whole number where `number` (or nothing) is
/// declared is a number, string format classes count only where a `format` is declared, and the
/// keys of a free-form map are data — only the kinds of its values are compared, in aggregate.
pub fn diff_with_contract(old: &Shape, new: &Shape, view: &SchemaView) -> Vec<Change> {
    diff_learned(old, new, view, None, None)
}

/// [`diff_with_contract`] weighed by the evidence of past runs: a key that vanished is reported
/// only if it was always there, as loudly as the runs behind it allow.
pub fn diff_learned(
    old: &Shape,
    new: &Shape,
    view: &SchemaView,
    evidence: Option<&Evidence>,
    tonight: Option<&Observation>,
) -> Vec<Change> {
    let (old, new) = (old.clone().through(view), new.clone().through(view));
    let mut out = Vec::new();
    let lens = Lens {
        view: Some(view),
        evidence,
        tonight,
        data: false,
    };
    walk(&old, &new, "", lens, &mut out);
    out
}

/// Compare a live shape with the shape of a documented example: the same rules, reported as
/// `docs.added`, `docs.removed`, `docs.type-changed`.
pub fn diff_documented(documented: &Shape, live: &Shape) -> Vec<Change> {
    diff(documented, live)
        .into_iter()
        .map(|mut c| {
            c.kind = match c.kind {
                // An undocumented field against the docs page: the page is incomplete (warning).
                Kind::SnapshotAdded => {
                    c.severity = Kind::DocsAdded.severity();
                    Kind::DocsAdded
                }
                Kind::SnapshotRemoved => Kind::DocsRemoved,
                _ => Kind::DocsTypeChanged,
            };
            c.message = c
                .message
                .replace("the snapshot", "the documented example")
                .replace("snapshot never saw", "documented example never shows");
            c
        })
        .collect()
}

/// The type names that matter at a place: `null` apart, string classes only where a format is
/// declared, `integer` as `number` where the schema allows fractions.
fn significant(shape: &Shape, view: Option<&SchemaView>) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = shape
        .names()
        .into_iter()
        .filter(|n| *n != "null")
        .map(|n| match view {
            Some(v) if n.starts_with("string:") && !v.format => "string",
            Some(v) if n == "integer" && v.number_is_loose() => "number",
            _ => n,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn walk(old: &Shape, new: &Shape, pointer: &str, lens: Lens<'_>, out: &mut Vec<Change>) {
    // A placeholder stands for any value: nothing to compare below it.
    if old.kinds.iter().any(|k| matches!(k, ValueKind::Any)) {
        return;
    }
    let view = lens.view;
    let (old_sig, new_sig) = (significant(old, view), significant(new, view));
    // Types `oneOf`/`anyOf` branches declare side by side: moving between them is allowed.
    // A whole number is a number (GeoJSON's positions, `[102, 0]`).
    let alternative = |n: &&str| {
        let name = n.split(':').next().unwrap_or(n);
        view.is_some_and(|v| {
            v.alternatives.contains(name)
                || (name == "integer" && v.alternatives.contains("number"))
        })
    };
    let compatible = new_sig.iter().all(|n| {
        old_sig.contains(n)
            || (*n == "integer" && old_sig.contains(&"number"))
            || (alternative(n) && old_sig.iter().all(alternative))
    });
    let where_ = if pointer.is_empty() {
        "the body".to_string()
    } else {
        pointer.to_string()
    };
    if !compatible && !old_sig.is_empty() {
        out.push(Change {
            kind: Kind::SnapshotTypeChanged,
            // User data whose values were of one kind changed kind; values already of
            // several kinds gaining another is more of the same data.
            severity: if lens.data && old_sig.len() > 1 {
                Severity::Info
            } else if lens.data {
                data_severity(lens, pointer)
            } else {
                Severity::Breaking
            },
            pointer: pointer.to_string(),
            expected: Some(old.describe()),
            actual: Some(new.describe()),
            message: format!("{where_} was {}, now {}", old.describe(), new.describe()),
        });
        return;
    }
    // `null` at a paging link says there is no such page.
    let null_admitted =
        view.is_some_and(|v| v.nullable) || crate::paging::follows_the_data(pointer);
    if new.names().contains(&"null") && !old.names().contains(&"null") && !null_admitted {
        out.push(Change {
            kind: Kind::SnapshotTypeChanged,
            severity: Severity::Warning,
            pointer: pointer.to_string(),
            expected: Some(old.describe()),
            actual: Some(new.describe()),
            message: format!(
                "{where_} is null, which the snapshot never saw (was {})",
                old.describe()
            ),
        });
    }
    // User data: its keys are data, nothing below is compared.
    if lens.data {
        return;
    }
    for nk in &new.kinds {
        // Objects told apart by variant pair with their like first; a snapshot taken before
        // they were told apart pairs with them all merged.
        let like = |k: &&ValueKind| std::mem::discriminant(*k) == std::mem::discriminant(nk);
        let Some(ok) = (old.kinds.iter().find(like))
            .or_else(|| old.kinds.iter().find(|k| k.name() == nk.name()))
        else {
            continue;
        };
        match (ok, nk) {
            (ValueKind::Object(of), ValueKind::Object(nf)) => objects(of, nf, pointer, lens, out),
            (ValueKind::Variants(ov), ValueKind::Variants(nv)) => {
                variants(ov, nv, pointer, lens, out)
            }
            (ValueKind::Object(of), ValueKind::Variants(nv)) => {
                if let Some(nf) = nv.merged() {
                    objects(of, &nf, pointer, lens, out);
                }
            }
            (ValueKind::Variants(ov), ValueKind::Object(nf)) => {
                if let Some(of) = ov.merged() {
                    objects(&of, nf, pointer, lens, out);
                }
            }
            (ValueKind::Array(Some(oe)), ValueKind::Array(Some(ne))) => {
                let element = view.map(SchemaView::element_ref);
                walk(oe, ne, &format!("{pointer}/*"), lens.at(element), out)
            }
            _ => {}
        }
    }
}

/// The variants of an array's elements (`pointer` is the elements' place, `…/*`): each one seen
/// before compared with itself; a variant absent tonight is not a removal, a new one is news
/// (info: no client written against the snapshot breaks).
fn variants(old: &Variants, new: &Variants, pointer: &str, lens: Lens<'_>, out: &mut Vec<Change>) {
    let base = pointer.strip_suffix('*').unwrap_or(pointer);
    for (value, shape) in &new.of {
        let p = format!("{base}{}", super::view::variant_token(&new.by, value));
        match old.of.get(value) {
            Some(before) => walk(before, shape, &p, lens, out),
            None => out.push(Change {
                kind: Kind::SnapshotAdded,
                severity: Kind::SnapshotAdded.severity(),
                pointer: p.clone(),
                expected: None,
                actual: Some(shape.describe()),
                message: format!(
                    "new variant {}={value} at {p} is not in the snapshot (it had {})",
                    new.by,
                    old.of.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
}

fn objects(
    of: &BTreeMap<String, Field>,
    nf: &BTreeMap<String, Field>,
    pointer: &str,
    lens: Lens<'_>,
    out: &mut Vec<Change>,
) {
    let view = lens.view;
    for (key, field) in nf {
        let p = format!("{pointer}/{}", crate::text::escape_pointer_token(key));
        let child = view.map(|v| v.property_ref(key));
        // A value of a free-form map the contract leaves untyped is user data.
        let data = view.is_some_and(|v| v.free_form && v.values.is_none() && !v.declares(key));
        let child_lens = Lens {
            data: lens.data || data,
            ..lens.at(child)
        };
        match of.get(key) {
            Some(old_field) => walk(&old_field.shape, &field.shape, &p, child_lens, out),
            // Declared by the contract (or a key of a map, which is data): not news.
            // Under a place the view did not read, the key is likely declared: not news either.
            None if view.is_some_and(|v| v.declares(key) || v.free_form || v.unread) => {}
            // Additive: no client written against the contract breaks; the contract is
            // incomplete. Learned into the shape by the next learning run.
            None => out.push(Change {
                kind: Kind::SnapshotAdded,
                severity: Kind::SnapshotAdded.severity(),
                pointer: p.clone(),
                expected: None,
                actual: Some(field.shape.describe()),
                message: format!(
                    "new key {p} ({}) is not in the snapshot",
                    field.shape.describe()
                ),
            }),
        }
    }
    for (key, field) in of {
        if nf.contains_key(key) {
            continue;
        }
        if view.is_some_and(|v| v.key_is_data(key)) {
            continue; // a key of a map: data
        }
        // A name in an object the contract says nothing of may go, as an optional key may; so
        // may a key of a place the contract declares but its view did not read.
        let open = view.is_some_and(|v| v.open || v.unread);
        let p = format!("{pointer}/{}", crate::text::escape_pointer_token(key));
        // `links.next` is there only when a next page is: its absence is the last page.
        if crate::paging::follows_the_data(&p) {
            continue;
        }
        if lens.evidence.is_some() && is_array(&field.shape) {
            // A collection missing beside an empty one (`included` on an empty page).
            if let Some((empty, _)) = nf.iter().find(|(_, f)| is_empty_array(&f.shape)) {
                out.push(Change {
                    kind: Kind::SnapshotRemoved,
                    severity: Severity::Info,
                    pointer: p.clone(),
                    expected: Some(field.shape.describe()),
                    actual: Some("missing".into()),
                    message: format!("{p} ({}) is missing while {pointer}/{} is empty: an empty page says nothing about it", field.shape.describe(), crate::text::escape_pointer_token(empty)),
                });
                continue;
            }
        }
        let (severity, why) = match lens.evidence {
            // Without evidence: a key the snapshot always saw, now gone, is drift even when the
            // contract calls it optional (clients come to rely on what is always there).
            None if field.optional || open => continue,
            None => (Severity::Breaking, "always in the snapshot".to_string()),
            Some(ev) => {
                let declared = open || view.is_some_and(|v| v.declares(key));
                let required = view.is_some_and(|v| v.required.contains(key));
                let now = lens.tonight.map_or(1, |o| o.objects_at(pointer));
                let optional = |name: &str| {
                    open || view.is_some_and(|v| v.declares(name) && !v.required.contains(name))
                };
                let standing = evidence::Standing {
                    declared,
                    required,
                    siblings_vary: declared
                        && !required
                        && (ev.varies_beside(pointer, &p, optional) || ev.varies_above(pointer)),
                };
                match evidence::removal(ev.keys.get(&p), now, standing, ev.runs) {
                    Some(r) => r,
                    None => continue, // occasional: it came and went before
                }
            }
        };
        out.push(Change {
            kind: Kind::SnapshotRemoved,
            severity,
            pointer: p.clone(),
            expected: Some(field.shape.describe()),
            actual: Some("missing".into()),
            message: format!("{p} ({}) is gone: {why}", field.shape.describe()),
        });
    }
}

fn is_array(shape: &Shape) -> bool {
    shape.kinds.iter().any(|k| matches!(k, ValueKind::Array(_)))
}

/// Only empty arrays were seen here.
fn is_empty_array(shape: &Shape) -> bool {
    matches!(shape.kinds.as_slice(), [ValueKind::Array(None)])
}

/// How loud a change of kind of user data is: its values may be anything by the contract, so a
/// warning once the old kind held for [`evidence::WARNING_RUNS`] runs (or with no evidence to
/// weigh), else info.
fn data_severity(lens: Lens<'_>, pointer: &str) -> Severity {
    let Some(e) = lens.evidence else {
        return Severity::Warning;
    };
    // The values of a map are observed together, not as keys: the runs behind the nearest key
    // (the map itself) stand for them.
    let mut at = pointer;
    let runs = loop {
        if let Some(k) = e.keys.get(at) {
            break k.runs;
        }
        match at.rsplit_once('/') {
            Some((up, _)) if !up.is_empty() => at = up,
            _ => break 0,
        }
    };
    if runs >= evidence::WARNING_RUNS {
        Severity::Warning
    } else {
        Severity::Info
    }
}

/// A stable key gone and a new key beside it in the same object look like a rename, which breaks
/// the clients reading the old name: the removal is a warning at least, whatever its evidence
/// alone would earn, and says which key is new. (A new key alone is info: no client breaks.)
pub fn renames(changes: &mut [Change]) {
    let parent = |p: &str| p.rsplit_once('/').map_or("", |(a, _)| a).to_string();
    let added: Vec<(String, String)> = changes
        .iter()
        .filter(|c| c.kind == Kind::SnapshotAdded)
        .map(|c| (parent(&c.pointer), c.pointer.clone()))
        .collect();
    if added.is_empty() {
        return;
    }
    let name = |p: &str| p.rsplit_once('/').map_or(p, |(_, n)| n).to_string();
    for c in changes
        .iter_mut()
        .filter(|c| c.kind == Kind::SnapshotRemoved && c.severity == Severity::Info)
    {
        let at = parent(&c.pointer);
        let gone = name(&c.pointer);
        let renamed = added
            .iter()
            .find(|(p, new)| *p == at && alike(&gone, &name(new)));
        if let Some((_, new)) = renamed {
            c.severity = Severity::Warning;
            c.message
                .push_str(&format!("; {new} is new beside it: renamed?"));
        }
    }
}

/// Whether two key names read as one renamed: the same letters and digits but for case and
/// separators (`nickname`, `nick_name`, `nickName`), one inside the other (`phone`,
/// `phone_number`), or one edit apart past a few letters (`colour`, `color`). Keys of live data
/// come and go side by side; only a name that resembles the one gone hints at a rename.
fn alike(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> Vec<char> {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (a, b) = (norm(a), norm(b));
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.len() < 3 {
        return a == b;
    }
    let inside = long.windows(short.len()).any(|w| w == short.as_slice());
    inside || (short.len() >= 5 && long.len() - short.len() <= 1 && edits(short, long) <= 1)
}

/// Levenshtein distance, for short names.
fn edits(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_alike_enough_to_be_a_rename() {
        for (a, b) in [
            ("nickname", "nick_name"),
            ("phone", "phone_number"),
            ("lastName", "last_name"),
            ("colour", "color"),
        ] {
            assert!(alike(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("special", "quota"),
            ("folder", "activities"),
            ("onenote", "accountEnabled"),
            ("id", "ids2"),
        ] {
            assert!(!alike(a, b), "{a} {b}");
        }
    }

    fn changes(
        old: serde_json::Value,
        new: serde_json::Value,
    ) -> Vec<(&'static str, Severity, String)> {
        diff(&Shape::of(&old), &Shape::of(&new))
            .into_iter()
            .map(|c| (c.kind.id(), c.severity, c.pointer))
            .collect()
    }

    // An optional key renamed: its removal alone earned only info on weak evidence, and the new
    // name alone is info — the rename went unreported.
    #[test]
    fn a_stable_key_gone_beside_a_new_one_is_a_rename() {
        let change = |kind, severity, pointer: &str| Change {
            kind,
            severity,
            pointer: pointer.into(),
            expected: None,
            actual: None,
            message: String::new(),
        };
        let mut found = vec![
            change(Kind::SnapshotRemoved, Severity::Info, "/data/phone"),
            change(Kind::SnapshotAdded, Severity::Info, "/data/phone_number"),
            change(Kind::SnapshotRemoved, Severity::Info, "/meta/x"),
        ];
        renames(&mut found);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0]
            .message
            .contains("/data/phone_number is new beside it"));
        assert_eq!(found[1].severity, Severity::Info);
        assert_eq!(found[2].severity, Severity::Info, "no new key beside it");
    }

    // `links.next` is there only when a second page is, whether the contract declares it or
    // not: a collection shrinking to one page is not a removal.
    #[test]
    fn paging_links_follow_the_data() {
        let page = |next: serde_json::Value| json!({"data": [{"id": 1}], "links": {"self": "/p?page=1", "next": next, "prev": next}, "next_cursor": next});
        assert!(changes(
            page(json!("/p?page=2")),
            json!({"data": [], "links": {"self": "/p"}})
        )
        .is_empty());
        assert!(changes(page(json!("/p?page=2")), page(json!(null))).is_empty());
        assert_eq!(
            changes(json!({"data": [{"next": 1}]}), json!({"data": [{}]})),
            vec![(
                "snapshot.removed",
                Severity::Breaking,
                "/data/*/next".into()
            )],
            "a field named like a link, elsewhere, is data"
        );
    }

    #[test]
    fn each_change_kind() {
        assert_eq!(
            changes(json!({"a": 1}), json!({"a": 1, "b": 2})),
            vec![("snapshot.added", Severity::Info, "/b".into())]
        );
        assert_eq!(
            changes(json!({"a": 1, "b": 2}), json!({"a": 1})),
            vec![("snapshot.removed", Severity::Breaking, "/b".into())]
        );
        assert_eq!(
            changes(
                json!({"at": "2026-01-01T00:00:00Z"}),
                json!({"at": 1767225600})
            ),
            vec![("snapshot.type-changed", Severity::Breaking, "/at".into())]
        );
        assert_eq!(
            changes(json!({"at": "2026-01-01T00:00:00Z"}), json!({"at": "soon"})),
            vec![("snapshot.type-changed", Severity::Breaking, "/at".into())]
        );
        assert_eq!(
            changes(json!({"o": {"x": 1}}), json!({"o": "x"})),
            vec![("snapshot.type-changed", Severity::Breaking, "/o".into())]
        );
        assert_eq!(
            changes(json!({"n": "a"}), json!({"n": null})),
            vec![("snapshot.type-changed", Severity::Warning, "/n".into())]
        );
        assert_eq!(
            changes(json!([{"id": 1}]), json!([{"id": "1"}])),
            vec![("snapshot.type-changed", Severity::Breaking, "/*/id".into())]
        );
    }

    #[test]
    fn quiet_on_data_changes() {
        assert!(
            changes(json!({"w": 71.4}), json!({"w": 72})).is_empty(),
            "a whole number is a number"
        );
        assert!(changes(json!({"l": [1, 2]}), json!({"l": []})).is_empty());
        assert!(changes(json!({"l": []}), json!({"l": [{"a": 1}]})).is_empty());
        assert!(
            changes(json!([{"a": 1, "b": 1}, {"a": 2}]), json!([{"a": 3}])).is_empty(),
            "optional keys may go"
        );
        assert!(
            changes(json!({"n": null}), json!({"n": "x"})).is_empty(),
            "a value where only null was seen"
        );
    }
}

#[cfg(test)]
mod contract_tests {
    use super::*;
    use crate::spec::{Contract, Documents, SchemaRef};
    use serde_json::json;

    /// The view of `#/components/schemas/Thing` in a small contract.
    fn view() -> SchemaView {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "Thing": {"type": "object", "required": ["id", "at"], "properties": {
                    "id": {"type": "string"},
                    "at": {"type": "string", "format": "date-time"},
                    "note": {"type": "string"},
                    "nick": {"type": "string", "nullable": true},
                    "score": {"type": "number"},
                    "count": {"type": "integer"},
                    "details": {"type": "object", "additionalProperties": true},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "extra": {},
                    "links": {"allOf": [{"$ref": "#/components/schemas/Links"}]},
                    "link": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Links"}]},
                    "coordinates": {"oneOf": [{"type": "array", "items": {"$ref": "#/components/schemas/Position"}},
                        {"$ref": "#/components/schemas/Position"}]},
                    "report": {"oneOf": [
                        {"type": "object", "properties": {"records": {"type": "array", "items": {
                            "type": "object", "properties": {"status": {"type": "string"}}}}}},
                        {"type": "object", "properties": {"records": {"type": "array", "items": {
                            "type": "object", "properties": {"status": {"type": "integer"}}}}}}]}}},
                "Position": {"type": "array", "items": {"type": "number"}},
                "Links": {"type": "object", "properties": {"self": {"type": "string"}, "next": {"type": "string"}}}}}
        });
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        SchemaView::of(
            &contract,
            &SchemaRef {
                doc: 0,
                pointer: "#/components/schemas/Thing".into(),
            },
        )
    }

    fn changes(
        old: serde_json::Value,
        new: serde_json::Value,
    ) -> Vec<(&'static str, Severity, String)> {
        diff_with_contract(&Shape::of(&old), &Shape::of(&new), &view())
            .into_iter()
            .map(|c| (c.kind.id(), c.severity, c.pointer))
            .collect()
    }

    const BASE: &str = r#"{"id": "a1", "at": "2026-01-01T00:00:00Z", "note": "plain words",
        "score": 2, "count": 3, "details": {"k1": {"x": 1}}, "labels": {"en": "a"}, "extra": 1,
        "links": {"self": "/things/1"}}"#;

    fn base() -> serde_json::Value {
        serde_json::from_str(BASE).unwrap_or_default()
    }

    fn with(patch: serde_json::Value) -> serde_json::Value {
        let mut v = base();
        for (k, val) in patch.as_object().cloned().unwrap_or_default() {
            if val.is_null() && k.starts_with('-') {
                v.as_object_mut().map(|m| m.remove(&k[1..]));
            } else if let Some(m) = v.as_object_mut() {
                m.insert(k, val);
            }
        }
        v
    }

    // A free-form map's values changing kind went unreported when tonight's keys were others
    // (its keys are data): every value an object, now one a string.
    #[test]
    fn a_free_form_maps_values_changing_kind_is_reported() {
        let w = Severity::Warning;
        for (patch, want) in [
            (
                json!({"details": {"k9": {"x": 2}, "k8": "flat"}}),
                vec![("snapshot.type-changed", w, "/details/*".to_string())],
            ),
            (json!({"details": {"k9": {"y": 2}}}), vec![]),
        ] {
            assert_eq!(changes(base(), with(patch.clone())), want, "{patch}");
        }
        // A map whose values were already of several kinds gaining one more: the same data.
        let mixed = with(json!({"details": {"a": {"x": 1}, "b": "text"}}));
        assert_eq!(
            changes(mixed, with(json!({"details": {"c": 3}}))),
            vec![(
                "snapshot.type-changed",
                Severity::Info,
                "/details/*".to_string()
            )]
        );
    }

    // A property two `oneOf` branches declare with other types (a variable's `values`: an object
    // in one variant, an array in another) may move between them.
    #[test]
    fn a_property_typed_by_its_variant_may_change_type_with_it() {
        let view = variant_tests::items_view(json!({"oneOf": [
            {"type": "object", "properties": {"kind": {"enum": ["map"]}, "values": {"type": "object"}}},
            {"type": "object", "properties": {"kind": {"enum": ["list"]}, "values": {"type": "array"}}}]}));
        let element = view.element_ref();
        let (map, list) = (
            Shape::of(&json!({"kind": "map", "values": {"a": "1"}})),
            Shape::of(&json!({"kind": "list", "values": ["1"]})),
        );
        assert!(diff_with_contract(&map, &list, element).is_empty());
        assert!(diff_with_contract(&list, &map, element).is_empty());
    }

    // A value moving between the types of `anyOf` branches is what the contract allows.
    #[test]
    fn a_value_between_declared_alternatives_is_not_drift() {
        let as_text = with(json!({"link": "/things/2"}));
        let as_object = with(json!({"link": {"self": "/things/2"}}));
        assert_eq!(changes(as_text.clone(), as_object.clone()), vec![]);
        assert_eq!(changes(as_object, as_text), vec![]);
        assert_eq!(
            changes(with(json!({"link": "/x"})), with(json!({"link": 3}))),
            vec![(
                "snapshot.type-changed",
                Severity::Breaking,
                "/link".to_string()
            )],
            "a type no branch declares is still drift"
        );
        // GeoJSON: a line's positions tonight, a point's numbers tomorrow.
        let line = with(json!({"coordinates": [[1.5, 2.5], [3.5, 4.5]]}));
        let point = with(json!({"coordinates": [1.5, 2.5]}));
        assert_eq!(changes(line.clone(), point.clone()), vec![]);
        assert_eq!(changes(point, line), vec![]);
        // Whole numbers are numbers: a point at `[102, 0]`.
        let line = with(json!({"coordinates": [[1, 2], [3, 4]]}));
        let point = with(json!({"coordinates": [102, 0]}));
        assert_eq!(changes(line.clone(), point.clone()), vec![]);
        assert_eq!(changes(point, line), vec![]);
        // Deeper down: each branch's records have their own `status` (Nexmo's reports).
        let text = with(json!({"report": {"records": [{"status": "delivered"}]}}));
        let code = with(json!({"report": {"records": [{"status": 0}]}}));
        assert_eq!(changes(text.clone(), code.clone()), vec![]);
        assert_eq!(changes(code, text.clone()), vec![]);
        assert_eq!(
            changes(
                text,
                with(json!({"report": {"records": [{"status": true}]}}))
            ),
            vec![(
                "snapshot.type-changed",
                Severity::Breaking,
                "/report/records/*/status".to_string()
            )],
            "a type no branch declares is still drift"
        );
    }

    /// What the contract leaves variable is quiet.
    #[test]
    fn declared_variability_is_not_drift() {
        let quiet = [
            json!({"note": "https://looks.like/a-url"}), // no format declared
            json!({"nick": null}),                       // nullable
            json!({"nick": "ann"}),                      // a declared key appearing
            json!({"score": 2.5}),                       // number declared
            json!({"extra": 1.5}),                       // untyped: a number
            json!({"extra": null}),                      // untyped admits null
            json!({"details": {"k2": {"x": 2}, "k3": {"x": 3}}}), // map keys are data
            json!({"labels": {"fr": "b", "de": "c"}}),
            json!({"links": {"self": "/things/1", "next": "/things?page=2"}}),
        ];
        for patch in quiet {
            assert_eq!(changes(base(), with(patch.clone())), vec![], "{patch}");
        }
    }

    /// Real drift is still caught.
    #[test]
    fn real_drift_is_still_reported() {
        let b = Severity::Breaking;
        let cases = [
            (
                json!({"-id": null}),
                vec![("snapshot.removed", b, "/id".to_string())],
            ),
            (
                json!({"at": 1767225600}),
                vec![("snapshot.type-changed", b, "/at".to_string())],
            ),
            (
                json!({"at": "yesterday"}),
                vec![("snapshot.type-changed", b, "/at".to_string())],
            ),
            (
                json!({"note": {"text": "x"}}),
                vec![("snapshot.type-changed", b, "/note".to_string())],
            ),
            (
                json!({"extra": "1"}),
                vec![("snapshot.type-changed", b, "/extra".to_string())],
            ),
            (
                json!({"count": 2.5}),
                vec![("snapshot.type-changed", b, "/count".to_string())],
            ),
            (
                // The map's values may be anything by the contract: a warning, not breaking.
                json!({"details": {"k1": "flat"}}),
                vec![(
                    "snapshot.type-changed",
                    Severity::Warning,
                    "/details/*".to_string(),
                )],
            ),
            (
                json!({"renamed": "x"}),
                vec![("snapshot.added", Severity::Info, "/renamed".to_string())],
            ),
            (
                json!({"-note": null}),
                vec![("snapshot.removed", b, "/note".to_string())],
            ),
        ];
        for (patch, want) in cases {
            assert_eq!(changes(base(), with(patch.clone())), want, "{patch}");
        }
    }
}

#[cfg(test)]
mod variant_tests {
    use super::*;
    use crate::spec::{Contract, Documents, SchemaRef};
    use serde_json::{json, Value};

    fn resource(t: &str, attributes: Value) -> Value {
        json!({"type": t, "id": "r1", "attributes": attributes})
    }

    fn page(included: Vec<Value>) -> Value {
        json!({"data": [], "included": included})
    }

    fn profile() -> Value {
        resource("health_profile", json!({"answers": 3, "done": true}))
    }

    fn answer(extra: Value) -> Value {
        let mut attributes = json!({"question": "q", "answered": true});
        if let (Some(a), Some(e)) = (attributes.as_object_mut(), extra.as_object()) {
            a.extend(e.clone());
        }
        resource("health_profile_answer", attributes)
    }

    /// What a run of `new` finds against `old`, both read as a snapshot reads them.
    fn found(old: &Value, new: &Value, view: &SchemaView) -> Vec<(&'static str, Severity, String)> {
        diff_learned(
            &Shape::read(old, view),
            &Shape::read(new, view),
            view,
            None,
            None,
        )
        .into_iter()
        .map(|c| (c.kind.id(), c.severity, c.pointer))
        .collect()
    }

    // JSON:API `included` holds resources of several types: tonight's mix of types is not a
    // change of keys, a variant absent tonight is not a removal.
    #[test]
    fn tonights_mix_of_variants_is_not_drift() {
        let view = SchemaView::undeclared();
        let both = page(vec![profile(), answer(json!({})), answer(json!({}))]);
        assert!(found(&both, &page(vec![profile()]), &view).is_empty());
        assert!(found(&both, &page(vec![answer(json!({}))]), &view).is_empty());
        assert!(found(&page(vec![profile()]), &both, &view)
            .iter()
            .all(|(_, s, _)| *s == Severity::Info));
    }

    #[test]
    fn a_variants_stable_key_gone_is_reported_at_its_variant() {
        let view = SchemaView::undeclared();
        let both = page(vec![profile(), answer(json!({}))]);
        let gone = page(vec![
            profile(),
            resource("health_profile_answer", json!({"question": "q"})),
        ]);
        assert_eq!(
            found(&both, &gone, &view),
            vec![(
                "snapshot.removed",
                Severity::Breaking,
                "/included/*[type=health_profile_answer]/attributes/answered".to_string()
            )]
        );
    }

    #[test]
    fn a_new_variant_is_news_not_drift() {
        let view = SchemaView::undeclared();
        let changes = found(
            &page(vec![profile()]),
            &page(vec![profile(), resource("coach", json!({"name": "A"}))]),
            &view,
        );
        assert_eq!(
            changes,
            vec![(
                "snapshot.added",
                Severity::Info,
                "/included/*[type=coach]".to_string()
            )]
        );
    }

    // A snapshot taken before variants were told apart compares with them merged, as it did.
    #[test]
    fn a_snapshot_from_before_variants_compares_merged() {
        let view = SchemaView::undeclared();
        let both = page(vec![profile(), answer(json!({}))]);
        let old = Shape::of(&both);
        let new = Shape::read(&both, &view);
        assert_ne!(old, new);
        assert!(diff_learned(&old, &new, &view, None, None).is_empty());
        let round = Shape::from_json(&new.to_json());
        assert_eq!(round.as_ref(), Some(&new), "{}", new.to_json());
    }

    // A generic resource's `attributes: {type: object}` says nothing of its keys: names are
    // learned as structure (a variant's always-present one, gone, is reported once the evidence
    // is strong), keys that read as data are values of a map.
    #[test]
    fn an_open_objects_names_are_learned_as_structure() {
        use super::super::evidence::{Evidence, Observation};
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Page": {"type": "object", "properties": {"included": {
                "type": "array", "items": {"type": "object", "properties": {
                    "type": {"type": "string"}, "id": {"type": "string"},
                    "attributes": {"type": "object"}}}}}}}}
        });
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        let view = SchemaView::of(
            &contract,
            &SchemaRef {
                doc: 0,
                pointer: "#/components/schemas/Page".into(),
            },
        );
        let night = |answered: bool, device: &str| {
            let one = |i: u32| {
                let mut a = json!({"question": "q", device: {"battery": i}});
                if answered {
                    a["answered"] = json!(i % 2 == 0);
                }
                resource("health_profile_answer", a)
            };
            page(vec![one(1), one(2), profile()])
        };
        let mut evidence = Evidence::default();
        for day in 10..20 {
            let body = night(true, &format!("dev-{day}a{day}"));
            evidence.add(
                &Observation::of(&body, &view),
                &format!("2026-11-{day}T02:00:00Z"),
            );
        }
        let stored = Shape::read(&night(true, "dev-10a10"), &view);
        assert!(
            stored
                .to_json()
                .to_string()
                .contains(r#""*":{"object":{"battery":"integer"}}"#),
            "keys that read as data are a map's: {}",
            stored.to_json()
        );
        let run = |body: &Value| {
            diff_learned(
                &stored,
                &Shape::read(body, &view),
                &view,
                Some(&evidence),
                Some(&Observation::of(body, &view)),
            )
            .into_iter()
            .map(|c| (c.kind.id(), c.severity, c.pointer))
            .collect::<Vec<_>>()
        };
        assert!(run(&night(true, "dev-99b99")).is_empty());
        assert_eq!(
            run(&night(false, "dev-99b99")),
            vec![(
                "snapshot.removed",
                Severity::Warning,
                "/included/*[type=health_profile_answer]/attributes/answered".to_string()
            )]
        );
    }

    /// The items view of `{"type": "array", "items": <items>}`.
    pub(super) fn items_view(items: Value) -> SchemaView {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "List": {"type": "array", "items": items},
                "Card": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["card"]}, "last4": {"type": "string"}}},
                "Bank": {"type": "object", "properties": {
                    "kind": {"const": "bank"}, "iban": {"type": "string"}}}}}
        });
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        SchemaView::of(
            &contract,
            &SchemaRef {
                doc: 0,
                pointer: "#/components/schemas/List".into(),
            },
        )
    }

    // Variants are told apart by the declared discriminator, or by the property each `oneOf`
    // branch pins to one value.
    #[test]
    fn the_contract_says_what_tells_variants_apart() {
        let card = json!({"kind": "card", "last4": "4242"});
        let bank = json!({"kind": "bank", "iban": "NO93"});
        let branches =
            json!([{"$ref": "#/components/schemas/Card"}, {"$ref": "#/components/schemas/Bank"}]);
        for items in [
            json!({"oneOf": branches}),
            json!({"anyOf": branches, "discriminator": {"propertyName": "kind"}}),
        ] {
            let view = items_view(items.clone());
            assert_eq!(view.element_ref().discriminator.as_deref(), Some("kind"));
            let both = json!([card, bank]);
            assert!(found(&both, &json!([bank]), &view).is_empty(), "{items}");
            assert_eq!(
                found(&both, &json!([{"kind": "card"}, bank]), &view),
                vec![(
                    "snapshot.removed",
                    Severity::Breaking,
                    "/*[kind=card]/last4".to_string()
                )],
                "{items}"
            );
        }
        assert_eq!(
            items_view(json!({"type": "object"}))
                .element_ref()
                .discriminator,
            None
        );
        // Branches no property tells apart: each element is the branch it fits.
        let view = items_view(json!({"oneOf": [
            {"type": "object", "required": ["last4"], "properties": {"last4": {"type": "string"}, "exp": {"type": "string"}}},
            {"$ref": "#/components/schemas/Bank"}]}));
        let card = json!({"last4": "4242", "exp": "12/30"});
        let bank = json!({"kind": "bank", "iban": "NO93"});
        assert_eq!(view.element_ref().variant_of(&card), Some(("oneOf", "0")));
        assert_eq!(
            view.element_ref().variant_of(&bank),
            Some(("oneOf", "Bank"))
        );
        let both = json!([card, bank]);
        assert!(found(&both, &json!([bank]), &view).is_empty());
        assert_eq!(
            found(&both, &json!([{"last4": "4242"}, bank]), &view),
            vec![(
                "snapshot.removed",
                Severity::Breaking,
                "/*[oneOf=0]/exp".to_string()
            )]
        );
        // A JSON:API resource is told apart by `type`, unless the items pin it to one value.
        let patient = json!({"type": "patient", "id": "1", "attributes": {}});
        let typed = |t: Value| items_view(json!({"type": "object", "properties": {"type": t}}));
        assert_eq!(
            typed(json!({"type": "string"}))
                .element_ref()
                .variant_of(&patient),
            Some(("type", "patient"))
        );
        assert_eq!(
            typed(json!({"type": "string", "enum": ["patient"]}))
                .element_ref()
                .variant_of(&patient),
            None
        );
    }

    /// The severity of the change at `pointer` when `tonight` follows nine learned runs of
    /// `run(0..9)` against `view`.
    fn after_nine_runs(
        view: &SchemaView,
        run: impl Fn(usize) -> Value,
        tonight: &Value,
        pointer: &str,
    ) -> Option<Severity> {
        let mut evidence = super::evidence::Evidence::default();
        let mut stored: Option<Shape> = None;
        for n in 0..9 {
            let body = run(n);
            let obs = super::evidence::Observation::of(&body, view);
            evidence.add(&obs, &format!("2026-11-{:02}T02:00:00Z", n + 1));
            let shape = Shape::read(&body, view);
            stored = Some(match stored {
                Some(old) => old.merge(shape),
                None => shape,
            });
        }
        let obs = super::evidence::Observation::of(tonight, view);
        let stored = stored.unwrap_or_else(|| Shape::read(&Value::Null, view));
        diff_learned(
            &stored,
            &Shape::read(tonight, view),
            view,
            Some(&evidence),
            Some(&obs),
        )
        .into_iter()
        .find(|c| c.pointer == pointer)
        .map(|c| c.severity)
    }

    // A list whose items' optional keys come and go (a key in 70% of them): among its many keys
    // one is in every item for a while by luck, and its first absence is not drift. Where the
    // object's other optional keys are always there, the same absence still is.
    #[test]
    fn a_lucky_run_of_an_optional_key_among_varying_ones_is_not_drift() {
        let view = items_view(json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}, "note": {"type": "string"}, "tag": {"type": "string"}}}));
        let night = |items: &[(bool, bool)]| {
            let items: Vec<Value> = items
                .iter()
                .map(|(note, tag)| {
                    let mut item = json!({"id": "i"});
                    if *note {
                        item["note"] = json!("n");
                    }
                    if *tag {
                        item["tag"] = json!("t");
                    }
                    item
                })
                .collect();
            Value::Array(items)
        };
        let severity = |tag_varies: bool| {
            // `note` in every item of every run; `tag` in every item but one, or in all.
            let run = |n: usize| night(&[(true, true), (true, !(tag_varies && n == 4))]);
            let tonight = night(&[(false, true), (false, true), (false, false)]);
            after_nine_runs(&view, run, &tonight, "/*/note")
        };
        assert_eq!(
            severity(false),
            Some(Severity::Breaking),
            "18 of 18, now 0 of 3"
        );
        assert_eq!(severity(true), Some(Severity::Info), "`tag` came and went");
    }

    // Keys of the item around an object varying are the same evidence: an object holding one
    // optional key (Daniweb's webhooks' `event: {action}`) that held for a while in items whose
    // other keys came and went may have held by luck.
    #[test]
    fn a_lucky_run_inside_varying_items_is_not_drift() {
        let view = items_view(json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "event": {"type": "object", "properties": {"action": {"type": "string"}}}}}));
        let item = |name: bool, action: bool| {
            let mut item = json!({"id": "i", "event": {}});
            if name {
                item["name"] = json!("n");
            }
            if action {
                item["event"]["action"] = json!("a");
            }
            item
        };
        let severity = |name_varies: bool| {
            let run = |n: usize| json!([item(true, true), item(!(name_varies && n == 4), true)]);
            let tonight = json!([item(true, false), item(true, false), item(true, false)]);
            after_nine_runs(&view, run, &tonight, "/*/event/action")
        };
        assert_eq!(
            severity(false),
            Some(Severity::Breaking),
            "18 of 18, now 0 of 3"
        );
        assert_eq!(severity(true), Some(Severity::Info), "`name` came and went");
    }
}
