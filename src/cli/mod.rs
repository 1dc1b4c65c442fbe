//! The command line: parse arguments, load inputs, call the stages, print, choose the exit code.
//! The only module that touches arguments, the terminal and the user's output files.

// Functions here stay short: flags in, library call, outputs out.
#![warn(clippy::too_many_lines)]
// The one place (with `report`) that prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
mod check;
mod diff;
mod docs;
mod lint;
mod mock;
mod ops;
pub mod options;
mod progress;
mod report;
mod rules;
mod snapshot;

use crate::model::Severity;
use crate::report::terminal::Palette;
use args::{Cli, ColorChoice, Command, FailOn};
use clap::Parser;
use std::ffi::OsString;
use std::io::{self, Write};

pub use crate::model::ExitStatus;

/// Standard output and error, and whether they are terminals that may be coloured.
pub struct Console<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Colour allowed on the terminal (before `--color`).
    pub out_is_tty: bool,
    /// Standard error is a terminal: a progress line may be drawn on it.
    pub err_is_tty: bool,
}

/// Run drift with `args` (including the program name). In a GitHub Actions step, standard error
/// goes through [`crate::report::github::WorkflowSafe`]: no message quoting a contract or a response can start a
/// workflow command.
pub fn run(args: impl IntoIterator<Item = OsString>, console: &mut Console<'_>) -> ExitStatus {
    if !crate::report::github::in_github_actions() {
        return run_with(args, console);
    }
    let mut err = crate::report::github::WorkflowSafe::new(&mut *console.err);
    let status = {
        let mut safe = Console {
            out: &mut *console.out,
            err: &mut err,
            out_is_tty: console.out_is_tty,
            err_is_tty: console.err_is_tty,
        };
        run_with(args, &mut safe)
    };
    let _ = err.flush();
    status
}

fn run_with(args: impl IntoIterator<Item = OsString>, console: &mut Console<'_>) -> ExitStatus {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().ansi().to_string();
            let text = if console.out_is_tty {
                text
            } else {
                anstream::adapter::strip_str(&text).to_string()
            };
            return if e.use_stderr() {
                let _ = write!(console.err, "{text}");
                ExitStatus::Error
            } else {
                let _ = write!(console.out, "{text}");
                ExitStatus::Success
            };
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // The Actions log renders colours though it is not a terminal.
        ColorChoice::Auto => {
            (console.out_is_tty || crate::report::github::in_github_actions())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let palette = Palette { color };
    let result = match cli.command {
        Command::Check(a) => check::run(&a, console, palette),
        Command::Mock(a) => mock::run(&a, console),
        Command::Snapshot(a) => snapshot::record(&a, console, palette),
        Command::Review(a) => snapshot::review(&a, console, palette),
        Command::Ops(a) => ops::run(&a, console, palette),
        Command::Lint(a) => lint::run(&a, console, palette),
        Command::Rules(a) => rules::run(&a, console, palette),
        Command::Report(a) => report::run(&a, console, palette),
        Command::Diff(a) => diff::run(&a, console, palette),
        Command::Docs(a) => docs::run(&a, console, palette),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "drift", console.out);
            Ok(ExitStatus::Success)
        }
        Command::Man => clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
            .render(console.out)
            .map(|()| ExitStatus::Success)
            .map_err(Into::into),
    };
    match result {
        Ok(status) => status,
        // Output piped into `head` and closed early: the reader has what it wanted.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitStatus::Success
        }
        Err(e) => {
            // Errors quote file names, keys and values from untrusted inputs.
            let text = crate::text::escape_control(&format!("{e:#}"), true).into_owned();
            let _ = writeln!(console.err, "drift: error: {text}");
            ExitStatus::Error
        }
    }
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Breaking => Severity::Breaking,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

/// The contract of `--spec FILE` (a path or a URL) and the API name reports use (`--api`, or
/// from the file name).
fn load_spec(spec: &args::SpecArgs) -> anyhow::Result<(crate::spec::Contract, String)> {
    let contract = crate::spec::remote::load(&spec.spec, spec.max_spec_bytes)?;
    let api = spec.api.clone();
    Ok((
        contract,
        api.unwrap_or_else(|| crate::run::api::default_api_name(&spec.spec)),
    ))
}

/// When no API of a run could start, say why on standard error (as for any usage error) and
/// return true: the run exits 2.
fn nothing_ran(console: &mut Console<'_>, result: &crate::run::RunResult) -> io::Result<bool> {
    let apis = &result.report.apis;
    if result.failed_apis < apis.len() || apis.is_empty() {
        return Ok(false);
    }
    for api in apis {
        let error = result
            .redactor
            .redact(api.error.as_deref().unwrap_or_default());
        let error = crate::text::escape_control(&error, true);
        writeln!(console.err, "drift: error: API `{}`: {error}", api.name)?;
    }
    Ok(true)
}

/// Render every requested output and write it: to its file (without colour) or to standard
/// output. Redaction happens here, once, for every output of every command.
fn write_outputs(
    console: &mut Console<'_>,
    outputs: &[crate::report::Output],
    settings: impl Into<crate::report::Settings>,
    redactor: Option<&crate::replay::auth::Redactor>,
    render: impl Fn(
        &dyn crate::report::Reporter,
        Palette,
        &mut dyn io::Write,
    ) -> Result<(), crate::report::ReportError>,
) -> anyhow::Result<()> {
    let settings = settings.into();
    for output in outputs {
        let palette = if output.path.is_some() {
            Palette { color: false }
        } else {
            settings.palette
        };
        let reporter = crate::report::reporter(output.format, settings.with_palette(palette));
        let render = |w: &mut dyn io::Write| render(reporter.as_ref(), palette, w);
        if let (Some(path), true) = (&output.path, redactor.is_none_or(|r| r.is_empty())) {
            crate::fsutil::write_output_by(path, |w| render(w).map_err(io::Error::other))
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            continue;
        }
        let mut buf = Vec::new();
        render(&mut buf)?;
        let mut text = crate::replay::auth::Redactor::redact_output(redactor, buf);
        if output.path.is_none() && output.format != crate::report::Format::Github {
            text = crate::report::github::for_stdout(text);
        }
        emit(console, output.path.as_deref(), &text)?;
    }
    Ok(())
}

/// Write `text` to `--output PATH` (see [`crate::fsutil::write_output`]) or to standard output.
pub fn emit(
    console: &mut Console<'_>,
    output: Option<&std::path::Path>,
    text: &[u8],
) -> anyhow::Result<()> {
    match output {
        Some(path) => crate::fsutil::write_output(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => console
            .out
            .write_all(text)
            .or_else(ignore_broken_pipe)
            .map_err(Into::into),
    }
}

fn ignore_broken_pipe(e: io::Error) -> io::Result<()> {
    match e.kind() {
        io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e),
    }
}
