//! `get_guest` cost in instructions rather than seconds, for a comparison that a noisy machine cannot
//! skew: run under `valgrind --tool=callgrind`, twice per contender with different call counts, and
//! divide the difference by the extra calls (see `crates/tallyfy/bench/instructions.sh`).
//!
//! ```text
//! instructions <contender> <calls>   # `calls` get_guest calls by one contender
//! instructions setup                 # adds the guest to the fake named by TALLYFY_BENCH_* (once)
//! ```
//!
//! The contender is named as in `Contender::name` (`sdk`, `generated_client`, `reqwest_serde_json`,
//! ...). Without the `TALLYFY_BENCH_*` variables the fake runs in this process, on its own thread, so
//! callgrind counts its work too; with them (`TALLYFY_BENCH_BASE_URL`, `_TOKEN`, `_ORG`) the calls go to
//! a `tallyfy-fake` process and only the client's work is counted. The calls run on a current-thread
//! runtime. Every call checks that it got the guest back; the last line on stdout, `ok <calls>`, is
//! printed only when all of them did, and any failure exits non-zero.

mod common;

use std::process::ExitCode;

use common::{Contender, Contenders, Target, add_awkward_guest, fake_with_awkward_guest, runtimes};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let target = match Target::from_env() {
        Ok(target) => target,
        Err(message) => return usage(&message),
    };
    match args.as_slice() {
        [setup] if setup == "setup" => {
            let Some(target) = target else {
                return usage("setup needs a fake in another process (TALLYFY_BENCH_*)");
            };
            let rt = runtimes().1;
            if let Err(e) = rt.block_on(add_awkward_guest(&target)) {
                eprintln!("instructions: adding {} failed: {e}", common::AWKWARD);
                return ExitCode::FAILURE;
            }
            println!("ok setup");
            ExitCode::SUCCESS
        }
        [name, calls] => {
            let Some(contender) = Contender::ALL.into_iter().find(|c| c.name() == name) else {
                return usage(&format!("unknown contender {name:?}"));
            };
            let Ok(calls) = calls.parse::<usize>() else {
                return usage(&format!("calls {calls:?} is not a number"));
            };
            run(contender, calls, target);
            println!("ok {calls}");
            ExitCode::SUCCESS
        }
        _ => usage("expected `<contender> <calls>` or `setup`"),
    }
}

/// Makes `calls` lookups by `contender`, against `target` or else a fake in this process. Panics
/// (exit status 101) at the first call that fails or returns another guest.
fn run(contender: Contender, calls: usize, target: Option<Target>) {
    match target {
        Some(target) => {
            let rt = runtimes().1;
            let contenders = Contenders::new(&target);
            rt.block_on(async {
                for _ in 0..calls {
                    contenders.call(contender).await;
                }
            });
        }
        None => {
            let (server_rt, rt) = runtimes();
            let fake = fake_with_awkward_guest(&server_rt);
            let contenders = Contenders::new(&Target::of(&fake));
            rt.block_on(async {
                for _ in 0..calls {
                    contenders.call(contender).await;
                }
            });
        }
    }
}

fn usage(message: &str) -> ExitCode {
    let names: Vec<&str> = Contender::ALL.iter().map(|c| c.name()).collect();
    eprintln!(
        "instructions: {message}\nusage: instructions <{}> <calls> | instructions setup",
        names.join("|")
    );
    ExitCode::from(2)
}
