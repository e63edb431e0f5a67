//! Receiving Tallyfy's webhooks, independent of any web framework: give [`Receiver::parse`] the
//! request's headers, query string and body, and get a typed [`Event`] or a [`Rejection`] that
//! says what was wrong (and which status to answer).
//!
//! What Tallyfy documents, and what this module does about it:
//! - a webhook is a `POST` with a JSON body and the header `X-Tallyfy-orgID`, and nothing else
//!   proves where it came from: no signature. The receiver checks the header against your
//!   organization in constant time, but an organization id is not a secret (it is in every URL
//!   of the web app), so also put a secret of your own in the webhook URL you give Tallyfy
//!   (`https://you.example/hooks/tallyfy?token=<random>`) and name it with
//!   [`Receiver::secret`]; then only someone who knows the URL gets through;
//! - two payload shapes and no event field: the kind ([`EventKind`]) is read from the shape (a
//!   `this_task` means a task was completed; otherwise a process with `completed_at` was completed,
//!   else launched). An explicit `event` field, as Tallyfy's organization-level webhooks send,
//!   wins;
//! - a webhook "might fire more than once for the same event", and a failed delivery is never
//!   retried: [`Event::dedupe_key`] is the same for every delivery of one logical event (the
//!   task's id and completion time, as Tallyfy's idempotency guide suggests), and [`seen`] keeps
//!   the keys already handled. Answer 2xx to duplicates too, and store an event before you answer
//!   (Tallyfy will not send it again).
//!
//! ```
//! use tallyfy::webhooks::{EventKind, Receiver};
//! use tallyfy::reqwest::header::HeaderMap;
//!
//! let receiver = Receiver::new("org789").secret("token", "s3cret-in-the-url");
//! let mut headers = HeaderMap::new();
//! headers.insert("x-tallyfy-orgid", "org789".parse().unwrap());
//! let body = br#"{"this_task": {"id": "t1", "completed_at": "2025-10-02T14:30:00Z"}, "process": {"id": "r1"}}"#;
//! let event = receiver.parse(&headers, Some("token=s3cret-in-the-url"), body).unwrap();
//! assert_eq!(event.kind, EventKind::TaskCompleted);
//! assert_eq!(event.dedupe_key, "task.completed:t1:2025-10-02T14:30:00Z");
//! assert_eq!(event.process_id().as_deref(), Some("r1"));
//!
//! let wrong = receiver.parse(&headers, Some("token=guess"), body).unwrap_err();
//! assert_eq!(wrong.status(), 401);
//! ```

#[cfg(feature = "axum")]
pub mod axum;
mod payload;
pub mod seen;

use std::fmt;

use reqwest::header::HeaderMap;
use serde_json::Value;

pub use payload::{
    Person, ProcessPayload, TaskPayload, WebhookProcess, WebhookTask, WebhookTemplate,
};
pub use seen::{MemorySeen, SeenStore};

/// The header Tallyfy puts the organization id in.
pub const ORG_HEADER: &str = "x-tallyfy-orgid";

/// The largest body [`Receiver::parse`] accepts unless told otherwise: 1 MiB (a task payload
/// with every form value of a large process is tens of kilobytes).
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// What happened, as the payload tells it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// A process was launched (process-level payload without `completed_at`).
    ProcessLaunched,
    /// A process was completed (process-level payload with `completed_at`).
    ProcessCompleted,
    /// A task was completed (task-level payload).
    TaskCompleted,
    /// An explicit `event` this crate does not know (`task.assigned`, ...), as sent.
    Other(String),
}

impl EventKind {
    /// The kind's name: `process.launched`, `process.completed`, `task.completed`, or the
    /// `event` as sent.
    ///
    /// ```
    /// assert_eq!(tallyfy::webhooks::EventKind::TaskCompleted.as_str(), "task.completed");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Self::ProcessLaunched => "process.launched",
            Self::ProcessCompleted => "process.completed",
            Self::TaskCompleted => "task.completed",
            Self::Other(name) => name,
        }
    }

    fn from_name(name: &str) -> Self {
        match name {
            "process.launched" => Self::ProcessLaunched,
            "process.completed" => Self::ProcessCompleted,
            "task.completed" => Self::TaskCompleted,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decoded payload.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Payload {
    /// A process was launched or completed.
    Process(Box<ProcessPayload>),
    /// A task was completed.
    Task(Box<TaskPayload>),
}

/// One accepted webhook.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The same for every delivery of one logical event: `task.completed:<task id>:<completed_at>`,
    /// `process.launched:<process id>`, `process.completed:<process id>:<completed_at>`, or for
    /// an event without those, the kind and a hash of the body.
    pub dedupe_key: String,
    /// The payload.
    pub payload: Payload,
    /// The body as JSON, for fields this crate does not type.
    pub raw: Value,
}

impl Event {
    /// The process the event is about.
    ///
    /// ```
    /// # use tallyfy::webhooks::Receiver;
    /// # let mut h = tallyfy::reqwest::header::HeaderMap::new();
    /// # h.insert("x-tallyfy-orgid", "o".parse().unwrap());
    /// let event = Receiver::new("o").parse(&h, None, br#"{"id": "r1", "status": "in-progress"}"#).unwrap();
    /// assert_eq!(event.process_id().as_deref(), Some("r1"));
    /// ```
    pub fn process_id(&self) -> Option<String> {
        match &self.payload {
            Payload::Process(p) => p.id.as_ref().map(ToString::to_string),
            Payload::Task(t) => t
                .process
                .as_ref()
                .and_then(|p| p.id.as_ref())
                .map(ToString::to_string),
        }
    }

    /// The completed task, for a task-level event.
    ///
    /// ```
    /// # use tallyfy::webhooks::Receiver;
    /// # let mut h = tallyfy::reqwest::header::HeaderMap::new();
    /// # h.insert("x-tallyfy-orgid", "o".parse().unwrap());
    /// let event = Receiver::new("o").parse(&h, None, br#"{"this_task": {"id": 7}}"#).unwrap();
    /// assert_eq!(event.task_id().as_deref(), Some("7"));
    /// ```
    pub fn task_id(&self) -> Option<String> {
        match &self.payload {
            Payload::Task(t) => t
                .this_task
                .as_ref()
                .and_then(|t| t.id.as_ref())
                .map(ToString::to_string),
            Payload::Process(_) => None,
        }
    }
}

/// Why a webhook request was refused. [`status`](Self::status) is the status to answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// No `X-Tallyfy-orgID` header.
    #[error("no X-Tallyfy-orgID header")]
    MissingOrg,
    /// The header names another organization (or is not text).
    #[error("X-Tallyfy-orgID is not this receiver's organization")]
    WrongOrg,
    /// The URL's secret parameter is missing.
    #[error("the webhook URL has no `{param}` parameter")]
    MissingSecret {
        /// The parameter's name.
        param: String,
    },
    /// The URL's secret parameter has the wrong value.
    #[error("the webhook URL's `{param}` parameter is wrong")]
    WrongSecret {
        /// The parameter's name.
        param: String,
    },
    /// The body is larger than the receiver accepts.
    #[error("the body is {size} bytes; at most {limit} are accepted")]
    TooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not a JSON object of either documented shape.
    #[error("the body is not a Tallyfy webhook: {reason}")]
    BadBody {
        /// What is wrong, with the JSON path of a field that did not decode.
        reason: String,
    },
}

impl Rejection {
    /// The HTTP status to answer: 401 (secret missing or wrong), 403 (organization), 413 (too
    /// large) or 400 (body).
    ///
    /// ```
    /// assert_eq!(tallyfy::webhooks::Rejection::WrongOrg.status(), 403);
    /// ```
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingSecret { .. } | Self::WrongSecret { .. } => 401,
            Self::MissingOrg | Self::WrongOrg => 403,
            Self::TooLarge { .. } => 413,
            Self::BadBody { .. } => 400,
        }
    }
}

/// Checks and decodes webhook requests for one organization.
///
/// ```
/// let receiver = tallyfy::webhooks::Receiver::new("org789")
///     .secret("token", "a-long-random-string")
///     .max_body_bytes(256 * 1024);
/// assert!(!format!("{receiver:?}").contains("a-long-random-string"));
/// ```
#[derive(Clone)]
#[must_use]
pub struct Receiver {
    org: String,
    secret: Option<(String, secrecy::SecretString)>,
    max_body: usize,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("org", &self.org)
            .field(
                "secret_param",
                &self.secret.as_ref().map(|(param, _)| param.as_str()),
            )
            .field("max_body", &self.max_body)
            .finish()
    }
}

impl Receiver {
    /// A receiver for webhooks of organization `org`.
    pub fn new(org: impl Into<String>) -> Self {
        Self {
            org: org.into(),
            secret: None,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Requires the query parameter `param` of the webhook URL to be `secret` (compared in
    /// constant time). Put the same value in the URL you configure in Tallyfy.
    pub fn secret(mut self, param: impl Into<String>, secret: impl Into<String>) -> Self {
        self.secret = Some((param.into(), secrecy::SecretString::from(secret.into())));
        self
    }

    /// The largest body accepted (default [`DEFAULT_MAX_BODY`]).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// The organization this receiver accepts.
    ///
    /// ```
    /// assert_eq!(tallyfy::webhooks::Receiver::new("o").org(), "o");
    /// ```
    pub fn org(&self) -> &str {
        &self.org
    }

    /// Checks one request (its headers, its URL's query string without `?`, and its body) and
    /// decodes it. The checks run in this order, so a stranger learns nothing from the body's
    /// handling: size, secret, organization, then the body.
    ///
    /// ```
    /// use tallyfy::webhooks::{Receiver, Rejection};
    /// let receiver = Receiver::new("o");
    /// let none = tallyfy::reqwest::header::HeaderMap::new();
    /// assert_eq!(receiver.parse(&none, None, b"{}").unwrap_err(), Rejection::MissingOrg);
    /// ```
    pub fn parse(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
        body: &[u8],
    ) -> Result<Event, Rejection> {
        if body.len() > self.max_body {
            return Err(Rejection::TooLarge {
                size: body.len(),
                limit: self.max_body,
            });
        }
        if let Some((param, secret)) = &self.secret {
            let given = query
                .into_iter()
                .flat_map(|q| url::form_urlencoded::parse(q.as_bytes()))
                .find(|(k, _)| k == param.as_str())
                .map(|(_, v)| v)
                .ok_or_else(|| Rejection::MissingSecret {
                    param: param.clone(),
                })?;
            use secrecy::ExposeSecret;
            if !constant_time_eq(given.as_bytes(), secret.expose_secret().as_bytes()) {
                return Err(Rejection::WrongSecret {
                    param: param.clone(),
                });
            }
        }
        let org = headers.get(ORG_HEADER).ok_or(Rejection::MissingOrg)?;
        if !constant_time_eq(org.as_bytes(), self.org.as_bytes()) {
            return Err(Rejection::WrongOrg);
        }
        decode(body)
    }
}

/// Decodes a body whose request has already been checked (a fixture, a stored event).
///
/// ```
/// let event = tallyfy::webhooks::decode(br#"{"id": "r1", "completed_at": "2025-10-03T10:00:00Z"}"#).unwrap();
/// assert_eq!(event.kind.as_str(), "process.completed");
/// assert_eq!(event.dedupe_key, "process.completed:r1:2025-10-03T10:00:00Z");
/// ```
pub fn decode(body: &[u8]) -> Result<Event, Rejection> {
    let bad = |reason: String| Rejection::BadBody { reason };
    let raw: Value = serde_json::from_slice(body).map_err(|e| bad(format!("not JSON: {e}")))?;
    let Some(object) = raw.as_object() else {
        return Err(bad("not a JSON object".into()));
    };
    let explicit = object.get("event").and_then(Value::as_str);
    let payload = if object.contains_key("this_task") {
        Payload::Task(Box::new(typed_payload::<TaskPayload>(&raw)?))
    } else {
        Payload::Process(Box::new(typed_payload::<ProcessPayload>(&raw)?))
    };
    if let Payload::Task(t) = &payload
        && t.this_task.is_none()
    {
        return Err(bad("`this_task` is not an object".into()));
    }
    let kind = match (explicit, &payload) {
        (Some(name), _) => EventKind::from_name(name),
        (None, Payload::Task(_)) => EventKind::TaskCompleted,
        (None, Payload::Process(p)) if p.completed_at.is_some() => EventKind::ProcessCompleted,
        (None, Payload::Process(p)) if p.id.is_some() || p.checklist_id.is_some() => {
            EventKind::ProcessLaunched
        }
        (None, Payload::Process(_)) => {
            return Err(bad(
                "neither a task payload (`this_task`) nor a process payload (`id`)".into(),
            ));
        }
    };
    let dedupe_key = dedupe_key(&kind, &payload, body);
    Ok(Event {
        kind,
        dedupe_key,
        payload,
        raw,
    })
}

fn typed_payload<T: serde::de::DeserializeOwned>(raw: &Value) -> Result<T, Rejection> {
    serde_path_to_error::deserialize(raw).map_err(|e| Rejection::BadBody {
        reason: format!("`{}`: {}", e.path(), e.inner()),
    })
}

/// See [`Event::dedupe_key`].
fn dedupe_key(kind: &EventKind, payload: &Payload, body: &[u8]) -> String {
    let text = |t: &Option<tallyfy_client::Timestamp>| t.as_ref().map(|t| t.as_str().to_owned());
    let parts = match (kind, payload) {
        (EventKind::TaskCompleted, Payload::Task(t)) => t.this_task.as_ref().and_then(|task| {
            Some(format!(
                "{}:{}",
                task.id.as_ref()?,
                text(&task.completed_at)?
            ))
        }),
        (EventKind::ProcessLaunched, Payload::Process(p)) => p.id.as_ref().map(ToString::to_string),
        (EventKind::ProcessCompleted, Payload::Process(p)) => {
            p.id.as_ref()
                .and_then(|id| Some(format!("{id}:{}", text(&p.completed_at)?)))
        }
        _ => None,
    };
    let parts = parts.unwrap_or_else(|| format!("body-{:016x}", fnv1a(body)));
    format!("{kind}:{parts}")
}

/// FNV-1a, 64 bits: a stable hash of a body (std's hasher may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether `a == b`, taking the same time for every `b` of the same length.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn an_explicit_event_wins_and_unknown_ones_are_kept() {
        let e = decode(br#"{"event": "process.completed", "id": "r1"}"#).unwrap();
        assert_eq!(e.kind, EventKind::ProcessCompleted);
        // No completed_at: the body's hash stands in.
        assert!(e.dedupe_key.starts_with("process.completed:body-"));
        let e = decode(br#"{"event": "task.assigned", "this_task": {"id": "t"}}"#).unwrap();
        assert_eq!(e.kind, EventKind::Other("task.assigned".into()));
        let same = decode(br#"{"event": "task.assigned", "this_task": {"id": "t"}}"#).unwrap();
        assert_eq!(e.dedupe_key, same.dedupe_key);
    }

    #[test]
    fn bodies_that_are_not_webhooks_are_refused() {
        for body in [&b"[]"[..], b"null", b"{", b"{}", br#"{"this_task": 5}"#] {
            assert!(
                matches!(decode(body), Err(Rejection::BadBody { .. })),
                "{body:?}"
            );
        }
    }
}
