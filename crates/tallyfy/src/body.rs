//! Request-body values on their way to the generated client's types. Each conversion is the
//! generated client's own, which checks the spec's limits (`maxLength`, `minLength`, `pattern`,
//! `enum`); a failure names the field and says the rule in words (for the shared email and URL
//! schemas, what is wrong with the value: see [`crate::validate`]). A field of an open type (the one
//! [`Role`](crate::Role)) is checked here against the spec's `enum`, since its type accepts any value.

use std::fmt::Display;
use std::str::FromStr;

use crate::error::Error;

/// `value` converted to the generated client's type for `field`.
pub(crate) fn field<V, T>(field: &str, value: V) -> Result<T, Error>
where
    T: TryFrom<V, Error: Display>,
{
    T::try_from(value).map_err(|e| Error::invalid_input(field, reason(&e.to_string())))
}

/// `value`, a string of the named component schema (`EmailAddress`), converted like [`field`]; a
/// refusal says what is wrong with it where the SDK knows the schema's rule in words.
pub(crate) fn text_of<'v, T>(field: &str, schema: &str, value: &'v str) -> Result<T, Error>
where
    T: TryFrom<&'v str, Error: Display>,
{
    T::try_from(value).map_err(|e| {
        let why = crate::validate::explain(schema, value).unwrap_or_else(|| reason(&e.to_string()));
        Error::invalid_input(field, why)
    })
}

/// `value` when it is at least the spec's `minimum` for `field`; the generated client's type is a
/// plain `i64`, so the SDK checks the limit itself.
pub(crate) fn at_least(field: &str, value: i64, minimum: i64) -> Result<i64, Error> {
    if value < minimum {
        return Err(Error::invalid_input(
            field,
            format!("must be at least {minimum}, not {value}"),
        ));
    }
    Ok(value)
}

/// The generated client's words for a broken limit, as the SDK's errors put it.
fn reason(message: &str) -> String {
    if let Some(n) = message.strip_prefix("longer than ") {
        format!("must be at most {n}")
    } else if let Some(n) = message.strip_prefix("shorter than ") {
        format!(
            "must be at least {}",
            n.replace("1 characters", "1 character")
        )
    } else if message.starts_with("doesn't match pattern") {
        "does not have the form the spec's pattern requires".to_string()
    } else {
        format!("is not valid: {message}")
    }
}

/// `value` as the one of `allowed` it matches in any letter case (spelled as `allowed` spells it);
/// anything else is refused, naming the field.
pub(crate) fn one_of<T>(field: &str, value: T, allowed: &[&str]) -> Result<T, Error>
where
    T: Display + FromStr,
{
    let text = value.to_string();
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(&text))
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| {
            let names = match allowed {
                [] => String::new(),
                [one] => one.to_string(),
                [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
            };
            Error::invalid_input(field, format!("must be {names}, not `{text}`"))
        })
}

/// A file for an upload, checked against its field's limits (`x-tallyfy-upload`): at most
/// `max_bytes`, and an extension from `extensions` (in any letter case).
pub(crate) fn file(
    field: &str,
    part: &tallyfy_client::FilePart,
    max_bytes: Option<u64>,
    extensions: &[&str],
) -> Result<(String, tallyfy_client::FilePart), Error> {
    if let Some(max) = max_bytes
        && part.len() as u64 > max
    {
        return Err(Error::invalid_input(
            field,
            format!(
                "is {} bytes; the server takes at most {max} ({} MiB)",
                part.len(),
                max / (1024 * 1024)
            ),
        ));
    }
    if !extensions.is_empty() {
        let ext = part.extension().unwrap_or_default();
        if !extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)) {
            return Err(Error::invalid_input(
                field,
                format!(
                    "is named {:?}; the server takes only files ending in .{}",
                    part.filename(),
                    extensions.join(", .")
                ),
            ));
        }
    }
    Ok((field.to_string(), part.clone()))
}

/// A multipart body: the checked `fields` (the generated client's type, whose file fields are
/// empty placeholders) as text parts, in their wire names, then the `files`.
pub(crate) fn multipart<T: serde::Serialize>(
    fields: &T,
    files: Vec<(String, tallyfy_client::FilePart)>,
) -> Result<tallyfy_client::Multipart, Error> {
    let value = serde_json::to_value(fields)
        .map_err(|e| Error::invalid_input("body", format!("cannot be encoded: {e}")))?;
    let mut form = tallyfy_client::Multipart::new();
    if let serde_json::Value::Object(map) = value {
        for (name, value) in map {
            if files.iter().any(|(f, _)| *f == name) {
                continue;
            }
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            form = form.text(name, text);
        }
    }
    for (name, part) in files {
        form = form.file(name, part);
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;
    use tallyfy_client::types;

    #[test]
    fn a_value_outside_the_spec_names_its_field_and_the_rule() {
        let ok: types::GuestCreateFirstName = field("first_name", "Pat".to_string()).unwrap();
        assert_eq!(ok.as_str(), "Pat");
        let err =
            field::<_, types::GuestCreateFirstName>("first_name", "x".repeat(201)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `first_name` must be at most 200 characters"
        );
        let err = field::<_, types::MemberUpdateTimezone>("timezone", String::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `timezone` must be at least 1 character"
        );
        let err = field::<_, types::EmailAddress>("email", "no at sign".to_string()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `email` does not have the form the spec's pattern requires"
        );
        let same: i64 = field("country_id", 7i64).unwrap();
        assert_eq!(same, 7);
    }

    #[test]
    fn an_open_value_must_be_one_the_spec_lists() {
        let allowed = ["admin", "standard", "light"];
        assert_eq!(one_of("role", Role::Light, &allowed).unwrap(), Role::Light);
        assert_eq!(
            one_of("role", Role::Other("ADMIN".into()), &allowed).unwrap(),
            Role::Admin
        );
        let err = one_of("role", Role::Other("Auditor".into()), &allowed).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `role` must be admin, standard or light, not `Auditor`"
        );
    }

    #[test]
    fn a_generated_body_checks_the_spec_limits_once_with_the_field() {
        use crate::MemberUpdate;
        let base = || MemberUpdate::new("A", "B", "Europe/London");
        assert!(base().validate().is_ok());
        let field_of = |update: MemberUpdate| match update.validate() {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        };
        assert_eq!(field_of(MemberUpdate::new("", "B", "UTC")), "first_name");
        assert_eq!(field_of(MemberUpdate::new("A", "B", "")), "timezone");
        assert_eq!(field_of(base().last_name("x".repeat(33))), "last_name");
        assert_eq!(field_of(base().phone("1".repeat(21))), "phone");
        let wire = base()
            .date_format("mm/dd/yyyy".parse().unwrap())
            .step_preferences(true)
            .to_wire()
            .unwrap();
        let json = serde_json::to_value(wire).unwrap();
        assert_eq!(json["date_format"], "mm/dd/yyyy");
        assert_eq!(json["step_preferences"], true);
    }
}
