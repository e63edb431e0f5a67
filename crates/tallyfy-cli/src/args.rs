//! The command line, as clap parses it. Names and flags are fixed by the product; add freely.

use crate::generated::{GuestsOperations, MembersOperations};
use crate::output::Format;
use clap::{Args, Parser, Subcommand};

/// Tallyfy guests and members from the shell.
///
/// Real use reads TALLYFY_ACCESS_TOKEN and TALLYFY_ORG_ID (and optionally TALLYFY_BASE_URL);
/// `--fake` runs against an in-process fake server seeded with demo data, with no account needed.
#[derive(Debug, Parser)]
#[command(name = "tallyfy", version, about)]
pub struct Cli {
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
    /// The organization id.
    #[arg(long = "org", env = "TALLYFY_ORG_ID", global = true)]
    pub org: Option<String>,
    /// Output format [default: table when stdout is a terminal, json otherwise].
    #[arg(long, value_enum, global = true)]
    pub output: Option<Format>,
    /// Start an in-process fake Tallyfy seeded with demo data and run against it.
    #[arg(long, global = true)]
    pub fake: bool,
    /// Give up on a request after this many seconds, retries included [default: 120].
    #[arg(long, value_name = "SECONDS", global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// More logging on stderr (-v: info, -vv: debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Guests: outside people who take part in tasks, addressed by email.
    #[command(subcommand)]
    Guests(GuestCommand),
    /// Members: the organization's users, addressed by numeric id.
    #[command(subcommand)]
    Members(MemberCommand),
}

#[derive(Debug, Subcommand)]
pub enum GuestCommand {
    /// Add a guest.
    Create(Box<CreateGuestArgs>),
    /// list, get, update, remove, disable, enable, purge: generated from the spec.
    #[command(flatten)]
    Generated(GuestsOperations),
}

#[derive(Debug, Args)]
pub struct CreateGuestArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    #[arg(long)]
    pub company_name: Option<String>,
    #[arg(long = "phone-1")]
    pub phone_1: Option<String>,
    #[arg(long = "phone-2")]
    pub phone_2: Option<String>,
    #[arg(long)]
    pub timezone: Option<String>,
    #[arg(long)]
    pub company_url: Option<String>,
    #[arg(long)]
    pub contact_url: Option<String>,
    #[arg(long)]
    pub image_url: Option<String>,
    #[arg(long)]
    pub opportunity_name: Option<String>,
    #[arg(long)]
    pub opportunity_url: Option<String>,
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub external_sync_source: Option<String>,
    /// YYYY-MM-DD HH:MM:SS
    #[arg(long)]
    pub external_date_creation: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Invite someone to become a member.
    Invite {
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// admin, standard or light
        #[arg(long)]
        role: String,
        #[arg(long)]
        message: String,
    },
    /// list, get, update, set-role, remove, disable, enable, purge: generated from the spec.
    #[command(flatten)]
    Generated(MembersOperations),
}
