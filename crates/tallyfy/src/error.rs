//! The crate's one error type, [`Error`], and the parsing of every error body Tallyfy sends.
//!
//! Tallyfy answers errors in several JSON shapes (Laravel validation, `{"error": true, ...}`, a nested
//! seat-limit object, a rate-limit body with `code`, OAuth's `{"error": "invalid_client"}`) and, from
//! proxies, in HTML or plain text. [`Error::from_response_parts`] turns any of them into an
//! [`Error::Api`] or [`Error::RateLimited`] without ever failing or panicking.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// Field name to the server's messages about it, as in a Laravel validation error.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

static NO_FIELD_ERRORS: FieldErrors = BTreeMap::new();

/// The longest body snippet kept in an [`Error::Decode`] or used as a message for a non-JSON body.
const SNIPPET_CHARS: usize = 300;

/// `Result<T, tallyfy::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling Tallyfy.
///
/// Match on the variants you care about and keep a catch-all arm: new variants may be added.
///
/// ```
/// # async fn run(client: tallyfy::Client) {
/// match client.guests().get("nobody@example.com").await {
///     Ok(guest) => println!("found {:?}", guest.id),
///     Err(e) if e.is_not_found() => println!("no such guest"),
///     Err(tallyfy::Error::RateLimited { retry_after, .. }) => println!("slow down: {retry_after:?}"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status (other than 429).
    #[error("{}", display_api(*status, code.as_deref(), message))]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// A machine-readable code such as `RESOURCE_NOT_FOUND`, `SEAT_POOL_EXHAUSTED` or OAuth's
        /// `invalid_client`, when the body had one.
        code: Option<String>,
        /// A human-readable message: the body's, or the status's reason phrase.
        message: String,
        /// Validation messages per field (Laravel's `errors`), empty when there were none.
        field_errors: FieldErrors,
        /// The `X-Request-Id` response header, for Tallyfy's support.
        request_id: Option<String>,
        /// The raw response body (possibly HTML or plain text).
        body: String,
    },

    /// The server answered 429 Too Many Requests, and the retries (if any) did not get through.
    #[error("{}{}", display_api(StatusCode::TOO_MANY_REQUESTS, code.as_deref(), message), display_retry_after(*retry_after))]
    RateLimited {
        /// How long the server asked us to wait (`Retry-After`, as seconds or an HTTP date).
        retry_after: Option<Duration>,
        /// The body's code, usually `RATE_LIMIT_EXCEEDED`.
        code: Option<String>,
        /// The body's message.
        message: String,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
        /// The raw response body.
        body: String,
    },

    /// An argument failed client-side validation; no request was sent.
    #[error("invalid input: `{field}` {rule}")]
    InvalidInput {
        /// The field or argument at fault (`email`, `first_name`, `per_page`, ...).
        field: String,
        /// The rule it broke, in words.
        rule: String,
    },

    /// The request could not be sent or the response could not be read (connection refused or
    /// reset, TLS, a truncated body, ...).
    #[error("transport error: {source}")]
    Transport {
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// A timeout expired.
    #[error("timed out after {after:?} ({kind})")]
    Timeout {
        /// Which timeout.
        kind: TimeoutKind,
        /// Its length.
        after: Duration,
    },

    /// A success response whose body did not have the expected shape.
    #[error("could not decode the response{}{}: {source}; body starts {snippet:?}",
        status.map(|s| format!(" (HTTP {})", s.as_u16())).unwrap_or_default(),
        path.as_deref().map(|p| format!(" at `{p}`")).unwrap_or_default())]
    Decode {
        /// The HTTP status of the response (a 2xx); `None` only where a lower layer did not keep it.
        status: Option<StatusCode>,
        /// The response's `X-Request-Id`, if the server sent one.
        request_id: Option<String>,
        /// The JSON path of the value that failed, such as `data[3].id`.
        path: Option<String>,
        /// The beginning of the body.
        snippet: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },

    /// The client could not be configured.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The client could not get an access token for its credentials (see [`TokenError`]). Shared:
    /// every call that was waiting for the same token request gets the same error.
    #[error("could not get an access token: {0}")]
    Token(#[source] Arc<TokenError>),

    /// A list walk was stopped because the server's pages did not add up (for example, it ignored the
    /// `page` parameter and sent the same page again).
    #[error("pagination stopped at page {page}: {reason}")]
    Pagination {
        /// The page being fetched.
        page: u64,
        /// What went wrong.
        reason: String,
    },
}

/// Which way of getting a token failed, in a [`TokenError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flow {
    /// `grant_type=client_credentials`.
    ClientCredentials,
    /// `grant_type=password`.
    Password,
    /// `grant_type=refresh_token`.
    Refresh,
    /// An application's token for one member (`/applications/{org}/users/{email}/token`).
    UserToken,
    /// The caller's own [`TokenSource`](crate::TokenSource).
    Source,
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ClientCredentials => "client credentials grant",
            Self::Password => "password grant",
            Self::Refresh => "refresh token grant",
            Self::UserToken => "member token request",
            Self::Source => "token source",
        })
    }
}

/// Why no access token could be had, in an [`Error::Token`]. Never holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint refused the request with an OAuth error: `invalid_client` (wrong or
    /// revoked client credentials), `invalid_grant` (wrong password, used refresh token),
    /// `invalid_request`, `unsupported_grant_type`, or, for a member token, the API's own refusal
    /// (403 another organization, 404 no such member). Not retried: asking again gets the same answer.
    #[error("the {flow} was refused: HTTP {} {error}{}", status.as_u16(),
        description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// What was asked.
        flow: Flow,
        /// The HTTP status (400 or 401 for OAuth errors).
        status: StatusCode,
        /// The OAuth error name (`invalid_client`, ...), or the API's code, or the status's reason.
        error: String,
        /// `error_description` (or `message`), when the body had one.
        description: Option<String>,
        /// The response's `X-Request-Id`, if any.
        request_id: Option<String>,
    },
    /// The token request failed on the way (connection, timeout, a 5xx or 429 after the retries
    /// the client's [`RetryConfig`](crate::RetryConfig) allows, a body without `access_token`).
    #[error("the {flow} failed: {source}")]
    Request {
        /// What was asked.
        flow: Flow,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },
    /// The token endpoint's answer cannot be used as a header (it has control characters).
    #[error("the {flow} returned a token that cannot be sent in a header")]
    Unusable {
        /// What was asked.
        flow: Flow,
    },
    /// The caller's [`TokenSource`](crate::TokenSource) failed.
    #[error("the token source failed: {0}")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl TokenError {
    /// The OAuth error name of a refusal (`invalid_client`, `invalid_grant`, ...).
    ///
    /// ```
    /// let e = tallyfy::TokenError::Unusable { flow: tallyfy::Flow::ClientCredentials };
    /// assert_eq!(e.oauth_error(), None);
    /// ```
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            Self::Refused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The token error for a failed token request: an error status becomes [`Refused`](Self::Refused)
    /// (with the OAuth fields), anything else [`Request`](Self::Request).
    pub(crate) fn from_request(flow: Flow, error: Error) -> Self {
        match error {
            Error::Api {
                status,
                code,
                message,
                request_id,
                ..
            } if status.is_client_error() => Self::Refused {
                flow,
                status,
                error: code
                    .unwrap_or_else(|| status.canonical_reason().unwrap_or("refused").to_owned()),
                description: Some(message).filter(|m| !m.is_empty()),
                request_id,
            },
            other => Self::Request {
                flow,
                source: Box::new(other),
            },
        }
    }
}

/// Which timeout expired in an [`Error::Timeout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt (sending the request and reading the whole response) took too long.
    PerAttempt,
    /// The whole call, retries and waits included, took too long.
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PerAttempt => "per-attempt timeout",
            Self::Total => "total timeout",
        })
    }
}

/// Why a [`Client`](crate::Client) could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is missing or empty.
    #[error("environment variable {var} is not set")]
    MissingEnv {
        /// The variable's name, such as `TALLYFY_ACCESS_TOKEN`.
        var: &'static str,
    },
    /// No token was given.
    #[error(
        "no credentials: call `.token(..)` or `.client_credentials(..)`, or set TALLYFY_ACCESS_TOKEN or TALLYFY_CLIENT_ID and TALLYFY_CLIENT_SECRET"
    )]
    MissingToken,
    /// Two kinds of credentials were given (an access token and client credentials, say), so it is
    /// not clear which should be used.
    #[error("both {first} and {second} were given; use one")]
    ConflictingCredentials {
        /// The first (a builder method or environment variables).
        first: String,
        /// The second.
        second: String,
    },
    /// The credentials cannot be used as given (an empty client id, `acting_as` on a password
    /// grant, ...).
    #[error("invalid credentials: {reason}")]
    InvalidCredentials {
        /// What is wrong.
        reason: String,
    },
    /// The token URL could not be used.
    #[error("invalid token URL {url:?}: {reason}")]
    InvalidTokenUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The token is empty or cannot be sent in a header.
    #[error("the access token is empty or contains characters that cannot be sent in a header")]
    InvalidToken,
    /// No organization id was given.
    #[error("no organization id: call `.org(..)` or set TALLYFY_ORG_ID")]
    MissingOrg,
    /// The organization id can never be valid.
    #[error("invalid organization id: {reason}")]
    InvalidOrg {
        /// What is wrong with it.
        reason: String,
    },
    /// The base URL could not be used.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The base URL is plain `http` to a host other than loopback; the token would travel in clear
    /// text. Use https, or call `.allow_insecure_http(true)`.
    #[error(
        "refusing to send the access token over plain http to {host}; use https or allow_insecure_http(true)"
    )]
    InsecureHttp {
        /// The host.
        host: String,
    },
    /// A header value (`X-Tallyfy-Client` or `User-Agent`) cannot be sent.
    #[error("invalid value for header {name}")]
    InvalidHeader {
        /// The header's name.
        name: &'static str,
    },
    /// A timeout or retry setting is unusable.
    #[error("invalid setting `{name}`: {reason}")]
    InvalidSetting {
        /// The setting.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// reqwest could not build the HTTP client.
    #[error("could not build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

fn display_api(status: StatusCode, code: Option<&str>, message: &str) -> String {
    match code {
        Some(code) => format!("HTTP {} {code}: {message}", status.as_u16()),
        None => format!("HTTP {}: {message}", status.as_u16()),
    }
}

fn display_retry_after(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {}s)", d.as_secs_f64()))
        .unwrap_or_default()
}

impl Error {
    /// The HTTP status, for errors that came from a response.
    ///
    /// ```
    /// let e = tallyfy::Error::invalid_input("email", "is empty");
    /// assert_eq!(e.status(), None);
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Self::Decode { status, .. } => *status,
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed: rate limits, 500/502/503/504, transport
    /// failures and timeouts. (The client has already retried these as its
    /// [`RetryConfig`](crate::RetryConfig) allows.)
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use tallyfy::reqwest::{StatusCode, header::HeaderMap};
    /// let e = tallyfy::Error::from_response_parts(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>", SystemTime::now());
    /// assert!(e.is_retryable());
    /// let e = tallyfy::Error::from_response_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), b"{}", SystemTime::now());
    /// assert!(!e.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Token(e) => match &**e {
                TokenError::Request { source, .. } => source.is_retryable(),
                _ => false,
            },
            Self::Api { status, .. } => matches!(status.as_u16(), 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// How long the server asked to wait, for [`Error::RateLimited`].
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use tallyfy::reqwest::{StatusCode, header::HeaderMap};
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", "30".parse().unwrap());
    /// let e = tallyfy::Error::from_response_parts(StatusCode::TOO_MANY_REQUESTS, &headers, b"", SystemTime::now());
    /// assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(30)));
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the thing asked for does not exist: a 404, or a body with code `RESOURCE_NOT_FOUND`
    /// (Tallyfy answers some lookups of unknown guests with 422 and that code).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use tallyfy::reqwest::{StatusCode, header::HeaderMap};
    /// let body = br#"{"error": true, "message": "Not found", "code": "RESOURCE_NOT_FOUND"}"#;
    /// let e = tallyfy::Error::from_response_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), body, SystemTime::now());
    /// assert!(e.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        match self {
            Self::Api { status, code, .. } => {
                *status == StatusCode::NOT_FOUND
                    || code
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case("RESOURCE_NOT_FOUND"))
            }
            _ => false,
        }
    }

    /// The validation messages per field; empty unless this is an [`Error::Api`] with `errors`.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use tallyfy::reqwest::{StatusCode, header::HeaderMap};
    /// let body = br#"{"message": "The given data was invalid.", "errors": {"email": ["Taken."]}}"#;
    /// let e = tallyfy::Error::from_response_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), body, SystemTime::now());
    /// assert_eq!(e.field_errors()["email"], ["Taken."]);
    /// ```
    pub fn field_errors(&self) -> &FieldErrors {
        match self {
            Self::Api { field_errors, .. } => field_errors,
            _ => &NO_FIELD_ERRORS,
        }
    }

    /// The `X-Request-Id` of the failed response, if the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. }
            | Self::RateLimited { request_id, .. }
            | Self::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The machine-readable error code from the body, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } | Self::RateLimited { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// An [`Error::InvalidInput`].
    ///
    /// ```
    /// let e = tallyfy::Error::invalid_input("per_page", "must be at least 1");
    /// assert_eq!(e.to_string(), "invalid input: `per_page` must be at least 1");
    /// ```
    pub fn invalid_input(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// Builds the error for a non-2xx response from its status, headers and body. Never fails: a body
    /// that is not JSON (an HTML page from a proxy, plain text) is kept as it is, and its text (or the
    /// status's reason phrase) becomes the message.
    ///
    /// `now` is used to read a `Retry-After` given as an HTTP date.
    ///
    /// ```
    /// use tallyfy::reqwest::{StatusCode, header::HeaderMap};
    /// let body = br#"{"error": {"code": "SEAT_POOL_EXHAUSTED", "message": "No seats left"}}"#;
    /// let e = tallyfy::Error::from_response_parts(
    ///     StatusCode::CONFLICT, &HeaderMap::new(), body, std::time::SystemTime::now());
    /// assert_eq!(e.to_string(), "HTTP 409 SEAT_POOL_EXHAUSTED: No seats left");
    /// ```
    pub fn from_response_parts(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Self {
        let request_id = request_id_of(headers).map(str::to_owned);
        let text = String::from_utf8_lossy(body).into_owned();
        let parsed = ParsedBody::parse(body, status);
        if status == StatusCode::TOO_MANY_REQUESTS {
            Self::RateLimited {
                retry_after: crate::retry::retry_after(headers, now),
                code: parsed.code,
                message: parsed.message,
                request_id,
                body: text,
            }
        } else {
            Self::Api {
                status,
                code: parsed.code,
                message: parsed.message,
                field_errors: parsed.field_errors,
                request_id,
                body: text,
            }
        }
    }

    /// The error for a success body that did not decode as `T`, with the JSON path of the failure.
    /// Decodes `body` as `T` once, tracking the JSON path, for a body that the fast decoder
    /// refused: the value when it does decode after all, else [`Error::Decode`] naming where it
    /// failed.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        status: Option<StatusCode>,
        request_id: Option<String>,
        body: &[u8],
    ) -> Result<T, Self> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(value) => match de.end() {
                Ok(()) => return Ok(value),
                // Trailing characters after the value.
                Err(source) => (None, source),
            },
            Err(e) => {
                let path = e.path().to_string();
                ((path != ".").then_some(path), e.into_inner())
            }
        };
        Err(Self::Decode {
            status,
            request_id,
            path,
            snippet: snippet(&String::from_utf8_lossy(body)),
            source,
        })
    }
}

/// A response's `X-Request-Id`, if it has a readable one.
pub(crate) fn request_id_of(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

fn snippet(text: &str) -> String {
    let trimmed = text.trim();
    let mut out: String = trimmed.chars().take(SNIPPET_CHARS).collect();
    if trimmed.chars().nth(SNIPPET_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// What an error body says, whatever its shape.
struct ParsedBody {
    code: Option<String>,
    message: String,
    field_errors: FieldErrors,
}

impl ParsedBody {
    fn parse(body: &[u8], status: StatusCode) -> Self {
        let fallback = || {
            status
                .canonical_reason()
                .unwrap_or("unknown status")
                .to_owned()
        };
        let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) else {
            // HTML from a proxy, plain text, empty, or JSON that is not an object.
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            let message = if text.is_empty() || text.starts_with('<') {
                fallback()
            } else {
                snippet(text)
            };
            return Self {
                code: None,
                message,
                field_errors: FieldErrors::new(),
            };
        };

        let str_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let mut code = str_of(obj.get("code"));
        let mut message = str_of(obj.get("message")).filter(|m| !m.is_empty());

        match obj.get("error") {
            // Nested: {"error": {"code": ..., "message": ..., "details": ...}}
            Some(Value::Object(nested)) => {
                code = code.or_else(|| str_of(nested.get("code")));
                message = message.or_else(|| str_of(nested.get("message")));
            }
            // OAuth: {"error": "invalid_client", "error_description": ...}
            Some(Value::String(name)) => {
                code = code.or_else(|| Some(name.clone()));
                message = message
                    .or_else(|| str_of(obj.get("error_description")))
                    .or_else(|| Some(name.clone()));
            }
            _ => {}
        }

        let field_errors = match obj.get("errors") {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(field, msgs)| (field.clone(), messages_of(msgs)))
                .collect(),
            _ => FieldErrors::new(),
        };
        if message.is_none() {
            message = field_errors
                .values()
                .flat_map(|m| m.first())
                .next()
                .cloned();
        }
        Self {
            code,
            message: message.unwrap_or_else(fallback),
            field_errors,
        }
    }
}

/// A field's messages: a list of strings, a bare string, or anything else shown as JSON.
fn messages_of(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts how often a body is decoded.
    static DECODES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Counted {
        data: Inner,
    }

    #[derive(Debug)]
    struct Inner;

    impl<'de> serde::Deserialize<'de> for Inner {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            DECODES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            #[derive(serde::Deserialize)]
            #[allow(dead_code)]
            struct Shape {
                id: u64,
            }
            Shape::deserialize(d).map(|_| Inner)
        }
    }

    #[test]
    fn a_refused_body_is_decoded_once_with_its_path() {
        let body = br#"{"data": {"id": "not a number"}}"#;
        let before = DECODES.load(std::sync::atomic::Ordering::SeqCst);
        let error = Error::decode::<Counted>(Some(StatusCode::OK), None, body).unwrap_err();
        assert_eq!(
            DECODES.load(std::sync::atomic::Ordering::SeqCst) - before,
            1
        );
        match error {
            Error::Decode { path, status, .. } => {
                assert_eq!(path.as_deref(), Some("data.id"));
                assert_eq!(status, Some(StatusCode::OK));
            }
            other => panic!("{other:?}"),
        }
        // Trailing bytes are refused as the fast decoder refuses them.
        let error = Error::decode::<Counted>(None, None, br#"{"data": {"id": 1}} x"#).unwrap_err();
        assert!(
            matches!(error, Error::Decode { path: None, .. }),
            "{error:?}"
        );
        assert!(Error::decode::<Counted>(None, None, br#"{"data": {"id": 1}}"#).is_ok());
    }

    fn parse(status: u16, body: &str) -> Error {
        Error::from_response_parts(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
            SystemTime::now(),
        )
    }

    #[test]
    fn error_stays_small() {
        // Keeps `Result<T, Error>` cheap to move.
        assert!(std::mem::size_of::<Error>() <= 136);
    }

    #[test]
    fn laravel_validation() {
        let e = parse(
            422,
            r#"{"message": "The given data was invalid.", "errors": {"email": ["The email must be a valid email address.", "Taken."], "first_name": "Too long."}}"#,
        );
        assert_eq!(e.to_string(), "HTTP 422: The given data was invalid.");
        assert_eq!(e.field_errors()["email"].len(), 2);
        assert_eq!(e.field_errors()["first_name"], vec!["Too long."]);
    }

    #[test]
    fn validation_without_message_uses_first_field_message() {
        let e = parse(422, r#"{"error": true, "errors": {"role": ["Bad role."]}}"#);
        assert_eq!(e.to_string(), "HTTP 422: Bad role.");
    }

    #[test]
    fn error_true_with_code() {
        let e = parse(
            404,
            r#"{"error": true, "message": "Guest not found", "code": "RESOURCE_NOT_FOUND"}"#,
        );
        assert_eq!(
            e.to_string(),
            "HTTP 404 RESOURCE_NOT_FOUND: Guest not found"
        );
        assert!(e.is_not_found());
        let e = parse(
            422,
            r#"{"error": true, "message": "x", "code": "RESOURCE_NOT_FOUND"}"#,
        );
        assert!(e.is_not_found());
    }

    #[test]
    fn nested_seat_limit() {
        let e = parse(
            409,
            r#"{"error": {"code": "SEAT_POOL_EXHAUSTED", "message": "No full seats left", "details": {"pool_type": "full"}}}"#,
        );
        assert_eq!(e.code(), Some("SEAT_POOL_EXHAUSTED"));
        assert_eq!(
            e.to_string(),
            "HTTP 409 SEAT_POOL_EXHAUSTED: No full seats left"
        );
        assert!(!e.is_retryable());
    }

    #[test]
    fn rate_limit_with_code_and_retry_after() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        h.insert("x-request-id", "req-42".parse().unwrap());
        let e = Error::from_response_parts(
            StatusCode::TOO_MANY_REQUESTS,
            &h,
            br#"{"message": "You've reached the hourly limit", "code": "RATE_LIMIT_EXCEEDED"}"#,
            SystemTime::now(),
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(e.request_id(), Some("req-42"));
        assert!(e.is_retryable());
        assert_eq!(
            e.to_string(),
            "HTTP 429 RATE_LIMIT_EXCEEDED: You've reached the hourly limit (retry after 7s)"
        );
    }

    #[test]
    fn oauth_string_error() {
        let e = parse(401, r#"{"error": "invalid_client"}"#);
        assert_eq!(e.to_string(), "HTTP 401 invalid_client: invalid_client");
        let e = parse(
            401,
            r#"{"error": "invalid_client", "error_description": "Client authentication failed"}"#,
        );
        assert_eq!(
            e.to_string(),
            "HTTP 401 invalid_client: Client authentication failed"
        );
    }

    #[test]
    fn display_strings() {
        let mut with_retry = HeaderMap::new();
        with_retry.insert("retry-after", "30".parse().unwrap());
        let cases = [
            (
                422,
                HeaderMap::new(),
                r#"{"message": "The given data was invalid.", "errors": {"email": ["Taken."]}}"#,
            ),
            (
                422,
                HeaderMap::new(),
                r#"{"error": true, "errors": {"role": "Bad role."}}"#,
            ),
            (
                404,
                HeaderMap::new(),
                r#"{"error": true, "message": "Guest not found", "code": "RESOURCE_NOT_FOUND"}"#,
            ),
            (
                409,
                HeaderMap::new(),
                r#"{"error": {"code": "SEAT_POOL_EXHAUSTED", "message": "No seats.", "details": {"pool_type": "full"}}}"#,
            ),
            (
                429,
                with_retry,
                r#"{"message": "Hourly limit reached.", "code": "RATE_LIMIT_EXCEEDED"}"#,
            ),
            (401, HeaderMap::new(), r#"{"error": "invalid_client"}"#),
            (502, HeaderMap::new(), "<html>Bad gateway</html>"),
            (500, HeaderMap::new(), ""),
        ];
        let mut out = String::new();
        for (status, headers, body) in cases {
            let e = Error::from_response_parts(
                StatusCode::from_u16(status).unwrap(),
                &headers,
                body.as_bytes(),
                SystemTime::now(),
            );
            out.push_str(&format!("{e}\n"));
        }
        out.push_str(&format!(
            "{}\n",
            Error::invalid_input("email", "must contain `@`")
        ));
        out.push_str(&format!(
            "{}\n",
            Error::Timeout {
                kind: TimeoutKind::PerAttempt,
                after: Duration::from_secs(30)
            }
        ));
        out.push_str(&format!(
            "{}\n",
            Error::Pagination {
                page: 2,
                reason: "the server sent the previous page's items again".into()
            }
        ));
        out.push_str(&format!(
            "{}\n",
            Error::Config(ConfigError::MissingEnv {
                var: "TALLYFY_ORG_ID"
            })
        ));
        insta::assert_snapshot!("error_display", out);
    }

    #[test]
    fn non_json_bodies_never_fail() {
        let e = parse(502, "<html><body>Bad gateway</body></html>");
        assert_eq!(e.to_string(), "HTTP 502: Bad Gateway");
        assert!(e.is_retryable());
        assert!(matches!(&e, Error::Api { body, .. } if body.contains("Bad gateway")));
        assert_eq!(
            parse(429, "Too Many Attempts.").to_string(),
            "HTTP 429: Too Many Attempts."
        );
        assert_eq!(
            parse(500, "").to_string(),
            "HTTP 500: Internal Server Error"
        );
        for odd in [
            "[]",
            "null",
            "42",
            r#"{"errors": []}"#,
            r#"{"errors": {"a": null, "b": 3, "c": [1, {"x": 1}]}}"#,
            r#"{"error": 5, "message": 7}"#,
            "\u{0}\u{ffff}",
        ] {
            let _ = parse(400, odd).to_string();
        }
    }
}
