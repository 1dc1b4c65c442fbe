//! Comparing two schemas with direction. Schemas are read as written (Swagger 2.0 or OpenAPI 3.x:
//! `x-nullable`, `nullable`, type arrays) with every `$ref` followed and `allOf` merged, so a
//! renamed definition, a `$ref`/`allOf` refactor or key order are not changes; `description`,
//! `title`, examples and `x-*` are never compared. The comparison of two referenced definitions is
//! done once per direction and reused at every place that reaches them (memoised), so a shared
//! definition costs one comparison however many operations use it — and its changes are
//! reported at each of them, naming the definition.

use crate::model::Kind;
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
                    if was && !is && dir == Direction::Response {
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
    for (key, lower) in LOWER
        .iter()
        .map(|k| (*k, true))
        .chain(UPPER.iter().map(|k| (*k, false)))
    {
        let (a, b) = (o.constraints.get(key), n.constraints.get(key));
        if a == b {
            continue;
        }
        // Tightened: a new bound, a higher lower bound, a lower upper bound.
        let tightened = match (a, b) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) => {
                if lower {
                    y > x
                } else {
                    y < x
                }
            }
            (None, None) => continue,
        };
        let kind = Change::Constraint {
            narrows: tightened,
            widens: !tightened,
        };
        let show = |v: Option<&f64>| v.map_or("none".to_string(), |v| v.to_string());
        out.push(change(
            kind.at(dir),
            "",
            &show(a),
            &show(b),
            format!("{key} {} → {}", show(a), show(b)),
        ));
    }
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
    exclusive_and_multiples(o, n, dir, out);
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
/// request variant breaks); the other directions are compatible.
fn variants(o: &Flat<'_>, n: &Flat<'_>, dir: Direction, out: &mut Vec<SchemaChange>) {
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

/// A numeric bound as (value, exclusive): the tighter of the inclusive and the exclusive one.
fn bound(
    map: &serde_json::Map<String, Value>,
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
fn tighter(b: (f64, bool), a: (f64, bool), lower: bool) -> bool {
    let further = if lower { b.0 > a.0 } else { b.0 < a.0 };
    further || (b.0 == a.0 && b.1 && !a.1)
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

/// Numeric bounds (inclusive and exclusive, 3.0 and 3.1 forms read as one) and `multipleOf`.
fn exclusive_and_multiples(
    o: &Flat<'_>,
    n: &Flat<'_>,
    dir: Direction,
    out: &mut Vec<SchemaChange>,
) {
    for (lower, a, b) in [(true, o.lower, n.lower), (false, o.upper, n.upper)] {
        if a == b {
            continue;
        }
        let tightened = match (a, b) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) => tighter(y, x, lower),
            (None, None) => continue,
        };
        let kind = Change::Constraint {
            narrows: tightened,
            widens: !tightened,
        };
        let key = if lower { "minimum" } else { "maximum" };
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
    for key in UNPROVEN {
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

/// Keywords compared as written, their direction unproven.
const UNPROVEN: &[&str] = &[
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

/// The named definition a place is in: `#/components/schemas/Patient/properties/x` →
/// `#/components/schemas/Patient`.
pub fn definition(pointer: &str) -> Option<String> {
    for prefix in ["#/components/schemas/", "#/definitions/"] {
        if let Some(rest) = pointer.strip_prefix(prefix) {
            let name = rest.split('/').next().unwrap_or(rest);
            return Some(format!("{prefix}{name}"));
        }
    }
    None
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

/// A schema with `allOf` merged (and `anyOf`/`oneOf` properties declared, none required).
/// Cycle-safe: a schema reached again through its own composition (a base listing its subtypes
/// in `oneOf`, each subtype `allOf: [base, …]`) is not unfolded again, and a node budget bounds
/// the rest.
fn flatten<'a>(
    c: &'a Contract,
    doc: usize,
    pointer: &str,
    node: &'a Value,
    depth: usize,
) -> Flat<'a> {
    let mut walk = Walk {
        on_path: Vec::new(),
        budget: MAX_FLATTEN_NODES,
    };
    flatten_in(c, doc, pointer, node, depth, &mut walk)
}

/// The state of one flattening: the places on the current path, the nodes left.
struct Walk {
    on_path: Vec<(usize, String)>,
    budget: usize,
}

fn flatten_in<'a>(
    c: &'a Contract,
    doc: usize,
    pointer: &str,
    node: &'a Value,
    depth: usize,
    walk: &mut Walk,
) -> Flat<'a> {
    let mut f = Flat::default();
    let (doc, pointer, node) = match c.documents.deref(doc, pointer, node) {
        Ok((d, p, v)) => (d, p, v),
        Err(_) => (doc, pointer.to_string(), node),
    };
    let Some(map) = node.as_object() else {
        return f;
    };
    if walk.budget == 0 || walk.on_path.iter().any(|(d, p)| *d == doc && *p == pointer) {
        return f;
    }
    walk.budget -= 1;
    walk.on_path.push((doc, pointer.clone()));
    flatten_map(c, doc, &pointer, map, depth, walk, &mut f);
    walk.on_path.pop();
    f
}

/// Fold one schema object (its `$ref` followed) into `f`.
fn flatten_map<'a>(
    c: &'a Contract,
    doc: usize,
    pointer: &str,
    map: &'a serde_json::Map<String, Value>,
    depth: usize,
    walk: &mut Walk,
    f: &mut Flat<'a>,
) {
    let pointer = pointer.to_string();
    match map.get("type") {
        Some(Value::String(t)) => {
            f.typed = true;
            if t == "null" {
                f.nullable = true;
            } else {
                f.types.insert(t.clone());
            }
        }
        Some(Value::Array(ts)) => {
            f.typed = true;
            for t in ts.iter().filter_map(Value::as_str) {
                if t == "null" {
                    f.nullable = true;
                } else {
                    f.types.insert(t.to_string());
                }
            }
        }
        _ => {}
    }
    // An object is what declares properties, whether or not it says `type: object`.
    if !f.typed && (map.contains_key("properties") || map.contains_key("additionalProperties")) {
        f.typed = true;
        f.types.insert("object".into());
    }
    if !f.typed && map.contains_key("items") {
        f.typed = true;
        f.types.insert("array".into());
    }
    f.nullable |= map.get("nullable") == Some(&Value::Bool(true))
        || map.get("x-nullable") == Some(&Value::Bool(true));
    if let Some(Value::Array(values)) = map.get("enum") {
        let mut set: BTreeSet<String> = values.iter().map(Value::to_string).collect();
        if set.remove("null") {
            f.nullable = true;
        }
        f.enum_ = Some(set);
    }
    f.format = map.get("format").and_then(Value::as_str).map(String::from);
    f.pattern = map.get("pattern").and_then(Value::as_str).map(String::from);
    for key in LOWER.iter().chain(UPPER.iter()) {
        if let Some(v) = map.get(*key).and_then(Value::as_f64) {
            f.constraints.insert(key, v);
        }
    }
    f.read_only = map.get("readOnly") == Some(&Value::Bool(true));
    f.write_only = map.get("writeOnly") == Some(&Value::Bool(true));
    f.constant = map.get("const").map(Value::to_string);
    f.unique = map.get("uniqueItems") == Some(&Value::Bool(true));
    f.closed = map.get("additionalProperties") == Some(&Value::Bool(false));
    f.multiple_of = map.get("multipleOf").and_then(Value::as_f64);
    f.discriminator = map.get("discriminator").and_then(|d| {
        // OpenAPI 3 `{propertyName, mapping}`, Swagger 2.0 a bare property name.
        let name = d.get("propertyName").or(Some(d)).and_then(Value::as_str)?;
        let mapping = d
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
            .collect();
        Some((name.to_string(), mapping))
    });
    f.lower = bound(map, "minimum", "exclusiveMinimum", true);
    f.upper = bound(map, "maximum", "exclusiveMaximum", false);
    for key in UNPROVEN {
        if let Some(v) = map.get(*key) {
            f.other.insert(key, v);
        }
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, schema) in props {
            let p =
                crate::text::pointer_push(&crate::text::pointer_push(&pointer, "properties"), name);
            f.properties.insert(name.clone(), (doc, p, schema));
        }
    }
    if let Some(Value::Array(req)) = map.get("required") {
        f.required
            .extend(req.iter().filter_map(Value::as_str).map(String::from));
    }
    if let Some(items) = map.get("items").filter(|i| i.is_object()) {
        f.items = Some((doc, crate::text::pointer_push(&pointer, "items"), items));
    }
    if depth < MAX_DEPTH {
        for key in ["allOf", "anyOf", "oneOf"] {
            let Some(Value::Array(branches)) = map.get(key) else {
                continue;
            };
            for (i, b) in branches.iter().enumerate() {
                let bp = crate::text::pointer_push(
                    &crate::text::pointer_push(&pointer, key),
                    &i.to_string(),
                );
                let inner = flatten_in(c, doc, &bp, b, depth + 1, walk);
                if key != "allOf" {
                    // A variant: named by the definition it refers to, else by its place.
                    let name = b
                        .get("$ref")
                        .and_then(Value::as_str)
                        .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
                        .unwrap_or_else(|| format!("{key}[{i}]"));
                    f.variants.get_or_insert_with(BTreeSet::new).insert(name);
                    for k in inner.properties.keys() {
                        if !f.properties.contains_key(k) {
                            f.variant_only.insert(k.clone());
                        }
                    }
                }
                for (k, v) in inner.properties {
                    f.properties.entry(k).or_insert(v);
                }
                if key == "allOf" {
                    f.required.extend(inner.required);
                    if inner.typed {
                        if f.typed && !f.types.is_empty() && !inner.types.is_empty() {
                            f.types = f.types.intersection(&inner.types).cloned().collect();
                        } else if !f.typed || f.types.is_empty() {
                            f.types.extend(inner.types);
                        }
                        f.typed = true;
                    }
                    f.enum_ = f.enum_.take().or(inner.enum_);
                    f.format = f.format.take().or(inner.format);
                    f.read_only |= inner.read_only;
                    f.write_only |= inner.write_only;
                } else {
                    // Any branch may apply: its types are possible ones (an untyped branch
                    // leaves any type possible).
                    if map.get("type").is_none() {
                        if inner.typed && (i == 0 || f.typed) {
                            f.types.extend(inner.types);
                            f.typed = true;
                        } else {
                            f.typed = false;
                            f.types.clear();
                        }
                    }
                    f.nullable |= inner.nullable;
                }
                if f.items.is_none() {
                    f.items = inner.items;
                }
            }
        }
    }
}
