//! The project's own rules for `openapi/tallyfy.yaml`, beyond what Redocly's ruleset checks:
//!
//! - the document is OpenAPI 3.0.x (progenitor refuses 3.1);
//! - every operation has a unique snake_case `operationId`, exactly one tag (declared in the top-level
//!   `tags`: it names the resource the SDK and the CLI group the operation under), a summary and a
//!   description;
//! - every `{name}` in a path template is declared as a path parameter, and every declared path parameter
//!   appears in the template;
//! - every `$ref` resolves, and every component is used (by a `$ref`, or a schema by an
//!   `x-tallyfy-comma-list`; Redocly's `no-unused-components` would miss the second);
//! - every example (media type `example`/`examples`, parameter examples) validates against its schema;
//! - every vendor extension is one of the project's (see [`EXTENSIONS`]), in the place it belongs,
//!   with a value of the right kind; `x-tallyfy-idempotent` only where it changes what the method
//!   implies; every path parameter has an `x-tallyfy-segment` kind. What an extension's value
//!   names (a parameter, a schema) is checked where it is used, by the request model that
//!   `lint-spec` also builds (`xtask/src/requests.rs`).

use crate::example_check::{resolve, validate};
use serde_json::Value;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Every rule violation in the spec, one message each; empty when the spec is clean.
pub fn check(spec: &serde_yaml::Value) -> Vec<String> {
    let root = match serde_json::to_value(spec) {
        Ok(v) => v,
        Err(e) => return vec![format!("the spec cannot be read as JSON: {e}")],
    };
    let mut problems = Vec::new();
    let version = root.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        problems.push(format!(
            "openapi version is {version:?}; progenitor needs 3.0.x"
        ));
    }
    check_refs(&root, &root, "#", &mut problems);
    check_components_used(&root, &mut problems);
    check_operations(&root, &mut problems);
    check_examples(&root, &root, "#", &mut problems);
    check_extensions(&root, &mut Vec::new(), &mut problems);
    check_segment_kinds(&root, &mut problems);
    problems
}

/// Where a vendor extension may stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Operation,
    PathParameter,
    QueryParameter,
    Schema,
    Tag,
}

/// The project's vendor extensions and where each belongs (the README's "Change the spec" section
/// says what each means).
const EXTENSIONS: &[(&str, Place)] = &[
    ("x-tallyfy-timestamp", Place::Schema),
    ("x-tallyfy-idempotent", Place::Operation),
    ("x-tallyfy-segment", Place::PathParameter),
    ("x-tallyfy-pagination", Place::Operation),
    ("x-tallyfy-name", Place::QueryParameter),
    ("x-tallyfy-input", Place::Schema),
    ("x-tallyfy-columns", Place::Schema),
    ("x-tallyfy-implies", Place::QueryParameter),
    ("x-tallyfy-comma-list", Place::QueryParameter),
    ("x-tallyfy-verb", Place::Operation),
    ("x-tallyfy-upload", Place::Schema),
    ("x-tallyfy-auth", Place::Tag),
];

/// What `node`, at this JSON pointer (split into keys), is.
fn place_of(at: &[String], node: &serde_json::Map<String, Value>) -> Option<Place> {
    let keys: Vec<&str> = at.iter().map(String::as_str).collect();
    if node.contains_key("name") {
        match node.get("in").and_then(Value::as_str) {
            Some("path") => return Some(Place::PathParameter),
            Some("query") => return Some(Place::QueryParameter),
            _ => {}
        }
    }
    match keys.as_slice() {
        ["paths", _, method] if METHODS.contains(method) => Some(Place::Operation),
        ["tags", _] => Some(Place::Tag),
        ["components", "schemas", _, ..] => Some(Place::Schema),
        _ if keys.contains(&"schema") => Some(Place::Schema),
        _ => None,
    }
}

fn check_extensions(node: &Value, at: &mut Vec<String>, problems: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter().filter(|(k, _)| k.starts_with("x-")) {
                let shown = format!("#/{}/{key}", at.join("/"));
                let Some((_, wanted)) = EXTENSIONS.iter().find(|(name, _)| name == key) else {
                    let known: Vec<&str> = EXTENSIONS.iter().map(|(n, _)| *n).collect();
                    problems.push(format!(
                        "{shown}: unknown extension (the project's are {known:?})"
                    ));
                    continue;
                };
                if place_of(at, map) != Some(*wanted) {
                    problems.push(format!(
                        "{shown}: {key} belongs on {}",
                        match wanted {
                            Place::Operation => "an operation",
                            Place::PathParameter => "a path parameter",
                            Place::QueryParameter => "a query parameter",
                            Place::Schema => "a schema",
                            Place::Tag => "a tag",
                        }
                    ));
                    continue;
                }
                match (key.as_str(), value) {
                    ("x-tallyfy-timestamp" | "x-tallyfy-auth", Value::Bool(true)) => {}
                    ("x-tallyfy-auth", other) => {
                        problems.push(format!("{shown}: must be true, not {other}"));
                    }
                    ("x-tallyfy-timestamp", other) => {
                        problems.push(format!("{shown}: must be true, not {other}"));
                    }
                    ("x-tallyfy-idempotent", Value::Bool(b)) => {
                        let method = at
                            .last()
                            .map(|m| m.to_ascii_uppercase())
                            .unwrap_or_default();
                        if *b == crate::operations::idempotent_by_method(&method) {
                            problems.push(format!(
                                "{shown}: {method} is already {}idempotent; drop the extension",
                                if *b { "" } else { "not " }
                            ));
                        }
                    }
                    ("x-tallyfy-segment", Value::String(kind))
                        if crate::model::Segment::parse(kind).is_some() => {}
                    ("x-tallyfy-segment", other) => problems.push(format!(
                        "{shown}: must be one of {:?}, not {other}",
                        crate::model::Segment::NAMES
                    )),
                    ("x-tallyfy-name" | "x-tallyfy-implies" | "x-tallyfy-verb", Value::String(name))
                        if is_snake_case(name) => {}
                    ("x-tallyfy-name" | "x-tallyfy-implies" | "x-tallyfy-verb", other) => problems.push(format!(
                        "{shown}: must be a snake_case name, not {other}"
                    )),
                    ("x-tallyfy-input", Value::String(name))
                        if name.starts_with(|c: char| c.is_ascii_uppercase())
                            && name.chars().all(|c| c.is_ascii_alphanumeric()) => {}
                    ("x-tallyfy-input", other) => problems.push(format!(
                        "{shown}: must be a PascalCase type name, not {other}"
                    )),
                    ("x-tallyfy-columns", Value::Array(columns))
                        if columns.iter().all(|c| {
                            c.get("heading").is_some_and(Value::is_string)
                                && c.get("field").is_some_and(|f| {
                                    f.is_string()
                                        || f.as_array()
                                            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string))
                                })
                        }) => {}
                    ("x-tallyfy-columns", other) => problems.push(format!(
                        "{shown}: must be a list of {{heading: <text>, field: <path> or [<path>, ...]}}, not {other}"
                    )),
                    ("x-tallyfy-upload", Value::Object(fields))
                        if fields.iter().all(|(k, v)| match k.as_str() {
                            "max-bytes" => v.as_u64().is_some_and(|n| n > 0),
                            "extensions" => v.as_array().is_some_and(|a| {
                                !a.is_empty()
                                    && a.iter().all(|e| {
                                        e.as_str().is_some_and(|e| {
                                            !e.is_empty()
                                                && e.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                                        })
                                    })
                            }),
                            _ => false,
                        }) => {}
                    ("x-tallyfy-upload", other) => problems.push(format!(
                        "{shown}: must be {{max-bytes: <positive integer>, extensions: [<lower-case extension>, ...]}}, not {other}"
                    )),
                    ("x-tallyfy-comma-list", Value::String(_)) => {}
                    ("x-tallyfy-comma-list", other) => problems.push(format!(
                        "{shown}: must name a component schema, not {other}"
                    )),
                    ("x-tallyfy-pagination", Value::Object(fields))
                        if fields.iter().all(|(k, v)| {
                            ["page", "per-page", "all"].contains(&k.as_str()) && v.is_string()
                        }) && fields.contains_key("page")
                            && fields.contains_key("per-page") => {}
                    ("x-tallyfy-pagination", other) => problems.push(format!(
                        "{shown}: must be {{page: <name>, per-page: <name>, all: <name> (optional)}}, not {other}"
                    )),
                    (_, other) => problems.push(format!("{shown}: must be a boolean, not {other}")),
                }
            }
            for (k, v) in map {
                at.push(k.clone());
                check_extensions(v, at, problems);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                check_extensions(v, at, problems);
                at.pop();
            }
        }
        _ => {}
    }
}

fn check_refs(root: &Value, node: &Value, at: &str, problems: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str)
                && resolve(root, r).is_none()
            {
                problems.push(format!("{at}: $ref {r} does not resolve"));
            }
            for (k, v) in map {
                check_refs(root, v, &format!("{at}/{k}"), problems);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_refs(root, v, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Every component is used: named by a `$ref`, or, for a schema, by an `x-tallyfy-comma-list`
/// (which Redocly's `no-unused-components` cannot see, so the rule lives here).
fn check_components_used(root: &Value, problems: &mut Vec<String>) {
    fn collect(node: &Value, used: &mut std::collections::BTreeSet<String>) {
        match node {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    used.insert(r.to_string());
                }
                if let Some(name) = map.get("x-tallyfy-comma-list").and_then(Value::as_str) {
                    used.insert(format!("#/components/schemas/{name}"));
                }
                map.values().for_each(|v| collect(v, used));
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, used)),
            _ => {}
        }
    }
    let mut used = std::collections::BTreeSet::new();
    collect(root, &mut used);
    let Some(components) = root.get("components").and_then(Value::as_object) else {
        return;
    };
    // Security schemes are named by `security`, not by `$ref`.
    for (kind, entries) in components.iter().filter(|(k, _)| *k != "securitySchemes") {
        for name in entries.as_object().into_iter().flat_map(|m| m.keys()) {
            let pointer = format!("#/components/{kind}/{name}");
            if !used.contains(&pointer) {
                problems.push(format!("{pointer}: never used"));
            }
        }
    }
}

fn deref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(root, r).unwrap_or(node),
        None => node,
    }
}

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_operations(root: &Value, problems: &mut Vec<String>) {
    let mut seen_ids = std::collections::BTreeSet::new();
    let declared_tags: Vec<&str> = root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name")?.as_str())
        .collect();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        problems.push("the spec has no paths".into());
        return;
    };
    for (path, item) in paths {
        let template: Vec<&str> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let path_params = params_in(root, item.get("parameters"));
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            match op.get("operationId").and_then(Value::as_str) {
                Some(id) if is_snake_case(id) => {
                    if !seen_ids.insert(id.to_string()) {
                        problems.push(format!("{at}: operationId {id} is used twice"));
                    }
                }
                Some(id) => problems.push(format!("{at}: operationId {id} is not snake_case")),
                None => problems.push(format!("{at}: no operationId")),
            }
            let tags: Vec<&str> = op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if tags.len() != 1 || !declared_tags.contains(&tags[0]) {
                problems.push(format!(
                    "{at}: tags {tags:?} must be one of the declared tags {declared_tags:?}"
                ));
            }
            for field in ["summary", "description"] {
                if op
                    .get(field)
                    .and_then(Value::as_str)
                    .is_none_or(|s| s.trim().is_empty())
                {
                    problems.push(format!("{at}: no {field}"));
                }
            }
            let mut declared = path_params.clone();
            declared.extend(params_in(root, op.get("parameters")));
            let declared_path: Vec<&str> = declared
                .iter()
                .filter(|(_, location)| location == "path")
                .map(|(name, _)| name.as_str())
                .collect();
            for name in &template {
                if !declared_path.contains(name) {
                    problems.push(format!("{at}: path parameter {{{name}}} is not declared"));
                }
            }
            for name in &declared_path {
                if !template.contains(name) {
                    problems.push(format!(
                        "{at}: declared path parameter {name} is not in the path"
                    ));
                }
            }
        }
    }
}

/// Every path parameter says what kind of segment it is (`x-tallyfy-segment`).
fn check_segment_kinds(root: &Value, problems: &mut Vec<String>) {
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let lists = std::iter::once(item.get("parameters")).chain(
            METHODS
                .iter()
                .map(|m| item.get(*m).and_then(|op| op.get("parameters"))),
        );
        for p in lists
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| deref(root, p))
        {
            if p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("x-tallyfy-segment").is_none()
            {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                problems.push(format!(
                    "{path}: path parameter {name} has no x-tallyfy-segment (one of {:?})",
                    crate::model::Segment::NAMES
                ));
            }
        }
    }
}

/// `(name, in)` of each parameter in a `parameters` list, following `$ref`s.
fn params_in(root: &Value, list: Option<&Value>) -> Vec<(String, String)> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| deref(root, p))
        .filter_map(|p| {
            Some((
                p.get("name")?.as_str()?.to_string(),
                p.get("in")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Walks the document and validates every `example`/`examples` that sits beside a `schema`.
fn check_examples(root: &Value, node: &Value, at: &str, problems: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(schema) = map.get("schema") {
                if let Some(example) = map.get("example") {
                    problems.extend(validate(root, schema, example, &format!("{at}/example")));
                }
                for (name, ex) in map
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let ex = deref(root, ex);
                    match ex.get("value") {
                        Some(value) => problems.extend(validate(
                            root,
                            schema,
                            value,
                            &format!("{at}/examples/{name}"),
                        )),
                        None => problems.push(format!("{at}/examples/{name}: no value")),
                    }
                }
            }
            for (k, v) in map {
                // Schemas hold `example`s of their own only as annotations; skip their insides.
                if k != "schema" {
                    check_examples(root, v, &format!("{at}/{k}"), problems);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_examples(root, v, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files;

    #[test]
    fn the_spec_follows_the_project_rules() {
        let problems = check(&files::read_spec_value().unwrap());
        assert!(
            problems.is_empty(),
            "spec rule violations:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_spec_has_every_operation() {
        let spec = files::read_spec_value().unwrap();
        let root = serde_json::to_value(&spec).unwrap();
        let mut ids: Vec<&str> = root["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| METHODS.iter().filter_map(move |m| item.get(*m)))
            .filter_map(|op| op["operationId"].as_str())
            .collect();
        ids.sort();
        assert_eq!(
            ids,
            [
                "activate_process",
                "archive_oneoff_task",
                "archive_process",
                "archive_template",
                "complete_oneoff_task",
                "complete_task",
                "create_comment",
                "create_group",
                "create_guest",
                "create_oneoff_task",
                "create_process_comment",
                "create_tag",
                "create_template",
                "create_template_comment",
                "delete_file",
                "delete_group",
                "delete_oneoff_task",
                "delete_process",
                "delete_tag",
                "delete_template",
                "disable_guest",
                "disable_member",
                "download_file",
                "enable_guest",
                "enable_member",
                "get_asset",
                "get_group",
                "get_guest",
                "get_member",
                "get_process",
                "get_tag",
                "get_task",
                "get_template",
                "invite_member",
                "launch_process",
                "list_activity",
                "list_groups",
                "list_guests",
                "list_members",
                "list_my_tasks",
                "list_process_tasks",
                "list_processes",
                "list_tags",
                "list_tasks",
                "list_template_form_fields",
                "list_templates",
                "purge_guest",
                "purge_member",
                "remove_guest",
                "remove_member",
                "reopen_oneoff_task",
                "reopen_task",
                "report_problem",
                "report_process_problem",
                "report_template_problem",
                "request_token",
                "request_user_token",
                "resolve_problem",
                "resolve_process_problem",
                "resolve_template_problem",
                "restore_oneoff_task",
                "restore_template",
                "save_capture_value",
                "set_member_role",
                "update_group",
                "update_guest",
                "update_member",
                "update_oneoff_task",
                "update_process",
                "update_tag",
                "update_task",
                "update_template",
                "update_template_step",
                "upload_file",
                "view_file",
            ]
        );
    }

    fn spec_with(mutate: impl FnOnce(&mut serde_yaml::Value)) -> Vec<String> {
        let mut spec = files::read_spec_value().unwrap();
        mutate(&mut spec);
        check(&spec)
    }

    #[test]
    fn a_broken_spec_is_caught() {
        let problems = spec_with(|s| {
            let op = &mut s["paths"]["/organizations/{org_id}/guests"]["get"];
            op.as_mapping_mut().unwrap().remove("operationId");
            op.as_mapping_mut().unwrap().remove("summary");
        });
        assert_eq!(problems.len(), 2, "{problems:?}");

        let problems = spec_with(|s| {
            s["paths"]["/organizations/{org_id}/guests"]["get"]["parameters"][0]["$ref"] =
                "#/components/parameters/Nope".into();
        });
        assert!(
            problems.iter().any(|p| p.contains("does not resolve")),
            "{problems:?}"
        );

        let problems = spec_with(|s| {
            s["paths"]["/organizations/{org_id}/guests"]["get"]["tags"] =
                serde_yaml::from_str("[guest]").unwrap();
        });
        assert!(
            problems
                .iter()
                .any(|p| p.contains("must be one of the declared tags")),
            "{problems:?}"
        );

        let problems = spec_with(|s| {
            let paths = s["paths"].as_mapping_mut().unwrap();
            let item = paths
                .remove("/organizations/{org_id}/users/{user_id}/role")
                .unwrap();
            paths.insert("/organizations/{org_id}/users/{member}/role".into(), item);
        });
        assert!(
            problems
                .iter()
                .any(|p| p.contains("{member} is not declared")),
            "{problems:?}"
        );

        let problems = spec_with(|s| {
            s["paths"]["/organizations/{org_id}/users/{user_id}/role"]["put"]["requestBody"]["content"]
                ["application/json"]["examples"]["light"]["value"]["role"] = "owner".into();
        });
        assert!(
            problems.iter().any(|p| p.contains("is not one of")),
            "{problems:?}"
        );
    }

    #[test]
    fn an_unused_component_is_caught_and_a_comma_list_counts_as_a_use() {
        assert_eq!(spec_with(|_| {}), Vec::<String>::new());
        let problems = spec_with(|s| {
            s["components"]["schemas"]["Orphan"] = serde_yaml::from_str("type: string").unwrap();
        });
        assert_eq!(problems, ["#/components/schemas/Orphan: never used"]);
        let problems = spec_with(|s| {
            s["components"]["parameters"]["MemberWith"]
                .as_mapping_mut()
                .unwrap()
                .remove("x-tallyfy-comma-list");
        });
        assert!(
            problems.contains(&"#/components/schemas/MemberInclude: never used".to_string()),
            "{problems:?}"
        );
    }

    #[test]
    fn extensions_are_checked_for_spelling_place_and_value() {
        let create = |s: &mut serde_yaml::Value| -> serde_yaml::Mapping {
            s["paths"]["/organizations/{org_id}/guests"]["post"]
                .as_mapping()
                .unwrap()
                .clone()
        };
        let set_on_create = |key: &str, value: serde_yaml::Value| {
            let key = key.to_string();
            spec_with(move |s| {
                let mut op = create(s);
                op.insert(key.into(), value);
                s["paths"]["/organizations/{org_id}/guests"]["post"] = op.into();
            })
        };
        // A POST that the docs call safe to repeat may say so.
        assert_eq!(
            set_on_create("x-tallyfy-idempotent", true.into()),
            Vec::<String>::new()
        );
        let expect = |problems: Vec<String>, text: &str| {
            assert!(
                problems.iter().any(|p| p.contains(text)),
                "wanted a problem containing {text:?}: {problems:?}"
            );
        };
        expect(
            set_on_create("x-tallyfy-idempotnet", true.into()),
            "unknown extension",
        );
        expect(
            set_on_create("x-tallyfy-idempotent", false.into()),
            "already not idempotent",
        );
        expect(
            set_on_create("x-tallyfy-idempotent", "yes".into()),
            "must be a boolean",
        );
        expect(
            set_on_create("x-tallyfy-timestamp", true.into()),
            "belongs on a schema",
        );
        expect(
            spec_with(|s| {
                s["components"]["schemas"]["Guest"]["x-tallyfy-idempotent"] = true.into();
            }),
            "belongs on an operation",
        );
        expect(
            set_on_create("x-tallyfy-segment", "email".into()),
            "belongs on a path parameter",
        );
        expect(
            spec_with(|s| {
                s["components"]["parameters"]["GuestEmail"]["x-tallyfy-segment"] = "mail".into();
            }),
            "must be one of",
        );
        expect(
            spec_with(|s| {
                s["components"]["parameters"]["UserId"]
                    .as_mapping_mut()
                    .unwrap()
                    .remove("x-tallyfy-segment");
            }),
            "path parameter user_id has no x-tallyfy-segment",
        );
        expect(
            spec_with(|s| {
                s["components"]["schemas"]["Guest"]["properties"]["created_at"]["x-tallyfy-timestamp"] =
                    "yes".into();
            }),
            "must be true",
        );
        expect(
            spec_with(|s| {
                s["components"]["parameters"]["GuestQuery"]["x-tallyfy-name"] = "Query".into();
            }),
            "must be a snake_case name",
        );
        expect(
            set_on_create("x-tallyfy-name", "guest".into()),
            "belongs on a query parameter",
        );
        expect(
            spec_with(|s| {
                s["paths"]["/organizations/{org_id}/guests"]["get"]["x-tallyfy-pagination"]["size"] =
                    "per_page".into();
            }),
            "must be {page: <name>, per-page: <name>",
        );
    }
}
