//! `drift report`: the nightly report from a run history.

use super::args::ReportArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, Format, View};

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
        &Format::rendering(View::Timeline),
    )?;
    let dir = crate::config::history_folder(args.history.as_deref(), args.config.as_deref())?;
    let started = std::time::Instant::now();
    let timeline = crate::history::timeline_in(&dir)?;
    let built_at = crate::text::rfc3339(std::time::SystemTime::now());
    for w in timeline.all_warnings() {
        let w = crate::text::escape_control(w, false);
        writeln!(console.err, "warning: {w}")?;
    }
    write_outputs(console, &outputs, p, None, |r, _, w| {
        r.timeline(w, &timeline, &built_at)
    })?;
    crate::report::feed::write_for(&outputs, &timeline, &built_at)?;
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
    let outputs = args.out.outputs(View::Check)?;
    let reports = args
        .merge
        .iter()
        .map(|file| crate::run::shard::read_report(file))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let report = crate::model::CheckReport::merge(reports).map_err(anyhow::Error::msg)?;
    let threshold = args.fail_on.map(|f| f.severity());
    let settings = crate::report::Settings {
        palette: p,
        fail_on: threshold.unwrap_or(crate::model::Severity::Breaking),
        quiet: false,
    };
    write_outputs(console, &outputs, settings, None, |r, _, w| {
        r.check(w, &report)
    })?;
    Ok(match threshold {
        Some(t) => ExitStatus::of_findings(&report.findings, t),
        None => ExitStatus::Success,
    })
}
