//! Tolerant wire types that `cargo xtask codegen` substitutes for strict generated ones.
//!
//! Each accepts every shape Tallyfy has been seen to send for its field, and never fails a whole
//! response over one odd value.

use chrono::{DateTime, NaiveDateTime, Utc};
use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Schema, SchemaObject};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A timestamp exactly as the server sent it, plus its parsed value when it could be parsed.
///
/// Accepts RFC 3339 (`2025-01-10T08:30:00Z`, `+00:00`, `.000Z`), `2025-01-15 10:30:00` and
/// `2025-01-15T10:30:00` (both read as UTC), and the localized webhook form an organization can
/// choose, `d/m/Y h:i A T` (`15/10/2025 09:00 AM UTC`), when its zone is `UTC`, `GMT` or an
/// offset (`+03`, `-05:30`); a named zone such as `EST` is ambiguous and is not guessed. Anything
/// else is kept as text with [`parsed`](Self::parsed) `None`, so an unexpected date never fails
/// a response.
///
/// ```
/// use tallyfy_client::Timestamp;
/// let t: Timestamp = serde_json::from_str("\"2025-01-15 10:30:00\"").unwrap();
/// assert_eq!(t.parsed().unwrap().to_rfc3339(), "2025-01-15T10:30:00+00:00");
/// assert_eq!(t.as_str(), "2025-01-15 10:30:00");
/// let odd: Timestamp = serde_json::from_str("\"next tuesday\"").unwrap();
/// assert!(odd.parsed().is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    parsed: Option<DateTime<Utc>>,
}

impl Timestamp {
    /// Reads `raw`, keeping it as it is whether or not it parses.
    pub fn new(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let parsed = parse_timestamp(&raw);
        Self { raw, parsed }
    }

    /// The timestamp in RFC 3339 form (how the fake and the tests write them).
    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        Self {
            raw: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            parsed: Some(at),
        }
    }

    /// The text exactly as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The instant, when the text is in one of the known shapes.
    pub fn parsed(&self) -> Option<DateTime<Utc>> {
        self.parsed
    }
}

fn parse_timestamp(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
    .map(|naive| naive.and_utc())
    .or_else(|| parse_localized(raw))
}

/// `15/10/2025 09:00 AM UTC`: PHP's `d/m/Y h:i A T`, with `T` a zone whose offset is certain.
fn parse_localized(raw: &str) -> Option<DateTime<Utc>> {
    let (local, zone) = raw.rsplit_once(' ')?;
    let offset_secs = match zone {
        "UTC" | "GMT" | "Z" => 0,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits = zone[1..].replace(':', "");
            if digits.len() != 2 && digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let hours: i32 = digits[..2].parse().ok()?;
            let minutes: i32 = digits
                .get(2..)
                .filter(|m| !m.is_empty())
                .map_or(Ok(0), str::parse)
                .ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let offset = chrono::FixedOffset::east_opt(offset_secs)?;
    let naive = NaiveDateTime::parse_from_str(local, "%d/%m/%Y %I:%M %p").ok()?;
    Some(
        naive
            .and_local_timezone(offset)
            .single()?
            .with_timezone(&Utc),
    )
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl FromStr for Timestamp {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Ok(Timestamp::new(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                // Seconds since the epoch.
                Ok(Timestamp {
                    raw: v.to_string(),
                    parsed: DateTime::from_timestamp(v, 0),
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                let parsed = i64::try_from(v)
                    .ok()
                    .and_then(|s| DateTime::from_timestamp(s, 0));
                Ok(Timestamp {
                    raw: v.to_string(),
                    parsed,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Ok(Timestamp {
                    raw: v.to_string(),
                    parsed: None,
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Timestamp, E> {
                Ok(Timestamp {
                    raw: v.to_string(),
                    parsed: None,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("date-time".into()),
            ..Default::default()
        }
        .into()
    }
}

/// Links to the neighbouring pages of a list.
///
/// Tallyfy sends them as an object, as `{}`, as `[]` (PHP's empty array), as `null` or not at all; all
/// of these decode, the last three as "no links".
///
/// ```
/// use tallyfy_client::PaginationLinks;
/// let l: PaginationLinks = serde_json::from_str("[]").unwrap();
/// assert_eq!(l, PaginationLinks::default());
/// let l: PaginationLinks = serde_json::from_str(r#"{"next": "https://x/?page=2"}"#).unwrap();
/// assert_eq!(l.next.as_deref(), Some("https://x/?page=2"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PaginationLinks {
    /// The previous page's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The next page's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl<'de> Deserialize<'de> for PaginationLinks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PaginationLinks;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("pagination links (an object, an array or null)")
            }
            fn visit_unit<E: de::Error>(self) -> Result<PaginationLinks, E> {
                Ok(PaginationLinks::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<PaginationLinks, E> {
                Ok(PaginationLinks::default())
            }
            fn visit_some<D2: Deserializer<'de>>(
                self,
                d: D2,
            ) -> Result<PaginationLinks, D2::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PaginationLinks, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(PaginationLinks::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PaginationLinks, A::Error> {
                let mut links = PaginationLinks::default();
                while let Some(key) = map.next_key::<String>()? {
                    // A link that is not a string (or null) is dropped rather than fatal.
                    let value = map.next_value::<serde_json::Value>()?;
                    let url = value.as_str().map(str::to_owned);
                    match key.as_str() {
                        "previous" | "prev" => links.previous = url,
                        "next" => links.next = url,
                        _ => {}
                    }
                }
                Ok(links)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<PaginationLinks, E> {
                Ok(PaginationLinks::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<PaginationLinks, E> {
                Ok(PaginationLinks::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<PaginationLinks, E> {
                Ok(PaginationLinks::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<PaginationLinks, E> {
                Ok(PaginationLinks::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<PaginationLinks, E> {
                Ok(PaginationLinks::default())
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for PaginationLinks {
    fn schema_name() -> String {
        "PaginationLinks".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct PaginationLinks {
            previous: Option<String>,
            next: Option<String>,
        }
        let mut schema = g.subschema_for::<PaginationLinks>().into_object();
        schema.extensions.insert("nullable".into(), true.into());
        schema.into()
    }
}

/// A member's groups, as included with `with=groups`.
///
/// The current pages wrap the list in `{"data": [...]}`; older ones send the plain array. Both decode
/// to the same value, as do `null` and `{"data": null}` (no groups). It is written back in the current,
/// wrapped shape. Any other shape (a string, a number) is a decode error: groups are data, and silently
/// dropping them would hide it.
///
/// ```
/// use tallyfy_client::GroupsInclude;
/// let wrapped: GroupsInclude = serde_json::from_str(r#"{"data": [{"id": 3, "name": "Ops"}]}"#).unwrap();
/// let plain: GroupsInclude = serde_json::from_str(r#"[{"id": 3, "name": "Ops"}]"#).unwrap();
/// assert_eq!(wrapped, plain);
/// assert_eq!(serde_json::to_string(&plain).unwrap(), r#"{"data":[{"id":3,"name":"Ops"}]}"#);
/// assert!(serde_json::from_str::<GroupsInclude>(r#""Ops""#).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GroupsInclude {
    /// The groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<crate::types::Group>,
}

impl<'de> Deserialize<'de> for GroupsInclude {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GroupsInclude;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"groups as {"data": [...]} or as a plain array"#)
            }
            fn visit_unit<E: de::Error>(self) -> Result<GroupsInclude, E> {
                Ok(GroupsInclude::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<GroupsInclude, E> {
                Ok(GroupsInclude::default())
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<GroupsInclude, D2::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GroupsInclude, A::Error> {
                let mut data = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(group) = seq.next_element()? {
                    data.push(group);
                }
                Ok(GroupsInclude { data })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GroupsInclude, A::Error> {
                let mut data = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "data" {
                        if data.is_some() {
                            return Err(de::Error::duplicate_field("data"));
                        }
                        data = Some(map.next_value::<Option<Vec<crate::types::Group>>>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(GroupsInclude {
                    data: data.flatten().unwrap_or_default(),
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for GroupsInclude {
    fn schema_name() -> String {
        "GroupsInclude".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct GroupsInclude {
            data: Vec<crate::types::Group>,
        }
        SchemaObject {
            subschemas: Some(Box::new(schemars::schema::SubschemaValidation {
                one_of: Some(vec![
                    g.subschema_for::<GroupsInclude>(),
                    g.subschema_for::<Vec<crate::types::Group>>(),
                ]),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

/// A member's role: `admin`, `standard` or `light`, read in any letter case (`Admin` has been seen).
///
/// A role this version does not know is kept in [`MemberRole::Other`] instead of failing the response.
///
/// ```
/// use tallyfy_client::MemberRole;
/// let r: MemberRole = serde_json::from_str("\"Admin\"").unwrap();
/// assert_eq!(r, MemberRole::Admin);
/// let r: MemberRole = serde_json::from_str("\"auditor\"").unwrap();
/// assert_eq!(r, MemberRole::Other("auditor".into()));
/// assert_eq!(r.to_string(), "auditor");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MemberRole {
    /// Full administrator.
    Admin,
    /// A standard member.
    Standard,
    /// A light member, who can complete tasks but not build templates.
    Light,
    /// A role this version of the client does not know, as the server spelled it.
    Other(String),
}

impl MemberRole {
    /// The role's canonical (lowercase) name, or the server's text for [`MemberRole::Other`].
    pub fn as_str(&self) -> &str {
        match self {
            Self::Admin => "admin",
            Self::Standard => "standard",
            Self::Light => "light",
            Self::Other(s) => s,
        }
    }
}

impl FromStr for MemberRole {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "admin" => Self::Admin,
            "standard" => Self::Standard,
            "light" => Self::Light,
            _ => Self::Other(s.to_string()),
        })
    }
}

impl fmt::Display for MemberRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for MemberRole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MemberRole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(s.parse().unwrap_or_else(|never| match never {}))
    }
}

impl JsonSchema for MemberRole {
    fn schema_name() -> String {
        "MemberRole".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_timestamp_shape_parses() {
        for (raw, rfc) in [
            ("2025-01-10T08:30:00Z", "2025-01-10T08:30:00+00:00"),
            ("2024-06-01T08:00:00+00:00", "2024-06-01T08:00:00+00:00"),
            ("2024-01-15T14:22:10.000Z", "2024-01-15T14:22:10+00:00"),
            ("2025-01-15 10:30:00", "2025-01-15T10:30:00+00:00"),
            ("2025-01-15T10:30:00", "2025-01-15T10:30:00+00:00"),
            // The localized webhook form (`d/m/Y h:i A T`).
            ("15/10/2025 09:00 AM UTC", "2025-10-15T09:00:00+00:00"),
            ("15/10/2025 09:00 PM GMT", "2025-10-15T21:00:00+00:00"),
            ("15/10/2025 12:05 AM +03", "2025-10-14T21:05:00+00:00"),
            ("01/02/2025 12:30 PM -05:30", "2025-02-01T18:00:00+00:00"),
        ] {
            let t: Timestamp = serde_json::from_value(serde_json::json!(raw)).unwrap();
            assert_eq!(
                t.parsed().map(|p| p.to_rfc3339()).as_deref(),
                Some(rfc),
                "{raw}"
            );
            assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!(raw));
        }
    }

    #[test]
    fn odd_timestamps_are_kept_not_fatal() {
        for raw in [
            r#""""#,
            r#""soon""#,
            "1700000000",
            "1.5",
            "true",
            // A named zone other than UTC/GMT has no certain offset; a day 32; a 13 o'clock.
            r#""15/10/2025 09:00 AM EST""#,
            r#""32/10/2025 09:00 AM UTC""#,
            r#""15/10/2025 13:00 PM UTC""#,
            r#""15/10/2025 09:00 AM +3""#,
        ] {
            let t: Timestamp = serde_json::from_str(raw).unwrap();
            assert!(!t.as_str().is_empty() || raw == r#""""#);
            if raw.starts_with('"') {
                assert_eq!(t.parsed(), None, "{raw}");
            }
        }
        let t: Timestamp = serde_json::from_str("1700000000").unwrap();
        assert!(t.parsed().is_some());
    }

    #[test]
    fn every_links_shape_decodes() {
        for raw in [
            "{}",
            "[]",
            "null",
            r#"{"previous": null, "next": 3}"#,
            r#"["x"]"#,
        ] {
            let l: PaginationLinks = serde_json::from_str(raw).unwrap();
            assert_eq!(l, PaginationLinks::default(), "{raw}");
        }
        let l: Option<PaginationLinks> = serde_json::from_str("null").unwrap();
        assert!(l.is_none());
    }

    #[test]
    fn groups_decode_wrapped_plain_or_empty() {
        let one = |id: i64| crate::types::Group {
            id: Some(crate::types::FlexibleId::Int64(id)),
            ..Default::default()
        };
        for (raw, want) in [
            (r#"{"data": [{"id": 1}, {"id": 2}]}"#, vec![one(1), one(2)]),
            (r#"[{"id": 1}, {"id": 2}]"#, vec![one(1), one(2)]),
            (r#"{"data": [], "meta": {}}"#, vec![]),
            (r#"{"data": null}"#, vec![]),
            ("{}", vec![]),
            ("[]", vec![]),
            ("null", vec![]),
        ] {
            let got: GroupsInclude = serde_json::from_str(raw).unwrap();
            assert_eq!(got.data, want, "{raw}");
        }
        for raw in [
            r#""sales""#,
            "3",
            r#"{"data": "sales"}"#,
            r#"{"data": [], "data": []}"#,
        ] {
            assert!(serde_json::from_str::<GroupsInclude>(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn roles_are_case_insensitive_and_open() {
        for (raw, role) in [
            ("admin", MemberRole::Admin),
            ("ADMIN", MemberRole::Admin),
            ("Standard", MemberRole::Standard),
            ("light", MemberRole::Light),
            ("guest-admin", MemberRole::Other("guest-admin".into())),
        ] {
            assert_eq!(raw.parse::<MemberRole>().unwrap(), role);
        }
    }
}
