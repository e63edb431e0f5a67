//! The `tallyfy` command: Tallyfy guests and members from the shell, on top of the `tallyfy` crate.
//!
//! Map, from the bottom up:
//! - [`exit`]: exit codes; [`output`]: the json, ndjson and table writers; [`rows`]: table cells
//!   from an item's JSON;
//! - [`out`]: where a result goes, and how a command fails;
//! - [`walk`]: reading a list to the output; [`body`]: `--body FILE` and array and enum flags;
//! - [`generated`]: every command, generated from the spec (`cargo xtask codegen`): one subcommand
//!   per tag, one per operation, and each item type's table row;
//! - [`webhooks`]: `tallyfy webhooks listen` and `parse`, on the SDK's webhook receiver;
//! - [`args`]: the command line's global options; [`commands`]: connecting (or starting the fake)
//!   and running the parsed command.

mod args;
mod body;
mod commands;
mod exit;
/// The commands generated from the spec (`cargo xtask codegen` writes this file).
#[path = "generated/commands.rs"]
mod generated;
mod out;
mod output;
mod rows;
mod walk;
mod webhooks;

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            failure.report();
            ExitCode::from(failure.code)
        }
    }
}

/// `-v` logs the SDK's requests at info level, `-vv` at debug; without it nothing is logged.
fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => "info",
        _ => "debug",
    };
    let filter = format!("tallyfy={level},tallyfy_cli={level},tallyfy_fake={level}");
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        // The SDK records each request as a span; log it when it closes, with its status and duration.
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .init();
}
