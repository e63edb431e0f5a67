//! [`Secret`]: the type of every secret in a request or response body (the spec's `Secret` schema:
//! client secrets, passwords, access and refresh tokens). It wraps a [`SecretString`], so `Debug`
//! never shows the value, even inside the generated types that derive `Debug`; serializing it
//! writes the value, since that is what a token request must send.

use std::fmt;

use schemars::JsonSchema;
use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Schema, SchemaObject};
pub use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string: `Debug` shows `[redacted]`, and the memory is zeroed when it is dropped.
///
/// ```
/// use tallyfy_client::{ExposeSecret, Secret};
/// let token: Secret = serde_json::from_str(r#""abc.def""#).unwrap();
/// assert_eq!(format!("{token:?}"), "[redacted]");
/// assert_eq!(token.expose_secret(), "abc.def");
/// assert_eq!(serde_json::to_string(&token).unwrap(), r#""abc.def""#);
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps `value`.
    ///
    /// ```
    /// let s = tallyfy_client::Secret::new("p@ss");
    /// assert!(!format!("{s:?}").contains("p@ss"));
    /// ```
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The value. Keep it out of logs.
    ///
    /// ```
    /// assert_eq!(tallyfy_client::Secret::new("x").expose_secret(), "x");
    /// ```
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The value as a [`SecretString`].
    ///
    /// ```
    /// use tallyfy_client::ExposeSecret;
    /// let s = tallyfy_client::Secret::new("x").into_secret_string();
    /// assert_eq!(s.expose_secret(), "x");
    /// ```
    pub fn into_secret_string(self) -> SecretString {
        self.0
    }
}

impl From<SecretString> for Secret {
    fn from(value: SecretString) -> Self {
        Self(value)
    }
}

impl From<&SecretString> for Secret {
    fn from(value: &SecretString) -> Self {
        Self(value.clone())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Two secrets are equal when their values are (the generated types derive `PartialEq`).
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}
