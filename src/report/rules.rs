//! The registry of finding kinds, rendered: the `drift rules` listing and page (terminal), its
//! JSON, and the Markdown of `docs/rules.md`, which is generated from the registry (a test fails
//! when the committed file is stale: `drift rules --format markdown > docs/rules.md`).

use super::terminal::Palette;
use crate::rules::{Rule, RULES};
use serde_json::{json, Value};
use std::io::{self, Write};

/// Every rule as one line (`id  severity  summary`), or one rule in full.
pub fn write_text(w: &mut dyn Write, p: Palette, rules: &[&Rule], full: bool) -> io::Result<()> {
    let b = p.bold();
    if full {
        for r in rules {
            let sev = p.severity(r.severity());
            writeln!(
                w,
                "{b}{}{b:#}  (default severity: {sev}{}{sev:#})\n\n{}\n\n{}",
                r.id(),
                r.severity(),
                r.summary,
                r.doc
            )?;
        }
        return Ok(());
    }
    let width = rules.iter().map(|r| r.id().len()).max().unwrap_or(10);
    for r in rules {
        let sev = p.severity(r.severity());
        writeln!(
            w,
            "{b}{:<width$}{b:#}  {sev}{:<8}{sev:#}  {}",
            r.id(),
            r.severity().as_str(),
            r.summary
        )?;
    }
    writeln!(
        w,
        "\nRun `drift rules KIND` for the full description of one kind."
    )
}

/// `{"rules": [{"id", "severity", "summary", "doc"}]}`.
pub fn json(rules: &[&Rule]) -> Value {
    let list: Vec<Value> = rules
        .iter()
        .map(
            |r| json!({"id": r.id(), "severity": r.severity(), "summary": r.summary, "doc": r.doc}),
        )
        .collect();
    json!({ "rules": list })
}

/// The whole of `docs/rules.md`: the table of every kind, then each kind's documentation.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Finding kinds\n\n\
<!-- Generated from src/rules.rs by `drift rules --format markdown`; do not edit by hand. -->\n\n\
`drift rules` prints this registry from the binary; `drift rules KIND` prints one kind in full.\n\
Every finding has a kind; the first dot-separated segment is its class. Default severities:\n\
`breaking` (a client written against the contract would break), `warning` (incomplete or\n\
surprising), `info`, `error` (the check itself could not run).\n\n\
| kind | severity | detects |\n|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id(),
            r.severity(),
            r.summary
        ));
    }
    for r in RULES {
        out.push_str(&format!(
            "\n## `{}`\n\nDefault severity: **{}**. {}.\n\n{}\n",
            r.id(),
            r.severity(),
            capitalized(r.summary),
            r.doc
        ));
    }
    out.push_str(
        "\nThe JSON report format (version 1) is documented in \
[`src/report/json.rs`](../src/report/json.rs).\n",
    );
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    /// `docs/rules.md` is the registry's Markdown; regenerate it with
    /// `DRIFT_BLESS=1 cargo test --lib rules_page` (or `drift rules --format markdown`).
    #[test]
    fn rules_page_is_generated_from_the_registry() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
        let generated = super::markdown();
        if std::env::var_os("DRIFT_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{e}"));
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/rules.md is stale: run `DRIFT_BLESS=1 cargo test --lib rules_page`"
        );
    }
}
