//! Timestamps: Unix seconds inside, `2025-01-10T08:30:00Z` on the wire, and the two spellings a
//! request may use (`2025-12-31T23:59:59Z` or `2026-03-01 09:00:00`).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// Unix seconds as `2025-01-10T08:30:00Z`.
pub(crate) fn ts(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Optional Unix seconds as a JSON string or `null`.
pub(crate) fn ts_json(secs: Option<i64>) -> Value {
    secs.map_or(Value::Null, |s| Value::String(ts(s)))
}

/// The `YYYY-MM-DD` of an instant (UTC), for default process names.
pub(crate) fn day(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// Reads an RFC 3339 timestamp or `YYYY-MM-DD HH:MM:SS` (taken as UTC) into Unix seconds.
pub(crate) fn parse(s: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp());
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_request_spellings_parse() {
        assert_eq!(parse("2025-12-31T23:59:59Z"), Some(1_767_225_599));
        assert_eq!(parse("2025-12-31 23:59:59"), Some(1_767_225_599));
        assert_eq!(parse("2025-12-31"), None);
        assert_eq!(ts(1_767_225_599), "2025-12-31T23:59:59Z");
        assert_eq!(day(1_767_225_599), "2025-12-31");
    }
}
