//! Setup shared by the benches: a fake with one awkwardly named guest, and the hand-written baseline.

use tallyfy::reqwest::{self, header};
use tallyfy_client::types::GuestEnvelope;
use tallyfy_fake::FakeTallyfy;

/// The guest every get_guest benchmark looks up.
pub const AWKWARD: &str = "o'brien+tag@x.io";

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
