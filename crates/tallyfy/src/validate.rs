//! Why a value of one of the spec's shared string schemas was refused: the email address
//! (`EmailAddress`) and the URL (`AbsoluteUrl`). The generated client's conversion is the check
//! (the schemas' patterns); this only words the reason, after it has failed.

/// A URL of the shape Laravel's `url` rule accepts, which is what Tallyfy's URL fields take; the spec's
/// `AbsoluteUrl` pattern says the same, and `tests/rules/table.rs` holds the values both are tested on.
///
/// `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`, where the scheme is a letter
/// followed by letters, digits, `+`, `-` or `.`; the host is dot-separated labels of letters, digits,
/// `-`, `_` and non-ASCII characters (with an optional final dot), or an IPv6 address in brackets; and
/// the path, query and fragment hold RFC 3986's characters for each part, non-ASCII characters and
/// `%XX`, nothing else (no spaces, quotes, angle brackets, backslashes or control characters).
pub(crate) fn explain(schema: &str, value: &str) -> Option<String> {
    match schema {
        "EmailAddress" => {
            email_problem(value).map(|why| format!("must be a valid email address ({why})"))
        }
        "AbsoluteUrl" => url_problem(value)
            .map(|why| format!("must be a URL such as `https://example.com/page` ({why})")),
        _ => None,
    }
}

/// Characters from U+00A0 on: non-ASCII and not a C1 control. RFC 6531 allows them in addresses, and
/// Laravel's `url` rule in hosts and paths.
fn beyond_ascii(c: char) -> bool {
    c >= '\u{A0}'
}

/// Whether every character of `s` passes `allowed`, or is part of a `%XX` escape.
fn all_or_escaped(s: &str, allowed: impl Fn(char) -> bool) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        let ok = if c == '%' {
            let hex = |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit());
            hex(chars.next()) && hex(chars.next())
        } else {
            allowed(c)
        };
        if !ok {
            return false;
        }
    }
    true
}

/// What is wrong with `value` as a URL, or `None`.
fn url_problem(value: &str) -> Option<&'static str> {
    let Some((scheme, rest)) = value.split_once(':') else {
        return Some("no scheme such as `https:`");
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Some("the scheme is not valid");
    }
    let Some(rest) = rest.strip_prefix("//") else {
        return Some("no `//` after the scheme");
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let hostport = match authority.split_once('@') {
        None => authority,
        Some((userinfo, hostport)) => {
            let user_char =
                |c: char| beyond_ascii(c) || c.is_ascii_alphanumeric() || "-._".contains(c);
            let part_ok = |p: &str| !p.is_empty() && all_or_escaped(p, user_char);
            let userinfo_ok = match userinfo.split_once(':') {
                None => part_ok(userinfo),
                Some((user, password)) => part_ok(user) && part_ok(password),
            };
            if !userinfo_ok || hostport.contains('@') {
                return Some("the user or password part is not valid");
            }
            hostport
        }
    };
    let (host_ok, port) = if let Some(inner) = hostport.strip_prefix('[') {
        match inner.split_once(']') {
            Some((address, port)) => (
                !address.is_empty()
                    && address
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || ":.".contains(c)),
                port,
            ),
            None => (false, ""),
        }
    } else {
        let (host, port) = match hostport.find(':') {
            Some(i) => hostport.split_at(i),
            None => (hostport, ""),
        };
        let host = host.strip_suffix('.').unwrap_or(host);
        let label_char = |c: char| beyond_ascii(c) || c.is_ascii_alphanumeric() || "-_".contains(c);
        (
            host.split('.')
                .all(|label| !label.is_empty() && label.chars().all(label_char)),
            port,
        )
    };
    if !host_ok {
        return Some("the host is not valid");
    }
    if !port.is_empty()
        && !port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("the port is not a number");
    }
    // RFC 3986's `pchar`: unreserved, sub-delims, `:` and `@` (with `%XX` handled by the caller).
    let pchar =
        |c: char| beyond_ascii(c) || c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c);
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    if !all_or_escaped(path, |c| pchar(c) || c == '/') {
        return Some("the path has characters that must be percent-encoded");
    }
    if let Some(q) = query
        && !all_or_escaped(q, |c| pchar(c) || "/?[]".contains(c))
    {
        return Some("the query has characters that must be percent-encoded");
    }
    if let Some(f) = fragment
        && !all_or_escaped(f, |c| pchar(c) || "/?".contains(c))
    {
        return Some("the fragment has characters that must be percent-encoded");
    }
    None
}

/// An email address for a new guest or an invitation, as Tallyfy's "RFC/DNS validation" takes one
/// (the parts that need no DNS lookup); the spec's `EmailAddress` pattern says the same, and
/// `tests/rules/table.rs` holds the values both are tested on.
///
/// At most 254 characters; split at the last `@`, a local part of 1 to 64 characters that is either a
/// dot-atom (RFC 5322 `atext` and non-ASCII characters, in dot-separated runs) or a quoted string
/// (printable ASCII, spaces and non-ASCII characters, with `\` escaping a printable ASCII character);
/// and a domain of dot-separated labels of 1 to 63 letters, digits, hyphens and non-ASCII characters
/// that neither start nor end with a hyphen. Whether the domain exists is for Tallyfy to find out.
/// What is wrong with `value` as an email address, or `None`.
fn email_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("it is empty");
    }
    if value.chars().count() > 254 {
        return Some("longer than 254 characters");
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Some("no `@`");
    };
    if local.is_empty() {
        return Some("nothing before the `@`");
    }
    if domain.is_empty() {
        return Some("nothing after the `@`");
    }
    if local.chars().count() > 64 {
        return Some("more than 64 characters before the `@`");
    }
    if !(dot_atom(local) || quoted_string(local)) {
        return Some("the part before the `@` has characters that need quotes, or stray dots");
    }
    let letter_or_digit = |c: char| beyond_ascii(c) || c.is_ascii_alphanumeric();
    let labels_ok = domain.split('.').all(|label| {
        (1..=63).contains(&label.chars().count())
            && label.chars().all(|c| letter_or_digit(c) || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    if !labels_ok {
        return Some("the domain is not valid");
    }
    None
}

/// RFC 5322's `atext` (printable ASCII except the specials and space) plus non-ASCII characters.
fn atext(c: char) -> bool {
    beyond_ascii(c) || (c.is_ascii_graphic() && !"\"(),.:;<>@[\\]".contains(c))
}

/// `atext` runs separated by single dots.
fn dot_atom(s: &str) -> bool {
    s.split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// `"..."` holding printable ASCII other than `"` and `\`, spaces and non-ASCII characters, or `\`
/// followed by a printable ASCII character or a space.
fn quoted_string(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) else {
        return false;
    };
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\\' => chars.next().is_some_and(|e| matches!(e, ' '..='~')),
            '"' => false,
            c => beyond_ascii(c) || matches!(c, ' '..='~'),
        };
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    // The full table of accepted and refused values is `tests/rules/table.rs`, run against the SDK by
    // `tests/rules.rs`; these check the reasons given.
    #[test]
    fn email_reasons() {
        for (value, why) in [
            ("", "empty"),
            ("plain", "no `@`"),
            ("@x.io", "nothing before"),
            ("a@", "nothing after"),
            ("a..b@x.io", "before the `@`"),
            ("a@x_y.io", "domain"),
        ] {
            let said = explain("EmailAddress", value).unwrap();
            assert!(said.contains(why), "{value:?}: {said}");
        }
        assert_eq!(explain("EmailAddress", "\"john doe\"@x.io"), None);
    }

    #[test]
    fn url_reasons() {
        assert_eq!(explain("AbsoluteUrl", "https://acme.com/x?y=1"), None);
        for (bad, why) in [
            ("acme.com", "no scheme"),
            ("javascript:alert(1)", "`//`"),
            ("https://", "host"),
            ("https://acme.com:x", "port"),
            ("https://acme.com/a b", "path"),
            ("https://acme.com/?a b", "query"),
            ("https://acme.com/#a b", "fragment"),
        ] {
            let said = explain("AbsoluteUrl", bad).unwrap();
            assert!(said.contains(why), "{bad}: {said}");
        }
        assert_eq!(explain("Other", "x"), None);
    }
}
