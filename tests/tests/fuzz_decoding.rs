//! Fuzzed decoding: arbitrary bytes, arbitrary JSON, and documented examples with random parts
//! replaced, fed to every response decoder and to the SDK's error-body parser. Decoding may fail;
//! it must never panic.
//!
//! (cargo-fuzz needs a nightly toolchain, which this project does not use; proptest gives the same
//! coverage of the decoders on stable.) Each property runs `PROPTEST_CASES` cases (default 10,000:
//! about 20 s for all three in a debug build); set it higher for a longer run.

use proptest::prelude::*;
use serde_json::Value;
use std::time::SystemTime;
use tallyfy::reqwest::{StatusCode, header::HeaderMap, header::HeaderValue};
use tallyfy_client::types;

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/tallyfy.yaml");

/// Runs every decoder over `bytes`; a panic fails the test, an error is fine.
fn decode_all(bytes: &[u8]) {
    let _ = serde_json::from_slice::<types::GuestList>(bytes);
    let _ = serde_json::from_slice::<types::GuestEnvelope>(bytes);
    let _ = serde_json::from_slice::<types::MemberList>(bytes);
    let _ = serde_json::from_slice::<types::MemberEnvelope>(bytes);
    let _ = serde_json::from_slice::<types::ApiError>(bytes);
    let _ = serde_json::from_slice::<tallyfy_client::Timestamp>(bytes);
    let _ = serde_json::from_slice::<tallyfy_client::PaginationLinks>(bytes);
    let _ = serde_json::from_slice::<tallyfy_client::MemberRole>(bytes);
    for status in [400u16, 401, 403, 404, 409, 422, 429, 500, 502] {
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_bytes(&bytes[..bytes.len().min(40)]) {
            headers.insert("retry-after", v.clone());
            headers.insert("x-request-id", v);
        }
        let e = tallyfy::Error::from_response_parts(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            bytes,
            SystemTime::now(),
        );
        let _ = (
            e.to_string(),
            e.field_errors(),
            e.retry_after(),
            e.is_retryable(),
        );
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("2025-01-15 10:30:00"),
            Just("2025-01-10T08:30:00Z"),
            Just("9999-99-99T99:99:99Z"),
            Just("-1"),
            Just("admin"),
            Just("Admin"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("data".to_string()),
            Just("meta".to_string()),
            Just("pagination".to_string()),
            Just("links".to_string()),
            Just("id".to_string()),
            Just("stats".to_string()),
            Just("error".to_string()),
            Just("errors".to_string()),
            Just("message".to_string()),
            Just("role".to_string()),
            Just("created_at".to_string()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every example in the spec, as JSON (read once).
fn examples() -> &'static [Value] {
    static EXAMPLES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    EXAMPLES.get_or_init(read_examples)
}

fn read_examples() -> Vec<Value> {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
    let root: Value = serde_json::to_value(yaml).unwrap();
    let mut out = Vec::new();
    fn walk(node: &Value, out: &mut Vec<Value>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(examples)) = map.get("examples") {
                    out.extend(examples.values().filter_map(|e| e.get("value").cloned()));
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&root, &mut out);
    out
}

/// Replaces the `n`-th node (in depth-first order) of `value` with `with`.
fn replace_nth(value: &mut Value, n: &mut usize, with: &Value) -> bool {
    if *n == 0 {
        *value = with.clone();
        return true;
    }
    *n -= 1;
    match value {
        Value::Object(map) => map.values_mut().any(|v| replace_nth(v, n, with)),
        Value::Array(items) => items.iter_mut().any(|v| replace_nth(v, n, with)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        decode_all(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn mutated_documented_examples_never_panic(
        which in any::<prop::sample::Index>(),
        at in 0usize..200,
        with in arb_json(),
        cut in any::<prop::sample::Index>(),
    ) {
        let examples = examples();
        let mut value = examples[which.index(examples.len())].clone();
        replace_nth(&mut value, &mut at.clone(), &with);
        let bytes = serde_json::to_vec(&value).unwrap();
        decode_all(&bytes);
        // And the same document cut short, as a truncated body would be.
        decode_all(&bytes[..cut.index(bytes.len() + 1)]);
    }
}
