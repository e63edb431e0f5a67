//! Client-side pacing: every clone of a [`Client`](crate::Client) shares one budget of requests
//! per rolling window, so that a job with many tasks stays under Tallyfy's rate limit instead of
//! running into 429s and backing off task by task.
//!
//! Tallyfy allows 600 requests per minute per user, on a rolling one-minute window
//! ([`RateLimit::DOCUMENTED`], the default). Before each attempt (retries included) a call takes
//! the next free slot: the budget's first requests go at once, and the one after is held until the
//! oldest of them is a window (plus a small margin for the trip to the server) in the past, so
//! that no rolling window ever holds more than the budget. The server's word wins: a response with
//! `X-RateLimit-Remaining: 0`, or a 429 whose `Retry-After` the client will wait for
//! ([`RetryConfig::max_retry_after`](crate::RetryConfig::max_retry_after)), holds every call of the
//! client until then, rather than each retrying on its own. A longer `Retry-After` (an hourly cap's)
//! holds nothing: that call ends with [`Error::RateLimited`](crate::Error::RateLimited) and its wait.
//!
//! Time spent waiting here does not count against [`Timeouts::total`](crate::Timeouts::total). Each
//! wait is a `tracing` event with target `tallyfy::pacing`, the operation, `wait_ms` and why: at
//! DEBUG for the budget, at INFO when the server asked for it.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::time::Instant;

use crate::error::ConfigError;
use crate::timeouts::later;

/// The header that says how many requests are left in the server's window.
pub const REMAINING_HEADER: &str = "x-ratelimit-remaining";

/// A budget of `requests` per rolling window of `per`.
///
/// ```
/// use std::time::Duration;
/// use tallyfy::RateLimit;
/// let limit: RateLimit = "50/1s".parse().unwrap();
/// assert_eq!(limit, RateLimit::new(50, Duration::from_secs(1)).unwrap());
/// assert_eq!(limit.to_string(), "50/1s");
/// assert_eq!(RateLimit::DOCUMENTED.to_string(), "600/60s");
/// assert!("0/1s".parse::<RateLimit>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    requests: u32,
    per: Duration,
}

impl RateLimit {
    /// Tallyfy's documented limit: 600 requests per rolling minute.
    pub const DOCUMENTED: Self = Self {
        requests: 600,
        per: Duration::from_secs(60),
    };

    /// `requests` (at least 1) per `per` (longer than zero).
    ///
    /// # Errors
    /// [`ConfigError::InvalidSetting`] for 0 requests or an empty window.
    pub fn new(requests: u32, per: Duration) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidSetting {
            name: "rate_limit",
            reason: reason.into(),
        };
        if requests == 0 {
            return Err(invalid("must allow at least one request"));
        }
        if per.is_zero() {
            return Err(invalid("the window must be longer than zero"));
        }
        Ok(Self { requests, per })
    }

    /// Requests per window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn per(&self) -> Duration {
        self.per
    }

    /// The setting as [`from_env`](crate::Client::from_env) and the CLI read it: `N/W` with `W`
    /// in `ms`, `s`, `m` or `h` (`600/60s`, `50/1s`), or `off` for no pacing (`None`).
    ///
    /// ```
    /// use tallyfy::RateLimit;
    /// assert_eq!(RateLimit::parse_setting("off").unwrap(), None);
    /// assert_eq!(RateLimit::parse_setting("600/1m").unwrap(), Some(RateLimit::DOCUMENTED));
    /// assert!(RateLimit::parse_setting("fast").is_err());
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::InvalidSetting`], saying what was expected.
    pub fn parse_setting(text: &str) -> Result<Option<Self>, ConfigError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        text.parse().map(Some)
    }

    /// The window the client keeps: the server's, plus a margin for the time a request takes to
    /// reach it (a fiftieth of the window, from 20 ms to a second).
    fn kept_window(&self) -> Duration {
        self.per + (self.per / 50).clamp(Duration::from_millis(20), Duration::from_secs(1))
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::DOCUMENTED
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.per.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{}/{}s", self.requests, ms / 1000)
        } else {
            write!(f, "{}/{ms}ms", self.requests)
        }
    }
}

impl FromStr for RateLimit {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || ConfigError::InvalidSetting {
            name: "rate_limit",
            reason: format!(
                "{text:?} is not N/W (requests per window, such as 600/60s or 50/1s) or off"
            ),
        };
        let (n, window) = text.trim().split_once('/').ok_or_else(invalid)?;
        let requests: u32 = n.trim().parse().map_err(|_| invalid())?;
        let window = window.trim();
        let digits = window
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        let (amount, unit) = window.split_at(digits);
        let amount: u64 = amount.parse().map_err(|_| invalid())?;
        let per = match unit {
            "ms" => Duration::from_millis(amount),
            "s" => Duration::from_secs(amount),
            "m" | "min" => Duration::from_secs(amount.saturating_mul(60)),
            "h" => Duration::from_secs(amount.saturating_mul(3600)),
            _ => return Err(invalid()),
        };
        Self::new(requests, per)
    }
}

/// Why a call waited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    /// The client's own budget was spent.
    Budget,
    /// The server said to wait (`X-RateLimit-Remaining: 0`, or a 429's `Retry-After`).
    Server,
}

/// The slots taken, and any hold the server asked for.
#[derive(Debug, Default)]
struct Window {
    /// The start of each of the last `requests` slots, in order.
    granted: VecDeque<Instant>,
    /// No slot starts before this.
    hold_until: Option<Instant>,
}

impl Window {
    /// Takes the first slot at or after `now`: when it starts, and why it is later than `now`.
    fn reserve(&mut self, limit: RateLimit, now: Instant) -> (Instant, Option<Reason>) {
        // Slots a whole window old constrain nothing; the log holds at most one window's worth.
        while self
            .granted
            .front()
            .is_some_and(|&t| later(t, limit.kept_window()) <= now)
        {
            self.granted.pop_front();
        }
        let (at, reason) = self.next_slot(limit, now);
        self.granted.push_back(at);
        while self.granted.len() > limit.requests as usize {
            self.granted.pop_front();
        }
        (at, reason)
    }

    /// When a slot taken at `now` would start, without taking it.
    fn next_slot(&self, limit: RateLimit, now: Instant) -> (Instant, Option<Reason>) {
        let mut at = now;
        let mut reason = None;
        if let Some(hold) = self.hold_until.filter(|&h| h > at) {
            at = hold;
            reason = Some(Reason::Server);
        }
        let n = limit.requests as usize;
        if self.granted.len() >= n {
            let free = later(self.granted[self.granted.len() - n], limit.kept_window());
            if free > at {
                at = free;
                reason = Some(Reason::Budget);
            }
        }
        // Slots stay in order, so that the one `requests` back is always the oldest that counts.
        if let Some(&last) = self.granted.back()
            && last > at
        {
            at = last;
        }
        (at, reason)
    }

    /// Holds every slot until `until` (a later hold wins).
    fn hold(&mut self, until: Instant) {
        self.hold_until = Some(self.hold_until.map_or(until, |h| h.max(until)));
    }
}

/// The shared pacing of one client and its clones.
#[derive(Debug)]
pub(crate) struct Pacer {
    limit: RateLimit,
    window: Mutex<Window>,
    /// Calls waiting for a slot now.
    waiting: AtomicUsize,
}

/// What the pacing is doing, from [`Client::rate_limit_status`](crate::Client::rate_limit_status).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitStatus {
    /// The client's budget (`None`: pacing is off).
    pub limit: Option<RateLimit>,
    /// Calls waiting for a slot now.
    pub waiting: usize,
    /// How long a call made now would wait.
    pub next_slot_in: Duration,
}

impl Pacer {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            window: Mutex::new(Window::default()),
            waiting: AtomicUsize::new(0),
        }
    }

    fn window(&self) -> std::sync::MutexGuard<'_, Window> {
        // A panic while the lock is held leaves the slots consistent (each change is one step).
        self.window
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes this attempt's slot: `None` when it starts now, else the wait for it (traced here).
    /// Synchronous, so that a call that does not wait carries no timer in its future.
    pub(crate) fn reserve(&self, operation: &'static str) -> Option<Wait<'_>> {
        let now = Instant::now();
        let (at, reason) = self.window().reserve(self.limit, now);
        let reason = reason.filter(|_| at > now)?;
        let wait_ms = (at - now).as_millis() as u64;
        match reason {
            Reason::Budget => tracing::debug!(
                target: "tallyfy::pacing",
                operation,
                wait_ms,
                limit = %self.limit,
                "waiting for the client's rate limit budget"
            ),
            Reason::Server => tracing::info!(
                target: "tallyfy::pacing",
                operation,
                wait_ms,
                "waiting because the server said the rate limit is reached"
            ),
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        Some(Wait {
            at,
            wait: at - now,
            _counted: Decrement(&self.waiting),
        })
    }

    /// Reads what a response says about the server's window: `X-RateLimit-Remaining: 0` holds
    /// every call until the client's oldest slot leaves the window (a window from now when it has
    /// none); a 429 with a `Retry-After` of at most `max_hold` holds them for that long.
    pub(crate) fn observe(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        retry_after: Option<Duration>,
        max_hold: Duration,
    ) {
        let now = Instant::now();
        if status == StatusCode::TOO_MANY_REQUESTS
            && let Some(wait) = retry_after.filter(|w| *w <= max_hold)
        {
            self.window().hold(later(now, wait));
            return;
        }
        let exhausted = headers
            .get(REMAINING_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            == Some(0);
        if exhausted {
            let mut window = self.window();
            let oldest = window
                .granted
                .iter()
                .copied()
                .find(|&t| later(t, self.limit.per) > now)
                .unwrap_or(now);
            window.hold(later(oldest, self.limit.kept_window()));
        }
    }

    pub(crate) fn status(&self) -> RateLimitStatus {
        let now = Instant::now();
        let (at, _) = self.window().next_slot(self.limit, now);
        RateLimitStatus {
            limit: Some(self.limit),
            waiting: self.waiting.load(Ordering::Relaxed),
            next_slot_in: at.saturating_duration_since(now),
        }
    }
}

/// A slot that starts later: [`sleep`](Self::sleep) until it does.
pub(crate) struct Wait<'a> {
    at: Instant,
    wait: Duration,
    _counted: Decrement<'a>,
}

impl Wait<'_> {
    /// Sleeps until the slot starts; returns how long that was.
    pub(crate) async fn sleep(self) -> Duration {
        tokio::time::sleep_until(self.at).await;
        self.wait
    }
}

/// Counts a waiting call down when its wait ends or is cancelled.
struct Decrement<'a>(&'a AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn limit(n: u32, ms: u64) -> RateLimit {
        RateLimit::new(n, Duration::from_millis(ms)).unwrap()
    }

    /// The most slots any rolling window of `per` (half-open, as the server counts) holds.
    fn busiest(slots: &[Instant], per: Duration) -> usize {
        slots
            .iter()
            .map(|&end| slots.iter().filter(|&&t| t <= end && end - t < per).count())
            .max()
            .unwrap_or(0)
    }

    proptest! {
        /// Whatever the arrivals and the server's holds, no rolling window of the server's length
        /// ever gets more slots than the budget, and no slot starts before it was asked for or
        /// before a hold ends.
        #[test]
        fn no_rolling_window_goes_over_the_budget(
            n in 1u32..12,
            per_ms in 1u64..2_000,
            steps in prop::collection::vec((0u64..400, prop::option::weighted(0.1, 0u64..3_000)), 1..120),
        ) {
            let limit = limit(n, per_ms);
            let mut w = Window::default();
            let start = Instant::now();
            let mut now = start;
            let mut slots = Vec::new();
            let mut held_until = start;
            for (advance_ms, hold_ms) in steps {
                now += Duration::from_millis(advance_ms);
                if let Some(h) = hold_ms {
                    held_until = held_until.max(now + Duration::from_millis(h));
                    w.hold(now + Duration::from_millis(h));
                }
                let (at, _) = w.reserve(limit, now);
                prop_assert!(at >= now && at >= held_until);
                slots.push(at);
            }
            prop_assert!(busiest(&slots, limit.per()) <= n as usize);
        }
    }

    #[test]
    fn the_budget_goes_at_once_then_the_window_paces() {
        let limit = limit(3, 1000);
        let mut w = Window::default();
        let t0 = Instant::now();
        let got: Vec<_> = (0..7).map(|_| w.reserve(limit, t0)).collect();
        let offsets: Vec<u64> = got
            .iter()
            .map(|(at, _)| (*at - t0).as_millis() as u64)
            .collect();
        // A window of 1,000 ms is kept as 1,020 ms.
        assert_eq!(offsets, [0, 0, 0, 1020, 1020, 1020, 2040]);
        assert_eq!(got[0].1, None);
        assert_eq!(got[3].1, Some(Reason::Budget));
    }

    #[test]
    fn a_hold_delays_every_slot_and_says_why() {
        let limit = limit(100, 1000);
        let mut w = Window::default();
        let t0 = Instant::now();
        w.hold(t0 + Duration::from_secs(2));
        w.hold(t0 + Duration::from_secs(1));
        let (at, why) = w.reserve(limit, t0);
        assert_eq!(
            (at - t0, why),
            (Duration::from_secs(2), Some(Reason::Server))
        );
        let (at, why) = w.reserve(limit, t0 + Duration::from_secs(3));
        assert_eq!((at - t0, why), (Duration::from_secs(3), None));
    }

    #[test]
    fn settings_parse_and_refuse_clearly() {
        for (text, n, per) in [
            ("600/60s", 600, Duration::from_secs(60)),
            (" 50 / 1s ", 50, Duration::from_secs(1)),
            ("10/250ms", 10, Duration::from_millis(250)),
            ("30/1h", 30, Duration::from_secs(3600)),
            ("5/2min", 5, Duration::from_secs(120)),
        ] {
            assert_eq!(
                RateLimit::parse_setting(text).unwrap(),
                Some(limit_of(n, per)),
                "{text}"
            );
        }
        for bad in [
            "", "600", "600/", "/60s", "600/60", "600/60x", "-1/1s", "0/1s", "5/0s",
        ] {
            let e = RateLimit::parse_setting(bad).unwrap_err();
            assert!(e.to_string().contains("rate_limit"), "{bad}: {e}");
        }
        assert_eq!(limit(10, 250).to_string(), "10/250ms");
    }

    fn limit_of(n: u32, per: Duration) -> RateLimit {
        RateLimit::new(n, per).unwrap()
    }
}
