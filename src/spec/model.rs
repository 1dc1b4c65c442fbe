//! The one contract model every dialect is normalized into.

use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// The contract dialect a root document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Dialect {
    #[serde(rename = "swagger-2.0")]
    Swagger2,
    #[serde(rename = "openapi-3.0")]
    OpenApi30,
    #[serde(rename = "openapi-3.1")]
    OpenApi31,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Swagger2 => "Swagger 2.0",
            Dialect::OpenApi30 => "OpenAPI 3.0",
            Dialect::OpenApi31 => "OpenAPI 3.1",
        })
    }
}

/// Where a schema lives: a document (index into the loaded files) and a `#/…` pointer.
/// `$ref` chains are already followed, so equal locations mean the same schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaRef {
    pub doc: usize,
    pub pointer: String,
}

/// A declared response status key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Code(u16),
    /// `2XX`: the first digit.
    Range(u8),
    Default,
}

impl Status {
    pub fn parse(key: &str) -> Option<Status> {
        if key.eq_ignore_ascii_case("default") {
            return Some(Status::Default);
        }
        let bytes = key.as_bytes();
        if bytes.len() == 3 && bytes[0].is_ascii_digit() && bytes[1..].eq_ignore_ascii_case(b"xx") {
            return Some(Status::Range(bytes[0] - b'0'));
        }
        key.parse::<u16>()
            .ok()
            .filter(|c| (100..600).contains(c))
            .map(Status::Code)
    }

    /// Whether a real status code is covered by this key.
    pub fn matches(self, code: u16) -> bool {
        match self {
            Status::Code(c) => c == code,
            Status::Range(r) => code / 100 == u16::from(r),
            Status::Default => true,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// A documented example value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: Option<String>,
    pub value: Value,
    pub doc: usize,
    pub pointer: String,
}

/// One media type of a response or request body.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaType {
    pub name: String,
    pub schema: Option<SchemaRef>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: Status,
    pub description: String,
    pub content: Vec<MediaType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamIn {
    Path,
    Query,
    Header,
    Cookie,
    FormData,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub location: ParamIn,
    pub required: bool,
    /// The parameter's `description`, when it has one.
    pub description: Option<String>,
    /// The parameter's schema as written (for Swagger 2.0, the type fields of the parameter).
    pub schema: Option<Value>,
    /// Where that schema is in the contract (for Swagger 2.0, the parameter object itself), so it
    /// can be synthesized from and validated against like any other.
    pub place: Option<SchemaRef>,
    pub examples: Vec<Example>,
    /// `x-example` and similar vendor hints.
    pub vendor_example: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    pub content: Vec<MediaType>,
}

/// One operation: a method on a path template.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub id: String,
    /// True when the contract has no `operationId` and drift made one up.
    pub id_synthesized: bool,
    /// Upper case: `GET`, `POST`, …
    pub method: String,
    pub path: String,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// Names of the security schemes any one of which the operation accepts (empty: none).
    pub security: Vec<Vec<String>>,
    /// Swagger 2.0 `produces` (of the operation, else the document's): the media types its
    /// answers may have, whether or not a response declares a schema.
    pub produces: Vec<String>,
    /// Where the operation is written.
    pub doc: usize,
    pub pointer: String,
}

impl Operation {
    /// GET and HEAD: the methods drift may replay.
    pub fn is_read_only(&self) -> bool {
        matches!(self.method.as_str(), "GET" | "HEAD")
    }

    /// Whether the operation declares a status by its code or its range (`default` aside: it
    /// describes whatever else may come, usually errors).
    pub fn declares(&self, code: u16) -> bool {
        self.responses
            .iter()
            .any(|r| r.status != Status::Default && r.status.matches(code))
    }

    /// Whether the operation declares a redirect (`3XX`): its first answer is the contract.
    pub fn declares_redirect(&self) -> bool {
        self.responses.iter().any(|r| match r.status {
            Status::Code(c) => (300..400).contains(&c),
            Status::Range(r) => r == 3,
            Status::Default => false,
        })
    }

    /// Whether a request may go without credentials: no security requirement, or one
    /// alternative that is empty (`security: [{}]`).
    pub fn security_optional(&self) -> bool {
        self.security.is_empty() || self.security.iter().any(Vec::is_empty)
    }

    /// The declared response for a real status code: exact code, then range, then `default`.
    pub fn response_for(&self, code: u16) -> Option<&Response> {
        let exact = self
            .responses
            .iter()
            .find(|r| r.status == Status::Code(code));
        exact
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| matches!(r.status, Status::Range(_)) && r.status.matches(code))
            })
            .or_else(|| self.responses.iter().find(|r| r.status == Status::Default))
    }
}

/// The parameter names a path template uses, in order: `{a}` and, in one segment, `{a}@{b}`.
pub fn template_parameters(path: &str) -> Vec<&str> {
    // Only the path: a fixed query (`/search?q={q}`) or an AWS-style `#…` is not one.
    names_in(path.split(['?', '#']).next().unwrap_or(path))
}

/// Every `{name}` in a template, its fixed query and `#…` included (`/alerts?lat={lat}`: some
/// contracts declare such names as path parameters, and drift fills them in).
pub fn names_in(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && !name.contains('{') {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

impl From<&Operation> for crate::model::OperationRef {
    fn from(op: &Operation) -> crate::model::OperationRef {
        crate::model::OperationRef {
            id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_keys() {
        assert_eq!(Status::parse("200"), Some(Status::Code(200)));
        assert_eq!(Status::parse("2XX"), Some(Status::Range(2)));
        assert_eq!(Status::parse("4xx"), Some(Status::Range(4)));
        assert_eq!(Status::parse("default"), Some(Status::Default));
        assert_eq!(Status::parse("x-foo"), None);
        assert_eq!(Status::parse("99"), None);
        assert!(Status::Range(2).matches(204));
        assert_eq!(Status::Range(5).to_string(), "5XX");
    }

    #[test]
    fn template_parameters_several_in_one_segment() {
        assert_eq!(
            template_parameters("/snapshot/collections/{collection_id}@{timestamp}"),
            ["collection_id", "timestamp"]
        );
        assert_eq!(template_parameters("/a/{id}/b/{name}.mp3"), ["id", "name"]);
        assert!(template_parameters("/a/{unclosed").is_empty());
        assert_eq!(
            template_parameters("/search/{kind}?query={query}"),
            ["kind"]
        );
    }
}
