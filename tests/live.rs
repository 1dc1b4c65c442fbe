//! Against a real API: authentication failures stop an API early and explain themselves.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::server::{Reply, TestServer};
use common::{drift_env, json};
use serde_json::Value;

/// A Swagger 2.0 contract of `n` GET operations that declares its OAuth2 token URL.
fn spec_with_oauth(dir: &std::path::Path, n: usize) -> String {
    let mut spec: Value =
        serde_json::from_str(&common::many_operations_spec(n)).unwrap_or_default();
    spec["securityDefinitions"] = serde_json::json!({
        "oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "/oauth/token", "scopes": {}}
    });
    spec["security"] = serde_json::json!([{"oauth": []}]);
    let path = dir.join("api.json");
    std::fs::write(&path, spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

/// `drift check --spec SPEC --base-url URL --format json`.
fn check_json(spec: &str, url: &str) -> common::Run {
    drift_env(
        &[
            "check",
            "--spec",
            spec,
            "--base-url",
            url,
            "--format",
            "json",
        ],
        &[],
    )
}

/// One operation's result in a report (`null` when absent).
fn operation(report: &Value, id: &str) -> Value {
    report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["operation_id"] == id)
        .cloned()
        .unwrap_or_default()
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

// The token endpoint refuses: one token request, no API request, one auth.failed quoting the
// server and naming the variables (never their values), exit 4. The token URL comes from the
// contract's declared tokenUrl.
#[test]
fn a_refused_token_request_stops_the_api_with_one_explained_finding() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = spec_with_oauth(dir.path(), 42);
    let server = TestServer::start(|req, _| {
        if req.path == "/oauth/token" {
            Reply::json(
                401,
                r#"{"errors":[{"title":"invalid_client","detail":"client authentication failed"}]}"#,
            )
        } else {
            Reply::json(200, r#"{"id": 1}"#)
        }
    });
    let started = std::time::Instant::now();
    let url = server.url();
    let run = drift_env(
        &oauth_check(&spec, &url, &["--format", "json"]),
        &[
            ("LIVE_ID", "client-7"),
            ("LIVE_SECRET", "canary-live-secret"),
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(run.code, 4, "{}", run.transcript());
    let recorded = server.recorded();
    assert_eq!(
        recorded.len(),
        1,
        "only the token request: {:?}",
        recorded.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert_eq!(recorded[0].path, "/oauth/token");
    let report = json(&run);
    let all = findings(&report);
    assert_eq!(all.len(), 1, "{all:#?}");
    let message = all[0]["message"].as_str().unwrap_or("");
    assert_eq!(all[0]["kind"], "auth.failed");
    for needle in [
        "401",
        "client authentication failed",
        "$LIVE_ID",
        "$LIVE_SECRET",
        "42 operation(s) not checked",
    ] {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    assert!(
        !run.stdout.contains("canary-live-secret") && !run.stderr.contains("canary-live-secret")
    );
    let skipped = report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["outcome"] == "skipped")
        .count();
    assert_eq!(skipped, 42);
    println!("refused token: {elapsed:?}");
    assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
}

// The API refuses a bearer token: after the first 3 refusals the API stops; the rest are not sent.
#[test]
fn an_api_refusing_the_first_authenticated_requests_stops_early() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("api.json");
    std::fs::write(&spec, common::many_operations_spec(30)).unwrap_or_else(|e| panic!("{e}"));
    let server = TestServer::start(|_, _| Reply::json(401, r#"{"message":"token expired"}"#));
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec.to_string_lossy(),
            "--base-url",
            &server.url(),
            "--auth",
            "bearer",
            "--token-env",
            "LIVE_TOKEN",
            "--concurrency",
            "1",
            "--format",
            "json",
        ],
        &[("LIVE_TOKEN", "canary-expired-token")],
    );
    assert_eq!(run.code, 4, "{}", run.transcript());
    assert_eq!(server.recorded().len(), 3, "stopped after three refusals");
    let all = findings(&json(&run));
    assert_eq!(all.len(), 1, "{all:#?}");
    let message = all[0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("token expired") && message.contains("$LIVE_TOKEN"),
        "{message}"
    );
    assert!(!run.stdout.contains("canary-expired-token"));
}

// Without credentials, 401s are per-operation findings (a public API's protected operations),
// and the run goes on.
#[test]
fn without_credentials_refusals_do_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("api.json");
    std::fs::write(&spec, common::many_operations_spec(5)).unwrap_or_else(|e| panic!("{e}"));
    let server = TestServer::start(|_, _| Reply::json(401, "{}"));
    let run = check_json(&spec.to_string_lossy(), &server.url());
    assert_eq!(server.recorded().len(), 5);
    assert_eq!(findings(&json(&run)).len(), 5);
    assert_ne!(run.code, 4);
}

// 10,000 items that each break the same rule are one finding with an exact count: the terminal
// report stays within a screen, the JSON report small.
#[test]
fn many_identical_violations_are_one_counted_finding() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("api.json");
    let contract = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array",
                "items": {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}}}}}}}}}}}}}});
    std::fs::write(&spec, contract.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let items: Vec<Value> = (0..10_000)
        .map(|i| serde_json::json!({"id": format!("user-{i}"), "email": format!("u{i}@example.org")}))
        .collect();
    let body = serde_json::json!({ "data": items }).to_string();
    let server = TestServer::start(move |_, _| Reply::json(200, &body));
    let spec = spec.to_string_lossy().into_owned();
    let url = server.url();
    let base = ["check", "--spec", spec.as_str(), "--base-url", url.as_str()];
    let terminal = drift_env(&base, &[]);
    assert_eq!(terminal.code, 1, "{}", terminal.transcript());
    assert!(terminal.stdout.lines().count() < 24, "{}", terminal.stdout);
    let run = drift_env(&[&base[..], &["--format", "json"]].concat(), &[]);
    let all = findings(&json(&run));
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["pointer"], "/data/*/id");
    let message = all[0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("10000 times, at /data/0/id, /data/1/id, /data/2/id, …"),
        "{message}"
    );
    assert!(run.stdout.len() < 4_000, "{} bytes", run.stdout.len());
}

// A base URL without the contract's base path: every operation answers 404. One finding says
// so, with the fix, instead of one per operation.
#[test]
fn a_wrong_base_url_is_one_finding_with_a_hint() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut spec: Value =
        serde_json::from_str(&common::many_operations_spec(12)).unwrap_or_default();
    spec["basePath"] = "/pub".into();
    let path = dir.path().join("api.json");
    std::fs::write(&path, spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let server = TestServer::start(|_, _| Reply::json(404, r#"{"errors": [{"status": "404"}]}"#));
    let path = path.to_string_lossy().into_owned();
    let run = check_json(&path, &server.url());
    assert_eq!(run.code, 1, "{}", run.transcript());
    let all = findings(&json(&run));
    assert_eq!(all.len(), 1, "{all:#?}");
    let message = all[0]["message"].as_str().unwrap_or("");
    let fix = format!("try {}/pub", server.url());
    assert!(
        message.starts_with("12 of 12 operations answered 404") && message.contains(&fix),
        "{message}"
    );
    // With the base path, nothing is grouped: a single undeclared status stays per operation.
    let fine = TestServer::start(|req, _| {
        if req.path.ends_with("/items0") {
            Reply::json(404, "{}")
        } else {
            Reply::json(200, r#"{"id": 1}"#)
        }
    });
    let url = format!("{}/pub", fine.url());
    let run = check_json(&path, &url);
    let all = findings(&json(&run));
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["operation_id"], "getItem0");
}

/// A JSON:API-style contract whose documented ids (`doc-…`) do not exist on the server.
fn live_ids_spec(dir: &std::path::Path) -> String {
    let list = |item: Value| serde_json::json!({"type": "object", "properties": {"data": {"type": "array", "items": item}}});
    let one = |item: Value| serde_json::json!({"type": "object", "properties": {"data": item}});
    let res = serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}, "type": {"type": "string"}}});
    let ok = |schema: Value, example: Value| {
        serde_json::json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema, "example": example}}},
            "404": {"description": "no such thing"}})
    };
    let id_param = |name: &str| serde_json::json!([{"name": name, "in": "path", "required": true, "schema": {"type": "string"}}]);
    let contract = serde_json::json!({"openapi": "3.0.3", "info": {"title": "live", "version": "1"}, "paths": {
        "/patients": {"get": {"operationId": "listPatients",
            "responses": ok(list(res.clone()), serde_json::json!({"data": [{"id": "doc-p1", "type": "patient"}]}))}},
        "/patients/{id}": {"get": {"operationId": "fetchPatient", "parameters": id_param("id"),
            "responses": ok(one(res.clone()), serde_json::json!({"data": {"id": "doc-p1", "type": "patient"}}))}},
        "/patients/{id}/coaches": {"get": {"operationId": "listPatientCoaches", "parameters": id_param("id"),
            "responses": ok(list(res.clone()), serde_json::json!({"data": [{"id": "doc-c9", "type": "coach"}]}))}},
        "/coaches": {"get": {"operationId": "listCoaches",
            "responses": ok(list(res.clone()), serde_json::json!({"data": [{"id": "doc-c9", "type": "coach"}]}))}},
        "/coaches/{coach_id}": {"get": {"operationId": "fetchCoach", "parameters": id_param("coach_id"),
            "responses": ok(one(res.clone()), serde_json::json!({"data": {"id": "doc-c9", "type": "coach"}}))}}
    }});
    let path = dir.join("live.json");
    std::fs::write(&path, contract.to_string()).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

/// The server's own data: ids that exist only here; every other id is a 404.
fn own_data_server(coaches: bool) -> TestServer {
    TestServer::start(move |req, _| {
        let path = req.path.split('?').next().unwrap_or("");
        let body = match path {
            "/patients" => r#"{"data": [{"id": "live-p42", "type": "patient"}]}"#.to_string(),
            "/patients/live-p42" => {
                r#"{"data": {"id": "live-p42", "type": "patient"}}"#.to_string()
            }
            "/patients/live-p42/coaches" => r#"{"data": []}"#.to_string(),
            "/coaches" if coaches => {
                r#"{"data": [{"id": "live-c7", "type": "coach"}]}"#.to_string()
            }
            "/coaches" => r#"{"data": []}"#.to_string(),
            "/coaches/live-c7" => r#"{"data": {"id": "live-c7", "type": "coach"}}"#.to_string(),
            _ => return Reply::json(404, r#"{"errors": [{"status": "404"}]}"#),
        };
        Reply::json(200, &body)
    })
}

// Every operation reaches a live id; no documented id is ever sent; the report says which
// values were live; `drift ops --base-url` shows the dependencies.
#[test]
fn ids_are_chained_from_live_responses() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = live_ids_spec(dir.path());
    let server = own_data_server(true);
    let url = server.url();
    let run = check_json(&spec, &url);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let report = json(&run);
    let statuses: Vec<(String, Value)> = report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            (
                o["operation_id"].as_str().unwrap_or("").to_string(),
                o["status"].clone(),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    assert!(statuses.iter().all(|(_, s)| s == 200), "{statuses:?}");
    let sent: Vec<String> = server.recorded().iter().map(|r| r.path.clone()).collect();
    assert!(
        !sent.iter().any(|p| p.contains("doc-")),
        "a documented id was sent: {sent:?}"
    );
    let live_of = |id: &str| operation(&report, id)["live"].clone();
    assert_eq!(
        live_of("fetchPatient"),
        serde_json::json!(["id ← data[0].id of GET /patients (live)"])
    );
    assert_eq!(
        live_of("fetchCoach"),
        serde_json::json!(["coach_id ← data[0].id of GET /coaches (live)"])
    );
    assert_eq!(
        live_of("listPatientCoaches"),
        serde_json::json!(["id ← data[0].id of GET /patients (live)"])
    );
    let ops = drift_env(&["ops", "--spec", &spec, "--base-url", &url], &[]);
    assert!(
        ops.stdout
            .contains("coach_id ← data[0].id of GET /coaches (live); else \"doc-c9\""),
        "{}",
        ops.stdout
    );
}

// An empty collection skips its dependents with the reason, not a 404 finding.
#[test]
fn an_empty_collection_skips_its_dependents() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = live_ids_spec(dir.path());
    let server = own_data_server(false);
    let run = check_json(&spec, &server.url());
    assert_eq!(run.code, 0, "{}", run.transcript());
    let report = json(&run);
    let coach = operation(&report, "fetchCoach");
    assert_eq!(coach["outcome"], "skipped");
    assert_eq!(
        coach["reason"],
        "not sent: GET /coaches returned an empty list, so there is no `coach_id` to use"
    );
    assert!(findings(&report).is_empty(), "{:#?}", findings(&report));
}

// OpenAPI `links` say where a value comes from: `GET /me` gives the user id of `GET /users/{userId}`.
#[test]
fn declared_links_chain_ids() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let contract = serde_json::json!({"openapi": "3.0.3", "info": {"title": "links", "version": "1"}, "paths": {
        "/me": {"get": {"operationId": "fetchMe", "responses": {"200": {"description": "me",
            "content": {"application/json": {"schema": {"type": "object"}}},
            "links": {"user": {"operationId": "fetchUser", "parameters": {"userId": "$response.body#/user/uid"}}}}}}},
        "/users/{userId}": {"get": {"operationId": "fetchUser",
            "parameters": [{"name": "userId", "in": "path", "required": true, "schema": {"type": "string"}, "example": "doc-u1"}],
            "responses": {"200": {"description": "a user", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    }});
    let spec = dir.path().join("links.json");
    std::fs::write(&spec, contract.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let server = TestServer::start(|req, _| match req.path.as_str() {
        "/me" => Reply::json(200, r#"{"user": {"uid": "u-live-9"}}"#),
        "/users/u-live-9" => Reply::json(200, r#"{"uid": "u-live-9"}"#),
        _ => Reply::json(404, "{}"),
    });
    let spec = spec.to_string_lossy().into_owned();
    let run = check_json(&spec, &server.url());
    assert_eq!(run.code, 0, "{}", run.transcript());
    let report = json(&run);
    let user = operation(&report, "fetchUser");
    assert_eq!(user["status"], 200);
    assert_eq!(
        user["live"],
        serde_json::json!(["userId ← user.uid of GET /me (live)"])
    );
}

// The terminal printed `… 12 skipped … 1 error` and not one word why: the `auth.failed` message
// existed only in the JSON, Markdown and GitHub outputs.
#[test]
fn the_terminal_says_why_an_api_stopped_on_authentication() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = spec_with_oauth(dir.path(), 4);
    let server = TestServer::start(|req, _| {
        if req.path == "/oauth/token" {
            Reply::json(401, r#"{"error":"invalid_client"}"#)
        } else {
            Reply::json(200, r#"{"id": 1}"#)
        }
    });
    let command = format!(
        "LIVE_ID=client-7 LIVE_SECRET=canary-pty-secret {} check --spec {spec} --base-url {} \
         --auth oauth2-client-credentials --client-id-env LIVE_ID --client-secret-env LIVE_SECRET \
         --retries 0 --color never",
        env!("CARGO_BIN_EXE_drift"),
        server.url()
    );
    let Some((code, text)) = common::in_pty(&command, std::time::Duration::from_secs(30)) else {
        panic!("drift check did not finish in a terminal");
    };
    assert_eq!(code, 4, "{text}");
    assert!(text.contains("auth.failed"), "{text}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains("canary-pty-secret"), "{text}");
    // In the history that night is "credentials refused", not a clean night.
    let history = dir.path().join("history");
    let history_arg = history.to_string_lossy().into_owned();
    let url = server.url();
    for _ in 0..2 {
        let run = common::drift_env(
            &oauth_check(&spec, &url, &["--history", &history_arg]),
            &[
                ("LIVE_ID", "client-7"),
                ("LIVE_SECRET", "canary-pty-secret"),
            ],
        );
        assert_eq!(run.code, 4, "{}", run.transcript());
    }
    let report = json(&common::drift(&[
        "report",
        "--history",
        &history_arg,
        "--format",
        "json",
    ]));
    let api = &report["apis"][0];
    assert_eq!(api["status"], "credentials refused", "{report}");
    let nights: Vec<&str> = api["nights"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["status"].as_str())
        .collect();
    assert_eq!(
        nights,
        ["credentials refused", "credentials refused"],
        "{report}"
    );
}

// A base URL one segment off: list endpoints answered an undeclared 404 (drift), item endpoints
// a declared 404 and "passed" — and no hint was given, since not every 404 was undeclared.
#[test]
fn a_wrong_base_url_is_named_even_where_404_is_declared() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut spec: Value =
        serde_json::from_str(&common::many_operations_spec(6)).unwrap_or_default();
    spec["basePath"] = "/pub".into();
    for i in 0..3 {
        spec["paths"][format!("/items{i}")]["get"]["responses"]["404"] =
            serde_json::json!({"description": "not found"});
    }
    let path = dir.path().join("api.json");
    std::fs::write(&path, spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let server = TestServer::start(|_, _| Reply::json(404, r#"{"errors": [{"status": "404"}]}"#));
    let run = check_json(&path.to_string_lossy(), &format!("{}/v2/api", server.url()));
    let all = findings(&json(&run));
    assert_eq!(all.len(), 1, "{all:#?}");
    let message = all[0]["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("6 of 6 operations answered 404, 3 of them not declaring it")
            && message.contains("is the base URL right?"),
        "{message}"
    );
}

/// `drift check` of `spec` against `url` with the client-credentials flow (its id and secret in
/// `LIVE_ID` and `LIVE_SECRET`) and no retries, then `extra`.
fn oauth_check<'a>(spec: &'a str, url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "check",
        "--spec",
        spec,
        "--base-url",
        url,
        "--auth",
        "oauth2-client-credentials",
        "--client-id-env",
        "LIVE_ID",
        "--client-secret-env",
        "LIVE_SECRET",
        "--retries",
        "0",
    ];
    args.extend_from_slice(extra);
    args
}
