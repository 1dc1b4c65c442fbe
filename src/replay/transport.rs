//! The network boundary. Every request drift makes goes through a [`Transport`]; the real one is
//! [`HttpTransport`], the embedded mock is another (`crate::mock::MockTransport`).
//!
//! **The safety gate lives here**, at the lowest layer: a transport refuses any method other than
//! GET, HEAD and OPTIONS before a byte leaves the process. The one exception is the token request
//! of a configured auth flow, which has its own entry point ([`HttpTransport::send_token_request`])
//! and is only allowed to the token URL the transport was built with.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A request, with credentials kept apart so they can be dropped on a cross-origin redirect and
/// never printed.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: String,
    /// Absolute URL, without the secret query parameters.
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Credential headers (`Authorization`, an API-key header, …).
    pub secret_headers: Vec<(String, String)>,
    /// Credential query parameters (an API key in the query).
    pub secret_query: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Follow redirects (as a client would); when not, a 3xx is the answer.
    pub follow_redirects: bool,
}

impl Default for HttpRequest {
    fn default() -> HttpRequest {
        HttpRequest {
            method: String::new(),
            url: String::new(),
            headers: Vec::new(),
            secret_headers: Vec::new(),
            secret_query: Vec::new(),
            body: None,
            follow_redirects: true,
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field(
                "secret_headers",
                &self
                    .secret_headers
                    .iter()
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than the size cap and was cut.
    pub truncated: bool,
    /// A large body holds one of the few large-body slots until the response is dropped.
    pub large_body_slot: LargeBodySlot,
    /// The body already parsed, when the sender had it as a document (the embedded mock, in
    /// process). The first check takes it instead of parsing the bytes.
    pub parsed: Parsed,
    /// The redirects followed to get here: each hop's status and the URL it led to (query
    /// left out).
    pub redirects: Vec<(u16, String)>,
}

/// A response body's document, taken once (compares equal to any other, and a clone holds
/// none: it is a shortcut, not data).
#[derive(Debug, Default)]
pub struct Parsed(std::sync::Mutex<Option<serde_json::Value>>);

impl Parsed {
    pub fn new(value: Option<serde_json::Value>) -> Parsed {
        Parsed(std::sync::Mutex::new(value))
    }

    /// The document, once; `None` after that or when the sender had none.
    pub fn take(&self) -> Option<serde_json::Value> {
        self.0.lock().ok().and_then(|mut v| v.take())
    }
}

impl Clone for Parsed {
    fn clone(&self) -> Parsed {
        Parsed::default()
    }
}

impl PartialEq for Parsed {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Parsed {}

/// Bodies above this size count against [`LARGE_BODY_SLOTS`].
pub const LARGE_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How many large bodies may be in memory at once (downloading, waiting or being checked). A
/// parsed JSON body takes about 13 times its size, so memory stays bounded whatever the
/// concurrency: 42 bodies of 10 MB are checked in under 250 MB.
pub const LARGE_BODY_SLOTS: usize = 2;

/// The large-body slot a response holds (compares equal to any other: it is not data). Held,
/// never read: dropping the response frees the slot.
#[derive(Debug, Clone, Default)]
pub struct LargeBodySlot(#[allow(dead_code)] Option<std::sync::Arc<SlotHeld>>);

/// A held large-body slot. Released after the response's body (a field before it) is freed;
/// the body's document, when parsed, is freed by its check before.
#[derive(Debug)]
pub struct SlotHeld(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

impl Drop for SlotHeld {
    fn drop(&mut self) {
        if let Some(release) = ON_LARGE_BODY_FREED.get() {
            release();
        }
    }
}

static ON_LARGE_BODY_FREED: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// What to call once a large body is freed, before its slot goes to the next one: the binary
/// hands the freed memory back to the system at once there (its allocator otherwise keeps freed
/// pages a little while, which suits the many small documents of a run, not 10 MB bodies).
pub fn on_large_body_freed(release: fn()) {
    let _ = ON_LARGE_BODY_FREED.set(release);
}

impl PartialEq for LargeBodySlot {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LargeBodySlot {}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("TLS error: {0}")]
    Tls(String),
    /// The safety gate refused the request; nothing was sent.
    #[error("refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Other(String),
}

pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Sends one request and returns the whole (capped) response.
pub trait Transport: Send + Sync {
    fn send(&self, request: HttpRequest) -> SendFuture<'_>;
}

/// The methods that may leave the process.
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// The gate every transport applies first.
pub fn gate(request: &HttpRequest) -> Result<(), TransportError> {
    if is_safe_method(&request.method) {
        Ok(())
    } else {
        Err(TransportError::Refused(format!(
            "{} {}: drift only sends GET, HEAD and OPTIONS",
            request.method,
            redact_url(&request.url)
        )))
    }
}

/// The URL without its query string (for messages; query values may be sensitive).
pub fn redact_url(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// Options of the real HTTP transport.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// The whole exchange: connect, send, read the body, follow redirects.
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    /// The only URL a POST may go to: the configured token endpoint.
    pub token_url: Option<String>,
    pub redirects: Redirects,
}

/// Which redirects the transport follows (drift follows them itself, hop by hop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Redirects {
    /// Any origin, credentials dropped when the origin changes; never from a public address to
    /// a loopback, private or link-local one (cloud metadata), unless the first URL was of the
    /// same kind. For API answers: a client follows them.
    #[default]
    AnyOrigin,
    /// Only within the first URL's origin: a contract fetched by URL.
    SameOrigin,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            token_url: None,
            redirects: Redirects::AnyOrigin,
        }
    }
}

/// reqwest with rustls (ring provider), gzip/deflate, no automatic redirects (drift follows them
/// itself so credentials never cross origins), a body size cap and a total timeout.
pub struct HttpTransport {
    client: reqwest::Client,
    options: HttpOptions,
    large_bodies: std::sync::Arc<tokio::sync::Semaphore>,
}

impl HttpTransport {
    pub fn new(options: HttpOptions) -> Result<HttpTransport, TransportError> {
        // Installing twice is harmless; the first provider stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("drift/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Other(e.to_string()))?;
        Ok(HttpTransport {
            client,
            options,
            large_bodies: std::sync::Arc::new(tokio::sync::Semaphore::new(LARGE_BODY_SLOTS)),
        })
    }

    /// POST the token request of a configured auth flow; refused for any other URL.
    pub async fn send_token_request(
        &self,
        request: HttpRequest,
    ) -> Result<HttpResponse, TransportError> {
        let allowed = self.options.token_url.as_deref() == Some(request.url.as_str())
            && request.method == "POST";
        if !allowed {
            return Err(TransportError::Refused(format!(
                "{} {}: only the configured token URL accepts a POST",
                request.method,
                redact_url(&request.url)
            )));
        }
        let timeout = self.options.timeout;
        tokio::time::timeout(timeout, self.exchange(&request))
            .await
            .map_err(|_| TransportError::Timeout(timeout))?
    }

    async fn follow(&self, mut request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let first = reqwest::Url::parse(&request.url).ok();
        let mut hops: Vec<(u16, String)> = Vec::new();
        loop {
            gate(&request)?;
            let mut response = self.exchange(&request).await?;
            let location = response.header("location").map(String::from);
            let redirect =
                request.follow_redirects && matches!(response.status, 301 | 302 | 303 | 307 | 308);
            let (true, Some(location)) = (redirect, location) else {
                response.redirects = hops;
                return Ok(response);
            };
            if hops.len() >= self.options.max_redirects {
                response.redirects = hops;
                return Ok(response);
            }
            let mut next = reqwest::Url::parse(&request.url)
                .and_then(|base| base.join(&location))
                .map_err(|e| TransportError::Other(format!("bad redirect location: {e}")))?;
            let same_origin =
                reqwest::Url::parse(&request.url).is_ok_and(|u| u.origin() == next.origin());
            if !same_origin {
                self.may_redirect(first.as_ref(), &next).await?;
                // A server that echoes the query into `Location` must not carry a query API key
                // to another origin either.
                drop_secret_query(&mut next, &request.secret_query);
                request.secret_headers.clear();
                request.secret_query.clear();
            }
            hops.push((response.status, redact_url(next.as_str()).to_string()));
            request.url = next.to_string();
        }
    }

    /// Whether a redirect to another origin may be followed (checked before connecting to it).
    async fn may_redirect(
        &self,
        first: Option<&reqwest::Url>,
        next: &reqwest::Url,
    ) -> Result<(), TransportError> {
        let shown = |u: &reqwest::Url| u.origin().ascii_serialization();
        let from = first.map(shown).unwrap_or_default();
        if self.options.redirects == Redirects::SameOrigin {
            return Err(TransportError::Refused(format!(
                "a redirect from {from} to {} was not followed: a contract URL is followed only within its origin",
                shown(next)
            )));
        }
        let to = address_kind(next).await;
        if to == AddressKind::Public {
            return Ok(());
        }
        let start = match first {
            Some(u) => address_kind(u).await,
            None => AddressKind::Public,
        };
        if start == to {
            return Ok(());
        }
        Err(TransportError::Refused(format!(
            "a redirect from {from} to {} ({}) was not followed: drift does not follow a redirect to a {} address from elsewhere",
            shown(next),
            to.name(),
            to.name()
        )))
    }

    async fn exchange(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| TransportError::Other(e.to_string()))?;
        let mut url = reqwest::Url::parse(&request.url).map_err(|e| {
            TransportError::Other(format!("bad URL {}: {e}", redact_url(&request.url)))
        })?;
        if !request.secret_query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.secret_query.iter());
        }
        let mut builder = self.client.request(method, url);
        for (k, v) in request.headers.iter().chain(request.secret_headers.iter()) {
            builder = builder.header(k, v);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // Sized from Content-Length (within the cap): growing by doubling would hold up to twice
        // the body while it downloads.
        let expected = response.content_length().unwrap_or(0) as usize;
        let mut body = Vec::with_capacity(expected.min(self.options.max_body_bytes));
        let mut truncated = false;
        let mut slot = None;
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if slot.is_none() && body.len() + chunk.len() > LARGE_BODY_BYTES {
                slot = self.large_bodies.clone().acquire_owned().await.ok();
            }
            let room = self.options.max_body_bytes.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
            truncated,
            large_body_slot: LargeBodySlot(slot.map(|p| std::sync::Arc::new(SlotHeld(p)))),
            parsed: Parsed::default(),
            redirects: Vec::new(),
        })
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        Box::pin(async move {
            gate(&request)?;
            let timeout = self.options.timeout;
            tokio::time::timeout(timeout, self.follow(request))
                .await
                .map_err(|_| TransportError::Timeout(timeout))?
        })
    }
}

/// The kind of address a host is: a redirect may not lead from the public internet (or from one
/// kind) to a loopback, private or link-local address (a cloud metadata service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    Public,
    Loopback,
    Private,
    LinkLocal,
    Unspecified,
}

impl AddressKind {
    fn name(self) -> &'static str {
        match self {
            AddressKind::Public => "public",
            AddressKind::Loopback => "loopback",
            AddressKind::Private => "private",
            AddressKind::LinkLocal => "link-local",
            AddressKind::Unspecified => "unspecified",
        }
    }

    /// The kind of one IP address (IPv4-mapped IPv6 addresses as their IPv4 address).
    pub fn of(ip: std::net::IpAddr) -> AddressKind {
        use std::net::IpAddr;
        match ip {
            IpAddr::V4(v4) => {
                let [a, b, ..] = v4.octets();
                if v4.is_loopback() {
                    AddressKind::Loopback
                } else if v4.is_link_local() {
                    AddressKind::LinkLocal
                } else if v4.is_private() || (a == 100 && (64..128).contains(&b)) {
                    AddressKind::Private
                } else if v4.is_unspecified() || a == 0 || v4.is_broadcast() {
                    AddressKind::Unspecified
                } else {
                    AddressKind::Public
                }
            }
            IpAddr::V6(v6) => {
                if let Some(v4) = v6.to_ipv4_mapped() {
                    return AddressKind::of(IpAddr::V4(v4));
                }
                let first = v6.segments()[0];
                if v6.is_loopback() {
                    AddressKind::Loopback
                } else if v6.is_unspecified() {
                    AddressKind::Unspecified
                } else if first & 0xffc0 == 0xfe80 {
                    AddressKind::LinkLocal
                } else if first & 0xfe00 == 0xfc00 {
                    AddressKind::Private
                } else {
                    AddressKind::Public
                }
            }
        }
    }
}

/// The kind of a URL's host: of its address, or of every address its name resolves to (the
/// least public one); a name that does not resolve is public (connecting to it fails anyway).
async fn address_kind(url: &reqwest::Url) -> AddressKind {
    let worst = |kinds: &mut dyn Iterator<Item = AddressKind>| {
        kinds
            .filter(|k| *k != AddressKind::Public)
            .min_by_key(|k| *k as u8)
            .unwrap_or(AddressKind::Public)
    };
    match url.host() {
        Some(url::Host::Ipv4(ip)) => AddressKind::of(ip.into()),
        Some(url::Host::Ipv6(ip)) => AddressKind::of(ip.into()),
        Some(url::Host::Domain(name)) => {
            if name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost") {
                return AddressKind::Loopback;
            }
            let port = url.port_or_known_default().unwrap_or(80);
            match tokio::net::lookup_host((name, port)).await {
                Ok(addrs) => worst(&mut addrs.map(|a| AddressKind::of(a.ip()))),
                Err(_) => AddressKind::Public,
            }
        }
        None => AddressKind::Public,
    }
}

/// Remove from `url` every query pair that carries a secret (by name or by value).
fn drop_secret_query(url: &mut reqwest::Url, secrets: &[(String, String)]) {
    if secrets.is_empty() || url.query().is_none() {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, v)| !secrets.iter().any(|(sk, sv)| k == sk || v == sv))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

/// Sort a reqwest error into the transport error kinds findings are made of. The URL is left
/// out of the text: it may carry a query API key.
fn classify(e: reqwest::Error) -> TransportError {
    let e = e.without_url();
    let text = error_chain(&e);
    if e.is_timeout() {
        TransportError::Timeout(Duration::ZERO)
    } else if text.contains("certificate") || text.contains("tls") || text.contains("TLS") {
        TransportError::Tls(text)
    } else if e.is_connect() {
        TransportError::Connect(text)
    } else {
        TransportError::Other(text)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_lets_only_safe_methods_through() {
        for m in ["GET", "HEAD", "OPTIONS"] {
            assert!(gate(&HttpRequest {
                method: m.into(),
                ..Default::default()
            })
            .is_ok());
        }
        for m in ["POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT", "get"] {
            let r = HttpRequest {
                method: m.into(),
                url: "http://x/a?key=secret".into(),
                ..Default::default()
            };
            match gate(&r) {
                Err(TransportError::Refused(msg)) => assert!(!msg.contains("secret"), "{msg}"),
                other => panic!("{m}: {other:?}"),
            }
        }
    }

    #[test]
    fn debug_output_hides_secret_values() {
        let r = HttpRequest {
            method: "GET".into(),
            secret_headers: vec![("Authorization".into(), "Bearer canary-123".into())],
            ..Default::default()
        };
        assert!(!format!("{r:?}").contains("canary-123"));
    }
}
