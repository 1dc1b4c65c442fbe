//! `drift.yaml`: the APIs a repository monitors. Parsed strictly: an unknown key is an error with
//! file, line and a "did you mean" hint. Environment variables are only *named* here; values are
//! read at run time (`${VAR}` in `base_url`, `*_env` keys for credentials).
//!
//! ```yaml
//! apis:
//!   coaching:
//!     spec: specs/coaching/openapi.json   # or a URL: fetched every run
//!     base_url: mock                 # or https://api.example.com/v1, or ${COACHING_URL}
//!     auth:
//!       type: oauth2-client-credentials   # bearer | api-key | basic
//!       token_url: https://api.example.com/oauth/token  # default: the contract's tokenUrl
//!       client_id_env: COACHING_CLIENT_ID
//!       client_secret_env: COACHING_CLIENT_SECRET
//!     params:
//!       id: 58163112237d84a94035f78b  # any operation's parameter named `id`
//!       operations:
//!         fetchPatient: {id: 5816…}    # one operation's
//!     operations:
//!       exclude: [fetchAuditLog, "tag:internal", "/admin/*"]
//!     rate_limit: 5     # requests per second
//!     timeout: 10       # seconds per exchange
//!     concurrency: 4
//!     volatile: [/meta/req_id, "/data/*/attributes/updated_at"]   # ignored by snapshots
//!     pin: [/jsonapi/version]                                      # must not change
//!     pagination:       # detected from the contract; see `paging::PagingConfig`
//!       max_pages: 5
//!       operations:
//!         listFriends: {style: offset, items: /_embedded/friends, count: /total_count}
//! snapshots: snapshots  # the snapshot folder (default), relative to this file
//! ```

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The config file drift looks for when none is given.
pub const DEFAULT_FILE: &str = "drift.yaml";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub apis: BTreeMap<String, ApiConfig>,
    /// The snapshot folder, relative to the config file (default `snapshots`).
    pub snapshots: Option<PathBuf>,
    /// The run history folder, relative to the config file: when set, every `drift check`
    /// records its runs there (see `drift report`). No history is kept by default.
    pub history: Option<PathBuf>,
    /// Findings to suppress, each with its reason (see `model::suppress`).
    #[serde(default)]
    pub ignore: Vec<crate::model::suppress::IgnoreRule>,
    /// Severity overrides by rule id or family (`snapshot.added: warning`).
    #[serde(default)]
    pub severity: BTreeMap<String, crate::model::Severity>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// The contract file. An API with only `docs` is checked against its documentation pages.
    pub spec: Option<PathBuf>,
    /// Globs of documentation pages whose examples are part of the contract.
    #[serde(default)]
    pub docs: Vec<String>,
    pub base_url: Option<String>,
    /// Credentials, by the names of the environment variables that hold them.
    #[serde(default, deserialize_with = "auth_entry")]
    pub auth: Option<crate::replay::auth::AuthConfig>,
    #[serde(default)]
    pub params: Params,
    #[serde(default)]
    pub operations: Selection,
    /// Requests per second (see `crate::limits` for the bounds of every number).
    #[serde(default, deserialize_with = "crate::limits::de::rate_limit")]
    pub rate_limit: Option<f64>,
    /// Seconds per exchange.
    #[serde(default, deserialize_with = "crate::limits::de::timeout")]
    pub timeout: Option<f64>,
    #[serde(default, deserialize_with = "crate::limits::de::concurrency")]
    pub concurrency: Option<usize>,
    /// JSON Pointer selectors whose values snapshots ignore.
    #[serde(default)]
    pub volatile: Vec<String>,
    /// JSON Pointer selectors whose values must not change.
    #[serde(default)]
    pub pin: Vec<String>,
    /// How collections page, where detection needs help, and the walk budget.
    #[serde(default)]
    pub pagination: crate::paging::PagingConfig,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
pub struct Params {
    #[serde(default)]
    pub operations: BTreeMap<String, BTreeMap<String, Value>>,
    #[serde(flatten)]
    pub global: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // The OS error is part of the message, not a `source`: printed once.
    #[error("{path}: cannot read: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}{at}: {message}")]
    Invalid {
        path: PathBuf,
        at: String,
        message: String,
    },
}

/// Read and validate a config file. Paths inside are relative to the file's folder.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|cause| ConfigError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    // Every unknown key at once, with its line and a "did you mean" (serde stops at the first).
    if let Ok(tree) = yaml_serde::from_str::<Value>(&text) {
        let mut unknown = Vec::new();
        unknown_keys(&tree, &TOP, "", &mut unknown);
        if !unknown.is_empty() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                at: String::new(),
                message: describe_unknown(&text, &unknown),
            });
        }
    }
    let mut config: Config = yaml_serde::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        let mut message = e.to_string();
        if let Some(loc) = e.location() {
            message = message.replacen(
                &format!(" at line {} column {}", loc.line(), loc.column()),
                "",
                1,
            );
        }
        if let Some(hint) = key_hint(&message) {
            message.push_str(&hint);
        }
        ConfigError::Invalid {
            path: path.to_path_buf(),
            at,
            message,
        }
    })?;
    for (name, api) in &config.apis {
        if api.spec.is_none() && api.docs.is_empty() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                at: String::new(),
                message: format!("API `{name}` needs `spec`, `docs`, or both"),
            });
        }
    }
    check_policy(&config, path)?;
    let base = path.parent().unwrap_or(Path::new("."));
    if !base.as_os_str().is_empty() {
        for api in config.apis.values_mut() {
            if let Some(spec) = api
                .spec
                .as_mut()
                .filter(|s| s.is_relative() && !crate::spec::remote::is_url(s))
            {
                *spec = base.join(&*spec);
            }
            for pattern in &mut api.docs {
                if Path::new(pattern.as_str()).is_relative() {
                    *pattern = base.join(pattern.as_str()).to_string_lossy().into_owned();
                }
            }
        }
        for dir in [&mut config.snapshots, &mut config.history]
            .into_iter()
            .flatten()
            .filter(|d| d.is_relative())
        {
            *dir = base.join(&*dir);
        }
    }
    Ok(config)
}

/// `ignore:` entries need a reason, a known rule, a real date; `severity:` keys name known rules.
fn check_policy(config: &Config, path: &Path) -> Result<(), ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        at: String::new(),
        message,
    };
    let known = |rule: &str| crate::model::Kind::is_family(rule);
    // A rule of an earlier release names the ones that replaced it.
    let hint = |rule: &str| match crate::model::Kind::successors(rule) {
        [] => String::new(),
        new => format!(" — it became {}", new.join(", ")),
    };
    for (i, r) in config.ignore.iter().enumerate() {
        if r.reason.trim().is_empty() {
            return Err(invalid(format!(
                "ignore[{i}] (`{}`): `reason` is required — say why, so the next reader knows when it can go",
                r.rule
            )));
        }
        if !known(&r.rule) {
            return Err(invalid(format!(
                "ignore[{i}]: `{}` is not a rule id or family (`drift rules` lists them){}",
                r.rule,
                hint(&r.rule)
            )));
        }
        if let Some(until) = &r.until {
            let ok = until.len() == 10
                && until.bytes().enumerate().all(|(k, b)| match k {
                    4 | 7 => b == b'-',
                    _ => b.is_ascii_digit(),
                });
            if !ok {
                return Err(invalid(format!(
                    "ignore[{i}] (`{}`): `until: {until}` is not a date (YYYY-MM-DD)",
                    r.rule
                )));
            }
        }
    }
    for rule in config.severity.keys() {
        if !known(rule) {
            return Err(invalid(format!(
                "severity: `{rule}` is not a rule id or family (`drift rules` lists them){}",
                hint(rule)
            )));
        }
    }
    Ok(())
}

impl Config {
    /// The `ignore:` entries and `severity:` overrides, named after the file they are in.
    pub fn policy(&self, path: &Path) -> crate::model::suppress::Policy {
        crate::model::suppress::Policy {
            ignore: self.ignore.clone(),
            severity: self.severity.clone(),
            source: path.display().to_string(),
        }
    }

    /// The snapshot folder: `snapshots:`, else `snapshots/` in `base` (the config file's folder).
    pub fn snapshot_folder(&self, base: &Path) -> PathBuf {
        self.snapshots
            .clone()
            .unwrap_or_else(|| base.join("snapshots"))
    }
}

/// `auth:`, read into its typed form; a missing `type` near a typo of it is named as the typo, so
/// the key hint applies as for any other key.
fn auth_entry<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::replay::auth::AuthConfig>, D::Error> {
    use serde::de::Error;
    let map = BTreeMap::<String, Value>::deserialize(d)?;
    if !map.contains_key("type") {
        let near = map
            .keys()
            .find(|k| crate::text::edit_distance(k, "type") <= 2);
        return Err(D::Error::custom(match near {
            Some(k) => format!("unknown field `{k}`, expected `type`"),
            None => "missing field `type` (bearer, api-key, basic or oauth2-client-credentials)"
                .to_string(),
        }));
    }
    serde_json::from_value(Value::Object(map.into_iter().collect()))
        .map(Some)
        .map_err(|e| D::Error::custom(format!("auth: {e}")))
}

/// The config file a command reads: the one given; else the nearest `drift.yaml` in this folder
/// or a parent, up to the repository root (the folder holding `.git`), as git finds its own
/// files from a subfolder; else `drift.yaml` here (which does not exist).
pub fn file(given: Option<&Path>) -> PathBuf {
    if let Some(path) = given {
        return path.to_path_buf();
    }
    let here = PathBuf::from(DEFAULT_FILE);
    if here.exists() {
        return here;
    }
    let Ok(cwd) = std::env::current_dir() else {
        return here;
    };
    for dir in cwd.ancestors().skip(1) {
        let candidate = dir.join(DEFAULT_FILE);
        if candidate.is_file() {
            return candidate;
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    here
}

/// The snapshot folder of a command that takes no contract (`drift review`): `--snapshots`, else
/// the config file's, else `snapshots/` here.
pub fn snapshot_folder(flag: Option<&Path>, config: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    let path = file(config);
    if !path.exists() {
        return Ok(PathBuf::from("snapshots"));
    }
    Ok(load(&path)?.snapshot_folder(folder(&path)))
}

/// The history folder of `drift report`: `--history`, else the config file's `history:`.
pub fn history_folder(flag: Option<&Path>, config: Option<&Path>) -> anyhow::Result<PathBuf> {
    use anyhow::Context;
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    let path = file(config);
    if !path.exists() {
        anyhow::bail!("give --history DIR (or a drift.yaml with `history:`)");
    }
    load(&path)?
        .history
        .context("drift.yaml has no `history:` folder; give --history DIR")
}

/// The folder a config file is in (`.` for a bare file name): relative paths in it start there.
pub fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The keys drift.yaml accepts at one place, and what each holds.
struct Keys {
    names: &'static [(&'static str, Holds)],
}

/// What a key holds: free data, a keyed object, or a map (or list) of keyed objects.
#[derive(Clone, Copy)]
enum Holds {
    Data,
    Object(&'static Keys),
    MapOf(&'static Keys),
    ListOf(&'static Keys),
}

/// A `static`, not a `const`: an operation's paging (`operations:`) takes the same keys, so the
/// table refers to itself.
static PAGING: Keys = Keys {
    names: &[
        ("style", Holds::Data),
        ("size_param", Holds::Data),
        ("position_param", Holds::Data),
        ("items", Holds::Data),
        ("count", Holds::Data),
        ("next", Holds::Data),
        ("cursor", Holds::Data),
        ("count_only", Holds::Data),
        ("page_size", Holds::Data),
        ("max_pages", Holds::Data),
        ("max_items", Holds::Data),
        ("operations", Holds::MapOf(&PAGING)),
    ],
};

const AUTH: Keys = Keys {
    names: &[
        ("type", Holds::Data),
        ("token_env", Holds::Data),
        ("header", Holds::Data),
        ("query", Holds::Data),
        ("key_env", Holds::Data),
        ("user_env", Holds::Data),
        ("password_env", Holds::Data),
        ("token_url", Holds::Data),
        ("client_id_env", Holds::Data),
        ("client_secret_env", Holds::Data),
        ("scope", Holds::Data),
        ("style", Holds::Data),
    ],
};

const SELECTION: Keys = Keys {
    names: &[("include", Holds::Data), ("exclude", Holds::Data)],
};

const API: Keys = Keys {
    names: &[
        ("spec", Holds::Data),
        ("docs", Holds::Data),
        ("base_url", Holds::Data),
        ("auth", Holds::Object(&AUTH)),
        // Parameter names are the user's: any key.
        ("params", Holds::Data),
        ("operations", Holds::Object(&SELECTION)),
        ("rate_limit", Holds::Data),
        ("timeout", Holds::Data),
        ("concurrency", Holds::Data),
        ("volatile", Holds::Data),
        ("pin", Holds::Data),
        ("pagination", Holds::Object(&PAGING)),
    ],
};

const IGNORE: Keys = Keys {
    names: &[
        ("rule", Holds::Data),
        ("api", Holds::Data),
        ("operation", Holds::Data),
        ("pointer", Holds::Data),
        ("fingerprint", Holds::Data),
        ("reason", Holds::Data),
        ("until", Holds::Data),
    ],
};

const TOP: Keys = Keys {
    names: &[
        ("apis", Holds::MapOf(&API)),
        ("snapshots", Holds::Data),
        ("history", Holds::Data),
        ("ignore", Holds::ListOf(&IGNORE)),
        ("severity", Holds::Data),
    ],
};

/// The most unknown keys listed one by one.
const MAX_UNKNOWN_SHOWN: usize = 20;

/// Every key of `value` that `keys` does not accept: (dotted place, the key, the keys accepted).
fn unknown_keys(
    value: &Value,
    keys: &'static Keys,
    at: &str,
    out: &mut Vec<(String, String, &'static Keys)>,
) {
    let Some(map) = value.as_object() else {
        return;
    };
    for (k, v) in map {
        let place = if at.is_empty() {
            k.clone()
        } else {
            format!("{at}.{k}")
        };
        match keys.names.iter().find(|(name, _)| name == k) {
            None => {
                if out.len() <= MAX_UNKNOWN_SHOWN {
                    out.push((place, k.clone(), keys));
                }
            }
            Some((_, Holds::Data)) => {}
            Some((_, Holds::Object(inner))) => unknown_keys(v, inner, &place, out),
            Some((_, Holds::MapOf(inner))) => {
                for (name, item) in v.as_object().into_iter().flatten() {
                    unknown_keys(item, inner, &format!("{place}.{name}"), out);
                }
            }
            Some((_, Holds::ListOf(inner))) => {
                for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                    unknown_keys(item, inner, &format!("{place}[{i}]"), out);
                }
            }
        }
    }
}

/// The unknown keys, one a line: where (with the line of the first `key:` in the file), and the
/// nearest accepted key.
fn describe_unknown(text: &str, unknown: &[(String, String, &'static Keys)]) -> String {
    let mut lines = vec![format!(
        "{} unknown key(s):",
        unknown.len().min(MAX_UNKNOWN_SHOWN)
    )];
    for (place, key, keys) in unknown.iter().take(MAX_UNKNOWN_SHOWN) {
        let line = text
            .lines()
            .position(|l| {
                let l = l.trim_start().trim_start_matches("- ");
                l.strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .map(|i| format!(" (line {})", i + 1))
            .unwrap_or_default();
        let hint = keys
            .names
            .iter()
            .map(|(name, _)| *name)
            .min_by_key(|name| crate::text::edit_distance(key, name))
            .filter(|name| crate::text::edit_distance(key, name) <= 3)
            .map(|name| format!(" — did you mean `{name}`?"))
            .unwrap_or_default();
        lines.push(format!("  `{place}`{line}{hint}"));
    }
    if unknown.len() > MAX_UNKNOWN_SHOWN {
        lines.push("  (and more)".into());
    }
    lines.join("\n")
}

/// "did you mean …?" for an unknown key, among the keys the config types accept at that place
/// (serde lists them in its message: `unknown field `volatle`, expected one of `spec`, …`).
fn key_hint(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let best = expected
        .iter()
        .min_by_key(|k| crate::text::edit_distance(unknown, k))
        .filter(|k| crate::text::edit_distance(unknown, k) <= 3)?;
    Some(format!("\n  hint: did you mean `{best}`?"))
}

/// Why `${NAME}` could not be replaced.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InterpolateError {
    #[error("unclosed `${{` in {0:?}")]
    Unclosed(String),
    #[error("environment variable {name} is not set (used in {text:?})")]
    NotSet { name: String, text: String },
}

/// Replace `${NAME}` with the environment variable's value.
pub fn interpolate(text: &str) -> Result<String, InterpolateError> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            return Err(InterpolateError::Unclosed(text.to_string()));
        };
        let name = &rest[start + 2..start + end];
        let value = std::env::var(name).map_err(|_| InterpolateError::NotSet {
            name: name.to_string(),
            text: text.to_string(),
        })?;
        out.push_str(&value);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The most directory entries one docs glob may walk.
const MAX_GLOB_ENTRIES: usize = 100_000;

/// Why documentation globs could not be expanded.
#[derive(Debug, thiserror::Error)]
pub enum GlobError {
    #[error("{0} does not exist")]
    NoFile(String),
    #[error("the glob {0} matches no file")]
    NoMatch(String),
    #[error("{pattern} is not a valid glob: {cause}")]
    Invalid {
        pattern: String,
        cause: globset::Error,
    },
    #[error("docs glob {0} walks more than {MAX_GLOB_ENTRIES} files and folders; narrow it")]
    TooMany(String),
}

/// Expand documentation globs (`docs/*.md`, `pages/**/*.html`) into files, sorted. A plain path
/// must exist; a glob must match at least one file. `*` stays within a folder, `**` crosses
/// folders; symlinked folders are followed once (a link to a parent does not loop).
pub fn expand_globs(patterns: &[String]) -> Result<Vec<PathBuf>, GlobError> {
    let mut out = Vec::new();
    for pattern in patterns {
        if !pattern.contains(['*', '?', '[', '{']) {
            let p = PathBuf::from(pattern);
            if !p.is_file() {
                return Err(GlobError::NoFile(pattern.clone()));
            }
            out.push(p);
            continue;
        }
        let mut found = expand_glob(pattern)?;
        if found.is_empty() {
            return Err(GlobError::NoMatch(pattern.clone()));
        }
        found.sort();
        out.extend(found);
    }
    out.dedup();
    Ok(out)
}

/// The files one glob matches, walking only below its fixed leading folders.
fn expand_glob(pattern: &str) -> Result<Vec<PathBuf>, GlobError> {
    let invalid = |cause| GlobError::Invalid {
        pattern: pattern.to_string(),
        cause,
    };
    let matcher = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(invalid)?
        .compile_matcher();
    let parts: Vec<&str> = pattern.split('/').collect();
    let fixed = parts
        .iter()
        .take_while(|p| !p.contains(['*', '?', '[', '{']))
        .count();
    let root = if fixed == 0 {
        PathBuf::from(".")
    } else {
        PathBuf::from(parts[..fixed].join("/"))
    };
    let mut found = Vec::new();
    // `follow_links` with loop detection: a symlink back to an ancestor is an error entry,
    // skipped, never walked again.
    let walk = walkdir::WalkDir::new(&root).follow_links(true).into_iter();
    for (seen, entry) in walk.enumerate() {
        if seen > MAX_GLOB_ENTRIES {
            return Err(GlobError::TooMany(pattern.to_string()));
        }
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        // Match the path as the user spelled its root (`./` only when the pattern had it).
        let text = if fixed == 0 {
            path.strip_prefix(".").unwrap_or(path)
        } else {
            path
        };
        if matcher.is_match(text) {
            found.push(text.to_path_buf());
        }
    }
    Ok(found)
}

/// Whether an operation is selected by `include`/`exclude` entries: an operationId, `tag:NAME`,
/// or a path glob starting with `/` (`*` matches within a segment, `**` across segments).
pub fn selected(selection: &Selection, id: &str, tags: &[String], path: &str) -> bool {
    let hit = |entry: &String| {
        if let Some(tag) = entry.strip_prefix("tag:") {
            tags.iter().any(|t| t == tag)
        } else if entry.starts_with('/') {
            glob(entry, path)
        } else {
            entry == id
        }
    };
    (selection.include.is_empty() || selection.include.iter().any(hit))
        && !selection.exclude.iter().any(hit)
}

fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => (0..=t.len()).any(|i| go(&p[2..], &t[i..])),
            Some(b'*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != b'/')
                .any(|i| go(&p[1..], &t[i..])),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

#[cfg(test)]
mod tests {
    /// The key table agrees with the types: serde names the fields it accepts when it meets an
    /// unknown one, and each table must list exactly those.
    #[test]
    fn the_key_tables_match_the_config_types() {
        fn accepted<T: serde::de::DeserializeOwned>() -> Vec<String> {
            let err = yaml_serde::from_str::<T>("zzz_unknown: 1")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            let mut names: Vec<String> = err
                .split("expected one of ")
                .nth(1)
                .or_else(|| err.split("expected ").nth(1))
                .unwrap_or("")
                .split('`')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect();
            names.sort();
            names
        }
        let table = |k: &Keys| {
            let mut names: Vec<String> = k.names.iter().map(|(n, _)| n.to_string()).collect();
            names.sort();
            names
        };
        assert_eq!(accepted::<Config>(), table(&TOP));
        assert_eq!(accepted::<ApiConfig>(), table(&API));
        assert_eq!(accepted::<Selection>(), table(&SELECTION));
        assert_eq!(accepted::<crate::paging::PagingConfig>(), table(&PAGING));
        assert_eq!(
            accepted::<crate::model::suppress::IgnoreRule>(),
            table(&IGNORE)
        );
    }

    // Only the first unknown key was reported; a user fixed one typo per run.
    #[test]
    fn every_unknown_key_is_reported_with_its_line_and_a_hint() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("drift.yaml");
        let text = "apis:\n  a:\n    spec: s.yaml\n    volatle: [/x]\n    pagination:\n      max_page: 3\nsnapshot: s\nignore:\n  - rule: snapshot.added\n    reason: r\n    untill: 2027-01-01\n";
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let err = load(&path).map(|_| ()).unwrap_err().to_string();
        for want in [
            "4 unknown key(s)",
            "`apis.a.volatle` (line 4) — did you mean `volatile`?",
            "`apis.a.pagination.max_page` (line 6) — did you mean `max_pages`?",
            "`snapshot` (line 7) — did you mean `snapshots`?",
            "`ignore[0].untill` (line 11) — did you mean `until`?",
        ] {
            assert!(err.contains(want), "{want}\n{err}");
        }
    }

    use super::*;

    #[test]
    fn globs_and_selection() {
        assert!(glob("/admin/*", "/admin/users"));
        assert!(!glob("/admin/*", "/admin/users/1"));
        assert!(glob("/admin/**", "/admin/users/1"));
        let s = Selection {
            include: vec![],
            exclude: vec!["tag:internal".into(), "/admin/*".into(), "fetchX".into()],
        };
        assert!(selected(&s, "a", &[], "/patient"));
        assert!(!selected(&s, "a", &["internal".into()], "/patient"));
        assert!(!selected(&s, "a", &[], "/admin/x"));
        assert!(!selected(&s, "fetchX", &[], "/x"));
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line_and_a_hint() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("drift.yaml");
        std::fs::write(&path, "apis:\n  a:\n    spec: x.yaml\n    base_ulr: mock\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let err = load(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            err.contains("`apis.a.base_ulr` (line 4) — did you mean `base_url`?"),
            "{err}"
        );
    }

    // `base_ulr` got a hint but `volatle` did not: the list was written by hand.
    #[test]
    fn every_key_gets_a_hint() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("drift.yaml");
        for (typo, key) in [
            ("volatle: []", "volatile"),
            ("pins: []", "pin"),
            ("concurency: 2", "concurrency"),
            ("auth: {typ: bearer}", "type"),
            ("operations: {exlude: []}", "exclude"),
        ] {
            std::fs::write(
                &path,
                format!("apis:\n  a:\n    spec: x.yaml\n    {typo}\n"),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let err = load(&path).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                err.contains(&format!("did you mean `{key}`?")),
                "{typo}: {err}"
            );
        }
    }

    #[test]
    fn params_split_global_and_per_operation() {
        let c: Config = yaml_serde::from_str("apis:\n  a:\n    spec: s.yaml\n    params:\n      id: 7\n      operations:\n        op1: {id: x}\n").unwrap_or_else(|e| panic!("{e}"));
        let p = &c.apis["a"].params;
        assert_eq!(p.global.get("id"), Some(&Value::from(7)));
        assert_eq!(p.operations["op1"]["id"], Value::from("x"));
    }

    // A docs glob through a symlink loop never ended.
    #[cfg(unix)]
    #[test]
    fn globs_do_not_follow_symlink_loops() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(docs.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(docs.join("sub/a.md"), "x").unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(&docs, docs.join("sub/loop")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(docs.join("sub"), docs.join("sub/self"))
            .unwrap_or_else(|e| panic!("{e}"));
        let found = expand_globs(&[format!("{}/**/*.md", docs.display())])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found, vec![docs.join("sub/a.md")]);
    }

    #[test]
    fn rules_of_a_direction_are_families_and_retired_ids_name_their_successors() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("drift.yaml");
        let write = |policy: &str| {
            std::fs::write(&path, format!("apis:\n  a:\n    spec: x.yaml\n{policy}"))
                .unwrap_or_else(|e| panic!("{e}"));
        };
        write("severity:\n  spec.response.*: warning\n  spec.request: info\n");
        assert!(load(&path).is_ok(), "{:?}", load(&path).err());
        write("severity:\n  spec.type-changed: warning\n");
        let err = load(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            err.contains("`spec.type-changed` is not a rule id")
                && err.contains("it became spec.response.type-widened, spec.request.type-narrowed"),
            "{err}"
        );
    }

    #[test]
    fn numbers_out_of_bounds_are_errors_with_a_line() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("drift.yaml");
        for (bad, needle) in [
            ("timeout: .inf", "timeout must be a number from 0.1 to 3600"),
            ("rate_limit: 1e-300", "rate_limit must be a number from 0.1"),
            ("rate_limit: 0.001", "rate_limit must be a number from 0.1"),
            (
                "concurrency: 18446744073709551615",
                "concurrency must be a number from 1 to 256",
            ),
            ("concurrency: 2.5", "whole number"),
        ] {
            std::fs::write(&path, format!("apis:\n  a:\n    spec: x.yaml\n    {bad}\n"))
                .unwrap_or_else(|e| panic!("{e}"));
            let err = load(&path).err().map(|e| e.to_string()).unwrap_or_default();
            // The line of the API entry, the field named in the message.
            assert!(
                err.contains("drift.yaml:3:") && err.contains(needle),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn interpolation() {
        assert_eq!(interpolate("plain").ok(), Some("plain".to_string()));
        assert!(interpolate("${DRIFT_SURELY_UNSET_VAR}/x").is_err());
    }
}
