//! Live ids: against a real API the documented example ids do not exist in the customer's
//! organisation, so an operation that needs a path parameter takes it from a live response of the
//! read-only operation that lists that resource, replayed earlier in the same run
//! (`GET /patient` before `GET /patient/{id}`; also before `GET /patient/{id}/coaches`).
//!
//! Found by path structure: the provider of `{p}` is the GET operation whose path is the
//! template up to `{p}`. The value is read at a place chosen from the provider's response schema
//! — the items array (`data`, `items`, `results`, HAL `_embedded.*`, or the body itself) and, in
//! an item, the field named like the parameter, `id`, `<resource>_id`, or HAL `_links.self` —
//! or found in the live body when the schema does not say. Config values still win; the
//! documented value stays as the fallback when the provider fails or has no such field; an empty
//! collection skips its dependents with the reason.

use crate::snapshot::view::SchemaView;
use crate::spec::{Contract, Operation};
use serde_json::Value;
use std::collections::HashMap;

/// Where in a provider's body a value is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePath {
    /// JSON Pointer of the items array (`/data`), `""` when the body is the array, `None` when
    /// the provider returns one object.
    pub items: Option<String>,
    /// JSON Pointer of the field in an item (`/id`, `/_links/self/href`).
    pub field: String,
}

impl ValuePath {
    /// `data[0].id`, `[0].id`, `id`.
    pub fn describe(&self) -> String {
        let dotted = |p: &str| {
            p.trim_start_matches('/')
                .split('/')
                .map(|t| {
                    if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
                        format!("[{t}]")
                    } else {
                        format!(".{t}")
                    }
                })
                .collect::<String>()
                .trim_start_matches('.')
                .replace(".[", "[")
        };
        match &self.items {
            Some(items) => format!("{}[0].{}", dotted(items), dotted(&self.field)),
            None => dotted(&self.field),
        }
    }

    /// Up to `max` distinct values in a live body, from the first items that have the field (a
    /// single object gives one): empty for an empty collection, `Err` when there is none.
    pub fn read_candidates(&self, body: &Value, max: usize) -> Result<Vec<String>, String> {
        let first = match self.read(body)? {
            None => return Ok(Vec::new()),
            Some(v) => v,
        };
        let mut out = vec![first];
        let list = self
            .items
            .as_deref()
            .and_then(|items| body.pointer(items))
            .and_then(Value::as_array);
        for item in list.into_iter().flatten().take(LOOKED_AT) {
            if out.len() >= max {
                break;
            }
            let value = self
                .fields()
                .into_iter()
                .find_map(|field| ValuePath { items: None, field }.read(item).ok().flatten());
            if let Some(v) = value.filter(|v| !out.contains(v)) {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// The value in a live body: `Ok(None)` for an empty collection, `Err` when it is not there.
    pub fn read(&self, body: &Value) -> Result<Option<String>, String> {
        let item = match &self.items {
            Some(items) => {
                let Some(list) = body.pointer(items).and_then(Value::as_array) else {
                    return Err(format!("no list at {}", self.describe()));
                };
                // The first item that has the field; when the schema did not say which field
                // (`id` is the guess), the keys an item path usually uses.
                let fields = self.fields();
                let found = fields.iter().find_map(|field| {
                    list.iter()
                        .find(|i| scalar(i.pointer(field)).is_some())
                        .map(|item| (item, field))
                });
                match found {
                    Some((item, field)) if *field != self.field => {
                        let moved = ValuePath {
                            items: None,
                            field: field.clone(),
                        };
                        return moved.read(item);
                    }
                    Some((item, _)) => item,
                    None if list.is_empty() => return Ok(None),
                    None => return Err(format!("no item has {}", self.describe())),
                }
            }
            None => body,
        };
        let value = scalar(item.pointer(&self.field))
            .ok_or_else(|| format!("no value at {}", self.describe()))?;
        // A HAL self link: the id is its last path segment.
        if self.field.ends_with("/href") {
            let path = value.split(['?', '#']).next().unwrap_or(&value);
            let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            return (!last.is_empty())
                .then(|| Some(last.to_string()))
                .ok_or_else(|| format!("no id in the link {value:?}"));
        }
        Ok(Some(value))
    }
}

impl ValuePath {
    /// The field, then, when it is the guessed `id`, the other keys an item path uses.
    fn fields(&self) -> Vec<String> {
        let mut out = vec![self.field.clone()];
        if let Some(prefix) = self.field.strip_suffix("/id") {
            out.extend(
                ["name", "uuid", "key"]
                    .iter()
                    .map(|k| format!("{prefix}/{k}")),
            );
        }
        out
    }
}

/// The items of a provider's list looked at for other candidate values.
const LOOKED_AT: usize = 64;

fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One path parameter of an operation taken from a provider's live response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub param: String,
    /// Index of the provider in the contract's operations.
    pub provider: usize,
    pub path: ValuePath,
}

/// Who can provide values, indexed once per contract: the GET operation at each path, and the
/// parameters OpenAPI `links` fill (by target operationId).
pub struct Providers<'c> {
    contract: &'c Contract,
    get_at: HashMap<&'c str, usize>,
    links: HashMap<String, Vec<Dependency>>,
}

impl<'c> Providers<'c> {
    pub fn new(contract: &'c Contract) -> Providers<'c> {
        let mut get_at = HashMap::new();
        for (i, o) in contract.operations.iter().enumerate() {
            if o.method == "GET" {
                get_at.entry(o.path.as_str()).or_insert(i);
            }
        }
        Providers {
            contract,
            get_at,
            links: links(contract),
        }
    }

    /// The GET operation at `path`, other than `op`.
    fn get(&self, path: &str, op: &Operation) -> Option<usize> {
        self.get_at
            .get(path)
            .copied()
            .filter(|&i| self.contract.operations[i].id != op.id)
    }

    /// The provider and value place for each path parameter of `op` that is not configured, and
    /// for each required query parameter that names a resource (`filter[patient]`, `patient_id`).
    pub fn dependencies(&self, op: &Operation, configured: &[&str]) -> Vec<Dependency> {
        // Declared `links` first: the contract says where the value comes from.
        let mut out: Vec<Dependency> = Vec::new();
        for d in self.links.get(&op.id).into_iter().flatten() {
            let own = self.contract.operations[d.provider].id == op.id;
            if !own
                && !configured.contains(&d.param.as_str())
                && !out.iter().any(|o| o.param == d.param)
            {
                out.push(d.clone());
            }
        }
        for d in self.path_dependencies(op, configured) {
            if !out.iter().any(|o| o.param == d.param) {
                out.push(d);
            }
        }
        for p in &op.parameters {
            if p.location != crate::spec::ParamIn::Query || !p.required {
                continue;
            }
            if configured.contains(&p.name.as_str()) {
                continue;
            }
            let Some(resource) = resource_named_by(&p.name) else {
                continue;
            };
            let singular = resource.strip_suffix('s').unwrap_or(resource);
            let provider = [
                format!("/{resource}"),
                format!("/{resource}s"),
                format!("/{singular}"),
            ]
            .iter()
            .find_map(|path| self.get(path, op));
            let Some(provider) = provider else {
                continue;
            };
            let path = value_path(
                self.contract,
                &self.contract.operations[provider],
                "id",
                resource,
            );
            out.push(Dependency {
                param: p.name.clone(),
                provider,
                path,
            });
        }
        out
    }

    fn path_dependencies(&self, op: &Operation, configured: &[&str]) -> Vec<Dependency> {
        let segments: Vec<&str> = op.path.split('/').collect();
        let mut out = Vec::new();
        for (k, seg) in segments.iter().enumerate() {
            // Only a segment that is one whole parameter (`{id}`, not `{a}@{b}`) is an item id.
            let Some(param) = seg
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .filter(|p| !p.contains(['{', '}']))
            else {
                continue;
            };
            if configured.contains(&param) {
                continue;
            }
            let Some(provider) = collection_paths(&segments[..k])
                .iter()
                .find_map(|path| self.get(path, op))
            else {
                continue;
            };
            let resource = segments[..k]
                .iter()
                .rev()
                .find(|s| !s.starts_with('{') && !s.is_empty())
                .copied()
                .unwrap_or("");
            let path = value_path(
                self.contract,
                &self.contract.operations[provider],
                param,
                resource,
            );
            out.push(Dependency {
                param: param.to_string(),
                provider,
                path,
            });
        }
        out
    }
}

/// Every parameter an OpenAPI 3 `links` object of a GET operation's 2xx response fills from its
/// body (`parameters: {id: '$response.body#/data/id'}`), by the target's operationId.
fn links(contract: &Contract) -> HashMap<String, Vec<Dependency>> {
    let mut out: HashMap<String, Vec<Dependency>> = HashMap::new();
    for (index, provider) in contract.operations.iter().enumerate() {
        if provider.method != "GET" {
            continue;
        }
        let doc = &contract.documents.docs[provider.doc].value;
        let Some(responses) = crate::spec::source::get(doc, &provider.pointer)
            .and_then(|o| o.get("responses"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        let links = responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .filter_map(|(_, r)| r.get("links").and_then(Value::as_object))
            .flat_map(|links| links.values());
        for link in links {
            let link = match link.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                    Some(target) => target,
                    None => continue,
                },
                None => link,
            };
            let (Some(target), Some(params)) = (
                link.get("operationId").and_then(Value::as_str),
                link.get("parameters").and_then(Value::as_object),
            ) else {
                continue;
            };
            for (name, expr) in params {
                let name = name.rsplit('.').next().unwrap_or(name); // `path.id` → `id`
                let Some(pointer) = expr
                    .as_str()
                    .and_then(|e| e.strip_prefix("$response.body#"))
                else {
                    continue;
                };
                out.entry(target.to_string()).or_default().push(Dependency {
                    param: name.to_string(),
                    provider: index,
                    path: ValuePath {
                        items: None,
                        field: pointer.to_string(),
                    },
                });
            }
        }
    }
    out
}

/// Where the collection of the item at `prefix/{id}` may be listed: the prefix itself, then with
/// its last segment in the other number (`/silence/{silenceID}` is listed by `/silences`,
/// `/people/{id}` by `/people`, `/category/{id}` by `/categories`).
fn collection_paths(prefix: &[&str]) -> Vec<String> {
    let mut out = vec![prefix.join("/")];
    let Some((last, parents)) = prefix.split_last() else {
        return out;
    };
    if last.is_empty() || last.starts_with('{') {
        return out;
    }
    let mut forms = Vec::new();
    if let Some(stem) = last.strip_suffix("ies") {
        forms.push(format!("{stem}y"));
    } else if let Some(stem) = last
        .strip_suffix("es")
        .filter(|s| s.ends_with(['s', 'x', 'h']))
    {
        forms.push(stem.to_string());
    } else if let Some(stem) = last.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        forms.push(stem.to_string());
    }
    if !forms.is_empty() {
        // A plural: its singular is the other form.
    } else if let Some(stem) = last
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        forms.push(format!("{stem}ies"));
    } else if last.ends_with(['s', 'x']) || last.ends_with("sh") || last.ends_with("ch") {
        forms.push(format!("{last}es"));
    } else {
        forms.push(format!("{last}s"));
    }
    for form in forms {
        let mut segments: Vec<&str> = parents.to_vec();
        segments.push(&form);
        out.push(segments.join("/"));
    }
    out
}

/// The resource a query parameter names: `filter[patient]` → `patient`, `coach_id` → `coach`.
fn resource_named_by(name: &str) -> Option<&str> {
    let r = name
        .strip_prefix("filter[")
        .and_then(|n| n.strip_suffix(']'))
        .or_else(|| name.strip_suffix("_id"))?;
    (!r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(r)
}

/// Where the provider's documented 2xx body holds an id for `param`.
fn value_path(contract: &Contract, provider: &Operation, param: &str, resource: &str) -> ValuePath {
    let schema = [200u16, 201, 203, 206]
        .iter()
        .find_map(|s| provider.response_for(*s))
        .and_then(|r| r.content.iter().find_map(|m| m.schema.as_ref()));
    let view = schema.map_or_else(SchemaView::undeclared, |s| SchemaView::of(contract, s));
    let (items, prefix, item) = items_of(&view);
    let singular = resource.strip_suffix('s').unwrap_or(resource);
    let candidates = [
        param.to_string(),
        "id".to_string(),
        format!("{singular}_id"),
        format!("{resource}_id"),
        "uuid".to_string(),
        "name".to_string(),
        "key".to_string(),
        "slug".to_string(),
    ];
    let field = candidates
        .iter()
        .find(|c| item.declares(c))
        .map(|c| format!("/{}", crate::text::escape_pointer_token(c)))
        .or_else(|| {
            (item.declares("_links") && item.property_ref("_links").declares("self"))
                .then(|| "/_links/self/href".to_string())
        })
        .unwrap_or_else(|| "/id".to_string());
    ValuePath {
        items,
        field: format!("{prefix}{field}"),
    }
}

/// The items array of a list response and the view of one item (`None` for a single object,
/// then with the prefix of the object in the body: `/data` for a JSON:API resource).
fn items_of(view: &SchemaView) -> (Option<String>, &'static str, &SchemaView) {
    if view.items.is_some() {
        return (Some(String::new()), "", view.element_ref());
    }
    for key in [
        "data", "items", "results", "records", "entries", "values", "content",
    ] {
        let p = view.property_ref(key);
        if view.declares(key) && p.items.is_some() {
            return (Some(format!("/{key}")), "", p.element_ref());
        }
    }
    if view.declares("_embedded") {
        let embedded = view.property_ref("_embedded");
        if let Some((k, v)) = embedded.properties.iter().find(|(_, v)| v.items.is_some()) {
            let pointer = format!("/_embedded/{}", crate::text::escape_pointer_token(k));
            return (Some(pointer), "", v.element_ref());
        }
    }
    // A JSON:API single resource (`{"data": {"id": …}}`).
    if view.declares("data") && !view.property_ref("data").properties.is_empty() {
        return (None, "/data", view.property_ref("data"));
    }
    (None, "", view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_ids_from_lists_and_links() {
        let p = ValuePath {
            items: Some("/data".into()),
            field: "/id".into(),
        };
        assert_eq!(p.describe(), "data[0].id");
        let body = json!({"data": [{"x": 1}, {"id": "p-7"}]});
        assert_eq!(p.read(&body), Ok(Some("p-7".into())));
        assert_eq!(p.read(&json!({"data": []})), Ok(None));
        assert!(p.read(&json!({"items": []})).is_err());
        let hal = ValuePath {
            items: Some("/_embedded/user".into()),
            field: "/_links/self/href".into(),
        };
        let body =
            json!({"_embedded": {"user": [{"_links": {"self": {"href": "/v7.1/user/42/?x=1"}}}]}});
        assert_eq!(hal.read(&body), Ok(Some("42".into())));
        let top = ValuePath {
            items: Some(String::new()),
            field: "/id".into(),
        };
        assert_eq!(top.read(&json!([{"id": 3}])), Ok(Some("3".into())));
        // Items keyed by `name` (a terminal list) when the schema named no field.
        assert_eq!(
            top.read(&json!([{"name": "1", "last_activity": "x"}])),
            Ok(Some("1".into()))
        );
    }

    #[test]
    fn collections_are_found_in_either_number() {
        let paths = |p: &str| collection_paths(&p.split('/').collect::<Vec<_>>());
        assert_eq!(
            paths("/api/v2/silence"),
            ["/api/v2/silence", "/api/v2/silences"]
        );
        assert_eq!(paths("/silences"), ["/silences", "/silence"]);
        assert_eq!(paths("/category"), ["/category", "/categories"]);
        assert_eq!(paths("/categories"), ["/categories", "/category"]);
        assert_eq!(paths("/boxes"), ["/boxes", "/box"]);
        assert_eq!(paths("/a/{id}"), ["/a/{id}"]);
    }
}
