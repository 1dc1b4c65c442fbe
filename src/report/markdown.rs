//! Markdown: the rule registry as `docs/rules.md` (the job-summary report of `drift check` comes
//! with the GitHub Actions check).

use std::io::Write;

pub struct MarkdownReporter;

impl super::Reporter for MarkdownReporter {
    fn format(&self) -> super::Format {
        super::Format::Markdown
    }

    fn rules(
        &self,
        w: &mut dyn Write,
        _rules: &[&crate::rules::Rule],
        _full: bool,
    ) -> Result<(), super::ReportError> {
        Ok(w.write_all(super::rules::markdown().as_bytes())?)
    }
}
