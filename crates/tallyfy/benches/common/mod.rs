//! Setup shared by the benches: a fake with one awkwardly named guest (in this process, or a
//! `tallyfy-fake` process named by the environment), the hand-written baseline, and the get_guest
//! contenders that the criterion and instruction benches compare. Every contender checks that the
//! guest it got back is the one it asked for, so a failing call panics instead of being timed.

use tallyfy::reqwest::{self, header};
use tallyfy_client::types::GuestEnvelope;
use tallyfy_fake::FakeTallyfy;

/// The guest every get_guest benchmark looks up.
pub const AWKWARD: &str = "o'brien+tag@x.io";

/// The two runtimes of a get_guest comparison: one worker thread for the fake, and a
/// current-thread runtime for the clients, so that server and clients do not share a scheduler.
pub fn runtimes() -> (tokio::runtime::Runtime, tokio::runtime::Runtime) {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let clients = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    (server, clients)
}

/// Where the contenders send their requests: a fake's API base URL, token and organization.
#[derive(Clone, Debug)]
pub struct Target {
    /// The API base URL, e.g. `http://127.0.0.1:PORT/api`.
    pub base_url: String,
    /// The bearer token the fake accepts.
    pub token: String,
    /// The organization the fake serves.
    pub org: String,
}

/// The environment variables that name a fake in another process (all three, or none).
#[allow(
    dead_code,
    reason = "only the instructions bench reads the environment"
)]
pub const TARGET_ENV: [&str; 3] = [
    "TALLYFY_BENCH_BASE_URL",
    "TALLYFY_BENCH_TOKEN",
    "TALLYFY_BENCH_ORG",
];

impl Target {
    /// The fake running in this process.
    pub fn of(fake: &FakeTallyfy) -> Self {
        Self {
            base_url: fake.base_url(),
            token: fake.token().to_owned(),
            org: fake.org_id().to_owned(),
        }
    }

    /// A fake in another process, from [`TARGET_ENV`]; `Ok(None)` when none of them is set. The
    /// base URL must be an `http` URL on a loopback address: a benchmark never talks to anything else.
    #[allow(
        dead_code,
        reason = "only the instructions bench reads the environment"
    )]
    pub fn from_env() -> Result<Option<Self>, String> {
        let values = TARGET_ENV.map(|name| std::env::var(name).ok());
        match values {
            [None, None, None] => Ok(None),
            [Some(base_url), Some(token), Some(org)] => {
                let url = reqwest::Url::parse(&base_url)
                    .map_err(|e| format!("TALLYFY_BENCH_BASE_URL {base_url:?}: {e}"))?;
                let loopback = match url.host() {
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    Some(url::Host::Domain(name)) => name == "localhost",
                    None => false,
                };
                if url.scheme() != "http" || !loopback {
                    return Err(format!(
                        "TALLYFY_BENCH_BASE_URL {base_url:?} is not an http URL on a loopback address"
                    ));
                }
                Ok(Some(Self {
                    base_url,
                    token,
                    org,
                }))
            }
            _ => Err(format!("set all of {TARGET_ENV:?} or none of them")),
        }
    }
}

/// Adds [`AWKWARD`] to a fake in another process through the API (as [`fake_with_awkward_guest`]
/// does in this one), and checks that it can be read back.
#[allow(
    dead_code,
    reason = "only the instructions bench uses a fake in another process"
)]
pub async fn add_awkward_guest(target: &Target) -> Result<(), tallyfy::Error> {
    let client = sdk_client(target);
    let new = tallyfy::NewGuest::new(AWKWARD)
        .first_name("Pat")
        .last_name("O'Brien");
    let created = client.guests().create(new).await?;
    assert_eq!(created.email.as_deref(), Some(AWKWARD));
    let read = client.guests().get(AWKWARD).await?;
    assert_eq!(read.email.as_deref(), Some(AWKWARD));
    Ok(())
}

/// Starts a fake (on `server_rt`, so it runs on its own threads) holding [`AWKWARD`].
pub fn fake_with_awkward_guest(server_rt: &tokio::runtime::Runtime) -> FakeTallyfy {
    server_rt.block_on(async {
        let fake = FakeTallyfy::builder()
            .seed_guests(10)
            .record_limit(0)
            .start()
            .await
            .unwrap();
        fake.insert_guest(tallyfy_fake::SeedGuest::new(AWKWARD).name("Pat", "O'Brien"));
        fake
    })
}

/// The hand-written baseline: what a service author would write instead of the SDK, a reqwest
/// client with the same four headers the SDK sends (so the server parses the same request) and one
/// function that looks a guest up by email.
pub struct HandWritten {
    client: reqwest::Client,
    base_url: String,
    org: String,
}

impl HandWritten {
    /// The baseline for `target`.
    pub fn new(target: &Target) -> Self {
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            format!("Bearer {}", target.token).parse().unwrap(),
        );
        headers.insert(header::ACCEPT, "application/json".parse().unwrap());
        headers.insert("x-tallyfy-client", "APIClient".parse().unwrap());
        headers.insert(
            header::USER_AGENT,
            concat!("tallyfy-rs/", env!("CARGO_PKG_VERSION"))
                .parse()
                .unwrap(),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        Self {
            client,
            base_url: target.base_url.clone(),
            org: target.org.clone(),
        }
    }

    /// `GET /organizations/{org}/guests/{email}`: the URL is built per call (the email is an
    /// argument), then the body is read and decoded with serde_json. No validation, retries,
    /// timeouts or typed errors.
    pub async fn get_guest(&self, email: &str) -> GuestEnvelope {
        self.get_url(&self.guest_url(email)).await
    }

    /// The guest's URL, its org id and email percent-encoded as path segments.
    pub fn guest_url(&self, email: &str) -> String {
        format!(
            "{}/organizations/{}/guests/{}",
            self.base_url,
            tallyfy_client::encode_path_segment(&self.org),
            tallyfy_client::encode_path_segment(email)
        )
    }

    /// The same request to a URL built beforehand: the lower bound, for reference.
    pub async fn get_url(&self, url: &str) -> GuestEnvelope {
        let response = self.client.get(url).send().await.unwrap();
        let status = response.status();
        assert!(status.is_success(), "GET {url}: {status}");
        let bytes = response.bytes().await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
}

/// An SDK client for `target`, without pacing: the fake enforces no limit, the baselines pace
/// nothing, and a bench makes far more than Tallyfy's 600 requests a minute.
pub fn sdk_client(target: &Target) -> tallyfy::Client {
    tallyfy::Client::builder()
        .token(target.token.as_str())
        .org(target.org.as_str())
        .base_url(target.base_url.as_str())
        .no_rate_limit()
        .build()
        .unwrap()
}

/// A token source that always gives the same token, valid for an hour.
struct FixedSource(String);

impl tallyfy::TokenSource for FixedSource {
    fn token(&self) -> tallyfy::TokenFuture<'_> {
        let token = tallyfy::AccessToken::new(self.0.clone())
            .expires_in(std::time::Duration::from_secs(3600));
        Box::pin(async move { Ok(token) })
    }
}

/// One way of looking up [`AWKWARD`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contender {
    /// `client.guests().get(email)`, without pacing.
    Sdk,
    /// The same with pacing on (a budget no bench reaches): what taking a slot costs.
    SdkPaced,
    /// The same, with renewable credentials (a [`tallyfy::TokenSource`] that hands out the fake's
    /// token, cached for an hour): what each call pays for a token from the cache instead of a
    /// default header.
    SdkRenewable,
    /// The generated client's `get_guest`, called directly.
    Generated,
    /// [`HandWritten::get_guest`]: the baseline.
    HandWritten,
    /// [`HandWritten::get_url`] with the URL built once.
    HandWrittenFixedUrl,
    /// The baseline inside `tokio::time::timeout`, as the SDK has a per-attempt timeout.
    HandWrittenWithTimeout,
}

impl Contender {
    /// Every contender.
    pub const ALL: [Contender; 7] = [
        Contender::Sdk,
        Contender::SdkPaced,
        Contender::SdkRenewable,
        Contender::Generated,
        Contender::HandWritten,
        Contender::HandWrittenFixedUrl,
        Contender::HandWrittenWithTimeout,
    ];

    /// The name in criterion's output and on the instruction bench's command line.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Sdk => "sdk",
            Contender::SdkPaced => "sdk_paced",
            Contender::SdkRenewable => "sdk_renewable",
            Contender::Generated => "generated_client",
            Contender::HandWritten => "reqwest_serde_json",
            Contender::HandWrittenFixedUrl => "reqwest_serde_json_fixed_url",
            Contender::HandWrittenWithTimeout => "reqwest_serde_json_timeout",
        }
    }
}

/// Everything the contenders call, set up once against one target.
pub struct Contenders {
    sdk: tallyfy::Client,
    sdk_paced: tallyfy::Client,
    sdk_renewable: tallyfy::Client,
    generated: tallyfy_client::Client,
    org: String,
    hand: HandWritten,
    fixed_url: String,
}

impl Contenders {
    /// The contenders for `target`.
    pub fn new(target: &Target) -> Self {
        let sdk = sdk_client(target);
        let hand = HandWritten::new(target);
        Self {
            // Paced, with a budget no bench reaches: what taking a slot costs each call.
            sdk_paced: tallyfy::Client::builder()
                .token(target.token.as_str())
                .org(target.org.as_str())
                .base_url(target.base_url.as_str())
                .rate_limit(1_000_000, std::time::Duration::from_secs(1))
                .build()
                .unwrap(),
            sdk_renewable: tallyfy::Client::builder()
                .credentials(tallyfy::Credentials::source(FixedSource(
                    target.token.clone(),
                )))
                .org(target.org.as_str())
                .base_url(target.base_url.as_str())
                .no_rate_limit()
                .build()
                .unwrap(),
            generated: sdk.raw().clone(),
            sdk,
            org: target.org.clone(),
            fixed_url: hand.guest_url(AWKWARD),
            hand,
        }
    }

    /// One lookup of [`AWKWARD`] by `contender`. Panics unless the call succeeded and returned
    /// that guest, so a failed call can never be counted or timed.
    pub async fn call(&self, contender: Contender) {
        let email = match contender {
            Contender::Sdk => self.sdk.guests().get(AWKWARD).await.unwrap().email,
            Contender::SdkPaced => self.sdk_paced.guests().get(AWKWARD).await.unwrap().email,
            Contender::SdkRenewable => {
                self.sdk_renewable
                    .guests()
                    .get(AWKWARD)
                    .await
                    .unwrap()
                    .email
            }
            Contender::Generated => {
                let envelope = self.generated.get_guest(&self.org, AWKWARD, None).await;
                envelope.unwrap().into_inner().data.email
            }
            Contender::HandWritten => self.hand.get_guest(AWKWARD).await.data.email,
            Contender::HandWrittenFixedUrl => self.hand.get_url(&self.fixed_url).await.data.email,
            Contender::HandWrittenWithTimeout => {
                let call = self.hand.get_guest(AWKWARD);
                let envelope = tokio::time::timeout(std::time::Duration::from_secs(30), call);
                envelope.await.unwrap().data.email
            }
        };
        assert_eq!(
            email.as_deref(),
            Some(AWKWARD),
            "{}: another guest came back",
            contender.name()
        );
    }
}
