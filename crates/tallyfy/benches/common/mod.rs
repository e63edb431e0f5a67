//! Setup shared by the benches: a fake with one awkwardly named guest, the hand-written baseline,
//! and the get_guest contenders that the criterion and instruction benches compare.

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

/// Starts a fake (on `server_rt`, so it runs on its own threads) holding [`AWKWARD`].
pub fn fake_with_awkward_guest(server_rt: &tokio::runtime::Runtime) -> FakeTallyfy {
    server_rt.block_on(async {
        let fake = FakeTallyfy::builder()
            .seed_guests(10)
            .record_limit(0)
            .start()
            .await
            .unwrap();
        fake.insert_guest(tallyfy_fake::NewGuest::new(AWKWARD).name("Pat", "O'Brien"));
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
    /// The baseline for `fake`.
    pub fn new(fake: &FakeTallyfy) -> Self {
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            format!("Bearer {}", fake.token()).parse().unwrap(),
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
            base_url: fake.base_url(),
            org: fake.org_id().to_owned(),
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
        assert!(response.status().is_success());
        let bytes = response.bytes().await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
}

/// An SDK client for `fake`.
pub fn sdk_client(fake: &FakeTallyfy) -> tallyfy::Client {
    tallyfy::Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

/// One way of looking up [`AWKWARD`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contender {
    /// `client.guests().get(email)`.
    Sdk,
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
    pub const ALL: [Contender; 5] = [
        Contender::Sdk,
        Contender::Generated,
        Contender::HandWritten,
        Contender::HandWrittenFixedUrl,
        Contender::HandWrittenWithTimeout,
    ];

    /// The name in criterion's output and on the instruction bench's command line.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Sdk => "sdk",
            Contender::Generated => "generated_client",
            Contender::HandWritten => "reqwest_serde_json",
            Contender::HandWrittenFixedUrl => "reqwest_serde_json_fixed_url",
            Contender::HandWrittenWithTimeout => "reqwest_serde_json_timeout",
        }
    }
}

/// Everything the contenders call, set up once against one fake.
pub struct Contenders {
    sdk: tallyfy::Client,
    generated: tallyfy_client::Client,
    org: String,
    hand: HandWritten,
    fixed_url: String,
}

impl Contenders {
    /// The contenders for `fake`.
    pub fn new(fake: &FakeTallyfy) -> Self {
        let sdk = sdk_client(fake);
        let hand = HandWritten::new(fake);
        Self {
            generated: sdk.raw().clone(),
            sdk,
            org: fake.org_id().to_owned(),
            fixed_url: hand.guest_url(AWKWARD),
            hand,
        }
    }

    /// One lookup of [`AWKWARD`] by `contender`, checking that a guest came back.
    pub async fn call(&self, contender: Contender) {
        let id = match contender {
            Contender::Sdk => self.sdk.guests().get(AWKWARD).await.unwrap().id,
            Contender::Generated => {
                let envelope = self.generated.get_guest(&self.org, AWKWARD, None).await;
                envelope.unwrap().into_inner().data.id
            }
            Contender::HandWritten => self.hand.get_guest(AWKWARD).await.data.id,
            Contender::HandWrittenFixedUrl => self.hand.get_url(&self.fixed_url).await.data.id,
            Contender::HandWrittenWithTimeout => {
                let call = self.hand.get_guest(AWKWARD);
                let envelope = tokio::time::timeout(std::time::Duration::from_secs(30), call);
                envelope.await.unwrap().data.id
            }
        };
        assert!(id.is_some());
    }
}
