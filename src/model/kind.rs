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
    SpecParameterRemoved = "spec.parameter-removed" => Info,
    SpecRequiredAdded = "spec.required-added" => Breaking,
    SpecRequiredRemoved = "spec.required-removed" => Breaking,
    SpecPropertyRemoved = "spec.property-removed" => Breaking,
    SpecPropertyAdded = "spec.property-added" => Info,
    SpecTypeChanged = "spec.type-changed" => Breaking,
    SpecEnumValueAdded = "spec.enum-value-added" => Breaking,
    SpecEnumValueRemoved = "spec.enum-value-removed" => Breaking,
    SpecConstraintChanged = "spec.constraint-changed" => Breaking,
    SpecStatusRemoved = "spec.status-removed" => Breaking,
    SpecStatusAdded = "spec.status-added" => Info,
    SpecMediaTypeRemoved = "spec.media-type-removed" => Breaking,
    SpecSecurityChanged = "spec.security-changed" => Breaking,
    SpecSecuritySchemeChanged = "spec.security-scheme-changed" => Breaking,
    SpecParameterAdded = "spec.parameter-added" => Info,
    SpecRequestBodyRemoved = "spec.request-body-removed" => Breaking,
    SpecResponseHeaderRemoved = "spec.response-header-removed" => Breaking,
    SpecVersionNotBumped = "spec.version-not-bumped" => Warning,
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
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
