//! Authentication failures stop an API early and explain, instead of one `auth.failed` per
//! operation: a token request that fails (once — the credentials cache the failure), or the
//! API refusing (401/403) the first [`EARLY`] authenticated requests, ends the API's run. The
//! requests not yet sent are not sent; the API gets one `auth.failed` finding quoting the
//! server's answer (bounded, redacted) and saying what drift sent; and the run exits with its own
//! code, so CI can tell an expired secret from a broken contract.

use crate::model::Finding;
use crate::model::Kind;
use crate::model::OperationResult;
use crate::model::Outcome;
use crate::replay::auth::{AuthConfig, Redactor};
use crate::replay::{Exchange, ReplayError};

/// Refusals of the first authenticated requests that stop an API.
pub const EARLY: usize = 3;

/// Watches an API's exchanges as they arrive.
pub struct AuthGate {
    /// Credentials are configured and go over the network.
    armed: bool,
    what_was_sent: String,
    delivered: usize,
    refusals: usize,
    stopped: Option<String>,
}

impl AuthGate {
    pub fn new(auth: &AuthConfig, url_credentials: bool, network: bool) -> AuthGate {
        let what_was_sent = match auth {
            AuthConfig::None if url_credentials => "Basic credentials from the base URL".into(),
            AuthConfig::None => String::new(),
            AuthConfig::Bearer { token_env } => format!("a bearer token from ${token_env}"),
            AuthConfig::ApiKey {
                header,
                query,
                key_env,
            } => match (header, query) {
                (_, Some(q)) => format!("an API key from ${key_env} in the query parameter `{q}`"),
                (Some(h), None) => format!("an API key from ${key_env} in the header `{h}`"),
                (None, None) => format!("an API key from ${key_env} in the header `X-API-Key`"),
            },
            AuthConfig::Basic {
                user_env,
                password_env,
            } => format!("Basic credentials from ${user_env} and ${password_env}"),
            AuthConfig::OAuth2ClientCredentials { client_id_env, .. } => {
                format!("an OAuth2 access token obtained for the client in ${client_id_env}")
            }
        };
        AuthGate {
            armed: network && !what_was_sent.is_empty(),
            what_was_sent,
            delivered: 0,
            refusals: 0,
            stopped: None,
        }
    }

    /// Look at one more exchange; `true` when the API must stop here. A refusal the operation
    /// declares for requests without its credentials (`declared_refusal`) says nothing about
    /// drift's credentials and is not counted.
    pub fn observe(&mut self, ex: &Exchange, redactor: &Redactor, declared_refusal: bool) -> bool {
        if !self.armed || self.stopped.is_some() || declared_refusal {
            return self.stopped.is_some();
        }
        self.delivered += 1;
        match &ex.result {
            // Credentials could not be applied: the token request failed.
            Err(ReplayError::Auth(message)) => {
                self.stopped = Some(redactor.redact(message));
            }
            Ok(response) if matches!(response.status, 401 | 403) => {
                self.refusals += 1;
                if self.refusals == self.delivered && self.refusals >= EARLY {
                    let answer = String::from_utf8_lossy(&response.body);
                    let answer = crate::text::excerpt(answer.trim(), 300);
                    self.stopped = Some(redactor.redact(&format!(
                        "the API answered {} to the first {} authenticated requests (the last said {answer:?}); drift sent {}",
                        response.status, self.refusals, self.what_was_sent
                    )));
                }
            }
            _ => {}
        }
        self.stopped.is_some()
    }

    /// Whether the API stopped on an authentication failure.
    pub fn stopped(&self) -> bool {
        self.stopped.is_some()
    }

    /// Rewrite a stopped API's results: one `auth.failed` finding for the API instead of one
    /// per operation, and every operation that was refused or never sent marked skipped with the
    /// reason.
    pub fn finish(
        &self,
        api: &str,
        not_sent: Vec<OperationResult>,
        operations: &mut Vec<OperationResult>,
        findings: &mut Vec<Finding>,
    ) {
        let Some(reason) = &self.stopped else {
            return;
        };
        let refused: std::collections::HashSet<String> = findings
            .iter()
            .filter(|f| f.kind == Kind::AuthFailed)
            .filter_map(|f| f.operation.as_ref().map(|o| o.id.clone()))
            .collect();
        findings.retain(|f| f.kind != Kind::AuthFailed);
        let skipped = "not checked: authentication failed (see the API's auth.failed finding)";
        for op in operations.iter_mut() {
            if refused.contains(&op.operation_id) && op.outcome == Outcome::Error {
                op.outcome = Outcome::Skipped;
                op.reason = Some(skipped.into());
            }
        }
        let count = not_sent.len();
        operations.extend(not_sent.into_iter().map(|mut op| {
            op.reason = Some(skipped.into());
            op
        }));
        let message = format!(
            "authentication failed, so this API's run stopped: {reason}; {} operation(s) not checked ({count} never sent)",
            refused.len() + count
        );
        findings.push(Finding::new(api, Kind::AuthFailed, message).bounded());
    }
}
