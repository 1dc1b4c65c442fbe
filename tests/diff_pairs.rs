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

/// (severity, kind, operation) of every change, sorted.
fn diff(old: &Value, new: &Value) -> Found {
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
        .filter(|f| f["kind"] != "spec.version-not-bumped")
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
}
