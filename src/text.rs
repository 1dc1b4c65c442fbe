//! Small text helpers shared by error messages and reporters.

/// Levenshtein distance, for "did you mean …?" suggestions on short identifiers.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Escape one JSON Pointer reference token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescape one JSON Pointer reference token (RFC 6901).
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Append a token to a JSON Pointer.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_pointer_token(token))
}

/// Split a JSON Pointer (without the leading `#`) into unescaped tokens.
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    if p.is_empty() {
        return Vec::new();
    }
    p.strip_prefix('/')
        .unwrap_or(p)
        .split('/')
        .map(|t| unescape_pointer_token(&percent_decode(t)))
        .collect()
}

/// Decode `%XX` escapes (pointers inside URI fragments may be percent-encoded).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_round_trip() {
        let p = pointer_push("#/paths", "/patient/{id}");
        assert_eq!(p, "#/paths/~1patient~1{id}");
        assert_eq!(pointer_tokens(&p), vec!["paths", "/patient/{id}"]);
        assert_eq!(pointer_tokens("#"), Vec::<String>::new());
        assert_eq!(pointer_tokens("#/a%7Bb%7D"), vec!["a{b}"]);
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
