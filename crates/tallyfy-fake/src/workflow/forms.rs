//! Kick-off (`prerun`) and task (`taskdata`) values: one check per field type, shared by launch,
//! process update and task update, as Tallyfy uses one validator for both.
//!
//! | type | accepted value |
//! |---|---|
//! | text | any JSON scalar; a string of at most 200 characters |
//! | textarea | a string of at most 30 000 characters |
//! | email | anything (Tallyfy does not check it) |
//! | date | `2025-12-31T23:59:59Z` or `2026-03-01 09:00:00` |
//! | radio | one option's text, exactly |
//! | dropdown | `{"id": int, "text": str, ...}` naming the same option |
//! | multiselect | a list of such objects |
//! | table | a list of strings, one per column, none empty |
//! | assignees_form | `{"users": [id], "guests": [email], "groups": [id]}` (each list optional; a user id may be a numeric string) |
//! | file | a list of objects, each with `id`, `full_url` or `url` |
//! | number, url, time, datetime, checkbox (one-off tasks only) | anything (the reference leaves their values open) |
//!
//! `null`, `""` and `[]` clear a field of any type. Keys that name no field are dropped, once their
//! value has one of the shapes the spec's `FormValue` allows (else 422, like a known field's).

use serde_json::{Map, Value};

use super::model::{Field, FieldType};
use crate::errors::FieldErrors;
use crate::validation::is_email;

/// Whether a value clears the field (`null`, `""`, `[]`).
pub(crate) fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn names_option(field: &Field, v: &Value) -> bool {
    let (Some(id), Some(text)) = (
        v.get("id").and_then(Value::as_i64),
        v.get("text").and_then(Value::as_str),
    ) else {
        return false;
    };
    field.options.iter().any(|(i, t)| *i == id && t == text)
}

/// Checks one value against its field: `Ok(None)` clears the field, `Ok(Some(v))` stores `v`.
pub(crate) fn check_value(field: &Field, v: &Value) -> Result<Option<Value>, String> {
    if is_blank(v) {
        return Ok(None);
    }
    let label = &field.label;
    let ok = match field.field_type {
        FieldType::Text => match v {
            Value::String(s) if s.chars().count() > 200 => {
                return Err(format!(
                    "The {label} may not be greater than 200 characters."
                ));
            }
            Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
            _ => return Err(format!("The {label} must be a single value.")),
        },
        FieldType::Textarea => match v {
            Value::String(s) if s.chars().count() > 30_000 => {
                return Err(format!(
                    "The {label} may not be greater than 30000 characters."
                ));
            }
            Value::String(_) => true,
            _ => return Err(format!("The {label} must be a string.")),
        },
        FieldType::Email => true,
        FieldType::Date => {
            if v.as_str().and_then(super::time::parse).is_none() {
                return Err(format!("The {label} is not a valid date."));
            }
            true
        }
        FieldType::Radio => {
            if !v
                .as_str()
                .is_some_and(|s| field.options.iter().any(|(_, t)| t == s))
            {
                return Err("Invalid radio choice selected.".into());
            }
            true
        }
        FieldType::Dropdown => {
            if !names_option(field, v) {
                return Err("Invalid dropdown choice selected.".into());
            }
            true
        }
        FieldType::Multiselect => {
            let all = v
                .as_array()
                .is_some_and(|items| items.iter().all(|item| names_option(field, item)));
            if !all {
                return Err("Invalid multiselect choice selected.".into());
            }
            true
        }
        FieldType::Table => {
            let Some(cells) = v.as_array() else {
                return Err("Invalid table field".into());
            };
            if cells.len() != field.columns.len() {
                return Err("Number of columns does not match required columns".into());
            }
            if !cells
                .iter()
                .all(|c| c.as_str().is_some_and(|s| !s.is_empty()))
            {
                return Err("Invalid table field".into());
            }
            true
        }
        FieldType::AssigneesForm => {
            let list_ok = |key: &str, each: &dyn Fn(&Value) -> bool| match v.get(key) {
                None | Some(Value::Null) => true,
                Some(Value::Array(items)) => items.iter().all(each),
                Some(_) => false,
            };
            let ok = v.is_object()
                && list_ok("users", &|u| super::model::user_id(u).is_some())
                && list_ok("guests", &|g| g.as_str().is_some_and(is_email))
                && list_ok("groups", &|g| super::model::group_id(g).is_some());
            if !ok {
                return Err(format!(
                    "The {label} must list users (ids), guests (emails) and groups (ids)."
                ));
            }
            true
        }
        FieldType::File => {
            let has_ref = |item: &Value| {
                ["id", "full_url", "url"]
                    .iter()
                    .any(|k| item.get(*k).is_some_and(|x| !x.is_null()))
            };
            if !v.as_array().is_some_and(|items| items.iter().all(has_ref)) {
                return Err("Invalid file field".into());
            }
            true
        }
        FieldType::Number
        | FieldType::Url
        | FieldType::Time
        | FieldType::Datetime
        | FieldType::Checkbox => true,
    };
    Ok(ok.then(|| v.clone()))
}

/// Whether `v` is an id as the spec's `FlexibleId` takes one: an integer or a string.
fn flexible_id(v: &Value) -> bool {
    v.as_i64().is_some() || v.is_string()
}

/// Whether `v` is a member id as the spec's `Assignees.users` takes one: an integer, or digits as
/// a string.
fn member_id(v: &Value) -> bool {
    v.as_i64().is_some()
        || v.as_str()
            .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `v`, if present, is a list whose every item passes `each`.
fn list_of(v: Option<&Value>, each: impl Fn(&Value) -> bool) -> bool {
    v.is_none_or(|v| v.as_array().is_some_and(|items| items.iter().all(each)))
}

/// Whether `v`, if present, is a string or `null`.
fn nullable_string(v: Option<&Value>) -> bool {
    v.is_none_or(|v| v.is_string() || v.is_null())
}

/// The spec's `ChoiceValue`: `id` and `text`, and `selected` a boolean when present.
fn choice_shape(v: &Value) -> bool {
    v.is_object()
        && v.get("id").is_some_and(flexible_id)
        && v.get("text").is_some_and(Value::is_string)
        && v.get("selected").is_none_or(Value::is_boolean)
}

/// The spec's `Assignees`: optional lists of ids, emails and ids.
fn assignees_shape(v: &Value) -> bool {
    v.is_object()
        && list_of(v.get("users"), member_id)
        && list_of(v.get("guests"), Value::is_string)
        && list_of(v.get("groups"), flexible_id)
}

/// The spec's `FileRef`: every property optional, each of its type when present.
fn file_shape(v: &Value) -> bool {
    v.is_object()
        && v.get("id").is_none_or(flexible_id)
        && v.get("version").is_none_or(flexible_id)
        && ["filename", "url", "full_url", "uploaded_from"]
            .iter()
            .all(|k| nullable_string(v.get(*k)))
}

/// Whether a value has one of the shapes the spec's `FormValue` allows at all (a scalar or
/// `null`, a choice, assignees, or a list of strings, choices and files). Checked for every key,
/// known or not, before the field's own rules.
pub(crate) fn form_value_shape(v: &Value) -> bool {
    match v {
        Value::Null | Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
        Value::Object(_) => choice_shape(v) || assignees_shape(v),
        Value::Array(items) => items
            .iter()
            .all(|i| i.is_string() || choice_shape(i) || file_shape(i)),
    }
}

/// Checks the values sent for `fields` (`prefix` is `prerun` or `taskdata`), recording each
/// failure under `prefix.<field id>`, and returns the changes to make: `(id, Some(value))` to store,
/// `(id, None)` to clear. Keys that name no field are left out.
pub(crate) fn check_all(
    fields: &[Field],
    values: &Map<String, Value>,
    prefix: &str,
    errors: &mut FieldErrors,
) -> Vec<(String, Option<Value>)> {
    let mut changes = Vec::new();
    for (key, value) in values {
        let name = format!("{prefix}.{key}");
        let checked = match fields.iter().find(|f| &f.id == key) {
            Some(f) => check_one(f, value, &name).map(Some),
            None if form_value_shape(value) => Ok(None),
            None => Err(format!("The {name} is not a form value.")),
        };
        match checked {
            Ok(Some(v)) => changes.push((key.clone(), v)),
            Ok(None) => {}
            Err(message) => errors.entry(name).or_default().push(message),
        }
    }
    changes
}

/// Checks one value sent for `field` (named `name` in messages) as [`check_all`] checks each:
/// the field's own rule speaks first, then the value must have a form value's shape.
pub(crate) fn check_one(field: &Field, value: &Value, name: &str) -> Result<Option<Value>, String> {
    let checked = check_value(field, value)?;
    if !form_value_shape(value) {
        return Err(format!("The {name} is not a form value."));
    }
    Ok(checked)
}

/// Applies changes from [`check_all`].
pub(crate) fn apply(target: &mut Map<String, Value>, changes: Vec<(String, Option<Value>)>) {
    for (key, value) in changes {
        match value {
            Some(v) => {
                target.insert(key, v);
            }
            None => {
                target.remove(&key);
            }
        }
    }
}

/// Records `"<label> is required"` under `prefix.<field id>` for each required field without a
/// value in `values` (fields that already failed are not reported twice).
pub(crate) fn check_required(
    fields: &[Field],
    values: &Map<String, Value>,
    prefix: &str,
    errors: &mut FieldErrors,
) {
    for field in fields.iter().filter(|f| f.required) {
        let key = format!("{prefix}.{}", field.id);
        if !values.contains_key(&field.id) && !errors.contains_key(&key) {
            errors
                .entry(key)
                .or_default()
                .push(format!("{} is required", field.label));
        }
    }
}
