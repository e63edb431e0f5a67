//! A small validator for OpenAPI 3.0 schemas, enough to check the spec's own examples.
//!
//! It understands the keywords this spec uses: `$ref`, `nullable`, `type`, `enum`, `required`,
//! `properties`, `additionalProperties`, `items`, `minLength`/`maxLength`, `maxItems`, `minimum`,
//! `pattern`, `oneOf`, `anyOf` and `allOf`. `format` is an annotation, as in JSON Schema: the docs show
//! timestamps that are not RFC 3339, and clients are built to accept them. An unknown keyword is an error,
//! so the validator cannot silently ignore a rule the spec relies on.

use serde_json::Value;

const KNOWN: &[&str] = &[
    "$ref",
    "nullable",
    "type",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minLength",
    "maxLength",
    "maxItems",
    "minimum",
    "pattern",
    "oneOf",
    "anyOf",
    "allOf",
    "format",
    "description",
    "default",
    "example",
    "title",
];

/// Every way `value` breaks `schema`, each as `path: problem`. `root` resolves `#/...` references.
pub fn validate(root: &Value, schema: &Value, value: &Value, path: &str) -> Vec<String> {
    let mut errors = Vec::new();
    check(root, schema, value, path, &mut errors);
    errors
}

/// Resolves a local `$ref` such as `#/components/schemas/Guest`.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    root.pointer(reference.strip_prefix('#')?)
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        errors.push(format!("{path}: schema is not an object"));
        return;
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        match resolve(root, r) {
            Some(target) => check(root, target, value, path, errors),
            None => errors.push(format!("{path}: unresolved $ref {r}")),
        }
        return;
    }
    for key in obj.keys() {
        // The project's extensions say nothing about which values are valid (the spec rules check
        // where they stand); any other keyword this checker would have to understand.
        if !KNOWN.contains(&key.as_str()) && !key.starts_with("x-tallyfy-") {
            errors.push(format!(
                "{path}: the example checker does not know the keyword `{key}`"
            ));
        }
    }
    if value.is_null() && obj.get("nullable").and_then(Value::as_bool) == Some(true) {
        return;
    }
    if let Some(ty) = obj.get("type").and_then(Value::as_str) {
        let ok = match ty {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => false,
        };
        if !ok {
            errors.push(format!("{path}: expected {ty}, found {value}"));
            return;
        }
    }
    if let Some(options) = obj.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!("{path}: {value} is not one of {options:?}"));
    }
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as u64;
        if let Some(max) = obj.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            errors.push(format!("{path}: longer than {max} characters"));
        }
        if let Some(min) = obj.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            errors.push(format!("{path}: shorter than {min} characters"));
        }
        if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
            match regress::Regex::new(pattern) {
                Ok(re) if re.find(s).is_some() => {}
                Ok(_) => errors.push(format!("{path}: {s:?} does not match {pattern}")),
                Err(e) => errors.push(format!("{path}: bad pattern {pattern}: {e}")),
            }
        }
    }
    if let (Some(n), Some(min)) = (value.as_f64(), obj.get("minimum").and_then(Value::as_f64))
        && n < min
    {
        errors.push(format!("{path}: {n} is below the minimum {min}"));
    }
    if let Some(items) = value.as_array() {
        if let Some(max) = obj.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            errors.push(format!("{path}: more than {max} items"));
        }
        if let Some(item_schema) = obj.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(root, item_schema, item, &format!("{path}[{i}]"), errors);
            }
        }
    }
    if let Some(map) = value.as_object() {
        let props = obj.get("properties").and_then(Value::as_object);
        for name in obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str()
                && !map.contains_key(name)
            {
                errors.push(format!("{path}: missing required `{name}`"));
            }
        }
        for (key, field) in map {
            let field_path = format!("{path}.{key}");
            if let Some(prop) = props.and_then(|p| p.get(key)) {
                check(root, prop, field, &field_path, errors);
            } else {
                match obj.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{field_path}: not allowed here"))
                    }
                    Some(extra @ Value::Object(_)) => {
                        check(root, extra, field, &field_path, errors)
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for sub in all {
            check(root, sub, value, path, errors);
        }
    }
    if let Some(any) = obj.get("anyOf").and_then(Value::as_array)
        && !any
            .iter()
            .any(|sub| validate(root, sub, value, path).is_empty())
    {
        errors.push(format!("{path}: matches none of anyOf"));
    }
    if let Some(one) = obj.get("oneOf").and_then(Value::as_array) {
        let matching = one
            .iter()
            .filter(|sub| validate(root, sub, value, path).is_empty())
            .count();
        if matching != 1 {
            errors.push(format!(
                "{path}: matches {matching} branches of oneOf, not exactly one"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errs(schema: Value, value: Value) -> Vec<String> {
        validate(&json!({}), &schema, &value, "$")
    }

    #[test]
    fn types_lengths_patterns_and_enums_are_checked() {
        let s = json!({"type": "string", "maxLength": 3, "pattern": "^[a-z]+$", "enum": ["ab", "abcd"]});
        assert!(errs(s.clone(), json!("ab")).is_empty());
        assert_eq!(errs(s.clone(), json!("abcd")).len(), 1);
        assert_eq!(errs(s.clone(), json!("Ab")).len(), 2);
        assert_eq!(errs(s, json!(3)).len(), 1);
    }

    #[test]
    fn objects_nullable_and_one_of() {
        let s = json!({"type": "object", "required": ["a"], "properties": {
            "a": {"type": "integer", "nullable": true},
            "b": {"oneOf": [{"type": "integer"}, {"type": "string"}]}
        }});
        assert!(errs(s.clone(), json!({"a": null, "b": "x"})).is_empty());
        assert_eq!(
            errs(s.clone(), json!({"b": 1})),
            ["$: missing required `a`"]
        );
        assert_eq!(errs(s, json!({"a": 1, "b": true})).len(), 1);
    }

    #[test]
    fn unknown_keywords_are_reported() {
        assert_eq!(
            errs(json!({"type": "string", "const": "x"}), json!("x")).len(),
            1
        );
    }
}
