//! `drift rules [KIND]`: the registry of finding kinds.

use super::args::{RulesArgs, TextOrJson};
use super::{Console, ExitStatus};
use crate::report::terminal::Palette;
use crate::rules::{self, Rule};
use serde_json::json;

pub fn run(args: &RulesArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let selected: Vec<&Rule> = match &args.kind {
        None => rules::RULES.iter().collect(),
        Some(kind) => match rules::find(kind) {
            Some(rule) => vec![rule],
            None => {
                let hints = rules::suggest(kind);
                let hint = if hints.is_empty() {
                    String::new()
                } else {
                    format!("\n  hint: did you mean {}?", hints.join(", "))
                };
                anyhow::bail!("unknown finding kind `{kind}` (see `drift rules`){hint}");
            }
        },
    };
    if args.format == TextOrJson::Json {
        let list: Vec<_> = selected
            .iter()
            .map(
                |r| json!({"id": r.id, "severity": r.severity, "summary": r.summary, "doc": r.doc}),
            )
            .collect();
        writeln!(
            console.out,
            "{}",
            serde_json::to_string_pretty(&json!({"rules": list}))?
        )?;
        return Ok(ExitStatus::Success);
    }
    let b = p.bold();
    if args.kind.is_some() {
        for r in selected {
            let sev = p.severity(r.severity);
            writeln!(
                console.out,
                "{b}{}{b:#}  (default severity: {sev}{}{sev:#})\n\n{}\n\n{}",
                r.id, r.severity, r.summary, r.doc
            )?;
        }
    } else {
        let w = selected.iter().map(|r| r.id.len()).max().unwrap_or(10);
        for r in selected {
            let sev = p.severity(r.severity);
            writeln!(
                console.out,
                "{b}{:<w$}{b:#}  {sev}{:<8}{sev:#}  {}",
                r.id,
                r.severity.as_str(),
                r.summary
            )?;
        }
        writeln!(
            console.out,
            "\nRun `drift rules KIND` for the full description of one kind."
        )?;
    }
    Ok(ExitStatus::Success)
}
