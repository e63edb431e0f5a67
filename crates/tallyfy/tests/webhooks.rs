//! The webhook receiver: both documented payloads decode with every field, the event kind and
//! dedupe key come out as the docs imply, every refusal has its status, and no body panics.
//!
//! `PROCESS` and `TASK` are the two complete examples of Tallyfy's "Webhook payload structure"
//! page (`tallyfy-docs/webhooks/webhook-payload-structure.md`), as `tools/extract_samples.py`
//! wrote them to the workspace's `tests/samples/`; every sample of that page, the partial ones
//! too, is checked in `tests/tests/documented_samples.rs`.

use proptest::prelude::*;
use tallyfy::reqwest::header::HeaderMap;
use tallyfy::webhooks::{self, EventKind, MemorySeen, Payload, Receiver, Rejection, SeenStore};

const PROCESS: &str =
    include_str!("../../../tests/samples/docs-webhooks-webhook-payload-structure-1.json");
const TASK: &str =
    include_str!("../../../tests/samples/docs-webhooks-webhook-payload-structure-2.json");
const ORG: &str = "org789xyz123";

fn headers(org: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    // The header as the docs spell it; HTTP header names are case-insensitive.
    h.insert("X-Tallyfy-orgID", org.parse().unwrap());
    h
}

#[test]
fn the_documented_process_payload_decodes() {
    let event = Receiver::new(ORG)
        .parse(&headers(ORG), None, PROCESS.as_bytes())
        .unwrap();
    assert_eq!(event.kind, EventKind::ProcessLaunched);
    assert_eq!(
        event.dedupe_key,
        "process.launched:abc123def456ghi789jkl012mno345pq"
    );
    let Payload::Process(p) = &event.payload else {
        panic!("{:?}", event.payload)
    };
    assert_eq!(p.increment_id, Some(1234));
    assert_eq!(
        p.checklist_title.as_deref(),
        Some("Vendor Contract Review Workflow")
    );
    assert_eq!(p.prerun.len(), 4);
    assert_eq!(p.ko_form_fields["vendor-name"], "Widget Suppliers Inc");
    assert_eq!(p.process_tasks["legal-review"], "task002def");
    assert_eq!(p.guest_links.len(), 2);
    assert_eq!(
        p.launcher.as_ref().unwrap().email.as_deref(),
        Some("john@acmecorp.com")
    );
    assert!(p.completed_at.is_none());
    assert_eq!(
        p.started_at
            .as_ref()
            .unwrap()
            .parsed()
            .unwrap()
            .to_rfc3339(),
        "2025-10-01T09:15:00+00:00"
    );
    // Fields without a typed home are kept.
    assert_eq!(p.other["late_tasks"], 0);
    assert_eq!(p.other["users"][1]["full_name"], "Jane Doe");
    assert_eq!(
        event.process_id().as_deref(),
        Some("abc123def456ghi789jkl012mno345pq")
    );
    assert_eq!(event.task_id(), None);

    // The same process completed.
    let mut completed: serde_json::Value = serde_json::from_str(PROCESS).unwrap();
    completed["completed_at"] = "2025-10-20T16:00:00Z".into();
    completed["status"] = "completed".into();
    let event = webhooks::decode(completed.to_string().as_bytes()).unwrap();
    assert_eq!(event.kind, EventKind::ProcessCompleted);
    assert_eq!(
        event.dedupe_key,
        "process.completed:abc123def456ghi789jkl012mno345pq:2025-10-20T16:00:00Z"
    );
}

#[test]
fn the_documented_task_payload_decodes() {
    let event = Receiver::new(ORG)
        .parse(&headers(ORG), None, TASK.as_bytes())
        .unwrap();
    assert_eq!(event.kind, EventKind::TaskCompleted);
    assert_eq!(
        event.dedupe_key,
        "task.completed:task003ghi789xyz:2025-10-02T14:30:00Z"
    );
    assert_eq!(event.task_id().as_deref(), Some("task003ghi789xyz"));
    assert_eq!(event.process_id().as_deref(), Some("run123abc456"));
    let Payload::Task(t) = &event.payload else {
        panic!("{:?}", event.payload)
    };
    let task = t.this_task.as_ref().unwrap();
    assert_eq!(task.position, Some(3));
    assert_eq!(task.captures.len(), 2);
    assert_eq!(task.captures["capture123timeline"]["value"], "50000");
    assert_eq!(task.assets[0]["filename"], "signed-contract.pdf");
    assert_eq!(
        task.completed_by.as_ref().unwrap().full_name.as_deref(),
        Some("John Smith")
    );
    assert_eq!(
        task.owners.as_ref().unwrap()["guests"][0],
        "external.reviewer@vendor.com"
    );
    assert_eq!(t.form_fields.len(), 6);
    assert_eq!(
        t.template.as_ref().unwrap().alias.as_deref(),
        Some("vendor-contract-review")
    );
    let process = t.process.as_ref().unwrap();
    assert_eq!(
        process.client_url.as_deref(),
        Some("https://go.tallyfy.com/tracker/run123abc456")
    );
    assert_eq!(process.process_forms.len(), 2);
    assert_eq!(process.tags[0]["color"], "#FF6B6B");
    assert_eq!(
        t.next_task.as_ref().unwrap().title.as_deref(),
        Some("Execute Contract")
    );
    assert_eq!(
        t.completer
            .as_ref()
            .unwrap()
            .id
            .as_ref()
            .unwrap()
            .to_string(),
        "user123"
    );

    // The last task: Tallyfy sends `next_task: []`.
    let mut last: serde_json::Value = serde_json::from_str(TASK).unwrap();
    last["next_task"] = serde_json::json!([]);
    let event = webhooks::decode(last.to_string().as_bytes()).unwrap();
    let Payload::Task(t) = &event.payload else {
        panic!()
    };
    assert!(t.next_task.is_none());
}

#[tokio::test]
async fn a_repeated_delivery_has_the_same_key_and_a_recompletion_a_new_one() {
    let seen = MemorySeen::default();
    let first = webhooks::decode(TASK.as_bytes()).unwrap();
    let again = webhooks::decode(TASK.as_bytes()).unwrap();
    assert!(seen.first_time(&first.dedupe_key).await.unwrap());
    assert!(!seen.first_time(&again.dedupe_key).await.unwrap());
    // Reopened and completed again: another logical event.
    let mut later: serde_json::Value = serde_json::from_str(TASK).unwrap();
    later["this_task"]["completed_at"] = "2025-10-03T08:00:00Z".into();
    let recompleted = webhooks::decode(later.to_string().as_bytes()).unwrap();
    assert_ne!(recompleted.dedupe_key, first.dedupe_key);
    assert!(seen.first_time(&recompleted.dedupe_key).await.unwrap());
    // The organization's localized date format is kept as sent.
    later["this_task"]["completed_at"] = "15/10/2025 09:00 AM UTC".into();
    let localized = webhooks::decode(later.to_string().as_bytes()).unwrap();
    assert_eq!(
        localized.dedupe_key,
        "task.completed:task003ghi789xyz:15/10/2025 09:00 AM UTC"
    );
}

#[test]
fn every_refusal_has_its_status_and_comes_before_the_body_is_read() {
    let receiver = Receiver::new(ORG)
        .secret("token", "url-secret-42")
        .max_body_bytes(8 * 1024);
    let body = TASK.as_bytes();
    let good = Some("a=1&token=url-secret-42");
    assert!(receiver.parse(&headers(ORG), good, body).is_ok());
    let cases: Vec<(HeaderMap, Option<&str>, &[u8], Rejection)> = vec![
        (HeaderMap::new(), good, body, Rejection::MissingOrg),
        (headers("org789xyz124"), good, body, Rejection::WrongOrg),
        (headers("org789xyz12"), good, body, Rejection::WrongOrg),
        (
            headers(ORG),
            None,
            body,
            Rejection::MissingSecret {
                param: "token".into(),
            },
        ),
        (
            headers(ORG),
            Some("token=url-secret-43"),
            body,
            Rejection::WrongSecret {
                param: "token".into(),
            },
        ),
        // A wrong organization and a bad body: the organization is what is reported.
        (headers("other"), good, b"not json", Rejection::WrongOrg),
    ];
    for (headers, query, body, expected) in cases {
        assert_eq!(receiver.parse(&headers, query, body).unwrap_err(), expected);
    }
    let huge = vec![b' '; 8 * 1024 + 1];
    let err = receiver.parse(&HeaderMap::new(), None, &huge).unwrap_err();
    assert_eq!(
        err,
        Rejection::TooLarge {
            size: 8 * 1024 + 1,
            limit: 8 * 1024
        }
    );
    assert_eq!(err.status(), 413);
    let err = receiver.parse(&headers(ORG), good, b"[1, 2]").unwrap_err();
    assert_eq!(err.status(), 400);
    let err = receiver
        .parse(&headers(ORG), good, br#"{"this_task": [1]}"#)
        .unwrap_err();
    assert!(err.to_string().contains("this_task"), "{err}");
    // One odd field does not lose the webhook: it reads as None and stays in `raw`.
    let odd = receiver
        .parse(
            &headers(ORG),
            good,
            br#"{"this_task": {"id": [1], "completed_at": {"x": 1}, "position": "3"}}"#,
        )
        .unwrap();
    let Payload::Task(t) = &odd.payload else {
        panic!()
    };
    let task = t.this_task.as_ref().unwrap();
    assert_eq!(
        (task.id.clone(), task.completed_at.clone(), task.position),
        (None, None, Some(3))
    );
    assert_eq!(odd.raw["this_task"]["id"], serde_json::json!([1]));
    assert!(!format!("{receiver:?} {err:?}").contains("url-secret-42"));
}

proptest! {
    #[test]
    fn no_body_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Receiver::new(ORG).parse(&headers(ORG), None, &body);
    }

    #[test]
    fn no_json_panics(value in json_value()) {
        let _ = webhooks::decode(value.to_string().as_bytes());
        let mut with_task = serde_json::json!({"this_task": value.clone(), "next_task": value.clone(), "process": value.clone()});
        with_task["completed_at"] = value;
        let _ = webhooks::decode(with_task.to_string().as_bytes());
    }
}

/// Arbitrary JSON, with the payloads' own keys likely.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("id".to_string()),
        Just("completed_at".to_string()),
        Just("this_task".to_string()),
        Just("next_task".to_string()),
        Just("event".to_string()),
        Just("captures".to_string()),
        "[a-z_-]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(key.clone(), inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
