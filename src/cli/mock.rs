//! `drift mock`: serve a contract's examples over HTTP until interrupted.

use super::args::MockArgs;
use super::{Console, ExitStatus};
use crate::config;
use crate::mock::{server, Mock};
use crate::spec;
use anyhow::{bail, Context};
use std::io::Write;
use std::sync::Arc;

pub fn run(args: &MockArgs, console: &mut Console<'_>) -> anyhow::Result<ExitStatus> {
    let (contract, label) = match (&args.spec, &args.api) {
        (Some(spec), None) => (spec::load(spec)?, spec.display().to_string()),
        (Some(_), Some(_)) => {
            bail!("give either --spec or an API name from the config file, not both")
        }
        (None, api) => {
            let path = args.config.clone().unwrap_or_else(|| "drift.yaml".into());
            let cfg = config::load(&path)?;
            let name = match api {
                Some(n) => n.clone(),
                None if cfg.apis.len() == 1 => cfg.apis.keys().next().cloned().unwrap_or_default(),
                None => bail!(
                    "{} has several APIs; name one: {}",
                    path.display(),
                    cfg.apis.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            let Some(api) = cfg.apis.get(&name) else {
                bail!("{}: no API named `{name}`", path.display())
            };
            match &api.spec {
                Some(spec) => (spec::load(spec)?, spec.display().to_string()),
                None => {
                    let pages = crate::docs::read_pages(
                        &config::expand_globs(&api.docs).map_err(anyhow::Error::msg)?,
                    )
                    .map_err(anyhow::Error::msg)?;
                    let doc = crate::docs::DocsContract { pages }.to_openapi(&name);
                    (
                        spec::Contract::from_documents(spec::Documents::from_values(vec![doc]))?,
                        format!("the docs pages of {name}"),
                    )
                }
            }
        }
    };
    let contract = Arc::new(contract);
    let mock = Arc::new(Mock::new(contract.clone()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
            .await
            .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
        let addr = listener.local_addr()?;
        writeln!(
            console.out,
            "drift mock: {} ({} operations) on http://{addr}{}",
            label,
            contract.operations.len(),
            mock.base_path()
        )?;
        console.out.flush()?;
        let log: Option<server::RequestLog> = if args.verbose {
            Some(Arc::new(|line: &str| {
                let line = crate::text::escape_control(line, false);
                let _ = writeln!(std::io::stderr(), "{line}");
            }))
        } else {
            None
        };
        tokio::select! {
            r = server::serve(mock, listener, log) => r.context("the mock server stopped")?,
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitStatus::Success)
}
