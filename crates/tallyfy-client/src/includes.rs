//! Related records that a response includes on request (`with=steps`, `with=run`): [`Many`] for a
//! list of them, [`One`] for a single one.
//!
//! Tallyfy wraps includes in `{"data": ...}` (its serializer's convention), but some of its pages
//! show them bare, and an empty list has been documented as `{"data": []}`, `[]` and `{}`. These
//! types read every one of those forms, so that code never has to match on the form, and write the
//! wrapped one. The spec's `*Include` and `*Included` schemas are generated as these types
//! (`xtask/src/replacements.rs`).

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{Schema, SchemaObject, SubschemaValidation};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An included list: `{"data": [...]}`, a plain array, `{}` or `null` (both empty).
///
/// It dereferences to a slice:
///
/// ```
/// use tallyfy_client::Many;
///
/// for text in [r#"{"data": [1, 2]}"#, "[1, 2]"] {
///     let many: Many<i64> = serde_json::from_str(text).unwrap();
///     assert_eq!(&many[..], [1, 2]);
/// }
/// for empty in ["{}", "[]", r#"{"data": []}"#, "null"] {
///     let many: Many<i64> = serde_json::from_str(empty).unwrap();
///     assert!(many.is_empty());
/// }
/// assert_eq!(serde_json::to_string(&Many(vec![1])).unwrap(), r#"{"data":[1]}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Many<T>(pub Vec<T>);

impl<T> Default for Many<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Deref for Many<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> From<Vec<T>> for Many<T> {
    fn from(items: Vec<T>) -> Self {
        Self(items)
    }
}

impl<T> IntoIterator for Many<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Many<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Serialize> Serialize for Many<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wrapped<'a, T> {
            data: &'a [T],
        }
        Wrapped { data: &self.0 }.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a list as {"data": [...]} or as a plain array"#)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Many<T>, D2::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Many(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Many<T>, A::Error> {
                let mut data: Option<Option<Vec<T>>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "data" {
                        if data.is_some() {
                            return Err(de::Error::duplicate_field("data"));
                        }
                        data = Some(map.next_value()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Many(data.flatten().unwrap_or_default()))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for Many<T> {
    fn schema_name() -> String {
        format!("Many_{}", T::schema_name())
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct Wrapped<T> {
            data: Vec<T>,
        }
        one_of(vec![
            g.subschema_for::<Wrapped<T>>(),
            g.subschema_for::<Vec<T>>(),
        ])
    }
}

/// An included record: `{"data": {...}}` or the bare object.
///
/// It dereferences to the record:
///
/// ```
/// use std::collections::BTreeMap;
/// use tallyfy_client::One;
///
/// for text in [r#"{"data": {"id": 7}}"#, r#"{"id": 7}"#] {
///     let one: One<BTreeMap<String, i64>> = serde_json::from_str(text).unwrap();
///     assert_eq!(one["id"], 7);
/// }
/// ```
///
/// An object whose only key is `data`, holding an object, is read as the wrapped form; so a record
/// type with a single field named `data` cannot be told from its wrapper and should not be used here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct One<T>(pub T);

impl<T> Deref for One<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Serialize> Serialize for One<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wrapped<'a, T> {
            data: &'a T,
        }
        Wrapped { data: &self.0 }.serialize(s)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for One<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(d)?;
        if let serde_json::Value::Object(map) = &mut value
            && map.len() == 1
            && map.get("data").is_some_and(serde_json::Value::is_object)
        {
            value = map.remove("data").unwrap_or_default();
        }
        T::deserialize(value).map(One).map_err(de::Error::custom)
    }
}

impl<T: JsonSchema> JsonSchema for One<T> {
    fn schema_name() -> String {
        format!("One_{}", T::schema_name())
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct Wrapped<T> {
            data: T,
        }
        one_of(vec![
            g.subschema_for::<Wrapped<T>>(),
            g.subschema_for::<T>(),
        ])
    }
}

fn one_of(schemas: Vec<Schema>) -> Schema {
    SchemaObject {
        subschemas: Some(Box::new(SubschemaValidation {
            one_of: Some(schemas),
            ..Default::default()
        })),
        ..Default::default()
    }
    .into()
}
