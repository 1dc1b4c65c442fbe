//! Find every schema object physically written in the contract files (without following `$ref`),
//! with its `format` and the examples attached to it.

use crate::spec::{Contract, Dialect, SchemaRef};
use crate::text::pointer_push;
use serde_json::Value;

pub struct SchemaNode {
    pub schema: SchemaRef,
    pub format: Option<String>,
    pub pattern: Option<String>,
    /// (pointer of the example, value).
    pub examples: Vec<(String, Value)>,
}

/// Keywords whose value is one subschema.
const ONE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "contentSchema",
];
/// Keywords whose value is a list of subschemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/// Keywords whose value maps names to subschemas.
const MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
];

pub fn schema_nodes(contract: &Contract) -> Vec<SchemaNode> {
    let mut out = Vec::new();
    let dialect = contract.dialect;
    for (doc, d) in contract.documents.docs.iter().enumerate() {
        let mut w = Walker {
            doc,
            dialect,
            out: &mut out,
        };
        if doc == 0 {
            w.structure(&d.value, "#");
        } else if looks_like_schema(&d.value) {
            w.schema(&d.value, "#");
        } else {
            // A file of shared components: its entries may be schemas or OpenAPI objects.
            w.structure(&d.value, "#");
            if let Some(map) = d.value.as_object() {
                for (k, v) in map {
                    if looks_like_schema(v) {
                        w.schema(v, &pointer_push("#", k));
                    }
                }
            }
        }
    }
    out
}

fn looks_like_schema(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        [
            "type",
            "properties",
            "allOf",
            "anyOf",
            "oneOf",
            "items",
            "enum",
        ]
        .iter()
        .any(|k| o.contains_key(*k))
    })
}

struct Walker<'a> {
    doc: usize,
    dialect: Dialect,
    out: &'a mut Vec<SchemaNode>,
}

impl Walker<'_> {
    /// Walk OpenAPI structure, entering schema mode at the places schemas live.
    fn structure(&mut self, value: &Value, pointer: &str) {
        let Some(map) = value.as_object() else {
            if let Value::Array(items) = value {
                for (i, v) in items.iter().enumerate() {
                    self.structure(v, &format!("{pointer}/{i}"));
                }
            }
            return;
        };
        for (k, v) in map {
            let p = pointer_push(pointer, k);
            let top_level_schemas = (pointer == "#" && k == "definitions")
                || (pointer == "#/components" && k == "schemas");
            if top_level_schemas {
                for (name, s) in v.as_object().into_iter().flatten() {
                    self.schema(s, &pointer_push(&p, name));
                }
            } else if k == "schema" && v.is_object() {
                self.schema(v, &p);
            } else if !(matches!(k.as_str(), "example" | "examples" | "default" | "enum")
                || k.starts_with("x-"))
            {
                self.structure(v, &p);
            }
        }
    }

    fn schema(&mut self, value: &Value, pointer: &str) {
        let Some(map) = value.as_object() else { return };
        if map.contains_key("$ref") && self.dialect != Dialect::OpenApi31 {
            return; // siblings of $ref are ignored in 2.0/3.0
        }
        let mut examples = Vec::new();
        if let Some(ex) = map.get("example") {
            examples.push((pointer_push(pointer, "example"), ex.clone()));
        }
        if self.dialect == Dialect::OpenApi31 {
            if let Some(Value::Array(list)) = map.get("examples") {
                for (i, ex) in list.iter().enumerate() {
                    examples.push((format!("{pointer}/examples/{i}"), ex.clone()));
                }
            }
        }
        let format = map.get("format").and_then(Value::as_str).map(String::from);
        let pattern = map.get("pattern").and_then(Value::as_str).map(String::from);
        if format.is_some() || pattern.is_some() || !examples.is_empty() {
            self.out.push(SchemaNode {
                pattern,
                schema: SchemaRef {
                    doc: self.doc,
                    pointer: pointer.to_string(),
                },
                format,
                examples,
            });
        }
        for (k, v) in map {
            let p = pointer_push(pointer, k);
            let key = k.as_str();
            if MAP.contains(&key) {
                for (name, s) in v.as_object().into_iter().flatten() {
                    self.schema(s, &pointer_push(&p, name));
                }
            } else if LIST.contains(&key) && v.is_array() {
                for (i, s) in v.as_array().into_iter().flatten().enumerate() {
                    self.schema(s, &format!("{p}/{i}"));
                }
            } else if ONE.contains(&key) && v.is_object() {
                self.schema(v, &p);
            }
        }
    }
}
