//! Translate OpenAPI schema dialects into JSON Schema 2020-12, once, at load.
//!
//! The translation keeps every schema at the same JSON Pointer (so findings point into the file
//! the user wrote), except where a `$ref` with a `nullable` sibling becomes `anyOf`. Decisions:
//! - `nullable: true` / `x-nullable: true` add `"null"` to `type` (and to `enum` when present);
//!   `nullable` without `type` has no effect, as OpenAPI 3.0.3 specifies.
//! - Swagger 2.0 / OpenAPI 3.0: siblings of `$ref` are ignored (the spec says so), except a
//!   `nullable` flag, which generators emit beside `$ref` and users expect to be honoured.
//! - 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` become the 2020-12 numeric form.
//! - `items: [..]` (a tuple, not allowed by OpenAPI but seen in the wild) becomes `prefixItems`.
//! - `writeOnly` properties are dropped from `required`: drift validates responses, where a
//!   write-only property is absent by design. `readOnly` needs nothing for responses.
//! - `discriminator` is an annotation: `oneOf`/`anyOf` already decide validity.
//! - `type: file` (2.0) accepts anything. Unknown `format`s are not enforced (lint reports them).
//! - A `pattern` the regular-expression engine cannot compile (ECMA-only syntax such as
//!   `\p{XDigit}`, or a size past the engine's limit) is dropped, so the rest of the schema is still
//!   enforced; `drift lint` reports it as `lint.unsupported-pattern`.
//! - `$ref`s to other files are rewritten to the registry URI of that file; remote `$ref`s (never
//!   fetched) accept anything.

use super::model::Dialect;
use super::source::{Documents, RefTarget};
use serde_json::{json, Map, Value};

/// The registry URI under which document `index` is known to the validator.
pub fn doc_uri(index: usize) -> String {
    format!("file:///drift-contract/doc{index}.json")
}

/// Keys whose values are data, never schemas: left untouched.
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// What of a document the validators' copy keeps.
#[derive(Clone, Copy)]
pub enum Keep<'a> {
    /// Everything (`drift lint` validates the examples of parameters and request bodies too).
    All,
    /// The operations reduced to their responses, every definition.
    Responses,
    /// What the response schemas reach (see `reach`).
    Reached(&'a super::reach::Kept),
}

/// The translated copy of document `index` of `docs`, of what `keep` says.
pub fn translate(docs: &Documents, index: usize, dialect: Dialect, keep: Keep<'_>) -> Value {
    let source = &docs.docs[index].value;
    let mut value = match (keep, source) {
        (Keep::Reached(kept), _) => reached(source, kept, false),
        (Keep::Responses, Value::Object(root)) => Value::Object(
            root.iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("paths", Value::Object(paths)) => (k.clone(), responses_of(paths)),
                    _ => (k.clone(), without_annotations(v, false)),
                })
                .collect(),
        ),
        _ => without_annotations(source, false),
    };
    let t = Translator {
        docs,
        index,
        dialect,
    };
    t.walk(&mut value, false);
    value
}

/// [`without_annotations`] of the kept part of `value`. An array keeps its length (its items
/// are named by index): an item not kept becomes `{}`.
fn reached(value: &Value, kept: &super::reach::Kept, names: bool) -> Value {
    if kept.whole {
        return without_annotations(value, names);
    }
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| names || !is_annotation(k, v))
                .filter_map(|(k, v)| {
                    let below = kept.below.get(k)?;
                    Some((k.clone(), reached(v, below, !names && holds_names(k))))
                })
                .collect(),
        ),
        Value::Array(items) if !kept.below.is_empty() => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| match kept.below.get(&i.to_string()) {
                    Some(below) => reached(v, below, false),
                    None => Value::Object(Map::new()),
                })
                .collect(),
        ),
        _ => Value::Object(Map::new()),
    }
}

/// A copy of a document without what validation never reads: prose (`description`, `summary`,
/// `title` strings) and examples. On the largest contracts this is over a fifth of the nodes
/// and close to half of the bytes of the copy the validators hold. Keys of maps whose keys are
/// names (`properties`, `definitions`, `paths`, …) are all kept: a property may be called
/// `description`.
fn without_annotations(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| names || !is_annotation(k, v))
                .map(|(k, v)| (k.clone(), without_annotations(v, !names && holds_names(k))))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| without_annotations(v, false))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn is_annotation(key: &str, value: &Value) -> bool {
    match key {
        "description" | "summary" | "title" => value.is_string(),
        "example" | "examples" => true,
        // Vendor extensions are not keywords; `x-nullable` is read by the translation.
        "x-nullable" => false,
        _ => key.starts_with("x-"),
    }
}

/// The path items with each operation reduced to its responses.
fn responses_of(paths: &Map<String, Value>) -> Value {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let item = |item: &Value| match item {
        Value::Object(ops) => Value::Object(
            ops.iter()
                .filter(|(method, _)| METHODS.contains(&method.as_str()))
                .filter_map(|(method, op)| {
                    let responses = op.get("responses")?;
                    let kept = json!({ "responses": without_annotations(responses, true) });
                    Some((method.clone(), kept))
                })
                .collect(),
        ),
        other => without_annotations(other, false),
    };
    Value::Object(paths.iter().map(|(k, v)| (k.clone(), item(v))).collect())
}

/// Whether a `$ref` of any document points into an operation outside its responses (a schema
/// reusing a parameter's): then the validators' copy keeps the operations whole.
pub fn refers_into_operations(docs: &Documents) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::Object(map) => map.iter().any(|(k, v)| match (k.as_str(), v) {
                ("$ref", Value::String(r)) => r.contains("#/paths/") && !r.contains("/responses/"),
                _ => walk(v),
            }),
            Value::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    docs.docs.iter().any(|d| walk(&d.value))
}

/// Whether the keys of the map under `key` are names rather than keywords.
pub(super) fn holds_names(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "dependentSchemas"
            | "definitions"
            | "$defs"
            | "schemas"
            | "paths"
            | "webhooks"
            | "responses"
            | "parameters"
            | "requestBodies"
            | "headers"
            | "content"
            | "callbacks"
            | "links"
            | "securitySchemes"
            | "variables"
            | "encoding"
    )
}

struct Translator<'a> {
    docs: &'a Documents,
    index: usize,
    dialect: Dialect,
}

/// Whether the validator's regular-expression engine accepts a `pattern` (remembered for the
/// run: contracts repeat their patterns, and compiling one is costly).
pub fn pattern_supported(pattern: &str) -> bool {
    static KNOWN: crate::memo::Memo<String, bool> = crate::memo::Memo::new(16_384);
    KNOWN.get_or(pattern.to_string(), |p| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&json!({ "pattern": p }))
            .is_ok()
    })
}

impl Translator<'_> {
    fn legacy(&self) -> bool {
        self.dialect != Dialect::OpenApi31
    }

    /// Translate the schemas in `value`; `names`: its keys are names (`properties`, `responses`),
    /// so a key spelled like a keyword (a `default` response, a property named `example`) holds
    /// a schema or a response like any other, not data.
    fn walk(&self, value: &mut Value, names: bool) {
        match value {
            Value::Object(map) => {
                if !names {
                    self.object(map);
                }
                for (k, v) in map.iter_mut() {
                    if names {
                        self.walk(v, false);
                    } else if !is_data_key(k) {
                        self.walk(v, holds_names(k));
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.walk(v, false)),
            _ => {}
        }
    }

    fn object(&self, map: &mut Map<String, Value>) {
        // Most objects (`properties` maps, paths, responses) hold none of the keywords below:
        // one pass over their keys instead of a lookup per keyword.
        const TRANSLATED: [&str; 9] = [
            "$ref",
            "nullable",
            "x-nullable",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "items",
            "type",
            "required",
            "pattern",
        ];
        if !map.keys().any(|k| TRANSLATED.contains(&k.as_str())) {
            return;
        }
        if let Some(Value::String(reference)) = map.get("$ref") {
            let nullable = is_true(map.get("nullable")) || is_true(map.get("x-nullable"));
            let target = match self.docs.resolve_ref(self.index, reference) {
                Some(RefTarget::Doc(doc, pointer)) if doc == self.index => Some(pointer),
                Some(RefTarget::Doc(doc, pointer)) => Some(format!("{}{}", doc_uri(doc), pointer)),
                _ => None,
            };
            let Some(target) = target.map(|t| encode_fragment(&t)) else {
                map.clear(); // remote or unloadable: accept anything
                return;
            };
            if self.legacy() {
                map.clear();
                if nullable {
                    map.insert(
                        "anyOf".into(),
                        json!([{ "$ref": target }, { "type": "null" }]),
                    );
                } else {
                    map.insert("$ref".into(), Value::String(target));
                }
                return;
            }
            map.insert("$ref".into(), Value::String(target));
        }
        // Only objects that look like schemas are touched below.
        if is_true(map.get("nullable")) || is_true(map.get("x-nullable")) {
            add_null(map);
        }
        if self.legacy() {
            exclusive_bound(map, "exclusiveMinimum", "minimum");
            exclusive_bound(map, "exclusiveMaximum", "maximum");
            if map.get("items").is_some_and(Value::is_array) {
                if let Some(items) = map.shift_remove("items") {
                    map.insert("prefixItems".into(), items);
                }
            }
        }
        if map.get("type").and_then(Value::as_str) == Some("file") {
            map.shift_remove("type");
        }
        // `required: true` belongs to parameters and headers, not schemas; 2020-12 would reject it.
        if map.get("required").is_some_and(Value::is_boolean) {
            map.shift_remove("required");
        }
        drop_write_only_required(map);
        if let Some(Value::String(pattern)) = map.get("pattern") {
            if !pattern_supported(pattern) {
                map.shift_remove("pattern");
            }
        }
    }
}

fn is_true(v: Option<&Value>) -> bool {
    v.and_then(Value::as_bool) == Some(true)
}

fn add_null(map: &mut Map<String, Value>) {
    match map.get_mut("type") {
        Some(Value::String(t)) if t != "null" => {
            let t = std::mem::take(t);
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(json!("null"))
        }
        _ => return, // no type: nullable has no effect
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if !values.iter().any(Value::is_null) {
            values.push(Value::Null);
        }
    }
}

fn exclusive_bound(map: &mut Map<String, Value>, exclusive: &str, bound: &str) {
    match map.get(exclusive) {
        Some(Value::Bool(true)) => {
            if let Some(limit) = map.shift_remove(bound) {
                map.insert(exclusive.into(), limit);
            } else {
                map.shift_remove(exclusive);
            }
        }
        Some(Value::Bool(false)) => {
            map.shift_remove(exclusive);
        }
        _ => {}
    }
}

fn drop_write_only_required(map: &mut Map<String, Value>) {
    let Some(props) = map.get("properties").and_then(Value::as_object) else {
        return;
    };
    let write_only: Vec<String> = props
        .iter()
        .filter(|(_, s)| is_true(s.get("writeOnly")))
        .map(|(k, _)| k.clone())
        .collect();
    if write_only.is_empty() {
        return;
    }
    if let Some(Value::Array(required)) = map.get_mut("required") {
        required.retain(|r| {
            r.as_str()
                .is_none_or(|name| !write_only.iter().any(|w| w == name))
        });
    }
}

/// Percent-encode the characters a URI fragment may not hold (`{`, `}`, spaces, …).
pub fn encode_fragment(reference: &str) -> String {
    match reference.split_once('#') {
        Some((base, frag)) => format!(
            "{base}#{}",
            crate::text::percent_encode(frag, crate::text::FRAGMENT)
        ),
        None => reference.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translated(dialect: Dialect, mut schema: Value) -> Value {
        let docs = Documents::from_values(vec![schema.clone()]);
        let t = Translator {
            docs: &docs,
            index: 0,
            dialect,
        };
        t.walk(&mut schema, false);
        schema
    }

    // `default` is data in a schema but a response in `responses`, and a property may be named
    // like a keyword: their schemas were left untranslated, so `null` in a default response's
    // `nullable` field was reported as drift.
    #[test]
    fn schemas_under_names_spelled_like_keywords_are_translated() {
        let doc = json!({"responses": {"default": {"content": {"application/json": {"schema": {
            "properties": {
                "memo": {"type": "string", "nullable": true},
                "example": {"type": "integer", "nullable": true},
                "default": {"properties": {"x": {"type": "string", "nullable": true}}}},
            "default": {"memo": "kept as data", "nullable": true}}}}}}});
        let s = translated(Dialect::OpenApi30, doc);
        let schema = &s["responses"]["default"]["content"]["application/json"]["schema"];
        assert_eq!(
            schema["properties"]["memo"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(
            schema["properties"]["example"]["type"],
            json!(["integer", "null"])
        );
        assert_eq!(
            schema["properties"]["default"]["properties"]["x"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(
            schema["default"],
            json!({"memo": "kept as data", "nullable": true})
        );
    }

    #[test]
    fn nullable_adds_null_to_type_and_enum() {
        let s = translated(
            Dialect::OpenApi30,
            json!({"type": "string", "nullable": true, "enum": ["a"]}),
        );
        assert_eq!(s["type"], json!(["string", "null"]));
        assert_eq!(s["enum"], json!(["a", null]));
        let s = translated(
            Dialect::Swagger2,
            json!({"type": "integer", "x-nullable": true}),
        );
        assert_eq!(s["type"], json!(["integer", "null"]));
    }

    #[test]
    fn legacy_ref_siblings_dropped_but_nullable_kept() {
        let s = translated(
            Dialect::OpenApi30,
            json!({"$ref": "#/a", "description": "d", "type": "string"}),
        );
        assert_eq!(s, json!({"$ref": "#/a"}));
        let s = translated(Dialect::OpenApi30, json!({"$ref": "#/a", "nullable": true}));
        assert_eq!(s, json!({"anyOf": [{"$ref": "#/a"}, {"type": "null"}]}));
        let s = translated(Dialect::OpenApi31, json!({"$ref": "#/a", "type": "object"}));
        assert_eq!(s, json!({"$ref": "#/a", "type": "object"}));
    }

    #[test]
    fn boolean_exclusive_bounds() {
        let s = translated(
            Dialect::OpenApi30,
            json!({"minimum": 1, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": false}),
        );
        assert_eq!(s, json!({"exclusiveMinimum": 1, "maximum": 5}));
    }

    #[test]
    fn write_only_not_required_in_responses() {
        let s = translated(
            Dialect::OpenApi30,
            json!({"required": ["a", "pw"], "properties": {"a": {}, "pw": {"writeOnly": true}}}),
        );
        assert_eq!(s["required"], json!(["a"]));
    }

    #[test]
    fn examples_are_not_translated() {
        let s = translated(
            Dialect::OpenApi30,
            json!({"type": "object", "example": {"nullable": true, "type": "x"}}),
        );
        assert_eq!(s["example"], json!({"nullable": true, "type": "x"}));
    }

    #[test]
    fn unsupported_patterns_are_dropped_not_fatal() {
        let s = translated(
            Dialect::OpenApi30,
            json!({"type": "string", "pattern": "\\p{XDigit}{8}", "maxLength": 3}),
        );
        assert_eq!(s, json!({"type": "string", "maxLength": 3}));
        let s = translated(
            Dialect::OpenApi30,
            json!({"type": "string", "pattern": "^[a-z]+$"}),
        );
        assert_eq!(s["pattern"], "^[a-z]+$");
    }

    #[test]
    fn fragments_are_encoded() {
        assert_eq!(
            encode_fragment("#/paths/~1a~1{id}"),
            "#/paths/~1a~1%7Bid%7D"
        );
        assert_eq!(encode_fragment("#/definitions/A B"), "#/definitions/A%20B");
    }
}
