//! What the fake has answered: requests by status, for tests and load tests.
//!
//! [`FakeTallyfy::stats`](crate::FakeTallyfy::stats) reads them in process, and
//! `GET /__fake/stats` (also under `/api`, with the fake's bearer token) over HTTP:
//!
//! ```json
//! {"requests": 1204, "by_status": {"200": 1200, "429": 4}}
//! ```
//!
//! Every answered request counts, faults included, except the calls to `/__fake/stats` itself; a
//! connection dropped by a fault has no status and does not count.

use std::collections::BTreeMap;

use axum::body::Body;
use http::{HeaderMap, Method, Response, StatusCode};
use serde::Serialize;

/// The counts so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Stats {
    /// Requests answered.
    pub requests: u64,
    /// Requests answered, by status code.
    pub by_status: BTreeMap<u16, u64>,
}

impl Stats {
    /// How many requests were answered with `status`.
    pub fn with_status(&self, status: u16) -> u64 {
        self.by_status.get(&status).copied().unwrap_or(0)
    }

    pub(crate) fn record(&mut self, status: StatusCode) {
        self.requests += 1;
        *self.by_status.entry(status.as_u16()).or_default() += 1;
    }
}

/// Whether `path` is the stats endpoint.
pub(crate) fn is_stats_path(path: &str) -> bool {
    path.strip_prefix("/api").unwrap_or(path) == "/__fake/stats"
}

/// The stats endpoint's answer: the counts for a `GET` with the fake's token.
pub(crate) fn answer(
    method: &Method,
    headers: &HeaderMap,
    token: &str,
    stats: Stats,
) -> Response<Body> {
    let expected = format!("Bearer {token}");
    if headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(&expected)
    {
        return crate::errors::unauthenticated("Unauthenticated.");
    }
    if method != Method::GET {
        return crate::errors::method_not_allowed(&["GET"]);
    }
    crate::errors::json(StatusCode::OK, &stats)
}
