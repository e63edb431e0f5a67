//! Shared by the examples: a client from the environment, or a local fake Tallyfy server when
//! `TALLYFY_ACCESS_TOKEN` is not set (so every example runs as is).

#![allow(dead_code)]

pub struct Demo {
    pub client: tallyfy::Client,
    /// Keeps the fake server running while the example uses it.
    pub fake: Option<tallyfy_fake::FakeTallyfy>,
}

pub async fn connect(seed_guests: usize) -> anyhow::Result<Demo> {
    connect_with_latency(seed_guests, std::time::Duration::ZERO).await
}

/// Like [`connect`]; the fake (if used) answers each request after `latency`, like a real server.
pub async fn connect_with_latency(
    seed_guests: usize,
    latency: std::time::Duration,
) -> anyhow::Result<Demo> {
    if std::env::var_os("TALLYFY_ACCESS_TOKEN").is_some() {
        return Ok(Demo {
            client: tallyfy::Client::from_env()?,
            fake: None,
        });
    }
    let fake = tallyfy_fake::FakeTallyfy::builder()
        .seed_guests(seed_guests)
        .latency(latency)
        .start()
        .await?;
    eprintln!(
        "TALLYFY_ACCESS_TOKEN is not set: using a local fake server at {}",
        fake.base_url()
    );
    let client = tallyfy::Client::builder()
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()?;
    Ok(Demo {
        client,
        fake: Some(fake),
    })
}
