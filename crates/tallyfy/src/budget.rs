//! The retry budget: [`RetryBudget`] (its settings) and the shared token bucket behind it.
//!
//! Every clone of a [`Client`](crate::Client) draws retries from one bucket. A retry takes
//! [`retry_cost`](RetryBudget::retry_cost) tokens ([`timeout_cost`](RetryBudget::timeout_cost) after
//! a lost connection or a timed-out attempt, which cost the server more), and every call that
//! succeeds puts [`success_refund`](RetryBudget::success_refund) back, up to the
//! [`capacity`](RetryBudget::capacity). When the bucket cannot pay for a retry, the call gives up at
//! once with the error it has. So during an outage a walk with `concurrency(8)`, or many tasks
//! sharing one client, make a bounded number of retries in all, instead of each multiplying the load
//! by `max_retries + 1`; a healthy client, which succeeds far more often than it retries, never runs
//! dry. This is the model of aws-sdk-rust's standard retry quota.

use std::sync::atomic::{AtomicU32, Ordering};

/// How many retries all clones of a client may make between successes. Part of
/// [`RetryConfig`](crate::RetryConfig).
///
/// ```
/// let budget = tallyfy::RetryBudget::default().capacity(50).retry_cost(5);
/// assert_eq!(budget.capacity, 50);
/// let retry = tallyfy::RetryConfig::default().budget(budget);
/// # let _ = retry;
/// // No limit across calls (each call still stops at `max_retries`):
/// let _ = tallyfy::RetryBudget::unlimited();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// Tokens in a full bucket (the bucket starts full). Default 500.
    pub capacity: u32,
    /// Tokens a retry after an error status (429, 5xx) or a failed connect takes. Default 5.
    pub retry_cost: u32,
    /// Tokens a retry after a lost connection or a timed-out attempt takes. Default 10.
    pub timeout_cost: u32,
    /// Tokens a successful call puts back. Default 1.
    pub success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        }
    }
}

impl RetryBudget {
    /// A budget that never runs out: retries are limited per call only.
    pub fn unlimited() -> Self {
        Self {
            capacity: u32::MAX,
            retry_cost: 0,
            timeout_cost: 0,
            success_refund: 0,
        }
    }

    /// Sets [`capacity`](Self::capacity).
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// Sets [`retry_cost`](Self::retry_cost).
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// Sets [`timeout_cost`](Self::timeout_cost).
    pub fn timeout_cost(mut self, tokens: u32) -> Self {
        self.timeout_cost = tokens;
        self
    }

    /// Sets [`success_refund`](Self::success_refund).
    pub fn success_refund(mut self, tokens: u32) -> Self {
        self.success_refund = tokens;
        self
    }
}

/// The bucket itself, one per built client, shared by its clones.
#[derive(Debug)]
pub(crate) struct Bucket {
    settings: RetryBudget,
    tokens: AtomicU32,
}

impl Bucket {
    pub(crate) fn new(settings: RetryBudget) -> Self {
        Self {
            settings,
            tokens: AtomicU32::new(settings.capacity),
        }
    }

    /// Takes the price of one retry; `false` (and nothing taken) when the bucket cannot pay it.
    pub(crate) fn withdraw(&self, after_timeout: bool) -> bool {
        let cost = if after_timeout {
            self.settings.timeout_cost
        } else {
            self.settings.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Puts back what a successful call earns, up to the capacity.
    pub(crate) fn refund(&self) {
        let (refund, capacity) = (self.settings.success_refund, self.settings.capacity);
        if refund == 0 {
            return;
        }
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < capacity).then(|| t.saturating_add(refund).min(capacity))
            });
    }

    /// Tokens left.
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_paid_for_and_successes_refill_up_to_the_capacity() {
        let bucket = Bucket::new(
            RetryBudget::default()
                .capacity(12)
                .retry_cost(5)
                .timeout_cost(10),
        );
        assert!(bucket.withdraw(false));
        assert_eq!(bucket.available(), 7);
        assert!(!bucket.withdraw(true), "a timeout retry costs 10");
        assert_eq!(bucket.available(), 7, "a refused withdrawal takes nothing");
        assert!(bucket.withdraw(false));
        assert!(!bucket.withdraw(false));
        for _ in 0..20 {
            bucket.refund();
        }
        assert_eq!(bucket.available(), 12);
    }

    #[test]
    fn an_unlimited_budget_never_refuses() {
        let bucket = Bucket::new(RetryBudget::unlimited());
        for after_timeout in [false, true].repeat(1000) {
            assert!(bucket.withdraw(after_timeout));
        }
    }
}
