//! The fault matrix: each fault × each kind of operation (idempotent read, idempotent write, POST),
//! with the expected outcome of every cell written in the table. Faults come from the fake's fault
//! injection, or from wiremock for the two it does not model (a wrong content type, an empty 200).
//! Every cell must end (a total timeout bounds it), and none may panic.

use std::time::{Duration, SystemTime};
use tallyfy::{Client, Error, GuestUpdate, NewGuest, RetryConfig, Timeouts};
use tallyfy_fake::{FakeTallyfy, Fault, RetryAfter};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// GET: get_guest.
    Read,
    /// PUT: update_guest.
    Write,
    /// POST: create_guest.
    Post,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Success after this many attempts in all.
    Done(usize),
    /// `Error::Api` with this status, after this many attempts.
    Api(u16, usize),
    /// `Error::RateLimited`, after this many attempts.
    RateLimited(usize),
    /// `Error::Transport`, after this many attempts.
    Transport(usize),
    /// `Error::Timeout`, after this many attempts.
    Timeout(usize),
    /// `Error::Decode`, after this many attempts.
    Decode(usize),
}

use Outcome::*;

fn classify(result: Result<(), Error>, attempts: usize) -> Outcome {
    match result {
        Ok(()) => Done(attempts),
        Err(Error::Api { status, .. }) => Api(status.as_u16(), attempts),
        Err(Error::RateLimited { .. }) => RateLimited(attempts),
        Err(Error::Transport { .. }) => Transport(attempts),
        Err(Error::Timeout { .. }) => Timeout(attempts),
        Err(Error::Decode { .. }) => Decode(attempts),
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

fn client(base_url: String) -> Client {
    Client::builder()
        .token("fake-token")
        .org("demo-org")
        .base_url(base_url)
        .retry(
            RetryConfig::default()
                .max_retries(3)
                .base_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(20)),
        )
        .timeouts(
            Timeouts::default()
                .per_attempt(Duration::from_millis(400))
                .total(Duration::from_secs(10)),
        )
        .build()
        .unwrap()
}

async fn call(client: &Client, op: Op, email: &str, cell: usize) -> Result<(), Error> {
    match op {
        Op::Read => client.guests().get(email).await.map(drop),
        Op::Write => client
            .guests()
            .update(email, GuestUpdate::new().associated_members([1001]))
            .await
            .map(drop),
        Op::Post => client
            .guests()
            .create(NewGuest::new(format!("new.{cell}@matrix.example")))
            .await
            .map(drop),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_from_the_fake() {
    let now = SystemTime::now();
    let once = 1;
    let always = 10;
    #[rustfmt::skip]
    let table: Vec<(&str, Fault, usize, [Outcome; 3])> = vec![
        //                                                                   read          write         POST
        ("429, Retry-After: 0",  Fault::RateLimited { retry_after: RetryAfter::Seconds(0) }, once,   [Done(2),        Done(2),        Done(2)]),
        ("429, Retry-After: date", Fault::RateLimited { retry_after: RetryAfter::HttpDate(now) }, once, [Done(2),      Done(2),        Done(2)]),
        ("429 that persists",    Fault::RateLimited { retry_after: RetryAfter::Seconds(0) }, always, [RateLimited(4), RateLimited(4), RateLimited(4)]),
        ("500",                  Fault::Status(500), once,                              [Done(2),        Done(2),        Api(500, 1)]),
        ("502",                  Fault::Status(502), once,                              [Done(2),        Done(2),        Api(502, 1)]),
        ("503",                  Fault::Status(503), once,                              [Done(2),        Done(2),        Api(503, 1)]),
        ("504",                  Fault::Status(504), once,                              [Done(2),        Done(2),        Api(504, 1)]),
        ("503 that persists",    Fault::Status(503), always,                            [Api(503, 4),  Api(503, 4),  Api(503, 1)]),
        ("HTML page with a 502", Fault::HtmlError(502), once,                           [Done(2),        Done(2),        Api(502, 1)]),
        ("reset connection",     Fault::DropConnection, once,                           [Done(2),        Done(2),        Transport(1)]),
        ("truncated body",       Fault::TruncatedBody, once,                            [Done(2),        Done(2),        Transport(1)]),
        ("slower than the per-attempt timeout", Fault::Delay(Duration::from_secs(2)), once, [Done(2),    Done(2),        Timeout(1)]),
    ];
    let fake = FakeTallyfy::builder()
        .shapes(tallyfy_tests::shapes_from_env())
        .seed_guests(3)
        .seed_members(2)
        .start()
        .await
        .unwrap();
    let client = client(fake.base_url());
    let email = fake.guests()[0].email.clone().unwrap();
    let mut failures = Vec::new();
    for (cell, (name, fault, times, expected)) in table.into_iter().enumerate() {
        for (op, want) in [Op::Read, Op::Write, Op::Post].into_iter().zip(expected) {
            fake.clear_faults();
            fake.clear_requests();
            fake.inject(fault.clone(), times);
            let result = call(&client, op, &email, cell * 10 + op as usize).await;
            let got = classify(result, fake.requests().len());
            if got != want {
                failures.push(format!("{name} × {op:?}: expected {want:?}, got {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_from_wiremock() {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let json = r#"{"data": {"id": 1, "email": "a@b.io"}}"#;
    #[rustfmt::skip]
    let table: Vec<(&str, ResponseTemplate, [Outcome; 3])> = vec![
        ("HTML page with a 200", ResponseTemplate::new(200).set_body_raw("<html>oops</html>", "text/html"), [Decode(1), Decode(1), Decode(1)]),
        ("JSON labelled text/plain", ResponseTemplate::new(200).set_body_raw(json, "text/plain"), [Done(1), Done(1), Done(1)]),
        ("empty body on a 200", ResponseTemplate::new(200), [Decode(1), Decode(1), Decode(1)]),
    ];
    let mut failures = Vec::new();
    for (cell, (name, reply, expected)) in table.into_iter().enumerate() {
        let server = MockServer::builder().start().await;
        Mock::given(any()).respond_with(reply).mount(&server).await;
        let client = client(format!("{}/api", server.uri()));
        let received = async || server.received_requests().await.map_or(0, |r| r.len());
        for (op, want) in [Op::Read, Op::Write, Op::Post].into_iter().zip(expected) {
            let before = received().await;
            let result = call(&client, op, "a@b.io", cell).await;
            let attempts = received().await - before;
            let got = classify(result, attempts);
            if got != want {
                failures.push(format!("{name} × {op:?}: expected {want:?}, got {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
