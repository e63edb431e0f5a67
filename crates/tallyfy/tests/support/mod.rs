//! Shared test helpers: a scripted loopback HTTP server that records raw request targets, and
//! clients pointed at it or at the fake Tallyfy server.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{Value, json};
use tallyfy::{Client, RetryConfig, Timeouts};

/// One request as the scripted server received it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: Method,
    /// The raw request target (path and query), not decoded.
    pub target: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap()
    }
    pub fn query(&self) -> &str {
        self.target.split_once('?').map(|(_, q)| q).unwrap_or("")
    }
    /// The query as decoded pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded_parse(self.query())
    }
    pub fn param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

mod url {
    pub fn form_urlencoded_parse(q: &str) -> Vec<(String, String)> {
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let dec = |s: &str| {
                    percent_encoding::percent_decode_str(&s.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (dec(k), dec(v))
            })
            .collect()
    }
}

/// A reply from a scripted handler.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string().into_bytes(),
            delay: Duration::ZERO,
        }
    }
    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", content_type.to_owned())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn delayed(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

type Handler = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

/// A loopback server whose every answer comes from a closure `(request, index) -> Reply`, where
/// `index` counts requests from 0. It records raw targets and the most requests in flight at once.
pub struct Scripted {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Scripted {
    pub async fn start(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let (s, inf, max) = (seen.clone(), in_flight.clone(), max_in_flight.clone());
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let (handler, seen, in_flight, max_in_flight) =
                (handler.clone(), s.clone(), inf.clone(), max.clone());
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                max_in_flight.fetch_max(now, Ordering::SeqCst);
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .unwrap_or_default();
                let request = Seen {
                    method: parts.method,
                    target: parts
                        .uri
                        .path_and_query()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                    headers: parts.headers,
                    body,
                };
                let index = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(request.clone());
                    seen.len() - 1
                };
                let reply = handler(&request, index);
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let mut response =
                    Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
                for (k, v) in reply.headers {
                    response = response.header(k, v);
                }
                response.body(Body::from(reply.body)).unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base_url: format!("http://{addr}/api"),
            seen,
            in_flight,
            max_in_flight,
            task,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub fn last(&self) -> Seen {
        self.seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("no request received")
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

pub const ORG: &str = "org-1";
pub const TOKEN: &str = "tok-SECRET-123";

/// Fast retries for tests: no real backoff waits.
pub fn quick_retry() -> RetryConfig {
    RetryConfig::default()
        .max_retries(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .max_retry_after(Duration::from_secs(5))
}

pub fn client_for(base_url: &str) -> Client {
    builder_for(base_url).build().unwrap()
}

pub fn builder_for(base_url: &str) -> tallyfy::ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .org(ORG)
        .base_url(base_url)
        .retry(quick_retry())
        .timeouts(
            Timeouts::default()
                .connect(Duration::from_secs(5))
                .per_attempt(Duration::from_secs(10))
                .total(Duration::from_secs(30)),
        )
}

/// A fake in the shapes `TALLYFY_FAKE_SHAPES` names (`canonical` when unset, or `varied`); any
/// other value fails the test.
pub async fn fake(guests: usize, members: usize) -> tallyfy_fake::FakeTallyfy {
    let shapes = tallyfy_fake::Shapes::from_env().unwrap_or_else(|e| panic!("{e}"));
    tallyfy_fake::FakeTallyfy::builder()
        .shapes(shapes)
        .org_id(ORG)
        .token(TOKEN)
        .seed_guests(guests)
        .seed_members(members)
        .start()
        .await
        .unwrap()
}

pub fn fake_client(fake: &tallyfy_fake::FakeTallyfy) -> Client {
    Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .retry(quick_retry())
        .build()
        .unwrap()
}

/// A guest JSON object.
pub fn guest(id: i64, email: &str) -> Value {
    json!({"id": id, "email": email, "first_name": "G", "created_at": "2025-01-10T08:30:00Z"})
}

/// A list body with `meta.pagination`.
pub fn guest_page(ids: std::ops::Range<i64>, current: u64, total_pages: u64) -> Value {
    let data: Vec<Value> = ids.map(|i| guest(i, &format!("g{i}@x.io"))).collect();
    json!({
        "data": data,
        "meta": {"pagination": {
            "total": 0, "count": data.len(), "per_page": 10,
            "current_page": current, "total_pages": total_pages, "links": []
        }}
    })
}

/// A page-aware handler: page `n` of `total_pages`, `per_page` items each.
pub fn paged(per_page: i64, total_pages: u64) -> impl Fn(&Seen, usize) -> Reply + Send + Sync {
    move |req, _| {
        let page: u64 = req.param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let start = (page as i64 - 1) * per_page;
        let ids = if page <= total_pages {
            start..start + per_page
        } else {
            0..0
        };
        Reply::json(200, guest_page(ids, page, total_pages))
    }
}
