//! In-place fan-out of schemas: how many subschemas apply to the *same* instance value through
//! `$ref`, `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else` and `dependentSchemas`.
//!
//! Validation work per instance value grows with this number, and it can grow exponentially with
//! the size of a contract: 40 schemas each `allOf` of the next one twice apply 2^40 subschemas to
//! one value. Keywords that descend into the instance (`properties`, `items`, …) are bounded by
//! the instance and do not count. A schema whose fan-out exceeds [`MAX_IN_PLACE`] is not compiled
//! (its responses are reported as not validated) instead of hanging the run.

use super::reach::Kept;
use super::source::{get, Documents, RefTarget};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The most subschemas that may apply to one instance value.
pub const MAX_IN_PLACE: u64 = 10_000;

/// Stands in for a schema whose fan-out is too large, so that compiling it fails with this text.
pub const MARKER: &str = "drift: schema fan-out too large";

/// Why such a schema is not compiled (the message users see).
pub fn reason() -> String {
    format!(
        "more than {MAX_IN_PLACE} subschemas apply to one value through $ref and allOf/anyOf/oneOf; validating against it could take exponential time"
    )
}

const LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];
const SINGLE: &[&str] = &["not", "if", "then", "else"];
/// Guards recursion through long `$ref` chains and deep inline nesting.
const MAX_DEPTH: usize = 512;

/// Every schema location (document, `#/…` pointer) whose fan-out exceeds [`MAX_IN_PLACE`]; with
/// `kept`, only in the kept part of each document (see `reach`).
pub fn explosive(docs: &Documents, kept: Option<&[Kept]>) -> HashSet<(usize, String)> {
    let mut f = Fanout {
        docs,
        memo: HashMap::new(),
        active: HashSet::new(),
    };
    let mut out = HashSet::new();
    for (index, doc) in docs.docs.iter().enumerate() {
        let kept = kept.and_then(|k| k.get(index));
        if kept.is_some_and(Kept::is_empty) {
            continue;
        }
        let mut pointer = String::from("#");
        f.walk(index, &doc.value, kept, &mut pointer, 0, &mut out);
    }
    out
}

struct Fanout<'a> {
    docs: &'a Documents,
    memo: HashMap<(usize, String), u64>,
    active: HashSet<(usize, String)>,
}

fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

fn has_in_place(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("$ref")
        || LISTS.iter().any(|k| map.contains_key(*k))
        || SINGLE.iter().any(|k| map.contains_key(*k))
        || map.contains_key("dependentSchemas")
}

impl Fanout<'_> {
    /// Visit every object node of a document; record those whose fan-out is too large.
    fn walk(
        &mut self,
        doc: usize,
        node: &Value,
        kept: Option<&Kept>,
        pointer: &mut String,
        depth: usize,
        out: &mut HashSet<(usize, String)>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        // Below a kept subtree everything is kept.
        let kept = kept.filter(|k| !k.whole);
        // The kept node under `key`; `None` (outside the kept part) stops the walk there.
        let below = |key: &str| match kept {
            None => Some(None),
            Some(k) => k.below.get(key).map(Some),
        };
        match node {
            Value::Object(map) => {
                if has_in_place(map) && self.in_place(doc, node, 0) > MAX_IN_PLACE {
                    out.insert((doc, pointer.clone()));
                    return;
                }
                for (k, child) in map {
                    if is_data_key(k) || !(child.is_object() || child.is_array()) {
                        continue;
                    }
                    let Some(kept) = below(k) else { continue };
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&crate::text::escape_pointer_token(k));
                    self.walk(doc, child, kept, pointer, depth + 1, out);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let index = i.to_string();
                    let Some(kept) = below(&index) else { continue };
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index);
                    self.walk(doc, child, kept, pointer, depth + 1, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// The number of subschemas applying to one value at `node` (saturating past the limit).
    fn in_place(&mut self, doc: usize, node: &Value, depth: usize) -> u64 {
        if depth > MAX_DEPTH {
            return MAX_IN_PLACE + 1;
        }
        let Value::Object(map) = node else {
            return 1;
        };
        let mut total = 1u64;
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            total = total.saturating_add(self.target(doc, reference, depth));
        }
        let lists = LISTS
            .iter()
            .filter_map(|k| map.get(*k).and_then(Value::as_array))
            .flatten();
        let singles = SINGLE.iter().filter_map(|k| map.get(*k));
        let dependent = map
            .get("dependentSchemas")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values());
        for child in lists.chain(singles).chain(dependent) {
            if total > MAX_IN_PLACE {
                break;
            }
            total = total.saturating_add(self.in_place(doc, child, depth + 1));
        }
        total
    }

    /// The fan-out of a `$ref`'s target, computed once per target. A cycle counts once: it
    /// recurses only as deep as the instance does.
    fn target(&mut self, doc: usize, reference: &str, depth: usize) -> u64 {
        let Some(RefTarget::Doc(d, p)) = self.docs.resolve_ref(doc, reference) else {
            return 1;
        };
        let key = (d, p);
        if let Some(&n) = self.memo.get(&key) {
            return n;
        }
        if !self.active.insert(key.clone()) {
            return 1;
        }
        let docs = self.docs;
        let n = match get(&docs.docs[key.0].value, &key.1) {
            Some(node) => self.in_place(key.0, node, depth + 1),
            None => 1,
        };
        self.active.remove(&key);
        self.memo.insert(key, n);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::SchemaRef;
    use serde_json::json;

    fn chain(n: usize, copies: usize) -> Value {
        let mut defs = serde_json::Map::new();
        for i in 0..n {
            let next = json!({"$ref": format!("#/definitions/S{}", i + 1)});
            defs.insert(format!("S{i}"), json!({"allOf": vec![next; copies]}));
        }
        defs.insert(format!("S{n}"), json!({"type": "object"}));
        json!({"definitions": defs})
    }

    #[test]
    fn exponential_fan_out_is_found_and_linear_is_not() {
        let docs = Documents::from_values(vec![chain(40, 2)]);
        let found = explosive(&docs, None);
        assert!(
            found.contains(&(0, "#/definitions/S0".to_string())),
            "{found:?}"
        );
        assert!(!found.contains(&(0, "#/definitions/S39".to_string())));
        let docs = Documents::from_values(vec![chain(200, 1)]);
        assert!(explosive(&docs, None).is_empty());
    }

    #[test]
    fn only_the_kept_part_of_a_document_is_searched() {
        let docs = Documents::from_values(vec![chain(40, 2)]);
        let kept = |name: &str| {
            let root = SchemaRef {
                doc: 0,
                pointer: format!("#/definitions/{name}"),
            };
            super::super::reach::reach(&docs, &[root]).unwrap_or_default()
        };
        let found = explosive(&docs, Some(&kept("S30")));
        assert!(
            !found.iter().any(|(_, p)| p == "#/definitions/S0"),
            "{found:?}"
        );
        let found = explosive(&docs, Some(&kept("S0")));
        assert!(found.contains(&(0, "#/definitions/S0".to_string())));
    }

    #[test]
    fn recursion_through_properties_is_not_fan_out() {
        let doc = json!({"definitions": {
            "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}},
            "Loop": {"allOf": [{"$ref": "#/definitions/Loop"}, {"$ref": "#/definitions/Node"}]}}});
        assert!(explosive(&Documents::from_values(vec![doc]), None).is_empty());
    }
}
