//! Request-body values on their way to the generated client's types: each conversion is the
//! generated client's own (which checks the spec's limits), and a failure names the field.

use std::fmt::Display;

use crate::error::Error;

/// `value` converted to the generated client's type for `field`.
pub(crate) fn field<V, T>(field: &str, value: V) -> Result<T, Error>
where
    T: TryFrom<V, Error: Display>,
{
    T::try_from(value).map_err(|e| Error::invalid_input(field, format!("is not valid: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tallyfy_client::types;

    #[test]
    fn a_value_outside_the_spec_names_its_field() {
        let ok: types::GuestCreateFirstName = field("first_name", "Pat".to_string()).unwrap();
        assert_eq!(ok.as_str(), "Pat");
        let err =
            field::<_, types::GuestCreateFirstName>("first_name", "x".repeat(201)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `first_name` is not valid: longer than 200 characters"
        );
        let same: i64 = field("country_id", 7i64).unwrap();
        assert_eq!(same, 7);
    }
}
