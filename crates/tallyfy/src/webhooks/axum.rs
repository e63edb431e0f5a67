//! The `axum` integration (cargo feature `axum`): [`Webhook`], an extractor that checks and
//! decodes a request with your [`Receiver`] and tells you whether its event was seen before, and
//! an [`IntoResponse`] for [`Rejection`] (its status, and its message as plain text).
//!
//! Put a [`WebhookState`] in your router's state (or make it reachable with `FromRef`), and take
//! [`Webhook`] as the handler's last argument. A refused request never reaches your handler; no
//! input makes the extractor panic.
//!
//! Tallyfy sends each webhook once and never again, so a handler must not answer 2xx before the
//! event is safe. The pattern that loses nothing: store the event (or its body) durably, answer,
//! then do the work from the store:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::{Arc, Mutex};
//! use tallyfy::webhooks::axum::{Webhook, WebhookState};
//! use tallyfy::webhooks::{MemorySeen, Receiver};
//!
//! let inbox: Arc<Mutex<Vec<String>>> = Arc::default(); // your durable queue
//! let state = WebhookState::new(Receiver::new("demo-org").secret("token", "s3cret"))
//!     .seen(MemorySeen::default());
//! let app: axum::Router = axum::Router::new()
//!     .route("/hooks/tallyfy", axum::routing::post({
//!         let inbox = inbox.clone();
//!         move |hook: Webhook| async move {
//!             if !hook.duplicate {
//!                 inbox.lock().unwrap().push(hook.event.dedupe_key); // 1. store
//!             }
//!             axum::http::StatusCode::OK // 2. answer (duplicates too); 3. work from the inbox
//!         }
//!     }))
//!     .with_state(state);
//! # let _ = app;
//! # }
//! ```

use std::sync::Arc;

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Event, Receiver, Rejection, SeenStore};

/// What the [`Webhook`] extractor needs: the receiver's checks, and optionally where to remember
/// events (without one, [`Webhook::duplicate`] is always `false`).
#[derive(Clone)]
pub struct WebhookState {
    receiver: Receiver,
    seen: Option<Arc<dyn SeenStore>>,
}

impl std::fmt::Debug for WebhookState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookState")
            .field("receiver", &self.receiver)
            .field("seen", &self.seen.is_some())
            .finish()
    }
}

impl WebhookState {
    /// Checks with `receiver`, remembers nothing.
    ///
    /// ```
    /// let state = tallyfy::webhooks::axum::WebhookState::new(tallyfy::webhooks::Receiver::new("o"));
    /// # let _ = state;
    /// ```
    pub fn new(receiver: Receiver) -> Self {
        Self {
            receiver,
            seen: None,
        }
    }

    /// Remembers each event's dedupe key in `store`, so that [`Webhook::duplicate`] says whether
    /// it was seen before.
    ///
    /// ```
    /// use tallyfy::webhooks::{axum::WebhookState, MemorySeen, Receiver};
    /// let state = WebhookState::new(Receiver::new("o")).seen(MemorySeen::default());
    /// # let _ = state;
    /// ```
    pub fn seen(mut self, store: impl SeenStore + 'static) -> Self {
        self.seen = Some(Arc::new(store));
        self
    }
}

/// An accepted webhook, extracted from a request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Webhook {
    /// The event.
    pub event: Event,
    /// Whether its dedupe key was recorded before (answer 2xx and skip it).
    pub duplicate: bool,
}

impl<S> FromRequest<S> for Webhook
where
    S: Send + Sync,
    WebhookState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let state = WebhookState::from_ref(state);
        let (parts, body) = req.into_parts();
        let limit = state.receiver.max_body;
        // One byte over the limit is enough to know the body is too large.
        let body = axum::body::to_bytes(body, limit.saturating_add(1))
            .await
            .map_err(|_| {
                Rejection::TooLarge {
                    size: limit.saturating_add(1),
                    limit,
                }
                .into_response()
            })?;
        let event = state
            .receiver
            .parse(&parts.headers, parts.uri.query(), &body)
            .map_err(IntoResponse::into_response)?;
        let duplicate = match &state.seen {
            Some(store) => !store.first_time(&event.dedupe_key).await.map_err(|e| {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("could not record the webhook: {e}"),
                )
                    .into_response()
            })?,
            None => false,
        };
        Ok(Self { event, duplicate })
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_REQUEST);
        (status, self.to_string()).into_response()
    }
}
