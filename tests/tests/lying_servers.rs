//! Lying servers: pagination meta that does not add up. Every walk must end after a bounded number of
//! requests with either the items or a clear error, sequentially and with concurrency.

use futures::TryStreamExt;
use serde_json::json;
use tallyfy::{Client, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers each request from a function of the requested page number.
struct Script(fn(u64) -> serde_json::Value);

impl Respond for Script {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        ResponseTemplate::new(200).set_body_json((self.0)(page))
    }
}

fn guests(range: std::ops::Range<u64>) -> serde_json::Value {
    range
        .map(|i| json!({"id": i, "email": format!("g{i}@x.io")}))
        .collect()
}

fn page(data: serde_json::Value, current: u64, total_pages: u64) -> serde_json::Value {
    json!({"data": data, "meta": {"pagination": {"current_page": current, "total_pages": total_pages, "per_page": 10}}})
}

/// One scenario: name, server script, concurrency, expected end, most requests allowed.
type Case = (&'static str, fn(u64) -> serde_json::Value, usize, End, u64);

#[derive(Debug, PartialEq)]
enum End {
    /// The walk yielded this many items.
    Items(usize),
    /// The walk ended with `Error::Pagination`.
    PaginationError,
}

#[tokio::test]
async fn every_lying_walk_ends() {
    #[rustfmt::skip]
    let table: Vec<Case> = vec![
        // name, server, concurrency, expected end, most requests allowed
        // An empty page while more are claimed: the rest cannot be told apart from lost data.
        ("total_pages too high: pages 4.. are empty",
            |p| page(if p <= 3 { guests(p * 10..p * 10 + 10) } else { json!([]) }, p, 50), 1, End::PaginationError, 4),
        ("total_pages too high, fetched 4 at a time",
            |p| page(if p <= 3 { guests(p * 10..p * 10 + 10) } else { json!([]) }, p, 50), 4, End::PaginationError, 8),
        ("page ignored: always the first page",
            |_| page(guests(0..10), 1, 5), 1, End::PaginationError, 2),
        ("page ignored, fetched 4 at a time",
            |_| page(guests(0..10), 1, 5), 4, End::PaginationError, 5),
        ("an empty page in the middle",
            |p| page(if p == 2 { json!([]) } else { guests(p * 10..p * 10 + 10) }, p, 4), 1, End::PaginationError, 2),
        ("an empty page in the middle, fetched 4 at a time",
            |p| page(if p == 2 { json!([]) } else { guests(p * 10..p * 10 + 10) }, p, 4), 4, End::PaginationError, 4),
        ("the list shrinks to nothing: page 2 is empty and says there is 1 page",
            |p| page(if p == 1 { guests(0..10) } else { json!([]) }, p, if p == 1 { 3 } else { 1 }), 1, End::Items(10), 2),
        ("total_pages = 0 with data",
            |p| page(guests(p * 10..p * 10 + 10), p, 0), 1, End::Items(10), 1),
        ("per_page not honoured: 3 per page, pages counted for that",
            |p| page(guests(p * 3..p * 3 + 3), p, 7), 1, End::Items(21), 7),
        ("per_page not honoured, fetched 4 at a time",
            |p| page(guests(p * 3..p * 3 + 3), p, 7), 4, End::Items(21), 7),
        ("pages shrink between requests: total_pages falls from 5 to 2",
            |p| page(guests(p * 10..p * 10 + 10), p, if p == 1 { 5 } else { 2 }), 1, End::Items(20), 2),
        ("no meta at all",
            |_| json!({"data": guests(0..10)}), 1, End::Items(10), 1),
        ("current_page always 1: the meta contradicts the request, so it cannot be trusted",
            |p| page(guests(p * 10..p * 10 + 10), 1, 3), 1, End::PaginationError, 2),
    ];
    let mut failures = Vec::new();
    for (name, script, concurrency, want, max_requests) in table {
        // A server of its own (not from wiremock's pool): requests still in flight when an earlier
        // walk stopped must not be counted against this one.
        let server = MockServer::builder().start().await;
        Mock::given(any())
            .respond_with(Script(script))
            .mount(&server)
            .await;
        let client = Client::builder()
            .token("t")
            .org("o")
            .base_url(format!("{}/api", server.uri()))
            .build()
            .unwrap();
        let walk = client
            .guests()
            .list()
            .per_page(100)
            .concurrency(concurrency)
            .items();
        let end = match walk.try_collect::<Vec<_>>().await {
            Ok(items) => End::Items(items.len()),
            Err(Error::Pagination { .. }) => End::PaginationError,
            Err(other) => panic!("{name}: unexpected error {other}"),
        };
        let requests = server.received_requests().await.map_or(0, |r| r.len()) as u64;
        if end != want || requests > max_requests {
            failures.push(format!("{name}: expected {want:?} within {max_requests} requests, got {end:?} after {requests}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
