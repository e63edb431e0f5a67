//! `tallyfy-fake`: serve the in-memory Tallyfy API from the command line.
//!
//! ```text
//! tallyfy-fake --listen 127.0.0.1:0 --org ORG --token TOKEN --seed-guests N --seed-members M \
//!     [--seed-templates N] [--seed-processes M] [--latency-ms N] [--page-cap N] \
//!     [--seat-limit N] [--seed N] [--shapes canonical|varied] \
//!     [--client-id ID --client-secret SECRET] [--token-ttl-secs N] [--user-password PASSWORD] \
//!     [--webhook-url URL ...] [--webhook-duplicates RATE] \
//!     [--rate-limit N [--rate-window-secs W]] [--guest-invites-per-hour N --comments-per-hour N]
//! ```
//!
//! The first line on stdout is `listening on http://ADDR`; the API is at `http://ADDR/api` (and at
//! `http://ADDR` without `/api`). Each webhook delivery attempt is a line on stderr (`webhook
//! task.completed -> URL: 200`, or `: failed (why)`). The server runs until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use tallyfy_fake::{FakeTallyfy, Shapes};

/// An in-memory Tallyfy server (guests, members, templates, processes, tasks and comments) with the
/// documented behaviour.
#[derive(Debug, Parser)]
#[command(name = "tallyfy-fake", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0", env = "TALLYFY_FAKE_LISTEN")]
    listen: SocketAddr,
    /// Organization id to serve.
    #[arg(long, default_value = tallyfy_fake::builder::DEFAULT_ORG_ID)]
    org: String,
    /// Bearer token to accept.
    #[arg(long, default_value = tallyfy_fake::builder::DEFAULT_TOKEN)]
    token: String,
    /// Number of generated guests.
    #[arg(long, default_value_t = 100)]
    seed_guests: usize,
    /// Number of generated members (at least 1: the default administrator, id 1001).
    #[arg(long, default_value_t = 10)]
    seed_members: usize,
    /// Number of generated templates.
    #[arg(long, default_value_t = 5)]
    seed_templates: usize,
    /// Number of processes launched from the generated templates.
    #[arg(long, default_value_t = 12)]
    seed_processes: usize,
    /// Seed of the generated data.
    #[arg(long, default_value_t = tallyfy_fake::builder::DEFAULT_SEED)]
    seed: u64,
    /// Delay added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Largest page the lists return.
    #[arg(long, default_value_t = tallyfy_fake::builder::DEFAULT_PAGE_CAP)]
    page_cap: u64,
    /// Full seats available (admins and standard members); unlimited when absent.
    #[arg(long)]
    seat_limit: Option<u32>,
    /// Requests kept for inspection (0 keeps none, best for load tests).
    #[arg(long, default_value_t = 0)]
    record_limit: usize,
    /// Print one line per request to stderr.
    #[arg(long)]
    log_requests: bool,
    /// Response shapes: `canonical` (one shape) or `varied` (every documented variant, chosen per
    /// record; see the `tallyfy_fake::shapes` docs).
    #[arg(long, default_value = "canonical", env = tallyfy_fake::shapes::SHAPES_ENV)]
    shapes: Shapes,
    /// The application's client id for the token endpoint (`POST /oauth/token`); a number.
    #[arg(long, requires = "client_secret")]
    client_id: Option<String>,
    /// The application's client secret.
    #[arg(long, requires = "client_id")]
    client_secret: Option<String>,
    /// Lifetime of every token the fake issues, in seconds (default: the documented ones).
    #[arg(long)]
    token_ttl_secs: Option<u64>,
    /// The password every member has for the password grant.
    #[arg(long, default_value = tallyfy_fake::builder::DEFAULT_USER_PASSWORD)]
    user_password: String,
    /// Send every webhook to this URL too (repeatable), besides the URLs on templates and steps.
    #[arg(long = "webhook-url", value_name = "URL")]
    webhook_urls: Vec<String>,
    /// Send this share of webhook deliveries (0 to 1) twice, to test a receiver's idempotency.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = rate)]
    webhook_duplicates: f64,
    /// Enforce Tallyfy's rate limit: at most N requests per token in any rolling window (Tallyfy:
    /// 600), with the documented hourly caps; off when absent.
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
    /// The rate limit's window, in seconds (Tallyfy: 60).
    #[arg(long, value_name = "W", default_value_t = 60, requires = "rate_limit")]
    rate_window_secs: u64,
    /// The hourly cap on guest invites per organization (Tallyfy: 30); with
    /// --comments-per-hour, enforced even without --rate-limit.
    #[arg(long, value_name = "N", requires = "comments_per_hour")]
    guest_invites_per_hour: Option<u32>,
    /// The hourly cap on posted comments per organization (Tallyfy: 120).
    #[arg(long, value_name = "N", requires = "guest_invites_per_hour")]
    comments_per_hour: Option<u32>,
}

/// A share between 0 and 1.
fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("{text:?} is not a number from 0 to 1")),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut builder = FakeTallyfy::builder()
        .listen(args.listen)
        .org_id(args.org)
        .token(args.token)
        .seed_guests(args.seed_guests)
        .seed_members(args.seed_members)
        .seed_templates(args.seed_templates)
        .seed_processes(args.seed_processes)
        .seed(args.seed)
        .latency(Duration::from_millis(args.latency_ms))
        .page_cap(args.page_cap)
        .record_limit(args.record_limit)
        .log_requests(args.log_requests)
        .shapes(args.shapes)
        .user_password(args.user_password)
        .webhook_duplicates(args.webhook_duplicates)
        .log_webhooks(true);
    for url in args.webhook_urls {
        builder = builder.webhook_url(url);
    }
    if let Some(n) = args.rate_limit {
        builder = builder.rate_limit(n, Duration::from_secs(args.rate_window_secs));
    }
    if let (Some(invites), Some(comments)) = (args.guest_invites_per_hour, args.comments_per_hour) {
        builder = builder.hourly_caps(tallyfy_fake::HourlyCaps::new(invites, comments));
    }
    if let Some(seats) = args.seat_limit {
        builder = builder.seat_limit(seats);
    }
    if let (Some(id), Some(secret)) = (args.client_id, args.client_secret) {
        builder = builder.client_credentials(id, secret);
    }
    if let Some(secs) = args.token_ttl_secs {
        builder = builder.token_ttl(Duration::from_secs(secs));
    }
    let fake = builder.start().await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{}", fake.addr())?;
        out.flush()?;
    }
    wait_for_signal().await?;
    fake.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r,
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}
