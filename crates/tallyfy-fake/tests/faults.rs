//! Fault injection over real HTTP: each fault kind, counting, matching, and recovery afterwards.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, UNIX_EPOCH};

use common::Api;
use reqwest::StatusCode;
use tallyfy_fake::{Fault, FaultMatch, RetryAfter};

#[tokio::test]
async fn rate_limited_with_seconds_then_recovers() {
    let api = Api::start(3, 1).await;
    api.fake.inject(
        Fault::RateLimited {
            retry_after: RetryAfter::Seconds(7),
        },
        2,
    );
    for _ in 0..2 {
        let r = api.get(&api.url("/guests")).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.header("retry-after"), Some("7"));
        assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
        assert_eq!(r.json()["code"], "RATE_LIMIT_EXCEEDED");
        assert!(r.header("x-request-id").is_some());
    }
    assert_eq!(api.get(&api.url("/guests")).await.status, StatusCode::OK);
    assert_eq!(api.fake.pending_faults(), 0);
}

#[tokio::test]
async fn rate_limited_with_http_date() {
    let api = Api::start(0, 1).await;
    let at = UNIX_EPOCH + Duration::from_secs(1_445_412_480);
    api.fake.inject(
        Fault::RateLimited {
            retry_after: RetryAfter::HttpDate(at),
        },
        1,
    );
    let r = api.get(&api.url("/users")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        r.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
}

#[tokio::test]
async fn server_errors_with_json_bodies() {
    let api = Api::start(0, 1).await;
    for code in [500u16, 502, 503, 504] {
        api.fake.inject(Fault::Status(code), 1);
        let r = api.get(&api.url("/guests")).await;
        assert_eq!(r.status.as_u16(), code);
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(r.json()["error"], true);
    }
    assert_eq!(api.get(&api.url("/guests")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn html_error_page() {
    let api = Api::start(0, 1).await;
    api.fake.inject(Fault::HtmlError(502), 1);
    let r = api.get(&api.url("/guests")).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text.contains("<html>") && r.text.contains("502"));
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());
}

#[tokio::test]
async fn matching_by_method_and_path() {
    let api = Api::start(2, 1).await;
    api.fake.inject_matching(
        FaultMatch::path_contains("/users").method("GET"),
        Fault::Status(503),
        1,
    );
    // Neither a guests request nor a POST to users takes it.
    assert_eq!(api.get(&api.url("/guests")).await.status, StatusCode::OK);
    let r = api
        .post(&api.url("/users/invite"), serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.fake.pending_faults(), 1);
    assert_eq!(
        api.get(&api.url("/users")).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(api.get(&api.url("/users")).await.status, StatusCode::OK);
    // Queue order, and clearing.
    api.fake.inject(Fault::Status(500), 1);
    api.fake.inject(Fault::Status(502), 1);
    assert_eq!(api.get(&api.url("/users")).await.status.as_u16(), 500);
    api.fake.clear_faults();
    assert_eq!(api.get(&api.url("/users")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn dropped_connection() {
    let api = Api::start(0, 1).await;
    api.fake.inject(Fault::DropConnection, 1);
    let err = api
        .http
        .get(api.url("/guests"))
        .bearer_auth(api.fake.token())
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_status(), "{err:?}");
    assert_eq!(
        api.fake.requests().len(),
        1,
        "the request was still recorded"
    );
    assert_eq!(api.get(&api.url("/guests")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn dropped_connection_on_the_wire() {
    // Over a bare socket: the connection closes and not one byte of a response arrives.
    let api = Api::start(0, 1).await;
    api.fake.inject(Fault::DropConnection, 1);
    let addr = api.fake.addr();
    let got = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"GET /api/organizations/org-1/guests HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        buf
    })
    .await
    .unwrap();
    assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
}

#[tokio::test]
async fn truncated_body() {
    let api = Api::start(0, 1).await;
    api.fake.inject(Fault::TruncatedBody, 1);
    let res = api
        .http
        .get(api.url("/guests"))
        .bearer_auth(api.fake.token())
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(res.status(), StatusCode::OK);
    let declared: usize = res.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    assert!(res.text().await.is_err(), "the body ends early");
    assert_eq!(api.get(&api.url("/guests")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn truncated_body_on_the_wire() {
    let api = Api::start(0, 1).await;
    api.fake.inject(Fault::TruncatedBody, 1);
    let addr = api.fake.addr();
    let got = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"GET /api/organizations/org-1/guests HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
    .await
    .unwrap();
    let (head, body) = got.split_once("\r\n\r\n").expect("headers arrived");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_string)
        })
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared}",
        body.len()
    );
    assert!(body.starts_with('{'));
    assert!(serde_json::from_str::<serde_json::Value>(body).is_err());
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let api = Api::start(1, 1).await;
    api.fake.inject(Fault::Delay(Duration::from_millis(50)), 1);
    let r = api.get(&api.url("/guests")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"].as_array().unwrap().len(), 1);
    assert_eq!(api.fake.pending_faults(), 0);
}

#[tokio::test]
async fn a_delayed_request_can_time_out_on_the_client() {
    let api = Api::start(0, 1).await;
    api.fake.inject(Fault::Delay(Duration::from_secs(30)), 1);
    let err = api
        .http
        .get(api.url("/guests"))
        .bearer_auth(api.fake.token())
        .header("X-Tallyfy-Client", "APIClient")
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("client gives up");
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn faults_come_before_auth() {
    let api = Api::start(0, 1).await;
    api.fake.inject(Fault::Status(503), 1);
    let res = api.http.get(api.url("/guests")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}
