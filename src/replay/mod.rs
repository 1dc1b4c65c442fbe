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
    let mut url = format!("{}{}", base_url.trim_end_matches('/'), p.path);
    if !p.query.is_empty() {
        let q: Vec<String> = p
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_query(k), encode_query(v)))
            .collect();
        url = format!("{url}?{}", q.join("&"));
    }
    let mut headers = vec![(
        "Accept".to_string(),
        "application/json, */*;q=0.8".to_string(),
    )];
    headers.extend(p.headers.iter().cloned());
    HttpRequest {
        method: p.method.clone(),
        url,
        headers,
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
            if let Err(e) = creds.apply(&mut req, target.http.as_deref()).await {
                break Err(ReplayError::Auth(e.to_string()));
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
        // A hostile or absurd value (`1e300`) must not overflow: anything longer than the
        // longest honoured wait ends the retries anyway.
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
}

/// Spaces requests at least `1/rate` seconds apart.
struct RateLimiter {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimiter {
    fn new(rate: Option<f64>) -> RateLimiter {
        let interval = rate
            .filter(|r| *r > 0.0 && r.is_finite())
            .and_then(|r| Duration::try_from_secs_f64(1.0 / r).ok());
        RateLimiter {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}
