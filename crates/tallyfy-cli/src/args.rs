//! The command line, as clap parses it. Names and flags are fixed by the product; add freely.

use crate::generated::Command;
use crate::output::Format;
use clap::Parser;

/// Tallyfy guests and members from the shell.
///
/// Real use reads TALLYFY_ORG_ID and either TALLYFY_ACCESS_TOKEN or the client credentials
/// TALLYFY_CLIENT_ID and TALLYFY_CLIENT_SECRET (with the optional TALLYFY_TOKEN_URL), and
/// optionally TALLYFY_BASE_URL;
/// `--fake` runs against an in-process fake server seeded with demo data, with no account needed.
#[derive(Debug, Parser)]
#[command(name = "tallyfy", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: TopCommand,
}

/// The options every command takes.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// The API's base URL.
    #[arg(long, env = "TALLYFY_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// The access token (prefer the environment variable: arguments are visible to other users).
    #[arg(
        long,
        env = "TALLYFY_ACCESS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// The OAuth client id, for client credentials (with TALLYFY_CLIENT_SECRET, which is read from
    /// the environment only).
    #[arg(long, env = "TALLYFY_CLIENT_ID", global = true)]
    pub client_id: Option<String>,
    /// The OAuth token endpoint [default: https://go.tallyfy.com/oauth/token].
    #[arg(long, env = "TALLYFY_TOKEN_URL", global = true)]
    pub token_url: Option<String>,
    /// The organization id.
    #[arg(long = "org", env = "TALLYFY_ORG_ID", global = true)]
    pub org: Option<String>,
    /// Output format [default: table when stdout is a terminal, json otherwise].
    #[arg(long, value_enum, global = true)]
    pub output: Option<Format>,
    /// Start an in-process fake Tallyfy seeded with demo data and run against it (needs the CLI's
    /// default `fake` feature).
    #[arg(long, global = true)]
    pub fake: bool,
    /// Give up on a request after this many seconds, retries included [default: 120].
    #[arg(long, value_name = "SECONDS", global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Requests per rolling window, shared by every request of the command (N/W, such as 50/1s or
    /// 600/60s), or `off` [default: 600/60s, Tallyfy's documented limit].
    #[arg(long, value_name = "N/W", env = "TALLYFY_RATE_LIMIT", global = true, value_parser = rate_setting)]
    pub rate_limit: Option<RateSetting>,
    /// More logging on stderr (-v: info, -vv: debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// `--rate-limit`: a budget, or `None` for `off`.
#[derive(Clone, Copy, Debug)]
pub struct RateSetting(pub Option<tallyfy::RateLimit>);

fn rate_setting(text: &str) -> Result<RateSetting, String> {
    tallyfy::RateLimit::parse_setting(text)
        .map(RateSetting)
        .map_err(|e| e.to_string())
}

/// Every command: the API's, generated from the spec, and the hand-written ones.
#[derive(Debug, clap::Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "parsed once per run; boxing the API's commands would gain nothing"
)]
pub enum TopCommand {
    #[command(flatten)]
    Api(Command),
    /// Receive Tallyfy's webhooks (`listen`) or decode one (`parse`).
    #[command(subcommand)]
    Webhooks(crate::webhooks::WebhooksCommand),
}
