//! Remembering which events were handled: [`SeenStore`], the trait a service implements to keep
//! the keys in its own database, and [`MemorySeen`], a bounded, time-limited set in memory.
//!
//! An in-memory set forgets on restart and is not shared between replicas; it is enough for one
//! process, and for tests. Across restarts or replicas, implement [`SeenStore`] with an insert
//! that fails on a duplicate key (a unique index), so that two replicas cannot both take the
//! same event.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::BoxError;

/// The future [`SeenStore::first_time`] returns.
pub type SeenFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, BoxError>> + Send + 'a>>;

/// Records dedupe keys ([`Event::dedupe_key`](super::Event::dedupe_key)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use tallyfy::webhooks::{MemorySeen, SeenStore};
/// let seen = MemorySeen::default();
/// assert!(seen.first_time("task.completed:t1:2025-10-02T14:30:00Z").await.unwrap());
/// assert!(!seen.first_time("task.completed:t1:2025-10-02T14:30:00Z").await.unwrap());
/// # }
/// ```
pub trait SeenStore: Send + Sync {
    /// Records `key`; `true` when it was not recorded before (handle the event), `false` for a
    /// duplicate (answer 2xx and skip it). Must be atomic: of two concurrent calls with one key,
    /// only one may get `true`.
    fn first_time<'a>(&'a self, key: &'a str) -> SeenFuture<'a>;
}

/// A bounded, time-limited seen-set in memory: a key is remembered for `ttl` (default 24 hours)
/// and at most `capacity` keys (default 100,000) are kept, the oldest forgotten first.
///
/// ```
/// use std::time::Duration;
/// let seen = tallyfy::webhooks::MemorySeen::new(10_000, Duration::from_secs(3600));
/// assert_eq!(seen.len(), 0);
/// ```
#[derive(Debug)]
pub struct MemorySeen {
    capacity: usize,
    ttl: Duration,
    inner: Mutex<Keys>,
}

#[derive(Debug, Default)]
struct Keys {
    /// Key to when it was recorded.
    at: HashMap<String, Instant>,
    /// Keys in the order they were recorded.
    order: VecDeque<(Instant, String)>,
}

impl Keys {
    fn forget_oldest(&mut self) {
        if let Some((at, old)) = self.order.pop_front()
            && self.at.get(&old) == Some(&at)
        {
            self.at.remove(&old);
        }
    }
}

impl Default for MemorySeen {
    fn default() -> Self {
        Self::new(100_000, Duration::from_secs(24 * 3600))
    }
}

impl MemorySeen {
    /// A set of at most `capacity` keys (at least 1), each kept for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            ttl,
            inner: Mutex::new(Keys::default()),
        }
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.lock().at.len()
    }

    /// Whether no key is remembered.
    ///
    /// ```
    /// assert!(tallyfy::webhooks::MemorySeen::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Keys> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// [`SeenStore::first_time`] at a given instant (the trait method uses now).
    fn record(&self, key: &str, now: Instant) -> bool {
        let mut keys = self.lock();
        // Forget what expired (the order is oldest first).
        while let Some((at, _)) = keys.order.front() {
            if now.saturating_duration_since(*at) < self.ttl {
                break;
            }
            keys.forget_oldest();
        }
        if keys.at.contains_key(key) {
            return false;
        }
        while keys.at.len() >= self.capacity {
            keys.forget_oldest();
        }
        keys.at.insert(key.to_owned(), now);
        keys.order.push_back((now, key.to_owned()));
        true
    }
}

impl SeenStore for MemorySeen {
    fn first_time<'a>(&'a self, key: &'a str) -> SeenFuture<'a> {
        let first = self.record(key, Instant::now());
        Box::pin(async move { Ok(first) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_expire_and_the_oldest_go_first_beyond_capacity() {
        let seen = MemorySeen::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(seen.record("a", t0));
        assert!(!seen.record("a", t0 + Duration::from_secs(9)));
        assert!(seen.record("a", t0 + Duration::from_secs(10)), "expired");
        assert!(seen.record("b", t0 + Duration::from_secs(11)));
        assert!(seen.record("c", t0 + Duration::from_secs(12)));
        assert_eq!(seen.len(), 2);
        // `a` was the oldest: forgotten to make room.
        assert!(seen.record("a", t0 + Duration::from_secs(13)));
        assert!(!seen.record("c", t0 + Duration::from_secs(13)));
    }
}
