//! `drift mock`: the embedded mock over HTTP/1.1 (hyper). One handler; routing is the mock's own.

use super::{Mock, MockRequest};
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Called once per request with a log line (`GET /pub/patient/1 -> 200 fetchPatient`).
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

/// Serve until the task is dropped. Connection errors end that connection only.
pub async fn serve(
    mock: Arc<Mock>,
    listener: TcpListener,
    log: Option<RequestLog>,
) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let (mock, log) = (mock.clone(), log.clone());
        tokio::spawn(async move {
            let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let (mock, log) = (mock.clone(), log.clone());
                async move { Ok::<_, Infallible>(handle(&mock, &req, log.as_ref())) }
            });
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn handle(
    mock: &Mock,
    req: &hyper::Request<hyper::body::Incoming>,
    log: Option<&RequestLog>,
) -> hyper::Response<Full<Bytes>> {
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let r = mock.respond(&MockRequest {
        method: req.method().as_str().to_string(),
        path: path.clone(),
        headers,
    });
    if let Some(log) = log {
        log(&format!(
            "{} {path} -> {} {}",
            req.method(),
            r.status,
            r.operation_id.as_deref().unwrap_or("-")
        ));
    }
    let mut builder = hyper::Response::builder().status(r.status);
    if let Some(ct) = &r.content_type {
        builder = builder.header("content-type", ct);
    }
    for (k, v) in &r.headers {
        builder = builder.header(k, v);
    }
    builder
        .body(Full::new(Bytes::from(r.body)))
        .unwrap_or_else(|_| {
            let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(
                b"{\"error\":\"bad response\"}",
            )));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}
