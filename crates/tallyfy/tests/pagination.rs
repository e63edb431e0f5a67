//! The pagination walk: every guard, concurrency and ordering, errors mid-stream, retries below the
//! walk. Guards use a scripted loopback server; real walks use the fake.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use support::{Reply, Scripted, client_for, fake, fake_client, guest_page, paged};
use tallyfy::Error;
use tallyfy_fake::{Fault, FaultMatch, RetryAfter};

fn pages_asked(server: &Scripted) -> Vec<u64> {
    server
        .requests()
        .iter()
        .map(|r| r.param("page").and_then(|p| p.parse().ok()).unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn walks_every_page_of_the_fake_in_order() {
    let fake = fake(250, 1).await;
    let client = fake_client(&fake);
    let expected: Vec<_> = fake.guests().into_iter().map(|g| g.email).collect();
    for k in [1, 2, 4, 8] {
        let got: Vec<_> = client
            .guests()
            .list()
            .per_page(100)
            .concurrency(k)
            .items()
            .map_ok(|g| g.email)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(got, expected, "concurrency {k}");
    }
    // The server caps pages (default cap 100): asking for 999 per page still walks every page.
    let all = client
        .guests()
        .list()
        .per_page(999)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    let pages: Vec<_> = client
        .guests()
        .list()
        .per_page(100)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(pages[0].info.as_ref().unwrap().total_pages, Some(3));
    let one = client.guests().list().per_page(100).page(3).await.unwrap();
    assert_eq!(one.items.len(), 50);
}

#[tokio::test]
async fn without_pagination_is_one_request() {
    let fake = fake(150, 1).await;
    let client = fake_client(&fake);
    fake.clear_requests();
    let all = client
        .guests()
        .list()
        .without_pagination()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 150);
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].target.contains("without_pagination=true"));
    assert!(!requests[0].target.contains("page="));
}

#[tokio::test]
async fn stops_at_total_pages() {
    let server = Scripted::start(paged(10, 3)).await;
    let client = client_for(&server.base_url);
    let items: Vec<_> = client.guests().list().items().try_collect().await.unwrap();
    assert_eq!(items.len(), 30);
    assert_eq!(pages_asked(&server), vec![1, 2, 3]);
}

#[tokio::test]
async fn an_empty_page_while_more_are_claimed_is_an_error_after_the_items_read() {
    // Claims 10 pages but page 3 is empty: ending quietly would lose pages 3 to 10.
    let server = Scripted::start(|req, _| {
        let page: u64 = req.param("page").unwrap().parse().unwrap();
        let ids = if page < 3 {
            (page as i64 * 10)..(page as i64 * 10 + 10)
        } else {
            0..0
        };
        Reply::json(200, guest_page(ids, page, 10))
    })
    .await;
    let client = client_for(&server.base_url);
    let mut items = client.guests().list().items();
    let mut read = 0;
    let err = loop {
        match items.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("the walk ended quietly after {read} items"),
            Err(e) => break e,
        }
    };
    assert_eq!(read, 20, "every item before the empty page is yielded");
    assert!(
        matches!(&err, Error::Pagination { page: 3, reason } if reason.contains("20 items") && reason.contains("10 pages")),
        "{err}"
    );
    assert!(
        items.try_next().await.unwrap().is_none(),
        "the error ends the walk"
    );
    assert_eq!(pages_asked(&server), vec![1, 2, 3]);

    // The same through collect_all: an error, never a shorter Vec.
    let err = client.guests().list().collect_all().await.unwrap_err();
    assert!(matches!(err, Error::Pagination { page: 3, .. }), "{err}");

    // An empty first page that claims more pages is the same error, with nothing read.
    let server = Scripted::start(|_, _| Reply::json(200, guest_page(0..0, 1, 4))).await;
    let client = client_for(&server.base_url);
    let err = client.guests().list().collect_all().await.unwrap_err();
    assert!(
        matches!(&err, Error::Pagination { page: 1, reason } if reason.contains("0 items")),
        "{err}"
    );
}

#[tokio::test]
async fn an_empty_page_past_its_own_total_pages_ends_the_walk_normally() {
    // Page 1 claims 5 pages; by page 3 the list has shrunk to 2 pages, and page 3 is empty.
    let server = Scripted::start(|req, _| {
        let page: u64 = req.param("page").unwrap().parse().unwrap();
        match page {
            1 => Reply::json(200, guest_page(0..10, 1, 5)),
            2 => Reply::json(200, guest_page(10..20, 2, 5)),
            _ => Reply::json(200, guest_page(0..0, page, 2)),
        }
    })
    .await;
    let client = client_for(&server.base_url);
    let items: Vec<_> = client.guests().list().items().try_collect().await.unwrap();
    assert_eq!(items.len(), 20);
    assert_eq!(pages_asked(&server), vec![1, 2, 3]);
}

#[tokio::test]
async fn zero_total_pages_and_empty_first_page() {
    let server = Scripted::start(|_, _| Reply::json(200, guest_page(0..0, 1, 0))).await;
    let client = client_for(&server.base_url);
    let items: Vec<_> = client.guests().list().items().try_collect().await.unwrap();
    assert!(items.is_empty());
    assert_eq!(server.count(), 1);

    // total_pages 0 but items on page 1: yield them, ask for nothing more.
    let server = Scripted::start(|_, _| Reply::json(200, guest_page(0..5, 1, 0))).await;
    let client = client_for(&server.base_url);
    let items: Vec<_> = client.guests().list().items().try_collect().await.unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn missing_meta_means_one_page() {
    for body in [
        json!({"data": [support::guest(1, "a@x.io"), support::guest(2, "b@x.io")]}),
        json!({"data": [support::guest(1, "a@x.io")], "meta": {}}),
        json!({"data": [support::guest(1, "a@x.io")], "meta": {"pagination": {"count": 1}}}),
    ] {
        let server = Scripted::start(move |_, _| Reply::json(200, body.clone())).await;
        let client = client_for(&server.base_url);
        let items: Vec<_> = client.guests().list().items().try_collect().await.unwrap();
        assert!(!items.is_empty());
        assert_eq!(server.count(), 1);
    }
}

#[tokio::test]
async fn a_server_that_ignores_page_is_an_error_not_a_loop() {
    // Always page 1's items, and it even claims to be the asked page.
    let server = Scripted::start(|req, _| {
        let page: u64 = req.param("page").unwrap().parse().unwrap();
        Reply::json(200, guest_page(0..10, page, 50))
    })
    .await;
    let client = client_for(&server.base_url);
    let mut items = client.guests().list().items();
    let mut ok = 0;
    let err = loop {
        match items.next().await {
            Some(Ok(_)) => ok += 1,
            Some(Err(e)) => break e,
            None => panic!("ended without an error"),
        }
    };
    assert_eq!(ok, 10);
    assert!(matches!(err, Error::Pagination { page: 2, .. }), "{err}");
    assert!(
        items.next().await.is_none(),
        "the stream ends after an error"
    );
    assert_eq!(server.count(), 2);

    // The same, reporting current_page 1 for every request.
    let server = Scripted::start(|_, _| Reply::json(200, guest_page(0..10, 1, 50))).await;
    let client = client_for(&server.base_url);
    let err = client
        .guests()
        .list()
        .concurrency(4)
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Pagination { page: 2, .. }), "{err}");
}

#[tokio::test]
async fn max_pages_and_the_hard_cap() {
    let server = Scripted::start(paged(10, 1_000)).await;
    let client = client_for(&server.base_url);
    let items: Vec<_> = client
        .guests()
        .list()
        .max_pages(3)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 30);
    assert_eq!(pages_asked(&server), vec![1, 2, 3]);

    // A server that claims more pages than the hard cap, with max_pages below the cap: no error.
    // (The cap's own error is unit-tested in src/pagination.rs with a small cap.)
    let server = Scripted::start(|req, _| {
        let page: u64 = req.param("page").unwrap().parse().unwrap();
        Reply::json(
            200,
            guest_page(
                (page as i64)..(page as i64 + 1),
                page,
                tallyfy::HARD_PAGE_CAP + 5,
            ),
        )
    })
    .await;
    let client = client_for(&server.base_url);
    let pages: Vec<_> = client
        .guests()
        .list()
        .max_pages(4)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 4, "max_pages below the cap ends quietly");
}

#[tokio::test]
async fn concurrency_bounds_requests_in_flight_and_keeps_order() {
    for k in [1usize, 3] {
        let server = Scripted::start(|req, _| {
            let page: u64 = req.param("page").unwrap().parse().unwrap();
            // Later pages answer faster, to shuffle completion order.
            let delay = Duration::from_millis(if page == 1 { 0 } else { 60 - page * 4 });
            Reply::json(
                200,
                guest_page((page as i64 * 10)..(page as i64 * 10 + 10), page, 12),
            )
            .delayed(delay)
        })
        .await;
        let client = client_for(&server.base_url);
        let pages: Vec<_> = client
            .guests()
            .list()
            .concurrency(k)
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            pages.iter().map(|p| p.number).collect::<Vec<_>>(),
            (1..=12).collect::<Vec<_>>()
        );
        let ids: Vec<_> = pages
            .iter()
            .flat_map(|p| p.items.iter().map(|g| g.id.clone()))
            .collect();
        assert_eq!(ids.len(), 120);
        assert!(
            server.max_in_flight() <= k,
            "k={k}: {} in flight",
            server.max_in_flight()
        );
        if k > 1 {
            assert!(server.max_in_flight() > 1, "k={k} never overlapped");
        }
    }
}

#[tokio::test]
async fn a_slow_consumer_holds_at_most_k_pages() {
    let server = Scripted::start(paged(10, 20)).await;
    let client = client_for(&server.base_url);
    let mut pages = client.guests().list().concurrency(3).pages();
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.number, 1);
    // Let the prefetch run as far as it is allowed to.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.count(),
        1,
        "nothing is fetched until the stream is polled again"
    );
    let second = pages.try_next().await.unwrap().unwrap();
    assert_eq!(second.number, 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Page 1, then pages 2..=4 started together; page 2 was taken, so at most 3 more are held.
    assert!(server.count() <= 1 + 3 + 1, "{} requests", server.count());
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_once_then_the_stream_ends() {
    let server = Scripted::start(|req, _| {
        let page: u64 = req.param("page").unwrap().parse().unwrap();
        if page == 3 {
            Reply::json(
                403,
                json!({"error": true, "message": "Forbidden", "code": "FORBIDDEN"}),
            )
        } else {
            Reply::json(
                200,
                guest_page((page as i64 * 10)..(page as i64 * 10 + 10), page, 6),
            )
        }
    })
    .await;
    let client = client_for(&server.base_url);
    let results: Vec<_> = client.guests().list().items().collect().await;
    assert_eq!(results.len(), 21);
    assert!(results[..20].iter().all(Result::is_ok));
    let err = results[20].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(pages_asked(&server), vec![1, 2, 3]);
}

#[tokio::test]
async fn retries_happen_below_the_walk() {
    let fake = fake(700, 1).await;
    let client = fake_client(&fake);
    // A 429 on page 7, two 503s on page 3 and a dropped connection on page 5: the walk completes.
    let on_page = |n: u32| FaultMatch::path_contains(format!("page={n}&")).method("GET");
    fake.inject_matching(
        on_page(7),
        Fault::RateLimited {
            retry_after: RetryAfter::Seconds(0),
        },
        1,
    );
    fake.inject_matching(on_page(3), Fault::Status(503), 2);
    fake.inject_matching(on_page(5), Fault::DropConnection, 1);
    let emails: HashSet<_> = client
        .guests()
        .list()
        .per_page(100)
        .items()
        .map_ok(|g| g.email)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(emails.len(), 700);
    assert_eq!(fake.pending_faults(), 0, "every fault was hit");
    let asked = fake
        .requests()
        .iter()
        .filter(|r| r.target.contains("/guests?"))
        .count();
    assert_eq!(asked, 7 + 4, "seven pages plus four retries");
}

#[tokio::test]
async fn members_walk_too() {
    let fake = fake(0, 25).await;
    let client = fake_client(&fake);
    let ids: Vec<_> = client
        .members()
        .list()
        .per_page(10)
        .concurrency(2)
        .items()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<_> = fake.members().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, expected);
}
