//! Reading contract files: YAML or JSON into `serde_json::Value`, and every file reachable through
//! relative `$ref`s. Each `$ref` is checked once here, so later stages can resolve without failing.

use super::error::{Position, SpecError};
use super::locate;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One parsed file.
#[derive(Debug)]
pub struct Document {
    /// The path as the user gave it (or as joined from a `$ref`), for messages.
    pub path: PathBuf,
    /// Canonical path, for identity.
    pub canonical: PathBuf,
    pub value: Value,
    /// [`crate::text::content_hash`] of the bytes read (of the serialized value when built in
    /// memory): the contract's identity in snapshots and history, from the same single read.
    pub hash: String,
}

/// Where a `$ref` string points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefTarget {
    /// A loaded document (index into [`Documents::docs`]) and a `#/…` pointer.
    Doc(usize, String),
    /// An absolute URL: never fetched while loading.
    Remote(String),
}

/// The root document and every file it references.
#[derive(Debug)]
pub struct Documents {
    pub docs: Vec<Document>,
    by_path: HashMap<PathBuf, usize>,
    /// `$ref`s to other hosts or `file:` URLs, never fetched: (document, pointer of the `$ref`,
    /// the reference). The schemas holding them accept any value; lint and check say so.
    pub refused: Vec<(usize, String, String)>,
    /// Non-standard `type`s read as their standard type (see `types`): (document, pointer of the
    /// `type`, what it said).
    pub nonstandard_types: Vec<(usize, String, String)>,
}

/// Keys whose values are data, not contract structure: `$ref`s are not looked for inside them.
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Parse YAML or JSON text. JSON is chosen by extension or by a leading `{`.
pub fn parse_text(path: &Path, text: &str) -> Result<Value, SpecError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    if is_json {
        if let Ok(mut v) = serde_json::from_str::<Value>(text) {
            fitted(&mut v);
            return Ok(v);
        }
        // JSON with a defect might still be YAML (a superset); report JSON errors for .json files.
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            return serde_json::from_str::<Value>(text).map_err(|e| SpecError::Syntax {
                at: Position::at(path, e.line(), e.column()),
                format: "JSON",
                message: e.to_string().replacen(
                    &format!(" at line {} column {}", e.line(), e.column()),
                    "",
                    1,
                ),
            });
        }
    }
    if let Some((line, column)) = flow_too_deep(text, MAX_FLOW_DEPTH) {
        return Err(SpecError::Syntax {
            at: Position::at(path, line, column),
            format: "YAML",
            message: format!(
                "`[`/`{{` collections nested deeper than {MAX_FLOW_DEPTH} levels; no contract needs that, and parsing it takes time quadratic in the depth"
            ),
        });
    }
    let mut value: Value = yaml_serde::from_str(text).map_err(|e| {
        let mut message = e.to_string();
        let at = match e.location() {
            Some(loc) => {
                // The position is printed in front; do not repeat it inside the message.
                let repeated = format!(" at line {} column {}", loc.line(), loc.column());
                message = message.replacen(&repeated, "", 1);
                Position::at(path, loc.line(), loc.column())
            }
            None => Position::file(path),
        };
        SpecError::Syntax {
            at,
            format: "YAML",
            message,
        }
    })?;
    if text.contains("<<") {
        apply_merge_keys(&mut value);
    }
    fitted(&mut value);
    Ok(value)
}

/// `value` with each map and list holding no room beyond its entries. A parser grows them as it
/// reads, by doubling, and most of a contract's objects hold one to three keys (`{"$ref": …}`):
/// room for the next entries is a third of a large contract's memory, held for the whole run.
pub fn fitted(value: &mut Value) {
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(map) => {
                if !map.is_empty() {
                    let entries = std::mem::take(map);
                    let mut exact = serde_json::Map::with_capacity(entries.len());
                    exact.extend(entries);
                    *map = exact;
                }
                todo.extend(map.values_mut());
            }
            Value::Array(items) => {
                items.shrink_to_fit();
                todo.extend(items.iter_mut());
            }
            _ => {}
        }
    }
}

/// The deepest YAML flow nesting (`[[[…`, `{a: {b: …`) a contract may have.
pub const MAX_FLOW_DEPTH: usize = 1_000;

/// Where YAML flow collections first nest deeper than `max` (1-based line and column), found in
/// one linear pass. Brackets count when they open a flow node (at the start of a value) or inside
/// one; quoted scalars and comments are skipped.
fn flow_too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    // The last significant byte on this line outside flow collections (`None` at line start).
    let mut last: Option<u8> = None;
    let mut in_comment = false;
    for &b in text.as_bytes() {
        column += 1;
        if b == b'\n' {
            (line, column, last, in_comment) = (line + 1, 0, None, false);
            if quote.is_some() && depth == 0 {
                quote = None;
            }
            continue;
        }
        if in_comment {
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == b'"' && b == b'\\' {
                escaped = true;
            } else if b == q {
                quote = None;
            }
            continue;
        }
        match b {
            b'#' if matches!(last, None | Some(b' ' | b'\t' | b',' | b'[' | b'{')) => {
                in_comment = true
            }
            b'"' | b'\'' if depth > 0 || matches!(last, None | Some(b':' | b'-' | b'?')) => {
                quote = Some(b)
            }
            b'[' | b'{' if depth > 0 || matches!(last, None | Some(b':' | b'-' | b'?')) => {
                depth += 1;
                if depth > max {
                    return Some((line, column));
                }
            }
            b']' | b'}' if depth > 0 => depth -= 1,
            b' ' | b'\t' | b'\r' => {}
            other => last = Some(other),
        }
    }
    None
}

/// YAML 1.1 merge keys (`<<: *anchor`), which the YAML reader leaves as plain keys.
fn apply_merge_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                apply_merge_keys(v);
            }
            if let Some(merge) = map.shift_remove("<<") {
                let sources = match merge {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    if let Value::Object(src) = source {
                        for (k, v) in src {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(apply_merge_keys),
        _ => {}
    }
}

fn read_file(path: &Path) -> Result<String, SpecError> {
    let bytes = std::fs::read(path).map_err(|cause| SpecError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    String::from_utf8(bytes).map_err(|e| SpecError::Syntax {
        at: Position::file(path),
        format: "text",
        message: format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// Look up a `#/…` pointer (percent-decoded, `~` escapes) in a value.
pub fn get<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    if p.is_empty() {
        return Some(value);
    }
    let mut cur = value;
    // The tokens of `pointer_tokens`, decoded only when they hold an escape.
    for raw in p.strip_prefix('/').unwrap_or(p).split('/') {
        let decoded;
        let token = if raw.contains(['%', '~']) {
            decoded = crate::text::unescape_pointer_token(&crate::text::percent_decode(raw));
            decoded.as_str()
        } else {
            raw
        };
        cur = match cur {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

impl Documents {
    /// Load `root` and every file reachable from it through relative `$ref`s, and check that every
    /// `$ref` resolves.
    pub fn load(root: &Path) -> Result<Documents, SpecError> {
        let mut set = Documents {
            docs: Vec::new(),
            by_path: HashMap::new(),
            refused: Vec::new(),
            nonstandard_types: Vec::new(),
        };
        set.add(root.to_path_buf())?;
        // `$ref`s may only reach files under the contract's own folder.
        let tree = set.docs[0]
            .canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut next = 0;
        // Refs to check once every file is loaded: (doc, pointer of the $ref, the string).
        let mut sites: Vec<(usize, String, String)> = Vec::new();
        while next < set.docs.len() {
            let mut found = Vec::new();
            collect_refs(&set.docs[next].value, &mut String::from("#"), &mut found);
            for (pointer, reference) in found {
                if let Some((file, _)) = split_file(&reference) {
                    let target = set.docs[next]
                        .path
                        .parent()
                        .unwrap_or(Path::new("."))
                        .join(file);
                    if set.index_of(&target).is_none() {
                        if !target.is_file() {
                            return Err(set.missing_ref(
                                next,
                                &pointer,
                                &reference,
                                format!("no file {}", target.display()),
                            ));
                        }
                        if let Err(reason) = confined(&tree, &target) {
                            return Err(SpecError::RefRefused {
                                at: set.position(next, &pointer),
                                pointer,
                                reference,
                                reason,
                            });
                        }
                        let index = set.add(target)?;
                        if !(set.docs[index].value.is_object() || set.docs[index].value.is_array())
                        {
                            // Never quote it: it may be any file that happens to parse as a scalar.
                            return Err(SpecError::RefRefused {
                                at: set.position(next, &pointer),
                                pointer,
                                reference,
                                reason:
                                    "the file is not a YAML or JSON document (a mapping or a list)"
                                        .into(),
                            });
                        }
                    }
                }
                sites.push((next, pointer, reference));
            }
            next += 1;
        }
        for (doc, pointer, reference) in &sites {
            match set.resolve_ref(*doc, reference) {
                Some(RefTarget::Doc(target, target_pointer)) => {
                    if get(&set.docs[target].value, &target_pointer).is_none() {
                        let reason =
                            format!("no {target_pointer} in {}", set.docs[target].path.display());
                        return Err(set.missing_ref(*doc, pointer, reference, reason));
                    }
                }
                Some(RefTarget::Remote(_)) => {
                    set.refused.push((*doc, pointer.clone(), reference.clone()));
                }
                None => {
                    return Err(set.missing_ref(
                        *doc,
                        pointer,
                        reference,
                        "not a file path or URL".into(),
                    ));
                }
            }
        }
        Ok(set)
    }

    /// Documents held in memory (embedded contracts, tests); `$ref`s to files are not followed.
    pub fn from_values(values: Vec<Value>) -> Documents {
        let mut nonstandard_types = Vec::new();
        let docs = values
            .into_iter()
            .enumerate()
            .map(|(i, mut value)| {
                let found = super::types::standardize(&mut value);
                nonstandard_types.extend(found.into_iter().map(|(p, t)| (i, p, t)));
                let path = PathBuf::from(format!("<memory:{i}>"));
                Document {
                    canonical: path.clone(),
                    path,
                    hash: crate::text::content_hash(
                        &serde_json::to_vec(&value).unwrap_or_default(),
                    ),
                    value,
                }
            })
            .collect();
        Documents {
            docs,
            by_path: HashMap::new(),
            refused: Vec::new(),
            nonstandard_types,
        }
    }

    fn add(&mut self, path: PathBuf) -> Result<usize, SpecError> {
        let text = read_file(&path)?;
        let hash = crate::text::content_hash(text.as_bytes());
        let mut value = parse_text(&path, &text)?;
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        let index = self.docs.len();
        let found = super::types::standardize(&mut value);
        self.nonstandard_types
            .extend(found.into_iter().map(|(p, t)| (index, p, t)));
        self.by_path.insert(canonical.clone(), index);
        self.docs.push(Document {
            path,
            canonical,
            value,
            hash,
        });
        Ok(index)
    }

    fn index_of(&self, path: &Path) -> Option<usize> {
        let canonical = path.canonicalize().ok()?;
        self.by_path.get(&canonical).copied()
    }

    /// The root document.
    pub fn root(&self) -> &Document {
        &self.docs[0]
    }

    /// Where a `$ref` string written in document `doc` points. `None` for an unloaded file.
    pub fn resolve_ref(&self, doc: usize, reference: &str) -> Option<RefTarget> {
        if is_remote(reference) {
            return Some(RefTarget::Remote(reference.to_string()));
        }
        match split_file(reference) {
            None => Some(RefTarget::Doc(doc, fragment(reference))),
            Some((file, frag)) => {
                let base = self.docs[doc].path.parent().unwrap_or(Path::new("."));
                let target = self.index_of(&base.join(file))?;
                Some(RefTarget::Doc(target, frag))
            }
        }
    }

    /// Follow `$ref`s from `value` in `doc` to the value they name, building no pointers or
    /// messages: for hot paths that need only the target. `None` when the chain breaks, leaves the
    /// loaded files, or runs past 64 steps (a cycle).
    pub fn follow<'a>(&'a self, doc: usize, value: &'a Value) -> Option<(usize, &'a Value)> {
        let mut cur = (doc, value);
        for _ in 0..=64 {
            let Some(reference) = cur.1.get("$ref").and_then(Value::as_str) else {
                return Some(cur);
            };
            match self.resolve_ref(cur.0, reference)? {
                RefTarget::Doc(d, p) => cur = (d, get(&self.docs[d].value, &p)?),
                RefTarget::Remote(_) => return None,
            }
        }
        None
    }

    /// Follow `$ref`s from `value` (found at `pointer` in `doc`) to the object they name.
    /// Returns the document and pointer where the value really lives.
    pub fn deref<'a>(
        &'a self,
        doc: usize,
        pointer: &str,
        value: &'a Value,
    ) -> Result<(usize, String, &'a Value), SpecError> {
        let mut cur = (doc, pointer.to_string(), value);
        let mut chain: Vec<String> = Vec::new();
        while let Some(reference) = cur.2.get("$ref").and_then(Value::as_str) {
            if chain.len() > 64 || chain.iter().any(|c| c == reference) {
                chain.push(reference.to_string());
                return Err(SpecError::RefCycle {
                    at: self.position(doc, pointer),
                    pointer: pointer.to_string(),
                    chain: chain.join(" -> "),
                });
            }
            chain.push(reference.to_string());
            match self.resolve_ref(cur.0, reference) {
                Some(RefTarget::Doc(d, p)) => match get(&self.docs[d].value, &p) {
                    Some(v) => cur = (d, p, v),
                    None => {
                        return Err(self.missing_ref(cur.0, &cur.1, reference, format!("no {p}")))
                    }
                },
                Some(RefTarget::Remote(url)) => {
                    return Err(self.missing_ref(
                        cur.0,
                        &cur.1,
                        reference,
                        format!("{url} is remote; drift does not fetch contracts over the network"),
                    ));
                }
                None => {
                    return Err(self.missing_ref(
                        cur.0,
                        &cur.1,
                        reference,
                        "file not loaded".into(),
                    ))
                }
            }
        }
        Ok(cur)
    }

    /// The position of a pointer in a document's file (re-reads the file; only for messages).
    pub fn position(&self, doc: usize, pointer: &str) -> Position {
        let path = &self.docs[doc].path;
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| locate::locate_one(&text, pointer))
            .map_or_else(|| Position::file(path), |(l, c)| Position::at(path, l, c))
    }

    fn missing_ref(&self, doc: usize, pointer: &str, reference: &str, reason: String) -> SpecError {
        SpecError::MissingRef {
            at: self.position(doc, pointer),
            pointer: pointer.to_string(),
            reference: reference.to_string(),
            reason,
        }
    }
}

/// A referenced file must be a YAML or JSON file inside `tree` (after following symlinks).
fn confined(tree: &Path, target: &Path) -> Result<(), String> {
    let canonical = target
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", target.display()))?;
    if !canonical.starts_with(tree) {
        return Err(format!(
            "{} is outside the contract's folder {}; drift reads referenced files only inside it",
            target.display(),
            tree.display()
        ));
    }
    let extension = canonical
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("yaml" | "yml" | "json") => Ok(()),
        _ => Err(format!(
            "{} is not a .yaml, .yml or .json file",
            target.display()
        )),
    }
}

fn is_remote(reference: &str) -> bool {
    reference.starts_with("//")
        || reference
            .split_once("://")
            .is_some_and(|(scheme, _)| !scheme.contains(['/', '#']))
}

/// `other.yaml#/a` → (`other.yaml`, `#/a`); a local `#/a` → None.
fn split_file(reference: &str) -> Option<(&str, String)> {
    if is_remote(reference) {
        return None;
    }
    let (file, frag) = reference.split_once('#').unwrap_or((reference, ""));
    if file.is_empty() {
        None
    } else {
        Some((file, format!("#{frag}")))
    }
}

fn fragment(reference: &str) -> String {
    match reference.split_once('#') {
        Some((_, frag)) => format!("#{frag}"),
        None => "#".to_string(),
    }
}

fn collect_refs(value: &Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((pointer.clone(), r.clone()));
            }
            for (k, v) in map {
                if is_data_key(k) || !(v.is_object() || v.is_array()) {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::text::escape_pointer_token(k));
                collect_refs(v, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if v.is_object() || v.is_array() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    collect_refs(v, pointer, out);
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

    // Fitting a parsed contract's maps and lists to their entries keeps every value and the
    // order of every key (a report lists properties as written).
    #[test]
    fn a_fitted_document_is_the_document() {
        let text =
            r##"{"z": {"$ref": "#/a"}, "a": [1, {"y": null, "b": [[], {}]}, "s"], "m": {}}"##;
        let mut v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        fitted(&mut v);
        assert_eq!(v.to_string(), text.replace(": ", ":").replace(", ", ","));
    }

    #[test]
    fn pointers_are_read_with_their_escapes() {
        let doc = serde_json::json!({
            "paths": {"/users/{id}": {"get": {"x": [10, 20]}}},
            "a~b": {"": 1},
            "": {"c d": 2}
        });
        let at = |p: &str| get(&doc, p).cloned();
        assert_eq!(at("#/paths/~1users~1{id}/get/x/1"), Some(20.into()));
        assert_eq!(at("#/paths/~1users~1%7Bid%7D/get/x/0"), Some(10.into()));
        assert_eq!(at("/a~0b/"), Some(1.into()));
        assert_eq!(at("#//c%20d"), Some(2.into()));
        assert_eq!(at("#"), Some(doc.clone()));
        assert_eq!(at(""), Some(doc.clone()));
        assert_eq!(at("#/paths/~1users~1{id}/get/x/2"), None);
        assert_eq!(at("#/paths/~1users~1{id}/get/x/one"), None);
        assert_eq!(at("#/missing"), None);
    }

    #[test]
    fn merge_keys_are_applied() {
        let v = parse_text(
            Path::new("x.yaml"),
            "b: &x {k: 1, m: 0}\nc:\n  <<: *x\n  m: 2\n",
        )
        .unwrap_or_default();
        assert_eq!(v["c"], serde_json::json!({"m": 2, "k": 1}));
    }

    #[test]
    fn yaml_syntax_error_has_position() {
        let err = parse_text(Path::new("bad.yaml"), "a:\n  b: [1, 2\n  c: 3\n").err();
        match err {
            Some(SpecError::Syntax { at, .. }) => assert_eq!(at.line, Some(3)),
            other => panic!("unexpected {other:?}"),
        }
    }

    // Nested flow YAML (200 KB, 100k levels) took 37 s to parse: quadratic in the depth.
    #[test]
    fn deep_flow_nesting_is_refused_with_a_position() {
        let deep = format!("a: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
        match parse_text(Path::new("deep.yaml"), &deep) {
            Err(SpecError::Syntax { at, message, .. }) => {
                assert_eq!((at.line, at.column), (Some(1), Some(1004)));
                assert!(message.contains("nested deeper than 1000"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let deep_maps = format!("a: {}1{}\n", "{b: ".repeat(2_000), "}".repeat(2_000));
        assert!(parse_text(Path::new("deep.yaml"), &deep_maps).is_err());
        // Brackets in plain scalars, quotes and comments are text, not nesting.
        let text = format!(
            "a: see [x\nb: '{}'\nc: \"{}\"\n# {}\nd: [[1], {{e: [2]}}]\n",
            "[".repeat(2_000),
            "{".repeat(2_000),
            "[".repeat(2_000)
        );
        let v = parse_text(Path::new("ok.yaml"), &text).unwrap_or_default();
        assert_eq!(v["d"], serde_json::json!([[1], {"e": [2]}]));
        let many_lines = "- [a, {b: c}]\n".repeat(5_000);
        assert!(parse_text(Path::new("ok.yaml"), &many_lines).is_ok());
    }

    #[test]
    fn remote_and_file_refs() {
        assert!(is_remote("https://x/y.json#/a"));
        assert!(!is_remote("common.yaml#/a"));
        assert_eq!(
            split_file("common.yaml#/a"),
            Some(("common.yaml", "#/a".to_string()))
        );
        assert_eq!(split_file("#/a"), None);
        assert_eq!(fragment("#/a/b"), "#/a/b");
    }
}
