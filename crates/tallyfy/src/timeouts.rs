//! [`Timeouts`]: how long a [`Client`](crate::Client) waits, per connection, attempt and call.

use std::time::Duration;

/// How long the client waits.
///
/// ```
/// use std::time::Duration;
/// let t = tallyfy::Timeouts::default().per_attempt(Duration::from_secs(10));
/// assert_eq!(t.connect, Duration::from_secs(10));
/// assert_eq!(t.per_attempt, Duration::from_secs(10));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a connection (TCP and TLS). Default 10 s.
    pub connect: Duration,
    /// One attempt: sending the request and reading the whole response. Default 30 s.
    pub per_attempt: Duration,
    /// One call, every retry and wait included. Default 120 s.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            per_attempt: Duration::from_secs(30),
            total: Duration::from_secs(120),
        }
    }
}

impl Timeouts {
    /// Sets [`connect`](Self::connect).
    pub fn connect(mut self, timeout: Duration) -> Self {
        self.connect = timeout;
        self
    }

    /// Sets [`per_attempt`](Self::per_attempt).
    pub fn per_attempt(mut self, timeout: Duration) -> Self {
        self.per_attempt = timeout;
        self
    }

    /// Sets [`total`](Self::total).
    pub fn total(mut self, timeout: Duration) -> Self {
        self.total = timeout;
        self
    }
}

/// `at + d`, saturating at about thirty years from `at` (a huge configured duration never panics).
pub(crate) fn later(at: tokio::time::Instant, d: std::time::Duration) -> tokio::time::Instant {
    const FAR: std::time::Duration = std::time::Duration::from_secs(30 * 365 * 86_400);
    at.checked_add(d.min(FAR)).unwrap_or(at)
}
