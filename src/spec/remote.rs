//! Contracts served over HTTP (a vendor-hosted `swagger.yaml`): fetched with one GET through the
//! transport's safety gate, into a local file the loader reads like any other.

use crate::replay::transport::{HttpOptions, HttpRequest, HttpTransport, Redirects, Transport};
use std::path::{Path, PathBuf};

/// Whether a spec location is a URL.
pub fn is_url(spec: &Path) -> bool {
    let s = spec.to_string_lossy();
    s.starts_with("http://") || s.starts_with("https://")
}

/// Fetch `url` into `dir` (created); returns the file, named after the URL's last segment when
/// that is a `.json`/`.yaml`/`.yml` name. Redirects are followed only within the URL's origin, and
/// a body over `max_bytes` (announced or read) is an error naming the cap and its flag.
pub fn fetch(url: &str, dir: &Path, max_bytes: usize) -> Result<PathBuf, String> {
    fetch_with(url, dir, &crate::replay::auth::AuthConfig::None, max_bytes)
}

/// The contract at `spec`: a file, or a URL fetched first (within its origin, capped at
/// `max_bytes`, cached).
pub fn load(spec: &Path, max_bytes: usize) -> anyhow::Result<super::Contract> {
    let file = if is_url(spec) {
        let url = spec.to_string_lossy().into_owned();
        fetch(&url, &cache_dir(&url), max_bytes).map_err(anyhow::Error::msg)?
    } else {
        spec.to_path_buf()
    };
    Ok(super::load(&file)?)
}

/// [`fetch`] with an API's credentials (read from their environment variables), sent as the
/// checks send them.
pub fn fetch_with(
    url: &str,
    dir: &Path,
    auth: &crate::replay::auth::AuthConfig,
    max_bytes: usize,
) -> Result<PathBuf, String> {
    let shown = crate::text::strip_userinfo(url);
    let transport = HttpTransport::new(HttpOptions {
        timeout: std::time::Duration::from_secs(30),
        max_body_bytes: max_bytes,
        redirects: Redirects::SameOrigin,
        ..Default::default()
    })
    .map_err(|e| format!("{shown}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("{shown}: {e}"))?;
    let credentials = crate::replay::auth::Credentials::from_config(auth, Default::default())
        .map_err(|e| format!("{shown}: {e}"))?;
    let mut request = HttpRequest {
        method: "GET".into(),
        url: url.to_string(),
        headers: vec![(
            "Accept".into(),
            "application/json, application/yaml, text/yaml, */*".into(),
        )],
        ..Default::default()
    };
    let response = runtime
        .block_on(async {
            credentials
                .apply(&mut request, Some(&transport))
                .await
                .map_err(|e| e.to_string())?;
            transport.send(request).await.map_err(|e| e.to_string())
        })
        .map_err(|e| credentials.redactor.redact(&format!("{shown}: {e}")))?;
    if !(200..300).contains(&response.status) {
        return Err(format!("{shown}: answered {}", response.status));
    }
    let announced = response
        .header("content-length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    if response.truncated || announced.is_some_and(|n| n > max_bytes as u64) {
        let size = match announced {
            Some(n) => format!("{n} bytes"),
            None => "more".to_string(),
        };
        return Err(format!(
            "{shown}: the contract is {size}, over the cap of {max_bytes} bytes for a contract fetched by URL (raise it with --max-spec-bytes)"
        ));
    }
    let name = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .filter(|n| n.ends_with(".json") || n.ends_with(".yaml") || n.ends_with(".yml"))
        .unwrap_or("contract.yaml");
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(name);
    crate::fsutil::write_atomic(&path, &response.body)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Where a URL's contract is cached locally (one folder per URL).
pub fn cache_dir(url: &str) -> PathBuf {
    std::env::temp_dir()
        .join("drift-specs")
        .join(crate::text::content_hash(url.as_bytes()))
}
