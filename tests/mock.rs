//! The embedded mock: over HTTP (`drift mock`) and in process (`drift check --base-url mock`), on
//! the project's demo contracts and the real Fitbit Plus contract.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::{drift, json, shared};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// `drift mock` on a free port; killed on drop.
struct MockProcess {
    child: Child,
    base: String,
}

impl MockProcess {
    fn start(spec: &str) -> MockProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_drift"))
            .args(["mock", "--spec", spec, "--port", "0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start drift mock: {e}"));
        let mut line = String::new();
        if let Some(out) = child.stdout.as_mut() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        // "drift mock: SPEC (N operations) on http://127.0.0.1:PORT/base"
        let base = line.split(" on ").nth(1).unwrap_or("").trim().to_string();
        assert!(
            base.starts_with("http://127.0.0.1:"),
            "unexpected banner: {line:?}"
        );
        MockProcess { child, base }
    }

    fn origin(&self) -> String {
        self.base
            .splitn(4, '/')
            .take(3)
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP/1.1 GET: (status, content-type, body).
fn get(origin: &str, path: &str) -> (u16, String, String) {
    let host = origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap_or_else(|e| panic!("connect {host}: {e}"));
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let ct = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    (status, ct, body.to_string())
}

/// The README's first command: the demo contracts against the embedded mock, exit 0.
#[test]
fn the_readme_main_job_passes_on_the_demo_contracts() {
    // CI set: compare with the committed snapshots, write nothing into the checkout.
    let run = common::drift_env(&["check"], &[("CI", "true")]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("coaching") && run.stdout.contains("under-armour"));
    assert!(
        run.stdout
            .contains("0 breaking, 0 warning, 0 info, 0 error"),
        "{}",
        run.stdout
    );
}

/// The README's drift example: a mock of a changed contract, checked against the original.
#[test]
fn the_readme_drift_example_exits_1_and_names_the_field() {
    let mock = MockProcess::start("tests/fixtures/drift/coaching-v2.json");
    let run = drift(&[
        "check",
        "--spec",
        "specs/coaching/openapi.json",
        "--base-url",
        &mock.base,
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("\"first_name\" is a required property"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("GET /patients/{id}"));
}

/// `drift check` of the demo contract against a mock, as JSON.
fn check_demo_json(mock: &MockProcess) -> common::Run {
    drift(&[
        "check",
        "--spec",
        "specs/coaching/openapi.json",
        "--base-url",
        &mock.base,
        "--format",
        "json",
    ])
}

/// The README's paging example: `links.next` renamed on one collection validates everywhere, and
/// the walks of that collection (both styles) stop short of the count.
#[test]
fn the_readme_paging_example_catches_a_renamed_next_link() {
    let mock = MockProcess::start("tests/fixtures/drift/coaching-next-page.json");
    let run = check_demo_json(&mock);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = json(&run);
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["operation_id"].as_str().unwrap_or("").to_string(),
                f["kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected = (
        "listPatients".to_string(),
        "pagination.missing-next".to_string(),
    );
    assert_eq!(found, [expected.clone(), expected], "{}", run.stdout);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("only 50 of the 125 items")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("only 10 of the 125 items")),
        "{messages:?}"
    );
}

/// The JSON report of the README's drift example, byte for byte (times and the port aside): the
/// report contract v1 is stable, additive changes only. Regenerate the golden file only for an
/// additive change: `DRIFT_BLESS=1 cargo test --test mock golden`.
#[test]
fn the_readme_drift_example_json_report_is_golden() {
    let mock = MockProcess::start("tests/fixtures/drift/coaching-v2.json");
    let run = check_demo_json(&mock);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = common::timeless(json(&run));
    let text = serde_json::to_string_pretty(&report)
        .unwrap_or_default()
        .replace(&mock.origin(), "http://127.0.0.1:PORT");
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/readme-drift-example.json");
    if std::env::var_os("DRIFT_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap_or(std::path::Path::new(".")))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&golden, format!("{text}\n")).unwrap_or_else(|e| panic!("{e}"));
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(
        text.trim_end(),
        expected.trim_end(),
        "the JSON report changed"
    );
    // The typed report reads it back and writes it again, byte for byte.
    let typed = drift::model::report::read_check_report(&expected)
        .unwrap_or_else(|e| panic!("the golden report does not read back: {e}"));
    assert_eq!(
        typed.findings.len(),
        2,
        "two errors at /data/0 and /data/1 are one grouped finding"
    );
    let again = serde_json::to_string_pretty(&typed).unwrap_or_default();
    assert_eq!(again, expected.trim_end());
}

#[test]
fn prefer_selects_a_declared_status_over_http() {
    let mock = MockProcess::start("specs/coaching/openapi.json");
    let (status, ct, body) = get(&mock.origin(), "/api/coaches");
    assert_eq!((status, ct.as_str()), (200, "application/vnd.api+json"));
    assert!(body.contains("Grace"));
    let host = mock.origin().trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{e}"));
    let _ = write!(stream, "GET /api/coaches/x HTTP/1.1\r\nHost: {host}\r\nPrefer: code=404\r\nConnection: close\r\n\r\n");
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    assert!(raw.starts_with("HTTP/1.1 404"), "{raw}");
    assert!(raw.contains("Resource not found"));
    assert_eq!(get(&mock.origin(), "/api/nowhere").0, 404);
}

/// Every GET path of the real Fitbit Plus contract answers with its declared content type and JSON.
#[test]
#[ignore = "needs ../shared; .ci/run runs it with --ignored"]
fn fitbit_plus_mock_answers_all_42_get_paths() {
    let Some(spec) = shared("corpus/fitbit-plus/swagger.yaml") else {
        return;
    };
    let spec = spec.to_string_lossy().to_string();
    let ops = json(&drift(&["ops", "--spec", &spec, "--format", "json"]))["operations"].clone();
    let mock = MockProcess::start(&spec);
    let mut answered = 0;
    for op in ops
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["method"] == "GET")
    {
        let path = op["plan"]["path"].as_str().unwrap_or_default();
        let query: Vec<String> = op["plan"]["query"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|kv| {
                format!(
                    "{}={}",
                    kv[0].as_str().unwrap_or(""),
                    kv[1].as_str().unwrap_or("")
                )
            })
            .collect();
        let target = if query.is_empty() {
            format!("/pub{path}")
        } else {
            format!("/pub{path}?{}", query.join("&"))
        };
        let (status, ct, body) = get(&mock.origin(), &target);
        assert_eq!(status, 200, "{target}");
        assert_eq!(ct, "application/vnd.api+json", "{target}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).is_ok(),
            "{target}: {body}"
        );
        answered += 1;
    }
    assert_eq!(answered, 42);
}

/// Where the mock serves a documented example that violates its own schema, `drift check`
/// reports exactly that: the operations whose served examples `drift lint` flags, no others.
#[test]
#[ignore = "needs ../shared; .ci/run runs it with --ignored"]
fn fitbit_plus_check_against_mock_flags_exactly_the_invalid_served_examples() {
    let Some(spec_path) = shared("corpus/fitbit-plus/swagger.yaml") else {
        return;
    };
    let spec = spec_path.to_string_lossy().to_string();
    let contract =
        std::sync::Arc::new(drift::spec::load(&spec_path).unwrap_or_else(|e| panic!("{e}")));
    let mock = drift::mock::Mock::new(contract.clone());
    let plan = drift::plan::build(&contract, &drift::plan::ParamValues::default());
    // The documented examples each GET operation's mock response is made from.
    let mut served = std::collections::BTreeMap::new();
    for p in &plan {
        if let drift::plan::Planned::Request(r) = p {
            let resp = mock.respond(&drift::mock::MockRequest {
                method: r.method.clone(),
                path: r.path.clone(),
                headers: vec![],
            });
            served.insert(r.operation_id.clone(), resp.served_examples);
        }
    }
    let lint = json(&drift(&["lint", "--spec", &spec, "--format", "json"]));
    let flagged: BTreeSet<String> = lint["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "example.invalid")
        .map(|f| {
            format!(
                "{}{}",
                f["spec_location"]["file"].as_str().unwrap_or(""),
                f["spec_location"]["pointer"].as_str().unwrap_or("")
            )
        })
        .collect();
    let check = json(&drift(&["check", "--spec", &spec, "--format", "json"]));
    let drifted: BTreeSet<String> = check["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"].as_str().is_some_and(|k| k.starts_with("schema.")))
        .filter_map(|f| f["operation_id"].as_str().map(String::from))
        .collect();
    let expected: BTreeSet<String> = served
        .iter()
        .filter(|(_, ex)| ex.iter().any(|e| flagged.contains(e)))
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(drifted, expected);
    assert_eq!(drifted.len(), 10, "{drifted:?}");
}

// A finding on a body the mock served from a documented example that breaks its own schema says
// so, however long the quoted body; so does one on a body the mock could not build. Neither reads
// as drift.
#[test]
fn findings_on_the_mocks_own_bodies_name_their_provenance() {
    let long: Vec<serde_json::Value> = (0..200)
        .map(|i| serde_json::json!({"id": format!("item-{i}"), "name": "a name long enough to matter"}))
        .collect();
    let spec = serde_json::json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {
            "/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}},
                    "example": {"data": long}}}}}}},
            "/never": {"get": {"operationId": "never", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"allOf": [
                    {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                    {"type": "object", "additionalProperties": false, "properties": {"b": {"type": "string"}}}
                ]}}}}}}}
        }
    });
    let (run, report) = check_against_mock(&spec);
    let schema_findings: Vec<(String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"].as_str().is_some_and(|k| k.starts_with("schema.")))
        .map(|f| {
            (
                f["operation_id"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for id in ["listItems", "never"] {
        assert!(
            schema_findings.iter().any(|(op, _)| op == id),
            "{id}: {}",
            run.stdout
        );
    }
    for (op, message) in &schema_findings {
        let named = match op.as_str() {
            "listItems" => {
                message.contains("a contract defect") && message.contains("openapi.json#/paths")
            }
            _ => message.contains("the mock could not build"),
        };
        assert!(named, "{op}: {message}");
        assert!(message.len() <= 1_000, "{op}: {} bytes", message.len());
    }
}

// The mock pages a collection with every field in the form its schema declares, so a walk of its
// pages finds nothing: a count written as a string (OMDb), a next link that is a page number
// (thetvdb), a next object holding the cursor beside the link (HubSpot), a required, nullable
// `prev` (Up), a composite id (YouTube) and an id that names nothing (`{}`).
#[test]
fn the_mock_pages_collections_in_the_forms_their_schemas_declare() {
    let page_params = serde_json::json!([
        {"name": "page", "in": "query", "schema": {"type": "integer"}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 4}}]);
    let list = |extra: serde_json::Value, id: serde_json::Value| {
        let mut schema = serde_json::json!({"type": "object", "required": ["data"], "properties": {
            "data": {"type": "array", "items": {"type": "object", "required": ["id"],
                "properties": {"id": id, "name": {"type": "string"}}}}}});
        if let (Some(props), Some(more)) = (schema["properties"].as_object_mut(), extra.as_object())
        {
            props.extend(more.clone());
        }
        schema
    };
    let op = |id: &str, params: &serde_json::Value, schema: serde_json::Value| {
        serde_json::json!({"get": {"operationId": id, "parameters": params, "responses": {"200": {
            "description": "ok", "content": {"application/json": {"schema": schema}}}}}})
    };
    let text_id = serde_json::json!({"type": "string"});
    let mut cursor_list = list(
        serde_json::json!({"next_cursor": {"type": "string"}}),
        text_id.clone(),
    );
    cursor_list["required"] = serde_json::json!(["data", "next_cursor"]);
    let mut no_size_list = list(serde_json::json!({}), text_id.clone());
    no_size_list["properties"]["data"]["minItems"] = serde_json::json!(1);
    let mut link_list = list(
        serde_json::json!({"nextLink": {"type": "string"}}),
        text_id.clone(),
    );
    link_list["required"] = serde_json::json!(["data", "nextLink"]);
    let spec = serde_json::json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {
            "/text-count": op("textCount", &page_params,
                list(serde_json::json!({"totalResults": {"type": "string"}}), text_id.clone())),
            "/page-number": op("pageNumber", &page_params, list(serde_json::json!({"links": {
                "type": "object", "properties": {"next": {"type": "integer"}, "prev": {"type": "integer"}}}}),
                text_id.clone())),
            "/cursor-object": op("cursorObject", &serde_json::json!([
                {"name": "after", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 4}}]),
                list(serde_json::json!({"paging": {"type": "object", "properties": {"next": {
                    "type": "object", "required": ["after"], "properties": {
                        "after": {"type": "string"}, "link": {"type": "string"}}}}}}), text_id.clone())),
            "/required-prev": op("requiredPrev", &page_params, list(serde_json::json!({"links": {
                "type": "object", "required": ["next", "prev"], "properties": {
                    "next": {"type": "string", "nullable": true},
                    "prev": {"type": "string", "nullable": true}}}}), text_id)),
            "/composite-id": op("compositeId", &page_params, list(serde_json::json!({}),
                serde_json::json!({"type": "object", "properties": {
                    "kind": {"type": "string"}, "videoId": {"type": "string"}}}))),
            "/empty-id": op("emptyId", &page_params, list(serde_json::json!({}), serde_json::json!({}))),
            // Required and never null: the last page says "no more" as `""` (Slack) and as a
            // link object without its URL (ShipEngine's `"next": {}`).
            "/required-cursor": op("requiredCursor", &serde_json::json!([
                {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 4}}]),
                cursor_list),
            // HAL `_links` declared as a map of link objects: `{href}`, not a list of them.
            "/link-map": op("linkMap", &page_params, list(serde_json::json!({"_links": {
                "type": "object", "additionalProperties": {"type": "object",
                    "properties": {"href": {"type": "string"}}}}}), serde_json::json!({"type": "string"}))),
            // No size parameter: the walk ends at the short page rather than ask for an empty
            // one its schema forbids (`minItems: 1`).
            "/no-size": op("noSize", &serde_json::json!([
                {"name": "page", "in": "query", "schema": {"type": "integer"}}]), no_size_list),
            // A required text link on a collection with no paging parameter (Azure's
            // `nextLink`): `""` on its one page.
            "/required-next-link": op("requiredNextLink", &serde_json::json!([]), link_list),
            // GitHub: the count in the body, the next page only in a declared `Link` header.
            "/link-header": {"get": {"operationId": "linkHeader", "parameters": page_params,
                "responses": {"200": {"description": "ok",
                    "headers": {"Link": {"schema": {"type": "string"}}},
                    "content": {"application/json": {"schema": list(
                        serde_json::json!({"total_count": {"type": "integer"}}),
                        serde_json::json!({"type": "string"}))}}}}}},
            "/required-link": op("requiredLink", &page_params, list(serde_json::json!({"links": {
                "type": "object", "required": ["next"], "properties": {"next": {"type": "object",
                    "additionalProperties": false, "properties": {"href": {"type": "string"}}}}}}),
                serde_json::json!({"type": "string"}))),
        }
    });
    let (_, report) = check_against_mock(&spec);
    let findings: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| !f["kind"].as_str().unwrap_or("").starts_with("snapshot."))
        .map(|f| format!("{} {}: {}", f["operation_id"], f["kind"], f["message"]))
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
    for id in [
        "textCount",
        "pageNumber",
        "cursorObject",
        "requiredPrev",
        "compositeId",
        "emptyId",
        "requiredCursor",
        "requiredLink",
        "linkMap",
        "linkHeader",
    ] {
        let walk = report["operations"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["operation_id"] == id)
            .and_then(|o| o["pages"][0].as_str())
            .unwrap_or("")
            .to_string();
        assert!(
            walk.contains("3 page(s), 10 item(s)") && walk.ends_with("to the end"),
            "{id}: {walk}"
        );
    }
    // The count written as a string is read as the count.
    assert!(report.to_string().contains("10 item(s) of 10"));
    // The next page of a header-paged collection is in its `Link` header, and the last page has
    // none.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("api.json");
    std::fs::write(&path, spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let contract = std::sync::Arc::new(drift::spec::load(&path).unwrap_or_else(|e| panic!("{e}")));
    let mock = drift::mock::Mock::new(contract);
    let link = |query: &str| {
        let resp = mock.respond(&drift::mock::MockRequest {
            method: "GET".into(),
            path: format!("/link-header{query}"),
            headers: vec![],
        });
        resp.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("link"))
            .map(|(_, v)| v.clone())
    };
    let first = link("?per_page=4").unwrap_or_default();
    assert!(
        first.starts_with('<') && first.contains("page=2") && first.ends_with("; rel=\"next\""),
        "{first}"
    );
    assert_eq!(link("?per_page=4&page=3"), None);
}

/// `drift check --base-url mock --format json` of a contract written to a temporary folder: the
/// run and its JSON report.
fn check_against_mock(spec: &serde_json::Value) -> (common::Run, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let run = drift(&[
        "check",
        "--spec",
        &path.to_string_lossy(),
        "--base-url",
        "mock",
        "--format",
        "json",
    ]);
    let report = json(&run);
    (run, report)
}

/// Bitbucket's shapes, seeded: a base `object` whose `type` a subtype narrows to an `enum`, and
/// a paged `uniqueItems` list of items no `id` tells apart. Every seed's bodies are valid.
#[test]
fn seeded_bodies_keep_narrowed_properties_and_unique_pages() {
    let spec = serde_json::json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/repositories": {"get": {
            "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}},
                {"name": "pagelen", "in": "query", "schema": {"type": "integer", "default": 3}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "next": {"type": "string", "format": "uri"},
                    "values": {"type": "array", "uniqueItems": true,
                        "items": {"$ref": "#/components/schemas/repository"}}}}}}}}}}},
        "components": {"schemas": {
            "object": {"type": "object", "required": ["type"], "discriminator": {"propertyName": "type"},
                "properties": {"type": {"type": "string"}}},
            "repository": {"allOf": [{"$ref": "#/components/schemas/object"}, {"type": "object",
                "properties": {"name": {"type": "string"}, "uuid": {"type": "string"},
                    "selector": {"$ref": "#/components/schemas/selector"}}}]},
            "selector": {"allOf": [{"$ref": "#/components/schemas/object"}, {"type": "object",
                "properties": {"type": {"type": "string", "enum": ["branches", "tags", "default"]}}}]}}}
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    for seed in 1..=16 {
        let target = format!("mock:{seed}");
        let path = path.to_string_lossy();
        let run = drift(&[
            "check",
            "--spec",
            &path,
            "--base-url",
            &target,
            "--format",
            "json",
        ]);
        let report = json(&run);
        assert_eq!(
            report["findings"],
            serde_json::json!([]),
            "seed {seed}: {}",
            run.stdout
        );
    }
}
