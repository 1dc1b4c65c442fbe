//! `lint`: contract self-checks that need no network. Pure over a loaded [`Contract`].
//!
//! - `example.invalid`: every documented example validated against the schema it documents —
//!   schema `example` at any depth (and 3.1 `examples`), media-type `example`/`examples`, Swagger
//!   2.0 response `examples` — one finding per violation, located in the example and the schema.
//! - `lint.unknown-format`: each `format` the validator does not enforce (and OpenAPI does not define).
//! - `lint.unsupported-pattern`: a `pattern` the regular-expression engine cannot compile (dropped).
//! - `lint.schema-invalid`: a response or example schema that does not compile.
//! - `lint.nonstandard-type`, `lint.path-template`, `lint.default-invalid`: see `params`.
//! - `lint.unsatisfiable`: a response schema whose mock body (no example) it rejects.
//!
//! An example shared by several operations (a `$ref`'d response) is checked against the schema of
//! each: valid for one variant, invalid for another is still invalid.

pub mod docs;
mod params;
mod walk;

use crate::model::Kind;
use crate::model::{Finding, OperationRef};
use crate::spec::dialect::pattern_supported;
use crate::spec::schemas::{self, violations};
use crate::spec::{Contract, SchemaRef};
use serde_json::Value;
use std::collections::HashSet;

/// Run every lint rule over a contract. Findings are sorted and their lines located.
pub fn run(contract: &Contract, api: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    // (example's document, its pointer, the schema it is checked against).
    let mut seen_examples: HashSet<(usize, String, SchemaRef)> = HashSet::new();
    let mut bad_schemas: HashSet<SchemaRef> = HashSet::new();
    // Response schemas whose mock body was built and checked.
    let mut synthesized: HashSet<SchemaRef> = HashSet::new();

    let nodes = walk::schema_nodes(contract);
    let example_schemas = nodes
        .iter()
        .filter(|n| !n.examples.is_empty())
        .map(|n| &n.schema);
    contract
        .schemas()
        .prepare(example_schemas.chain(contract.response_schemas()));
    out.extend(refused_refs(api, contract));
    out.extend(params::nonstandard_types(contract, api));
    out.extend(params::path_templates(contract, api));
    out.extend(params::defaults(contract, api));
    for node in &nodes {
        if let Some(format) = node.format.as_deref() {
            if !schemas::is_known_format(format) && !schemas::is_openapi_format(format) {
                let hint = match suggest_format(format) {
                    Some(known) => format!(" (did you mean `{known}`?)"),
                    None => String::new(),
                };
                let message = format!("format `{format}` is not a known format{hint}; values are not checked against it");
                let mut f = Finding::new(api, Kind::LintUnknownFormat, message);
                f.spec_location = Some(
                    contract.location(node.schema.doc, &format!("{}/format", node.schema.pointer)),
                );
                f.actual = Some(format.to_string());
                f.expected = suggest_format(format).map(String::from);
                out.push(f);
            }
        }
        if let Some(pattern) = node.pattern.as_deref() {
            if !pattern_supported(pattern) {
                let mut f = Finding::new(api, Kind::LintUnsupportedPattern, format!("pattern `{pattern}` cannot be compiled by the regular-expression engine; values are not checked against it"));
                f.spec_location = Some(
                    contract.location(node.schema.doc, &format!("{}/pattern", node.schema.pointer)),
                );
                f.actual = Some(pattern.to_string());
                out.push(f);
            }
        }
        for (pointer, value) in &node.examples {
            if seen_examples.insert((node.schema.doc, pointer.clone(), node.schema.clone())) {
                check_example(
                    contract,
                    api,
                    None,
                    &node.schema,
                    node.schema.doc,
                    pointer,
                    value,
                    &mut bad_schemas,
                    &mut out,
                );
            }
        }
    }

    for op in &contract.operations {
        let op_ref = OperationRef {
            id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
        };
        for resp in &op.responses {
            for media in &resp.content {
                let Some(schema) = &media.schema else {
                    continue;
                };
                if let Err(reason) = contract.schemas().validator(schema) {
                    report_bad_schema(
                        contract,
                        api,
                        Some(&op_ref),
                        schema,
                        &reason,
                        &mut bad_schemas,
                        &mut out,
                    );
                    continue;
                }
                if !(media.name == "*/*" || crate::spec::media::is_json(&media.name)) {
                    continue;
                }
                if media.examples.is_empty() && synthesized.insert(schema.clone()) {
                    out.extend(unsatisfiable(contract, api, &op_ref, schema));
                }
                for ex in &media.examples {
                    if seen_examples.insert((ex.doc, ex.pointer.clone(), schema.clone())) {
                        check_example(
                            contract,
                            api,
                            Some(&op_ref),
                            schema,
                            ex.doc,
                            &ex.pointer,
                            &ex.value,
                            &mut bad_schemas,
                            &mut out,
                        );
                    }
                }
            }
        }
    }

    contract.locate_lines(out.iter_mut().filter_map(|f| f.spec_location.as_mut()));
    crate::model::sort(&mut out);
    out
}

/// `lint.unsatisfiable`: the body the mock would serve for a response schema (no documented
/// example) does not satisfy it. A body built from a documented example the schema rejects is
/// `example.invalid` already.
fn unsatisfiable(
    contract: &Contract,
    api: &str,
    op: &OperationRef,
    schema: &SchemaRef,
) -> Option<Finding> {
    let validator = contract.schemas().validator(schema).ok()?;
    let (value, used) = crate::mock::synth::synthesize(contract, schema.doc, &schema.pointer);
    if !used.is_empty() || validator.is_valid(&value) {
        return None;
    }
    let v = violations(&validator, &value).into_iter().next()?;
    let at = if v.instance_pointer.is_empty() {
        String::new()
    } else {
        format!(" at {}", v.instance_pointer)
    };
    let mut f = Finding::new(
        api,
        Kind::LintUnsatisfiable,
        format!(
            "no body drift can build satisfies this response schema{at}: {} (the schema asks for something no value can be, or beyond what the mock builds: `--base-url mock` reports drift here)",
            v.message
        ),
    );
    f.operation = Some(op.clone());
    let (doc, pointer) = v
        .schema
        .clone()
        .unwrap_or_else(|| (schema.doc, schema.pointer.clone()));
    f.spec_location = Some(contract.location(doc, &pointer));
    f.schema_pointer = Some(contract.schema_pointer(doc, &pointer));
    f.pointer = v.instance_pointer;
    f.expected = v.expected;
    f.actual = v.actual;
    Some(f)
}

fn suggest_format(format: &str) -> Option<&'static str> {
    let lower = format.to_ascii_lowercase().replace(['-', '_'], "");
    match lower.as_str() {
        "datetime" | "isodate" | "iso8601" | "timestamp" => Some("date-time"),
        "uuid4" | "guid" => Some("uuid"),
        "url" => Some("uri"),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn check_example(
    contract: &Contract,
    api: &str,
    op: Option<&OperationRef>,
    schema: &SchemaRef,
    doc: usize,
    pointer: &str,
    value: &Value,
    bad_schemas: &mut HashSet<SchemaRef>,
    out: &mut Vec<Finding>,
) {
    let validator = match contract.schemas().validator(schema) {
        Ok(v) => v,
        Err(reason) => {
            return report_bad_schema(contract, api, op, schema, &reason, bad_schemas, out)
        }
    };
    for v in violations(&validator, value) {
        let location = contract.location(doc, pointer);
        out.push(example_invalid(contract, api, op.cloned(), v, location, ""));
    }
}

/// An `example.invalid` finding for one violation of a documented example (`context` is added to
/// the message, e.g. where the example is documented).
pub(crate) fn example_invalid(
    contract: &Contract,
    api: &str,
    operation: Option<OperationRef>,
    v: crate::spec::schemas::Violation,
    location: crate::model::SpecLocation,
    context: &str,
) -> Finding {
    let where_ = if v.instance_pointer.is_empty() {
        "the example".to_string()
    } else {
        v.instance_pointer.clone()
    };
    let mut f = Finding::new(
        api,
        Kind::ExampleInvalid,
        format!("{where_}: {}{context}", v.message),
    );
    f.operation = operation;
    f.pointer = v.instance_pointer;
    f.schema_pointer = v.schema.map(|(d, p)| contract.schema_pointer(d, &p));
    f.spec_location = Some(location);
    f.expected = v.expected;
    f.actual = v.actual;
    f
}

fn report_bad_schema(
    contract: &Contract,
    api: &str,
    op: Option<&OperationRef>,
    schema: &SchemaRef,
    reason: &str,
    bad_schemas: &mut HashSet<SchemaRef>,
    out: &mut Vec<Finding>,
) {
    if !bad_schemas.insert(schema.clone()) {
        return;
    }
    let mut f = Finding::new(
        api,
        Kind::LintSchemaInvalid,
        format!("schema cannot be compiled, responses using it are not validated: {reason}"),
    );
    f.operation = op.cloned();
    f.spec_location = Some(contract.location(schema.doc, &schema.pointer));
    f.schema_pointer = Some(contract.schema_pointer(schema.doc, &schema.pointer));
    out.push(f);
}

/// The `$ref`s drift refused to follow (another host, a `file:` URL): one finding each, the
/// first [`MAX_REFUSED_SHOWN`], then one that counts the rest.
fn refused_refs(api: &str, contract: &Contract) -> Vec<Finding> {
    let refused = &contract.documents.refused;
    let mut out: Vec<Finding> = refused
        .iter()
        .take(MAX_REFUSED_SHOWN)
        .map(|(doc, pointer, reference)| {
            let shown = crate::text::excerpt(&crate::text::strip_userinfo(reference), 200);
            let mut f = Finding::new(
                api,
                Kind::LintRefRefused,
                format!("`$ref: {shown}` was refused: drift reads only files under the contract's folder, so this schema accepts any value"),
            );
            f.spec_location = Some(contract.location(*doc, pointer));
            f.actual = Some(shown);
            f
        })
        .collect();
    if refused.len() > MAX_REFUSED_SHOWN {
        out.push(Finding::new(
            api,
            Kind::LintRefRefused,
            format!(
                "{} more `$ref`s to other hosts or `file:` URLs were refused",
                refused.len() - MAX_REFUSED_SHOWN
            ),
        ));
    }
    out
}

/// How many refused `$ref`s lint lists one by one.
const MAX_REFUSED_SHOWN: usize = 50;
