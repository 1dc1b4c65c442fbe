//! `drift diff`: direction-aware classification on small contracts, Swagger 2.0 against OpenAPI 3,
//! and (with the shared corpus) every adjacent pair of the 98 published Fitbit Plus versions.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::{drift, json, shared};
use serde_json::{json, Value};

fn write(dir: &std::path::Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    p.to_string_lossy().into_owned()
}

/// An OpenAPI 3 contract: `GET /things/{id}` returning `Thing`, `POST /things` taking `NewThing`.
fn contract(thing: Value, new_thing: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/things/{id}": {"get": {"operationId": "getThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}},
        "/things": {"post": {"operationId": "createThing",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}}},
            "responses": {"201": {"description": "created"}}}}},
        "components": {"schemas": {"Thing": thing, "NewThing": new_thing}}})
}

fn base_thing() -> Value {
    json!({"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string"}, "status": {"type": "string", "enum": ["on", "off"]},
        "nick": {"type": "string", "maxLength": 40}, "tags": {"type": "array", "items": {"type": "string"}}}})
}

/// `(severity, kind, operation)` of every change from `old` to `new`.
fn changes(old: Value, new: Value) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (
        write(dir.path(), "old.json", &old),
        write(dir.path(), "new.json", &new),
    );
    let run = drift(&["diff", &a, &b, "--format", "json"]);
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

fn one(sev: &str, kind: &str, op: &str) -> Vec<(String, String, String)> {
    vec![(sev.into(), kind.into(), op.into())]
}

#[test]
fn direction_decides_what_breaks() {
    let same = base_thing();
    // An enum value added: breaks response readers, not request writers.
    let mut more = base_thing();
    more["properties"]["status"]["enum"] = json!(["on", "off", "paused"]);
    assert_eq!(
        changes(
            contract(base_thing(), same.clone()),
            contract(more.clone(), same.clone())
        ),
        one("breaking", "spec.response.enum-value-added", "getThing")
    );
    assert_eq!(
        changes(
            contract(same.clone(), base_thing()),
            contract(same.clone(), more.clone())
        ),
        one("info", "spec.request.enum-value-added", "createThing")
    );
    // An enum value removed: the reverse.
    let mut fewer = base_thing();
    fewer["properties"]["status"]["enum"] = json!(["on"]);
    assert_eq!(
        changes(
            contract(base_thing(), same.clone()),
            contract(fewer.clone(), same.clone())
        ),
        one("info", "spec.response.enum-value-removed", "getThing")
    );
    assert_eq!(
        changes(
            contract(same.clone(), base_thing()),
            contract(same.clone(), fewer)
        ),
        one("breaking", "spec.request.enum-value-removed", "createThing")
    );
    // A property removed: breaking in a response, compatible in a request.
    let mut gone = base_thing();
    gone["properties"].as_object_mut().map(|p| p.remove("nick"));
    assert_eq!(
        changes(
            contract(base_thing(), same.clone()),
            contract(gone.clone(), same.clone())
        ),
        one("breaking", "spec.response.property-removed", "getThing")
    );
    assert_eq!(
        changes(
            contract(same.clone(), base_thing()),
            contract(same.clone(), gone)
        ),
        one("info", "spec.request.property-removed", "createThing")
    );
    // A new required property: breaking in a request; an added optional one is compatible.
    let mut required = base_thing();
    required["properties"]["color"] = json!({"type": "string"});
    required["required"] = json!(["id", "color"]);
    assert_eq!(
        changes(
            contract(same.clone(), base_thing()),
            contract(same.clone(), required)
        ),
        one("breaking", "spec.request.required-added", "createThing")
    );
    let mut optional = base_thing();
    optional["properties"]["color"] = json!({"type": "string"});
    assert_eq!(
        changes(
            contract(base_thing(), same.clone()),
            contract(optional, same.clone())
        ),
        one("info", "spec.response.property-added", "getThing")
    );
    // A tightened constraint breaks requests; nullable added breaks responses.
    let mut tighter = base_thing();
    tighter["properties"]["nick"]["maxLength"] = json!(20);
    assert_eq!(
        changes(
            contract(same.clone(), base_thing()),
            contract(same.clone(), tighter)
        ),
        one(
            "breaking",
            "spec.request.constraint-tightened",
            "createThing"
        )
    );
    let mut nullable = base_thing();
    nullable["properties"]["nick"]["nullable"] = json!(true);
    assert_eq!(
        changes(
            contract(base_thing(), same.clone()),
            contract(nullable, same.clone())
        ),
        one("breaking", "spec.response.type-widened", "getThing")
    );
    // An array turned into an object.
    let mut object = base_thing();
    object["properties"]["tags"] = json!({"type": "object"});
    assert_eq!(
        changes(contract(base_thing(), same.clone()), contract(object, same)),
        one("breaking", "spec.response.type-widened", "getThing")
    );
}

#[test]
fn refactors_and_documentation_are_not_changes() {
    let same = base_thing();
    // The schema moved behind another name and an allOf, keys reordered, docs rewritten.
    let mut renamed = contract(
        json!({"allOf": [{"$ref": "#/components/schemas/Base"}]}),
        same.clone(),
    );
    let mut base = base_thing();
    base["description"] = json!("A thing, described anew");
    base["properties"]["status"]["enum"] = json!(["off", "on"]);
    base["required"] = json!(["id"]);
    renamed["components"]["schemas"]["Base"] = base;
    renamed["paths"]["/things/{id}"]["get"]["summary"] = json!("Fetch a thing");
    renamed["paths"]["/things/{id}"]["get"]["parameters"][0]["name"] = json!("thing_id");
    renamed["paths"]["/things/{thing_id}"] = renamed["paths"]["/things/{id}"].clone();
    renamed["paths"]
        .as_object_mut()
        .map(|p| p.remove("/things/{id}"));
    assert_eq!(changes(contract(base_thing(), same), renamed), vec![]);
}

#[test]
fn swagger_2_against_its_openapi_3_form_is_no_change() {
    let swagger = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "produces": ["application/json"],
        "paths": {"/things/{id}": {"get": {"operationId": "getThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"},
                           {"name": "limit", "in": "query", "type": "integer", "maximum": 100}],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}}}},
        "definitions": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}, "nick": {"type": "string", "x-nullable": true}}}}});
    let openapi = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/things/{id}": {"get": {"operationId": "getThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                           {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
        "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}, "nick": {"type": "string", "nullable": true}}}}}});
    assert_eq!(changes(swagger, openapi), vec![]);
}

/// Every adjacent pair of the published Fitbit Plus history: a verdict for each, an error with
/// file:line:column for the pairs touching the invalid version, and pinned hand-checked pairs.
#[test]
#[ignore = "reads ../shared/corpus (run by .ci/run with --ignored)"]
fn fitbit_plus_history_pairs() {
    let Some(dir) = shared("corpus/fitbit-plus/history") else {
        return;
    };
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let (mut breaking, mut compatible, mut nothing, mut errors) = (0, 0, 0, 0);
    let mut kinds_of = std::collections::BTreeMap::new();
    for pair in files.windows(2) {
        let (a, b) = (pair[0].to_string_lossy(), pair[1].to_string_lossy());
        let run = drift(&["diff", &a, &b, "--format", "json"]);
        let name = |p: &std::path::Path| {
            p.file_name()
                .map(|n| n.to_string_lossy()[..3].to_string())
                .unwrap_or_default()
        };
        let key = format!("{}-{}", name(&pair[0]), name(&pair[1]));
        if run.code == 2 {
            errors += 1;
            assert!(
                run.stderr.contains("039-2017-10-04-69f1715.yaml:1569:9"),
                "{key}: {}",
                run.stderr
            );
            continue;
        }
        let report = json(&run);
        let found: Vec<(String, String)> = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                (
                    f["severity"].as_str().unwrap_or("").to_string(),
                    f["kind"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        match (found.iter().any(|(s, _)| s == "breaking"), found.is_empty()) {
            (true, _) => breaking += 1,
            (false, true) => nothing += 1,
            (false, false) => compatible += 1,
        }
        kinds_of.insert(key, found);
    }
    println!("Fitbit Plus history: {breaking} breaking, {compatible} compatible, {nothing} no change, {errors} error(s)");
    // 021-022 changed a pattern (`/group` → `/groups`): unproven, a warning, not breaking; 087-088
    // renamed its security scheme but left two operations requiring the old name.
    assert_eq!((breaking, compatible, nothing, errors), (37, 27, 31, 2));
    let has = |pair: &str, sev: &str, kind: &str| {
        kinds_of[pair].iter().any(|(s, k)| s == sev && k == kind)
    };
    // A documentation-only commit (descriptions rewritten).
    assert!(kinds_of["049-050"].is_empty());
    // An object turned into a string in a shared definition: breaking in the response and the request.
    assert!(has("065-066", "breaking", "spec.response.type-widened"));
    assert!(has("065-066", "breaking", "spec.request.type-narrowed"));
    // Enum values removed from a response: compatible; an enum narrowing a request: breaking.
    assert!(has("041-042", "info", "spec.response.enum-value-removed"));
    assert!(has(
        "062-063",
        "breaking",
        "spec.request.enum-value-removed"
    ));
    // A new optional query parameter only: compatible, and named for what it is.
    assert!(kinds_of["034-035"]
        .iter()
        .all(|(s, k)| s == "info" && k == "spec.request.parameter-added"));
    assert!(has("021-022", "warning", "spec.response.unproven-change"));
    assert!(!kinds_of["021-022"].iter().any(|(s, _)| s == "breaking"));
    assert!(has("087-088", "breaking", "spec.security-narrowed"));
    // A new security requirement.
    assert!(has("088-089", "breaking", "spec.security-narrowed"));
}

/// The Swagger 2.0 contract against the APIs.guru OpenAPI 3.0 conversion of the same version.
#[test]
#[ignore = "reads ../shared/corpus and the APIs.guru cache (run by .ci/run with --ignored)"]
fn fitbit_plus_swagger_against_its_openapi_3_conversion() {
    let Some(swagger) = shared("corpus/fitbit-plus/swagger.yaml") else {
        return;
    };
    let home = std::env::var_os("HOME").unwrap_or_default();
    let converted =
        std::path::Path::new(&home).join(".cache/drift-corpus/apis-guru/api/twinehealth.com.json");
    if !converted.exists() {
        println!(
            "SKIPPED: {} not fetched (../shared/corpus/fetch-apis-guru.sh)",
            converted.display()
        );
        return;
    }
    let run = drift(&[
        "diff",
        &swagger.to_string_lossy(),
        &converted.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(json(&run)["findings"], json!([]));
}

/// A git revision is a side: `HEAD:specs/x.json` is read from the repository, so a pull-request
/// check needs no second checkout.
#[test]
fn a_git_revision_is_a_side() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap_or_else(|e| panic!("git: {e}"));
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::create_dir_all(dir.path().join("specs")).unwrap_or_else(|e| panic!("{e}"));
    write(
        &dir.path().join("specs"),
        "x.json",
        &contract(base_thing(), base_thing()),
    );
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "v1"]);
    let mut gone = base_thing();
    gone["properties"].as_object_mut().map(|p| p.remove("nick"));
    write(
        &dir.path().join("specs"),
        "x.json",
        &contract(gone, base_thing()),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drift"))
        .args([
            "diff",
            "HEAD:specs/x.json",
            "specs/x.json",
            "--format",
            "json",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let removed = report["findings"]
        .as_array()
        .and_then(|f| {
            f.iter()
                .find(|f| f["kind"] == "spec.response.property-removed")
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        removed["kind"], "spec.response.property-removed",
        "{report}"
    );
    // The old side is named with its revision; annotations name the repository path.
    assert_eq!(
        removed["old_location"]["file"], "HEAD:specs/x.json",
        "{removed}"
    );
    let github = std::process::Command::new(env!("CARGO_BIN_EXE_drift"))
        .args([
            "diff",
            "specs/x.json",
            "HEAD:specs/x.json",
            "--format",
            "github",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let annotations = String::from_utf8_lossy(&github.stdout);
    assert!(
        annotations.contains("file=specs/x.json") && !annotations.contains("HEAD%3A"),
        "{annotations}"
    );
    // `REV:PATH` is the repository's path, from its root, as git reads it, from any folder.
    let from_below = std::process::Command::new(env!("CARGO_BIN_EXE_drift"))
        .args(["diff", "HEAD:specs/x.json", "x.json"])
        .current_dir(dir.path().join("specs"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        from_below.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&from_below.stderr)
    );
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_drift"))
        .args(["diff", "HEAD:specs/none.json", "specs/x.json"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("HEAD:specs/none.json"));
}
