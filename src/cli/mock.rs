//! `drift mock`: serve a contract's examples over HTTP until interrupted.

use super::args::MockArgs;
use super::{Console, ExitStatus};
use crate::mock::{server, Mock};
use anyhow::Context;
use std::io::Write;
use std::sync::Arc;

pub fn run(args: &MockArgs, console: &mut Console<'_>) -> anyhow::Result<ExitStatus> {
    let api = crate::run::options::mock_api(
        args.spec.as_deref(),
        args.api.as_deref(),
        args.config.as_deref(),
    )?;
    let loaded = crate::run::prepare::load(&api)?;
    let (contract, label) = (loaded.contract, loaded.label);
    let contract = Arc::new(contract);
    let mock = Arc::new(Mock::new(contract.clone()).seeded(args.seed));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
            .await
            .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
        let addr = listener.local_addr()?;
        let seeded = args
            .seed
            .map_or(String::new(), |seed| format!(", data of seed {seed}"));
        writeln!(
            console.out,
            "drift mock: {} ({} operations{seeded}) on http://{addr}{}",
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
