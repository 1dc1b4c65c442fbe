//! `drift ops`: list a contract's operations and how each would be planned.

use super::args::OpsArgs;
use super::{write_outputs, Console, ExitStatus};
use crate::report::ops::OperationsView;
use crate::report::{terminal::Palette, View};

pub fn run(args: &OpsArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let outputs = args.out.outputs(View::Operations)?;
    let (contract, api) = super::load_spec(&args.spec)?;
    let live = args.base_url.as_deref().is_some_and(|u| u != "mock");
    let view = OperationsView::new(&api, &args.spec.spec, &contract, live);
    write_outputs(console, &outputs, p, None, |r, _, w| r.operations(w, &view))?;
    Ok(ExitStatus::Success)
}
