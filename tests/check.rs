//! `drift check` end to end against a local test server: every finding kind, the safety gate,
//! credentials on redirects, timeouts, 429, and a canary secret that must never be printed.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::server::{Recorded, Reply, TestServer};
use common::{drift, drift_env, json};
use serde_json::Value;
use std::time::Instant;

const KINDS: &str = "tests/fixtures/check/kinds.yaml";
const EVERY: &str = "tests/fixtures/check/every-method.yaml";

fn kinds_server() -> TestServer {
    TestServer::start(|req: &Recorded, _n| match req.path.as_str() {
        "/ok" | "/ranged" => Reply::json(
            200,
            r#"{"id": "t1", "name": "one", "kind": "a", "at": "2026-01-01T00:00:00Z", "note": null}"#,
        ),
        "/undeclared" => Reply::json(418, r#"{"id": "t1", "name": "teapot"}"#),
        "/ctype" => Reply::raw(200, "text/html", b"{\"id\": \"t1\", \"name\": \"html?\"}"),
        "/empty" => Reply::raw(200, "application/json", b""),
        "/badjson" => Reply::raw(200, "application/json", b"{\"id\": \"t1\",}"),
        "/nan" => Reply::raw(200, "application/json", b"{\"x\": NaN}"),
        "/schema" => Reply::json(
            200,
            r#"{"id": 7, "kind": "c", "at": "yesterday", "count": 1.5}"#,
        ),
        "/big" => Reply::json(200, &format!("[{}]", vec!["1"; 5000].join(","))),
        "/auth" => Reply::json(401, r#"{"error": "no"}"#),
        _ => Reply::json(500, r#"{"error": "boom"}"#),
    })
}

fn findings_of(report: &Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("operation_id"), s("kind"), s("severity"), s("pointer"))
        })
        .collect()
}

#[test]
fn every_finding_kind_with_pointer_and_severity() {
    let server = kinds_server();
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        &server.url(),
        "--format",
        "json",
        "--retries",
        "0",
        "--max-body-bytes",
        "2000",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run);
    let mut got = findings_of(&report);
    got.sort();
    let want: Vec<(&str, &str, &str, &str)> = vec![
        ("auth", "auth.failed", "error", ""),
        ("badjson", "body.invalid-json", "breaking", ""),
        ("big", "body.too-large", "error", ""),
        // A 5xx that outlasts the retries is an answer: undeclared here, so breaking drift.
        ("boom", "status.undeclared", "breaking", ""),
        ("ctype", "content-type.mismatch", "warning", ""),
        ("empty", "body.empty", "breaking", ""),
        ("nan", "body.invalid-json", "breaking", ""),
        ("schema", "schema.enum", "breaking", "/kind"),
        ("schema", "schema.format", "breaking", "/at"),
        ("schema", "schema.required", "breaking", ""),
        ("schema", "schema.type", "breaking", "/count"),
        ("schema", "schema.type", "breaking", "/id"),
        ("undeclared", "status.undeclared", "breaking", ""),
    ];
    let want: Vec<(String, String, String, String)> = want
        .into_iter()
        .map(|(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
        .collect();
    assert_eq!(got, want);
    // Findings carry the schema location and a reproduction.
    let type_id = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["kind"] == "schema.type" && f["pointer"] == "/id")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        type_id["schema_pointer"],
        "#/components/schemas/Thing/properties/id"
    );
    assert_eq!(
        (type_id["expected"].as_str(), type_id["actual"].as_str()),
        (Some("string"), Some("integer"))
    );
    assert!(type_id["reproduce"]
        .as_str()
        .is_some_and(|r| r.starts_with("curl -sS -X GET") && r.contains("/schema")));
    // Operations and outcomes: the report contract's shape.
    let outcome = |id: &str| {
        report["operations"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["operation_id"] == id)
            .map(|o| o["outcome"].clone())
    };
    assert_eq!(outcome("ok"), Some(Value::from("pass")));
    assert_eq!(
        outcome("ranged"),
        Some(Value::from("pass")),
        "2XX ranges are declared statuses"
    );
    assert_eq!(outcome("schema"), Some(Value::from("drift")));
    assert_eq!(outcome("boom"), Some(Value::from("drift")));
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["error"], 2);
    assert_eq!(report["apis"][0]["operations_checked"], 11);
}

#[test]
fn terminal_report_groups_findings_by_operation() {
    let server = kinds_server();
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        &server.url(),
        "--retries",
        "0",
    ]);
    assert_eq!(run.code, 1);
    let port = server.port.to_string();
    let text = run.stdout.replace(&port, "PORT");
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("summary:") {
                l.split(';').next_back().unwrap_or(l).to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(text);
}

#[test]
fn fail_on_and_json_output_file() {
    let server = kinds_server();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("report.json");
    let out_s = out.to_string_lossy().to_string();
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        &server.url(),
        "--retries",
        "0",
        "--format",
        "json",
        "--output",
        &out_s,
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_default())
        .unwrap_or_default();
    assert_eq!(report["version"], 1);
    let both = format!("json={out_s}");
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        &server.url(),
        "--retries",
        "0",
        "--format",
        "terminal",
        "--format",
        &both,
    ]);
    assert!(run.stdout.contains("summary:"));
}

/// The safety gate: a contract declaring every method; only GET and HEAD reach the server.
#[test]
fn only_safe_methods_leave_the_process() {
    let server = TestServer::start(|_, _| Reply::json(200, "{}"));
    let run = drift(&[
        "check",
        "--spec",
        EVERY,
        "--base-url",
        &server.url(),
        "--format",
        "json",
    ]);
    assert!(run.code <= 1, "{}", run.stderr);
    let mut methods: Vec<String> = server
        .recorded()
        .iter()
        .filter(|r| r.path.starts_with("/things"))
        .map(|r| r.method.clone())
        .collect();
    methods.sort();
    assert_eq!(methods, vec!["GET", "HEAD"]);
    let report = json(&run);
    let skipped = report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["outcome"] == "skipped")
        .count();
    assert_eq!(
        skipped, 6,
        "PUT, POST, DELETE, PATCH, OPTIONS, TRACE are skipped with a reason"
    );
}

/// Credentials follow a same-origin redirect and are dropped on a cross-origin one.
#[test]
fn credentials_never_cross_origins_on_redirect() {
    let other = TestServer::start(|_, _| Reply::json(200, "{}"));
    let other_url = other.url();
    let server = TestServer::start(move |req, _| match req.path.as_str() {
        "/redirect" => Reply::json(302, "{}").with("Location", &format!("{other_url}/landing")),
        "/same-origin" => Reply::json(302, "{}").with("Location", "/things/t1"),
        _ => Reply::json(200, "{}"),
    });
    let env = [("DRIFT_TEST_TOKEN", "canary-redirect-4f2a9")];
    let run = drift_env(
        &[
            "check",
            "--spec",
            EVERY,
            "--base-url",
            &server.url(),
            "--auth",
            "bearer",
            "--token-env",
            "DRIFT_TEST_TOKEN",
        ],
        &env,
    );
    assert!(run.code <= 1, "{}", run.stderr);
    let landed = other.recorded();
    assert_eq!(landed.len(), 1, "the cross-origin redirect was followed");
    assert!(
        !landed[0].headers.contains_key("authorization"),
        "credentials leaked cross-origin: {:?}",
        landed[0].headers
    );
    let same: Vec<Recorded> = server
        .recorded()
        .into_iter()
        .filter(|r| r.path == "/things/t1" && r.method == "GET")
        .collect();
    assert!(same.len() >= 2, "the same-origin redirect was followed");
    assert!(same
        .iter()
        .all(|r| r.headers.get("authorization").map(String::as_str)
            == Some("Bearer canary-redirect-4f2a9")));
}

/// A server that accepts and never answers: the run ends within timeout × attempts and says so.
#[test]
fn a_silent_server_is_an_outcome_not_a_hang() {
    let server = TestServer::start(|_, _| Reply::hang());
    let started = Instant::now();
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        &server.url(),
        "--timeout",
        "1",
        "--retries",
        "1",
        "--concurrency",
        "16",
        "--format",
        "json",
    ]);
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs_f64() < 10.0, "took {elapsed:?}");
    assert_eq!(run.code, 3, "every operation unreachable: {}", run.stderr);
    let report = json(&run);
    assert!(findings_of(&report)
        .iter()
        .all(|f| f.1 == "transport.timeout"));
}

#[test]
fn a_closed_port_is_unreachable_exit_3() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
        "--retries",
        "0",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 3);
    assert!(findings_of(&json(&run))
        .iter()
        .all(|f| f.1 == "transport.connect"));
}

/// 429 with Retry-After: drift waits as told, then succeeds.
#[test]
fn too_many_requests_honours_retry_after() {
    let server = TestServer::start(|req, n| match (req.path.as_str(), n) {
        ("/ok", 0) => Reply::json(429, "{}").with("Retry-After", "1"),
        ("/ok", _) => Reply::json(200, r#"{"id": "t1", "name": "one"}"#),
        _ => Reply::json(200, r#"{"id": "x", "name": "y"}"#),
    });
    let started = Instant::now();
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        &server.url(),
        "--format",
        "json",
    ]);
    assert!(
        started.elapsed().as_secs_f64() >= 1.0,
        "Retry-After was not honoured"
    );
    let report = json(&run);
    let ok = report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["operation_id"] == "ok")
        .cloned()
        .unwrap_or_default();
    assert_eq!(ok["outcome"], "pass", "{ok}");
    assert_eq!(
        server.recorded().iter().filter(|r| r.path == "/ok").count(),
        2
    );
}

/// OAuth2 client credentials with canary values: the token is fetched once, used, and neither the
/// client secret nor the token appears in stdout, stderr, the report or any file drift wrote.
#[test]
fn canary_secrets_never_leak() {
    const SECRET: &str = "canary-secret-9d1c77e0";
    const TOKEN: &str = "canary-token-5be20f13";
    let server = TestServer::start(|req, _| {
        if req.path == "/oauth/token" {
            assert_eq!(req.method, "POST");
            let fetched = req.body.contains(SECRET);
            return if fetched {
                Reply::json(
                    200,
                    &format!(r#"{{"access_token": "{TOKEN}", "expires_in": 3600}}"#),
                )
            } else {
                Reply::json(400, "{}")
            };
        }
        if req.headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {TOKEN}"))
        {
            return Reply::json(401, &format!(r#"{{"echo": "{SECRET} {TOKEN}"}}"#));
        }
        // A hostile API echoing the credentials back in an error body.
        Reply::json(500, &format!(r#"{{"error": "bad token {TOKEN}"}}"#))
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let report = dir.path().join("report.json");
    let report_arg = format!("json={}", report.display());
    let env = [
        ("DRIFT_CANARY_ID", "client-1"),
        ("DRIFT_CANARY_SECRET", SECRET),
    ];
    let run = drift_env(
        &[
            "check",
            "--spec",
            KINDS,
            "--base-url",
            &server.url(),
            "--retries",
            "0",
            "--auth",
            "oauth2-client-credentials",
            "--token-url",
            "/oauth/token",
            "--client-id-env",
            "DRIFT_CANARY_ID",
            "--client-secret-env",
            "DRIFT_CANARY_SECRET",
            "--format",
            "terminal",
            "--format",
            &report_arg,
        ],
        &env,
    );
    assert!(run.code == 1, "{}", run.transcript());
    let token_requests = server
        .recorded()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .count();
    assert_eq!(token_requests, 1, "the token is fetched once and cached");
    for text in [
        run.stdout.clone(),
        run.stderr.clone(),
        std::fs::read_to_string(&report).unwrap_or_default(),
    ] {
        assert!(
            !text.contains(SECRET) && !text.contains(TOKEN),
            "a canary leaked:\n{text}"
        );
    }
    for entry in std::fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(
            !text.contains(SECRET) && !text.contains(TOKEN),
            "{} holds a canary",
            entry.path().display()
        );
    }
    let reproduce = json(&common::Run {
        code: 0,
        stdout: std::fs::read_to_string(&report).unwrap_or_default(),
        stderr: String::new(),
    })["findings"][0]["reproduce"]
        .clone();
    assert!(
        reproduce
            .as_str()
            .is_some_and(|r| r.contains("$ACCESS_TOKEN")),
        "{reproduce}"
    );
}

#[test]
fn missing_credential_variable_is_a_clear_error() {
    let run = drift(&[
        "check",
        "--spec",
        KINDS,
        "--base-url",
        "http://127.0.0.1:9",
        "--auth",
        "bearer",
        "--token-env",
        "DRIFT_SURELY_UNSET_TOKEN",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("DRIFT_SURELY_UNSET_TOKEN is not set"),
        "{}",
        run.stderr
    );
}

/// API key in a header or the query, and basic auth: sent as configured, never printed.
#[test]
fn api_key_and_basic_auth_are_sent_and_never_printed() {
    let server = TestServer::start(|_, _| Reply::json(200, r#"{"id": "t1", "name": "one"}"#));
    let env = [
        ("DRIFT_KEY", "canary-key-71b0"),
        ("DRIFT_USER", "ada"),
        ("DRIFT_PASS", "canary-pass-2e8d"),
    ];
    let url = server.url();
    let header = drift_env(
        &[
            "check",
            "--spec",
            KINDS,
            "--base-url",
            &url,
            "--retries",
            "0",
            "--auth",
            "api-key",
            "--header",
            "X-Api-Key",
            "--key-env",
            "DRIFT_KEY",
        ],
        &env,
    );
    let query = drift_env(
        &[
            "check",
            "--spec",
            KINDS,
            "--base-url",
            &url,
            "--retries",
            "0",
            "--auth",
            "api-key",
            "--query",
            "api_key",
            "--key-env",
            "DRIFT_KEY",
            "--format",
            "json",
        ],
        &env,
    );
    let basic = drift_env(
        &[
            "check",
            "--spec",
            KINDS,
            "--base-url",
            &url,
            "--retries",
            "0",
            "--auth",
            "basic",
            "--user-env",
            "DRIFT_USER",
            "--password-env",
            "DRIFT_PASS",
        ],
        &env,
    );
    let recorded = server.recorded();
    assert!(recorded
        .iter()
        .any(|r| r.headers.get("x-api-key").map(String::as_str) == Some("canary-key-71b0")));
    assert!(recorded
        .iter()
        .any(|r| r.path.contains("api_key=canary-key-71b0")));
    // base64("ada:canary-pass-2e8d")
    assert!(recorded
        .iter()
        .any(|r| r.headers.get("authorization").map(String::as_str)
            == Some("Basic YWRhOmNhbmFyeS1wYXNzLTJlOGQ=")));
    for run in [&header, &query, &basic] {
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !all.contains("canary-key-71b0")
                && !all.contains("canary-pass-2e8d")
                && !all.contains("YWRhOmNhbmFyeS1wYXNzLTJlOGQ="),
            "{all}"
        );
    }
    // The reproduction names the variable instead.
    let report = json(&query);
    let ok = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .next()
        .cloned()
        .unwrap_or_default();
    assert!(
        ok["reproduce"]
            .as_str()
            .is_some_and(|r| r.contains("api_key='\"$DRIFT_KEY\"")),
        "{ok}"
    );
}

/// A token the API rejects (401) is refreshed with the `refresh_token` grant, then the request is
/// sent again with the new token.
#[test]
fn a_rejected_token_is_refreshed_with_the_refresh_grant() {
    let server = TestServer::start(|req, _| {
        if req.path == "/oauth/token" {
            return if req.body.contains("grant_type=refresh_token")
                && req.body.contains("refresh_token=rt-first")
            {
                Reply::json(200, r#"{"access_token": "tok-second", "expires_in": 3600}"#)
            } else {
                Reply::json(
                    200,
                    r#"{"access_token": "tok-first", "refresh_token": "rt-first", "expires_in": 3600}"#,
                )
            };
        }
        match req.headers.get("authorization").map(String::as_str) {
            Some("Bearer tok-second") => Reply::json(200, r#"{"id": "t1", "name": "one"}"#),
            _ => Reply::json(401, "{}"),
        }
    });
    let env = [
        ("DRIFT_R_ID", "client"),
        ("DRIFT_R_SECRET", "secret-refresh-77"),
    ];
    let run = drift_env(
        &[
            "check",
            "--spec",
            KINDS,
            "--base-url",
            &server.url(),
            "--retries",
            "0",
            "--concurrency",
            "1",
            "--auth",
            "oauth2-client-credentials",
            "--token-url",
            "/oauth/token",
            "--client-id-env",
            "DRIFT_R_ID",
            "--client-secret-env",
            "DRIFT_R_SECRET",
            "--format",
            "json",
        ],
        &env,
    );
    let report = json(&run);
    let ok = report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["operation_id"] == "ok")
        .cloned()
        .unwrap_or_default();
    assert_eq!(ok["outcome"], "pass", "{}", run.stdout);
    let grants: Vec<String> = server
        .recorded()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .map(|r| {
            if r.body.contains("refresh_token=") {
                "refresh".to_string()
            } else {
                "client_credentials".to_string()
            }
        })
        .collect();
    assert_eq!(
        grants,
        vec!["client_credentials", "refresh"],
        "one grant, then one refresh"
    );
    assert!(!run.stdout.contains("secret-refresh-77") && !run.stdout.contains("tok-second"));
}
