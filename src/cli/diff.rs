//! `drift diff OLD NEW`: spec-to-spec drift (`crate::diff::sides` reads the sides and compares).

use super::args::DiffArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, View};

pub fn run(args: &DiffArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Check)?;
    let report = crate::diff::sides::compare(&crate::diff::sides::Sides {
        old: args.old.clone(),
        new: args.new.clone(),
        api: args.api.clone(),
        auth: super::options::auth_from_flags(&args.auth)?.unwrap_or_default(),
        max_spec_bytes: args.max_spec_bytes,
    })?;
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
