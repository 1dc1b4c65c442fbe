//! The embedded mock: serves every operation of a contract from its documented examples, or from a
//! value synthesized from the schema, with the declared status and content type.
//!
//! [`Mock::respond`] is pure (request in, response out). It backs both the in-process
//! [`MockTransport`] that `drift check --base-url mock` replays against (no port opened) and the
//! HTTP server of `drift mock` ([`server`]).
//!
//! - Routing: path templates matched segment by segment; a literal beats a parameter
//!   (`/patient/me` before `/patient/{id}`); the contract's base path is optional in requests.
//! - The response: the first declared 2xx (or the first declared one); `Prefer: code=404` picks
//!   another declared status, `Prefer: example=NAME` a named example.
//! - The body: the chosen example, else the response schema's own `example`, else synthesized.
//! - Unknown path: 404; known path, undeclared method: 405 with `Allow`. Both as JSON
//!   `{"error": …}`, or the contract's own 404 example when it declares one.

mod paging;
mod pattern;
pub mod server;
pub mod synth;

use crate::replay::transport::{gate, HttpRequest, HttpResponse, SendFuture, Transport};
use crate::spec::schemas::Compiled;
use crate::spec::{Contract, MediaType, Operation, Response, Status};
use serde_json::{json, Value};
use std::sync::Arc;
use synth::ItemKeys;

/// A request as the mock sees it.
#[derive(Debug, Clone, Default)]
pub struct MockRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MockResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which operation answered (for the request log).
    pub operation_id: Option<String>,
    /// The documented examples the body was made from, as `file#/pointer` (empty: synthesized).
    pub served_examples: Vec<String>,
    /// The JSON body as a document, for a caller in the same process (a [`Mock::compact`] mock
    /// only): it need not parse the bytes again.
    pub json: Option<Value>,
}

enum Segment {
    Literal(String),
    /// A segment holding one or more `{param}`s, matched by its literal prefix and suffix.
    Param {
        prefix: String,
        suffix: String,
    },
}

struct Route {
    segments: Vec<Segment>,
    literals: usize,
    /// (method, index into contract.operations)
    operations: Vec<(String, usize)>,
}

pub struct Mock {
    contract: Arc<Contract>,
    /// Routes by segment count (a template matches only paths of its length), each list in
    /// priority order: more literal segments first, then more literal text around parameters.
    routes: std::collections::HashMap<usize, Vec<Route>>,
    base_path: String,
    /// The base path, decoded, when the server URL carries a query its operations' paths go on
    /// with (`/api-v2/%3Fsource=…` and `/data.csv&id={id}`): such requests are routed whole.
    base_with_query: Option<String>,
    /// How each operation pages (by index, worked out on its first request), for collections
    /// served a page at a time.
    paging: Vec<std::sync::OnceLock<Option<crate::paging::Paging>>>,
    /// JSON bodies are written compact (in process, where no one reads them) rather than
    /// indented (over HTTP, where `curl` users do).
    compact: bool,
    /// Bodies synthesized so far, by schema.
    synthesized: std::sync::Mutex<Synthesized>,
    /// Data varied by this seed (`mock:SEED`, `drift mock --seed`): see
    /// [`synth::synthesize_seeded`].
    seed: Option<u64>,
    /// The optional keys of each seeded collection's items, by schema and list; a few at a
    /// time (a walk asks for a collection's pages one after another, and Microsoft Graph's
    /// items reach thousands of keys each).
    optional: std::sync::Mutex<OptionalKeys>,
    /// Validators of response schemas, for pages whose copies of items went without keys they
    /// may need; a few at a time.
    checks: std::sync::Mutex<std::collections::HashMap<crate::spec::SchemaRef, Compiled>>,
    /// Items with every optional key, as the page's schema accepts them (see
    /// [`paging::Variation::whole`]), by schema and list; a few at a time.
    wholes: std::sync::Mutex<Wholes>,
}

type Wholes = std::collections::HashMap<(crate::spec::SchemaRef, String), Option<Arc<Value>>>;

type OptionalKeys = std::collections::HashMap<(crate::spec::SchemaRef, String), Arc<ItemKeys>>;

/// The most validators the mock keeps for checking pages (a walk asks for a collection's pages
/// one after another; kept for every operation, Microsoft Graph's would hold gigabytes).
const CHECKS: usize = 32;

/// The most bytes of synthesized bodies the mock keeps. Past it the cache starts over, so a
/// client walking every operation of a contract of 10,000 (Microsoft Graph) holds the mock's
/// memory at the contract's own size, whatever it requests.
const SYNTHESIZED_BUDGET: usize = 64 << 20;

/// Bodies synthesized so far, by schema, and about how many bytes they hold.
struct Synthesized {
    bodies: std::collections::HashMap<crate::spec::SchemaRef, Synthesis>,
    bytes: usize,
    budget: usize,
}

impl Default for Synthesized {
    fn default() -> Self {
        Synthesized {
            bodies: Default::default(),
            bytes: 0,
            budget: SYNTHESIZED_BUDGET,
        }
    }
}

/// A synthesized body, the documented examples it was made from, and whether its schema
/// rejects it.
type Synthesis = (Arc<Value>, Vec<(usize, String)>, bool);

impl Synthesized {
    fn get(&self, schema: &crate::spec::SchemaRef) -> Option<Synthesis> {
        self.bodies.get(schema).cloned()
    }

    fn insert(&mut self, schema: crate::spec::SchemaRef, synthesis: Synthesis) {
        let bytes = weight(&synthesis.0);
        if self.bytes + bytes > self.budget {
            self.bodies.clear();
            self.bytes = 0;
        }
        if bytes <= self.budget {
            self.bytes += bytes;
            self.bodies.insert(schema, synthesis);
        }
    }
}

/// About how many bytes a value holds in memory: a node's size plus its text.
fn weight(value: &Value) -> usize {
    let node = std::mem::size_of::<Value>();
    let mut total = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total += node;
        match v {
            Value::String(s) => total += s.len(),
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                for (k, v) in map {
                    total += k.len() + node;
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    total
}

/// A body to serve: a documented example, borrowed from the contract, or a synthesized one,
/// shared from the cache (a page of it is a new value; the rest are served without a copy).
enum Body<'a> {
    Borrowed(&'a Value),
    Shared(Arc<Value>),
}

impl std::ops::Deref for Body<'_> {
    type Target = Value;
    fn deref(&self) -> &Value {
        match self {
            Body::Borrowed(v) => v,
            Body::Shared(v) => v,
        }
    }
}

impl Mock {
    pub fn new(contract: Arc<Contract>) -> Mock {
        let mut routes: Vec<Route> = Vec::new();
        // Route index by normalized template (`/users/{}`): one lookup per operation.
        let mut by_key: std::collections::HashMap<String, usize> = Default::default();
        for (i, op) in contract.operations.iter().enumerate() {
            let segments = parse_template(&op.path);
            match by_key.entry(template_key(&segments)) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    routes[*at.get()].operations.push((op.method.clone(), i))
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(routes.len());
                    let literals = segments
                        .iter()
                        .filter(|s| matches!(s, Segment::Literal(_)))
                        .count();
                    routes.push(Route {
                        segments,
                        literals,
                        operations: vec![(op.method.clone(), i)],
                    });
                }
            }
        }
        // More literal segments first, then more literal text around parameters
        // (`{name}.mp3` before `{name}`).
        routes.sort_by(|a, b| {
            b.literals
                .cmp(&a.literals)
                .then(fixed_text(&b.segments).cmp(&fixed_text(&a.segments)))
        });
        let mut by_len: std::collections::HashMap<usize, Vec<Route>> = Default::default();
        for route in routes {
            by_len.entry(route.segments.len()).or_default().push(route);
        }
        let base_path = contract.base_path();
        let base_with_query =
            Some(crate::text::percent_decode(&base_path)).filter(|b| b.contains('?'));
        let paging = contract
            .operations
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Mock {
            contract,
            routes: by_len,
            base_path,
            base_with_query,
            paging,
            compact: false,
            synthesized: std::sync::Mutex::default(),
            optional: std::sync::Mutex::default(),
            checks: std::sync::Mutex::default(),
            wholes: std::sync::Mutex::default(),
            seed: None,
        }
    }

    /// A mock whose synthesized data and collection sizes vary with `seed` (the same seed, the
    /// same bodies); documented examples are served as documented.
    pub fn seeded(mut self, seed: Option<u64>) -> Mock {
        self.seed = seed;
        self
    }

    /// A mock whose JSON bodies are written compact: for a check in process.
    pub fn compact(mut self) -> Mock {
        self.compact = true;
        self
    }

    pub fn contract(&self) -> &Contract {
        &self.contract
    }

    /// The base path requests may carry (`/pub` for `https://api.example.com/pub`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    pub fn respond(&self, req: &MockRequest) -> MockResponse {
        let whole = self
            .base_with_query
            .as_deref()
            .filter(|base| req.path.starts_with(base));
        let (path, query) = match whole {
            Some(_) => (req.path.as_str(), ""),
            None => req.path.split_once('?').unwrap_or((&req.path, "")),
        };
        let origin = match header(&req.headers, "host") {
            Some(host) => format!("http://{host}"),
            None => MOCK_ORIGIN.to_string(),
        };
        let requested = Requested {
            origin,
            path,
            query: url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        };
        let path = match path.strip_prefix(whole.unwrap_or(self.base_path.as_str())) {
            Some(rest)
                if !self.base_path.is_empty() && (rest.is_empty() || rest.starts_with('/')) =>
            {
                rest
            }
            _ => path,
        };
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let decoded: Vec<String> = parts
            .iter()
            .map(|p| crate::text::percent_decode(p))
            .collect();
        // Walked lazily: the first matching route usually declares the method.
        let mut matching = self
            .routes
            .get(&parts.len())
            .into_iter()
            .flatten()
            .filter(|r| matches(&r.segments, &parts, &decoded))
            .peekable();
        let Some(&best) = matching.peek() else {
            return self.error(404, &format!("no operation matches {path}"), None);
        };
        // The most specific template that declares the method: `/services/asana` declaring only
        // PUT leaves a GET to `/services/{slug}`.
        // Templates no path tells apart (`/countries/{code2}`, `/countries/{guid}`) share a
        // route: the first operation whose path parameters accept the request's values answers.
        let declared = |route: &Route, method: &str| {
            let candidates: Vec<usize> = route
                .operations
                .iter()
                .filter(|(m, _)| m == method)
                .map(|&(_, i)| i)
                .collect();
            match candidates.as_slice() {
                [] => None,
                [only] => Some((*only, false)),
                several => Some(self.disambiguate(several, &decoded)),
            }
        };
        let found = matching.find_map(|r| {
            declared(r, &req.method)
                .or_else(|| (req.method == "HEAD").then(|| declared(r, "GET")).flatten())
        });
        let Some((index, ambiguous)) = found else {
            let allow: Vec<&str> = best.operations.iter().map(|(m, _)| m.as_str()).collect();
            let mut resp = self.error(
                405,
                &format!("{} is not declared for {path}", req.method),
                None,
            );
            resp.headers.push(("allow".into(), allow.join(", ")));
            return resp;
        };
        let op = &self.contract.operations[index];
        let prefer = header(&req.headers, "prefer").unwrap_or("");
        let paging = self.paging[index]
            .get_or_init(|| {
                crate::paging::resolve(&self.contract, op, &crate::paging::PagingConfig::default())
            })
            .as_ref()
            .map(|p| (p, &requested));
        let mut resp = self.answer(op, prefer, paging);
        // Only a refusal declared: the mock serves it, and says it had no other answer.
        if matches!(resp.status, 401 | 403) && prefer_value(prefer, "code").is_none() {
            resp.headers
                .push((ONLY_REFUSAL_HEADER.to_string(), resp.status.to_string()));
        }
        if ambiguous {
            resp.headers
                .push((ANSWERED_AS_HEADER.to_string(), op.id.clone()));
        }
        if req.method == "HEAD" {
            resp.body.clear();
        }
        resp
    }

    /// The first of `candidates` (operations on templates no path tells apart) whose path
    /// parameters accept the request's segments, and whether another accepts them too.
    fn disambiguate(&self, candidates: &[usize], decoded: &[String]) -> (usize, bool) {
        let accepting: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| {
                let op = &self.contract.operations[i];
                let segments = parse_template(&op.path);
                let names = op.path.split(['#', '?']).next().unwrap_or("");
                let names = names.split('/').filter(|s| !s.is_empty());
                segments
                    .iter()
                    .zip(names)
                    .zip(decoded)
                    .all(|((segment, written), value)| {
                        let Segment::Param { prefix, suffix } = segment else {
                            return true;
                        };
                        let name = &written[prefix.len()..written.len() - suffix.len()];
                        let name = name.trim_start_matches('{').trim_end_matches('}');
                        let value = value
                            .strip_prefix(prefix.as_str())
                            .and_then(|v| v.strip_suffix(suffix.as_str()))
                            .unwrap_or(value);
                        op.parameters
                            .iter()
                            .find(|p| p.location == crate::spec::ParamIn::Path && p.name == name)
                            .and_then(|p| p.schema.as_ref())
                            .is_none_or(|schema| accepts(schema, value))
                    })
            })
            .collect();
        match accepting.as_slice() {
            [] => (candidates[0], true),
            [one] => (*one, false),
            [first, ..] => (*first, true),
        }
    }

    fn answer(
        &self,
        op: &Operation,
        prefer: &str,
        paging: Option<(&crate::paging::Paging, &Requested<'_>)>,
    ) -> MockResponse {
        let wanted_code = prefer_value(prefer, "code").and_then(|c| c.parse::<u16>().ok());
        let wanted_example = prefer_value(prefer, "example");
        let response = match wanted_code {
            Some(code) => op.responses.iter().find(|r| r.status == Status::Code(code)),
            None => default_response(op),
        };
        let Some(response) = response else {
            let msg = match wanted_code {
                Some(code) => format!("{} {} declares no {code} response", op.method, op.path),
                None => format!("{} {} declares no response", op.method, op.path),
            };
            return self.error(
                if wanted_code.is_some() { 422 } else { 501 },
                &msg,
                Some(op.id.clone()),
            );
        };
        let status = match response.status {
            Status::Code(c) => c,
            Status::Range(r) => u16::from(r) * 100,
            Status::Default => wanted_code.unwrap_or(200),
        };
        let Some(media) = pick_media(&response.content) else {
            return MockResponse {
                status,
                content_type: None,
                headers: Vec::new(),
                body: Vec::new(),
                operation_id: Some(op.id.clone()),
                served_examples: Vec::new(),
                json: None,
            };
        };
        let (base, served, unsatisfied) = self.body(media, wanted_example.as_deref());
        let paged = paging
            .filter(|_| {
                (200..300).contains(&status)
                    && wanted_example.is_none()
                    && crate::spec::media::is_json(&served_type(media))
            })
            .and_then(|(paging, req)| {
                let at = format!("{}{}", req.origin, req.path);
                // A body the mock made varies, also where parts of it are the schema's own
                // examples; a documented response example is served as documented.
                let vary = match (&media.schema, self.seed) {
                    (Some(schema), Some(_)) if media.examples.is_empty() => {
                        self.optional_item_keys(schema, &paging.items)
                    }
                    _ => Arc::default(),
                };
                // Checked only where a copy went without a key it may need.
                let valid = |page: &Value| match &media.schema {
                    Some(schema) => self.check(schema).is_ok_and(|v| v.is_valid(page)),
                    None => true,
                };
                let fresh = |i: usize| {
                    let schema = media.schema.as_ref()?;
                    let place = synth::item_place(&self.contract, schema, &paging.items)?;
                    Some(synth::synthesize_copy(
                        &self.contract,
                        &place,
                        self.seed?,
                        i,
                    ))
                };
                let faults = |page: &Value| match media.schema.as_ref().map(|s| self.check(s)) {
                    Some(Ok(validator)) => {
                        let (found, _) = crate::spec::schemas::violations_bounded(&validator, page);
                        found
                            .into_iter()
                            .flat_map(|v| std::iter::once(v.instance_pointer).chain(v.pointers))
                            .collect()
                    }
                    _ => Vec::new(),
                };
                // Made once per collection: a walk asks for its pages one after another.
                let whole = |page: &Value| {
                    let schema = media.schema.as_ref()?;
                    let key = (schema.clone(), paging.items.clone());
                    if let Some(hit) = self.wholes.lock().ok().and_then(|m| m.get(&key).cloned()) {
                        return hit;
                    }
                    let made = synth::item_place(&self.contract, schema, &paging.items)
                        .zip(self.seed)
                        .map(|(place, seed)| synth::synthesize_whole(&self.contract, &place, seed))
                        .and_then(|w| paging::accepted(w, &vary, &faults, page, &paging.items))
                        .map(Arc::new);
                    if let Ok(mut m) = self.wholes.lock() {
                        if m.len() >= CHECKS {
                            m.clear();
                        }
                        m.insert(key, made.clone());
                    }
                    made
                };
                let vary = paging::Variation {
                    keys: &vary,
                    valid: &valid,
                    fresh: &fresh,
                    whole: &whole,
                };
                paging::page(paging, &base, &at, &req.query, self.seed, &vary)
            });
        let (paged, next_header) = match paged {
            Some(page) => (Some(page.body), page.next_header),
            None => (None, None),
        };
        let body: &Value = paged.as_ref().unwrap_or(&base);
        let content_type = served_type(media);
        let json_type = crate::spec::media::is_json(&content_type);
        let bytes = match body {
            Value::String(s) if !json_type => s.clone().into_bytes(),
            v if self.compact => serde_json::to_vec(v).unwrap_or_default(),
            v => serde_json::to_vec_pretty(v).unwrap_or_default(),
        };
        let json = (self.compact && json_type).then(|| paged.unwrap_or_else(|| (*base).clone()));
        let served: Vec<String> = served
            .iter()
            .map(|(d, p)| format!("{}{p}", self.contract.file_name(*d)))
            .collect();
        // Where the body comes from, so a check can tell a documented example that breaks its
        // own schema (a contract defect) from drift.
        let mut headers = match served.first() {
            Some(first) => vec![(
                EXAMPLE_HEADER.to_string(),
                crate::text::percent_encode(first, crate::text::FRAGMENT),
            )],
            None => Vec::new(),
        };
        if unsatisfied {
            headers.push((UNSATISFIED_HEADER.to_string(), "true".to_string()));
        }
        // A collection whose contract names the next page in a header (GitHub's `Link`).
        headers.extend(next_header);
        MockResponse {
            status,
            content_type: Some(content_type),
            headers,
            body: bytes,
            operation_id: Some(op.id.clone()),
            served_examples: served,
            json,
        }
    }

    /// The body, the documented examples it comes from as (document, pointer), and whether it
    /// is a synthesized body the schema does not accept (the mock could not build one).
    fn body<'m>(
        &self,
        media: &'m MediaType,
        wanted: Option<&str>,
    ) -> (Body<'m>, Vec<(usize, String)>, bool) {
        let named = wanted.and_then(|name| {
            media
                .examples
                .iter()
                .find(|e| e.name.as_deref() == Some(name))
        });
        if let Some(ex) = named.or_else(|| media.examples.first()) {
            return (
                Body::Borrowed(&ex.value),
                vec![(ex.doc, ex.pointer.clone())],
                false,
            );
        }
        let Some(schema) = &media.schema else {
            return (Body::Shared(Arc::new(json!({}))), Vec::new(), false);
        };
        // Synthesized once per schema: the same body on every request, at the cost of one.
        let cached = self.synthesized.lock().ok().and_then(|c| c.get(schema));
        if let Some((value, used, unsatisfied)) = cached {
            return (Body::Shared(value), used, unsatisfied);
        }
        let (value, used) =
            synth::synthesize_seeded(&self.contract, schema.doc, &schema.pointer, self.seed);
        // Checked once: a body the schema rejects is served with a header saying so, never
        // silently (an unsatisfiable schema, or one beyond what the mock can build). The
        // validator is not kept: kept, a mock serving Microsoft Graph's contract grew by half a
        // megabyte per operation requested.
        let unsatisfied = crate::spec::media::is_json(&served_type(media))
            && matches!(self.contract.schemas().compile_alone(schema), Ok(v) if !v.is_valid(&value));
        let value = Arc::new(value);
        if let Ok(mut cache) = self.synthesized.lock() {
            cache.insert(schema.clone(), (value.clone(), used.clone(), unsatisfied));
        }
        (Body::Shared(value), used, unsatisfied)
    }

    /// The keys a seeded collection's copies of an item may go without (see
    /// [`synth::optional_item_keys`]), worked out once per schema and list, and kept among the
    /// last few.
    fn optional_item_keys(&self, schema: &crate::spec::SchemaRef, items: &str) -> Arc<ItemKeys> {
        let key = (schema.clone(), items.to_string());
        if let Some(keys) = self.optional.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return keys;
        }
        let keys = Arc::new(synth::optional_item_keys(&self.contract, schema, items));
        if let Ok(mut m) = self.optional.lock() {
            if m.len() >= CHECKS {
                m.clear();
            }
            m.insert(key, keys.clone());
        }
        keys
    }

    /// The validator of a response schema: the run's own where it prepared one (in process),
    /// else compiled and kept among the last few.
    fn check(&self, schema: &crate::spec::SchemaRef) -> Compiled {
        if let Some(hit) = self.checks.lock().ok().and_then(|m| m.get(schema).cloned()) {
            return hit;
        }
        let compiled = self.contract.schemas().compile_alone(schema);
        if let Ok(mut m) = self.checks.lock() {
            if m.len() >= CHECKS {
                m.clear();
            }
            m.insert(schema.clone(), compiled.clone());
        }
        compiled
    }

    /// A 404/405: the contract's own example for that status when one is declared anywhere,
    /// else `{"error": …}`.
    fn error(&self, status: u16, message: &str, operation_id: Option<String>) -> MockResponse {
        let declared = self
            .contract
            .operations
            .iter()
            .flat_map(|o| o.responses.iter())
            .filter(|r| r.status == Status::Code(status))
            .find_map(|r| {
                pick_media(&r.content)
                    .filter(|m| !m.examples.is_empty())
                    .map(|m| (m.name.clone(), m.examples[0].value.clone()))
            });
        let (content_type, body) =
            declared.unwrap_or_else(|| ("application/json".into(), json!({ "error": message })));
        MockResponse {
            status,
            content_type: Some(content_type),
            headers: Vec::new(),
            body: serde_json::to_vec(&body).unwrap_or_default(),
            operation_id,
            served_examples: Vec::new(),
            json: None,
        }
    }
}

/// The path and query of a request, as received.
struct Requested<'a> {
    /// `http://host:port` from the `Host` header (the in-process mock's origin without one).
    origin: String,
    path: &'a str,
    query: Vec<(String, String)>,
}

fn default_response(op: &Operation) -> Option<&Response> {
    let mut success: Vec<&Response> = op
        .responses
        .iter()
        .filter(|r| matches!(r.status, Status::Code(200..=299) | Status::Range(2)))
        .collect();
    success.sort_by_key(|r| r.status);
    // With no success declared, a declared answer that does not read as refused credentials
    // (a mock takes none): `404` before `401`.
    let refused = |r: &&Response| matches!(r.status, Status::Code(401 | 403));
    success
        .first()
        .copied()
        .or_else(|| op.responses.iter().find(|r| !refused(r)))
        .or_else(|| op.responses.first())
}

/// JSON media types first.
/// The content type a body of `media` is served with: `*/*` and `application/*` are not content
/// types, so their body is served as JSON (a family such as `image/*` is served as declared, its
/// body as the bytes of the value).
fn served_type(media: &MediaType) -> String {
    if media.name.starts_with("*/*") || media.name.starts_with("application/*") {
        "application/json".to_string()
    } else {
        media.name.clone()
    }
}

fn pick_media(content: &[MediaType]) -> Option<&MediaType> {
    content
        .iter()
        .find(|m| crate::spec::media::is_json(&m.name))
        .or_else(|| content.first())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `code=404` out of `Prefer: code=404, example=empty`.
fn prefer_value(prefer: &str, key: &str) -> Option<String> {
    prefer.split([',', ';']).find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn template_key(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.clone(),
            Segment::Param { prefix, suffix } => format!("{prefix}{{}}{suffix}"),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn parse_template(path: &str) -> Vec<Segment> {
    // `/revocations#jobArn`, `/search?type=user`: the path is what comes before.
    let path = path.split(['#', '?']).next().unwrap_or("");
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match (s.find('{'), s.rfind('}')) {
            (Some(open), Some(close)) if open < close => Segment::Param {
                prefix: s[..open].to_string(),
                suffix: s[close + 1..].to_string(),
            },
            _ => Segment::Literal(s.to_string()),
        })
        .collect()
}

/// Whether a path parameter's schema (as written) admits a value: its type, `enum`, length,
/// `format: uuid` and `pattern`. What it does not say admits anything.
fn accepts(schema: &Value, value: &str) -> bool {
    let text = |k: &str| schema.get(k).and_then(Value::as_str);
    let length = value.chars().count() as u64;
    let typed = match text("type") {
        Some("integer") => value.parse::<i64>().is_ok(),
        Some("number") => value.parse::<f64>().is_ok(),
        Some("boolean") => matches!(value, "true" | "false"),
        _ => true,
    };
    let listed = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_none_or(|e| {
            e.iter().any(|v| match v {
                Value::String(s) => s == value,
                Value::Number(n) => n.as_f64() == value.parse::<f64>().ok(),
                Value::Bool(b) => value == if *b { "true" } else { "false" },
                _ => false,
            })
        });
    let long = schema
        .get("minLength")
        .and_then(Value::as_u64)
        .is_none_or(|m| length >= m);
    let short = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .is_none_or(|m| length <= m);
    let uuid = text("format") != Some("uuid")
        || (value.len() == 36 && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    let pattern = text("pattern")
        .and_then(|p| regex::Regex::new(p).ok())
        .is_none_or(|r| r.is_match(value));
    typed && listed && long && short && uuid && pattern
}

/// The literal text of a template's parameter segments (`.mp3` of `{name}.mp3`).
fn fixed_text(segments: &[Segment]) -> usize {
    segments
        .iter()
        .map(|s| match s {
            Segment::Param { prefix, suffix } => prefix.len() + suffix.len(),
            Segment::Literal(_) => 0,
        })
        .sum()
}

/// Whether a template matches a path given as its segments, raw and percent-decoded.
fn matches(segments: &[Segment], parts: &[&str], decoded: &[String]) -> bool {
    parts.len() == segments.len()
        && segments
            .iter()
            .zip(parts.iter().zip(decoded))
            .all(|(seg, (part, decoded))| match seg {
                Segment::Literal(l) => l == part || decoded == l,
                Segment::Param { prefix, suffix } => {
                    part.len() > prefix.len() + suffix.len()
                        && part.starts_with(prefix.as_str())
                        && part.ends_with(suffix.as_str())
                }
            })
}

/// The response header naming the documented example a mock body was served from
/// (`specs/x.yaml#/paths/~1a/get/responses/200/examples/application~1json`).
pub const EXAMPLE_HEADER: &str = "x-drift-example";

/// The response header naming the operation that answered a request its contract declares
/// more than once (on templates no path tells apart, whose parameters all accept it).
pub const ANSWERED_AS_HEADER: &str = "x-drift-answered-as";

/// The response header marking a refusal (401, 403) served because the operation declares no
/// other answer.
pub const ONLY_REFUSAL_HEADER: &str = "x-drift-only-refusal";

/// The response header marking a synthesized body its schema does not accept.
pub const UNSATISFIED_HEADER: &str = "x-drift-unsatisfied";

/// The origin of in-process mock URLs: reserved (`.invalid`), so it can never reach a network.
pub const MOCK_ORIGIN: &str = "http://mock.drift.invalid";

/// The mock as a [`Transport`]: no socket, same safety gate as the network.
pub struct MockTransport {
    mock: Arc<Mock>,
}

impl MockTransport {
    pub fn new(mock: Arc<Mock>) -> MockTransport {
        MockTransport { mock }
    }

    /// The base URL replayed requests use: nothing listens there, the transport answers.
    pub fn base_url(&self) -> String {
        format!("{MOCK_ORIGIN}{}", self.mock.base_path())
    }
}

impl Transport for MockTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        Box::pin(async move {
            gate(&request)?;
            // The path and query as a server would receive them.
            let path = match url::Url::parse(&request.url) {
                Ok(u) => match u.query() {
                    Some(q) => format!("{}?{q}", u.path()),
                    None => u.path().to_string(),
                },
                Err(_) => request.url.clone(),
            };
            let headers: Vec<(String, String)> = request
                .headers
                .iter()
                .chain(request.secret_headers.iter())
                .cloned()
                .collect();
            let r = self.mock.respond(&MockRequest {
                method: request.method.clone(),
                path,
                headers,
            });
            let mut headers = r.headers;
            if let Some(ct) = r.content_type {
                headers.push(("content-type".into(), ct));
            }
            Ok(HttpResponse {
                status: r.status,
                headers,
                body: r.body,
                truncated: false,
                parsed: crate::replay::transport::Parsed::new(r.json),
                ..Default::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Documents;

    fn mock() -> Mock {
        let doc = json!({
            "swagger": "2.0", "info": {"title": "t", "version": "1"}, "basePath": "/pub", "host": "x.example",
            "produces": ["application/vnd.api+json"],
            "paths": {
                "/patient/{id}": {
                    "get": {"operationId": "fetchPatient", "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Patient"}},
                        "404": {"description": "missing", "schema": {"type": "object"}, "examples": {"application/vnd.api+json": {"errors": [{"status": "404"}]}}}
                    }},
                    "delete": {"responses": {"204": {"description": "gone"}}}
                },
                "/patient/me": {"get": {"operationId": "fetchMe", "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {"me": {"type": "boolean"}}}}}}}
            },
            "definitions": {"Patient": {"type": "object", "properties": {
                "id": {"type": "string"}, "born": {"type": "string", "format": "date"}, "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}
            }, "example": {"id": "p1"}}}
        });
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        Mock::new(Arc::new(contract))
    }

    fn get_json(m: &Mock, path: &str, prefer: Option<&str>) -> (u16, Value) {
        let headers = prefer
            .map(|p| vec![("Prefer".to_string(), p.to_string())])
            .unwrap_or_default();
        let r = m.respond(&MockRequest {
            method: "GET".into(),
            path: path.into(),
            headers,
        });
        (
            r.status,
            serde_json::from_slice(&r.body).unwrap_or(Value::Null),
        )
    }

    /// What a mock keeps is bounded whatever a client requests: no validator per operation
    /// served, and synthesized bodies within a byte budget.
    #[test]
    fn serving_many_operations_keeps_memory_bounded() {
        let paths: serde_json::Map<String, Value> = (0..40)
            .map(|i| {
                let schema = json!({"type": "object", "properties": {
                    format!("field{i}"): {"type": "array", "minItems": 50, "items": {"type": "string", "minLength": 40}}}});
                (format!("/r{i}"), json!({"get": {"responses": {"200": {"content": {"application/json": {"schema": schema}}}}}}))
            })
            .collect();
        let doc =
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths});
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut m = Mock::new(Arc::new(contract));
        m.synthesized = std::sync::Mutex::new(Synthesized {
            budget: 20_000,
            ..Synthesized::default()
        });
        for i in 0..40 {
            let (status, body) = get_json(&m, &format!("/r{i}"), None);
            assert_eq!(status, 200);
            assert_eq!(body[format!("field{i}")].as_array().map(Vec::len), Some(50));
        }
        assert_eq!(m.contract.schemas().compiled_count(), 0, "validators kept");
        let cache = m.synthesized.lock().unwrap_or_else(|e| e.into_inner());
        assert!(
            cache.bytes <= 20_000 && !cache.bodies.is_empty(),
            "{} bytes",
            cache.bytes
        );
        assert!(
            cache.bodies.len() < 40,
            "every body kept: {}",
            cache.bodies.len()
        );
    }

    #[test]
    fn serves_documented_examples_with_declared_status_and_type() {
        let m = mock();
        let r = m.respond(&MockRequest {
            method: "GET".into(),
            path: "/pub/patient/42".into(),
            headers: vec![],
        });
        assert_eq!(
            (r.status, r.content_type.as_deref()),
            (200, Some("application/vnd.api+json"))
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body).unwrap_or_default(),
            json!({"id": "p1"})
        );
        assert_eq!(
            get_json(&m, "/patient/42", None).0,
            200,
            "base path optional"
        );
    }

    #[test]
    fn literal_routes_win_and_prefer_selects_a_status() {
        let m = mock();
        assert_eq!(
            get_json(&m, "/pub/patient/me", None),
            (200, json!({"me": true}))
        );
        assert_eq!(
            get_json(&m, "/pub/patient/42", Some("code=404")),
            (404, json!({"errors": [{"status": "404"}]}))
        );
    }

    #[test]
    fn unknown_routes_and_methods() {
        let m = mock();
        assert_eq!(get_json(&m, "/pub/nothing", None).0, 404);
        let r = m.respond(&MockRequest {
            method: "PUT".into(),
            path: "/pub/patient/1".into(),
            headers: vec![],
        });
        assert_eq!(r.status, 405);
        assert_eq!(
            r.headers,
            vec![("allow".to_string(), "GET, DELETE".to_string())]
        );
    }

    fn mock_of(paths: Value) -> Mock {
        let doc =
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths});
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        Mock::new(Arc::new(contract))
    }

    fn answer(m: &Mock, method: &str, path: &str) -> MockResponse {
        m.respond(&MockRequest {
            method: method.into(),
            path: path.into(),
            headers: vec![],
        })
    }

    // A server URL that carries a query its paths go on with (hydramovies.com): the request,
    // query and all, reaches the operation whose path continues it.
    #[test]
    fn a_server_url_with_a_query_routes_requests_whole() {
        let ok = |id: &str| json!({"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}});
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://x.example/api-v2/%3Fsource=http:/x.example/api-v2"}],
        "paths": {
            "/data.csv&imdb_id={id}": ok("byId"),
            "/data.csv&year={year}": ok("byYear"),
        }});
        let contract = Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"));
        let m = Mock::new(Arc::new(contract));
        let at = |path: &str| {
            let r = answer(&m, "GET", path);
            (r.status, r.operation_id)
        };
        let base = "/api-v2/?source=http:/x.example/api-v2";
        assert_eq!(
            at(&format!("{base}/data.csv&imdb_id=tt1")),
            (200, Some("byId".into()))
        );
        assert_eq!(
            at(&format!("{base}/data.csv&year=1999")),
            (200, Some("byYear".into()))
        );
        assert_eq!(at("/api-v2/?other=1").0, 404);
    }

    // The most specific template that declares the method answers: a literal segment declaring
    // only PUT leaves a GET to the parameter; `{name}.mp3` is more specific than `{name}`.
    #[test]
    fn the_most_specific_template_declaring_the_method_answers() {
        let ok = |id: &str| json!({"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}});
        let m = mock_of(json!({
            "/services/asana": {"put": {"operationId": "putAsana", "responses": {"204": {"description": "ok"}}}},
            "/services/{slug}": ok("getService"),
            "/media/{name}": ok("getMedia"),
            "/media/{name}.mp3": ok("getMp3"),
        }));
        let by = |method: &str, path: &str| answer(&m, method, path).operation_id;
        assert_eq!(by("GET", "/services/asana").as_deref(), Some("getService"));
        assert_eq!(by("HEAD", "/services/asana").as_deref(), Some("getService"));
        assert_eq!(by("PUT", "/services/asana").as_deref(), Some("putAsana"));
        assert_eq!(by("GET", "/media/song.mp3").as_deref(), Some("getMp3"));
        assert_eq!(by("GET", "/media/song.wav").as_deref(), Some("getMedia"));
        let r = answer(&m, "DELETE", "/services/asana");
        assert_eq!(
            (r.status, r.headers),
            (405, vec![("allow".to_string(), "PUT".to_string())])
        );
    }

    // `*/*` is not a content type: the body is served as JSON, a string schema as a JSON string.
    #[test]
    fn a_wildcard_media_type_is_served_as_json() {
        let m = mock_of(
            json!({"/name": {"get": {"responses": {"200": {"description": "ok",
            "content": {"*/*": {"schema": {"type": "string"}}}}}}}}),
        );
        let r = answer(&m, "GET", "/name");
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        assert!(body.is_string(), "{body}");
        // A body served as JSON that its schema rejects says so there too.
        let never = mock_of(
            json!({"/ratio": {"get": {"responses": {"200": {"description": "ok",
            "content": {"*/*": {"schema": {"type": "string", "enum": [169, 43]}}}}}}}}),
        );
        let r = answer(&never, "GET", "/ratio");
        assert!(
            r.headers.iter().any(|(k, _)| k == UNSATISFIED_HEADER),
            "{:?}",
            r.headers
        );
    }

    // A next link the body leaves out (the documented example has none) is added in the form
    // its schema declares: `{href}` here, not HAL's list of them.
    #[test]
    fn a_next_link_takes_the_form_its_schema_declares() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/companies": {"get": {"operationId": "list",
                "parameters": [{"name": "pageSize", "in": "query", "schema": {"type": "integer"}},
                               {"name": "pageNumber", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/List"},
                    "example": {"data": [{"id": "a"}, {"id": "b"}], "itemsTotal": 2}}}}}}}},
            "components": {"schemas": {
                "List": {"type": "object", "properties": {
                    "_links": {"$ref": "#/components/schemas/Links"},
                    "data": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
                    "itemsTotal": {"type": "integer"}}},
                "Links": {"type": "object", "properties": {
                    "next": {"$ref": "#/components/schemas/Link"}, "self": {"$ref": "#/components/schemas/Link"}}},
                "Link": {"type": "object", "properties": {"href": {"type": "string"}}}}}});
        let contract = Arc::new(
            Contract::from_documents(Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let m = Mock::new(contract.clone());
        let (status, body) = get_json(&m, "/companies?pageSize=2&pageNumber=1", None);
        assert_eq!(status, 200);
        assert!(
            body.pointer("/_links/next/href")
                .is_some_and(Value::is_string),
            "{body}"
        );
        let schema = &contract.operations[0].responses[0].content[0].schema;
        let valid = schema.as_ref().map(|s| contract.schemas().validator(s));
        assert!(matches!(valid, Some(Ok(v)) if v.is_valid(&body)), "{body}");
    }

    /// A contract of one paged list (`page`, `per_page` of 10) at `path`, answering `schema`,
    /// with these component schemas.
    fn paged_list(path: &str, schema: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {path: {"get": {"operationId": "list",
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}},
                               {"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 10}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": schema}}}}}}},
            "components": {"schemas": schemas}})
    }

    /// A contract of one collection operation, its response's validator and schema pointer.
    fn list_contract(doc: Value) -> (Arc<Contract>, crate::spec::schemas::SchemaValidator, String) {
        let contract = Arc::new(
            Contract::from_documents(Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let schema = contract.operations[0].responses[0].content[0]
            .schema
            .clone();
        let valid = schema
            .as_ref()
            .map(|s| contract.schemas().validator(s))
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("no validator"));
        let at = schema.as_ref().map_or(String::new(), |s| s.pointer.clone());
        (contract, valid, at)
    }

    /// For each copy among a walk's `items` (those past the `held` ones it was copied from) and
    /// each of `keys` whose parent the copy has: whether the copy has the key, and whether its
    /// original does.
    fn copy_keys<'a>(
        items: &'a [Value],
        held: &'a [Value],
        keys: &'a [&'a str],
    ) -> impl Iterator<Item = (bool, bool)> + 'a {
        let copies = items.iter().enumerate().skip(held.len());
        copies.flat_map(move |(i, item)| {
            let like = held.get(i % held.len().max(1)).unwrap_or(&Value::Null);
            keys.iter()
                .filter(move |key| item.pointer(&key[..key.rfind('/').unwrap_or(0)]).is_some())
                .map(move |key| (item.pointer(key).is_some(), like.pointer(key).is_some()))
        })
    }

    // Seeded, a copy of an item goes without some of its optional keys: inside a `oneOf` branch
    // or an object with `minProperties` too, and where the body holds the schema's own examples,
    // while every page stays valid and ids distinct.
    #[test]
    fn a_seeded_collection_s_items_differ_at_every_depth() {
        let doc = paged_list(
            "/mandates",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Mandate"}}),
            json!({
                "Mandate": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer", "example": 7},
                    "customer": {"oneOf": [{"$ref": "#/components/schemas/Person"},
                                           {"$ref": "#/components/schemas/Company"}]},
                    "links": {"type": "object", "minProperties": 1, "properties": {
                        "self": {"type": "string"}, "plugin": {"type": "string"}}}}},
                "Person": {"type": "object", "required": ["first_name"], "additionalProperties": false,
                    "properties": {"first_name": {"type": "string"}, "civility": {"type": "string"}}},
                "Company": {"type": "object", "required": ["capital"], "additionalProperties": false,
                    "properties": {"capital": {"type": "integer"}, "national_id": {"type": "string"}}}}),
        );
        let (contract, valid, at) = list_contract(doc);
        let at = at.as_str();
        let keys = ["/customer/civility", "/links/plugin"];
        let (mut kept, mut left) = (0, 0);
        for seed in 1..=16 {
            let m = Mock::new(contract.clone()).seeded(Some(seed));
            // The items the body holds, which copies are grown from.
            let held = synth::synthesize_seeded(&contract, 0, at, Some(seed)).0;
            let held = held.as_array().cloned().unwrap_or_default();
            let mut ids = std::collections::HashSet::new();
            let mut items = Vec::new();
            for page in 1..=3 {
                let (status, body) = get_json(&m, &format!("/mandates?page={page}"), None);
                assert_eq!(status, 200);
                assert!(valid.is_valid(&body), "seed {seed} page {page}: {body}");
                items.extend(body.as_array().cloned().unwrap_or_default());
            }
            for item in &items {
                assert!(ids.insert(item["id"].to_string()), "a repeated id: {item}");
            }
            for (has, original_has) in copy_keys(&items, &held, &keys) {
                match (original_has, has) {
                    (true, true) => kept += 1,
                    (true, false) => left += 1,
                    _ => {}
                }
            }
        }
        // About a third are left out where the copy stays valid (fewer under `minProperties`).
        assert!(
            left * 6 > kept,
            "copies kept their original's keys {kept} times, left them out {left} times"
        );
    }

    // Sinao's invoices: an optional key the held item lacks deep down (`avoid_of`'s recurring
    // invoice's `currency`) was missing from every copy of it, a whole page at once, which the
    // snapshot's evidence read as drift. Copies take such keys from an item that has them all.
    #[test]
    fn a_key_its_item_lacks_comes_back_in_some_copies() {
        let doc = paged_list(
            "/invoices",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Invoice"}}),
            json!({
                "Invoice": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"},
                    "lines": {"type": "array", "items": {"type": "object", "properties": {
                        "sku": {"type": "string"}, "vat": {"type": "number"}}}},
                    "avoid_of": {"type": "object", "properties": {
                        "number": {"type": "string"},
                        "code_naf": {"type": "string", "pattern": "/^[0-9]{4}[a-z]$/i"},
                        "recurring": {"type": "object", "additionalProperties": false, "properties": {
                            "currency": {"type": "string"}, "note": {"type": "string"}}}}}}}}),
        );
        let (contract, valid, at) = list_contract(doc);
        let at = at.as_str();
        let keys = [
            "/avoid_of/recurring/currency",
            "/avoid_of/number",
            "/lines/0/vat",
        ];
        let (mut gained, mut lacked) = (0, 0);
        for seed in 1..=24 {
            let m = Mock::new(contract.clone()).seeded(Some(seed));
            let held = synth::synthesize_seeded(&contract, 0, at, Some(seed)).0;
            // A key whose `pattern` the mock cannot meet (a JavaScript literal, `/…/i`) breaks
            // the body it is in; copies do not take it.
            let held_valid = valid.is_valid(&held);
            let held = held.as_array().cloned().unwrap_or_default();
            let mut items = Vec::new();
            for page in 1..=3 {
                let (status, body) = get_json(&m, &format!("/invoices?page={page}"), None);
                assert_eq!(status, 200);
                assert!(
                    valid.is_valid(&body) || !held_valid,
                    "seed {seed} page {page}: {body}"
                );
                items.extend(body.as_array().cloned().unwrap_or_default());
            }
            for (has, original_has) in copy_keys(&items, &held, &keys) {
                match (original_has, has) {
                    (false, true) => gained += 1,
                    (false, false) => lacked += 1,
                    _ => {}
                }
            }
        }
        // A copy holds a key its item lacks about two times in three (it may leave it out).
        assert!(
            gained > lacked,
            "copies took a key their item lacked {gained} times, went without it {lacked} times"
        );
    }

    // A documented example whose items lack a key their schema requires (Twine Health's patients'
    // `phone_numbers/*/type`) is copied as it is: were copies to take the key, it would come and
    // go with the number of copies a page holds, and read as a required key gone.
    #[test]
    fn copies_do_not_take_a_required_key_their_item_lacks() {
        let doc = paged_list(
            "/patients",
            json!({"$ref": "#/components/schemas/Patients"}),
            json!({
                "Patients": {"type": "array", "items": {"$ref": "#/components/schemas/Patient"},
                    "example": [{"id": 1, "phones": [{"value": "555-1234"}]}]},
                "Patient": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"},
                    "phones": {"type": "array", "items": {"type": "object", "required": ["type", "value"],
                        "properties": {"type": {"type": "string", "enum": ["home", "work"]},
                            "value": {"type": "string"}, "note": {"type": "string"}}}}}}}),
        );
        let (contract, _, _) = list_contract(doc);
        let (mut copies, mut notes) = (0, 0);
        for seed in 1..=12 {
            let m = Mock::new(contract.clone()).seeded(Some(seed));
            for page in 1..=3 {
                let (status, body) = get_json(&m, &format!("/patients?page={page}"), None);
                assert_eq!(status, 200);
                let phones = body.as_array().into_iter().flatten();
                for phone in phones.filter_map(|item| item.pointer("/phones/0")) {
                    copies += 1;
                    assert!(
                        phone.get("type").is_none(),
                        "seed {seed} page {page}: {body}"
                    );
                    notes += usize::from(phone.get("note").is_some());
                }
            }
        }
        // The optional keys the item lacks are still taken.
        assert!(
            copies > 24 && notes > 0,
            "{copies} items, {notes} with a note"
        );
    }

    // Templates no path tells apart are told apart by their parameters' schemas; when several
    // accept the request, the answer says which operation it is.
    #[test]
    fn the_operation_whose_parameters_accept_the_path_answers() {
        let op = |id: &str, name: &str, schema: Value| {
            json!({"get": {"operationId": id, "parameters": [{"name": name, "in": "path",
                "required": true, "schema": schema}], "responses": {"200": {"description": "ok"}}}})
        };
        let m = mock_of(json!({
            "/countries/{code2}": op("byCode", "code2", json!({"type": "string", "maxLength": 2})),
            "/countries/{guid}": op("byGuid", "guid", json!({"type": "string", "format": "uuid"})),
            "/topics/{project}": op("projectTopics", "project", json!({"type": "string"})),
            "/topics/{topic}": op("topicTopics", "topic", json!({"type": "string"})),
        }));
        let by = |path: &str| {
            let r = answer(&m, "GET", path);
            let named = r.headers.iter().find(|(k, _)| k == ANSWERED_AS_HEADER);
            (
                r.operation_id.unwrap_or_default(),
                named.map(|(_, v)| v.clone()),
            )
        };
        assert_eq!(by("/countries/nl"), ("byCode".into(), None));
        assert_eq!(
            by("/countries/00000000-0000-4000-8000-000000000000"),
            ("byGuid".into(), None)
        );
        assert_eq!(
            by("/topics/example"),
            ("projectTopics".into(), Some("projectTopics".into()))
        );
    }

    // An operation that declares no success answers with a declared status that does not read
    // as refused credentials: the mock takes none, so a 401 would be a false alarm.
    #[test]
    fn without_a_declared_success_the_mock_does_not_answer_401() {
        let m = mock_of(json!({"/bill/{id}": {"get": {"responses": {
            "401": {"description": "Unauthorized"}, "404": {"description": "Not Found"}}}}}));
        assert_eq!(answer(&m, "GET", "/bill/1").status, 404);
        let only = mock_of(json!({"/x": {"get": {"responses": {"401": {"description": "no"}}}}}));
        let r = answer(&only, "GET", "/x");
        assert_eq!(r.status, 401);
        assert!(r.headers.iter().any(|(k, _)| k == ONLY_REFUSAL_HEADER));
    }
}
