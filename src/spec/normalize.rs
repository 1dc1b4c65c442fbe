//! Swagger 2.0 and OpenAPI 3.x documents → the one operation model.
//!
//! Structural `$ref`s (path items, parameters, responses, request bodies, examples) are followed
//! here; schemas are only located (the validator resolves the `$ref`s inside them).

use super::error::SpecError;
use super::model::*;
use super::source::Documents;
use crate::text::pointer_push;
use serde_json::{Map, Value};
use std::collections::HashSet;

const SWAGGER_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];
const OPENAPI_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Build every operation of the root document, in document order, with unique ids.
pub fn operations(docs: &Documents, dialect: Dialect) -> Result<Vec<Operation>, SpecError> {
    let root = &docs.root().value;
    let mut ops = Vec::new();
    let Some(paths) = root.get("paths") else {
        return Ok(ops);
    };
    let Some(paths) = paths.as_object() else {
        return Err(invalid(
            docs,
            0,
            "#/paths",
            "`paths` must be a mapping of path templates",
        ));
    };
    let n = Normalizer { docs, dialect };
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        let item_pointer = pointer_push("#/paths", path);
        let (idoc, ipointer, item) = docs.deref(0, &item_pointer, item)?;
        let Some(item) = item.as_object() else {
            return Err(invalid(
                docs,
                idoc,
                &ipointer,
                "a path item must be a mapping",
            ));
        };
        let shared = n.parameters(idoc, &ipointer, item.get("parameters"))?;
        let methods = if dialect == Dialect::Swagger2 {
            SWAGGER_METHODS
        } else {
            OPENAPI_METHODS
        };
        for method in methods {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let op_pointer = pointer_push(&ipointer, method);
            let Some(op) = op.as_object() else {
                return Err(invalid(
                    docs,
                    idoc,
                    &op_pointer,
                    "an operation must be a mapping",
                ));
            };
            ops.push(n.operation(idoc, &op_pointer, path, method, op, &shared)?);
        }
    }
    assign_ids(&mut ops);
    Ok(ops)
}

fn invalid(docs: &Documents, doc: usize, pointer: &str, message: &str) -> SpecError {
    SpecError::Invalid {
        at: docs.position(doc, pointer),
        pointer: pointer.to_string(),
        message: message.to_string(),
    }
}

struct Normalizer<'a> {
    docs: &'a Documents,
    dialect: Dialect,
}

impl Normalizer<'_> {
    fn root(&self) -> &Value {
        &self.docs.root().value
    }

    fn operation(
        &self,
        doc: usize,
        pointer: &str,
        path: &str,
        method: &str,
        op: &Map<String, Value>,
        shared: &[Parameter],
    ) -> Result<Operation, SpecError> {
        let mut parameters: Vec<Parameter> = shared.to_vec();
        let mut request_body = None;
        for p in self.parameters(doc, pointer, op.get("parameters"))? {
            parameters.retain(|q| !(q.name == p.name && q.location == p.location));
            parameters.push(p);
        }
        if self.dialect == Dialect::Swagger2 {
            request_body = self.swagger_body(doc, pointer, op)?;
        } else if let Some(body) = op.get("requestBody") {
            let (bdoc, bptr, body) =
                self.docs
                    .deref(doc, &pointer_push(pointer, "requestBody"), body)?;
            request_body = Some(RequestBody {
                required: body
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                content: self.content(bdoc, &bptr, body)?,
            });
        }
        let responses = self.responses(doc, pointer, op)?;
        let security = op
            .get("security")
            .or_else(|| self.root().get("security"))
            .and_then(Value::as_array)
            .map(|reqs| {
                reqs.iter()
                    .filter_map(Value::as_object)
                    .map(|req| req.keys().cloned().collect())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Operation {
            id: op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            id_synthesized: false,
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            summary: op.get("summary").and_then(Value::as_str).map(String::from),
            deprecated: op
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            parameters,
            request_body,
            responses,
            security,
            produces: if self.dialect == Dialect::Swagger2 {
                self.media_list(op.get("produces"), "produces")
            } else {
                Vec::new()
            },
            doc,
            pointer: pointer.to_string(),
        })
    }

    fn parameters(
        &self,
        doc: usize,
        pointer: &str,
        list: Option<&Value>,
    ) -> Result<Vec<Parameter>, SpecError> {
        let Some(list) = list else {
            return Ok(Vec::new());
        };
        let list_pointer = pointer_push(pointer, "parameters");
        let Some(items) = list.as_array() else {
            return Err(invalid(
                self.docs,
                doc,
                &list_pointer,
                "`parameters` must be a list",
            ));
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let (pdoc, pptr, p) = self.docs.deref(doc, &format!("{list_pointer}/{i}"), item)?;
            let Some(location) = p.get("in").and_then(Value::as_str) else {
                return Err(invalid(self.docs, pdoc, &pptr, "a parameter needs `in`"));
            };
            let location = match location {
                "path" => ParamIn::Path,
                "query" => ParamIn::Query,
                "header" => ParamIn::Header,
                "cookie" => ParamIn::Cookie,
                "formData" => ParamIn::FormData,
                "body" => continue, // Swagger 2.0 body: see `swagger_body`.
                other => {
                    let msg = format!("unknown parameter location `in: {other}`");
                    return Err(invalid(self.docs, pdoc, &pptr, &msg));
                }
            };
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let mut place = None;
            let schema = if self.dialect == Dialect::Swagger2 {
                place = Some(SchemaRef {
                    doc: pdoc,
                    pointer: pptr.clone(),
                });
                // 2.0 non-body parameters carry their type fields inline.
                let mut s = Map::new();
                if let Some(obj) = p.as_object() {
                    for (k, v) in obj {
                        if !matches!(
                            k.as_str(),
                            "name"
                                | "in"
                                | "required"
                                | "description"
                                | "allowEmptyValue"
                                | "collectionFormat"
                        ) {
                            s.insert(k.clone(), v.clone());
                        }
                    }
                }
                Some(Value::Object(s))
            } else {
                match p.get("schema") {
                    Some(s) => {
                        let (sdoc, sptr, schema) =
                            self.docs.deref(pdoc, &pointer_push(&pptr, "schema"), s)?;
                        place = Some(SchemaRef {
                            doc: sdoc,
                            pointer: sptr,
                        });
                        Some(schema.clone())
                    }
                    None => None,
                }
            };
            let mut examples = Vec::new();
            self.examples_of(pdoc, &pptr, p, &mut examples)?;
            out.push(Parameter {
                required: p
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(location == ParamIn::Path),
                name,
                location,
                description: p
                    .get("description")
                    .and_then(Value::as_str)
                    .map(String::from),
                schema,
                place,
                examples,
                vendor_example: p.get("x-example").cloned(),
            });
        }
        Ok(out)
    }

    fn swagger_body(
        &self,
        doc: usize,
        pointer: &str,
        op: &Map<String, Value>,
    ) -> Result<Option<RequestBody>, SpecError> {
        let consumes = self.media_list(op.get("consumes"), "consumes");
        let params = op.get("parameters").and_then(Value::as_array);
        for (i, item) in params.into_iter().flatten().enumerate() {
            let (pdoc, pptr, p) =
                self.docs
                    .deref(doc, &format!("{pointer}/parameters/{i}"), item)?;
            if p.get("in").and_then(Value::as_str) != Some("body") {
                continue;
            }
            let schema = match p.get("schema") {
                Some(s) => Some(self.schema_ref(pdoc, &pointer_push(&pptr, "schema"), s)?),
                None => None,
            };
            let content = consumes
                .iter()
                .map(|name| MediaType {
                    name: name.clone(),
                    schema: schema.clone(),
                    examples: Vec::new(),
                })
                .collect();
            return Ok(Some(RequestBody {
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                content,
            }));
        }
        Ok(None)
    }

    /// `produces`/`consumes` of the operation, else of the document, else JSON.
    fn media_list(&self, own: Option<&Value>, key: &str) -> Vec<String> {
        let list = own
            .or_else(|| self.root().get(key))
            .and_then(Value::as_array);
        let names: Vec<String> = list
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        if names.is_empty() {
            vec!["application/json".to_string()]
        } else {
            names
        }
    }

    fn responses(
        &self,
        doc: usize,
        pointer: &str,
        op: &Map<String, Value>,
    ) -> Result<Vec<Response>, SpecError> {
        let mut out = Vec::new();
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Ok(out);
        };
        let responses_pointer = pointer_push(pointer, "responses");
        let produces = self.media_list(op.get("produces"), "produces");
        for (key, resp) in responses {
            let Some(status) = Status::parse(key) else {
                continue;
            };
            let (rdoc, rptr, resp) =
                self.docs
                    .deref(doc, &pointer_push(&responses_pointer, key), resp)?;
            let content = if self.dialect == Dialect::Swagger2 {
                self.swagger_response_content(rdoc, &rptr, resp, &produces)?
            } else {
                self.content(rdoc, &rptr, resp)?
            };
            out.push(Response {
                status,
                description: resp
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                content,
            });
        }
        Ok(out)
    }

    fn swagger_response_content(
        &self,
        doc: usize,
        pointer: &str,
        resp: &Value,
        produces: &[String],
    ) -> Result<Vec<MediaType>, SpecError> {
        let schema = match resp.get("schema") {
            Some(s) => Some(self.schema_ref(doc, &pointer_push(pointer, "schema"), s)?),
            None => None,
        };
        let examples = resp.get("examples").and_then(Value::as_object);
        if schema.is_none() && examples.is_none_or(|e| e.is_empty()) {
            return Ok(Vec::new());
        }
        let mut content: Vec<MediaType> = produces
            .iter()
            .map(|name| MediaType {
                name: name.clone(),
                schema: schema.clone(),
                examples: Vec::new(),
            })
            .collect();
        let examples_pointer = pointer_push(pointer, "examples");
        for (mime, value) in examples.into_iter().flatten() {
            let example = Example {
                name: Some(mime.clone()),
                value: value.clone(),
                doc,
                pointer: pointer_push(&examples_pointer, mime),
            };
            match content.iter_mut().find(|m| m.name == *mime) {
                Some(m) => m.examples.push(example),
                None => content.push(MediaType {
                    name: mime.clone(),
                    schema: schema.clone(),
                    examples: vec![example],
                }),
            }
        }
        Ok(content)
    }

    /// OpenAPI 3 `content` of a response or request body.
    fn content(
        &self,
        doc: usize,
        pointer: &str,
        owner: &Value,
    ) -> Result<Vec<MediaType>, SpecError> {
        let mut out = Vec::new();
        let Some(content) = owner.get("content").and_then(Value::as_object) else {
            return Ok(out);
        };
        let content_pointer = pointer_push(pointer, "content");
        for (name, media) in content {
            let mptr = pointer_push(&content_pointer, name);
            let schema = match media.get("schema") {
                Some(s) => Some(self.schema_ref(doc, &pointer_push(&mptr, "schema"), s)?),
                None => None,
            };
            let mut examples = Vec::new();
            self.examples_of(doc, &mptr, media, &mut examples)?;
            out.push(MediaType {
                name: name.clone(),
                schema,
                examples,
            });
        }
        Ok(out)
    }

    /// `example` and `examples` (named Example objects, possibly `$ref`s) of a media type or parameter.
    fn examples_of(
        &self,
        doc: usize,
        pointer: &str,
        owner: &Value,
        out: &mut Vec<Example>,
    ) -> Result<(), SpecError> {
        if self.dialect == Dialect::Swagger2 {
            return Ok(());
        }
        if let Some(value) = owner.get("example") {
            out.push(Example {
                name: None,
                value: value.clone(),
                doc,
                pointer: pointer_push(pointer, "example"),
            });
        }
        if let Some(named) = owner.get("examples").and_then(Value::as_object) {
            let examples_pointer = pointer_push(pointer, "examples");
            for (name, ex) in named {
                let (edoc, eptr, ex) =
                    self.docs
                        .deref(doc, &pointer_push(&examples_pointer, name), ex)?;
                if let Some(value) = ex.get("value") {
                    out.push(Example {
                        name: Some(name.clone()),
                        value: value.clone(),
                        doc: edoc,
                        pointer: pointer_push(&eptr, "value"),
                    });
                }
            }
        }
        Ok(())
    }

    /// Locate a schema, following a leading `$ref` chain so equal schemas share one location.
    fn schema_ref(&self, doc: usize, pointer: &str, value: &Value) -> Result<SchemaRef, SpecError> {
        // A `$ref` with siblings is kept where it is: the siblings may matter (3.1).
        let only_ref = value
            .as_object()
            .is_some_and(|o| o.len() == 1 && o.contains_key("$ref"));
        if !only_ref {
            return Ok(SchemaRef {
                doc,
                pointer: pointer.to_string(),
            });
        }
        match self.docs.deref(doc, pointer, value) {
            Ok((d, p, _)) => Ok(SchemaRef { doc: d, pointer: p }),
            // A remote schema stays a reference; the validator treats it as unchecked.
            Err(SpecError::MissingRef { reason, .. }) if reason.contains("is remote") => {
                Ok(SchemaRef {
                    doc,
                    pointer: pointer.to_string(),
                })
            }
            Err(e) => Err(e),
        }
    }
}

/// Give every operation a unique id: the declared `operationId`, else one made from the method
/// and path (`GET /patient/{id}/goals` → `getPatientByIdGoals`); clashes get `_2`, `_3`, ….
fn assign_ids(ops: &mut [Operation]) {
    let mut seen: HashSet<String> = HashSet::new();
    // Declared ids claim their names first, so a synthesized id never steals one.
    let declared: HashSet<String> = ops
        .iter()
        .filter(|o| !o.id.is_empty())
        .map(|o| o.id.clone())
        .collect();
    for op in ops.iter_mut() {
        let base = if op.id.is_empty() {
            op.id_synthesized = true;
            synthesize_id(&op.method, &op.path)
        } else {
            op.id.clone()
        };
        let mut id = base.clone();
        let mut n = 2;
        while seen.contains(&id) || (op.id_synthesized && declared.contains(&id)) {
            id = format!("{base}_{n}");
            n += 1;
        }
        seen.insert(id.clone());
        op.id = id;
    }
}

pub fn synthesize_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    let mut any = false;
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        any = true;
        if let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            id.push_str("By");
            id.push_str(&pascal(param));
        } else {
            id.push_str(&pascal(segment));
        }
    }
    if !any {
        id.push_str("Root");
    }
    id
}

fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesized_ids() {
        assert_eq!(
            synthesize_id("GET", "/patient/{id}/goals"),
            "getPatientByIdGoals"
        );
        assert_eq!(synthesize_id("GET", "/"), "getRoot");
        assert_eq!(
            synthesize_id("DELETE", "/v7.1/friendship/{friendship_id}/"),
            "deleteV71FriendshipByFriendshipId"
        );
    }
}
