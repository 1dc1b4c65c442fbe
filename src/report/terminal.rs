//! Human-readable output. Colour only when the caller says so (a TTY without `NO_COLOR`).

use crate::model::{Finding, OperationResult, Outcome, Severity, Summary};
use crate::text::escape_control;
use anstyle::{AnsiColor, Style};
use std::collections::HashMap;
use std::io::{self, Write};

/// Styles, all plain when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub color: bool,
}

impl Palette {
    fn style(self, style: Style) -> Style {
        if self.color {
            style
        } else {
            Style::new()
        }
    }

    pub fn severity(self, s: Severity) -> Style {
        let c = match s {
            Severity::Error => AnsiColor::Magenta,
            Severity::Breaking => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        self.style(Style::new().fg_color(Some(c.into())).bold())
    }

    pub fn dim(self) -> Style {
        self.style(Style::new().dimmed())
    }

    pub fn bold(self) -> Style {
        self.style(Style::new().bold())
    }

    pub fn good(self) -> Style {
        self.style(Style::new().fg_color(Some(AnsiColor::Green.into())).bold())
    }
}

/// A string from a contract, a config or a response, safe to print: control characters (escape
/// sequences, carriage returns, bidi overrides) are shown escaped, never interpreted.
fn t(text: &str) -> std::borrow::Cow<'_, str> {
    escape_control(text, false)
}

/// `breaking schema.type`: a finding's severity (coloured, padded) and kind, after `indent`
/// spaces, without a line end.
fn write_head(w: &mut dyn Write, p: Palette, f: &Finding, indent: usize) -> io::Result<()> {
    let sev = p.severity(f.severity);
    write!(
        w,
        "{:indent$}{sev}{:<8}{sev:#} {}",
        "",
        f.severity.as_str(),
        t(f.kind.as_str())
    )
}

/// One finding: a header line and indented details.
pub fn write_finding(w: &mut dyn Write, p: Palette, f: &Finding) -> io::Result<()> {
    let dim = p.dim();
    write_head(w, p, f, 0)?;
    if let Some(loc) = &f.spec_location {
        match loc.line {
            Some(line) => write!(w, "  {dim}{}:{line}{dim:#}", t(&loc.file))?,
            None => write!(w, "  {dim}{}{dim:#}", t(&loc.file))?,
        }
    }
    if let Some(op) = &f.operation {
        write!(w, "  {} {} ({})", t(&op.method), t(&op.path), t(&op.id))?;
    }
    writeln!(w)?;
    if let Some(loc) = f.spec_location.as_ref().filter(|l| !l.pointer.is_empty()) {
        writeln!(w, "    at      {}", t(&loc.pointer))?;
    }
    writeln!(w, "    {}", t(&f.message))?;
    if let Some(sp) = &f.schema_pointer {
        writeln!(w, "    {dim}schema  {}{dim:#}", t(sp))?;
    }
    if let Some(r) = &f.reproduce {
        writeln!(w, "    {dim}reproduce: {}{dim:#}", t(r))?;
    }
    Ok(())
}

/// `3 breaking, 1 warning, 0 info, 0 error`, coloured where non-zero.
pub fn write_summary(w: &mut dyn Write, p: Palette, s: &Summary) -> io::Result<()> {
    let parts = [
        (Severity::Breaking, s.breaking),
        (Severity::Warning, s.warning),
        (Severity::Info, s.info),
        (Severity::Error, s.error),
    ];
    let mut first = true;
    for (sev, n) in parts {
        if !first {
            write!(w, ", ")?;
        }
        first = false;
        let style = if n > 0 { p.severity(sev) } else { Style::new() };
        write!(w, "{style}{n} {}{style:#}", sev.as_str())?;
    }
    writeln!(w)
}

/// The terminal report of `drift check`: per-API summary, then findings grouped by operation.
pub fn write_check(
    w: &mut dyn Write,
    p: Palette,
    r: &crate::model::CheckReport,
    quiet: bool,
) -> io::Result<()> {
    let (b, d) = (p.bold(), p.dim());
    // Grouped once, in report order: a run of thousands of APIs is not read once per API.
    let mut ops_of: HashMap<&str, Vec<&crate::model::OperationResult>> = HashMap::new();
    for o in &r.operations {
        ops_of.entry(o.api.as_str()).or_default().push(o);
    }
    let mut findings_of: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    // Findings about the API as a whole (an authentication stop, a wrong base URL).
    let mut general_of: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &r.findings {
        match &f.operation {
            Some(o) => findings_of
                .entry((f.api.as_str(), o.id.as_str()))
                .or_default()
                .push(f),
            None => general_of.entry(f.api.as_str()).or_default().push(f),
        }
    }
    for api in &r.apis {
        let ops = ops_of.get(api.name.as_str()).map_or(&[][..], Vec::as_slice);
        let count = |o: Outcome| ops.iter().filter(|x| x.outcome == o).count();
        let general = general_of
            .get(api.name.as_str())
            .map_or(&[][..], Vec::as_slice);
        let calm = api.error.is_none()
            && general.is_empty()
            && count(Outcome::Drift) + count(Outcome::Error) == 0;
        if quiet && calm {
            continue;
        }
        writeln!(
            w,
            "{b}{}{b:#}  {d}{} → {}{d:#}",
            t(&api.name),
            t(&api.spec),
            t(&api.target)
        )?;
        // Counts in colour only when they are not zero: "0 drift" is no alarm.
        let (pass, drift, error) = (
            count(Outcome::Pass),
            count(Outcome::Drift),
            count(Outcome::Error),
        );
        let tint = |n: usize, style: Style| if n > 0 { style } else { Style::new() };
        let (good, bad, err) = (
            tint(pass, p.good()),
            tint(drift, p.severity(Severity::Breaking)),
            tint(error, p.severity(Severity::Error)),
        );
        let unverified = count(Outcome::Unverified);
        let unverified_count = if unverified > 0 {
            format!("  {unverified} unverified")
        } else {
            String::new()
        };
        writeln!(
            w,
            "  {good}{pass} pass{good:#}  {bad}{drift} drift{bad:#}  {err}{error} error{err:#}{unverified_count}  {} skipped",
            count(Outcome::Skipped)
        )?;
        if let Some(error) = &api.error {
            let e = p.severity(Severity::Error);
            writeln!(w, "  {e}could not run{e:#}: {}", t(error))?;
        }
        for note in api.notes.iter().filter(|_| !quiet) {
            writeln!(w, "  {d}note: {}{d:#}", t(note))?;
        }
        write_unverified(w, p, ops, quiet)?;
        // `api.error` is said above as "could not run".
        for f in general
            .iter()
            .filter(|f| api.error.is_none() || f.kind != crate::model::Kind::ApiError)
        {
            write_head(w, p, f, 2)?;
            writeln!(w)?;
            writeln!(w, "    {}", t(&f.message))?;
        }
        for op in ops
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Drift | Outcome::Error))
        {
            let status = op
                .status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "—".into());
            writeln!(
                w,
                "\n  {b}{} {}{b:#}  {}  → {status}",
                t(&op.method),
                t(&op.path),
                t(&op.operation_id)
            )?;
            let findings = findings_of
                .get(&(op.api.as_str(), op.operation_id.as_str()))
                .map_or(&[][..], Vec::as_slice);
            if findings.is_empty() && !general.is_empty() {
                writeln!(w, "    {d}(said once for the API, above){d:#}")?;
            }
            for f in findings {
                write_head(w, p, f, 4)?;
                if f.pointer.is_empty() {
                    writeln!(w)?;
                } else {
                    writeln!(w, "  {}", t(&f.pointer))?;
                }
                writeln!(w, "      {}", t(&f.message))?;
                if let Some(sp) = &f.schema_pointer {
                    writeln!(w, "      {d}schema {}{d:#}", t(sp))?;
                }
            }
        }
        writeln!(w)?;
    }
    let checked: usize = r
        .apis
        .iter()
        .map(|a| a.operations_checked)
        .fold(0, usize::saturating_add);
    let skipped: usize = r
        .apis
        .iter()
        .map(|a| a.operations_skipped)
        .fold(0, usize::saturating_add);
    write_suppressed(w, p, &r.suppressed)?;
    write!(w, "{b}summary{b:#}: ")?;
    let s = Summary::of(&r.findings);
    let unverified = r
        .operations
        .iter()
        .filter(|o| o.outcome == Outcome::Unverified)
        .count();
    let unverified = if unverified > 0 {
        format!(" ({unverified} not verified: an error answer, see above)")
    } else {
        String::new()
    };
    write!(
        w,
        "{checked} operations checked{unverified}, {skipped} skipped, {:.2}s; ",
        r.duration_ms as f64 / 1000.0
    )?;
    write_summary(w, p, &s)
}

/// The most unverified operations listed one by one; the rest are counted.
const UNVERIFIED_SHOWN: usize = 10;

/// The operations whose answer verified nothing, each with the reason (what to configure).
fn write_unverified(
    w: &mut dyn Write,
    p: Palette,
    ops: &[&OperationResult],
    quiet: bool,
) -> std::io::Result<()> {
    if quiet {
        return Ok(());
    }
    let d = p.dim();
    let unverified: Vec<&&OperationResult> = ops
        .iter()
        .filter(|o| o.outcome == Outcome::Unverified)
        .collect();
    for op in unverified.iter().take(UNVERIFIED_SHOWN) {
        writeln!(
            w,
            "  {d}unverified{d:#} {} {}: {}",
            t(&op.method),
            t(&op.path),
            t(op.reason.as_deref().unwrap_or("an error answer"))
        )?;
    }
    if unverified.len() > UNVERIFIED_SHOWN {
        writeln!(
            w,
            "  {d}and {} more unverified (reasons in --format json){d:#}",
            unverified.len() - UNVERIFIED_SHOWN
        )?;
    }
    Ok(())
}

/// The terminal reporter: coloured when the palette says so.
pub struct TerminalReporter {
    pub palette: Palette,
    /// Only what needs attention: APIs with drift or errors, no notes.
    pub quiet: bool,
}

impl super::Reporter for TerminalReporter {
    fn format(&self) -> super::Format {
        super::Format::Terminal
    }

    /// The nightly report as text: its Markdown, which reads as plain text in a terminal.
    fn timeline(
        &self,
        w: &mut dyn Write,
        t: &crate::model::timeline::Timeline,
        built_at: &str,
    ) -> Result<(), super::ReportError> {
        Ok(w.write_all(super::markdown::timeline(t, built_at).as_bytes())?)
    }

    fn diff(
        &self,
        w: &mut dyn Write,
        report: &crate::model::CheckReport,
    ) -> Result<(), super::ReportError> {
        Ok(write_diff(w, self.palette, report)?)
    }

    fn record(
        &self,
        w: &mut dyn Write,
        v: &super::snapshots::Recorded<'_>,
    ) -> Result<(), super::ReportError> {
        super::snapshots::write_record(w, self.palette, v.dir, v.stats, v.report)?;
        Ok(())
    }

    fn check(
        &self,
        w: &mut dyn Write,
        report: &crate::model::CheckReport,
    ) -> Result<(), super::ReportError> {
        Ok(write_check(w, self.palette, report, self.quiet)?)
    }

    fn lint(
        &self,
        w: &mut dyn Write,
        view: &super::LintView<'_>,
    ) -> Result<(), super::ReportError> {
        let p = self.palette;
        for f in view.findings {
            write_finding(w, p, f)?;
        }
        if !view.findings.is_empty() {
            writeln!(w)?;
        }
        let b = p.bold();
        write!(
            w,
            "{b}{}{b:#}: {} {} operations; ",
            t(view.api),
            view.contract.dialect,
            view.contract.operations.len()
        )?;
        Ok(write_summary(w, p, &Summary::of(view.findings))?)
    }

    fn operations(
        &self,
        w: &mut dyn Write,
        view: &super::ops::OperationsView<'_>,
    ) -> Result<(), super::ReportError> {
        Ok(w.write_all(super::ops::text(view, self.palette).as_bytes())?)
    }

    fn pages(
        &self,
        w: &mut dyn Write,
        pages: &[crate::docs::Page],
    ) -> Result<(), super::ReportError> {
        Ok(super::docs::write_text(w, self.palette, pages)?)
    }

    fn rules(
        &self,
        w: &mut dyn Write,
        rules: &[&crate::rules::Rule],
        full: bool,
    ) -> Result<(), super::ReportError> {
        Ok(super::rules::write_text(w, self.palette, rules, full)?)
    }
}

/// The terminal report of `drift diff`: changes grouped by operation, then the tally.
pub fn write_diff(w: &mut dyn Write, p: Palette, r: &crate::model::CheckReport) -> io::Result<()> {
    let (b, d) = (p.bold(), p.dim());
    for api in &r.apis {
        writeln!(w, "{b}{}{b:#}  {d}{}{d:#}", t(&api.name), t(&api.spec))?;
        for note in &api.notes {
            writeln!(w, "  {d}{}{d:#}", t(note))?;
        }
    }
    // Changes at one operation under it; a change in a shared definition once, under the
    // definition, naming the operations it reaches.
    let mut current: Option<(&str, &str)> = None;
    for f in r.findings.iter().filter(|f| f.reaches.is_empty()) {
        let op = f
            .operation
            .as_ref()
            .map(|o| (o.method.as_str(), o.path.as_str()));
        if op != current {
            if let Some(o) = &f.operation {
                writeln!(
                    w,
                    "\n  {b}{} {}{b:#}  {}",
                    t(&o.method),
                    t(&o.path),
                    t(&o.id)
                )?;
            }
            current = op;
        }
        write_change(w, p, f)?;
    }
    let mut shared: std::collections::BTreeMap<String, Vec<&crate::model::Finding>> =
        std::collections::BTreeMap::new();
    for f in r.findings.iter().filter(|f| !f.reaches.is_empty()) {
        let at = f.spec_location.as_ref().map(|l| l.pointer.as_str());
        let name = at.and_then(crate::model::finding::definition);
        shared.entry(name.unwrap_or_default()).or_default().push(f);
    }
    for (definition, changes) in &shared {
        let mut reached: Vec<&str> = changes
            .iter()
            .flat_map(|f| f.reaches.iter())
            .map(|r| r.rsplit_once(" [").map_or(r.as_str(), |(op, _)| op))
            .collect();
        reached.sort_unstable();
        reached.dedup();
        let more = reached.len().saturating_sub(SHARED_NAMED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let named: Vec<&str> = reached.iter().take(SHARED_NAMED).copied().collect();
        writeln!(
            w,
            "\n  {b}{}{b:#}  {d}shared definition, reached from {}{more}{d:#}",
            t(definition),
            t(&named.join(", "))
        )?;
        for f in changes {
            write_change(w, p, f)?;
        }
    }
    writeln!(w)?;
    write_suppressed(w, p, &r.suppressed)?;
    write_change_classes(w, p, &r.findings)?;
    let s = &r.summary;
    writeln!(
        w,
        "{b}summary{b:#}: {} change(s): {} breaking, {} to check, {} compatible",
        r.findings.len(),
        s.breaking + s.error,
        s.warning,
        s.info
    )
}

/// The most operations a shared definition's heading names.
const SHARED_NAMED: usize = 5;

/// One change of `drift diff`: its rule, its message, its places in the new and the old contract.
fn write_change(w: &mut dyn Write, p: Palette, f: &crate::model::Finding) -> io::Result<()> {
    let d = p.dim();
    write_head(w, p, f, 4)?;
    writeln!(w)?;
    writeln!(w, "      {}", t(&f.message))?;
    let place = |loc: &crate::model::SpecLocation| {
        let line = loc.line.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{}{line}", t(&loc.file))
    };
    match (&f.spec_location, &f.old_location) {
        (Some(new), Some(old)) => {
            writeln!(w, "      {d}new {}  old {}{d:#}", place(new), place(old))
        }
        (Some(loc), None) | (None, Some(loc)) => writeln!(w, "      {d}{}{d:#}", place(loc)),
        (None, None) => Ok(()),
    }
}

/// The closing table of `drift diff`: how many changes of each rule, the most severe first.
fn write_change_classes(
    w: &mut dyn Write,
    p: Palette,
    findings: &[crate::model::Finding],
) -> io::Result<()> {
    let mut by_rule: std::collections::BTreeMap<(crate::model::Severity, &str), usize> =
        std::collections::BTreeMap::new();
    for f in findings {
        *by_rule.entry((f.severity, f.kind.as_str())).or_default() += 1;
    }
    if by_rule.is_empty() {
        return Ok(());
    }
    let b = p.bold();
    writeln!(w, "{b}changes by rule{b:#}")?;
    for ((severity, rule), n) in &by_rule {
        let s = p.severity(*severity);
        writeln!(w, "  {s}{:<8}{s:#} {n:>5}  {}", severity.as_str(), t(rule))?;
    }
    Ok(())
}

/// Findings drift.yaml `ignore:` suppressed: counted by entry reason, never hidden.
fn write_suppressed(
    w: &mut dyn Write,
    p: Palette,
    suppressed: &[crate::model::suppress::SuppressedFinding],
) -> io::Result<()> {
    if suppressed.is_empty() {
        return Ok(());
    }
    let d = p.dim();
    let mut by_reason: Vec<(&str, Vec<&str>)> = Vec::new();
    for s in suppressed {
        let kind = s.finding.kind.as_str();
        match by_reason.iter_mut().find(|(r, _)| *r == s.reason) {
            Some((_, kinds)) => {
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            None => by_reason.push((&s.reason, vec![kind])),
        }
    }
    writeln!(
        w,
        "{d}{} finding(s) suppressed by drift.yaml `ignore:` (listed in --format json):{d:#}",
        suppressed.len()
    )?;
    for (reason, kinds) in by_reason {
        let n = suppressed.iter().filter(|s| s.reason == reason).count();
        writeln!(
            w,
            "  {d}{n} × {} — {}{d:#}",
            t(&kinds.join(", ")),
            t(reason)
        )?;
    }
    Ok(())
}
