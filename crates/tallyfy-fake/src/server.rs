//! The HTTP/1.1 server: accepting connections, recording requests, latency, faults, and shutdown.
//!
//! Each connection is served by hyper directly (not through a router framework), so that a fault can
//! close a connection without a response (`Fault::DropConnection`) or
//! cut a body short (`Fault::TruncatedBody`). Shutting down stops
//! accepting, asks open connections to finish their current request, and closes whatever is still
//! open after a second.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::faults::{self, Fault, QueuedFault};
use crate::routes;
use crate::state::State;
use crate::stats::{self, Stats};
use crate::tokens::Tokens;

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The request target exactly as it arrived: raw path and query, not decoded
    /// (`/api/organizations/o/guests/o%27brien%2Btag%40x.io?with=stats`).
    pub target: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The raw path (the target without its query).
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The raw query string, if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// A header's value as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Everything the server and the handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub org_id: String,
    pub token: String,
    pub host: String,
    pub latency: Duration,
    pub state: Mutex<State>,
    pub faults: Mutex<Vec<QueuedFault>>,
    pub requests: Mutex<VecDeque<RecordedRequest>>,
    pub record_limit: usize,
    pub log_requests: bool,
    pub counter: AtomicU64,
    /// The application's credentials and the OAuth tokens issued.
    pub tokens: Mutex<Tokens>,
    /// The password every member has for the password grant.
    pub user_password: String,
    /// Sends the webhooks that requests queue, and logs each attempt.
    pub deliverer: crate::webhooks::Deliverer,
    /// The rate limits and their counters.
    pub limiter: crate::limits::Limiter,
    /// Requests answered, by status.
    pub stats: Mutex<Stats>,
}

pub(crate) use crate::sync::lock;

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// The largest request body the fake reads: a 100 MB upload (the largest file Tallyfy takes) and
/// room for its multipart framing, so that a file just over 100 MB still reaches the upload's own
/// 422. A larger body is read as empty.
const BODY_LIMIT: usize = crate::routes::files::MAX_FILE_BYTES + 4 * 1024 * 1024;

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let (parts, body) = req.into_parts();
    if stats::is_stats_path(parts.uri.path()) {
        let counts = lock(&shared.stats).clone();
        return Ok(stats::answer(
            &parts.method,
            &parts.headers,
            &shared.token,
            counts,
        ));
    }
    let body = axum::body::to_bytes(Body::new(body), BODY_LIMIT)
        .await
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| parts.uri.path().to_string());
    if shared.record_limit > 0 {
        let mut log = lock(&shared.requests);
        if log.len() >= shared.record_limit {
            log.pop_front();
        }
        log.push_back(RecordedRequest {
            method: parts.method.clone(),
            target: target.clone(),
            headers: parts.headers.clone(),
            body: body.clone(),
        });
    }
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    let request_id = shared.counter.fetch_add(1, Ordering::Relaxed) + 1;
    let fault = faults::take(&mut lock(&shared.faults), &parts.method, &target);
    let mut res = match fault {
        Some(Fault::DropConnection) => return Err(DropConnection),
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            None
        }
        Some(other) => faults::response(&other),
        None => None,
    }
    .unwrap_or_else(|| {
        let cfg = routes::Config {
            org_id: &shared.org_id,
            token: &shared.token,
            host: &shared.host,
            tokens: &shared.tokens,
            user_password: &shared.user_password,
            limits: &shared.limiter,
        };
        routes::dispatch(
            &cfg,
            &shared.state,
            &parts.method,
            parts.uri.path(),
            parts.uri.query(),
            &parts.headers,
            &body,
        )
    });
    // Webhooks go out after the call that caused them is answered (reads queue none).
    if parts.method != http::Method::GET {
        shared.deliverer.send_queued(&shared.state);
    }
    if shared.log_requests {
        eprintln!(
            "fake-{request_id:08} {} {target} -> {}",
            parts.method,
            res.status().as_u16()
        );
    }
    res.headers_mut().insert(
        "x-request-id",
        HeaderValue::from_str(&format!("fake-{request_id:08}")).expect("ascii"),
    );
    lock(&shared.stats).record(res.status());
    Ok(res)
}

/// Resolves once the stop flag is true or its sender is gone.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await.map(|_| ());
}

/// Serves `listener` until `shutdown` turns true (or its sender is dropped).
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns: JoinSet<()> = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors or similar: back off briefly rather than spin.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let mut stop = shutdown.clone();
                conns.spawn(async move {
                    let svc = service_fn(move |req| handle(shared.clone(), req));
                    let conn = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stopped(&mut stop) => {
                            conn.as_mut().graceful_shutdown();
                            let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
                        }
                    }
                });
            }
            _ = stopped(&mut shutdown) => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
    conns.abort_all();
}

/// Binds `addr` and returns the listener with its real address (port 0 picks a free port).
pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
