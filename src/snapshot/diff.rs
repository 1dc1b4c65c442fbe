//! Compare a response's shape with the stored one. Pure.
//!
//! - a key the baseline never had → `snapshot.added` (warning: undocumented, rarely breaking)
//! - a key the baseline always had, now missing → `snapshot.removed` (breaking); a key that was
//!   already optional (missing from some array elements) may come and go silently
//! - a different type → `snapshot.type-changed` (breaking); `null` appearing where the baseline
//!   never saw it is a warning (live data is sometimes empty); an integer where a number was seen
//!   is compatible (a whole number is a number)
//! - empty arrays say nothing about their elements, so they never drift
//!
//! Pointers use `*` for "every element of the array".

use super::shape::{Kind, Shape};
use crate::findings::Severity;
use crate::rules::Kind as FindingKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: FindingKind,
    pub severity: Severity,
    pub pointer: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub message: String,
}

pub fn diff(old: &Shape, new: &Shape) -> Vec<Change> {
    let mut out = Vec::new();
    walk(old, new, "", &mut out);
    out
}

/// Compare a live shape with the shape of a documented example: the same rules, reported as
/// `docs.added`, `docs.removed`, `docs.type-changed`.
pub fn diff_documented(documented: &Shape, live: &Shape) -> Vec<Change> {
    diff(documented, live)
        .into_iter()
        .map(|mut c| {
            c.kind = match c.kind {
                FindingKind::SnapshotAdded => FindingKind::DocsAdded,
                FindingKind::SnapshotRemoved => FindingKind::DocsRemoved,
                _ => FindingKind::DocsTypeChanged,
            };
            c.message = c
                .message
                .replace("the snapshot", "the documented example")
                .replace("snapshot never saw", "documented example never shows");
            c
        })
        .collect()
}

fn walk(old: &Shape, new: &Shape, pointer: &str, out: &mut Vec<Change>) {
    // A placeholder stands for any value: nothing to compare below it.
    if old.kinds.iter().any(|k| matches!(k, Kind::Any)) {
        return;
    }
    let old_names = old.names();
    let new_names = new.names();
    let significant = |names: &[&'static str]| {
        names
            .iter()
            .copied()
            .filter(|n| *n != "null")
            .collect::<Vec<_>>()
    };
    let (old_sig, new_sig) = (significant(&old_names), significant(&new_names));
    let compatible = new_sig
        .iter()
        .all(|n| old_sig.contains(n) || (*n == "integer" && old_sig.contains(&"number")));
    let where_ = if pointer.is_empty() {
        "the body".to_string()
    } else {
        pointer.to_string()
    };
    if !compatible && !old_sig.is_empty() {
        out.push(Change {
            kind: FindingKind::SnapshotTypeChanged,
            severity: Severity::Breaking,
            pointer: pointer.to_string(),
            expected: Some(old.describe()),
            actual: Some(new.describe()),
            message: format!("{where_} was {}, now {}", old.describe(), new.describe()),
        });
        return;
    }
    if new_names.contains(&"null") && !old_names.contains(&"null") {
        out.push(Change {
            kind: FindingKind::SnapshotTypeChanged,
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
    for nk in &new.kinds {
        let Some(ok) = old.kinds.iter().find(|k| k.name() == nk.name()) else {
            continue;
        };
        match (ok, nk) {
            (Kind::Object(of), Kind::Object(nf)) => {
                for (key, field) in nf {
                    let p = format!("{pointer}/{}", crate::text::escape_pointer_token(key));
                    match of.get(key) {
                        Some(old_field) => walk(&old_field.shape, &field.shape, &p, out),
                        None => out.push(Change {
                            kind: FindingKind::SnapshotAdded,
                            severity: Severity::Warning,
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
                    if !field.optional && !nf.contains_key(key) {
                        let p = format!("{pointer}/{}", crate::text::escape_pointer_token(key));
                        out.push(Change {
                            kind: FindingKind::SnapshotRemoved,
                            severity: Severity::Breaking,
                            pointer: p.clone(),
                            expected: Some(field.shape.describe()),
                            actual: Some("missing".into()),
                            message: format!("{p} ({}) is gone", field.shape.describe()),
                        });
                    }
                }
            }
            (Kind::Array(Some(oe)), Kind::Array(Some(ne))) => {
                walk(oe, ne, &format!("{pointer}/*"), out)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(
        old: serde_json::Value,
        new: serde_json::Value,
    ) -> Vec<(&'static str, Severity, String)> {
        diff(&Shape::of(&old), &Shape::of(&new))
            .into_iter()
            .map(|c| (c.kind.id(), c.severity, c.pointer))
            .collect()
    }

    #[test]
    fn each_change_kind() {
        assert_eq!(
            changes(json!({"a": 1}), json!({"a": 1, "b": 2})),
            vec![("snapshot.added", Severity::Warning, "/b".into())]
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
