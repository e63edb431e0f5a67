//! Load: one `Client` shared by 64 tasks sends 10,000 requests to the fake. Every request succeeds,
//! the process holds no more file descriptors afterwards than after warm-up (connections are pooled,
//! not leaked), and its resident memory does not grow after warm-up. Speed is measured in
//! BENCHMARKS.md, not asserted here.

use futures::StreamExt;
use tallyfy::Client;
use tallyfy_fake::FakeTallyfy;
use tallyfy_tests::{open_fds, rss_kib};

async fn burst(client: &Client, emails: &[String], requests: usize) -> usize {
    futures::stream::iter(0..requests)
        .map(|i| {
            let client = client.clone();
            let email = emails[i % emails.len()].clone();
            async move {
                if i % 2 == 0 {
                    client.guests().get(&email).await.map(drop)
                } else {
                    client
                        .guests()
                        .list()
                        .per_page(20)
                        .page(1 + (i as u64 % 5))
                        .await
                        .map(drop)
                }
            }
        })
        .buffer_unordered(64)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tasks_ten_thousand_requests() {
    let fake = FakeTallyfy::builder()
        .shapes(tallyfy_tests::shapes_from_env())
        .seed_guests(100)
        .record_limit(64)
        .start()
        .await
        .unwrap();
    // The fake enforces no limit, and this measures the client itself: at Tallyfy's 600 a minute
    // (the default pacing) ten thousand requests would take seventeen minutes.
    let client = tallyfy::Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .no_rate_limit()
        .build()
        .unwrap();
    let emails: Vec<String> = fake.guests().into_iter().filter_map(|g| g.email).collect();

    assert_eq!(
        burst(&client, &emails, 1_000).await,
        0,
        "errors during warm-up"
    );
    let (fds, rss) = (open_fds(), rss_kib());

    assert_eq!(
        burst(&client, &emails, 10_000).await,
        0,
        "errors under load"
    );
    let (fds_after, rss_after) = (open_fds(), rss_kib());
    assert!(
        fds_after <= fds + 4,
        "file descriptors grew from {fds} to {fds_after}"
    );
    // The fake runs in this process too (its request log is capped at 64); allow the allocator some slack.
    assert!(
        rss_after <= rss + 16 * 1024,
        "RSS grew from {rss} KiB to {rss_after} KiB"
    );
    eprintln!(
        "fds {fds} -> {fds_after}, rss {rss} KiB -> {rss_after} KiB, fake saw {} requests",
        fake.requests().len()
    );
}
