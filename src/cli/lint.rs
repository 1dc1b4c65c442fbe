//! `drift lint`: contract self-checks.

use super::args::{LintArgs, TextOrJson};
use super::{default_api_name, emit, Console, ExitStatus};
use crate::findings::Summary;
use crate::report::terminal::{self, Palette};
use crate::spec;
use serde_json::json;

pub fn run(args: &LintArgs, console: &mut Console<'_>, p: Palette) -> anyhow::Result<ExitStatus> {
    let contract = spec::load(&args.spec.spec)?;
    let api = args
        .spec
        .api
        .clone()
        .unwrap_or_else(|| default_api_name(&args.spec.spec));
    let mut findings = crate::lint::run(&contract, &api);
    if !args.docs.is_empty() {
        let pages = crate::docs::read_pages(
            &crate::config::expand_globs(&args.docs).map_err(anyhow::Error::msg)?,
        )
        .map_err(anyhow::Error::msg)?;
        findings.extend(crate::lint::docs::run(
            &contract,
            &crate::docs::DocsContract { pages },
            &api,
        ));
        crate::findings::sort(&mut findings);
    }
    let out = match args.format {
        TextOrJson::Json => {
            let apis = vec![json!({
                "name": api,
                "spec": args.spec.spec.display().to_string(),
                "operations_total": contract.operations.len(),
            })];
            let mut s = serde_json::to_string_pretty(&crate::report::json::findings_report(
                apis, &findings,
            ))?;
            s.push('\n');
            s.into_bytes()
        }
        TextOrJson::Text => {
            let p = if args.output.is_some() {
                Palette { color: false }
            } else {
                p
            };
            let mut buf = Vec::new();
            for f in &findings {
                terminal::write_finding(&mut buf, p, f)?;
            }
            if !findings.is_empty() {
                buf.push(b'\n');
            }
            let b = p.bold();
            write!(
                buf,
                "{b}{api}{b:#}: {} {} operations; ",
                contract.dialect,
                contract.operations.len()
            )?;
            terminal::write_summary(&mut buf, p, &Summary::of(&findings))?;
            buf
        }
    };
    emit(console, args.output.as_deref(), &out)?;
    let threshold = args.fail_on.severity();
    Ok(if findings.iter().any(|f| f.severity.reaches(threshold)) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

use std::io::Write as _;
