//! Map JSON Pointers to line/column in a YAML or JSON source file.
//!
//! Values are parsed without positions (fast); when a finding or an error needs a line, the file is
//! scanned once more with an event parser for just the pointers asked for. JSON is read as YAML 1.2.

use crate::text::escape_pointer_token;
use saphyr_parser::{Event, Parser};
use std::collections::{HashMap, HashSet};

/// 1-based line and column.
pub type LineCol = (usize, usize);

enum Frame {
    Map {
        pointer: String,
        key: Option<(String, LineCol)>,
    },
    Seq {
        pointer: String,
        index: usize,
    },
}

/// Find the line/column of each pointer (`#/a/b` form) in `text`. For a mapping entry the key's
/// position is returned (where a reader looks), for a sequence item the item's.
/// Pointers that do not exist, or a text that does not parse, are simply absent from the result.
pub fn locate(text: &str, pointers: &[&str]) -> HashMap<String, LineCol> {
    let wanted: HashSet<&str> = pointers.iter().copied().collect();
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return found;
    }
    if wanted.contains("#") || wanted.contains("") {
        found.insert("#".to_string(), (1, 1));
    }
    // JSON is scanned directly: the YAML event parser needs about 15 bytes of memory per byte of
    // input, which made `drift lint` of a large JSON contract cost several times its loading.
    if text.trim_start().starts_with(['{', '[']) {
        if let Some(found_json) = locate_json(text, &wanted) {
            found.extend(found_json);
            return found;
        }
    }
    let mut stack: Vec<Frame> = Vec::new();
    // Nesting depth inside a non-scalar mapping key being skipped (complex keys are rare).
    let mut skipping = 0usize;
    let parser = Parser::new_from_str(text);
    for event in parser {
        let Ok((event, span)) = event else { break };
        let here = (span.start.line(), span.start.col() + 1);
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        let ends_node = matches!(event, Event::MappingEnd | Event::SequenceEnd);
        if skipping > 0 {
            if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                skipping += 1;
            } else if ends_node {
                skipping -= 1;
            }
            continue;
        }
        if starts_node {
            // A key of the enclosing mapping?
            if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                if key.is_none() {
                    match &event {
                        Event::Scalar(value, ..) => {
                            *key = Some((value.to_string(), here));
                        }
                        Event::Alias(_) => *key = Some((String::new(), here)),
                        _ => {
                            // A complex key: skip its content; its value gets an empty token.
                            *key = Some((String::new(), here));
                            skipping = 1;
                        }
                    }
                    continue;
                }
            }
            let (pointer, at) = node_at(&stack, here);
            if wanted.contains(pointer.as_str()) {
                found.insert(pointer.clone(), at);
                if found.len() == wanted.len() {
                    break;
                }
            }
            match event {
                Event::MappingStart(..) => {
                    stack.push(Frame::Map { pointer, key: None });
                }
                Event::SequenceStart(..) => stack.push(Frame::Seq { pointer, index: 0 }),
                _ => advance(&mut stack),
            }
        } else if ends_node {
            stack.pop();
            advance(&mut stack);
        }
    }
    found
}

/// [`locate`] for strict JSON text, in one pass with memory proportional to the nesting depth.
/// `None` when the text is not plain JSON (it is then read as YAML).
fn locate_json(text: &str, wanted: &HashSet<&str>) -> Option<HashMap<String, LineCol>> {
    let b = text.as_bytes();
    // The containers holding a wanted pointer below them: any other is stepped over whole.
    let above: HashSet<&str> = wanted
        .iter()
        .flat_map(|p| p.match_indices('/').map(|(at, _)| &p[..at]))
        .collect();
    let mut found = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advance over `n` bytes, keeping the line and the (character) column.
    let step = |i: &mut usize, line: &mut usize, col: &mut usize, n: usize| {
        for &c in &b[*i..(*i + n).min(b.len())] {
            if c == b'\n' {
                *line += 1;
                *col = 1;
            } else if c & 0xC0 != 0x80 {
                *col += 1;
            }
        }
        *i += n;
    };
    // The length of the string token starting at `start` (a `"`), quotes included.
    let string_len = |start: usize| -> Option<usize> {
        let mut j = start + 1;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 2,
                b'"' => return Some(j + 1 - start),
                _ => j += 1,
            }
        }
        None
    };
    // The length of the object or array starting at `start`, its strings stepped over whole.
    let container_len = |start: usize| -> Option<usize> {
        let mut depth = 0usize;
        let mut j = start;
        while j < b.len() {
            match b[j] {
                b'"' => {
                    j += string_len(j)?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(j + 1 - start);
                    }
                }
                _ => {}
            }
            j += 1;
        }
        None
    };
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            step(&mut i, &mut line, &mut col, 1);
            continue;
        }
        let here = (line, col);
        match c {
            b':' => step(&mut i, &mut line, &mut col, 1),
            b',' => {
                advance(&mut stack);
                step(&mut i, &mut line, &mut col, 1);
            }
            b'}' | b']' => {
                stack.pop();
                step(&mut i, &mut line, &mut col, 1);
            }
            _ => {
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = stack.last_mut()
                {
                    if c != b'"' {
                        return None;
                    }
                    let len = string_len(i)?;
                    let raw = &text[i..i + len];
                    let name = if raw.contains('\\') {
                        serde_json::from_str::<String>(raw).ok()?
                    } else {
                        raw[1..raw.len() - 1].to_string()
                    };
                    *key = Some((name, here));
                    step(&mut i, &mut line, &mut col, len);
                    continue;
                }
                let (pointer, at) = node_at(&stack, here);
                if wanted.contains(pointer.as_str()) {
                    found.insert(pointer.clone(), at);
                    if found.len() == wanted.len() {
                        return Some(found);
                    }
                }
                match c {
                    b'{' | b'[' if !above.contains(pointer.as_str()) => {
                        let len = container_len(i)?;
                        step(&mut i, &mut line, &mut col, len);
                    }
                    b'{' => {
                        stack.push(Frame::Map { pointer, key: None });
                        step(&mut i, &mut line, &mut col, 1);
                    }
                    b'[' => {
                        stack.push(Frame::Seq { pointer, index: 0 });
                        step(&mut i, &mut line, &mut col, 1);
                    }
                    b'"' => {
                        let len = string_len(i)?;
                        step(&mut i, &mut line, &mut col, len);
                    }
                    b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                        let len = b[i..]
                            .iter()
                            .position(|c| {
                                matches!(c, b',' | b']' | b'}') || c.is_ascii_whitespace()
                            })
                            .unwrap_or(b.len() - i);
                        step(&mut i, &mut line, &mut col, len);
                    }
                    _ => return None,
                }
            }
        }
    }
    Some(found)
}

/// The pointer of the node starting `here`, and where a reader looks for it: the key's position
/// for a mapping entry, the node's own for a list item or the root.
fn node_at(stack: &[Frame], here: LineCol) -> (String, LineCol) {
    match stack.last() {
        None => ("#".to_string(), here),
        Some(Frame::Map {
            pointer,
            key: Some((k, at)),
        }) => (format!("{pointer}/{}", escape_pointer_token(k)), *at),
        Some(Frame::Map { pointer, .. }) => (pointer.clone(), here),
        Some(Frame::Seq { pointer, index }) => (format!("{pointer}/{index}"), here),
    }
}

/// The current node of the top frame is complete: move to the next key or index.
fn advance(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key, .. }) => *key = None,
        Some(Frame::Seq { index, .. }) => *index += 1,
        None => {}
    }
}

/// Line/column of one pointer.
pub fn locate_one(text: &str, pointer: &str) -> Option<LineCol> {
    locate(text, &[pointer]).remove(pointer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
swagger: '2.0'
paths:
  /a/{id}:
    get:
      responses:
        '200':
          description: ok
definitions:
  Thing:
    type: object
    example:
      id: 1
      tags: [x, y]
";

    #[test]
    fn finds_keys_in_block_yaml() {
        let got = locate(
            YAML,
            &[
                "#/definitions/Thing/example",
                "#/paths/~1a~1{id}/get/responses/200",
                "#/definitions/Thing/example/tags/1",
                "#/nope",
            ],
        );
        assert_eq!(got.get("#/definitions/Thing/example"), Some(&(11, 5)));
        assert_eq!(
            got.get("#/paths/~1a~1{id}/get/responses/200"),
            Some(&(6, 9))
        );
        assert_eq!(
            got.get("#/definitions/Thing/example/tags/1").map(|p| p.0),
            Some(13)
        );
        assert!(!got.contains_key("#/nope"));
    }

    #[test]
    fn the_json_scanner_agrees_with_the_yaml_parser() {
        let json = "{\n  \"a\": {\"x~y/z\": [1, -2.5e3, true, null, \"s\\\"t\"],\n \"\\u00e9t\u{e9}\": {\"k\": [[], {}, [3]]}},\n  \"b\": \"v\"\n}\n";
        let pointers = [
            "#",
            "#/a",
            "#/a/x~0y~1z",
            "#/a/x~0y~1z/1",
            "#/a/x~0y~1z/4",
            "#/a/\u{e9}t\u{e9}",
            "#/a/\u{e9}t\u{e9}/k/2/0",
            "#/a/\u{e9}t\u{e9}/k/1",
            "#/b",
            "#/nope",
        ];
        let wanted: HashSet<&str> = pointers.iter().copied().collect();
        let fast = locate_json(json, &wanted).unwrap_or_default();
        let mut slow = HashMap::new();
        for p in pointers {
            let mut yaml_only = json.to_string();
            yaml_only.insert_str(0, "# force the YAML path\n");
            if let Some((l, c)) = locate_one(&yaml_only, p) {
                slow.insert(p.to_string(), (l - 1, c));
            }
        }
        assert_eq!(fast.len(), 9, "{fast:?}");
        assert_eq!(fast, slow);
    }

    #[test]
    fn the_json_scanner_steps_over_what_holds_nothing_wanted() {
        let json = "{\"skip\": {\"s\": \"}]\\\"{[\", \"n\": [1, {\"x\": \"\\\\\"}],\n \"m\": {}},\n \"want\": {\"k\": [0, {\"deep\": 1}]}, \"after\": 2}";
        let pointers = ["#/want/k/1/deep", "#/after", "#/skip/m"];
        let wanted: HashSet<&str> = pointers.iter().copied().collect();
        let fast = locate_json(json, &wanted).unwrap_or_default();
        let slow: HashMap<String, LineCol> = pointers
            .iter()
            .filter_map(|p| {
                let (l, c) = locate_one(&format!("# YAML\n{json}"), p)?;
                Some((p.to_string(), (l - 1, c)))
            })
            .collect();
        assert_eq!(fast.len(), 3, "{fast:?}");
        assert_eq!(fast, slow);
    }

    #[test]
    fn finds_keys_in_json() {
        let json = "{\n  \"a\": {\n    \"b\": [1,\n      {\"c\": 2}]\n  }\n}\n";
        assert_eq!(locate_one(json, "#/a/b/1/c"), Some((4, 8)));
    }
}
