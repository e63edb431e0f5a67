//! `get_guest` cost in instructions rather than seconds, for a comparison that a noisy machine cannot
//! skew: run under `valgrind --tool=callgrind`, twice per contender with different call counts, and
//! divide the difference by the extra calls (see `crates/tallyfy/bench/instructions.sh`).
//!
//! `instructions <sdk|generated|reqwest> <calls>`: starts the fake on its own thread, then makes
//! `calls` get_guest calls on a current-thread runtime.

use tallyfy_client::types::GuestEnvelope;
use tallyfy_fake::FakeTallyfy;

const AWKWARD: &str = "o'brien+tag@x.io";

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let contender = args.next().unwrap_or_else(|| "sdk".into());
    let calls: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = server_rt.block_on(async {
        let fake = FakeTallyfy::builder()
            .seed_guests(10)
            .record_limit(0)
            .start()
            .await
            .unwrap();
        fake.insert_guest(tallyfy_fake::NewGuest::new(AWKWARD).name("Pat", "O'Brien"));
        fake
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sdk = tallyfy::Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let generated = sdk.raw().clone();
    let org = fake.org_id().to_owned();
    let mut headers = tallyfy::reqwest::header::HeaderMap::new();
    headers.insert(
        "authorization",
        format!("Bearer {}", fake.token()).parse().unwrap(),
    );
    headers.insert("accept", "application/json".parse().unwrap());
    headers.insert("x-tallyfy-client", "APIClient".parse().unwrap());
    let raw = tallyfy::reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let url = format!(
        "{}/organizations/{}/guests/{}",
        fake.base_url(),
        tallyfy_client::encode_path_segment(fake.org_id()),
        tallyfy_client::encode_path_segment(AWKWARD)
    );
    rt.block_on(async {
        for _ in 0..calls {
            match contender.as_str() {
                "sdk" => {
                    sdk.guests().get(AWKWARD).await.unwrap();
                }
                "generated" => {
                    generated.get_guest(&org, AWKWARD, None).await.unwrap();
                }
                _ => {
                    let response = raw.get(&url).send().await.unwrap();
                    let bytes = response.bytes().await.unwrap();
                    let _: GuestEnvelope = serde_json::from_slice(&bytes).unwrap();
                }
            }
        }
    });
}
