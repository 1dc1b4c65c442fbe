//! Stage 1, `spec`: load a Swagger 2.0 or OpenAPI 3.0/3.1 contract (YAML or JSON, `$ref`s across
//! files) into one model. Guarantees: every `$ref` resolves or loading fails with file:line:column;
//! no panic on any input; each response schema compiles at most once (see [`schemas`]).

// A load error ends the run: the error path is cold, so `SpecError` stays a plain enum.
#![allow(clippy::result_large_err)]

pub mod dialect;
pub mod error;
pub mod fanout;
pub mod flat;
pub mod locate;
pub mod media;
pub mod model;
pub mod normalize;
pub mod reach;
pub mod remote;
pub mod revision;
pub mod schemas;
pub mod security;
pub mod source;
pub mod types;

pub use error::{Position, SpecError};
pub use model::*;
pub use source::Documents;

use crate::model::SpecLocation;
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

/// A loaded contract.
#[derive(Debug)]
pub struct Contract {
    pub dialect: Dialect,
    /// `info.title` and `info.version`.
    pub title: String,
    pub version: String,
    /// Base URLs declared by the contract (2.0 `schemes`/`host`/`basePath`, 3.x `servers`).
    pub servers: Vec<String>,
    pub operations: Vec<Operation>,
    pub documents: Documents,
    schemas: OnceLock<schemas::Schemas>,
    /// The validators need only response schemas (see [`Contract::for_responses`]).
    responses_only: bool,
    /// Per operation: the paging its contract declares, read once for the run and its mock.
    paging: OnceLock<Vec<OnceLock<Option<crate::paging::Paging>>>>,
}

/// Load a contract file and everything it references.
pub fn load(path: &Path) -> Result<Contract, SpecError> {
    let documents = Documents::load(path)?;
    Contract::from_documents(documents)
}

impl Contract {
    pub fn from_documents(documents: Documents) -> Result<Contract, SpecError> {
        let root = &documents.root().value;
        let dialect = detect(&documents)?;
        let info = root.get("info");
        let text = |key: &str| {
            info.and_then(|i| i.get(key))
                .map(scalar_text)
                .unwrap_or_default()
        };
        let (title, version) = (text("title"), text("version"));
        let servers = servers(root, dialect);
        let operations = normalize::operations(&documents, dialect)?;
        Ok(Contract {
            dialect,
            title,
            version,
            servers,
            operations,
            documents,
            schemas: OnceLock::new(),
            responses_only: false,
            paging: OnceLock::new(),
        })
    }

    /// A contract whose validators check responses only (a run, the mock), not the examples of
    /// parameters and request bodies (`drift lint`): their copy of the contract leaves the
    /// operations' parameters and request bodies out, close to half of the nodes of the largest
    /// public contracts.
    pub fn for_responses(mut self) -> Contract {
        self.responses_only = true;
        self
    }

    /// How findings name a schema: `#/a/b` in the root document, `file#/a/b` in another.
    pub fn schema_pointer(&self, doc: usize, pointer: &str) -> String {
        if doc == 0 {
            pointer.to_string()
        } else {
            format!("{}{pointer}", self.file_name(doc))
        }
    }

    /// The path part of the first server URL (`https://h/api/v1` → `/api/v1`), or `""`.
    pub fn base_path(&self) -> String {
        self.servers
            .first()
            .map(|s| server_path(s))
            .unwrap_or_default()
    }

    /// The compiled validators (the registry is built on first use).
    pub fn schemas(&self) -> &schemas::Schemas {
        self.schemas.get_or_init(|| {
            let responses: Option<Vec<SchemaRef>> = self
                .responses_only
                .then(|| self.response_schemas().cloned().collect());
            schemas::Schemas::new(&self.documents, self.dialect, responses.as_deref())
        })
    }

    /// `read(op)` for one of this contract's operations, computed once; computed each time for
    /// an operation of another contract.
    pub fn paging_of(
        &self,
        op: &Operation,
        read: impl FnOnce(&Operation) -> Option<crate::paging::Paging>,
    ) -> Option<crate::paging::Paging> {
        let range = self.operations.as_ptr_range();
        let at = op as *const Operation;
        if !range.contains(&at) {
            return read(op);
        }
        let index = (at as usize - range.start as usize) / std::mem::size_of::<Operation>();
        let slots = self
            .paging
            .get_or_init(|| self.operations.iter().map(|_| OnceLock::new()).collect());
        match slots.get(index) {
            Some(slot) => slot.get_or_init(|| read(op)).clone(),
            None => read(op),
        }
    }

    /// Every response schema of every operation (with repeats).
    pub fn response_schemas(&self) -> impl Iterator<Item = &SchemaRef> {
        self.operations
            .iter()
            .flat_map(|o| o.responses.iter())
            .flat_map(|r| r.content.iter())
            .filter_map(|m| m.schema.as_ref())
    }

    /// The file name of a document as the user should see it.
    pub fn file_name(&self, doc: usize) -> String {
        self.documents.docs[doc].path.display().to_string()
    }

    /// A spec location without a line (lines are filled in by [`Contract::locate_lines`]).
    pub fn location(&self, doc: usize, pointer: &str) -> SpecLocation {
        SpecLocation {
            file: self.file_name(doc),
            pointer: pointer.to_string(),
            line: None,
        }
    }

    /// Fill in the `line` of many spec locations with one scan per file.
    pub fn locate_lines<'a>(&self, locations: impl Iterator<Item = &'a mut SpecLocation>) {
        let mut by_file: std::collections::BTreeMap<String, Vec<&'a mut SpecLocation>> =
            Default::default();
        for loc in locations {
            by_file.entry(loc.file.clone()).or_default().push(loc);
        }
        for (file, locs) in by_file {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let pointers: Vec<&str> = locs.iter().map(|l| l.pointer.as_str()).collect();
            let found = locate::locate(&text, &pointers);
            for loc in locs {
                loc.line = found.get(&loc.pointer).map(|(line, _)| *line);
            }
        }
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn detect(docs: &Documents) -> Result<Dialect, SpecError> {
    let root = &docs.root().value;
    let path = &docs.root().path;
    let Some(obj) = root.as_object() else {
        let what = match root {
            Value::Null => "the file is empty".to_string(),
            Value::Array(_) => "the top level is a list, not a mapping".to_string(),
            _ => "the top level is a scalar, not a mapping".to_string(),
        };
        return Err(SpecError::NotASpec {
            at: Position::file(path),
            reason: what,
        });
    };
    if let Some(v) = obj.get("swagger") {
        let version = scalar_text(v);
        return if version == "2.0" || version == "2" {
            Ok(Dialect::Swagger2)
        } else {
            Err(SpecError::UnsupportedVersion {
                at: docs.position(0, "#/swagger"),
                version,
            })
        };
    }
    if let Some(v) = obj.get("openapi") {
        let version = scalar_text(v);
        return if version.starts_with("3.0") {
            Ok(Dialect::OpenApi30)
        } else if version.starts_with("3.1") {
            Ok(Dialect::OpenApi31)
        } else {
            Err(SpecError::UnsupportedVersion {
                at: docs.position(0, "#/openapi"),
                version,
            })
        };
    }
    let keys: Vec<&str> = obj.keys().take(5).map(String::as_str).collect();
    Err(SpecError::NotASpec {
        at: Position::file(path),
        reason: format!(
            "no `openapi` or `swagger` key (top-level keys: {})",
            keys.join(", ")
        ),
    })
}

fn servers(root: &Value, dialect: Dialect) -> Vec<String> {
    if dialect == Dialect::Swagger2 {
        let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or("");
        let Some(host) = root.get("host").and_then(Value::as_str) else {
            return if base_path.is_empty() {
                Vec::new()
            } else {
                vec![base_path.to_string()]
            };
        };
        let schemes: Vec<&str> = root
            .get("schemes")
            .and_then(Value::as_array)
            .map(|s| s.iter().filter_map(Value::as_str).collect())
            .filter(|s: &Vec<&str>| !s.is_empty())
            .unwrap_or_else(|| vec!["https"]);
        // Prefer https when offered.
        let scheme = if schemes.contains(&"https") {
            "https"
        } else {
            schemes[0]
        };
        return vec![crate::text::strip_userinfo(&format!(
            "{scheme}://{host}{base_path}"
        ))];
    }
    let list = root.get("servers").and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .filter_map(|s| {
            let mut url = s.get("url")?.as_str()?.to_string();
            for (name, var) in s
                .get("variables")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(default) = var.get("default") {
                    url = url.replace(&format!("{{{name}}}"), &scalar_text(default));
                }
            }
            // A contract is not the place for credentials; never show them.
            Some(crate::text::strip_userinfo(&url))
        })
        .collect()
}

/// The path of a server URL, without a trailing slash: `https://h/api/` → `/api`, `/pub` → `/pub`,
/// `https://h` → `""`.
pub fn server_path(server: &str) -> String {
    let path = match url::Url::parse(server) {
        // The URL type percent-encodes `{var}`; the contract's own spelling is wanted.
        Ok(u) if u.has_host() => percent_encoding::percent_decode_str(u.path())
            .decode_utf8_lossy()
            .into_owned(),
        _ => server.to_string(),
    };
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}
