//! Where requests go and with which credentials: the embedded mock or the network, and the
//! reproduction line attached to findings.

use super::api::{ApiRun, BaseUrl};
use crate::mock::{Mock, MockTransport};
use crate::replay::auth::{AuthConfig, Credentials, Redactor, TokenStyle};
use crate::replay::transport::{HttpOptions, HttpRequest, HttpTransport, Transport};
use crate::replay::Target as ReplayTarget; // what replay needs; `ApiTarget` adds how reports name it
use crate::spec::Contract;
use std::sync::Arc;

/// Where an API's requests go, how reports name it, and the embedded mock's base URL when it is
/// the mock (reproductions then start one).
pub struct ApiTarget {
    pub replay: Arc<ReplayTarget>,
    /// The base URL (without credentials), or `mock`.
    pub name: String,
    pub mock_base: Option<String>,
}

/// The embedded mock, or the network with the API's credentials (read from the environment now:
/// a variable that is not set is an error for this API).
pub fn build_target(
    run: &ApiRun,
    contract: &Arc<Contract>,
    redactor: Redactor,
) -> anyhow::Result<ApiTarget> {
    match &run.base_url {
        BaseUrl::Mock => {
            let mock = Mock::new(contract.clone()).compact().seeded(run.mock_seed);
            let mock = MockTransport::new(Arc::new(mock));
            let base = mock.base_url();
            let transport: Arc<dyn Transport> = Arc::new(mock);
            Ok(ApiTarget {
                replay: Arc::new(ReplayTarget {
                    base_url: base.clone(),
                    transport,
                    http: None,
                    credentials: None,
                }),
                name: run.target_label(),
                mock_base: Some(base),
            })
        }
        BaseUrl::Url(base) => {
            let mut auth = run.auth.clone();
            let mut token_url = None;
            if let AuthConfig::OAuth2ClientCredentials {
                token_url: url,
                style,
                ..
            } = &mut auth
            {
                if url.is_empty() {
                    *url = crate::spec::security::declared_token_url(contract).ok_or_else(|| {
                        anyhow::anyhow!("no token URL: the contract declares no OAuth2 client-credentials tokenUrl; set `token_url` in drift.yaml or --token-url")
                    })?;
                }
                *url = absolute_token_url(url, base);
                if style.is_none() {
                    *style = Some(token_style_from_contract(contract, url));
                }
                token_url = Some(url.clone());
            }
            let http = Arc::new(HttpTransport::new(HttpOptions {
                timeout: run.timeout,
                token_url,
                max_body_bytes: run.max_body_bytes,
                ..Default::default()
            })?);
            let mut credentials = Credentials::from_config(&auth, redactor)?;
            if let Some(c) = &run.url_credentials {
                credentials = credentials.with_url_credentials(c);
            }
            let transport: Arc<dyn Transport> = http.clone();
            Ok(ApiTarget {
                replay: Arc::new(ReplayTarget {
                    base_url: base.clone(),
                    transport,
                    http: Some(http),
                    credentials: Some(Arc::new(credentials)),
                }),
                name: base.clone(),
                mock_base: None,
            })
        }
    }
}

/// A relative token URL (`/oauth/token`, as Swagger's `tokenUrl` often is) is joined to the base URL.
pub fn absolute_token_url(token_url: &str, base_url: &str) -> String {
    if url::Url::parse(token_url).is_ok() {
        return token_url.to_string();
    }
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        token_url.trim_start_matches('/')
    )
}

/// The token operation the contract describes (`POST /oauth/token`) decides the request style.
fn token_style_from_contract(contract: &Contract, token_url: &str) -> TokenStyle {
    let path = url::Url::parse(token_url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| token_url.split('?').next().unwrap_or(token_url).to_string());
    let op = contract
        .operations
        .iter()
        .find(|o| o.method == "POST" && path.ends_with(o.path.as_str()));
    let consumes: Vec<&str> = op
        .and_then(|o| o.request_body.as_ref())
        .map(|b| b.content.iter().map(|m| m.name.as_str()).collect())
        .unwrap_or_default();
    if consumes.iter().any(|c| c.contains("vnd.api+json")) {
        TokenStyle::JsonApi
    } else if consumes.iter().any(|c| c.contains("json")) {
        TokenStyle::Json
    } else {
        TokenStyle::Form
    }
}

/// A ready-to-run `curl` line; credentials appear as `$ENV_VAR` names, never values. Every piece
/// that comes from a contract, a config or a response is quoted for a POSIX shell, so pasting the
/// line runs curl and nothing else.
pub fn reproduce(
    req: &HttpRequest,
    auth: &AuthConfig,
    mock_base: Option<&str>,
    run: &ApiRun,
) -> String {
    use crate::text::{sh_env, sh_quote};
    let mut url = sh_quote(&req.url);
    let mut prefix = String::new();
    if mock_base.is_some() {
        url = sh_quote(
            &req.url
                .replacen(crate::mock::MOCK_ORIGIN, "http://127.0.0.1:4010", 1),
        );
        prefix = match &run.spec {
            Some(spec) => format!(
                "drift mock --spec {} --port 4010 & ",
                sh_quote(&spec.to_string_lossy())
            ),
            None => format!("drift mock {} --port 4010 & ", sh_quote(&run.name)),
        };
    }
    let mut auth_parts = Vec::new();
    match auth {
        _ if mock_base.is_some() => {}
        AuthConfig::None => {}
        AuthConfig::Bearer { token_env } => auth_parts.push(format!(
            "-H {}{}",
            sh_quote("Authorization: Bearer "),
            sh_env(token_env)
        )),
        AuthConfig::ApiKey {
            header,
            query,
            key_env,
        } => match (header, query) {
            (_, Some(q)) => {
                let separator = if req.url.contains('?') { "&" } else { "?" };
                url = format!(
                    "{url}{}{}",
                    sh_quote(&format!("{separator}{}=", encode_query_name(q))),
                    sh_env(key_env)
                );
            }
            (h, None) => auth_parts.push(format!(
                "-H {}{}",
                sh_quote(&format!("{}: ", h.as_deref().unwrap_or("X-API-Key"))),
                sh_env(key_env)
            )),
        },
        AuthConfig::Basic {
            user_env,
            password_env,
        } => auth_parts.push(format!(
            "-u {}{}{}",
            sh_env(user_env),
            sh_quote(":"),
            sh_env(password_env)
        )),
        AuthConfig::OAuth2ClientCredentials { .. } => auth_parts.push(format!(
            "-H {}{}",
            sh_quote("Authorization: Bearer "),
            sh_env("ACCESS_TOKEN")
        )),
    }
    // `[` `]` `{` `}` in a URL are curl's globbing syntax unless `-g` turns it off.
    let glob = if req.url.contains(['[', ']', '{', '}']) {
        " -g"
    } else {
        ""
    };
    let mut parts = vec![format!("curl -sS{glob} -X {}", sh_quote(&req.method)), url];
    for (k, v) in &req.headers {
        parts.push(format!("-H {}", sh_quote(&format!("{k}: {v}"))));
    }
    parts.extend(auth_parts);
    format!("{prefix}{}", parts.join(" "))
}

fn encode_query_name(name: &str) -> String {
    url::form_urlencoded::byte_serialize(name.as_bytes()).collect()
}
