//! Shape snapshots end to end: each change kind, silence on live data (20 noisy runs), and a
//! `drift snapshot` killed mid-write that leaves every file whole.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::server::{Reply, TestServer};
use common::{drift, drift_env, json};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};

const SPEC: &str = "tests/fixtures/check/kinds.yaml";

/// A server whose `/ok` body is whatever the test puts in the slot (everything else: 404).
fn slot_server(body: Arc<Mutex<(u16, String, bool)>>) -> TestServer {
    TestServer::start(move |req, _| {
        if req.path != "/ok" {
            return Reply::json(404, "{}");
        }
        let (status, text, gzip) = body.lock().map(|b| b.clone()).unwrap_or_default();
        if gzip {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(text.as_bytes());
            let bytes = enc.finish().unwrap_or_default();
            Reply::raw(status, "application/json", &bytes).with("Content-Encoding", "gzip")
        } else {
            Reply::raw(status, "application/json", text.as_bytes())
        }
    })
}

fn args<'a>(url: &'a str, dir: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "--spec",
        SPEC,
        "--base-url",
        url,
        "--snapshots",
        dir,
        "--retries",
        "0",
        "--api",
        "things",
    ];
    a.extend_from_slice(extra);
    a
}

fn snapshot_findings(report: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["operation_id"] == "ok")
        .filter(|f| {
            f["kind"]
                .as_str()
                .is_some_and(|k| k.starts_with("snapshot.") || k.ends_with(".changed"))
        })
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or("").into(),
                f["pointer"].as_str().unwrap_or("").into(),
                f["severity"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    out.sort();
    out
}

const BASE: &str = r#"{"id": "t1", "name": "one", "kind": "a", "at": "2026-01-01T00:00:00Z", "count": 3,
  "meta": {"req_id": "23001d51-669b-4948-b9fa-11dbffdf8ced", "version": "7.1"},
  "items": [{"sku": "a-1", "qty": 2, "price": 9.5}, {"sku": "b-2", "qty": 1, "price": 12.25, "gift": true}]}"#;

/// Runs of a baseline that has held long enough for a vanished key to be breaking.
const STABLE_RUNS: usize = 8;

/// Record BASE for a week and a day of runs, then check `changed`: the snapshot findings of `/ok`.
fn check_change(changed: Value, status: u16) -> Vec<(String, String, String)> {
    let slot = Arc::new(Mutex::new((200, BASE.to_string(), false)));
    let server = slot_server(slot.clone());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, d) = (server.url(), dir.path().to_string_lossy().to_string());
    for _ in 0..STABLE_RUNS {
        let rec = drift(
            &[
                vec!["snapshot"],
                args(
                    &url,
                    &d,
                    &["--pin", "/meta/version", "--volatile", "/meta/req_id"],
                ),
            ]
            .concat(),
        );
        assert_eq!(rec.code, 0, "{}", rec.transcript());
    }
    if let Ok(mut s) = slot.lock() {
        *s = (status, changed.to_string(), false);
    }
    let run = drift(
        &[
            vec!["check"],
            args(
                &url,
                &d,
                &[
                    "--pin",
                    "/meta/version",
                    "--volatile",
                    "/meta/req_id",
                    "--format",
                    "json",
                ],
            ),
        ]
        .concat(),
    );
    snapshot_findings(&json(&run))
}

fn base() -> Value {
    serde_json::from_str(BASE).unwrap_or_default()
}

fn one(kind: &str, pointer: &str, severity: &str) -> Vec<(String, String, String)> {
    vec![(kind.into(), pointer.into(), severity.into())]
}

#[test]
fn added_key() {
    let mut v = base();
    v["nickname"] = json!("uno");
    assert_eq!(
        check_change(v, 200),
        one("snapshot.added", "/nickname", "info")
    );
}

// With a change pending review, `--learn` folded nothing of the run into the stored snapshot:
// every other key's evidence stalled, and flicker elsewhere alarmed again night after night.
#[test]
fn evidence_keeps_growing_beside_a_pending_change() {
    let slot = Arc::new(Mutex::new((200, BASE.to_string(), false)));
    let server = slot_server(slot.clone());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, d) = (server.url(), dir.path().to_string_lossy().to_string());
    for _ in 0..STABLE_RUNS {
        let rec = drift(&[vec!["snapshot"], args(&url, &d, &[])].concat());
        assert_eq!(rec.code, 0, "{}", rec.transcript());
    }
    let mut without_items = base();
    without_items.as_object_mut().map(|o| o.remove("items"));
    if let Ok(mut s) = slot.lock() {
        *s = (200, without_items.to_string(), false);
    }
    let stored_path = dir.path().join("things/ok.json");
    for night in 1..=2 {
        let run = drift(
            &[
                vec!["check"],
                args(&url, &d, &["--learn", "--format", "json"]),
            ]
            .concat(),
        );
        // The removal stays loud until reviewed: its evidence waits.
        assert_eq!(
            snapshot_findings(&json(&run)),
            one("snapshot.removed", "/items", "breaking"),
            "night {night}"
        );
        let evidence = evidence_of(&dir.path().join("things"), "ok");
        let runs = STABLE_RUNS + night;
        assert_eq!(
            evidence["runs"], runs,
            "night {night}: the snapshot's runs did not grow: {evidence}"
        );
        assert_eq!(evidence["keys"]["/name"]["always"], runs, "night {night}");
        assert_eq!(evidence["keys"]["/items"]["always"], STABLE_RUNS);
        assert!(stored_path.exists());
        assert!(
            dir.path().join("things/ok.json.new").exists(),
            "night {night}"
        );
    }
}

/// A key the contract does not declare, always there for a week of runs, gone.
#[test]
fn removed_key() {
    let mut v = base();
    v.as_object_mut().map(|o| o.remove("items"));
    assert_eq!(
        check_change(v, 200),
        one("snapshot.removed", "/items", "breaking")
    );
}

/// A key that vanishes is reported as loudly as the evidence allows: a key the contract does not
/// declare is `info` after one run, `warning` after three, `breaking` after eight; a key the
/// contract declares optional, on a single resource, stays `info` after eight runs (the contract
/// allows it to go) — and every message says why.
#[test]
fn removal_severity_grows_with_the_evidence() {
    let slot = Arc::new(Mutex::new((200, BASE.to_string(), false)));
    let server = slot_server(slot.clone());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, d) = (server.url(), dir.path().to_string_lossy().to_string());
    let without = |key: &str| {
        let mut v = base();
        v.as_object_mut().map(|o| o.remove(key));
        v.to_string()
    };
    let check = |body: &str| {
        if let Ok(mut s) = slot.lock() {
            *s = (200, body.to_string(), false);
        }
        json(&drift(
            &[vec!["check"], args(&url, &d, &["--format", "json"])].concat(),
        ))
    };
    let record = || {
        if let Ok(mut s) = slot.lock() {
            *s = (200, BASE.to_string(), false);
        }
        let rec = drift(&[vec!["snapshot"], args(&url, &d, &[])].concat());
        assert_eq!(rec.code, 0, "{}", rec.transcript());
    };
    let mut runs = 0;
    for (until, severity) in [(1, "info"), (3, "warning"), (STABLE_RUNS, "breaking")] {
        while runs < until {
            record();
            runs += 1;
        }
        let report = check(&without("items"));
        assert_eq!(
            snapshot_findings(&report),
            one("snapshot.removed", "/items", severity),
            "after {runs} run(s)"
        );
        let message = removed_message(&report);
        let evidence = format!("present in {runs} of {runs} runs");
        assert!(
            message.contains(&evidence) && message.contains("absent now"),
            "{message}"
        );
    }
    let report = check(&without("count"));
    assert_eq!(
        snapshot_findings(&report),
        one("snapshot.removed", "/count", "info")
    );
    let message = removed_message(&report);
    assert!(
        message.contains("present in 8 of 8 runs") && message.contains("the contract allows it"),
        "{message}"
    );
}

fn removed_message(report: &Value) -> String {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["kind"] == "snapshot.removed")
        .and_then(|f| f["message"].as_str())
        .unwrap_or("")
        .to_string()
}

/// A key that came and went while learning is occasional: its absence stays silent, however
/// many runs saw it.
#[test]
fn a_key_that_flickered_stays_silent() {
    let slot = Arc::new(Mutex::new((200, BASE.to_string(), false)));
    let server = slot_server(slot.clone());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, d) = (server.url(), dir.path().to_string_lossy().to_string());
    let without_count = {
        let mut v = base();
        v.as_object_mut().map(|o| o.remove("count"));
        v.to_string()
    };
    let set = |body: &str| {
        if let Ok(mut s) = slot.lock() {
            *s = (200, body.to_string(), false);
        }
    };
    assert_eq!(
        drift(&[vec!["snapshot"], args(&url, &d, &[])].concat()).code,
        0
    );
    for night in 0..12 {
        set(if night == 2 { &without_count } else { BASE });
        let run = drift(
            &[
                vec!["check"],
                args(&url, &d, &["--learn", "--format", "json"]),
            ]
            .concat(),
        );
        let found = snapshot_findings(&json(&run));
        let quiet = found.iter().all(|(_, _, sev)| sev == "info");
        assert!(quiet, "night {night}: {found:?}");
    }
    set(&without_count);
    let run = drift(&[vec!["check"], args(&url, &d, &["--format", "json"])].concat());
    assert_eq!(snapshot_findings(&json(&run)), vec![]);
    let count = &evidence_of(&dir.path().join("things"), "ok")["keys"]["/count"];
    assert_eq!(
        (&count["always"], &count["present"], &count["runs"]),
        (&json!(12), &json!(12), &json!(13)),
        "{count}"
    );
}

#[test]
fn nested_object_became_a_string() {
    let mut v = base();
    v["meta"] = json!("v7.1");
    let mut want = one("snapshot.type-changed", "/meta", "breaking");
    // The pinned value lived inside the object: it is gone too.
    want.extend(one("snapshot.value-changed", "/meta/version", "breaking"));
    assert_eq!(check_change(v, 200), want);
}

#[test]
fn date_time_became_epoch_number_and_a_plain_word() {
    let mut v = base();
    v["at"] = json!(1767225600);
    assert_eq!(
        check_change(v, 200),
        one("snapshot.type-changed", "/at", "breaking")
    );
    let mut v = base();
    v["at"] = json!("tomorrow");
    assert_eq!(
        check_change(v, 200),
        one("snapshot.type-changed", "/at", "breaking")
    );
}

#[test]
fn array_element_field_changed_type() {
    let mut v = base();
    v["items"][0]["qty"] = json!("2");
    v["items"][1]["qty"] = json!("1");
    assert_eq!(
        check_change(v, 200),
        one("snapshot.type-changed", "/items/*/qty", "breaking")
    );
}

#[test]
fn pinned_value_changed_and_volatile_ignored() {
    let mut v = base();
    v["meta"]["version"] = json!("7.2");
    v["meta"].as_object_mut().map(|o| o.remove("req_id"));
    assert_eq!(
        check_change(v, 200),
        one("snapshot.value-changed", "/meta/version", "breaking")
    );
}

#[test]
fn status_changed() {
    assert_eq!(
        check_change(base(), 201),
        one("status.changed", "", "breaking")
    );
}

#[test]
fn missing_baseline_is_info_and_never_a_failure() {
    let slot = Arc::new(Mutex::new((200, BASE.to_string(), false)));
    let server = slot_server(slot);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, d) = (server.url(), dir.path().to_string_lossy().to_string());
    // Outside CI (the variable is cleared even when the tests themselves run in CI).
    let local = [("CI", "")];
    let run = drift_env(
        &[
            vec!["check"],
            args(&url, &d, &["--format", "json", "--fail-on", "info"]),
        ]
        .concat(),
        &local,
    );
    assert_eq!(
        snapshot_findings(&json(&run)),
        one("snapshot.missing", "", "info")
    );
    // Not in CI: a pending file to accept; in CI nothing is written unless asked.
    assert!(dir.path().join("things/ok.json.new").exists());
    let ci_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ci_d = ci_dir.path().to_string_lossy().to_string();
    drift_env(
        &[vec!["check"], args(&url, &ci_d, &[])].concat(),
        &[("CI", "true")],
    );
    assert_eq!(
        std::fs::read_dir(ci_dir.path())
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "CI wrote files"
    );
    // Accepting the pending file makes the next check quiet.
    let review = drift(&["review", "--snapshots", &d, "--accept-all"]);
    assert!(review.stdout.contains("accepted 1"), "{}", review.stdout);
    let run = drift_env(
        &[vec!["check"], args(&url, &d, &["--format", "json"])].concat(),
        &local,
    );
    assert!(snapshot_findings(&json(&run)).is_empty());
    // The run history is opt-in (`--history`): nothing else lands beside the snapshots.
    assert!(!dir.path().join("things/history.jsonl").exists());
}

/// Live data changes every night; the snapshot must stay silent. 20 runs with every scalar value
/// changed, array order reversed, key order and whitespace changed, gzip on and off.
#[test]
fn silent_on_live_data_noise() {
    let slot = Arc::new(Mutex::new((200, BASE.to_string(), false)));
    let server = slot_server(slot.clone());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, d) = (server.url(), dir.path().to_string_lossy().to_string());
    assert_eq!(
        drift(&[vec!["snapshot"], args(&url, &d, &[])].concat()).code,
        0
    );
    for run in 1..=20u64 {
        let noisy = noise(&base(), run);
        let text = if run % 2 == 0 {
            serde_json::to_string_pretty(&noisy).unwrap_or_default()
        } else {
            serde_json::to_string(&noisy).unwrap_or_default()
        };
        if let Ok(mut s) = slot.lock() {
            *s = (200, text, run % 3 == 0);
        }
        let report = json(&drift(
            &[vec!["check"], args(&url, &d, &["--format", "json"])].concat(),
        ));
        assert_eq!(snapshot_findings(&report), vec![], "run {run}: {}", noisy);
    }
}

/// Same shape, different data: scalars replaced (same type and string class), arrays reversed,
/// keys in a different order.
fn noise(v: &Value, seed: u64) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            if seed % 2 == 0 {
                entries.reverse();
            } else {
                entries.rotate_left(1);
            }
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            noise(v, seed.wrapping_mul(31).wrapping_add(k.len() as u64)),
                        )
                    })
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().rev().map(|x| noise(x, seed + 1)).collect())
        }
        Value::String(s) if s.contains('T') && s.len() == 20 => json!(format!(
            "20{:02}-0{}-1{}T0{}:1{}:2{}Z",
            seed % 30,
            seed % 9 + 1,
            seed % 9,
            seed % 9,
            seed % 6,
            seed % 10
        )),
        Value::String(s) if s.len() == 36 && s.matches('-').count() == 4 => {
            json!(format!("{:08x}-1111-4222-8333-{:012x}", seed, seed * 7))
        }
        Value::String(_) => json!(format!("value{seed}")),
        Value::Number(n) if n.is_i64() => json!((seed % 97) as i64),
        Value::Number(_) => json!(seed as f64 + 0.25),
        Value::Bool(b) => json!(!b),
        Value::Null => Value::Null,
    }
}

/// `drift snapshot --accept` killed with SIGKILL while rewriting many files leaves each one either
/// the old or the new complete version.
#[test]
fn a_killed_snapshot_run_leaves_every_file_whole() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = |version: u32| {
        let mut paths = serde_json::Map::new();
        for i in 0..300 {
            let example = if version == 1 {
                json!({"id": format!("r{i}"), "n": i})
            } else {
                json!({"id": i, "n": format!("x{i}"), "extra": [1, 2, 3]})
            };
            paths.insert(format!("/r{i}"), json!({"get": {"operationId": format!("op{i}"), "responses": {"200": {"description": "ok", "content": {"application/json": {"example": example}}}}}}));
        }
        json!({"openapi": "3.0.3", "info": {"title": "many", "version": "1"}, "paths": paths})
    };
    let snaps = dir.path().join("snaps");
    let s = snaps.to_string_lossy().to_string();
    let write_spec = |v: u32| {
        let p = dir.path().join(format!("spec{v}.json"));
        std::fs::write(&p, spec(v).to_string()).unwrap_or_else(|e| panic!("{e}"));
        p.to_string_lossy().to_string()
    };
    let (v1, v2) = (write_spec(1), write_spec(2));
    assert_eq!(
        drift(&[
            "snapshot",
            "--spec",
            &v1,
            "--api",
            "many",
            "--snapshots",
            &s
        ])
        .code,
        0
    );
    for (attempt, delay_ms) in [1u64, 3, 5, 8, 12, 20, 30, 50].iter().enumerate() {
        let spec = if attempt % 2 == 0 { &v2 } else { &v1 };
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_drift"))
            .args([
                "snapshot",
                "--spec",
                spec,
                "--api",
                "many",
                "--snapshots",
                &s,
                "--accept",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(std::time::Duration::from_millis(*delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let mut whole = 0;
        for entry in std::fs::read_dir(snaps.join("many"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !name.ends_with(".json") || name.starts_with('.') {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                drift::snapshot::Snapshot::parse(&text).is_ok(),
                "after a kill at {delay_ms} ms, {name} is not whole:\n{text}"
            );
            whole += 1;
        }
        assert_eq!(whole, 300, "every snapshot is still there");
    }
}

// A contract that declares one path twice, on templates no request tells apart: the embedded
// mock answers both with the first operation, so the second's snapshot would hold another
// operation's shape — and with seeded data, alarm on it. Its answer makes no snapshot.
#[test]
fn an_answer_the_mock_gave_as_another_operation_makes_no_snapshot() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("twice.yaml");
    let body = |name: &str, prop: &str| {
        format!(
            "  /countries/{{{name}}}:\n    get:\n      operationId: by_{name}\n      parameters:\n        - {{name: {name}, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, required: [{prop}], properties: {{{prop}: {{type: string}}}}}}\n"
        )
    };
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{}{}",
        body("code2", "alpha"),
        body("guid", "uuid")
    );
    std::fs::write(&spec, text).unwrap_or_else(|e| panic!("{e}"));
    let snapshots = dir.path().join("snapshots");
    let (spec, snaps) = (
        spec.to_string_lossy().to_string(),
        snapshots.to_string_lossy().to_string(),
    );
    for seed in ["mock:1", "mock:2"] {
        let run = drift(&[
            "snapshot",
            "--spec",
            &spec,
            "--snapshots",
            &snaps,
            "--base-url",
            seed,
        ]);
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
    let api = snapshots.join("twice");
    assert!(api.join("by_code2.json").exists());
    assert!(
        !api.join("by_guid.json").exists(),
        "{:?}",
        std::fs::read_dir(&api).map(|d| d.count())
    );
}

// `drift review` waited for Enter after each answer; one key answers, as in insta's review.
#[test]
fn review_answers_with_one_key_each() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path().to_string_lossy().to_string();
    let check = drift_env(
        &[
            "check",
            "--spec",
            "specs/coaching/openapi.json",
            "--base-url",
            "mock",
            "--snapshots",
            &d,
        ],
        &[("CI", "")],
    );
    assert!(check.code <= 1, "{}", check.transcript());
    let pending = |dir: &std::path::Path| -> usize {
        walk(dir)
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(".json.new"))
            .count()
    };
    let before = pending(dir.path());
    assert!(before >= 3, "{before} pending");
    let command = format!(
        "{} review --snapshots {d} --color never",
        env!("CARGO_BIN_EXE_drift")
    );
    let Some((code, text)) =
        common::in_pty_typing(&command, "arq", std::time::Duration::from_secs(30))
    else {
        panic!("drift review did not finish in a terminal");
    };
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("1 accepted, 1 rejected, 0 skipped"), "{text}");
    assert_eq!(pending(dir.path()), before - 2, "{text}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// Ctrl-C during `check --learn` left some snapshots learned and others not. A run's snapshot
// writes are put in place together at its end: stopped half-way, it changes none.
#[test]
fn an_interrupted_learning_run_changes_no_snapshot() {
    let slow = Arc::new(Mutex::new(false));
    let flag = slow.clone();
    let server = TestServer::start(move |req, _| {
        if req.path == "/items2" && flag.lock().map(|s| *s).unwrap_or(false) {
            std::thread::sleep(std::time::Duration::from_secs(20));
        }
        Reply::json(200, r#"{"id": 7}"#)
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("api.json");
    std::fs::write(&spec, common::many_operations_spec(3)).unwrap_or_else(|e| panic!("{e}"));
    let snaps = dir.path().join("snaps");
    let (spec, snaps_arg, url) = (
        spec.to_string_lossy().into_owned(),
        snaps.to_string_lossy().into_owned(),
        server.url(),
    );
    let learn = [
        "check",
        "--spec",
        &spec,
        "--base-url",
        &url,
        "--snapshots",
        &snaps_arg,
        "--learn",
    ];
    assert_eq!(
        drift(&[
            "snapshot",
            "--spec",
            &spec,
            "--base-url",
            &url,
            "--snapshots",
            &snaps_arg
        ])
        .code,
        0
    );
    let files = || -> Vec<(std::path::PathBuf, String)> {
        let mut all: Vec<_> = walk(&snaps)
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                (p, text)
            })
            .collect();
        all.sort();
        all
    };
    let recorded = files();
    assert_eq!(
        recorded.len(),
        4,
        "three snapshots and the evidence: {recorded:?}"
    );
    // A file rewritten (temp file and rename) gets a new inode.
    #[cfg(unix)]
    let inodes = || -> Vec<u64> {
        use std::os::unix::fs::MetadataExt;
        recorded
            .iter()
            .map(|(p, _)| std::fs::metadata(p).map_or(0, |m| m.ino()))
            .collect()
    };
    #[cfg(unix)]
    let recorded_inodes = inodes();
    // Two operations answer at once, the third hangs; the run is interrupted while it waits.
    *slow.lock().unwrap_or_else(|e| e.into_inner()) = true;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_drift"))
        .args(learn)
        .env("CI", "")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(std::time::Duration::from_millis(2500));
    // Killed outright: a Ctrl-C would do the same, but a background job may start with SIGINT
    // ignored, and then the run would finish and learn.
    let _ = child.kill();
    let _ = child.wait();
    let after: Vec<_> = files()
        .into_iter()
        .filter(|(p, _)| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    assert_eq!(after, recorded, "an interrupted run changed snapshots");
    // The next whole run learns (the evidence of every snapshot grows) and clears the leftovers;
    // the shapes did not change, so neither do their files.
    *slow.lock().unwrap_or_else(|e| e.into_inner()) = false;
    let run = drift_env(&learn, &[("CI", "")]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let learned = files();
    assert_eq!(learned.len(), 4, "{learned:?}");
    for ((path, text), (_, before)) in learned.iter().zip(&recorded) {
        if path.ends_with("evidence.jsonl") {
            let runs: Vec<Value> = text
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .map(|e| e["runs"].clone())
                .collect();
            assert_eq!(runs, [2, 2, 2], "a whole run learned every snapshot");
        } else {
            assert_eq!(text, before, "{}", path.display());
        }
    }
    #[cfg(unix)]
    {
        let rewritten: Vec<bool> = inodes()
            .iter()
            .zip(recorded_inodes)
            .map(|(now, then)| *now != then)
            .collect();
        // Sorted paths: `evidence.jsonl` comes before `getItem0.json`..`getItem2.json`.
        assert_eq!(
            rewritten,
            [true, false, false, false],
            "only the evidence file is rewritten"
        );
    }
}

/// The evidence of `op` in the API folder's evidence file (`null` when it has none).
fn evidence_of(api_dir: &std::path::Path, op: &str) -> Value {
    let text = std::fs::read_to_string(api_dir.join("evidence.jsonl")).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["operation"] == op)
        .unwrap_or(Value::Null)
}
