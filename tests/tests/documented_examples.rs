//! Every documented example decodes into its generated type, and what it serializes back to is pinned.
//!
//! The examples come from `openapi/tallyfy.yaml` (old and new documentation variants), plus the shapes
//! from the reference's table of contradictions that no example shows. Each lands in
//! `snapshots/documented_examples__<name>.snap`.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tallyfy_client::types;

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/tallyfy.yaml");

/// Decodes `value` as the type the spec names `schema`, then serializes it back.
fn round_trip(schema: &str, value: &Value) -> Value {
    fn via<T: DeserializeOwned + serde::Serialize>(value: &Value) -> Value {
        let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            panic!(
                "does not decode as {}: {e}\n{value:#}",
                std::any::type_name::<T>()
            )
        });
        serde_json::to_value(typed).unwrap()
    }
    match schema {
        "GuestList" => via::<types::GuestList>(value),
        "GuestEnvelope" => via::<types::GuestEnvelope>(value),
        "MemberList" => via::<types::MemberList>(value),
        "MemberEnvelope" => via::<types::MemberEnvelope>(value),
        "ApiError" => via::<types::ApiError>(value),
        "GuestCreate" => via::<types::GuestCreate>(value),
        "GuestUpdate" => via::<types::GuestUpdate>(value),
        "MemberInvite" => via::<types::MemberInvite>(value),
        "MemberUpdate" => via::<types::MemberUpdate>(value),
        "MemberRoleChange" => via::<types::MemberRoleChange>(value),
        "TemplateRemoval" => via::<types::TemplateRemoval>(value),
        "ProcessLaunch" => via::<types::ProcessLaunch>(value),
        "TaskUpdate" => via::<types::TaskUpdate>(value),
        "OneoffTaskCreate" => via::<types::OneoffTaskCreate>(value),
        "TemplateCreate" => via::<types::TemplateCreate>(value),
        "TemplateUpdate" => via::<types::TemplateUpdate>(value),
        "StepUpdate" => via::<types::StepUpdate>(value),
        "TagInput" => via::<types::TagInput>(value),
        "GroupCreate" => via::<types::GroupCreate>(value),
        "AssetEnvelope" => via::<types::AssetEnvelope>(value),
        "TokenResponse" => via::<types::TokenResponse>(value),
        other => panic!("no generated type is mapped for schema {other}; add it to round_trip()"),
    }
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => root
            .pointer(r.trim_start_matches('#'))
            .expect("a resolvable $ref"),
        None => node,
    }
}

/// `(snapshot name, schema name, example value)` for every example in the spec.
fn spec_examples() -> Vec<(String, String, Value)> {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
    let root: Value = serde_json::to_value(yaml).unwrap();
    let mut found = Vec::new();
    let mut collect = |prefix: String, media: &Value| {
        let Some(schema) = media["schema"]["$ref"].as_str() else {
            return;
        };
        let schema = schema.rsplit('/').next().unwrap().to_string();
        for (name, example) in media["examples"].as_object().into_iter().flatten() {
            let value = resolve(&root, example)["value"].clone();
            found.push((format!("{prefix}_{name}"), schema.clone(), value));
        }
    };
    for item in root["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if let Some(body) = op.get("requestBody") {
                collect(
                    format!("{id}_request"),
                    &body["content"]["application/json"],
                );
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                // A shared response (`#/components/responses/NotFound`) is pinned once, by its name.
                let prefix = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => format!("response_{}", r.rsplit('/').next().unwrap()),
                    None => format!("{id}_{status}"),
                };
                if let Some(media) = resolve(&root, response).pointer("/content/application~1json")
                {
                    collect(prefix, media);
                }
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.dedup_by(|a, b| a.0 == b.0);
    found
}

#[test]
fn every_spec_example_decodes_and_round_trips() {
    let examples = spec_examples();
    assert!(
        examples.len() >= 30,
        "only {} examples found",
        examples.len()
    );
    for (name, schema, value) in examples {
        insta::assert_json_snapshot!(name, round_trip(&schema, &value));
    }
}

/// Shapes from the reference's contradictions table that the spec's examples do not show.
#[test]
fn contradictions_table_shapes_decode() {
    let cases = [
        (
            "links_null",
            "GuestList",
            json!({"data": [], "meta": {"pagination": {"total": 0, "links": null}}}),
        ),
        (
            "links_missing",
            "GuestList",
            json!({"data": [], "meta": {"pagination": {"total": 0}}}),
        ),
        ("meta_missing", "MemberList", json!({"data": [{"id": 7}]})),
        (
            "guest_id_as_numeric_string",
            "GuestEnvelope",
            json!({"data": {"id": "1234", "email": "a@b.co"}}),
        ),
        (
            "stats_empty_object",
            "GuestEnvelope",
            json!({"data": {"id": 1, "stats": {}}}),
        ),
        (
            "stats_null",
            "GuestEnvelope",
            json!({"data": {"id": 1, "stats": null, "details": null}}),
        ),
        (
            "role_casing_and_unknown",
            "MemberList",
            json!({"data": [
                {"id": 1, "role": "Admin"}, {"id": 2, "role": "STANDARD"}, {"id": 3, "role": "auditor"}
            ]}),
        ),
        (
            "timestamps_all_shapes",
            "MemberEnvelope",
            json!({"data": {
                "id": 1,
                "created_at": "2025-01-10T08:30:00Z",
                "updated_at": "2024-06-01T08:00:00+00:00",
                "last_login_at": "2024-01-15T14:22:10.000Z",
                "activated_at": "2025-01-15 10:30:00",
                "approved_at": "not a date"
            }}),
        ),
        (
            "unknown_fields_and_status",
            "MemberEnvelope",
            json!({"data": {
                "id": 1, "status": "archived", "brand_new_field": {"x": [1, 2]}
            }}),
        ),
        (
            "group_ids_mixed",
            "MemberEnvelope",
            json!({"data": {"id": 1, "groups": {"data": [
                {"id": 5, "members": [1, "2"], "guests": ["g@x.io", 9]}
            ]}}}),
        ),
        (
            "error_nested_seat_limit",
            "ApiError",
            json!({"error": {
                "code": "SEAT_POOL_EXHAUSTED", "message": "No seats.", "details": {"pool_type": "full"}
            }}),
        ),
        (
            "error_oauth",
            "ApiError",
            json!({"error": "invalid_client"}),
        ),
        (
            "error_errors_without_message",
            "ApiError",
            json!({"errors": {"email": ["taken"], "role": "bad"}}),
        ),
    ];
    for (name, schema, value) in cases {
        insta::assert_json_snapshot!(format!("contradiction_{name}"), round_trip(schema, &value));
    }
}

#[test]
fn every_timestamp_shape_is_parsed_and_an_odd_one_is_kept() {
    let member: types::MemberEnvelope = serde_json::from_value(json!({"data": {
        "created_at": "2025-01-10T08:30:00Z",
        "updated_at": "2024-06-01T08:00:00+00:00",
        "last_login_at": "2024-01-15T14:22:10.000Z",
        "activated_at": "2025-01-15 10:30:00",
        "approved_at": "not a date"
    }}))
    .unwrap();
    let m = member.data;
    let parsed = |t: &Option<tallyfy_client::Timestamp>| {
        t.as_ref().unwrap().parsed().map(|p| p.to_rfc3339())
    };
    assert_eq!(
        parsed(&m.created_at).as_deref(),
        Some("2025-01-10T08:30:00+00:00")
    );
    assert_eq!(
        parsed(&m.updated_at).as_deref(),
        Some("2024-06-01T08:00:00+00:00")
    );
    assert_eq!(
        parsed(&m.last_login_at).as_deref(),
        Some("2024-01-15T14:22:10+00:00")
    );
    assert_eq!(
        parsed(&m.activated_at).as_deref(),
        Some("2025-01-15T10:30:00+00:00")
    );
    assert_eq!(parsed(&m.approved_at), None);
    assert_eq!(m.approved_at.unwrap().as_str(), "not a date");
}
