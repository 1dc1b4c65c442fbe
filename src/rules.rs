//! The registry of finding kinds: stable ids, default severities and the docs `drift rules` prints.
//!
//! Every finding drift emits has a kind listed here (`schema.<keyword>` is one family entry).
//! Ids are stable: reports, SARIF rules and user configuration refer to them.

use crate::findings::Severity;

/// One finding kind.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The kind id, e.g. `example.invalid`; a family ends in `.*`.
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what it detects.
    pub summary: &'static str,
    /// Why it matters and an example, in Markdown.
    pub doc: &'static str,
}

/// Every registered rule, in display order.
pub static RULES: &[Rule] = &[
    Rule {
        id: "example.invalid",
        severity: Severity::Warning,
        summary: "a documented example does not match its own schema",
        doc: "\
A documented example — a schema `example` at any depth, a media-type `example` or `examples`
entry, or a Swagger 2.0 response `examples` value — fails validation against the schema it
documents. Client authors copy examples into tests and fixtures; an example the schema rejects
means either the example or the schema is wrong, and one of them will mislead.

The finding's `pointer` is the failing place inside the example, `schema_pointer` the failing
schema keyword, and `spec_location` the example's own place in the contract file.

Example: `#/definitions/Patient/example` has `\"birth_date\": 19840512` while
`#/definitions/Patient/properties/birth_date` says `type: string`.",
    },
    Rule {
        id: "lint.unknown-format",
        severity: Severity::Info,
        summary: "a schema uses a `format` drift does not know; it is kept but not enforced",
        doc: "\
JSON Schema only defines a handful of formats (`date-time`, `date`, `email`, `uri`, `uuid`, …);
OpenAPI adds `int32`, `int64`, `float`, `double`, `byte`, `binary`, `password`. Anything else —
`dateTime`, `ISODate` — is tolerated: values are not checked against it. This finding lists each
place so the author can switch to a standard name (usually `date-time`) and get the check.

Example: `format: dateTime` at `#/definitions/Patient/properties/created_at`.",
    },
    Rule {
        id: "lint.unsupported-pattern",
        severity: Severity::Info,
        summary: "a `pattern` the regular-expression engine cannot compile; it is not enforced",
        doc: "\
JSON Schema patterns are ECMA-262 regular expressions; drift's engine (Rust `regex` with
look-around support) accepts almost all of them, but not every ECMA or Java construct (for example
`\\p{XDigit}`) nor patterns past its size limit (`^.{0,262144}$`). Such a pattern is dropped, so the
rest of its schema is still enforced, and this finding lists each place.

Example: `pattern: \"\\p{XDigit}{8}\"` at `#/components/schemas/Id/pattern`.",
    },
    Rule {
        id: "lint.schema-invalid",
        severity: Severity::Warning,
        summary:
            "a schema cannot be compiled into a validator, so responses using it are not checked",
        doc: "\
The JSON Schema validator rejected a schema after the OpenAPI dialect was translated, for example
an invalid regular expression in `pattern` or a `$ref` that leaves the loaded files. drift keeps
going: other schemas are still checked, and this finding says which one was skipped and why.",
    },
];

/// The rule registered for a kind: an exact id, or the family (`schema.*`) it belongs to.
pub fn find(kind: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == kind).or_else(|| {
        RULES.iter().find(|r| {
            r.id.strip_suffix(".*").is_some_and(|family| {
                kind.strip_prefix(family)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    })
}

/// The default severity of a kind; unknown kinds are `warning`.
pub fn default_severity(kind: &str) -> Severity {
    find(kind).map_or(Severity::Warning, |r| r.severity)
}

/// Ids of registered rules close to `kind`, for "did you mean …?".
pub fn suggest(kind: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = RULES
        .iter()
        .map(|r| (crate::text::edit_distance(kind, r.id), r.id))
        .filter(|(d, id)| *d <= 3 || id.contains(kind))
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, id)| id).take(3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(
                !rule.doc.is_empty() && !rule.summary.is_empty(),
                "{}",
                rule.id
            );
            assert!(
                RULES[i + 1..].iter().all(|r| r.id != rule.id),
                "duplicate {}",
                rule.id
            );
        }
    }

    #[test]
    fn lookup_exact_and_suggestions() {
        assert_eq!(
            find("example.invalid").map(|r| r.id),
            Some("example.invalid")
        );
        assert!(find("example.nope").is_none());
        assert_eq!(suggest("example.invlid"), vec!["example.invalid"]);
    }
}
