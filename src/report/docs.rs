//! Documentation pages as `drift docs` shows them: each page's examples (method, path, status,
//! body size) and every repair made to their JSON, with line numbers.

use super::terminal::Palette;
use crate::docs::{Page, Part};
use std::io::{self, Write};

/// The examples of every page, one line each.
pub fn write_text(w: &mut dyn Write, p: Palette, pages: &[Page]) -> io::Result<()> {
    let (b, d) = (p.bold(), p.dim());
    for page in pages {
        writeln!(
            w,
            "{b}{}{b:#}: {} examples",
            t(&page.file),
            page.examples.len()
        )?;
        for ex in &page.examples {
            let part = match ex.part {
                Part::Request => "request ",
                Part::Response => "response",
            };
            let status = ex
                .status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "—".into());
            let body = match &ex.body {
                Some(v) => format!("{} bytes of JSON", v.to_string().len()),
                None => "no body".into(),
            };
            let query = if ex.query.is_empty() {
                String::new()
            } else {
                format!(
                    " ?{}",
                    ex.query
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("&")
                )
            };
            writeln!(
                w,
                "  {d}{:>4}{d:#}  {part} {:<7}{}{}  {status}  {body}",
                ex.line,
                t(&ex.method),
                t(&ex.path),
                t(&query)
            )?;
            for r in &ex.repairs {
                writeln!(
                    w,
                    "          {d}repaired {} at line {}{d:#}",
                    r.kind, r.line
                )?;
            }
        }
        for r in &page.refused {
            writeln!(w, "  {:>4}  refused: {}", r.line, t(&r.message))?;
        }
    }
    Ok(())
}

/// Page strings are shown with control characters escaped.
fn t(text: &str) -> std::borrow::Cow<'_, str> {
    crate::text::escape_control(text, false)
}
