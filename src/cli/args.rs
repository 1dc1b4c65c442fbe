//! What the user typed: the clap definitions, and nothing else. Nothing below `cli` sees clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// drift catches API contract drift: it loads an OpenAPI/Swagger contract, replays read-only
/// requests, validates responses against the schemas and reports what drifted.
#[derive(Debug, Parser)]
#[command(name = "drift", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to colour output: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay the contract's read-only operations against a base URL (or the embedded mock) and
    /// report where responses break the contract.
    #[command(after_help = "\
Exit codes: 0 nothing at or above --fail-on, 1 drift, 2 could not run, 3 target (or its token
endpoint) unreachable, 4 authentication refused.

Examples:
  drift check                                   # every API of ./drift.yaml
  drift check --spec swagger.yaml               # against the embedded mock
  drift check --learn --base-url mock:7         # rehearse a night: the mock's data of seed 7
  drift check --spec swagger.yaml --base-url https://api.example.com/v1 \\
      --auth bearer --token-env API_TOKEN --format terminal --format json=drift.json")]
    Check(Box<CheckArgs>),
    /// Record (or accept) the current responses as shape snapshots.
    #[command(after_help = "\
New snapshots are written; changed ones are written as <op>.json.new for review unless --accept.

Examples:
  drift snapshot                      # every API of ./drift.yaml, into snapshots/
  drift snapshot coaching --accept    # re-record one API, accepting every change")]
    Snapshot(Box<SnapshotArgs>),
    /// Walk pending snapshot changes (.json.new files): accept, reject or skip each.
    #[command(
        after_help = "Keys: a accept, r reject, s skip, A accept all, R reject all, q quit."
    )]
    Review(ReviewArgs),
    /// Serve the contract's examples as a mock API.
    #[command(
        after_help = "Example:\n  drift mock --spec specs/coaching/openapi.json --port 4010\n  curl -H 'Prefer: code=404' localhost:4010/patients/1\n  drift mock --spec specs/coaching/openapi.json --seed 7   # data varied by seed 7"
    )]
    Mock(MockArgs),
    /// List every operation of a contract: method, path, operationId, tags, declared responses.
    #[command(
        after_help = "Example:\n  drift ops --spec specs/under-armour/swagger.yaml --format json"
    )]
    Ops(OpsArgs),
    /// Check a contract against itself: examples vs their schemas, unknown formats, broken schemas.
    #[command(
        after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 could not run.\n\nExample:\n  drift lint --spec swagger.yaml --format json --output lint.json"
    )]
    Lint(LintArgs),
    /// Show the example payloads extracted from documentation pages.
    #[command(after_help = "Example:\n  drift docs specs/under-armour/docs/*.md --format json")]
    Docs(DocsArgs),
    /// Build the nightly report from a run history: every API's status, trust score, drift
    /// timeline and spec history, as one self-contained HTML page or Markdown.
    #[command(
        after_help = "Examples:\n  drift check --history history\n  drift report --history history --format html=report.html\n  drift report --history history            # Markdown on standard output"
    )]
    Report(ReportArgs),
    /// Compare two contracts and classify every change: breaking for a client written against
    /// OLD, or compatible. OLD and NEW are files, URLs, or git revisions (`origin/main:specs/x.yaml`).
    #[command(
        after_help = "Examples:\n  drift diff specs/v1.yaml specs/v2.yaml\n  drift diff origin/main:specs/coaching/openapi.json specs/coaching/openapi.json --format github\n  drift diff https://vendor.example/swagger.yaml swagger.yaml --fail-on breaking"
    )]
    Diff(Box<DiffArgs>),
    /// List the finding kinds with their docs, or print one.
    #[command(after_help = "Examples:\n  drift rules\n  drift rules example.invalid")]
    Rules(RulesArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    #[command(
        after_help = "Examples:\n  drift completions bash > ~/.local/share/bash-completion/completions/drift\n  drift completions zsh > ~/.zfunc/_drift\n  drift completions fish > ~/.config/fish/completions/drift.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output.
    #[command(after_help = "Example:\n  drift man > drift.1 && man ./drift.1")]
    Man,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    pub fail_on: FailOn,
    /// Show only what needs attention: no progress counter, no notes, only the APIs with drift or
    /// errors, then the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write pending snapshots even when CI is set.
    #[arg(long)]
    pub write: bool,
    /// Record this run in a history folder (one entry per API and the full report), for
    /// `drift report` and the drift timeline. Default: drift.yaml's `history:`, else none.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Learn from this run: add each response that shows no drift to its snapshot's evidence
    /// (in place), so keys that come and go are told from keys that are always there. Changes at
    /// warning or above stay pending for `drift review`. Writes even when CI is set. For nightly
    /// runs.
    #[arg(long)]
    pub learn: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The contract clients were written against: a file, a URL, or REV:PATH.
    pub old: String,
    /// The new contract: a file, a URL, or REV:PATH.
    pub new: String,
    /// The API name in reports (default: from NEW's file name).
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
    /// Exit 1 when a change at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    pub fail_on: FailOn,
    /// Largest contract fetched by URL, in bytes (1 KiB–4 GiB; default 128 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::DEFAULT_MAX_SPEC_BYTES, value_parser = crate::limits::max_spec_bytes_flag)]
    pub max_spec_bytes: usize,
    /// Credentials for OLD or NEW given as URLs (the same flags as `drift check`).
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Merge the JSON reports of the shards of one run (`drift check --shard I/N --format
    /// json=…`) into one report, in any `drift check` format (default: terminal).
    #[arg(long, value_name = "REPORT.json", num_args = 1.., conflicts_with = "history")]
    pub merge: Vec<PathBuf>,
    /// With --merge: exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, requires = "merge")]
    pub fail_on: Option<FailOn>,
    /// The history folder (`drift check --history DIR`); default: drift.yaml's `history:`.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// The drift.yaml to read `history:` from.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// markdown (default, on standard output), html, or json (events, for workflows).
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Learn changes at warning or above too, instead of leaving them pending in .json.new files
    /// (the evidence is kept; delete a snapshot file to start it afresh).
    #[arg(long)]
    pub accept: bool,
    /// terminal: what was recorded; json: the report of the recording run.
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The snapshot folder (default: snapshots/ beside drift.yaml).
    #[arg(long, value_name = "DIR")]
    pub snapshots: Option<PathBuf>,
    /// The config file (default: ./drift.yaml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Accept every pending change without asking.
    #[arg(long, conflicts_with = "reject_all")]
    pub accept_all: bool,
    /// Reject every pending change without asking.
    #[arg(long)]
    pub reject_all: bool,
}

/// Which APIs to check and how to reach them: from drift.yaml, from flags, or both (flags win).
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// APIs of the config file to run (default: all).
    #[arg(value_name = "API")]
    pub apis: Vec<String>,
    /// The config file (default: ./drift.yaml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A contract file or URL, instead of a config file. Repeatable, and globs are expanded
    /// (`--spec 'specs/**/*.json'`): each file is its own API, named from its path.
    #[arg(long, value_name = "FILE|GLOB")]
    pub spec: Vec<String>,
    /// Name of the API given with --spec (one file only).
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
    /// Run shard I of N (1-based): APIs are split by a hash of their names, so adding an API
    /// moves no other. For a CI matrix; merge the shards' JSON reports with `drift report --merge`.
    #[arg(long, value_name = "I/N", value_parser = crate::run::shard::Shard::parse)]
    pub shard: Option<crate::run::shard::Shard>,
    /// Documentation pages whose examples are part of the contract (globs allowed); repeatable.
    #[arg(long, value_name = "PAGE")]
    pub docs: Vec<String>,
    /// The API's base URL, or `mock` for the embedded mock (the default without one), or
    /// `mock:SEED` for the mock with its data varied by a seed (rehearse a nightly: one seed a
    /// night).
    #[arg(long, value_name = "URL|mock|mock:SEED")]
    pub base_url: Option<String>,
    /// Requests in flight at once, per API (1–256; default 8).
    #[arg(long, value_name = "N", value_parser = crate::limits::concurrency_flag)]
    pub concurrency: Option<usize>,
    /// Seconds allowed for each exchange (0.1–3600; default 30).
    #[arg(long, value_name = "SECS", value_parser = crate::limits::timeout_flag)]
    pub timeout: Option<f64>,
    /// Requests per second, per API (0.1–10000; default: no limit).
    #[arg(long, value_name = "N", value_parser = crate::limits::rate_limit_flag)]
    pub rate_limit: Option<f64>,
    /// Retries for transport errors, 429 and 5xx (0–10).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = crate::limits::retries_flag)]
    pub retries: u32,
    /// The snapshot folder (default with a config file: snapshots/ beside it).
    #[arg(long, value_name = "DIR")]
    pub snapshots: Option<PathBuf>,
    /// A JSON Pointer whose value is ignored in snapshots (`*` and `**` allowed); repeatable.
    #[arg(long, value_name = "POINTER")]
    pub volatile: Vec<String>,
    /// A JSON Pointer whose value must not change (`*` and `**` allowed); repeatable.
    #[arg(long, value_name = "POINTER")]
    pub pin: Vec<String>,
    /// Largest response body read, in bytes (1 KiB–1 GiB); longer bodies are cut and reported.
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024, value_parser = crate::limits::max_body_bytes_flag)]
    pub max_body_bytes: usize,
    /// Largest contract fetched by URL, in bytes (1 KiB–4 GiB; default 128 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::DEFAULT_MAX_SPEC_BYTES, value_parser = crate::limits::max_spec_bytes_flag)]
    pub max_spec_bytes: usize,
    #[command(flatten)]
    pub auth: AuthArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthKind {
    Bearer,
    ApiKey,
    Basic,
    #[value(name = "oauth2-client-credentials")]
    OAuth2ClientCredentials,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenStyleArg {
    Form,
    JsonApi,
    Json,
}

/// Credentials come from environment variables; flags only name them.
#[derive(Debug, Args)]
#[command(
    next_help_heading = "Auth (values are read from environment variables, never from flags)"
)]
pub struct AuthArgs {
    #[arg(long, value_enum)]
    pub auth: Option<AuthKind>,
    /// bearer: the variable holding the token.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// api-key: send the key in this header.
    #[arg(long, value_name = "NAME")]
    pub header: Option<String>,
    /// api-key: send the key in this query parameter.
    #[arg(long, value_name = "NAME")]
    pub query: Option<String>,
    /// api-key: the variable holding the key.
    #[arg(long, value_name = "VAR")]
    pub key_env: Option<String>,
    /// basic: the variable holding the user name.
    #[arg(long, value_name = "VAR")]
    pub user_env: Option<String>,
    /// basic: the variable holding the password.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// oauth2: the token endpoint (relative URLs are joined to the base URL); by default the
    /// contract's declared client-credentials tokenUrl.
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// oauth2: the variable holding the client id.
    #[arg(long, value_name = "VAR")]
    pub client_id_env: Option<String>,
    /// oauth2: the variable holding the client secret.
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
    /// oauth2: the scope to ask for.
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// oauth2: how the token request is encoded (default: from the contract's token operation, else form).
    #[arg(long, value_enum)]
    pub token_style: Option<TokenStyleArg>,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// The API of the config file to serve.
    #[arg(value_name = "API")]
    pub api: Option<String>,
    /// The config file (default: ./drift.yaml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A contract file, instead of a config file.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, short, default_value_t = 4010)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Log every request on standard error.
    #[arg(long, short)]
    pub verbose: bool,
    /// Vary the data with this seed, as a live API's data varies from night to night (values,
    /// ids, list lengths, optional fields, nulls, map keys, collection sizes); every body stays
    /// valid against its schema, documented examples stay as documented. Same seed, same bodies.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// The contract: a file or an http(s) URL; Swagger 2.0 or OpenAPI 3.x, YAML or JSON.
    #[arg(long, value_name = "FILE|URL")]
    pub spec: PathBuf,
    /// Name of the API in reports (default: from the file name or its folder).
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
    /// Largest contract fetched by URL, in bytes (1 KiB–4 GiB; default 128 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::DEFAULT_MAX_SPEC_BYTES, value_parser = crate::limits::max_spec_bytes_flag)]
    pub max_spec_bytes: usize,
}

/// `--format F[=PATH]` (repeatable) and `--output PATH`, the same for every command.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format, repeatable: terminal (or text), json, and per command markdown, junit,
    /// sarif, github (check, diff), html (report); `F=PATH` writes that format to a file.
    #[arg(long = "format", value_name = "F[=PATH]")]
    pub formats: Vec<String>,
    /// Write the (single) format to this file.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// The requested outputs, among the formats that render this command's view.
    pub fn outputs(
        &self,
        view: crate::report::View,
    ) -> Result<Vec<crate::report::Output>, crate::report::FormatError> {
        let supported = crate::report::Format::rendering(view);
        crate::report::outputs(&self.formats, self.output.as_deref(), &supported)
    }
}

#[derive(Debug, Args)]
pub struct OpsArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Plan as for this target: against a real API (a URL), path parameters are taken from the
    /// live responses of the operations that list them, and the plan shows those dependencies.
    #[arg(long, value_name = "URL|mock")]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Breaking,
    Warning,
    Info,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Documentation pages to check against the spec (globs allowed); repeatable.
    #[arg(long, value_name = "PAGE")]
    pub docs: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Documentation pages: Markdown, HTML or plain text.
    #[arg(required = true, value_name = "PAGE")]
    pub pages: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A finding kind, e.g. `example.invalid`.
    pub kind: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}
