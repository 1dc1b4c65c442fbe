//! Common non-standard schema types read as their standard type, once, at load.
//!
//! Contracts written by hand or by generators in the wild say `type: int`, `long`, `bool`,
//! `double`, `str`, `Integer`… JSON Schema knows none of them: a validator rejects the schema
//! and a placeholder for such a parameter cannot be typed (`example` sent for an `int` id). drift
//! reads each as the standard type it plainly means, everywhere (validators, the mock, the planner,
//! `drift diff`), and `drift lint` reports every place with the fix (`lint.nonstandard-type`).

use serde_json::Value;

/// The standard JSON Schema type a non-standard one means; `None` for standard types and for
/// names that mean nothing certain.
pub fn standard(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let standard = match lower.as_str() {
        "int" | "int32" | "int64" | "long" | "short" | "uint" | "uint32" | "uint64" | "bigint" => {
            "integer"
        }
        "float" | "double" | "decimal" | "float32" | "float64" => "number",
        "bool" => "boolean",
        "str" | "text" | "char" | "date" | "datetime" | "date-time" | "uuid" => "string",
        "dict" | "map" | "hash" => "object",
        "list" => "array",
        // A standard name in another case (`Integer`, `String`).
        "integer" | "number" | "boolean" | "string" | "object" | "array" | "null"
            if lower != name =>
        {
            return [
                "integer", "number", "boolean", "string", "object", "array", "null",
            ]
            .into_iter()
            .find(|t| *t == lower)
        }
        _ => return None,
    };
    Some(standard)
}

/// Keys whose values are data, never schemas.
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Replace every non-standard `type` in a document by its standard type. Returns where each was
/// (JSON Pointer of the `type` value) and what it said.
pub fn standardize(value: &mut Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    walk(value, &mut String::new(), &mut found);
    found
}

fn walk(value: &mut Value, pointer: &mut String, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            match map.get_mut("type") {
                Some(Value::String(t)) => {
                    if let Some(s) = standard(t) {
                        found.push((format!("{pointer}/type"), std::mem::take(t)));
                        *t = s.to_string();
                    }
                }
                Some(Value::Array(ts)) => {
                    for (i, t) in ts.iter_mut().enumerate() {
                        if let Value::String(t) = t {
                            if let Some(s) = standard(t) {
                                found.push((format!("{pointer}/type/{i}"), std::mem::take(t)));
                                *t = s.to_string();
                            }
                        }
                    }
                }
                _ => {}
            }
            for (k, v) in map.iter_mut() {
                if is_data_key(k) || !(v.is_object() || v.is_array()) {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::text::escape_pointer_token(k));
                walk(v, pointer, found);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                if v.is_object() || v.is_array() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    walk(v, pointer, found);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn common_names_become_standard_types_and_data_stays() {
        let mut doc = json!({
            "parameters": [{"name": "id", "in": "path", "type": "int"}],
            "definitions": {"A": {"type": "object", "properties": {
                "n": {"type": ["long", "null"]},
                "type": {"type": "String", "example": {"type": "int"}},
                "flag": {"type": "bool", "default": {"type": "bool"}}
            }}},
            "securityDefinitions": {"k": {"type": "apiKey"}}
        });
        let found = standardize(&mut doc);
        assert_eq!(doc["parameters"][0]["type"], "integer");
        assert_eq!(
            doc["definitions"]["A"]["properties"]["n"]["type"],
            json!(["integer", "null"])
        );
        assert_eq!(
            doc["definitions"]["A"]["properties"]["type"]["type"],
            "string"
        );
        assert_eq!(
            doc["definitions"]["A"]["properties"]["type"]["example"]["type"],
            "int"
        );
        assert_eq!(
            doc["definitions"]["A"]["properties"]["flag"]["default"]["type"],
            "bool"
        );
        assert_eq!(doc["securityDefinitions"]["k"]["type"], "apiKey");
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/parameters/0/type",
                "/definitions/A/properties/n/type/0",
                "/definitions/A/properties/type/type",
                "/definitions/A/properties/flag/type"
            ]
        );
        assert_eq!(found[0].1, "int");
        assert_eq!(standard("integer"), None);
        assert_eq!(standard("apiKey"), None);
    }
}
