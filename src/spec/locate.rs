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
            let (pointer, at) = match stack.last() {
                None => ("#".to_string(), here),
                Some(Frame::Map {
                    pointer,
                    key: Some((k, at)),
                    ..
                }) => (format!("{pointer}/{}", escape_pointer_token(k)), *at),
                Some(Frame::Map { pointer, .. }) => (pointer.clone(), here),
                Some(Frame::Seq { pointer, index }) => (format!("{pointer}/{index}"), here),
            };
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
    fn finds_keys_in_json() {
        let json = "{\n  \"a\": {\n    \"b\": [1,\n      {\"c\": 2}]\n  }\n}\n";
        assert_eq!(locate_one(json, "#/a/b/1/c"), Some((4, 8)));
    }
}
