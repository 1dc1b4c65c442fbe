//! `drift report`: the nightly report from a run history.

use super::args::ReportArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::history::History;
use crate::report::{terminal::Palette, Format};
use anyhow::{bail, Context};
use std::path::PathBuf;

pub fn run(args: &ReportArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    if !args.merge.is_empty() {
        return merge(args, console, p);
    }
    let formats: Vec<String> = if args.out.formats.is_empty() && args.out.output.is_none() {
        vec!["markdown".into()]
    } else {
        args.out.formats.clone()
    };
    let outputs = crate::report::outputs(
        &formats,
        args.out.output.as_deref(),
        &[Format::Markdown, Format::Html, Format::Json],
    )?;
    let dir = history_dir(args)?;
    if !dir.is_dir() {
        bail!(
            "{}: no such history folder (record runs with `drift check --history {}`)",
            dir.display(),
            dir.display()
        );
    }
    let started = std::time::Instant::now();
    let timeline = History::new(&dir)
        .timeline()
        .with_context(|| format!("cannot read the history in {}", dir.display()))?;
    let built_at = crate::text::rfc3339(std::time::SystemTime::now());
    for w in timeline
        .warnings
        .iter()
        .chain(timeline.apis.iter().flat_map(|a| a.warnings.iter()))
    {
        writeln!(
            console.err,
            "warning: {}",
            crate::text::escape_control(w, false)
        )?;
    }
    write_outputs(console, &outputs, p, None, |r, _, w| {
        r.timeline(w, &timeline, &built_at)
    })?;
    if console.err_is_tty {
        let runs: usize = timeline.apis.iter().map(|a| a.entries.len()).sum();
        writeln!(
            console.err,
            "report of {} API(s), {runs} run(s), built in {:.0?}",
            timeline.apis.len(),
            started.elapsed()
        )?;
    }
    Ok(ExitStatus::Success)
}

/// `drift report --merge A.json B.json …`: one report from the reports of a run's shards.
fn merge(args: &ReportArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(Format::CHECK)?;
    let mut reports = Vec::new();
    for file in &args.merge {
        let cap = crate::limits::MAX_REPORT_BYTES;
        let size = std::fs::metadata(file)
            .with_context(|| format!("{}: cannot read", file.display()))?
            .len();
        if size > cap {
            bail!(
                "{}: {size} bytes, larger than {cap} bytes, the most drift reads of a report",
                file.display()
            );
        }
        let reader = std::fs::File::open(file)
            .with_context(|| format!("{}: cannot read", file.display()))?;
        let reader = crate::fsutil::Capped::new(reader, cap, file.display().to_string());
        let report = crate::model::report::read_check_report_from(reader).with_context(|| {
            format!(
                "{}: not a drift JSON report (write one with `drift check --format json=FILE`)",
                file.display()
            )
        })?;
        reports.push(report);
    }
    let report = crate::model::CheckReport::merge(reports).map_err(anyhow::Error::msg)?;
    let threshold = args.fail_on.map(|f| f.severity());
    let settings = crate::report::Settings {
        palette: p,
        fail_on: threshold.unwrap_or(crate::model::Severity::Breaking),
    };
    write_outputs(console, &outputs, settings, None, |r, _, w| {
        r.check(w, &report)
    })?;
    let failed = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity.reaches(t)));
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// `--history`, or drift.yaml's `history:` (relative to the config file, resolved on load).
fn history_dir(args: &ReportArgs) -> anyhow::Result<PathBuf> {
    if let Some(dir) = &args.history {
        return Ok(dir.clone());
    }
    let path = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from("drift.yaml"));
    if !path.exists() {
        bail!("give --history DIR (or a drift.yaml with `history:`)");
    }
    crate::config::load(&path)?
        .history
        .context("drift.yaml has no `history:` folder; give --history DIR")
}
