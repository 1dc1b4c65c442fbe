//! The run history of a monitored API: entries, and a contract that changes between runs —
//! reported as `spec.*` findings of the run, summarised in the history and the report.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::server::{Reply, TestServer};
use common::{drift, json};
use serde_json::{json, Value};

fn contract(with_nick: bool) -> Value {
    let mut props = json!({"id": {"type": "string"}, "nick": {"type": "string"}});
    if !with_nick {
        props.as_object_mut().map(|p| p.remove("nick"));
    }
    json!({"openapi": "3.0.3", "info": {"title": "monitored", "version": if with_nick { "1" } else { "2" }},
        "paths": {"/thing": {"get": {"operationId": "getThing", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"type": "object", "properties": props}}}}}}}}})
}

#[test]
fn a_contract_change_between_runs_is_diffed_and_kept() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("api.json");
    let history = dir.path().join("history");
    let server = TestServer::start(|_, _| Reply::json(200, r#"{"id": "t1"}"#));
    let (spec_s, hist_s, url) = (
        spec.to_string_lossy().into_owned(),
        history.to_string_lossy().into_owned(),
        server.url(),
    );
    let check = || {
        drift(&[
            "check",
            "--spec",
            &spec_s,
            "--api",
            "monitored",
            "--base-url",
            &url,
            "--history",
            &hist_s,
            "--format",
            "json",
        ])
    };
    std::fs::write(&spec, contract(true).to_string()).unwrap_or_else(|e| panic!("{e}"));
    let first = check();
    assert_eq!(first.code, 0, "{}", first.transcript());
    std::fs::write(&spec, contract(false).to_string()).unwrap_or_else(|e| panic!("{e}"));
    let second = check();
    assert_eq!(
        second.code,
        1,
        "the vendor removed a response property: {}",
        second.transcript()
    );
    let report = json(&second);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["spec.response.property-removed"], "{report:#}");
    let runs = std::fs::read_to_string(history.join("monitored/runs.jsonl")).unwrap_or_default();
    let entries: Vec<Value> = runs
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(entries.len(), 2);
    assert!(entries[0].get("spec_change").is_none());
    assert_eq!(entries[1]["spec_change"]["breaking"], 1);
    assert_eq!(entries[1]["spec_change"]["from"], entries[0]["spec_hash"]);
    let page = dir.path().join("report.html");
    let page_s = page.to_string_lossy().into_owned();
    let built = drift(&[
        "report",
        "--history",
        &hist_s,
        "--format",
        &format!("html={page_s}"),
    ]);
    assert_eq!(built.code, 0, "{}", built.transcript());
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        html.contains("spec changed: 1 breaking, 0 compatible change(s)"),
        "{html}"
    );
}

// A vendor-hosted contract (`spec:` a URL in drift.yaml) is fetched on every run; when the vendor
// republishes it with a change, the run reports it and the history keeps both versions.
#[test]
fn a_vendor_hosted_contract_is_fetched_and_its_changes_reported() {
    use std::sync::{Arc, Mutex};
    let published = Arc::new(Mutex::new(contract(true).to_string()));
    let served = published.clone();
    let server = TestServer::start(move |req, _| {
        if req.path == "/swagger.json" {
            let text = served.lock().map(|t| t.clone()).unwrap_or_default();
            return Reply::json(200, &text);
        }
        Reply::json(200, r#"{"id": "t1"}"#)
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("drift.yaml");
    std::fs::write(
        &config,
        format!(
            "history: history\napis:\n  vendor:\n    spec: {url}/swagger.json\n    base_url: {url}\n",
            url = server.url()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config_s = config.to_string_lossy().into_owned();
    let check = || drift(&["check", "--config", &config_s, "--format", "json"]);
    let first = check();
    assert_eq!(first.code, 0, "{}", first.transcript());
    let apis = json(&first)["apis"].clone();
    assert_eq!(apis[0]["spec"], format!("{}/swagger.json", server.url()));
    if let Ok(mut p) = published.lock() {
        *p = contract(false).to_string();
    }
    let second = check();
    assert_eq!(second.code, 1, "{}", second.transcript());
    let kinds: Vec<String> = json(&second)["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["kind"].as_str().map(String::from))
        .filter(|k| k.starts_with("spec."))
        .collect();
    assert_eq!(kinds, ["spec.response.property-removed"]);
    let versions = std::fs::read_dir(dir.path().join("history/vendor/specs"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(versions, 2, "both versions are kept");
}

// A vendor-hosted contract behind credentials is fetched with the API's own (from the
// environment), and the value never shows.
#[test]
fn a_private_contract_url_is_fetched_with_the_api_credentials() {
    let server = TestServer::start(|req, _| {
        let authorized = req.headers.get("authorization").map(String::as_str)
            == Some("Bearer canary-spec-token");
        match (req.path.as_str(), authorized) {
            (_, false) => Reply::json(401, "{}"),
            ("/swagger.json", true) => Reply::json(200, &contract(true).to_string()),
            _ => Reply::json(200, r#"{"id": "t1"}"#),
        }
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("drift.yaml");
    std::fs::write(
        &config,
        format!(
            "apis:\n  vendor:\n    spec: {url}/swagger.json\n    base_url: {url}\n    auth: {{type: bearer, token_env: SPEC_TOKEN}}\n",
            url = server.url()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config_s = config.to_string_lossy().into_owned();
    let run = common::drift_env(
        &["check", "--config", &config_s, "--format", "json"],
        &[("SPEC_TOKEN", "canary-spec-token")],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(!run.transcript().contains("canary-spec-token"));
    assert_eq!(json(&run)["apis"][0]["operations_checked"], 1);
}

// `drift report --format terminal` was refused: the nightly report had no terminal form.
#[test]
fn the_nightly_report_reads_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hist = dir.path().join("hist").to_string_lossy().into_owned();
    let run = common::drift(&[
        "check",
        "--spec",
        "specs/coaching/openapi.json",
        "--history",
        &hist,
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let report = common::drift(&["report", "--history", &hist, "--format", "terminal"]);
    assert_eq!(report.code, 0, "{}", report.transcript());
    assert!(
        report.stdout.contains("drift report") && report.stdout.contains("coaching"),
        "{}",
        report.stdout
    );
}
