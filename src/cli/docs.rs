//! `drift docs PAGE…`: what drift reads from documentation pages.

use super::args::DocsArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::docs;
use crate::report::{terminal::Palette, View};

pub fn run(args: &DocsArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Pages)?;
    // Globs too (`'docs/**/*.md'`), for shells that do not expand them.
    let patterns: Vec<String> = args
        .pages
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let files = crate::config::expand_globs(&patterns)?;
    let pages = docs::read_pages(&files)?;
    let refused: usize = pages.iter().map(|p| p.refused.len()).sum();
    write_outputs(console, &outputs, p, None, |r, _, w| r.pages(w, &pages))?;
    Ok(ExitStatus::failed_if(refused > 0))
}
