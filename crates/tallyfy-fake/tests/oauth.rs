//! The token endpoint and the tokens it issues, over HTTP: the client-credentials, password and
//! refresh grants with their documented bodies, the OAuth error shapes, expiry, an application's
//! user token, revocation, and the request count.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tallyfy_fake::FakeTallyfy;

const ID: &str = "4412";
const SECRET: &str = "app-secret";

async fn fake(ttl: Option<Duration>) -> FakeTallyfy {
    let mut b = FakeTallyfy::builder()
        .org_id("org-1")
        .seed_members(3)
        .client_credentials(ID, SECRET);
    if let Some(ttl) = ttl {
        b = b.token_ttl(ttl);
    }
    b.start().await.unwrap()
}

/// POSTs a form to `url`; the status and the JSON body.
async fn form(url: &str, pairs: &[(&str, &str)]) -> (StatusCode, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let res = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// Lists guests with `token`: the status.
async fn api_status(fake: &FakeTallyfy, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!(
            "{}/organizations/{}/guests",
            fake.base_url(),
            fake.org_id()
        ))
        .bearer_auth(token)
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .unwrap()
        .status()
}

/// The password grant for `email` with `password`: the status and the JSON body.
async fn password_grant(fake: &FakeTallyfy, email: &str, password: &str) -> (StatusCode, Value) {
    let pairs = [
        ("grant_type", "password"),
        ("client_id", ID),
        ("client_secret", SECRET),
        ("username", email),
        ("password", password),
    ];
    form(&fake.token_url(), &pairs).await
}

fn client_credentials() -> [(&'static str, &'static str); 3] {
    [
        ("grant_type", "client_credentials"),
        ("client_id", ID),
        ("client_secret", SECRET),
    ]
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[tokio::test]
async fn a_client_credentials_token_works_until_it_expires() {
    let fake = fake(Some(Duration::from_secs(1))).await;
    let (status, body) = form(&fake.token_url(), &client_credentials()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        keys(&body),
        ["access_token", "expires_in", "token_type"],
        "no refresh token"
    );
    assert_eq!(
        (&body["token_type"], &body["expires_in"]),
        (&json!("Bearer"), &json!(1))
    );
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_ne!(token, fake.token());
    assert_eq!(api_status(&fake, &token).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(
        api_status(&fake, &token).await,
        StatusCode::UNAUTHORIZED,
        "expired"
    );
    assert_eq!(
        api_status(&fake, fake.token()).await,
        StatusCode::OK,
        "the fixed token still works"
    );

    // The docs give the endpoint with and without `/api`.
    let (status, again) = form(
        &fake.base_url().replace("/api", "/api/oauth/token"),
        &client_credentials(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_ne!(
        again["access_token"], body["access_token"],
        "a new token each time"
    );
    assert_eq!(fake.token_requests(), 2);
}

#[tokio::test]
async fn the_documented_lifetimes_apply_unless_one_is_configured() {
    let fake = fake(None).await;
    let (_, cc) = form(&fake.token_url(), &client_credentials()).await;
    assert_eq!(cc["expires_in"], 604_800, "7 days");
    let email = fake.members()[0].email.clone().unwrap();
    let (_, pw) = password_grant(&fake, &email, "fake-password").await;
    assert_eq!(pw["expires_in"], 3_600, "1 hour");
}

#[tokio::test]
async fn refusals_have_the_oauth_error_shape() {
    let fake = fake(None).await;
    let url = fake.token_url();
    let json_body = reqwest::Client::new()
        .post(&url)
        .json(
            &json!({"grant_type": "client_credentials", "client_id": ID, "client_secret": SECRET}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_body.status(),
        StatusCode::BAD_REQUEST,
        "JSON is refused"
    );
    let body: Value = json_body.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(keys(&body), ["error", "error_description", "message"]);

    for (pairs, status, error) in [
        (
            vec![("client_id", ID), ("client_secret", SECRET)],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (
            vec![
                ("grant_type", "implicit"),
                ("client_id", ID),
                ("client_secret", SECRET),
            ],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "app"),
                ("client_secret", SECRET),
            ],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", ID),
                ("client_secret", "wrong"),
            ],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            vec![("grant_type", "client_credentials"), ("client_id", ID)],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", ID),
                ("client_secret", SECRET),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", ID),
                ("client_secret", SECRET),
                ("refresh_token", "nope"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
    ] {
        let (got, body) = form(&url, &pairs).await;
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(error)),
            "{pairs:?}: {body}"
        );
    }
    let get = reqwest::get(&url).await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        fake.token_requests(),
        8,
        "every POST counts, refused or not"
    );

    // A fake without an application refuses every client.
    let bare = FakeTallyfy::builder().start().await.unwrap();
    let (status, body) = form(&bare.token_url(), &client_credentials()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
}

#[tokio::test]
async fn the_password_grant_gives_a_refresh_token_that_works_once() {
    let fake = fake(None).await;
    let email = fake.members()[1].email.clone().unwrap();
    let (status, body) = password_grant(&fake, &email, "fake-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        keys(&body),
        ["access_token", "expires_in", "refresh_token", "token_type"]
    );
    assert_eq!(
        api_status(&fake, body["access_token"].as_str().unwrap()).await,
        StatusCode::OK
    );

    let (status, refused) = password_grant(&fake, &email, "not-it").await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, _) = password_grant(&fake, "nobody@example.com", "fake-password").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let refresh = body["refresh_token"].as_str().unwrap();
    let renew = [
        ("grant_type", "refresh_token"),
        ("client_id", ID),
        ("client_secret", SECRET),
        ("refresh_token", refresh),
    ];
    let (status, renewed) = form(&fake.token_url(), &renew).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_ne!(
        renewed["refresh_token"], body["refresh_token"],
        "a new refresh token"
    );
    assert_eq!(
        api_status(&fake, renewed["access_token"].as_str().unwrap()).await,
        StatusCode::OK
    );
    let (status, again) = form(&fake.token_url(), &renew).await;
    assert_eq!(
        (status, again["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "used once"
    );
}

#[tokio::test]
async fn an_application_gets_a_token_for_one_of_its_members() {
    let fake = fake(None).await;
    let (_, app) = form(&fake.token_url(), &client_credentials()).await;
    let app_token = app["access_token"].as_str().unwrap();
    let email = fake.members()[2].email.clone().unwrap();
    let url = |org: &str, email: &str| {
        format!(
            "{}/applications/{org}/users/{}/token",
            fake.base_url(),
            email.replace('@', "%40")
        )
    };
    let post = |url: String, token: String| async move {
        let res = reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json::<Value>().await.unwrap())
    };
    let (status, body) = post(url("org-1", &email), app_token.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["token_type"], &body["expires_in"]),
        (&json!("Bearer"), &json!(7_776_000))
    );
    assert_eq!(
        api_status(&fake, body["access_token"].as_str().unwrap()).await,
        StatusCode::OK
    );

    let (status, _) = post(url("org-1", &email), fake.token().to_string()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "only an application's own token"
    );
    let (status, body) = post(url("org-2", &email), app_token.to_string()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["message"],
        "You don't have application's permissions for this organization!"
    );
    let (status, _) = post(url("org-1", "nobody@example.com"), app_token.to_string()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn revoked_tokens_and_credentials_stop_working() {
    let fake = fake(None).await;
    let (_, body) = form(&fake.token_url(), &client_credentials()).await;
    let token = body["access_token"].as_str().unwrap();
    fake.revoke_tokens();
    assert_eq!(api_status(&fake, token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(api_status(&fake, fake.token()).await, StatusCode::OK);
    let (status, renewed) = form(&fake.token_url(), &client_credentials()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the credentials still work: {renewed}"
    );
    fake.revoke_client();
    let (status, refused) = form(&fake.token_url(), &client_credentials()).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    assert_eq!(
        api_status(&fake, renewed["access_token"].as_str().unwrap()).await,
        StatusCode::OK,
        "issued tokens live on until they expire or are revoked"
    );
}

#[tokio::test]
async fn a_members_token_acts_as_that_member() {
    let fake = fake(None).await;
    let member = fake.members()[1].clone();
    let (id, email) = (member.id.unwrap(), member.email.unwrap());
    assert_ne!(id, tallyfy_fake::DEFAULT_ADMIN_ID);
    let (_, granted) = password_grant(&fake, &email, "fake-password").await;
    let theirs = granted["access_token"].as_str().unwrap().to_string();
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, token: &str, body: Option<Value>| {
        let mut req = http
            .request(
                method,
                format!("{}/organizations/{}{path}", fake.base_url(), fake.org_id()),
            )
            .bearer_auth(token)
            .header("X-Tallyfy-Client", "APIClient");
        if let Some(body) = body {
            req = req.json(&body);
        }
        async move {
            let res = req.send().await.unwrap();
            assert!(res.status().is_success(), "{}", res.status());
            res.json::<Value>().await.unwrap()
        }
    };
    // A task for the member, made with the fixed token (the default administrator).
    let task = call(
        reqwest::Method::POST,
        "/tasks",
        fake.token(),
        Some(json!({"title": "Sign", "task_type": "task", "owners": {"users": [id]}, "deadline": "2026-07-15 17:00:00"})),
    )
    .await;
    let task_id = task["data"]["id"].as_str().unwrap().to_string();
    let mine = |token: String| call(reqwest::Method::GET, "/me/tasks", &token, None);
    let listed: Vec<Value> = mine(theirs.clone()).await["data"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        listed.iter().any(|t| t["id"] == task_id.as_str()),
        "the member's own tasks"
    );
    let admins: Vec<Value> = mine(fake.token().to_string()).await["data"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        admins.iter().all(|t| t["id"] != task_id.as_str()),
        "not the administrator's"
    );
    let comment = call(
        reqwest::Method::POST,
        &format!("/tasks/{task_id}/comment"),
        &theirs,
        Some(json!({"content": "On it"})),
    )
    .await;
    assert_eq!(comment["data"]["author_id"], id);
}

#[tokio::test]
async fn faults_reach_the_token_endpoint_too() {
    use tallyfy_fake::{Fault, FaultMatch};
    let fake = fake(None).await;
    let only_tokens = || FaultMatch::path_contains("/oauth/token").method("POST");
    fake.inject_matching(only_tokens(), Fault::Status(503), 1);
    fake.inject_matching(only_tokens(), Fault::Delay(Duration::from_millis(300)), 1);
    let (status, _) = form(&fake.token_url(), &client_credentials()).await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "a failing token endpoint"
    );
    let started = std::time::Instant::now();
    let (status, body) = form(&fake.token_url(), &client_credentials()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "a slow one"
    );
    assert_eq!(
        api_status(&fake, fake.token()).await,
        StatusCode::OK,
        "the API was not touched"
    );
    assert_eq!(
        fake.token_requests(),
        1,
        "the 503 never reached the endpoint"
    );
}
