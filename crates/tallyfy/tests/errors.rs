//! Every documented error body shape, HTML and text bodies, decode failures and transport failures,
//! as the client reports them after a real HTTP exchange.

mod support;

use serde_json::json;
use support::{Reply, Scripted, builder_for, client_for, fake, fake_client};
use tallyfy::{Error, RetryConfig};
use tallyfy_fake::Fault;

async fn one_reply(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Error {
    let server = Scripted::start(move |_, _| reply()).await;
    let client = builder_for(&server.base_url)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    client.guests().get("a@b.io").await.unwrap_err()
}

#[tokio::test]
async fn laravel_validation_body() {
    let e = one_reply(|| {
        Reply::json(
            422,
            json!({"message": "The given data was invalid.", "errors": {"email": ["The email must be a valid email address."], "phone_1": "Too long."}}),
        )
        .header("x-request-id", "req-1")
    })
    .await;
    assert_eq!(e.to_string(), "HTTP 422: The given data was invalid.");
    assert_eq!(
        e.field_errors()["email"],
        vec!["The email must be a valid email address."]
    );
    assert_eq!(e.field_errors()["phone_1"], vec!["Too long."]);
    assert_eq!(e.request_id(), Some("req-1"));
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn error_true_bodies() {
    let e = one_reply(|| {
        Reply::json(
            422,
            json!({"error": true, "errors": {"role": ["Bad role."]}}),
        )
    })
    .await;
    assert_eq!(e.field_errors()["role"], vec!["Bad role."]);
    let e = one_reply(|| {
        Reply::json(
            404,
            json!({"error": true, "message": "Guest not found", "code": "RESOURCE_NOT_FOUND"}),
        )
    })
    .await;
    assert_eq!(
        e.to_string(),
        "HTTP 404 RESOURCE_NOT_FOUND: Guest not found"
    );
    assert!(e.is_not_found());
    match e {
        Error::Api {
            status,
            code,
            message,
            body,
            ..
        } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(code.as_deref(), Some("RESOURCE_NOT_FOUND"));
            assert_eq!(message, "Guest not found");
            assert!(body.contains("Guest not found"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn nested_seat_limit_body() {
    let e = one_reply(|| {
        Reply::json(
            409,
            json!({"error": {"code": "SEAT_POOL_EXHAUSTED", "message": "No full seats left.", "details": {"pool_type": "full"}}}),
        )
    })
    .await;
    assert_eq!(
        e.to_string(),
        "HTTP 409 SEAT_POOL_EXHAUSTED: No full seats left."
    );
    assert_eq!(e.code(), Some("SEAT_POOL_EXHAUSTED"));
}

#[tokio::test]
async fn rate_limit_body() {
    let e = one_reply(|| {
        Reply::json(
            429,
            json!({"message": "You've reached the hourly limit for Guest Invite (30 per hour per organization).", "code": "RATE_LIMIT_EXCEEDED"}),
        )
        .header("retry-after", "120")
        .header("x-ratelimit-remaining", "0")
    })
    .await;
    assert!(matches!(e, Error::RateLimited { .. }), "{e:?}");
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(120)));
    assert_eq!(e.code(), Some("RATE_LIMIT_EXCEEDED"));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn oauth_body() {
    let e = one_reply(|| Reply::json(401, json!({"error": "invalid_client"}))).await;
    assert_eq!(e.to_string(), "HTTP 401 invalid_client: invalid_client");
}

#[tokio::test]
async fn html_text_and_empty_bodies_keep_their_status() {
    let e =
        one_reply(|| Reply::text(502, "text/html", "<html><h1>502 Bad Gateway</h1></html>")).await;
    assert_eq!(e.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(e.to_string(), "HTTP 502: Bad Gateway");
    let e = one_reply(|| Reply::text(429, "text/plain", "Too Many Attempts.")).await;
    assert_eq!(e.to_string(), "HTTP 429: Too Many Attempts.");
    let e = one_reply(|| Reply::text(500, "text/plain", "")).await;
    assert_eq!(e.to_string(), "HTTP 500: Internal Server Error");
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_names_the_json_path() {
    let e = one_reply(|| {
        Reply::json(
            201,
            json!({"data": {"id": 1, "email": ["not", "a", "string"]}}),
        )
        .header("x-request-id", "req-7")
    })
    .await;
    match &e {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(path.as_deref(), Some("data.email"), "{e}");
            assert!(snippet.starts_with("{\"data\""), "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.status().map(|s| s.as_u16()), Some(201));
    assert_eq!(e.request_id(), Some("req-7"));
    assert!(
        e.to_string()
            .starts_with("could not decode the response (HTTP 201) at `data.email`: "),
        "{e}"
    );
    assert!(!e.is_retryable());
    let e = one_reply(|| Reply::text(200, "application/json", "<html>oops</html>")).await;
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(200));
    // A list whose items do not decode names the item.
    let server = Scripted::start(|_, _| {
        Reply::json(
            200,
            json!({"data": [{"id": 1}, {"id": 2, "first_name": 5}]}),
        )
    })
    .await;
    let client = client_for(&server.base_url);
    let e = client.guests().list().collect_all().await.unwrap_err();
    assert!(
        matches!(&e, Error::Decode { path: Some(p), .. } if p == "data[1].first_name"),
        "{e}"
    );
}

#[tokio::test]
async fn new_fields_and_enum_values_never_break_decoding() {
    let server = Scripted::start(|_, _| {
        Reply::json(
            200,
            json!({"data": {"id": 7, "email": "m@x.io", "role": "Auditor", "brand_new_field": {"x": [1]},
                   "created_at": "2025-01-15 10:30:00", "updated_at": "not a date", "groups": {"data": [{"id": "group_id_1"}]}}}),
        )
    })
    .await;
    let client = client_for(&server.base_url);
    let m = client.members().get(7).await.unwrap();
    assert_eq!(m.role, Some(tallyfy::Role::Other("Auditor".into())));
    assert!(m.created_at.unwrap().parsed().is_some());
    assert!(m.updated_at.unwrap().parsed().is_none());
}

#[tokio::test]
async fn faults_from_the_fake() {
    let fake = fake(2, 1).await;
    let client = builder_for(&fake.base_url())
        .token(fake.token())
        .org(fake.org_id())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    fake.inject(Fault::HtmlError(503), 1);
    let e = client.guests().list().page(1).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e}");

    fake.inject(Fault::TruncatedBody, 1);
    let e = client.guests().list().page(1).await.unwrap_err();
    assert!(
        matches!(e, Error::Transport { .. } | Error::Decode { .. }),
        "{e:?}"
    );

    fake.inject(Fault::DropConnection, 1);
    let e = client.guests().list().page(1).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(e.is_retryable());

    // With the default retries, the same faults are absorbed.
    let client = fake_client(&fake);
    fake.inject(Fault::TruncatedBody, 1);
    fake.inject(Fault::HtmlError(502), 1);
    assert_eq!(client.guests().list().page(1).await.unwrap().items.len(), 2);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = client_for(&format!("http://{addr}/api"));
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    // The URL (and so the email) stays out of the message.
    assert!(!e.to_string().contains("a%40b.io"), "{e}");
    assert!(!format!("{e:?}").contains("a%40b.io"), "{e:?}");
}
