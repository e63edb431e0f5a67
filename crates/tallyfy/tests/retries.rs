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
        .timeouts(Timeouts::default().per_attempt(Duration::from_millis(100)))
        .retry(support::quick_retry().max_retries(1))
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
        .timeouts(Timeouts::default().total(Duration::from_millis(500)))
        .build()
        .unwrap();
    // The 2 s wait does not fit in 0.5 s: the 503 is reported instead of waiting.
    let e = client.guests().get("a@b.io").await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e:?}");
    assert_eq!(server.count(), 1);

    let slow = Scripted::start(|_, _| ok_guest().delayed(Duration::from_secs(3))).await;
    let client = builder_for(&slow.base_url)
        .timeouts(Timeouts::default().total(Duration::from_millis(200)))
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

/// During an outage, clones of one client share one retry budget: 8 concurrent calls with room for
/// 2 retries make 8 + 2 requests, where each on its own would make 1 + 3.
#[tokio::test(flavor = "multi_thread")]
async fn clones_share_one_retry_budget_during_an_outage() {
    use futures::future::join_all;
    use tallyfy::RetryBudget;

    let fake = fake(20, 1).await;
    let email = fake.guests()[0].email.clone().unwrap();
    let with_budget = |budget: RetryBudget| {
        tallyfy::Client::builder()
            .token(fake.token())
            .org(fake.org_id())
            .base_url(fake.base_url())
            .retry(support::quick_retry().budget(budget))
            .build()
            .unwrap()
    };
    let outage = |fake: &tallyfy_fake::FakeTallyfy| {
        fake.clear_faults();
        fake.clear_requests();
        fake.inject(Fault::Status(503), 10_000);
    };
    let eight_gets = |client: tallyfy::Client| {
        let email = email.clone();
        join_all((0..8).map(move |_| {
            let (client, email) = (client.clone(), email.clone());
            async move { client.guests().get(&email).await }
        }))
    };

    // The control: with no shared limit every call makes its 1 + 3 attempts.
    outage(&fake);
    let results = eight_gets(with_budget(RetryBudget::unlimited())).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap_err().status().unwrap() == 503)
    );
    assert_eq!(fake.requests().len(), 8 * 4);

    // 10 tokens at 5 a retry: two retries for all eight calls together.
    let budget = RetryBudget::default()
        .capacity(10)
        .retry_cost(5)
        .success_refund(1);
    let client = with_budget(budget);
    outage(&fake);
    let results = eight_gets(client.clone()).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap_err().status().unwrap() == 503)
    );
    assert_eq!(
        fake.requests().len(),
        8 + 2,
        "the budget bounds retries across clones"
    );

    // A spent budget: the next failure is reported at once, with no retry.
    fake.clear_requests();
    let e = client.guests().get(&email).await.unwrap_err();
    assert_eq!(e.status().unwrap(), 503);
    assert_eq!(fake.requests().len(), 1);

    // Successes refill it: five successes earn one retry's worth of tokens back.
    fake.clear_faults();
    for _ in 0..5 {
        client.guests().get(&email).await.unwrap();
    }
    fake.inject(Fault::Status(503), 1);
    fake.clear_requests();
    client.guests().get(&email).await.unwrap();
    assert_eq!(
        fake.requests().len(),
        2,
        "one 503, one paid-for retry that succeeds"
    );

    // A walk with concurrency(8) after page 1: at most one attempt per page in flight plus the two
    // retries the budget pays for, instead of up to 8 × 4.
    let client = with_budget(budget);
    let mut pages = client.guests().list().per_page(2).concurrency(8).pages();
    futures::TryStreamExt::try_next(&mut pages)
        .await
        .unwrap()
        .unwrap();
    outage(&fake);
    let end = futures::TryStreamExt::try_collect::<Vec<_>>(pages).await;
    assert_eq!(end.unwrap_err().status().unwrap(), 503);
    let requests = fake.requests().len();
    assert!(requests <= 8 + 2, "{requests} requests during the outage");
}
