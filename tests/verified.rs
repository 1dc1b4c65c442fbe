//! Verified, or not — never a silent pass, and no false alarm from drift's own guesses: declared
//! refusals, declared redirects, placeholders that satisfy their schema, several parameters in one
//! segment, template parameters nobody declared, `Accept` from the declared media types.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::server::{Recorded, Reply, TestServer};
use common::{drift, drift_env, json};
use serde_json::Value;

const SPEC: &str = "tests/fixtures/verified/api.yaml";

fn server() -> TestServer {
    TestServer::start(|req: &Recorded, _n| match req.path.as_str() {
        "/demo/basic/alice" | "/demo/bearer" => Reply::json(401, r#"{"error": "login"}"#),
        "/demo/digest" => Reply::json(403, r#"{"error": "no"}"#),
        "/items" => Reply::json(200, r#"[{"id": "i1"}]"#),
        "/snapshots/books@1700" => Reply::json(200, r#"{"ok": true}"#),
        "/go" => Reply::json(302, "{}").with("location", "/elsewhere"),
        "/moved" => Reply::json(301, "{}").with("location", "/moved/"),
        "/moved/" => Reply::raw(200, "application/vnd.api+json", br#"{"id": "m"}"#),
        _ => Reply::json(404, r#"{"error": "not found"}"#),
    })
}

fn operation<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["operations"]
        .as_array()
        .and_then(|ops| ops.iter().find(|o| o["operation_id"] == id))
        .unwrap_or_else(|| panic!("no operation {id} in {report}"))
}

fn findings<'r>(report: &'r Value, id: &str) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["operation_id"] == id)
        .collect()
}

#[test]
fn answers_are_judged_as_declared_and_guesses_never_pass_or_alarm() {
    let server = server();
    let run = drift_env(
        &[
            "check",
            "--spec",
            SPEC,
            "--base-url",
            &server.url(),
            "--auth",
            "bearer",
            "--token-env",
            "VERIFIED_TOKEN",
            "--format",
            "json",
        ],
        &[("VERIFIED_TOKEN", "tok-verified-1")],
    );
    let report = json(&run);
    // Nothing here is drift: exit 0, and no auth.failed although the first answers were 401s.
    assert_eq!(run.code, 0, "{report}\n{}", run.stderr);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(!kinds.contains(&"auth.failed"), "{kinds:?}");

    // An API's own refusal demos are declared answers: checked, not verified, never auth.failed.
    for id in ["demoBasic", "demoBearer", "demoDigest"] {
        let op = operation(&report, id);
        assert_eq!(op["outcome"], "unverified", "{op}");
        assert!(findings(&report, id).is_empty(), "{id}");
    }
    assert_eq!(operation(&report, "listItems")["outcome"], "pass");

    // A placeholder satisfies the parameter's schema (`type: int` read as integer, minimum 100);
    // the declared 404 it gets verifies nothing, and the reason says what to configure.
    let recorded = server.recorded();
    let paths: Vec<&str> = recorded.iter().map(|r| r.path.as_str()).collect();
    assert!(paths.contains(&"/orders/100"), "{paths:?}");
    let order = operation(&report, "getOrder");
    assert_eq!(order["outcome"], "unverified");
    let reason = order["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("404 for a placeholder `orderNo`") && reason.contains("params.orderNo"),
        "{reason}"
    );

    // A placeholder matching the pattern; an undeclared 404 to it is the server rejecting the
    // guess: info, unverified — not breaking drift.
    let agent_path = paths
        .iter()
        .find(|p| p.starts_with("/agents/"))
        .copied()
        .unwrap_or_default();
    let id = agent_path.trim_start_matches("/agents/");
    assert!(
        id.len() == 7 && id.starts_with("ag-") && id[3..].bytes().all(|b| b.is_ascii_digit()),
        "{agent_path}"
    );
    assert_eq!(operation(&report, "getAgent")["outcome"], "unverified");
    let agent = findings(&report, "getAgent");
    assert_eq!(agent.len(), 1);
    assert_eq!(agent[0]["kind"], "status.undeclared");
    assert_eq!(agent[0]["severity"], "info");

    // Two parameters in one segment, both sent.
    assert!(paths.contains(&"/snapshots/books@1700"), "{paths:?}");
    assert_eq!(operation(&report, "getSnapshot")["outcome"], "pass");

    // A declared redirect is the answer, not followed.
    assert_eq!(operation(&report, "go")["status"], 302);
    assert_eq!(operation(&report, "go")["outcome"], "pass");
    assert!(!paths.contains(&"/elsewhere"), "{paths:?}");

    // An undeclared redirect is followed as a client would, and named.
    let moved = operation(&report, "moved");
    assert_eq!(moved["status"], 200);
    let named = findings(&report, "moved");
    assert_eq!(named.len(), 1, "{named:?}");
    assert_eq!(named[0]["kind"], "status.redirected");
    assert_eq!(named[0]["severity"], "info");
    assert!(named[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("301") && m.contains("/moved/")));

    // `Accept` names the declared media type.
    let accept = recorded
        .iter()
        .find(|r| r.path == "/moved")
        .and_then(|r| r.headers.get("accept"))
        .cloned()
        .unwrap_or_default();
    assert!(accept.starts_with("application/vnd.api+json"), "{accept}");

    // A template parameter nobody declared: not sent, with the reason.
    let terminal = operation(&report, "getTerminal");
    assert_eq!(terminal["outcome"], "skipped");
    assert!(terminal["reason"]
        .as_str()
        .is_some_and(|r| r.contains("`{terminal_id}`") && r.contains("params")));
    assert!(!paths.iter().any(|p| p.starts_with("/terminals")));
}

#[test]
fn the_terminal_says_what_was_not_verified_and_why() {
    let server = server();
    let run = drift(&["check", "--spec", SPEC, "--base-url", &server.url()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(" unverified "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("unverified GET /orders/{orderNo}: 404 for a placeholder `orderNo`"),
        "{}",
        run.stdout
    );
    // Without credentials, a declared refusal of a secured operation says to configure them.
    assert!(run.stdout.contains("not verified"), "{}", run.stdout);
}

#[test]
fn lint_names_nonstandard_types_and_template_parameters() {
    let run = drift(&["lint", "--spec", SPEC, "--format", "json"]);
    let report = json(&run);
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        found.iter().any(|(k, m)| k == "lint.nonstandard-type"
            && m.contains("`type: int`")
            && m.contains("write `type: integer`")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(k, m)| k == "lint.path-template" && m.contains("`{terminal_id}`")),
        "{found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|(k, _)| k.starts_with("lint.path-template"))
            .count(),
        1,
        "the two-parameter segment is declared: {found:?}"
    );
}

/// 25 records, `_limit` a page, the rest behind `Next-Page`; 7 events, 3 a page, behind `Link`.
fn paging_server() -> TestServer {
    TestServer::start(|req: &Recorded, _n| {
        let (path, query) = req.path.split_once('?').unwrap_or((req.path.as_str(), ""));
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .map(String::from)
        };
        match path {
            "/records" => {
                let limit: usize = param("_limit").and_then(|v| v.parse().ok()).unwrap_or(25);
                let start: usize = param("_token")
                    .and_then(|t| t.strip_prefix("t").and_then(|n| n.parse().ok()))
                    .unwrap_or(0);
                let end = (start + limit).min(25);
                let items: Vec<String> = (start..end)
                    .map(|i| format!(r#"{{"id": "r{i}"}}"#))
                    .collect();
                let reply = Reply::json(200, &format!(r#"{{"data": [{}]}}"#, items.join(",")));
                if end < 25 {
                    reply.with(
                        "next-page",
                        &format!("/records?_limit={limit}&_token=t{end}"),
                    )
                } else {
                    reply
                }
            }
            "/events" => {
                let page: usize = param("page").and_then(|v| v.parse().ok()).unwrap_or(1);
                let start = (page - 1) * 3;
                let end = (start + 3).min(7);
                let items: Vec<String> =
                    (start..end).map(|i| format!(r#"{{"id": {i}}}"#)).collect();
                let reply = Reply::json(200, &format!("[{}]", items.join(",")));
                if end < 7 {
                    reply.with(
                        "link",
                        &format!(
                            r#"</events?page={}>; rel="next", </events?page=3>; rel="last""#,
                            page + 1
                        ),
                    )
                } else {
                    reply
                }
            }
            _ => Reply::json(404, "{}"),
        }
    })
}

#[test]
fn pages_are_walked_through_response_headers() {
    let server = paging_server();
    let run = drift(&[
        "check",
        "--spec",
        "tests/fixtures/verified/paged.yaml",
        "--base-url",
        &server.url(),
        "--format",
        "json",
    ]);
    let report = json(&run);
    assert_eq!(run.code, 0, "{report}");
    let recorded = server.recorded();
    let paths: Vec<&str> = recorded.iter().map(|r| r.path.as_str()).collect();
    // Every page of each collection was fetched, and nothing past the end.
    for token in ["t10", "t20"] {
        assert!(
            paths.iter().any(|p| p.contains(&format!("_token={token}"))),
            "{paths:?}"
        );
    }
    assert!(!paths.iter().any(|p| p.contains("_token=t30")), "{paths:?}");
    for page in ["/events?page=2", "/events?page=3"] {
        assert!(paths.contains(&page), "{paths:?}");
    }
    assert!(!paths.contains(&"/events?page=4"), "{paths:?}");
    for (id, walked) in [
        ("listRecords", "3 page(s), 25 item(s), to the end"),
        ("listEvents", "3 page(s), 7 item(s), to the end"),
    ] {
        let op = operation(&report, id);
        assert!(op["pages"].to_string().contains(walked), "{id}: {op}");
        assert!(findings(&report, id).is_empty(), "{id}: {report}");
    }
}

// A path value that equals the Basic user name was masked to `***` in URLs and reproductions,
// so neither could be read or replayed. The user name is not a secret; the password still is.
#[test]
fn a_path_value_equal_to_the_user_name_stays_readable() {
    let server = server();
    let run = drift_env(
        &[
            "check",
            "--spec",
            SPEC,
            "--base-url",
            &server.url(),
            "--auth",
            "basic",
            "--user-env",
            "VERIFIED_USER",
            "--password-env",
            "VERIFIED_PASSWORD",
            "--format",
            "json",
        ],
        &[
            ("VERIFIED_USER", "alice"),
            ("VERIFIED_PASSWORD", "canary-pw-0f3c"),
        ],
    );
    let report = json(&run);
    let url = operation(&report, "demoBasic")["url"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(url.ends_with("/demo/basic/alice"), "{url}");
    assert!(!run.stdout.contains("canary-pw-0f3c") && !run.stderr.contains("canary-pw-0f3c"));
}

// `drift lint --spec URL` said "cannot read file" although check and diff take URLs.
#[test]
fn lint_and_ops_read_a_contract_by_url() {
    let text = std::fs::read(SPEC).unwrap_or_default();
    let server = TestServer::start(move |_, _| Reply::raw(200, "application/yaml", &text));
    let url = format!("{}/openapi.yaml", server.url());
    let lint = drift(&["lint", "--spec", &url, "--format", "json"]);
    let report = json(&lint);
    assert!(
        report["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["kind"] == "lint.nonstandard-type")),
        "{}",
        lint.transcript()
    );
    let ops = drift(&["ops", "--spec", &url]);
    assert_eq!(ops.code, 0, "{}", ops.transcript());
    assert!(ops.stdout.contains("/orders/{orderNo}"), "{}", ops.stdout);
}

// 42 contracts that lint called clean still drifted against their own mock: their schemas ask
// for what no value can be. Lint-clean now means servable.
#[test]
fn lint_flags_what_the_mock_cannot_serve_and_only_that() {
    let spec = "tests/fixtures/verified/unsatisfiable.yaml";
    let lint = json(&drift(&["lint", "--spec", spec, "--format", "json"]));
    let flagged: Vec<&str> = lint["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "lint.unsatisfiable")
        .filter_map(|f| f["operation_id"].as_str())
        .collect();
    assert_eq!(flagged, ["listCodes"], "{lint}");
    let check = json(&drift(&["check", "--spec", spec, "--format", "json"]));
    let drifted: Vec<&str> = check["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["outcome"] == "drift")
        .filter_map(|o| o["operation_id"].as_str())
        .collect();
    assert_eq!(drifted, ["listCodes"], "{check}");
}

// Ids came from `data[0]`, an empty bucket, and everything under it was skipped for an empty list
// while the next bucket held collections.
#[test]
fn live_ids_come_from_an_item_that_leads_somewhere() {
    let server = TestServer::start(|req: &Recorded, _n| match req.path.as_str() {
        "/buckets" => Reply::json(200, r#"{"data": [{"id": "empty"}, {"id": "full"}]}"#),
        "/buckets/empty/collections" => Reply::json(200, r#"{"data": []}"#),
        "/buckets/full/collections" => Reply::json(200, r#"{"data": [{"id": "c1"}]}"#),
        "/buckets/full/collections/c1" => Reply::json(200, r#"{"data": {"id": "c1"}}"#),
        _ => Reply::json(404, "{}"),
    });
    let run = drift(&[
        "check",
        "--spec",
        "tests/fixtures/verified/buckets.yaml",
        "--base-url",
        &server.url(),
        "--format",
        "json",
    ]);
    let report = json(&run);
    assert_eq!(run.code, 0, "{report}");
    for id in ["listBuckets", "listCollections", "getCollection"] {
        assert_eq!(operation(&report, id)["outcome"], "pass", "{report}");
    }
    assert!(operation(&report, "getCollection")["url"]
        .as_str()
        .is_some_and(|u| u.ends_with("/buckets/full/collections/c1")));
    assert!(operation(&report, "listCollections")["live"]
        .to_string()
        .contains("item 2"));
    // One report line per operation, though one was sent twice.
    assert_eq!(report["operations"].as_array().map(Vec::len), Some(3));
}

// The escape hatch keeps its reason: a suppressed finding no longer counts but is listed with
// the entry's reason; an entry past its date applies no more and says so; a severity override
// changes what fails the run.
#[test]
fn ignore_entries_suppress_with_their_reason_and_expire() {
    let server = server();
    let config = "tests/fixtures/verified/drift.yaml";
    let env = [("VERIFIED_URL", server.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Snapshots go to a folder of the test's own, not beside the config in the tree.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let snapshots = dir.path().to_string_lossy().to_string();
    let run = drift_env(
        &[
            "check",
            "--config",
            config,
            "--snapshots",
            &snapshots,
            "--format",
            "json",
        ],
        &env,
    );
    let report = json(&run);
    let suppressed = report["suppressed"].as_array().cloned().unwrap_or_default();
    assert_eq!(suppressed.len(), 1, "{report}");
    assert_eq!(suppressed[0]["kind"], "status.redirected");
    assert_eq!(
        suppressed[0]["reason"],
        "moved behind a slash by the vendor; tracked upstream"
    );
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| Some((f["kind"].as_str()?, f["severity"].as_str()?)))
        .collect();
    assert!(
        found.contains(&("config.ignore-expired", "warning")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(k, _)| *k == "status.redirected"),
        "{found:?}"
    );
    // `severity: {status.undeclared: breaking}` makes the rejected guess fail the run.
    assert!(
        found.contains(&("status.undeclared", "breaking")),
        "{found:?}"
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The terminal counts them with the reason.
    let text = drift_env(
        &["check", "--config", config, "--snapshots", &snapshots],
        &env,
    );
    assert!(
        text.stdout
            .contains("1 finding(s) suppressed by drift.yaml `ignore:`")
            && text
                .stdout
                .contains("status.redirected — moved behind a slash"),
        "{}",
        text.stdout
    );
    // A reason is required.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("drift.yaml");
    std::fs::write(
        &bad,
        "apis:\n  a:\n    spec: x.json\nignore:\n  - rule: snapshot.added\n    reason: ''\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let refused = drift(&["check", "--config", &bad.to_string_lossy()]);
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("`reason` is required"),
        "{}",
        refused.stderr
    );
}

// A wrong base URL: every answer an error, some declared (item endpoints), and a local run left
// a `.json.new` of a 404 body per operation. Answers that verify nothing are no baselines.
#[test]
fn a_run_of_error_answers_writes_no_snapshots() {
    let server = TestServer::start(|_, _| Reply::json(404, r#"{"error": "no such route"}"#));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let snaps = dir.path().join("snapshots");
    let url = server.url();
    for command in ["snapshot", "check"] {
        let mut args = vec![
            command,
            "--spec",
            SPEC,
            "--base-url",
            &url,
            "--snapshots",
            snaps.to_str().unwrap_or_default(),
        ];
        if command == "check" {
            args.push("--write");
        }
        let run = drift(&args);
        assert!(run.code <= 1, "{}", run.transcript());
    }
    let written = common::files_under(&snaps);
    assert!(written.is_empty(), "{written:?}");
}
