//! A JSON value synthesized from a schema, for responses the contract documents no example for.
//! Documented `example`s inside the schema win over synthesis at every depth (an example that
//! breaks its own schema is still what the documentation promises; the check names it).
//!
//! The value is built to validate: `$ref`s followed, `allOf` parts merged into one schema before
//! anything is generated (so `allOf: [{$ref: Id}, {maxLength: 8}]` is a string, not `{}`), every
//! `required` key present, `type`, `enum`, `const`, `pattern` (see `pattern.rs`), lengths, item
//! counts, `uniqueItems`, numeric bounds and `multipleOf`, `format`, `additionalProperties`,
//! `nullable`, and for `oneOf`/`anyOf` the first branch whose value meets that branch's own
//! constraints — for `oneOf` also matching no other branch (told by JSON type, else by the node's
//! validator) — with a discriminator's property set to the branch's name. Deterministic: the same
//! contract gives the same body. Bounded: optional keys only near the top, a node budget and a depth limit.

use crate::spec::flat::{flatten, Flat, Node, Property, Walk};
use crate::spec::source::get;
use crate::spec::{Contract, SchemaRef};
use serde_json::{json, Map, Value};
use std::cell::{Cell, RefCell};

/// Past this depth, only required keys are generated.
const OPTIONAL_DEPTH: usize = 4;
/// Past this depth, nothing more is unfolded.
const MAX_DEPTH: usize = 24;
/// The most schema nodes one synthesized body may visit.
const MAX_NODES: usize = 20_000;
/// The most keys of an item a copy's variation looks at (Gitea's repository objects, three
/// levels of them, have a few hundred; Microsoft Graph's, a few thousand).
const MAX_ITEM_KEYS: usize = 4_096;
/// `oneOf`/`anyOf` branches tried against the node's validator.
const MAX_BRANCHES: usize = 8;

/// Synthesize a value for the schema at (`doc`, `pointer`). Also returns the documented examples
/// the value was assembled from, as (document, pointer).
pub fn synthesize(contract: &Contract, doc: usize, pointer: &str) -> (Value, Vec<(usize, String)>) {
    synthesize_seeded(contract, doc, pointer, None)
}

/// [`synthesize`], the data varied by `seed` the way live data varies — values, ids, array
/// lengths (empty and single too), optional properties, `null` where allowed, whole or fractional
/// numbers, free-form map keys — every value still valid against its schema, documented examples
/// still as documented. The same seed gives the same value; no seed, the one [`synthesize`] gives.
pub fn synthesize_seeded(
    contract: &Contract,
    doc: usize,
    pointer: &str,
    seed: Option<u64>,
) -> (Value, Vec<(usize, String)>) {
    seeded_body(contract, doc, pointer, seed, false)
}

fn seeded_body(
    contract: &Contract,
    doc: usize,
    pointer: &str,
    seed: Option<u64>,
    whole: bool,
) -> (Value, Vec<(usize, String)>) {
    let rng = seed.map(|seed| {
        let mut h = seed ^ 0x9E37_79B9_7F4A_7C15 ^ (doc as u64).rotate_left(32);
        for b in pointer.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        Cell::new(h)
    });
    let synth = Synth {
        contract,
        used: RefCell::default(),
        budget: Cell::new(MAX_NODES),
        validators: RefCell::default(),
        rng,
        steady: Cell::new(false),
        whole,
    };
    let value = synth.place(doc, pointer, 0);
    (value, synth.used.into_inner())
}

/// An item of a seeded collection whose schema is at `place` with every optional key it may hold
/// near the top (as deep as a synthesized body holds optional keys) and no `null` where another
/// value may be: where a copy of an item lacks an optional key, it takes this one's
/// (`paging::fill_in`), so a copy's keys do not all come from the item it was copied from.
pub fn synthesize_whole(contract: &Contract, place: &Place, seed: u64) -> Value {
    let seed = seed ^ 0x2545_F491_4F6C_DD1D;
    seeded_body(contract, place.0, &place.1, Some(seed), true).0
}

/// The keys an item of a collection may go without, as a tree of its keys: declared and not
/// required, up to five levels deep, under `oneOf`/`anyOf` branches (a key optional in every
/// branch that declares it) and in objects with `minProperties` too — those marked `risky`: a copy
/// without them is checked before it is served. Never the item's `id`/`uuid` or a key inside it.
/// `schema` is the response's, `items` where its list is in a body (`/data`; empty: the body is
/// the list). A seeded mock leaves some out of each copy of an item, as a live collection's items
/// differ.
pub fn optional_item_keys(contract: &Contract, schema: &SchemaRef, items: &str) -> ItemKeys {
    let budget = Cell::new(8_000);
    let mut walk = Walk::new(&budget, MAX_DEPTH);
    let mut keys = ItemKeys::default();
    if let Some(item) = item_node(contract, schema, items, &mut walk) {
        optional_keys(contract, item, &mut walk, &mut keys);
    }
    keys
}

/// Where the schema of a collection's items is (`schema` and `items` as for
/// [`optional_item_keys`]).
pub fn item_place(contract: &Contract, schema: &SchemaRef, items: &str) -> Option<Place> {
    let budget = Cell::new(4_000);
    let mut walk = Walk::new(&budget, MAX_DEPTH);
    let item = item_node(contract, schema, items, &mut walk)?;
    Some((item.doc, item.pointer))
}

/// The schema node of a collection's items: `items` followed from `schema` property by property,
/// then its `items`.
fn item_node<'a>(
    contract: &'a Contract,
    schema: &SchemaRef,
    items: &str,
    walk: &mut Walk<'_>,
) -> Option<Node<'a>> {
    let value = contract
        .documents
        .docs
        .get(schema.doc)
        .and_then(|d| get(&d.value, &schema.pointer))?;
    let mut at = Node {
        doc: schema.doc,
        pointer: schema.pointer.clone(),
        value,
    };
    for token in crate::text::pointer_tokens(items) {
        let flat = flatten(contract, at, 0, true, walk);
        at = flat.properties.into_iter().find(|p| p.name == token)?.node;
    }
    flatten(contract, at, 0, true, walk).items
}

/// Item `i` of a seeded collection whose items' schema is at `place`, made afresh: a value of its
/// own, the same for the same seed and `i`.
pub fn synthesize_copy(contract: &Contract, place: &Place, seed: u64, i: usize) -> Value {
    let seed = seed ^ (i as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
    synthesize_seeded(contract, place.0, &place.1, Some(seed)).0
}

/// The keys of an item a copy may go without (see [`optional_item_keys`]).
#[derive(Debug, Default, PartialEq)]
pub struct ItemKeys(pub std::collections::BTreeMap<String, ItemKey>);

#[derive(Debug, Default, PartialEq)]
pub struct ItemKey {
    /// The key may be left out.
    pub optional: bool,
    /// Leaving it out may break the item (a `oneOf` it is under may then match two branches, a
    /// `minProperties` or `maxProperties` go unmet): the copy is checked.
    pub risky: bool,
    /// The keys inside it.
    pub inner: ItemKeys,
}

impl ItemKeys {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The keys of the item schema at `item` into `out`, level by level: every key an item holds
/// at one depth is taken before any below it, so a large nested object (Graph's `createdByUser`,
/// a whole user) cannot spend the budget the item's own keys need.
fn optional_keys<'a>(
    contract: &'a Contract,
    item: Node<'a>,
    walk: &mut Walk<'_>,
    out: &mut ItemKeys,
) {
    let mut queue = std::collections::VecDeque::from([(item, 0usize, false, Vec::<String>::new())]);
    let mut count = 0;
    while let Some((node, depth, risky, path)) = queue.pop_front() {
        let mut flat = flatten(contract, node, depth, true, walk);
        let mut risky = risky;
        // A list's keys are those of its elements (`/activities/*/…`), as a copy's are varied.
        if flat.properties.is_empty() && flat.choices.is_empty() {
            if let Some(element) = flat.items.take() {
                risky |= flat.unique;
                flat = flatten(contract, element, depth, true, walk);
            }
        }
        let risky = risky
            || flat.min_properties > 0
            || flat.max_properties.is_some()
            || !flat.keywords.is_empty();
        // An object's own properties, then its branches'. A key some part requires stays.
        let mut parts = vec![(flat.properties, flat.required, risky)];
        for choice in flat.choices.into_iter().take(4) {
            for branch in choice.branches.into_iter().take(MAX_BRANCHES) {
                let b = flatten(contract, branch, depth, true, walk);
                let risky = risky
                    || choice.one_of
                    || b.min_properties > 0
                    || b.max_properties.is_some()
                    || !b.keywords.is_empty();
                parts.push((b.properties, b.required, risky));
            }
        }
        let here = path.iter().fold(&mut *out, |keys, name| {
            &mut keys.0.entry(name.clone()).or_default().inner
        });
        for (properties, required, risky) in parts {
            for p in properties {
                // What tells items apart stays whole (YouTube's `id` is an object of optional keys).
                if depth == 0 && identity(&p.name) {
                    continue;
                }
                if count >= MAX_ITEM_KEYS {
                    return;
                }
                count += 1;
                let optional = !required.contains(&p.name);
                let key = match here.0.get_mut(&p.name) {
                    Some(key) => {
                        key.optional &= optional;
                        key
                    }
                    None => here.0.entry(p.name.clone()).or_insert(ItemKey {
                        optional,
                        ..ItemKey::default()
                    }),
                };
                key.risky |= risky;
                if depth < 4 {
                    let mut below = path.clone();
                    below.push(p.name);
                    queue.push_back((p.node, depth + 1, risky, below));
                }
            }
        }
    }
}

/// A place in the loaded documents.
pub type Place = (usize, String);

struct Synth<'a> {
    contract: &'a Contract,
    used: RefCell<Vec<(usize, String)>>,
    budget: Cell<usize>,
    /// `oneOf` nodes' validators, compiled once per body.
    validators: RefCell<std::collections::HashMap<Place, crate::spec::schemas::Compiled>>,
    /// The state of a seeded body's generator (SplitMix64); `None`: the unseeded body.
    rng: Option<Cell<u64>>,
    /// Make the unseeded value for now (a `oneOf` whose seeded values matched two branches).
    steady: Cell<bool>,
    /// Every optional key near the top, and no `null` where another value may be (see
    /// [`synthesize_whole`]).
    whole: bool,
}

impl<'a> Synth<'a> {
    fn node(&self, doc: usize, pointer: &str) -> Option<&'a Value> {
        self.contract
            .documents
            .docs
            .get(doc)
            .and_then(|d| get(&d.value, pointer))
    }

    /// Whether this value is seeded (not a steady stretch of a seeded body).
    fn seeded(&self) -> bool {
        self.rng.is_some() && !self.steady.get()
    }

    /// A number below `n` from the seeded generator; `None` when the body is not seeded.
    fn roll(&self, n: u64) -> Option<u64> {
        if self.steady.get() {
            return None;
        }
        let state = self.rng.as_ref()?;
        let next = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        state.set(next);
        let mut z = next;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Some((z ^ (z >> 31)) % n.max(1))
    }

    /// In a seeded body, true `percent` times in a hundred; unseeded, `unseeded`.
    fn chance(&self, percent: u64, unseeded: bool) -> bool {
        self.roll(100).map_or(unseeded, |r| r < percent)
    }

    /// The value of the schema at a place.
    fn place(&self, doc: usize, pointer: &str, depth: usize) -> Value {
        let flat = self.flat(doc, pointer, depth, true);
        self.produce_at(&flat, doc, pointer, depth)
    }

    /// [`Synth::produce`] for the schema at a place: an object of a type a discriminator tells
    /// apart (Microsoft Graph's `@odata.type`, inherited from `entity`) names its own type there,
    /// as a live API's objects do — not a new word every night.
    fn produce_at(&self, flat: &Flat, doc: usize, pointer: &str, depth: usize) -> Value {
        let mut v = self.produce(flat, depth);
        if let (Some((name, mapping)), Value::Object(o), true) = (
            &flat.discriminator,
            &mut v,
            flat.choices.is_empty() && flat.example.is_none(),
        ) {
            if o.get(name).is_some_and(Value::is_string) && self.free_text(flat, name, depth) {
                let mapping = mapping.as_ref().map(|m| m.value).and_then(Value::as_object);
                if let Some(type_name) = self.type_name(doc, pointer, mapping) {
                    o.insert(name.clone(), Value::String(type_name));
                }
            }
        }
        v
    }

    /// Whether property `name` of `flat` is a string any text satisfies (no `enum`, `const`,
    /// `pattern`, `format` or length bounds of its own).
    fn free_text(&self, flat: &Flat, name: &str, depth: usize) -> bool {
        let Some(p) = flat.properties.iter().find(|p| p.name == name) else {
            return false;
        };
        let own = self.flat(p.node.doc, &p.node.pointer, depth + 1, false);
        own.enumeration.is_none()
            && own.constant.is_none()
            && own.pattern.is_none()
            && own.format.is_none()
            && own.min_len == 0
            && own.max_len.is_none()
            && own.choices.is_empty()
            && own.types.iter().all(|t| t == "string")
    }

    /// The discriminator value of the named schema at a place (a `$ref`, or a component): its
    /// key in the mapping, else its name. `None` for an inline schema.
    fn type_name(
        &self,
        doc: usize,
        pointer: &str,
        mapping: Option<&Map<String, Value>>,
    ) -> Option<String> {
        let reference = match self.node(doc, pointer).and_then(|n| n.get("$ref")) {
            Some(r) => r.as_str()?.to_string(),
            None if pointer.starts_with("#/components/schemas/")
                || pointer.starts_with("#/definitions/") =>
            {
                pointer.to_string()
            }
            None => return None,
        };
        let named = mapping
            .into_iter()
            .flatten()
            .find(|(_, v)| v.as_str() == Some(&reference))
            .map(|(k, _)| k.clone());
        named.or_else(|| {
            let last = reference.rsplit('/').next()?;
            Some(crate::text::unescape_pointer_token(last)).filter(|n| !n.is_empty())
        })
    }

    /// The schema at a place, flattened (`spec::flat`): `$ref`s followed, `allOf` parts merged,
    /// on this body's node budget. `own`: the place is a whole schema (its example counts).
    fn flat(&self, doc: usize, pointer: &str, depth: usize, own: bool) -> Flat<'a> {
        let Some(value) = self.node(doc, pointer) else {
            return Flat::default();
        };
        let node = Node {
            doc,
            pointer: pointer.to_string(),
            value,
        };
        let mut walk = Walk::new(&self.budget, MAX_DEPTH + 16);
        flatten(self.contract, node, depth, own, &mut walk)
    }

    fn produce(&self, flat: &Flat, depth: usize) -> Value {
        // An example its own schema rejects (`example: 200` on `type: string`, a value outside
        // the `enum`) is a contract defect lint reports; the body is synthesized instead, so
        // it stays valid whichever `oneOf` branch it is read against.
        if let Some((v, doc, pointer)) =
            flat.example.as_ref().filter(|(v, ..)| fits_scalar(flat, v))
        {
            self.used.borrow_mut().push((*doc, pointer.clone()));
            return (*v).clone();
        }
        if let Some(v) = &flat.constant {
            return (*v).clone();
        }
        // Live data is sometimes empty where the schema allows it.
        if flat.null_ok && !self.whole && self.chance(15, false) {
            return Value::Null;
        }
        if let Some(values) = &flat.enumeration {
            // Only the values the declared type admits (`enum: [TB, null]` on `type: string`
            // without `nullable` lists a null no validator accepts).
            let fitting: Vec<&Value> = values.iter().filter(|v| fits(flat, v)).collect();
            if let Some(i) = self
                .roll(fitting.len() as u64)
                .filter(|_| !fitting.is_empty())
            {
                return fitting[i as usize].clone();
            }
            if let Some(v) = values.iter().find(|v| !v.is_null()).or(values.first()) {
                return v.clone();
            }
        }
        if let Some(v) = flat.default.filter(|v| fits(flat, v)) {
            return v.clone();
        }
        if let Some(choice) = flat.choices.first() {
            let node = (choice.node.doc, choice.node.pointer.clone());
            let branches: Vec<Place> = choice
                .branches
                .iter()
                .take(MAX_BRANCHES)
                .map(|b| (b.doc, b.pointer.clone()))
                .collect();
            return self.choose(flat, &branches, &node, choice.one_of, depth);
        }
        self.typed(flat, depth)
    }

    /// A value of the flat schema's own type (without its `oneOf`/`anyOf`).
    fn typed(&self, flat: &Flat, depth: usize) -> Value {
        let ty = flat.types.first().map(String::as_str).unwrap_or_else(|| {
            if !flat.properties.is_empty() || !flat.required.is_empty() || flat.additional.is_some()
            {
                "object"
            } else if flat.items.is_some() || !flat.prefix.is_empty() {
                "array"
            } else if flat.pattern.is_some() || flat.min_len > 0 || flat.max_len.is_some() {
                "string"
            } else if flat.minimum.is_some() || flat.maximum.is_some() {
                "number"
            } else if flat.nullable && flat.format.is_none() {
                "null"
            } else if flat.format.is_some() {
                "string"
            } else {
                "object"
            }
        });
        match ty {
            "object" => self.object(flat, depth),
            "array" => self.array(flat, depth),
            "integer" => self
                .seeded_number(flat, true)
                .unwrap_or_else(|| number(flat, true)),
            "number" => self
                .seeded_number(flat, false)
                .unwrap_or_else(|| number(flat, false)),
            "boolean" => json!(self.chance(50, true)),
            "null" => Value::Null,
            _ => json!(self.seeded_string(flat).unwrap_or_else(|| string(flat))),
        }
    }

    /// A seeded number within the schema's bounds and `multipleOf`: whole for `integer`, whole
    /// or fractional for `number`. `None` unseeded, or when the bounds leave no room.
    fn seeded_number(&self, flat: &Flat, integer: bool) -> Option<Value> {
        self.seeded().then_some(())?;
        let step = if integer { 1.0 } else { 0.01 };
        let lo = flat
            .minimum
            .map_or(0.0, |(m, ex)| if ex { m + step } else { m });
        let hi = flat.maximum.map_or(
            lo.max(0.0) + 1000.0,
            |(m, ex)| if ex { m - step } else { m },
        );
        if !(lo.is_finite() && hi.is_finite()) || hi < lo || hi - lo > 1.0e12 {
            return None;
        }
        let pick = |span: f64| self.roll(span.max(0.0) as u64 + 1).unwrap_or(0) as f64;
        let v = match flat.multiple_of {
            Some(m) => {
                let (a, b) = ((lo / m).ceil(), (hi / m).floor());
                if b < a {
                    return None;
                }
                (a + pick((b - a).min(1000.0))) * m
            }
            None if integer || self.chance(40, true) => {
                let (a, b) = (lo.ceil(), hi.floor());
                if b < a {
                    return None;
                }
                a + pick((b - a).min(1.0e9))
            }
            None => {
                let fraction = (1 + self.roll(99).unwrap_or(0)) as f64 / 100.0;
                (lo + pick((hi - lo).floor().min(1.0e9)) + fraction).min(hi)
            }
        };
        let v = json!(if v.fract() == 0.0 && v.abs() < 9.0e15 {
            json!(v as i64)
        } else {
            json!(v)
        });
        fits_scalar(flat, &v).then_some(v)
    }

    /// A seeded string: a format's value varied (times, dates, uuids, e-mails, URLs), a pattern's
    /// sample at a varied length, else words — within the length bounds. `None` unseeded, or
    /// when nothing varied fits.
    fn seeded_string(&self, flat: &Flat) -> Option<String> {
        self.seeded().then_some(())?;
        let (min, max) = (flat.min_len, flat.max_len.unwrap_or(usize::MAX));
        let within = |s: &str| (min..=max).contains(&s.chars().count());
        let mut r = |n: u64| self.roll(n).unwrap_or(0);
        if flat.pattern.is_some() && flat.format.is_some() {
            return None; // both must hold: the unseeded value is made for that
        }
        if let Some(pattern) = &flat.pattern {
            let s = super::pattern::sample(pattern, r(3) as u32)?;
            let fine =
                (min..=max).contains(&s.chars().count()) && crate::memo::matches(pattern, &s);
            return fine.then_some(s);
        }
        let hex = |r: &mut dyn FnMut(u64) -> u64, len: usize| -> String {
            (0..len)
                .map(|_| char::from_digit(r(16) as u32, 16).unwrap_or('0'))
                .collect()
        };
        let s = match flat.format {
            Some("date-time" | "dateTime") => format!(
                "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                1 + r(12),
                1 + r(28),
                r(24),
                r(60),
                r(60)
            ),
            Some("date") => format!("2026-{:02}-{:02}", 1 + r(12), 1 + r(28)),
            Some("uuid") => format!(
                "{}-{}-4{}-8{}-{}",
                hex(&mut r, 8),
                hex(&mut r, 4),
                hex(&mut r, 3),
                hex(&mut r, 3),
                hex(&mut r, 12)
            ),
            Some("email" | "idn-email") => format!("user{}@example.com", r(10_000)),
            Some("uri" | "url" | "iri") => format!("https://example.com/{}", hex(&mut r, 6)),
            Some(_) => return None,
            None => {
                const WORDS: [&str; 8] = [
                    "alpha", "bravo", "delta", "echo", "lima", "oscar", "tango", "zulu",
                ];
                let mut s = WORDS[r(8) as usize].to_string();
                if r(2) == 0 {
                    s.push('-');
                    s.push_str(&hex(&mut r, 4));
                }
                while s.chars().count() < min {
                    s.push('x');
                }
                s.chars().take(max.max(min)).collect()
            }
        };
        Some(s).filter(|s| within(s))
    }

    /// The first branch whose value the whole node accepts (the node's own declarations merged
    /// in), with a discriminator set; the first branch when none does.
    fn choose(
        &self,
        flat: &Flat,
        branches: &[Place],
        node: &Place,
        one: bool,
        depth: usize,
    ) -> Value {
        match self.try_branches(flat, branches, node, one, depth) {
            Ok(v) => v,
            // Seeded data matched more than one `oneOf` branch (a whole number is a `number`
            // and an `integer`): the unseeded value, made to match one.
            Err(first) if self.seeded() => {
                self.steady.set(true);
                let steady = self.try_branches(flat, branches, node, one, depth);
                self.steady.set(false);
                steady.unwrap_or_else(|f| f.or(first).unwrap_or(Value::Null))
            }
            Err(first) => first.unwrap_or(Value::Null),
        }
    }

    /// The first branch value that fits (and for `oneOf` matches one branch only); else the
    /// first value made, to serve when nothing fits.
    fn try_branches(
        &self,
        flat: &Flat,
        branches: &[Place],
        node: &Place,
        one: bool,
        depth: usize,
    ) -> Result<Value, Option<Value>> {
        let own = (!flat.properties.is_empty() || !flat.required.is_empty())
            .then(|| self.object(flat, depth));
        let mut first = None;
        for (i, (doc, pointer)) in branches.iter().enumerate() {
            let branch = self.flat(*doc, pointer, depth + 1, true);
            let mut v = self.produce(&branch, depth + 1);
            // A branch whose own value breaks it (`minLength` over `maxLength`) is unsatisfiable.
            if !fits_scalar(&branch, &v) {
                first.get_or_insert(v);
                continue;
            }
            if let (Some(Value::Object(own)), Value::Object(branch)) = (&own, &mut v) {
                for (k, x) in own {
                    branch.entry(k.clone()).or_insert_with(|| x.clone());
                }
            }
            if let (Some((name, mapping)), Value::Object(o)) = (&flat.discriminator, &mut v) {
                let mapping = mapping.as_ref().map(|m| m.value).and_then(Value::as_object);
                o.insert(
                    name.clone(),
                    json!(self.branch_name(*doc, pointer, mapping)),
                );
            }
            if !one || self.only_match(&v, branches, i, node, depth) {
                return Ok(v);
            }
            first.get_or_insert(v);
        }
        Err(first)
    }

    /// Whether branch `i`'s value matches that branch only, as `oneOf` needs (`anyOf` takes the
    /// first branch value that satisfies its branch). Proven without a
    /// validator when no other branch admits the value's JSON type; else checked against the
    /// node's validator, a few levels deep, compiled for this body alone so its tree does not
    /// stay for the run (on the largest contracts such trees were most of the memory).
    fn only_match(
        &self,
        v: &Value,
        branches: &[Place],
        i: usize,
        node: &Place,
        depth: usize,
    ) -> bool {
        if depth >= OPTIONAL_DEPTH && !self.seeded() {
            return true;
        }
        let exclusive =
            branches
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .all(|(_, (doc, pointer))| {
                    let other = self.flat(*doc, pointer, depth + 1, false);
                    other.choices.is_empty() && !fits(&other, v)
                });
        // Deep down, seeded data not proven to match one branch (GeoJSON's `coordinates`: an
        // empty list is a position list and a list of them) gives way to the unseeded value.
        if exclusive || depth >= OPTIONAL_DEPTH {
            return exclusive;
        }
        let mut validators = self.validators.borrow_mut();
        let validator = validators.entry(node.clone()).or_insert_with(|| {
            self.contract.schemas().compile_alone(&SchemaRef {
                doc: node.0,
                pointer: node.1.clone(),
            })
        });
        match validator {
            Ok(valid) => valid.is_valid(v),
            Err(_) => true,
        }
    }

    /// The discriminator value of a branch: its key in the mapping, else its schema's name.
    fn branch_name(
        &self,
        doc: usize,
        pointer: &str,
        mapping: Option<&Map<String, Value>>,
    ) -> String {
        self.type_name(doc, pointer, mapping).unwrap_or_default()
    }

    fn object(&self, flat: &Flat, depth: usize) -> Value {
        let mut out = Map::new();
        let optional = depth < OPTIONAL_DEPTH;
        for Property {
            name,
            node: Node { doc, pointer, .. },
            write_only,
        } in &flat.properties
        {
            let required = flat.required.contains(name);
            if required {
                out.insert(name.clone(), self.place(*doc, pointer, depth + 1));
            } else if optional
                && !write_only
                && (paging_home(name) || identity(name) || self.whole || self.chance(70, true))
            {
                // An optional property no value can satisfy (an `enum` of strings on
                // `type: array`, bounds that cross) is left out rather than served broken.
                let inner = self.flat(*doc, pointer, depth + 1, true);
                if !contradictory(&inner) {
                    out.insert(
                        name.clone(),
                        self.produce_at(&inner, *doc, pointer, depth + 1),
                    );
                }
            }
        }
        // Required keys the schema does not describe: from `additionalProperties`, else a string.
        let extra: Vec<String> = flat
            .required
            .iter()
            .filter(|r| !out.contains_key(*r))
            .cloned()
            .chain((0..flat.min_properties).map(|i| format!("key{i}")))
            .collect();
        // A closed object reaches `minProperties` with its declared keys.
        for Property {
            name,
            node: Node { doc, pointer, .. },
            ..
        } in &flat.properties
        {
            if out.len() >= flat.min_properties {
                break;
            }
            if !out.contains_key(name) {
                out.insert(name.clone(), self.place(*doc, pointer, depth + 1));
            }
        }
        for name in extra {
            let required = flat.required.contains(&name);
            if !required && (out.len() >= flat.min_properties || flat.closed) {
                break;
            }
            let value = match &flat.additional {
                Some(Node { doc, pointer, .. }) => self.place(*doc, pointer, depth + 1),
                None => json!("string"),
            };
            out.insert(name, value);
        }
        // A map's keys are data: a seeded body holds a few, keyed by ids.
        if let (Some(Node { doc, pointer, .. }), true) =
            (&flat.additional, optional && !flat.keys_limited)
        {
            for _ in 0..self.roll(4).unwrap_or(0) {
                let key = format!("k{:06x}", self.roll(1 << 24).unwrap_or(0));
                if !out.contains_key(&key) {
                    let value = self.place(*doc, pointer, depth + 1);
                    out.insert(key, value);
                }
            }
        }
        Value::Object(out)
    }

    fn array(&self, flat: &Flat, depth: usize) -> Value {
        let mut n = flat
            .min_items
            .max(1)
            .min(flat.max_items.unwrap_or(usize::MAX));
        if depth > MAX_DEPTH {
            n = flat.min_items;
        }
        // Seeded: any length from the least allowed to a few, empty and single included; deeper
        // down, empty or single. A few at every depth of a recursive schema (BBC's categories,
        // each with its required `child_categories`) would grow as a few to the power of the
        // depth: 77 MB for one seed's body, where deeper elements are copies the node budget
        // does not see.
        let few = if depth < OPTIONAL_DEPTH { 4 } else { 1 };
        let most = flat
            .max_items
            .unwrap_or(usize::MAX)
            .min(flat.min_items.max(few));
        // (Deep under `uniqueItems`, elements are not drawn distinct: the least length.)
        let drawn = !flat.unique || depth < OPTIONAL_DEPTH;
        if let Some(extra) = self.roll((most.saturating_sub(flat.min_items) + 1) as u64) {
            if depth <= MAX_DEPTH && drawn {
                n = flat.min_items + extra as usize;
            }
        }
        let n = n.max(flat.min_items).min(64);
        let mut out: Vec<Value> = flat
            .prefix
            .iter()
            .take(n)
            .map(|n| self.place(n.doc, &n.pointer, depth + 1))
            .collect();
        if out.len() < n {
            let item = match &flat.items {
                Some(Node { doc, pointer, .. }) => self.place(*doc, pointer, depth + 1),
                None => json!("string"),
            };
            // Seeded, near the top: every element its own value; under `uniqueItems` the
            // distinct ones (an `enum` of two gives two at most), as many as the list needs.
            let distinct = self.seeded() && depth < OPTIONAL_DEPTH;
            if let (Some(Node { doc, pointer, .. }), true) = (&flat.items, distinct && flat.unique)
            {
                let mut tries = 0;
                while out.len() < n && tries < 3 * n {
                    let v = if tries == 0 {
                        item.clone()
                    } else {
                        self.place(*doc, pointer, depth + 1)
                    };
                    if !out.contains(&v) {
                        out.push(v);
                    }
                    tries += 1;
                }
                let n = n.min(out.len().max(flat.min_items));
                while out.len() < n {
                    out.push(vary(&item, out.len()));
                }
                return Value::Array(out);
            }
            while out.len() < n {
                let k = out.len();
                out.push(match &flat.items {
                    Some(Node { doc, pointer, .. }) if distinct && k > 0 => {
                        self.place(*doc, pointer, depth + 1)
                    }
                    _ if flat.unique => vary(&item, k),
                    _ => item.clone(),
                });
            }
        }
        Value::Array(out)
    }
}

/// A key that names what an object is (`id`, `uuid`): a live API's objects carry it even where
/// the contract calls it optional (Microsoft Graph's `entity.id`), and a collection's copies of an
/// item are told apart by it.
fn identity(name: &str) -> bool {
    matches!(name, "id" | "uuid")
}

/// An object a collection's paging fields live in (`links.next`, `meta.count`): a seeded body
/// keeps it, or setting the page's link would create it without its required keys.
fn paging_home(name: &str) -> bool {
    matches!(
        name,
        "links" | "_links" | "meta" | "paging" | "pagination" | "response_metadata"
    )
}

/// Whether a schema asks for what no value can be: an `enum` none of whose values has a
/// declared type, lengths, item counts or bounds that cross.
fn contradictory(flat: &Flat) -> bool {
    let enum_fits = flat
        .enumeration
        .as_ref()
        .is_none_or(|values| values.iter().any(|v| fits(flat, v)));
    let crossed = |lo: usize, hi: Option<usize>| hi.is_some_and(|hi| lo > hi);
    let bounds_cross = match (flat.minimum, flat.maximum) {
        (Some((lo, lo_ex)), Some((hi, hi_ex))) => lo > hi || (lo == hi && (lo_ex || hi_ex)),
        _ => false,
    };
    !enum_fits
        || crossed(flat.min_len, flat.max_len)
        || crossed(flat.min_items, flat.max_items)
        || bounds_cross
}

/// A number within the bounds and a multiple of `multipleOf`, as near 1 as the bounds allow.
fn number(flat: &Flat, integer: bool) -> Value {
    let step = if integer { 1.0 } else { 0.5 };
    let lo = flat.minimum.map(|(m, ex)| if ex { m + step } else { m });
    let hi = flat.maximum.map(|(m, ex)| if ex { m - step } else { m });
    // A fraction where a `number` is free: it cannot be mistaken for an `integer` branch.
    let free = flat.minimum.is_none() && flat.maximum.is_none() && flat.multiple_of.is_none();
    let mut v: f64 = if !integer && free { 1.5 } else { 1.0 };
    if let Some(lo) = lo.filter(|lo| v < *lo) {
        v = lo;
    }
    if let Some(hi) = hi.filter(|hi| v > *hi) {
        v = hi;
    }
    if integer {
        v = v.ceil();
        if let Some(hi) = hi.filter(|hi| v > *hi) {
            v = hi.floor();
        }
    }
    if let Some(m) = flat.multiple_of {
        let up = (v / m).ceil() * m;
        v = if hi.is_some_and(|h| up > h) {
            (v / m).floor() * m
        } else {
            up
        };
    }
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// A string for the flat schema: its pattern's sample, its format's, else `string`, within the
/// length bounds.
fn string(flat: &Flat) -> String {
    let (min, max) = (flat.min_len, flat.max_len.unwrap_or(usize::MAX));
    let within = |s: &str| (min..=max).contains(&s.chars().count());
    let format = flat.format.and_then(format_sample);
    if let (Some(f), Some(pattern)) = (format, &flat.pattern) {
        if crate::memo::pattern_matches(pattern, f) {
            return f.to_string();
        }
    }
    if let Some(pattern) = &flat.pattern {
        // Each repetition one longer at a time, until the length fits.
        for extra in 0..=64 {
            match super::pattern::sample(pattern, extra) {
                Some(s) if within(&s) => return s,
                Some(s) if s.chars().count() > max => break,
                Some(_) => {}
                None => break,
            }
        }
    }
    if let Some(s) = format {
        return s.to_string();
    }
    let mut s = "string".to_string();
    while s.chars().count() < min {
        s.push('x');
    }
    s.chars().take(max.max(min)).collect()
}

/// A value of a format the validator checks.
fn format_sample(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" | "dateTime" => "2026-01-01T00:00:00Z",
        "date" => "2026-01-01",
        "time" => "12:00:00Z",
        "duration" => "P1D",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "email" | "idn-email" => "drift@example.com",
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => "https://example.com/",
        "uri-template" => "https://example.com/{id}",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZHJpZnQ=",
        "json-pointer" => "/drift",
        "relative-json-pointer" => "0",
        "regex" => "^drift$",
        _ => return None,
    })
}

/// Whether a schema's declared types admit a value (no declared type admits any; `integer` and
/// `number` are not told apart: `1.0` is an integer).
fn fits(flat: &Flat, v: &Value) -> bool {
    let kind = crate::spec::schemas::json_type(v);
    flat.types.is_empty()
        || flat.types.iter().any(|t| {
            t == kind
                || matches!(
                    (t.as_str(), kind),
                    ("number", "integer") | ("integer", "number")
                )
        })
        || (v.is_null() && flat.nullable)
}

/// Whether a value meets a schema's own scalar constraints: its type, `enum`, `const`, string
/// lengths and numeric bounds (objects and arrays are built to their schema's shape).
fn fits_scalar(flat: &Flat, v: &Value) -> bool {
    let listed = |values: Option<&Vec<Value>>| values.is_none_or(|e| e.contains(v));
    let within = match v {
        Value::String(s) => {
            let n = s.chars().count();
            n >= flat.min_len && flat.max_len.is_none_or(|max| n <= max)
        }
        Value::Number(n) => n.as_f64().is_some_and(|x| {
            flat.minimum
                .is_none_or(|(m, ex)| if ex { x > m } else { x >= m })
                && flat
                    .maximum
                    .is_none_or(|(m, ex)| if ex { x < m } else { x <= m })
        }),
        _ => true,
    };
    fits(flat, v) && within && listed(flat.enumeration) && flat.constant.is_none_or(|c| c == v)
}

/// The `k`-th distinct variant of an array item (`uniqueItems`).
fn vary(item: &Value, k: usize) -> Value {
    if k == 0 {
        return item.clone();
    }
    match item {
        // A string ending in hex digits (a uuid, an id) keeps its length and form: the tail is
        // replaced by `k`, not extended by it.
        Value::String(s) => {
            let digits = k.to_string();
            let tail = s.len().saturating_sub(digits.len());
            let hex_tail = s.len() > digits.len()
                && s.is_char_boundary(tail)
                && s[tail..].bytes().all(|b| b.is_ascii_hexdigit());
            if hex_tail {
                // A tail already equal to `k` (`tango-8941`, k = 1) would repeat the original:
                // zeros of its length, which no other variant's tail is, tell it apart.
                let digits = if s[tail..] == digits {
                    "0".repeat(digits.len())
                } else {
                    digits
                };
                json!(format!("{}{digits}", &s[..tail]))
            } else {
                json!(format!("{s}{k}"))
            }
        }
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0) + k as f64),
        Value::Object(o) => {
            let mut o = o.clone();
            o.insert(format!("drift{k}"), json!(k));
            Value::Object(o)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Where only an optional property's schema is unsatisfiable, the body left it out instead
    // of serving it broken.
    #[test]
    fn an_unsatisfiable_optional_property_is_left_out() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"T": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"},
                "tags": {"type": "array", "enum": ["a", "b"]},
                "size": {"type": "integer", "minimum": 5, "maximum": 2}}}}}});
        let contract =
            Contract::from_documents(crate::spec::source::Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}"));
        let (value, _) = synthesize(&contract, 0, "#/components/schemas/T");
        assert_eq!(value, json!({"id": "string"}));
    }

    // Microsoft Graph's sites: `id` is optional (every entity inherits it), and a page whose item
    // had none held copies without one, which the snapshot's evidence read as drift.
    #[test]
    fn a_seeded_object_keeps_its_identity() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Site": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}}}}}});
        let contract =
            Contract::from_documents(crate::spec::source::Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}"));
        let sites: Vec<Value> = (1..=40)
            .map(|seed| synthesize_seeded(&contract, 0, "#/components/schemas/Site", Some(seed)).0)
            .collect();
        assert!(sites.iter().all(|s| s.get("id").is_some()), "{sites:?}");
        assert!(
            sites.iter().any(|s| s.get("name").is_none()),
            "other optional keys vary"
        );
    }

    // Nexmo's records: `status` is `type: string` with `example: 200`, and `voice` lists an
    // example outside its `enum`. Served as documented, the body breaks its own branch and a
    // snapshot records a type the contract never declared.
    #[test]
    fn an_example_its_schema_rejects_is_not_served() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"T": {"type": "object", "required": ["status", "voice", "plan"],
                "properties": {
                    "status": {"type": "string", "example": 200},
                    "voice": {"type": "string", "enum": ["answered", "failed"], "example": "started"},
                    "plan": {"type": "string", "example": "gold"}}}}}});
        let contract =
            Contract::from_documents(crate::spec::source::Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}"));
        let (value, used) = synthesize(&contract, 0, "#/components/schemas/T");
        assert!(value["status"].is_string(), "{value}");
        assert!(
            matches!(value["voice"].as_str(), Some("answered" | "failed")),
            "{value}"
        );
        assert_eq!(
            value["plan"], "gold",
            "a fitting example stays as documented"
        );
        assert_eq!(
            used.len(),
            1,
            "only the served example is reported as used: {used:?}"
        );
    }

    /// Each schema's synthesized value, checked by the validator drift checks responses with.
    #[test]
    fn synthesized_values_validate() {
        let schemas = json!({
            "Pattern": {"type": "string", "pattern": "^[A-Z]{2}-\\d{3,5}$", "minLength": 7},
            "Short": {"type": "string", "maxLength": 3},
            "Long": {"type": "string", "minLength": 12, "format": "password"},
            "Enum": {"type": "string", "enum": ["a", "b"]},
            "Bounded": {"type": "integer", "minimum": 10, "exclusiveMaximum": 12, "multipleOf": 11},
            "Fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.75},
            "Unique": {"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "string"}},
            "Empty": {"type": "array", "maxItems": 0, "items": {"type": "string"}},
            "Undescribed": {"type": "object", "required": ["id", "kind"], "properties": {"id": {"type": "integer"}},
                             "additionalProperties": {"type": "string"}},
            "Closed": {"type": "object", "required": ["a"], "additionalProperties": false,
                       "properties": {"a": {"type": "boolean"}, "b": {"type": "string", "writeOnly": true}}},
            "Id": {"type": "string", "format": "uuid"},
            "Narrowed": {"allOf": [{"$ref": "#/components/schemas/Id"}, {"maxLength": 36}]},
            "Either": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
            "Cat": {"type": "object", "required": ["pet", "meows"], "properties": {
                "pet": {"type": "string", "enum": ["cat"]}, "meows": {"type": "boolean"}}},
            "Dog": {"type": "object", "required": ["pet", "barks"], "properties": {
                "pet": {"type": "string", "enum": ["dog"]}, "barks": {"type": "boolean"}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
                    "discriminator": {"propertyName": "pet",
                                      "mapping": {"dog": "#/components/schemas/Dog", "cat": "#/components/schemas/Cat"}}},
            "Node": {"type": "object", "required": ["name", "children"], "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
            "Chain": {"$ref": "#/components/schemas/Chain2"},
            "Chain2": {"$ref": "#/components/schemas/Chain3"},
            "Chain3": {"type": "integer", "minimum": 5, "nullable": true},
            "Nullable": {"nullable": true},
            "AnyOf": {"anyOf": [{"type": "string", "maxLength": 0, "minLength": 1}, {"type": "integer"}]},
            "Time": {"type": "string", "format": "time"}
        });
        let more = json!({
            "Stamp": {"type": "string", "format": "date-time"},
            "Day": {"type": "string", "format": "date"},
            "Mail": {"type": "string", "format": "email", "maxLength": 30},
            "Link": {"type": "string", "format": "uri"},
            "Words": {"type": "string", "minLength": 3, "maxLength": 9},
            "Steps": {"type": "number", "minimum": -3, "maximum": 3, "multipleOf": 0.5},
            "Count": {"type": "integer", "minimum": 1, "maximum": 2},
            "Huge": {"type": "integer", "minimum": -9007199254740991_i64, "maximum": 9007199254740991_i64},
            "Listed": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"$ref": "#/components/schemas/Cat"}},
            "Labels": {"type": "object", "additionalProperties": {"type": "integer", "maximum": 5}},
            "Named": {"type": "object", "maxProperties": 1, "additionalProperties": {"type": "string"}},
            "Page": {"type": "object", "required": ["data"], "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Undescribed"}},
                "next": {"type": "string", "nullable": true, "pattern": "^/p\\?n=\\d+$"},
                "tags": {"type": "array", "uniqueItems": true, "items": {"$ref": "#/components/schemas/Enum"}, "maxItems": 2}}},
            // GeoJSON deep in a tracking answer: an empty `coordinates` list is both a position
            // and a list of positions, which `oneOf` refuses.
            "Tracking": {"type": "object", "required": ["events"], "properties": {"events": {
                "type": "array", "minItems": 1, "items": {"type": "object", "required": ["at"], "properties": {
                    "at": {"$ref": "#/components/schemas/Feature"}}}}}},
            "Feature": {"type": "object", "required": ["geometry"], "properties": {"geometry": {
                "type": "object", "required": ["coordinates"], "properties": {"coordinates": {"oneOf": [
                    {"type": "array", "items": {"$ref": "#/components/schemas/Position"}},
                    {"$ref": "#/components/schemas/Position"}]}}}}},
            "Position": {"type": "array", "items": {"type": "number"}}
        });
        let mut schemas = schemas;
        if let (Some(all), Some(more)) = (schemas.as_object_mut(), more.as_object()) {
            all.extend(more.clone());
        }
        let names: Vec<String> = schemas
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                         "components": {"schemas": schemas}});
        let contract = crate::spec::Contract::from_documents(
            crate::spec::source::Documents::from_values(vec![doc]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // Unseeded, and the data of 40 seeds: every value valid.
        for name in names {
            let pointer = format!("#/components/schemas/{name}");
            let validator = contract
                .schemas()
                .validator(&SchemaRef {
                    doc: 0,
                    pointer: pointer.clone(),
                })
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for seed in std::iter::once(None).chain((1..=40).map(Some)) {
                let (value, _) = synthesize_seeded(&contract, 0, &pointer, seed);
                assert!(validator.is_valid(&value), "{name} seed {seed:?}: {value}");
            }
        }
    }

    /// The contract of `doc` and its schema `List`.
    fn list_of(doc: Value) -> (crate::spec::Contract, SchemaRef) {
        let contract = crate::spec::Contract::from_documents(
            crate::spec::source::Documents::from_values(vec![doc]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let schema = SchemaRef {
            doc: 0,
            pointer: "#/components/schemas/List".into(),
        };
        (contract, schema)
    }

    // The keys a copy of an item may go without: optional ones only, never what tells items
    // apart (YouTube's `id` is an object of optional keys); those under a `oneOf` only checked.
    #[test]
    fn optional_item_keys_leave_identity_and_choices_alone() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "List": {"type": "object", "properties": {"items": {"type": "array", "items": {
                    "type": "object", "required": ["kind"], "properties": {
                        "kind": {"type": "string"},
                        "id": {"type": "object", "properties": {"videoId": {"type": "string"}}},
                        "snippet": {"allOf": [{"$ref": "#/components/schemas/Snippet"}]},
                        "either": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                            {"type": "string"}]}}}}}},
                "Snippet": {"type": "object", "required": ["title"], "properties": {
                    "title": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}}}}
        });
        let (contract, schema) = list_of(doc);
        fn listed(keys: &ItemKeys, at: &str, out: &mut Vec<String>) {
            for (name, key) in &keys.0 {
                let here = format!("{at}/{name}");
                let optional = if key.optional { "optional" } else { "required" };
                let risky = if key.risky { ", checked" } else { "" };
                out.push(format!("{here} {optional}{risky}"));
                listed(&key.inner, &here, out);
            }
        }
        let mut out = Vec::new();
        listed(
            &optional_item_keys(&contract, &schema, "/items"),
            "",
            &mut out,
        );
        assert_eq!(
            out,
            vec![
                "/either optional",
                "/either/a optional, checked",
                "/kind required",
                "/snippet optional",
                "/snippet/tags optional",
                "/snippet/title required",
            ]
        );
    }

    // An item's own keys are all varied, however large an object nested in it (Graph's
    // `createdByUser`, a whole user that holds users): the keys are taken level by level, and
    // a list's keys are its elements'.
    #[test]
    fn a_large_nested_object_leaves_its_items_keys_varied() {
        let people: Map<String, Value> = (0..20)
            .map(|i| {
                (
                    format!("p{i}"),
                    json!({"$ref": "#/components/schemas/User"}),
                )
            })
            .collect();
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "List": {"type": "array", "items": {"type": "object", "properties": {
                    "author": {"$ref": "#/components/schemas/User"},
                    "tags": {"type": "array", "items": {"type": "object", "properties": {
                        "label": {"type": "string"}}}},
                    "zzz": {"type": "string"}}}},
                "User": {"type": "object", "properties": people}}}
        });
        let (contract, schema) = list_of(doc);
        let keys = optional_item_keys(&contract, &schema, "");
        let names: Vec<&str> = keys.0.keys().map(String::as_str).collect();
        assert_eq!(names, ["author", "tags", "zzz"]);
        assert!(keys.0["tags"].inner.0.contains_key("label"));
        assert_eq!(keys.0["author"].inner.0.len(), 20);
    }

    // The same seed, the same value; other seeds, other data — values, lengths, optional keys,
    // nulls, map keys — while documented examples stay as documented.
    #[test]
    fn seeds_vary_the_data_not_the_documented_examples() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "Patient": {"type": "object", "required": ["id", "tags"], "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "born": {"type": "string", "format": "date"},
                    "nick": {"type": "string", "nullable": true},
                    "weight": {"type": "number"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "plan": {"type": "string", "example": "gold"}}}}}});
        let contract = crate::spec::Contract::from_documents(
            crate::spec::source::Documents::from_values(vec![doc]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let at = "#/components/schemas/Patient";
        let of = |seed| synthesize_seeded(&contract, 0, at, seed).0;
        assert_eq!(of(Some(3)), of(Some(3)));
        assert_eq!(of(None), synthesize(&contract, 0, at).0);
        let bodies: Vec<Value> = (1..=30).map(|seed| of(Some(seed))).collect();
        let distinct = |f: &dyn Fn(&Value) -> Value| {
            let mut seen: Vec<Value> = bodies.iter().map(f).collect();
            seen.sort_by_key(Value::to_string);
            seen.dedup();
            seen.len()
        };
        assert!(distinct(&|b| b["id"].clone()) > 20, "ids vary");
        assert!(
            distinct(&|b| json!(b["tags"].as_array().map_or(0, Vec::len))) >= 4,
            "lengths vary, empty and single too"
        );
        assert!(bodies.iter().any(|b| b["tags"] == json!([])));
        assert!(
            bodies.iter().any(|b| b.get("born").is_none()),
            "an optional key left out"
        );
        assert!(bodies.iter().any(|b| b.get("born").is_some()));
        assert!(
            bodies
                .iter()
                .any(|b| b["nick"].is_null() && b.get("nick").is_some()),
            "null where allowed"
        );
        assert!(
            bodies.iter().any(|b| b["weight"].is_i64())
                && bodies.iter().any(|b| b["weight"].is_f64()),
            "whole and fractional"
        );
        assert!(
            distinct(&|b| json!(b["labels"]
                .as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())))
                > 5,
            "map keys vary"
        );
        assert!(
            bodies
                .iter()
                .all(|b| b.get("plan").is_none_or(|p| p == "gold")),
            "the documented example stays"
        );
    }

    // Microsoft Graph: every type inherits `@odata.type` and the discriminator from `entity`,
    // with no `oneOf` to choose from. A seeded body names the type it is, night after night.
    #[test]
    fn an_inherited_discriminator_names_the_type_whatever_the_seed() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "entity": {"type": "object", "required": ["@odata.type"], "properties": {
                        "id": {"type": "string"}, "@odata.type": {"type": "string"}},
                    "discriminator": {"propertyName": "@odata.type", "mapping": {
                        "#graph.user": "#/components/schemas/user"}}},
                "user": {"allOf": [{"$ref": "#/components/schemas/entity"},
                    {"type": "object", "properties": {"@odata.type": {"type": "string"},
                        "manager": {"$ref": "#/components/schemas/group"}}}]},
                "group": {"allOf": [{"$ref": "#/components/schemas/entity"}]},
                "kind": {"type": "object", "required": ["kind"], "properties": {
                        "kind": {"type": "string", "enum": ["a", "b"]}},
                    "discriminator": {"propertyName": "kind"}},
                "users": {"type": "array", "minItems": 3, "items": {"$ref": "#/components/schemas/user"}}}}});
        let contract = crate::spec::Contract::from_documents(
            crate::spec::source::Documents::from_values(vec![doc]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for seed in [None, Some(1), Some(2), Some(7)] {
            let of = |at: &str| synthesize_seeded(&contract, 0, at, seed).0;
            let users = of("#/components/schemas/users");
            let items = users.as_array().map_or(&[][..], Vec::as_slice);
            assert!(items.len() >= 3);
            for user in items {
                assert_eq!(
                    user["@odata.type"], "#graph.user",
                    "the mapping's key: {user}"
                );
                if let Some(manager) = user.get("manager") {
                    assert_eq!(manager["@odata.type"], "group", "unmapped: its name");
                }
            }
            let kind = of("#/components/schemas/kind");
            assert!(
                matches!(kind["kind"].as_str(), Some("a" | "b")),
                "a property that lists its values keeps them: {kind}"
            );
        }
    }

    // A recursive schema whose every level requires a list of the next (BBC's categories): the
    // seeded lengths of those lists keep each body small, whatever the seed.
    #[test]
    fn a_recursive_list_stays_small_on_every_seed() {
        let category = json!({"type": "object", "required": ["id", "children"], "properties": {
            "id": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/definitions/Category"}}}});
        let doc = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "definitions": {"Category": category}});
        let contract = crate::spec::Contract::from_documents(
            crate::spec::source::Documents::from_values(vec![doc]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let largest = (1..=64)
            .map(|seed| {
                let (v, _) = synthesize_seeded(&contract, 0, "#/definitions/Category", Some(seed));
                (v.to_string().len(), seed)
            })
            .max()
            .unwrap_or_default();
        assert!(
            largest.0 < 64 * 1024,
            "seed {}: {} bytes",
            largest.1,
            largest.0
        );
    }

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
