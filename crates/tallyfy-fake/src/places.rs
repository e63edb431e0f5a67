//! Time zones and countries: what the seed picks from, and the UTC offsets and country names the JSON
//! shows for them.
//!
//! Both the seed (`seed.rs`) and the JSON of a record (`state.rs`) read these tables, so they sit
//! below both.

/// Time zones the seed uses, with their (standard-time) UTC offsets.
pub(crate) const TIMEZONES: &[(&str, &str)] = &[
    ("America/Chicago", "-06:00"),
    ("America/New_York", "-05:00"),
    ("America/Los_Angeles", "-08:00"),
    ("Europe/London", "+00:00"),
    ("Europe/Berlin", "+01:00"),
    ("Asia/Tokyo", "+09:00"),
    ("Australia/Sydney", "+10:00"),
    ("UTC", "+00:00"),
];

/// Cities the seed uses: name, ISO country code, and country id (1-based, see [`country_name`]).
pub(crate) const PLACES: &[(&str, &str, i64)] = &[
    ("Chicago", "US", 1),
    ("New York", "US", 1),
    ("London", "GB", 2),
    ("Berlin", "DE", 3),
    ("Tokyo", "JP", 4),
    ("Sydney", "AU", 5),
    ("Toronto", "CA", 6),
];

/// Country names by id: id 1 is the first.
const COUNTRY_NAMES: &[&str] = &[
    "United States",
    "United Kingdom",
    "Germany",
    "Japan",
    "Australia",
    "Canada",
];

/// The UTC offset of one of [`TIMEZONES`] (`None` for any other zone, written as `null`).
pub(crate) fn utc_offset(tz: &str) -> Option<&'static str> {
    TIMEZONES
        .iter()
        .find(|(name, _)| *name == tz)
        .map(|(_, off)| *off)
}

/// The name of a country id; `"Unknown"` for an id outside the table.
pub(crate) fn country_name(id: i64) -> &'static str {
    usize::try_from(id - 1)
        .ok()
        .and_then(|i| COUNTRY_NAMES.get(i))
        .copied()
        .unwrap_or("Unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_has_a_named_country_and_every_zone_an_offset() {
        for (city, _, id) in PLACES {
            assert_ne!(country_name(*id), "Unknown", "{city}");
        }
        assert_eq!(country_name(0), "Unknown");
        assert_eq!(country_name(7), "Unknown");
        assert_eq!(utc_offset("Asia/Tokyo"), Some("+09:00"));
        assert_eq!(utc_offset("Mars/Olympus_Mons"), None);
    }
}
