//! What the contract declares about a response body, as snapshots need it: at each place, the
//! declared properties and which are required, whether keys are data (a free-form map), the
//! declared types, whether `null` is admitted and whether a string `format` is declared. Snapshots
//! are read through it, so what the schema itself leaves variable is not drift.
//!
//! Built from the contract as written (Swagger 2.0 `x-nullable`, OpenAPI 3.0 `nullable`, type
//! arrays), following `$ref`s and merging `allOf`/`anyOf`/`oneOf` branches (a property declared by
//! any branch is declared). Bounded: depth and `$ref` cycles end in an undeclared view.

use crate::spec::{Contract, SchemaRef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The declarations at one place of a body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaView {
    /// Declared types (`object`, `string`, …); empty when the schema says nothing.
    pub types: BTreeSet<String>,
    /// `null` is admitted (declared, or no type is declared at all).
    pub nullable: bool,
    /// A string `format` is declared.
    pub format: bool,
    /// The declared string `pattern`.
    pub pattern: Option<String>,
    /// The declared `maximum` of a whole number, and `maxItems` of an array.
    pub maximum: Option<u64>,
    pub max_items: Option<u64>,
    pub properties: BTreeMap<String, SchemaView>,
    pub required: BTreeSet<String>,
    /// Keys are data: `additionalProperties` (or an object with no declared properties).
    pub free_form: bool,
    /// What the values of a free-form map are.
    pub values: Option<Box<SchemaView>>,
    pub items: Option<Box<SchemaView>>,
}

/// The view of a place the contract says nothing about.
static UNDECLARED: SchemaView = SchemaView {
    types: BTreeSet::new(),
    nullable: true,
    format: false,
    pattern: None,
    maximum: None,
    max_items: None,
    properties: BTreeMap::new(),
    required: BTreeSet::new(),
    free_form: false,
    values: None,
    items: None,
};

/// Deeper than this, a body is compared as undeclared.
const MAX_DEPTH: usize = 32;
/// The most schema nodes one view holds: a contract's schemas can reference each other widely,
/// and unfolding them must stay cheap; past the budget, places are compared as undeclared.
const MAX_NODES: usize = 4_000;

impl SchemaView {
    /// Nothing declared: any type, `null` admitted, no properties.
    pub fn undeclared() -> SchemaView {
        SchemaView {
            nullable: true,
            ..SchemaView::default()
        }
    }

    /// The view of a response schema.
    pub fn of(contract: &Contract, schema: &SchemaRef) -> SchemaView {
        let docs = &contract.documents;
        match crate::spec::source::get(&docs.docs[schema.doc].value, &schema.pointer) {
            Some(node) => {
                let mut b = Builder {
                    contract,
                    seen: Vec::new(),
                    budget: MAX_NODES,
                    max_depth: MAX_DEPTH,
                    elements: true,
                };
                b.build(schema.doc, node, 0)
            }
            None => SchemaView::undeclared(),
        }
    }

    /// The top of a response schema's view, cheap on huge contracts: a few levels deep, array
    /// elements not unfolded (they are known to be there, not what they declare). Enough to
    /// find a collection's item list, count and links.
    pub fn outline(contract: &Contract, schema: &SchemaRef) -> SchemaView {
        let docs = &contract.documents;
        match crate::spec::source::get(&docs.docs[schema.doc].value, &schema.pointer) {
            Some(node) => {
                let mut b = Builder {
                    contract,
                    seen: Vec::new(),
                    budget: 500,
                    max_depth: 8,
                    elements: false,
                };
                b.build(schema.doc, node, 0)
            }
            None => SchemaView::undeclared(),
        }
    }

    /// Whether `key` is declared at this object.
    pub fn declares(&self, key: &str) -> bool {
        self.properties.contains_key(key)
    }

    /// The view of a property (undeclared when the schema does not say).
    pub fn property(&self, key: &str) -> SchemaView {
        if let Some(p) = self.properties.get(key) {
            return p.clone();
        }
        match (&self.values, self.free_form) {
            (Some(v), _) => (**v).clone(),
            _ => SchemaView::undeclared(),
        }
    }

    /// [`SchemaView::property`], borrowed.
    pub fn property_ref(&self, key: &str) -> &SchemaView {
        if let Some(p) = self.properties.get(key) {
            return p;
        }
        match &self.values {
            Some(v) => v,
            None => &UNDECLARED,
        }
    }

    /// The view of array elements.
    pub fn element(&self) -> SchemaView {
        self.element_ref().clone()
    }

    /// [`SchemaView::element`], borrowed.
    pub fn element_ref(&self) -> &SchemaView {
        self.items.as_deref().unwrap_or(&UNDECLARED)
    }

    /// A free-form map with no declared properties: its keys are data.
    pub fn is_map(&self) -> bool {
        self.free_form && self.properties.is_empty()
    }

    /// `number` declared, or no type at all: a whole number and a fraction are the same kind.
    pub fn number_is_loose(&self) -> bool {
        self.types.is_empty() || self.types.contains("number")
    }
}

struct Builder<'c> {
    contract: &'c Contract,
    /// `$ref` targets being built (a cycle ends in an undeclared view), by address.
    seen: Vec<*const Value>,
    budget: usize,
    max_depth: usize,
    /// Unfold array elements (else they are left undeclared).
    elements: bool,
}

/// The keywords of one schema object a view reads, found in one pass over its keys.
#[derive(Default)]
struct Keywords<'v> {
    reference: bool,
    types: Option<&'v Value>,
    nullable: bool,
    null_in_enum: bool,
    format: bool,
    pattern: Option<&'v str>,
    maximum: Option<u64>,
    max_items: Option<u64>,
    required: Option<&'v Vec<Value>>,
    properties: Option<&'v serde_json::Map<String, Value>>,
    additional: Option<&'v Value>,
    items: Option<&'v Value>,
    all_of: Option<&'v Vec<Value>>,
    any_of: Option<&'v Vec<Value>>,
    one_of: Option<&'v Vec<Value>>,
}

impl<'v> Keywords<'v> {
    fn of(map: &'v serde_json::Map<String, Value>) -> Keywords<'v> {
        let mut k = Keywords::default();
        for (key, value) in map {
            match key.as_str() {
                "$ref" => k.reference = true,
                "type" => k.types = Some(value),
                "nullable" | "x-nullable" => k.nullable |= value == &Value::Bool(true),
                "enum" => {
                    k.null_in_enum = value.as_array().is_some_and(|e| e.contains(&Value::Null));
                }
                "format" => k.format = value.is_string(),
                "pattern" => k.pattern = value.as_str(),
                "maximum" => k.maximum = value.as_u64(),
                "maxItems" => k.max_items = value.as_u64(),
                "required" => k.required = value.as_array(),
                "properties" => k.properties = value.as_object(),
                "additionalProperties" => k.additional = Some(value),
                "items" => k.items = Some(value).filter(|i| i.is_object()),
                "allOf" => k.all_of = value.as_array(),
                "anyOf" => k.any_of = value.as_array(),
                "oneOf" => k.one_of = value.as_array(),
                _ => {}
            }
        }
        k
    }
}

impl Builder<'_> {
    fn build(&mut self, doc: usize, node: &Value, depth: usize) -> SchemaView {
        if depth > self.max_depth || self.budget == 0 {
            return SchemaView::undeclared();
        }
        self.budget -= 1;
        let Some(map) = node.as_object() else {
            // `true`, `{}`-like or invalid: nothing declared.
            return SchemaView::undeclared();
        };
        let k = Keywords::of(map);
        if k.reference {
            let Some((d, target)) = self.contract.documents.follow(doc, node) else {
                return SchemaView::undeclared();
            };
            let address: *const Value = target;
            if self.seen.contains(&address) {
                return SchemaView::undeclared();
            }
            self.seen.push(address);
            let view = self.build(d, target, depth + 1);
            self.seen.pop();
            return view;
        }
        let mut view = SchemaView::default();
        match k.types {
            Some(Value::String(t)) => {
                view.types.insert(t.clone());
            }
            Some(Value::Array(ts)) => view
                .types
                .extend(ts.iter().filter_map(Value::as_str).map(String::from)),
            _ => {}
        }
        view.nullable =
            view.types.remove("null") || view.types.is_empty() || k.nullable || k.null_in_enum;
        view.format = k.format;
        view.pattern = k.pattern.map(String::from);
        view.maximum = k.maximum;
        view.max_items = k.max_items;
        if let Some(req) = k.required {
            view.required
                .extend(req.iter().filter_map(Value::as_str).map(String::from));
        }
        if let Some(props) = k.properties {
            for (name, schema) in props {
                let v = self.build(doc, schema, depth + 1);
                view.properties.insert(name.clone(), v);
            }
        }
        match k.additional {
            Some(Value::Bool(false)) => {}
            Some(schema @ Value::Object(_)) => {
                view.free_form = true;
                let v = self.build(doc, schema, depth + 1);
                view.values = Some(Box::new(v));
            }
            Some(_) => view.free_form = true,
            None => view.free_form = view.properties.is_empty(),
        }
        if let Some(items) = k.items {
            let v = if self.elements {
                self.build(doc, items, depth + 1)
            } else {
                SchemaView::undeclared()
            };
            view.items = Some(Box::new(v));
        }
        for (branches, all_of) in [(k.all_of, true), (k.any_of, false), (k.one_of, false)] {
            for branch in branches.into_iter().flatten() {
                let b = self.build(doc, branch, depth + 1);
                merge(&mut view, b, all_of);
            }
        }
        view
    }
}

/// Fold a combined branch into a view: its properties are declared; with `allOf` its required
/// keys are required, with `anyOf`/`oneOf` they are not (another branch may apply).
fn merge(view: &mut SchemaView, branch: SchemaView, all_of: bool) {
    let had_props = !view.properties.is_empty();
    for (k, v) in branch.properties {
        view.properties.entry(k).or_insert(v);
    }
    if all_of {
        view.required.extend(branch.required);
        view.types.extend(branch.types);
        view.nullable &= branch.nullable;
    } else {
        view.nullable |= branch.nullable;
        if !view.types.is_empty() {
            view.types.extend(branch.types);
        }
    }
    view.format |= branch.format;
    view.pattern = view.pattern.take().or(branch.pattern);
    view.maximum = view.maximum.or(branch.maximum);
    view.max_items = view.max_items.or(branch.max_items);
    if branch.free_form && (branch.values.is_some() || !all_of) {
        view.free_form = true;
        view.values = view.values.take().or(branch.values);
    } else if !had_props && !view.properties.is_empty() && view.values.is_none() {
        // Properties came from the branches: the object is not free-form after all.
        view.free_form = false;
    }
    if view.items.is_none() {
        view.items = branch.items;
    }
}
