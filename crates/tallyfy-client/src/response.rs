//! Decoding a 2xx response into its typed value: what progenitor's `ResponseValue::from_response`
//! does, without copying the response headers (it clones the whole header map before reading the
//! body; this takes them apart from the body instead). The xtask points the generated code here.

use http_body_util::BodyExt;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Reads the body and decodes it as JSON into `T`, keeping the status and headers.
///
/// A body that cannot be read is [`Error::ResponseBodyError`]; one that does not decode is
/// [`Error::InvalidResponsePayload`] with the bytes, as with progenitor's own function.
pub async fn decode_response<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let (parts, body) = http::Response::from(response).into_parts();
    let bytes = body
        .collect()
        .await
        .map_err(Error::ResponseBodyError)?
        .to_bytes();
    let inner =
        serde_json::from_slice(&bytes).map_err(|e| Error::InvalidResponsePayload(bytes, e))?;
    Ok(ResponseValue::new(inner, status, parts.headers))
}
