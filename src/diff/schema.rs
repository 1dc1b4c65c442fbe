//! Comparing two schemas with direction. Schemas are read as written (Swagger 2.0 or OpenAPI 3.x:
//! `x-nullable`, `nullable`, type arrays) with every `$ref` followed and `allOf` merged, so a
//! renamed definition, a `$ref`/`allOf` refactor or key order are not changes; `description`,
//! `title`, examples and `x-*` are never compared. The comparison of two referenced definitions is
//! done once per direction and reused at every place that reaches them (memoised), so a shared
//! definition costs one comparison however many operations use it — and its changes are
//! reported at each of them, naming the definition.

use crate::model::finding::definition;
use crate::model::Kind;
use crate::spec::flat::{self, tighter};
use crate::spec::Contract;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// Who reads the value: the server (a request the client writes) or the client (a response).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Request,
    Response,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// One change inside a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    /// The rule, one per change and direction; the registry gives its severity.
    pub kind: Kind,
    /// Where in the body (`/data/attributes/first_name`, `*` for array items).
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub message: String,
    /// The definition the change is in (`#/definitions/Patient`), when it came through a `$ref`.
    pub origin: Option<String>,
    /// Where it is in the old and the new contract (document, pointer).
    pub old_at: Option<(usize, String)>,
    pub new_at: Option<(usize, String)>,
}

/// What a change does to the values a schema admits, before its direction makes it a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    PropertyRemoved,
    PropertyAdded,
    RequiredAdded,
    RequiredRemoved,
    /// Type, format or nullability: some old value is no longer valid (`narrows`), some new
    /// value was not valid before (`widens`); a type replaced does both.
    Type {
        narrows: bool,
        widens: bool,
    },
    /// A length, range, pattern, `const`, `uniqueItems` or `additionalProperties: false`.
    Constraint {
        narrows: bool,
        widens: bool,
    },
    EnumAdded,
    EnumRemoved,
    VariantAdded,
    VariantRemoved,
    /// The discriminator's property renamed, or a value mapped to another schema.
    Discriminator,
    /// `additionalProperties: false` dropped.
    Opened,
    /// Whether it narrows or widens cannot be proven (a regex `pattern` replaced, `not`,
    /// `if`/`then`): a warning that says so.
    Unproven,
}

impl Change {
    /// The rule of this change read in `dir`. A request breaks when what clients send is
    /// narrowed, a response when what clients read is widened.
    pub fn at(self, dir: Direction) -> Kind {
        use Change as C;
        match dir {
            Direction::Request => match self {
                C::PropertyRemoved => Kind::SpecRequestPropertyRemoved,
                C::PropertyAdded => Kind::SpecRequestPropertyAdded,
                C::RequiredAdded => Kind::SpecRequestRequiredAdded,
                C::RequiredRemoved => Kind::SpecRequestRequiredRemoved,
                C::Type { narrows: true, .. } => Kind::SpecRequestTypeNarrowed,
                C::Type { .. } => Kind::SpecRequestTypeWidened,
                C::Constraint { narrows: true, .. } => Kind::SpecRequestConstraintTightened,
                C::Constraint { .. } | C::Opened => Kind::SpecRequestConstraintLoosened,
                C::EnumAdded => Kind::SpecRequestEnumValueAdded,
                C::EnumRemoved => Kind::SpecRequestEnumValueRemoved,
                C::VariantAdded => Kind::SpecRequestVariantAdded,
                C::VariantRemoved => Kind::SpecRequestVariantRemoved,
                C::Discriminator => Kind::SpecRequestDiscriminatorChanged,
                C::Unproven => Kind::SpecRequestUnproven,
            },
            Direction::Response => match self {
                C::PropertyRemoved => Kind::SpecResponsePropertyRemoved,
                C::PropertyAdded => Kind::SpecResponsePropertyAdded,
                C::RequiredAdded => Kind::SpecResponseRequiredAdded,
                C::RequiredRemoved => Kind::SpecResponseRequiredRemoved,
                C::Type { widens: true, .. } => Kind::SpecResponseTypeWidened,
                C::Type { .. } => Kind::SpecResponseTypeNarrowed,
                C::Constraint { widens: true, .. } => Kind::SpecResponseConstraintLoosened,
                C::Constraint { .. } => Kind::SpecResponseConstraintTightened,
                C::Opened => Kind::SpecResponsePropertiesOpened,
                C::EnumAdded => Kind::SpecResponseEnumValueAdded,
                C::EnumRemoved => Kind::SpecResponseEnumValueRemoved,
                C::VariantAdded => Kind::SpecResponseVariantAdded,
                C::VariantRemoved => Kind::SpecResponseVariantRemoved,
                C::Discriminator => Kind::SpecResponseDiscriminatorChanged,
                C::Unproven => Kind::SpecResponseUnproven,
            },
        }
    }
}

/// A schema node: its document, pointer, value.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub doc: usize,
    pub pointer: &'a str,
    pub value: &'a Value,
}

/// The parts of a schema that matter, with `$ref`s followed and `allOf` merged.
#[derive(Default)]
struct Flat<'a> {
    types: BTreeSet<String>,
    /// Some type is declared (else any type).
    typed: bool,
    nullable: bool,
    enum_: Option<BTreeSet<String>>,
    format: Option<String>,
    constraints: BTreeMap<&'static str, f64>,
    pattern: Option<String>,
    properties: BTreeMap<String, (usize, String, &'a Value)>,
    required: BTreeSet<String>,
    items: Option<(usize, String, &'a Value)>,
    read_only: bool,
    write_only: bool,
    /// `const`, as JSON text.
    constant: Option<String>,
    unique: bool,
    /// `additionalProperties: false`.
    closed: bool,
    /// Numeric bounds, each (value, exclusive): `minimum`, 3.0 `exclusiveMinimum: true` and 3.1
    /// `exclusiveMinimum: N` read as one.
    lower: Option<(f64, bool)>,
    upper: Option<(f64, bool)>,
    multiple_of: Option<f64>,
    /// The keywords of `UNPROVEN`, as written.
    other: BTreeMap<&'static str, &'a Value>,
    /// The `oneOf`/`anyOf` variants, by the definition each refers to (else its place).
    variants: Option<BTreeSet<String>>,
    /// Properties only a variant declares.
    variant_only: BTreeSet<String>,
    /// The discriminator's property and its mapping (value → target), as written.
    discriminator: Option<(String, BTreeMap<String, String>)>,
}

const LOWER: [&str; 3] = ["minLength", "minItems", "minProperties"];
const UPPER: [&str; 3] = ["maxLength", "maxItems", "maxProperties"];

/// A pair of places compared in one direction: (old doc, old pointer, new doc, new pointer).
type PairKey = (usize, String, usize, String, Direction);

/// The comparison of two contracts' schemas, with its memo.
pub struct Comparer<'c> {
    old: &'c Contract,
    new: &'c Contract,
    memo: HashMap<PairKey, Rc<Vec<SchemaChange>>>,
    /// The pairs being compared: reaching one again is recursion, compared where it started
    /// (changes inside a recursive definition are reported at its first level).
    stack: Vec<PairKey>,
}

const MAX_DEPTH: usize = 48;

impl<'c> Comparer<'c> {
    pub fn new(old: &'c Contract, new: &'c Contract) -> Comparer<'c> {
        Comparer {
            old,
            new,
            memo: HashMap::new(),
            stack: Vec::new(),
        }
    }

    /// The changes from `old` to `new`, read in `dir`.
    pub fn compare(&mut self, old: At<'_>, new: At<'_>, dir: Direction) -> Vec<SchemaChange> {
        self.node(old, new, dir, 0)
    }

    fn node(
        &mut self,
        old: At<'_>,
        new: At<'_>,
        dir: Direction,
        depth: usize,
    ) -> Vec<SchemaChange> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let (od, op, ov) = resolve(self.old, old);
        let (nd, np, nv) = resolve(self.new, new);
        // Every pair of places is compared once per direction: a schema reached from many
        // places (a shared definition, an `anyOf` branch) costs one comparison.
        let key = (od, op.clone(), nd, np.clone(), dir);
        if let Some(done) = self.memo.get(&key) {
            return done.as_ref().clone();
        }
        if self.stack.contains(&key) {
            return Vec::new(); // a recursive definition: compared where it started
        }
        self.stack.push(key.clone());
        let mut found = self.flat_compare(od, &op, ov, nd, &np, nv, dir, depth);
        self.stack.pop();
        let origin = definition(&np).or_else(|| definition(&op));
        for c in &mut found {
            if c.origin.is_none() {
                c.origin.clone_from(&origin);
            }
        }
        self.memo.insert(key, Rc::new(found.clone()));
        found
    }

    #[allow(clippy::too_many_arguments)]
    fn flat_compare(
        &mut self,
        od: usize,
        op: &str,
        ov: &Value,
        nd: usize,
        np: &str,
        nv: &Value,
        dir: Direction,
        depth: usize,
    ) -> Vec<SchemaChange> {
        let o = flatten(self.old, od, op, ov, 0);
        let n = flatten(self.new, nd, np, nv, 0);
        let mut out = Vec::new();
        scalars(&o, &n, dir, &mut out);
        variants(&o, &n, dir, &mut out);
        discriminators(&o, &n, dir, &mut out);
        // Properties.
        for (name, (d, p, v)) in &o.properties {
            let old_inner = flatten(self.old, *d, p, v, 0);
            let skip = match dir {
                Direction::Request => old_inner.read_only,
                Direction::Response => old_inner.write_only,
            };
            if skip {
                continue;
            }
            let path = format!("/{}", crate::text::escape_pointer_token(name));
            // Gone with the variant that declared it: the variant change says so.
            let with_variant = o.variant_only.contains(name) && o.variants != n.variants;
            match n.properties.get(name) {
                None if with_variant => {}
                None => out.push(SchemaChange {
                    kind: Change::PropertyRemoved.at(dir),
                    path,
                    old: Some(name.clone()),
                    new: None,
                    message: format!("property `{name}` removed"),
                    origin: None,
                    old_at: Some((*d, p.clone())),
                    new_at: None,
                }),
                Some((nd2, np2, nv2)) => {
                    let was = o.required.contains(name);
                    let is = n.required.contains(name);
                    if was && !is {
                        out.push(change(
                            Change::RequiredRemoved.at(dir),
                            &path,
                            "required",
                            "optional",
                            format!("property `{name}` is no longer required"),
                        ));
                    }
                    if !was && is {
                        out.push(change(
                            Change::RequiredAdded.at(dir),
                            &path,
                            "optional",
                            "required",
                            format!("property `{name}` is now required"),
                        ));
                    }
                    let inner = self.child((*d, p, v), (*nd2, np2, nv2), &path, dir, depth);
                    out.extend(inner);
                }
            }
        }
        for name in n
            .properties
            .keys()
            .filter(|k| !o.properties.contains_key(*k))
        {
            let path = format!("/{}", crate::text::escape_pointer_token(name));
            let required = n.required.contains(name);
            // A property the server sets (`readOnly`) is never sent: not a request change, as a
            // `writeOnly` one is not a response change.
            if let Some((d, p, v)) = n.properties.get(name) {
                let inner = flatten(self.new, *d, p, v, 0);
                let skip = match dir {
                    Direction::Request => inner.read_only,
                    Direction::Response => inner.write_only,
                };
                if skip {
                    continue;
                }
            }
            if required && dir == Direction::Request {
                out.push(change(
                    Change::RequiredAdded.at(dir),
                    &path,
                    "absent",
                    "required",
                    format!("new required property `{name}`"),
                ));
            } else {
                out.push(SchemaChange {
                    kind: Change::PropertyAdded.at(dir),
                    path,
                    old: None,
                    new: Some(name.clone()),
                    message: format!("property `{name}` added"),
                    origin: None,
                    old_at: None,
                    new_at: n.properties.get(name).map(|(d, p, _)| (*d, p.clone())),
                });
            }
        }
        if let (Some((d, p, v)), Some((nd2, np2, nv2))) = (&o.items, &n.items) {
            let inner = self.child((*d, p, v), (*nd2, np2, nv2), "/*", dir, depth);
            out.extend(inner);
        }
        // Changes found here (not deeper) are at this pair of places.
        for c in &mut out {
            if c.old_at.is_none() {
                c.old_at = Some((od, op.to_string()));
            }
            if c.new_at.is_none() {
                c.new_at = Some((nd, np.to_string()));
            }
        }
        out
    }
}

impl Comparer<'_> {
    /// The changes below a property or the array items, their paths under `prefix`.
    fn child(
        &mut self,
        (od, op, ov): (usize, &str, &Value),
        (nd, np, nv): (usize, &str, &Value),
        prefix: &str,
        dir: Direction,
        depth: usize,
    ) -> Vec<SchemaChange> {
        let old = At {
            doc: od,
            pointer: op,
            value: ov,
        };
        let new = At {
            doc: nd,
            pointer: np,
            value: nv,
        };
        let mut found = self.node(old, new, dir, depth + 1);
        for c in &mut found {
            c.path = format!("{prefix}{}", c.path);
        }
        found
    }
}

fn change(kind: Kind, path: &str, old: &str, new: &str, message: String) -> SchemaChange {
    SchemaChange {
        kind,
        path: path.to_string(),
        old: Some(old.into()),
        new: Some(new.into()),
        message,
        origin: None,
        old_at: None,
        new_at: None,
    }
}

/// Type, nullability, enum, format and constraints, with direction.
fn scalars(o: &Flat<'_>, n: &Flat<'_>, dir: Direction, out: &mut Vec<SchemaChange>) {
    let describe = |f: &Flat<'_>| {
        let mut t: Vec<String> = f.types.iter().cloned().collect();
        if f.nullable {
            t.push("null".into());
        }
        if t.is_empty() {
            "any".to_string()
        } else {
            t.join(" | ")
        }
    };
    // `accepts(a, b)`: every value of type set b is a value of type set a.
    let accepts = |a: &Flat<'_>, b: &Flat<'_>| {
        !a.typed
            || (b.typed
                && b.types
                    .iter()
                    .all(|t| a.types.contains(t) || (t == "integer" && a.types.contains("number"))))
    };
    if describe(o) != describe(n) {
        let kind = Change::Type {
            // Some old value is no longer valid (a server stops accepting what clients send).
            narrows: !(accepts(n, o) && (n.nullable || !o.nullable)),
            // Some new value was not valid before (a client reads what it never saw).
            widens: !(accepts(o, n) && (o.nullable || !n.nullable)),
        };
        out.push(change(
            kind.at(dir),
            "",
            &describe(o),
            &describe(n),
            format!("type {} → {}", describe(o), describe(n)),
        ));
    }
    if o.format != n.format {
        let show = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".into());
        // A format added admits fewer strings, dropped any string, replaced other strings.
        let kind = Change::Type {
            narrows: n.format.is_some(),
            widens: o.format.is_some(),
        };
        out.push(change(
            kind.at(dir),
            "",
            &show(&o.format),
            &show(&n.format),
            format!("format {} → {}", show(&o.format), show(&n.format)),
        ));
    }
    match (&o.enum_, &n.enum_) {
        (Some(a), Some(b)) => {
            let added: Vec<&String> = b.difference(a).collect();
            let removed: Vec<&String> = a.difference(b).collect();
            if !added.is_empty() {
                out.push(change(
                    Change::EnumAdded.at(dir),
                    "",
                    "",
                    &join(&added),
                    format!("enum value(s) added: {}", join(&added)),
                ));
            }
            if !removed.is_empty() {
                out.push(change(
                    Change::EnumRemoved.at(dir),
                    "",
                    &join(&removed),
                    "",
                    format!("enum value(s) removed: {}", join(&removed)),
                ));
            }
        }
        (Some(a), None) => out.push(change(
            Change::EnumAdded.at(dir),
            "",
            &join(&a.iter().collect::<Vec<_>>()),
            "any value",
            "the enum was removed: any value is now allowed".into(),
        )),
        (None, Some(b)) => out.push(change(
            Change::EnumRemoved.at(dir),
            "",
            "any value",
            &join(&b.iter().collect::<Vec<_>>()),
            "an enum now restricts the values".into(),
        )),
        (None, None) => {}
    }
    bounds(o, n, dir, out);
    if o.pattern != n.pattern {
        let show = |p: &Option<String>| p.clone().unwrap_or_else(|| "none".into());
        // A pattern added (request) or dropped (response) narrows or widens for sure; one
        // pattern replaced by another cannot be proven either way (`/group` → `/groups`).
        let replaced = o.pattern.is_some() && n.pattern.is_some();
        let kind = if replaced {
            Change::Unproven
        } else {
            Change::Constraint {
                narrows: n.pattern.is_some(),
                widens: o.pattern.is_some(),
            }
        };
        let mut c = change(
            kind.at(dir),
            "",
            &show(&o.pattern),
            &show(&n.pattern),
            format!("pattern {} → {}", show(&o.pattern), show(&n.pattern)),
        );
        if replaced {
            c.message
                .push_str(" (whether every value still matches cannot be proven: check it)");
        }
        out.push(c);
    }
    multiples(o, n, dir, out);
    unproven_keywords(o, n, dir, out);
    if o.constant != n.constant {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "any".into());
        // A constant added narrows; removed (or changed) widens what a reader may get.
        let kind = Change::Constraint {
            narrows: n.constant.is_some(),
            widens: o.constant.is_some(),
        };
        out.push(change(
            kind.at(dir),
            "",
            &show(&o.constant),
            &show(&n.constant),
            format!("const {} → {}", show(&o.constant), show(&n.constant)),
        ));
    }
    if o.unique != n.unique {
        // uniqueItems added narrows what a server accepts; dropped, a client may read repeats.
        let kind = Change::Constraint {
            narrows: n.unique,
            widens: o.unique,
        };
        out.push(change(
            kind.at(dir),
            "",
            &o.unique.to_string(),
            &n.unique.to_string(),
            format!("uniqueItems {} → {}", o.unique, n.unique),
        ));
    }
    if o.closed != n.closed {
        // `additionalProperties: false` added: a server rejects what clients may send. Dropped,
        // a response may carry keys clients ignore (readers tolerate unknown keys).
        let kind = if n.closed {
            Change::Constraint {
                narrows: true,
                widens: false,
            }
        } else {
            Change::Opened
        };
        out.push(change(
            kind.at(dir),
            "",
            if o.closed { "closed" } else { "open" },
            if n.closed { "closed" } else { "open" },
            format!(
                "additionalProperties {} → {}",
                if o.closed { "false" } else { "allowed" },
                if n.closed { "false" } else { "allowed" }
            ),
        ));
    }
}

/// `oneOf`/`anyOf` variants added or removed: a reader may get a variant it does not know (an
/// added response variant breaks), a writer may send one the server no longer takes (a removed
/// request variant breaks); the other directions are compatible. A composition of two or more
/// variants added where there was none narrows what is valid (`required: [a, b]` turned into
/// `oneOf: [{required: [a]}, {required: [b]}]`: a client sending both is refused); one dropped
/// widens it. A single-branch `oneOf` wraps a `$ref` and is no composition.
fn variants(o: &Flat<'_>, n: &Flat<'_>, dir: Direction, out: &mut Vec<SchemaChange>) {
    fn several(v: &Option<BTreeSet<String>>) -> Option<&BTreeSet<String>> {
        v.as_ref().filter(|v| v.len() > 1)
    }
    match (several(&o.variants), several(&n.variants)) {
        (None, Some(b)) if o.variants.is_none() => {
            let shown = join(&b.iter().collect::<Vec<_>>());
            let kind = Change::Constraint {
                narrows: true,
                widens: false,
            };
            out.push(change(
                kind.at(dir),
                "",
                "any",
                &shown,
                format!("oneOf/anyOf added: a value must now match {shown}"),
            ));
            return;
        }
        (Some(a), None) if n.variants.is_none() => {
            let shown = join(&a.iter().collect::<Vec<_>>());
            let kind = Change::Constraint {
                narrows: false,
                widens: true,
            };
            out.push(change(
                kind.at(dir),
                "",
                &shown,
                "any",
                format!("oneOf/anyOf removed: a value no longer has to match {shown}"),
            ));
            return;
        }
        _ => {}
    }
    let (Some(a), Some(b)) = (&o.variants, &n.variants) else {
        return;
    };
    let added: Vec<&String> = b.difference(a).collect();
    let removed: Vec<&String> = a.difference(b).collect();
    if !added.is_empty() {
        out.push(change(
            Change::VariantAdded.at(dir),
            "",
            "",
            &join(&added),
            format!("variant(s) added to oneOf/anyOf: {}", join(&added)),
        ));
    }
    if !removed.is_empty() {
        out.push(change(
            Change::VariantRemoved.at(dir),
            "",
            &join(&removed),
            "",
            format!("variant(s) removed from oneOf/anyOf: {}", join(&removed)),
        ));
    }
}

/// A discriminator's property renamed breaks both sides (writers send the old one, readers look
/// for it); a mapping value gone breaks writers, a new one readers; a value mapped elsewhere
/// breaks both.
fn discriminators(o: &Flat<'_>, n: &Flat<'_>, dir: Direction, out: &mut Vec<SchemaChange>) {
    let (Some((a, am)), Some((b, bm))) = (&o.discriminator, &n.discriminator) else {
        return;
    };
    if a != b {
        out.push(change(
            Change::Discriminator.at(dir),
            "",
            a,
            b,
            format!("discriminator property `{a}` → `{b}`"),
        ));
    }
    let removed: Vec<&String> = am.keys().filter(|k| !bm.contains_key(*k)).collect();
    let added: Vec<&String> = bm.keys().filter(|k| !am.contains_key(*k)).collect();
    let moved: Vec<&String> = am
        .iter()
        .filter(|(k, v)| bm.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    for (kind, values, what) in [
        (Change::EnumRemoved, removed, "no longer mapped"),
        (Change::EnumAdded, added, "newly mapped"),
        (Change::Discriminator, moved, "mapped to another schema"),
    ] {
        if values.is_empty() {
            continue;
        }
        out.push(change(
            kind.at(dir),
            "",
            "",
            &join(&values),
            format!("discriminator value(s) {what}: {}", join(&values)),
        ));
    }
}

/// Every bound, each (value, exclusive): lengths, item and property counts, and numeric bounds
/// (inclusive and exclusive, 3.0 and 3.1 forms read as one). Tightened: a new bound, a higher
/// lower bound, a lower upper bound, the same value made exclusive.
fn bounds(o: &Flat<'_>, n: &Flat<'_>, dir: Direction, out: &mut Vec<SchemaChange>) {
    let count = |f: &Flat<'_>, key: &str| f.constraints.get(key).map(|v| (*v, false));
    let lengths = LOWER
        .iter()
        .map(|k| (*k, true))
        .chain(UPPER.iter().map(|k| (*k, false)))
        .map(|(key, lower)| (key, lower, count(o, key), count(n, key)));
    let numbers = [
        ("minimum", true, o.lower, n.lower),
        ("maximum", false, o.upper, n.upper),
    ];
    for (key, lower, a, b) in lengths.chain(numbers) {
        let tightened = match (a, b) {
            _ if a == b => continue,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) => tighter(y, x, lower),
            (None, None) => continue,
        };
        let kind = Change::Constraint {
            narrows: tightened,
            widens: !tightened,
        };
        let show = |v: Option<(f64, bool)>| match v {
            None => "none".to_string(),
            Some((v, true)) => format!("{v} (exclusive)"),
            Some((v, false)) => v.to_string(),
        };
        out.push(change(
            kind.at(dir),
            "",
            &show(a),
            &show(b),
            format!("{key} {} → {}", show(a), show(b)),
        ));
    }
}

/// `multipleOf`: every multiple of the old one still one of the new (or the reverse).
fn multiples(o: &Flat<'_>, n: &Flat<'_>, dir: Direction, out: &mut Vec<SchemaChange>) {
    if o.multiple_of != n.multiple_of {
        // Every multiple of `a` is one of `b` when `a` is a multiple of `b`.
        let divides = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => b > 0.0 && ((a / b) - (a / b).round()).abs() < 1e-9,
        };
        let kind = Change::Constraint {
            narrows: !divides(o.multiple_of, n.multiple_of),
            widens: !divides(n.multiple_of, o.multiple_of),
        };
        let show = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
        out.push(change(
            kind.at(dir),
            "",
            &show(o.multiple_of),
            &show(n.multiple_of),
            format!(
                "multipleOf {} → {}",
                show(o.multiple_of),
                show(n.multiple_of)
            ),
        ));
    }
}

/// JSON Schema keywords whose change drift compares as written but cannot prove the direction
/// of (`not`, `if`/`then`/`else`, `contains`, `dependentRequired`, `propertyNames`,
/// `unevaluatedProperties`, `patternProperties`, …): a warning that says so.
fn unproven_keywords(o: &Flat<'_>, n: &Flat<'_>, dir: Direction, out: &mut Vec<SchemaChange>) {
    for key in flat::KEYWORDS {
        let (a, b) = (o.other.get(*key).copied(), n.other.get(*key).copied());
        if a == b {
            continue;
        }
        let show = |v: Option<&Value>| {
            v.map_or("none".to_string(), |v| {
                crate::text::excerpt(&v.to_string(), 120)
            })
        };
        out.push(change(
            Change::Unproven.at(dir),
            "",
            &show(a),
            &show(b),
            format!(
                "{key} {} → {} (whether this breaks clients cannot be proven: check it)",
                show(a),
                show(b)
            ),
        ));
    }
}

fn join(v: &[&String]) -> String {
    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// Follow `$ref`s to the schema itself.
fn resolve<'a>(c: &'a Contract, at: At<'a>) -> (usize, String, &'a Value) {
    match c.documents.deref(at.doc, at.pointer, at.value) {
        Ok((d, p, v)) => (d, p, v),
        Err(_) => (at.doc, at.pointer.to_string(), at.value),
    }
}

/// The most schema nodes one flattening visits: a contract whose compositions fan out further
/// is compared on what fits.
const MAX_FLATTEN_NODES: usize = 10_000;

/// A schema as the differ reads it: the crate's one flattening (`spec::flat`: `$ref`s, `allOf`,
/// cycles, budget), and the `oneOf`/`anyOf` branches' properties declared (none required), their
/// types possible ones, their names the variants.
fn flatten<'a>(
    c: &'a Contract,
    doc: usize,
    pointer: &str,
    node: &'a Value,
    depth: usize,
) -> Flat<'a> {
    let budget = std::cell::Cell::new(MAX_FLATTEN_NODES);
    let mut unfolding = Vec::new();
    let node = flat::Node {
        doc,
        pointer: pointer.to_string(),
        value: node,
    };
    read(c, node, depth, &budget, &mut unfolding)
}

fn read<'a>(
    c: &'a Contract,
    node: flat::Node<'a>,
    depth: usize,
    budget: &std::cell::Cell<usize>,
    unfolding: &mut Vec<(usize, String)>,
) -> Flat<'a> {
    let mut walk = flat::Walk::new(budget, MAX_DEPTH);
    let x = flat::flatten(c, node, depth, true, &mut walk);
    let mut f = Flat {
        typed: x.typed,
        nullable: x.nullable,
        format: x.format.map(String::from),
        pattern: x.pattern.map(String::from),
        required: x.required.iter().cloned().collect(),
        items: x
            .items
            .as_ref()
            .map(|n| (n.doc, n.pointer.clone(), n.value)),
        read_only: x.read_only,
        write_only: x.write_only,
        constant: x.constant.map(Value::to_string),
        unique: x.unique,
        closed: x.closed,
        lower: x.minimum,
        upper: x.maximum,
        multiple_of: x.multiple_of,
        other: x.keywords.iter().copied().collect(),
        ..Flat::default()
    };
    for t in &x.types {
        if t == "null" {
            f.nullable = true;
        } else {
            f.types.insert(t.clone());
        }
    }
    // An object is what declares properties, whether or not it says `type: object`.
    if !f.typed && (!x.properties.is_empty() || x.additional.is_some() || x.closed) {
        f.typed = true;
        f.types.insert("object".into());
    }
    if !f.typed && (x.items.is_some() || !x.prefix.is_empty()) {
        f.typed = true;
        f.types.insert("array".into());
    }
    if let Some(values) = x.enumeration {
        let mut set: BTreeSet<String> = values.iter().map(Value::to_string).collect();
        if set.remove("null") {
            f.nullable = true;
        }
        f.enum_ = Some(set);
    }
    let counts = [
        ("minLength", Some(x.min_len).filter(|n| *n > 0)),
        ("minItems", Some(x.min_items).filter(|n| *n > 0)),
        ("minProperties", Some(x.min_properties).filter(|n| *n > 0)),
        ("maxLength", x.max_len),
        ("maxItems", x.max_items),
        ("maxProperties", x.max_properties),
    ];
    for (key, n) in counts {
        if let Some(n) = n {
            f.constraints.insert(key, n as f64);
        }
    }
    for p in &x.properties {
        f.properties.insert(
            p.name.clone(),
            (p.node.doc, p.node.pointer.clone(), p.node.value),
        );
    }
    f.discriminator = x.discriminator.as_ref().map(|(name, mapping)| {
        let mapping = mapping
            .as_ref()
            .and_then(|m| m.value.as_object())
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
            .collect();
        (name.clone(), mapping)
    });
    let typed_here = f.typed;
    let mut branch_types: Option<BTreeSet<String>> = Some(BTreeSet::new());
    for choice in &x.choices {
        // A base listing its subtypes, each `allOf: [base, …]`: its choice is met again inside
        // each subtype and unfolded once.
        let at = (choice.node.doc, choice.node.pointer.clone());
        if unfolding.contains(&at) || depth >= MAX_DEPTH {
            continue;
        }
        unfolding.push(at);
        let key = if choice.one_of { "oneOf" } else { "anyOf" };
        for (i, b) in choice.branches.iter().enumerate() {
            let inner = read(c, b.clone(), depth + 1, budget, unfolding);
            // A variant: named by the definition it refers to, else by its place.
            let name = b
                .value
                .get("$ref")
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
                .unwrap_or_else(|| format!("{key}[{i}]"));
            f.variants.get_or_insert_with(BTreeSet::new).insert(name);
            for (k, v) in inner.properties {
                if !f.properties.contains_key(&k) {
                    f.variant_only.insert(k.clone());
                    f.properties.insert(k, v);
                }
            }
            // Any branch may apply: its types are possible ones (an untyped branch leaves any
            // type possible).
            branch_types = match branch_types {
                Some(mut types) if inner.typed => {
                    types.extend(inner.types);
                    Some(types)
                }
                _ => None,
            };
            f.nullable |= inner.nullable;
            if f.items.is_none() {
                f.items = inner.items;
            }
        }
        unfolding.pop();
    }
    if !typed_here && f.variants.is_some() {
        if let Some(types) = branch_types.filter(|t| !t.is_empty()) {
            f.types = types;
            f.typed = true;
        }
    }
    f
}
