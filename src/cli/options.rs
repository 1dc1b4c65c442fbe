//! Flags as the library takes them: [`Flags`] from clap's arguments, credentials from the auth
//! flags.

use super::args::{AuthArgs, AuthKind, TargetArgs, TokenStyleArg};
use crate::replay::auth::{AuthConfig, TokenStyle};
use crate::run::options::Flags;
use anyhow::anyhow;

pub use crate::run::options::{resolve_flags, Resolved};

/// The APIs selected by the flags (and the config file when there is one).
pub fn resolve(t: &TargetArgs) -> anyhow::Result<Resolved> {
    resolve_flags(&flags(t)?)
}

fn flags(t: &TargetArgs) -> anyhow::Result<Flags> {
    Ok(Flags {
        apis: t.apis.clone(),
        config: t.config.clone(),
        spec: t.spec.clone(),
        api: t.api.clone(),
        shard: t.shard,
        docs: t.docs.clone(),
        base_url: t.base_url.clone(),
        concurrency: t.concurrency,
        timeout: t.timeout,
        rate_limit: t.rate_limit,
        retries: t.retries,
        snapshots: t.snapshots.clone(),
        volatile: t.volatile.clone(),
        pin: t.pin.clone(),
        max_body_bytes: t.max_body_bytes,
        max_spec_bytes: t.max_spec_bytes,
        auth: auth_from_flags(&t.auth)?,
    })
}

pub(crate) fn auth_from_flags(a: &AuthArgs) -> anyhow::Result<Option<AuthConfig>> {
    let Some(kind) = a.auth else {
        return Ok(None);
    };
    let flag =
        |v: &Option<String>, name: &str| v.clone().ok_or_else(|| anyhow!("--auth needs {name}"));
    Ok(Some(match kind {
        AuthKind::Bearer => AuthConfig::Bearer {
            token_env: flag(&a.token_env, "--token-env VAR")?,
        },
        AuthKind::ApiKey => AuthConfig::ApiKey {
            header: a.header.clone(),
            query: a.query.clone(),
            key_env: flag(&a.key_env, "--key-env VAR")?,
        },
        AuthKind::Basic => AuthConfig::Basic {
            user_env: flag(&a.user_env, "--user-env VAR")?,
            password_env: flag(&a.password_env, "--password-env VAR")?,
        },
        AuthKind::OAuth2ClientCredentials => AuthConfig::OAuth2ClientCredentials {
            // Empty: the contract's declared tokenUrl.
            token_url: a.token_url.clone().unwrap_or_default(),
            client_id_env: flag(&a.client_id_env, "--client-id-env VAR")?,
            client_secret_env: flag(&a.client_secret_env, "--client-secret-env VAR")?,
            scope: a.scope.clone(),
            style: a.token_style.map(|s| match s {
                TokenStyleArg::Form => TokenStyle::Form,
                TokenStyleArg::JsonApi => TokenStyle::JsonApi,
                TokenStyleArg::Json => TokenStyle::Json,
            }),
        },
    }))
}
