//! Verified, or not — never a silent pass. `pass` means a success answer was checked against its
//! schema. An error answer the operation declares verified nothing: the operation is
//! `unverified`, with the reason and what to configure. An undeclared 400/404/410/422 to a value
//! drift made up (a placeholder, an id copied from the documentation) is the server rejecting
//! drift's guess, not drift: its `status.undeclared` is `info` and the operation `unverified`.

use crate::check::Checked;
use crate::model::{Finding, Kind, Severity};
use crate::plan::{PlannedRequest, Source};
use crate::spec::Operation;

/// Why an answer verified nothing, or `None` when it did (or is drift, or an error); downgrades
/// the `status.undeclared` of a rejected guess in `findings`.
pub fn unverified(
    op: &Operation,
    planned: &PlannedRequest,
    checked: &Checked,
    findings: &mut [Finding],
) -> Option<String> {
    let status = checked.status?;
    // Success answers verify; refusals of drift's credentials and throttling are errors.
    if status < 400 || checked.outcome == crate::model::Outcome::Error {
        return None;
    }
    if checked.declared_refusal && !op.security_optional() {
        let schemes: Vec<String> = op
            .security
            .iter()
            .map(|alternative| alternative.join(" + "))
            .collect();
        return Some(format!(
            "{status} without credentials: the operation requires {}; configure them (`auth:` in drift.yaml, or --auth)",
            schemes.join(" or ")
        ));
    }
    let guessed: Vec<_> = planned.guessed().collect();
    let guesses = || {
        // `a placeholder `id``, or `placeholders for `user`, `passwd`` (grouped by kind).
        let mut groups: Vec<(&str, &str, Vec<String>)> = Vec::new();
        for b in &guessed {
            let (one, many) = what(&b.source);
            match groups.iter_mut().find(|(o, _, _)| *o == one) {
                Some((_, _, names)) => names.push(format!("`{}`", b.name)),
                None => groups.push((one, many, vec![format!("`{}`", b.name)])),
            }
        }
        let names: Vec<String> = groups
            .into_iter()
            .map(|(one, many, names)| match names.as_slice() {
                [name] => format!("{one} {name}"),
                _ => format!("{many} {}", names.join(", ")),
            })
            .collect();
        let params: Vec<String> = guessed
            .iter()
            .map(|b| format!("params.{}", b.name))
            .collect();
        format!(
            "{status} for {} — set {} in drift.yaml or let a list provide it",
            names.join(" and "),
            params.join(", ")
        )
    };
    match findings
        .iter_mut()
        .find(|f| f.kind == Kind::StatusUndeclared)
    {
        Some(f) if !guessed.is_empty() && matches!(status, 400 | 404 | 410 | 422) => {
            f.severity = Severity::Info;
            f.message = format!(
                "{} (the answer to a value drift chose, not drift until a real value is given)",
                f.message
            );
            Some(guesses())
        }
        Some(_) => None,
        None if !guessed.is_empty() => Some(guesses()),
        None => Some(format!(
            "{status} is a declared error answer: the success answer was not checked"
        )),
    }
}

/// What a guessed value is, in a reason: for one parameter, for several.
fn what(source: &Source) -> (&'static str, &'static str) {
    match source {
        Source::Placeholder => ("a placeholder", "placeholders"),
        Source::Example { .. } => ("the documented example", "the documented examples"),
        Source::VendorExample => ("the x-example", "the x-examples"),
        _ => ("the value of", "the values of"),
    }
}
