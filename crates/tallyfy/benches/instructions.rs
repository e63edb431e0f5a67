//! `get_guest` cost in instructions rather than seconds, for a comparison that a noisy machine cannot
//! skew: run under `valgrind --tool=callgrind`, twice per contender with different call counts, and
//! divide the difference by the extra calls (see `crates/tallyfy/bench/instructions.sh`).
//!
//! `instructions <sdk|generated|reqwest|reqwest-fixed-url|reqwest-timeout> <calls>`: starts the fake on its own thread, then makes
//! `calls` get_guest calls on a current-thread runtime.

mod common;

use common::{AWKWARD, HandWritten, fake_with_awkward_guest, sdk_client};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let contender = args.next().unwrap_or_else(|| "sdk".into());
    let calls: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = fake_with_awkward_guest(&server_rt);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sdk = sdk_client(&fake);
    let generated = sdk.raw().clone();
    let org = fake.org_id().to_owned();
    let hand = HandWritten::new(&fake);
    let fixed_url = hand.guest_url(AWKWARD);
    rt.block_on(async {
        for _ in 0..calls {
            match contender.as_str() {
                "sdk" => {
                    sdk.guests().get(AWKWARD).await.unwrap();
                }
                "generated" => {
                    generated.get_guest(&org, AWKWARD, None).await.unwrap();
                }
                "reqwest" => {
                    hand.get_guest(AWKWARD).await;
                }
                "reqwest-fixed-url" => {
                    hand.get_url(&fixed_url).await;
                }
                "reqwest-timeout" => {
                    let call = hand.get_guest(AWKWARD);
                    tokio::time::timeout(std::time::Duration::from_secs(30), call)
                        .await
                        .unwrap();
                }
                other => panic!("unknown contender {other}"),
            }
        }
    });
}
