//! Stage 6, `report`: render what a command produced. One [`Reporter`] per [`Format`] (one file
//! each: `terminal.rs`, `json.rs`, `markdown.rs`), chosen from the registry by [`reporter`]; they
//! read immutable data (a [`CheckReport`], lint findings, a contract's operations, docs pages, the
//! rule registry), write to `&mut dyn Write`, and never re-run checks. Every command parses its
//! `--format F[=PATH]` and `--output PATH` with [`outputs`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod docs;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod ops;
pub mod rules;
pub mod sarif;
pub mod snapshots;
pub mod terminal;
pub mod timeline;

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
    /// Markdown: the job summary / PR comment of a check, the rule registry.
    Markdown,
    /// JUnit XML: a suite per API, a test case per operation.
    Junit,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One self-contained HTML page (the nightly report).
    Html,
}

impl Format {
    /// The formats of a check report (`drift check`, `drift diff`, `drift report --merge`).
    pub const CHECK: &'static [Format] = &[
        Format::Terminal,
        Format::Json,
        Format::Markdown,
        Format::Junit,
        Format::Sarif,
        Format::Github,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Html => "html",
        }
    }

    fn parse(name: &str) -> Option<Format> {
        match name {
            "terminal" | "text" => Some(Format::Terminal),
            "json" => Some(Format::Json),
            "markdown" | "md" => Some(Format::Markdown),
            "junit" => Some(Format::Junit),
            "sarif" => Some(Format::Sarif),
            "github" => Some(Format::Github),
            "html" => Some(Format::Html),
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

    fn timeline(
        &self,
        _w: &mut dyn Write,
        _t: &timeline::Timeline,
        _built_at: &str,
    ) -> Result<(), ReportError> {
        Err(self.unsupported("a run history"))
    }

    fn unsupported(&self, what: &'static str) -> ReportError {
        ReportError::Unsupported {
            format: self.format().name(),
            what,
        }
    }
}

/// The registry: the reporter of a format (`palette` matters to the terminal only).
/// What a reporter needs beyond the report: colours, and the severity that fails the run (JUnit
/// failures are the findings at or above it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub palette: terminal::Palette,
    pub fail_on: crate::findings::Severity,
}

impl From<terminal::Palette> for Settings {
    fn from(palette: terminal::Palette) -> Settings {
        Settings {
            palette,
            fail_on: crate::findings::Severity::Breaking,
        }
    }
}

impl Settings {
    pub fn with_palette(self, palette: terminal::Palette) -> Settings {
        Settings { palette, ..self }
    }
}

pub fn reporter(format: Format, settings: Settings) -> Box<dyn Reporter> {
    match format {
        Format::Terminal => Box::new(terminal::TerminalReporter {
            palette: settings.palette,
        }),
        Format::Json => Box::new(json::JsonReporter),
        Format::Markdown => Box::new(markdown::MarkdownReporter),
        Format::Junit => Box::new(junit::JunitReporter {
            fail_on: settings.fail_on,
        }),
        Format::Sarif => Box::new(sarif::SarifReporter::new()),
        Format::Github => Box::new(github::GithubReporter::new()),
        Format::Html => Box::new(html::HtmlReporter),
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

/// The operations of one API with their findings, in report order, and the API's findings that
/// are about no operation (`api.error`).
pub struct ApiFindings<'r> {
    pub api: &'r ApiSummary,
    pub operations: Vec<(&'r OperationResult, Vec<&'r Finding>)>,
    pub general: Vec<&'r Finding>,
}

impl CheckReport {
    /// One report from the reports of shards of one run (`drift report --merge`): the APIs,
    /// operations and findings of all, in the order an unsharded run writes them; the earliest
    /// start and the longest duration. An API in two reports is an error.
    pub fn merge(reports: Vec<CheckReport>) -> Result<CheckReport, String> {
        let started_at = reports
            .iter()
            .map(|r| r.started_at.clone())
            .min()
            .unwrap_or_default();
        let duration_ms = reports.iter().map(|r| r.duration_ms).max().unwrap_or(0);
        let (mut apis, mut operations, mut findings) = (Vec::new(), Vec::new(), Vec::new());
        let mut names = std::collections::HashSet::new();
        for r in reports {
            for a in &r.apis {
                if !names.insert(a.name.clone()) {
                    return Err(format!("API `{}` is in more than one report", a.name));
                }
            }
            apis.extend(r.apis);
            operations.extend(r.operations);
            findings.extend(r.findings);
        }
        Ok(CheckReport::assembled(
            started_at,
            duration_ms,
            apis,
            operations,
            findings,
        ))
    }

    /// A report in the canonical order: APIs by name, operations by (API, path, method),
    /// findings by [`crate::findings::sort`].
    pub fn assembled(
        started_at: String,
        duration_ms: u64,
        mut apis: Vec<ApiSummary>,
        mut operations: Vec<OperationResult>,
        mut findings: Vec<Finding>,
    ) -> CheckReport {
        apis.sort_by(|a, b| a.name.cmp(&b.name));
        operations.sort_by(|a, b| (&a.api, &a.path, &a.method).cmp(&(&b.api, &b.path, &b.method)));
        crate::findings::sort(&mut findings);
        CheckReport::new(started_at, duration_ms, apis, operations, findings)
    }

    /// The report grouped per API and operation: what the CI reporters walk. Linear in the
    /// report's size.
    pub fn per_api(&self) -> Vec<ApiFindings<'_>> {
        use std::collections::HashMap;
        let mut by_op: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
        let mut general: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in &self.findings {
            match &f.operation {
                Some(op) => by_op.entry((&f.api, &op.id)).or_default().push(f),
                None => general.entry(&f.api).or_default().push(f),
            }
        }
        let mut ops: HashMap<&str, Vec<(&OperationResult, Vec<&Finding>)>> = HashMap::new();
        for o in &self.operations {
            let found = by_op
                .remove(&(o.api.as_str(), o.operation_id.as_str()))
                .unwrap_or_default();
            ops.entry(&o.api).or_default().push((o, found));
        }
        // A finding about an operation the report does not list is still reported.
        for ((api, _), found) in by_op {
            general.entry(api).or_default().extend(found);
        }
        self.apis
            .iter()
            .map(|api| ApiFindings {
                api,
                operations: ops.remove(api.name.as_str()).unwrap_or_default(),
                general: general.remove(api.name.as_str()).unwrap_or_default(),
            })
            .collect()
    }

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
    /// Wall time of this API's part of the run: loading, planning, replaying, checking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
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
    /// Path parameters taken from live responses earlier in the run
    /// (`id ← data[0].id of GET /patients (live)`). Absent from the JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub live: Vec<String>,
    /// What walking the collection's pages saw, one line per walk
    /// (`page (page[size]=10): 3 page(s), 25 item(s) of 25, to the end`). Absent when not paged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
}
