//! A tolerant JSON reader for examples copied from documentation pages.
//!
//! It accepts what strict JSON does and repairs, reporting each repair with its line:
//! `trailing-comma` (`[1, 2,]`), `missing-comma` (two values or members with only whitespace
//! between them), `bare-placeholder` (an unquoted `{user ID}`, `<remote_id>` or `:id:` where a value
//! belongs, read as that string), `comment` (`//` or `/* */`), `single-quotes` (`'text'`),
//! `invalid-escape` (`\q` read as `q`), `control-character` (a raw newline or tab inside a string).
//! What it cannot repair — a truncated document, a stray character — is refused with the line and
//! column. It never panics and never loops: every step consumes input, and nesting is bounded.

use serde_json::{Map, Number, Value};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repair {
    /// 1-based line in the page.
    pub line: usize,
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TolerantError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for TolerantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

const MAX_DEPTH: usize = 256;

/// Parse one JSON value at the start of `text` (after whitespace). `first_line` is the page line of
/// `text`'s first line. Returns the value, the repairs, and how many bytes were consumed.
pub fn parse(text: &str, first_line: usize) -> Result<(Value, Vec<Repair>, usize), TolerantError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        first_line,
        repairs: Vec::new(),
    };
    p.ws();
    let v = p.value(0)?;
    Ok((v, p.repairs, p.pos))
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    first_line: usize,
    repairs: Vec<Repair>,
}

impl Parser<'_> {
    fn line_at(&self, pos: usize) -> usize {
        self.first_line
            + self.s[..pos.min(self.s.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
    }

    fn err(&self, message: impl Into<String>) -> TolerantError {
        let line = self.line_at(self.pos);
        let line_start = self.s[..self.pos.min(self.s.len())]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        TolerantError {
            line,
            column: self.pos.saturating_sub(line_start) + 1,
            message: message.into(),
        }
    }

    fn repair(&mut self, kind: &'static str, at: usize) {
        let line = self.line_at(at);
        self.repairs.push(Repair { line, kind });
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// Skip whitespace and comments (comments are repairs).
    fn ws(&mut self) {
        loop {
            while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
                self.pos += 1;
            }
            if self.s[self.pos.min(self.s.len())..].starts_with(b"//") {
                self.repair("comment", self.pos);
                while self.peek().is_some_and(|b| b != b'\n') {
                    self.pos += 1;
                }
            } else if self.s[self.pos.min(self.s.len())..].starts_with(b"/*") {
                self.repair("comment", self.pos);
                self.pos += 2;
                while self.pos < self.s.len() && !self.s[self.pos..].starts_with(b"*/") {
                    self.pos += 1;
                }
                self.pos = (self.pos + 2).min(self.s.len());
            } else {
                return;
            }
        }
    }

    fn starts_value(b: u8) -> bool {
        matches!(
            b,
            b'{' | b'[' | b'"' | b'\'' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' | b'<' | b':'
        )
    }

    fn value(&mut self, depth: usize) -> Result<Value, TolerantError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        match self.peek() {
            None => Err(self.err("the example ends where a value should be")),
            Some(b'{') => {
                if let Some(v) = self.placeholder(b'{', b'}') {
                    return Ok(v);
                }
                self.object(depth)
            }
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string(b'"').map(Value::String),
            Some(b'\'') => {
                self.repair("single-quotes", self.pos);
                self.string(b'\'').map(Value::String)
            }
            Some(b'<') => self
                .placeholder(b'<', b'>')
                .ok_or_else(|| self.err("unexpected `<`")),
            Some(b':') => self
                .placeholder(b':', b':')
                .ok_or_else(|| self.err("unexpected `:`")),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b) => Err(self.err(format!("unexpected `{}`", b as char))),
        }
    }

    /// `{user ID}`, `<remote_id>`, `:to_user:` standing where a value belongs: read as a string.
    /// Only on one line, and only when the content is not JSON (`{"a": 1}` is an object).
    fn placeholder(&mut self, open: u8, close: u8) -> Option<Value> {
        let start = self.pos;
        let rest = &self.s[start + 1..];
        let end = rest.iter().position(|b| *b == close || *b == b'\n')?;
        if rest[end] != close || end == 0 {
            return None;
        }
        let inner = &rest[..end];
        let looks_like_text = inner
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-' | b'.'));
        if !looks_like_text || (open == b'{' && inner.iter().all(|b| b.is_ascii_whitespace())) {
            return None;
        }
        let text = String::from_utf8_lossy(&self.s[start..start + end + 2]).into_owned();
        self.repair("bare-placeholder", start);
        self.pos = start + end + 2;
        Some(Value::String(text))
    }

    fn word(&mut self, word: &str, v: Value) -> Result<Value, TolerantError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err(format!("expected `{word}`")))
        }
    }

    fn number(&mut self) -> Result<Value, TolerantError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.pos += 1;
        }
        let text = &self.text[start..self.pos];
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| {
                self.pos = start;
                self.err(format!("`{text}` is not a number"))
            })
    }

    fn string(&mut self, quote: u8) -> Result<String, TolerantError> {
        let start = self.pos;
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                self.pos = start;
                return Err(self.err("a string is never closed"));
            };
            self.pos += 1;
            match b {
                b if b == quote => break,
                b'\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' | b'\'' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let hex = self
                                .text
                                .get(self.pos..self.pos + 4)
                                .and_then(|h| u32::from_str_radix(h, 16).ok());
                            match hex {
                                Some(mut code) => {
                                    self.pos += 4;
                                    // A surrogate pair.
                                    if (0xD800..0xDC00).contains(&code)
                                        && self.s[self.pos..].starts_with(b"\\u")
                                    {
                                        if let Some(low) = self
                                            .text
                                            .get(self.pos + 2..self.pos + 6)
                                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                                        {
                                            if (0xDC00..0xE000).contains(&low) {
                                                self.pos += 6;
                                                code = 0x10000
                                                    + ((code - 0xD800) << 10)
                                                    + (low - 0xDC00);
                                            }
                                        }
                                    }
                                    let c = char::from_u32(code).unwrap_or('\u{FFFD}');
                                    let mut buf = [0u8; 4];
                                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                                }
                                None => {
                                    self.repair("invalid-escape", self.pos);
                                    out.push(b'u');
                                }
                            }
                        }
                        other => {
                            self.repair("invalid-escape", self.pos - 1);
                            out.push(other);
                        }
                    }
                }
                b'\n' | b'\t' | b'\r' => {
                    self.repair("control-character", self.pos - 1);
                    out.push(b);
                }
                b => out.push(b),
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn array(&mut self, depth: usize) -> Result<Value, TolerantError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            if self.separator(b']', "an array", Self::starts_value)? {
                return Ok(Value::Array(items));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, TolerantError> {
        self.pos += 1;
        let mut map = Map::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.ws();
            let key = match self.peek() {
                Some(b'"') => self.string(b'"')?,
                Some(b'\'') => {
                    self.repair("single-quotes", self.pos);
                    self.string(b'\'')?
                }
                None => {
                    return Err(self.err("the example ends inside an object (a `}` is missing)"))
                }
                Some(b) => {
                    return Err(self.err(format!("expected a quoted key, found `{}`", b as char)))
                }
            };
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.err(format!("expected `:` after the key \"{key}\"")));
            }
            self.pos += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            map.insert(key, v);
            if self.separator(b'}', "an object", |b| b == b'"')? {
                return Ok(Value::Object(map));
            }
        }
    }

    /// After a member of an array or object: a comma (a trailing one before `close` is repaired),
    /// the closing bracket, or — repaired as a missing comma — the start of the next member.
    /// Returns whether the container is closed.
    fn separator(
        &mut self,
        close: u8,
        container: &str,
        starts_member: fn(u8) -> bool,
    ) -> Result<bool, TolerantError> {
        let after_value = self.pos;
        self.ws();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.ws();
                if self.peek() == Some(close) {
                    self.repair("trailing-comma", comma);
                    self.pos += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if starts_member(b) => {
                self.repair("missing-comma", after_value);
                Ok(false)
            }
            None => Err(self.err(format!(
                "the example ends inside {container} (a `{}` is missing)",
                close as char
            ))),
            Some(b) => Err(self.err(format!(
                "expected `,` or `{}`, found `{}`",
                close as char, b as char
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(text: &str) -> (Value, Vec<(usize, &'static str)>) {
        let (v, r, _) = parse(text, 1).unwrap_or_else(|e| panic!("{e}"));
        (v, r.into_iter().map(|r| (r.line, r.kind)).collect())
    }

    #[test]
    fn strict_json_needs_no_repair() {
        assert_eq!(
            ok(r#"{"a": [1, 2.5, "x\/y", true, null], "b": {"c": "\u00e9"}}"#),
            (
                json!({"a": [1, 2.5, "x/y", true, null], "b": {"c": "é"}}),
                vec![]
            )
        );
    }

    #[test]
    fn repairs_are_reported_with_lines() {
        let (v, r) = ok("{\n \"a\": [1, 2,],\n \"b\": {\"c\": 1,},\n}");
        assert_eq!(v, json!({"a": [1, 2], "b": {"c": 1}}));
        assert_eq!(
            r,
            vec![
                (2, "trailing-comma"),
                (3, "trailing-comma"),
                (3, "trailing-comma")
            ]
        );
        let (v, r) = ok("[\n {\"a\": 1}\n {\"a\": 2}\n]");
        assert_eq!(v, json!([{"a": 1}, {"a": 2}]));
        assert_eq!(r, vec![(2, "missing-comma")]);
        let (v, r) = ok("{\"a\": 1\n \"b\": 2}");
        assert_eq!(
            (v, r),
            (json!({"a": 1, "b": 2}), vec![(1, "missing-comma")])
        );
        let (v, r) = ok("{\"id\": {user ID}, \"r\": <remote_id>, \"t\": :to_user:}");
        assert_eq!(
            v,
            json!({"id": "{user ID}", "r": "<remote_id>", "t": ":to_user:"})
        );
        assert_eq!(r.len(), 3);
        let (v, r) = ok("{'a': 'b', // note\n \"c\": \"\\q\"}");
        assert_eq!(v, json!({"a": "b", "c": "q"}));
        assert_eq!(
            r,
            vec![
                (1, "single-quotes"),
                (1, "single-quotes"),
                (1, "comment"),
                (2, "invalid-escape")
            ]
        );
    }

    #[test]
    fn refuses_what_it_cannot_repair() {
        let e = parse("{\n \"a\": [1, 2\n", 10).err();
        assert!(
            e.as_ref()
                .is_some_and(|e| e.line == 12 && e.message.contains("`]` is missing")),
            "{e:?}"
        );
        assert!(parse("{\"a\" 1}", 1).is_err());
        assert!(parse("\"never closed", 1).is_err());
        assert!(parse(&"[".repeat(10_000), 1).is_err());
        assert!(parse("", 1).is_err());
    }

    #[test]
    fn reports_consumed_length() {
        let (_, _, used) = parse("{\"a\": 1}\nmore text", 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(used, 8);
    }
}
