//! The spec against the shared table of email addresses and URLs (`tests/rules/table.rs`, which the
//! SDK's tests and the fake's tests run too).
//!
//! The spec states the rules as the `EmailAddress` and `AbsoluteUrl` schemas (a `pattern` each, and a
//! `maxLength` for emails). The generated client compiles those into `tallyfy_client::types::
//! EmailAddress` and `AbsoluteUrl`, whose parsers check exactly the spec's pattern and length (the
//! generated code is checked against the spec by `generated_surface`), so every row is run through
//! them. The request bodies must use these two schemas for every email and URL field, or the rules
//! tested here would not be the ones the bodies follow.

#[path = "../rules/table.rs"]
mod table;

use serde_json::Value;
use table::{Row, Verdict};
use tallyfy_client::types::{AbsoluteUrl, EmailAddress};

fn check(rows: &[Row], accepts: impl Fn(&str) -> bool, rule: &str) {
    let problems: Vec<_> = rows
        .iter()
        .filter(|row| accepts(&row.value) != (row.verdict == Verdict::Accepted))
        .map(|row| {
            format!(
                "{:?} ({}): the table says {:?}",
                row.value, row.why, row.verdict
            )
        })
        .collect();
    assert!(
        problems.is_empty(),
        "the spec's {rule} disagrees with tests/rules/table.rs on {} of {} rows:\n{}",
        problems.len(),
        rows.len(),
        problems.join("\n")
    );
}

#[test]
fn the_email_pattern_follows_the_table() {
    check(
        &table::emails(),
        |v| EmailAddress::try_from(v).is_ok(),
        "EmailAddress",
    );
}

#[test]
fn the_url_pattern_follows_the_table() {
    check(
        &table::urls(),
        |v| AbsoluteUrl::try_from(v).is_ok(),
        "AbsoluteUrl",
    );
}

#[test]
fn every_body_email_and_url_uses_the_tested_schemas() {
    let yaml: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../openapi/tallyfy.yaml"
        ))
        .unwrap(),
    )
    .unwrap();
    let spec: Value = serde_json::to_value(yaml).unwrap();
    let schemas = &spec["components"]["schemas"];
    let expected = [
        ("GuestCreate", "email", "EmailAddress"),
        ("MemberInvite", "email", "EmailAddress"),
        ("GuestCreate", "company_url", "AbsoluteUrl"),
        ("GuestCreate", "contact_url", "AbsoluteUrl"),
        ("GuestCreate", "image_url", "AbsoluteUrl"),
        ("GuestCreate", "opportunity_url", "AbsoluteUrl"),
    ];
    for (schema, field, rule) in expected {
        assert_eq!(
            schemas[schema]["properties"][field]["$ref"],
            format!("#/components/schemas/{rule}").as_str(),
            "{schema}.{field}"
        );
    }
    // No request body states an email or URL rule of its own (a looser `format`).
    let bodies: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| {
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
        })
        .collect();
    assert!(bodies.len() >= 5, "request bodies found: {bodies:?}");
    for body in bodies {
        let name = body.rsplit('/').next().unwrap();
        let text = schemas[name].to_string();
        for loose in ["\"format\":\"email\"", "\"format\":\"uri\""] {
            assert!(!text.contains(loose), "{name} uses {loose}");
        }
    }
}
