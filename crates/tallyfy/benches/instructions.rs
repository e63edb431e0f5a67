//! `get_guest` cost in instructions rather than seconds, for a comparison that a noisy machine cannot
//! skew: run under `valgrind --tool=callgrind`, twice per contender with different call counts, and
//! divide the difference by the extra calls (see `crates/tallyfy/bench/instructions.sh`).
//!
//! `instructions <contender> <calls>`, the contender named as in `Contender::name` (`sdk`,
//! `generated_client`, `reqwest_serde_json`, ...): starts the fake on its own thread, then makes `calls`
//! get_guest calls on a current-thread runtime.

mod common;

use common::{Contender, Contenders, fake_with_awkward_guest, runtimes};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let name = args.next().unwrap_or_else(|| "sdk".into());
    let calls: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let contender = Contender::ALL
        .into_iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("unknown contender {name}"));

    let (server_rt, rt) = runtimes();
    let fake = fake_with_awkward_guest(&server_rt);
    let contenders = Contenders::new(&fake);
    rt.block_on(async {
        for _ in 0..calls {
            contenders.call(contender).await;
        }
    });
}
