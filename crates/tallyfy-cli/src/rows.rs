//! Table cells from an item's JSON: the generated `Row` impls (one per item type, with the columns
//! the spec gives it) call [`cells`].

use serde::Serialize;
use serde_json::Value;

/// One cell per column: the first of the column's dot paths (`details.company_name`) that has a
/// value in the item's JSON, as text; empty when none has one. An alternative of several paths
/// separated by spaces (`first_name last_name`) joins their values with a space.
pub fn cells<T: Serialize>(item: &T, columns: &[&[&str]]) -> Vec<String> {
    let json = serde_json::to_value(item).unwrap_or(Value::Null);
    columns
        .iter()
        .map(|paths| {
            paths
                .iter()
                .map(|alternative| {
                    let parts: Vec<String> = alternative
                        .split(' ')
                        .filter_map(|path| lookup(&json, path))
                        .map(text)
                        .filter(|t| !t.is_empty())
                        .collect();
                    parts.join(" ")
                })
                .find(|t| !t.is_empty())
                .unwrap_or_default()
        })
        .collect()
}

fn lookup<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(json, |at, key| at.get(key))
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_path_with_a_value_wins_and_nested_paths_are_followed() {
        let item = serde_json::json!({
            "id": 7, "full_name": null, "first_name": "Ada", "last_name": "L",
            "details": {"company_name": "Acme"}, "active": true, "tags": ["a"]
        });
        let got = cells(
            &item,
            &[
                &["id"],
                &["full_name", "first_name last_name"],
                &["details.company_name"],
                &["active"],
                &["tags"],
                &["missing"],
            ],
        );
        assert_eq!(got, ["7", "Ada L", "Acme", "true", "[\"a\"]", ""]);
    }
}
