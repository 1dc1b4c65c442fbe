//! `drift lint`: contract self-checks.

use super::args::LintArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::report::{terminal::Palette, LintView, View};

pub fn run(args: &LintArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Lint)?;
    let (contract, api) = super::load_spec(&args.spec)?;
    let mut findings = crate::lint::run(&contract, &api);
    if !args.docs.is_empty() {
        let pages = crate::docs::read_pages(&crate::config::expand_globs(&args.docs)?)?;
        findings.extend(crate::lint::docs::run(
            &contract,
            &crate::docs::DocsContract { pages },
            &api,
        ));
        crate::model::sort(&mut findings);
    }
    let view = LintView {
        api: &api,
        spec: &args.spec.spec,
        contract: &contract,
        findings: &findings,
    };
    write_outputs(console, &outputs, p, None, |r, _, w| r.lint(w, &view))?;
    Ok(ExitStatus::of_findings(&findings, args.fail_on.severity()))
}
