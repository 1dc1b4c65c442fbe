//! The validated options of one API run: what to load, where to send requests, with which
//! credentials and limits. Built by the CLI from flags and `drift.yaml`, or directly by a caller.

use crate::config::Selection;
use crate::plan::ParamValues;
use crate::replay::auth::{AuthConfig, UrlCredentials};
use crate::replay::ReplayOptions;
use crate::snapshot::Selectors;
use std::path::PathBuf;
use std::time::Duration;

/// Where an API's requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseUrl {
    /// The embedded mock, in process.
    Mock,
    Url(String),
}

/// Everything needed to check one API.
#[derive(Debug, Clone)]
pub struct ApiRun {
    pub name: String,
    /// The contract file; `None` for an API described by its documentation pages only.
    pub spec: Option<PathBuf>,
    /// Documentation pages whose examples are part of the contract.
    pub docs: Vec<PathBuf>,
    pub base_url: BaseUrl,
    pub auth: AuthConfig,
    pub params: ParamValues,
    pub selection: Selection,
    pub replay: ReplayOptions,
    pub timeout: Duration,
    pub max_body_bytes: usize,
    /// The cap of a contract fetched by URL.
    pub max_spec_bytes: usize,
    pub selectors: Selectors,
    /// Paging overrides and the walk budget (`pagination:` in drift.yaml).
    pub paging: crate::paging::PagingConfig,
    /// Credentials that were written into the base URL (`https://user:pass@host`), taken out of it.
    pub url_credentials: Option<UrlCredentials>,
    /// `mock:SEED`: the embedded mock's data varied by this seed.
    pub mock_seed: Option<u64>,
}

impl ApiRun {
    /// An API checked with the defaults: the embedded mock, no auth, no parameters.
    pub fn new(name: &str, spec: Option<PathBuf>) -> ApiRun {
        ApiRun {
            name: name.to_string(),
            spec,
            docs: Vec::new(),
            base_url: BaseUrl::Mock,
            auth: AuthConfig::None,
            params: ParamValues::default(),
            selection: Selection::default(),
            replay: ReplayOptions::default(),
            timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_spec_bytes: crate::limits::DEFAULT_MAX_SPEC_BYTES,
            selectors: Selectors::default(),
            paging: crate::paging::PagingConfig::default(),
            url_credentials: None,
            mock_seed: None,
        }
    }

    /// Where requests go, as reports name it: `mock`, `mock:7`, or the base URL.
    pub fn target_label(&self) -> String {
        match (&self.base_url, self.mock_seed) {
            (BaseUrl::Mock, Some(seed)) => format!("mock:{seed}"),
            (BaseUrl::Mock, None) => "mock".into(),
            (BaseUrl::Url(u), _) => u.clone(),
        }
    }

    /// Whether this API's requests carry credentials (drift sends the configured ones with
    /// every request; the embedded mock gets none).
    pub fn credentials(&self) -> crate::check::Credentials {
        let configured = self.auth != AuthConfig::None || self.url_credentials.is_some();
        if configured && self.base_url != BaseUrl::Mock {
            crate::check::Credentials::Sent
        } else {
            crate::check::Credentials::None
        }
    }
}

/// The API name shown in reports when none is given: the folder of a generically named file
/// (`specs/fitbit-plus/swagger.yaml` → `fitbit-plus`), else the file stem.
pub fn default_api_name(spec: &std::path::Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let generic = matches!(
        stem.to_ascii_lowercase().as_str(),
        "swagger" | "openapi" | "api" | "spec" | "contract"
    );
    let folder = spec.canonicalize().ok().and_then(|p| {
        p.parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .map(String::from)
    });
    match folder {
        Some(folder) if generic => folder,
        _ => stem.to_string(),
    }
}
