//! Setup shared by the benches: a fake with one awkwardly named guest, and the hand-written baseline.

use tallyfy::reqwest::{self, header};
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

/// The hand-written baseline: a reqwest client with the same headers, and the URL of [`AWKWARD`].
pub fn hand_written(fake: &FakeTallyfy) -> (reqwest::Client, String) {
    let mut headers = header::HeaderMap::new();
    headers.insert(
        header::AUTHORIZATION,
        format!("Bearer {}", fake.token()).parse().unwrap(),
    );
    headers.insert(header::ACCEPT, "application/json".parse().unwrap());
    headers.insert("x-tallyfy-client", "APIClient".parse().unwrap());
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let url = format!(
        "{}/organizations/{}/guests/{}",
        fake.base_url(),
        tallyfy_client::encode_path_segment(fake.org_id()),
        tallyfy_client::encode_path_segment(AWKWARD)
    );
    (client, url)
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
