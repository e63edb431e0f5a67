//! One `tracing` span per attempt with the documented fields, and never the token or an email, at any
//! level; a call that waits for the client's rate limit says so.
//!
//! Every test here listens with a subscriber of its own: an event first emitted on a thread with
//! none could have its interest cached as "never" before another test's subscriber exists.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use support::{Reply, Scripted, client_for};
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_have_the_fields_and_no_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("tallyfy=trace")
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Scripted::start(|_, i| {
        if i == 0 {
            Reply::json(503, json!({})).header("x-request-id", "req-first")
        } else {
            Reply::json(404, json!({"error": true, "message": "nope"}))
                .header("x-request-id", "req-77")
        }
    })
    .await;
    let client = client_for(&server.base_url);
    let email = "secret.person+tag@private.example";
    client.guests().get(email).await.unwrap_err();

    let out = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("tallyfy.request"), "{out}");
    assert!(out.contains("operation=\"get_guest\""), "{out}");
    assert!(out.contains("method=GET"), "{out}");
    assert!(
        out.contains("path=\"/organizations/{org_id}/guests/{guest_email}\""),
        "{out}"
    );
    assert!(
        out.contains("attempt=1") && out.contains("attempt=2"),
        "{out}"
    );
    assert!(
        out.contains("status=503") && out.contains("status=404"),
        "{out}"
    );
    assert!(out.contains("request_id=\"req-77\""), "{out}");
    assert!(out.contains("duration_ms="), "{out}");
    for secret in [
        "secret.person",
        "private.example",
        "%40",
        support::TOKEN,
        support::ORG,
    ] {
        assert!(!out.contains(secret), "{secret:?} leaked: {out}");
    }
}

/// A call that waits for the budget says so: target `tallyfy::pacing`, the operation, how long and
/// why.
#[tokio::test]
async fn every_wait_is_a_tracing_event() {
    let fake = support::fake(5, 1).await;
    let client = support::builder_for(&fake.base_url())
        .rate_limit(1, Duration::from_millis(200))
        .build()
        .unwrap();
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    client.guests().list().page(1).await.unwrap();
    client.guests().list().page(1).await.unwrap();
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("tallyfy::pacing"))
        .unwrap_or_else(|| panic!("no pacing event in:\n{text}"));
    assert!(
        line.contains("operation=\"list_guests\"") || line.contains("operation=list_guests"),
        "{line}"
    );
    assert!(line.contains("wait_ms="), "{line}");
    assert!(
        line.contains("limit=1/0.2s") || line.contains("limit=1/200ms"),
        "{line}"
    );
    assert!(line.contains("budget"), "{line}");
}
