//! Small text helpers shared by error messages and reporters.

/// A stable 64-bit FNV-1a hash of some bytes, as 16 hex digits (a contract's `spec_hash`).
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h = ContentHash::default();
    h.update(bytes);
    h.hex()
}

/// [`content_hash`] taken piece by piece (FNV-1a, 64 bits).
#[derive(Debug, Clone, Copy)]
pub struct ContentHash(u64);

impl Default for ContentHash {
    fn default() -> Self {
        ContentHash(0xcbf2_9ce4_8422_2325)
    }
}

impl ContentHash {
    pub fn update(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

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

/// One token escaped (RFC 6901), copied only when it holds `~` or `/`.
pub fn escaped_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        std::borrow::Cow::Owned(escape_pointer_token(token))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
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

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// Bytes a path segment escapes: all but letters, digits and RFC 3986 `pchar` (`%` escaped too).
pub const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');
/// Bytes a query parameter name or value escapes (`&`, `=`, `+` included).
pub const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'[')
    .remove(b']')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';')
    .remove(b':')
    .remove(b'@')
    .remove(b'/');
/// Bytes a URI fragment escapes (`%` kept, so existing escapes survive).
pub const FRAGMENT: &AsciiSet = &PATH_SEGMENT.remove(b'/').remove(b'?').remove(b'%');

/// Percent-encode every byte of `s` in `set` (UTF-8 for non-ASCII).
pub fn percent_encode(s: &str, set: &'static AsciiSet) -> String {
    percent_encoding::utf8_percent_encode(s, set).to_string()
}

/// Decode `%XX` escapes (pointers inside URI fragments may be percent-encoded); invalid UTF-8
/// is replaced.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Whether some URL in `text` carries userinfo (`https://user:pass@host`), which
/// [`strip_userinfo`] would remove.
pub fn has_userinfo(text: &str) -> bool {
    if !text.contains('@') {
        return false;
    }
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let tail = &rest[i + 3..];
        let end = authority_end(tail);
        if tail[..end].contains('@') {
            return true;
        }
        rest = &tail[end..];
    }
    false
}

/// [`has_userinfo`] of a text seen piece by piece (a report as it is serialized).
#[derive(Debug, Default, Clone, Copy)]
pub struct UserinfoScan {
    /// How much of `://` the last bytes matched (3: inside an authority).
    state: u8,
    pub found: bool,
}

impl UserinfoScan {
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.state = match (self.state, b) {
                (3, b'@') => {
                    self.found = true;
                    0
                }
                (3, b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\') => 0,
                (3, b) if b.is_ascii_whitespace() => 0,
                (3, _) => 3,
                (0, b':') => 1,
                (1, b'/') => 2,
                (2, b'/') => 3,
                (_, b':') => 1,
                _ => 0,
            };
        }
    }
}

/// Where the authority at the start of `tail` (what follows `://`) ends.
fn authority_end(tail: &str) -> usize {
    tail.find(|c: char| {
        matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '`' | '\\') || c.is_whitespace()
    })
    .unwrap_or(tail.len())
}

/// Remove `user:password@` from every `scheme://user:password@host` in a text.
pub fn strip_userinfo(text: &str) -> String {
    if !text.contains("://") || !text.contains('@') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = authority_end(tail);
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                out.push_str(&authority[at + 1..]);
                rest = &tail[end..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// Quote a word for a POSIX shell: plain words stay as they are, anything else is single-quoted
/// (`'` written as `'\''`). Control characters are shown escaped first, so a quoted line is one line.
pub fn sh_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        return word.to_string();
    }
    let word = escape_control(word, false);
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// A reference to an environment variable for a POSIX shell (`"$NAME"`). A name that is not a
/// valid variable name is written as a quoted literal instead, so it can never run anything.
pub fn sh_env(name: &str) -> String {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        format!("\"${name}\"")
    } else {
        sh_quote(&format!("${name}"))
    }
}

/// At most `max` bytes of `text` (cut at a character boundary), with a note of what was left out:
/// messages and `actual` values quote a bounded excerpt of a body, never the whole of it.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes)", &text[..end], text.len() - end)
}

/// Control characters made visible (`\x1b` → `\u{1b}`), so strings from contracts and responses
/// cannot move the cursor, recolour or retitle the user's terminal. Newlines and tabs are kept
/// only when `keep_newlines`.
pub fn escape_control(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let is_unsafe = |c: char| {
        (c.is_control() && !(keep_newlines && matches!(c, '\n' | '\t')))
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text from a contract or a response, safe in Markdown and HTML: markup escaped, Markdown
/// punctuation backslash-escaped, line breaks as spaces, control characters shown escaped, and
/// `@mentions` defanged (a zero-width space after `@`), so a name like `@everyone` notifies no one.
pub fn escape_markdown(s: &str) -> String {
    let s = escape_control(s, false).replace(['\r', '\n'], " ");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("&#124;"),
            '@' => out.push_str("@\u{200b}"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text in HTML (element content or a quoted attribute): markup and quotes escaped, control
/// characters shown escaped.
pub fn escape_html(s: &str) -> String {
    let s = escape_control(s, false);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Lines a GitHub Actions runner would read as workflow commands made inert: a line starting
/// (after blanks) with `::`, and `##[` anywhere (the older syntax), get a zero-width space between
/// their two marks. For everything drift writes to a log a runner reads, other than its own
/// `--format github` commands (control characters are escaped where the text is made, so the
/// terminal report keeps its colours).
pub fn defang_workflow_commands(text: &str) -> std::borrow::Cow<'_, str> {
    let starts_command = |line: &str| line.trim_start().starts_with("::");
    if !text.contains("##[") && !text.lines().any(starts_command) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.replace("##[", "#\u{200b}#[");
        if starts_command(&line) {
            let blanks = line.len() - line.trim_start().len();
            out.push_str(&line[..blanks]);
            out.push_str(":\u{200b}:");
            out.push_str(&line[blanks + 2..]);
        } else {
            out.push_str(&line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `k=v&k2=v2`, each part percent-encoded for a query (`[` and `]` kept readable).
pub fn query_string(pairs: &[(String, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k, QUERY), percent_encode(v, QUERY)))
        .collect();
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(sh_quote("http://h:1/a?b=1"), "'http://h:1/a?b=1'");
        assert_eq!(sh_quote("GET"), "GET");
        assert_eq!(sh_quote("it's $(x)"), "'it'\\''s $(x)'");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_env("API_KEY"), "\"$API_KEY\"");
        assert_eq!(sh_env("$(rm -rf x)"), "'$$(rm -rf x)'");
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt("short", 10), "short");
        let long = "é".repeat(100);
        let e = excerpt(&long, 11);
        assert!(e.starts_with("ééééé…"), "{e}");
        assert!(e.ends_with("(190 more bytes)"), "{e}");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(escape_control("a\x1b[31mb", false), "a\\u{1b}[31mb");
        assert_eq!(escape_control("l1\nl2", true), "l1\nl2");
        assert_eq!(escape_control("l1\nl2", false), "l1\\u{a}l2");
        assert_eq!(escape_control("x\u{202e}y", true), "x\\u{202e}y");
    }

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
    fn percent_encoding_sets() {
        assert_eq!(percent_encode("p/1 x", PATH_SEGMENT), "p%2F1%20x");
        assert_eq!(percent_encode("a&b=c[d]", QUERY), "a%26b%3Dc[d]");
        assert_eq!(
            percent_encode("/paths/~1a~1{id}", FRAGMENT),
            "/paths/~1a~1%7Bid%7D"
        );
        assert_eq!(percent_encode("50%/é", FRAGMENT), "50%/%C3%A9");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}

/// RFC 3339 UTC timestamp (`2026-11-21T06:00:00Z`) of a system time.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn rfc3339_known_instants() {
        let at = |s: u64| super::rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(1_795_240_800), "2026-11-21T06:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
    }
}

/// Pretty JSON, two-space indented like `serde_json::to_string_pretty`, with every object's keys
/// sorted, except that a small container (nested at most two deep, at most [`INLINE_WIDTH`]
/// bytes) stays on one line: `{"object": {"id": "string"}}`. Files stay short, and their diffs
/// line up with what changed. One pass over the value, written straight into the text.
pub fn pretty_json(value: &serde_json::Value) -> String {
    let mut out = String::with_capacity(1024);
    pretty_into(value, 0, &mut out);
    out
}

/// The widest container [`pretty_json`] keeps on one line.
pub const INLINE_WIDTH: usize = 200;

/// [`pretty_json`] of a value nested `indent` levels deep, written into `out`.
pub fn pretty_into(value: &serde_json::Value, indent: usize, out: &mut String) {
    pretty_tree(value, indent, out);
}

/// A tree [`pretty_tree`] writes as JSON: a document, or a type written as its document would be
/// without building it (a snapshot's shape).
pub trait Tree<'a>: Copy + 'a {
    /// Its entries, sorted by key, or its items; [`Form::Scalar`] for a scalar.
    fn form(self) -> Form<'a, Self>;
    /// Write a scalar.
    fn scalar(self, out: &mut String);
}

/// What a [`Tree`] node is.
pub enum Form<'a, T> {
    Scalar,
    Object(Vec<(std::borrow::Cow<'a, str>, T)>),
    Array(Vec<T>),
}

impl<'a> Tree<'a> for &'a serde_json::Value {
    fn form(self) -> Form<'a, Self> {
        use serde_json::Value;
        match self {
            Value::Object(map) => Form::Object(
                sorted_entries(map)
                    .into_iter()
                    .map(|(k, v)| (k.as_str().into(), v))
                    .collect(),
            ),
            Value::Array(items) => Form::Array(items.iter().collect()),
            _ => Form::Scalar,
        }
    }

    fn scalar(self, out: &mut String) {
        push_scalar(out, self);
    }
}

/// [`pretty_into`] of any [`Tree`].
pub fn pretty_tree<'a, T: Tree<'a>>(node: T, indent: usize, out: &mut String) {
    if nests_within(node, 2) {
        let start = out.len();
        compact_into(node, out);
        if out.len() - start <= INLINE_WIDTH {
            return;
        }
        out.truncate(start);
    }
    match node.form() {
        Form::Scalar => node.scalar(out),
        Form::Object(entries) => {
            out.push_str("{\n");
            for (i, (k, v)) in entries.iter().enumerate() {
                pad(out, indent + 1);
                push_json_string(out, k);
                out.push_str(": ");
                pretty_tree(*v, indent + 1, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
        Form::Array(items) => {
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                pad(out, indent + 1);
                pretty_tree(*v, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push(']');
        }
    }
}

/// Two spaces per level.
pub fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// Containers nest at most `depth` deep in `node` (a scalar nests 0 deep, `[1]` 1, `{"a": [1]}`
/// 2). Stops at the first deeper child.
fn nests_within<'a, T: Tree<'a>>(node: T, depth: usize) -> bool {
    match node.form() {
        Form::Scalar => true,
        Form::Object(entries) => {
            depth > 0 && entries.iter().all(|(_, v)| nests_within(*v, depth - 1))
        }
        Form::Array(items) => depth > 0 && items.iter().all(|v| nests_within(*v, depth - 1)),
    }
}

/// Write one-line JSON with a space after `:` and `,`.
fn compact_into<'a, T: Tree<'a>>(node: T, out: &mut String) {
    match node.form() {
        Form::Scalar => node.scalar(out),
        Form::Object(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_json_string(out, k);
                out.push_str(": ");
                compact_into(*v, out);
            }
            out.push('}');
        }
        Form::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                compact_into(*v, out);
            }
            out.push(']');
        }
    }
}

/// An object's entries, sorted by key (the document model keeps insertion order).
pub fn sorted_entries(
    map: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(&String, &serde_json::Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    if !entries.windows(2).all(|w| w[0].0 <= w[1].0) {
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    }
    entries
}

fn push_scalar(out: &mut String, scalar: &serde_json::Value) {
    use serde_json::Value;
    use std::fmt::Write as _;
    match scalar {
        Value::String(s) => push_json_string(out, s),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        // Containers are written by the callers.
        container => {
            let _ = write!(out, "{container}");
        }
    }
}

/// A JSON string literal, escaped exactly as `serde_json` escapes it: `"`, `\\` and control
/// characters; everything else as is.
pub fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

#[cfg(test)]
mod pretty_tests {
    use super::{has_userinfo, UserinfoScan};
    use serde_json::json;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80).map(char::from).chain("é€😀".chars()).collect();
        for s in [all.as_str(), "", "plain", "\\\"", "end\u{1f}"] {
            let mut out = String::new();
            super::push_json_string(&mut out, s);
            assert_eq!(Some(out), serde_json::to_string(s).ok());
        }
    }

    #[test]
    fn small_containers_stay_on_one_line() {
        let v = json!({"a": {"object": {"id": "string"}}, "b": [], "c": 1,
            "deep": {"x": {"y": {"z": 1}}}});
        let text = super::pretty_json(&v);
        assert_eq!(
            text,
            "{\n  \"a\": {\"object\": {\"id\": \"string\"}},\n  \"b\": [],\n  \"c\": 1,\n  \"deep\": {\n    \"x\": {\"y\": {\"z\": 1}}\n  }\n}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).ok(),
            Some(v)
        );
    }

    // Piece by piece, whatever the cuts, the scan finds what `has_userinfo` finds.
    #[test]
    fn userinfo_is_found_across_pieces() {
        for text in [
            "see https://bob:pw@api.example.com/v1 now",
            "https://api.example.com/v1?mail=a@b.c",
            "mailto:a@b.c and http://x/y",
            "\"url\":\"http://u@h\"",
            "::// @",
            "http:://a@b",
        ] {
            for cut in 0..=text.len() {
                let mut scan = UserinfoScan::default();
                scan.update(&text.as_bytes()[..cut]);
                scan.update(&text.as_bytes()[cut..]);
                assert_eq!(scan.found, has_userinfo(text), "{text:?} cut at {cut}");
            }
        }
    }
}
