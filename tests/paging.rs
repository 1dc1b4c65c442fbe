//! Pagination contracts end to end: a server that pages correctly in every style (JSON:API
//! skip- and cursor-based, HAL limit/offset) gives zero findings; a server that breaks exactly
//! one promise gives exactly that finding. Walks stay within their budget on a huge collection,
//! never follow a link to another origin, and stop on a loop.

// Corpus tests print what they measured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::server::{Recorded, Reply, TestServer};
use common::{drift_env, json};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The contract: `GET /things` (JSON:API, both strategies, count-only documented) and
/// `GET /hal/things` (HAL, limit/offset).
fn contract() -> Value {
    let thing = json!({"type": "object", "required": ["id", "type"], "properties": {
        "id": {"type": "string"}, "type": {"type": "string"},
        "attributes": {"type": "object", "properties": {"name": {"type": "string"}}}}});
    let link = json!({"type": "string", "nullable": true});
    let int = |default: u64, min: u64| json!({"type": "integer", "default": default, "minimum": min, "maximum": 100});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1",
                 "description": "Set `page[size]` or `page[limit]` to 0 to get only the count."},
        "paths": {
            "/things": {"get": {
                "operationId": "listThings",
                "parameters": [
                    {"name": "page[size]", "in": "query", "schema": int(10, 0)},
                    {"name": "page[number]", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "page[limit]", "in": "query", "schema": int(10, 0)},
                    {"name": "page[after]", "in": "query", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "a page", "content": {"application/vnd.api+json": {"schema": {
                    "type": "object", "required": ["data", "meta"], "properties": {
                        "data": {"type": "array", "items": thing},
                        "meta": {"type": "object", "properties": {"count": {"type": "integer"}}},
                        "links": {"type": "object", "properties": {
                            "self": link, "first": link, "last": link, "prev": link, "next": link}}
                    }}}}}}
            }},
            "/hal/things": {"get": {
                "operationId": "listHalThings",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": int(20, 1)},
                    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}
                ],
                "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["total_count", "_embedded"], "properties": {
                        "total_count": {"type": "integer"},
                        "_embedded": {"type": "object", "properties": {"things": {"type": "array", "items": thing}}},
                        "_links": {"type": "object", "additionalProperties": {"type": "array", "items": {
                            "type": "object", "properties": {"href": {"type": "string"}}}}}
                    }}}}}}
            }}
        }
    })
}

/// The one promise a server breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    Nothing,
    /// `links.next` of page 1 names a page that answers 404.
    DeadNext,
    /// Pages of 12, whatever size is asked for (0 aside).
    Oversize,
    /// Each cursor page starts with the last item of the page before.
    CursorRepeats,
    /// `meta.count` says two items fewer than there are.
    CountLow,
    /// Page 2 has no `next` link though more pages exist.
    NoNextOnPage2,
    /// `page[size]=0` returns a full page.
    SizeZeroFull,
    /// `links.last` is missing.
    NoLast,
    /// Page 2's next link leads back to page 1.
    Loop,
    /// `links.next` of page 1 points at another origin.
    OtherOrigin,
}

fn query(path: &str) -> Vec<(String, String)> {
    let q = path.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.replace("%5B", "[").replace("%5D", "]"), v.to_string()))
        .collect()
}

fn param(q: &[(String, String)], name: &str) -> Option<usize> {
    q.iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
}

fn item(i: usize) -> Value {
    json!({"id": format!("t{i}"), "type": "thing", "attributes": {"name": format!("thing {i}")}})
}

/// A server paging `total` items correctly, except for `fault`; links to `elsewhere` for
/// [`Break::OtherOrigin`].
fn pager(total: usize, fault: Break, elsewhere: String) -> impl Fn(&Recorded, usize) -> Reply {
    move |req, _| {
        let path = req.path.split('?').next().unwrap_or("");
        let q = query(&req.path);
        let body = match path {
            "/things"
                if q.iter()
                    .any(|(k, _)| k.starts_with("page[limit]") || k == "page[after]") =>
            {
                let limit = param(&q, "page[limit]").unwrap_or(10);
                let after = q
                    .iter()
                    .find(|(k, _)| k == "page[after]")
                    .and_then(|(_, v)| v.strip_prefix('t'))
                    .and_then(|n| n.parse::<usize>().ok());
                let mut start = after.map_or(0, |a| a + 1);
                if fault == Break::CursorRepeats && start > 0 {
                    start -= 1;
                }
                let end = (start + limit).min(total);
                let data: Vec<Value> = (start..end).map(item).collect();
                let mut links = json!({"self": req.path});
                if end < total && limit > 0 {
                    links["next"] = json!(format!(
                        "/things?page[limit]={limit}&page[after]=t{}",
                        end - 1
                    ));
                }
                json!({"data": data, "meta": {"count": total}, "links": links})
            }
            "/things" => {
                let mut size = param(&q, "page[size]").unwrap_or(10);
                if fault == Break::Oversize && size > 0 {
                    size = 12;
                }
                let number = param(&q, "page[number]").unwrap_or(1).max(1);
                let at = |n: usize| json!(format!("/things?page[size]={size}&page[number]={n}"));
                let (start, mut end) = ((number - 1) * size, (number * size).min(total));
                if fault == Break::SizeZeroFull && size == 0 {
                    end = total.min(10);
                }
                let data: Vec<Value> = (start.min(total)..end).map(item).collect();
                let last = total.max(1).div_ceil(size.max(1));
                let mut links = json!({"self": at(number), "first": at(1), "last": at(last),
                                        "prev": Value::Null, "next": Value::Null});
                if number > 1 {
                    links["prev"] = at(number - 1);
                }
                if number < last && size > 0 {
                    links["next"] = at(number + 1);
                }
                match fault {
                    Break::DeadNext if number == 1 => links["next"] = json!("/things/gone?page=2"),
                    Break::NoNextOnPage2 if number == 2 => links["next"] = Value::Null,
                    Break::NoLast => drop(links.as_object_mut().map(|l| l.remove("last"))),
                    Break::Loop if number == 2 => links["next"] = at(1),
                    Break::OtherOrigin if number == 1 => {
                        links["next"] = json!(format!("{elsewhere}/things?page[number]=2"));
                    }
                    _ => {}
                }
                let count = if fault == Break::CountLow {
                    total - 2
                } else {
                    total
                };
                json!({"data": data, "meta": {"count": count}, "links": links})
            }
            "/hal/things" => {
                let limit = param(&q, "limit").unwrap_or(20).max(1);
                let offset = param(&q, "offset").unwrap_or(0);
                let end = (offset + limit).min(total);
                let data: Vec<Value> = (offset.min(total)..end).map(item).collect();
                let at =
                    |o: usize| json!([{"href": format!("/hal/things?limit={limit}&offset={o}")}]);
                let mut links = json!({"self": at(offset)});
                if end < total {
                    links["next"] = at(end);
                }
                if offset > 0 {
                    links["prev"] = at(offset.saturating_sub(limit));
                }
                json!({"total_count": total, "_embedded": {"things": data}, "_links": links})
            }
            _ => return Reply::json(404, r#"{"error": "not found"}"#),
        };
        let content_type = if path == "/things" {
            "application/vnd.api+json"
        } else {
            "application/json"
        };
        Reply::raw(200, content_type, body.to_string().as_bytes())
    }
}

/// `drift check` of the contract against `url` (with an optional drift.yaml), as JSON.
fn check(url: &str, config: Option<&str>) -> Value {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("things.json");
    std::fs::write(&spec, contract().to_string()).unwrap_or_else(|e| panic!("{e}"));
    let spec = spec.to_string_lossy().into_owned();
    let run = match config {
        Some(text) => {
            let file = dir.path().join("drift.yaml");
            let text = text.replace("SPEC", &spec).replace("URL", url);
            std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
            let file = file.to_string_lossy().into_owned();
            drift_env(&["check", "--config", &file, "--format", "json"], &[])
        }
        None => drift_env(
            &[
                "check",
                "--spec",
                &spec,
                "--base-url",
                url,
                "--format",
                "json",
            ],
            &[],
        ),
    };
    assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
    json(&run)
}

/// The `pagination.*` findings of a report, as (kind, severity).
fn paging_findings(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"].as_str().unwrap_or("").starts_with("pagination."))
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn pages(report: &Value, id: &str) -> Vec<String> {
    report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["operation_id"] == id)
        .and_then(|o| o["pages"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str().map(String::from))
        .collect()
}

fn run_against(fault: Break) -> (Value, TestServer) {
    let server = TestServer::start(pager(25, fault, String::new()));
    (check(&server.url(), None), server)
}

#[test]
fn a_server_that_pages_correctly_in_every_style_has_no_findings() {
    let (report, server) = run_against(Break::Nothing);
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{:#}",
        report["findings"]
    );
    assert_eq!(
        pages(&report, "listThings"),
        [
            "count only (/things?page[limit]=0): 200",
            "count only (/things?page[size]=0): 200",
            "cursor (page[limit]=10): 3 page(s), 25 item(s) of 25, to the end",
            "page (page[size]=10): 3 page(s), 25 item(s) of 25, to the end",
        ]
    );
    assert_eq!(
        pages(&report, "listHalThings"),
        ["offset (limit=20): 2 page(s), 25 item(s) of 25, to the end"]
    );
    // Read-only: every request drift sent was a GET.
    assert!(server.recorded().iter().all(|r| r.method == "GET"));
}

#[test]
fn each_broken_promise_is_its_own_finding() {
    let cases = [
        (Break::DeadNext, "pagination.broken-link", "breaking"),
        (Break::Oversize, "pagination.page-oversize", "warning"),
        (Break::CursorRepeats, "pagination.duplicate", "warning"),
        (Break::CountLow, "pagination.count-mismatch", "warning"),
        (Break::NoNextOnPage2, "pagination.missing-next", "breaking"),
        (Break::SizeZeroFull, "pagination.count-only", "warning"),
        (Break::NoLast, "pagination.link-set", "warning"),
    ];
    for (fault, kind, severity) in cases {
        let (report, _server) = run_against(fault);
        let found = paging_findings(&report);
        let expected: BTreeSet<(String, String)> =
            [(kind.to_string(), severity.to_string())].into();
        assert_eq!(found, expected, "{fault:?}: {:#}", report["findings"]);
        let f = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["kind"] == kind)
            .cloned()
            .unwrap_or_default();
        // Each names its page and comes with a curl line that runs as is (globbing off).
        let reproduce = f["reproduce"].as_str().unwrap_or("");
        let globbing_off = !reproduce.contains('[') || reproduce.starts_with("curl -sS -g ");
        assert!(
            reproduce.starts_with("curl -sS") && globbing_off,
            "{fault:?}: {reproduce}"
        );
        assert!(
            f["message"].as_str().unwrap_or("").contains("127.0.0.1"),
            "{f:#}"
        );
    }
}

#[test]
fn a_loop_of_links_stops_with_a_broken_link() {
    let (report, server) = run_against(Break::Loop);
    let found = paging_findings(&report);
    assert!(
        found.contains(&("pagination.broken-link".into(), "breaking".into())),
        "{found:?}"
    );
    let message = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|f| {
            f["message"]
                .as_str()
                .filter(|m| m.contains("loop"))
                .map(String::from)
        });
    assert!(message.is_some(), "{:#}", report["findings"]);
    // Page 1 once for the main request and once for the walk: the loop is not followed.
    let page1 = server
        .recorded()
        .iter()
        .filter(|r| r.path.contains("page[number]=1") || r.path == "/things")
        .count();
    assert!(page1 <= 2, "page 1 fetched {page1} times");
}

#[test]
fn a_link_to_another_origin_is_a_finding_and_never_followed() {
    let other = TestServer::start(|_, _| Reply::json(200, r#"{"data": []}"#));
    let server = TestServer::start(pager(25, Break::OtherOrigin, other.url()));
    let report = check(&server.url(), None);
    let leaves = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| {
            f["kind"] == "pagination.broken-link"
                && f["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("leaves the API's origin")
        });
    assert!(leaves, "{:#}", report["findings"]);
    assert!(other.recorded().is_empty(), "{:?}", other.recorded());
}

#[test]
fn a_collection_of_ten_thousand_items_is_walked_within_the_budget() {
    let server = TestServer::start(pager(10_000, Break::Nothing, String::new()));
    let report = check(&server.url(), None);
    assert_eq!(
        paging_findings(&report),
        BTreeSet::new(),
        "{:#}",
        report["findings"]
    );
    let walks = pages(&report, "listThings");
    assert!(
        walks
            .iter()
            .any(|w| w == "page (page[size]=10): 5 page(s), 50 item(s) of 10000, budget reached"),
        "{walks:?}"
    );
    // Two operations, three walks of at most 5 pages, two count-only requests.
    let sent = server.recorded().len();
    assert!(sent <= 2 + 3 * 5 + 2, "{sent} requests");
}

#[test]
fn drift_yaml_sets_the_budget_and_overrides_detection() {
    let server = TestServer::start(pager(25, Break::Nothing, String::new()));
    let config = "apis:\n  things:\n    spec: SPEC\n    base_url: URL\n    pagination:\n      max_pages: 2\n      page_size: 5\n      operations:\n        listHalThings: {style: none}\n";
    let report = check(&server.url(), Some(config));
    assert_eq!(
        pages(&report, "listThings"),
        [
            "count only (/things?page[limit]=0): 200",
            "count only (/things?page[size]=0): 200",
            "cursor (page[limit]=5): 2 page(s), 10 item(s) of 25, budget reached",
            "page (page[size]=5): 2 page(s), 10 item(s) of 25, budget reached",
        ]
    );
    assert!(pages(&report, "listHalThings").is_empty());
}

// The real Fitbit Plus contract: every collection's paging, as `drift ops` detects it, and a check
// against its own mock that walks every collection to its end without a paging finding.
#[test]
#[ignore = "needs ../shared; .ci/run runs it with --ignored"]
fn fitbit_plus_collections_are_detected_and_walked() {
    let Some(spec) = common::shared("corpus/fitbit-plus/swagger.yaml") else {
        return;
    };
    let spec = spec.to_string_lossy().into_owned();
    let ops = json(&drift_env(
        &["ops", "--spec", &spec, "--format", "json"],
        &[],
    ));
    let mut styles = std::collections::BTreeMap::<String, usize>::new();
    let (mut paged, mut count_only) = (0, 0);
    for op in ops["operations"].as_array().into_iter().flatten() {
        let paging = &op["paging"];
        if paging.is_null() {
            continue;
        }
        paged += 1;
        count_only += usize::from(paging["count_only"] == true);
        for s in paging["strategies"].as_array().into_iter().flatten() {
            *styles
                .entry(s["style"].as_str().unwrap_or("").to_string())
                .or_default() += 1;
        }
    }
    println!("Fitbit Plus: {paged} paged collections, styles {styles:?}, {count_only} count-only");
    assert_eq!(paged, 10);
    assert_eq!(
        styles,
        [
            ("cursor".to_string(), 6),
            ("links".to_string(), 4),
            ("page".to_string(), 6)
        ]
        .into()
    );
    assert_eq!(count_only, 6);
    let report = json(&drift_env(
        &["check", "--spec", &spec, "--format", "json"],
        &[],
    ));
    assert_eq!(
        paging_findings(&report),
        BTreeSet::new(),
        "{:#}",
        report["findings"]
    );
    let walks: Vec<String> = report["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| o["pages"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p.as_str().map(String::from))
        .filter(|p| !p.starts_with("count only"))
        .collect();
    assert_eq!(walks.len(), 16, "{walks:#?}");
    assert!(
        walks.iter().all(|w| w.ends_with("to the end")),
        "{walks:#?}"
    );
}

// Pages carry the API's credentials like every request, and the token appears in no output.
#[test]
fn pages_are_fetched_with_the_credentials_and_never_show_them() {
    let canary = "paging-canary-7d41";
    let server = TestServer::start(pager(25, Break::DeadNext, String::new()));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("things.json");
    std::fs::write(&spec, contract().to_string()).unwrap_or_else(|e| panic!("{e}"));
    let spec = spec.to_string_lossy().into_owned();
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &server.url(),
            "--auth",
            "bearer",
            "--token-env",
            "DRIFT_PAGING_TOKEN",
            "--format",
            "json",
        ],
        &[("DRIFT_PAGING_TOKEN", canary)],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let recorded = server.recorded();
    assert!(recorded
        .iter()
        .any(|r| r.path.contains("page[number]=2") || r.path.contains("/things/gone")));
    for r in &recorded {
        let auth = r.headers.get("authorization").map(String::as_str);
        assert_eq!(
            auth,
            Some(format!("Bearer {canary}").as_str()),
            "{}",
            r.path
        );
    }
    assert!(!run.stdout.contains(canary) && !run.stderr.contains(canary));
}
