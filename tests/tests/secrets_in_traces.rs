//! The token (and, with OAuth, the client secret, passwords and every access and refresh token) is
//! in no `Debug`, `Display`, error message or log output at any level: the SDK's own
//! `tracing` events and spans, and its HTTP stack's `log` records (reqwest logs through the `log`
//! crate), on every thread of a multi-threaded runtime.
//!
//! The capture is process-wide (a global `tracing` subscriber with the `log` bridge), which is why this
//! file is a test binary of its own with a single test. A positive control proves the harness sees
//! what it must: a canary secret written on purpose, through `tracing` and through `log`, from a
//! worker thread, has to show up in the capture before the real check means anything.

use std::io::Write;
use std::sync::{Arc, Mutex};
use tallyfy::{Client, NewGuest};
use tallyfy_fake::{FakeTallyfy, Fault};

const TOKEN: &str = "tok-SECRET-3f9a1c";
const CLIENT_ID: &str = "5150";
const CLIENT_SECRET: &str = "cs-SECRET-9b1d44";
const PASSWORD: &str = "pw-SECRET-0c7e12";
/// Logged on purpose by the positive control; never given to the SDK.
const CANARY: &str = "tok-CANARY-77d2e0";

/// Everything every thread wrote through the global subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the process-wide subscriber at TRACE, with the `log` bridge (`try_init` installs
/// `tracing-log`'s `LogTracer`), and returns its capture.
fn capture_globally() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .try_init()
        .expect("the only global subscriber of this test binary");
    captured
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_in_no_debug_display_error_or_log_output() {
    let captured = capture_globally();

    // Positive control: a secret logged on purpose from a worker thread, through both paths.
    tokio::spawn(async {
        tracing::info!(target: "positive_control", "tracing saw {CANARY}");
        log::warn!(target: "positive_control", "log saw {CANARY}");
    })
    .await
    .unwrap();
    let control = captured.text();
    assert!(
        control.contains(&format!("tracing saw {CANARY}")),
        "the harness misses tracing events from worker threads:\n{control}"
    );
    assert!(
        control.contains(&format!("log saw {CANARY}")),
        "the harness misses `log` records:\n{control}"
    );

    let fake = FakeTallyfy::builder()
        .shapes(tallyfy_tests::shapes_from_env())
        .token(TOKEN)
        .seed_guests(5)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let mut shown = vec![format!("{client:?}")];

    // Successes, API errors, invalid input, transport errors and retries, from several tasks at once
    // so that the work runs on the runtime's worker threads too.
    let email = fake.guests()[0].email.clone().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (client, email) = (client.clone(), email.clone());
        tasks.push(tokio::spawn(async move {
            client.guests().get(&email).await.map(|_| ())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    shown.push(format!(
        "{:?}",
        client.guests().create(NewGuest::new("a@b.io")).await
    ));
    for result in [
        client.guests().get("nobody@x.io").await,
        client.guests().get("not an email").await,
    ] {
        let e = result.unwrap_err();
        shown.push(format!("{e} {e:?}"));
    }
    fake.inject(Fault::Status(503), 1);
    fake.inject(Fault::DropConnection, 1);
    client.guests().get(&email).await.unwrap();
    let wrong = Client::builder()
        .token("wrong")
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let e = wrong.guests().get(&email).await.unwrap_err();
    shown.push(format!("{e} {e:?}"));

    // OAuth: every secret a client holds or is given (the client secret, a password, each access
    // token, each refresh token), through fetches, renewals, a 401 renewal, refusals and a member
    // token.
    let oauth = FakeTallyfy::builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .user_password(PASSWORD)
        .token_ttl(std::time::Duration::from_secs(1))
        .seed_members(2)
        .seed_guests(3)
        .start()
        .await
        .unwrap();
    let member = oauth.members()[0].email.clone().unwrap();
    let with = |credentials: tallyfy::Credentials| {
        Client::builder()
            .credentials(credentials)
            .token_url(oauth.token_url())
            .org(oauth.org_id())
            .base_url(oauth.base_url())
            .build()
            .unwrap()
    };
    let clients = [
        with(tallyfy::Credentials::client_credentials(
            CLIENT_ID,
            CLIENT_SECRET,
        )),
        with(
            tallyfy::Credentials::client_credentials(CLIENT_ID, CLIENT_SECRET)
                .acting_as(member.clone()),
        ),
        with(tallyfy::Credentials::password(
            CLIENT_ID,
            CLIENT_SECRET,
            member.clone(),
            PASSWORD,
        )),
    ];
    for client in &clients {
        client.guests().list().page(1).await.unwrap();
        shown.push(format!("{client:?}"));
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    for client in &clients {
        client.guests().list().page(1).await.unwrap();
        shown.push(format!("{:?}", client.authorization().await.unwrap()));
    }
    oauth.revoke_tokens();
    clients[0].guests().list().page(1).await.unwrap();
    for wrong in [
        with(tallyfy::Credentials::client_credentials(
            CLIENT_ID,
            "wrong-secret",
        )),
        with(tallyfy::Credentials::password(
            CLIENT_ID,
            CLIENT_SECRET,
            member.clone(),
            "wrong-password",
        )),
    ] {
        let e = wrong.guests().list().page(1).await.unwrap_err();
        shown.push(format!("{e} {e:?} {wrong:?}"));
    }
    oauth.revoke_client();
    let e = with(tallyfy::Credentials::client_credentials(
        CLIENT_ID,
        CLIENT_SECRET,
    ))
    .guests()
    .list()
    .page(1)
    .await
    .unwrap_err();
    shown.push(format!("{e} {e:?}"));
    let mut secrets = vec![CLIENT_SECRET.to_owned(), PASSWORD.to_owned()];
    for request in oauth.requests() {
        if let Some(token) = request.header("authorization") {
            secrets.push(token.trim_start_matches("Bearer ").to_owned());
        }
        for (key, value) in url::form_urlencoded::parse(&request.body) {
            if key == "refresh_token" {
                secrets.push(value.into_owned());
            }
        }
    }
    assert!(
        secrets.len() > 12,
        "tokens were issued and sent: {}",
        secrets.len()
    );

    let logs = captured.text();
    assert!(
        logs.contains("renewed an access token"),
        "the token events were captured:\n{logs}"
    );
    for text in shown.iter().chain([&logs]) {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret leaked into:\n{text}"
            );
        }
    }
    assert!(
        logs.contains("tallyfy.request"),
        "the SDK's spans were captured:\n{logs}"
    );
    assert!(
        logs.lines().any(|l| l.contains(" reqwest::")),
        "the HTTP stack's `log` records were captured:\n{logs}"
    );
    for text in shown.iter().chain([&logs]) {
        assert!(!text.contains(TOKEN), "the token leaked into:\n{text}");
    }
}
