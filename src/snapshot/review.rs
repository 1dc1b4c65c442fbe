//! Reviewing pending snapshot changes (`.json.new` files), insta's way: a [`Choice`] per file is
//! asked of a chooser (the terminal, or a script in tests) and applied here, so the whole walk is
//! testable without a terminal.

use super::store;
use std::io;
use std::path::{Path, PathBuf};

/// The question asked for each pending change; one key answers it.
pub const PROMPT: &str =
    "accept (a), reject (r), skip (s), accept all (A), reject all (R), quit (q)? ";

/// What to do with one pending change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Accept,
    Reject,
    Skip,
    /// Accept this one and every later one without asking.
    AcceptAll,
    /// Reject this one and every later one without asking.
    RejectAll,
    /// Stop; later changes stay pending.
    Quit,
}

impl Choice {
    /// The answer typed at the prompt: `a`, `r`, `s`, `A`, `R`, `q`.
    pub fn parse(answer: &str) -> Option<Choice> {
        Some(match answer.trim() {
            "a" => Choice::Accept,
            "r" => Choice::Reject,
            "s" => Choice::Skip,
            "A" => Choice::AcceptAll,
            "R" => Choice::RejectAll,
            "q" => Choice::Quit,
            _ => return None,
        })
    }
}

/// What a review did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub accepted: usize,
    pub rejected: usize,
    pub skipped: usize,
}

/// The stored snapshot a pending file would replace.
pub fn stored_path(pending: &Path) -> PathBuf {
    PathBuf::from(pending.to_string_lossy().trim_end_matches(".new"))
}

/// Walk `pending` in order, asking `choose(index, file)` until an all-choice or a quit.
pub fn review(
    pending: &[PathBuf],
    mut choose: impl FnMut(usize, &Path) -> io::Result<Choice>,
) -> io::Result<Tally> {
    let mut tally = Tally::default();
    let mut all: Option<Choice> = None;
    let mut accepting = store::Accepting::default();
    for (i, file) in pending.iter().enumerate() {
        let choice = match all {
            Some(c) => c,
            None => choose(i, file)?,
        };
        match choice {
            Choice::Accept | Choice::AcceptAll => {
                accepting.accept(file)?;
                tally.accepted += 1;
            }
            Choice::Reject | Choice::RejectAll => {
                store::reject(file)?;
                tally.rejected += 1;
            }
            Choice::Skip => tally.skipped += 1,
            Choice::Quit => break,
        }
        if matches!(choice, Choice::AcceptAll | Choice::RejectAll) {
            all = Some(choice);
        }
    }
    accepting.finish()?;
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A snapshot file whose request reads `text`.
    fn file(text: &str, reasons: Vec<String>) -> String {
        crate::snapshot::bare(text, 0, reasons).to_pretty()
    }

    fn pending(dir: &Path, n: usize) -> Vec<PathBuf> {
        (0..n)
            .map(|i| {
                let p = dir.join(format!("op{i}.json.new"));
                let why = vec![format!("breaking snapshot.removed: {i}")];
                std::fs::write(&p, file(&format!("new {i}"), why))
                    .unwrap_or_else(|e| panic!("{e}"));
                std::fs::write(stored_path(&p), file(&format!("old {i}"), Vec::new()))
                    .unwrap_or_else(|e| panic!("{e}"));
                p
            })
            .collect()
    }

    /// The request of the stored snapshot (and no pending reasons left in it).
    fn stored(p: &Path) -> String {
        let text = std::fs::read_to_string(stored_path(p)).unwrap_or_default();
        let s = crate::snapshot::Snapshot::parse(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.reasons.is_empty(), "{text}");
        s.request
    }

    #[test]
    fn choices_are_applied_in_order() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let files = pending(dir.path(), 5);
        let mut script = vec![
            Choice::Accept,
            Choice::Skip,
            Choice::Reject,
            Choice::AcceptAll,
        ]
        .into_iter();
        let mut asked = Vec::new();
        let tally = review(&files, |i, _| {
            asked.push(i);
            Ok(script.next().unwrap_or(Choice::Quit))
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(asked, [0, 1, 2, 3], "not asked again after accept-all");
        assert_eq!(
            tally,
            Tally {
                accepted: 3,
                rejected: 1,
                skipped: 1
            }
        );
        assert_eq!(stored(&files[0]), "new 0");
        assert!(files[1].exists(), "skipped stays pending");
        assert_eq!(stored(&files[2]), "old 2");
        assert!(!files[2].exists(), "rejected is deleted");
        assert_eq!(stored(&files[4]), "new 4");
    }

    #[test]
    fn quit_leaves_the_rest_pending() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let files = pending(dir.path(), 3);
        let tally = review(&files, |_, _| Ok(Choice::Quit)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tally, Tally::default());
        assert!(files.iter().all(|f| f.exists()));
        assert_eq!(Choice::parse(" R\n"), Some(Choice::RejectAll));
        assert_eq!(Choice::parse("x"), None);
    }
}
