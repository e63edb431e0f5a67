//! Fault injection: make the next N matching requests fail the way real networks and servers do.
//!
//! Queue a [`Fault`] with [`FakeTallyfy::inject`](crate::FakeTallyfy::inject) (any request) or
//! [`FakeTallyfy::inject_matching`](crate::FakeTallyfy::inject_matching) (a [`FaultMatch`]). Each
//! incoming request takes the first queued fault that matches it and has uses left, before
//! authentication or routing. Every request is still recorded.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use tallyfy_fake::{FakeTallyfy, Fault, FaultMatch, RetryAfter};
//!
//! let fake = FakeTallyfy::builder().seed_guests(10).start().await?;
//! // The next two requests of any kind are rate-limited.
//! fake.inject(Fault::RateLimited { retry_after: RetryAfter::Seconds(1) }, 2);
//! // The next GET of the guests list gets a 503.
//! fake.inject_matching(FaultMatch::path_contains("/guests").method("GET"), Fault::Status(503), 1);
//! // The next request waits two seconds and is then answered normally.
//! fake.inject(Fault::Delay(Duration::from_secs(2)), 1);
//! # Ok(()) }
//! ```

use std::time::{Duration, SystemTime};

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header};

/// How a 429's `Retry-After` header says when to try again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: N` (seconds).
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, e.g. `Wed, 21 Oct 2015 07:28:00 GMT`.
    HttpDate(SystemTime),
}

impl RetryAfter {
    /// The header value.
    ///
    /// ```
    /// use tallyfy_fake::RetryAfter;
    /// assert_eq!(RetryAfter::Seconds(3).header_value(), "3");
    /// let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_445_412_480);
    /// assert_eq!(RetryAfter::HttpDate(at).header_value(), "Wed, 21 Oct 2015 07:28:00 GMT");
    /// ```
    pub fn header_value(&self) -> String {
        match self {
            Self::Seconds(s) => s.to_string(),
            Self::HttpDate(at) => httpdate::fmt_http_date(*at),
        }
    }
}

/// What goes wrong with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 with `Retry-After`, `X-RateLimit-Remaining: 0` and Tallyfy's rate-limit body
    /// (`{"message": ..., "code": "RATE_LIMIT_EXCEEDED"}`).
    RateLimited {
        /// The `Retry-After` header.
        retry_after: RetryAfter,
    },
    /// This status (typically 500, 502, 503 or 504) with a JSON error body
    /// `{"error": true, "message": ..., "code": "SERVER_ERROR"}`.
    Status(u16),
    /// This status with a `text/html` error page, as a proxy or load balancer sends.
    HtmlError(u16),
    /// `200 OK` with `Content-Type: application/json`, a `Content-Length` larger than the body, part of
    /// a JSON document, and then the connection is closed.
    TruncatedBody,
    /// The connection is closed without any response.
    DropConnection,
    /// The request waits this long, then is handled normally.
    Delay(Duration),
}

/// Which requests a queued fault applies to. The default matches every request.
///
/// ```
/// use tallyfy_fake::FaultMatch;
/// let m = FaultMatch::path_contains("/users/").method("PUT");
/// assert!(m.matches(&http::Method::PUT, "/api/organizations/o/users/1001/role"));
/// assert!(!m.matches(&http::Method::GET, "/api/organizations/o/users/1001"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultMatch {
    method: Option<Method>,
    path_contains: Option<String>,
}

impl FaultMatch {
    /// Matches every request.
    pub fn any() -> Self {
        Self::default()
    }

    /// Matches requests whose raw target (path and query, as sent) contains `needle`.
    pub fn path_contains(needle: impl Into<String>) -> Self {
        Self {
            method: None,
            path_contains: Some(needle.into()),
        }
    }

    /// Also requires this method (case-insensitive name, e.g. `"GET"`). An invalid name matches
    /// nothing.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(
            Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .unwrap_or_else(|_| Method::from_bytes(b"INVALID-METHOD").expect("valid token")),
        );
        self
    }

    /// Whether a request with this method and raw target matches.
    pub fn matches(&self, method: &Method, target: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|needle| target.contains(needle))
    }
}

/// A fault waiting in the queue.
#[derive(Clone, Debug)]
pub(crate) struct QueuedFault {
    pub matcher: FaultMatch,
    pub fault: Fault,
    pub remaining: usize,
}

/// Takes one use of the first matching fault.
pub(crate) fn take(queue: &mut Vec<QueuedFault>, method: &Method, target: &str) -> Option<Fault> {
    let pos = queue
        .iter()
        .position(|q| q.remaining > 0 && q.matcher.matches(method, target))?;
    let entry = &mut queue[pos];
    entry.remaining -= 1;
    let fault = entry.fault.clone();
    if entry.remaining == 0 {
        queue.remove(pos);
    }
    Some(fault)
}

/// The response for a fault that produces one (`RateLimited`, `Status`, `HtmlError`,
/// `TruncatedBody`).
pub(crate) fn response(fault: &Fault) -> Option<Response<Body>> {
    match fault {
        Fault::RateLimited { retry_after } => {
            let body = tallyfy_client::types::ApiError {
                message: Some(
                    "You've reached the limit for this operation. Please try again later.".into(),
                ),
                code: Some("RATE_LIMIT_EXCEEDED".into()),
                error: None,
                errors: Default::default(),
                error_description: None,
            };
            let mut res = crate::errors::json(StatusCode::TOO_MANY_REQUESTS, &body);
            let h = res.headers_mut();
            h.insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&retry_after.header_value()).expect("ascii"),
            );
            h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            Some(res)
        }
        Fault::Status(code) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = status.canonical_reason().unwrap_or("Server Error");
            Some(crate::errors::simple(status, message, Some("SERVER_ERROR")))
        }
        Fault::HtmlError(code) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::BAD_GATEWAY);
            let reason = status.canonical_reason().unwrap_or("Error");
            let html = format!(
                "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\n<body><h1>{code} {reason}</h1><p>The server is temporarily unable to service your request.</p></body></html>\n",
                code = status.as_u16()
            );
            let mut res = Response::new(Body::from(html));
            *res.status_mut() = status;
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=UTF-8"),
            );
            Some(res)
        }
        Fault::TruncatedBody => {
            let sent: &'static [u8] = br#"{"data": [{"id": 10001, "email": "trunc"#;
            let declared = sent.len() + 512;
            // One chunk, a pause so that it reaches the client, then an error that makes the server
            // close the connection short of the declared length.
            let stream = futures::stream::unfold(0u8, move |step| async move {
                match step {
                    0 => Some((Ok::<Bytes, std::io::Error>(Bytes::from_static(sent)), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Some((Err(std::io::Error::other("truncated on purpose")), 2))
                    }
                    _ => None,
                }
            });
            let mut res = Response::new(Body::from_stream(stream));
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
            Some(res)
        }
        Fault::DropConnection | Fault::Delay(_) => None,
    }
}
