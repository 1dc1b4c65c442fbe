//! A string that matches a schema's `pattern`, for synthesized bodies: the pattern's syntax tree
//! walked once, taking the first branch of each alternation, a readable character of each class
//! (a letter or digit when the class has one) and `min + extra` repetitions of each repeat (within
//! its maximum), so a caller can grow the string to meet `minLength`. `None` when the pattern does
//! not parse (look-arounds, back-references): the caller says so rather than guess.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The most characters a sample may have.
const MAX_LEN: usize = 4_096;

/// A string matching `pattern`, each repetition taken `extra` more times than its minimum.
pub fn sample(pattern: &str, extra: u32) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(true)
        .build()
        .parse(&without_lookaround(pattern))
        .ok()?;
    let mut out = String::new();
    walk(&hir, extra, &mut out).then_some(out)
}

/// The pattern with its look-around groups (`(?!-)`, `(?=x)`, `(?<=y)`, `(?<!z)`) removed: the
/// syntax tree has no place for them, and a sample built from the rest usually satisfies them
/// (the caller's validator has the last word).
fn without_lookaround(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &pattern[i..];
        let look = ["(?!", "(?=", "(?<=", "(?<!"]
            .iter()
            .find(|p| rest.starts_with(**p));
        if let Some(open) = look {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let _ = open;
            i = j + 1;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c == '\\' {
            let escaped: String = rest.chars().take(2).collect();
            out.push_str(&escaped);
            i += escaped.len();
        } else {
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn walk(hir: &Hir, extra: u32, out: &mut String) -> bool {
    if out.len() > MAX_LEN {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => {
                out.push_str(s);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(class) => match pick(class) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        },
        HirKind::Repetition(rep) => {
            let wanted = rep.min.saturating_add(extra);
            let times = rep.max.map_or(wanted, |max| wanted.min(max));
            (0..times).all(|_| walk(&rep.sub, extra, out))
        }
        HirKind::Capture(cap) => walk(&cap.sub, extra, out),
        HirKind::Concat(parts) => parts.iter().all(|p| walk(p, extra, out)),
        HirKind::Alternation(branches) => branches.first().is_some_and(|b| walk(b, extra, out)),
    }
}

/// A readable member of a class: a lower-case letter, a digit or an upper-case letter when the
/// class holds one, else its first printable character.
fn pick(class: &Class) -> Option<char> {
    let ranges: Vec<(char, char)> = match class {
        Class::Unicode(u) => u.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Bytes(b) => b
            .ranges()
            .iter()
            .filter(|r| r.start() < 0x80)
            .map(|r| (char::from(r.start()), char::from(r.end().min(0x7f))))
            .collect(),
    };
    for preferred in ['a', '0', 'A'] {
        let end = match preferred {
            'a' => 'z',
            '0' => '9',
            _ => 'Z',
        };
        for (lo, hi) in &ranges {
            let start = (*lo).max(preferred);
            if start <= *hi && start <= end {
                return Some(start);
            }
        }
    }
    ranges.iter().find_map(|(lo, hi)| {
        (u32::from(*lo)..=u32::from(*hi).min(u32::from(*lo) + 256))
            .filter_map(char::from_u32)
            .find(|c| !c.is_control() && !c.is_whitespace())
            .or(Some(*lo))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        regex_syntax::Parser::new().parse(pattern).is_ok()
            && regex::Regex::new(pattern).is_ok_and(|r| r.is_match(s))
    }

    #[test]
    fn samples_match_their_patterns() {
        for pattern in [
            "^[a-z]{3}-\\d{4}$",
            "^(GET|POST)$",
            "^[A-Z][a-z]+( [A-Z][a-z]+)*$",
            "^\\+?[1-9]\\d{1,14}$",
            "^[0-9a-fA-F]{24}$",
            "^urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,\\-.:=@;$_!*'%/?#]+$",
            "^\\S+@\\S+\\.\\S+$",
            "[^\\s]",
        ] {
            for extra in [0, 3] {
                let s = sample(pattern, extra).unwrap_or_else(|| panic!("{pattern}"));
                assert!(matches(pattern, &s), "{pattern} → {s:?}");
            }
        }
        assert_eq!(sample("^[a-z]{3}-\\d{4}$", 0).as_deref(), Some("aaa-0000"));
        // Look-arounds are left out; the rest is sampled.
        assert_eq!(sample("^(?!-)[a-z-]{2}$", 0).as_deref(), Some("aa"));
        assert_eq!(sample("^a(b", 0).as_deref(), None);
    }
}
