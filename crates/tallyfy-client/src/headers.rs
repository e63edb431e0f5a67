//! Headers that the client adds to every request itself, for a caller whose `reqwest::Client` was
//! built elsewhere (its default headers cannot be changed after `build()`). The generated client
//! carries them as its inner value, and progenitor's `pre` hook, implemented here, copies them into
//! each request that does not already set the same header.
//!
//! A caller whose token changes over time (OAuth tokens are renewed) runs each call inside
//! [`with_authorization`], which the hook reads: that call's `Authorization` header then wins over
//! any default one, and concurrent calls on one client can carry different tokens.

use progenitor_client::{ClientHooks, Error, OperationInfo};
use std::future::Future;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

tokio::task_local! {
    /// The `Authorization` value of the call being polled, set by [`with_authorization`].
    static AUTHORIZATION_VALUE: HeaderValue;
}

/// Runs `call` (a generated method's future) so that its request carries `Authorization: value`,
/// replacing any default `Authorization` header. Mark the value sensitive
/// ([`HeaderValue::set_sensitive`]) so that `Debug` hides it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use tallyfy_client::reqwest::header::HeaderValue;
/// let mut bearer = HeaderValue::from_static("Bearer fresh-token");
/// bearer.set_sensitive(true);
/// let answer = tallyfy_client::with_authorization(bearer, async { 42 }).await;
/// assert_eq!(answer, 42);
/// # }
/// ```
pub async fn with_authorization<F: Future>(value: HeaderValue, call: F) -> F::Output {
    AUTHORIZATION_VALUE.scope(value, call).await
}

/// Headers added to every request (see the module docs). Empty by default, which adds nothing.
///
/// ```
/// use tallyfy_client::{Client, RequestHeaders, reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION}};
/// let mut headers = HeaderMap::new();
/// let mut auth = HeaderValue::from_static("Bearer secret");
/// auth.set_sensitive(true);
/// headers.insert(AUTHORIZATION, auth);
/// let http = tallyfy_client::reqwest::Client::new(); // shared with the rest of a service
/// let client = Client::new_with_client("https://go.tallyfy.com/api", http, RequestHeaders::new(headers));
/// assert!(!format!("{client:?}").contains("secret"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct RequestHeaders(HeaderMap);

impl RequestHeaders {
    /// Adds `headers` to every request. Mark secret values sensitive
    /// ([`HeaderValue::set_sensitive`](reqwest::header::HeaderValue::set_sensitive)) so that `Debug`
    /// hides them.
    pub fn new(headers: HeaderMap) -> Self {
        Self(headers)
    }

    /// The headers.
    ///
    /// ```
    /// assert!(tallyfy_client::RequestHeaders::default().headers().is_empty());
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.0
    }
}

impl ClientHooks<RequestHeaders> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        for (name, value) in self.inner.headers() {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        if let Ok(value) = AUTHORIZATION_VALUE.try_with(HeaderValue::clone) {
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(())
    }
}
