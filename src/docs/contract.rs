//! Documented examples as a contract: matched to a spec's operations, or — for an API that has
//! only documentation — turned into an OpenAPI 3.0 document so every other stage (plan, mock,
//! replay, check, snapshots) works on it unchanged.

use super::page::{template_key, DocExample, Page, Part};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The documented examples of one API.
#[derive(Debug, Clone, Default)]
pub struct DocsContract {
    pub pages: Vec<Page>,
}

/// Does a documented path template name the operation `op_path` (with or without the API's base
/// path)? Parameter names and a trailing slash do not matter.
pub fn same_template(doc_path: &str, op_path: &str, base_path: &str) -> bool {
    let norm = |p: &str| template_key(p).trim_end_matches('/').to_string();
    let doc = norm(doc_path);
    doc == norm(op_path) || doc == norm(&format!("{}{}", base_path.trim_end_matches('/'), op_path))
}

impl DocsContract {
    /// Every documented example with its page.
    pub fn examples(&self) -> impl Iterator<Item = (&Page, &DocExample)> {
        self.pages
            .iter()
            .flat_map(|p| p.examples.iter().map(move |e| (p, e)))
    }

    /// The documented response example for an operation and a real status: an example with that
    /// status, or one without a status when the status is 2xx.
    pub fn response_for(
        &self,
        method: &str,
        op_path: &str,
        base_path: &str,
        status: u16,
    ) -> Option<(&Page, &DocExample)> {
        self.examples().find(|(_, e)| {
            e.part == Part::Response
                && e.body.is_some()
                && e.method == method
                && same_template(&e.path, op_path, base_path)
                && match e.status {
                    Some(s) => s == status,
                    None => (200..300).contains(&status),
                }
        })
    }

    /// An OpenAPI 3.0 document with one operation per documented (method, path): path and query
    /// parameters with their documented values, responses with their documented bodies.
    pub fn to_openapi(&self, title: &str) -> Value {
        let mut grouped: BTreeMap<(String, String), Vec<&DocExample>> = BTreeMap::new();
        for (_, e) in self.examples() {
            grouped
                .entry((e.path.clone(), e.method.clone()))
                .or_default()
                .push(e);
        }
        let mut paths: Map<String, Value> = Map::new();
        for ((path, method), examples) in grouped {
            let mut parameters: Vec<Value> = path_params(&path)
                .into_iter()
                .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
                .collect();
            let mut seen_query = std::collections::BTreeSet::new();
            for e in &examples {
                for (k, v) in &e.query {
                    if seen_query.insert(k.clone()) {
                        let example = if super::is_placeholder(v) {
                            Value::Null
                        } else {
                            json!(v)
                        };
                        let mut p = json!({"name": k, "in": "query", "required": !example.is_null(), "schema": {"type": "string"}});
                        if !example.is_null() {
                            p["example"] = example;
                        }
                        parameters.push(p);
                    }
                }
            }
            let mut responses = Map::new();
            for e in examples.iter().filter(|e| e.part == Part::Response) {
                let status = e.status.map(|s| s.to_string()).unwrap_or_else(|| {
                    if e.body.is_some() {
                        "200".into()
                    } else {
                        "204".into()
                    }
                });
                if responses.contains_key(&status) {
                    continue;
                }
                let mut r = json!({"description": format!("documented at line {}", e.line)});
                if let Some(body) = &e.body {
                    r["content"] = json!({"application/json": {"example": body}});
                }
                responses.insert(status, r);
            }
            if responses.is_empty() {
                responses.insert(
                    "200".into(),
                    json!({"description": "documented without a response"}),
                );
            }
            let mut op = json!({"parameters": parameters, "responses": responses});
            if let Some(body) = examples
                .iter()
                .find(|e| e.part == Part::Request)
                .and_then(|e| e.body.clone())
            {
                op["requestBody"] = json!({"content": {"application/json": {"example": body}}});
            }
            let entry = paths.entry(path).or_insert_with(|| json!({}));
            entry[method.to_ascii_lowercase()] = op;
        }
        json!({"openapi": "3.0.3", "info": {"title": title, "version": "docs"}, "paths": paths})
    }
}

/// `{remote_id}` and `{from}_{to}` → the parameter names of a template.
fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
        rest = &rest[open + close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::extract;

    const PAGE: &str = "Request GET: /v7.1/thing/<thing_id>/\nResponse\n{\"id\": \"<thing_id>\", \"n\": 1,}\n\nRequest GET /v7.1/thing/?owner=7\nResponse\n{\"total_count\": 1, \"_embedded\": {\"things\": [{\"id\": \"42\", \"n\": 2}]}}\n";

    #[test]
    fn matches_templates_with_or_without_base_path() {
        assert!(same_template(
            "/v7.1/friendship/{pk}/",
            "/friendship/{friendship_id}/",
            "/v7.1"
        ));
        assert!(same_template(
            "/v7.1/friendship/{pk}",
            "/v7.1/friendship/{id}/",
            ""
        ));
        assert!(!same_template(
            "/v7.1/friendship/",
            "/friendship/{id}/",
            "/v7.1"
        ));
    }

    #[test]
    fn a_docs_only_api_becomes_a_contract() {
        let docs = DocsContract {
            pages: vec![extract("things.txt", PAGE)],
        };
        let doc = docs.to_openapi("things");
        let contract =
            crate::spec::Contract::from_documents(crate::spec::Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(contract.operations.len(), 2);
        let plan = crate::plan::build(&contract, &crate::plan::ParamValues::default());
        let paths: Vec<String> = plan
            .iter()
            .filter_map(|p| match p {
                crate::plan::Planned::Request(r) => Some(format!("{}?{:?}", r.path, r.query)),
                _ => None,
            })
            .collect();
        // The id comes from the collection example; the placeholder in the item example is skipped.
        assert!(
            paths.contains(&"/v7.1/thing/42/?[]".to_string()),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"/v7.1/thing/?[(\"owner\", \"7\")]".to_string()),
            "{paths:?}"
        );
        assert!(docs
            .response_for("GET", "/thing/{id}/", "/v7.1", 200)
            .is_some());
        assert!(docs
            .response_for("GET", "/thing/{id}/", "/v7.1", 404)
            .is_none());
    }
}
