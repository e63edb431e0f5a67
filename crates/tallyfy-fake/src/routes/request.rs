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
    /// The request's `Content-Type`, if any.
    pub content_type: Option<String>,
}

impl Ctx<'_> {
    /// `http://host` plus the `/api` prefix when the request used it: what comes before
    /// `/organizations/...` (the base of an asset's `full_url`).
    pub fn api_base(&self) -> &str {
        self.self_url
            .split_once("/organizations/")
            .map_or(self.self_url.as_str(), |(base, _)| base)
    }

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

/// A query parameter's value, with an empty value taken as absent (Laravel turns `""` into
/// `null`).
pub(crate) fn nonempty<'a>(ctx: &'a Ctx<'_>, name: &str) -> Option<&'a str> {
    ctx.param(name).filter(|v| !v.is_empty())
}

/// A query parameter that must be one of `allowed` (an empty value is not); `Err` is the 422.
pub(crate) fn enum_param<'a>(
    ctx: &'a Ctx<'_>,
    name: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, Response<Body>> {
    match ctx.param(name) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v)),
        Some(_) => Err(errors::validation_one(
            name,
            format!("The selected {} is invalid.", name.replace('_', " ")),
        )),
    }
}

/// A boolean query parameter (`true`/`false`/`1`/`0`); `Err` is the 422.
pub(crate) fn bool_param(ctx: &Ctx<'_>, name: &str) -> Result<Option<bool>, Response<Body>> {
    match ctx.param(name) {
        None => Ok(None),
        Some(v) => crate::validation::query_bool(v).map(Some).ok_or_else(|| {
            errors::validation_one(
                name,
                format!(
                    "The {} field must be true or false.",
                    name.replace('_', " ")
                ),
            )
        }),
    }
}

/// A comma-separated list of member ids (`owners`). The spec leaves it a free string, so an entry
/// that is not an integer is kept out of the list (it matches nobody) rather than refused.
pub(crate) fn int_list_param(ctx: &Ctx<'_>, name: &str) -> Option<Vec<i64>> {
    let raw = nonempty(ctx, name)?;
    Some(
        raw.split(',')
            .filter_map(|s| s.trim().parse::<i64>().ok())
            .collect(),
    )
}

/// The comma list `with`: every name must be one of `allowed` (an empty value is refused, as
/// the spec's pattern does); `Err` is the 422.
pub(crate) fn includes<'a>(
    ctx: &'a Ctx<'_>,
    allowed: &[&str],
) -> Result<Vec<&'a str>, Response<Body>> {
    let Some(raw) = ctx.param("with") else {
        return Ok(Vec::new());
    };
    // As the spec's pattern: names joined by single commas, no spaces, none empty.
    let names: Vec<&str> = raw.split(',').collect();
    if names.iter().all(|n| allowed.contains(n)) {
        Ok(names)
    } else {
        Err(errors::validation_one(
            "with",
            "The selected with is invalid.",
        ))
    }
}

/// `page`, `per_page` (default `default_per_page`, capped at `cap`) and `without_pagination`.
pub(crate) struct Paging {
    pub page: u64,
    pub per_page: u64,
    pub all: bool,
}

impl Paging {
    pub fn read(ctx: &Ctx<'_>, default_per_page: u64, cap: u64) -> Result<Self, Response<Body>> {
        let page = positive_param(ctx, "page")?.unwrap_or(1);
        let per_page = positive_param(ctx, "per_page")?
            .unwrap_or(default_per_page)
            .min(cap);
        let all = bool_param(ctx, "without_pagination")?.unwrap_or(false);
        Ok(Self {
            page,
            per_page,
            all,
        })
    }

    /// The window of this page over `total` items.
    pub fn window(&self, total: usize) -> crate::pagination::PageWindow {
        if self.all {
            crate::pagination::PageWindow::new(total, 1, total.max(1) as u64)
        } else {
            crate::pagination::PageWindow::new(total, self.page, self.per_page)
        }
    }
}

/// A list response: `data` and `meta.pagination` with links to the neighbouring pages. Items are
/// anything that serializes: JSON values, or records written straight to the body (see
/// [`State::task_item`](crate::state::State::task_item)).
pub(crate) fn list_response<T: serde::Serialize>(
    ctx: &Ctx<'_>,
    window: &crate::pagination::PageWindow,
    data: Vec<T>,
) -> Response<Body> {
    #[derive(serde::Serialize)]
    struct ListBody<T> {
        data: Vec<T>,
        meta: Value,
    }
    let meta = window.meta(|p| crate::pagination::page_url(&ctx.self_url, &ctx.query, p));
    let meta = crate::pagination::meta_json(&meta);
    errors::json(http::StatusCode::OK, &ListBody { data, meta })
}

/// `{"data": value}` with the given status.
pub(crate) fn data(status: http::StatusCode, value: Value) -> Response<Body> {
    let mut body = serde_json::Map::new();
    body.insert("data".into(), value);
    errors::json(status, &body)
}

/// The response to a refused workflow operation: 404 or the 422 validation body.
pub(crate) fn refused(r: crate::workflow::ops::Refusal) -> Response<Body> {
    match r {
        crate::workflow::ops::Refusal::NotFound => errors::resource_not_found(),
        crate::workflow::ops::Refusal::Invalid(e) => errors::validation(e),
    }
}

/// The sort order from the first of `names` that is present, as `(field, descending)`.
///
/// `allowed` lists every accepted value, `-` forms included (`["deadline", "-deadline"]`). A value
/// outside it is a 422 when `strict`; otherwise (the spec leaves the parameter a free string) the
/// `default` order is used.
pub(crate) fn sort_param<'a>(
    ctx: &'a Ctx<'_>,
    names: &[&str],
    allowed: &[&str],
    default: &'a str,
    strict: bool,
) -> Result<(&'a str, bool), Response<Body>> {
    // Strict: an empty value is a value outside the enum too (the spec's enum has no "").
    let found = names.iter().find_map(|n| {
        let v = if strict {
            ctx.param(n)
        } else {
            nonempty(ctx, n)
        };
        v.map(|v| (*n, v))
    });
    let raw = match found {
        None => default,
        Some((_, v)) if allowed.contains(&v) => v,
        Some(_) if !strict => default,
        Some((name, _)) => {
            return Err(errors::validation_one(
                name,
                format!("The selected {} is invalid.", name.replace('_', " ")),
            ));
        }
    };
    Ok(match raw.strip_prefix('-') {
        Some(f) => (f, true),
        None => (raw, false),
    })
}

/// An empty response with this status (`204`, or `200` for the deletes that answer so).
pub(crate) fn empty(status: http::StatusCode) -> Response<Body> {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = status;
    res
}

/// `204 No Content`.
pub(crate) fn no_content() -> Response<Body> {
    empty(http::StatusCode::NO_CONTENT)
}
