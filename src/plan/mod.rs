//! Stage 3, `plan`: choose the read-only operations and bind their parameter values.
//!
//! Pure: a function of the contract and the user's parameter values. Each value records where it
//! came from, in priority order: configuration > the parameter's own documented example >
//! a value found in a documented response example (the operation's own, then its collection's:
//! `data.id` of `GET /patient/{id}`'s example, ids in `GET /patient`'s list) > `x-example` >
//! `default` > the first `enum` value > a placeholder synthesized from the schema. An operation
//! that is not planned is `Skipped` with its reason, never dropped.

pub mod live;

use crate::spec::source::get;
use crate::spec::{Contract, Operation, ParamIn, Parameter};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Values the user gave: for every operation, or for one operation id.
#[derive(Debug, Clone, Default)]
pub struct ParamValues {
    pub global: BTreeMap<String, String>,
    pub per_operation: BTreeMap<String, BTreeMap<String, String>>,
}

/// Where a bound value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Config,
    /// A documented example: its place in the contract and the path inside it.
    Example {
        location: String,
        path: String,
    },
    VendorExample,
    Default,
    Enum,
    Placeholder,
    /// Read from a live response earlier in the same run (`data[0].id of GET /patients`).
    Live {
        from: String,
    },
}

impl Source {
    /// A value drift made up, or took from the documentation's examples: this server may know
    /// no such thing. Configured and live values, defaults and enum values are the contract's own.
    pub fn is_guess(&self) -> bool {
        matches!(
            self,
            Source::Placeholder | Source::Example { .. } | Source::VendorExample
        )
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Config => f.write_str("config"),
            Source::Example { location, path } if path.is_empty() => {
                write!(f, "example {location}")
            }
            Source::Example { location, path } => write!(f, "example {location} at {path}"),
            Source::VendorExample => f.write_str("x-example"),
            Source::Default => f.write_str("default"),
            Source::Enum => f.write_str("enum"),
            Source::Placeholder => f.write_str("placeholder"),
            Source::Live { from } => write!(f, "{from} (live)"),
        }
    }
}

/// One bound parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    pub location: ParamIn,
    pub value: String,
    pub source: Source,
}

/// A request ready to replay (relative to the API's base URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    pub operation_id: String,
    pub method: String,
    pub path_template: String,
    /// The path with every parameter filled in and percent-encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub bindings: Vec<Binding>,
    /// The `Accept` header: the operation's declared response media types.
    pub accept: String,
    /// Follow a redirect as a client would; not when the operation declares one (its first
    /// answer is the contract).
    pub follow_redirects: bool,
}

impl PlannedRequest {
    /// The values drift made up or took from documentation rather than from the user or this
    /// server: an error answer to them says nothing about the contract.
    pub fn guessed(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.source.is_guess())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    Request(PlannedRequest),
    Skipped {
        operation_id: String,
        method: String,
        path: String,
        reason: String,
    },
}

/// Plan every operation of a contract, in contract order.
pub fn build(contract: &Contract, values: &ParamValues) -> Vec<Planned> {
    let collections = Collections::index(contract);
    contract
        .operations
        .iter()
        .map(|op| plan_operation(contract, &collections, op, values))
        .collect()
}

/// The GET operations of a contract by path (trailing `/` trimmed): where a path parameter's
/// collection is found in one lookup.
struct Collections<'c>(std::collections::HashMap<&'c str, Vec<&'c Operation>>);

impl<'c> Collections<'c> {
    fn index(contract: &'c Contract) -> Collections<'c> {
        let mut by_path: std::collections::HashMap<&str, Vec<&Operation>> = Default::default();
        for op in contract.operations.iter().filter(|o| o.method == "GET") {
            by_path
                .entry(op.path.trim_end_matches('/'))
                .or_default()
                .push(op);
        }
        Collections(by_path)
    }

    /// The GET operations on `path`, other than `op` itself.
    fn at(&self, path: &str, op: &'c Operation) -> impl Iterator<Item = &'c Operation> + '_ {
        let found = if path.is_empty() {
            None
        } else {
            self.0.get(path)
        };
        found
            .into_iter()
            .flatten()
            .copied()
            .filter(move |o| o.path != op.path)
    }
}

fn plan_operation<'c>(
    contract: &'c Contract,
    collections: &Collections<'c>,
    op: &'c Operation,
    values: &ParamValues,
) -> Planned {
    if !op.is_read_only() {
        return Planned::Skipped {
            operation_id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            reason: format!(
                "{} is not read-only: drift only sends GET and HEAD",
                op.method
            ),
        };
    }
    let mut bindings = Vec::new();
    for p in &op.parameters {
        let needed = p.location == ParamIn::Path || p.required;
        if !needed || p.location == ParamIn::FormData {
            continue;
        }
        let (value, source) = bind(contract, collections, op, p, values);
        bindings.push(Binding {
            name: p.name.clone(),
            location: p.location,
            value,
            source,
        });
    }
    // A template parameter the operation does not declare is sent only with a configured value.
    for name in crate::spec::template_parameters(&op.path) {
        if bindings
            .iter()
            .any(|b| b.location == ParamIn::Path && b.name == name)
        {
            continue;
        }
        let configured = values
            .per_operation
            .get(&op.id)
            .and_then(|m| m.get(name))
            .or_else(|| values.global.get(name));
        let Some(value) = configured else {
            return Planned::Skipped {
                operation_id: op.id.clone(),
                method: op.method.clone(),
                path: op.path.clone(),
                reason: format!(
                    "the path template names `{{{name}}}`, which the contract does not declare: give a value in `params` (drift.yaml)"
                ),
            };
        };
        bindings.push(Binding {
            name: name.to_string(),
            location: ParamIn::Path,
            value: value.clone(),
            source: Source::Config,
        });
    }
    // `.` and `..` (however they are percent-encoded) are dot segments: every URL parser removes
    // them, so the request would address another path than the report names.
    if let Some(b) = bindings
        .iter()
        .find(|b| b.location == ParamIn::Path && is_dot_segment(&b.value))
    {
        return Planned::Skipped {
            operation_id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            reason: format!(
                "path parameter `{}` is {:?}, a dot segment: a URL cannot carry it (it would address the parent path); give another value in `params`",
                b.name, b.value
            ),
        };
    }
    let path = fill_path(&op.path, &bindings);
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for b in &bindings {
        match b.location {
            ParamIn::Path => {}
            ParamIn::Query => query.push((b.name.clone(), b.value.clone())),
            ParamIn::Header => headers.push((b.name.clone(), b.value.clone())),
            ParamIn::Cookie => headers.push(("Cookie".into(), format!("{}={}", b.name, b.value))),
            ParamIn::FormData => {}
        }
    }
    Planned::Request(PlannedRequest {
        operation_id: op.id.clone(),
        method: op.method.clone(),
        path_template: op.path.clone(),
        path,
        query,
        headers,
        bindings,
        accept: accept(op),
        follow_redirects: !op.declares_redirect(),
    })
}

/// The path of a template with its path parameters' values, each percent-encoded as one segment
/// (several may share a segment: `{collection}@{timestamp}`).
pub fn fill_path(template: &str, bindings: &[Binding]) -> String {
    let mut path = template.to_string();
    for b in bindings.iter().filter(|b| b.location == ParamIn::Path) {
        path = path.replace(&format!("{{{}}}", b.name), &encode_segment(&b.value));
    }
    path
}

/// The `Accept` header of an operation: its declared response media types, successes first,
/// then anything at a low weight (a server that cannot honour them still answers, and the
/// check names an undeclared type).
fn accept(op: &Operation) -> String {
    let mut ordered: Vec<&crate::spec::Response> = op.responses.iter().collect();
    ordered.sort_by_key(|r| {
        !matches!(
            r.status,
            crate::spec::Status::Code(200..=299) | crate::spec::Status::Range(2)
        )
    });
    let mut types: Vec<&str> = Vec::new();
    let declared = ordered
        .iter()
        .flat_map(|r| r.content.iter())
        .map(|m| m.name.as_str());
    for name in declared.chain(op.produces.iter().map(String::as_str)) {
        let name = name.trim();
        let usable = !name.is_empty()
            && name.len() <= 100
            && name.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
            && !name.contains(',');
        if usable && !types.contains(&name) && types.len() < 8 {
            types.push(name);
        }
    }
    if types.is_empty() {
        return DEFAULT_ACCEPT.to_string();
    }
    if !types.contains(&"*/*") {
        types.push("*/*;q=0.1");
    }
    types.join(", ")
}

/// The `Accept` header when the contract declares no response media type.
pub const DEFAULT_ACCEPT: &str = "application/json, */*;q=0.8";

fn bind<'c>(
    contract: &'c Contract,
    collections: &Collections<'c>,
    op: &'c Operation,
    p: &Parameter,
    values: &ParamValues,
) -> (String, Source) {
    let configured = values
        .per_operation
        .get(&op.id)
        .and_then(|m| m.get(&p.name))
        .or_else(|| values.global.get(&p.name));
    if let Some(v) = configured {
        return (v.clone(), Source::Config);
    }
    if let Some(ex) = p
        .examples
        .first()
        .and_then(|e| scalar(&e.value).map(|v| (v, e)))
    {
        let location = format!("{}{}", contract.file_name(ex.1.doc), ex.1.pointer);
        return (
            ex.0,
            Source::Example {
                location,
                path: String::new(),
            },
        );
    }
    if p.location == ParamIn::Path {
        if let Some(found) = from_response_examples(contract, collections, op, &p.name) {
            return found;
        }
    }
    if let Some(v) = p.vendor_example.as_ref().and_then(scalar) {
        return (v, Source::VendorExample);
    }
    let schema = p.schema.as_ref();
    if let Some(v) = schema.and_then(|s| s.get("default")).and_then(scalar) {
        return (v, Source::Default);
    }
    if let Some(v) = schema
        .and_then(|s| s.get("enum"))
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .and_then(scalar)
    {
        return (v, Source::Enum);
    }
    (placeholder(contract, p), Source::Placeholder)
}

/// Look for a value for path parameter `name` in the documented 2xx examples of the operation
/// itself, then of the GET operations on its parent paths (the collection it belongs to).
fn from_response_examples<'c>(
    contract: &'c Contract,
    collections: &Collections<'c>,
    op: &'c Operation,
    name: &str,
) -> Option<(String, Source)> {
    let prefix = op
        .path
        .split(&format!("{{{name}}}"))
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    for candidate in std::iter::once(op).chain(collections.at(prefix, op)) {
        for (location, example) in success_examples(contract, candidate) {
            if let Some((path, value)) = find_key(example, name) {
                return Some((value, Source::Example { location, path }));
            }
        }
    }
    None
}

/// The examples of an operation's 2xx responses: media-type examples, then the `example` of the
/// response schema itself.
fn success_examples<'c>(contract: &'c Contract, op: &'c Operation) -> Vec<(String, &'c Value)> {
    let mut out = Vec::new();
    for r in op.responses.iter().filter(|r| {
        matches!(
            r.status,
            crate::spec::Status::Code(200..=299) | crate::spec::Status::Range(2)
        )
    }) {
        for m in &r.content {
            for ex in &m.examples {
                out.push((
                    format!("{}{}", contract.file_name(ex.doc), ex.pointer),
                    &ex.value,
                ));
            }
            if let Some(schema) = &m.schema {
                let doc = &contract.documents.docs[schema.doc].value;
                if let Some(example) = get(doc, &schema.pointer).and_then(|s| s.get("example")) {
                    out.push((
                        format!(
                            "{}{}/example",
                            contract.file_name(schema.doc),
                            schema.pointer
                        ),
                        example,
                    ));
                }
            }
        }
    }
    out
}

/// Find a scalar for parameter `name` in an example: the key itself, or `id` when the parameter
/// is an id (`id`, `patient_id`, `patientId`). JSON:API `data` and HAL `_embedded` come first,
/// then a breadth-first search. Returns (JSON Pointer, value).
fn find_key(example: &Value, name: &str) -> Option<(String, String)> {
    let is_id = name == "id" || name.ends_with("_id") || name.ends_with("Id") || name == "pk";
    let keys: Vec<&str> = if is_id && name != "id" {
        vec![name, "id"]
    } else {
        vec![name]
    };
    let mut queue: std::collections::VecDeque<(String, &Value)> = Default::default();
    // Preferred roots first.
    if let Some(data) = example.get("data") {
        queue.push_back(("/data".into(), data));
    }
    queue.push_back((String::new(), example));
    let mut visited = 0;
    while let Some((pointer, v)) = queue.pop_front() {
        visited += 1;
        if visited > 10_000 {
            break;
        }
        match v {
            Value::Object(map) => {
                for key in &keys {
                    let found = map
                        .get(*key)
                        .and_then(scalar)
                        .filter(|v| !crate::docs::is_placeholder(v));
                    if let Some(found) = found {
                        return Some((
                            format!("{pointer}/{}", crate::text::escape_pointer_token(key)),
                            found,
                        ));
                    }
                }
                for (k, child) in map {
                    if child.is_object() || child.is_array() {
                        queue.push_back((
                            format!("{pointer}/{}", crate::text::escape_pointer_token(k)),
                            child,
                        ));
                    }
                }
            }
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    queue.push_back((format!("{pointer}/0"), first));
                }
            }
            _ => {}
        }
    }
    None
}

/// A scalar as it would be written in a URL; objects and arrays are not usable.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value synthesized from the parameter's schema when nothing better is documented: one the
/// schema accepts (type, pattern, bounds, lengths, format), made by the mock's synthesizer.
fn placeholder(contract: &Contract, p: &Parameter) -> String {
    if let Some(place) = &p.place {
        let (value, _) = crate::mock::synth::synthesize(contract, place.doc, &place.pointer);
        let value = match value {
            // A list parameter (style simple or form): its items, comma-separated.
            Value::Array(items) => {
                let items: Option<Vec<String>> = items.iter().map(scalar).collect();
                items.filter(|i| !i.is_empty()).map(|i| i.join(","))
            }
            other => scalar(&other),
        };
        if let Some(value) = value {
            return value;
        }
    }
    simple_placeholder(p.schema.as_ref())
}

/// A placeholder from the schema's type and format alone.
fn simple_placeholder(schema: Option<&Value>) -> String {
    let ty = schema
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("string");
    let format = schema
        .and_then(|s| s.get("format"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match (ty, format) {
        ("integer" | "number", _) => schema
            .and_then(|s| s.get("minimum"))
            .and_then(Value::as_f64)
            .map_or("1".into(), |m| format!("{}", m.max(1.0) as i64)),
        ("boolean", _) => "true".into(),
        ("array", _) => simple_placeholder(schema.and_then(|s| s.get("items"))),
        (_, "uuid") => "00000000-0000-4000-8000-000000000000".into(),
        (_, "date-time") => "2026-01-01T00:00:00Z".into(),
        (_, "date") => "2026-01-01".into(),
        (_, "email") => "drift@example.com".into(),
        _ => "example".into(),
    }
}

/// Whether a path segment value is `.` or `..`, also percent-encoded (`%2E%2e`).
pub fn is_dot_segment(value: &str) -> bool {
    let decoded = value.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// Percent-encode a value for use as one path segment.
pub fn encode_segment(value: &str) -> String {
    crate::text::percent_encode(value, crate::text::PATH_SEGMENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Contract, Documents};
    use serde_json::json;

    fn contract(doc: Value) -> Contract {
        Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn swagger() -> Contract {
        contract(json!({
            "swagger": "2.0", "info": {"title": "t", "version": "1"},
            "paths": {
                "/patient": {"get": {"operationId": "fetchPatients", "parameters": [
                    {"name": "page[size]", "in": "query", "type": "integer", "default": 50},
                    {"name": "filter[group]", "in": "query", "required": true, "type": "string", "x-example": "g-1"}
                ], "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/List"}}}},
                "post": {"operationId": "createPatient", "responses": {"201": {"description": "ok"}}}},
                "/patient/{id}": {"get": {"operationId": "fetchPatient",
                    "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/One"}}}}},
                "/patient/{patient_id}/goal/{goal_id}": {"get": {"operationId": "fetchGoal", "parameters": [
                    {"name": "patient_id", "in": "path", "required": true, "type": "string"},
                    {"name": "goal_id", "in": "path", "required": true, "type": "integer", "minimum": 3},
                    {"name": "sort", "in": "query", "required": true, "type": "string", "enum": ["asc", "desc"]}
                ], "responses": {"200": {"description": "ok"}}}}
            },
            "definitions": {
                "One": {"type": "object", "example": {"data": {"type": "patient", "id": "58163112237d84a94035f78b"}}},
                "List": {"type": "object", "example": {"data": [{"type": "patient", "id": "5816311223"}]}}
            }
        }))
    }

    fn request(planned: &[Planned], id: &str) -> PlannedRequest {
        planned
            .iter()
            .find_map(|p| match p {
                Planned::Request(r) if r.operation_id == id => Some(r.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{id} not planned"))
    }

    #[test]
    fn ids_come_from_the_item_example_then_the_collection() {
        let planned = build(&swagger(), &ParamValues::default());
        let one = request(&planned, "fetchPatient");
        assert_eq!(one.path, "/patient/58163112237d84a94035f78b");
        assert_eq!(
            one.bindings[0].source,
            Source::Example {
                location: "<memory:0>#/definitions/One/example".into(),
                path: "/data/id".into()
            }
        );
        let goal = request(&planned, "fetchGoal");
        assert_eq!(
            goal.path, "/patient/5816311223/goal/3",
            "collection example, then the schema minimum"
        );
        assert_eq!(goal.bindings[1].source, Source::Placeholder);
        assert_eq!(goal.query, vec![("sort".to_string(), "asc".to_string())]);
        assert_eq!(goal.bindings[2].source, Source::Enum);
    }

    // A path parameter `..` was normalized away by the URL library: the parent path was checked
    // while the report named `/p/..`.
    #[test]
    fn dot_segment_path_values_are_skipped_with_a_reason() {
        for dots in ["..", ".", "%2E%2e", ".%2E"] {
            let mut values = ParamValues::default();
            values.global.insert("id".into(), dots.into());
            let planned = build(&swagger(), &values);
            let skipped = planned.iter().find_map(|p| match p {
                Planned::Skipped {
                    operation_id,
                    reason,
                    ..
                } if operation_id == "fetchPatient" => Some(reason.clone()),
                _ => None,
            });
            assert!(skipped.is_some_and(|r| r.contains("dot segment")), "{dots}");
        }
        assert!(!is_dot_segment("..."));
        assert!(!is_dot_segment("a.."));
    }

    #[test]
    fn config_wins_and_optional_query_parameters_are_left_out() {
        let mut values = ParamValues::default();
        values
            .per_operation
            .entry("fetchPatient".into())
            .or_default()
            .insert("id".into(), "p/1 x".into());
        let planned = build(&swagger(), &values);
        let one = request(&planned, "fetchPatient");
        assert_eq!(one.path, "/patient/p%2F1%20x");
        assert_eq!(one.bindings[0].source, Source::Config);
        let list = request(&planned, "fetchPatients");
        assert_eq!(
            list.query,
            vec![("filter[group]".to_string(), "g-1".to_string())]
        );
        assert_eq!(list.bindings[0].source, Source::VendorExample);
    }

    #[test]
    fn unsafe_methods_are_skipped_with_a_reason() {
        let planned = build(&swagger(), &ParamValues::default());
        let skipped: Vec<_> = planned
            .iter()
            .filter_map(|p| match p {
                Planned::Skipped {
                    operation_id,
                    reason,
                    ..
                } => Some((operation_id.as_str(), reason.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            skipped,
            vec![(
                "createPatient",
                "POST is not read-only: drift only sends GET and HEAD"
            )]
        );
    }
}
