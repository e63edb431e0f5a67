//! What a handler gets besides the state: the decoded query and the body ([`Ctx`]), and the query
//! parameters several operations read the same way (`page`, `per_page`, `sort`).
//!
//! `mod.rs` builds a [`Ctx`] and calls the handlers in `guests.rs` and `members.rs`; they import
//! from here, never from `mod.rs`.

use axum::body::Body;
use bytes::Bytes;
use http::Response;
use serde_json::{Map, Value};

use crate::errors;

/// What a handler gets besides the state.
pub(crate) struct Ctx<'a> {
    /// Query parameters, decoded (`+` is a space here, as in any query string).
    pub query: Vec<(String, String)>,
    /// The request body.
    pub body: &'a Bytes,
    /// `http://host/raw/path`: the base of pagination links.
    pub self_url: String,
}

impl Ctx<'_> {
    /// The last value of a query parameter (PHP keeps the last one too).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as a JSON object. Every operation with a body requires one (the spec marks each
    /// `requestBody` required): a missing body, or one that is not a JSON object, is a 422.
    pub fn json_object(&self) -> Result<Map<String, Value>, Response<Body>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(errors::validation_one(
                "body",
                "The request body is required.",
            ));
        }
        match serde_json::from_slice::<Value>(self.body) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(errors::validation_one(
                "body",
                "The request body must be a JSON object.",
            )),
        }
    }
}

/// A positive integer query parameter (`page`, `per_page`); `Err` is the 422.
pub(crate) fn positive_param(ctx: &Ctx<'_>, name: &str) -> Result<Option<u64>, Response<Body>> {
    let Some(raw) = ctx.param(name) else {
        return Ok(None);
    };
    let label = name.replace('_', " ");
    match raw.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(Some(n.unsigned_abs())),
        Ok(_) => Err(errors::validation_one(
            name,
            format!("The {label} must be at least 1."),
        )),
        Err(_) => Err(errors::validation_one(
            name,
            format!("The {label} must be an integer."),
        )),
    }
}

/// Sort order from `sort` (or `sort_by`): the field and whether it is descending.
pub(crate) fn sort_order<'a>(ctx: &'a Ctx<'_>, also_sort_by: bool) -> (&'a str, bool) {
    let raw = ctx
        .param("sort")
        .or_else(|| {
            if also_sort_by {
                ctx.param("sort_by")
            } else {
                None
            }
        })
        .filter(|s| !s.is_empty())
        .unwrap_or("created_at");
    match raw.strip_prefix('-') {
        Some(field) => (field, true),
        None => (raw, false),
    }
}
