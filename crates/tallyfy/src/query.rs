//! Query values that the generated request builders check or assemble before sending: a
//! comma-separated list without repeats, and an integer that must be at least 1.

use std::fmt::Display;
use std::num::NonZeroU64;

use crate::error::Error;

/// The values as one comma-separated list without repeats, in first-seen order; `None` when empty.
pub(crate) fn comma_list<T: Display>(values: &[T]) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for v in values {
        let v = v.to_string();
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    (!seen.is_empty()).then(|| seen.join(","))
}

/// `value` as the generated client's non-zero integer, refused before sending when below 1.
pub(crate) fn at_least_one(field: &str, value: Option<i64>) -> Result<Option<NonZeroU64>, Error> {
    match value {
        None => Ok(None),
        Some(v) => u64::try_from(v)
            .ok()
            .and_then(NonZeroU64::new)
            .map(Some)
            .ok_or_else(|| Error::invalid_input(field, "must be at least 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_lists_drop_repeats_and_keep_order() {
        assert_eq!(comma_list::<&str>(&[]), None);
        assert_eq!(
            comma_list(&["stats", "groups", "stats"]).as_deref(),
            Some("stats,groups")
        );
    }

    #[test]
    fn integers_below_one_are_refused_with_the_field() {
        assert_eq!(at_least_one("to", None).unwrap(), None);
        assert_eq!(at_least_one("to", Some(7)).unwrap(), NonZeroU64::new(7));
        for bad in [0, -1, i64::MIN] {
            let err = at_least_one("to", Some(bad)).unwrap_err();
            assert_eq!(err.to_string(), "invalid input: `to` must be at least 1");
        }
    }
}
