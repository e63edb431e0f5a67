//! Runs one parsed command against the API (or the in-process fake) and writes its result.

use crate::args::{Cli, Global, RateSetting, TopCommand};
use crate::out::{Failure, Out};
use tallyfy::{Client, Timeouts};

/// Keeps the in-process fake alive for as long as the command runs.
#[cfg(feature = "fake")]
type FakeGuard = Option<tallyfy_fake::FakeTallyfy>;
/// Without the `fake` feature there is never a fake to keep alive.
#[cfg(not(feature = "fake"))]
type FakeGuard = Option<std::convert::Infallible>;

/// Starts the in-process fake seeded with demo data, and a client pointed at it.
#[cfg(feature = "fake")]
async fn start_fake(cli: &Global) -> Result<(Client, FakeGuard), Failure> {
    let fake = tallyfy_fake::FakeTallyfy::builder()
        .org_id("demo-org")
        .token("demo-token")
        .seed_guests(250)
        .seed_members(12)
        .seed_templates(6)
        .seed_processes(15)
        .start()
        .await
        .map_err(|e| Failure::new(crate::exit::OTHER, format!("starting the fake: {e}")))?;
    let client = configured(cli)
        .token(fake.token())
        .org(fake.org_id())
        .base_url(fake.base_url())
        .build()?;
    Ok((client, Some(fake)))
}

#[cfg(not(feature = "fake"))]
async fn start_fake(_cli: &Global) -> Result<(Client, FakeGuard), Failure> {
    Err(Failure::usage(
        "--fake needs the CLI's `fake` feature, and this tallyfy was built without it (it is on by default; leave out --no-default-features)",
    ))
}

async fn connect(cli: &Global) -> Result<(Client, FakeGuard), Failure> {
    if cli.fake {
        return start_fake(cli).await;
    }
    let mut builder = configured(cli);
    let secret = std::env::var(tallyfy::config::ENV_CLIENT_SECRET)
        .ok()
        .filter(|s| !s.trim().is_empty());
    match (&cli.token, &cli.client_id, secret) {
        (Some(_), Some(_), _) => {
            return Err(Failure::usage(
                "both an access token and a client id were given: use TALLYFY_ACCESS_TOKEN or TALLYFY_CLIENT_ID and TALLYFY_CLIENT_SECRET, not both",
            ));
        }
        (Some(t), None, _) => builder = builder.token(t.clone()),
        (None, Some(id), Some(secret)) => builder = builder.client_credentials(id.clone(), secret),
        (None, Some(_), None) => {
            return Err(Failure::usage(
                "a client id needs its secret: set TALLYFY_CLIENT_SECRET",
            ));
        }
        (None, None, _) => {
            return Err(Failure::usage(
                "no credentials: set TALLYFY_ACCESS_TOKEN (or pass --token), or TALLYFY_CLIENT_ID and TALLYFY_CLIENT_SECRET (or try --fake)",
            ));
        }
    }
    if let Some(url) = &cli.token_url {
        builder = builder.token_url(url.clone());
    }
    match &cli.org {
        Some(o) => builder = builder.org(o.clone()),
        None => {
            return Err(Failure::usage(
                "no organization: set TALLYFY_ORG_ID or pass --org (or try --fake)",
            ));
        }
    }
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url.clone());
    }
    Ok((builder.build()?, None))
}

/// A builder with the options every connection takes: `--timeout` and `--rate-limit`.
fn configured(cli: &Global) -> tallyfy::ClientBuilder {
    let builder = Client::builder().timeouts(timeouts(cli));
    match cli.rate_limit {
        None => builder,
        Some(RateSetting(None)) => builder.no_rate_limit(),
        Some(RateSetting(Some(limit))) => builder.rate_limit(limit.requests(), limit.per()),
    }
}

/// The SDK's timeouts, with `--timeout` as the limit of one call (retries included); no attempt or
/// connection may outlast it.
fn timeouts(cli: &Global) -> Timeouts {
    let mut t = Timeouts::default();
    if let Some(secs) = cli.timeout {
        t.total = std::time::Duration::from_secs(secs);
        t.per_attempt = t.per_attempt.min(t.total);
        t.connect = t.connect.min(t.total);
    }
    t
}

/// Runs the command.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let Cli { global, command } = cli;
    match command {
        TopCommand::Webhooks(webhooks) => webhooks.run(global.org.as_deref()).await,
        TopCommand::Api(api) => {
            let out = Out::new(global.output);
            let (client, _fake) = connect(&global).await?;
            api.run(&client, &out).await
        }
    }
}
