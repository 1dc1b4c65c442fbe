//! The one place where flags, `drift.yaml` and the environment become validated options.
//! Flags win over the config file.

use super::args::{AuthArgs, AuthKind, TargetArgs, TokenStyleArg};
use crate::config::{self, ApiConfig, AuthEntry};
use crate::plan::ParamValues;
use crate::replay::auth::{take_url_credentials, AuthConfig, TokenStyle};
use crate::replay::ReplayOptions;
use crate::run::api::default_api_name;
use crate::run::{ApiRun, BaseUrl};
use crate::snapshot::Selectors;
use anyhow::{anyhow, bail, Context};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The selected APIs and where their snapshots live.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub runs: Vec<ApiRun>,
    /// `--snapshots DIR`, or `snapshots/` beside the config file (config mode only).
    pub snapshots: Option<PathBuf>,
    /// The config file's `history:` folder, relative to the config file.
    pub history: Option<PathBuf>,
}

/// The APIs selected by the flags (and the config file when there is one).
pub fn resolve(t: &TargetArgs) -> anyhow::Result<Resolved> {
    let mut runs = Vec::new();
    let mut snapshots = t.snapshots.clone();
    let mut history = None;
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
        let path = t
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("drift.yaml"));
        if t.config.is_none() && !path.exists() {
            bail!("no drift.yaml in this folder\n  hint: pass --spec FILE (and --base-url URL, or the embedded mock is used), or --config FILE");
        }
        let cfg = config::load(&path)?;
        let base = config::folder(&path);
        history = cfg.history.clone();
        if snapshots.is_none() {
            snapshots = Some(
                cfg.snapshots
                    .clone()
                    .unwrap_or_else(|| base.join("snapshots")),
            );
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
    let base_url = match api.base_url.as_deref() {
        None | Some("mock") => BaseUrl::Mock,
        Some(url) => BaseUrl::Url(config::interpolate(url)?),
    };
    let auth = match &api.auth {
        Some(a) => auth_from_entry(a)?,
        None => AuthConfig::None,
    };
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

fn required(value: &Option<String>, what: &str, kind: &str) -> anyhow::Result<String> {
    value
        .clone()
        .ok_or_else(|| anyhow!("auth `{kind}` needs `{what}`"))
}

fn auth_from_entry(a: &AuthEntry) -> anyhow::Result<AuthConfig> {
    let kind = a.kind.as_str();
    Ok(match kind {
        "bearer" => AuthConfig::Bearer {
            token_env: required(&a.token_env, "token_env", kind)?,
        },
        "api-key" => AuthConfig::ApiKey {
            header: a.header.clone(),
            query: a.query.clone(),
            key_env: required(&a.key_env, "key_env", kind)?,
        },
        "basic" => AuthConfig::Basic {
            user_env: required(&a.user_env, "user_env", kind)?,
            password_env: required(&a.password_env, "password_env", kind)?,
        },
        "oauth2-client-credentials" => AuthConfig::OAuth2ClientCredentials {
            // Empty: the contract's declared tokenUrl.
            token_url: a.token_url.clone().unwrap_or_default(),
            client_id_env: required(&a.client_id_env, "client_id_env", kind)?,
            client_secret_env: required(&a.client_secret_env, "client_secret_env", kind)?,
            scope: a.scope.clone(),
            style: match a.style.as_deref() {
                None => None,
                Some("form") => Some(TokenStyle::Form),
                Some("json-api") => Some(TokenStyle::JsonApi),
                Some("json") => Some(TokenStyle::Json),
                Some(other) => bail!("unknown token style `{other}` (form, json-api, json)"),
            },
        },
        other => {
            bail!("unknown auth type `{other}` (bearer, api-key, basic, oauth2-client-credentials)")
        }
    })
}

pub(crate) fn auth_from_flags(a: &AuthArgs) -> anyhow::Result<Option<AuthConfig>> {
    let Some(kind) = a.auth else {
        return Ok(None);
    };
    let flag =
        |v: &Option<String>, name: &str| v.clone().ok_or_else(|| anyhow!("--auth needs {name}"));
    Ok(Some(match kind {
        AuthKind::Bearer => AuthConfig::Bearer {
            token_env: flag(&a.token_env, "--token-env VAR")?,
        },
        AuthKind::ApiKey => AuthConfig::ApiKey {
            header: a.header.clone(),
            query: a.query.clone(),
            key_env: flag(&a.key_env, "--key-env VAR")?,
        },
        AuthKind::Basic => AuthConfig::Basic {
            user_env: flag(&a.user_env, "--user-env VAR")?,
            password_env: flag(&a.password_env, "--password-env VAR")?,
        },
        AuthKind::OAuth2ClientCredentials => AuthConfig::OAuth2ClientCredentials {
            // Empty: the contract's declared tokenUrl.
            token_url: a.token_url.clone().unwrap_or_default(),
            client_id_env: flag(&a.client_id_env, "--client-id-env VAR")?,
            client_secret_env: flag(&a.client_secret_env, "--client-secret-env VAR")?,
            scope: a.scope.clone(),
            style: a.token_style.map(|s| match s {
                TokenStyleArg::Form => TokenStyle::Form,
                TokenStyleArg::JsonApi => TokenStyle::JsonApi,
                TokenStyleArg::Json => TokenStyle::Json,
            }),
        },
    }))
}

fn apply_flags(run: &mut ApiRun, t: &TargetArgs) -> anyhow::Result<()> {
    if !t.docs.is_empty() {
        run.docs.extend(config::expand_globs(&t.docs)?);
    }
    if let Some(url) = t.base_url.as_deref() {
        run.base_url = if url == "mock" {
            BaseUrl::Mock
        } else {
            BaseUrl::Url(config::interpolate(url)?)
        };
    }
    if let BaseUrl::Url(url) = &run.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!(
                "base URL `{}` must start with http:// or https:// (or be `mock`)",
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
    if let Some(auth) = auth_from_flags(&t.auth)? {
        run.auth = auth;
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
pub fn mock_api(args: &super::args::MockArgs) -> anyhow::Result<ApiRun> {
    match (&args.spec, &args.api) {
        (Some(spec), None) => Ok(ApiRun::new(&default_api_name(spec), Some(spec.clone()))),
        (Some(_), Some(_)) => {
            bail!("give either --spec or an API name from the config file, not both")
        }
        (None, api) => {
            let path = args.config.clone().unwrap_or_else(|| "drift.yaml".into());
            let cfg = config::load(&path)?;
            let name = match api {
                Some(n) => n.clone(),
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
