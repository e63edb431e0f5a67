//! Typed form values: what a kick-off field (`prerun` at launch and process update) or a task form
//! field (`taskdata` on task update) holds.
//!
//! Both surfaces go through the same validator on the server, and values read back from a process's
//! `prerun` or a task's `taskdata` have the same shapes, so one type serves requests and responses.
//! The JSON shape depends on the field's `field_type`, and a value does not say which type it is for,
//! so [`FormValue`] is decided by shape (its documentation has the rules).
//!
//! ```
//! use tallyfy_client::{Assignees, FormValue, FormValues};
//! let prerun = FormValues::new()
//!     .set("e4238158ad0949d4ad78c55125b28a99", FormValue::text("Widget Suppliers Inc"))
//!     .set("0e4b280880cc4407a06478a2faa8052b", FormValue::choice(2, "Office 365"))
//!     .set("fe316c2ac44a421cafbf128c9462b8e9", FormValue::choices([(1, "Slack")]))
//!     .set("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4", FormValue::table(["Widget", "3"]))
//!     .set("5d0e3f6a9b2c4d7e8f1a2b3c4d5e6f70", FormValue::assignees(Assignees::default().user(1001)));
//! assert_eq!(
//!     serde_json::to_value(&prerun).unwrap(),
//!     serde_json::json!({
//!         "e4238158ad0949d4ad78c55125b28a99": "Widget Suppliers Inc",
//!         "0e4b280880cc4407a06478a2faa8052b": {"id": 2, "text": "Office 365"},
//!         "fe316c2ac44a421cafbf128c9462b8e9": [{"id": 1, "text": "Slack", "selected": true}],
//!         "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4": ["Widget", "3"],
//!         "5d0e3f6a9b2c4d7e8f1a2b3c4d5e6f70": {"users": [1001], "guests": [], "groups": []},
//!     })
//! );
//! ```

#![warn(missing_docs)]

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Schema, SchemaObject};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Number, Value};
use std::fmt;

/// The value of one form field (a kick-off field or a task's capture), decided by its JSON shape.
///
/// Build values with the constructors ([`text`](Self::text), [`choice`](Self::choice), ...) rather
/// than by hand, and read them with the `as_*` accessors. A value does not say which field type it
/// is for, so decoding goes by shape:
///
/// | field type | wire shape | variant |
/// |---|---|---|
/// | `text`, `textarea`, `email`, `radio`, `date` | `"a string"` | [`FormValue::Text`] |
/// | `text` (a bare scalar is accepted) | `3`, `true` | [`FormValue::Number`], [`FormValue::Bool`] |
/// | `dropdown` | `{"id": 2, "text": "Office 365"}` | [`FormValue::Choice`] |
/// | `multiselect` | `[{"id": 1, "text": "Slack", "selected": true}]` | [`FormValue::Choices`] |
/// | `table` | `["Widget", "3"]` (one string per column) | [`FormValue::Table`] |
/// | `assignees_form` | `{"users": [1001], "guests": ["g@x.io"], "groups": ["<id>"]}` | [`FormValue::Assignees`] |
/// | `file` | `[{"id": "…", "filename": "report.pdf", "version": 1, "url": "…"}]` | [`FormValue::Files`] |
/// | any (clears the field) | `null`, `""`, `[]` | [`FormValue::Empty`] |
/// | anything else | as received | [`FormValue::Other`] |
///
/// # Decoding rules
/// Decoding never fails on well-formed JSON: a value that matches none of the rules below is kept,
/// untouched, in [`FormValue::Other`]. In order:
/// - `null`, `""` and `[]` are [`FormValue::Empty`]: each clears a field of any type (for a table
///   too; `[""]` is not empty, it is a one-column table with an empty cell, which the server
///   refuses).
/// - Any other string is [`FormValue::Text`]; a number is [`FormValue::Number`]; a boolean is
///   [`FormValue::Bool`].
/// - An object whose keys are all among `users`, `guests` and `groups` (at least one of them), each
///   `null` or a list of the right items (user ids as integers or numeric strings, guest emails and
///   group ids as strings), is [`FormValue::Assignees`]; a missing or `null` bucket is empty.
/// - An object with an `id` (an integer, or a string of one) and a string `text` is
///   [`FormValue::Choice`]; its other keys (`value`, `selected`, `required`) are ignored.
/// - Any other object is [`FormValue::Other`], `{}` included (it names no field type).
/// - A list whose entries are all strings is [`FormValue::Table`].
/// - A list whose entries are all objects with an `id` (as for a choice) and a string `text` is
///   [`FormValue::Choices`]. An entry with `"selected": false` is an option that was listed but not
///   chosen, and is left out; an entry without `selected` counts as chosen.
/// - A list whose entries are all objects with a `filename`, `url` or `full_url` is
///   [`FormValue::Files`]; every key of every entry is kept.
///
/// # Encoding
/// [`FormValue`] is written in exactly the documented request shape: a dropdown as `{"id", "text"}`,
/// each multiselect entry with `"selected": true` (without it the server stores the value but
/// renders it as empty text in `{{variables}}`), assignees with all three buckets, files as the
/// objects they are, [`FormValue::Empty`] as `null`. So `serialize(deserialize(x))` is `x` in that
/// canonical shape, and `deserialize(serialize(v)) == v` for every value except the ones that clear a
/// field (`Text("")`, an empty list), which come back as [`FormValue::Empty`].
///
/// ```
/// use tallyfy_client::FormValue;
/// let v: FormValue = serde_json::from_str(r#"{"id": 2, "text": "Office 365", "value": null}"#).unwrap();
/// assert_eq!(v, FormValue::choice(2, "Office 365"));
/// assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"id":2,"text":"Office 365"}"#);
/// let odd: FormValue = serde_json::from_str(r#"{"lat": 1.5}"#).unwrap();
/// assert!(matches!(odd, FormValue::Other(_)));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormValue {
    /// A string: the value of a `text`, `textarea`, `email`, `radio` (the option's text) or `date`
    /// field. Never empty when decoded (`""` decodes as [`FormValue::Empty`]).
    Text(String),
    /// A number, which a `text` field accepts and stores as it is.
    Number(Number),
    /// A boolean, which a `text` field accepts and stores as it is.
    Bool(bool),
    /// A `dropdown` choice.
    Choice(Choice),
    /// The chosen options of a `multiselect` field.
    Choices(Vec<Choice>),
    /// A `table` row: one string per column, in the order of the field's columns.
    Table(Vec<String>),
    /// An `assignees_form` value.
    Assignees(Assignees),
    /// The files of a `file` field (uploaded first, then referenced here).
    Files(Vec<FileRef>),
    /// No value: `null` (also what `""` and `[]` decode to). Sending it clears the field.
    #[default]
    Empty,
    /// A shape none of the rules recognise, exactly as received (and sent back as it is).
    Other(Value),
}

impl FormValue {
    /// A string value, for a `text`, `textarea`, `email` or `radio` field (for a radio, the option's
    /// exact text).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(serde_json::to_string(&FormValue::text("Full-time")).unwrap(), r#""Full-time""#);
    /// ```
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// A bare number, which a `text` field stores as it is (a `textarea` or `date` field refuses one).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(serde_json::to_string(&FormValue::number(3)).unwrap(), "3");
    /// ```
    pub fn number(number: impl Into<Number>) -> Self {
        Self::Number(number.into())
    }

    /// A bare boolean, which a `text` field stores as it is.
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(serde_json::to_string(&FormValue::boolean(true)).unwrap(), "true");
    /// ```
    pub fn boolean(value: bool) -> Self {
        Self::Bool(value)
    }

    /// A `date` field's value, written in UTC as `2025-12-31T23:59:59Z` (whole seconds).
    ///
    /// ```
    /// use chrono::TimeZone;
    /// use tallyfy_client::FormValue;
    /// let at = chrono::Utc.with_ymd_and_hms(2025, 12, 31, 23, 59, 59).unwrap();
    /// assert_eq!(FormValue::date(at), FormValue::text("2025-12-31T23:59:59Z"));
    /// let paris = chrono::FixedOffset::east_opt(3600).unwrap();
    /// let at = paris.with_ymd_and_hms(2026, 1, 1, 0, 59, 59).unwrap();
    /// assert_eq!(FormValue::date(at), FormValue::text("2025-12-31T23:59:59Z"));
    /// ```
    pub fn date<Tz: TimeZone>(at: DateTime<Tz>) -> Self {
        Self::Text(
            at.with_timezone(&Utc)
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        )
    }

    /// A `date` field's value from text the server parses, such as `2026-03-01 09:00:00`, sent as it
    /// is. Nothing is checked here (the server refuses text it cannot parse);
    /// [`as_date`](Self::as_date) tells whether the shapes this crate knows include it.
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// let v = FormValue::date_str("2026-03-01 09:00:00");
    /// assert_eq!(v.as_text(), Some("2026-03-01 09:00:00"));
    /// assert!(v.as_date().is_some());
    /// ```
    pub fn date_str(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// A `dropdown` choice: the option's id and its exact text (the server checks that both name the
    /// same option).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// let v = FormValue::choice(2, "Office 365");
    /// assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"id":2,"text":"Office 365"}"#);
    /// ```
    pub fn choice(id: i64, text: impl Into<String>) -> Self {
        Self::Choice(Choice::new(id, text))
    }

    /// The chosen options of a `multiselect` field, each written with `"selected": true`.
    ///
    /// ```
    /// use tallyfy_client::{Choice, FormValue};
    /// let v = FormValue::choices([(1, "Slack"), (2, "Teams")]);
    /// assert_eq!(v, FormValue::choices([Choice::new(1, "Slack"), Choice::new(2, "Teams")]));
    /// assert_eq!(
    ///     serde_json::to_string(&FormValue::choices([(1, "Slack")])).unwrap(),
    ///     r#"[{"id":1,"text":"Slack","selected":true}]"#
    /// );
    /// ```
    pub fn choices<I>(choices: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Choice>,
    {
        Self::Choices(choices.into_iter().map(Into::into).collect())
    }

    /// A `table` value: one cell per column, in the order of the field's columns (the server refuses
    /// any other count).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// let v = FormValue::table(["Widget", "3"]);
    /// assert_eq!(serde_json::to_string(&v).unwrap(), r#"["Widget","3"]"#);
    /// ```
    pub fn table<I>(cells: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self::Table(cells.into_iter().map(Into::into).collect())
    }

    /// An `assignees_form` value.
    ///
    /// ```
    /// use tallyfy_client::{Assignees, FormValue};
    /// let v = FormValue::assignees(Assignees::default().user(1001).guest("g@x.io"));
    /// assert_eq!(
    ///     serde_json::to_string(&v).unwrap(),
    ///     r#"{"users":[1001],"guests":["g@x.io"],"groups":[]}"#
    /// );
    /// ```
    pub fn assignees(assignees: Assignees) -> Self {
        Self::Assignees(assignees)
    }

    /// A `file` field's files: the assets returned by an upload.
    ///
    /// ```
    /// use tallyfy_client::{FileRef, FormValue};
    /// let v = FormValue::files([FileRef::new("asset_id_abc123xyz").with_filename("document.pdf")]);
    /// assert_eq!(
    ///     serde_json::to_value(&v).unwrap(),
    ///     serde_json::json!([{"id": "asset_id_abc123xyz", "filename": "document.pdf"}])
    /// );
    /// ```
    pub fn files(files: impl IntoIterator<Item = FileRef>) -> Self {
        Self::Files(files.into_iter().collect())
    }

    /// No value: sent as `null`, which clears the field.
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(serde_json::to_string(&FormValue::empty()).unwrap(), "null");
    /// ```
    pub fn empty() -> Self {
        Self::Empty
    }

    /// Decodes a JSON value by its shape (see [`FormValue`] for the rules). Never fails: an
    /// unrecognised shape is [`FormValue::Other`].
    ///
    /// ```
    /// use serde_json::json;
    /// use tallyfy_client::FormValue;
    /// assert_eq!(FormValue::from_json(json!(["Widget", "3"])), FormValue::table(["Widget", "3"]));
    /// assert_eq!(FormValue::from_json(json!([])), FormValue::Empty);
    /// assert_eq!(FormValue::from_json(json!([1, "a"])), FormValue::Other(json!([1, "a"])));
    /// ```
    pub fn from_json(value: Value) -> Self {
        match value {
            Value::Null => Self::Empty,
            Value::String(s) if s.is_empty() => Self::Empty,
            Value::String(s) => Self::Text(s),
            Value::Number(n) => Self::Number(n),
            Value::Bool(b) => Self::Bool(b),
            Value::Array(items) if items.is_empty() => Self::Empty,
            Value::Array(items) => from_array(items),
            Value::Object(map) => from_object(map),
        }
    }

    /// The value as JSON, in the shape it is sent in.
    ///
    /// ```
    /// use serde_json::json;
    /// use tallyfy_client::FormValue;
    /// assert_eq!(
    ///     FormValue::choices([(1, "Slack")]).to_json(),
    ///     json!([{"id": 1, "text": "Slack", "selected": true}])
    /// );
    /// ```
    pub fn to_json(&self) -> Value {
        match self {
            Self::Text(t) => Value::String(t.clone()),
            Self::Number(n) => Value::Number(n.clone()),
            Self::Bool(b) => Value::Bool(*b),
            Self::Choice(c) => c.to_json(false),
            Self::Choices(cs) => Value::Array(cs.iter().map(|c| c.to_json(true)).collect()),
            Self::Table(cells) => Value::Array(cells.iter().cloned().map(Value::String).collect()),
            Self::Assignees(a) => a.to_json(),
            Self::Files(files) => Value::Array(
                files
                    .iter()
                    .map(|f| Value::Object(f.fields.clone()))
                    .collect(),
            ),
            Self::Empty => Value::Null,
            Self::Other(v) => v.clone(),
        }
    }

    /// The text of a [`FormValue::Text`].
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(FormValue::text("yes").as_text(), Some("yes"));
    /// assert_eq!(FormValue::number(3).as_text(), None);
    /// ```
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The number of a [`FormValue::Number`].
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(FormValue::number(3).as_number().and_then(|n| n.as_i64()), Some(3));
    /// assert!(FormValue::text("3").as_number().is_none());
    /// ```
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Self::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The boolean of a [`FormValue::Bool`].
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(FormValue::boolean(false).as_bool(), Some(false));
    /// assert_eq!(FormValue::text("false").as_bool(), None);
    /// ```
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The instant of a [`FormValue::Text`] in one of the date shapes that
    /// [`Timestamp`](crate::Timestamp) reads (RFC 3339, `2026-03-01 09:00:00`, ...).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// let v = FormValue::text("2025-12-20T14:23:18.128Z");
    /// assert_eq!(v.as_date().unwrap().to_rfc3339(), "2025-12-20T14:23:18.128+00:00");
    /// assert!(FormValue::text("next tuesday").as_date().is_none());
    /// ```
    pub fn as_date(&self) -> Option<DateTime<Utc>> {
        crate::Timestamp::new(self.as_text()?).parsed()
    }

    /// The choice of a [`FormValue::Choice`] (a dropdown).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// let v = FormValue::choice(2, "Office 365");
    /// assert_eq!(v.as_choice().map(|c| c.id), Some(2));
    /// ```
    pub fn as_choice(&self) -> Option<&Choice> {
        match self {
            Self::Choice(c) => Some(c),
            _ => None,
        }
    }

    /// The chosen options of a [`FormValue::Choices`] (a multiselect).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// let v = FormValue::choices([(1, "Slack"), (2, "Teams")]);
    /// let texts: Vec<&str> = v.as_choices().unwrap().iter().map(|c| c.text.as_str()).collect();
    /// assert_eq!(texts, ["Slack", "Teams"]);
    /// ```
    pub fn as_choices(&self) -> Option<&[Choice]> {
        match self {
            Self::Choices(cs) => Some(cs),
            _ => None,
        }
    }

    /// The cells of a [`FormValue::Table`].
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(FormValue::table(["Widget", "3"]).as_table().unwrap(), ["Widget", "3"]);
    /// ```
    pub fn as_table(&self) -> Option<&[String]> {
        match self {
            Self::Table(cells) => Some(cells),
            _ => None,
        }
    }

    /// The assignees of a [`FormValue::Assignees`].
    ///
    /// ```
    /// use tallyfy_client::{Assignees, FormValue};
    /// let v = FormValue::assignees(Assignees::default().user(1001));
    /// assert_eq!(v.as_assignees().unwrap().users, [1001]);
    /// ```
    pub fn as_assignees(&self) -> Option<&Assignees> {
        match self {
            Self::Assignees(a) => Some(a),
            _ => None,
        }
    }

    /// The files of a [`FormValue::Files`].
    ///
    /// ```
    /// use tallyfy_client::{FileRef, FormValue};
    /// let v = FormValue::files([FileRef::new("asset1")]);
    /// assert_eq!(v.as_files().unwrap()[0].id(), Some("asset1"));
    /// ```
    pub fn as_files(&self) -> Option<&[FileRef]> {
        match self {
            Self::Files(files) => Some(files),
            _ => None,
        }
    }

    /// Whether sending this value clears the field: [`FormValue::Empty`], and any value written as
    /// `""` or `[]` (empty text, no choices, no cells, no files).
    ///
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert!(FormValue::empty().is_empty());
    /// assert!(FormValue::text("").is_empty());
    /// assert!(FormValue::table(Vec::<String>::new()).is_empty());
    /// assert!(!FormValue::table([""]).is_empty());
    /// assert!(!FormValue::boolean(false).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(t) => t.is_empty(),
            Self::Choices(cs) => cs.is_empty(),
            Self::Table(cells) => cells.is_empty(),
            Self::Files(files) => files.is_empty(),
            Self::Other(v) => match v {
                Value::Null => true,
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                _ => false,
            },
            Self::Number(_) | Self::Bool(_) | Self::Choice(_) | Self::Assignees(_) => false,
        }
    }
}

fn from_object(map: Map<String, Value>) -> FormValue {
    if !map.is_empty()
        && let Some(assignees) = Assignees::from_map(&map)
    {
        return FormValue::Assignees(assignees);
    }
    if let Some(choice) = Choice::from_map(&map) {
        return FormValue::Choice(choice);
    }
    FormValue::Other(Value::Object(map))
}

fn from_array(items: Vec<Value>) -> FormValue {
    if let Some(cells) = items
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
    {
        return FormValue::Table(cells);
    }
    let entries = items
        .iter()
        .map(|v| {
            let m = v.as_object()?;
            let chosen = m.get("selected") != Some(&Value::Bool(false));
            Some((Choice::from_map(m)?, chosen))
        })
        .collect::<Option<Vec<_>>>();
    if let Some(entries) = entries {
        return FormValue::Choices(
            entries
                .into_iter()
                .filter_map(|(choice, chosen)| chosen.then_some(choice))
                .collect(),
        );
    }
    let is_file = |v: &Value| {
        v.as_object().is_some_and(|m| {
            ["filename", "url", "full_url"]
                .iter()
                .any(|k| m.contains_key(*k))
        })
    };
    if items.iter().all(is_file) {
        return FormValue::Files(
            items
                .into_iter()
                .filter_map(|v| match v {
                    Value::Object(fields) => Some(FileRef { fields }),
                    _ => None,
                })
                .collect(),
        );
    }
    FormValue::Other(Value::Array(items))
}

/// An integer id, or a string holding one.
fn int_id(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

impl Serialize for FormValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(t) => s.serialize_str(t),
            Self::Number(n) => n.serialize(s),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Choice(c) => c.serialize(s),
            Self::Choices(cs) => {
                let mut seq = s.serialize_seq(Some(cs.len()))?;
                for c in cs {
                    seq.serialize_element(&Selected(c))?;
                }
                seq.end()
            }
            Self::Table(cells) => cells.serialize(s),
            Self::Assignees(a) => a.serialize(s),
            Self::Files(files) => files.serialize(s),
            Self::Empty => s.serialize_unit(),
            Self::Other(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for FormValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Self::from_json)
    }
}

impl JsonSchema for FormValue {
    fn schema_name() -> String {
        "FormValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // Any JSON value: the shape depends on the field's type, which the value does not carry.
        Schema::Bool(true)
    }
}

impl From<&str> for FormValue {
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(FormValue::from("yes"), FormValue::text("yes"));
    /// ```
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for FormValue {
    /// ```
    /// use tallyfy_client::FormValue;
    /// assert_eq!(FormValue::from(String::from("yes")), FormValue::text("yes"));
    /// ```
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Choice> for FormValue {
    /// ```
    /// use tallyfy_client::{Choice, FormValue};
    /// assert_eq!(FormValue::from(Choice::new(2, "Office 365")), FormValue::choice(2, "Office 365"));
    /// ```
    fn from(choice: Choice) -> Self {
        Self::Choice(choice)
    }
}

impl From<Assignees> for FormValue {
    /// ```
    /// use tallyfy_client::{Assignees, FormValue};
    /// let a = Assignees::default().user(1001);
    /// assert_eq!(FormValue::from(a.clone()), FormValue::assignees(a));
    /// ```
    fn from(assignees: Assignees) -> Self {
        Self::Assignees(assignees)
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for FormValue {
    /// ```
    /// use chrono::TimeZone;
    /// use tallyfy_client::FormValue;
    /// let at = chrono::Utc.with_ymd_and_hms(2025, 12, 31, 23, 59, 59).unwrap();
    /// assert_eq!(FormValue::from(at), FormValue::text("2025-12-31T23:59:59Z"));
    /// ```
    fn from(at: DateTime<Tz>) -> Self {
        Self::date(at)
    }
}

/// One option of a `dropdown` or `multiselect` field: its id and its exact text.
///
/// The server checks that the id and the text name the same option, comparing the text exactly (no
/// trimming, no case folding), so take both from the field's `options`. Ids are integers on the wire;
/// a string holding one is read too. Written as `{"id": 2, "text": "Office 365"}`.
///
/// ```
/// use tallyfy_client::Choice;
/// let c: Choice = serde_json::from_str(r#"{"id": "2", "text": "Office 365", "value": null}"#).unwrap();
/// assert_eq!(c, Choice::new(2, "Office 365"));
/// assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"id":2,"text":"Office 365"}"#);
/// assert!(serde_json::from_str::<Choice>(r#"{"text": "Office 365"}"#).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Choice {
    /// The option's id.
    pub id: i64,
    /// The option's text, exactly as the field defines it.
    pub text: String,
}

impl Choice {
    /// The option with this id and text.
    ///
    /// ```
    /// use tallyfy_client::Choice;
    /// let c = Choice::new(1, "Slack");
    /// assert_eq!((c.id, c.text.as_str()), (1, "Slack"));
    /// ```
    pub fn new(id: i64, text: impl Into<String>) -> Self {
        Self {
            id,
            text: text.into(),
        }
    }

    fn from_map(m: &Map<String, Value>) -> Option<Self> {
        Some(Self {
            id: int_id(m.get("id")?)?,
            text: m.get("text")?.as_str()?.to_owned(),
        })
    }

    fn to_json(&self, selected: bool) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), self.id.into());
        m.insert("text".into(), self.text.clone().into());
        if selected {
            m.insert("selected".into(), true.into());
        }
        Value::Object(m)
    }
}

impl<S: Into<String>> From<(i64, S)> for Choice {
    /// ```
    /// use tallyfy_client::Choice;
    /// assert_eq!(Choice::from((1, "Slack")), Choice::new(1, "Slack"));
    /// ```
    fn from((id, text): (i64, S)) -> Self {
        Self::new(id, text)
    }
}

impl Serialize for Choice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("text", &self.text)?;
        m.end()
    }
}

/// A multiselect entry: a choice written with `"selected": true`.
struct Selected<'a>(&'a Choice);

impl Serialize for Selected<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("id", &self.0.id)?;
        m.serialize_entry("text", &self.0.text)?;
        m.serialize_entry("selected", &true)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Choice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        value.as_object().and_then(Self::from_map).ok_or_else(|| {
            de::Error::custom(format_args!(
                "expected a choice {{\"id\": <integer>, \"text\": <string>}}, got {value}"
            ))
        })
    }
}

impl JsonSchema for Choice {
    fn schema_name() -> String {
        "Choice".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct Choice {
            id: i64,
            text: String,
        }
        g.subschema_for::<Choice>()
    }
}

/// The value of an `assignees_form` field: members by id, guests by email, groups by id.
///
/// A bucket may be missing or `null` on input (it is then empty); all three are written.
///
/// ```
/// use tallyfy_client::Assignees;
/// let a: Assignees = serde_json::from_str(r#"{"users": [12345, "1002"]}"#).unwrap();
/// assert_eq!(a, Assignees::default().user(12345).user(1002));
/// assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"users":[12345,1002],"guests":[],"groups":[]}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Assignees {
    /// Member (user) ids.
    pub users: Vec<i64>,
    /// Guest email addresses.
    pub guests: Vec<String>,
    /// Group ids.
    pub groups: Vec<String>,
}

impl Assignees {
    /// Adds a member by id.
    ///
    /// ```
    /// use tallyfy_client::Assignees;
    /// assert_eq!(Assignees::default().user(1001).user(1002).users, [1001, 1002]);
    /// ```
    pub fn user(mut self, id: i64) -> Self {
        self.users.push(id);
        self
    }

    /// Adds a guest by email address.
    ///
    /// ```
    /// use tallyfy_client::Assignees;
    /// assert_eq!(Assignees::default().guest("g@x.io").guests, ["g@x.io"]);
    /// ```
    pub fn guest(mut self, email: impl Into<String>) -> Self {
        self.guests.push(email.into());
        self
    }

    /// Adds a group by id.
    ///
    /// ```
    /// use tallyfy_client::Assignees;
    /// let a = Assignees::default().group("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
    /// assert_eq!(a.groups, ["0a1b2c3d4e5f60718293a4b5c6d7e8f9"]);
    /// ```
    pub fn group(mut self, id: impl Into<String>) -> Self {
        self.groups.push(id.into());
        self
    }

    /// Whether no one is in any bucket.
    ///
    /// ```
    /// use tallyfy_client::Assignees;
    /// assert!(Assignees::default().is_empty());
    /// assert!(!Assignees::default().guest("g@x.io").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.guests.is_empty() && self.groups.is_empty()
    }

    /// Reads an object whose keys are all buckets; `None` for anything else.
    fn from_map(m: &Map<String, Value>) -> Option<Self> {
        fn bucket<T>(v: &Value, item: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
            match v {
                Value::Null => Some(Vec::new()),
                Value::Array(items) => items.iter().map(item).collect(),
                _ => None,
            }
        }
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let mut a = Self::default();
        for (key, v) in m {
            match key.as_str() {
                "users" => a.users = bucket(v, int_id)?,
                "guests" => a.guests = bucket(v, text)?,
                "groups" => a.groups = bucket(v, text)?,
                _ => return None,
            }
        }
        Some(a)
    }

    fn to_json(&self) -> Value {
        serde_json::json!({"users": self.users, "guests": self.guests, "groups": self.groups})
    }
}

impl Serialize for Assignees {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("users", &self.users)?;
        m.serialize_entry("guests", &self.guests)?;
        m.serialize_entry("groups", &self.groups)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Assignees {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        match &value {
            Value::Null => Some(Self::default()),
            Value::Object(m) => Self::from_map(m),
            _ => None,
        }
        .ok_or_else(|| {
            de::Error::custom(format_args!(
                "expected assignees {{\"users\": [<integer>], \"guests\": [<email>], \"groups\": [<id>]}}, got {value}"
            ))
        })
    }
}

impl JsonSchema for Assignees {
    fn schema_name() -> String {
        "Assignees".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct Assignees {
            users: Option<Vec<i64>>,
            guests: Option<Vec<String>>,
            groups: Option<Vec<String>>,
        }
        g.subschema_for::<Assignees>()
    }
}

/// One file of a `file` field: the asset object an upload returned.
///
/// Tallyfy wants the whole asset object back (`id`, `filename`, `version`, `url`, `full_url`,
/// `uploaded_from`, `subject {id, type}`, `uploaded_at`, `source`, ...), so a `FileRef` keeps every key
/// it was given, exactly as given, and writes them all back; the accessors read the documented ones.
/// `version` is an integer in the API and a string (`"1"`) in webhooks: both are read, and kept as
/// they came.
///
/// ```
/// use tallyfy_client::FileRef;
/// let f: FileRef = serde_json::from_str(
///     r#"{"id": "asset123", "filename": "signed-contract.pdf", "version": "1", "public_link": "https://x/dl"}"#,
/// ).unwrap();
/// assert_eq!((f.id(), f.filename(), f.version()), (Some("asset123"), Some("signed-contract.pdf"), Some(1)));
/// assert_eq!(f.get("public_link").and_then(|v| v.as_str()), Some("https://x/dl"));
/// assert!(serde_json::to_string(&f).unwrap().contains(r#""version":"1""#));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileRef {
    fields: Map<String, Value>,
}

/// An uploaded file's asset record (what `upload_file` answers) as a file field's value holds it,
/// every key kept.
///
/// ```
/// use tallyfy_client::{FileRef, types::Asset};
/// let asset: Asset = serde_json::from_str(r#"{"id": "a1", "filename": "r.pdf", "version": 1}"#).unwrap();
/// let f = FileRef::from(&asset);
/// assert_eq!((f.id(), f.filename(), f.version()), (Some("a1"), Some("r.pdf"), Some(1)));
/// ```
impl From<&crate::types::Asset> for FileRef {
    fn from(asset: &crate::types::Asset) -> Self {
        match serde_json::to_value(asset) {
            Ok(Value::Object(fields)) => Self { fields },
            _ => Self::default(),
        }
    }
}

impl FileRef {
    /// A reference to the asset with this id (the id an upload returned).
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(serde_json::to_string(&FileRef::new("asset1")).unwrap(), r#"{"id":"asset1"}"#);
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        Self::default().with_key("id", id.into())
    }

    /// The asset object as given, every key kept (typically the upload's `data`).
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// let serde_json::Value::Object(asset) = serde_json::json!({"id": "asset1", "system": null}) else {
    ///     unreachable!()
    /// };
    /// let f = FileRef::from_object(asset.clone());
    /// assert_eq!(f.as_object(), &asset);
    /// ```
    pub fn from_object(fields: Map<String, Value>) -> Self {
        Self { fields }
    }

    /// Sets `filename` (the file's name; the key is `filename`, not `name`).
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").with_filename("report.pdf").filename(), Some("report.pdf"));
    /// ```
    pub fn with_filename(self, filename: impl Into<String>) -> Self {
        self.with_key("filename", filename.into())
    }

    /// Sets `version`, written as an integer.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").with_version(2).version(), Some(2));
    /// ```
    pub fn with_version(self, version: u64) -> Self {
        self.with_key("version", version)
    }

    /// Sets `url` (relative, `organizations/{org}/file/{id}/dl`).
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// let f = FileRef::new("a").with_url("organizations/o/file/a/dl");
    /// assert_eq!(f.url(), Some("organizations/o/file/a/dl"));
    /// ```
    pub fn with_url(self, url: impl Into<String>) -> Self {
        self.with_key("url", url.into())
    }

    /// Sets `full_url` (absolute).
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// let f = FileRef::new("a").with_full_url("https://go.tallyfy.com/api/organizations/o/file/a/dl");
    /// assert!(f.full_url().unwrap().starts_with("https://"));
    /// ```
    pub fn with_full_url(self, full_url: impl Into<String>) -> Self {
        self.with_key("full_url", full_url.into())
    }

    /// Sets `uploaded_from`: the capture id for a task field, `ko_field` for a kick-off field.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").with_uploaded_from("ko_field").uploaded_from(), Some("ko_field"));
    /// ```
    pub fn with_uploaded_from(self, uploaded_from: impl Into<String>) -> Self {
        self.with_key("uploaded_from", uploaded_from.into())
    }

    /// Sets `subject`: what the file was uploaded to (`Run` with a process id, `Checklist` with a
    /// template id, `Task` with a one-off task id).
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// let f = FileRef::new("a").with_subject("run_id_abc", "Run");
    /// assert_eq!(f.subject(), Some((Some("run_id_abc"), Some("Run"))));
    /// ```
    pub fn with_subject(self, id: impl Into<String>, kind: impl Into<String>) -> Self {
        self.with_key(
            "subject",
            serde_json::json!({"id": id.into(), "type": kind.into()}),
        )
    }

    /// Sets any key, replacing its value if it is there.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// let f = FileRef::new("a").with_key("source", "local");
    /// assert_eq!(f.get("source").and_then(|v| v.as_str()), Some("local"));
    /// ```
    pub fn with_key(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// The asset id, when it is a string (as Tallyfy's asset ids are).
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("asset1").id(), Some("asset1"));
    /// ```
    pub fn id(&self) -> Option<&str> {
        self.str_key("id")
    }

    /// The file's name.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").filename(), None);
    /// ```
    pub fn filename(&self) -> Option<&str> {
        self.str_key("filename")
    }

    /// The version, sent as an integer or as a string holding one.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").with_key("version", "3").version(), Some(3));
    /// assert_eq!(FileRef::new("a").with_key("version", "v3").version(), None);
    /// ```
    pub fn version(&self) -> Option<u64> {
        match self.fields.get("version")? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The relative download URL.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").with_url("u").url(), Some("u"));
    /// ```
    pub fn url(&self) -> Option<&str> {
        self.str_key("url")
    }

    /// The absolute download URL.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").with_full_url("https://x/dl").full_url(), Some("https://x/dl"));
    /// ```
    pub fn full_url(&self) -> Option<&str> {
        self.str_key("full_url")
    }

    /// Where the file was uploaded from: a capture id or `ko_field`.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").with_uploaded_from("c1").uploaded_from(), Some("c1"));
    /// ```
    pub fn uploaded_from(&self) -> Option<&str> {
        self.str_key("uploaded_from")
    }

    /// The `subject` object's `id` and `type`, when there is a subject object.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// let f = FileRef::new("a").with_key("subject", serde_json::json!({"type": "Checklist"}));
    /// assert_eq!(f.subject(), Some((None, Some("Checklist"))));
    /// assert_eq!(FileRef::new("a").subject(), None);
    /// ```
    pub fn subject(&self) -> Option<(Option<&str>, Option<&str>)> {
        let subject = self.fields.get("subject")?.as_object()?;
        let key = |k: &str| subject.get(k).and_then(Value::as_str);
        Some((key("id"), key("type")))
    }

    /// Any key, as received.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").get("id"), Some(&serde_json::json!("a")));
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// Every key, as received or set.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert_eq!(FileRef::new("a").as_object().len(), 1);
    /// ```
    pub fn as_object(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The asset object, every key kept.
    ///
    /// ```
    /// use tallyfy_client::FileRef;
    /// assert!(FileRef::new("a").into_object().contains_key("id"));
    /// ```
    pub fn into_object(self) -> Map<String, Value> {
        self.fields
    }

    fn str_key(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }
}

impl Serialize for FileRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.fields.serialize(s)
    }
}

impl<'de> Deserialize<'de> for FileRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Map::deserialize(d).map(Self::from_object)
    }
}

impl JsonSchema for FileRef {
    fn schema_name() -> String {
        "FileRef".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            instance_type: Some(InstanceType::Object.into()),
            ..Default::default()
        }
        .into()
    }
}

/// Form values keyed by field id: a launch's or process update's `prerun` (kick-off field ids), a
/// task update's `taskdata` (capture ids), or the same maps read back.
///
/// Entries keep the order they were set or received in; setting an id again replaces its value in
/// place. Equality compares that order too. Written as a JSON object. Read from an object, and from
/// `null` and `[]` (how PHP sends an empty map) as no values; any other input, a non-empty array
/// included, is a decode error (a list of values is not keyed by field id, so there is nothing to
/// read it as).
///
/// Keys are field ids (32-character hex timeline ids), not labels or aliases: Tallyfy drops a key it
/// cannot match without an error.
///
/// ```
/// use tallyfy_client::{FormValue, FormValues};
/// let v: FormValues = serde_json::from_str(r#"{"f1": "Widget Suppliers Inc", "f2": ["Widget", "3"]}"#).unwrap();
/// assert_eq!(v.get("f2"), Some(&FormValue::table(["Widget", "3"])));
/// assert!(serde_json::from_str::<FormValues>("[]").unwrap().is_empty());
/// assert!(serde_json::from_str::<FormValues>(r#"["f1"]"#).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormValues {
    entries: Vec<(String, FormValue)>,
}

impl FormValues {
    /// No values.
    ///
    /// ```
    /// use tallyfy_client::FormValues;
    /// assert_eq!(serde_json::to_string(&FormValues::new()).unwrap(), "{}");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the value of field `id` (replacing one already set, in its place) and returns the map.
    ///
    /// ```
    /// use tallyfy_client::{FormValue, FormValues};
    /// let v = FormValues::new().set("f1", "first").set("f2", FormValue::choice(2, "Office 365")).set("f1", "again");
    /// assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"f1":"again","f2":{"id":2,"text":"Office 365"}}"#);
    /// ```
    pub fn set(mut self, id: impl Into<String>, value: impl Into<FormValue>) -> Self {
        self.insert(id, value);
        self
    }

    /// Sets the value of field `id` in place, returning the value it replaces.
    ///
    /// ```
    /// use tallyfy_client::{FormValue, FormValues};
    /// let mut v = FormValues::new();
    /// assert_eq!(v.insert("f1", "a"), None);
    /// assert_eq!(v.insert("f1", "b"), Some(FormValue::text("a")));
    /// ```
    pub fn insert(
        &mut self,
        id: impl Into<String>,
        value: impl Into<FormValue>,
    ) -> Option<FormValue> {
        let id = id.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == id) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.entries.push((id, value));
                None
            }
        }
    }

    /// Removes field `id`, returning its value.
    ///
    /// ```
    /// use tallyfy_client::{FormValue, FormValues};
    /// let mut v = FormValues::new().set("f1", "a");
    /// assert_eq!(v.remove("f1"), Some(FormValue::text("a")));
    /// assert!(v.is_empty());
    /// ```
    pub fn remove(&mut self, id: &str) -> Option<FormValue> {
        let at = self.entries.iter().position(|(k, _)| k == id)?;
        Some(self.entries.remove(at).1)
    }

    /// The value of field `id`.
    ///
    /// ```
    /// use tallyfy_client::FormValues;
    /// let v = FormValues::new().set("f1", "a");
    /// assert_eq!(v.get("f1").and_then(|v| v.as_text()), Some("a"));
    /// assert!(v.get("f2").is_none());
    /// ```
    pub fn get(&self, id: &str) -> Option<&FormValue> {
        self.entries.iter().find(|(k, _)| k == id).map(|(_, v)| v)
    }

    /// The field ids and values, in order.
    ///
    /// ```
    /// use tallyfy_client::FormValues;
    /// let v = FormValues::new().set("f2", "b").set("f1", "a");
    /// let ids: Vec<&str> = v.iter().map(|(id, _)| id).collect();
    /// assert_eq!(ids, ["f2", "f1"]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &FormValue)> {
        self.into_iter()
    }

    /// How many fields have a value here (an [`FormValue::Empty`] one counts: it clears its field).
    ///
    /// ```
    /// use tallyfy_client::{FormValue, FormValues};
    /// assert_eq!(FormValues::new().set("f1", FormValue::empty()).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no fields.
    ///
    /// ```
    /// use tallyfy_client::FormValues;
    /// assert!(FormValues::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<K: Into<String>, V: Into<FormValue>> FromIterator<(K, V)> for FormValues {
    /// ```
    /// use tallyfy_client::{FormValue, FormValues};
    /// let v: FormValues = [("f1", FormValue::text("a")), ("f2", FormValue::number(3))].into_iter().collect();
    /// assert_eq!(v.len(), 2);
    /// ```
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut values = Self::new();
        values.extend(iter);
        values
    }
}

impl<K: Into<String>, V: Into<FormValue>> Extend<(K, V)> for FormValues {
    /// ```
    /// use tallyfy_client::FormValues;
    /// let mut v = FormValues::new().set("f1", "a");
    /// v.extend([("f1", "b"), ("f2", "c")]);
    /// assert_eq!(v.get("f1").and_then(|v| v.as_text()), Some("b"));
    /// assert_eq!(v.len(), 2);
    /// ```
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for FormValues {
    type Item = (String, FormValue);
    type IntoIter = std::vec::IntoIter<(String, FormValue)>;
    /// ```
    /// use tallyfy_client::FormValues;
    /// let pairs: Vec<(String, _)> = FormValues::new().set("f1", "a").into_iter().collect();
    /// assert_eq!(pairs[0].0, "f1");
    /// ```
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a FormValues {
    type Item = (&'a str, &'a FormValue);
    #[allow(clippy::type_complexity)]
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, FormValue)>,
        fn(&'a (String, FormValue)) -> (&'a str, &'a FormValue),
    >;
    /// ```
    /// use tallyfy_client::FormValues;
    /// let v = FormValues::new().set("f1", "a");
    /// for (id, value) in &v {
    ///     assert_eq!((id, value.as_text()), ("f1", Some("a")));
    /// }
    /// ```
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl Serialize for FormValues {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for FormValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FormValues;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("form values: an object keyed by field id (or null, or [] for none)")
            }
            fn visit_unit<E: de::Error>(self) -> Result<FormValues, E> {
                Ok(FormValues::new())
            }
            fn visit_none<E: de::Error>(self) -> Result<FormValues, E> {
                Ok(FormValues::new())
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<FormValues, D2::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FormValues, A::Error> {
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_value(
                        de::Unexpected::Seq,
                        &"an object keyed by field id (only an empty array, PHP's empty map, is read as no values)",
                    ));
                }
                Ok(FormValues::new())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FormValues, A::Error> {
                let mut values = FormValues {
                    entries: Vec::with_capacity(map.size_hint().unwrap_or(0)),
                };
                while let Some((id, value)) = map.next_entry::<String, FormValue>()? {
                    values.insert(id, value);
                }
                Ok(values)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for FormValues {
    fn schema_name() -> String {
        "FormValues".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            instance_type: Some(InstanceType::Object.into()),
            object: Some(Box::new(schemars::schema::ObjectValidation {
                additional_properties: Some(Box::new(g.subschema_for::<FormValue>())),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}
