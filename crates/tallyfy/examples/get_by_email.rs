//! Gets a guest whose email is awkward in a URL. Pass the plain address: the SDK encodes it once as
//! a single path segment (`o'brien+tag@x.io` becomes `o%27brien%2Btag%40x.io`).
//!
//! ```sh
//! cargo run -p tallyfy --example get_by_email -- "o'brien+tag@x.io"
//! ```

mod common;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let email = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "o'brien+tag@x.io".to_owned());
    let demo = common::connect(0).await?;
    if let Some(fake) = &demo.fake {
        fake.insert_guest(tallyfy_fake::SeedGuest::new(email.clone()).name("Pat", "O'Brien"));
    }
    match demo.client.guests().get(email.as_str()).with_stats().await {
        Ok(guest) => println!("{guest:#?}"),
        Err(e) if e.is_not_found() => println!("no guest with the address {email}"),
        Err(e) => return Err(e.into()),
    }
    if let Some(fake) = &demo.fake {
        let request = fake.last_request().expect("one request");
        println!("the server received: {} {}", request.method, request.target);
    }
    Ok(())
}
