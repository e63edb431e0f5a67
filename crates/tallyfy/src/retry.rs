//! The retry policy: [`RetryConfig`] and the pure function [`decide`] that says whether and when to try
//! a failed request again.
//!
//! The policy never does I/O and never reads the clock or a random number generator itself: the caller
//! passes the current time and a jitter value, so every rule is unit-tested directly.
//!
//! The rules:
//! - at most [`RetryConfig::max_retries`] retries (3 by default), so at most 4 attempts, and only
//!   while the client's shared [`RetryBudget`] can pay for them;
//! - 429 is retried for every method;
//! - 500, 502, 503 and 504, dropped connections and per-attempt timeouts are retried only for
//!   idempotent methods (GET, PUT, DELETE), never for POST (create guest, invite member), which might
//!   otherwise create twice;
//! - a connection that could not be established (the request never left) is retried for every method;
//! - the wait honours `Retry-After` (seconds or an HTTP date); a `Retry-After` longer than
//!   [`RetryConfig::max_retry_after`] is not waited for: the call gives up and the error carries the
//!   server's delay, so the caller can decide;
//! - otherwise the wait is full-jitter exponential backoff: a random duration between zero and
//!   `min(max_delay, base_delay × 2^retry)`.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

pub use crate::budget::RetryBudget;

/// How failed requests are retried. Used per request, below the paginator: a 429 on page 7 is retried
/// without ending the walk. The [`budget`](Self::budget) bounds the retries of all clones of a
/// client together.
///
/// ```
/// use std::time::Duration;
/// let retry = tallyfy::RetryConfig::default()
///     .max_retries(5)
///     .max_retry_after(Duration::from_secs(120));
/// assert_eq!(retry.max_retries, 5);
/// let never = tallyfy::RetryConfig::disabled();
/// assert_eq!(never.max_retries, 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Retries after the first attempt. Default 3.
    pub max_retries: u32,
    /// The backoff's starting ceiling. Default 250 ms.
    pub base_delay: Duration,
    /// The backoff's largest ceiling. Default 8 s.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits for; a longer one ends the call with
    /// [`Error::RateLimited`](crate::Error::RateLimited). Default 60 s.
    pub max_retry_after: Duration,
    /// The retries all clones of the client may make between successes (see [`RetryBudget`]).
    pub budget: RetryBudget,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            budget: RetryBudget::default(),
        }
    }
}

impl RetryConfig {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        Self::default().max_retries(0)
    }

    /// Sets [`max_retries`](Self::max_retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets [`base_delay`](Self::base_delay).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets [`max_delay`](Self::max_delay).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets [`max_retry_after`](Self::max_retry_after).
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Sets [`budget`](Self::budget).
    pub fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }
}

/// What happened to one attempt, as the policy sees it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// The server answered with a non-2xx status.
    Status {
        /// The status.
        status: StatusCode,
        /// The response headers (for `Retry-After`).
        headers: &'a HeaderMap,
    },
    /// No connection could be made (refused, DNS, TLS handshake): the request never left.
    ConnectFailed,
    /// The connection failed after the request may have been sent (reset, closed early, truncated
    /// body) or the attempt timed out.
    ConnectionLost,
}

/// The policy's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Stop and report the error.
    GiveUp,
}

/// Decides whether to retry after a failed attempt.
///
/// - `retries_so_far`: how many retries have already been made (0 after the first attempt);
/// - `method`: the request's method;
/// - `outcome`: what went wrong;
/// - `now`: the current time (to read a `Retry-After` HTTP date);
/// - `jitter`: a number in `[0, 1]`, normally random; the backoff is `jitter × ceiling`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use tallyfy::reqwest::{Method, StatusCode, header::HeaderMap};
/// use tallyfy::retry::{decide, Decision, Outcome};
///
/// let config = tallyfy::RetryConfig::default();
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", "2".parse().unwrap());
/// let outcome = Outcome::Status { status: StatusCode::TOO_MANY_REQUESTS, headers: &headers };
/// assert_eq!(
///     decide(&config, 0, &Method::POST, outcome, SystemTime::now(), 0.5),
///     Decision::RetryAfter(Duration::from_secs(2)),
/// );
/// let outcome = Outcome::Status { status: StatusCode::BAD_GATEWAY, headers: &HeaderMap::new() };
/// assert_eq!(decide(&config, 0, &Method::POST, outcome, SystemTime::now(), 0.5), Decision::GiveUp);
/// ```
pub fn decide(
    config: &RetryConfig,
    retries_so_far: u32,
    method: &Method,
    outcome: Outcome<'_>,
    now: SystemTime,
    jitter: f64,
) -> Decision {
    decide_for(
        config,
        retries_so_far,
        is_idempotent(method),
        outcome,
        now,
        jitter,
    )
}

/// [`decide`] for an operation whose idempotency is known (the client reads it from the spec's
/// operations table rather than from the method alone).
pub(crate) fn decide_for(
    config: &RetryConfig,
    retries_so_far: u32,
    idempotent: bool,
    outcome: Outcome<'_>,
    now: SystemTime,
    jitter: f64,
) -> Decision {
    if retries_so_far >= config.max_retries {
        return Decision::GiveUp;
    }
    let backoff = || Decision::RetryAfter(backoff(config, retries_so_far, jitter));
    match outcome {
        Outcome::ConnectFailed => backoff(),
        Outcome::ConnectionLost if idempotent => backoff(),
        Outcome::ConnectionLost => Decision::GiveUp,
        Outcome::Status { status, headers } => {
            let retryable = status == StatusCode::TOO_MANY_REQUESTS
                || (idempotent && matches!(status.as_u16(), 500 | 502 | 503 | 504));
            if !retryable {
                return Decision::GiveUp;
            }
            match retry_after(headers, now) {
                Some(wait) if wait > config.max_retry_after => Decision::GiveUp,
                Some(wait) => Decision::RetryAfter(wait),
                None => backoff(),
            }
        }
    }
}

/// GET, HEAD, PUT, DELETE, OPTIONS and TRACE: repeating them does not change the outcome.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// The full-jitter backoff for retry number `retries_so_far + 1`.
fn backoff(config: &RetryConfig, retries_so_far: u32, jitter: f64) -> Duration {
    let factor = 2u32.saturating_pow(retries_so_far.min(31));
    let ceiling = config
        .base_delay
        .saturating_mul(factor)
        .min(config.max_delay);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        1.0
    };
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * jitter)
        .unwrap_or(ceiling)
        .min(ceiling)
}

/// Reads `Retry-After` as a number of seconds or as an HTTP date (a date in the past means now).
/// Returns `None` when the header is missing or unreadable.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use tallyfy::reqwest::header::HeaderMap;
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let mut h = HeaderMap::new();
/// h.insert("retry-after", "Tue, 14 Nov 2023 22:13:30 GMT".parse().unwrap());
/// assert_eq!(tallyfy::retry::retry_after(&h, now), Some(Duration::from_secs(10)));
/// ```
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::try_from_secs_f64(secs).ok())
            .flatten();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_SECS: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECS)
    }

    fn status(code: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            headers,
        }
    }

    fn with_retry_after(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("retry-after", v.parse().unwrap());
        h
    }

    #[test]
    fn rate_limit_is_retried_for_every_method() {
        let c = RetryConfig::default();
        let h = HeaderMap::new();
        for m in [Method::GET, Method::PUT, Method::DELETE, Method::POST] {
            assert!(
                matches!(
                    decide(&c, 0, &m, status(429, &h), now(), 1.0),
                    Decision::RetryAfter(_)
                ),
                "{m}"
            );
        }
    }

    #[test]
    fn server_errors_are_retried_only_when_idempotent() {
        let c = RetryConfig::default();
        let h = HeaderMap::new();
        for code in [500, 502, 503, 504] {
            for m in [Method::GET, Method::PUT, Method::DELETE] {
                assert!(matches!(
                    decide(&c, 0, &m, status(code, &h), now(), 1.0),
                    Decision::RetryAfter(_)
                ));
            }
            assert_eq!(
                decide(&c, 0, &Method::POST, status(code, &h), now(), 1.0),
                Decision::GiveUp
            );
        }
        for code in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert_eq!(
                decide(&c, 0, &Method::GET, status(code, &h), now(), 1.0),
                Decision::GiveUp,
                "{code}"
            );
        }
    }

    #[test]
    fn connection_failures() {
        let c = RetryConfig::default();
        for m in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            assert!(matches!(
                decide(&c, 0, &m, Outcome::ConnectFailed, now(), 1.0),
                Decision::RetryAfter(_)
            ));
        }
        assert!(matches!(
            decide(&c, 0, &Method::GET, Outcome::ConnectionLost, now(), 1.0),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            decide(&c, 0, &Method::POST, Outcome::ConnectionLost, now(), 1.0),
            Decision::GiveUp
        );
    }

    #[test]
    fn attempts_are_bounded() {
        let c = RetryConfig::default();
        let h = HeaderMap::new();
        assert!(matches!(
            decide(&c, 2, &Method::GET, status(503, &h), now(), 1.0),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            decide(&c, 3, &Method::GET, status(503, &h), now(), 1.0),
            Decision::GiveUp
        );
        assert_eq!(
            decide(
                &RetryConfig::disabled(),
                0,
                &Method::GET,
                status(429, &h),
                now(),
                1.0
            ),
            Decision::GiveUp
        );
    }

    #[test]
    fn full_jitter_exponential_backoff() {
        let c = RetryConfig {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..RetryConfig::default()
        };
        let h = HeaderMap::new();
        let at = |retry, jitter| decide(&c, retry, &Method::GET, status(503, &h), now(), jitter);
        assert_eq!(at(0, 1.0), Decision::RetryAfter(Duration::from_millis(100)));
        assert_eq!(at(1, 1.0), Decision::RetryAfter(Duration::from_millis(200)));
        assert_eq!(at(2, 1.0), Decision::RetryAfter(Duration::from_millis(400)));
        assert_eq!(at(3, 1.0), Decision::RetryAfter(Duration::from_millis(800)));
        assert_eq!(
            at(4, 1.0),
            Decision::RetryAfter(Duration::from_millis(1000))
        );
        assert_eq!(
            at(9, 1.0),
            Decision::RetryAfter(Duration::from_millis(1000))
        );
        assert_eq!(at(2, 0.5), Decision::RetryAfter(Duration::from_millis(200)));
        assert_eq!(at(2, 0.0), Decision::RetryAfter(Duration::ZERO));
        // Out-of-range jitter is clamped rather than trusted.
        assert_eq!(at(0, 7.0), Decision::RetryAfter(Duration::from_millis(100)));
        assert_eq!(
            at(0, f64::NAN),
            Decision::RetryAfter(Duration::from_millis(100))
        );
        assert_eq!(at(0, -1.0), Decision::RetryAfter(Duration::ZERO));
        // Huge settings never panic.
        let huge = RetryConfig {
            max_retries: u32::MAX,
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            max_retry_after: Duration::MAX,
            budget: RetryBudget::unlimited(),
        };
        let h = HeaderMap::new();
        for retry in [0, 1, 64, u32::MAX - 1] {
            assert!(matches!(
                decide(&huge, retry, &Method::GET, status(503, &h), now(), 1.0),
                Decision::RetryAfter(_)
            ));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured() {
        let c = RetryConfig::default();
        let h = with_retry_after("5");
        assert_eq!(
            decide(&c, 0, &Method::GET, status(429, &h), now(), 0.0),
            Decision::RetryAfter(Duration::from_secs(5))
        );
        let date = httpdate::fmt_http_date(now() + Duration::from_secs(30));
        let h = with_retry_after(&date);
        assert_eq!(
            decide(&c, 0, &Method::POST, status(429, &h), now(), 0.0),
            Decision::RetryAfter(Duration::from_secs(30))
        );
        // A date in the past means "now".
        let date = httpdate::fmt_http_date(now() - Duration::from_secs(30));
        let h = with_retry_after(&date);
        assert_eq!(
            decide(&c, 0, &Method::GET, status(429, &h), now(), 0.0),
            Decision::RetryAfter(Duration::ZERO)
        );
        // 503 with Retry-After also honours it.
        let h = with_retry_after("2");
        assert_eq!(
            decide(&c, 0, &Method::GET, status(503, &h), now(), 0.0),
            Decision::RetryAfter(Duration::from_secs(2))
        );
    }

    #[test]
    fn retry_after_beyond_the_cap_gives_up() {
        let c = RetryConfig {
            max_retry_after: Duration::from_secs(10),
            ..RetryConfig::default()
        };
        let h = with_retry_after("3600");
        assert_eq!(
            decide(&c, 0, &Method::GET, status(429, &h), now(), 0.0),
            Decision::GiveUp
        );
        let h = with_retry_after("10");
        assert_eq!(
            decide(&c, 0, &Method::GET, status(429, &h), now(), 0.0),
            Decision::RetryAfter(Duration::from_secs(10))
        );
    }

    #[test]
    fn unreadable_retry_after_falls_back_to_backoff() {
        let c = RetryConfig::default();
        for v in ["soon", "-3", "", "NaN"] {
            let h = with_retry_after(v);
            assert_eq!(retry_after(&h, now()), None, "{v}");
            assert_eq!(
                decide(&c, 0, &Method::GET, status(429, &h), now(), 1.0),
                Decision::RetryAfter(c.base_delay)
            );
        }
        assert_eq!(
            retry_after(&with_retry_after("1.5"), now()),
            Some(Duration::from_millis(1500))
        );
    }
}
