//! `drift docs PAGE…`: what drift reads from documentation pages.

use super::args::{DocsArgs, TextOrJson};
use super::{Console, ExitStatus};
use crate::docs::{self, Part};
use crate::report::terminal::Palette;
use serde_json::json;

pub fn run(args: &DocsArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let pages = docs::read_pages(&args.pages).map_err(anyhow::Error::msg)?;
    let refused: usize = pages.iter().map(|p| p.refused.len()).sum();
    if args.format == TextOrJson::Json {
        let out = json!({"pages": pages});
        writeln!(console.out, "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        let (b, d) = (p.bold(), p.dim());
        for page in &pages {
            writeln!(
                console.out,
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
                    console.out,
                    "  {d}{:>4}{d:#}  {part} {:<7}{}{}  {status}  {body}",
                    ex.line,
                    t(&ex.method),
                    t(&ex.path),
                    t(&query)
                )?;
                for r in &ex.repairs {
                    writeln!(
                        console.out,
                        "          {d}repaired {} at line {}{d:#}",
                        r.kind, r.line
                    )?;
                }
            }
            for r in &page.refused {
                writeln!(console.out, "  {:>4}  refused: {}", r.line, t(&r.message))?;
            }
        }
    }
    Ok(if refused > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Page strings are shown with control characters escaped.
fn t(text: &str) -> std::borrow::Cow<'_, str> {
    crate::text::escape_control(text, false)
}
