//! One selector syntax for `volatile` (ignored) and `pin` (must not change): JSON Pointers whose
//! tokens may be `*` (any one key or index) or `**` (any depth). Applied to a body before its shape
//! is compared or saved.

use serde_json::Value;
use std::collections::BTreeMap;

/// A selector that is not a JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("selector {0:?} must start with `/` (a JSON Pointer, `*` and `**` allowed)")]
pub struct SelectorError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    tokens: Vec<String>,
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let t = text.trim();
        if !t.starts_with('/') {
            return Err(SelectorError(text.to_string()));
        }
        Ok(Selector {
            tokens: crate::text::pointer_tokens(t),
        })
    }

    fn matches(&self, path: &[String]) -> bool {
        fn go(p: &[String], t: &[String]) -> bool {
            match p.first().map(String::as_str) {
                None => t.is_empty(),
                Some("**") => (0..=t.len()).any(|i| go(&p[1..], &t[i..])),
                Some("*") => !t.is_empty() && go(&p[1..], &t[1..]),
                Some(tok) => t.first().is_some_and(|x| x == tok) && go(&p[1..], &t[1..]),
            }
        }
        go(&self.tokens, path)
    }
}

/// Remove every value matched by a volatile selector.
pub fn strip(value: &mut Value, volatile: &[Selector]) {
    if volatile.is_empty() {
        return;
    }
    fn go(v: &mut Value, path: &mut Vec<String>, sel: &[Selector]) {
        match v {
            Value::Object(map) => {
                map.retain(|k, _| {
                    path.push(k.clone());
                    let keep = !sel.iter().any(|s| s.matches(path));
                    path.pop();
                    keep
                });
                for (k, child) in map.iter_mut() {
                    path.push(k.clone());
                    go(child, path, sel);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    go(child, path, sel);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    go(value, &mut Vec::new(), volatile);
}

/// The values at every place a pin selector matches, by concrete pointer.
pub fn pinned(value: &Value, pins: &[Selector]) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if pins.is_empty() {
        return out;
    }
    fn go(v: &Value, path: &mut Vec<String>, pins: &[Selector], out: &mut BTreeMap<String, Value>) {
        if !path.is_empty() && pins.iter().any(|s| s.matches(path)) {
            let pointer: String = path
                .iter()
                .map(|t| format!("/{}", crate::text::escape_pointer_token(t)))
                .collect();
            out.insert(pointer, v.clone());
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    path.push(k.clone());
                    go(child, path, pins, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(i.to_string());
                    go(child, path, pins, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    go(value, &mut Vec::new(), pins, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sel(s: &str) -> Selector {
        Selector::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn strip_and_pin() {
        let mut v = json!({"meta": {"req_id": "x"}, "data": [{"id": 1, "updated_at": "t"}, {"id": 2, "updated_at": "u"}]});
        strip(&mut v, &[sel("/meta/req_id"), sel("/data/*/updated_at")]);
        assert_eq!(v, json!({"meta": {}, "data": [{"id": 1}, {"id": 2}]}));
        let p = pinned(&v, &[sel("/data/*/id")]);
        assert_eq!(
            p.into_iter().collect::<Vec<_>>(),
            vec![
                ("/data/0/id".to_string(), json!(1)),
                ("/data/1/id".to_string(), json!(2))
            ]
        );
        let mut v = json!({"a": {"b": {"etag": 1}}, "etag": 2});
        strip(&mut v, &[sel("/**/etag")]);
        assert_eq!(v, json!({"a": {"b": {}}}));
        assert!(Selector::parse("data/x").is_err());
    }
}
