//! The one table of email addresses and URLs that Tallyfy accepts or refuses in request bodies.
//!
//! Three places state these rules: the spec (`EmailAddress` and `AbsoluteUrl` in
//! `openapi/tallyfy.yaml`, a `pattern` each, which is the SDK's check, through the generated
//! client), the SDK's reasons for a refusal (`crates/tallyfy/src/validate.rs`) and the fake's checks
//! (`crates/tallyfy-fake/src/validation.rs`). Each of them is tested against every row here, so they
//! can only agree:
//! - `crates/tallyfy/tests/rules.rs`: a refused value is `Error::InvalidInput` with nothing sent and
//!   a reason in words (not just "the pattern"), an accepted one goes out on the wire unchanged;
//! - `crates/tallyfy-fake/tests/rules.rs`: over HTTP, a refused value gets a 422 for that field, an
//!   accepted one a 2xx;
//! - `tests/tests/rules.rs`: the spec's pattern and length, as compiled into the generated client.
//!
//! The rules come from Tallyfy's documentation: a guest's email "must pass RFC/DNS validation", and
//! the URL fields "must be a valid URL" (Laravel's `email:rfc,dns` and `url` rules).
//! - Email: RFC 5321's mailbox in its internationalized form (RFC 6531): a dot-atom or quoted local
//!   part of at most 64 characters, `@`, and a domain of letter-digit-hyphen labels of 1 to 63
//!   characters, at most 254 characters in all. Comments, folding white space and address literals
//!   (`[192.0.2.1]`) are refused: no mailbox is written that way, and an address literal never passes
//!   Tallyfy's DNS check. The DNS part (the domain exists and takes mail, and is not a local or
//!   reserved name) needs a lookup, so only Tallyfy does it: `user@localhost` passes here.
//! - URL: the shape Laravel's `url` rule checks: a scheme, `://`, an optional `user[:password]@`, a
//!   host (dot-separated labels, or an IPv6 address in brackets), an optional port, then a path,
//!   query and fragment made of RFC 3986's characters or `%XX`. Laravel also keeps a list of known
//!   schemes; here any scheme that RFC 3986 allows passes, so Tallyfy may still refuse an unusual one.
//!
//! In both, "non-ASCII" means any character from U+00A0 on (the C1 controls U+0080 to U+009F are
//! refused, like the ASCII ones), and lengths count characters, not bytes.

/// Whether Tallyfy takes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted: sent as it is, and stored.
    Accepted,
    /// Refused: a client-side error before sending, or a 422 from the server.
    Refused,
}

use Verdict::{Accepted, Refused};

/// One value and what Tallyfy does with it.
#[derive(Clone, Debug)]
pub struct Row {
    /// The value, exactly as it is sent.
    pub value: String,
    /// Accepted or refused.
    pub verdict: Verdict,
    /// Why, in a few words.
    pub why: &'static str,
}

fn row(value: impl Into<String>, verdict: Verdict, why: &'static str) -> Row {
    Row {
        value: value.into(),
        verdict,
        why,
    }
}

/// Email addresses in request bodies (create-guest and invite-member `email`).
pub fn emails() -> Vec<Row> {
    let label63 = "d".repeat(63);
    // 64 + 1 + 189 = 254 characters: the longest address.
    let domain189 = format!("{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(61));
    let domain190 = format!("{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(62));
    vec![
        // Accepted.
        row("a@b.co", Accepted, "the shortest usual form"),
        row("o'brien+tag@x.io", Accepted, "apostrophe and plus"),
        row(
            "first.last@sub.example.co.uk",
            Accepted,
            "dots and subdomains",
        ),
        row("A.B@X.IO", Accepted, "upper case"),
        row(
            "x!#$%&'*+-/=?^_`{|}~@x.io",
            Accepted,
            "every symbol a dot-atom allows",
        ),
        row("a-b@x-y.io", Accepted, "hyphen inside a label"),
        row("1@2.io", Accepted, "digits only"),
        row(
            "josé@exämple.com",
            Accepted,
            "non-ASCII local part and domain (RFC 6531)",
        ),
        row("用户@例子.广告", Accepted, "non-ASCII everywhere"),
        row("a@xn--bcher-kva.de", Accepted, "a punycode label"),
        row(
            "\"john doe\"@x.io",
            Accepted,
            "a quoted local part with a space",
        ),
        row(
            "\"a@b\"@x.io",
            Accepted,
            "an `@` inside quotes: the last `@` splits",
        ),
        row(
            "\"a\\\"b\"@x.io",
            Accepted,
            "an escaped quote inside quotes",
        ),
        row(
            "\"a\\\\b\"@x.io",
            Accepted,
            "an escaped backslash inside quotes",
        ),
        row(
            "\"a.(),:;<>[]b\"@x.io",
            Accepted,
            "specials are fine inside quotes",
        ),
        row(
            "\"\"@x.io",
            Accepted,
            "an empty quoted string is RFC 5321 syntax",
        ),
        row(
            "user@localhost",
            Accepted,
            "one label: the DNS check is Tallyfy's",
        ),
        row("a@1.2.3.4", Accepted, "digit labels are labels"),
        row(
            format!("{}@x.io", "l".repeat(64)),
            Accepted,
            "64 characters before `@`",
        ),
        row(format!("a@{label63}.io"), Accepted, "a 63-character label"),
        row(
            format!("{}@{domain189}", "l".repeat(64)),
            Accepted,
            "254 characters",
        ),
        row(
            format!("{}@x.io", "é".repeat(64)),
            Accepted,
            "64 characters, 128 bytes",
        ),
        // Refused.
        row("", Refused, "empty"),
        row("plain", Refused, "no `@`"),
        row("@x.io", Refused, "nothing before the `@`"),
        row("a@", Refused, "nothing after the `@`"),
        row("@", Refused, "nothing on either side"),
        row("a@@x.io", Refused, "an `@` in the local part"),
        row("a@b@x.io", Refused, "two `@` outside quotes"),
        row(".a@x.io", Refused, "a leading dot"),
        row("a.@x.io", Refused, "a trailing dot before `@`"),
        row("a..b@x.io", Refused, "two dots in a row"),
        row("a b@x.io", Refused, "a space outside quotes"),
        row(" a@x.io", Refused, "a leading space"),
        row("a@x.io ", Refused, "a trailing space"),
        row("a,b@x.io", Refused, "a comma outside quotes"),
        row("a;b@x.io", Refused, "a semicolon outside quotes"),
        row("a\\b@x.io", Refused, "a backslash outside quotes"),
        row("a(comment)@x.io", Refused, "a comment"),
        row("<a@x.io>", Refused, "angle brackets"),
        row("Ann <a@x.io>", Refused, "a display name"),
        row("\"a\"b@x.io", Refused, "a quoted part followed by more"),
        row("\"a\"\"@x.io", Refused, "an unescaped quote inside quotes"),
        row("\"a\\\"@x.io", Refused, "the closing quote is escaped"),
        row("\"a\tb\"@x.io", Refused, "a tab inside quotes"),
        row(
            "\"é\\é\"@x.io",
            Refused,
            "only ASCII may follow a backslash",
        ),
        row("a\n@x.io", Refused, "a line feed"),
        row("a@x.io\r\nBcc: b@y.io", Refused, "a header injection"),
        row("a\u{85}b@x.io", Refused, "a C1 control character"),
        row("a@x\u{0}.io", Refused, "a NUL"),
        row("a@.x.io", Refused, "a domain starting with a dot"),
        row("a@x.io.", Refused, "a domain ending with a dot"),
        row("a@x..io", Refused, "an empty label"),
        row("a@-x.io", Refused, "a label starting with a hyphen"),
        row("a@x-.io", Refused, "a label ending with a hyphen"),
        row("a@x_y.io", Refused, "an underscore in the domain"),
        row("a@x.io:25", Refused, "a port"),
        row("a@[192.0.2.1]", Refused, "an address literal"),
        row("a@x.io(comment)", Refused, "a comment after the domain"),
        row(
            format!("{}@x.io", "l".repeat(65)),
            Refused,
            "65 characters before `@`",
        ),
        row(format!("a@{label63}d.io"), Refused, "a 64-character label"),
        row(
            format!("{}@{domain190}", "l".repeat(64)),
            Refused,
            "255 characters",
        ),
    ]
}

/// URLs in request bodies (create-guest `company_url`, `contact_url`, `image_url`,
/// `opportunity_url`).
pub fn urls() -> Vec<Row> {
    vec![
        // Accepted.
        row("https://acme.com", Accepted, "a host alone"),
        row("http://acme.com/", Accepted, "http, an empty path"),
        row(
            "https://acme.com/a/b?x=1&y=2#top",
            Accepted,
            "path, query and fragment",
        ),
        row("HTTPS://ACME.COM/X", Accepted, "upper case"),
        row(
            "https://sub.acme.co.uk:8443/p",
            Accepted,
            "subdomains and a port",
        ),
        row(
            "https://user:pa.ss@acme.com/",
            Accepted,
            "a user and password",
        ),
        row("https://user@acme.com", Accepted, "a user"),
        row(
            "ftp://files.acme.com/r.pdf",
            Accepted,
            "another scheme with `//`",
        ),
        row("svn+ssh://acme.com/repo", Accepted, "a scheme with `+`"),
        row("http://localhost:3000", Accepted, "a single-label host"),
        row("http://192.0.2.10/x", Accepted, "an IPv4 address"),
        row("http://[2001:db8::1]:8080/", Accepted, "an IPv6 address"),
        row(
            "https://bücher.de/straße",
            Accepted,
            "non-ASCII host and path",
        ),
        row(
            "https://x_y.acme.com",
            Accepted,
            "an underscore in the host",
        ),
        row(
            "https://acme.com./",
            Accepted,
            "the host's trailing root dot",
        ),
        row("https://acme.com/a%20b%C3%A9", Accepted, "percent-encoding"),
        row(
            "https://acme.com/-._~!$&'()*+,;=:@",
            Accepted,
            "every path character",
        ),
        row(
            "https://acme.com/?q=[1]/?",
            Accepted,
            "brackets, `/` and `?` in a query",
        ),
        row(
            "https://acme.com/#a/b?c",
            Accepted,
            "`/` and `?` in a fragment",
        ),
        row("https://acme.com?x=1", Accepted, "a query without a path"),
        row(
            "https://acme.com#frag",
            Accepted,
            "a fragment without a path",
        ),
        row("https://acme.com//a//b", Accepted, "empty path segments"),
        // Refused.
        row("", Refused, "empty"),
        row("acme.com", Refused, "no scheme"),
        row("www.acme.com/x", Refused, "no scheme"),
        row("//acme.com", Refused, "scheme-relative"),
        row("https:/acme.com", Refused, "one slash"),
        row("https:acme.com", Refused, "no slashes"),
        row("mailto:a@x.io", Refused, "a scheme without `//`"),
        row("javascript:alert(1)", Refused, "a scheme without `//`"),
        row(
            "1http://acme.com",
            Refused,
            "a scheme starting with a digit",
        ),
        row("ht tp://acme.com", Refused, "a space in the scheme"),
        row("https://", Refused, "no host"),
        row("https:///p", Refused, "an empty host"),
        row("https://.acme.com", Refused, "an empty first label"),
        row("https://acme..com", Refused, "an empty label"),
        row("https://acme .com", Refused, "a space in the host"),
        row("https://a%41.com", Refused, "percent-encoding in the host"),
        row("https://acme.com:/", Refused, "an empty port"),
        row(
            "https://acme.com:80a/",
            Refused,
            "a port that is not a number",
        ),
        row("https://@acme.com", Refused, "an empty user"),
        row("https://a@b@acme.com", Refused, "two `@` before the host"),
        row("https://us er@acme.com", Refused, "a space in the user"),
        row("https://[zz::1]/", Refused, "not an IPv6 address"),
        row("https://acme.com/a b", Refused, "a space in the path"),
        row("https://acme.com/a%2", Refused, "a truncated `%XX`"),
        row(
            "https://acme.com/a%zz",
            Refused,
            "`%` without two hex digits",
        ),
        row("https://acme.com/<script>", Refused, "angle brackets"),
        row("https://acme.com/a\"b", Refused, "a double quote"),
        row("https://acme.com/a\\b", Refused, "a backslash"),
        row("https://acme.com/a|b", Refused, "a vertical bar"),
        row("https://acme.com/a[1]", Refused, "brackets in the path"),
        row("https://acme.com/#a#b", Refused, "a second `#`"),
        row("https://acme.com/\u{85}", Refused, "a C1 control character"),
        row("https://acme.com\n", Refused, "a trailing line feed"),
        row(" https://acme.com", Refused, "a leading space"),
    ]
}
