//! The fake's webhooks, received with the SDK's axum extractor (`tallyfy::webhooks::axum`, on
//! [`tallyfy::webhooks::Receiver`]): a process driven
//! through the SDK (launch, save a value, complete every task, one of them twice) yields the
//! expected events in order, each accepted by the receiver's checks, with the repeated completion
//! recognised as a duplicate by its dedupe key; with the fake's duplicate rate, the doubled
//! deliveries are recognised too.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use tallyfy::webhooks::axum::{Webhook, WebhookState};
use tallyfy::webhooks::{EventKind, MemorySeen, Receiver};
use tallyfy::{CaptureValue, Client, Completion, FormValue, Launch};
use tallyfy_fake::FakeTallyfy;

const SECRET: &str = "hook-secret-31";

/// Each accepted webhook: its kind, its dedupe key, and whether it was new.
type Seen = Arc<Mutex<Vec<(EventKind, String, bool)>>>;

/// A receiver built on the SDK's axum extractor, on 127.0.0.1:0.
async fn receiver(org: &str) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let sink = seen.clone();
    let state =
        WebhookState::new(Receiver::new(org).secret("token", SECRET)).seen(MemorySeen::default());
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(move |hook: Webhook| {
                let sink = sink.clone();
                async move {
                    let Webhook {
                        event, duplicate, ..
                    } = hook;
                    sink.lock()
                        .unwrap()
                        .push((event.kind, event.dedupe_key, !duplicate));
                    StatusCode::OK
                }
            }),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// The id of the seeded Blog Post Publishing template (it needs no kick-off values).
async fn blog_template(client: &Client) -> String {
    let found = client
        .templates()
        .list()
        .query("Blog Post Publishing")
        .page(1)
        .await
        .unwrap();
    found.items[0].id.as_ref().unwrap().to_string()
}

/// Launches the seeded Blog Post Publishing template and completes its four tasks, the first
/// twice. Returns the process id and its task ids.
async fn run_blog(client: &Client) -> (String, Vec<String>) {
    let template = blog_template(client).await;
    let process = client
        .processes()
        .launch(Launch::new(&template))
        .await
        .unwrap();
    let run = process.id.unwrap().to_string();
    let tasks: Vec<String> = client
        .processes()
        .tasks(&run)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id.unwrap().to_string())
        .collect();
    let fields = client.templates().form_fields(&template).await.unwrap();
    let draft_link = fields.form_fields[0].id.as_ref().unwrap().to_string();
    client
        .tasks()
        .save_value(
            &tasks[0],
            CaptureValue::new(draft_link, FormValue::from("https://docs.example/d")),
        )
        .await
        .unwrap();
    for completion in [
        Completion::new(&tasks[0]),
        Completion::new(&tasks[0]),
        Completion::new(&tasks[1]).is_approved(true),
        Completion::new(&tasks[2]),
        Completion::new(&tasks[3]),
    ] {
        client.tasks().complete(&run, completion).await.unwrap();
    }
    (run, tasks)
}

/// A fake posting its webhooks to `webhook_url`, and a client for it.
async fn fake_posting_to(webhook_url: String, duplicates: f64) -> (FakeTallyfy, Client) {
    let fake = FakeTallyfy::builder()
        .seed_members(3)
        .seed_templates(4)
        .webhook_url(webhook_url)
        .webhook_duplicates(duplicates)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    (fake, client)
}

#[tokio::test]
async fn the_fakes_webhooks_pass_the_receivers_checks_in_order() {
    let (hook, seen) = receiver(tallyfy_fake::builder::DEFAULT_ORG_ID).await;
    let (fake, client) = fake_posting_to(format!("{hook}?token={SECRET}"), 0.0).await;
    let (run, tasks) = run_blog(&client).await;
    let log = fake.wait_for_deliveries(7, Duration::from_secs(10)).await;
    assert_eq!(log.len(), 7);
    let events = seen.lock().unwrap().clone();
    let kinds: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "process.launched",
            "task.completed",
            "task.completed",
            "task.completed",
            "task.completed",
            "task.completed",
            "process.completed"
        ]
    );
    assert_eq!(events[0].1, format!("process.launched:{run}"));
    assert!(
        events[1]
            .1
            .starts_with(&format!("task.completed:{}:", tasks[0]))
    );
    // The draft completed twice: one logical event, the second delivery a duplicate.
    assert_eq!(events[1].1, events[2].1);
    let firsts: Vec<bool> = events.iter().map(|e| e.2).collect();
    assert_eq!(firsts, [true, true, false, true, true, true, true]);
    assert!(
        events[6]
            .1
            .starts_with(&format!("process.completed:{run}:"))
    );
}

#[tokio::test]
async fn a_receiver_for_another_org_or_without_the_secret_refuses_and_the_fake_logs_it() {
    let (hook, seen) = receiver("another-org").await;
    let (fake, client) = fake_posting_to(format!("{hook}?token={SECRET}"), 0.0).await;
    let template = blog_template(&client).await;
    client
        .processes()
        .launch(Launch::new(&template))
        .await
        .unwrap();
    let log = fake.wait_for_deliveries(1, Duration::from_secs(10)).await;
    assert_eq!(log[0].status, Some(403));
    assert!(seen.lock().unwrap().is_empty());

    let (hook, seen) = receiver(tallyfy_fake::builder::DEFAULT_ORG_ID).await;
    let (fake, client) = fake_posting_to(hook, 0.0).await; // no secret in the URL
    client
        .processes()
        .launch(Launch::new(&template))
        .await
        .unwrap();
    let log = fake.wait_for_deliveries(1, Duration::from_secs(10)).await;
    assert_eq!(log[0].status, Some(401));
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn deliberate_duplicates_are_recognised() {
    let (hook, seen) = receiver(tallyfy_fake::builder::DEFAULT_ORG_ID).await;
    let (fake, client) = fake_posting_to(format!("{hook}?token={SECRET}"), 1.0).await;
    run_blog(&client).await;
    let log = fake.wait_for_deliveries(14, Duration::from_secs(10)).await;
    assert_eq!(log.len(), 14);
    let events = seen.lock().unwrap().clone();
    // Every delivery twice; only the first of each logical event is new (the draft's second
    // completion is the same event as its first).
    assert_eq!(events.iter().filter(|e| e.2).count(), 6);
    for pair in events.chunks(2) {
        assert_eq!(pair[0].1, pair[1].1);
        assert!(!pair[1].2);
    }
}
