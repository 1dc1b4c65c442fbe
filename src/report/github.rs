//! GitHub Actions workflow commands: one annotation per finding — `::error` for breaking (and
//! for `error`, the check could not run), `::warning`, `::notice` for info — on the contract file
//! and line, grouped per API with `::group::`. Values are escaped the way the runner unescapes
//! them: `%`, `\r`, `\n` in messages; also `:` and `,` in properties. A finding's text can never
//! start a command of its own, since it can never start a line.

use super::sarif::{repo_relative, repository_root};
use super::{Format, ReportError, Reporter};
use crate::model::CheckReport;
use crate::model::{Finding, Severity};
use std::io::Write;
use std::path::PathBuf;

pub struct GithubReporter {
    pub root: Option<PathBuf>,
}

impl GithubReporter {
    /// File paths relative to `GITHUB_WORKSPACE` (or the Git repository), as annotations need.
    pub fn new() -> GithubReporter {
        GithubReporter {
            root: repository_root(),
        }
    }
}

impl Default for GithubReporter {
    fn default() -> GithubReporter {
        GithubReporter::new()
    }
}

/// Running as a GitHub Actions step (`GITHUB_ACTIONS=true`): colours allowed, no progress redraws.
/// Output for standard output: in a GitHub Actions step, whose log reads standard output for
/// workflow commands, with none left in it (only `--format github` writes them).
pub fn for_stdout(text: Vec<u8>) -> Vec<u8> {
    if !in_github_actions() {
        return text;
    }
    crate::text::defang_workflow_commands(&String::from_utf8_lossy(&text))
        .into_owned()
        .into_bytes()
}

pub fn in_github_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// The most annotations of one kind (error, warning, notice) drift writes: GitHub shows no more
/// per step; the rest are counted in one line pointing to the job summary.
pub const MAX_ANNOTATIONS: usize = 10;

/// The workflow command of a severity, and its index among the kinds.
fn annotation(severity: Severity) -> (&'static str, usize) {
    match severity {
        Severity::Error | Severity::Breaking => ("error", 0),
        Severity::Warning => ("warning", 1),
        Severity::Info => ("notice", 2),
    }
}

/// A message: `%`, CR and LF escaped the way the runner unescapes them; other control
/// characters and bidirectional overrides shown escaped (`\u{1b}`).
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::text::escape_control(&s, false).into_owned()
}

/// A property value: [`escape_data`] plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for GithubReporter {
    fn format(&self) -> Format {
        Format::Github
    }

    fn check(&self, w: &mut dyn Write, report: &CheckReport) -> Result<(), ReportError> {
        // Per kind of annotation: how many were written, and how many more there were.
        let mut written = [0usize; 3];
        let mut left_out = 0usize;
        for api in report.per_api() {
            let total: usize =
                api.general.len() + api.operations.iter().map(|(_, f)| f.len()).sum::<usize>();
            // A clean API leaves no empty group in the log.
            if total == 0 {
                continue;
            }
            let title = format!(
                "drift: {} ({} → {}): {total} finding(s)",
                api.api.name, api.api.spec, api.api.target
            );
            writeln!(w, "::group::{}", escape_data(&title))?;
            let findings = api
                .general
                .iter()
                .chain(api.operations.iter().flat_map(|(_, f)| f.iter()));
            for f in findings {
                let n = &mut written[annotation(f.severity).1];
                if *n < MAX_ANNOTATIONS {
                    *n += 1;
                    writeln!(w, "{}", self.command(f))?;
                } else {
                    left_out += 1;
                }
            }
            writeln!(w, "::endgroup::")?;
        }
        if left_out > 0 {
            writeln!(
                w,
                "drift: {left_out} more finding(s) not annotated (GitHub shows {MAX_ANNOTATIONS} annotations of each kind per step): see the job summary or the SARIF report"
            )?;
        }
        Ok(())
    }
}

impl GithubReporter {
    /// `::error file=specs/x.yaml,line=12,title=schema.type GET /x (getX)::message`
    pub fn command(&self, f: &Finding) -> String {
        let name = annotation(f.severity).0;
        let mut props = Vec::new();
        if let Some(loc) = f.spec_location.as_ref().filter(|l| !l.file.is_empty()) {
            let file = repo_relative(&loc.file, self.root.as_deref());
            props.push(format!("file={}", escape_property(&file)));
            if let Some(line) = loc.line {
                props.push(format!("line={line}"));
            }
        }
        let title = match &f.operation {
            Some(op) => format!("{} {} {} ({})", f.kind, op.method, op.path, op.id),
            None => format!("{} {}", f.kind, f.api),
        };
        props.push(format!("title={}", escape_property(&title)));
        let mut message = format!("{}: {}", f.severity, f.message);
        if !f.pointer.is_empty() {
            message = format!("{message} (at {})", f.pointer);
        }
        if let Some(r) = &f.reproduce {
            message.push_str(&format!("\nreproduce: {r}"));
        }
        format!("::{name} {}::{}", props.join(","), escape_data(&message))
    }
}

/// A writer for a log a GitHub Actions runner reads: whole lines, each made inert with
/// [`crate::text::defang_workflow_commands`].
pub struct WorkflowSafe<'a> {
    inner: &'a mut dyn Write,
    line: Vec<u8>,
}

impl<'a> WorkflowSafe<'a> {
    pub fn new(inner: &'a mut dyn Write) -> WorkflowSafe<'a> {
        WorkflowSafe {
            inner,
            line: Vec::new(),
        }
    }

    fn write_line(&mut self) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(&self.line);
        let safe = crate::text::defang_workflow_commands(&text);
        self.inner.write_all(safe.as_bytes())?;
        self.line.clear();
        Ok(())
    }
}

impl Write for WorkflowSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for chunk in buf.split_inclusive(|b| *b == b'\n') {
            self.line.extend_from_slice(chunk);
            if chunk.ends_with(b"\n") {
                self.write_line()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.write_line()?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Annotations past GitHub's ten per kind and step were written and silently dropped by the
    // runner; clean APIs left empty groups in the log.
    #[test]
    fn annotations_are_capped_and_clean_apis_leave_no_group() {
        use crate::model::{ApiSummary, Kind};
        let api = |name: &str| ApiSummary {
            name: name.into(),
            spec: "s.yaml".into(),
            target: "mock".into(),
            operations_total: 0,
            operations_checked: 0,
            operations_skipped: 0,
            notes: Vec::new(),
            error: None,
            duration_ms: None,
        };
        let findings: Vec<Finding> = (0..25)
            .map(|i| Finding::new("noisy", Kind::StatusUndeclared, format!("finding {i}")))
            .chain(std::iter::once(Finding::new(
                "noisy",
                Kind::SnapshotAdded,
                "one info",
            )))
            .collect();
        let report = CheckReport::new(
            "t".into(),
            0,
            vec![api("clean"), api("noisy")],
            Vec::new(),
            findings,
        );
        let mut out = Vec::new();
        let reporter = GithubReporter { root: None };
        reporter
            .check(&mut out, &report)
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.matches("::error ").count(), MAX_ANNOTATIONS, "{text}");
        assert_eq!(text.matches("::notice ").count(), 1, "{text}");
        assert!(
            text.contains("drift: 15 more finding(s) not annotated"),
            "{text}"
        );
        assert!(!text.contains("drift: clean"), "{text}");
        assert_eq!(text.matches("::group::").count(), 1, "{text}");
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50%\r\n::x"), "50%25%0D%0A::x");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // Raw ESC and bidirectional overrides never reach the log.
        assert_eq!(
            escape_data("a\u{1b}[31mb\u{202e}c\u{2066}"),
            "a\\u{1b}[31mb\\u{202e}c\\u{2066}"
        );
    }
}
