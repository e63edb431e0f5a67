//! Helpers shared by the cross-crate tests (`tests/*.rs`) and the soak bench (`benches/soak.rs`).

use tallyfy::Client;
use tallyfy_fake::{FakeTallyfy, Shapes};

/// The response shapes the fake-backed tests run under, from `TALLYFY_FAKE_SHAPES` (`canonical`
/// when unset, or `varied`; see [`tallyfy_fake::shapes`]).
///
/// # Panics
/// When the variable names neither, so that a typo fails the run instead of quietly testing the
/// canonical shape again.
pub fn shapes_from_env() -> Shapes {
    Shapes::from_env().unwrap_or_else(|e| panic!("{}: {e}", tallyfy_fake::shapes::SHAPES_ENV))
}

/// A client with default settings for `fake`'s organization and token.
pub fn client_for(fake: &FakeTallyfy) -> Client {
    Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()
        .expect("a client for the fake")
}

/// File descriptors this process holds open (Linux; 0 elsewhere).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// This process's resident memory in KiB (Linux; 0 elsewhere).
pub fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}
