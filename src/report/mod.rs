//! Stage 6, `report`: render what a command produced. One [`Reporter`] per [`Format`] (one file
//! each: `terminal.rs`, `json.rs`, `markdown.rs`), chosen from the registry by [`reporter`]; they
//! read immutable data (a [`CheckReport`], lint findings, a contract's operations, docs pages, the
//! rule registry), write to `&mut dyn Write`, and never re-run checks. Every command parses its
//! `--format F[=PATH]` and `--output PATH` with [`outputs`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod docs;
pub mod json;
pub mod markdown;
pub mod ops;
pub mod rules;
pub mod snapshots;
pub mod terminal;

use crate::check::Outcome;
use crate::findings::Finding;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable, coloured on a terminal (`text` is accepted too).
    Terminal,
    /// The versioned JSON documents (`src/report/json.rs`).
    Json,
    /// Markdown (the rule registry; more to come).
    Markdown,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Json => "json",
            Format::Markdown => "markdown",
        }
    }

    fn parse(name: &str) -> Option<Format> {
        match name {
            "terminal" | "text" => Some(Format::Terminal),
            "json" => Some(Format::Json),
            "markdown" | "md" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// One requested output: a format, and a file (`None`: standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub path: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("unknown format `{name}` (this command writes: {supported})")]
    Unknown { name: String, supported: String },
    #[error("--output goes with exactly one --format; use --format F=PATH for several")]
    OutputNeedsOneFormat,
}

/// Parse repeatable `--format F[=PATH]` values and `--output PATH` (the one-format form of
/// `--format F=PATH`). Nothing requested means the terminal on standard output.
pub fn outputs(
    formats: &[String],
    output: Option<&Path>,
    supported: &[Format],
) -> Result<Vec<Output>, FormatError> {
    let mut out = Vec::new();
    for f in formats {
        let (name, path) = match f.split_once('=') {
            Some((n, p)) => (n, Some(PathBuf::from(p))),
            None => (f.as_str(), None),
        };
        let format = Format::parse(name)
            .filter(|f| supported.contains(f))
            .ok_or_else(|| FormatError::Unknown {
                name: name.to_string(),
                supported: supported
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        out.push(Output { format, path });
    }
    if out.is_empty() {
        out.push(Output {
            format: Format::Terminal,
            path: None,
        });
    }
    if let Some(path) = output {
        if out.len() != 1 || out[0].path.is_some() {
            return Err(FormatError::OutputNeedsOneFormat);
        }
        out[0].path = Some(path.to_path_buf());
    }
    Ok(out)
}

/// What a reporter renders; a format that does not render something says so.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the {format} format does not render {what}")]
    Unsupported {
        format: &'static str,
        what: &'static str,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// The findings of `drift lint`: the API, its contract, what was found.
pub struct LintView<'a> {
    pub api: &'a str,
    pub spec: &'a Path,
    pub contract: &'a crate::spec::Contract,
    pub findings: &'a [Finding],
}

/// Renders each kind of data drift produces in one format. Methods a format does not support
/// keep the default, which says so.
pub trait Reporter {
    fn format(&self) -> Format;

    fn check(&self, _w: &mut dyn Write, _report: &CheckReport) -> Result<(), ReportError> {
        Err(self.unsupported("a check report"))
    }

    fn lint(&self, _w: &mut dyn Write, _view: &LintView<'_>) -> Result<(), ReportError> {
        Err(self.unsupported("lint findings"))
    }

    fn operations(
        &self,
        _w: &mut dyn Write,
        _view: &ops::OperationsView<'_>,
    ) -> Result<(), ReportError> {
        Err(self.unsupported("operations"))
    }

    fn pages(&self, _w: &mut dyn Write, _pages: &[crate::docs::Page]) -> Result<(), ReportError> {
        Err(self.unsupported("documentation pages"))
    }

    fn rules(
        &self,
        _w: &mut dyn Write,
        _rules: &[&crate::rules::Rule],
        _full: bool,
    ) -> Result<(), ReportError> {
        Err(self.unsupported("the rule registry"))
    }

    fn unsupported(&self, what: &'static str) -> ReportError {
        ReportError::Unsupported {
            format: self.format().name(),
            what,
        }
    }
}

/// The registry: the reporter of a format (`palette` matters to the terminal only).
pub fn reporter(format: Format, palette: terminal::Palette) -> Box<dyn Reporter> {
    match format {
        Format::Terminal => Box::new(terminal::TerminalReporter { palette }),
        Format::Json => Box::new(json::JsonReporter),
        Format::Markdown => Box::new(markdown::MarkdownReporter),
    }
}

/// Everything a `drift check` run produced: the JSON report, version 1 (documented in
/// `json.rs`), read and written with serde. Field order is the wire order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    /// [`json::REPORT_VERSION`].
    pub version: u32,
    pub tool: Tool,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: u64,
    pub apis: Vec<ApiSummary>,
    /// Sorted by (api, path, method).
    pub operations: Vec<OperationResult>,
    /// Sorted by (severity, api, operation, kind, pointer).
    pub findings: Vec<Finding>,
    /// Counts of `findings` by severity.
    pub summary: crate::findings::Summary,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    /// This build of drift.
    pub fn current() -> Tool {
        Tool {
            name: "drift".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

impl CheckReport {
    /// A report of this build, its summary counted from the findings.
    pub fn new(
        started_at: String,
        duration_ms: u64,
        apis: Vec<ApiSummary>,
        operations: Vec<OperationResult>,
        findings: Vec<Finding>,
    ) -> CheckReport {
        CheckReport {
            version: json::REPORT_VERSION,
            tool: Tool::current(),
            started_at,
            duration_ms,
            apis,
            operations,
            summary: crate::findings::Summary::of(&findings),
            findings,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiSummary {
    pub name: String,
    pub spec: String,
    /// The base URL, or `mock`.
    pub target: String,
    pub operations_total: usize,
    pub operations_checked: usize,
    pub operations_skipped: usize,
    /// Things the user should know about this run (e.g. auth not applied against the mock).
    pub notes: Vec<String>,
    /// Why the API could not run at all (its contract, docs pages or credentials); then it has
    /// no operations and one `api.error` finding. Absent from the JSON when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OperationResult {
    pub api: String,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub url: Option<String>,
    pub status: Option<u16>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub duration_ms: Option<u64>,
}
