//! Evidence across runs: how often each key of a snapshot was seen, so "always there" and
//! "sometimes there" can be told apart.
//!
//! One run of an operation gives an [`Observation`] of its body: for every place where objects
//! live (`/data/*/attributes`), how many objects were there, and for every key, in how many of
//! them it appeared and with which kinds of value. A snapshot's [`Evidence`] adds the
//! observations of every run it learned from. Per key it counts the runs that saw the key's
//! object since the key first appeared (`runs`), the runs in which the key was in at least one
//! of those objects (`present`) and in every one of them (`always`), the objects over all those
//! runs (`items`: with the key, seen), the runs per kind of value, and the first and last day the
//! key was seen.
//!
//! A key is **stable** when it was in every object of every run since it appeared
//! (`always == runs`); only a stable key vanishing is drift, and how loudly depends on how many
//! runs stand behind it ([`removal`]). A key that came and went is **occasional** and stays
//! silent.

use super::view::{looks_like_data, variant_token, SchemaView, MAX_OPEN_KEYS, MAX_VARIANTS};
use crate::model::Severity;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Runs a stable key must have held before its disappearance is more than info (see [`removal`]).
pub const BREAKING_RUNS: u32 = 8;
/// Runs of a stable key the contract does not declare before its disappearance is a warning.
pub const WARNING_RUNS: u32 = 3;
/// How much stronger the odds against luck must be for a declared-optional key whose object's
/// other optional keys come and go (see [`removal`]).
pub const VARYING_BAR: f64 = 1000.0;

/// What the contract, and the object's other keys, say of a key that vanished.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    /// The contract declares the key.
    pub declared: bool,
    /// The contract declares it required.
    pub required: bool,
    /// Another optional key the contract declares beside it, or a key of an object enclosing it,
    /// came and went.
    pub siblings_vary: bool,
}

/// What one response showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    /// Per place: how many objects were there.
    objects: BTreeMap<String, u64>,
    /// Per key (its pointer): in how many objects it was, and the kinds of its values.
    keys: BTreeMap<String, (u64, BTreeSet<&'static str>)>,
    /// Places where an object held an empty array (an empty page).
    empty_pages: BTreeSet<String>,
}

impl Observation {
    /// Observe a body (volatile places already removed), read through the contract: the keys of a
    /// free-form map are data, so its values are observed together at `<map>/*`.
    pub fn of(body: &Value, view: &SchemaView) -> Observation {
        let mut root = Place::default();
        root.walk(body, view);
        let mut obs = Observation::default();
        root.into_observation(&mut String::new(), &mut obs);
        obs
    }

    /// How many objects this response held at `place` (`/data/*`).
    pub fn objects_at(&self, place: &str) -> u64 {
        self.objects.get(place).copied().unwrap_or(0)
    }
}

/// What a body showed at one place, and below it: the elements of an array share one place, so
/// its counts grow without a pointer per element; the pointers are written once per place.
#[derive(Default)]
struct Place {
    objects: u64,
    empty_page: bool,
    /// The place is a key: in how many objects it was, and the kinds of its values.
    key: Option<(u64, BTreeSet<&'static str>)>,
    /// The places below, by escaped token (`*` for the elements of arrays and the values of
    /// maps): their index in `places`.
    below: BTreeMap<String, usize>,
    places: Vec<Place>,
    /// How many of `below` are variants of this array's elements (at most [`MAX_VARIANTS`]).
    variants: usize,
}

impl Place {
    fn below(&mut self, token: &str) -> &mut Place {
        let index = match self.below.get(token) {
            Some(&i) => i,
            None => {
                self.below.insert(token.to_string(), self.places.len());
                self.places.push(Place::default());
                self.places.len() - 1
            }
        };
        &mut self.places[index]
    }

    /// Observe a body (volatile places already removed), read through the contract: the keys of
    /// a free-form map are data, so its values are observed together at `<map>/*`.
    fn walk(&mut self, value: &Value, view: &SchemaView) {
        match value {
            Value::Object(map) if view.is_map() => {
                let values = view.property_ref("");
                let place = self.below("*");
                for v in map.values() {
                    place.walk(v, values);
                }
            }
            Value::Object(map) => {
                self.objects += 1;
                if map
                    .values()
                    .any(|v| v.as_array().is_some_and(Vec::is_empty))
                {
                    self.empty_page = true;
                }
                for (k, v) in map {
                    // An open object's keys that read as data are observed together at `*`.
                    if view.open
                        && (looks_like_data(k)
                            || (self.below.len() >= MAX_OPEN_KEYS
                                && !self.below.contains_key(k.as_str())))
                    {
                        self.below("*").walk(v, view.property_ref(""));
                        continue;
                    }
                    let property = view.property_ref(k);
                    let token = crate::text::escaped_pointer_token(k);
                    let place = self.below(&token);
                    let (n, kinds) = place.key.get_or_insert_with(Default::default);
                    *n += 1;
                    kinds.insert(kind_name(v, property));
                    place.walk(v, property);
                }
            }
            Value::Array(items) => {
                let element = view.element_ref();
                for item in items {
                    // An element told apart by its variant lives at `*[type=…]`, as its shape does.
                    let token = element.variant_of(item).map(|(by, v)| variant_token(by, v));
                    let place = match token {
                        Some(t) if self.below.contains_key(&t) => self.below(&t),
                        Some(t) if self.variants < MAX_VARIANTS => {
                            self.variants += 1;
                            self.below(&t)
                        }
                        _ => self.below("*"),
                    };
                    place.walk(item, element);
                }
            }
            _ => {}
        }
    }

    fn into_observation(mut self, pointer: &mut String, obs: &mut Observation) {
        if self.objects > 0 {
            obs.objects.insert(pointer.clone(), self.objects);
        }
        if self.empty_page {
            obs.empty_pages.insert(pointer.clone());
        }
        if let Some(key) = self.key {
            obs.keys.insert(pointer.clone(), key);
        }
        let len = pointer.len();
        for (token, index) in self.below {
            pointer.push('/');
            pointer.push_str(&token);
            std::mem::take(&mut self.places[index]).into_observation(pointer, obs);
            pointer.truncate(len);
        }
    }
}

/// The kind of a value as evidence records it: string format classes only where the contract
/// declares a `format` (free text that looks like a URL is still text).
fn kind_name(value: &Value, view: &SchemaView) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(s) if view.format => super::shape::StringClass::of(s).name(),
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What the runs so far saw of one key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyEvidence {
    /// Runs that saw the key's object since the key first appeared.
    pub runs: u32,
    /// Runs in which the key was in at least one of those objects.
    pub present: u32,
    /// Runs in which the key was in every one of them.
    pub always: u32,
    /// Objects with the key, and objects seen, over those runs.
    pub items_with: u64,
    pub items_seen: u64,
    /// Runs per kind of value.
    pub types: BTreeMap<String, u32>,
    /// The first and last day (UTC, `YYYY-MM-DD`) a run saw the key.
    pub first_seen: String,
    pub last_seen: String,
}

impl KeyEvidence {
    fn to_json(&self) -> Value {
        let types: Map<String, Value> = self
            .types
            .iter()
            .map(|(t, n)| (t.clone(), Value::from(*n)))
            .collect();
        json!({
            "runs": self.runs, "present": self.present, "always": self.always,
            "items": [self.items_with, self.items_seen], "types": types,
            "first_seen": self.first_seen, "last_seen": self.last_seen,
        })
    }

    /// [`KeyEvidence::to_json`] on one line, keys sorted, entries parted by `comma` and names
    /// from values by `colon` (`", "` and `": "` in a snapshot's pretty form, bare in a line of
    /// an evidence file).
    fn write_inline(&self, comma: &str, colon: &str, out: &mut String) {
        use crate::text::push_json_string;
        use std::fmt::Write as _;
        let _ = write!(out, "{{\"always\"{colon}{}{comma}", self.always);
        let _ = write!(out, "\"first_seen\"{colon}");
        push_json_string(out, &self.first_seen);
        let _ = write!(
            out,
            "{comma}\"items\"{colon}[{}{comma}{}]{comma}\"last_seen\"{colon}",
            self.items_with, self.items_seen
        );
        push_json_string(out, &self.last_seen);
        let _ = write!(
            out,
            "{comma}\"present\"{colon}{}{comma}\"runs\"{colon}{}{comma}\"types\"{colon}{{",
            self.present, self.runs
        );
        for (j, (t, n)) in self.types.iter().enumerate() {
            if j > 0 {
                out.push_str(comma);
            }
            push_json_string(out, t);
            let _ = write!(out, "{colon}{n}");
        }
        out.push_str("}}");
    }

    /// In every object of every run since it appeared.
    pub fn stable(&self) -> bool {
        self.runs > 0 && self.always == self.runs
    }

    /// `present in 14 of 14 runs since 2026-11-18 (380 of 380 items)`.
    pub fn describe(&self) -> String {
        let mut s = format!("present in {} of {} runs", self.present, self.runs);
        if !self.first_seen.is_empty() {
            s.push_str(&format!(" since {}", self.first_seen));
        }
        if self.items_seen > 0 {
            s.push_str(&format!(
                " ({} of {} items)",
                self.items_with, self.items_seen
            ));
        }
        s
    }
}

/// Every run a snapshot learned from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    pub runs: u32,
    /// RFC 3339 times of the first and the last run.
    pub first_run: String,
    pub last_run: String,
    pub keys: BTreeMap<String, KeyEvidence>,
}

/// The pointer of the object a key belongs to: `/a/*/b` → `/a/*`.
fn parent(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(p, _)| p)
}

impl Evidence {
    /// Whether a key of the object at `object` (`/data/*`) other than `except` (its pointer),
    /// one `optional` says the contract lets go (by its name), came and went.
    pub fn varies_beside(
        &self,
        object: &str,
        except: &str,
        optional: impl Fn(&str) -> bool,
    ) -> bool {
        use std::ops::Bound;
        let prefix = format!("{object}/");
        self.keys
            .range::<str, _>((Bound::Excluded(prefix.as_str()), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, e)| k.as_str() != except && !e.stable())
            .filter_map(|(k, _)| k.get(prefix.len()..).filter(|t| !t.contains('/')))
            .any(|token| optional(&crate::text::unescape_pointer_token(token)))
    }

    /// Whether a key of an object enclosing the one at `object` came and went (for `/data/*/event`:
    /// a key of `/data/*`, or of the body). Those keys are the same API's items: where they vary
    /// in practice, a key inside them that held for a while may have held by luck.
    pub fn varies_above(&self, object: &str) -> bool {
        let mut at = object;
        while let Some((up, _)) = at.rsplit_once('/') {
            at = up;
            let prefix = format!("{at}/");
            let varies = self
                .keys
                .range::<str, _>((
                    std::ops::Bound::Excluded(prefix.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(k, _)| k.starts_with(&prefix))
                .filter(|(k, _)| !k[prefix.len()..].contains('/'))
                .any(|(_, e)| !e.stable());
            if varies {
                return true;
            }
        }
        false
    }

    /// Add one run's observation, made at `time` (RFC 3339).
    pub fn add(&mut self, obs: &Observation, time: &str) {
        self.add_except(obs, time, &[]);
    }

    /// [`Evidence::add`], but the keys at or below `held` (the places of changes left pending
    /// for review) keep their evidence as it was: theirs waits for the review, everyone else's
    /// grows with every run.
    pub fn add_except(&mut self, obs: &Observation, time: &str, held: &[String]) {
        let is_held = |key: &str| {
            held.iter().any(|h| {
                key == h || (key.starts_with(h.as_str()) && key[h.len()..].starts_with('/'))
            })
        };
        self.runs = self.runs.saturating_add(1);
        if self.first_run.is_empty() {
            self.first_run = time.to_string();
        }
        self.last_run = time.to_string();
        let day = time.get(..10).unwrap_or(time);
        for (key, (with, kinds)) in &obs.keys {
            if is_held(key) {
                continue;
            }
            let seen = obs.objects.get(parent(key)).copied().unwrap_or(0);
            // Keys, days and kinds are copied only when new: most runs repeat them.
            if !self.keys.contains_key(key) {
                self.keys.insert(key.clone(), KeyEvidence::default());
            }
            let Some(e) = self.keys.get_mut(key) else {
                continue;
            };
            if e.first_seen.is_empty() {
                e.first_seen = day.to_string();
            }
            if e.last_seen != day {
                e.last_seen = day.to_string();
            }
            e.present = e.present.saturating_add(1);
            if *with >= seen {
                e.always = e.always.saturating_add(1);
            }
            e.items_with = e.items_with.saturating_add(*with);
            for k in kinds {
                match e.types.get_mut(*k) {
                    Some(n) => *n = n.saturating_add(1),
                    None => {
                        e.types.insert((*k).to_string(), 1);
                    }
                }
            }
        }
        // Every known key whose object this run saw: one more run, present or not — except a
        // collection missing beside an empty one (`included` on an empty page): an empty page
        // says nothing about it.
        for (key, e) in &mut self.keys {
            if is_held(key) {
                continue;
            }
            let seen = obs.objects.get(parent(key)).copied().unwrap_or(0);
            let absent = !obs.keys.contains_key(key);
            if absent && e.types.contains_key("array") && obs.empty_pages.contains(parent(key)) {
                continue;
            }
            if seen > 0 {
                e.runs = e.runs.saturating_add(1);
                e.items_seen = e.items_seen.saturating_add(seen);
            }
        }
    }

    /// Evidence from one run.
    pub fn first(obs: &Observation, time: &str) -> Evidence {
        let mut e = Evidence::default();
        e.add(obs, time);
        e
    }

    /// The evidence a version 1 snapshot stands for: one run, in which the keys its shape calls
    /// optional came and went and the others were always there.
    pub fn from_v1(shape: &super::shape::Shape, time: &str) -> Evidence {
        let mut keys = BTreeMap::new();
        collect_v1(
            shape,
            &mut String::new(),
            &mut keys,
            time.get(..10).unwrap_or(""),
        );
        Evidence {
            runs: 1,
            first_run: time.to_string(),
            last_run: time.to_string(),
            keys,
        }
    }

    pub fn to_json(&self) -> Value {
        let keys: Map<String, Value> = self
            .keys
            .iter()
            .map(|(k, e)| (k.clone(), e.to_json()))
            .collect();
        json!({"runs": self.runs, "first_run": self.first_run, "last_run": self.last_run, "keys": keys})
    }

    /// Write [`Evidence::to_json`] as [`crate::text::pretty_json`] would at `indent`, straight from
    /// the counts: a snapshot file is mostly evidence, and every recorded run writes it.
    pub fn write_pretty(&self, indent: usize, out: &mut String) {
        use crate::text::{pad, push_json_string, INLINE_WIDTH};
        use std::fmt::Write as _;
        if self.keys.is_empty() {
            // Small enough for the general rule (it may fit on one line).
            crate::text::pretty_into(&self.to_json(), indent, out);
            return;
        }
        // `"name": "text",` on its own line.
        let text_line = |out: &mut String, name: &str, text: &str| {
            pad(out, indent + 1);
            let _ = write!(out, "\"{name}\": ");
            push_json_string(out, text);
            out.push_str(",\n");
        };
        out.push_str("{\n");
        text_line(out, "first_run", &self.first_run);
        pad(out, indent + 1);
        out.push_str("\"keys\": {\n");
        for (i, (key, e)) in self.keys.iter().enumerate() {
            pad(out, indent + 2);
            push_json_string(out, key);
            out.push_str(": ");
            let start = out.len();
            e.write_inline(", ", ": ", out);
            if out.len() - start > INLINE_WIDTH {
                out.truncate(start);
                crate::text::pretty_into(&e.to_json(), indent + 2, out);
            }
            out.push_str(if i + 1 < self.keys.len() { ",\n" } else { "\n" });
        }
        pad(out, indent + 1);
        out.push_str("},\n");
        text_line(out, "last_run", &self.last_run);
        pad(out, indent + 1);
        let _ = writeln!(out, "\"runs\": {}", self.runs);
        pad(out, indent);
        out.push('}');
    }

    /// One line of an API's evidence file ([`super::ledger`]): the operation's id first, then
    /// [`Evidence::to_json`] on one line, keys sorted, with a final newline.
    pub fn write_line(&self, operation: &str, out: &mut String) {
        use crate::text::push_json_string;
        use std::fmt::Write as _;
        out.push_str("{\"operation\":");
        push_json_string(out, operation);
        out.push_str(",\"first_run\":");
        push_json_string(out, &self.first_run);
        out.push_str(",\"keys\":{");
        for (i, (key, e)) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_string(out, key);
            out.push(':');
            e.write_inline(",", ":", out);
        }
        out.push_str("},\"last_run\":");
        push_json_string(out, &self.last_run);
        let _ = writeln!(out, ",\"runs\":{}}}", self.runs);
    }

    /// Read the file form; `None` when it is not evidence.
    pub fn from_json(v: &Value) -> Option<Evidence> {
        let count = |v: &Value, k: &str| -> Option<u32> {
            v.get(k)
                .and_then(Value::as_u64)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let mut keys = BTreeMap::new();
        for (k, e) in v.get("keys")?.as_object()? {
            let items = e.get("items").and_then(Value::as_array);
            let item = |i: usize| items.and_then(|a| a.get(i)).and_then(Value::as_u64);
            let types = e
                .get("types")
                .and_then(Value::as_object)
                .map(|t| {
                    t.iter()
                        .filter_map(|(name, n)| Some((name.clone(), count(&json!({"n": n}), "n")?)))
                        .collect()
                })
                .unwrap_or_default();
            keys.insert(
                k.clone(),
                KeyEvidence {
                    runs: count(e, "runs")?,
                    present: count(e, "present")?,
                    always: count(e, "always")?,
                    items_with: item(0).unwrap_or(0),
                    items_seen: item(1).unwrap_or(0),
                    types,
                    first_seen: text(e, "first_seen"),
                    last_seen: text(e, "last_seen"),
                },
            );
        }
        Some(Evidence {
            runs: count(v, "runs")?,
            first_run: text(v, "first_run"),
            last_run: text(v, "last_run"),
            keys,
        })
    }
}

fn collect_v1(
    shape: &super::shape::Shape,
    pointer: &mut String,
    out: &mut BTreeMap<String, KeyEvidence>,
    day: &str,
) {
    use super::shape::ValueKind as Kind;
    let len = pointer.len();
    for kind in &shape.kinds {
        match kind {
            Kind::Object(fields) => {
                for (k, f) in fields {
                    pointer.push('/');
                    pointer.push_str(&crate::text::escape_pointer_token(k));
                    out.insert(
                        pointer.clone(),
                        KeyEvidence {
                            runs: 1,
                            present: 1,
                            always: u32::from(!f.optional),
                            types: f.shape.names().iter().map(|n| (n.to_string(), 1)).collect(),
                            first_seen: day.to_string(),
                            last_seen: day.to_string(),
                            ..KeyEvidence::default()
                        },
                    );
                    collect_v1(&f.shape, pointer, out, day);
                    pointer.truncate(len);
                }
            }
            Kind::Array(Some(inner)) => {
                pointer.push_str("/*");
                collect_v1(inner, pointer, out, day);
                pointer.truncate(len);
            }
            Kind::Variants(variants) => {
                // At an element's place (`…/*`): each variant at `…/*[type=…]`.
                let base = pointer.strip_suffix('*').unwrap_or(pointer).len();
                for (value, shape) in &variants.of {
                    pointer.truncate(base);
                    pointer.push_str(&super::view::variant_token(&variants.by, value));
                    collect_v1(shape, pointer, out, day);
                }
                pointer.truncate(len);
            }
            _ => {}
        }
    }
}

/// How a key that vanished from every object of this run is reported: `None` when it is
/// occasional (it came and went before), else the severity and why.
///
/// A stable key seen in `W` objects, all of which had it, is missing from the `m` objects of this
/// run. By Laplace's rule of succession the chance of one object lacking it by luck is about
/// `1/(W+2)`, so of all `m` lacking it about `1/(W+2)^m`: the **odds** against luck are
/// `(W+2)^m`. A list of many items builds odds fast; a single resource needs many runs.
///
/// - declared `required` by the contract: breaking;
/// - declared optional (the contract allows it to go): nothing when it appeared after the
///   snapshot's first run and held fewer than [`WARNING_RUNS`] runs, breaking from
///   [`BREAKING_RUNS`] runs and odds of 1000, warning from [`BREAKING_RUNS`] runs and odds of
///   50, else info. Where other optional keys of the same object, or keys of an object enclosing
///   it, came and went, the bar is
///   [`VARYING_BAR`] times higher: this API's optional keys vary in practice, and among the many
///   it has, one is bound to have been lucky for a while (a key in 70% of objects is in all of
///   18 about once in 600);
/// - not declared by the contract (nothing but the runs says it exists): breaking from
///   [`BREAKING_RUNS`] runs, warning from [`WARNING_RUNS`] runs, else info.
pub fn removal(
    evidence: Option<&KeyEvidence>,
    objects_now: u64,
    standing: Standing,
    snapshot_runs: u32,
) -> Option<(Severity, String)> {
    let Standing {
        declared,
        required,
        siblings_vary,
    } = standing;
    let fallback = KeyEvidence {
        runs: 1,
        present: 1,
        always: 1,
        items_with: 1,
        items_seen: 1,
        ..KeyEvidence::default()
    };
    let e = evidence.unwrap_or(&fallback);
    if !e.stable() && !required {
        return None;
    }
    // A key the contract allows to go that appeared after the snapshot was first recorded and
    // held for a run or two: its absence says nothing yet (the evidence records it). A learning
    // nightly over a large contract met a hundred thousand of these a night. A key recorded with
    // the snapshot keeps its note, as a snapshot that never learned has no more to go on.
    if declared && !required && e.runs < WARNING_RUNS && e.runs < snapshot_runs {
        return None;
    }
    let why = format!("{}, absent now", e.describe());
    if required {
        return Some((
            Severity::Breaking,
            format!("{why}; the contract declares it required"),
        ));
    }
    let m = i32::try_from(objects_now.clamp(1, 64)).unwrap_or(64);
    let odds = (e.items_with.max(e.runs.into()) as f64 + 2.0).powi(m);
    let held = e.runs >= BREAKING_RUNS;
    let bar = if siblings_vary { VARYING_BAR } else { 1.0 };
    let severity = match (declared, held) {
        (true, true) if odds >= 1000.0 * bar => Severity::Breaking,
        (true, true) if odds >= 50.0 * bar => Severity::Warning,
        (false, true) => Severity::Breaking,
        (false, _) if e.runs >= WARNING_RUNS => Severity::Warning,
        _ => Severity::Info,
    };
    let odds_text = if odds >= 1e6 {
        "more than 1 in a million".to_string()
    } else {
        format!("about 1 in {}", odds.round())
    };
    let why = match severity {
        Severity::Breaking => why,
        _ if declared && siblings_vary => format!(
            "{why}; the contract allows it to be absent, other optional keys beside it come and go, and the evidence is not yet strong enough to call it drift (odds against luck {odds_text})"
        ),
        _ if declared => format!(
            "{why}; the contract allows it to be absent and the evidence is not yet strong enough to call it drift (odds against luck {odds_text})"
        ),
        _ => format!("{why}; not enough evidence yet to call it breaking"),
    };
    Some((severity, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(v: Value) -> Observation {
        Observation::of(&v, &SchemaView::undeclared())
    }

    /// An observation made one pointer at a time, every key and object looked up by its pointer.
    fn by_pointer(value: &Value, view: &SchemaView, pointer: &mut String, o: &mut Observation) {
        let len = pointer.len();
        match value {
            Value::Object(map) if view.is_map() => {
                pointer.push_str("/*");
                for v in map.values() {
                    by_pointer(v, view.property_ref(""), pointer, o);
                }
            }
            Value::Object(map) => {
                *o.objects.entry(pointer.clone()).or_default() += 1;
                if map
                    .values()
                    .any(|v| v.as_array().is_some_and(Vec::is_empty))
                {
                    o.empty_pages.insert(pointer.clone());
                }
                for (k, v) in map {
                    if view.open && looks_like_data(k) {
                        pointer.push_str("/*");
                        by_pointer(v, view.property_ref(""), pointer, o);
                        pointer.truncate(len);
                        continue;
                    }
                    pointer.push('/');
                    pointer.push_str(&crate::text::escape_pointer_token(k));
                    let entry = o.keys.entry(pointer.clone()).or_default();
                    entry.0 += 1;
                    entry.1.insert(kind_name(v, view.property_ref(k)));
                    by_pointer(v, view.property_ref(k), pointer, o);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                let element = view.element_ref();
                for item in items {
                    pointer.push('/');
                    match element.variant_of(item) {
                        Some((by, v)) => pointer.push_str(&variant_token(by, v)),
                        None => pointer.push('*'),
                    }
                    by_pointer(item, element, pointer, o);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
        pointer.truncate(len);
    }

    #[test]
    fn an_observation_is_the_same_as_one_made_pointer_by_pointer() {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Page": {"type": "object", "properties": {
                "data": {"type": "array", "items": {"type": "object", "properties": {
                    "at": {"type": "string", "format": "date-time"}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "object"}},
                "attributes": {"type": "object"}}}}}
        });
        let contract =
            crate::spec::Contract::from_documents(crate::spec::Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}"));
        let view = SchemaView::of(
            &contract,
            &crate::spec::SchemaRef {
                doc: 0,
                pointer: "#/components/schemas/Page".into(),
            },
        );
        let bodies = [
            json!({"attributes": {"answered": true, "dev-3f2a91": {"x": 1}, "2026-01-01": 2, "q": {"k": 1}}}),
            json!({"data": [{"at": "2024-01-01T00:00:00Z", "a/b": 1}, {"at": 3, "~": []}, {}],
                   "labels": {"x": {"n": 1}, "y": {"m": null}}, "*": [[{"z": 1}], []]}),
            json!([{"data": []}, {"data": [[]]}, 1, "s", {"labels": {}}]),
            json!({"included": [
                {"type": "coach", "id": "1", "attributes": {"name": "A"}},
                {"type": "answer", "id": "2", "relationships": {}, "attributes": {"yes": true}},
                {"type": "coach", "id": "3", "attributes": {"name": "B", "bio": null}},
                {"type": "coach"}, {"type": "a/b", "id": "4", "attributes": {}}]}),
            json!({}),
            json!(null),
        ];
        for body in &bodies {
            let mut expected = Observation::default();
            by_pointer(body, &view, &mut String::new(), &mut expected);
            assert_eq!(Observation::of(body, &view), expected, "{body}");
        }
    }

    #[test]
    fn counts_runs_items_and_kinds() {
        let mut e = Evidence::default();
        e.add(
            &obs(json!({"items": [{"a": 1, "b": "x"}, {"a": 2}]})),
            "2026-11-01T02:00:00Z",
        );
        e.add(&obs(json!({"items": []})), "2026-11-02T02:00:00Z");
        e.add(
            &obs(json!({"items": [{"a": 1.5, "b": "y"}]})),
            "2026-11-03T02:00:00Z",
        );
        let a = &e.keys["/items/*/a"];
        assert_eq!(
            (a.runs, a.present, a.always),
            (2, 2, 2),
            "an empty page says nothing"
        );
        assert_eq!((a.items_with, a.items_seen), (3, 3));
        assert_eq!(a.types.get("integer"), Some(&1));
        assert_eq!(a.types.get("number"), Some(&1));
        assert!(a.stable());
        let b = &e.keys["/items/*/b"];
        assert_eq!((b.runs, b.present, b.always), (2, 2, 1));
        assert!(!b.stable(), "missing from one item: occasional");
        assert_eq!(b.first_seen, "2026-11-01");
        assert_eq!(b.last_seen, "2026-11-03");
        assert_eq!(e.runs, 3);
        assert_eq!(Evidence::from_json(&e.to_json()), Some(e));
    }

    #[test]
    fn a_key_counts_runs_from_its_first_appearance() {
        let mut e = Evidence::default();
        e.add(&obs(json!({"a": 1})), "2026-11-01T00:00:00Z");
        e.add(&obs(json!({"a": 1, "b": 2})), "2026-11-02T00:00:00Z");
        e.add(&obs(json!({"a": 1, "b": 2})), "2026-11-03T00:00:00Z");
        let b = &e.keys["/b"];
        assert_eq!((b.runs, b.present, b.always), (2, 2, 2));
    }

    #[test]
    fn severity_grows_with_evidence() {
        let stable = |runs, items| KeyEvidence {
            runs,
            present: runs,
            always: runs,
            items_with: items,
            items_seen: items,
            ..KeyEvidence::default()
        };
        let with =
            |e: &KeyEvidence, now, standing| removal(Some(e), now, standing, 100).map(|r| r.0);
        let sev = |e: &KeyEvidence, now, declared, required| {
            let standing = Standing {
                declared,
                required,
                siblings_vary: false,
            };
            with(e, now, standing)
        };
        let optional = Standing {
            declared: true,
            ..Standing::default()
        };
        // Little evidence: info, whatever the contract says (required aside).
        assert_eq!(sev(&stable(1, 1), 1, false, false), Some(Severity::Info));
        assert_eq!(sev(&stable(1, 1), 1, true, true), Some(Severity::Breaking));
        // A declared optional key that appeared late and held a run or two may go without a
        // word; one recorded with the snapshot keeps its note.
        assert_eq!(sev(&stable(1, 40), 3, true, false), None);
        assert_eq!(sev(&stable(2, 2), 1, true, false), None);
        assert_eq!(sev(&stable(3, 3), 1, true, false), Some(Severity::Info));
        assert_eq!(
            removal(Some(&stable(1, 1)), 1, optional, 1).map(|r| r.0),
            Some(Severity::Info)
        );
        // An undeclared key that held for a few runs: warning; for a week and many items: breaking.
        assert_eq!(sev(&stable(3, 3), 1, false, false), Some(Severity::Warning));
        assert_eq!(
            sev(&stable(8, 120), 1, false, false),
            Some(Severity::Breaking)
        );
        // A declared optional key on a single resource needs many runs; on a list, few.
        assert_eq!(sev(&stable(19, 19), 1, true, false), Some(Severity::Info));
        assert_eq!(
            sev(&stable(60, 60), 1, true, false),
            Some(Severity::Warning)
        );
        assert_eq!(
            sev(&stable(8, 80), 5, true, false),
            Some(Severity::Breaking)
        );
        // Where the object's other optional keys come and go, a key in 70% of objects is in all
        // of 18 about once in 600 — among thousands of keys, a lucky run is bound to end
        // somewhere: the odds must be far stronger.
        let varying = Standing {
            siblings_vary: true,
            ..optional
        };
        assert_eq!(with(&stable(8, 18), 2, optional), Some(Severity::Warning));
        assert_eq!(with(&stable(8, 18), 3, optional), Some(Severity::Breaking));
        assert_eq!(with(&stable(8, 18), 2, varying), Some(Severity::Info));
        assert_eq!(with(&stable(8, 18), 3, varying), Some(Severity::Info));
        assert_eq!(with(&stable(8, 80), 5, varying), Some(Severity::Breaking));
        assert_eq!(with(&stable(60, 60), 1, varying), Some(Severity::Info));
        let flicker = KeyEvidence {
            runs: 10,
            present: 7,
            always: 7,
            ..KeyEvidence::default()
        };
        assert_eq!(sev(&flicker, 1, false, false), None);
        let why = removal(Some(&stable(14, 14)), 1, optional, 14)
            .map(|r| r.1)
            .unwrap_or_default();
        assert!(
            why.starts_with("present in 14 of 14 runs (14 of 14 items), absent now"),
            "{why}"
        );
    }
}
