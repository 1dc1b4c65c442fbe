//! The CI reporters (JUnit, SARIF, GitHub annotations, Markdown) on one finished report: every
//! finding appears in every format, hostile strings from a response body and an operationId stay
//! text, and two runs give the same bytes (times aside).
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::drift;
use common::server::{Reply, TestServer};
use serde_json::Value;

const SPEC: &str = "tests/fixtures/check/hostile.yaml";
const HOSTILE: &str =
    "\n::error file=x::pwned%0A<script>alert(1)</script>]]>|`*_[x](javascript:alert(1))";

struct Reports {
    json: Value,
    junit: String,
    sarif: Value,
    sarif_text: String,
    github: String,
    markdown: String,
}

fn run() -> Reports {
    let body = serde_json::json!({"kind": HOSTILE, "count": "three"}).to_string();
    let server = TestServer::start(move |req, _| match req.path.as_str() {
        "/evil" => Reply::json(200, &body),
        _ => Reply::json(200, "{}"),
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let formats = [
        format!("json={}", path("r.json")),
        format!("junit={}", path("r.xml")),
        format!("sarif={}", path("r.sarif")),
        format!("markdown={}", path("r.md")),
        "github".to_string(),
    ];
    let url = server.url();
    let mut args = vec![
        "check",
        "--spec",
        SPEC,
        "--base-url",
        &url,
        "--retries",
        "0",
    ];
    for f in &formats {
        args.extend(["--format", f.as_str()]);
    }
    let out = drift(&args);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("{e}"));
    Reports {
        json: parse(&read("r.json")),
        junit: read("r.xml"),
        sarif: parse(&read("r.sarif")),
        sarif_text: read("r.sarif"),
        github: out.stdout,
        markdown: read("r.md"),
    }
}

fn findings(r: &Reports) -> Vec<Value> {
    r.json["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn every_finding_appears_in_every_format() {
    let r = run();
    let all = findings(&r);
    assert!(all.len() >= 2, "{all:?}");
    let breaking = all.iter().filter(|f| f["severity"] == "breaking").count();
    // JUnit: a failure per finding at or above --fail-on (breaking), a skipped per skipped op.
    assert_eq!(
        r.junit.matches("<failure ").count(),
        breaking,
        "{}",
        r.junit
    );
    assert_eq!(r.junit.matches("<skipped ").count(), 1, "{}", r.junit);
    assert!(r.junit.contains("tests=\"3\""), "{}", r.junit);
    // SARIF: a result per finding, each with its rule, a location and a fingerprint.
    let results = r.sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), all.len());
    let rules = r.sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for res in &results {
        let i = res["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules.get(i).map(|r| &r["id"]), Some(&res["ruleId"]));
        let uri = &res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "tests/fixtures/check/hostile.yaml");
        assert!(res["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() > Some(0));
        assert!(res["partialFingerprints"]["driftFinding/v1"].is_string());
    }
    // GitHub: an annotation per finding, grouped.
    let annotations = r
        .github
        .lines()
        .filter(|l| {
            l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")
        })
        .count();
    assert_eq!(annotations, all.len(), "{}", r.github);
    assert!(r.github.starts_with("::group::") && r.github.trim_end().ends_with("::endgroup::"));
    // Markdown: every finding's kind in a details section, the verdict first.
    assert!(
        r.markdown.starts_with("## ❌ drift found breaking changes"),
        "{}",
        r.markdown
    );
    for f in &all {
        let kind = f["kind"].as_str().unwrap_or("");
        assert!(
            r.markdown.contains(&format!("`{kind}`")),
            "{kind} missing:\n{}",
            r.markdown
        );
    }
}

#[test]
fn hostile_strings_stay_text() {
    let r = run();
    // No line of the annotations begins a command the hostile text wrote.
    for line in r.github.lines() {
        assert!(
            line.starts_with("::"),
            "a line that is not a command: {line:?}"
        );
        assert!(!line.starts_with("::error file=x"), "injected: {line}");
    }
    // In a message, `%` is escaped (a literal `%0A` cannot become a line break).
    assert!(r.github.contains("::pwned%250A<script>"), "{}", r.github);
    // The operationId (with a real line break) in a property: CR/LF, `%`, `:` and `,` escaped.
    assert!(
        r.github.contains(
            "(evil%0A%3A%3Aerror file=x%3A%3Apwned%250A<script>alert(1)</script>]]>%2C%3A|)::"
        ),
        "{}",
        r.github
    );
    // XML: no raw markup from the inputs.
    assert!(!r.junit.contains("<script>"), "{}", r.junit);
    assert!(r.junit.contains("&lt;script&gt;"), "{}", r.junit);
    assert!(!r.junit.contains("]]>"));
    // Markdown / HTML: no tag, no link, no table cell break from the inputs.
    assert!(!r.markdown.contains("<script>"), "{}", r.markdown);
    assert!(!r.markdown.contains("[x](javascript"), "{}", r.markdown);
    assert!(r.markdown.contains("\\[x\\](javascript"), "{}", r.markdown);
    for row in r.markdown.lines().filter(|l| l.starts_with("| <code>")) {
        assert_eq!(
            row.matches(" | ").count(),
            5,
            "a cell broke the table: {row}"
        );
    }
    // SARIF is JSON: the text is kept, escaped by the encoder.
    assert!(r.sarif_text.contains("<script>alert(1)</script>"));
}

/// A report without what differs between runs: the test server's port, and JUnit times.
fn stable(s: &str) -> String {
    let mut out = s
        .split("127.0.0.1:")
        .map(|p| p.trim_start_matches(|c: char| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join("127.0.0.1:");
    for attr in [" time=\"", " timestamp=\""] {
        let mut rest = out.as_str();
        let mut kept = String::new();
        while let Some(i) = rest.find(attr) {
            kept.push_str(&rest[..i + attr.len()]);
            rest = &rest[i + attr.len()..];
            rest = rest.find('"').map_or("", |end| &rest[end..]);
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

#[test]
fn output_is_deterministic() {
    let (a, b) = (run(), run());
    assert_eq!(stable(&a.junit), stable(&b.junit));
    assert_eq!(stable(&a.sarif_text), stable(&b.sarif_text));
    assert_eq!(stable(&a.markdown), stable(&b.markdown));
    assert_eq!(stable(&a.github), stable(&b.github));
    assert!(
        stable(&a.junit).contains(" time=\"\""),
        "times are stripped, not the rest"
    );
}

/// In the GitHub Actions log (`GITHUB_ACTIONS=true`) progress redraws would each become a line:
/// there are none, and colours stay on.
#[test]
fn the_actions_log_gets_no_progress_redraws() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("many.json");
    std::fs::write(&spec, common::many_operations_spec(60)).unwrap_or_else(|e| panic!("{e}"));
    let server = TestServer::start(|_, _| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        Reply::json(200, r#"{"id": 1}"#)
    });
    let bin = env!("CARGO_BIN_EXE_drift");
    let line = |actions: &str| {
        format!(
            "env -u NO_COLOR GITHUB_ACTIONS={actions} {bin} check --spec {} --base-url {} --concurrency 2",
            spec.display(),
            server.url()
        )
    };
    let limit = std::time::Duration::from_secs(30);
    let Some((_, terminal)) = common::in_pty(&line("false"), limit) else {
        panic!("hung in a terminal");
    };
    assert!(
        terminal.contains("checking many"),
        "a terminal shows progress: {terminal}"
    );
    let Some((_, actions)) = common::in_pty(&line("true"), limit) else {
        panic!("hung in a terminal");
    };
    assert!(
        !actions.contains("checking many"),
        "progress in the Actions log: {actions}"
    );
    assert!(
        actions.contains("\u{1b}["),
        "colours are kept in the Actions log"
    );
    assert!(actions.contains("summary"), "{actions}");
}
