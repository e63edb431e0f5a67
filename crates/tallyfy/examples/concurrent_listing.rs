//! Lists every guest with up to 4 page requests in flight, pages still in order, and compares the time
//! with a sequential walk.
//!
//! ```sh
//! cargo run -p tallyfy --example concurrent_listing --release
//! ```

mod common;

use std::time::{Duration, Instant};

use futures::TryStreamExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Against the fake, each response takes 20 ms, as over a network.
    let demo = common::connect_with_latency(2_000, Duration::from_millis(20)).await?;
    let list = demo.client.guests().list().per_page(100);

    let started = Instant::now();
    let sequential: Vec<_> = list.items().try_collect().await?;
    let sequential_time = started.elapsed();

    let started = Instant::now();
    let mut concurrent = 0;
    let mut pages = list.clone().concurrency(4).pages();
    while let Some(page) = pages.try_next().await? {
        concurrent += page.items.len();
        println!("page {:>3}: {} guests", page.number, page.items.len());
    }
    let concurrent_time = started.elapsed();

    println!(
        "sequential: {} guests in {sequential_time:?}",
        sequential.len()
    );
    println!("concurrency(4): {concurrent} guests in {concurrent_time:?}");
    Ok(())
}
