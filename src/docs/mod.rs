//! `docs`: documentation pages as contracts. [`page`] extracts the documented request/response
//! examples of Markdown, HTML and plain-text pages; [`tolerant`] reads their sloppy JSON and says
//! what it repaired.

pub mod contract;
pub mod page;
pub mod tolerant;

pub use contract::DocsContract;
pub use page::{extract, DocExample, Page, Part};

/// Read and extract every page, then give each path template one set of parameter names.
pub fn read_pages(paths: &[std::path::PathBuf]) -> Result<Vec<Page>, String> {
    let mut pages = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        pages.push(extract(&p.display().to_string(), &text));
    }
    page::unify(&mut pages);
    Ok(pages)
}
