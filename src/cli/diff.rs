//! `drift diff OLD NEW`: spec-to-spec drift (`crate::diff::sides` reads the sides and compares).

use super::args::DiffArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, View};

pub fn run(args: &DiffArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Check)?;
    let mut report = crate::diff::sides::compare(&crate::diff::sides::Sides {
        old: args.old.clone(),
        new: args.new.clone(),
        api: args.api.clone(),
        auth: super::options::auth_from_flags(&args.auth)?.unwrap_or_default(),
        max_spec_bytes: args.max_spec_bytes,
    })?;
    // drift.yaml `ignore:` and `severity:` apply to `drift diff` as to `check`.
    let config = crate::config::file(None);
    if config.is_file() {
        let policy = crate::config::load(&config)?.policy(&config);
        let today: String = report.started_at.chars().take(10).collect();
        policy.apply(&mut report, &today);
    }
    let settings = crate::report::Settings {
        palette: p,
        fail_on: args.fail_on.severity(),
        quiet: false,
    };
    write_outputs(console, &outputs, settings, None, |r, _, w| {
        r.diff(w, &report)
    })?;
    Ok(ExitStatus::of_findings(
        &report.findings,
        args.fail_on.severity(),
    ))
}
