//! Finding kinds and severities: the typed vocabulary of every finding. The registry of their
//! docs (`crate::rules`) and every emitter read the id and the default severity from here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The check itself could not run.
    Error,
    /// A client written against the contract would break.
    Breaking,
    /// The contract is incomplete or surprising.
    Warning,
    /// Worth knowing, never a failure by default.
    Info,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Error, Self::Breaking, Self::Warning, Self::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Breaking => "breaking",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }

    /// Whether a finding of this severity fails a run with the given threshold.
    ///
    /// `error` findings always count: a check that could not run is never a pass.
    pub fn reaches(self, threshold: Severity) -> bool {
        self == Self::Error || self <= threshold
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares [`Kind`]: one variant per registered id, with its default severity.
macro_rules! kinds {
    ($($variant:ident = $id:literal => $severity:ident,)*) => {
        /// Every finding kind drift can emit; `Schema` is the `schema.<keyword>` family. A finding
        /// is made from a `Kind`, never from a free string, so every kind emitted is registered.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind { $($variant,)* }

        impl Kind {
            /// Every kind, in registry order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The stable id reports and configuration use (`schema.*` for the family).
            pub const fn id(self) -> &'static str {
                match self { $(Kind::$variant => $id,)* }
            }

            /// The default severity of a finding of this kind.
            pub const fn severity(self) -> Severity {
                match self { $(Kind::$variant => Severity::$severity,)* }
            }
        }
    };
}

kinds! {
    StatusUndeclared = "status.undeclared" => Breaking,
    ContentTypeMismatch = "content-type.mismatch" => Warning,
    BodyEmpty = "body.empty" => Breaking,
    BodyInvalidJson = "body.invalid-json" => Breaking,
    BodyTooLarge = "body.too-large" => Error,
    Schema = "schema.*" => Breaking,
    TransportTimeout = "transport.timeout" => Error,
    TransportConnect = "transport.connect" => Error,
    TransportTls = "transport.tls" => Error,
    TransportError = "transport.error" => Error,
    TransportHttp5xx = "transport.http-5xx" => Error,
    TransportRateLimited = "transport.rate-limited" => Error,
    AuthFailed = "auth.failed" => Error,
    ApiError = "api.error" => Error,
    ConfigIgnoreExpired = "config.ignore-expired" => Warning,
    ConfigIgnoreUnused = "config.ignore-unused" => Info,
    StatusChanged = "status.changed" => Breaking,
    StatusRedirected = "status.redirected" => Info,
    ContentTypeChanged = "content-type.changed" => Breaking,
    SnapshotAdded = "snapshot.added" => Info,
    SnapshotRemoved = "snapshot.removed" => Breaking,
    SnapshotTypeChanged = "snapshot.type-changed" => Breaking,
    SnapshotValueChanged = "snapshot.value-changed" => Breaking,
    SnapshotMissing = "snapshot.missing" => Info,
    SnapshotNotRecorded = "snapshot.not-recorded" => Error,
    SnapshotUnreadable = "snapshot.unreadable" => Error,
    DocsAdded = "docs.added" => Warning,
    DocsRemoved = "docs.removed" => Breaking,
    DocsTypeChanged = "docs.type-changed" => Breaking,
    DocsOperationMissing = "docs.operation-missing" => Warning,
    DocsUnreadable = "docs.unreadable" => Warning,
    PaginationBrokenLink = "pagination.broken-link" => Breaking,
    PaginationPageOversize = "pagination.page-oversize" => Warning,
    PaginationDuplicate = "pagination.duplicate" => Warning,
    PaginationCountMismatch = "pagination.count-mismatch" => Warning,
    PaginationMissingNext = "pagination.missing-next" => Breaking,
    PaginationCountOnly = "pagination.count-only" => Warning,
    PaginationLinkSet = "pagination.link-set" => Warning,
    ExampleInvalid = "example.invalid" => Warning,
    LintUnknownFormat = "lint.unknown-format" => Info,
    LintUnsupportedPattern = "lint.unsupported-pattern" => Info,
    LintSchemaInvalid = "lint.schema-invalid" => Warning,
    LintRefRefused = "lint.ref-refused" => Warning,
    LintNonstandardType = "lint.nonstandard-type" => Warning,
    LintPathTemplate = "lint.path-template" => Warning,
    LintDefaultInvalid = "lint.default-invalid" => Warning,
    LintUnsatisfiable = "lint.unsatisfiable" => Warning,
    SpecOperationRemoved = "spec.operation-removed" => Breaking,
    SpecOperationAdded = "spec.operation-added" => Info,
    SpecSecurityNarrowed = "spec.security-narrowed" => Breaking,
    SpecSecurityWidened = "spec.security-widened" => Info,
    SpecSecuritySchemeChanged = "spec.security-scheme-changed" => Breaking,
    SpecVersionNotBumped = "spec.version-not-bumped" => Warning,
    SpecRequestParameterRemoved = "spec.request.parameter-removed" => Info,
    SpecRequestParameterAdded = "spec.request.parameter-added" => Info,
    SpecRequestRequiredAdded = "spec.request.required-added" => Breaking,
    SpecRequestRequiredRemoved = "spec.request.required-removed" => Info,
    SpecRequestBodyRemoved = "spec.request.body-removed" => Breaking,
    SpecRequestOptionalBodyRemoved = "spec.request.optional-body-removed" => Info,
    SpecRequestMediaTypeRemoved = "spec.request.media-type-removed" => Breaking,
    SpecRequestPropertyRemoved = "spec.request.property-removed" => Info,
    SpecRequestPropertyAdded = "spec.request.property-added" => Info,
    SpecRequestTypeNarrowed = "spec.request.type-narrowed" => Breaking,
    SpecRequestTypeWidened = "spec.request.type-widened" => Info,
    SpecRequestEnumValueRemoved = "spec.request.enum-value-removed" => Breaking,
    SpecRequestEnumValueAdded = "spec.request.enum-value-added" => Info,
    SpecRequestConstraintTightened = "spec.request.constraint-tightened" => Breaking,
    SpecRequestConstraintLoosened = "spec.request.constraint-loosened" => Info,
    SpecRequestVariantRemoved = "spec.request.variant-removed" => Breaking,
    SpecRequestVariantAdded = "spec.request.variant-added" => Info,
    SpecRequestDiscriminatorChanged = "spec.request.discriminator-changed" => Breaking,
    SpecRequestUnproven = "spec.request.unproven-change" => Warning,
    SpecResponseStatusRemoved = "spec.response.status-removed" => Breaking,
    SpecResponseBodyRemoved = "spec.response.body-removed" => Breaking,
    SpecResponseErrorStatusRemoved = "spec.response.error-status-removed" => Info,
    SpecResponseStatusAdded = "spec.response.status-added" => Info,
    SpecResponseHeaderRemoved = "spec.response.header-removed" => Breaking,
    SpecResponseErrorHeaderRemoved = "spec.response.error-header-removed" => Info,
    SpecResponseMediaTypeRemoved = "spec.response.media-type-removed" => Breaking,
    SpecResponsePropertyRemoved = "spec.response.property-removed" => Breaking,
    SpecResponsePropertyAdded = "spec.response.property-added" => Info,
    SpecResponseRequiredRemoved = "spec.response.required-removed" => Breaking,
    SpecResponseRequiredAdded = "spec.response.required-added" => Info,
    SpecResponseTypeWidened = "spec.response.type-widened" => Breaking,
    SpecResponseTypeNarrowed = "spec.response.type-narrowed" => Info,
    SpecResponseEnumValueAdded = "spec.response.enum-value-added" => Breaking,
    SpecResponseEnumValueRemoved = "spec.response.enum-value-removed" => Info,
    SpecResponseConstraintLoosened = "spec.response.constraint-loosened" => Breaking,
    SpecResponseConstraintTightened = "spec.response.constraint-tightened" => Info,
    SpecResponsePropertiesOpened = "spec.response.properties-opened" => Info,
    SpecResponseVariantAdded = "spec.response.variant-added" => Breaking,
    SpecResponseVariantRemoved = "spec.response.variant-removed" => Info,
    SpecResponseDiscriminatorChanged = "spec.response.discriminator-changed" => Breaking,
    SpecResponseUnproven = "spec.response.unproven-change" => Warning,
}

impl Kind {
    /// The kind of an id as reports write it (`schema.type` is the `schema.*` family).
    pub fn of_id(id: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.id() == id)
            .or_else(|| {
                id.strip_prefix("schema.")
                    .filter(|keyword| !keyword.is_empty())
                    .map(|_| Kind::Schema)
            })
    }

    /// The class of the kind: the first segment of its id (`snapshot`, `schema`, `spec`, …).
    pub fn class(self) -> &'static str {
        let id = self.id();
        id.split_once('.').map_or(id, |(class, _)| class)
    }

    /// Whether some kind's id is in `family`: a dotted prefix of it, written `spec.response`,
    /// `spec.response.*` or `schema`.
    pub fn is_family(family: &str) -> bool {
        let family = family.strip_suffix(".*").unwrap_or(family);
        Kind::of_id(family).is_some()
            || (!family.is_empty() && Kind::ALL.iter().any(|k| in_family(k.id(), family)))
    }

    /// The ids that replaced a retired one (the differ's rules became one per direction).
    pub fn successors(retired: &str) -> &'static [&'static str] {
        RETIRED
            .iter()
            .find(|(old, _)| *old == retired)
            .map_or(&[], |(_, new)| *new)
    }
}

/// Whether id `id` (`schema.required`, `spec.response.type-widened`) is in `family` (`schema`,
/// `spec.response`, with or without `.*`): the family is the id or a dotted prefix of it.
pub fn in_family(id: &str, family: &str) -> bool {
    let family = family.strip_suffix(".*").unwrap_or(family);
    id == family
        || id
            .strip_prefix(family)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Ids of earlier releases and the ones that replaced them.
const RETIRED: &[(&str, &[&str])] = &[
    (
        "spec.security-changed",
        &["spec.security-narrowed", "spec.security-widened"],
    ),
    (
        "spec.parameter-removed",
        &["spec.request.parameter-removed"],
    ),
    ("spec.parameter-added", &["spec.request.parameter-added"]),
    (
        "spec.required-added",
        &[
            "spec.request.required-added",
            "spec.response.required-added",
        ],
    ),
    (
        "spec.required-removed",
        &[
            "spec.response.required-removed",
            "spec.request.required-removed",
        ],
    ),
    (
        "spec.request-body-removed",
        &[
            "spec.request.body-removed",
            "spec.request.optional-body-removed",
        ],
    ),
    (
        "spec.media-type-removed",
        &[
            "spec.request.media-type-removed",
            "spec.response.media-type-removed",
        ],
    ),
    (
        "spec.property-removed",
        &[
            "spec.response.property-removed",
            "spec.request.property-removed",
        ],
    ),
    (
        "spec.property-added",
        &[
            "spec.response.property-added",
            "spec.request.property-added",
        ],
    ),
    (
        "spec.type-changed",
        &[
            "spec.response.type-widened",
            "spec.request.type-narrowed",
            "spec.response.discriminator-changed",
            "spec.request.discriminator-changed",
        ],
    ),
    (
        "spec.enum-value-added",
        &[
            "spec.response.enum-value-added",
            "spec.request.enum-value-added",
        ],
    ),
    (
        "spec.enum-value-removed",
        &[
            "spec.request.enum-value-removed",
            "spec.response.enum-value-removed",
        ],
    ),
    (
        "spec.constraint-changed",
        &[
            "spec.request.constraint-tightened",
            "spec.response.constraint-loosened",
            "spec.request.unproven-change",
            "spec.response.unproven-change",
        ],
    ),
    (
        "spec.status-removed",
        &[
            "spec.response.status-removed",
            "spec.response.body-removed",
            "spec.response.error-status-removed",
        ],
    ),
    ("spec.status-added", &["spec.response.status-added"]),
    (
        "spec.response-header-removed",
        &[
            "spec.response.header-removed",
            "spec.response.error-header-removed",
        ],
    ),
];

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_dotted_prefixes() {
        for family in [
            "spec",
            "spec.*",
            "spec.request",
            "spec.response.*",
            "schema",
            "schema.*",
        ] {
            assert!(Kind::is_family(family), "{family}");
        }
        assert!(Kind::is_family("schema.required"));
        for not in ["spe", "spec.req", "spec.request.type", "", ".*"] {
            assert!(!Kind::is_family(not), "{not}");
        }
    }

    #[test]
    fn every_retired_id_names_live_successors() {
        for (old, new) in RETIRED {
            assert!(Kind::of_id(old).is_none(), "{old} is live again");
            assert!(!new.is_empty());
            for id in *new {
                assert!(Kind::of_id(id).is_some(), "{old} → {id}: no such rule");
            }
        }
        assert_eq!(
            Kind::successors("spec.security-changed"),
            ["spec.security-narrowed", "spec.security-widened"]
        );
    }
}
