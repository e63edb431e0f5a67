//! Values that go into a URL path: [`GuestKey`] (a guest's id or email), and the checks for guest
//! emails, org ids and numeric ids, one per `x-tallyfy-segment` kind of the spec.
//!
//! The values are checked, never encoded here: the generated client percent-encodes every path
//! parameter exactly once with [`tallyfy_client::encode_path_segment`] (every byte outside
//! `A-Z a-z 0-9 - . _ ~` becomes `%XX`), so encoding here too would turn `%40` into `%2540`.
//!
//! What is refused is only what can never be a valid value, because Tallyfy may hold addresses that a
//! strict validator rejects (internationalized ones included):
//! - empty values;
//! - `.` and `..`, which are unreserved and would be read as dot segments that remove part of the path;
//! - control characters;
//! - for emails, a value without `@`, with more than one `@` outside a quoted local part, or with
//!   nothing before or nothing after the last `@` (no mailbox or no domain).

use crate::error::Error;

/// How to name a guest for [`Guests::purge`](crate::Guests::purge): its numeric id or its
/// email.
///
/// ```
/// let by_id: tallyfy::GuestKey = 17.into();
/// let by_email: tallyfy::GuestKey = "gone@example.com".into();
/// # let _ = (by_id, by_email);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuestKey {
    /// The guest's numeric id.
    Id(i64),
    /// The guest's email.
    Email(String),
}

impl From<i64> for GuestKey {
    fn from(id: i64) -> Self {
        Self::Id(id)
    }
}

impl From<&str> for GuestKey {
    fn from(email: &str) -> Self {
        Self::Email(email.to_owned())
    }
}

impl From<String> for GuestKey {
    fn from(email: String) -> Self {
        Self::Email(email)
    }
}

impl From<&String> for GuestKey {
    fn from(email: &String) -> Self {
        Self::Email(email.clone())
    }
}

/// Checks a guest email used as a path segment.
pub(crate) fn email_segment(email: &str) -> Result<&str, Error> {
    common("email", email)?;
    match unquoted_at_signs(email) {
        0 => Err(Error::invalid_input("email", "must contain `@`")),
        1 => match email.rsplit_once('@') {
            Some(("", _)) => Err(Error::invalid_input(
                "email",
                "must have a local part before the `@`",
            )),
            Some((_, "")) => Err(Error::invalid_input(
                "email",
                "must have a domain after the `@`",
            )),
            _ => Ok(email),
        },
        _ => Err(Error::invalid_input(
            "email",
            "must not contain more than one `@` outside a quoted local part",
        )),
    }
}

/// Checks an organization id used as a path segment.
pub(crate) fn org_segment(org: &str) -> Result<&str, String> {
    match check(org) {
        Some(rule) => Err(rule.to_owned()),
        None => Ok(org),
    }
}

/// Checks a numeric id (members, guests).
pub(crate) fn positive_id(field: &str, id: i64) -> Result<i64, Error> {
    if id > 0 {
        Ok(id)
    } else {
        Err(Error::invalid_input(field, "must be a positive number"))
    }
}

/// Checks a path segment that is a guest's numeric id or its email: a positive number, an email
/// (text with an `@`), or other text (a numeric id already written out) by the common rules only.
pub(crate) fn email_or_id_segment(
    field: &str,
    key: &GuestKey,
) -> Result<std::borrow::Cow<'static, str>, Error> {
    Ok(match key {
        GuestKey::Id(id) => positive_id(field, *id)?.to_string().into(),
        GuestKey::Email(email) if email.contains('@') => email_segment(email)?.to_owned().into(),
        GuestKey::Email(other) => plain_segment(field, other)?.to_owned().into(),
    })
}

/// Checks a string id that is not an email (a guest id given as text).
pub(crate) fn plain_segment<'a>(field: &str, value: &'a str) -> Result<&'a str, Error> {
    common(field, value)?;
    Ok(value)
}

fn common(field: &str, value: &str) -> Result<(), Error> {
    match check(value) {
        Some(rule) => Err(Error::invalid_input(field, rule)),
        None => Ok(()),
    }
}

fn check(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("must not be empty")
    } else if value == "." || value == ".." {
        Some("must not be `.` or `..`")
    } else if has_control(value.as_bytes()) {
        Some("must not contain control characters")
    } else {
        None
    }
}

/// Whether UTF-8 text holds a control character (`char::is_control`: U+0000–U+001F and
/// U+007F–U+009F), decided on bytes because this runs on every call: the C0 controls and DEL are
/// single bytes, and U+0080–U+009F are `0xC2` followed by `0x80`–`0x9F`.
fn has_control(bytes: &[u8]) -> bool {
    // A branch-free pass over every byte first (the common case: nothing that could start one).
    let suspect = |b: u8| b < 0x20 || b == 0x7f || b == 0xc2;
    if !bytes.iter().fold(false, |found, &b| found | suspect(b)) {
        return false;
    }
    bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20 || b == 0x7f || (b == 0xc2 && matches!(bytes.get(i + 1), Some(0x80..=0x9f)))
    })
}

/// Counts the `@` signs that are not inside a double-quoted part (`"a@b"@example.com` has one).
/// Bytes, not chars: `@`, `"` and `\\` are ASCII, and no byte of a multi-byte UTF-8 sequence is.
fn unquoted_at_signs(email: &str) -> usize {
    let bytes = email.as_bytes();
    // The common case, no quoted part: a plain count.
    if !bytes.contains(&b'"') {
        return bytes.iter().filter(|&&b| b == b'@').count();
    }
    let mut quoted = false;
    let mut escaped = false;
    let mut count = 0;
    for &b in bytes {
        if escaped {
            escaped = false;
            continue;
        }
        match b {
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b'@' if !quoted => count += 1,
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_awkward_but_possible_addresses() {
        for ok in [
            "a@b.com",
            "o'brien+tag@x.io",
            "a/b@c.com",
            "a%41@b.com",
            "josé@exämple.com",
            "\"a@b\"@example.com",
            "\"a\\\"@b\"@example.com",
            "a b@c",
            "a@b",
            "..a@b",
        ] {
            assert_eq!(email_segment(ok).unwrap(), ok);
        }
    }

    #[test]
    fn refuses_what_can_never_be_an_address() {
        for (bad, rule) in [
            ("", "empty"),
            (".", "`.`"),
            ("..", "`.`"),
            ("ab.com", "`@`"),
            ("a@b@c.com", "more than one"),
            ("@b.com", "local part"),
            ("a@", "domain"),
            ("@", "local part"),
            ("\"a@b\"@", "domain"),
            ("a@b.com\n", "control"),
            ("a\u{0}@b.com", "control"),
            ("a\u{85}@b.com", "control"),
        ] {
            let e = email_segment(bad).unwrap_err();
            assert!(
                matches!(&e, Error::InvalidInput { field, rule: r } if field == "email" && r.contains(rule)),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn the_byte_scan_finds_exactly_the_control_characters() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let text = c.encode_utf8(&mut buf);
            assert_eq!(has_control(text.as_bytes()), c.is_control(), "{c:?}");
            let padded = format!("a{c}b");
            assert_eq!(has_control(padded.as_bytes()), c.is_control(), "{c:?}");
        }
    }

    #[test]
    fn org_ids_and_numeric_ids() {
        assert!(org_segment("0123456789abcdef0123456789abcdef").is_ok());
        assert!(org_segment("org 1/x").is_ok());
        for bad in ["", ".", "..", "a\tb"] {
            assert!(org_segment(bad).is_err(), "{bad:?}");
        }
        assert!(positive_id("user_id", 1).is_ok());
        assert!(positive_id("user_id", 0).is_err());
        assert!(positive_id("user_id", -5).is_err());
    }
}
