//! Timestamps: Unix seconds inside, `2025-01-10T08:30:00Z` on the wire, and the two spellings a
//! request may use (`2025-12-31T23:59:59Z` or `2026-03-01 09:00:00`).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// Unix seconds as `2025-01-10T08:30:00Z`.
pub(crate) fn ts(secs: i64) -> String {
    match stamp(secs) {
        Some(b) => ascii(&b).to_owned(),
        None => chrono_ts(secs),
    }
}

/// An optional instant as the JSON string of [`ts`] or `null`, written without building a
/// `String` first (a page of 100 tasks writes 500 of them).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stamp(pub Option<i64>);

impl serde::Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => s.serialize_none(),
            Some(secs) => match stamp(secs) {
                Some(b) => s.serialize_str(ascii(&b)),
                None => s.serialize_str(&chrono_ts(secs)),
            },
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for the years 0 to 9999, written digit by digit: chrono's `format`
/// reads its format string on every call.
fn stamp(secs: i64) -> Option<[u8; 20]> {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    if !(0..=9999).contains(&y) {
        return None;
    }
    let s = secs.rem_euclid(86_400);
    let mut b = *b"0000-00-00T00:00:00Z";
    for (at, n) in [
        (0, y / 100),
        (2, y % 100),
        (5, m),
        (8, d),
        (11, s / 3600),
        (14, s / 60 % 60),
        (17, s % 60),
    ] {
        b[at] = b'0' + (n / 10) as u8;
        b[at + 1] = b'0' + (n % 10) as u8;
    }
    Some(b)
}

fn ascii(b: &[u8; 20]) -> &str {
    std::str::from_utf8(b).expect("digits and separators are ASCII")
}

/// Instants outside the years 0 to 9999 (and those chrono cannot hold, as the epoch).
fn chrono_ts(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Optional Unix seconds as a JSON string or `null`.
pub(crate) fn ts_json(secs: Option<i64>) -> Value {
    secs.map_or(Value::Null, |s| Value::String(ts(s)))
}

/// The proleptic Gregorian (year, month, day) of a count of days since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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

    #[test]
    fn the_hand_written_timestamps_are_chronos() {
        // Leap days, century years, the epoch, before it, and the edges of the written range.
        let mut cases = vec![
            0,
            -1,
            951_782_400,
            4_107_542_400,
            -62_167_219_200,
            -62_167_219_201,
            253_402_300_799,
            253_402_300_800,
            i64::MIN,
            i64::MAX,
        ];
        cases.extend(
            (0..20_000).map(|n| (crate::hash::mix(n) % 40_000_000_000) as i64 - 20_000_000_000),
        );
        for secs in cases {
            assert_eq!(ts(secs), chrono_ts(secs), "{secs}");
            assert_eq!(
                serde_json::to_value(Stamp(Some(secs))).unwrap(),
                Value::String(chrono_ts(secs))
            );
        }
        assert_eq!(serde_json::to_value(Stamp(None)).unwrap(), Value::Null);
    }
}
