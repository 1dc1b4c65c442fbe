//! The `spec` stage end to end: contracts written for these tests, broken inputs, and the real
//! Fitbit Plus contract with its 98 published versions (when the shared corpus is present).
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::{drift, json, shared};

#[test]
fn split_openapi_30_with_relative_refs() {
    let run = drift(&["ops", "--spec", "tests/fixtures/specs/split/openapi.yaml"]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn lint_split_contract_reports_examples_with_locations() {
    let run = drift(&["lint", "--spec", "tests/fixtures/specs/split/openapi.yaml"]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn lint_openapi_31_json() {
    let run = drift(&[
        "lint",
        "--spec",
        "tests/fixtures/specs/v31.json",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "warnings fail lint by default");
    let report = json(&run);
    insta::assert_json_snapshot!(report, {".tool.version" => "[version]"});
}

#[test]
fn lint_fail_on_breaking_passes_with_warnings() {
    let run = drift(&[
        "lint",
        "--spec",
        "tests/fixtures/specs/v31.json",
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn ops_json_lists_read_only_and_synthesized_ids() {
    let run = drift(&[
        "ops",
        "--spec",
        "tests/fixtures/specs/v31.json",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0);
    let ops = json(&run)["operations"].clone();
    let summary: Vec<(String, String, bool, bool)> = ops
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            (
                o["method"].as_str().unwrap_or_default().to_string(),
                o["operation_id"].as_str().unwrap_or_default().to_string(),
                o["operation_id_synthesized"].as_bool().unwrap_or(false),
                o["read_only"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("GET".into(), "getReadingsById".into(), true, true),
            ("HEAD".into(), "headReadingsById".into(), true, true),
        ]
    );
}

/// Every broken input: exit 2 and one clear message naming the file (and line where there is one).
#[test]
fn broken_contracts_fail_cleanly() {
    let mut transcripts = String::new();
    for name in [
        "syntax.yaml",
        "trailing-comma.json",
        "missing-ref.yaml",
        "missing-file.yaml",
        "cycle.yaml",
        "version.yaml",
        "not-a-spec.yaml",
        "empty.yaml",
    ] {
        let path = format!("tests/fixtures/specs/broken/{name}");
        let run = drift(&["lint", "--spec", &path]);
        assert_eq!(run.code, 2, "{name}: {}", run.transcript());
        assert!(
            run.stderr.contains(&path),
            "{name}: the message names the file: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{name}");
        transcripts.push_str(&format!("## {name}\n{}", run.stderr));
    }
    insta::assert_snapshot!(transcripts);
}

#[test]
fn missing_file_is_a_clear_error() {
    let run = drift(&["ops", "--spec", "tests/fixtures/specs/nope.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("drift: error: tests/fixtures/specs/nope.yaml: cannot read file"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(drift(&["ops"]).code, 2);
    assert_eq!(drift(&["frobnicate"]).code, 2);
    let help = drift(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("lint"));
}

#[test]
fn rules_lists_and_explains_kinds() {
    let all = drift(&["rules"]);
    assert_eq!(all.code, 0);
    assert!(all.stdout.contains("example.invalid") && all.stdout.contains("lint.unknown-format"));
    let one = drift(&["rules", "example.invalid"]);
    assert!(
        one.stdout.contains("default severity: warning"),
        "{}",
        one.stdout
    );
    let typo = drift(&["rules", "example.invlid"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean example.invalid?"),
        "{}",
        typo.stderr
    );
}

// --- The real Fitbit Plus contract (shared corpus) ---

#[test]
#[ignore = "needs ../shared; .ci/run runs it with --ignored"]
fn fitbit_plus_has_62_operations_42_get() {
    let Some(spec) = shared("corpus/fitbit-plus/swagger.yaml") else {
        return;
    };
    let run = drift(&["ops", "--spec", &spec.to_string_lossy(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json(&run);
    let ops = report["operations"].as_array().cloned().unwrap_or_default();
    assert_eq!(ops.len(), 62);
    assert_eq!(ops.iter().filter(|o| o["method"] == "GET").count(), 42);
    assert_eq!(report["api"]["operations_read_only"], 42);
    assert_eq!(
        report["api"]["servers"][0],
        "https://api.twinehealth.com/pub"
    );
}

/// The examples under `#/definitions` that Python's Draft4Validator rejects (with `$ref`s resolved
/// against the same file; see scripts/crosscheck_examples.py, which CI also runs live).
const FITBIT_INVALID_DEFINITION_EXAMPLES: &[&str] = &[
    "CalendarEventResource",
    "CalendarEventResponseResource",
    "CreateActionRequest",
    "CreateActionResponse",
    "CreateCalendarEventResponseRequest",
    "CreateGroupRequest",
    "CreateOrUpdateErrorResponse",
    "CreatePatientResponse",
    "CreateTokenRequest",
    "CreateTokenResponse",
    "FetchActionResponse",
    "FetchBundleResponse",
    "FetchErrorResponse",
    "FetchPatientResponse",
    "FetchPatientsResponse",
    "PatientHealthMetricResource",
    "PatientHealthResultResource",
    "UpdateCalendarEventRequest",
    "UpdatePatientResponse",
];

#[test]
#[ignore = "needs ../shared; .ci/run runs it with --ignored"]
fn fitbit_plus_lint_flags_exactly_the_invalid_examples() {
    let Some(spec) = shared("corpus/fitbit-plus/swagger.yaml") else {
        return;
    };
    let run = drift(&[
        "lint",
        "--spec",
        &spec.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "invalid examples fail lint: {}", run.stderr);
    let report = json(&run);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let mut flagged: Vec<String> = findings
        .iter()
        .filter(|f| f["kind"] == "example.invalid")
        .filter_map(|f| f["spec_location"]["pointer"].as_str().map(String::from))
        .collect();
    flagged.sort();
    flagged.dedup();
    let expected: Vec<String> = FITBIT_INVALID_DEFINITION_EXAMPLES
        .iter()
        .map(|n| format!("#/definitions/{n}/example"))
        .collect();
    assert_eq!(flagged, expected);
    // Every finding is located in the file, with the failing schema.
    let fetch_patient = findings
        .iter()
        .find(|f| f["spec_location"]["pointer"] == "#/definitions/FetchPatientResponse/example")
        .cloned()
        .unwrap_or_default();
    assert!(
        fetch_patient["spec_location"]["line"]
            .as_u64()
            .is_some_and(|l| l > 2000),
        "{fetch_patient}"
    );
    assert!(fetch_patient["schema_pointer"]
        .as_str()
        .is_some_and(|p| p.starts_with("#/definitions/")));
    // The two non-standard formats are reported, not enforced.
    let unknown: std::collections::BTreeSet<&str> = findings
        .iter()
        .filter(|f| f["kind"] == "lint.unknown-format")
        .filter_map(|f| f["actual"].as_str())
        .collect();
    assert_eq!(
        unknown.into_iter().collect::<Vec<_>>(),
        vec!["ISODate", "dateTime"]
    );
}

#[test]
#[ignore = "needs ../shared; .ci/run runs it with --ignored"]
fn fitbit_plus_history_loads_except_the_one_invalid_yaml() {
    let Some(dir) = shared("corpus/fitbit-plus/history") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    assert_eq!(files.len(), 98);
    let mut failures = Vec::new();
    for f in &files {
        let run = drift(&["ops", "--spec", &f.to_string_lossy(), "--format", "json"]);
        if run.code != 0 {
            failures.push((
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                run,
            ));
        }
    }
    assert_eq!(
        failures.len(),
        1,
        "{:?}",
        failures
            .iter()
            .map(|(f, r)| (f, &r.stderr))
            .collect::<Vec<_>>()
    );
    let (name, run) = &failures[0];
    assert_eq!(name, "039-2017-10-04-69f1715.yaml");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("039-2017-10-04-69f1715.yaml:1569:9: invalid YAML"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "one clear line: {}",
        run.stderr
    );
}

#[test]
#[ignore = "needs ../shared; .ci/run runs it with --ignored"]
fn fitbit_plus_plans_every_get_and_skips_the_rest_with_reasons() {
    let Some(spec) = shared("corpus/fitbit-plus/swagger.yaml") else {
        return;
    };
    let run = drift(&["ops", "--spec", &spec.to_string_lossy(), "--format", "json"]);
    let ops = json(&run)["operations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let planned: Vec<_> = ops
        .iter()
        .filter(|o| o["plan"]["path"].is_string())
        .collect();
    let skipped: Vec<_> = ops
        .iter()
        .filter(|o| o["plan"]["skipped"].is_string())
        .collect();
    assert_eq!((planned.len(), skipped.len()), (42, 20));
    assert!(planned.iter().all(|o| o["method"] == "GET"));
    let patient = ops
        .iter()
        .find(|o| o["operation_id"] == "fetchPatient")
        .cloned()
        .unwrap_or_default();
    assert_eq!(patient["plan"]["path"], "/patient/58163112237d84a94035f78b");
    let source = patient["plan"]["bindings"][0]["source"]
        .as_str()
        .unwrap_or_default();
    assert!(
        source.contains("#/definitions/FetchPatientResponse/example at /data/id"),
        "{source}"
    );
}
