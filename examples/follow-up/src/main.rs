//! `follow-up`: serve the example (see the library's docs).
//!
//! ```text
//! TALLYFY_ACCESS_TOKEN=... TALLYFY_ORG_ID=... FOLLOW_UP_SECRET=... \
//! FOLLOW_UP_TRIGGER_TEMPLATE=<template id> FOLLOW_UP_TEMPLATE=<template id> \
//!   cargo run -p follow-up -- 127.0.0.1:8086
//! ```
//!
//! Then give Tallyfy (or `tallyfy-fake --webhook-url`) the URL
//! `http://127.0.0.1:8086/hooks/tallyfy?token=<FOLLOW_UP_SECRET>`.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let var = |name: &str| std::env::var(name).with_context(|| format!("{name} is not set"));
    let client = tallyfy::Client::from_env()?;
    let config = follow_up::Config {
        org: client.org_id().to_owned(),
        secret: var("FOLLOW_UP_SECRET")?,
        trigger_template: var("FOLLOW_UP_TRIGGER_TEMPLATE")?,
        follow_up_template: var("FOLLOW_UP_TEMPLATE")?,
    };
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8086".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    let (app, queue) = follow_up::app(&config);
    let (launched, mut ids) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(follow_up::work(
        client,
        config.follow_up_template,
        queue,
        launched,
    ));
    tokio::spawn(async move { while ids.recv().await.is_some() {} });
    axum::serve(listener, app).await?;
    Ok(())
}
