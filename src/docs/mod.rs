//! `docs`: documentation pages as contracts. [`page`] extracts the documented request/response
//! examples of Markdown, HTML and plain-text pages; [`tolerant`] reads their sloppy JSON and says
//! what it repaired.

pub mod contract;
pub mod page;
pub mod tolerant;

pub use contract::DocsContract;
pub use page::{extract, DocExample, Page, Part};

/// A documentation page that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot read: {cause}", path.display())]
pub struct ReadError {
    pub path: std::path::PathBuf,
    pub cause: std::io::Error,
}

/// Read and extract every page, then give each path template one set of parameter names.
pub fn read_pages(paths: &[std::path::PathBuf]) -> Result<Vec<Page>, ReadError> {
    let mut pages = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).map_err(|cause| ReadError {
            path: p.clone(),
            cause,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        pages.push(extract(&p.display().to_string(), &text));
    }
    page::unify(&mut pages);
    Ok(pages)
}

/// `<remote_id>`, `{user ID}`, `:to_user:`, `{from_user ID}_{to_user ID}`: a documentation
/// placeholder, not data — nothing but placeholders and punctuation.
pub fn is_placeholder(s: &str) -> bool {
    if s.len() > 2
        && s.starts_with(':')
        && s.ends_with(':')
        && !s[1..s.len() - 1].contains([':', ' '])
    {
        return true;
    }
    let mut rest = s;
    let mut found = false;
    let mut outside = String::new();
    while let Some(open) = rest.find(['<', '{']) {
        let close_char = if rest.as_bytes()[open] == b'<' {
            '>'
        } else {
            '}'
        };
        let Some(close) = rest[open..].find(close_char) else {
            return false;
        };
        if close < 2 {
            return false;
        }
        outside.push_str(&rest[..open]);
        found = true;
        rest = &rest[open + close + 1..];
    }
    outside.push_str(rest);
    found
        && outside
            .chars()
            .all(|c| c.is_ascii_punctuation() && c != '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "<remote_id>",
            "{user ID}",
            ":to_user:",
            "{from_user ID}_{to_user ID}",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for p in ["/v7.1/user/{to_user ID}/", "withings", "{}", "a<b>", ""] {
            assert!(!is_placeholder(p), "{p}");
        }
    }
}
