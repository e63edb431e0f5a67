//! Laravel-style validation of request bodies and query parameters.
//!
//! Bodies are read as `serde_json::Value` rather than into the generated request types, so that every
//! broken rule becomes a 422 with Laravel's messages (`"The first name may not be greater than 200
//! characters."`) instead of a serde error, and so that all failures of one request are reported
//! together, as Laravel does.
//!
//! The rules follow `openapi/tallyfy.yaml`: JSON types (a number where a string belongs is refused),
//! `required`, `maxLength`/`minLength` (counted in characters), `format: email`, `format: uri` (an
//! absolute `http`/`https` URL, like Laravel's `url` rule), enums and patterns.

use serde_json::{Map, Value};

use crate::errors::FieldErrors;

/// Laravel's name for a field in messages: `first_name` becomes `first name`.
fn attr(field: &str) -> String {
    field.replace('_', " ")
}

/// Whether `s` is an email address: a dot-atom local part (any RFC 5322 `atext`, plus non-ASCII as
/// RFC 6531 allows), `@`, and a domain of letters, digits and hyphens in dot-separated labels.
///
/// ```
/// use tallyfy_fake::validation::is_email;
/// assert!(is_email("o'brien+tag@x.io"));
/// assert!(is_email("a/b%c#d?e@example.com"));
/// assert!(is_email("zoë@exämple.de"));
/// assert!(!is_email("not-an-email"));
/// assert!(!is_email("two@@example.com"));
/// assert!(!is_email("dot.@example.com"));
/// ```
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let atext =
        |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii();
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c == '.' || atext(c));
    let domain_ok = !domain.is_empty()
        && domain.len() <= 255
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric())
                })
        });
    local_ok && domain_ok
}

/// Whether `s` is an absolute `http` or `https` URL with a host.
///
/// ```
/// use tallyfy_fake::validation::is_url;
/// assert!(is_url("https://example.com/a?b=c"));
/// assert!(!is_url("example.com"));
/// assert!(!is_url("ftp://example.com"));
/// ```
pub fn is_url(s: &str) -> bool {
    match url::Url::parse(s) {
        Ok(u) => matches!(u.scheme(), "http" | "https") && u.host().is_some(),
        Err(_) => false,
    }
}

/// Whether `s` has the shape `YYYY-MM-DD HH:MM:SS`.
///
/// ```
/// use tallyfy_fake::validation::is_sql_datetime;
/// assert!(is_sql_datetime("2025-01-15 10:30:00"));
/// assert!(!is_sql_datetime("2025-01-15T10:30:00Z"));
/// ```
pub fn is_sql_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// Collects the errors of one request body.
pub(crate) struct Validator<'a> {
    body: &'a Map<String, Value>,
    pub errors: FieldErrors,
}

impl<'a> Validator<'a> {
    pub fn new(body: &'a Map<String, Value>) -> Self {
        Self {
            body,
            errors: FieldErrors::new(),
        }
    }

    /// Records a message for `field`.
    pub fn fail(&mut self, field: &str, message: String) {
        self.errors
            .entry(field.to_string())
            .or_default()
            .push(message);
    }

    fn failed(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// `required`: present, not null, and not an empty string.
    pub fn required(&mut self, field: &str) -> bool {
        let ok = match self.body.get(field) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        };
        if !ok {
            self.fail(field, format!("The {} field is required.", attr(field)));
        }
        ok
    }

    /// A string field; `nullable` lets `null` through. Returns the string when it is one.
    pub fn string(&mut self, field: &str, nullable: bool) -> Option<&'a str> {
        match self.body.get(field) {
            None => None,
            Some(Value::Null) if nullable => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                if !self.failed(field) {
                    self.fail(field, format!("The {} must be a string.", attr(field)));
                }
                None
            }
        }
    }

    /// A string field with length limits (in characters).
    pub fn text(
        &mut self,
        field: &str,
        nullable: bool,
        min: Option<usize>,
        max: Option<usize>,
    ) -> Option<&'a str> {
        let s = self.string(field, nullable)?;
        let len = s.chars().count();
        if let Some(max) = max.filter(|m| len > *m) {
            self.fail(
                field,
                format!(
                    "The {} may not be greater than {max} characters.",
                    attr(field)
                ),
            );
        }
        if let Some(min) = min.filter(|m| len < *m)
            && !self.failed(field)
        {
            self.fail(
                field,
                format!("The {} must be at least {min} characters.", attr(field)),
            );
        }
        Some(s)
    }

    /// An email address field.
    pub fn email(&mut self, field: &str) -> Option<&'a str> {
        let s = self.string(field, false)?;
        if !s.is_empty() && !is_email(s) {
            self.fail(
                field,
                format!("The {} must be a valid email address.", attr(field)),
            );
        }
        Some(s)
    }

    /// A URL field.
    pub fn url(&mut self, field: &str) {
        if let Some(s) = self.string(field, false)
            && !is_url(s)
        {
            self.fail(field, format!("The {} format is invalid.", attr(field)));
        }
    }

    /// A string that must be one of `allowed`.
    pub fn one_of(&mut self, field: &str, nullable: bool, allowed: &[&str]) -> Option<&'a str> {
        let s = self.string(field, nullable)?;
        if !allowed.contains(&s) {
            self.fail(field, format!("The selected {} is invalid.", attr(field)));
            return None;
        }
        Some(s)
    }

    /// A `YYYY-MM-DD HH:MM:SS` field.
    pub fn sql_datetime(&mut self, field: &str) {
        if let Some(s) = self.string(field, false)
            && !is_sql_datetime(s)
        {
            self.fail(
                field,
                format!("The {} does not match the format Y-m-d H:i:s.", attr(field)),
            );
        }
    }

    /// An integer field.
    pub fn integer(&mut self, field: &str) -> Option<i64> {
        match self.body.get(field) {
            None => None,
            Some(v) => match v.as_i64() {
                Some(n) => Some(n),
                None => {
                    self.fail(field, format!("The {} must be an integer.", attr(field)));
                    None
                }
            },
        }
    }

    /// A boolean field.
    pub fn boolean(&mut self, field: &str) -> Option<bool> {
        match self.body.get(field) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.fail(
                    field,
                    format!("The {} field must be true or false.", attr(field)),
                );
                None
            }
        }
    }

    /// An array of integers.
    pub fn integer_array(&mut self, field: &str) -> Option<Vec<i64>> {
        match self.body.get(field) {
            None => None,
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.as_i64() {
                        Some(n) => out.push(n),
                        None => self.fail(
                            &format!("{field}.{i}"),
                            format!("The {field}.{i} must be an integer."),
                        ),
                    }
                }
                Some(out)
            }
            Some(_) => {
                self.fail(field, format!("The {} must be an array.", attr(field)));
                None
            }
        }
    }

    /// Whether no rule failed.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A boolean query parameter as Laravel reads one (`true`/`false`/`1`/`0`).
pub(crate) fn query_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}
