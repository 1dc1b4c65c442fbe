//! The command line in process: `drift::cli::run` with captured standard output and error, the
//! way `main` calls it — exit statuses and transcripts without spawning the binary.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use drift::cli::{run, Console, ExitStatus};

/// Run drift in process: (status, stdout, stderr).
fn drift(args: &[&str]) -> (ExitStatus, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = {
        let mut console = Console {
            out: &mut out,
            err: &mut err,
            out_is_tty: false,
            err_is_tty: false,
        };
        let argv = std::iter::once("drift")
            .chain(args.iter().copied())
            .map(Into::into);
        std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap_or_else(|e| panic!("{e}"));
        run(argv, &mut console)
    };
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

#[test]
fn rules_list_and_one_rule() {
    let (status, out, err) = drift(&["rules"]);
    assert_eq!((status, err.as_str()), (ExitStatus::Success, ""));
    assert!(
        out.lines()
            .any(|l| l.starts_with("status.undeclared") && l.contains("breaking")),
        "{out}"
    );
    let (status, out, _) = drift(&["rules", "api.error"]);
    assert_eq!(status, ExitStatus::Success);
    assert!(
        out.starts_with("api.error  (default severity: error)"),
        "{out}"
    );
    let (status, _, err) = drift(&["rules", "status.undeclred"]);
    assert_eq!(status, ExitStatus::Error);
    assert!(err.contains("did you mean status.undeclared"), "{err}");
}

#[test]
fn usage_errors_and_unknown_formats_exit_2() {
    let (status, _, err) = drift(&["check", "--nope"]);
    assert_eq!(status, ExitStatus::Error);
    assert!(err.contains("unexpected argument '--nope'"), "{err}");
    let (status, _, err) = drift(&[
        "ops",
        "--spec",
        "specs/coaching/openapi.json",
        "--format",
        "sarif",
    ]);
    assert_eq!(status, ExitStatus::Error);
    assert_eq!(
        err,
        "drift: error: unknown format `sarif` (this command writes: terminal, json)\n"
    );
    let (status, _, err) = drift(&[
        "lint",
        "--spec",
        "specs/coaching/openapi.json",
        "--format",
        "json",
        "--format",
        "terminal",
        "--output",
        "x",
    ]);
    assert_eq!(status, ExitStatus::Error);
    assert!(
        err.contains("--output goes with exactly one --format"),
        "{err}"
    );
}

#[test]
fn lint_of_a_demo_contract_is_clean() {
    let (status, out, err) = drift(&["lint", "--spec", "specs/coaching/openapi.json"]);
    assert_eq!((status, err.as_str()), (ExitStatus::Success, ""), "{out}");
    assert_eq!(
        out,
        "coaching: OpenAPI 3.0 12 operations; 0 breaking, 0 warning, 0 info, 0 error\n"
    );
}

#[test]
fn check_of_the_demo_contract_against_the_embedded_mock() {
    let (status, out, err) = drift(&[
        "check",
        "--spec",
        "specs/coaching/openapi.json",
        "--format",
        "json",
    ]);
    assert_eq!((status, err.as_str()), (ExitStatus::Success, ""), "{out}");
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["apis"][0]["operations_checked"], 9);
    assert_eq!(report["summary"]["breaking"], 0);
}

// `--format json --format terminal` both went to standard output, and `jq` choked on the mix.
#[test]
fn a_parsed_format_never_shares_standard_output() {
    let (status, out, err) = drift(&["check", "--format", "json", "--format", "terminal"]);
    assert_eq!(status, ExitStatus::Error, "{out}{err}");
    assert!(err.contains("--format json=PATH"), "{err}");
    assert!(out.is_empty(), "{out}");
    // The terminal report and workflow commands may share a log (the action does so).
    let (status, _, err) = drift(&["check", "--format", "terminal", "--format", "github"]);
    assert_eq!(status, ExitStatus::Success, "{err}");
}

// drift.yaml was not found from a subfolder of the repository, as git finds its own files.
#[test]
fn drift_yaml_is_found_from_a_subfolder() {
    let sub = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/under-armour/docs");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_drift"))
        .args(["check", "coaching", "--format", "json"])
        .current_dir(&sub)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let out = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.contains("\"name\": \"coaching\""), "{out}");
}

// There was no `-q`: a run over many clean APIs printed a block for each.
#[test]
fn quiet_shows_only_what_needs_attention() {
    let (status, out, err) = drift(&["check", "-q"]);
    assert_eq!(status, ExitStatus::Success, "{out}{err}");
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(lines[0].starts_with("summary:"), "{out}");
}

// There were no shell completions and no manual page.
#[test]
fn completions_and_the_manual_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (status, out, err) = drift(&["completions", shell]);
        assert_eq!(status, ExitStatus::Success, "{shell}: {err}");
        assert!(
            out.contains("drift") && out.contains("check"),
            "{shell}: {out}"
        );
    }
    // The bash script parses.
    let (_, bash, _) = drift(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("drift.bash");
    std::fs::write(&file, bash).unwrap_or_else(|e| panic!("{e}"));
    let parsed = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .is_ok_and(|s| s.success());
    assert!(parsed, "the bash completion script does not parse");
    let (status, man, _) = drift(&["man"]);
    assert_eq!(status, ExitStatus::Success);
    assert!(man.contains(".TH drift 1"), "{man}");
    for command in ["check", "snapshot", "review", "diff", "report", "lint"] {
        assert!(man.contains(command), "{command} is not in the manual page");
    }
}
