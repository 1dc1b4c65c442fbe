//! The working objects of one API run, built once before its first request: the documentation
//! pages, the contract (read once: its value and its hash come from the same read), the target
//! (the embedded mock or the network, with credentials). A failure here is that API's result —
//! one clear message — never the end of a run over many APIs.

use super::api::{ApiRun, BaseUrl};
use super::target::{build_target, ApiTarget};
use crate::docs::DocsContract;
use crate::replay::auth::Redactor;
use crate::spec::{Contract, Documents};
use std::sync::Arc;

/// An API ready to be replayed.
pub struct Prepared {
    pub contract: Arc<Contract>,
    pub docs: DocsContract,
    /// The contract, as reports name it: its file, or the docs pages it was built from.
    pub label: String,
    pub spec_hash: String,
    pub target: ApiTarget,
    /// Things the user should know about this run (e.g. auth not applied against the mock).
    pub notes: Vec<String>,
    /// The contract file read (a fetched copy for a URL); `None` for a docs-only API.
    pub file: Option<std::path::PathBuf>,
}

/// Why an API could not run.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{0}: no such contract file")]
    Missing(std::path::PathBuf),
    #[error("cannot fetch the contract: {0}")]
    Fetch(String),
    #[error(transparent)]
    Docs(#[from] crate::docs::ReadError),
    #[error(transparent)]
    Spec(Box<crate::spec::SpecError>),
    #[error("{0}")]
    Target(String),
}

/// An API's contract: its docs pages, the contract (its spec file, or one built from the pages)
/// and how reports name it.
pub struct Loaded {
    pub docs: DocsContract,
    pub contract: Contract,
    pub label: String,
    /// The contract file read (a fetched copy for a URL); `None` for a docs-only API.
    pub file: Option<std::path::PathBuf>,
}

/// Read an API's docs pages and contract (`drift check`, `drift snapshot`, `drift mock`).
pub fn load(run: &ApiRun) -> Result<Loaded, PrepareError> {
    let docs = DocsContract {
        pages: crate::docs::read_pages(&run.docs)?,
    };
    let (contract, label, file) = match &run.spec {
        // A vendor-hosted contract: fetched on every run.
        Some(spec) if crate::spec::remote::is_url(spec) => {
            let url = spec.to_string_lossy().into_owned();
            // The API's credentials go with it (an OAuth2 token needs a token URL the contract
            // cannot give before it is read: then `token_url` must be set).
            let file = crate::spec::remote::fetch_with(
                &url,
                &crate::spec::remote::cache_dir(&url),
                &run.auth,
                run.max_spec_bytes,
            )
            .map_err(PrepareError::Fetch)?;
            (
                crate::spec::load(&file).map_err(|e| PrepareError::Spec(Box::new(e)))?,
                crate::text::strip_userinfo(&url),
                Some(file),
            )
        }
        Some(spec) if !spec.exists() => return Err(PrepareError::Missing(spec.clone())),
        Some(spec) => (
            crate::spec::load(spec).map_err(|e| PrepareError::Spec(Box::new(e)))?,
            spec.display().to_string(),
            Some(spec.clone()),
        ),
        None => {
            let doc = docs.to_openapi(&run.name);
            let contract = Contract::from_documents(Documents::from_values(vec![doc]))
                .map_err(|e| PrepareError::Spec(Box::new(e)))?;
            let pages: Vec<String> = run.docs.iter().map(|d| d.display().to_string()).collect();
            (contract, format!("docs: {}", pages.join(", ")), None)
        }
    };
    Ok(Loaded {
        docs,
        contract: contract.for_responses(),
        label,
        file,
    })
}

/// Read the docs pages and the contract, and build the target.
pub fn prepare(run: &ApiRun, redactor: &Redactor) -> Result<Prepared, PrepareError> {
    let Loaded {
        docs,
        contract,
        label,
        file,
    } = load(run)?;
    let spec_hash = contract.documents.root().hash.clone();
    let contract = Arc::new(contract);
    let mut notes = Vec::new();
    if run.base_url == BaseUrl::Mock && run.auth != crate::replay::auth::AuthConfig::None {
        notes.push("auth is not applied against the embedded mock".into());
    }
    if let (
        crate::replay::auth::AuthConfig::OAuth2ClientCredentials {
            token_url,
            client_id_env,
            client_secret_env,
            ..
        },
        BaseUrl::Url(_),
    ) = (&run.auth, &run.base_url)
    {
        // The reproduction lines cannot carry a token that expires: they name a variable.
        notes.push(format!(
            "reproduction lines send the bearer token in $ACCESS_TOKEN: set it to an access token from {} (the client_credentials grant with ${client_id_env} and ${client_secret_env})",
            crate::text::strip_userinfo(token_url)
        ));
    }
    if let Some((doc, pointer, reference)) = contract.documents.refused.first() {
        let mut at = contract.location(*doc, pointer);
        contract.locate_lines(std::iter::once(&mut at));
        let shown = crate::text::excerpt(&crate::text::strip_userinfo(reference), 200);
        notes.push(format!(
            "{} `$ref`(s) to other hosts or `file:` URLs were refused (the first: `{shown}` in {}{}): the schemas holding them accept any value; `drift lint` lists them",
            contract.documents.refused.len(),
            at.file,
            at.line.map(|l| format!(":{l}")).unwrap_or_default()
        ));
    }
    let target = build_target(run, &contract, redactor.clone())
        .map_err(|e| PrepareError::Target(format!("{e:#}")))?;
    Ok(Prepared {
        contract,
        docs,
        label,
        spec_hash,
        target,
        notes,
        file,
    })
}
