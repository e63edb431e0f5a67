//! [`Client`]: the handle services keep. Cheap to clone (one `Arc`), `Send + Sync`, one connection
//! pool shared by every clone.

use std::fmt;
use std::sync::Arc;

use crate::auth::{Credentials, Redacted, Renewing};
use crate::retry::RetryConfig;
use crate::timeouts::Timeouts;

/// A Tallyfy API client for one organization.
///
/// Build it with [`Client::builder`] or [`Client::from_env`], then reach the operations through
/// [`guests`](Self::guests) and [`members`](Self::members). Clones share the connection pool and the
/// configuration.
///
/// ```no_run
/// # async fn run() -> tallyfy::Result<()> {
/// let client = tallyfy::Client::from_env()?;
/// let guest = client.guests().get("o'brien+tag@x.io").await?;
/// println!("{:?}", guest.first_name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Parts>,
}

/// What a client holds.
pub(crate) struct Parts {
    pub(crate) api: tallyfy_client::Client,
    pub(crate) org: String,
    pub(crate) base_url: String,
    pub(crate) client_header: String,
    pub(crate) user_agent: String,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryConfig,
    /// The retry budget's tokens, shared by every clone.
    pub(crate) budget: crate::budget::Bucket,
    /// What the client authenticates with, for `Debug`.
    pub(crate) credentials: Credentials,
    /// Renewable credentials and their tokens; `None` for a static token, which is a default
    /// header instead.
    pub(crate) auth: Option<Renewing>,
    /// The static token's header (empty for renewable credentials).
    pub(crate) static_authorization: reqwest::header::HeaderValue,
    /// The pacing every clone shares; `None` when it is off.
    pub(crate) pacer: Option<crate::pacing::Pacer>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &*self.inner;
        let mut d = f.debug_struct("Client");
        match &p.auth {
            None => d.field("token", &Redacted),
            Some(auth) => d
                .field("credentials", &p.credentials)
                .field("token_url", &auth.token_url),
        };
        d.field("org", &p.org)
            .field("base_url", &p.base_url)
            .field("client_header", &p.client_header)
            .field("user_agent", &p.user_agent)
            .field("timeouts", &p.timeouts)
            .field("retry", &p.retry)
            .field("retry_budget_left", &p.budget.available())
            .field(
                "rate_limit",
                &p.pacer.as_ref().map(|_| self.rate_limit_status()),
            )
            .finish()
    }
}

impl Client {
    pub(crate) fn from_parts(parts: Parts) -> Self {
        Self {
            inner: Arc::new(parts),
        }
    }

    pub(crate) fn parts(&self) -> &Parts {
        &self.inner
    }

    /// The organization this client works on.
    pub fn org_id(&self) -> &str {
        &self.inner.org
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The generated low-level client underneath, with the same headers and connection pool, for
    /// anything this crate does not wrap. It does not retry or validate. With renewable
    /// credentials (client credentials, password grant, a token source) it sends no token of its
    /// own: run its calls inside `tallyfy_client::with_authorization` with the header from
    /// [`authorization`](Self::authorization).
    pub fn raw(&self) -> &tallyfy_client::Client {
        &self.inner.api
    }

    /// What the client's pacing is doing: its budget, how many calls wait for a slot and how long
    /// a call made now would wait (see [`crate::pacing`]). For progress displays.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().start().await.unwrap();
    /// let client = tallyfy::Client::builder()
    ///     .token(fake.token())
    ///     .org(fake.org_id())
    ///     .base_url(fake.base_url())
    ///     .rate_limit(2, std::time::Duration::from_secs(60))
    ///     .build()?;
    /// client.guests().list().page(1).await?;
    /// client.guests().list().page(1).await?;
    /// let status = client.rate_limit_status();
    /// assert_eq!(status.waiting, 0);
    /// assert!(status.next_slot_in > std::time::Duration::from_secs(59), "the budget is spent");
    /// # Ok(()) }
    /// ```
    pub fn rate_limit_status(&self) -> crate::RateLimitStatus {
        match &self.inner.pacer {
            Some(pacer) => pacer.status(),
            None => crate::RateLimitStatus {
                limit: None,
                waiting: 0,
                next_slot_in: std::time::Duration::ZERO,
            },
        }
    }

    /// The `Authorization` header the next request would carry (`Bearer <token>`, marked
    /// sensitive), fetching or renewing the token if needed. For calls through [`raw`](Self::raw)
    /// or another HTTP client.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().client_credentials("7", "s3cret").start().await.unwrap();
    /// let client = tallyfy::Client::builder()
    ///     .client_credentials("7", "s3cret")
    ///     .token_url(fake.token_url())
    ///     .org(fake.org_id())
    ///     .base_url(fake.base_url())
    ///     .build()?;
    /// let header = client.authorization().await?;
    /// assert!(header.is_sensitive());
    /// let raw = tallyfy_client::with_authorization(header, client.raw().list_guests(client.org_id(), None, None, None, None, None, None, None)).await;
    /// assert!(raw.is_ok());
    /// # Ok(()) }
    /// ```
    pub async fn authorization(&self) -> Result<reqwest::header::HeaderValue, crate::Error> {
        match &self.inner.auth {
            Some(auth) => Ok(self.bearer(auth).await?.header),
            None => Ok(self.inner.static_authorization.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn client_is_shareable() {
        assert_send_sync_clone::<Client>();
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder()
            .token("super-secret-token-123")
            .org("0123456789abcdef0123456789abcdef")
            .base_url("http://127.0.0.1:9/api");
        let builder_debug = format!("{builder:#?}");
        let client = builder.build().unwrap();
        let client_debug = format!("{client:#?}");
        assert!(!builder_debug.contains("super-secret"));
        assert!(!client_debug.contains("super-secret"));
        insta::assert_snapshot!("builder_debug", builder_debug);
        insta::assert_snapshot!("client_debug", client_debug);
    }
}
