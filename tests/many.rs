//! Many APIs in one run: several `--spec` files and globs (each its own API), one broken API
//! that does not stop the others, `--shard I/N` covering every API once, and `drift report
//! --merge` of the shards' reports equal to the unsharded report, times aside.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{drift, json, timeless};
use serde_json::Value;

fn names(report: &Value) -> Vec<String> {
    report["apis"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["name"].as_str().map(String::from))
        .collect()
}

#[test]
fn three_apis_in_one_run_and_one_is_broken() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\ninfo: {title: x\npaths: {}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let broken = broken.to_string_lossy().into_owned();
    let run = drift(&[
        "check",
        "--spec",
        "specs/*/*.{json,yaml}",
        "--spec",
        &broken,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = json(&run);
    assert_eq!(names(&report), ["broken", "coaching", "under-armour"]);
    let errors: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "api.error")
        .collect();
    assert_eq!(errors.len(), 1, "{:#}", report["findings"]);
    assert_eq!(errors[0]["api"], "broken");
    let checked: u64 = report["apis"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["operations_checked"].as_u64())
        .sum();
    assert_eq!(checked, 17, "the two sound APIs ran");
}

#[test]
fn shards_cover_every_api_once_and_merge_into_the_unsharded_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let specs = "specs/*/*.{json,yaml}";
    let whole = timeless(json(&drift(&[
        "check", "--spec", specs, "--format", "json",
    ])));
    let mut files = Vec::new();
    let mut seen = Vec::new();
    for i in 1..=3 {
        let file = dir.path().join(format!("shard-{i}.json"));
        let out = format!("json={}", file.display());
        let shard = format!("{i}/3");
        let run = drift(&[
            "check", "--spec", specs, "--shard", &shard, "--format", &out,
        ]);
        assert!(run.code == 0 || run.code == 2, "{}", run.transcript());
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let part: Value = serde_json::from_str(&text).unwrap_or_default();
        seen.extend(names(&part));
        files.push(file.to_string_lossy().into_owned());
    }
    seen.sort();
    assert_eq!(seen, names(&whole), "every API in exactly one shard");
    let mut args = vec!["report", "--format", "json", "--merge"];
    args.extend(files.iter().map(String::as_str));
    let merged = drift(&args);
    assert_eq!(merged.code, 0, "{}", merged.transcript());
    assert_eq!(timeless(json(&merged)), whole);
    // An API in two reports is refused.
    let twice = drift(&[
        "report", "--merge", &files[0], &files[0], &files[1], &files[2],
    ]);
    assert_eq!(twice.code, 2, "{}", twice.transcript());
}
