//! The layers of the crate, read from its imports: cli → run → stages → model. The model depends
//! on no stage; `run`, `history` and `report` meet only in the model (none imports another,
//! except `run` storing its result through `history`); no stage reaches up into `cli`.

use std::path::Path;

/// Every `crate::<module>` a module's code (not its comments) names, with the file and line.
fn references(module: &str) -> Vec<(String, usize, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(module);
    let mut files = vec![root.clone()];
    let mut out = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            for entry in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                files.push(entry.path());
            }
            continue;
        }
        if p.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                let name: String = rest[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.push((p.display().to_string(), i + 1, name));
                rest = &rest[at + 7..];
            }
        }
    }
    out
}

fn assert_never_names(module: &str, forbidden: &[&str]) {
    let bad: Vec<String> = references(module)
        .into_iter()
        .filter(|(_, _, name)| forbidden.contains(&name.as_str()))
        .map(|(file, line, name)| format!("{file}:{line}: crate::{name}"))
        .collect();
    assert!(
        bad.is_empty(),
        "{module} reaches outside its layer:\n{}",
        bad.join("\n")
    );
}

const STAGES: &[&str] = &[
    "spec", "plan", "replay", "check", "snapshot", "paging", "diff", "docs", "mock", "lint",
];

#[test]
fn the_model_depends_on_no_stage() {
    let mut forbidden = STAGES.to_vec();
    forbidden.extend(["run", "history", "report", "cli", "rules", "config"]);
    assert_never_names("model", &forbidden);
}

#[test]
fn run_history_and_report_meet_only_in_the_model() {
    assert_never_names("report", &["run", "history", "cli"]);
    assert_never_names("history", &["run", "report", "cli"]);
    assert_never_names("run", &["report", "cli"]);
}

#[test]
fn nothing_below_the_cli_reaches_up_into_it() {
    for module in STAGES.iter().chain(&["model", "run", "history", "report"]) {
        assert_never_names(module, &["cli"]);
    }
}
