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
    let spec_path = match (&args.spec, &args.api) {
        (Some(spec), None) => spec.clone(),
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
            match cfg.apis.get(&name) {
                Some(api) => api.spec.clone(),
                None => bail!("{}: no API named `{name}`", path.display()),
            }
        }
    };
    let contract = Arc::new(spec::load(&spec_path)?);
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
            spec_path.display(),
            contract.operations.len(),
            mock.base_path()
        )?;
        console.out.flush()?;
        let log: Option<server::RequestLog> = if args.verbose {
            Some(Arc::new(|line: &str| {
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
