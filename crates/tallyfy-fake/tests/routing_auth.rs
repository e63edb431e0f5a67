//! Routing (both base paths, 404 body, 405 with `Allow`), authentication, the organization check, and
//! the handle's request log and shutdown.

mod common;

use common::{Api, enc};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn both_base_paths_serve_the_api() {
    let api = Api::start(2, 1).await;
    let with_api = api.get(&api.url("/guests")).await;
    let without = api
        .get(&format!(
            "http://{}/organizations/org-1/guests",
            api.fake.addr()
        ))
        .await;
    assert_eq!(with_api.status, StatusCode::OK);
    assert_eq!(without.status, StatusCode::OK);
    assert_eq!(with_api.json()["data"], without.json()["data"]);
    assert!(api.fake.base_url().starts_with("http://127.0.0.1:"));
    assert!(api.fake.base_url().ends_with("/api"));
}

#[tokio::test]
async fn unknown_paths_get_the_endpoint_not_found_body() {
    let api = Api::start(0, 1).await;
    let base = api.fake.base_url();
    for path in [
        "/organization/org-1/guests",
        "/organizations/org-1/members",
        "/organizations/org-1/guests/a@x.io/nope",
        "/organizations/org-1/guests/",
        "/organizations/org-1/users/1001/role/extra",
        "/",
        "",
    ] {
        let r = api.get(&format!("{base}{path}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            r.json(),
            serde_json::json!({"error": true, "message": "API endpoint not found", "code": "ENDPOINT_NOT_FOUND"}),
            "{path}"
        );
    }
}

#[tokio::test]
async fn wrong_methods_get_405_with_allow() {
    let api = Api::start(0, 1).await;
    let cases = [
        (Method::PATCH, api.url("/guests"), "GET, POST"),
        (Method::DELETE, api.url("/users"), "GET"),
        (Method::GET, api.url("/users/invite"), "POST"),
        (
            Method::POST,
            api.guest_url("a@x.io", ""),
            "GET, PUT, DELETE",
        ),
        (Method::PUT, api.guest_url("a@x.io", "/disable"), "DELETE"),
        (Method::DELETE, api.guest_url("a@x.io", "/enable"), "PUT"),
        (Method::GET, api.guest_url("a@x.io", "/delete"), "DELETE"),
        (Method::GET, api.url("/users/1001/role"), "PUT"),
        (Method::HEAD, api.url("/users/1001"), "GET, PUT, DELETE"),
    ];
    for (method, url, allow) in cases {
        let r = api.send(method.clone(), &url, None).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {url}");
        assert_eq!(r.header("allow"), Some(allow), "{method} {url}");
    }
}

#[tokio::test]
async fn authentication() {
    let api = Api::start(1, 1).await;
    let url = api.url("/guests");
    let send = |token: Option<&str>, client: Option<&str>| {
        let mut req = api.http.get(&url);
        if let Some(t) = token {
            req = req.header("Authorization", t);
        }
        if let Some(c) = client {
            req = req.header("X-Tallyfy-Client", c);
        }
        async move { Api::read(req.send().await.unwrap()).await }
    };
    let r = send(None, Some("APIClient")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["message"], "Unauthenticated.");
    let r = send(Some("Bearer wrong"), Some("APIClient")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(Some("secret-token"), Some("APIClient")).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the Bearer scheme is required"
    );
    let r = send(Some("Bearer secret-token"), None).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the client header is required"
    );
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("X-Tallyfy-Client")
    );
    // Any client header value is accepted, as Tallyfy's own tools send different ones.
    for client in ["APIClient", "TallyfySDK", "n8n", ""] {
        let r = send(Some("Bearer secret-token"), Some(client)).await;
        assert_eq!(r.status, StatusCode::OK, "{client:?}");
    }
    // Every operation is protected.
    let r = Api::read(
        api.http
            .delete(api.url("/users/1001/delete"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn another_organization_is_forbidden() {
    let api = Api::start(1, 1).await;
    let url = format!(
        "{}/organizations/{}/guests",
        api.fake.base_url(),
        enc("someone-else")
    );
    let r = api.get(&url).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], true);
    // An org id that needs encoding is decoded before the comparison.
    let fake = tallyfy_fake::FakeTallyfy::builder()
        .org_id("org/with space")
        .start()
        .await
        .unwrap();
    let api = Api::with(fake);
    let r = api.get(&api.url("/users")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn requests_are_recorded_raw() {
    let api = Api::start(0, 1).await;
    let url = format!(
        "{}?q=a%2Bb&with=stats",
        api.guest_url("o'brien+tag@x.io", "")
    );
    api.get(&url).await;
    let seen = api.fake.last_request().unwrap();
    assert_eq!(seen.method, Method::GET);
    assert_eq!(
        seen.target,
        "/api/organizations/org-1/guests/o%27brien%2Btag%40x.io?q=a%2Bb&with=stats"
    );
    assert_eq!(
        seen.path(),
        "/api/organizations/org-1/guests/o%27brien%2Btag%40x.io"
    );
    assert_eq!(seen.query(), Some("q=a%2Bb&with=stats"));
    assert_eq!(seen.header("x-tallyfy-client"), Some("APIClient"));
    assert_eq!(seen.header("authorization"), Some("Bearer secret-token"));
    api.post(&api.url("/guests"), serde_json::json!({"email": "b@x.io"}))
        .await;
    let body: serde_json::Value =
        serde_json::from_slice(&api.fake.last_request().unwrap().body).unwrap();
    assert_eq!(body["email"], "b@x.io");
    assert_eq!(api.fake.requests().len(), 2);
    api.fake.clear_requests();
    assert!(api.fake.requests().is_empty());
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let api = Api::start(0, 1).await;
    let a = api.get(&api.url("/guests")).await;
    let b = api.get(&api.url("/nope")).await;
    let (a, b) = (
        a.header("x-request-id").unwrap(),
        b.header("x-request-id").unwrap(),
    );
    assert_ne!(a, b);
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let api = Api::start(0, 1).await;
    let url = api.url("/guests");
    assert_eq!(api.get(&url).await.status, StatusCode::OK);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let Api { fake, .. } = api;
    fake.shutdown().await;
    assert!(http.get(&url).send().await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let fake = tallyfy_fake::FakeTallyfy::builder().start().await.unwrap();
    let addr = fake.addr();
    drop(fake);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("http://{addr}/api/organizations/demo-org/guests");
    // The listener closes once the server task sees the signal.
    let mut refused = false;
    for _ in 0..100 {
        if http.get(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(refused);
}
