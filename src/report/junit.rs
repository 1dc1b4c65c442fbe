//! JUnit XML for CI test tabs: one `<testsuite>` per API, one `<testcase>` per planned operation
//! (`GET /patients/{id} (fetchPatient)`), a `<failure>` per finding at or above `--fail-on`, an
//! `<error>` per finding of severity `error` (the check could not run), `<skipped>` with the
//! reason for operations drift did not send. Findings below the threshold are listed in the case's
//! `<system-out>`. Times are in seconds. Counts on each suite are counts of those elements, so
//! they match the JSON report's findings.

use super::{Format, ReportError, Reporter};
use crate::model::CheckReport;
use crate::model::Outcome;
use crate::model::{Finding, Severity};
use std::fmt::Write as _;
use std::io::Write;

pub struct JunitReporter {
    pub fail_on: Severity,
}

impl Reporter for JunitReporter {
    fn format(&self) -> Format {
        Format::Junit
    }

    fn check(&self, w: &mut dyn Write, report: &CheckReport) -> Result<(), ReportError> {
        Ok(w.write_all(self.render(report).as_bytes())?)
    }
}

/// What one test case holds.
#[derive(Default)]
struct Case {
    xml: String,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl JunitReporter {
    pub fn render(&self, report: &CheckReport) -> String {
        let mut suites = String::new();
        let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        for api in report.per_api() {
            let mut body = String::new();
            let (mut f, mut e, mut s, mut time) = (0, 0, 0, 0u64);
            let mut cases = Vec::new();
            if !api.general.is_empty() {
                let name = format!("{} (setup)", api.api.name);
                cases.push(self.case(&api.api.name, &name, None, None, &api.general));
            }
            for (op, found) in &api.operations {
                let name = format!("{} {} ({})", op.method, op.path, op.operation_id);
                // An unverified operation ran but verified nothing: skipped, with the reason.
                let skip = match op.outcome {
                    Outcome::Skipped => Some(op.reason.clone().unwrap_or_else(|| "skipped".into())),
                    Outcome::Unverified => Some(format!(
                        "unverified: {}",
                        op.reason.as_deref().unwrap_or("an error answer")
                    )),
                    _ => None,
                };
                time = time.saturating_add(op.duration_ms.unwrap_or(0));
                cases.push(self.case(&api.api.name, &name, op.duration_ms, skip, found));
            }
            for c in &cases {
                body.push_str(&c.xml);
                (f, e, s) = (f + c.failures, e + c.errors, s + c.skipped);
            }
            let _ = writeln!(
                suites,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\" time=\"{}\" timestamp=\"{}\">",
                attr(&api.api.name),
                cases.len(),
                seconds(time),
                attr(report.started_at.trim_end_matches('Z')),
            );
            let _ = writeln!(
                suites,
                "    <properties>\n      <property name=\"spec\" value=\"{}\"/>\n      <property name=\"target\" value=\"{}\"/>\n    </properties>",
                attr(&api.api.spec),
                attr(&api.api.target)
            );
            suites.push_str(&body);
            suites.push_str("  </testsuite>\n");
            (tests, failures, errors, skipped) =
                (tests + cases.len(), failures + f, errors + e, skipped + s);
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"drift\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">\n{suites}</testsuites>\n",
            seconds(report.duration_ms)
        )
    }

    fn case(
        &self,
        api: &str,
        name: &str,
        duration_ms: Option<u64>,
        skip: Option<String>,
        found: &[&Finding],
    ) -> Case {
        let mut c = Case::default();
        let mut inner = String::new();
        let mut below = String::new();
        if let Some(reason) = skip {
            c.skipped += 1;
            let _ = writeln!(inner, "      <skipped message=\"{}\"/>", attr(&reason));
        }
        for f in found {
            let tag = if f.severity == Severity::Error {
                c.errors += 1;
                "error"
            } else if f.severity.reaches(self.fail_on) {
                c.failures += 1;
                "failure"
            } else {
                let _ = writeln!(below, "{} {}: {}", f.severity, f.kind, one_line(&f.message));
                continue;
            };
            let _ = writeln!(
                inner,
                "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>",
                attr(&one_line(&f.message)),
                attr(f.kind.as_str()),
                text(&details(f)),
            );
        }
        if !below.is_empty() {
            let _ = writeln!(inner, "      <system-out>{}</system-out>", text(&below));
        }
        // The counts are of test cases, as JUnit's are: one operation with three breaking
        // findings is one failed case (an error outranks a failure), whatever elements it holds.
        if c.errors > 0 {
            (c.errors, c.failures) = (1, 0);
        } else {
            c.failures = c.failures.min(1);
        }
        let time = duration_ms.map(|ms| format!(" time=\"{}\"", seconds(ms)));
        c.xml = if inner.is_empty() {
            format!(
                "    <testcase name=\"{}\" classname=\"{}\"{}/>\n",
                attr(name),
                attr(api),
                time.unwrap_or_default()
            )
        } else {
            format!(
                "    <testcase name=\"{}\" classname=\"{}\"{}>\n{inner}    </testcase>\n",
                attr(name),
                attr(api),
                time.unwrap_or_default()
            )
        };
        c
    }
}

/// The body of a failure: severity, pointer, expected vs actual, where in the contract, and the
/// reproduction.
fn details(f: &Finding) -> String {
    let mut s = format!("{} {}", f.severity, f.kind);
    if !f.pointer.is_empty() {
        let _ = write!(s, " at {}", f.pointer);
    }
    let _ = write!(s, "\n{}", f.message);
    if let (Some(e), Some(a)) = (&f.expected, &f.actual) {
        let _ = write!(s, "\nexpected: {e}\nactual: {a}");
    }
    if let Some(loc) = &f.spec_location {
        match loc.line {
            Some(line) => {
                let _ = write!(s, "\ncontract: {}:{line} {}", loc.file, loc.pointer);
            }
            None => {
                let _ = write!(s, "\ncontract: {} {}", loc.file, loc.pointer);
            }
        }
    }
    if let Some(r) = &f.reproduce {
        let _ = write!(s, "\nreproduce: {r}");
    }
    s
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// XML 1.0 text: markup escaped, and characters XML cannot carry at all (controls other than tab,
/// newline, carriage return; lone surrogates cannot occur in a Rust string) written as `\u{…}`.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// An attribute value: [`text`] plus quotes, and line breaks kept as character references.
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn hostile_text_stays_text() {
        let s = super::attr("a\"b<c>&d\ne\u{1b}]]>");
        assert_eq!(s, "a&quot;b&lt;c&gt;&amp;d&#10;e\\u{001b}]]&gt;");
    }
}
