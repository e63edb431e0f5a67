//! Lists every guest of the organization, page after page.
//!
//! ```sh
//! TALLYFY_ACCESS_TOKEN=... TALLYFY_ORG_ID=... cargo run -p tallyfy --example list_guests
//! cargo run -p tallyfy --example list_guests   # against a local fake with 250 guests
//! ```

mod common;

use futures::TryStreamExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let demo = common::connect(250).await?;
    let mut guests = demo
        .client
        .guests()
        .list()
        .sort("-created_at")
        .per_page(100)
        .items();
    let mut count = 0;
    // `try_next` stops the loop at the first error instead of skipping it.
    while let Some(guest) = guests.try_next().await? {
        count += 1;
        println!(
            "{:>6}  {}",
            guest.id.map(|id| id.to_string()).unwrap_or_default(),
            guest.email.unwrap_or_default()
        );
    }
    println!("{count} guests");
    Ok(())
}
