//! Compiled schema validators: built once per schema location, shared by every check.
//!
//! All loaded documents, translated to JSON Schema 2020-12 (see `dialect`), go into one
//! `jsonschema` registry. Schemas are compiled in batches: one validator whose root is
//! `{"properties": {"s0": {"$ref": "<doc>#<pointer>"}, "s1": …}}`, so a definition shared by many
//! responses is compiled once per batch, not once per response (on the largest public specs this is
//! the difference between seconds and minutes, and megabytes and gigabytes). A body is validated
//! as `{"sK": body}`. A batch that fails to compile is split in halves until the bad schema is
//! isolated; it alone reports the error.

use super::dialect::{doc_uri, encode_fragment, translate, Keep};
use super::model::{Dialect, SchemaRef};
use super::source::Documents;
use jsonschema::{Draft, Registry, Validator};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A compiled schema: a batch validator and this schema's key in it.
#[derive(Clone)]
pub struct SchemaValidator {
    batch: Arc<Validator>,
    key: Arc<str>,
}

impl std::fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaValidator")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl SchemaValidator {
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.batch.is_valid(&self.wrap(instance))
    }

    fn wrap(&self, instance: &Value) -> Value {
        let mut map = Map::with_capacity(1);
        map.insert(self.key.to_string(), instance.clone());
        Value::Object(map)
    }
}

/// A compiled validator, or why the schema could not be compiled.
pub type Compiled = Result<SchemaValidator, String>;

pub struct Schemas {
    registry: Result<Registry<'static>, String>,
    cache: Mutex<HashMap<SchemaRef, Compiled>>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas").finish_non_exhaustive()
    }
}

impl Schemas {
    /// The validators of `docs`; with `responses`, of those response schemas only: the copy of
    /// each document holds what they reach (see [`super::reach`]), or, where that cannot be told,
    /// the operations reduced to their responses.
    pub fn new(docs: &Documents, dialect: Dialect, responses: Option<&[SchemaRef]>) -> Schemas {
        let reached = responses.and_then(|roots| super::reach::reach(docs, roots));
        let explosive = super::fanout::explosive(docs, reached.as_deref());
        let responses_only = responses.is_some()
            && reached.is_none()
            && !super::dialect::refers_into_operations(docs);
        let resources = (0..docs.docs.len()).map(|i| {
            let keep = match (&reached, responses_only) {
                (Some(kept), _) => Keep::Reached(&kept[i]),
                (None, true) => Keep::Responses,
                (None, false) => Keep::All,
            };
            let mut value = translate(docs, i, dialect, keep);
            for (_, pointer) in explosive.iter().filter(|(d, _)| *d == i) {
                if let Some(node) = pointer_mut(&mut value, pointer) {
                    *node = json!({ "type": super::fanout::MARKER });
                }
            }
            (doc_uri(i), Draft::Draft202012.create_resource(value))
        });
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .extend(resources)
            .and_then(|b| b.prepare())
            .map_err(|e| e.to_string());
        Schemas {
            registry,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Compile every schema of `refs` not compiled yet, in one batch.
    pub fn prepare<'a>(&self, refs: impl IntoIterator<Item = &'a SchemaRef>) {
        let mut todo: Vec<SchemaRef> = {
            let cache = self.lock();
            refs.into_iter()
                .filter(|r| !cache.contains_key(*r))
                .cloned()
                .collect()
        };
        todo.sort();
        todo.dedup();
        if todo.is_empty() {
            return;
        }
        let compiled = self.compile_batch(&todo);
        let mut cache = self.lock();
        for (r, c) in todo.into_iter().zip(compiled) {
            cache.entry(r).or_insert(c);
        }
    }

    /// The validator for a schema location (compiled alone if it was not prepared).
    pub fn validator(&self, schema: &SchemaRef) -> Compiled {
        if let Some(hit) = self.lock().get(schema) {
            return hit.clone();
        }
        self.prepare(std::iter::once(schema));
        self.lock()
            .get(schema)
            .cloned()
            .unwrap_or_else(|| Err("schema was not compiled".into()))
    }

    /// A validator compiled for one use and not kept: for schemas a caller needs briefly (the
    /// mock's `oneOf` nodes), whose compiled trees would otherwise stay for the whole run.
    pub fn compile_alone(&self, schema: &SchemaRef) -> Compiled {
        if let Some(hit) = self.lock().get(schema) {
            return hit.clone();
        }
        self.compile_batch(std::slice::from_ref(schema))
            .pop()
            .unwrap_or_else(|| Err("schema was not compiled".into()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SchemaRef, Compiled>> {
        // A panic while holding the lock cannot leave the map inconsistent: entries are inserted whole.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Compile `refs` together; on failure split in halves to find the schemas that do not compile.
    fn compile_batch(&self, refs: &[SchemaRef]) -> Vec<Compiled> {
        let registry = match &self.registry {
            Ok(r) => r,
            Err(e) => return refs.iter().map(|_| Err(e.clone())).collect(),
        };
        let mut properties = Map::with_capacity(refs.len());
        for (i, r) in refs.iter().enumerate() {
            let target = encode_fragment(&format!("{}{}", doc_uri(r.doc), r.pointer));
            properties.insert(format!("s{i}"), json!({ "$ref": target }));
        }
        let root = json!({ "properties": properties });
        let built = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .with_registry(registry)
            .with_base_uri(BATCH_URI)
            .build(&root);
        match built {
            Ok(v) => {
                let batch = Arc::new(v);
                (0..refs.len())
                    .map(|i| {
                        Ok(SchemaValidator {
                            batch: batch.clone(),
                            key: format!("s{i}").into(),
                        })
                    })
                    .collect()
            }
            Err(e) if refs.len() == 1 => vec![Err(compile_error(&e))],
            Err(_) => {
                let (a, b) = refs.split_at(refs.len() / 2);
                let mut out = self.compile_batch(a);
                out.extend(self.compile_batch(b));
                out
            }
        }
    }

    /// How many distinct schemas have been compiled (successfully or not).
    pub fn compiled_count(&self) -> usize {
        self.lock().len()
    }
}

/// The node at a `#/…` pointer, for editing.
fn pointer_mut<'v>(value: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    let mut cur = value;
    for token in crate::text::pointer_tokens(pointer) {
        cur = match cur {
            Value::Object(map) => map.get_mut(&token)?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Why a schema does not compile, without quoting the offending value: it comes from a file the
/// contract references and may be anything.
fn compile_error(e: &jsonschema::ValidationError<'_>) -> String {
    let value = e.instance().to_string();
    let text = e.to_string();
    if value.contains(super::fanout::MARKER) || text.contains(super::fanout::MARKER) {
        return super::fanout::reason();
    }
    let text = if value.len() > 2 {
        text.replace(&value, "the value")
    } else {
        text
    };
    let at = e.instance_path().as_str().to_string();
    let text = crate::text::excerpt(&text, 300);
    if at.is_empty() {
        text
    } else {
        format!("{text} (at {at})")
    }
}

const BATCH_URI: &str = "file:///drift-contract/batch.json";

/// Whether the validator knows (and so enforces) a `format`.
pub fn is_known_format(name: &str) -> bool {
    jsonschema::options().is_known_format(Draft::Draft202012, name)
}

/// OpenAPI's own formats: documented, meaningful to generators, not checked by JSON Schema.
pub fn is_openapi_format(name: &str) -> bool {
    matches!(
        name,
        "int32" | "int64" | "float" | "double" | "byte" | "binary" | "password"
    )
}

/// Map a keyword location from the validator (`file:///drift-contract/doc0.json#/a/b`) back to
/// (document, `#/a/b`).
pub fn split_location(location: &str) -> Option<(usize, String)> {
    let rest = location.strip_prefix("file:///drift-contract/doc")?;
    let (index, frag) = rest.split_once(".json")?;
    let pointer = frag.strip_prefix('#').unwrap_or("");
    Some((
        index.parse().ok()?,
        format!("#{}", crate::text::percent_decode(pointer)),
    ))
}

/// One validation failure, ready to become a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The JSON Schema keyword that failed: `type`, `required`, …
    pub keyword: String,
    /// Pointer into the validated instance.
    pub instance_pointer: String,
    /// Where the failing schema is (the schema object holding the keyword).
    pub schema: Option<(usize, String)>,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub message: String,
    /// How many places broke this same rule of the same schema, at the same place of every
    /// array element (`/data/*/id`): grouped into this one violation. 1 when alone.
    pub count: usize,
    /// The first few of those places (at most [`GROUP_EXAMPLES`]).
    pub pointers: Vec<String>,
}

/// The places a grouped violation quotes.
pub const GROUP_EXAMPLES: usize = 3;

/// The most violations reported for one instance; the rest are counted, not described.
pub const MAX_VIOLATIONS: usize = 100;

/// Validate `instance`, returning every violation (empty when valid), at most [`MAX_VIOLATIONS`].
pub fn violations(validator: &SchemaValidator, instance: &Value) -> Vec<Violation> {
    violations_bounded(validator, instance).0
}

/// Validate `instance`: the first [`MAX_VIOLATIONS`] violations and how many more there were.
/// Messages and values quote a bounded excerpt of the instance, never the whole of it.
pub fn violations_bounded(
    validator: &SchemaValidator,
    instance: &Value,
) -> (Vec<Violation>, usize) {
    let wrapped = validator.wrap(instance);
    violations_of_wrapped(validator, &wrapped)
}

/// [`violations_bounded`] for an owned instance, without copying it: a response body may be
/// large, and a copy per validation doubled the memory a check needs.
pub fn violations_in_place(
    validator: &SchemaValidator,
    instance: &mut Value,
) -> (Vec<Violation>, usize) {
    let mut map = Map::with_capacity(1);
    map.insert(validator.key.to_string(), std::mem::take(instance));
    let wrapped = Value::Object(map);
    let found = violations_of_wrapped(validator, &wrapped);
    if let Value::Object(mut map) = wrapped {
        if let Some(v) = map.shift_remove(validator.key.as_ref()) {
            *instance = v;
        }
    }
    found
}

fn violations_of_wrapped(validator: &SchemaValidator, wrapped: &Value) -> (Vec<Violation>, usize) {
    let prefix = format!("/{}", validator.key);
    let errors = validator.batch.iter_errors(wrapped);
    // Violations of the same rule at the same place of many array elements are one group: the
    // first is described, the others counted (exactly) with their first places quoted.
    let mut found: Vec<Violation> = Vec::new();
    let mut groups: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    let mut more = 0usize;
    for err in errors {
        let keyword = err.kind().keyword().to_string();
        let location = err
            .absolute_keyword_location()
            .map(|u| u.as_str().to_string())
            .unwrap_or_default();
        let pointer = err
            .instance_path()
            .as_str()
            .strip_prefix(prefix.as_str())
            .unwrap_or("")
            .to_string();
        let key = (
            keyword.clone(),
            location,
            crate::model::generalize_pointer(&pointer),
        );
        if let Some(&i) = groups.get(&key) {
            let v = &mut found[i];
            v.count += 1;
            if v.pointers.len() < GROUP_EXAMPLES {
                v.pointers.push(pointer);
            }
            continue;
        }
        if found.len() >= MAX_VIOLATIONS {
            more += 1;
            continue;
        }
        groups.insert(key, found.len());
        found.push(describe(&err, keyword, pointer));
    }
    (found, more)
}

/// One violation, described: its schema place, expected and actual values, bounded message.
fn describe(err: &jsonschema::ValidationError<'_>, keyword: String, pointer: String) -> Violation {
    use crate::model::{MAX_MESSAGE_BYTES, MAX_VALUE_BYTES};
    use crate::text::excerpt;
    use jsonschema::error::ValidationErrorKind as K;
    let schema = err
        .absolute_keyword_location()
        .and_then(|uri| split_location(uri.as_str()))
        .map(|(doc, p)| (doc, strip_keyword(&p, &keyword)));
    let (expected, actual) = match err.kind() {
        K::Type { kind } => (
            Some(type_names(kind)),
            Some(json_type(err.instance()).to_string()),
        ),
        K::Required { property } => (property.as_str().map(String::from), Some("missing".into())),
        K::Enum { options } => (
            Some(excerpt(&options.to_string(), MAX_VALUE_BYTES)),
            Some(instance_excerpt(err)),
        ),
        K::Format { format } => (Some(format.clone()), Some(instance_excerpt(err))),
        K::AdditionalProperties { unexpected } => (
            Some("no other properties".into()),
            Some(unexpected.join(", ")),
        ),
        _ => (None, None),
    };
    Violation {
        message: excerpt(&bounded_message(err), MAX_MESSAGE_BYTES),
        keyword,
        pointers: vec![pointer.clone()],
        instance_pointer: pointer,
        schema,
        expected,
        actual,
        count: 1,
    }
}

/// An excerpt of the failing value, serialized only as far as needed.
fn instance_excerpt(err: &jsonschema::ValidationError<'_>) -> String {
    bounded_json(err.instance().as_ref(), crate::model::MAX_VALUE_BYTES)
}

/// The validator's message, with a large failing value replaced by its excerpt first (the
/// message would otherwise hold the whole serialized value, e.g. a 10 MB body).
fn bounded_message(err: &jsonschema::ValidationError<'_>) -> String {
    let instance: &Value = err.instance().as_ref();
    let big = match instance {
        Value::Array(a) => a.len() > 8,
        Value::Object(o) => o.len() > 8,
        Value::String(t) => t.len() > 200,
        _ => false,
    };
    if !big {
        return err.to_string();
    }
    format!(
        "{} does not match: {} (keyword `{}`)",
        bounded_json(instance, 200),
        crate::spec::schemas::kind_summary(err),
        err.kind().keyword()
    )
}

/// A one-line description of what a keyword expected, without the instance.
pub(crate) fn kind_summary(err: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    match err.kind() {
        K::Type { kind } => format!("expected {}", type_names(kind)),
        K::Enum { options } => format!(
            "expected one of {}",
            crate::text::excerpt(&options.to_string(), 200)
        ),
        other => format!("{other:?}")
            .split(['{', '(', ' '])
            .next()
            .unwrap_or("invalid")
            .to_string(),
    }
}

/// JSON text of `value`, cut at `max` bytes without serializing more than needed.
fn bounded_json(value: &Value, max: usize) -> String {
    struct Limited {
        out: Vec<u8>,
        max: usize,
    }
    impl std::io::Write for Limited {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.out.len() >= self.max {
                return Err(std::io::Error::other("enough"));
            }
            self.out.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = Limited {
        out: Vec::new(),
        max,
    };
    let complete = serde_json::to_writer(&mut w, value).is_ok();
    let text = String::from_utf8_lossy(&w.out).into_owned();
    if complete {
        crate::text::excerpt(&text, max)
    } else {
        let cut = crate::text::excerpt(&text, max);
        if cut.ends_with("more bytes)") {
            cut.split("… (")
                .next()
                .map(|h| format!("{h}…"))
                .unwrap_or(cut)
        } else {
            format!("{cut}…")
        }
    }
}

fn strip_keyword(pointer: &str, keyword: &str) -> String {
    match pointer.rsplit_once('/') {
        Some((parent, last)) if last == keyword => parent.to_string(),
        _ => pointer.to_string(),
    }
}

fn type_names(kind: &jsonschema::error::TypeKind) -> String {
    use jsonschema::error::TypeKind;
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

/// The JSON type name of a value (`integer` for whole numbers).
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas(doc: Value, dialect: Dialect) -> Schemas {
        Schemas::new(&Documents::from_values(vec![doc]), dialect, None)
    }

    // Validators of responses only leave the operations' parameters out of their copy, unless a
    // response schema refers into one; responses validate the same either way.
    #[test]
    fn validators_of_responses_only_keep_what_responses_refer_to() {
        let at = |p: &str| SchemaRef {
            doc: 0,
            pointer: p.into(),
        };
        let response = "#/paths/~1p/get/responses/200/content/application~1json/schema";
        let parameter = "#/paths/~1p/get/parameters/0/schema";
        let doc = |reused: bool| {
            let schema = match reused {
                true => json!({"$ref": parameter}),
                false => json!({"type": "string", "x-ms-enum": {"name": "e"}}),
            };
            json!({"openapi": "3.0.3", "paths": {"/p": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": schema}}}}}}}})
        };
        for reused in [false, true] {
            let s = Schemas::new(
                &Documents::from_values(vec![doc(reused)]),
                Dialect::OpenApi30,
                Some(&[at(response)]),
            );
            let v = s.validator(&at(response)).unwrap_or_else(|e| panic!("{e}"));
            assert!(v.is_valid(&json!("a")) && !v.is_valid(&json!(1)));
            assert_eq!(s.validator(&at(parameter)).is_ok(), reused);
        }
    }

    #[test]
    fn validates_through_refs_and_reports_locations() {
        let s = schemas(
            json!({
                "definitions": {
                    "Patient": {"type": "object", "required": ["id"], "properties": {
                        "id": {"type": "string"},
                        "birth": {"type": "string", "format": "date", "x-nullable": true},
                        "friend": {"$ref": "#/definitions/Patient"}
                    }}
                },
                "paths": {"/p/{id}": {"get": {"responses": {"200": {"schema": {"$ref": "#/definitions/Patient"}}}}}}
            }),
            Dialect::Swagger2,
        );
        let v = s.validator(&SchemaRef {
            doc: 0,
            pointer: "#/paths/~1p~1{id}/get/responses/200/schema".into(),
        });
        let v = v.unwrap_or_else(|e| panic!("{e}"));
        assert!(violations(
            &v,
            &json!({"id": "a", "birth": null, "friend": {"id": "b"}})
        )
        .is_empty());
        let found = violations(&v, &json!({"id": 3, "birth": "nope", "friend": {}}));
        let mut kinds: Vec<_> = found
            .iter()
            .map(|f| (f.keyword.as_str(), f.instance_pointer.as_str()))
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            vec![
                ("format", "/birth"),
                ("required", "/friend"),
                ("type", "/id")
            ]
        );
        let ty = found.iter().find(|f| f.keyword == "type").cloned();
        let ty = ty.unwrap_or_else(|| panic!("no type violation"));
        assert_eq!(
            ty.schema,
            Some((0, "#/definitions/Patient/properties/id".to_string()))
        );
        assert_eq!(
            (ty.expected.as_deref(), ty.actual.as_deref()),
            (Some("string"), Some("integer"))
        );
        assert_eq!(s.compiled_count(), 1);
    }

    #[test]
    fn unknown_formats_are_tolerated() {
        let s = schemas(
            json!({"definitions": {"T": {"type": "string", "format": "dateTime"}}}),
            Dialect::Swagger2,
        );
        let v = s.validator(&SchemaRef {
            doc: 0,
            pointer: "#/definitions/T".into(),
        });
        assert!(v.is_ok_and(|v| v.is_valid(&json!("whenever"))));
        assert!(is_known_format("date-time") && !is_known_format("dateTime"));
    }

    #[test]
    fn bad_schema_is_an_error_not_a_panic() {
        let s = schemas(
            json!({"definitions": {"T": {"type": "strung"}}}),
            Dialect::OpenApi30,
        );
        assert!(s
            .validator(&SchemaRef {
                doc: 0,
                pointer: "#/definitions/T".into()
            })
            .is_err());
    }

    #[test]
    fn a_bad_schema_does_not_spoil_its_batch() {
        let s = schemas(
            json!({"definitions": {
                "A": {"type": "string"},
                "B": {"type": "strung"},
                "C": {"type": "integer"},
                "D": {"$ref": "#/definitions/A"}
            }}),
            Dialect::OpenApi30,
        );
        let refs: Vec<SchemaRef> = ["A", "B", "C", "D"]
            .iter()
            .map(|n| SchemaRef {
                doc: 0,
                pointer: format!("#/definitions/{n}"),
            })
            .collect();
        s.prepare(&refs);
        let ok: Vec<bool> = refs.iter().map(|r| s.validator(r).is_ok()).collect();
        assert_eq!(ok, vec![true, false, true, true]);
        let c = s.validator(&refs[2]).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.is_valid(&json!(3)) && !c.is_valid(&json!("3")));
        let found = violations(&c, &json!("3"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].instance_pointer, "");
        assert_eq!(found[0].schema, Some((0, "#/definitions/C".to_string())));
    }
}
