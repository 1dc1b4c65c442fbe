//! Lint rules about what a request is built from: `type`s JSON Schema does not define, path
//! templates that disagree with their parameters, and `default`s their own schema rejects.

use crate::model::Kind;
use crate::model::{Finding, OperationRef};
use crate::spec::{template_parameters, Contract, ParamIn};

/// `lint.nonstandard-type`: every `type` read as another (see `spec::types`).
pub fn nonstandard_types(contract: &Contract, api: &str) -> Vec<Finding> {
    contract
        .documents
        .nonstandard_types
        .iter()
        .map(|(doc, pointer, said)| {
            let standard = crate::spec::types::standard(said).unwrap_or("?");
            let shown = crate::text::excerpt(said, 40);
            let mut f = Finding::new(
                api,
                Kind::LintNonstandardType,
                format!("`type: {shown}` is not a JSON Schema type; drift reads it as `{standard}`: write `type: {standard}`"),
            );
            f.spec_location = Some(contract.location(*doc, pointer));
            f.expected = Some(standard.to_string());
            f.actual = Some(shown);
            f
        })
        .collect()
}

/// `lint.path-template`: template parameters not declared, path parameters not required or
/// not in the template.
pub fn path_templates(contract: &Contract, api: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for op in &contract.operations {
        let named = template_parameters(&op.path);
        let mut push = |message: String| {
            let mut f = Finding::new(api, Kind::LintPathTemplate, message);
            f.operation = Some(OperationRef::from(op));
            f.spec_location = Some(contract.location(op.doc, &op.pointer));
            out.push(f);
        };
        for name in &named {
            let declared = op
                .parameters
                .iter()
                .any(|p| p.location == ParamIn::Path && p.name == *name);
            if !declared {
                push(format!(
                    "{} {}: the template names `{{{name}}}`, which the operation does not declare as a path parameter (drift sends it only with a value in `params`)",
                    op.method, op.path
                ));
            }
        }
        let anywhere = crate::spec::names_in(&op.path);
        for p in op.parameters.iter().filter(|p| p.location == ParamIn::Path) {
            if !anywhere.contains(&p.name.as_str()) {
                push(format!(
                    "{} {}: path parameter `{}` is not in the template",
                    op.method, op.path, p.name
                ));
            } else if !p.required {
                push(format!(
                    "{} {}: path parameter `{}` must be `required: true` (a path cannot leave it out)",
                    op.method, op.path, p.name
                ));
            }
        }
    }
    out
}

/// `lint.default-invalid`: a parameter's `default` its own schema rejects.
pub fn defaults(contract: &Contract, api: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for op in &contract.operations {
        for p in &op.parameters {
            let (Some(place), Some(default)) =
                (&p.place, p.schema.as_ref().and_then(|s| s.get("default")))
            else {
                continue;
            };
            if !seen.insert(place.clone()) {
                continue;
            }
            let Ok(validator) = contract.schemas().validator(place) else {
                continue;
            };
            if let Some(v) = crate::spec::schemas::violations(&validator, default)
                .into_iter()
                .next()
            {
                let mut f = Finding::new(
                    api,
                    Kind::LintDefaultInvalid,
                    format!(
                        "the default of parameter `{}` does not satisfy its schema: {}",
                        p.name, v.message
                    ),
                );
                f.operation = Some(OperationRef::from(op));
                f.spec_location =
                    Some(contract.location(place.doc, &format!("{}/default", place.pointer)));
                f.expected = v.expected;
                f.actual = v.actual;
                out.push(f);
            }
        }
    }
    out
}
