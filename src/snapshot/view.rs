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
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// The declarations at one place of a body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaView {
    /// Declared types (`object`, `string`, …); empty when the schema says nothing.
    pub types: Types,
    /// `null` is admitted (declared, or no type is declared at all).
    pub nullable: bool,
    /// A string `format` is declared.
    pub format: bool,
    /// The declared string `pattern`.
    pub pattern: Option<String>,
    /// The declared `maximum` of a whole number, and `maxItems` of an array.
    pub maximum: Option<u64>,
    pub max_items: Option<u64>,
    /// `uniqueItems: true`.
    pub unique: bool,
    /// The declared `minLength` of a string.
    pub min_length: Option<u64>,
    pub properties: BTreeMap<String, SchemaView>,
    pub required: BTreeSet<String>,
    /// Keys are data: `additionalProperties` (or an object with no declared properties).
    pub free_form: bool,
    /// An object the contract says nothing of — no properties, no `additionalProperties`
    /// (`type: object` alone, `{}`): its keys may be names (a JSON:API resource's `attributes`)
    /// or data (a map keyed by ids). Each key is read by what it looks like
    /// ([`looks_like_data`]); the names are learned as structure, with evidence.
    pub open: bool,
    /// What the values of a free-form map are.
    pub values: Option<Box<SchemaView>>,
    pub items: Option<Box<SchemaView>>,
    /// The property that tells the variants of these objects apart: the declared
    /// `discriminator` (OpenAPI's `propertyName`, Swagger 2.0's name), or the one property every
    /// `oneOf`/`anyOf` branch pins to a single value (`const`, an `enum` of one).
    pub discriminator: Option<String>,
    /// The `oneOf`/`anyOf` branches of objects no property tells apart, each as the keys it
    /// declares and those it requires: an element's variant is the branch it fits.
    pub branches: Vec<Branch>,
    /// The schema admits one value only (`const`, an `enum` of one).
    pub single: bool,
    /// The types `oneOf`/`anyOf` branches declare when every branch declares one (a link that is
    /// a string or an object): a value moving between them is what the contract allows.
    pub alternatives: Types,
    /// The contract declares this place but it was not read: past the depth or node budget of
    /// a view, or where a `$ref` cycle comes round. Its keys are neither declared nor
    /// undeclared: a key that goes is weighed as an optional one.
    pub unread: bool,
}

/// A set of JSON Schema type names, in one byte: names past the seven of JSON Schema (Swagger's
/// `file`, typos) count as one other type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Types(u8);

const TYPE_NAMES: [&str; 7] = [
    "null", "boolean", "object", "array", "number", "integer", "string",
];
const OTHER_TYPE: u8 = 1 << 7;

impl Types {
    fn bit(name: &str) -> u8 {
        TYPE_NAMES
            .iter()
            .position(|t| *t == name)
            .map_or(OTHER_TYPE, |i| 1 << i)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0 & Types::bit(name) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    pub fn insert(&mut self, name: &str) {
        self.0 |= Types::bit(name);
    }

    /// Remove `name`; whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let had = self.contains(name);
        self.0 &= !Types::bit(name);
        had
    }

    pub fn extend(&mut self, other: Types) {
        self.0 |= other.0;
    }
}

/// The view of a place the contract says nothing about.
static UNDECLARED: SchemaView = nothing_declared(false);

/// A place the contract declares but the view did not read (see [`SchemaView::unread`]).
static UNREAD: SchemaView = nothing_declared(true);

/// A view that declares nothing: any type, `null` admitted, no properties.
const fn nothing_declared(unread: bool) -> SchemaView {
    SchemaView {
        types: Types(0),
        nullable: true,
        format: false,
        pattern: None,
        maximum: None,
        max_items: None,
        unique: false,
        min_length: None,
        properties: BTreeMap::new(),
        required: BTreeSet::new(),
        free_form: false,
        open: false,
        values: None,
        items: None,
        discriminator: None,
        branches: Vec::new(),
        single: false,
        alternatives: Types(0),
        unread,
    }
}

/// Deeper than this, a body is compared as undeclared.
const MAX_DEPTH: usize = 32;
/// The most schema nodes one view holds: a contract's schemas can reference each other widely,
/// and unfolding them must stay cheap; past the budget, places are compared as undeclared.
const MAX_NODES: usize = 4_000;

impl SchemaView {
    /// Nothing declared: any type, `null` admitted, no properties.
    pub fn undeclared() -> SchemaView {
        nothing_declared(false)
    }

    /// The view of a response schema.
    pub fn of(contract: &Contract, schema: &SchemaRef) -> SchemaView {
        let docs = &contract.documents;
        match crate::spec::source::get(&docs.docs[schema.doc].value, &schema.pointer) {
            Some(node) => SchemaView::of_node(contract, schema.doc, node).0,
            None => SchemaView::undeclared(),
        }
    }

    /// The view of the schema `node` of `doc`, and how many schema nodes it took.
    fn of_node(contract: &Contract, doc: usize, node: &Value) -> (SchemaView, usize) {
        let mut b = Builder {
            contract,
            seen: Vec::new(),
            budget: MAX_NODES,
            max_depth: MAX_DEPTH,
            elements: true,
        };
        let view = b.build(doc, node, 0);
        (view, MAX_NODES - b.budget)
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
        self.property_ref(key).clone()
    }

    /// [`SchemaView::property`], borrowed.
    pub fn property_ref(&self, key: &str) -> &SchemaView {
        if let Some(p) = self.properties.get(key) {
            return p;
        }
        match &self.values {
            Some(v) => v,
            None if self.unread => &UNREAD,
            None => &UNDECLARED,
        }
    }

    /// The view of array elements.
    pub fn element(&self) -> SchemaView {
        self.element_ref().clone()
    }

    /// [`SchemaView::element`], borrowed.
    pub fn element_ref(&self) -> &SchemaView {
        match &self.items {
            Some(items) => items,
            None if self.unread => &UNREAD,
            None => &UNDECLARED,
        }
    }

    /// Which variant an element of an array read through this (the items') view is: the value
    /// of the declared discriminator, else of a JSON:API resource object's `type` (an object
    /// with a string `type` and `id`, and `attributes` or `relationships`, where the items schema
    /// does not pin `type` to one value). `None`: the element
    /// is not told apart, and shares the array's one element shape.
    pub fn variant_of<'a>(&'a self, item: &'a Value) -> Option<(&'a str, &'a str)> {
        let map = item.as_object()?;
        if let Some(by) = &self.discriminator {
            let (name, value) = map.get_key_value(by.as_str())?;
            return Some((name.as_str(), value.as_str()?));
        }
        if !self.branches.is_empty() {
            // The first branch whose required keys the element has and whose declared keys
            // hold all of its keys; else the first whose required keys it has.
            let has_required = |b: &&Branch| b.required.iter().all(|k| map.contains_key(k));
            let fits = |b: &&Branch| map.keys().all(|k| b.properties.contains(k));
            let branch = self
                .branches
                .iter()
                .filter(has_required)
                .find(fits)
                .or_else(|| self.branches.iter().find(has_required))?;
            return Some(("oneOf", branch.name.as_str()));
        }
        let (name, value) = map.get_key_value("type")?;
        // Items whose `type` the contract pins to one value are all one variant.
        let pinned = self.properties.get("type").is_some_and(|t| t.single);
        let resource = !pinned
            && map.get("id").is_some_and(Value::is_string)
            && (map.contains_key("attributes") || map.contains_key("relationships"));
        Some((name.as_str(), value.as_str()?)).filter(|_| resource)
    }

    /// A free-form map with no declared properties (`additionalProperties`): its keys are data.
    pub fn is_map(&self) -> bool {
        self.free_form && self.properties.is_empty() && !self.open
    }

    /// Whether `key` of an object read through this view is data (a key of a map, `*`) rather
    /// than a name: every undeclared key of a declared map, the keys that look like data in an
    /// [`SchemaView::open`] object.
    pub fn key_is_data(&self, key: &str) -> bool {
        if self.declares(key) {
            false
        } else if self.open {
            looks_like_data(key)
        } else {
            self.free_form
        }
    }

    /// `number` declared, or no type at all: a whole number and a fraction are the same kind.
    pub fn number_is_loose(&self) -> bool {
        self.types.is_empty() || self.types.contains("number")
    }
}

/// An object branch of a `oneOf`/`anyOf`, as [`SchemaView::variant_of`] tells elements apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Branch {
    /// `Card`, from the branch's `$ref` or `title`; else its position.
    pub name: String,
    pub properties: BTreeSet<String>,
    pub required: BTreeSet<String>,
}

/// The most variants one array keeps apart; elements of further variants share its one element
/// shape (a `type` that is really data must not grow a snapshot without bound).
pub const MAX_VARIANTS: usize = 32;

/// The most keys of an open object learned as names, per place: past them (an open object that
/// is really a map keyed by names), its further keys are read as data.
pub const MAX_OPEN_KEYS: usize = 64;

/// A key that reads as data, not as a name: `*` (the values of a map), or one with 3 digits or
/// more (`dev-3f2a91`, `58163112237d84a9`), whitespace, or the form of a date, uuid, URL or e-mail.
pub fn looks_like_data(key: &str) -> bool {
    key == "*"
        || key.chars().filter(char::is_ascii_digit).count() >= 3
        || key.contains(char::is_whitespace)
        || super::shape::StringClass::of(key) != super::shape::StringClass::Plain
}

/// The pointer token of a variant's elements: `*[type=health_profile]` (`*` with the
/// discriminator and its value, each escaped as a pointer token).
pub fn variant_token(by: &str, value: &str) -> String {
    format!(
        "*[{}={}]",
        crate::text::escaped_pointer_token(by),
        crate::text::escaped_pointer_token(value)
    )
}

/// The views of one API's response schemas, each built once for the operations that share it
/// (Microsoft Graph's 11,131 operations answer with 2,054 schemas). A view is kept only while
/// operations expected to answer with its schema are still to come, and within a node budget.
#[derive(Default)]
pub struct Views {
    state: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// Per schema: how many operations are still expected to answer with it.
    expected: HashMap<ViewKey, usize>,
    views: HashMap<ViewKey, (Arc<SchemaView>, usize)>,
    /// Schema nodes held by `views`.
    nodes: usize,
}

/// What a view is built from: a schema node, by address, or the final target of a `$ref`
/// (every `$ref` to one target gives the same view, whichever node holds it).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum ViewKey {
    Node(usize),
    Target(usize),
}

/// The most schema nodes the kept views hold together: a few tens of MB on the largest contracts.
const KEPT_NODES: usize = 200_000;

impl Views {
    /// Views for a run in which each of `schemas` (one per operation) is expected once.
    pub fn expecting<'a>(
        contract: &Contract,
        schemas: impl IntoIterator<Item = &'a SchemaRef>,
    ) -> Views {
        let mut expected: HashMap<ViewKey, usize> = HashMap::new();
        for schema in schemas {
            if let Some((key, _, _)) = locate(contract, schema) {
                *expected.entry(key).or_default() += 1;
            }
        }
        Views {
            state: Mutex::new(Kept {
                expected,
                ..Kept::default()
            }),
        }
    }

    /// The view of a response schema: kept from an earlier operation, or built now.
    pub fn of(&self, contract: &Contract, schema: &SchemaRef) -> Arc<SchemaView> {
        let Some((key, doc, node)) = locate(contract, schema) else {
            return Arc::new(SchemaView::undeclared());
        };
        let still_expected = {
            let Ok(mut kept) = self.state.lock() else {
                return Arc::new(SchemaView::of_node(contract, doc, node).0);
            };
            let left = kept.expected.get_mut(&key).map_or(0, |n| {
                *n = n.saturating_sub(1);
                *n
            });
            if let Some((view, nodes)) = kept.views.get(&key) {
                let (view, nodes) = (view.clone(), *nodes);
                if left == 0 {
                    kept.views.remove(&key);
                    kept.nodes -= nodes;
                }
                return view;
            }
            left > 0
        };
        let (view, nodes) = SchemaView::of_node(contract, doc, node);
        let view = Arc::new(view);
        if still_expected {
            if let Ok(mut kept) = self.state.lock() {
                if kept.nodes + nodes <= KEPT_NODES {
                    kept.nodes += nodes;
                    kept.views.insert(key, (view.clone(), nodes));
                }
            }
        }
        view
    }
}

/// A schema's cache key, and the node its view is built from.
fn locate<'c>(contract: &'c Contract, schema: &SchemaRef) -> Option<(ViewKey, usize, &'c Value)> {
    let docs = &contract.documents;
    let node = crate::spec::source::get(&docs.docs.get(schema.doc)?.value, &schema.pointer)?;
    // A view built from a `$ref` depends only on where the chain ends (see `Builder::build`).
    let key = match node.get("$ref") {
        Some(_) => match docs.follow(schema.doc, node) {
            Some((_, target)) => ViewKey::Target(target as *const Value as usize),
            None => ViewKey::Node(node as *const Value as usize),
        },
        None => ViewKey::Node(node as *const Value as usize),
    };
    Some((key, schema.doc, node))
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
    single: bool,
    discriminator: Option<&'v str>,
    format: bool,
    pattern: Option<&'v str>,
    maximum: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
    min_length: Option<u64>,
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
                    let values = value.as_array();
                    k.null_in_enum = values.is_some_and(|e| e.contains(&Value::Null));
                    k.single |= values.is_some_and(|e| e.len() == 1);
                }
                "const" => k.single = true,
                // OpenAPI 3: `{propertyName: …}`; Swagger 2.0: the property's name.
                "discriminator" => {
                    k.discriminator = value
                        .get("propertyName")
                        .unwrap_or(value)
                        .as_str()
                        .filter(|p| !p.is_empty());
                }
                "format" => k.format = value.is_string(),
                "pattern" => k.pattern = value.as_str(),
                "maximum" => k.maximum = value.as_u64(),
                "maxItems" => k.max_items = value.as_u64(),
                "uniqueItems" => k.unique = value == &Value::Bool(true),
                "minLength" => k.min_length = value.as_u64(),
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
            return UNREAD.clone();
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
                return UNREAD.clone();
            }
            self.seen.push(address);
            let view = self.build(d, target, depth + 1);
            self.seen.pop();
            return view;
        }
        let mut view = SchemaView::default();
        match k.types {
            Some(Value::String(t)) => view.types.insert(t),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .for_each(|t| view.types.insert(t)),
            _ => {}
        }
        view.nullable =
            view.types.remove("null") || view.types.is_empty() || k.nullable || k.null_in_enum;
        view.format = k.format;
        view.single = k.single;
        view.discriminator = k.discriminator.map(String::from);
        view.pattern = k.pattern.map(String::from);
        view.maximum = k.maximum;
        view.max_items = k.max_items;
        view.unique = k.unique;
        view.min_length = k.min_length;
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
            None => {
                view.free_form = view.properties.is_empty();
                view.open = view.free_form;
            }
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
            let built: Vec<SchemaView> = branches
                .into_iter()
                .flatten()
                .map(|branch| self.build(doc, branch, depth + 1))
                .collect();
            if !all_of && view.discriminator.is_none() {
                view.discriminator = pinned_in_every(&built);
            }
            if !all_of && view.discriminator.is_none() && view.branches.is_empty() {
                view.branches = object_branches(branches.map_or(&[], Vec::as_slice), &built);
            }
            if !all_of && built.len() > 1 && built.iter().all(|b| !b.types.is_empty()) {
                built.iter().for_each(|b| view.alternatives.extend(b.types));
            }
            for b in built {
                merge(&mut view, b, all_of);
            }
        }
        view.open &= view.free_form && view.properties.is_empty() && view.values.is_none();
        // The budget ran out while this view was built: some of its properties (a later `allOf`
        // part's) may be missing, so what it does not declare is unread, not undeclared.
        view.unread |= self.budget == 0;
        view
    }
}

/// The branches of a `oneOf`/`anyOf` when there are two or more and each is an object with
/// declared properties, named by their `$ref` (`#/components/schemas/Card` → `Card`), `title`, or
/// position.
fn object_branches(nodes: &[Value], built: &[SchemaView]) -> Vec<Branch> {
    if built.len() < 2 || built.iter().any(|b| b.properties.is_empty()) {
        return Vec::new();
    }
    built
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let node = nodes.get(i);
            let name = node
                .and_then(|n| n.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .or_else(|| node.and_then(|n| n.get("title")).and_then(Value::as_str))
                .map_or_else(|| i.to_string(), String::from);
            Branch {
                name,
                properties: b.properties.keys().cloned().collect(),
                required: b.required.clone(),
            }
        })
        .collect()
}

/// The property every branch (two or more) pins to a single value: what tells them apart.
fn pinned_in_every(branches: &[SchemaView]) -> Option<String> {
    let (first, rest) = branches.split_first()?;
    if rest.is_empty() {
        return None;
    }
    first
        .properties
        .iter()
        .filter(|(_, p)| p.single)
        .map(|(name, _)| name)
        .find(|name| {
            rest.iter()
                .all(|b| b.properties.get(*name).is_some_and(|p| p.single))
        })
        .cloned()
}

/// One place that two `oneOf`/`anyOf` branches declare with other types (a variable's `values`:
/// an object in one variant, an array in another): each type is what the contract allows there.
/// So at every depth the two declare alike (Nexmo's reports: each branch's `records` have their
/// own `status`, text in one, a number in another).
fn alternatives(mine: &mut SchemaView, theirs: &SchemaView) {
    if !mine.types.is_empty() && !theirs.types.is_empty() && mine.types != theirs.types {
        let types = mine.types;
        mine.alternatives.extend(types);
        mine.alternatives.extend(theirs.types);
        mine.alternatives.extend(theirs.alternatives);
    }
    for (name, theirs) in &theirs.properties {
        if let Some(mine) = mine.properties.get_mut(name) {
            alternatives(mine, theirs);
        }
    }
    if let (Some(mine), Some(theirs)) = (&mut mine.items, &theirs.items) {
        alternatives(mine, theirs);
    }
}

/// Fold a combined branch into a view: its properties are declared; with `allOf` its required
/// keys are required, with `anyOf`/`oneOf` they are not (another branch may apply).
fn merge(view: &mut SchemaView, branch: SchemaView, all_of: bool) {
    let had_props = !view.properties.is_empty();
    for (k, v) in branch.properties {
        match view.properties.entry(k) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(v);
            }
            // One property declared by two `oneOf`/`anyOf` branches with other types (a
            // variable's `values`: an object in one variant, an array in another): each type is
            // what the contract allows there.
            std::collections::btree_map::Entry::Occupied(mut slot) if !all_of => {
                alternatives(slot.get_mut(), &v);
            }
            std::collections::btree_map::Entry::Occupied(_) => {}
        }
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
    // A part not read (where a `$ref` cycle came round: Bitbucket's `branch` is an `allOf` of
    // `ref`, which a branch's commit's repository's main branch reaches again) leaves the keys
    // it would declare unread, not undeclared.
    view.unread |= branch.unread;
    view.format |= branch.format;
    view.pattern = view.pattern.take().or(branch.pattern);
    view.maximum = view.maximum.or(branch.maximum);
    view.max_items = view.max_items.or(branch.max_items);
    view.unique |= branch.unique;
    view.min_length = view.min_length.or(branch.min_length);
    if branch.free_form && (branch.values.is_some() || !all_of) {
        view.free_form = true;
        view.values = view.values.take().or(branch.values);
    } else if !had_props && !view.properties.is_empty() && view.values.is_none() {
        // Properties came from the branches: the object is not free-form after all.
        view.free_form = false;
    }
    match (&mut view.items, branch.items) {
        (None, items) => view.items = items,
        // Items of other types in two `oneOf`/`anyOf` branches (GeoJSON's `coordinates`: a
        // list of positions, or one position's numbers).
        (Some(mine), Some(theirs)) if !all_of => alternatives(mine, &theirs),
        _ => {}
    }
    if all_of && view.discriminator.is_none() {
        view.discriminator = branch.discriminator;
    }
    if all_of && view.branches.is_empty() {
        view.branches = branch.branches;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Documents;
    use serde_json::json;

    fn contract() -> Contract {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "User": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": ["string", "null"]},
                    "manager": {"$ref": "#/components/schemas/User"},
                    "kind": {"type": "file"}}},
                "Alias": {"$ref": "#/components/schemas/User"},
                "Other": {"$ref": "#/components/schemas/User"},
                "Page": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}
        });
        Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn at(name: &str) -> SchemaRef {
        SchemaRef {
            doc: 0,
            pointer: format!("#/components/schemas/{name}"),
        }
    }

    #[test]
    fn operations_answering_with_one_schema_share_its_view() {
        let contract = contract();
        let expected = [at("Alias"), at("Other"), at("Page"), at("Alias")];
        let views = Views::expecting(&contract, &expected);
        let first = views.of(&contract, &at("Alias"));
        // Another `$ref` to the same target is the same view, built once.
        let second = views.of(&contract, &at("Other"));
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(*first, SchemaView::of(&contract, &at("Other")));
        let page = views.of(&contract, &at("Page"));
        assert_eq!(*page, SchemaView::of(&contract, &at("Page")));
        // The last expected use hands the view out and lets it go.
        let last = views.of(&contract, &at("Alias"));
        assert!(Arc::ptr_eq(&first, &last));
        let kept = views.state.lock().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            kept.views.is_empty(),
            "{} views still kept",
            kept.views.len()
        );
        assert_eq!(kept.nodes, 0);
    }

    #[test]
    fn a_schema_no_operation_was_expected_to_answer_with_is_not_kept() {
        let contract = contract();
        let views = Views::expecting(&contract, &[at("Page")]);
        let a = views.of(&contract, &at("User"));
        let b = views.of(&contract, &at("User"));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(a, b);
    }

    // A cycle that comes round inside an `allOf` (Bitbucket: `branch` is `ref` and more, and a
    // branch's commit's repository names its main branch) leaves the keys `ref` declares unread:
    // one that goes is weighed as an optional key, not as one the contract never declared.
    #[test]
    fn a_cycle_inside_an_all_of_leaves_its_keys_unread() {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "branch": {"allOf": [{"$ref": "#/components/schemas/ref"},
                    {"type": "object", "properties": {"merge_strategies": {"type": "array"}}}]},
                "ref": {"type": "object", "properties": {"name": {"type": "string"},
                    "target": {"$ref": "#/components/schemas/commit"}}},
                "commit": {"type": "object", "properties": {"repository": {"type": "object",
                    "properties": {"mainbranch": {"$ref": "#/components/schemas/branch"}}}}}}}
        });
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        let view = SchemaView::of(&contract, &at("branch"));
        assert!(view.declares("target") && !view.unread);
        let again = view
            .property_ref("target")
            .property_ref("repository")
            .property_ref("mainbranch");
        assert!(again.declares("merge_strategies"));
        assert!(again.unread, "{again:?}");
    }

    #[test]
    fn declared_types_are_read_into_the_set() {
        let view = SchemaView::of(&contract(), &at("User"));
        let id = view.property_ref("id");
        assert!(id.types.contains("string") && !id.types.contains("null") && id.nullable);
        assert!(!id.types.contains("integer"));
        // A type name past JSON Schema's seven still declares a type.
        let kind = view.property_ref("kind");
        assert!(!kind.types.is_empty() && !kind.nullable);
        assert!(view.types.contains("object") && view.required.contains("id"));
    }
}
