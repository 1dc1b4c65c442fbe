//! One schema flattened: its `$ref`s followed and its `allOf` parts merged into the keywords
//! that matter to a reader of values. The mock reads it to make a body, the differ to compare
//! two contracts; each adds only its own reading of the `oneOf`/`anyOf` branches, which stay
//! unmerged here.
//!
//! Cycle-safe by construction: a schema reached again through its own composition (a base
//! listing its subtypes in `oneOf`, each subtype `allOf: [base, …]`) is not unfolded again, a
//! depth limit stops the rest, and every node visited spends from a budget the caller owns.

use super::source::{get, RefTarget};
use super::Contract;
use crate::text::pointer_push;
use serde_json::{Map, Value};
use std::cell::Cell;

/// A schema node: its document, pointer, and value. The pointer of a node reached from a
/// caller's own place (a parameter's schema) extends that place, so it may not resolve in the
/// document: the value is carried along.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub doc: usize,
    pub pointer: String,
    pub value: &'a Value,
}

impl Node<'_> {
    fn child(&self, key: &str) -> String {
        pointer_push(&self.pointer, key)
    }
}

/// A property as its first declaration (an earlier `allOf` part wins) gives it.
#[derive(Debug, Clone)]
pub struct Property<'a> {
    pub name: String,
    pub node: Node<'a>,
    /// The property's own schema says `writeOnly: true`.
    pub write_only: bool,
}

/// A `oneOf` or `anyOf`: its branches and the node that holds them.
#[derive(Debug, Clone)]
pub struct Choice<'a> {
    pub branches: Vec<Node<'a>>,
    pub node: Node<'a>,
    /// `oneOf` (a value matches one branch only), else `anyOf`.
    pub one_of: bool,
}

/// The keywords of a schema with its `$ref`s followed and its `allOf` parts merged: the first
/// declaration of a value wins, bounds and lengths keep the tightest, types narrow.
#[derive(Debug, Default)]
pub struct Flat<'a> {
    /// The declared types (`null` only as `type: 'null'`; in a list of types it sets
    /// `nullable`); `allOf` parts narrow them.
    pub types: Vec<String>,
    /// Some node declares a `type`.
    pub typed: bool,
    pub nullable: bool,
    /// `null` is valid here for sure: the outermost node declares its type and `nullable` (or
    /// `null` among its types), with no `allOf`/`oneOf` parts that might not admit it.
    pub null_ok: bool,
    /// The outermost schema's own `example` (or first `examples`) and where it is: a part's
    /// example is not the whole's.
    pub example: Option<(&'a Value, usize, String)>,
    pub constant: Option<&'a Value>,
    pub default: Option<&'a Value>,
    pub enumeration: Option<&'a Vec<Value>>,
    pub properties: Vec<Property<'a>>,
    pub required: Vec<String>,
    pub additional: Option<Node<'a>>,
    /// `additionalProperties: false`.
    pub closed: bool,
    pub min_properties: usize,
    pub max_properties: Option<usize>,
    /// `propertyNames`, `patternProperties` or `maxProperties` limit the keys of a map.
    pub keys_limited: bool,
    pub items: Option<Node<'a>>,
    /// `prefixItems`, or Draft 4 tuple `items`.
    pub prefix: Vec<Node<'a>>,
    pub min_items: usize,
    pub max_items: Option<usize>,
    pub unique: bool,
    pub min_len: usize,
    pub max_len: Option<usize>,
    pub pattern: Option<&'a str>,
    pub format: Option<&'a str>,
    /// Numeric bounds, each (value, exclusive): `minimum`, 3.0 `exclusiveMinimum: true` and 3.1
    /// `exclusiveMinimum: N` read as one, the tightest kept.
    pub minimum: Option<(f64, bool)>,
    pub maximum: Option<(f64, bool)>,
    pub multiple_of: Option<f64>,
    pub read_only: bool,
    pub write_only: bool,
    /// Every `oneOf`/`anyOf` met, the outermost first (at one node `oneOf` before `anyOf`).
    pub choices: Vec<Choice<'a>>,
    /// The discriminator's property, and its `mapping` node (read when a branch is named: a
    /// mapping can list a thousand subtypes, too many to copy at every node).
    pub discriminator: Option<(String, Option<Node<'a>>)>,
    /// Other keywords, as the first node that has them wrote them (`not`, `if`, `contains`, …).
    pub keywords: Vec<(&'static str, &'a Value)>,
}

/// How far one flattening may go: the nodes left to visit (shared with the caller, who may
/// flatten many schemas on one budget) and the depth to stop at.
pub struct Walk<'b> {
    pub budget: &'b Cell<usize>,
    pub max_depth: usize,
    on_path: Vec<(usize, String)>,
}

impl<'b> Walk<'b> {
    pub fn new(budget: &'b Cell<usize>, max_depth: usize) -> Walk<'b> {
        Walk {
            budget,
            max_depth,
            on_path: Vec::new(),
        }
    }

    fn spend(&self) -> bool {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                true
            }
            None => false,
        }
    }
}

/// Flatten the schema `node`, reached at `depth`. `own`: the node is the whole schema (its
/// example and its `null` count), not a part of one.
pub fn flatten<'a>(
    contract: &'a Contract,
    node: Node<'a>,
    depth: usize,
    own: bool,
    walk: &mut Walk<'_>,
) -> Flat<'a> {
    let mut flat = Flat::default();
    fold(contract, node, &mut flat, depth, own, walk);
    flat
}

/// Fold the schema at `node` into `flat`. `own`: the outermost schema (through `$ref`s).
fn fold<'a>(
    contract: &'a Contract,
    node: Node<'a>,
    flat: &mut Flat<'a>,
    depth: usize,
    own: bool,
    walk: &mut Walk<'_>,
) {
    if depth > walk.max_depth || !walk.spend() {
        return;
    }
    let Some(map) = node.value.as_object() else {
        return;
    };
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        if let Some(RefTarget::Doc(d, p)) = contract.documents.resolve_ref(node.doc, r) {
            if let Some(value) = contract
                .documents
                .docs
                .get(d)
                .and_then(|x| get(&x.value, &p))
            {
                let target = Node {
                    doc: d,
                    pointer: p,
                    value,
                };
                fold(contract, target, flat, depth + 1, own, walk);
            }
        }
        return;
    }
    if walk
        .on_path
        .iter()
        .any(|(d, p)| *d == node.doc && *p == node.pointer)
    {
        return; // reached again through its own composition
    }
    own_keywords(&node, map, flat, own);
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            let base = node.child(key);
            let branches = branches
                .iter()
                .take(MAX_BRANCHES)
                .enumerate()
                .map(|(i, value)| Node {
                    doc: node.doc,
                    pointer: pointer_push(&base, &i.to_string()),
                    value,
                })
                .collect();
            flat.choices.push(Choice {
                branches,
                node: node.clone(),
                one_of: key == "oneOf",
            });
        }
    }
    if let Some(Value::Array(parts)) = map.get("allOf") {
        let base = node.child("allOf");
        walk.on_path.push((node.doc, node.pointer.clone()));
        for (i, value) in parts.iter().enumerate() {
            let part = Node {
                doc: node.doc,
                pointer: pointer_push(&base, &i.to_string()),
                value,
            };
            fold(contract, part, flat, depth + 1, false, walk);
        }
        walk.on_path.pop();
    }
}

/// The most branches of one `oneOf`/`anyOf` read.
const MAX_BRANCHES: usize = 256;

/// The keywords of one schema object (not its parts) folded into `flat`.
fn own_keywords<'a>(node: &Node<'a>, map: &'a Map<String, Value>, flat: &mut Flat<'a>, own: bool) {
    if own && flat.example.is_none() {
        if let Some(v) = map.get("example") {
            flat.example = Some((v, node.doc, node.child("example")));
        } else if let Some(v) = map
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            flat.example = Some((v, node.doc, format!("{}/examples/0", node.pointer)));
        }
    }
    flat.typed |= map.contains_key("type");
    match map.get("type") {
        Some(Value::String(t)) => merge_types(flat, vec![t.clone()]),
        Some(Value::Array(ts)) => {
            flat.nullable |= ts.iter().any(|t| t == "null");
            let ts = ts.iter().filter_map(Value::as_str).filter(|t| *t != "null");
            merge_types(flat, ts.map(String::from).collect());
        }
        _ => {}
    }
    let says_nullable = map.get("nullable") == Some(&Value::Bool(true))
        || map.get("x-nullable") == Some(&Value::Bool(true));
    flat.nullable |= says_nullable;
    // Where one node both declares its type and admits `null`, with no parts to agree with.
    let null_typed = match map.get("type") {
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
        Some(Value::String(_)) => says_nullable,
        _ => false,
    };
    let parts = ["allOf", "anyOf", "oneOf", "not"]
        .iter()
        .any(|k| map.contains_key(*k));
    flat.null_ok |= own && null_typed && !parts;
    flat.constant = flat.constant.or(map.get("const"));
    flat.default = flat.default.or(map.get("default"));
    flat.enumeration = flat
        .enumeration
        .or(map.get("enum").and_then(Value::as_array));
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        let base = node.child("properties");
        // A property an earlier `allOf` part declared keeps its first declaration, unless the
        // later one says all it says and more: a base's `type: {type: string}` that a subtype
        // narrows to an `enum` (both apply, and the later alone is both).
        let known: std::collections::HashMap<&str, usize> = flat
            .properties
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), i))
            .collect();
        let mut added = Vec::new();
        let mut narrowed = Vec::new();
        for (name, schema) in props {
            if schema == &Value::Bool(false) {
                continue;
            }
            let property = Property {
                name: name.clone(),
                node: Node {
                    doc: node.doc,
                    pointer: pointer_push(&base, name),
                    value: schema,
                },
                write_only: schema.get("writeOnly") == Some(&Value::Bool(true)),
            };
            match known.get(name.as_str()) {
                None => added.push(property),
                Some(&i) if implies(schema, flat.properties[i].node.value) => {
                    narrowed.push((i, property))
                }
                Some(_) => {}
            }
        }
        for (i, property) in narrowed {
            flat.properties[i] = property;
        }
        flat.properties.extend(added);
    }
    for r in map
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !flat.required.iter().any(|x| x == r) {
            flat.required.push(r.to_string());
        }
    }
    let at = |key: &str, value: &'a Value| Node {
        doc: node.doc,
        pointer: node.child(key),
        value,
    };
    match map.get("additionalProperties") {
        Some(Value::Bool(false)) => flat.closed = true,
        Some(v @ Value::Object(_)) if flat.additional.is_none() => {
            flat.additional = Some(at("additionalProperties", v));
        }
        _ => {}
    }
    // A tuple: 2020-12 `prefixItems`, or Draft 4 `items` as a list.
    let tuple = |key: &str, parts: &'a Vec<Value>| -> Vec<Node<'a>> {
        let base = node.child(key);
        (parts.iter().enumerate())
            .map(|(i, value)| Node {
                doc: node.doc,
                pointer: format!("{base}/{i}"),
                value,
            })
            .collect()
    };
    match map.get("items") {
        Some(v @ Value::Object(_)) if flat.items.is_none() => flat.items = Some(at("items", v)),
        Some(Value::Array(parts)) if flat.prefix.is_empty() => flat.prefix = tuple("items", parts),
        _ => {}
    }
    if let Some(Value::Array(parts)) = map.get("prefixItems") {
        if flat.prefix.is_empty() {
            flat.prefix = tuple("prefixItems", parts);
        }
    }
    let whole = |k: &str| {
        map.get(k)
            .and_then(Value::as_f64)
            .map(|v| v.max(0.0) as usize)
    };
    flat.min_properties = flat.min_properties.max(whole("minProperties").unwrap_or(0));
    flat.max_properties = min_opt(flat.max_properties, whole("maxProperties"));
    flat.keys_limited |= ["propertyNames", "patternProperties", "maxProperties"]
        .iter()
        .any(|k| map.contains_key(*k));
    flat.min_items = flat.min_items.max(whole("minItems").unwrap_or(0));
    flat.max_items = min_opt(flat.max_items, whole("maxItems"));
    flat.unique |= map.get("uniqueItems") == Some(&Value::Bool(true));
    flat.min_len = flat.min_len.max(whole("minLength").unwrap_or(0));
    flat.max_len = min_opt(flat.max_len, whole("maxLength"));
    flat.pattern = flat.pattern.or(map.get("pattern").and_then(Value::as_str));
    flat.format = flat.format.or(map.get("format").and_then(Value::as_str));
    for (lower, inclusive, exclusive) in [
        (true, "minimum", "exclusiveMinimum"),
        (false, "maximum", "exclusiveMaximum"),
    ] {
        let Some(b) = bound(map, inclusive, exclusive, lower) else {
            continue;
        };
        let kept = if lower {
            &mut flat.minimum
        } else {
            &mut flat.maximum
        };
        if kept.is_none_or(|k| tighter(b, k, lower)) {
            *kept = Some(b);
        }
    }
    if flat.multiple_of.is_none() {
        flat.multiple_of = map
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|m| *m > 0.0);
    }
    flat.read_only |= map.get("readOnly") == Some(&Value::Bool(true));
    flat.write_only |= map.get("writeOnly") == Some(&Value::Bool(true));
    if flat.discriminator.is_none() {
        let discriminator = map.get("discriminator");
        // OpenAPI 3 `{propertyName, mapping}`, Swagger 2.0 a bare property name.
        let name = discriminator
            .and_then(|d| d.get("propertyName").or(Some(d)))
            .and_then(Value::as_str);
        if let Some(name) = name {
            let mapping = discriminator
                .and_then(|d| d.get("mapping"))
                .filter(|m| m.is_object())
                .map(|value| Node {
                    doc: node.doc,
                    pointer: format!("{}/discriminator/mapping", node.pointer),
                    value,
                });
            flat.discriminator = Some((name.to_string(), mapping));
        }
    }
    for key in KEYWORDS {
        if let Some(v) = map.get(*key) {
            if !flat.keywords.iter().any(|(k, _)| k == key) {
                flat.keywords.push((key, v));
            }
        }
    }
}

/// Keywords kept as written: their meaning is the reader's to decide.
pub const KEYWORDS: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "propertyNames",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

/// Whether schema `later` holds every constraint of `earlier` as written (annotations aside),
/// so a value valid under `later` is valid under both.
fn implies(later: &Value, earlier: &Value) -> bool {
    let (Some(later), Some(earlier)) = (later.as_object(), earlier.as_object()) else {
        return false;
    };
    let annotation = |k: &str| {
        k.starts_with("x-")
            || matches!(
                k,
                "description" | "title" | "example" | "examples" | "deprecated" | "externalDocs"
            )
    };
    let constraints = |m: &Map<String, Value>| m.keys().filter(|k| !annotation(k)).count();
    constraints(later) > constraints(earlier)
        && earlier
            .iter()
            .filter(|(k, _)| !annotation(k))
            .all(|(k, v)| later.get(k) == Some(v))
}

fn min_opt(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `allOf` parts narrow the type: the first part's types, kept to those the next part shares.
fn merge_types(flat: &mut Flat<'_>, types: Vec<String>) {
    if flat.types.is_empty() {
        flat.types = types;
    } else {
        let shared: Vec<String> = flat
            .types
            .iter()
            .filter(|t| types.contains(t))
            .cloned()
            .collect();
        if !shared.is_empty() {
            flat.types = shared;
        } else if flat.types == ["number"] && types == ["integer"] {
            // integer ⊂ number: the narrower wins.
            flat.types = types;
        }
    }
}

/// A numeric bound as (value, exclusive): the tighter of the inclusive and the exclusive one,
/// Draft 4 (`exclusiveMinimum: true`) and 2020-12 (`exclusiveMinimum: 5`) read as one.
fn bound(
    map: &Map<String, Value>,
    inclusive: &str,
    exclusive: &str,
    lower: bool,
) -> Option<(f64, bool)> {
    let at = map.get(inclusive).and_then(Value::as_f64);
    let boolean = map.get(exclusive) == Some(&Value::Bool(true));
    let candidates = [
        match map.get(exclusive) {
            // 3.0: the inclusive bound made exclusive.
            Some(Value::Bool(true)) => at.map(|v| (v, true)),
            Some(Value::Number(n)) => n.as_f64().map(|v| (v, true)),
            _ => None,
        },
        at.filter(|_| !boolean).map(|v| (v, false)),
    ];
    candidates
        .into_iter()
        .flatten()
        .reduce(|a, b| if tighter(b, a, lower) { b } else { a })
}

/// Whether bound `b` admits fewer values than `a`.
pub fn tighter(b: (f64, bool), a: (f64, bool), lower: bool) -> bool {
    let further = if lower { b.0 > a.0 } else { b.0 < a.0 };
    further || (b.0 == a.0 && b.1 && !a.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Documents;
    use serde_json::json;

    fn contract(schemas: Value) -> Contract {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": schemas}});
        Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn flat_of<'a>(c: &'a Contract, name: &str, budget: &Cell<usize>) -> Flat<'a> {
        let pointer = format!("#/components/schemas/{name}");
        let value = c.documents.docs[0]
            .value
            .pointer(&format!("/components/schemas/{name}"))
            .unwrap_or(&Value::Null);
        let node = Node {
            doc: 0,
            pointer,
            value,
        };
        flatten(c, node, 0, true, &mut Walk::new(budget, 48))
    }

    /// A base's discriminating `type` that a part narrows to an `enum` is read as the enum:
    /// both apply, and the narrower alone says both (Bitbucket's `pipeline_selector`).
    #[test]
    fn a_property_a_later_part_narrows_is_read_narrowed() {
        let c = contract(json!({
            "object": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string"}, "name": {"type": "string", "maxLength": 9}}},
            "selector": {"allOf": [{"$ref": "#/components/schemas/object"}, {"properties": {
                "type": {"type": "string", "enum": ["branches", "tags"], "description": "kind"},
                "name": {"type": "integer"}}}]}
        }));
        let budget = Cell::new(1000);
        let f = flat_of(&c, "selector", &budget);
        let of = |name: &str| {
            f.properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.node.value.clone())
        };
        assert_eq!(
            of("type").and_then(|t| t.get("enum").cloned()),
            Some(json!(["branches", "tags"]))
        );
        // A redeclaration that drops a constraint is not the narrower one: the first stays.
        assert_eq!(of("name"), Some(json!({"type": "string", "maxLength": 9})));
        assert_eq!(f.properties.len(), 2);
    }

    #[test]
    fn all_of_parts_merge_into_the_tightest_schema() {
        let c = contract(json!({
            "Id": {"type": "string", "minLength": 2, "maxLength": 36, "example": "p-1"},
            "Short": {"allOf": [{"$ref": "#/components/schemas/Id"}, {"maxLength": 8, "minimum": 1,
                "exclusiveMinimum": 1}], "required": ["a"], "properties": {"a": {"type": "integer"}}},
            "Number": {"allOf": [{"type": "number", "maximum": 10}, {"type": "integer", "exclusiveMaximum": 10}]}
        }));
        let budget = Cell::new(1000);
        let f = flat_of(&c, "Short", &budget);
        assert_eq!(f.types, ["string"]);
        assert_eq!((f.min_len, f.max_len), (2, Some(8)));
        // A part's example is not the whole's.
        assert!(f.example.is_none());
        assert_eq!(f.minimum, Some((1.0, true)));
        assert_eq!(f.required, ["a"]);
        assert_eq!(f.properties[0].name, "a");
        let n = flat_of(&c, "Number", &budget);
        assert_eq!(n.types, ["integer"]);
        assert_eq!(n.maximum, Some((10.0, true)));
        assert!(flat_of(&c, "Id", &budget).example.is_some());
    }

    #[test]
    fn a_base_listing_its_subtypes_is_unfolded_once() {
        // Each subtype is `allOf: [base, …]`, the base lists the subtypes in `oneOf`.
        let mut schemas = serde_json::Map::new();
        let names: Vec<String> = (0..40).map(|i| format!("Sub{i}")).collect();
        let refs: Vec<Value> = names
            .iter()
            .map(|n| json!({"$ref": format!("#/components/schemas/{n}")}))
            .collect();
        schemas.insert(
            "Base".into(),
            json!({"type": "object", "properties": {"kind": {"type": "string"}}, "oneOf": refs,
                "discriminator": {"propertyName": "kind"}}),
        );
        for n in &names {
            schemas.insert(
                n.clone(),
                json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                    {"properties": {n.to_lowercase(): {"type": "string"}}}]}),
            );
        }
        let c = contract(Value::Object(schemas));
        let budget = Cell::new(1000);
        let sub = flat_of(&c, "Sub7", &budget);
        assert_eq!(
            sub.properties
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["kind", "sub7"]
        );
        assert_eq!(sub.choices.len(), 1);
        assert_eq!(sub.choices[0].branches.len(), 40);
        assert_eq!(
            sub.discriminator.as_ref().map(|d| d.0.as_str()),
            Some("kind")
        );
        // A handful of nodes, not one per path through the cycle.
        assert!(1000 - budget.get() < 10, "{} nodes", 1000 - budget.get());
    }

    #[test]
    fn a_self_including_all_of_stops_and_the_budget_bounds_the_rest() {
        let c = contract(json!({
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}], "properties": {"a": {}}},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}], "properties": {"b": {}}}
        }));
        let budget = Cell::new(1000);
        let f = flat_of(&c, "A", &budget);
        assert_eq!(f.properties.len(), 2);
        let none = Cell::new(0);
        assert!(flat_of(&c, "A", &none).properties.is_empty());
    }
}
