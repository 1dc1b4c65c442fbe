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
pub mod sides;

use crate::model::Kind;
use crate::model::{Finding, OperationRef, Severity};
use crate::spec::{Contract, MediaType, Operation, ParamIn, Parameter, Status};
use schema::{At, Comparer, Direction};
use serde_json::Value;
use std::collections::BTreeMap;

/// The findings of `OLD → NEW`, for the API named `api`.
pub fn diff(api: &str, old: &Contract, new: &Contract) -> Vec<Finding> {
    let mut out = Vec::new();
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
        };
        match news.get(k) {
            None => d.push(
                Kind::SpecOperationRemoved,
                Severity::Breaking,
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
            };
            d.push(
                Kind::SpecOperationAdded,
                Severity::Info,
                "",
                None,
                format!("{} {} is new", n.method, n.path),
                Some((new, n.doc, n.pointer.clone())),
            );
        }
    }
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
        severity: Severity,
        pointer: &str,
        values: Values,
        message: String,
        place: Place<'_>,
    ) {
        let mut f = Finding::new(self.api, kind, message);
        f.severity = severity;
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
    fn push_at(
        &mut self,
        f: (Kind, Severity, &str, Values, String),
        place: Place<'_>,
        old: OldPlace,
    ) {
        self.push(f.0, f.1, f.2, f.3, f.4, place);
        if let (Some(last), Some((doc, pointer))) = (self.out.last_mut(), old) {
            last.old_location = Some(self.old.location(doc, &pointer));
        }
    }

    fn operation(&mut self, n: &Operation, cmp: &mut Comparer<'_>) {
        let place = || Some((self.new, n.doc, n.pointer.clone()));
        // Security: a requirement the client may not meet.
        let needs =
            |o: &Operation| !o.security.is_empty() && o.security.iter().all(|alt| !alt.is_empty());
        let (was, is) = (needs(self.op), needs(n));
        if was != is || (was && is && !n.security.iter().all(|alt| self.op.security.contains(alt)))
        {
            let breaking =
                is && (!was || !n.security.iter().any(|alt| self.op.security.contains(alt)));
            let show = |o: &Operation| format!("{:?}", o.security);
            let p = place();
            self.push(
                Kind::SpecSecurityChanged,
                if breaking {
                    Severity::Breaking
                } else {
                    Severity::Info
                },
                "",
                Some((Some(show(self.op)), Some(show(n)))),
                format!("security {} → {}", show(self.op), show(n)),
                p,
            );
        }
        self.parameters(n, cmp);
        self.request_body(n, cmp);
        self.responses(n, cmp);
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
                            Kind::SpecParameterRemoved,
                            Severity::Info,
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
                                Kind::SpecRequiredAdded,
                                Severity::Breaking,
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
                        Kind::SpecRequiredAdded,
                        Severity::Breaking,
                        "",
                        Some((None, Some(q.name.clone()))),
                        format!("new required {} parameter `{}`", loc(q.location), q.name),
                        pl,
                    );
                } else {
                    self.push(
                        Kind::SpecPropertyAdded,
                        Severity::Info,
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
                Kind::SpecRequiredAdded,
                Severity::Breaking,
                "",
                None,
                "a request body is now required".into(),
                place,
            ),
            (Some(a), Some(b)) => {
                if b.required && !a.required {
                    self.push(
                        Kind::SpecRequiredAdded,
                        Severity::Breaking,
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
                    Kind::SpecStatusRemoved,
                    if success {
                        Severity::Breaking
                    } else {
                        Severity::Info
                    },
                    "",
                    Some((Some(r.status.to_string()), None)),
                    format!("response {} is no longer declared", r.status),
                    place,
                ),
                Some(x) => {
                    let what = format!("response {}", r.status);
                    if success && !r.content.is_empty() && x.content.is_empty() {
                        self.push(
                            Kind::SpecStatusRemoved,
                            Severity::Breaking,
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
                    Kind::SpecStatusAdded,
                    Severity::Info,
                    "",
                    Some((None, Some(x.status.to_string()))),
                    format!("response {} is new", x.status),
                    place,
                );
            }
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
                    Kind::SpecMediaTypeRemoved,
                    Severity::Breaking,
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
            let severity = if c.breaking {
                Severity::Breaking
            } else {
                Severity::Info
            };
            let body = if c.path.is_empty() {
                String::new()
            } else {
                format!(" at {}", c.path)
            };
            let origin = c
                .origin
                .as_ref()
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
                (c.kind, severity, &c.path, Some((c.old, c.new)), message),
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
