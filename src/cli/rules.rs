//! `drift rules [KIND]`: the registry of finding kinds.

use super::args::RulesArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, View};
use crate::rules::{self, Rule};

pub fn run(args: &RulesArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Rules)?;
    let selected: Vec<&Rule> = match &args.kind {
        None => rules::RULES.iter().collect(),
        Some(kind) => match rules::find(kind) {
            Some(rule) => vec![rule],
            None => {
                let renamed = crate::model::Kind::successors(kind);
                let hints = rules::suggest(kind);
                let hint = if !renamed.is_empty() {
                    format!("\n  hint: it became {}", renamed.join(", "))
                } else if hints.is_empty() {
                    String::new()
                } else {
                    format!("\n  hint: did you mean {}?", hints.join(", "))
                };
                anyhow::bail!("unknown finding kind `{kind}` (see `drift rules`){hint}");
            }
        },
    };
    let full = args.kind.is_some();
    write_outputs(console, &outputs, p, None, |r, _, w| {
        r.rules(w, &selected, full)
    })?;
    Ok(ExitStatus::Success)
}
