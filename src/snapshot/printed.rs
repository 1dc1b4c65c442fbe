//! A shape written as a snapshot file shows it — [`crate::text::pretty_into`] of
//! [`Shape::to_json`], byte for byte — without building that document: a recording writes
//! a shape per operation, and building each one's keys and nodes cost more than printing them.
//! The shape is a [`Tree`] the same printer writes.

use super::shape::{Field, Shape, ValueKind, Variants};
use crate::text::{push_json_string, Form, Tree};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// [`crate::text::pretty_into`] of `shape.to_json()`.
pub fn write_pretty(shape: &Shape, indent: usize, out: &mut String) {
    crate::text::pretty_tree(Node::Shape(shape), indent, out);
}

/// A node of the shape's JSON form.
#[derive(Clone, Copy)]
enum Node<'a> {
    Null,
    /// A shape: its one kind, or the list of its kinds.
    Shape(&'a Shape),
    ValueKind(&'a ValueKind),
    /// The `{name: shape}` map of an object kind.
    Fields(&'a BTreeMap<String, Field>),
    /// `{"by": …, "of": …}` of a variants kind.
    Variants(&'a Variants),
    /// The `{value: shape}` map of a variants kind.
    Of(&'a BTreeMap<String, Shape>),
    Text(&'a str),
}

impl<'a> Tree<'a> for Node<'a> {
    fn form(self) -> Form<'a, Self> {
        match self {
            Node::Null => Form::Scalar,
            Node::Shape(s) => match s.kinds.as_slice() {
                [one] => Node::ValueKind(one).form(),
                kinds => Form::Array(kinds.iter().map(Node::ValueKind).collect()),
            },
            Node::ValueKind(ValueKind::Array(element)) => Form::Object(vec![(
                Cow::Borrowed("array"),
                element.as_deref().map_or(Node::Null, Node::Shape),
            )]),
            Node::ValueKind(ValueKind::Object(fields)) => {
                Form::Object(vec![(Cow::Borrowed("object"), Node::Fields(fields))])
            }
            Node::ValueKind(ValueKind::Variants(v)) => {
                Form::Object(vec![(Cow::Borrowed("variants"), Node::Variants(v))])
            }
            Node::ValueKind(_) | Node::Text(_) => Form::Scalar,
            Node::Variants(v) => Form::Object(vec![
                (Cow::Borrowed("by"), Node::Text(&v.by)),
                (Cow::Borrowed("of"), Node::Of(&v.of)),
            ]),
            Node::Of(of) => Form::Object(
                of.iter()
                    .map(|(value, shape)| (Cow::Borrowed(value.as_str()), Node::Shape(shape)))
                    .collect(),
            ),
            Node::Fields(fields) => {
                let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = fields
                    .iter()
                    .map(|(name, f)| (super::shape::field_key(name, f), Node::Shape(&f.shape)))
                    .collect();
                // Suffixed keys (`nick?`) may sort apart from their names.
                if !entries.windows(2).all(|w| w[0].0 <= w[1].0) {
                    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                }
                Form::Object(entries)
            }
        }
    }

    fn scalar(self, out: &mut String) {
        match self {
            Node::ValueKind(kind) => push_json_string(out, kind.name()),
            Node::Text(text) => push_json_string(out, text),
            Node::Shape(Shape { kinds }) if kinds.len() == 1 => {
                Node::ValueKind(&kinds[0]).scalar(out)
            }
            _ => out.push_str("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The file form is the document's, printed: every shape below, alone and nested, at the
    // depths a snapshot file writes it.
    #[test]
    fn a_shape_is_printed_as_its_document_is() {
        let long: serde_json::Map<String, serde_json::Value> = (0..30)
            .map(|i| {
                (
                    format!("field_{i}"),
                    if i % 3 == 0 { json!(null) } else { json!("x") },
                )
            })
            .collect();
        let bodies = [
            json!(1),
            json!([]),
            json!([[]]),
            json!({"id": "a", "nick": null, "tags": ["x", 1, {"k": true}]}),
            json!([{"a": 1}, {"a": null, "b": "2026-01-01"}, {"upvote?": true}, {"a-b": 1}]),
            json!({"deep": {"deeper": {"deepest": {"leaf": [1.5, "x", null]}}}}),
            json!({"wide": long}),
            json!([{"wide": long}, 3, "s"]),
            json!({}),
        ];
        let view = crate::snapshot::view::SchemaView::undeclared();
        let resource = |t: &str, attributes: serde_json::Value| json!({"type": t, "id": "1", "attributes": attributes});
        let included = json!({"included": [
            resource("coach", json!({"name": "A"})),
            resource("health_profile", json!({"answers": 3, "done": true})),
            resource("oauth/token", json!({})),
            {"type": "plain"},
        ]});
        let shapes = bodies
            .iter()
            .map(Shape::of)
            .chain([Shape::read(&included, &view)]);
        for (shape, body) in shapes.zip(bodies.iter().chain([&included])) {
            for indent in [0, 1, 3] {
                let mut direct = String::new();
                write_pretty(&shape, indent, &mut direct);
                let mut printed = String::new();
                crate::text::pretty_into(&shape.to_json(), indent, &mut printed);
                assert_eq!(direct, printed, "{body}");
            }
        }
    }
}
