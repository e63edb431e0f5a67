//! Authentication against the fake's OAuth endpoints, over loopback: client credentials renewed
//! while a long walk runs, single-flight renewal under 64 concurrent calls, one renewal and retry
//! after a 401, typed refusals, a slow or failing token endpoint, the password and refresh grants,
//! an application acting as a member, and a caller's own token source. Each test checks what went
//! on the wire (the token requests' form bodies, which token each API call carried).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use tallyfy::{
    AccessToken, Client, Credentials, Error, Flow, TokenError, TokenFuture, TokenSource,
};
use tallyfy_fake::{FakeTallyfy, Fault, FaultMatch, RecordedRequest};

const ID: &str = "4242";
const SECRET: &str = "cc-secret-do-not-log";

async fn fake(ttl: Duration, guests: usize) -> FakeTallyfy {
    FakeTallyfy::builder()
        .client_credentials(ID, SECRET)
        .token_ttl(ttl)
        .seed_guests(guests)
        .start()
        .await
        .unwrap()
}

fn client(fake: &FakeTallyfy, credentials: Credentials) -> Client {
    Client::builder()
        .credentials(credentials)
        .token_url(fake.token_url())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .retry(tallyfy::RetryConfig::default().base_delay(Duration::from_millis(5)))
        .build()
        .unwrap()
}

fn token_requests(fake: &FakeTallyfy) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path().ends_with("/oauth/token"))
        .collect()
}

fn api_requests(fake: &FakeTallyfy, path_part: &str) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path().contains(path_part))
        .collect()
}

/// A token request's form fields, decoded.
fn form(request: &RecordedRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

fn field(request: &RecordedRequest, name: &str) -> Option<String> {
    form(request)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn refused(error: &Error) -> (&Flow, u16, &str) {
    match error {
        Error::Token(e) => match &**e {
            TokenError::Refused {
                flow,
                status,
                error,
                ..
            } => (flow, status.as_u16(), error.as_str()),
            other => panic!("expected a refusal, got {other:?}"),
        },
        other => panic!("expected a token error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_walk_outlives_several_tokens_and_loses_nothing() {
    let fake = FakeTallyfy::builder()
        .client_credentials(ID, SECRET)
        .token_ttl(Duration::from_secs(2))
        .latency(Duration::from_millis(20))
        .seed_guests(20_000)
        .start()
        .await
        .unwrap();
    let client = client(&fake, Credentials::client_credentials(ID, SECRET));
    let mut walk = client.guests().list().per_page(100).items();
    let mut seen = 0;
    while let Some(_guest) = walk.try_next().await.unwrap() {
        seen += 1;
    }
    assert_eq!(seen, 20_000);
    let pages = api_requests(&fake, "/guests");
    // One request per page: no call was refused and repeated.
    assert_eq!(pages.len(), 200);
    let tokens = token_requests(&fake);
    assert!(tokens.len() >= 3, "{} token requests", tokens.len());
    assert_eq!(fake.token_requests(), tokens.len() as u64);
    for t in &tokens {
        assert_eq!(
            t.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            field(t, "grant_type").as_deref(),
            Some("client_credentials")
        );
        assert_eq!(field(t, "client_id").as_deref(), Some(ID));
        assert_eq!(field(t, "client_secret").as_deref(), Some(SECRET));
        assert_eq!(t.header("authorization"), None);
    }
    let distinct: std::collections::BTreeSet<_> = pages
        .iter()
        .filter_map(|p| p.header("authorization"))
        .collect();
    assert_eq!(distinct.len(), tokens.len(), "each token was used");
}

#[tokio::test]
async fn sixty_four_calls_at_expiry_make_one_token_request() {
    let fake = fake(Duration::from_secs(2), 5).await;
    let client = client(&fake, Credentials::client_credentials(ID, SECRET));
    client.guests().list().page(1).await.unwrap();
    assert_eq!(fake.token_requests(), 1);
    let first = fake.last_request().unwrap();
    // Past the renewal point (1.8 s) and the token's expiry on the server.
    tokio::time::sleep(Duration::from_millis(2_050)).await;
    fake.clear_requests();
    let calls: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.guests().list().page(1).await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(fake.token_requests(), 2);
    let pages = api_requests(&fake, "/guests");
    assert_eq!(pages.len(), 64);
    let renewed = pages[0].header("authorization").unwrap();
    assert_ne!(Some(renewed), first.header("authorization"));
    assert!(
        pages
            .iter()
            .all(|p| p.header("authorization") == Some(renewed))
    );
}

#[tokio::test]
async fn a_401_to_a_cached_token_renews_it_once_and_retries() {
    let fake = fake(Duration::from_secs(3600), 3).await;
    let client = client(&fake, Credentials::client_credentials(ID, SECRET));
    client.guests().list().page(1).await.unwrap();
    fake.revoke_tokens();
    fake.clear_requests();
    let page = client.guests().list().page(1).await.unwrap();
    assert_eq!(page.items.len(), 3);
    let seen: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen[0].ends_with("/guests") && seen[1] == "/oauth/token" && seen[2].ends_with("/guests")
    );
    let requests = fake.requests();
    assert_ne!(
        requests[0].header("authorization"),
        requests[2].header("authorization")
    );
}

#[tokio::test]
async fn revoked_credentials_end_in_a_typed_error_after_two_requests() {
    let fake = fake(Duration::from_secs(3600), 3).await;
    let client = client(&fake, Credentials::client_credentials(ID, SECRET));
    client.guests().list().page(1).await.unwrap();
    fake.revoke_tokens();
    fake.revoke_client();
    fake.clear_requests();
    let err = client.guests().list().page(1).await.unwrap_err();
    assert_eq!(
        refused(&err),
        (&Flow::ClientCredentials, 401, "invalid_client")
    );
    // The refused API call, then one token request: the refusal is not retried.
    assert_eq!(fake.requests().len(), 2);
    let text = format!("{err} {err:?}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(!err.is_retryable());
    // Every later call asks once more and fails the same way: no loop, no storm.
    fake.clear_requests();
    for _ in 0..3 {
        let err = client.guests().list().page(1).await.unwrap_err();
        assert_eq!(refused(&err).2, "invalid_client");
    }
    assert_eq!(token_requests(&fake).len(), 3);
    assert!(api_requests(&fake, "/guests").is_empty());
}

#[tokio::test]
async fn a_wrong_secret_is_refused_before_any_api_call() {
    let fake = fake(Duration::from_secs(3600), 3).await;
    let client = client(&fake, Credentials::client_credentials(ID, "wrong"));
    let err = client.guests().list().page(1).await.unwrap_err();
    assert_eq!(
        refused(&err),
        (&Flow::ClientCredentials, 401, "invalid_client")
    );
    assert_eq!(fake.requests().len(), 1);
    let client = client_with_id(&fake, "not-a-number");
    let err = client.guests().list().page(1).await.unwrap_err();
    assert_eq!(refused(&err).2, "invalid_client");
}

fn client_with_id(fake: &FakeTallyfy, id: &str) -> Client {
    client(fake, Credentials::client_credentials(id, SECRET))
}

#[tokio::test]
async fn a_failing_token_endpoint_is_retried_and_a_slow_one_times_out() {
    let fake = fake(Duration::from_secs(3600), 3).await;
    fake.inject_matching(
        FaultMatch::path_contains("/oauth/token"),
        Fault::Status(503),
        2,
    );
    let client = client(&fake, Credentials::client_credentials(ID, SECRET));
    assert_eq!(client.guests().list().page(1).await.unwrap().items.len(), 3);
    assert_eq!(token_requests(&fake).len(), 3);

    let fake = fake_slow().await;
    let client = Client::builder()
        .client_credentials(ID, SECRET)
        .token_url(fake.token_url())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .timeouts(
            tallyfy::Timeouts::default()
                .per_attempt(Duration::from_millis(200))
                .total(Duration::from_millis(700)),
        )
        .retry(tallyfy::RetryConfig::default().base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    let err = client.guests().list().page(1).await.unwrap_err();
    match &err {
        Error::Token(e) => match &**e {
            TokenError::Request { flow, source } => {
                assert_eq!(*flow, Flow::ClientCredentials);
                assert!(matches!(**source, Error::Timeout { .. }), "{source:?}");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert!(api_requests(&fake, "/guests").is_empty());
}

async fn fake_slow() -> FakeTallyfy {
    let fake = fake(Duration::from_secs(3600), 3).await;
    fake.inject_matching(
        FaultMatch::path_contains("/oauth/token"),
        Fault::Delay(Duration::from_secs(5)),
        10,
    );
    fake
}

#[tokio::test]
async fn the_password_grant_renews_with_its_refresh_token() {
    let fake = FakeTallyfy::builder()
        .client_credentials(ID, SECRET)
        .user_password("pw-do-not-log")
        .token_ttl(Duration::from_secs(1))
        .seed_members(2)
        .seed_guests(2)
        .start()
        .await
        .unwrap();
    let email = fake.members()[0].email.clone().unwrap();
    let client = client(
        &fake,
        Credentials::password(ID, SECRET, email.clone(), "pw-do-not-log"),
    );
    client.guests().list().page(1).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    client.guests().list().page(1).await.unwrap();
    let grants: Vec<_> = token_requests(&fake)
        .iter()
        .map(|t| field(t, "grant_type").unwrap())
        .collect();
    assert_eq!(grants, ["password", "refresh_token"]);
    let tokens = token_requests(&fake);
    assert_eq!(field(&tokens[0], "username"), Some(email));
    assert_eq!(
        field(&tokens[0], "password").as_deref(),
        Some("pw-do-not-log")
    );
    assert!(field(&tokens[1], "refresh_token").is_some());
    assert_eq!(field(&tokens[1], "password"), None);

    // A refresh token that no longer works: back to the password.
    fake.revoke_tokens();
    client.guests().list().page(1).await.unwrap();
    let grants: Vec<_> = token_requests(&fake)
        .iter()
        .map(|t| field(t, "grant_type").unwrap())
        .collect();
    assert_eq!(
        grants,
        ["password", "refresh_token", "refresh_token", "password"]
    );

    let wrong = client_password(&fake, "wrong");
    let err = wrong.guests().list().page(1).await.unwrap_err();
    assert_eq!(refused(&err), (&Flow::Password, 400, "invalid_grant"));
    assert!(!format!("{err:?}").contains("pw-do-not-log"));
}

fn client_password(fake: &FakeTallyfy, password: &str) -> Client {
    let email = fake.members()[0].email.clone().unwrap();
    client(fake, Credentials::password(ID, SECRET, email, password))
}

#[tokio::test]
async fn an_application_acts_as_a_member_with_the_member_token() {
    let fake = fake(Duration::from_secs(3600), 1).await;
    let member = fake.insert_member(tallyfy_fake::SeedMember::new(
        "o'brien+tag@x.io",
        "Pat",
        "O'Brien",
    ));
    let client = client(
        &fake,
        Credentials::client_credentials(ID, SECRET).acting_as("o'brien+tag@x.io"),
    );
    client.guests().list().page(1).await.unwrap();
    let seen = fake.requests();
    let paths: Vec<_> = seen.iter().map(|r| r.target.clone()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(paths[0], "/oauth/token");
    assert_eq!(
        paths[1],
        format!(
            "/api/applications/{}/users/o%27brien%2Btag%40x.io/token",
            fake.org_id()
        )
    );
    assert_eq!(
        seen[1]
            .header("authorization")
            .map(|a| a.starts_with("Bearer ")),
        Some(true)
    );
    assert!(seen[1].body.is_empty());
    // The API call carries the member's token, not the application's.
    assert_ne!(
        seen[2].header("authorization"),
        seen[1].header("authorization")
    );
    let me = client.members().get(member.id.unwrap()).await.unwrap();
    assert_eq!(me.email.as_deref(), Some("o'brien+tag@x.io"));

    let nobody = client_as(&fake, "nobody@example.com");
    let err = nobody.guests().list().page(1).await.unwrap_err();
    assert_eq!(refused(&err).0, &Flow::UserToken);
    assert_eq!(refused(&err).1, 404);
}

fn client_as(fake: &FakeTallyfy, email: &str) -> Client {
    client(
        fake,
        Credentials::client_credentials(ID, SECRET).acting_as(email),
    )
}

struct Counting {
    token: String,
    calls: Arc<AtomicUsize>,
}

impl TokenSource for Counting {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Ok(AccessToken::new(self.token.clone()))
        })
    }
}

struct Broken;

impl TokenSource for Broken {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async { Err("the vault is sealed".into()) })
    }
}

#[tokio::test]
async fn a_token_source_is_asked_once_and_again_after_a_401() {
    let fake = fake(Duration::from_secs(3600), 2).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let source = Counting {
        token: "not-the-fakes-token".into(),
        calls: calls.clone(),
    };
    let client = client(&fake, Credentials::source(source));
    let err = client.guests().list().page(1).await.unwrap_err();
    // The first token is fresh, so its 401 is final; no loop.
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let err = client.guests().list().page(1).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    // The second call had a cached token: renewed once, then refused for good.
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(api_requests(&fake, "/guests").len(), 3);

    let client = self::client(&fake, Credentials::source(Broken));
    let err = client.guests().list().page(1).await.unwrap_err();
    assert!(err.to_string().contains("the vault is sealed"), "{err}");
}

#[test]
fn conflicting_and_invalid_credentials_are_refused_at_build() {
    let build = |b: tallyfy::ClientBuilder| b.org("o").build().unwrap_err().to_string();
    assert_eq!(
        build(Client::builder().client_credentials(ID, SECRET).token("t")),
        "both client credentials and an access token were given; use one"
    );
    assert_eq!(
        build(Client::builder().credentials(Credentials::token("t").acting_as("a@b.io"))),
        "invalid credentials: `acting_as` needs client credentials, not an access token"
    );
    assert_eq!(
        build(Client::builder().client_credentials(" ", SECRET)),
        "invalid credentials: the client id is empty"
    );
    assert_eq!(
        build(
            Client::builder()
                .client_credentials(ID, SECRET)
                .token_url("http://127.0.0.1:9/token")
        ),
        "invalid token URL \"http://127.0.0.1:9/token\": must end in /oauth/token"
    );
    let insecure = build(
        Client::builder()
            .client_credentials(ID, SECRET)
            .token_url("http://tallyfy.example/oauth/token"),
    );
    assert!(insecure.contains("plain http"), "{insecure}");
    // A token URL is not needed for a static token, so a bad one does not matter there.
    Client::builder()
        .token("t")
        .token_url("nonsense")
        .org("o")
        .build()
        .unwrap();
    let debug = format!(
        "{:?}",
        Client::builder()
            .client_credentials(ID, SECRET)
            .org("o")
            .build()
            .unwrap()
    );
    assert!(!debug.contains(SECRET) && debug.contains(ID), "{debug}");
}
