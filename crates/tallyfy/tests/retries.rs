//! The retry loop and timeouts over real HTTP: which methods retry on what, Retry-After waits (short
//! real delays, checked as lower bounds only), the cap, and per-attempt and total timeouts.

mod support;

use std::time::{Duration, Instant, SystemTime};

use serde_json::json;
use support::{Reply, Scripted, builder_for, client_for, fake, fake_client};
use tallyfy::{Error, NewGuest, RetryConfig, TimeoutKind, Timeouts};
use tallyfy_fake::{Fault, RetryAfter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn ok_guest() -> Reply {
    Reply::json(200, json!({"data": {"id": 1, "email": "a@b.io"}}))
}

/// Fails the first `n` requests with `fail`, then succeeds.
async fn failing_first(n: usize, fail: fn() -> Reply) -> Scripted {
    Scripted::start(move |_, i| if i < n { fail() } else { ok_guest() }).await
}

#[tokio::test]
async fn get_is_retried_on_5xx_and_post_is_not() {
    for status in [500u16, 502, 503, 504] {
        let server = Scripted::start(move |req, i| {
            if i < 2 || req.method == "POST" {
                Reply::json(status, json!({"error": true, "message": "down"}))
            } else {
                ok_guest()
            }
        })
        .await;
        let client = client_for(&server.base_url);
        client.guests().get("a@b.io").await.unwrap();
        assert_eq!(server.count(), 3, "{status}");

        let err = client
            .guests()
            .create(NewGuest::new("c@d.io"))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.count(), 4, "POST {status} is not retried");
    }
}

#[tokio::test]
async fn put_and_delete_are_retried_on_5xx() {
    let server = failing_first(1, || Reply::json(503, json!({}))).await;
    let client = client_for(&server.base_url);
    client.guests().enable("a@b.io").await.unwrap();
    assert_eq!(server.count(), 2);
    let server = failing_first(1, || Reply::json(502, json!({}))).await;
    let client = client_for(&server.base_url);
    client.guests().disable("a@b.io").await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn rate_limits_are_retried_even_for_post() {
    let server = failing_first(2, || {
        Reply::json(429, json!({"code": "RATE_LIMIT_EXCEEDED"})).header("retry-after", "0")
    })
    .await;
    let client = client_for(&server.base_url);
    client
        .guests()
        .create(NewGuest::new("c@d.io"))
        .await
        .unwrap();
    assert_eq!(server.count(), 3);
    assert_eq!(server.last().method, "POST");
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = Scripted::start(|_, _| Reply::json(503, json!({"message": "down"}))).await;
    let client = client_for(&server.base_url);
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 4, "one attempt and three retries");

    let client = builder_for(&server.base_url)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    client.guests().get("a@b.io").await.unwrap_err();
    assert_eq!(server.count(), 5);
}

#[tokio::test]
async fn non_retryable_statuses_are_not_retried() {
    for status in [400u16, 401, 403, 404, 409, 422] {
        let server = Scripted::start(move |_, _| Reply::json(status, json!({}))).await;
        let client = client_for(&server.base_url);
        client.guests().get("a@b.io").await.unwrap_err();
        assert_eq!(server.count(), 1, "{status}");
    }
}

#[tokio::test]
async fn retry_after_seconds_is_waited_for() {
    let server = failing_first(1, || Reply::json(429, json!({})).header("retry-after", "1")).await;
    let client = client_for(&server.base_url);
    let started = Instant::now();
    client.guests().get("a@b.io").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_http_date_from_the_fake_is_waited_for() {
    let fake = fake(1, 1).await;
    let client = fake_client(&fake);
    // HTTP dates have one-second resolution: two seconds ahead is at least one second away.
    let at = SystemTime::now() + Duration::from_secs(2);
    fake.inject(
        Fault::RateLimited {
            retry_after: RetryAfter::HttpDate(at),
        },
        1,
    );
    let started = Instant::now();
    client.guests().list().page(1).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retry_after_beyond_the_cap_gives_up_at_once() {
    let server = Scripted::start(|_, _| {
        Reply::json(
            429,
            json!({"message": "hourly limit", "code": "RATE_LIMIT_EXCEEDED"}),
        )
        .header("retry-after", "3600")
    })
    .await;
    let client = client_for(&server.base_url);
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn per_attempt_timeout_retries_then_reports_a_timeout() {
    let server = Scripted::start(|_, _| ok_guest().delayed(Duration::from_millis(500))).await;
    let client = builder_for(&server.base_url)
        .timeouts(Timeouts {
            per_attempt: Duration::from_millis(100),
            ..Timeouts::default()
        })
        .retry(RetryConfig {
            max_retries: 1,
            ..support::quick_retry()
        })
        .build()
        .unwrap();
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                kind: TimeoutKind::PerAttempt,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(server.count(), 2);

    // A POST that timed out may have been processed: not retried.
    let e = client
        .guests()
        .create(NewGuest::new("x@y.io"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn total_timeout_bounds_the_whole_call() {
    let server =
        Scripted::start(|_, _| Reply::json(503, json!({})).header("retry-after", "2")).await;
    let client = builder_for(&server.base_url)
        .timeouts(Timeouts {
            total: Duration::from_millis(500),
            ..Timeouts::default()
        })
        .build()
        .unwrap();
    // The 2 s wait does not fit in 0.5 s: the 503 is reported instead of waiting.
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e:?}");
    assert_eq!(server.count(), 1);

    let slow = Scripted::start(|_, _| ok_guest().delayed(Duration::from_secs(3))).await;
    let client = builder_for(&slow.base_url)
        .timeouts(Timeouts {
            total: Duration::from_millis(200),
            ..Timeouts::default()
        })
        .build()
        .unwrap();
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                kind: TimeoutKind::Total,
                ..
            }
        ),
        "{e:?}"
    );
}

/// A raw TCP server that reads each request and closes the connection without answering.
async fn hang_up_server() -> (String, tokio::sync::mpsc::UnboundedReceiver<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut got = Vec::new();
                // Read until the end of the headers (and the small body, if any).
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        break;
                    }
                }
                let _ = tx.send(());
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}/api"), rx)
}

#[tokio::test]
async fn dropped_connections_retry_get_but_not_post() {
    let (url, mut rx) = hang_up_server().await;
    let client = client_for(&url);
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    let mut gets = 0;
    while rx.try_recv().is_ok() {
        gets += 1;
    }
    assert_eq!(gets, 4, "GET: one attempt and three retries");

    let e = client
        .guests()
        .create(NewGuest::new("c@d.io"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut posts = 0;
    while rx.try_recv().is_ok() {
        posts += 1;
    }
    assert_eq!(posts, 1, "POST: the request may have arrived, so no retry");
}
