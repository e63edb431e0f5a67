//! The strict path-segment encoder that the generated code uses for every path parameter.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment: every byte outside RFC 3986's unreserved set becomes `%XX` of its
/// UTF-8 encoding.
///
/// ```
/// use tallyfy_client::encode_path_segment;
/// assert_eq!(encode_path_segment("o'brien+tag@x.io"), "o%27brien%2Btag%40x.io");
/// assert_eq!(encode_path_segment("a/b\\c%41"), "a%2Fb%5Cc%2541");
/// assert_eq!(encode_path_segment("josé"), "jos%C3%A9");
/// ```
///
/// The values `.` and `..` pass through unchanged and are dot segments to a URL parser; callers must
/// refuse them.
pub fn encode_path_segment(segment: &str) -> String {
    utf8_percent_encode(segment, NOT_UNRESERVED).to_string()
}
