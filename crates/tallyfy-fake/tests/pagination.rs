//! Pagination arithmetic at the edges, over real HTTP: no items, exactly one page, a last page that
//! is not full, the page cap, pages past the end, and `without_pagination`.

mod common;

use common::Api;
use reqwest::StatusCode;
use serde_json::Value;
use tallyfy_fake::FakeTallyfy;

async fn fake(guests: usize, cap: u64) -> Api {
    Api::with(
        FakeTallyfy::builder()
            .org_id("org-1")
            .token("secret-token")
            .seed_guests(guests)
            .page_cap(cap)
            .start()
            .await
            .unwrap(),
    )
}

fn pagination(body: &Value) -> (i64, i64, i64, i64, i64) {
    let p = &body["meta"]["pagination"];
    (
        p["total"].as_i64().unwrap(),
        p["count"].as_i64().unwrap(),
        p["per_page"].as_i64().unwrap(),
        p["current_page"].as_i64().unwrap(),
        p["total_pages"].as_i64().unwrap(),
    )
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn empty_list() {
    let api = fake(0, 100).await;
    let r = api.get(&api.url("/guests")).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(pagination(&body), (0, 0, 100, 1, 0));
    assert_eq!(body["data"], serde_json::json!([]));
    let links = &body["meta"]["pagination"]["links"];
    assert!(
        links["previous"].is_null() && links["next"].is_null(),
        "{links}"
    );
}

#[tokio::test]
async fn exactly_one_page() {
    let api = fake(100, 100).await;
    let body = api.get(&api.url("/guests?per_page=100")).await.json();
    assert_eq!(pagination(&body), (100, 100, 100, 1, 1));
    assert!(body["meta"]["pagination"]["links"]["next"].is_null());
    let body = api
        .get(&api.url("/guests?per_page=100&page=2"))
        .await
        .json();
    assert_eq!(pagination(&body), (100, 0, 100, 2, 1));
}

#[tokio::test]
async fn last_page_not_full_and_links() {
    let api = fake(250, 100).await;
    let p1 = api.get(&api.url("/guests?per_page=100")).await.json();
    assert_eq!(pagination(&p1), (250, 100, 100, 1, 3));
    let next = p1["meta"]["pagination"]["links"]["next"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(p1["meta"]["pagination"]["links"]["previous"].is_null());
    assert!(next.starts_with(&api.url("/guests?")), "{next}");
    assert!(
        next.contains("per_page=100") && next.ends_with("page=2"),
        "{next}"
    );
    // Following the links walks the whole list, each guest once.
    let mut seen = ids(&p1);
    let mut url = Some(next);
    let mut pages = 1;
    while let Some(u) = url {
        let body = api.get(&u).await.json();
        seen.extend(ids(&body));
        pages += 1;
        url = body["meta"]["pagination"]["links"]["next"]
            .as_str()
            .map(str::to_string);
    }
    assert_eq!(pages, 3);
    let p3 = api
        .get(&api.url("/guests?per_page=100&page=3"))
        .await
        .json();
    assert_eq!(pagination(&p3), (250, 50, 100, 3, 3));
    assert!(
        p3["meta"]["pagination"]["links"]["previous"]
            .as_str()
            .unwrap()
            .ends_with("page=2")
    );
    let expected: Vec<i64> = (10_001..=10_250).collect();
    assert_eq!(seen, expected);
    // Past the end: empty, links back to the last page.
    let p4 = api
        .get(&api.url("/guests?per_page=100&page=4"))
        .await
        .json();
    assert_eq!(pagination(&p4), (250, 0, 100, 4, 3));
    assert!(
        p4["meta"]["pagination"]["links"]["previous"]
            .as_str()
            .unwrap()
            .ends_with("page=3")
    );
    assert!(p4["meta"]["pagination"]["links"]["next"].is_null());
}

#[tokio::test]
async fn per_page_defaults_and_cap() {
    // Default 999, capped at the page cap.
    let api = fake(150, 100).await;
    let body = api.get(&api.url("/guests")).await.json();
    assert_eq!(pagination(&body), (150, 100, 100, 1, 2));
    let body = api.get(&api.url("/guests?per_page=5000")).await.json();
    assert_eq!(pagination(&body).2, 100);
    // A higher cap lets the default through.
    let api = fake(1200, 5000).await;
    let body = api.get(&api.url("/guests")).await.json();
    assert_eq!(pagination(&body), (1200, 999, 999, 1, 2));
    let body = api.get(&api.url("/users")).await.json();
    assert_eq!(pagination(&body).2, 5000, "members default 9999, capped");
    // Small pages.
    let body = api.get(&api.url("/guests?per_page=7&page=3")).await.json();
    assert_eq!(pagination(&body), (1200, 7, 7, 3, 172));
    assert_eq!(ids(&body), (10_015..10_022).collect::<Vec<_>>());
}

#[tokio::test]
async fn without_pagination_returns_everything() {
    let api = fake(345, 100).await;
    let body = api
        .get(&api.url("/guests?without_pagination=true&per_page=10&page=3"))
        .await
        .json();
    assert_eq!(body["data"].as_array().unwrap().len(), 345);
    assert_eq!(pagination(&body), (345, 345, 345, 1, 1));
    let body = api
        .get(&api.url("/guests?without_pagination=false&per_page=10"))
        .await
        .json();
    assert_eq!(pagination(&body).1, 10);
}

#[tokio::test]
async fn bad_page_parameters_are_422() {
    let api = fake(10, 100).await;
    for q in [
        "page=0",
        "page=-1",
        "page=x",
        "per_page=0",
        "per_page=1.5",
        "per_page=99999999999999999999",
    ] {
        let r = api.get(&api.url(&format!("/guests?{q}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let r = api.get(&api.url(&format!("/users?{q}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
    }
}

#[tokio::test]
async fn members_pages() {
    let api = Api::with(
        FakeTallyfy::builder()
            .org_id("org-1")
            .token("secret-token")
            .seed_members(25)
            .page_cap(10)
            .start()
            .await
            .unwrap(),
    );
    let body = api.get(&api.url("/users?page=3")).await.json();
    assert_eq!(pagination(&body), (25, 5, 10, 3, 3));
    let ids = ids(&body);
    assert_eq!(ids, (1021..=1025).collect::<Vec<_>>());
}
