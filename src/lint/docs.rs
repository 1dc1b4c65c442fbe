//! Lint documentation pages against the spec: every documented response example is validated
//! against the schema the spec declares for it (`example.invalid`, located on the page), every
//! documented operation must exist in the spec (`docs.operation-missing`), and examples the tolerant
//! reader refused are reported (`docs.unreadable`).

use crate::docs::contract::same_template;
use crate::docs::{DocsContract, Part};
use crate::model::Kind;
use crate::model::{Finding, OperationRef, SpecLocation};
use crate::spec::schemas::violations;
use crate::spec::{Contract, Status};
use std::collections::BTreeSet;

pub fn run(contract: &Contract, docs: &DocsContract, api: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let base_path = contract.base_path();
    let mut missing: BTreeSet<(String, String)> = BTreeSet::new();
    for (page, ex) in docs.examples() {
        let location = SpecLocation {
            file: page.file.clone(),
            pointer: String::new(),
            line: Some(ex.line),
        };
        let Some(op) = contract
            .operations
            .iter()
            .find(|o| o.method == ex.method && same_template(&ex.path, &o.path, &base_path))
        else {
            if missing.insert((ex.method.clone(), ex.path.clone())) {
                let mut f = Finding::new(
                    api,
                    Kind::DocsOperationMissing,
                    format!(
                        "{} {} is documented on {} but the spec has no such operation",
                        ex.method, ex.path, page.file
                    ),
                );
                f.spec_location = Some(location);
                out.push(f);
            }
            continue;
        };
        let (Part::Response, Some(body)) = (ex.part, ex.body.as_ref()) else {
            continue;
        };
        let response = match ex.status {
            Some(code) => op.response_for(code),
            None => op
                .responses
                .iter()
                .filter(|r| matches!(r.status, Status::Code(200..=299) | Status::Range(2)))
                .min_by_key(|r| r.status),
        };
        let Some(schema) = response
            .and_then(|r| {
                r.content
                    .iter()
                    .find(|m| crate::spec::media::is_json(&m.name))
                    .or(r.content.first())
            })
            .and_then(|m| m.schema.as_ref())
        else {
            continue;
        };
        let Ok(validator) = contract.schemas().validator(schema) else {
            continue;
        };
        for v in violations(&validator, body) {
            let context = format!(" (documented on {})", page.file);
            let op = Some(OperationRef::from(op));
            out.push(super::example_invalid(
                contract,
                api,
                op,
                v,
                location.clone(),
                &context,
            ));
        }
    }
    for page in &docs.pages {
        for r in &page.refused {
            let mut f = Finding::new(
                api,
                Kind::DocsUnreadable,
                format!(
                    "an example cannot be read, even with repairs: {}",
                    r.message
                ),
            );
            f.spec_location = Some(SpecLocation {
                file: page.file.clone(),
                pointer: String::new(),
                line: Some(r.line),
            });
            out.push(f);
        }
    }
    crate::model::sort(&mut out);
    out
}
