//! Stage 6, `report`: render what a command produced. One [`Reporter`] per [`Format`] (one file
//! each: `terminal.rs`, `json.rs`, `markdown.rs`), chosen from the registry by [`reporter`]; they
//! read immutable data (a [`CheckReport`], lint findings, a contract's operations, docs pages, the
//! rule registry), write to `&mut dyn Write`, and never re-run checks. Every command parses its
//! `--format F[=PATH]` and `--output PATH` with [`outputs`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod docs;
pub mod feed;
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

use crate::model::{CheckReport, Finding};
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

/// What a command renders. Which formats render which view is written once, in
/// [`Format::renders`]; every command's list of formats (and its error message) comes from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// A check report (`drift check`, `drift diff`, `drift report --merge`).
    Check,
    /// What `drift snapshot` recorded.
    Record,
    Lint,
    Operations,
    Pages,
    Rules,
    /// The nightly report from a history.
    Timeline,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Terminal,
        Format::Json,
        Format::Markdown,
        Format::Junit,
        Format::Sarif,
        Format::Github,
        Format::Html,
    ];

    /// Whether this format renders `view`.
    pub fn renders(self, view: View) -> bool {
        use Format::*;
        match view {
            View::Check => matches!(self, Terminal | Json | Markdown | Junit | Sarif | Github),
            View::Record | View::Lint | View::Operations | View::Pages => {
                matches!(self, Terminal | Json)
            }
            View::Rules => matches!(self, Terminal | Json | Markdown),
            View::Timeline => matches!(self, Terminal | Markdown | Html | Json),
        }
    }

    /// The formats that render `view`, in display order.
    pub fn rendering(view: View) -> Vec<Format> {
        Format::ALL
            .into_iter()
            .filter(|f| f.renders(view))
            .collect()
    }

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
    #[error("--format {formats} share standard output, where a reader of {machine} could not parse it; give all but one a file (--format {machine}=PATH)")]
    SharedStdout { formats: String, machine: String },
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
    // The terminal report and workflow commands share a log; a document meant for a parser
    // (JSON, SARIF, JUnit, Markdown, HTML) must have standard output to itself.
    let on_stdout: Vec<Format> = out
        .iter()
        .filter(|o| o.path.is_none())
        .map(|o| o.format)
        .collect();
    let machine = on_stdout
        .iter()
        .find(|f| !matches!(f, Format::Terminal | Format::Github));
    if let (Some(machine), true) = (machine, on_stdout.len() > 1) {
        return Err(FormatError::SharedStdout {
            formats: on_stdout
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(" and --format "),
            machine: machine.name().to_string(),
        });
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

    /// The report of `drift diff`: a check report (the terminal shows it change by change).
    fn diff(&self, w: &mut dyn Write, report: &CheckReport) -> Result<(), ReportError> {
        self.check(w, report)
    }

    /// What `drift snapshot` recorded: its check report (the terminal says what was written).
    fn record(&self, w: &mut dyn Write, view: &snapshots::Recorded<'_>) -> Result<(), ReportError> {
        self.check(w, view.report)
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
        _t: &crate::model::timeline::Timeline,
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
    pub fail_on: crate::model::Severity,
    /// The terminal shows only what needs attention (`-q`): APIs with drift or errors, no notes.
    pub quiet: bool,
}

impl From<terminal::Palette> for Settings {
    fn from(palette: terminal::Palette) -> Settings {
        Settings {
            palette,
            fail_on: crate::model::Severity::Breaking,
            quiet: false,
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
            quiet: settings.quiet,
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
