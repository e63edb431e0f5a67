//! Client-side pacing against the fake's own rate limit, over HTTP: clones and tasks share one
//! budget and never get a 429 from a server with the same limit; `X-RateLimit-Remaining: 0` from a
//! budget someone else used holds the client instead of letting it run into 429s; a storm of 429s
//! costs one retry each; an hourly cap ends the call at once with its wait. (That each wait is
//! traced is in `tracing.rs`, where no other test emits the event before a subscriber listens.)

mod support;

use std::time::Duration;

use futures::future::try_join_all;
use support::{ORG, TOKEN, builder_for};
use tallyfy::{Error, NewGuest, RetryConfig};
use tallyfy_fake::{FakeTallyfy, Fault, HourlyCaps, RetryAfter};

async fn limited_fake(requests: u32, window: Duration) -> FakeTallyfy {
    FakeTallyfy::builder()
        .org_id(ORG)
        .token(TOKEN)
        .seed_guests(30)
        .rate_limit(requests, window)
        .start()
        .await
        .unwrap()
}

/// Spends `n` of the token's window at the fake, as another worker with the same token would.
async fn neighbour_uses(fake: &FakeTallyfy, n: usize) {
    let http = tallyfy::reqwest::Client::new();
    for _ in 0..n {
        let res = http
            .get(format!("{}/organizations/{ORG}/guests", fake.base_url()))
            .bearer_auth(TOKEN)
            .header("X-Tallyfy-Client", "APIClient")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
}

/// 4 clones, 4 tasks each, 3 calls per task: 48 calls from clients paced to 12 per 500 ms,
/// against a server that allows 12 per 450 ms (the 50 ms are room for the scheduling jitter of a
/// loaded test machine; the exact bound is the property test in `pacing.rs`). With no retries at
/// all, every call succeeds only if no window at the server ever got more than 12; without pacing,
/// the same load is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_and_tasks_share_one_budget_and_stay_under_the_servers_limit() {
    let window = Duration::from_millis(450);
    let fake = limited_fake(12, window).await;
    let run = |client: tallyfy::Client| async move {
        let tasks = (0..4).flat_map(|_| {
            let clone = client.clone();
            (0..4).map(move |_| {
                let c = clone.clone();
                tokio::spawn(async move {
                    for _ in 0..3 {
                        // The error, as whether it was a rate limit.
                        let page = c.guests().list().per_page(1).page(1).await;
                        page.map_err(|e| matches!(e, Error::RateLimited { .. }))?;
                    }
                    Ok::<(), bool>(())
                })
            })
        });
        let joined = futures::future::join_all(tasks).await;
        joined.into_iter().map(|j| j.unwrap()).collect::<Vec<_>>()
    };

    let paced = builder_for(&fake.base_url())
        .retry(RetryConfig::disabled())
        .rate_limit(12, Duration::from_millis(500))
        .build()
        .unwrap();
    let results = run(paced).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let stats = fake.stats();
    assert_eq!((stats.requests, stats.with_status(429)), (48, 0));

    tokio::time::sleep(window * 2).await;
    let unpaced = builder_for(&fake.base_url())
        .retry(RetryConfig::disabled())
        .no_rate_limit()
        .build()
        .unwrap();
    let results = run(unpaced).await;
    let refused = results.iter().filter(|r| **r == Err(true)).count();
    assert!(refused > 0, "the same load without pacing is refused");
}

/// Another worker spent half the token's window. The client's own budget is untouched, but the
/// server's `X-RateLimit-Remaining: 0` holds it: no call ever sees a 429.
#[tokio::test]
async fn remaining_zero_holds_the_client_before_the_server_refuses() {
    let fake = limited_fake(10, Duration::from_millis(700)).await;
    neighbour_uses(&fake, 5).await;
    let client = builder_for(&fake.base_url())
        .retry(RetryConfig::disabled())
        .rate_limit(10, Duration::from_millis(700))
        .build()
        .unwrap();
    for _ in 0..12 {
        client.guests().list().per_page(1).page(1).await.unwrap();
    }
    let stats = fake.stats();
    assert_eq!((stats.requests, stats.with_status(429)), (17, 0));
}

/// A 429 storm (the next 8 requests refused with `Retry-After: 1`) while 8 tasks make 4 calls
/// each: every call succeeds and each 429 costs exactly one retry, because the hold makes every
/// task wait for the same second instead of each backing off and trying on its own.
#[tokio::test]
async fn a_storm_of_429s_costs_one_retry_each() {
    let fake = support::fake(10, 2).await;
    fake.inject(
        Fault::RateLimited {
            retry_after: RetryAfter::Seconds(1),
        },
        8,
    );
    let client = builder_for(&fake.base_url()).build().unwrap();
    let calls = (0..8).map(|_| {
        let c = client.clone();
        async move {
            for _ in 0..4 {
                c.guests().list().per_page(1).page(1).await?;
            }
            Ok::<(), Error>(())
        }
    });
    try_join_all(calls).await.unwrap();
    assert_eq!(fake.requests().len(), 32 + 8);
}

/// Another worker spent the whole window. The first call gets a 429 with `Retry-After: 1`; calls
/// started while it waits are held with it instead of each running into a 429 of their own.
#[tokio::test]
async fn a_429_holds_every_call_of_the_client_until_its_retry_after() {
    let fake = limited_fake(10, Duration::from_secs(1)).await;
    neighbour_uses(&fake, 10).await;
    let client = builder_for(&fake.base_url())
        .rate_limit(10, Duration::from_secs(1))
        .build()
        .unwrap();
    let first = tokio::spawn({
        let c = client.clone();
        async move { c.guests().list().per_page(1).page(1).await }
    });
    while fake.stats().with_status(429) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let later = (0..8).map(|_| {
        let c = client.clone();
        async move { c.guests().list().per_page(1).page(1).await }
    });
    try_join_all(later).await.unwrap();
    first.await.unwrap().unwrap();
    let stats = fake.stats();
    assert_eq!(stats.with_status(429), 1, "{stats:?}");
    assert_eq!(stats.requests, 10 + 1 + 1 + 8);
}

/// The 31st guest invite of the hour is refused with a wait of about an hour: the call ends at
/// once with the typed error (it does not wait an hour), and other calls are not held.
#[tokio::test]
async fn an_hourly_cap_is_a_typed_error_with_its_wait_not_a_hang() {
    let fake = FakeTallyfy::builder()
        .org_id(ORG)
        .token(TOKEN)
        .hourly_caps(HourlyCaps::new(3, 120))
        .start()
        .await
        .unwrap();
    let client = support::fake_client(&fake);
    for n in 0..3 {
        client
            .guests()
            .create(NewGuest::new(format!("g{n}@x.io")))
            .await
            .unwrap();
    }
    let refused = tokio::time::timeout(
        Duration::from_secs(10),
        client.guests().create(NewGuest::new("g3@x.io")),
    )
    .await
    .expect("the call ends rather than waiting out the hour")
    .unwrap_err();
    let Error::RateLimited {
        retry_after, code, ..
    } = &refused
    else {
        panic!("{refused:?}")
    };
    assert_eq!(code.as_deref(), Some("RATE_LIMIT_EXCEEDED"));
    let wait = retry_after.unwrap();
    assert!(wait > Duration::from_secs(3500), "{wait:?}");
    assert!(
        refused.to_string().contains("Guest Invite (3 per hour"),
        "{refused}"
    );
    assert_eq!(
        fake.requests().len(),
        4,
        "a wait past max_retry_after is not retried"
    );
    assert!(client.rate_limit_status().next_slot_in < Duration::from_secs(1));
    client.guests().list().page(1).await.unwrap();
}
