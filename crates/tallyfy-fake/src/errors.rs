//! The error bodies the fake sends, one constructor per documented shape.
//!
//! Tallyfy uses several shapes (see `openapi/tallyfy.yaml`, schema `ApiError`); the fake sends each
//! where the documentation says Tallyfy does:
//! - `{"error": true, "message": ..., "code": ...}` for 404s, 403s and 400s;
//! - Laravel's `{"message": "The given data was invalid.", "errors": {field: [..]}}` for validation
//!   failures (422);
//! - the nested `{"error": {"code": "SEAT_POOL_EXHAUSTED", ...}}` for 409s;
//! - `{"message": "Unauthenticated."}` for 401s;
//! - `{"message": ..., "code": "RATE_LIMIT_EXCEEDED"}` with `Retry-After` for 429s (in `faults.rs`).
//!
//! Every body is built from `tallyfy_client::types::ApiError`, so a change to that schema shows up here
//! at compile time.

use std::collections::{BTreeMap, HashMap};

use axum::body::Body;
use http::{HeaderValue, Response, StatusCode, header};
use serde::Serialize;
use tallyfy_client::types::{ApiError, ApiErrorError, FieldMessages, NestedError};

/// The message of every Laravel validation failure.
pub const VALIDATION_MESSAGE: &str = "The given data was invalid.";

/// A JSON response with the given status.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response<Body> {
    let bytes = serde_json::to_vec(body).expect("the fake's bodies always serialize");
    json_bytes(status, bytes)
}

/// A JSON response from bytes that are already JSON.
pub(crate) fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response<Body> {
    let mut res = Response::new(Body::from(bytes));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

fn api_error(status: StatusCode, error: ApiError) -> Response<Body> {
    json(status, &error)
}

/// `{"error": true, "message": message}` plus an optional `code`.
pub(crate) fn simple(status: StatusCode, message: &str, code: Option<&str>) -> Response<Body> {
    api_error(
        status,
        ApiError {
            error: Some(ApiErrorError::Boolean(true)),
            message: Some(message.to_string()),
            code: code.map(str::to_string),
            errors: HashMap::new(),
            error_description: None,
        },
    )
}

/// 404 for a path that is not part of the API.
pub(crate) fn endpoint_not_found() -> Response<Body> {
    simple(
        StatusCode::NOT_FOUND,
        "API endpoint not found",
        Some("ENDPOINT_NOT_FOUND"),
    )
}

/// 404 for an unknown guest or member.
pub(crate) fn resource_not_found() -> Response<Body> {
    simple(
        StatusCode::NOT_FOUND,
        "Resource not found",
        Some("RESOURCE_NOT_FOUND"),
    )
}

/// 403 for an organization the token does not belong to.
pub(crate) fn wrong_org() -> Response<Body> {
    simple(
        StatusCode::FORBIDDEN,
        "You don't have application's permissions for this organization!",
        None,
    )
}

/// 401 in Laravel's shape.
pub(crate) fn unauthenticated(message: &str) -> Response<Body> {
    api_error(
        StatusCode::UNAUTHORIZED,
        ApiError {
            error: None,
            message: Some(message.to_string()),
            code: None,
            errors: HashMap::new(),
            error_description: None,
        },
    )
}

/// 405 with the `Allow` header listing the methods the path accepts.
pub(crate) fn method_not_allowed(allow: &[&str]) -> Response<Body> {
    let mut res = simple(
        StatusCode::METHOD_NOT_ALLOWED,
        "The method is not supported for this route.",
        Some("METHOD_NOT_ALLOWED"),
    );
    let allow = allow.join(", ");
    res.headers_mut().insert(
        header::ALLOW,
        HeaderValue::from_str(&allow).expect("method names are valid header values"),
    );
    res
}

/// 409 with the nested seat-limit body.
pub(crate) fn seat_pool_exhausted() -> Response<Body> {
    let mut details = serde_json::Map::new();
    details.insert("pool_type".into(), "full".into());
    api_error(
        StatusCode::CONFLICT,
        ApiError {
            error: Some(ApiErrorError::NestedError(NestedError {
                code: Some("SEAT_POOL_EXHAUSTED".into()),
                message: Some("There are no free seats left in this organization.".into()),
                details: Some(details),
            })),
            message: None,
            code: None,
            errors: HashMap::new(),
            error_description: None,
        },
    )
}

/// Field name to its messages, in a stable order.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// 422 in Laravel's shape: `{"message": "The given data was invalid.", "errors": {...}}`.
pub(crate) fn validation(errors: FieldErrors) -> Response<Body> {
    api_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        ApiError {
            error: None,
            message: Some(VALIDATION_MESSAGE.into()),
            code: None,
            errors: errors
                .into_iter()
                .map(|(k, v)| (k, FieldMessages::Array(v)))
                .collect(),
            error_description: None,
        },
    )
}

/// 422 for a single field.
pub(crate) fn validation_one(field: &str, message: impl Into<String>) -> Response<Body> {
    let mut errors = FieldErrors::new();
    errors.insert(field.to_string(), vec![message.into()]);
    validation(errors)
}

/// 400 for removing a bot user (message as documented).
pub(crate) fn bot_not_removable() -> Response<Body> {
    simple(
        StatusCode::BAD_REQUEST,
        "You can't remove a bot user from this organization!",
        None,
    )
}

/// 400 for editing a bot user. The docs state the rule, not the status or message: these are the
/// fake's, chosen to match the removal error.
pub(crate) fn bot_not_editable() -> Response<Body> {
    simple(StatusCode::BAD_REQUEST, "You can't edit a bot user.", None)
}

/// 403 for editing the profile of a member who also belongs to other organizations (only they may).
/// The docs state the rule, not the status or message: these are the fake's.
pub(crate) fn profile_owned_elsewhere() -> Response<Body> {
    simple(
        StatusCode::FORBIDDEN,
        "This member belongs to other organizations too; only they can update their profile.",
        None,
    )
}

/// 400 for an attempt to change the default administrator.
pub(crate) fn default_admin() -> Response<Body> {
    simple(
        StatusCode::BAD_REQUEST,
        "Cannot modify the default administrator. Please assign another member as default administrator first.",
        None,
    )
}
