//! `drift check`: run the pipeline for every selected API, render the report, choose the exit code.

use super::args::CheckArgs;
use super::options;
use super::progress::ProgressLine;
use super::{Console, ExitStatus};
use crate::report::terminal::{self, Palette};
use crate::run::{in_ci, RunOptions, SnapshotMode};
use anyhow::bail;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Terminal,
    Json,
}

pub fn run(args: &CheckArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = parse_formats(&args.formats, args.output.as_ref())?;
    let resolved = options::resolve(&args.target)?;
    let options = RunOptions {
        apis: resolved.runs,
        snapshots: resolved.snapshots,
        mode: SnapshotMode::Compare {
            write: args.write || !in_ci(),
        },
    };
    let result = {
        let mut progress = ProgressLine::new(console.err, console.err_is_tty);
        crate::run::run(&options, &mut progress)?
    };
    let (report, redactor) = (&result.report, &result.redactor);
    for (format, path) in &outputs {
        let palette = if path.is_some() {
            Palette { color: false }
        } else {
            p
        };
        let mut buf = Vec::new();
        match format {
            Format::Terminal => {
                terminal::write_check(&mut buf, palette, report)?;
                if result.snapshots.pending > 0 {
                    if let Some(dir) = &options.snapshots {
                        writeln!(buf, "{} snapshot change(s) pending in {}: review them with `drift review` (or accept all: `drift review --accept-all`)", result.snapshots.pending, dir.display())?;
                    }
                }
            }
            Format::Json => {
                serde_json::to_writer_pretty(&mut buf, &crate::report::json::check_report(report))?;
                buf.push(b'\n');
            }
        }
        // Belt and braces: no credential value can reach any output.
        let text = redactor.redact(&String::from_utf8_lossy(&buf));
        super::emit(console, path.as_deref(), text.as_bytes())?;
    }
    let threshold = args.fail_on.severity();
    Ok(if super::nothing_ran(console, &result)? {
        ExitStatus::Error
    } else if result.attempted > 0 && result.unreachable == result.attempted {
        ExitStatus::Unreachable
    } else if report
        .findings
        .iter()
        .any(|f| f.severity.reaches(threshold))
    {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn parse_formats(
    formats: &[String],
    output: Option<&PathBuf>,
) -> anyhow::Result<Vec<(Format, Option<PathBuf>)>> {
    let mut out = Vec::new();
    for f in formats {
        let (name, path) = match f.split_once('=') {
            Some((n, p)) => (n, Some(PathBuf::from(p))),
            None => (f.as_str(), None),
        };
        let format = match name {
            "terminal" | "text" => Format::Terminal,
            "json" => Format::Json,
            other => bail!("unknown format `{other}` (terminal, json)"),
        };
        out.push((format, path));
    }
    if out.is_empty() {
        out.push((Format::Terminal, None));
    }
    if let Some(path) = output {
        if out.len() != 1 || out[0].1.is_some() {
            bail!("--output goes with exactly one --format; use --format F=PATH for several");
        }
        out[0].1 = Some(path.clone());
    }
    Ok(out)
}
