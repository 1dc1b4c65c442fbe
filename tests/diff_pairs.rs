//! `drift diff` change classes, pair by pair: each minimal OLD/NEW pair with the rule ids and
//! severities it must produce, and its compatible twin (the other direction) that must not be
//! breaking. Also the polymorphism pattern that once made `drift diff` loop.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::{drift, json};
use serde_json::{json, Value};

/// OpenAPI `version` contract: `GET /t` answers `response`; `POST /t` takes `request`.
fn api(version: &str, request: Value, response: Value) -> Value {
    json!({"openapi": version, "info": {"title": "t", "version": "1.0.0"}, "paths": {"/t": {
        "get": {"operationId": "read", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": response}}}}},
        "post": {"operationId": "write", "requestBody": {"required": true, "content": {
            "application/json": {"schema": request}}}, "responses": {"204": {"description": "ok"}}}}}})
}

/// (severity, kind, operation) of every change.
type Found = Vec<(String, String, String)>;

/// (severity, kind, operation) of every change but the version policy's, sorted.
fn diff(old: &Value, new: &Value) -> Found {
    let mut found = diff_all(old, new);
    found.retain(|(_, k, _)| k != "spec.version-not-bumped");
    found
}

/// (severity, kind, operation) of every change, sorted.
fn diff_all(old: &Value, new: &Value) -> Found {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&a, old.to_string()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&b, new.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let run = drift(&[
        "diff",
        &a.to_string_lossy(),
        &b.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
    let mut out: Vec<(String, String, String)> = json(&run)["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("severity"), s("kind"), s("operation_id"))
        })
        .collect();
    out.sort();
    out
}

fn has(found: &[(String, String, String)], severity: &str, kind: &str, op: &str) -> bool {
    found
        .iter()
        .any(|(s, k, o)| s == severity && k == kind && o == op)
}

fn breaking(found: &[(String, String, String)]) -> bool {
    found.iter().any(|(s, _, _)| s == "breaking")
}

/// A schema change read in both directions: `(request severity, response severity)`.
fn both_ways(version: &str, old: Value, new: Value) -> (Found, Found) {
    let a = api(version, old.clone(), json!({}));
    let b = api(version, new.clone(), json!({}));
    let request = diff(&a, &b);
    let a = api(version, json!({}), old);
    let b = api(version, json!({}), new);
    (request, diff(&a, &b))
}

#[test]
fn numeric_and_array_constraints_by_direction() {
    // 3.0 boolean exclusive bound added on a request: narrows what the server takes.
    let (req, resp) = both_ways(
        "3.0.3",
        json!({"type": "integer", "minimum": 1}),
        json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true}),
    );
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.constraint-tightened",
            "write"
        ),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
    // The 3.1 number form, and the same bound written both ways is no change.
    let (req, resp) = both_ways(
        "3.1.0",
        json!({"type": "number", "exclusiveMaximum": 10}),
        json!({"type": "number", "exclusiveMaximum": 5}),
    );
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.constraint-tightened",
            "write"
        ),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
    let (req, resp) = both_ways(
        "3.0.3",
        json!({"type": "number", "maximum": 5, "exclusiveMaximum": true}),
        json!({"type": "number", "maximum": 5, "exclusiveMaximum": true}),
    );
    assert!(req.is_empty() && resp.is_empty());
    // multipleOf 2 → 4 narrows a request; 4 → 2 widens a response.
    let (req, resp) = both_ways(
        "3.0.3",
        json!({"type": "integer", "multipleOf": 2}),
        json!({"type": "integer", "multipleOf": 4}),
    );
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.constraint-tightened",
            "write"
        ),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
    let (req, resp) = both_ways(
        "3.0.3",
        json!({"type": "integer", "multipleOf": 4}),
        json!({"type": "integer", "multipleOf": 2}),
    );
    assert!(!breaking(&req), "{req:?}");
    assert!(
        has(
            &resp,
            "breaking",
            "spec.response.constraint-loosened",
            "read"
        ),
        "{resp:?}"
    );
    // uniqueItems added to a request.
    let (req, resp) = both_ways(
        "3.0.3",
        json!({"type": "array", "items": {"type": "string"}}),
        json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true}),
    );
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.constraint-tightened",
            "write"
        ),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
}

#[test]
fn json_schema_2020_12_keywords_are_compared() {
    // const added: a request narrows; removed from a response: a reader may get anything.
    let (req, resp) = both_ways(
        "3.1.0",
        json!({"type": "string"}),
        json!({"type": "string", "const": "a"}),
    );
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.constraint-tightened",
            "write"
        ),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
    // Keywords whose direction cannot be proven: a warning that says so, both ways.
    for (key, old, new) in [
        (
            "contains",
            json!({"type": "string"}),
            json!({"type": "integer"}),
        ),
        (
            "dependentRequired",
            json!({"a": ["b"]}),
            json!({"a": ["b", "c"]}),
        ),
        (
            "propertyNames",
            json!({"maxLength": 8}),
            json!({"maxLength": 4}),
        ),
        ("unevaluatedProperties", json!(true), json!(false)),
        ("not", json!({"type": "null"}), json!({"type": "string"})),
    ] {
        let mut a = json!({"type": "object"});
        let mut b = json!({"type": "object"});
        a[key] = old;
        b[key] = new;
        let (req, resp) = both_ways("3.1.0", a, b);
        assert!(
            has(&req, "warning", "spec.request.unproven-change", "write"),
            "{key}: {req:?}"
        );
        assert!(
            has(&resp, "warning", "spec.response.unproven-change", "read"),
            "{key}: {resp:?}"
        );
    }
    // A pattern replaced by another: unproven (`/group` → `/groups` narrows an unanchored one).
    let (req, resp) = both_ways(
        "3.0.3",
        json!({"type": "string", "pattern": "/group"}),
        json!({"type": "string", "pattern": "/groups"}),
    );
    assert!(
        has(&req, "warning", "spec.request.unproven-change", "write") && !breaking(&req),
        "{req:?}"
    );
    assert!(
        has(&resp, "warning", "spec.response.unproven-change", "read") && !breaking(&resp),
        "{resp:?}"
    );
}

#[test]
fn composition_variants_by_direction() {
    let cat = json!({"type": "object", "properties": {"meow": {"type": "string"}}});
    let dog = json!({"type": "object", "properties": {"bark": {"type": "string"}}});
    let one = json!({"oneOf": [cat.clone()]});
    let two = json!({"oneOf": [cat, dog]});
    // A variant added to a response: a reader may get one it does not know.
    let (req, resp) = both_ways("3.0.3", one.clone(), two.clone());
    assert!(!breaking(&req), "{req:?}");
    assert!(
        has(&resp, "breaking", "spec.response.variant-added", "read"),
        "{resp:?}"
    );
    // Removed from a request: a writer's variant is refused. Removed from a response: no
    // "property removed" false alarm.
    let (req, resp) = both_ways("3.0.3", two, one);
    assert!(
        has(&req, "breaking", "spec.request.variant-removed", "write"),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
    assert!(
        !resp
            .iter()
            .any(|(_, k, _)| k.ends_with(".property-removed")),
        "{resp:?}"
    );
}

#[test]
fn required_pair_turned_into_one_of_either() {
    let props = json!({"a": {"type": "string"}, "b": {"type": "string"}});
    let both = json!({"type": "object", "properties": props, "required": ["a", "b"]});
    let either = json!({"type": "object", "properties": props,
        "oneOf": [{"required": ["a"]}, {"required": ["b"]}]});
    // A client sending both is refused; a reader may get only one.
    let (req, resp) = both_ways("3.0.3", both.clone(), either.clone());
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.constraint-tightened",
            "write"
        ),
        "{req:?}"
    );
    assert!(
        has(&resp, "breaking", "spec.response.required-removed", "read"),
        "{resp:?}"
    );
    // The way back: the composition dropped loosens a request, but both keys are now required.
    let (req, _) = both_ways("3.0.3", either, both);
    assert!(
        has(&req, "info", "spec.request.constraint-loosened", "write"),
        "{req:?}"
    );
    assert!(
        has(&req, "breaking", "spec.request.required-added", "write"),
        "{req:?}"
    );
    // A `oneOf` of one `$ref` wraps it: no composition added.
    let pet = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    let wrapped = json!({"oneOf": [pet.clone()]});
    let (req, resp) = both_ways("3.0.3", pet, wrapped);
    assert!(req.is_empty() && resp.is_empty(), "{req:?} {resp:?}");
}

#[test]
fn discriminators_by_direction() {
    let with = |property: &str, mapping: Value| {
        json!({"type": "object", "properties": {"kind": {"type": "string"}, "type": {"type": "string"}},
            "discriminator": {"propertyName": property, "mapping": mapping}})
    };
    let cat = json!({"cat": "#/components/schemas/Cat"});
    let cat_dog = json!({"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"});
    // The property renamed: both sides break.
    let (req, resp) = both_ways(
        "3.0.3",
        with("kind", cat.clone()),
        with("type", cat.clone()),
    );
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.discriminator-changed",
            "write"
        ),
        "{req:?}"
    );
    assert!(
        has(
            &resp,
            "breaking",
            "spec.response.discriminator-changed",
            "read"
        ),
        "{resp:?}"
    );
    // A value newly mapped: readers may meet it; a value dropped: writers may send it.
    let (req, resp) = both_ways(
        "3.0.3",
        with("kind", cat.clone()),
        with("kind", cat_dog.clone()),
    );
    assert!(!breaking(&req), "{req:?}");
    assert!(
        has(&resp, "breaking", "spec.response.enum-value-added", "read"),
        "{resp:?}"
    );
    let (req, resp) = both_ways("3.0.3", with("kind", cat_dog), with("kind", cat));
    assert!(
        has(&req, "breaking", "spec.request.enum-value-removed", "write"),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
}

#[test]
fn read_only_and_write_only_in_the_direction_that_matters() {
    // A new required readOnly property is set by the server: not a request change.
    let old = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    let new = json!({"type": "object", "required": ["id"], "properties": {
        "name": {"type": "string"}, "id": {"type": "string", "readOnly": true}}});
    let (req, _) = both_ways("3.0.3", old, new);
    assert!(!breaking(&req), "{req:?}");
    // additionalProperties: false added to a request refuses what clients may send.
    let (req, resp) = both_ways(
        "3.0.3",
        json!({"type": "object"}),
        json!({"type": "object", "additionalProperties": false}),
    );
    assert!(
        has(
            &req,
            "breaking",
            "spec.request.constraint-tightened",
            "write"
        ),
        "{req:?}"
    );
    assert!(!breaking(&resp), "{resp:?}");
}

fn secured(security: Value, schemes: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"},
        "components": {"securitySchemes": schemes},
        "paths": {"/t": {"get": {"operationId": "read", "security": security,
            "responses": {"200": {"description": "ok"}}}}}})
}

#[test]
fn security_requirements_are_sets_of_alternatives() {
    let schemes = json!({"s1": {"type": "http", "scheme": "bearer"}, "s2": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "o": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://id.example/token", "scopes": {"read": "", "write": ""}}}}});
    let d = |a: Value, b: Value| diff(&secured(a, schemes.clone()), &secured(b, schemes.clone()));
    // [s1] OR [s2] → [s1]: s2 clients are locked out.
    let found = d(json!([{"s1": []}, {"s2": []}]), json!([{"s1": []}]));
    assert!(
        has(&found, "breaking", "spec.security-narrowed", "read"),
        "{found:?}"
    );
    // [[s1, s2]] → [[s1]]: relaxed.
    let found = d(json!([{"s1": [], "s2": []}]), json!([{"s1": []}]));
    assert!(
        has(&found, "info", "spec.security-widened", "read") && !breaking(&found),
        "{found:?}"
    );
    // An added scope.
    let found = d(json!([{"o": ["read"]}]), json!([{"o": ["read", "write"]}]));
    assert!(
        has(&found, "breaking", "spec.security-narrowed", "read"),
        "{found:?}"
    );
    // A requirement naming a scheme no longer defined.
    let found = d(json!([{"s1": []}]), json!([{"gone": []}]));
    assert!(
        has(&found, "breaking", "spec.security-narrowed", "read"),
        "{found:?}"
    );
    // An API key moving from the header to the query; an OAuth2 flow replaced.
    let moved = json!({"s1": {"type": "http", "scheme": "bearer"}, "s2": {"type": "apiKey", "in": "query", "name": "key"},
        "o": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://id.example/auth", "scopes": {"read": ""}}}}});
    let req = json!([{"s2": []}, {"o": ["read"]}]);
    let found = diff(&secured(req.clone(), schemes.clone()), &secured(req, moved));
    let scheme_changes = found
        .iter()
        .filter(|(s, k, _)| s == "breaking" && k == "spec.security-scheme-changed")
        .count();
    assert_eq!(scheme_changes, 2, "{found:?}");
}

#[test]
fn headers_bodies_parameters_and_versions() {
    let with = |headers: Value, body: bool, version: &str| {
        let mut post = json!({"operationId": "write", "responses": {"201": {"description": "ok", "headers": headers}},
            "parameters": []});
        if body {
            post["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": version}, "paths": {"/t": {"post": post}}})
    };
    let location = json!({"Location": {"required": true, "schema": {"type": "string"}}});
    let optional = json!({"Location": {"schema": {"type": "string"}}});
    let found = diff(
        &with(location.clone(), true, "1.0.0"),
        &with(json!({}), true, "1.0.0"),
    );
    assert!(
        has(&found, "breaking", "spec.response.header-removed", "write"),
        "{found:?}"
    );
    let found = diff(
        &with(location.clone(), true, "1.0.0"),
        &with(optional, true, "1.0.0"),
    );
    assert!(
        has(&found, "breaking", "spec.response.header-removed", "write"),
        "{found:?}"
    );
    let found = diff(
        &with(location.clone(), true, "1.0.0"),
        &with(location.clone(), false, "1.0.0"),
    );
    assert!(
        has(&found, "breaking", "spec.request.body-removed", "write"),
        "{found:?}"
    );
    // A breaking change under the same major version is its own finding; a new major is not.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = |a: &Value, b: &Value| {
        let (x, y) = (dir.path().join("a.json"), dir.path().join("b.json"));
        std::fs::write(&x, a.to_string()).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&y, b.to_string()).unwrap_or_else(|e| panic!("{e}"));
        json(&drift(&[
            "diff",
            &x.to_string_lossy(),
            &y.to_string_lossy(),
            "--format",
            "json",
        ]))
    };
    let kinds = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["kind"].as_str().map(String::from))
            .collect()
    };
    let same_major = run(
        &with(location.clone(), true, "1.4.2"),
        &with(json!({}), true, "1.5.0"),
    );
    assert!(
        kinds(&same_major).contains(&"spec.version-not-bumped".to_string()),
        "{same_major}"
    );
    let new_major = run(
        &with(location.clone(), true, "1.4.2"),
        &with(json!({}), true, "2.0.0"),
    );
    assert!(
        !kinds(&new_major).contains(&"spec.version-not-bumped".to_string()),
        "{new_major}"
    );
    // A new optional query parameter is named for what it is.
    let mut a = with(location.clone(), true, "1.0.0");
    let mut b = a.clone();
    b["paths"]["/t"]["post"]["parameters"] =
        json!([{"name": "q", "in": "query", "schema": {"type": "string"}}]);
    assert!(has(
        &diff(&a, &b),
        "info",
        "spec.request.parameter-added",
        "write"
    ));
    a["paths"]["/t"]["post"]["parameters"] = json!([]);
}

/// A base schema lists its subtypes in `oneOf`; each subtype is `allOf: [base, …]`.
fn polymorphic(subtypes: usize, extra: &str) -> Value {
    let mut schemas = serde_json::Map::new();
    let refs: Vec<Value> = (0..subtypes)
        .map(|i| json!({"$ref": format!("#/components/schemas/Sub{i}")}))
        .collect();
    schemas.insert(
        "Base".into(),
        json!({"type": "object", "properties": {"kind": {"type": "string"}}, "oneOf": refs}),
    );
    for i in 0..subtypes {
        schemas.insert(
            format!("Sub{i}"),
            json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {format!("f{i}"): {"type": "string"}, extra: {"type": "string"}}}]}),
        );
    }
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"}, "paths": {"/t": {"get": {
        "operationId": "read", "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Base"}}}}}}}}, "components": {"schemas": schemas}})
}

// Two subtypes were enough to make `drift diff` loop.
#[test]
fn the_polymorphism_pattern_finishes() {
    for n in [2, 5, 50] {
        let started = std::time::Instant::now();
        let found = diff(&polymorphic(n, "a"), &polymorphic(n, "b"));
        println!("{n} subtypes: {:?}", started.elapsed());
        assert!(!found.is_empty(), "{n}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{n} subtypes"
        );
    }
}

// One property removed from a shared definition was reported once per operation (34 lines in
// one release): now once, at the definition, naming the other operations.
#[test]
fn one_change_in_a_shared_definition_is_one_finding() {
    let contract = |props: Value| {
        let get = |id: &str| {
            json!({"get": {"operationId": id, "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}})
        };
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"},
            "paths": {"/a": get("a"), "/b": get("b"), "/c": get("c")},
            "components": {"schemas": {"Thing": {"type": "object", "properties": props}}}})
    };
    let old = contract(json!({"id": {"type": "string"}, "name": {"type": "string"}}));
    let new = contract(json!({"id": {"type": "string"}}));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&a, old.to_string()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&b, new.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let report = json(&drift(&[
        "diff",
        &a.to_string_lossy(),
        &b.to_string_lossy(),
        "--format",
        "json",
    ]));
    let removed: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "spec.response.property-removed")
        .collect();
    assert_eq!(removed.len(), 1, "{report}");
    let message = removed[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(
            "also reached from 2 other operation(s): GET /b [response], GET /c [response]"
        ),
        "{message}"
    );
    assert_eq!(removed[0]["severity"], "breaking");
    assert_eq!(
        removed[0]["reaches"],
        json!([
            "GET /a [response]",
            "GET /b [response]",
            "GET /c [response]"
        ])
    );
    // The terminal shows it once, under the definition, naming the operations it reaches.
    let text = drift(&["diff", &a.to_string_lossy(), &b.to_string_lossy()]).stdout;
    let heading =
        "#/components/schemas/Thing  shared definition, reached from GET /a, GET /b, GET /c";
    assert_eq!(text.matches(heading).count(), 1, "{text}");
    assert_eq!(text.matches("property `name` removed").count(), 1, "{text}");
    assert!(!text.contains("\n  GET /a"), "{text}");
}

/// [`api`] 3.0 with `extra` merged in: `version`, top-level keys, and keys of the `get` and
/// `post` operations (`null` removes one).
fn contract(request: Value, response: Value, extra: Value) -> Value {
    let mut c = api("3.0.3", request, response);
    if let Some(m) = extra.as_object() {
        for (k, v) in m {
            match k.as_str() {
                "version" => c["info"]["version"] = v.clone(),
                "get" | "post" => {
                    let op = &mut c["paths"]["/t"][k.as_str()];
                    for (k2, v2) in v.as_object().into_iter().flatten() {
                        match (v2, op.as_object_mut()) {
                            (Value::Null, Some(op)) => {
                                op.remove(k2);
                            }
                            _ => op[k2] = v2.clone(),
                        }
                    }
                }
                _ => c[k] = v.clone(),
            }
        }
    }
    c
}

/// Every `spec.*` rule the registry lists, each from one minimal OLD/NEW pair, with the
/// registry's severity — and the pairs whose rules are compatible break nothing.
#[test]
fn every_diff_rule_comes_from_a_minimal_pair() {
    let s = json!({"type": "string"});
    let obj = |props: Value, required: Value| json!({"type": "object", "properties": props, "required": required});
    let cat = json!({"type": "object", "properties": {"meow": s}});
    let dog = json!({"type": "object", "properties": {"bark": s}});
    let disc = |p: &str| json!({"type": "object", "properties": {"kind": s, "type": s}, "discriminator": {"propertyName": p}});
    let plain = |req: Value, resp: Value| contract(req, resp, json!({}));
    let r = |resp: Value| plain(json!({}), resp);
    let q = |req: Value| plain(req, json!({}));
    let with = |extra: Value| contract(json!({}), json!({}), extra);
    let param = |required: bool| json!({"post": {"parameters": [{"name": "q", "in": "query", "required": required, "schema": s}]}});
    let body = |required: bool, media: Value| json!({"post": {"requestBody": {"required": required, "content": media}}});
    let json_body = json!({"application/json": {"schema": {}}});
    let two_media = json!({"application/json": {"schema": {}}, "application/xml": {"schema": {}}});
    let responses = |r: Value| json!({"get": {"responses": r}});
    let ok_body = json!({"description": "ok", "content": {"application/json": {"schema": {}}}});
    let header = |status: &str, h: Value| {
        responses(json!({"200": ok_body, status: {"description": "x", "headers": h}}))
    };
    let x_rate = json!({"X-Rate": {"required": true, "schema": s}});
    let schemes = json!({"k": {"type": "apiKey", "in": "header", "name": "X-Key"}});
    let security = |req: Value, schemes: Value| json!({"components": {"securitySchemes": schemes}, "get": {"security": req}});
    let unsecured = security(json!([]), schemes.clone());
    let keyed = security(json!([{"k": []}]), schemes.clone());
    let in_query = security(
        json!([{"k": []}]),
        json!({"k": {"type": "apiKey", "in": "query", "name": "key"}}),
    );
    let mut pairs: Vec<(String, Value, Value)> = Vec::new();
    let mut add = |rule: &str, old: Value, new: Value| pairs.push((rule.to_string(), old, new));
    // Whole operations, security, versions.
    add(
        "spec.operation-removed",
        r(json!({})),
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "2.0.0"}, "paths": {}}),
    );
    add(
        "spec.operation-added",
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"}, "paths": {}}),
        r(json!({})),
    );
    add(
        "spec.security-narrowed",
        with(unsecured.clone()),
        with(keyed.clone()),
    );
    add(
        "spec.security-widened",
        with(keyed.clone()),
        with(unsecured),
    );
    add("spec.security-scheme-changed", with(keyed), with(in_query));
    add(
        "spec.version-not-bumped",
        r(obj(json!({"a": s}), json!([]))),
        contract(
            json!({}),
            obj(json!({}), json!([])),
            json!({"version": "1.1.0"}),
        ),
    );
    // What a client sends.
    add(
        "spec.request.parameter-removed",
        with(param(false)),
        with(json!({})),
    );
    add(
        "spec.request.parameter-added",
        with(json!({})),
        with(param(false)),
    );
    add(
        "spec.request.required-added",
        with(param(false)),
        with(param(true)),
    );
    add(
        "spec.request.required-removed",
        q(obj(json!({"a": s}), json!(["a"]))),
        q(obj(json!({"a": s}), json!([]))),
    );
    add(
        "spec.request.body-removed",
        with(body(true, json_body.clone())),
        contract(json!({}), json!({}), json!({"post": {"requestBody": null}})),
    );
    add(
        "spec.request.optional-body-removed",
        with(body(false, json_body.clone())),
        contract(json!({}), json!({}), json!({"post": {"requestBody": null}})),
    );
    add(
        "spec.request.media-type-removed",
        with(body(true, two_media.clone())),
        with(body(true, json_body.clone())),
    );
    add(
        "spec.request.property-removed",
        q(obj(json!({"a": s}), json!([]))),
        q(obj(json!({}), json!([]))),
    );
    add(
        "spec.request.property-added",
        q(obj(json!({}), json!([]))),
        q(obj(json!({"a": s}), json!([]))),
    );
    add(
        "spec.request.type-narrowed",
        q(json!({"type": "number"})),
        q(json!({"type": "integer"})),
    );
    add(
        "spec.request.type-widened",
        q(json!({"type": "integer"})),
        q(json!({"type": "number"})),
    );
    add(
        "spec.request.enum-value-removed",
        q(json!({"enum": ["a", "b"]})),
        q(json!({"enum": ["a"]})),
    );
    add(
        "spec.request.enum-value-added",
        q(json!({"enum": ["a"]})),
        q(json!({"enum": ["a", "b"]})),
    );
    add(
        "spec.request.constraint-tightened",
        q(json!({"type": "string", "maxLength": 10})),
        q(json!({"type": "string", "maxLength": 5})),
    );
    add(
        "spec.request.constraint-loosened",
        q(json!({"type": "string", "maxLength": 5})),
        q(json!({"type": "string", "maxLength": 10})),
    );
    add(
        "spec.request.variant-removed",
        q(json!({"oneOf": [cat, dog]})),
        q(json!({"oneOf": [cat]})),
    );
    add(
        "spec.request.variant-added",
        q(json!({"oneOf": [cat]})),
        q(json!({"oneOf": [cat, dog]})),
    );
    add(
        "spec.request.discriminator-changed",
        q(disc("kind")),
        q(disc("type")),
    );
    add(
        "spec.request.unproven-change",
        q(json!({"type": "string", "pattern": "^a"})),
        q(json!({"type": "string", "pattern": "^b"})),
    );
    // What a client reads.
    add(
        "spec.response.status-removed",
        with(responses(json!({"200": ok_body}))),
        with(responses(json!({"202": ok_body}))),
    );
    add(
        "spec.response.body-removed",
        with(responses(json!({"200": ok_body}))),
        with(responses(json!({"200": {"description": "ok"}}))),
    );
    add(
        "spec.response.error-status-removed",
        with(responses(
            json!({"200": ok_body, "404": {"description": "x"}}),
        )),
        with(responses(json!({"200": ok_body}))),
    );
    add(
        "spec.response.status-added",
        with(responses(json!({"200": ok_body}))),
        with(responses(
            json!({"200": ok_body, "404": {"description": "x"}}),
        )),
    );
    add(
        "spec.response.header-removed",
        with(header("201", x_rate.clone())),
        with(header("201", json!({}))),
    );
    add(
        "spec.response.error-header-removed",
        with(header("429", x_rate.clone())),
        with(header("429", json!({}))),
    );
    add(
        "spec.response.media-type-removed",
        with(responses(
            json!({"200": {"description": "ok", "content": two_media}}),
        )),
        with(responses(json!({"200": ok_body}))),
    );
    add(
        "spec.response.property-removed",
        r(obj(json!({"a": s}), json!([]))),
        r(obj(json!({}), json!([]))),
    );
    add(
        "spec.response.property-added",
        r(obj(json!({}), json!([]))),
        r(obj(json!({"a": s}), json!([]))),
    );
    add(
        "spec.response.required-removed",
        r(obj(json!({"a": s}), json!(["a"]))),
        r(obj(json!({"a": s}), json!([]))),
    );
    add(
        "spec.response.required-added",
        r(obj(json!({"a": s}), json!([]))),
        r(obj(json!({"a": s}), json!(["a"]))),
    );
    add(
        "spec.response.type-widened",
        r(json!({"type": "string"})),
        r(json!({"type": "string", "nullable": true})),
    );
    add(
        "spec.response.type-narrowed",
        r(json!({"type": "number"})),
        r(json!({"type": "integer"})),
    );
    add(
        "spec.response.enum-value-added",
        r(json!({"enum": ["a"]})),
        r(json!({"enum": ["a", "b"]})),
    );
    add(
        "spec.response.enum-value-removed",
        r(json!({"enum": ["a", "b"]})),
        r(json!({"enum": ["a"]})),
    );
    add(
        "spec.response.constraint-loosened",
        r(json!({"type": "integer", "maximum": 5})),
        r(json!({"type": "integer"})),
    );
    add(
        "spec.response.constraint-tightened",
        r(json!({"type": "integer"})),
        r(json!({"type": "integer", "maximum": 5})),
    );
    add(
        "spec.response.properties-opened",
        r(json!({"type": "object", "additionalProperties": false})),
        r(json!({"type": "object"})),
    );
    add(
        "spec.response.variant-added",
        r(json!({"oneOf": [cat]})),
        r(json!({"oneOf": [cat, dog]})),
    );
    add(
        "spec.response.variant-removed",
        r(json!({"oneOf": [cat, dog]})),
        r(json!({"oneOf": [cat]})),
    );
    add(
        "spec.response.discriminator-changed",
        r(disc("kind")),
        r(disc("type")),
    );
    add(
        "spec.response.unproven-change",
        r(json!({"not": {"type": "null"}})),
        r(json!({"not": {"type": "string"}})),
    );
    let rules = json(&drift(&["rules", "--format", "json"]));
    let registry: std::collections::BTreeMap<String, String> = rules["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some((
                r["id"].as_str()?.to_string(),
                r["severity"].as_str()?.to_string(),
            ))
        })
        .filter(|(id, _)| id.starts_with("spec."))
        .collect();
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for (rule, old, new) in &pairs {
        let started = std::time::Instant::now();
        let found = diff_all(old, new);
        let elapsed = started.elapsed();
        let severity = registry.get(rule).cloned().unwrap_or_default();
        let hit = found.iter().any(|(s, k, _)| s == &severity && k == rule);
        // A compatible change comes alone: nothing in its pair breaks.
        let quiet = severity != "info" || !found.iter().any(|(s, _, _)| s == "breaking");
        if !hit || !quiet {
            failures.push(format!("{rule} ({severity}): {found:?}"));
        }
        table.push(format!("{severity:<8} {rule:<40} {elapsed:>8.1?}"));
    }
    println!("{}", table.join("\n"));
    let covered: std::collections::BTreeSet<&String> = pairs.iter().map(|(r, _, _)| r).collect();
    let missing: Vec<&String> = registry.keys().filter(|id| !covered.contains(id)).collect();
    assert!(registry.len() > 40, "{rules}");
    assert!(missing.is_empty(), "rules without a pair: {missing:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
