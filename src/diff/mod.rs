//! `drift diff OLD NEW`: what changed from one contract to the next, operation by operation and
//! schema by schema, and whether a client written against OLD can fail against a server
//! following NEW.
//!
//! Requests are written by the client: narrowing breaks (a new required parameter or property, an
//! enum value removed, a tightened constraint, a new security requirement), widening is
//! compatible. Responses are read by the client: widening breaks (a property removed or made
//! optional, an enum value added, a type changed, `null` allowed, a 2xx status or its body
//! removed), narrowing is compatible. `readOnly` properties are not part of the request contract
//! (`writeOnly` ones not of the response). Both sides go through the same loader, so Swagger 2.0
//! compares with OpenAPI 3.x. Documentation is never drift.

pub mod schema;
pub mod security;
pub mod sides;

use crate::model::finding::definition;
use crate::model::Kind;
use crate::model::{Finding, OperationRef, Severity};
use crate::spec::{Contract, MediaType, Operation, ParamIn, Parameter, Status};
use schema::{At, Comparer, Direction};
use security::Requirement;
use serde_json::Value;
use std::collections::BTreeMap;

/// The findings of `OLD → NEW`, for the API named `api`.
pub fn diff(api: &str, old: &Contract, new: &Contract) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut shared = Shared::default();
    let mut cmp = Comparer::new(old, new);
    let key = |o: &Operation| (path_key(&o.path), o.method.clone());
    let news: BTreeMap<(String, String), &Operation> =
        new.operations.iter().map(|o| (key(o), o)).collect();
    let olds: BTreeMap<(String, String), &Operation> =
        old.operations.iter().map(|o| (key(o), o)).collect();
    for (k, o) in &olds {
        let mut d = Differ {
            api,
            old,
            new,
            op: o,
            out: &mut out,
            shared: &mut shared,
        };
        match news.get(k) {
            None => d.push(
                Kind::SpecOperationRemoved,
                "",
                None,
                format!("{} {} is gone", o.method, o.path),
                None,
            ),
            Some(n) => d.operation(n, &mut cmp),
        }
    }
    for (k, n) in &news {
        if !olds.contains_key(k) {
            let mut d = Differ {
                api,
                old,
                new,
                op: n,
                out: &mut out,
                shared: &mut shared,
            };
            d.push(
                Kind::SpecOperationAdded,
                "",
                None,
                format!("{} {} is new", n.method, n.path),
                Some((new, n.doc, n.pointer.clone())),
            );
        }
    }
    shared.name_the_others(&mut out);
    out.extend(scheme_changes(api, old, new));
    out.extend(version_not_bumped(api, old, new, &out));
    // Grouped by operation, the most severe first within each.
    out.sort_by(|a, b| {
        let op = |f: &Finding| {
            f.operation
                .as_ref()
                .map(|o| (o.path.clone(), o.method.clone()))
        };
        (op(a), a.severity, &a.kind, &a.pointer, &a.message).cmp(&(
            op(b),
            b.severity,
            &b.kind,
            &b.pointer,
            &b.message,
        ))
    });
    out
}

/// Schemes operations use whose meaning for a client changed: once each, at the scheme.
fn scheme_changes(api: &str, old: &Contract, new: &Contract) -> Vec<Finding> {
    let (was, is) = (security::schemes(old), security::schemes(new));
    let mut out = Vec::new();
    for (name, (_, before)) in &was {
        let Some((pointer, after)) = is.get(name) else {
            continue; // a requirement that names it is reported where it is
        };
        let (a, b) = (security::describe(before), security::describe(after));
        if a == b {
            continue;
        }
        let users = new
            .operations
            .iter()
            .filter(|o| {
                security::requirements(new, o)
                    .iter()
                    .any(|r| r.contains_key(name))
            })
            .count();
        if users == 0 {
            continue;
        }
        let gone: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
        let came: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
        let join = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ");
        let mut f = Finding::new(
            api,
            Kind::SpecSecuritySchemeChanged,
            format!(
                "security scheme `{name}` ({users} operation(s) use it): {} → {}",
                join(&gone),
                join(&came)
            ),
        );
        f.expected = Some(join(&gone));
        f.actual = Some(join(&came));
        f.spec_location = Some(new.location(0, pointer));
        out.push(f.bounded());
    }
    out
}

/// A breaking change under the same semver major `info.version`.
fn version_not_bumped(
    api: &str,
    old: &Contract,
    new: &Contract,
    found: &[Finding],
) -> Vec<Finding> {
    let version = |c: &Contract| {
        c.documents
            .root()
            .value
            .pointer("/info/version")
            .and_then(Value::as_str)
            .map(String::from)
    };
    let major = |v: &str| -> Option<u64> {
        let v = v.trim().trim_start_matches(['v', 'V']);
        let mut parts = v.split('.');
        let major = parts.next()?.parse().ok()?;
        // Semver-like: MAJOR.MINOR at least.
        parts
            .next()?
            .split(['-', '+'])
            .next()?
            .parse::<u64>()
            .ok()?;
        Some(major)
    };
    let (Some(a), Some(b)) = (version(old), version(new)) else {
        return Vec::new();
    };
    let breaking = found
        .iter()
        .filter(|f| f.severity == Severity::Breaking)
        .count();
    match (major(&a), major(&b)) {
        (Some(x), Some(y)) if x == y && breaking > 0 => {
            let mut f = Finding::new(
                api,
                Kind::SpecVersionNotBumped,
                format!(
                    "{breaking} breaking change(s), but info.version {a} → {b} keeps major version {x}"
                ),
            );
            f.expected = Some(format!("{}.0.0", x + 1));
            f.actual = Some(b);
            f.spec_location = Some(new.location(0, "#/info/version"));
            vec![f]
        }
        _ => Vec::new(),
    }
}

/// A path with parameter names erased: `/patient/{id}` and `/patient/{patient_id}` are the same
/// operation.
pub fn path_key(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

struct Differ<'a, 'o> {
    api: &'a str,
    old: &'a Contract,
    new: &'a Contract,
    /// The operation (old side for most findings).
    op: &'a Operation,
    out: &'o mut Vec<Finding>,
    shared: &'o mut Shared,
}

/// Changes inside a shared definition, reported once: the first operation that reaches one
/// carries the finding, the others are named in it.
#[derive(Default)]
struct Shared {
    /// (definition, the place in it, kind, message, direction) → the finding's index and the
    /// operations (with the direction) that reach it, its own first.
    seen: std::collections::HashMap<SharedKey, (usize, Vec<String>)>,
}

/// A change in a definition: (definition, the place in it, kind, message, direction).
type SharedKey = (String, String, Kind, String, &'static str);

/// The most other operations a shared change's message names one by one.
const OTHERS_NAMED: usize = 10;
/// The most operations a shared change lists in `reaches` (its message has the count).
const MAX_REACHES: usize = 500;

impl Shared {
    /// Append to each shared change the other operations it reaches.
    fn name_the_others(self, out: &mut [Finding]) {
        for (_, (index, reaches)) in self.seen {
            let Some((_, others)) = reaches.split_first().filter(|(_, o)| !o.is_empty()) else {
                continue;
            };
            let Some(f) = out.get_mut(index) else {
                continue;
            };
            f.reaches = reaches.iter().take(MAX_REACHES).cloned().collect();
            let mut named: Vec<&str> = others
                .iter()
                .take(OTHERS_NAMED)
                .map(String::as_str)
                .collect();
            let more = others.len().saturating_sub(OTHERS_NAMED);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            named.sort_unstable();
            f.message = format!(
                "{} — one change in a shared definition, also reached from {} other operation(s): {}{more}",
                f.message,
                others.len(),
                named.join(", ")
            );
            *f = f.clone().bounded();
        }
    }
}

/// The place in the old contract of the finding being pushed.
type OldPlace = Option<(usize, String)>;

/// The old and the new value of a change.
type Values = Option<(Option<String>, Option<String>)>;

type Place<'a> = Option<(&'a Contract, usize, String)>;

impl Differ<'_, '_> {
    fn push(
        &mut self,
        kind: Kind,
        pointer: &str,
        values: Values,
        message: String,
        place: Place<'_>,
    ) {
        let mut f = Finding::new(self.api, kind, message);
        f.operation = Some(OperationRef::from(self.op));
        f.pointer = pointer.to_string();
        if let Some((old, new)) = values {
            f.expected = old;
            f.actual = new;
        }
        let (c, doc, p) = place.unwrap_or((self.old, self.op.doc, self.op.pointer.clone()));
        f.spec_location = Some(c.location(doc, &p));
        // The old operation's place, unless the finding is about an operation that is new.
        if kind != Kind::SpecOperationAdded {
            f.old_location = Some(self.old.location(self.op.doc, &self.op.pointer));
        }
        self.out.push(f.bounded());
    }

    /// [`Differ::push`] with the exact place in the old contract.
    fn push_at(&mut self, f: (Kind, &str, Values, String), place: Place<'_>, old: OldPlace) {
        self.push(f.0, f.1, f.2, f.3, place);
        if let (Some(last), Some((doc, pointer))) = (self.out.last_mut(), old) {
            last.old_location = Some(self.old.location(doc, &pointer));
        }
    }

    fn operation(&mut self, n: &Operation, cmp: &mut Comparer<'_>) {
        self.security(n);
        self.parameters(n, cmp);
        self.request_body(n, cmp);
        self.responses(n, cmp);
    }

    /// Security alternatives compared as sets (see `security`), and requirements naming a
    /// scheme the new contract does not define.
    fn security(&mut self, n: &Operation) {
        let (was, is) = (
            security::requirements(self.old, self.op),
            security::requirements(self.new, n),
        );
        let same = was.len() == is.len() && was.iter().all(|r| is.contains(r));
        let defined = security::schemes(self.new);
        let undefined: Vec<&String> = is
            .iter()
            .flat_map(|r| r.keys())
            .filter(|s| !defined.contains_key(*s))
            .collect();
        if !undefined.is_empty() && !defined.is_empty() {
            let names: Vec<&str> = undefined.iter().map(|s| s.as_str()).collect();
            let p = Some((self.new, n.doc, n.pointer.clone()));
            self.push(
                Kind::SpecSecurityNarrowed,
                "",
                None,
                format!(
                    "the security requirement names {}, which the contract does not define: no client can meet it",
                    names.join(", ")
                ),
                p,
            );
        }
        if same {
            return;
        }
        let locked = security::locked_out(&was, &is);
        let (kind, why) = if locked.is_empty() {
            (
                Kind::SpecSecurityWidened,
                "every client that met an old alternative meets a new one".to_string(),
            )
        } else {
            let shown: Vec<Requirement> = locked.into_iter().cloned().collect();
            (
                Kind::SpecSecurityNarrowed,
                format!(
                    "clients with {} meet no new alternative",
                    security::show(&shown)
                ),
            )
        };
        let (a, b) = (security::show(&was), security::show(&is));
        let p = Some((self.new, n.doc, n.pointer.clone()));
        self.push(
            kind,
            "",
            Some((Some(a.clone()), Some(b.clone()))),
            format!("security {a} → {b}: {why}"),
            p,
        );
    }

    fn parameters(&mut self, n: &Operation, cmp: &mut Comparer<'_>) {
        let key = |p: &Parameter| {
            (
                format!("{:?}", p.location),
                if p.location == ParamIn::Path {
                    String::new()
                } else {
                    p.name.clone()
                },
            )
        };
        let path_params = |o: &Operation| {
            o.parameters
                .iter()
                .filter(|p| p.location == ParamIn::Path)
                .count()
        };
        let positional = path_params(self.op) == path_params(n);
        let mut olds: BTreeMap<(String, String), Vec<&Parameter>> = BTreeMap::new();
        for p in self
            .op
            .parameters
            .iter()
            .filter(|p| p.location != ParamIn::FormData)
        {
            olds.entry(key(p)).or_default().push(p);
        }
        let mut news: BTreeMap<(String, String), Vec<&Parameter>> = BTreeMap::new();
        for p in n
            .parameters
            .iter()
            .filter(|p| p.location != ParamIn::FormData)
        {
            news.entry(key(p)).or_default().push(p);
        }
        for (k, ps) in &olds {
            let matched = news.get(k);
            for (i, p) in ps.iter().enumerate() {
                let place = || Some((self.new, n.doc, n.pointer.clone()));
                match matched.and_then(|m| {
                    if positional {
                        m.get(i)
                    } else {
                        m.iter().find(|q| q.name == p.name)
                    }
                }) {
                    None => {
                        let pl = place();
                        self.push(
                            Kind::SpecRequestParameterRemoved,
                            "",
                            Some((Some(p.name.clone()), None)),
                            format!("{} parameter `{}` removed", loc(p.location), p.name),
                            pl,
                        );
                    }
                    Some(q) => {
                        if q.required && !p.required {
                            let pl = place();
                            self.push(
                                Kind::SpecRequestRequiredAdded,
                                "",
                                Some((Some("optional".into()), Some("required".into()))),
                                format!(
                                    "{} parameter `{}` is now required",
                                    loc(p.location),
                                    p.name
                                ),
                                pl,
                            );
                        }
                        self.parameter_schema(p, q, n, cmp);
                    }
                }
            }
        }
        for (k, qs) in &news {
            let had = olds.get(k).map_or(0, Vec::len);
            for q in qs.iter().skip(if positional { had } else { 0 }) {
                if !positional
                    && olds
                        .get(k)
                        .is_some_and(|ps| ps.iter().any(|p| p.name == q.name))
                {
                    continue;
                }
                let pl = Some((self.new, n.doc, n.pointer.clone()));
                if q.required {
                    self.push(
                        Kind::SpecRequestRequiredAdded,
                        "",
                        Some((None, Some(q.name.clone()))),
                        format!("new required {} parameter `{}`", loc(q.location), q.name),
                        pl,
                    );
                } else {
                    self.push(
                        Kind::SpecRequestParameterAdded,
                        "",
                        Some((None, Some(q.name.clone()))),
                        format!("new optional {} parameter `{}`", loc(q.location), q.name),
                        pl,
                    );
                }
            }
        }
    }

    fn parameter_schema(
        &mut self,
        p: &Parameter,
        q: &Parameter,
        n: &Operation,
        cmp: &mut Comparer<'_>,
    ) {
        let (Some(ps), Some(qs)) = (&p.schema, &q.schema) else {
            return;
        };
        // Each parameter is its own place (the comparison is memoised by place).
        let place = |o: &Operation, x: &Parameter| {
            format!("{}/parameters/{:?}/{}", o.pointer, x.location, x.name)
        };
        let (old_place, new_place) = (place(self.op, p), place(n, q));
        let found = cmp.compare(
            At {
                doc: self.op.doc,
                pointer: &old_place,
                value: ps,
            },
            At {
                doc: n.doc,
                pointer: &new_place,
                value: qs,
            },
            Direction::Request,
        );
        let what = format!("{} parameter `{}`", loc(p.location), q.name);
        self.schema_changes(
            found,
            &what,
            "",
            Direction::Request,
            Some((self.new, n.doc, n.pointer.clone())),
        );
    }

    fn request_body(&mut self, n: &Operation, cmp: &mut Comparer<'_>) {
        let place = Some((self.new, n.doc, n.pointer.clone()));
        match (&self.op.request_body, &n.request_body) {
            (None, Some(b)) if b.required => self.push(
                Kind::SpecRequestRequiredAdded,
                "",
                None,
                "a request body is now required".into(),
                place,
            ),
            (Some(a), None) => self.push(
                if a.required {
                    Kind::SpecRequestBodyRemoved
                } else {
                    Kind::SpecRequestOptionalBodyRemoved
                },
                "",
                None,
                format!(
                    "the {} request body is no longer declared: clients still send it",
                    if a.required { "required" } else { "optional" }
                ),
                place,
            ),
            (Some(a), Some(b)) => {
                if b.required && !a.required {
                    self.push(
                        Kind::SpecRequestRequiredAdded,
                        "",
                        None,
                        "the request body is now required".into(),
                        place.clone(),
                    );
                }
                self.media(
                    &a.content,
                    &b.content,
                    n,
                    "request body",
                    Direction::Request,
                    cmp,
                );
            }
            _ => {}
        }
    }

    fn responses(&mut self, n: &Operation, cmp: &mut Comparer<'_>) {
        for r in &self.op.responses {
            let place = Some((self.new, n.doc, n.pointer.clone()));
            let success = matches!(r.status, Status::Code(c) if (200..300).contains(&c))
                || r.status == Status::Range(2);
            match n.responses.iter().find(|x| x.status == r.status) {
                None => self.push(
                    if success {
                        Kind::SpecResponseStatusRemoved
                    } else {
                        Kind::SpecResponseErrorStatusRemoved
                    },
                    "",
                    Some((Some(r.status.to_string()), None)),
                    format!("response {} is no longer declared", r.status),
                    place,
                ),
                Some(x) => {
                    let what = format!("response {}", r.status);
                    self.response_headers(n, &r.status.to_string(), success);
                    if success && !r.content.is_empty() && x.content.is_empty() {
                        self.push(
                            Kind::SpecResponseBodyRemoved,
                            "",
                            None,
                            format!("{what} no longer has a body"),
                            place,
                        );
                        continue;
                    }
                    self.media(&r.content, &x.content, n, &what, Direction::Response, cmp);
                }
            }
        }
        for x in &n.responses {
            if !self.op.responses.iter().any(|r| r.status == x.status) {
                let place = Some((self.new, n.doc, n.pointer.clone()));
                self.push(
                    Kind::SpecResponseStatusAdded,
                    "",
                    Some((None, Some(x.status.to_string()))),
                    format!("response {} is new", x.status),
                    place,
                );
            }
        }
    }

    /// Headers a response declared that are gone or no longer required (clients read them).
    fn response_headers(&mut self, n: &Operation, status: &str, success: bool) {
        let headers = |c: &Contract, o: &Operation| -> BTreeMap<String, bool> {
            let doc = &c.documents.docs[o.doc].value;
            let response = crate::spec::source::get(doc, &o.pointer)
                .and_then(|op| op.get("responses"))
                .and_then(|r| r.get(status));
            let response = match response.and_then(|r| r.get("$ref")).and_then(Value::as_str) {
                Some(r) => r.strip_prefix('#').and_then(|p| doc.pointer(p)),
                None => response,
            };
            response
                .and_then(|r| r.get("headers"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, h)| {
                    let h = match h.get("$ref").and_then(Value::as_str) {
                        Some(r) => r
                            .strip_prefix('#')
                            .and_then(|p| doc.pointer(p))
                            .unwrap_or(h),
                        None => h,
                    };
                    (
                        name.to_ascii_lowercase(),
                        h.get("required") == Some(&Value::Bool(true)),
                    )
                })
                .collect()
        };
        let (was, is) = (headers(self.old, self.op), headers(self.new, n));
        for (name, required) in &was {
            let message = match is.get(name) {
                None => format!("response {status}: header `{name}` is no longer declared"),
                Some(false) if *required => {
                    format!("response {status}: header `{name}` is no longer required")
                }
                Some(_) => continue,
            };
            let kind = if success {
                Kind::SpecResponseHeaderRemoved
            } else {
                Kind::SpecResponseErrorHeaderRemoved
            };
            let p = Some((self.new, n.doc, n.pointer.clone()));
            self.push(
                kind,
                "",
                Some((Some(name.clone()), is.get(name).map(|_| "optional".into()))),
                message,
                p,
            );
        }
    }

    /// Compare the bodies of matching media types (JSON types are one family).
    #[allow(clippy::too_many_arguments)]
    fn media(
        &mut self,
        old: &[MediaType],
        new: &[MediaType],
        n: &Operation,
        what: &str,
        dir: Direction,
        cmp: &mut Comparer<'_>,
    ) {
        for m in old {
            let same = new
                .iter()
                .find(|x| x.name == m.name)
                .or_else(|| new.iter().find(|x| is_json(&x.name) && is_json(&m.name)));
            let place = Some((self.new, n.doc, n.pointer.clone()));
            let Some(x) = same else {
                self.push(
                    match dir {
                        Direction::Request => Kind::SpecRequestMediaTypeRemoved,
                        Direction::Response => Kind::SpecResponseMediaTypeRemoved,
                    },
                    "",
                    Some((Some(m.name.clone()), None)),
                    format!("{what}: media type {} is no longer declared", m.name),
                    place,
                );
                continue;
            };
            let (Some(a), Some(b)) = (&m.schema, &x.schema) else {
                continue;
            };
            let (Some(av), Some(bv)) = (node(self.old, a), node(self.new, b)) else {
                continue;
            };
            let found = cmp.compare(
                At {
                    doc: a.doc,
                    pointer: &a.pointer,
                    value: av,
                },
                At {
                    doc: b.doc,
                    pointer: &b.pointer,
                    value: bv,
                },
                dir,
            );
            let location = Some((self.new, b.doc, b.pointer.clone()));
            self.schema_changes(found, what, &m.name, dir, location);
        }
    }

    fn schema_changes(
        &mut self,
        found: Vec<schema::SchemaChange>,
        what: &str,
        media: &str,
        dir: Direction,
        place: Place<'_>,
    ) {
        for c in found {
            // A change inside a named definition: once, however many operations reach it.
            // The place of the change itself, not in the body: a definition reached at `/data`
            // and at `/included/*`, or inherited through `allOf` by many, is one change. A removal
            // is where it was (the old side), anything else where it is.
            let changed_at = match c.kind {
                Kind::SpecRequestPropertyRemoved | Kind::SpecResponsePropertyRemoved => {
                    c.old_at.as_ref().or(c.new_at.as_ref())
                }
                _ => c.new_at.as_ref().or(c.old_at.as_ref()),
            };
            let named = changed_at.and_then(|(d, p)| definition(p).map(|def| (*d, def)));
            if let (Some((d, definition)), Some((_, p))) = (&named, changed_at) {
                let key = (
                    format!("{d}{definition}"),
                    p.clone(),
                    c.kind,
                    c.message.clone(),
                    dir.name(),
                );
                let here = format!("{} {} [{}]", self.op.method, self.op.path, dir.name());
                if let Some((_, reaches)) = self.shared.seen.get_mut(&key) {
                    if !reaches.contains(&here) {
                        reaches.push(here);
                    }
                    continue;
                }
                self.shared.seen.insert(key, (self.out.len(), vec![here]));
            }
            let body = if c.path.is_empty() {
                String::new()
            } else {
                format!(" at {}", c.path)
            };
            // The definition the change is in (where a removed property was).
            let origin = named
                .map(|(_, definition)| definition)
                .or_else(|| c.origin.clone())
                .map(|o| format!(" (in {o})"))
                .unwrap_or_default();
            let media = if media.is_empty() {
                String::new()
            } else {
                format!(" {media}")
            };
            let message = format!(
                "{what}{media}{body}: {}{origin} [{}]",
                c.message,
                dir.name()
            );
            let here = c
                .new_at
                .map(|(doc, pointer)| (self.new, doc, pointer))
                .or_else(|| place.clone());
            self.push_at(
                (c.kind, &c.path, Some((c.old, c.new)), message),
                here,
                c.old_at,
            );
        }
    }
}

fn loc(l: ParamIn) -> &'static str {
    match l {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
        ParamIn::FormData => "form",
    }
}

fn is_json(name: &str) -> bool {
    let essence = crate::spec::media::essence(name);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

fn node<'a>(c: &'a Contract, s: &crate::spec::SchemaRef) -> Option<&'a Value> {
    crate::spec::source::get(&c.documents.docs.get(s.doc)?.value, &s.pointer)
}
