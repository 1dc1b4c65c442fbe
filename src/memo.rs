//! Answers worth remembering across a run: whether a regular expression compiles, whether it
//! matches a sample. Public contracts repeat their patterns at every node of a type and from one
//! contract to the next (Azure's and AWS's naming patterns), and compiling one costs far more
//! than looking it up. A memory holds a bounded number of answers and is emptied when full.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

/// A bounded, thread-safe memory of answers.
pub struct Memo<K, V> {
    answers: Mutex<Option<HashMap<K, V>>>,
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    pub const fn new(capacity: usize) -> Memo<K, V> {
        Memo {
            answers: Mutex::new(None),
            capacity,
        }
    }

    /// The answer for `key`, computed by `answer` (outside the lock) when not remembered.
    pub fn get_or(&self, key: K, answer: impl FnOnce(&K) -> V) -> V {
        if let Some(v) = self.lock().as_ref().and_then(|m| m.get(&key).cloned()) {
            return v;
        }
        let v = answer(&key);
        let mut answers = self.lock();
        let map = answers.get_or_insert_with(HashMap::new);
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(key, v.clone());
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<HashMap<K, V>>> {
        // Entries are inserted whole: a panic elsewhere cannot leave the map inconsistent.
        self.answers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether `pattern` compiles with the `regex` crate and matches `sample`.
pub fn pattern_matches(pattern: &str, sample: &'static str) -> bool {
    static KNOWN: Memo<(String, &'static str), bool> = Memo::new(4_096);
    KNOWN.get_or((pattern.to_string(), sample), |(p, s)| {
        regex::Regex::new(p).is_ok_and(|r| r.is_match(s))
    })
}

/// Whether `text` matches `pattern` (`false` for a pattern the engine rejects); each pattern is
/// compiled once for the run.
pub fn matches(pattern: &str, text: &str) -> bool {
    static COMPILED: Memo<String, Option<std::sync::Arc<regex::Regex>>> = Memo::new(4_096);
    COMPILED
        .get_or(pattern.to_string(), |p| {
            regex::Regex::new(p).ok().map(std::sync::Arc::new)
        })
        .is_some_and(|r| r.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_computed_once_and_the_memory_stays_bounded() {
        let memo: Memo<u32, u32> = Memo::new(2);
        let mut calls = 0;
        for _ in 0..3 {
            assert_eq!(
                memo.get_or(7, |k| {
                    calls += 1;
                    k * 2
                }),
                14
            );
        }
        assert_eq!(calls, 1);
        memo.get_or(8, |k| *k);
        memo.get_or(9, |k| *k);
        assert!(memo.lock().as_ref().is_some_and(|m| m.len() <= 2));
        assert_eq!(
            memo.get_or(7, |_| 0),
            0,
            "forgotten once the memory was full"
        );
    }

    #[test]
    fn patterns_are_matched_alike_every_time() {
        for _ in 0..2 {
            assert!(pattern_matches("^c[0-9]+$", "c10"));
            assert!(!pattern_matches("^[a-z]+$", "c10"));
            assert!(!pattern_matches("(", "c10"));
        }
    }
}
