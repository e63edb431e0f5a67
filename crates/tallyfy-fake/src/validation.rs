//! Laravel-style validation of request bodies and query parameters.
//!
//! Bodies are read as `serde_json::Value` rather than into the generated request types, so that every
//! broken rule becomes a 422 with Laravel's messages (`"The first name may not be greater than 200
//! characters."`) instead of a serde error, and so that all failures of one request are reported
//! together, as Laravel does.
//!
//! The rules follow `openapi/tallyfy.yaml`: JSON types (a number where a string belongs is refused),
//! `required`, `maxLength`/`minLength` (counted in characters), the `EmailAddress` and `AbsoluteUrl`
//! patterns (see [`is_email`] and [`is_url`]), enums and patterns.

use serde_json::{Map, Value};

use crate::errors::FieldErrors;

/// Laravel's name for a field in messages: `first_name` becomes `first name`.
fn attr(field: &str) -> String {
    field.replace('_', " ")
}

/// Whether `c` counts as non-ASCII in the email and URL rules: anything from U+00A0 on (the C1
/// controls U+0080 to U+009F are refused like the ASCII ones).
fn non_ascii(c: char) -> bool {
    u32::from(c) >= 0xA0
}

/// Whether `s` is an email address as Tallyfy's "RFC/DNS validation" takes one, apart from the DNS
/// lookup (so `user@localhost` passes): the spec's `EmailAddress`, tested with the SDK's check on
/// the shared table `tests/rules/table.rs`.
///
/// At most 254 characters. Before the last `@`, 1 to 64 characters: either a dot-atom (RFC 5322
/// `atext` or non-ASCII characters, in runs joined by single dots) or a quoted string (printable ASCII
/// other than `"` and `\`, spaces, non-ASCII characters, and `\` before a printable ASCII character
/// or a space). After it, labels of 1 to 63 letters, digits, hyphens and non-ASCII characters, joined
/// by single dots, none starting or ending with a hyphen.
///
/// ```
/// use tallyfy_fake::validation::is_email;
/// assert!(is_email("o'brien+tag@x.io"));
/// assert!(is_email("a/b%c#d?e@example.com"));
/// assert!(is_email("zoë@exämple.de"));
/// assert!(is_email("\"john doe\"@example.com"));
/// assert!(!is_email("not-an-email"));
/// assert!(!is_email("two@@example.com"));
/// assert!(!is_email("dot.@example.com"));
/// assert!(!is_email("@example.com"));
/// ```
pub fn is_email(s: &str) -> bool {
    if s.chars().count() > 254 {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let local_len = local.chars().count();
    let local_ok = (1..=64).contains(&local_len) && (is_dot_atom(local) || is_quoted(local));
    let letter_or_digit = |c: char| c.is_ascii_alphanumeric() || non_ascii(c);
    let domain_ok = domain.split('.').all(|label| {
        let n = label.chars().count();
        (1..=63).contains(&n)
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c == '-' || letter_or_digit(c))
    });
    local_ok && domain_ok
}

/// Runs of RFC 5322 `atext` (printable ASCII other than the specials `"(),.:;<>@[\]`) or non-ASCII
/// characters, joined by single dots.
fn is_dot_atom(s: &str) -> bool {
    let atext = |c: char| non_ascii(c) || (c.is_ascii_graphic() && !r#""(),.:;<>@[\]"#.contains(c));
    s.split('.')
        .all(|run| !run.is_empty() && run.chars().all(atext))
}

/// `"` ... `"` around printable ASCII other than `"` and `\`, spaces, non-ASCII characters, and
/// quoted pairs (`\` and a printable ASCII character or a space).
fn is_quoted(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return false;
    };
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\\' => matches!(chars.next(), Some(' '..='~')),
            '"' => false,
            ' '..='~' => true,
            c => non_ascii(c),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Whether every character of `s` is `allowed` or belongs to a `%XX` escape.
fn allowed_or_escaped(s: &str, allowed: impl Fn(char) -> bool) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let hex = |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit());
            if !(hex(chars.next()) && hex(chars.next())) {
                return false;
            }
        } else if !allowed(c) {
            return false;
        }
    }
    true
}

/// Whether `s` is a URL of the shape Laravel's `url` rule accepts (Tallyfy's "must be a valid URL"):
/// the spec's `AbsoluteUrl`, tested with the SDK's check on the shared table `tests/rules/table.rs`.
///
/// `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`: a scheme as RFC 3986 writes
/// them; a user and password of letters, digits, `-._`, non-ASCII characters and `%XX`; a host of
/// dot-separated labels of letters, digits, `-_` and non-ASCII characters (one final dot allowed), or
/// an IPv6 address in brackets; a port of digits; and a path, query and fragment of RFC 3986's
/// characters for each (`pchar`, plus `/?[]` in the query and `/?` in the fragment), non-ASCII
/// characters and `%XX`.
///
/// ```
/// use tallyfy_fake::validation::is_url;
/// assert!(is_url("https://example.com/a?b=c"));
/// assert!(is_url("ftp://example.com/file.txt"));
/// assert!(!is_url("example.com"));
/// assert!(!is_url("mailto:a@example.com"));
/// assert!(!is_url("https://example.com/a b"));
/// ```
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return false;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host_port = match authority.split_once('@') {
        None => authority,
        Some((userinfo, host_port)) => {
            let user_char =
                |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') || non_ascii(c);
            let part = |p: &str| !p.is_empty() && allowed_or_escaped(p, user_char);
            let userinfo_ok = match userinfo.split_once(':') {
                Some((user, password)) => part(user) && part(password),
                None => part(userinfo),
            };
            if !userinfo_ok {
                return false;
            }
            host_port
        }
    };
    let port = if let Some(bracketed) = host_port.strip_prefix('[') {
        let Some((address, after)) = bracketed.split_once(']') else {
            return false;
        };
        if address.is_empty()
            || !address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return false;
        }
        after
    } else {
        let (host, port) = host_port.split_at(host_port.find(':').unwrap_or(host_port.len()));
        let host = host.strip_suffix('.').unwrap_or(host);
        let label_char =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_') || non_ascii(c);
        if !host
            .split('.')
            .all(|label| !label.is_empty() && label.chars().all(label_char))
        {
            return false;
        }
        port
    };
    if !port.is_empty() {
        match port.strip_prefix(':') {
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {}
            _ => return false,
        }
    }
    let pchar =
        |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c) || non_ascii(c);
    let (rest, fragment) = match tail.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    allowed_or_escaped(path, |c| c == '/' || pchar(c))
        && query.is_none_or(|q| allowed_or_escaped(q, |c| "/?[]".contains(c) || pchar(c)))
        && fragment.is_none_or(|f| allowed_or_escaped(f, |c| "/?".contains(c) || pchar(c)))
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
