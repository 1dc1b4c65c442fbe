//! The shape of a JSON value: what a client depends on, without the data.
//!
//! Objects keep their keys and each key's shape; arrays keep the merged shape of all their
//! elements (keys missing from some elements become optional); `null` is its own type; integers and
//! numbers differ; strings keep a cheap format class (date-time, date, uuid, uri, email, plain), so a
//! timestamp that becomes an epoch number or a plain word is caught while its value changing is not.

use super::view::{SchemaView, MAX_VARIANTS};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum StringClass {
    DateTime,
    Date,
    Uuid,
    Uri,
    Email,
    Plain,
}

impl StringClass {
    pub fn of(s: &str) -> StringClass {
        let b = s.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
        let date = b.len() >= 10
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10);
        if date && b.len() == 10 {
            StringClass::Date
        } else if date
            && matches!(b.get(10), Some(b'T' | b't' | b' '))
            && b.len() >= 16
            && digits(11..13)
            && b[13] == b':'
        {
            StringClass::DateTime
        } else if b.len() == 36
            && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
            && s.chars()
                .filter(|c| *c != '-')
                .all(|c| c.is_ascii_hexdigit())
        {
            StringClass::Uuid
        } else if (s.starts_with("http://") || s.starts_with("https://")) && !s.contains(' ') {
            StringClass::Uri
        } else if !s.contains(' ')
            && s.split_once('@')
                .is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.ends_with('.'))
        {
            StringClass::Email
        } else {
            StringClass::Plain
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            StringClass::DateTime => "string:date-time",
            StringClass::Date => "string:date",
            StringClass::Uuid => "string:uuid",
            StringClass::Uri => "string:uri",
            StringClass::Email => "string:email",
            StringClass::Plain => "string",
        }
    }
}

/// The shape of many values built as they are seen: the same shape as merging the shape of each
/// (see [`Shape::merge_all`]), without building them first.
#[derive(Default)]
struct Seen {
    count: usize,
    scalars: Vec<ValueKind>,
    /// The elements of the arrays seen, when any was (but those told apart as variants).
    elements: Option<Box<Seen>>,
    /// The elements told apart by a discriminator: its name, and per value those elements.
    variants: Option<Box<(String, BTreeMap<String, Seen>)>>,
    objects: usize,
    /// Per key: in how many objects it was, and its values.
    keys: BTreeMap<String, (usize, Seen)>,
}

impl Seen {
    /// Add a value; read through `view`, the elements of arrays are told apart by variant.
    fn add(&mut self, value: &Value, view: Option<&SchemaView>) {
        self.count += 1;
        let scalar = match value {
            Value::Array(items) => {
                let element = view.map(SchemaView::element_ref);
                self.elements.get_or_insert_with(Box::default);
                for item in items {
                    if !self.add_variant(item, element) {
                        if let Some(elements) = self.elements.as_mut() {
                            elements.add(item, element);
                        }
                    }
                }
                return;
            }
            Value::Object(map) => {
                self.objects += 1;
                for (k, v) in map {
                    let property = view.map(|w| w.property_ref(k));
                    match self.keys.get_mut(k.as_str()) {
                        Some((n, seen)) => {
                            *n += 1;
                            seen.add(v, property);
                        }
                        None => {
                            let mut seen = Seen::default();
                            seen.add(v, property);
                            self.keys.insert(k.clone(), (1, seen));
                        }
                    }
                }
                return;
            }
            Value::Null => ValueKind::Null,
            Value::Bool(_) => ValueKind::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => ValueKind::Integer,
            Value::Number(_) => ValueKind::Number,
            Value::String(s) => ValueKind::String(StringClass::of(s)),
        };
        if !self.scalars.contains(&scalar) {
            self.scalars.push(scalar);
        }
    }

    /// Add an array element to its variant's shape; `false` when it is not told apart (no
    /// view, no discriminator value, or past [`MAX_VARIANTS`]).
    fn add_variant(&mut self, item: &Value, element: Option<&SchemaView>) -> bool {
        let Some((by, value)) = element.and_then(|e| e.variant_of(item)) else {
            return false;
        };
        let variants = self
            .variants
            .get_or_insert_with(|| Box::new((by.to_string(), BTreeMap::new())));
        if variants.0 != by {
            return false;
        }
        let room = variants.1.len() < MAX_VARIANTS;
        match variants.1.get_mut(value) {
            Some(seen) => seen.add(item, element),
            None if room => {
                let mut seen = Seen::default();
                seen.add(item, element);
                variants.1.insert(value.to_string(), seen);
            }
            None => return false,
        }
        true
    }

    fn finish(self) -> Option<Shape> {
        if self.count == 0 {
            return None;
        }
        let mut kinds = self.scalars;
        if let Some(elements) = self.elements {
            let mut element = elements.finish();
            if let Some(variants) = self.variants {
                let (by, of) = *variants;
                let of = of
                    .into_iter()
                    .filter_map(|(value, seen)| Some((value, seen.finish()?)))
                    .collect();
                let kind = ValueKind::Variants(Variants { by, of });
                let mut parts = element.map(|e| e.kinds).unwrap_or_default();
                parts.push(kind);
                element = Some(Shape::settled(parts));
            }
            kinds.push(ValueKind::Array(element.map(Box::new)));
        }
        if self.objects > 0 {
            let objects = self.objects;
            let fields = self
                .keys
                .into_iter()
                .map(|(k, (n, seen))| {
                    let field = Field {
                        optional: n < objects,
                        shape: seen.finish().unwrap_or_default(),
                    };
                    (k, field)
                })
                .collect();
            kinds.push(ValueKind::Object(fields));
        }
        Some(Shape::settled(kinds))
    }
}

/// One member of a shape: a type, and for containers their content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// Unknown: a documented placeholder (`"<user_id>"`, `"{pk}"`) that stands for any value.
    Any,
    Null,
    Boolean,
    Integer,
    Number,
    String(StringClass),
    /// The merged element shape; `None` when every array seen was empty.
    Array(Option<Box<Shape>>),
    Object(BTreeMap<String, Field>),
    /// Objects told apart by a discriminator (the elements of a JSON:API `included`): a shape
    /// per variant, so tonight's mix of variants is not a change of keys.
    Variants(Variants),
}

/// The elements of an array, one shape per variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    /// The property that tells them apart (`type`).
    pub by: String,
    /// Per value of it, the shape of those elements.
    pub of: BTreeMap<String, Shape>,
}

impl Variants {
    /// Every variant merged into one object's fields, as if they were not told apart (keys of
    /// some variants only are optional).
    pub fn merged(&self) -> Option<BTreeMap<String, Field>> {
        let shape = Shape::merge_all(self.of.values().cloned())?;
        shape.kinds.into_iter().find_map(|k| match k {
            ValueKind::Object(fields) => Some(fields),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub shape: Shape,
    /// Missing from some of the objects merged into this one.
    pub optional: bool,
}

/// A union of kinds, at most one of each type name (objects and arrays merge).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shape {
    pub kinds: Vec<ValueKind>,
}

impl ValueKind {
    /// The type name used in snapshot files and findings.
    pub fn name(&self) -> &'static str {
        match self {
            ValueKind::Any => "any",
            ValueKind::Null => "null",
            ValueKind::Boolean => "boolean",
            ValueKind::Integer => "integer",
            ValueKind::Number => "number",
            ValueKind::String(c) => c.name(),
            ValueKind::Array(_) => "array",
            ValueKind::Object(_) | ValueKind::Variants(_) => "object",
        }
    }
}

impl Shape {
    pub fn of(value: &Value) -> Shape {
        let mut seen = Seen::default();
        seen.add(value, None);
        seen.finish().unwrap_or_default()
    }

    /// The shape of a response body read through the contract: the elements of arrays told
    /// apart by variant (see [`SchemaView::variant_of`]), the keys of free-form maps folded
    /// (see [`Shape::through`]).
    pub fn read(value: &Value, view: &SchemaView) -> Shape {
        let mut seen = Seen::default();
        seen.add(value, Some(view));
        seen.finish().unwrap_or_default().through(view)
    }

    /// The shape of a documented example: a string that is only a placeholder (`<remote_id>`,
    /// `{user ID}`, `:to_user:`) stands for any value.
    pub fn of_documented(value: &Value) -> Shape {
        match value {
            Value::String(s) if crate::docs::is_placeholder(s) => Shape {
                kinds: vec![ValueKind::Any],
            },
            Value::Array(items) => Shape {
                kinds: vec![ValueKind::Array(
                    Shape::merge_all(items.iter().map(Shape::of_documented)).map(Box::new),
                )],
            },
            Value::Object(map) => Shape {
                kinds: vec![ValueKind::Object(
                    map.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                Field {
                                    shape: Shape::of_documented(v),
                                    optional: false,
                                },
                            )
                        })
                        .collect(),
                )],
            },
            other => Shape::of(other),
        }
    }

    /// The union of two shapes. Object keys present on one side only become optional.
    pub fn merge(self, other: Shape) -> Shape {
        Shape::merge_all([self, other]).unwrap_or_default()
    }

    /// The union of many shapes (the elements of an array), in time linear in their total size:
    /// each object key is counted once per object, never compared against every key seen so far.
    /// `None` for no shapes.
    pub fn merge_all(shapes: impl IntoIterator<Item = Shape>) -> Option<Shape> {
        let mut count = 0usize;
        let mut scalars: Vec<ValueKind> = Vec::new();
        let mut arrays: Option<Vec<Shape>> = None;
        let mut objects = 0usize;
        // Per key: in how many objects it appears, whether any saw it optional, its shapes.
        let mut keys: BTreeMap<String, (usize, bool, Vec<Shape>)> = BTreeMap::new();
        // Per variant, its shapes: a variant missing from some shapes is not made optional.
        let mut variants: Option<(String, BTreeMap<String, Vec<Shape>>)> = None;
        for shape in shapes {
            count += 1;
            for kind in shape.kinds {
                match kind {
                    ValueKind::Array(inner) => arrays
                        .get_or_insert_with(Vec::new)
                        .extend(inner.map(|b| *b)),
                    ValueKind::Object(fields) => {
                        objects += 1;
                        for (k, f) in fields {
                            let entry = keys.entry(k).or_insert((0, false, Vec::new()));
                            entry.0 += 1;
                            entry.1 |= f.optional;
                            entry.2.push(f.shape);
                        }
                    }
                    ValueKind::Variants(v) => {
                        let (_, of) = variants.get_or_insert_with(|| (v.by, BTreeMap::new()));
                        for (value, shape) in v.of {
                            of.entry(value).or_default().push(shape);
                        }
                    }
                    scalar => {
                        if !scalars.contains(&scalar) {
                            scalars.push(scalar);
                        }
                    }
                }
            }
        }
        if count == 0 {
            return None;
        }
        let mut kinds = scalars;
        if let Some(elements) = arrays {
            kinds.push(ValueKind::Array(Shape::merge_all(elements).map(Box::new)));
        }
        if objects > 0 {
            let fields = keys
                .into_iter()
                .map(|(k, (seen, optional, shapes))| {
                    let field = Field {
                        optional: optional || seen < objects,
                        shape: Shape::merge_all(shapes).unwrap_or_default(),
                    };
                    (k, field)
                })
                .collect();
            kinds.push(ValueKind::Object(fields));
        }
        if let Some((by, of)) = variants {
            let of = of
                .into_iter()
                .filter_map(|(value, shapes)| Some((value, Shape::merge_all(shapes)?)))
                .collect();
            kinds.push(ValueKind::Variants(Variants { by, of }));
        }
        Some(Shape::settled(kinds))
    }

    /// A union of kinds in its written order: an integer seen beside a number is a number that
    /// happened to be whole.
    fn settled(mut kinds: Vec<ValueKind>) -> Shape {
        if kinds.contains(&ValueKind::Number) {
            kinds.retain(|k| *k != ValueKind::Integer);
        }
        let variants = |k: &ValueKind| matches!(k, ValueKind::Variants(_));
        kinds.sort_by(|a, b| a.name().cmp(b.name()).then(variants(a).cmp(&variants(b))));
        Shape { kinds }
    }

    /// This shape read through the contract: the keys of a free-form map are data, so the values
    /// of a map are merged under the one key `*` (a snapshot of a map keyed by ids does not grow
    /// with every new id).
    pub fn through(self, view: &super::view::SchemaView) -> Shape {
        let kinds = self
            .kinds
            .into_iter()
            .map(|kind| match kind {
                ValueKind::Object(fields) if view.is_map() => {
                    let values = view.property_ref("");
                    let merged = Shape::merge_all(fields.into_values().map(|f| f.shape));
                    let mut out = BTreeMap::new();
                    if let Some(shape) = merged {
                        let shape = shape.through(values);
                        out.insert(
                            "*".to_string(),
                            Field {
                                shape,
                                optional: false,
                            },
                        );
                    }
                    ValueKind::Object(out)
                }
                ValueKind::Object(fields) if view.open => {
                    ValueKind::Object(open_fields(fields, view))
                }
                ValueKind::Object(fields) => ValueKind::Object(
                    fields
                        .into_iter()
                        .map(|(k, f)| {
                            let shape = f.shape.through(view.property_ref(&k));
                            (
                                k,
                                Field {
                                    shape,
                                    optional: f.optional,
                                },
                            )
                        })
                        .collect(),
                ),
                ValueKind::Array(Some(e)) => {
                    ValueKind::Array(Some(Box::new(e.through(view.element_ref()))))
                }
                // Each variant is an element read through the same (the items') view.
                ValueKind::Variants(v) => ValueKind::Variants(Variants {
                    by: v.by,
                    of: v
                        .of
                        .into_iter()
                        .map(|(value, shape)| (value, shape.through(view)))
                        .collect(),
                }),
                // Free text that looks like a URL is text, unless a format is declared.
                ValueKind::String(_) if !view.format => ValueKind::String(StringClass::Plain),
                other => other,
            })
            .collect();
        Shape { kinds }
    }

    /// Every array whose elements are told apart by variant: the elements' place (`/included/*`),
    /// and their [`Variants`].
    pub fn variant_places(&self) -> Vec<(String, &Variants)> {
        fn walk<'s>(shape: &'s Shape, at: &mut String, out: &mut Vec<(String, &'s Variants)>) {
            let len = at.len();
            for kind in &shape.kinds {
                match kind {
                    ValueKind::Object(fields) => {
                        for (name, field) in fields {
                            at.push('/');
                            at.push_str(&crate::text::escaped_pointer_token(name));
                            walk(&field.shape, at, out);
                            at.truncate(len);
                        }
                    }
                    ValueKind::Array(Some(element)) => {
                        at.push_str("/*");
                        walk(element, at, out);
                        at.truncate(len);
                    }
                    ValueKind::Variants(v) => {
                        out.push((at.clone(), v));
                        let base = at.strip_suffix('*').unwrap_or(at).len();
                        for (value, variant) in &v.of {
                            at.truncate(base);
                            at.push_str(&super::view::variant_token(&v.by, value));
                            walk(variant, at, out);
                        }
                        at.truncate(len);
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &mut String::new(), &mut out);
        out
    }

    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.kinds.iter().map(ValueKind::name).collect();
        names.dedup(); // objects told apart and objects not: both objects
        names
    }

    /// `string | null`
    pub fn describe(&self) -> String {
        self.names().join(" | ")
    }

    /// The serialized form: `"integer"`, `["null", "string:date-time"]`,
    /// `{"object": {"id": "string", "nick?": "string"}}`, `{"array": …}`.
    pub fn to_json(&self) -> Value {
        let parts: Vec<Value> = self.kinds.iter().map(kind_json).collect();
        if parts.len() == 1 {
            parts.into_iter().next().unwrap_or(Value::Null)
        } else {
            Value::Array(parts)
        }
    }

    pub fn from_json(v: &Value) -> Option<Shape> {
        let kinds = match v {
            Value::Array(parts) => parts
                .iter()
                .map(kind_from_json)
                .collect::<Option<Vec<_>>>()?,
            other => vec![kind_from_json(other)?],
        };
        Some(Shape { kinds })
    }
}

/// The fields of an object the contract says nothing of, read key by key: names stay (read as
/// undeclared), the keys that look like data are merged under `*` — all of them past
/// [`MAX_OPEN_KEYS`].
fn open_fields(fields: BTreeMap<String, Field>, view: &SchemaView) -> BTreeMap<String, Field> {
    let fold_all = fields.len() > super::view::MAX_OPEN_KEYS;
    let (data, names): (Vec<_>, Vec<_>) = fields
        .into_iter()
        .partition(|(k, _)| fold_all || super::view::looks_like_data(k));
    let mut out: BTreeMap<String, Field> = names
        .into_iter()
        .map(|(k, f)| {
            let shape = f.shape.through(view.property_ref(&k));
            (
                k,
                Field {
                    shape,
                    optional: f.optional,
                },
            )
        })
        .collect();
    if let Some(merged) = Shape::merge_all(data.into_iter().map(|(_, f)| f.shape)) {
        let shape = merged.through(view.property_ref(""));
        out.insert(
            "*".to_string(),
            Field {
                shape,
                optional: false,
            },
        );
    }
    out
}

fn kind_json(k: &ValueKind) -> Value {
    match k {
        ValueKind::Array(None) => json!({"array": null}),
        ValueKind::Array(Some(s)) => json!({"array": s.to_json()}),
        ValueKind::Variants(v) => {
            let of: Map<String, Value> =
                v.of.iter()
                    .map(|(value, shape)| (value.clone(), shape.to_json()))
                    .collect();
            json!({"variants": {"by": v.by, "of": of}})
        }
        ValueKind::Object(fields) => {
            let mut map = Map::new();
            for (name, f) in fields {
                map.insert(field_key(name, f).into_owned(), f.shape.to_json());
            }
            json!({"object": map})
        }
        other => json!(other.name()),
    }
}

/// A field's key in the file form: `?` marks an optional key; a required key whose name ends in
/// `?` or `!` (Ruby-style `upvote?`) gets a `!` so the two never read alike.
pub(super) fn field_key<'a>(name: &'a str, field: &Field) -> std::borrow::Cow<'a, str> {
    if field.optional {
        format!("{name}?").into()
    } else if name.ends_with(['?', '!']) {
        format!("{name}!").into()
    } else {
        name.into()
    }
}

fn kind_from_json(v: &Value) -> Option<ValueKind> {
    Some(match v {
        Value::String(s) => match s.as_str() {
            "any" => ValueKind::Any,
            "null" => ValueKind::Null,
            "boolean" => ValueKind::Boolean,
            "integer" => ValueKind::Integer,
            "number" => ValueKind::Number,
            "string" => ValueKind::String(StringClass::Plain),
            "string:date-time" => ValueKind::String(StringClass::DateTime),
            "string:date" => ValueKind::String(StringClass::Date),
            "string:uuid" => ValueKind::String(StringClass::Uuid),
            "string:uri" => ValueKind::String(StringClass::Uri),
            "string:email" => ValueKind::String(StringClass::Email),
            _ => return None,
        },
        Value::Object(o) if o.contains_key("array") => match o.get("array") {
            Some(Value::Null) => ValueKind::Array(None),
            Some(inner) => ValueKind::Array(Some(Box::new(Shape::from_json(inner)?))),
            None => return None,
        },
        Value::Object(o) if o.contains_key("variants") => {
            let v = o.get("variants")?;
            let by = v.get("by")?.as_str()?.to_string();
            let mut of = BTreeMap::new();
            for (value, shape) in v.get("of")?.as_object()? {
                of.insert(value.clone(), Shape::from_json(shape)?);
            }
            ValueKind::Variants(Variants { by, of })
        }
        Value::Object(o) => {
            let fields = o.get("object")?.as_object()?;
            let mut out = BTreeMap::new();
            for (k, v) in fields {
                let (name, optional) = match (k.strip_suffix('!'), k.strip_suffix('?')) {
                    (Some(n), _) => (n.to_string(), false),
                    (None, Some(n)) => (n.to_string(), true),
                    _ => (k.clone(), false),
                };
                out.insert(
                    name,
                    Field {
                        shape: Shape::from_json(v)?,
                        optional,
                    },
                );
            }
            ValueKind::Object(out)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a value as the union of its parts' shapes, built one by one.
    fn merged_shape(value: &Value) -> Shape {
        let kind = match value {
            Value::Array(items) => {
                ValueKind::Array(Shape::merge_all(items.iter().map(merged_shape)).map(Box::new))
            }
            Value::Object(map) => ValueKind::Object(
                map.iter()
                    .map(|(k, v)| {
                        let shape = merged_shape(v);
                        (
                            k.clone(),
                            Field {
                                shape,
                                optional: false,
                            },
                        )
                    })
                    .collect(),
            ),
            scalar => return Shape::of(scalar),
        };
        Shape { kinds: vec![kind] }
    }

    #[test]
    fn a_shape_seen_at_once_is_the_union_of_its_parts() {
        let bodies = [
            json!([]),
            json!([[], [1], [[2.5, "x"], {}]]),
            json!([{"a": 1}, {"a": 2.5, "b": null}, {"b": [1, {"c": "2024-01-01"}]}, "s", 3]),
            json!({"data": [{"id": 1, "tags": []}, {"id": 2, "tags": ["a@b.io", "x"]}, {}]}),
            json!([{"m": {"k": [{"x": 1}, {"y": true}]}}, {"m": {"k": []}}, {"m": null}]),
            json!([
                1,
                2.0,
                3,
                null,
                true,
                "https://x.io",
                "2024-01-01T00:00:00Z"
            ]),
        ];
        for body in &bodies {
            assert_eq!(Shape::of(body), merged_shape(body), "{body}");
            assert_eq!(Shape::of(body).to_json(), merged_shape(body).to_json());
        }
    }

    // Keys named like the notation (`upvote?`, `save!`) read back as they were written.
    #[test]
    fn keys_ending_in_question_marks_round_trip() {
        let body =
            json!([{"upvote?": "yes", "save!": 1, "plain": true}, {"upvote?": "no", "save!": 2}]);
        let shape = Shape::of(&body);
        let text = shape.to_json();
        assert_eq!(Shape::from_json(&text), Some(shape), "{text}");
    }

    #[test]
    fn string_classes() {
        assert_eq!(
            StringClass::of("2026-11-21T06:00:00Z"),
            StringClass::DateTime
        );
        assert_eq!(StringClass::of("2026-11-21"), StringClass::Date);
        assert_eq!(
            StringClass::of("23001d51-669b-4948-b9fa-11dbffdf8ced"),
            StringClass::Uuid
        );
        assert_eq!(StringClass::of("https://x.example/a"), StringClass::Uri);
        assert_eq!(StringClass::of("a@b.example"), StringClass::Email);
        assert_eq!(StringClass::of("yesterday"), StringClass::Plain);
        assert_eq!(StringClass::of("/pub/patient/1"), StringClass::Plain);
    }

    #[test]
    fn arrays_merge_elements_and_mark_optional_keys() {
        let s = Shape::of(&json!([{"a": 1, "b": "x"}, {"a": 2.5}, {"a": 3, "c": null}]));
        assert_eq!(
            s.to_json(),
            json!({"array": {"object": {"a": "number", "b?": "string", "c?": "null"}}})
        );
        assert_eq!(Shape::from_json(&s.to_json()), Some(s));
    }

    // Merging a heterogeneous array was quadratic in its keys (a 2.2 MB body took 17 s).
    #[test]
    fn merging_many_distinct_keys_is_linear() {
        let items: Vec<Value> = (0..40_000).map(|i| json!({ format!("k{i}"): i })).collect();
        let s = Shape::of(&Value::Array(items));
        let Some(ValueKind::Array(Some(inner))) = s.kinds.first() else {
            panic!("not an array: {s:?}")
        };
        let Some(ValueKind::Object(fields)) = inner.kinds.first() else {
            panic!("not objects: {inner:?}")
        };
        assert_eq!(fields.len(), 40_000);
        assert!(fields.values().all(|f| f.optional));
    }

    #[test]
    fn values_do_not_matter_only_shapes() {
        let a = Shape::of(
            &json!({"id": "58163112237d84a94035f78b", "n": 3, "at": "2016-03-16T13:32:57.000Z", "tags": ["x"]}),
        );
        let b = Shape::of(
            &json!({"tags": ["y", "z"], "at": "2026-01-01T00:00:00Z", "n": 9, "id": "5816"}),
        );
        assert_eq!(a, b);
    }
}
