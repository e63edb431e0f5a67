//! Runs one API call: calls the generated client, applies the per-attempt and total timeouts, asks
//! the retry policy after each failure, turns every outcome into [`Error`], and records a `tracing`
//! span per attempt.
//!
//! Spans are named `tallyfy.request` at INFO with the fields `operation`, `method`, `path` (the
//! template, such as `/organizations/{org_id}/guests/{guest_email}`: never an email or org id),
//! `attempt`, `status`, `duration_ms`, `request_id`. Retries are logged at DEBUG. Neither the token
//! nor any email is ever recorded.
//!
//! Each attempt first waits for its slot in the client's pacing ([`crate::pacing`]), which does not
//! count against the total timeout, and each response tells the pacing what the server said of its
//! window.
//!
//! With renewable credentials, each attempt first gets its `Authorization` header from the
//! credentials' cache (`auth::grants`), within the total timeout, and a 401 to a cached token
//! renews it and repeats the attempt once, outside the retry policy and budget.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use futures::future::Either;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tallyfy_client::{Error as RawError, ResponseValue, with_authorization};
use tokio::time::timeout_at;
use tracing::{Instrument, field};

use crate::auth::Renewing;
use crate::client::Client;
use crate::error::{Error, TimeoutKind, request_id_of};
use crate::retry::{self, Decision, Outcome};
use crate::timeouts::later;

/// One API operation, as the spans and the retry policy see it: one constant per operation in
/// [`ops`], generated from the spec.
#[derive(Clone, Debug)]
pub(crate) struct Op {
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    /// Whether a 5xx or a lost connection may be retried: from the method, unless the spec's
    /// `x-tallyfy-idempotent` says otherwise.
    pub(crate) idempotent: bool,
}

/// Every operation (`cargo xtask codegen` writes this file from `openapi/tallyfy.yaml`).
#[path = "generated/operations.rs"]
pub(crate) mod ops;

/// How one attempt failed, before the retry decision.
enum AttemptError {
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    },
    Transport {
        source: reqwest::Error,
        connect: bool,
    },
    TimedOut,
    /// Failures that retrying cannot fix.
    Final(Error),
}

impl Client {
    /// Runs `send` (one call of a generated method) with retries and timeouts, authenticated by
    /// the client's credentials.
    pub(crate) fn execute<T, F, Fut>(
        &self,
        op: Op,
        send: F,
    ) -> impl Future<Output = Result<T, Error>>
    where
        T: DeserializeOwned,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, RawError<()>>>,
    {
        self.run(op, self.parts().auth.as_ref(), send)
    }

    /// Like [`execute`](Self::execute), but without asking the credentials for a token: for the
    /// token requests themselves.
    pub(crate) async fn execute_plain<T, F, Fut>(&self, op: Op, send: F) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, RawError<()>>>,
    {
        self.run(op, None, send).await
    }

    /// With `auth` (renewable credentials), each attempt carries the token the credentials give
    /// it, and a 401 to a cached token renews it and tries once more.
    async fn run<T, F, Fut>(&self, op: Op, auth: Option<&Renewing>, mut send: F) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, RawError<()>>>,
    {
        let parts = self.parts();
        let timeouts = parts.timeouts;
        let started = tokio::time::Instant::now();
        let mut deadline = later(started, timeouts.total);
        let mut retries = 0u32;
        let mut attempt = 1u32;
        let mut renewed_after_401 = false;
        let mut attempt_start = started;
        loop {
            // Boxed: a call that does not wait (most) keeps no timer in this future's state.
            if let Some(wait) = parts.pacer.as_ref().and_then(|p| p.reserve(op.id)) {
                let waited = Box::pin(wait.sleep()).await;
                deadline = later(deadline, waited);
                attempt_start = tokio::time::Instant::now();
            }
            let attempt_deadline = deadline.min(later(attempt_start, timeouts.per_attempt));
            let bearer = match auth {
                Some(auth) => match timeout_at(deadline, Box::pin(self.bearer(auth))).await {
                    Ok(bearer) => Some(bearer?),
                    Err(_elapsed) => {
                        break Err(Error::Timeout {
                            kind: TimeoutKind::Total,
                            after: timeouts.total,
                        });
                    }
                },
                None => None,
            };
            let span = tracing::info_span!(
                "tallyfy.request",
                operation = op.id,
                method = %op.method,
                path = op.path,
                attempt,
                status = field::Empty,
                duration_ms = field::Empty,
                request_id = field::Empty,
            );
            // The attempt's outcome lives only inside this block: a decoded value (a guest is over a
            // kilobyte) in scope across a later await would be stored in this future's state, and
            // every call would allocate and copy a future that much larger.
            let failure = {
                // The generated call's future (1 KB for get_guest) is boxed, so only a pointer moves
                // with this future's state (moves showed up as memcpy in instruction counts:
                // crates/tallyfy/bench/instructions.sh).
                // Boxed before it is wrapped, so that the wrapping moves a pointer, not the future.
                let call = Box::pin(send());
                let call = match &bearer {
                    Some(bearer) => Either::Left(with_authorization(bearer.header.clone(), call)),
                    None => Either::Right(call),
                };
                let call = timeout_at(attempt_deadline, call);
                // With no subscriber listening, skip the span's enter and exit on every poll.
                let outcome = if span.is_disabled() {
                    call.await
                } else {
                    let attempt_started = Instant::now();
                    let outcome = call.instrument(span.clone()).await;
                    span.record("duration_ms", attempt_started.elapsed().as_millis() as u64);
                    outcome
                };
                match outcome {
                    Ok(Ok(value)) => {
                        parts.budget.refund();
                        if let Some(pacer) = &parts.pacer {
                            pacer.observe(value.status(), value.headers(), None, Duration::ZERO);
                        }
                        if !span.is_disabled() {
                            span.record("status", value.status().as_u16());
                        }
                        record_request_id(&span, value.headers());
                        return Ok(value.into_inner());
                    }
                    Ok(Err(RawError::UnexpectedResponse(response))) => Err(response),
                    Ok(Err(other)) => Ok(classify::<T>(other)),
                    Err(_elapsed) if tokio::time::Instant::now() >= deadline => {
                        break Err(Error::Timeout {
                            kind: TimeoutKind::Total,
                            after: timeouts.total,
                        });
                    }
                    Err(_elapsed) => Ok(AttemptError::TimedOut),
                }
            };
            let error = match failure {
                Ok(error) => error,
                // Boxed: only failures pay for this (1 KB) future's room.
                Err(response) => Box::pin(read_status(response, attempt_deadline))
                    .instrument(span.clone())
                    .await
                    .unwrap_or(AttemptError::TimedOut),
            };
            if let (Some(auth), Some(bearer), AttemptError::Status { status, .. }) =
                (auth, &bearer, &error)
                && *status == StatusCode::UNAUTHORIZED
                && !bearer.fresh
                && !renewed_after_401
            {
                span.record("status", status.as_u16());
                tracing::debug!(
                    parent: &span,
                    "401 with a cached token: renewing it and trying once more"
                );
                auth.cache.invalidate(bearer.generation);
                renewed_after_401 = true;
                attempt += 1;
                attempt_start = tokio::time::Instant::now();
                continue;
            }
            let outcome = match &error {
                AttemptError::Status {
                    status,
                    headers,
                    body,
                } => {
                    span.record("status", status.as_u16());
                    record_request_id(&span, headers);
                    if let Some(pacer) = &parts.pacer {
                        let retry_after = retry::retry_after(headers, SystemTime::now());
                        pacer.observe(*status, headers, retry_after, parts.retry.max_retry_after);
                    }
                    // A 2xx here is a body that did not decode as `T`
                    // (tallyfy_client::decode_response). Not retried: the same request would
                    // most likely get the same body.
                    if status.is_success() {
                        break Error::decode::<T>(
                            Some(*status),
                            request_id_of(headers).map(str::to_owned),
                            body,
                        );
                    }
                    Outcome::Status {
                        status: *status,
                        headers,
                    }
                }
                AttemptError::Transport { connect: true, .. } => Outcome::ConnectFailed,
                AttemptError::Transport { .. } | AttemptError::TimedOut => Outcome::ConnectionLost,
                AttemptError::Final(_) => break Err(into_error(error, timeouts)),
            };
            let now = SystemTime::now();
            let decision = retry::decide_for(
                &parts.retry,
                retries,
                op.idempotent,
                outcome,
                now,
                rand::random::<f64>(),
            );
            let wait = match decision {
                Decision::RetryAfter(wait) => wait,
                Decision::GiveUp => break Err(into_error(error, timeouts)),
            };
            let after_timeout = matches!(outcome, Outcome::ConnectionLost);
            if !parts.budget.withdraw(after_timeout) {
                tracing::debug!(
                    parent: &span,
                    "not retrying: the client's retry budget is spent"
                );
                break Err(into_error(error, timeouts));
            }
            let resume_at = later(tokio::time::Instant::now(), wait);
            if resume_at >= deadline {
                tracing::debug!(
                    parent: &span,
                    wait_ms = wait.as_millis() as u64,
                    "not retrying: the wait would pass the total timeout"
                );
                break Err(match error {
                    AttemptError::TimedOut => Error::Timeout {
                        kind: TimeoutKind::Total,
                        after: timeouts.total,
                    },
                    other => into_error(other, timeouts),
                });
            }
            tracing::debug!(
                parent: &span,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep_until(resume_at).await;
            retries += 1;
            attempt += 1;
            attempt_start = tokio::time::Instant::now();
        }
    }
}

fn record_request_id(span: &tracing::Span, headers: &HeaderMap) {
    if span.is_disabled() {
        return;
    }
    if let Some(id) = request_id_of(headers) {
        span.record("request_id", id);
    }
}

/// A non-2xx response as an attempt's failure, its body read within the attempt's deadline
/// (`None` when that passes first). A body that cannot be read (connection cut) is kept empty: the
/// status says enough.
async fn read_status(
    response: reqwest::Response,
    deadline: tokio::time::Instant,
) -> Option<AttemptError> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = timeout_at(deadline, response.bytes()).await.ok()?;
    Some(AttemptError::Status {
        status,
        headers,
        body: body.map(|b| b.to_vec()).unwrap_or_default(),
    })
}

/// What a failed generated call means, for every outcome but a non-2xx response (see
/// [`read_status`]).
fn classify<T: DeserializeOwned>(error: RawError<()>) -> AttemptError {
    match error {
        RawError::CommunicationError(source) | RawError::ResponseBodyError(source) => {
            let connect = source.is_connect();
            AttemptError::Transport { source, connect }
        }
        RawError::InvalidUpgrade(source) => AttemptError::Transport {
            source,
            connect: false,
        },
        // decode_response reports a body that does not decode as UnexpectedResponse (read again
        // by `execute`), so the generated client never returns this; it is classified all the same.
        RawError::InvalidResponsePayload(bytes, source) => {
            AttemptError::Final(match Error::decode::<T>(None, None, &bytes) {
                Err(error) => error,
                Ok(_) => Error::Decode {
                    status: None,
                    request_id: None,
                    path: None,
                    snippet: String::new(),
                    source,
                },
            })
        }
        RawError::InvalidRequest(message) | RawError::Custom(message) => {
            AttemptError::Final(Error::invalid_input("request", message))
        }
        RawError::ErrorResponse(value) => AttemptError::Status {
            status: value.status(),
            headers: value.headers().clone(),
            body: Vec::new(),
        },
        // `execute` reads these with `read_status` instead.
        RawError::UnexpectedResponse(response) => AttemptError::Status {
            status: response.status(),
            headers: response.headers().clone(),
            body: Vec::new(),
        },
    }
}

fn into_error(error: AttemptError, timeouts: crate::timeouts::Timeouts) -> Error {
    match error {
        AttemptError::Status {
            status,
            headers,
            body,
        } => Error::from_response_parts(status, &headers, &body, SystemTime::now()),
        // The URL holds the (encoded) email: keep it out of messages that end up in logs.
        AttemptError::Transport { source, .. } => Error::Transport {
            source: source.without_url(),
        },
        AttemptError::TimedOut => Error::Timeout {
            kind: TimeoutKind::PerAttempt,
            after: timeouts.per_attempt,
        },
        AttemptError::Final(e) => e,
    }
}
