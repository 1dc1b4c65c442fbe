//! Stage 4, `replay`: send planned requests with bounded concurrency (a tokio semaphore), a per-API
//! rate limit, a timeout on each exchange (in the transport), and retries — with exponential
//! backoff, honouring `Retry-After` — only for transport errors, 429 and 5xx. A 401 with OAuth2
//! configured fetches a new token once. Every request goes through a [`transport::Transport`],
//! whose safety gate refuses unsafe methods.

pub mod auth;
pub mod transport;

use crate::plan::PlannedRequest;
use auth::Credentials;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, Semaphore};
use transport::{HttpRequest, HttpResponse, HttpTransport, Transport, TransportError};

#[derive(Debug, Clone)]
pub struct ReplayOptions {
    pub concurrency: usize,
    /// Requests per second, per API.
    pub rate_limit: Option<f64>,
    /// Retries after the first attempt.
    pub retries: u32,
    pub backoff: Duration,
    /// The longest `Retry-After` honoured; longer waits end the retries.
    pub max_retry_after: Duration,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            concurrency: 8,
            rate_limit: None,
            retries: 2,
            backoff: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// One replayed request and what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Index into the planned requests.
    pub index: usize,
    pub method: String,
    pub url: String,
    pub result: Result<HttpResponse, ReplayError>,
    pub attempts: u32,
    pub duration: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("{0}")]
    Auth(String),
}

/// Where to send requests and with what.
pub struct Target {
    pub base_url: String,
    pub transport: Arc<dyn Transport>,
    /// The real HTTP transport when there is one (for the OAuth2 token request).
    pub http: Option<Arc<HttpTransport>>,
    pub credentials: Option<Arc<Credentials>>,
}

/// Build the HTTP request of a planned request (credentials are added at send time).
pub fn http_request(base_url: &str, p: &PlannedRequest) -> HttpRequest {
    // A path template may carry a disambiguating `#…` (AWS: `/revocations#jobArn`) or a fixed
    // query (`/search?type=user`): neither is part of the path sent.
    let path = p
        .path
        .split_once('#')
        .map_or(p.path.as_str(), |(path, _)| path);
    let (path, fixed) = path.split_once('?').unwrap_or((path, ""));
    let mut url = format!("{}{}", base_url.trim_end_matches('/'), path);
    let mut q: Vec<String> = fixed
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(String::from)
        .collect();
    q.extend(
        p.query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_query(k), encode_query(v))),
    );
    if !q.is_empty() {
        url = format!("{url}?{}", q.join("&"));
    }
    let mut headers = vec![("Accept".to_string(), p.accept.clone())];
    headers.extend(p.headers.iter().cloned());
    HttpRequest {
        method: p.method.clone(),
        url,
        headers,
        follow_redirects: p.follow_redirects,
        ..Default::default()
    }
}

fn encode_query(s: &str) -> String {
    crate::text::percent_encode(s, crate::text::QUERY)
}

/// An exchange handed to the caller. It holds one of the `concurrency` slots until it is dropped,
/// so at most `concurrency` responses are in memory at once, however many operations a run has:
/// check it, then drop it.
pub struct Delivered {
    pub exchange: Exchange,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

/// Replay every request; exchanges arrive on the returned channel as they complete (in any
/// order).
pub fn start(
    target: Arc<Target>,
    requests: Vec<HttpRequest>,
    options: &ReplayOptions,
) -> tokio::sync::mpsc::UnboundedReceiver<Delivered> {
    let semaphore = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let limiter = Arc::new(RateLimiter::new(options.rate_limit));
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    for (index, request) in requests.into_iter().enumerate() {
        let (target, semaphore, limiter, sender) = (
            target.clone(),
            semaphore.clone(),
            limiter.clone(),
            sender.clone(),
        );
        let options = options.clone();
        tokio::spawn(async move {
            let Ok(slot) = semaphore.acquire_owned().await else {
                return;
            };
            // The run stopped listening (an API stopped on an authentication failure): the
            // requests not yet sent are not sent.
            if sender.is_closed() {
                return;
            }
            let exchange = replay_one(&target, index, request, &options, &limiter).await;
            let _ = sender.send(Delivered {
                exchange,
                _slot: slot,
            });
        });
    }
    receiver
}

/// Replay every request and collect the exchanges, in request order (small runs and tests).
pub async fn run(
    target: Arc<Target>,
    requests: Vec<HttpRequest>,
    options: &ReplayOptions,
) -> Vec<Exchange> {
    let mut receiver = start(target, requests, options);
    let mut out = Vec::new();
    while let Some(delivered) = receiver.recv().await {
        out.push(delivered.exchange);
    }
    out.sort_by_key(|e| e.index);
    out
}

async fn replay_one(
    target: &Target,
    index: usize,
    request: HttpRequest,
    options: &ReplayOptions,
    limiter: &RateLimiter,
) -> Exchange {
    let started = Instant::now();
    let (method, url) = (request.method.clone(), request.url.clone());
    let mut attempts = 0;
    let mut reauthorized = false;
    let result = loop {
        attempts += 1;
        let mut req = request.clone();
        if let Some(creds) = &target.credentials {
            match creds.apply(&mut req, target.http.as_deref()).await {
                Ok(()) => {}
                // The token endpoint out of reach: this exchange is unreachable like any other.
                Err(auth::AuthError::TokenUnreachable { url, cause }) => {
                    let at = |detail: &str| format!("the token endpoint {url}: {detail}");
                    break Err(ReplayError::Transport(match cause {
                        TransportError::Timeout(d) => TransportError::Timeout(d),
                        TransportError::Tls(detail) => TransportError::Tls(at(&detail)),
                        TransportError::Connect(detail) => TransportError::Connect(at(&detail)),
                        other => TransportError::Connect(at(&other.to_string())),
                    }));
                }
                Err(e) => break Err(ReplayError::Auth(e.to_string())),
            }
        }
        limiter.wait().await;
        let outcome = target.transport.send(req).await;
        let retry_after = match &outcome {
            Ok(r) if r.status == 401 && !reauthorized => {
                if let Some(creds) = &target.credentials {
                    if creds.invalidate().await {
                        reauthorized = true;
                        continue;
                    }
                }
                None
            }
            Ok(r) if r.status == 429 || r.status >= 500 => Some(retry_after(r)),
            Ok(_) => None,
            Err(TransportError::Refused(_)) => None,
            Err(_) => Some(None),
        };
        match retry_after {
            Some(wait) if attempts <= options.retries => {
                let backoff = options
                    .backoff
                    .saturating_mul(2u32.saturating_pow(attempts - 1));
                let wait = wait.unwrap_or(backoff);
                if wait > options.max_retry_after {
                    break outcome.map_err(ReplayError::from);
                }
                tokio::time::sleep(wait).await;
            }
            _ => break outcome.map_err(ReplayError::from),
        }
    };
    Exchange {
        index,
        method,
        url,
        result,
        attempts,
        duration: started.elapsed(),
    }
}

/// `Retry-After` in seconds (HTTP dates are rare on APIs and are treated as absent).
fn retry_after(r: &HttpResponse) -> Option<Duration> {
    r.header("retry-after")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        // A hostile or absurd value (`1e300`) must not overflow: it is "longer than the longest
        // honoured wait", which ends the retries.
        .map(|s| Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX))
}

/// Spaces requests at least `1/rate` seconds apart (on tokio's clock, so tests can pause it).
struct RateLimiter {
    interval: Option<Duration>,
    next: Mutex<tokio::time::Instant>,
}

impl RateLimiter {
    fn new(rate: Option<f64>) -> RateLimiter {
        let interval = rate
            .filter(|r| *r > 0.0 && r.is_finite())
            .and_then(|r| Duration::try_from_secs_f64(1.0 / r).ok());
        RateLimiter {
            interval,
            next: Mutex::new(tokio::time::Instant::now()),
        }
    }

    async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next.lock().await;
            let now = tokio::time::Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::Mutex as StdMutex;
    use transport::SendFuture;

    /// A transport that answers from a script and records when each request was sent.
    #[derive(Default)]
    struct Scripted {
        replies: StdMutex<VecDeque<Result<HttpResponse, TransportError>>>,
        sent: StdMutex<Vec<(tokio::time::Instant, String)>>,
    }

    impl Scripted {
        fn new(replies: Vec<Result<HttpResponse, TransportError>>) -> Arc<Scripted> {
            Arc::new(Scripted {
                replies: StdMutex::new(replies.into()),
                sent: StdMutex::default(),
            })
        }

        fn sent(&self) -> Vec<(tokio::time::Instant, String)> {
            self.sent.lock().map(|s| s.clone()).unwrap_or_default()
        }
    }

    impl Transport for Scripted {
        fn send(&self, request: HttpRequest) -> SendFuture<'_> {
            Box::pin(async move {
                transport::gate(&request)?;
                if let Ok(mut sent) = self.sent.lock() {
                    sent.push((tokio::time::Instant::now(), request.url.clone()));
                }
                let next = self.replies.lock().ok().and_then(|mut r| r.pop_front());
                next.unwrap_or_else(|| Ok(status(200)))
            })
        }
    }

    fn status(code: u16) -> HttpResponse {
        HttpResponse {
            status: code,
            ..Default::default()
        }
    }

    fn with_header(mut r: HttpResponse, k: &str, v: &str) -> HttpResponse {
        r.headers.push((k.into(), v.into()));
        r
    }

    fn target(t: Arc<Scripted>) -> Arc<Target> {
        Arc::new(Target {
            base_url: "http://api.test".into(),
            transport: t,
            http: None,
            credentials: None,
        })
    }

    fn get(path: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            url: format!("http://api.test{path}"),
            ..Default::default()
        }
    }

    fn options(retries: u32) -> ReplayOptions {
        ReplayOptions {
            concurrency: 1,
            retries,
            backoff: Duration::from_millis(10),
            max_retry_after: Duration::from_secs(2),
            rate_limit: None,
        }
    }

    /// (scripted replies, retries) → (final status or none for an error, attempts).
    type Case = (
        Vec<Result<HttpResponse, TransportError>>,
        u32,
        Option<u16>,
        u32,
    );

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn retries_only_what_is_worth_retrying() {
        let timeout = || Err(TransportError::Timeout(Duration::from_secs(1)));
        let cases: Vec<Case> = vec![
            (vec![Ok(status(200))], 2, Some(200), 1),
            (vec![Ok(status(503)), Ok(status(200))], 2, Some(200), 2),
            (
                vec![Ok(status(500)), Ok(status(502)), Ok(status(504))],
                2,
                Some(504),
                3,
            ),
            (vec![Ok(status(429)), Ok(status(200))], 1, Some(200), 2),
            (vec![timeout(), timeout(), Ok(status(200))], 2, Some(200), 3),
            (vec![timeout(), timeout()], 1, None, 2),
            // 4xx other than 429 is an answer, not retried.
            (vec![Ok(status(404)), Ok(status(200))], 2, Some(404), 1),
            (vec![Ok(status(500))], 0, Some(500), 1),
        ];
        for (i, (replies, retries, want, attempts)) in cases.into_iter().enumerate() {
            let t = Scripted::new(replies);
            let out = run(target(t.clone()), vec![get("/a")], &options(retries)).await;
            let ex = &out[0];
            assert_eq!(ex.result.as_ref().ok().map(|r| r.status), want, "case {i}");
            assert_eq!(ex.attempts, attempts, "case {i}");
            assert_eq!(t.sent().len() as u32, attempts, "case {i}");
        }
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn retry_after_is_honoured_and_capped() {
        let t = Scripted::new(vec![
            Ok(with_header(status(429), "Retry-After", "1")),
            Ok(status(200)),
        ]);
        let out = run(target(t.clone()), vec![get("/a")], &options(2)).await;
        let sent = t.sent();
        assert_eq!(out[0].result.as_ref().map(|r| r.status).ok(), Some(200));
        assert!(
            sent[1].0 - sent[0].0 >= Duration::from_secs(1),
            "waited as told"
        );
        // Longer than the cap: the retries end at once with the 429.
        let t = Scripted::new(vec![Ok(with_header(status(429), "Retry-After", "3600"))]);
        let out = run(target(t.clone()), vec![get("/a")], &options(2)).await;
        assert_eq!(out[0].result.as_ref().map(|r| r.status).ok(), Some(429));
        assert_eq!(t.sent().len(), 1);
        // Absurd values do not overflow.
        let t = Scripted::new(vec![Ok(with_header(status(503), "Retry-After", "1e300"))]);
        let out = run(target(t.clone()), vec![get("/a")], &options(2)).await;
        assert_eq!(out[0].attempts, 1);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn backoff_doubles_between_attempts() {
        let t = Scripted::new(vec![Ok(status(500)), Ok(status(500)), Ok(status(200))]);
        run(target(t.clone()), vec![get("/a")], &options(2)).await;
        let at: Vec<tokio::time::Instant> = t.sent().iter().map(|s| s.0).collect();
        assert_eq!(at[1] - at[0], Duration::from_millis(10));
        assert_eq!(at[2] - at[1], Duration::from_millis(20));
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn the_rate_limit_spaces_requests() {
        let t = Scripted::new(Vec::new());
        let mut o = options(0);
        o.rate_limit = Some(4.0);
        o.concurrency = 8;
        let requests = (0..5).map(|i| get(&format!("/{i}"))).collect();
        let out = run(target(t.clone()), requests, &o).await;
        assert_eq!(out.len(), 5);
        let mut at: Vec<tokio::time::Instant> = t.sent().iter().map(|s| s.0).collect();
        at.sort();
        for pair in at.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(250),
                "{:?}",
                pair[1] - pair[0]
            );
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn unsafe_methods_never_reach_the_transport() {
        let t = Scripted::new(Vec::new());
        let mut post = get("/a");
        post.method = "POST".into();
        let out = run(target(t.clone()), vec![post], &options(2)).await;
        assert!(matches!(
            out[0].result,
            Err(ReplayError::Transport(TransportError::Refused(_)))
        ));
        assert!(t.sent().is_empty());
        assert_eq!(out[0].attempts, 1, "a refusal is not retried");
    }
}
