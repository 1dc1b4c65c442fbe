//! Human-readable output. Colour only when the caller says so (a TTY without `NO_COLOR`).

use crate::findings::{Finding, Severity, Summary};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

/// Styles, all plain when colour is off.
#[derive(Debug, Clone, Copy)]
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

/// One finding: a header line and indented details.
pub fn write_finding(w: &mut dyn Write, p: Palette, f: &Finding) -> io::Result<()> {
    let sev = p.severity(f.severity);
    let dim = p.dim();
    write!(w, "{sev}{:<8}{sev:#} {}", f.severity.as_str(), f.kind)?;
    if let Some(loc) = &f.spec_location {
        match loc.line {
            Some(line) => write!(w, "  {dim}{}:{line}{dim:#}", loc.file)?,
            None => write!(w, "  {dim}{}{dim:#}", loc.file)?,
        }
    }
    if let Some(op) = &f.operation {
        write!(w, "  {} {} ({})", op.method, op.path, op.id)?;
    }
    writeln!(w)?;
    if let Some(loc) = &f.spec_location {
        writeln!(w, "    at      {}", loc.pointer)?;
    }
    writeln!(w, "    {}", f.message)?;
    if let Some(sp) = &f.schema_pointer {
        writeln!(w, "    {dim}schema  {sp}{dim:#}")?;
    }
    if let Some(r) = &f.reproduce {
        writeln!(w, "    {dim}reproduce: {r}{dim:#}")?;
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
