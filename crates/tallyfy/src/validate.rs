//! Client-side checks for request bodies: email syntax, lengths in characters, URLs, dates.
//!
//! Each check returns [`Error::InvalidInput`] naming the field and the rule, so a bad value is reported
//! before any request is sent.

use crate::error::Error;

/// A value must be present and not blank.
pub(crate) fn required<'a>(field: &str, value: Option<&'a str>) -> Result<&'a str, Error> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        Some(_) => Err(Error::invalid_input(field, "must not be empty")),
        None => Err(Error::invalid_input(field, "is required")),
    }
}

/// At most `max` characters (Unicode scalar values, as Laravel counts them).
pub(crate) fn max_chars(field: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.chars().count() > max {
        Err(Error::invalid_input(
            field,
            format!("must be at most {max} characters"),
        ))
    } else {
        Ok(())
    }
}

/// No control characters (they never belong in a name, phone or URL).
pub(crate) fn no_controls(field: &str, value: &str) -> Result<(), Error> {
    if value.chars().any(char::is_control) {
        Err(Error::invalid_input(
            field,
            "must not contain control characters",
        ))
    } else {
        Ok(())
    }
}

/// An absolute `http` or `https` URL with a host.
pub(crate) fn http_url(field: &str, value: &str) -> Result<(), Error> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(_) => Err(Error::invalid_input(
            field,
            "must be an http or https URL with a host",
        )),
        Err(e) => Err(Error::invalid_input(
            field,
            format!("must be a valid URL ({e})"),
        )),
    }
}

/// `YYYY-MM-DD HH:MM:SS`, and a real date and time.
pub(crate) fn datetime(field: &str, value: &str) -> Result<(), Error> {
    let shape_ok = value.len() == 19
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if shape_ok && chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S").is_ok() {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            "must be a date and time written `YYYY-MM-DD HH:MM:SS`",
        ))
    }
}

/// An email address for a new guest or an invitation: one `@`, a dot-atom (or quoted) local part of
/// at most 64 bytes, a domain of letters, digits and hyphens in dot-separated labels, at most 254
/// bytes in all. Non-ASCII letters are allowed (RFC 6531).
pub(crate) fn email(field: &str, value: &str) -> Result<(), Error> {
    let fail = |why: &str| {
        Err(Error::invalid_input(
            field,
            format!("must be a valid email address ({why})"),
        ))
    };
    if value.is_empty() {
        return fail("it is empty");
    }
    if value.len() > 254 {
        return fail("longer than 254 bytes");
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return fail("no `@`");
    };
    if local.is_empty() || local.len() > 64 {
        return fail("the part before `@` must be 1 to 64 bytes");
    }
    let local_ok = if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        let inner = &local[1..local.len() - 1];
        !inner.chars().any(|c| c.is_control()) && !inner.ends_with('\\')
    } else {
        !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || "!#$%&'*+-/=?^_`{|}~.".contains(c)
                    || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
            })
    };
    if !local_ok {
        return fail("the part before `@` has characters that are not allowed");
    }
    let labels_ok = !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !labels_ok {
        return fail("the domain is not valid");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a@b.com",
            "o'brien+tag@x.io",
            "first.last@sub.example.co.uk",
            "josé@exämple.com",
            "\"john doe\"@example.com",
            "user@localhost",
            "x_y-z=1{}|~@a-b.io",
        ] {
            assert!(email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "@b.com",
            "a@",
            "a@b@c.com",
            ".a@b.com",
            "a.@b.com",
            "a..b@c.com",
            "a b@c.com",
            "a@b..com",
            "a@-b.com",
            "a@b_c.com",
            "a@b.com.",
            "a\n@b.com",
        ] {
            assert!(email("email", bad).is_err(), "{bad:?}");
        }
        let long_local = format!("{}@b.com", "a".repeat(65));
        assert!(email("email", &long_local).is_err());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(max_chars("f", &"é".repeat(32), 32).is_ok());
        assert!(max_chars("f", &"é".repeat(33), 32).is_err());
    }

    #[test]
    fn urls_and_dates() {
        assert!(http_url("u", "https://acme.com/x?y=1").is_ok());
        for bad in [
            "acme.com",
            "ftp://acme.com",
            "javascript:alert(1)",
            "https://",
        ] {
            assert!(http_url("u", bad).is_err(), "{bad}");
        }
        assert!(datetime("d", "2025-01-15 10:30:00").is_ok());
        for bad in [
            "2025-01-15T10:30:00",
            "2025-1-15 10:30:00",
            "2025-13-15 10:30:00",
            "2025-02-30 10:30:00",
            "2025-01-15 24:00:00",
            "2025-01-15 10:30",
            "",
        ] {
            assert!(datetime("d", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn required_values() {
        assert!(required("f", None).is_err());
        assert!(required("f", Some("  ")).is_err());
        assert_eq!(required("f", Some("x")).unwrap(), "x");
    }
}
