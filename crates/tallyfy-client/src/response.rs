//! Decoding a 2xx response into its typed value. The xtask points the generated code here instead
//! of progenitor's `ResponseValue::from_response`, which differs in two ways:
//! - it clones the whole header map before reading the body; this takes the headers apart from the
//!   body instead;
//! - a body that does not decode comes back as [`Error::UnexpectedResponse`] with its status,
//!   headers (`X-Request-Id`) and bytes, where progenitor's `Error::InvalidResponsePayload` keeps
//!   only the bytes. A 2xx that does not match the spec is a response the API description did not
//!   promise, and whoever reports it wants to say which status and request it was.

use http_body_util::BodyExt;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Reads the body and decodes it as JSON into `T`, keeping the status and headers.
///
/// A body that cannot be read is [`Error::ResponseBodyError`]. A body that does not decode is
/// [`Error::UnexpectedResponse`] holding the same status, headers and body, to be read again with
/// `bytes()` (its status is still a 2xx, which is how to tell it from an error status).
pub async fn decode_response<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let (parts, body) = http::Response::from(response).into_parts();
    let bytes = body
        .collect()
        .await
        .map_err(Error::ResponseBodyError)?
        .to_bytes();
    match serde_json::from_slice(&bytes) {
        Ok(inner) => Ok(ResponseValue::new(inner, parts.status, parts.headers)),
        Err(_) => Err(Error::UnexpectedResponse(reqwest::Response::from(
            http::Response::from_parts(parts, bytes),
        ))),
    }
}
