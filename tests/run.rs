//! The pipeline as a library: `drift::run::run` in process, with a recording listener, and a run
//! over several APIs where one is broken.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{drift, json};
use drift::run::{run, ApiRun, Listener, RunOptions, SnapshotMode};

/// Records every progress event.
#[derive(Default)]
struct Recorder {
    events: Vec<String>,
}

impl Listener for Recorder {
    fn api_started(&mut self, api: &str, requests: usize) {
        self.events.push(format!("start {api} {requests}"));
    }
    fn exchange_checked(&mut self, api: &str, done: usize, total: usize) {
        self.events.push(format!("checked {api} {done}/{total}"));
    }
    fn api_finished(&mut self, api: &str) {
        self.events.push(format!("finish {api}"));
    }
}

fn root(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn the_library_runs_in_process_and_reports_progress() {
    let options = RunOptions {
        apis: vec![
            ApiRun::new("coaching", Some(root("specs/coaching/openapi.json"))),
            ApiRun::new(
                "broken",
                Some(root("tests/fixtures/specs/broken/syntax.yaml")),
            ),
        ],
        snapshots: None,
        history: None,
        policy: Default::default(),
        mode: SnapshotMode::Compare {
            write: false,
            learn: false,
        },
    };
    let mut recorder = Recorder::default();
    let result = run(&options, &mut recorder).unwrap_or_else(|e| panic!("{e}"));
    let report = &result.report;
    // The report lists APIs by name; the two ran side by side.
    assert_eq!(report.apis.len(), 2);
    assert_eq!(report.apis[1].name, "coaching");
    assert_eq!(report.apis[1].operations_checked, 9);
    assert!(report.apis[1].error.is_none());
    let error = report.apis[0].error.clone().unwrap_or_default();
    assert!(
        error.contains("syntax.yaml:") && error.contains("invalid YAML"),
        "{error}"
    );
    assert_eq!(result.failed_apis, 1);
    // Progress: the start, one event per exchange in order, the end of each API.
    let coaching: Vec<&str> = recorder
        .events
        .iter()
        .map(String::as_str)
        .filter(|e| e.contains("coaching"))
        .collect();
    assert_eq!(coaching.first().copied(), Some("start coaching 9"));
    let checked: Vec<&&str> = coaching
        .iter()
        .filter(|e| e.starts_with("checked"))
        .collect();
    assert_eq!(checked.len(), 9);
    assert_eq!(*checked[8], "checked coaching 9/9");
    assert_eq!(coaching.last().copied(), Some("finish coaching"));
    assert!(recorder.events.iter().any(|e| e == "finish broken"));
    let kinds: Vec<&str> = report.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["api.error"]);
}

/// A drift.yaml of three APIs, one broken (its contract does not parse, or a credential variable
/// is not set): that API is an error result, the other two run, and the exit code is 1, not 2.
#[test]
fn one_broken_api_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("drift.yaml");
    let spec = |rel: &str| root(rel).display().to_string();
    for broken in [
        format!("spec: {}", spec("tests/fixtures/specs/broken/syntax.yaml")),
        format!(
            "spec: {}\n    base_url: http://127.0.0.1:9\n    auth: {{type: bearer, token_env: DRIFT_SURELY_UNSET_TOKEN}}",
            spec("specs/coaching/openapi.json")
        ),
    ] {
        let text = format!(
            "apis:\n  coaching:\n    spec: {}\n  broken:\n    {broken}\n  under-armour:\n    spec: {}\n",
            spec("specs/coaching/openapi.json"),
            spec("specs/under-armour/swagger.yaml"),
        );
        std::fs::write(&config, text).unwrap_or_else(|e| panic!("{e}"));
        let config_arg = config.display().to_string();
        let snaps = dir.path().join("snaps").display().to_string();
        let run = drift(&["check", "--config", &config_arg, "--snapshots", &snaps, "--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.transcript());
        let report = json(&run);
        let apis = report["apis"].as_array().cloned().unwrap_or_default();
        assert_eq!(apis.len(), 3);
        let by_name = |n: &str| apis.iter().find(|a| a["name"] == n).cloned().unwrap_or_default();
        assert!(by_name("coaching")["operations_checked"].as_u64() > Some(0));
        assert!(by_name("under-armour")["operations_checked"].as_u64() > Some(0));
        assert!(by_name("coaching").get("error").is_none());
        let error = by_name("broken")["error"].as_str().unwrap_or_default().to_string();
        assert!(error.contains("syntax.yaml:") || error.contains("DRIFT_SURELY_UNSET_TOKEN is not set"), "{error}");
        let errors: Vec<&serde_json::Value> = report["findings"].as_array().into_iter().flatten()
            .filter(|f| f["severity"] == "error").collect();
        assert_eq!(errors.len(), 1, "{}", run.stdout);
        assert_eq!(errors[0]["kind"], "api.error");
    }
    // Nothing could run: exit 2, the reason on standard error.
    std::fs::write(
        &config,
        format!(
            "apis:\n  broken:\n    spec: {}\n",
            spec("tests/fixtures/specs/broken/syntax.yaml")
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = drift(&["check", "--config", &config.display().to_string()]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("API `broken`") && run.stderr.contains("invalid YAML"),
        "{}",
        run.stderr
    );
}
