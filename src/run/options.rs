//! The one place where flags, `drift.yaml` and the environment become validated runs
//! ([`ApiRun`]s). Flags win over the config file. The CLI hands the flags over as plain [`Flags`];
//! nothing here knows about argument parsing.

use super::api::default_api_name;
use super::shard::Shard;
use super::{ApiRun, BaseUrl};
use crate::config::{self, ApiConfig};
use crate::plan::ParamValues;
use crate::replay::auth::{take_url_credentials, AuthConfig};
use crate::replay::ReplayOptions;
use crate::snapshot::Selectors;
use anyhow::{anyhow, bail, Context};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the user asked for on the command line, as plain values.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// APIs of the config file to run (all when empty).
    pub apis: Vec<String>,
    pub config: Option<PathBuf>,
    /// Contract files, URLs or globs, instead of a config file.
    pub spec: Vec<String>,
    /// The name of the one API given with `spec`.
    pub api: Option<String>,
    pub shard: Option<Shard>,
    pub docs: Vec<String>,
    pub base_url: Option<String>,
    pub concurrency: Option<usize>,
    pub timeout: Option<f64>,
    pub rate_limit: Option<f64>,
    pub retries: u32,
    pub snapshots: Option<PathBuf>,
    pub volatile: Vec<String>,
    pub pin: Vec<String>,
    pub max_body_bytes: usize,
    pub max_spec_bytes: usize,
    pub auth: Option<AuthConfig>,
}

/// The selected APIs and where their snapshots live.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub runs: Vec<ApiRun>,
    /// `--snapshots DIR`, or the config file's snapshot folder (config mode only).
    pub snapshots: Option<PathBuf>,
    /// The config file's `history:` folder, relative to the config file.
    pub history: Option<PathBuf>,
    /// The config file's `ignore:` entries and `severity:` overrides.
    pub policy: crate::model::suppress::Policy,
}

/// The APIs selected by the flags (and the config file when there is one).
pub fn resolve_flags(t: &Flags) -> anyhow::Result<Resolved> {
    let mut runs = Vec::new();
    let mut snapshots = t.snapshots.clone();
    let mut history = None;
    let mut policy = crate::model::suppress::Policy::default();
    if !t.spec.is_empty() {
        if !t.apis.is_empty() {
            bail!("give either --spec or API names from the config file, not both");
        }
        let specs = spec_files(&t.spec)?;
        if specs.len() > 1 && t.api.is_some() {
            bail!("--api names one API; with several --spec files each is named from its path");
        }
        let names = match (&t.api, specs.as_slice()) {
            (Some(name), _) => vec![name.clone()],
            (None, [one]) => vec![default_api_name(one)],
            (None, _) => api_names(&specs),
        };
        for (spec, name) in specs.into_iter().zip(names) {
            runs.push(from_config(
                &name,
                &ApiConfig {
                    spec: Some(spec),
                    ..Default::default()
                },
            )?);
        }
    } else {
        let path = config::file(t.config.as_deref());
        if t.config.is_none() && !path.exists() {
            bail!("no drift.yaml in this folder or above it (up to the repository root)\n  hint: pass --spec FILE (and --base-url URL, or the embedded mock is used), or --config FILE");
        }
        let cfg = config::load(&path)?;
        let base = config::folder(&path);
        history = cfg.history.clone();
        policy = cfg.policy(&path);
        if snapshots.is_none() {
            snapshots = Some(cfg.snapshot_folder(base));
        }
        for name in &t.apis {
            if !cfg.apis.contains_key(name) {
                let names: Vec<&str> = cfg.apis.keys().map(String::as_str).collect();
                let hint = names
                    .iter()
                    .min_by_key(|n| crate::text::edit_distance(name, n))
                    .map(|n| format!("\n  hint: did you mean `{n}`?"))
                    .unwrap_or_default();
                bail!(
                    "{}: no API named `{name}` (APIs: {}){hint}",
                    path.display(),
                    names.join(", ")
                );
            }
        }
        for (name, api) in &cfg.apis {
            if t.apis.is_empty() || t.apis.contains(name) {
                runs.push(
                    from_config(name, api)
                        .with_context(|| format!("{}: API `{name}`", path.display()))?,
                );
            }
        }
    }
    if let Some(shard) = t.shard {
        runs.retain(|r| shard.holds(&r.name));
    }
    for run in &mut runs {
        apply_flags(run, t)?;
    }
    Ok(Resolved {
        runs,
        snapshots,
        history,
        policy,
    })
}

/// The files `--spec` names: URLs as given, globs expanded (sorted), plain paths as given (a
/// missing file is that API's error, not the run's).
fn spec_files(specs: &[String]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for spec in specs {
        let path = PathBuf::from(spec);
        if crate::spec::remote::is_url(&path) || !spec.contains(['*', '?', '[', '{']) {
            out.push(path);
            continue;
        }
        let found = config::expand_globs(std::slice::from_ref(spec))
            .with_context(|| format!("--spec {spec}"))?;
        out.extend(found);
    }
    out.dedup();
    Ok(out)
}

/// Names for several contract files: the shortest tail of each path that no other file shares,
/// without the extension and without a generic file name (`apis/stripe.com/openapi.yaml` →
/// `stripe.com`, `api/microsoft.com/graph.json` → `graph`, or `microsoft.com/graph` when another
/// `graph` exists); files equal but for their extension keep it.
fn api_names(specs: &[PathBuf]) -> Vec<String> {
    let parts: Vec<Vec<String>> = specs
        .iter()
        .map(|p| {
            if crate::spec::remote::is_url(p) {
                return vec![default_api_name(p)];
            }
            let mut parts: Vec<String> = p
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let file = parts.pop().unwrap_or_default();
            let stem = std::path::Path::new(&file)
                .file_stem()
                .map_or(file.clone(), |s| s.to_string_lossy().into_owned());
            let generic = matches!(
                stem.to_ascii_lowercase().as_str(),
                "swagger" | "openapi" | "api" | "spec" | "contract"
            );
            if !generic || parts.is_empty() {
                parts.push(stem);
            }
            parts
        })
        .collect();
    let tail = |p: &[String], k: usize| p[p.len().saturating_sub(k)..].join("/");
    let mut names: Vec<Option<String>> = vec![None; specs.len()];
    let longest = parts.iter().map(Vec::len).max().unwrap_or(1);
    for k in 1..=longest {
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for p in &parts {
            *counts.entry(tail(p, k)).or_default() += 1;
        }
        for (i, p) in parts.iter().enumerate() {
            if names[i].is_none() && counts[&tail(p, k)] == 1 {
                names[i] = Some(tail(p, k));
            }
        }
    }
    // Still shared: the same path but for the extension (`x.json`, `x.yaml`).
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            n.unwrap_or_else(|| {
                let ext = specs[i]
                    .extension()
                    .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
                format!("{}{ext}", parts[i].join("/"))
            })
        })
        .collect()
}

fn from_config(name: &str, api: &ApiConfig) -> anyhow::Result<ApiRun> {
    let (base_url, mock_seed) = match api.base_url.as_deref() {
        None => (BaseUrl::Mock, None),
        Some(url) => parse_base_url(&config::interpolate(url)?)?,
    };
    let auth = api.auth.clone().unwrap_or_default();
    let mut params = ParamValues::default();
    for (k, v) in &api.params.global {
        params
            .global
            .insert(k.clone(), scalar(v).with_context(|| format!("params.{k}"))?);
    }
    for (op, values) in &api.params.operations {
        for (k, v) in values {
            let v = scalar(v).with_context(|| format!("params.operations.{op}.{k}"))?;
            params
                .per_operation
                .entry(op.clone())
                .or_default()
                .insert(k.clone(), v);
        }
    }
    let mut replay = ReplayOptions::default();
    if let Some(c) = api.concurrency {
        replay.concurrency = c.max(1);
    }
    replay.rate_limit = api.rate_limit;
    Ok(ApiRun {
        name: name.to_string(),
        spec: api.spec.clone(),
        docs: config::expand_globs(&api.docs)?,
        base_url,
        auth,
        params,
        selection: api.operations.clone(),
        replay,
        timeout: Duration::from_secs_f64(api.timeout.unwrap_or(30.0)),
        max_body_bytes: 10 * 1024 * 1024,
        max_spec_bytes: crate::limits::DEFAULT_MAX_SPEC_BYTES,
        selectors: Selectors::parse(&api.volatile, &api.pin)?,
        paging: api.pagination.clone(),
        url_credentials: None,
        mock_seed,
    })
}

fn scalar(v: &Value) -> anyhow::Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => bail!("a parameter value must be a string, number or boolean"),
    }
}

/// A base URL as written: `mock`, `mock:SEED` (the embedded mock, its data varied by the seed),
/// or a URL (checked below).
fn parse_base_url(url: &str) -> anyhow::Result<(BaseUrl, Option<u64>)> {
    Ok(match url.strip_prefix("mock") {
        Some("") => (BaseUrl::Mock, None),
        Some(rest) if rest.starts_with(':') => {
            let seed = rest[1..].parse::<u64>().map_err(|_| {
                anyhow::anyhow!(
                    "base URL `{}`: the seed of `mock:SEED` must be a whole number (`mock:7`)",
                    crate::text::escape_control(url, false)
                )
            })?;
            (BaseUrl::Mock, Some(seed))
        }
        _ => (BaseUrl::Url(url.to_string()), None),
    })
}

fn apply_flags(run: &mut ApiRun, t: &Flags) -> anyhow::Result<()> {
    if !t.docs.is_empty() {
        run.docs.extend(config::expand_globs(&t.docs)?);
    }
    if let Some(url) = t.base_url.as_deref() {
        (run.base_url, run.mock_seed) = parse_base_url(&config::interpolate(url)?)?;
    }
    if let BaseUrl::Url(url) = &run.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!(
                "base URL `{}` must start with http:// or https:// (or be `mock` or `mock:SEED`)",
                crate::text::strip_userinfo(url)
            );
        }
        // A password in the URL is a credential: never shown, sent as Basic auth, same origin only.
        let (bare, credentials) = take_url_credentials(url).map_err(|e| anyhow!(e))?;
        run.base_url = BaseUrl::Url(bare);
        if credentials.is_some() {
            run.url_credentials = credentials;
        }
    }
    if let Some(auth) = &t.auth {
        run.auth = auth.clone();
    }
    if let Some(c) = t.concurrency {
        run.replay.concurrency = c.max(1);
    }
    if let Some(r) = t.rate_limit {
        run.replay.rate_limit = Some(r);
    }
    if let Some(s) = t.timeout {
        run.timeout = Duration::from_secs_f64(s);
    }
    run.replay.retries = t.retries;
    run.max_body_bytes = t.max_body_bytes;
    run.max_spec_bytes = t.max_spec_bytes;
    if !t.volatile.is_empty() || !t.pin.is_empty() {
        let extra = Selectors::parse(&t.volatile, &t.pin)?;
        run.selectors.volatile.extend(extra.volatile);
        run.selectors.pin.extend(extra.pin);
    }
    Ok(())
}

/// The API `drift mock` serves: `--spec FILE`, or one API of the config file (the only one, or
/// the one named).
pub fn mock_api(
    spec: Option<&Path>,
    api: Option<&str>,
    config_file: Option<&Path>,
) -> anyhow::Result<ApiRun> {
    match (spec, api) {
        (Some(spec), None) => Ok(ApiRun::new(
            &default_api_name(spec),
            Some(spec.to_path_buf()),
        )),
        (Some(_), Some(_)) => {
            bail!("give either --spec or an API name from the config file, not both")
        }
        (None, api) => {
            let path = config::file(config_file);
            let cfg = config::load(&path)?;
            let name = match api {
                Some(n) => n.to_string(),
                None if cfg.apis.len() == 1 => cfg.apis.keys().next().cloned().unwrap_or_default(),
                None => bail!(
                    "{} has several APIs; name one: {}",
                    path.display(),
                    cfg.apis.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            let Some(api) = cfg.apis.get(&name) else {
                bail!("{}: no API named `{name}`", path.display())
            };
            // Only what the contract is made of: the mock needs no base URL nor credentials.
            let mut run = ApiRun::new(&name, api.spec.clone());
            run.docs = config::expand_globs(&api.docs)?;
            Ok(run)
        }
    }
}
