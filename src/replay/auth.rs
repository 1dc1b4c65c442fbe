//! Credentials: read from environment variables once, attached to requests as *secret* headers or
//! query parameters (dropped on cross-origin redirects, never printed), and registered with the
//! [`Redactor`] so no report, log or error message can show them.
//!
//! OAuth2 `client_credentials`: the token is fetched through the transport's token entry point
//! (the one POST drift may send), cached until shortly before it expires, and fetched again after
//! one 401. Request styles: RFC 6749 form body; JSON:API (`{"data":{"type":"token","attributes":
//! {…}}}`, as the Fitbit Plus API requires); plain JSON. The token is read from `access_token` or
//! `data.attributes.access_token`.

use super::transport::{HttpRequest, HttpTransport, TransportError};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a token request is encoded (`style:` in drift.yaml: `form`, `json-api`, `json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenStyle {
    Form,
    JsonApi,
    Json,
}

/// Auth as configured: names of environment variables, never values. drift.yaml's `auth:` reads
/// straight into it (`type: bearer | api-key | basic | oauth2-client-credentials`, strictly).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AuthConfig {
    #[default]
    #[serde(skip)]
    None,
    Bearer {
        token_env: String,
    },
    ApiKey {
        header: Option<String>,
        query: Option<String>,
        key_env: String,
    },
    Basic {
        user_env: String,
        password_env: String,
    },
    #[serde(rename = "oauth2-client-credentials")]
    OAuth2ClientCredentials {
        /// Empty: the contract's declared tokenUrl.
        #[serde(default)]
        token_url: String,
        client_id_env: String,
        client_secret_env: String,
        scope: Option<String>,
        style: Option<TokenStyle>,
    },
}

/// Replaces every known secret value in a text by `***`, in every form it takes on the wire or in
/// a message: raw, percent-encoded (strict and `application/x-www-form-urlencoded`), base64
/// (standard and URL-safe, padded or not). Also removes the userinfo (`user:password@`) of every
/// URL in the text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Arc<Mutex<Vec<String>>>,
}

impl Redactor {
    pub fn add(&self, secret: &str) {
        // Very short values would redact ordinary words; credentials are never that short.
        if secret.len() < 4 {
            return;
        }
        let Ok(mut s) = self.secrets.lock() else {
            return;
        };
        for form in secret_forms(secret) {
            if !s.contains(&form) {
                s.push(form);
            }
        }
        // Longest first, so a form containing another is replaced whole.
        s.sort_by_key(|x| std::cmp::Reverse(x.len()));
    }

    /// A rendered output, redacted when there is a redactor: returned as it is, without a
    /// copy, when there is nothing to redact (a night's report runs to hundreds of megabytes).
    pub fn redact_output(redactor: Option<&Redactor>, output: Vec<u8>) -> Vec<u8> {
        let Some(r) = redactor else {
            return output;
        };
        let text = match String::from_utf8(output) {
            Ok(text) => text,
            Err(e) => {
                return r
                    .redact(&String::from_utf8_lossy(e.as_bytes()))
                    .into_bytes()
            }
        };
        let secret = r
            .secrets
            .lock()
            .map_or(true, |s| s.iter().any(|x| text.contains(x.as_str())));
        if secret || crate::text::has_userinfo(&text) {
            r.redact(&text).into_bytes()
        } else {
            text.into_bytes()
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = crate::text::strip_userinfo(text);
        let Ok(secrets) = self.secrets.lock() else {
            return out;
        };
        for s in secrets.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "***");
            }
        }
        out
    }

    /// No secret is known: redaction would change nothing but URL userinfo.
    pub fn is_empty(&self) -> bool {
        self.secrets.lock().map_or(true, |s| s.is_empty())
    }

    /// Redact every string of a document, object keys included: the data of a report is
    /// redacted before any format escapes it (a Markdown `sk\_live…` or an HTML entity would hide
    /// a secret from a pass over the finished text).
    pub fn redact_value(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(s) => {
                let redacted = self.redact(s);
                if redacted != *s {
                    *s = redacted;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_value(v)),
            Value::Object(map) => {
                let old = std::mem::take(map);
                for (k, mut v) in old {
                    self.redact_value(&mut v);
                    map.insert(self.redact(&k), v);
                }
            }
            _ => {}
        }
    }
}

/// The forms a secret value takes in URLs, headers and bodies.
fn secret_forms(secret: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine;
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let strict = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let mut forms = vec![
        secret.to_string(),
        strict.clone(),
        strict.to_ascii_lowercase(),
        form.clone(),
        form.replace('+', "%20"),
    ];
    for engine in [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret.as_bytes()));
    }
    // The forms it takes inside what drift writes: a JSON Pointer token (`/` as `~1`), a JSON
    // string, Markdown and HTML text. Reports are redacted before they are formatted; these
    // catch what is formatted before it reaches a report (messages, notes, errors).
    forms.push(crate::text::escape_pointer_token(secret));
    if let Ok(quoted) = serde_json::to_string(secret) {
        forms.push(quoted[1..quoted.len() - 1].to_string());
    }
    forms.push(crate::text::escape_markdown(secret));
    forms.push(crate::text::escape_html(secret));
    forms.retain(|f| f.len() >= 4);
    forms.sort();
    forms.dedup();
    forms
}

/// Credentials written into a URL (`https://user:password@host`): taken out of the URL, sent as
/// a Basic `Authorization` secret header instead, never shown.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct UrlCredentials {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for UrlCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlCredentials(***)")
    }
}

/// Split the userinfo off a URL: (the URL without it, the credentials when there were any).
pub fn take_url_credentials(raw: &str) -> Result<(String, Option<UrlCredentials>), String> {
    let mut url = url::Url::parse(raw).map_err(|e| {
        format!(
            "base URL `{}` is not a valid URL: {e}",
            crate::text::strip_userinfo(raw)
        )
    })?;
    if url.username().is_empty() && url.password().is_none() {
        return Ok((raw.to_string(), None));
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let credentials = UrlCredentials {
        user: decode(url.username()),
        password: decode(url.password().unwrap_or("")),
    };
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let mut text = url.to_string();
    // `Url` adds a `/` to an empty path; keep the base URL as the user wrote it.
    if !raw.ends_with('/') && url.path() == "/" && url.query().is_none() {
        text.pop();
    }
    Ok((text, Some(credentials)))
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    #[error("environment variable {0} is not set (it should hold a credential)")]
    MissingEnv(String),
    #[error("token request to {url} failed: {reason}")]
    Token { url: String, reason: String },
    /// The token endpoint could not be reached (refused, timed out, TLS): the target is
    /// unreachable, not the credentials refused.
    #[error("the token endpoint {url} could not be reached: {cause}")]
    TokenUnreachable { url: String, cause: TransportError },
}

fn env(name: &str, redactor: &Redactor) -> Result<String, AuthError> {
    let value = std::env::var(name).map_err(|_| AuthError::MissingEnv(name.to_string()))?;
    if value.is_empty() {
        return Err(AuthError::MissingEnv(name.to_string()));
    }
    redactor.add(&value);
    Ok(value)
}

struct CachedToken {
    value: String,
    expires: Option<Instant>,
    /// A `refresh_token` the server gave with it, used before asking for a new grant.
    refresh: Option<String>,
    /// Rejected by the API (a 401): refresh before the next use.
    stale: bool,
}

/// Which OAuth2 grant a token request asks for.
#[derive(Debug, Clone, Copy)]
enum Grant<'a> {
    ClientCredentials,
    RefreshToken(&'a str),
}

/// Credentials ready to attach.
pub struct Credentials {
    config: AuthConfig,
    static_headers: Vec<(String, String)>,
    static_query: Vec<(String, String)>,
    oauth: Option<OAuth>,
    token: tokio::sync::Mutex<Option<CachedToken>>,
    /// A token request that failed: every later request fails at once with it, instead of
    /// waiting for a dead token endpoint once per operation.
    token_failure: std::sync::Mutex<Option<AuthError>>,
    pub redactor: Redactor,
    /// How many token requests were sent (tests and the run summary).
    pub token_requests: std::sync::atomic::AtomicUsize,
}

struct OAuth {
    token_url: String,
    client_id: String,
    client_secret: String,
    scope: Option<String>,
    style: TokenStyle,
    /// The variables the client id and secret came from (named in failures, never the values).
    client_id_env: String,
    client_secret_env: String,
}

impl OAuth {
    /// What drift sent, for a failure message: the body style and where the credentials came
    /// from.
    fn sent(&self) -> String {
        let style = match self.style {
            TokenStyle::Form => "an application/x-www-form-urlencoded",
            TokenStyle::JsonApi => "a JSON:API",
            TokenStyle::Json => "a JSON",
        };
        format!(
            "drift sent {style} client_credentials request with the client id from ${} and the secret from ${}",
            self.client_id_env, self.client_secret_env
        )
    }
}

impl Credentials {
    /// Read the environment variables named by `config`.
    pub fn from_config(config: &AuthConfig, redactor: Redactor) -> Result<Credentials, AuthError> {
        let mut static_headers = Vec::new();
        let mut static_query = Vec::new();
        let mut oauth = None;
        match config {
            AuthConfig::None => {}
            AuthConfig::Bearer { token_env } => {
                static_headers.push((
                    "Authorization".into(),
                    format!("Bearer {}", env(token_env, &redactor)?),
                ));
            }
            AuthConfig::ApiKey {
                header,
                query,
                key_env,
            } => {
                let key = env(key_env, &redactor)?;
                match (header, query) {
                    (_, Some(q)) => static_query.push((q.clone(), key)),
                    (Some(h), None) => static_headers.push((h.clone(), key)),
                    (None, None) => static_headers.push(("X-API-Key".into(), key)),
                }
            }
            AuthConfig::Basic {
                user_env,
                password_env,
            } => {
                // The user name is not a secret (a path segment that equals it, `/accounts/admin`,
                // stays readable and the reproduction still replays); the password and the
                // encoded pair are.
                let pair = format!(
                    "{}:{}",
                    env(user_env, &Redactor::default())?,
                    env(password_env, &redactor)?
                );
                let encoded = base64(pair.as_bytes());
                redactor.add(&encoded);
                static_headers.push(("Authorization".into(), format!("Basic {encoded}")));
            }
            AuthConfig::OAuth2ClientCredentials {
                token_url,
                client_id_env,
                client_secret_env,
                scope,
                style,
            } => {
                oauth = Some(OAuth {
                    token_url: token_url.clone(),
                    client_id: env(client_id_env, &redactor)?,
                    client_secret: env(client_secret_env, &redactor)?,
                    scope: scope.clone(),
                    style: style.unwrap_or(TokenStyle::Form),
                    client_id_env: client_id_env.clone(),
                    client_secret_env: client_secret_env.clone(),
                });
            }
        }
        Ok(Credentials {
            config: config.clone(),
            static_headers,
            static_query,
            oauth,
            token: tokio::sync::Mutex::new(None),
            token_failure: std::sync::Mutex::new(None),
            redactor,
            token_requests: Default::default(),
        })
    }

    /// Send the credentials of a base URL's userinfo as Basic auth (when no other auth sets
    /// `Authorization`).
    pub fn with_url_credentials(mut self, c: &UrlCredentials) -> Credentials {
        self.redactor.add(&c.password);
        let encoded = base64(format!("{}:{}", c.user, c.password).as_bytes());
        self.redactor.add(&encoded);
        let has_authorization = self
            .static_headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            || self.oauth.is_some();
        if !has_authorization {
            self.static_headers
                .push(("Authorization".into(), format!("Basic {encoded}")));
        }
        self
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Attach credentials to a request, fetching an OAuth2 token first when needed.
    pub async fn apply(
        &self,
        request: &mut HttpRequest,
        transport: Option<&HttpTransport>,
    ) -> Result<(), AuthError> {
        request
            .secret_headers
            .extend(self.static_headers.iter().cloned());
        request
            .secret_query
            .extend(self.static_query.iter().cloned());
        if self.oauth.is_some() {
            let token = self.token(transport, false).await?;
            request
                .secret_headers
                .push(("Authorization".into(), format!("Bearer {token}")));
        }
        Ok(())
    }

    /// After a 401: forget the cached token so the next `apply` fetches a new one.
    pub async fn invalidate(&self) -> bool {
        if self.oauth.is_none() {
            return false;
        }
        if let Some(t) = self.token.lock().await.as_mut() {
            t.stale = true;
        }
        true
    }

    /// The current access token: cached while valid; else refreshed with the `refresh_token`
    /// grant when the server gave one; else (or when refreshing fails) a new client-credentials grant.
    async fn token(
        &self,
        transport: Option<&HttpTransport>,
        force: bool,
    ) -> Result<String, AuthError> {
        let mut cached = self.token.lock().await;
        if let Some(failure) = self.token_failure.lock().ok().and_then(|f| f.clone()) {
            return Err(failure);
        }
        if let Some(t) = cached.as_ref() {
            if !force && !t.stale && t.expires.is_none_or(|e| Instant::now() < e) {
                return Ok(t.value.clone());
            }
        }
        let Some(oauth) = &self.oauth else {
            return Ok(String::new());
        };
        let Some(transport) = transport else {
            return Err(AuthError::Token {
                url: oauth.token_url.clone(),
                reason: "no network transport (the embedded mock needs no token)".into(),
            });
        };
        if let Some(refresh) = cached.as_ref().and_then(|t| t.refresh.clone()) {
            if let Ok(fresh) = self
                .fetch(transport, oauth, Grant::RefreshToken(&refresh))
                .await
            {
                let value = fresh.value.clone();
                *cached = Some(fresh);
                return Ok(value);
            }
        }
        let fresh = match self.fetch(transport, oauth, Grant::ClientCredentials).await {
            Ok(fresh) => fresh,
            Err(e) => {
                if let Ok(mut failure) = self.token_failure.lock() {
                    *failure = Some(e.clone());
                }
                return Err(e);
            }
        };
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    async fn fetch(
        &self,
        transport: &HttpTransport,
        oauth: &OAuth,
        grant: Grant<'_>,
    ) -> Result<CachedToken, AuthError> {
        self.token_requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let fail = |reason: String| AuthError::Token {
            url: oauth.token_url.clone(),
            reason: self.redactor.redact(&reason),
        };
        let response = transport
            .send_token_request(oauth.request(grant))
            .await
            .map_err(|e: TransportError| match e {
                TransportError::Connect(_)
                | TransportError::Timeout(_)
                | TransportError::Tls(_) => AuthError::TokenUnreachable {
                    url: oauth.token_url.clone(),
                    cause: e,
                },
                e => fail(e.to_string()),
            })?;
        if !(200..300).contains(&response.status) {
            let answer = String::from_utf8_lossy(&response.body);
            let answer = crate::text::excerpt(answer.trim(), 300);
            let answer = if answer.is_empty() {
                "an empty body".to_string()
            } else {
                format!("{answer:?}")
            };
            return Err(fail(format!(
                "the server answered {} with {answer}; {}",
                response.status,
                oauth.sent()
            )));
        }
        let body: Value = serde_json::from_slice(&response.body)
            .map_err(|e| fail(format!("response is not JSON: {e}")))?;
        let attrs = body.pointer("/data/attributes");
        let field = |name: &str| body.get(name).or_else(|| attrs.and_then(|a| a.get(name)));
        let value = field("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("no access_token in the response".into()))?
            .to_string();
        self.redactor.add(&value);
        let refresh = field("refresh_token")
            .and_then(Value::as_str)
            .map(String::from);
        if let Some(r) = &refresh {
            self.redactor.add(r);
        }
        let expires = field("expires_in").and_then(Value::as_u64).and_then(|s| {
            Instant::now().checked_add(Duration::from_secs(s.saturating_sub(30).max(1)))
        });
        Ok(CachedToken {
            value,
            expires,
            refresh,
            stale: false,
        })
    }
}

impl OAuth {
    fn request(&self, grant: Grant<'_>) -> HttpRequest {
        let mut fields: Vec<(&str, &str)> = match grant {
            Grant::ClientCredentials => vec![("grant_type", "client_credentials")],
            Grant::RefreshToken(token) => {
                vec![("grant_type", "refresh_token"), ("refresh_token", token)]
            }
        };
        fields.push(("client_id", &self.client_id));
        fields.push(("client_secret", &self.client_secret));
        if let Some(s) = &self.scope {
            fields.push(("scope", s));
        }
        let object = || {
            Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            )
        };
        let (content_type, body) = match self.style {
            TokenStyle::Form => {
                let body = fields
                    .iter()
                    .map(|(k, v)| format!("{k}={}", form_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                ("application/x-www-form-urlencoded", body.into_bytes())
            }
            TokenStyle::JsonApi => (
                "application/vnd.api+json",
                serde_json::to_vec(&json!({"data": {"type": "token", "attributes": object()}}))
                    .unwrap_or_default(),
            ),
            TokenStyle::Json => (
                "application/json",
                serde_json::to_vec(&object()).unwrap_or_default(),
            ),
        };
        HttpRequest {
            method: "POST".into(),
            url: self.token_url.clone(),
            headers: vec![
                ("Content-Type".into(), content_type.into()),
                (
                    "Accept".into(),
                    "application/json, application/vnd.api+json".into(),
                ),
            ],
            body: Some(body),
            ..Default::default()
        }
    }
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn base64(input: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_form_encoding() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(form_encode("a b&c"), "a+b%26c");
    }

    #[test]
    fn redactor_hides_registered_secrets() {
        let r = Redactor::default();
        r.add("canary-7f3a");
        assert_eq!(r.redact("token canary-7f3a rejected"), "token *** rejected");
    }

    // A rendered report is redacted whole, and kept without a copy when nothing needs it.
    #[test]
    fn outputs_are_redacted_only_where_needed() {
        let r = Redactor::default();
        r.add("canary-7f3a");
        let out = |text: &str| {
            String::from_utf8(Redactor::redact_output(Some(&r), text.as_bytes().to_vec()))
                .unwrap_or_default()
        };
        let plain = "mail a@example.com via https://h.example/x?y=1";
        assert_eq!(out(plain), plain);
        assert_eq!(out("sent canary-7f3a"), "sent ***");
        assert_eq!(
            out("GET https://me:pw@h.example/x, a@b.example"),
            "GET https://h.example/x, a@b.example"
        );
        assert!(!crate::text::has_userinfo(plain));
        assert!(crate::text::has_userinfo("x https://u@h/"));
    }

    // A query API key with `+ / =` leaked percent-encoded through every transport error.
    #[test]
    fn redactor_hides_every_encoding_of_a_secret() {
        let r = Redactor::default();
        let secret = "k3y+with/slash=and space";
        r.add(secret);
        let encodings = [
            "k3y%2Bwith%2Fslash%3Dand%20space".to_string(),
            "k3y%2bwith%2fslash%3dand%20space".to_string(),
            "k3y%2Bwith%2Fslash%3Dand+space".to_string(),
            base64(secret.as_bytes()),
            base64(secret.as_bytes()).trim_end_matches('=').to_string(),
        ];
        for e in encodings {
            let text = format!("GET http://h/x?key={e} failed");
            assert_eq!(r.redact(&text), "GET http://h/x?key=*** failed", "{e}");
        }
    }

    #[test]
    fn userinfo_is_stripped_from_every_url() {
        assert_eq!(
            crate::text::strip_userinfo(
                "to https://u:p%40ss@api.example.com/v1 and http://x@y/ and mailto:a@b"
            ),
            "to https://api.example.com/v1 and http://y/ and mailto:a@b"
        );
        let (url, creds) = take_url_credentials("https://bob:s%3Acret@api.example.com/v1")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url, "https://api.example.com/v1");
        let creds = creds.unwrap_or_default();
        assert_eq!(
            (creds.user.as_str(), creds.password.as_str()),
            ("bob", "s:cret")
        );
        assert!(!format!("{creds:?}").contains("cret"));
        let (url, none) = take_url_credentials("http://127.0.0.1:8080").unwrap_or_default();
        assert_eq!((url.as_str(), none), ("http://127.0.0.1:8080", None));
    }

    #[test]
    fn json_api_token_request_shape() {
        let o = OAuth {
            token_url: "http://x/oauth/token".into(),
            client_id: "id".into(),
            client_secret: "s3".into(),
            scope: None,
            style: TokenStyle::JsonApi,
            client_id_env: "ID".into(),
            client_secret_env: "SECRET".into(),
        };
        let r = o.request(Grant::ClientCredentials);
        let body: Value =
            serde_json::from_slice(r.body.as_deref().unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            body,
            json!({"data": {"type": "token", "attributes": {"grant_type": "client_credentials", "client_id": "id", "client_secret": "s3"}}})
        );
        assert_eq!(r.headers[0].1, "application/vnd.api+json");
    }

    #[test]
    fn refresh_grant_request_shape() {
        let o = OAuth {
            token_url: "http://x/t".into(),
            client_id: "id".into(),
            client_secret: "s3".into(),
            scope: Some("org".into()),
            style: TokenStyle::Form,
            client_id_env: "ID".into(),
            client_secret_env: "SECRET".into(),
        };
        let r = o.request(Grant::RefreshToken("rt-1"));
        let body = String::from_utf8(r.body.unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            body,
            "grant_type=refresh_token&refresh_token=rt-1&client_id=id&client_secret=s3&scope=org"
        );
    }
}
