//! What a contract's response schemas reach through `$ref`.
//!
//! A run validates responses only, so the validators' copy of each document needs only the
//! response schemas and the definitions they refer to, directly or through other definitions.
//! Request bodies, parameters and the definitions only they use are left out: on public
//! contracts that is a fifth of the copy on average and up to nine tenths (GitHub's). Every kept
//! schema stays at its pointer, so findings point into the file the user wrote.
//!
//! Following `$ref` pointers is not enough when the registry resolves references by itself:
//! a reached schema that sets `$id`, an anchor or a dynamic reference makes [`reach`] answer
//! `None`, and the documents are then copied whole.

use super::model::SchemaRef;
use super::source::{Documents, RefTarget};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The kept part of one document: whole subtrees, and the nodes leading to them.
#[derive(Debug, Default)]
pub struct Kept {
    /// This node and everything below it.
    pub whole: bool,
    /// Kept nodes below, by key (array items by their index).
    pub below: HashMap<String, Kept>,
}

impl Kept {
    /// Keep the node at `pointer` of `value` (its root) and everything below it; a pointer
    /// naming no node keeps nothing. `false` when a kept subtree held it already.
    fn insert(&mut self, value: &Value, pointer: &str) -> bool {
        let p = pointer.strip_prefix('#').unwrap_or(pointer);
        let mut at = self;
        let mut cur = value;
        if !p.is_empty() {
            for raw in p.strip_prefix('/').unwrap_or(p).split('/') {
                if at.whole {
                    return false;
                }
                let token = crate::text::unescape_pointer_token(&crate::text::percent_decode(raw));
                // Array items by their index as written here, whatever the pointer wrote.
                let (next, key) = match cur {
                    Value::Object(map) => match map.get(&token) {
                        Some(v) => (v, token),
                        None => return false,
                    },
                    Value::Array(items) => match token.parse::<usize>() {
                        Ok(i) if i < items.len() => (&items[i], i.to_string()),
                        _ => return false,
                    },
                    _ => return false,
                };
                cur = next;
                at = at.below.entry(key).or_default();
            }
        }
        let new = !at.whole;
        at.whole = true;
        at.below.clear();
        new
    }

    /// Whether nothing of the document is kept.
    pub fn is_empty(&self) -> bool {
        !self.whole && self.below.is_empty()
    }
}

/// Per document, what `roots` (schema locations) reach through `$ref` and discriminator
/// mappings; `None` when the registry would resolve a reference `$ref` pointers do not show.
pub fn reach(docs: &Documents, roots: &[SchemaRef]) -> Option<Vec<Kept>> {
    let mut kept: Vec<Kept> = docs.docs.iter().map(|_| Kept::default()).collect();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut todo: Vec<(usize, String)> = roots.iter().map(|r| (r.doc, r.pointer.clone())).collect();
    while let Some((doc, pointer)) = todo.pop() {
        if !seen.insert((doc, pointer.clone())) {
            continue;
        }
        let Some(document) = docs.docs.get(doc) else {
            continue;
        };
        let Some(value) = super::source::get(&document.value, &pointer) else {
            continue;
        };
        // A subtree kept already was searched already, but for its data (`example`, …), which
        // the search steps over: a target inside data is searched again.
        let searched =
            !kept[doc].insert(&document.value, &pointer) && !pointer.split('/').any(is_data_key);
        if !searched {
            references(docs, doc, value, &mut todo)?;
        }
    }
    Some(kept)
}

/// Push the targets of the references under `value` (in `doc`); `None` at a keyword that makes
/// the registry resolve references on its own.
fn references(
    docs: &Documents,
    doc: usize,
    value: &Value,
    todo: &mut Vec<(usize, String)>,
) -> Option<()> {
    const RESOLVED_BY_REGISTRY: [&str; 6] = [
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$dynamicRef",
        "$recursiveRef",
        "$recursiveAnchor",
    ];
    // (node, whether its keys are names: `properties`, `schemas`, … where a key is no keyword)
    let mut stack = vec![(value, false)];
    while let Some((node, names)) = stack.pop() {
        match node {
            Value::Object(map) if names => {
                stack.extend(map.values().map(|v| (v, false)));
            }
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(reference)) => {
                            if let Some(RefTarget::Doc(d, p)) = docs.resolve_ref(doc, reference) {
                                todo.push((d, p));
                            }
                        }
                        (k, Value::String(_)) if RESOLVED_BY_REGISTRY.contains(&k) => {
                            return None;
                        }
                        ("discriminator", Value::Object(d)) => mapped(docs, doc, d, todo),
                        (k, v) if !is_data_key(k) && (v.is_object() || v.is_array()) => {
                            stack.push((v, super::dialect::holds_names(k)));
                        }
                        _ => {}
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, false))),
            _ => {}
        }
    }
    Some(())
}

/// A discriminator's mapping: references, or names of `#/components/schemas`.
fn mapped(
    docs: &Documents,
    doc: usize,
    discriminator: &serde_json::Map<String, Value>,
    todo: &mut Vec<(usize, String)>,
) {
    let Some(Value::Object(mapping)) = discriminator.get("mapping") else {
        return;
    };
    for target in mapping.values().filter_map(Value::as_str) {
        let reference = match target.contains('#') || target.contains('/') {
            true => target.to_string(),
            false => format!(
                "#/components/schemas/{}",
                crate::text::escape_pointer_token(target)
            ),
        };
        if let Some(RefTarget::Doc(d, p)) = docs.resolve_ref(doc, &reference) {
            todo.push((d, p));
        }
    }
}

/// Keys whose values are data, never schemas.
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(pointer: &str) -> SchemaRef {
        SchemaRef {
            doc: 0,
            pointer: pointer.into(),
        }
    }

    fn keys(kept: &Kept) -> Vec<&str> {
        let mut keys: Vec<&str> = kept.below.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn a_response_schema_reaches_what_it_refers_to_and_no_more() {
        let doc = json!({"openapi": "3.0.3", "paths": {"/p": {"get": {
            "parameters": [{"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/Q"}}],
            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}, "c": {"items": [{"$ref": "#/components/schemas/C/allOf/1"}]}},
                      "example": {"$ref": "#/components/schemas/Q"}},
                "B": {"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "t", "mapping": {"d": "D"}}},
                "C": {"allOf": [{"type": "object"}, {"type": "string"}]},
                "D": {"type": "object"},
                "Q": {"type": "string"}}}});
        let docs = Documents::from_values(vec![doc]);
        let root = "#/paths/~1p/get/responses/200/content/application~1json/schema";
        let kept = reach(&docs, &[at(root)]).unwrap_or_default();
        let schemas = &kept[0].below["components"].below["schemas"];
        assert_eq!(keys(schemas), ["A", "B", "C", "D"]);
        assert!(schemas.below["A"].whole && schemas.below["B"].whole);
        let c = &schemas.below["C"];
        assert!(!c.whole && c.below["allOf"].below["1"].whole);
        assert!(!c.below["allOf"].below.contains_key("0"));
        let get = &kept[0].below["paths"].below["/p"].below["get"];
        assert_eq!(keys(get), ["responses"]);
    }

    #[test]
    fn an_id_or_an_anchor_leaves_the_reach_to_the_registry() {
        for keyword in ["$id", "$anchor", "$dynamicRef"] {
            let doc = json!({"openapi": "3.1.0", "paths": {"/p": {"get": {"responses": {"200": {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
                "components": {"schemas": {"A": {keyword: "x", "properties": {"$id": {"type": "string"}}}}}});
            let docs = Documents::from_values(vec![doc]);
            let root = "#/paths/~1p/get/responses/200/content/application~1json/schema";
            assert!(reach(&docs, &[at(root)]).is_none(), "{keyword}");
        }
        // Properties called `$id` or `default` are not keywords.
        let doc = json!({"components": {"schemas": {"A": {"properties": {
            "$id": {"type": "string"}, "default": {"$ref": "#/components/schemas/B"}}}, "B": {}}}});
        let docs = Documents::from_values(vec![doc]);
        let kept = reach(&docs, &[at("#/components/schemas/A")]).unwrap_or_default();
        assert!(kept[0].below["components"].below["schemas"].below["B"].whole);
    }
}
