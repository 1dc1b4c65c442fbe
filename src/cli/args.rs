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
    /// List every operation of a contract: method, path, operationId, tags, declared responses.
    #[command(
        after_help = "Example:\n  drift ops --spec specs/fitbit-plus/swagger.yaml --format json"
    )]
    Ops(OpsArgs),
    /// Check a contract against itself: examples vs their schemas, unknown formats, broken schemas.
    #[command(
        after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 could not run.\n\nExample:\n  drift lint --spec swagger.yaml --format json --output lint.json"
    )]
    Lint(LintArgs),
    /// List the finding kinds with their docs, or print one.
    #[command(after_help = "Examples:\n  drift rules\n  drift rules example.invalid")]
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// The contract file: Swagger 2.0 or OpenAPI 3.x, YAML or JSON.
    #[arg(long, value_name = "FILE")]
    pub spec: PathBuf,
    /// Name of the API in reports (default: from the file name or its folder).
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct OpsArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Write the output to a file instead of standard output.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Write the output to a file instead of standard output.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A finding kind, e.g. `example.invalid`.
    pub kind: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}
