//! Rate limits over HTTP: a token's rolling window, the hourly caps on guest invites and comments,
//! the documented 429 (`RATE_LIMIT_EXCEEDED`, `Retry-After`, `X-RateLimit-Remaining`), and the
//! `/__fake/stats` counts, from the builder and from the binary's flags.

mod common;

use std::time::Duration;

use common::{Api, spawn_binary};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tallyfy_fake::{FakeTallyfy, HourlyCaps};

fn remaining(r: &common::Reply) -> Option<&str> {
    r.header("x-ratelimit-remaining")
}

#[tokio::test]
async fn a_tokens_window_admits_its_budget_then_answers_429_until_the_oldest_leaves() {
    let api = Api::with(
        FakeTallyfy::builder()
            .seed_guests(5)
            .rate_limit(3, Duration::from_millis(1500))
            .start()
            .await
            .unwrap(),
    );
    let url = api.url("/guests?per_page=1");
    let mut left = Vec::new();
    for _ in 0..3 {
        let r = api.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        left.push(remaining(&r).unwrap().to_owned());
    }
    assert_eq!(left, ["2", "1", "0"]);
    let r = api.get(&url).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["code"], "RATE_LIMIT_EXCEEDED");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("3 per 1.5 seconds"),
        "{}",
        r.text
    );
    assert_eq!(
        r.header("retry-after"),
        Some("2"),
        "1.5 s at most, rounded up"
    );
    assert_eq!(remaining(&r), Some("0"));
    // A refused request does not count, and the window rolls.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let r = api.get(&url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(remaining(&r), Some("2"));

    // Requests that never reach an operation are neither limited nor marked.
    let r = api.get(&api.url("/nowhere")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(remaining(&r), None);

    let stats = api.fake.stats();
    assert_eq!(stats.requests, 6);
    assert_eq!(
        (
            stats.with_status(200),
            stats.with_status(429),
            stats.with_status(404)
        ),
        (4, 1, 1)
    );
}

#[tokio::test]
async fn hourly_caps_refuse_the_invite_and_the_comment_over_the_cap() {
    let api = common::Api::with(
        FakeTallyfy::builder()
            .seed_members(2)
            .seed_templates(4)
            .hourly_caps(HourlyCaps::new(2, 1))
            .start()
            .await
            .unwrap(),
    );
    let guests = api.url("/guests");
    // A refused invite (422) does not count toward the cap.
    let r = api.post(&guests, json!({"email": "not an email"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for n in 0..2 {
        let r = api
            .post(&guests, json!({"email": format!("g{n}@x.io")}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(remaining(&r), None, "no per-token window: no header");
    }
    let r = api.post(&guests, json!({"email": "g3@x.io"})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({
            "message": "You've reached the hourly limit for Guest Invite (2 per hour per \
                        organization). Please try again later.",
            "code": "RATE_LIMIT_EXCEEDED"
        })
    );
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((3590..=3600).contains(&wait), "{wait}");
    // Reads and other writes are not capped.
    assert_eq!(api.get(&guests).await.status, StatusCode::OK);

    let run = api.launch_blog().await;
    let comment = api.url(&format!("/runs/{run}/comment"));
    let r = api.post(&comment, json!({"content": "first"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = api
        .post(
            &api.url(&format!("/runs/{run}/problem")),
            json!({"content": "second"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("Comments (1 per hour")
    );
}

#[tokio::test]
async fn the_binary_limits_and_counts_over_http() {
    let (mut child, addr) = spawn_binary(&[
        "--org",
        "lim-org",
        "--token",
        "lim-token",
        "--seed-guests",
        "3",
        "--rate-limit",
        "2",
        "--rate-window-secs",
        "60",
    ]);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let get = |url: String, token: Option<&'static str>| {
        let mut req = http.get(url).header("X-Tallyfy-Client", "APIClient");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move { req.send().await.unwrap() }
    };
    let guests = format!("http://{addr}/api/organizations/lim-org/guests");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            get(guests.clone(), Some("lim-token"))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 429]);

    let stats_url = format!("http://{addr}/__fake/stats");
    assert_eq!(
        get(stats_url.clone(), None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for url in [stats_url, format!("http://{addr}/api/__fake/stats")] {
        let stats: Value = get(url, Some("lim-token")).await.json().await.unwrap();
        assert_eq!(
            stats,
            json!({"requests": 3, "by_status": {"200": 2, "429": 1}}),
            "the stats calls themselves are not counted"
        );
    }
    child.kill().unwrap();
    let _ = child.wait();
}
