//! A JSON value synthesized from a schema, for responses the contract documents no example for.
//! Documented `example`s inside the schema win over synthesis at every depth.

use crate::spec::source::{get, RefTarget};
use crate::spec::Contract;
use crate::text::pointer_push;
use serde_json::{json, Map, Value};
use std::cell::RefCell;

const MAX_DEPTH: usize = 8;

/// Synthesize a value for the schema at (`doc`, `pointer`). Also returns the documented examples
/// the value was assembled from, as (document, pointer).
pub fn synthesize(contract: &Contract, doc: usize, pointer: &str) -> (Value, Vec<(usize, String)>) {
    let synth = Synth {
        contract,
        used: RefCell::default(),
        budget: std::cell::Cell::new(MAX_NODES),
    };
    let value = match get(&contract.documents.docs[doc].value, pointer) {
        Some(schema) => synth.value(doc, pointer, schema, 0),
        None => Value::Null,
    };
    (value, synth.used.into_inner())
}

struct Synth<'a> {
    contract: &'a Contract,
    used: RefCell<Vec<(usize, String)>>,
    /// Values still allowed: wide or `allOf`-heavy schemas must not make a body exponential.
    budget: std::cell::Cell<usize>,
}

/// The most values one synthesized body may hold.
const MAX_NODES: usize = 20_000;

impl Synth<'_> {
    fn value(&self, doc: usize, pointer: &str, schema: &Value, depth: usize) -> Value {
        let Some(map) = schema.as_object() else {
            return json!({});
        };
        let Some(left) = self.budget.get().checked_sub(1) else {
            return Value::Null;
        };
        self.budget.set(left);
        if let Some(r) = map.get("$ref").and_then(Value::as_str) {
            if depth >= MAX_DEPTH {
                return Value::Null;
            }
            return match self.contract.documents.resolve_ref(doc, r) {
                Some(RefTarget::Doc(d, p)) => match get(&self.contract.documents.docs[d].value, &p)
                {
                    Some(target) => self.value(d, &p, target, depth + 1),
                    None => Value::Null,
                },
                _ => json!({}),
            };
        }
        if let Some(v) = map.get("example") {
            self.used
                .borrow_mut()
                .push((doc, pointer_push(pointer, "example")));
            return v.clone();
        }
        for key in ["const", "default"] {
            if let Some(v) = map.get(key) {
                return v.clone();
            }
        }
        if let Some(first) = map
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            self.used
                .borrow_mut()
                .push((doc, format!("{pointer}/examples/0")));
            return first.clone();
        }
        if let Some(first) = map
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        if let Some(Value::Array(all)) = map.get("allOf") {
            let mut merged = Map::new();
            for (i, part) in all.iter().enumerate() {
                if let Value::Object(o) =
                    self.value(doc, &format!("{pointer}/allOf/{i}"), part, depth + 1)
                {
                    merged.extend(o);
                }
            }
            if let Value::Object(own) = self.object(doc, pointer, map, depth) {
                merged.extend(own);
            }
            return Value::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = map
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                return self.value(doc, &format!("{pointer}/{key}/0"), first, depth + 1);
            }
        }
        let ty = match map.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ if map.contains_key("properties") => "object",
            _ if map.contains_key("items") => "array",
            _ => "object",
        };
        match ty {
            "object" => self.object(doc, pointer, map, depth),
            "array" => {
                let n = map
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .clamp(1, 3);
                if depth >= MAX_DEPTH {
                    return json!([]);
                }
                let item = match map.get("items") {
                    Some(items) => {
                        self.value(doc, &pointer_push(pointer, "items"), items, depth + 1)
                    }
                    None => json!("string"),
                };
                Value::Array(vec![item; n as usize])
            }
            "integer" => json!(bound(map).round() as i64),
            "number" => json!(bound(map)),
            "boolean" => json!(true),
            "null" => Value::Null,
            _ => json!(string_for(map)),
        }
    }

    fn object(&self, doc: usize, pointer: &str, map: &Map<String, Value>, depth: usize) -> Value {
        let mut out = Map::new();
        if depth >= MAX_DEPTH {
            return Value::Object(out);
        }
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (k, s) in props {
                if s.get("writeOnly").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                let p = pointer_push(&pointer_push(pointer, "properties"), k);
                out.insert(k.clone(), self.value(doc, &p, s, depth + 1));
            }
        }
        Value::Object(out)
    }
}

fn bound(map: &Map<String, Value>) -> f64 {
    let min = map
        .get("minimum")
        .or_else(|| map.get("exclusiveMinimum"))
        .and_then(Value::as_f64);
    let max = map.get("maximum").and_then(Value::as_f64);
    match (min, max) {
        (Some(lo), _) if map.get("exclusiveMinimum").is_some() => lo + 1.0,
        (Some(lo), _) => lo,
        (None, Some(hi)) => hi.min(1.0),
        (None, None) => 1.0,
    }
}

fn string_for(map: &Map<String, Value>) -> String {
    let format = map.get("format").and_then(Value::as_str).unwrap_or("");
    let s = match format {
        "date-time" | "dateTime" => "2026-01-01T00:00:00Z",
        "date" => "2026-01-01",
        "time" => "12:00:00",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "email" => "drift@example.com",
        "uri" | "url" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZHJpZnQ=",
        _ => "string",
    };
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    if s.len() < min {
        s.repeat(min / s.len() + 1)
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 40 schemas each `allOf` of the next twice: the body must stay small and come back at once.
    #[test]
    fn fan_out_is_bounded() {
        let mut defs = serde_json::Map::new();
        for i in 0..40 {
            let next = json!({"$ref": format!("#/definitions/S{}", i + 1)});
            defs.insert(
                format!("S{i}"),
                json!({"allOf": [next.clone(), next], "properties": {"a": {"type": "string"}}}),
            );
        }
        defs.insert("S40".into(), json!({"type": "object"}));
        let doc = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}, "definitions": defs});
        let contract = crate::spec::Contract::from_documents(
            crate::spec::source::Documents::from_values(vec![doc]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let (value, _) = synthesize(&contract, 0, "#/definitions/S0");
        assert!(value.is_object(), "{value}");
    }
}
