//! Tallyfy's rate limits, enforced when asked (off by default, so that tests stay fast).
//!
//! As `guides/troubleshooting.md` and `api-overview.md` document them:
//! - each token may make `requests` requests in any rolling window of `window` (Tallyfy: 600 in
//!   60 seconds, per user); a refused request does not count;
//! - per organization and rolling hour, at most 30 guest invites (`create_guest`) and 120 posted
//!   comments (a comment or a problem on a task, process or template); only accepted ones count.
//!
//! A refusal is a 429 with the documented body (`"code": "RATE_LIMIT_EXCEEDED"`) and
//! `Retry-After` in whole seconds, rounded up: when the oldest counted request leaves the window.
//! Once limits are on, every API response carries `X-RateLimit-Remaining`: what is left of the
//! token's window after this request.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use http::{HeaderValue, Response, StatusCode};

use crate::sync::lock;

/// The hourly caps per organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HourlyCaps {
    /// Guests added (`create_guest`) per rolling hour.
    pub guest_invites: u32,
    /// Comments and problems posted per rolling hour.
    pub comments: u32,
}

impl HourlyCaps {
    /// Tallyfy's: 30 guest invites and 120 comments an hour.
    pub const DOCUMENTED: Self = Self {
        guest_invites: 30,
        comments: 120,
    };

    /// Caps of `guest_invites` and `comments` an hour.
    pub fn new(guest_invites: u32, comments: u32) -> Self {
        Self {
            guest_invites,
            comments,
        }
    }
}

/// What the fake enforces: a per-token window, hourly caps, or both.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Limits {
    /// Requests per window, per token.
    pub per_token: Option<(u32, Duration)>,
    pub hourly: Option<HourlyCaps>,
}

/// An action the hourly caps count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Capped {
    GuestInvite,
    Comment,
}

const HOUR: Duration = Duration::from_secs(3600);

/// The counters behind [`Limits`].
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    limits: Limits,
    /// When each counted request of a token was admitted, oldest first.
    windows: Mutex<HashMap<String, VecDeque<Instant>>>,
    invites: Mutex<VecDeque<Instant>>,
    comments: Mutex<VecDeque<Instant>>,
}

/// A 429 to answer instead.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub retry_after: Duration,
    pub message: String,
}

impl Limiter {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Whether any limit is on (and so whether responses carry `X-RateLimit-Remaining`).
    pub(crate) fn is_on(&self) -> bool {
        self.limits.per_token.is_some() || self.limits.hourly.is_some()
    }

    /// Counts one request of `token` at `now`: what is left of its window, or the refusal.
    /// `None` when there is no per-token limit.
    pub(crate) fn admit(&self, token: &str, now: Instant) -> Result<Option<u32>, Refused> {
        let Some((requests, window)) = self.limits.per_token else {
            return Ok(None);
        };
        let mut windows = lock(&self.windows);
        let log = windows.entry(token.to_owned()).or_default();
        expire(log, now, window);
        if log.len() >= requests as usize {
            return Err(Refused {
                retry_after: until_free(log, now, window),
                message: format!(
                    "You've reached the limit for API requests ({requests} per {} seconds per \
                     user). Please try again later.",
                    window.as_secs_f64()
                ),
            });
        }
        log.push_back(now);
        Ok(Some(requests - log.len() as u32))
    }

    /// Whether one more `action` fits in the organization's hour.
    pub(crate) fn check_cap(&self, action: Capped, now: Instant) -> Result<(), Refused> {
        let Some(caps) = self.limits.hourly else {
            return Ok(());
        };
        let (cap, name, log) = self.cap(action, caps);
        let mut log = lock(log);
        expire(&mut log, now, HOUR);
        if log.len() >= cap as usize {
            return Err(Refused {
                retry_after: until_free(&log, now, HOUR),
                message: format!(
                    "You've reached the hourly limit for {name} ({cap} per hour per \
                     organization). Please try again later."
                ),
            });
        }
        Ok(())
    }

    /// Counts one accepted `action`.
    pub(crate) fn record_cap(&self, action: Capped, now: Instant) {
        if let Some(caps) = self.limits.hourly {
            lock(self.cap(action, caps).2).push_back(now);
        }
    }

    fn cap(&self, action: Capped, caps: HourlyCaps) -> (u32, &str, &Mutex<VecDeque<Instant>>) {
        match action {
            Capped::GuestInvite => (caps.guest_invites, "Guest Invite", &self.invites),
            Capped::Comment => (caps.comments, "Comments", &self.comments),
        }
    }
}

/// Drops what has left the window ending at `now`.
fn expire(log: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while log
        .front()
        .is_some_and(|&t| now.saturating_duration_since(t) >= window)
    {
        log.pop_front();
    }
}

/// How long until the oldest entry leaves the window, in whole seconds rounded up (at least 1).
fn until_free(log: &VecDeque<Instant>, now: Instant, window: Duration) -> Duration {
    let wait = log.front().map_or(Duration::ZERO, |&t| {
        (t + window).saturating_duration_since(now)
    });
    Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        .max(Duration::from_secs(1))
}

/// The documented 429.
pub(crate) fn too_many(refused: &Refused) -> Response<Body> {
    let body = serde_json::json!({"message": refused.message, "code": "RATE_LIMIT_EXCEEDED"});
    let mut res = crate::errors::json(StatusCode::TOO_MANY_REQUESTS, &body);
    res.headers_mut().insert(
        http::header::RETRY_AFTER,
        HeaderValue::from(refused.retry_after.as_secs()),
    );
    res
}

/// Sets `X-RateLimit-Remaining`.
pub(crate) fn set_remaining(res: &mut Response<Body>, remaining: u32) {
    res.headers_mut()
        .insert("x-ratelimit-remaining", HeaderValue::from(remaining));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(requests: u32, window_ms: u64) -> Limiter {
        Limiter::new(Limits {
            per_token: Some((requests, Duration::from_millis(window_ms))),
            hourly: Some(HourlyCaps::new(2, 1)),
        })
    }

    #[test]
    fn a_rolling_window_admits_its_budget_and_frees_as_the_oldest_leaves() {
        let l = limiter(3, 1000);
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        assert_eq!(l.admit("a", ms(0)), Ok(Some(2)));
        assert_eq!(l.admit("a", ms(400)), Ok(Some(1)));
        assert_eq!(l.admit("a", ms(800)), Ok(Some(0)));
        let refused = l.admit("a", ms(900)).unwrap_err();
        assert_eq!(
            refused.retry_after,
            Duration::from_secs(1),
            "100 ms, rounded up"
        );
        // Another token has its own window; a refusal did not count.
        assert_eq!(l.admit("b", ms(900)), Ok(Some(2)));
        assert_eq!(
            l.admit("a", ms(1000)),
            Ok(Some(0)),
            "the first left the window"
        );
        assert!(l.admit("a", ms(1399)).is_err());
        assert_eq!(l.admit("a", ms(1400)), Ok(Some(0)));
    }

    #[test]
    fn hourly_caps_count_only_what_was_recorded() {
        let l = limiter(100, 1000);
        let t0 = Instant::now();
        for _ in 0..2 {
            l.check_cap(Capped::GuestInvite, t0).unwrap();
            l.record_cap(Capped::GuestInvite, t0);
        }
        let refused = l.check_cap(Capped::GuestInvite, t0).unwrap_err();
        assert_eq!(refused.retry_after, HOUR);
        assert!(
            refused.message.contains("Guest Invite (2 per hour"),
            "{}",
            refused.message
        );
        l.check_cap(Capped::Comment, t0).unwrap();
        assert!(l.check_cap(Capped::GuestInvite, t0 + HOUR).is_ok());
    }
}
