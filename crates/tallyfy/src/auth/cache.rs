//! [`TokenCache`]: the current token of renewable credentials, and single-flight renewal.
//!
//! The token is read under a plain `RwLock` (no await) while it is fresh. When it is missing or due
//! for renewal, callers queue on an async mutex and the first one fetches; the others find the new
//! token when their turn comes. When that fetch fails, the callers that were already waiting get
//! the same error instead of asking again each, so a failing token endpoint sees one request per
//! wave of callers, not one per caller.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;
use tokio::time::Instant;

use crate::auth::renew_margin;
use crate::error::TokenError;
use crate::timeouts::later;

/// A token just fetched.
pub(crate) struct Fresh {
    /// `Bearer <token>`, marked sensitive.
    pub(crate) header: HeaderValue,
    pub(crate) expires_in: Option<Duration>,
    /// A refresh token, kept for the next renewal (password grant).
    pub(crate) refresh: Option<SecretString>,
}

/// The header an attempt is sent with (`Debug` shows the header as `Sensitive`).
#[derive(Clone, Debug)]
pub(crate) struct Bearer {
    pub(crate) header: HeaderValue,
    /// Which token this is, for [`TokenCache::invalidate`].
    pub(crate) generation: u64,
    /// Whether it was fetched for this very call (a 401 then says nothing about the cache).
    pub(crate) fresh: bool,
}

struct Current {
    header: HeaderValue,
    /// When to renew; `None`: when the API refuses it.
    renew_at: Option<Instant>,
    generation: u64,
}

/// What only the fetching caller touches.
#[derive(Default)]
pub(crate) struct Renewal {
    /// The refresh token of the last grant that gave one.
    pub(crate) refresh: Option<SecretString>,
    last_failure: Option<Arc<TokenError>>,
    generation: u64,
}

#[derive(Default)]
pub(crate) struct TokenCache {
    current: RwLock<Option<Current>>,
    renewal: tokio::sync::Mutex<Renewal>,
    /// Finished fetches, so that a waiter can tell that the fetch it waited for failed.
    finished: AtomicU64,
}

impl TokenCache {
    /// The current token if it is not due for renewal.
    fn valid(&self) -> Option<Bearer> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        let c = current.as_ref()?;
        if c.renew_at.is_some_and(|at| Instant::now() >= at) {
            return None;
        }
        Some(Bearer {
            header: c.header.clone(),
            generation: c.generation,
            fresh: false,
        })
    }

    /// The token to send: the current one, or one fetched with `fetch` (given the last refresh
    /// token) by exactly one of the callers that need it.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Bearer, Arc<TokenError>>
    where
        F: FnOnce(Option<SecretString>) -> Fut,
        Fut: Future<Output = Result<Fresh, Arc<TokenError>>>,
    {
        if let Some(bearer) = self.valid() {
            return Ok(bearer);
        }
        let seen = self.finished.load(Ordering::Acquire);
        let mut renewal = self.renewal.lock().await;
        if let Some(bearer) = self.valid() {
            return Ok(bearer);
        }
        if self.finished.load(Ordering::Acquire) != seen
            && let Some(failure) = &renewal.last_failure
        {
            return Err(failure.clone());
        }
        let asked_at = Instant::now();
        let result = fetch(renewal.refresh.clone()).await;
        self.finished.fetch_add(1, Ordering::Release);
        match result {
            Ok(fresh) => {
                renewal.last_failure = None;
                if fresh.refresh.is_some() {
                    renewal.refresh = fresh.refresh;
                }
                renewal.generation += 1;
                let generation = renewal.generation;
                // Counted from when the request was sent, so network time only makes it earlier.
                let renew_at = fresh
                    .expires_in
                    .map(|lifetime| later(asked_at, lifetime - renew_margin(lifetime)));
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Current {
                    header: fresh.header.clone(),
                    renew_at,
                    generation,
                });
                Ok(Bearer {
                    header: fresh.header,
                    generation,
                    fresh: true,
                })
            }
            Err(error) => {
                renewal.last_failure = Some(error.clone());
                Err(error)
            }
        }
    }

    /// Forgets token `generation` (the API refused it), unless it has been replaced already.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if current.as_ref().is_some_and(|c| c.generation == generation) {
            *current = None;
        }
    }

    /// How many tokens have been fetched.
    pub(crate) fn generation(&self) -> u64 {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map_or(0, |c| c.generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn fresh(n: usize, lifetime: Option<Duration>) -> Fresh {
        let mut header = HeaderValue::from_str(&format!("Bearer t{n}")).unwrap();
        header.set_sensitive(true);
        Fresh {
            header,
            expires_in: lifetime,
            refresh: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn many_callers_share_one_fetch_and_renew_before_expiry() {
        let cache = Arc::new(TokenCache::default());
        let fetches = Arc::new(AtomicUsize::new(0));
        let call = |cache: Arc<TokenCache>, fetches: Arc<AtomicUsize>| async move {
            cache
                .get(|_| async {
                    let n = fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(fresh(n, Some(Duration::from_secs(10))))
                })
                .await
                .unwrap()
        };
        let all: Vec<_> = (0..64)
            .map(|_| tokio::spawn(call(cache.clone(), fetches.clone())))
            .collect();
        for task in all {
            assert_eq!(task.await.unwrap().header, "Bearer t0");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // 10 s lifetime: renewed from 9 s after the request was sent.
        tokio::time::sleep(Duration::from_millis(8_900)).await;
        assert_eq!(
            call(cache.clone(), fetches.clone()).await.header,
            "Bearer t0"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            call(cache.clone(), fetches.clone()).await.header,
            "Bearer t1"
        );
        assert_eq!(cache.generation(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_share_a_failure_and_the_next_caller_asks_again() {
        let cache = Arc::new(TokenCache::default());
        let fetches = Arc::new(AtomicUsize::new(0));
        let all: Vec<_> = (0..16)
            .map(|_| {
                let (cache, fetches) = (cache.clone(), fetches.clone());
                tokio::spawn(async move {
                    cache
                        .get(|_| async {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Err(Arc::new(TokenError::Unusable {
                                flow: crate::error::Flow::ClientCredentials,
                            }))
                        })
                        .await
                })
            })
            .collect();
        for task in all {
            assert!(matches!(
                *task.await.unwrap().unwrap_err(),
                TokenError::Unusable { .. }
            ));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        let again = cache.get(|_| async { Ok(fresh(9, None)) }).await.unwrap();
        assert!(again.fresh);
        assert_eq!(again.header, "Bearer t9");
    }

    #[tokio::test]
    async fn invalidate_forgets_only_the_token_it_names() {
        let cache = TokenCache::default();
        let first = cache.get(|_| async { Ok(fresh(1, None)) }).await.unwrap();
        cache.invalidate(first.generation + 1);
        assert!(
            !cache
                .get(|_| async { Ok(fresh(2, None)) })
                .await
                .unwrap()
                .fresh
        );
        cache.invalidate(first.generation);
        let second = cache.get(|_| async { Ok(fresh(2, None)) }).await.unwrap();
        assert!(second.fresh);
        assert_eq!(second.header, "Bearer t2");
    }
}
