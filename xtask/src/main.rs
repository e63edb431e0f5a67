//! Project automation, run as `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).
//!
//! - `codegen [--check]`: regenerate every generated file from `openapi/tallyfy.yaml` (the client's
//!   `generated.rs`, the SDK's operations table and request builders, the CLI's commands),
//!   or, with `--check`, fail with a diff when a checked-in one is stale.
//! - `lint-spec`: the project's own rules for the spec (see [`spec_rules`]).
//! - `docs`: build the HTML API reference with Redocly into `target/docs/`.
//! - `contract [prism|schemathesis]`: install the pinned contract tools and run the Prism scenario and
//!   the schemathesis run against the fake (see [`contract`]).
//! - `release-check [--baseline REV]`: everything a release needs: packaging, features, the minimum
//!   Rust, docs, licenses and the semver check (see [`release`]); `semver [--baseline REV]` runs
//!   only the semver check.

mod codegen;
mod commands;
mod contract;
mod example_check;
mod files;
mod model;
mod operations;
mod process;
mod release;
mod replacements;
mod requests;
mod rewrites;
mod spec_rules;

use anyhow::{Result, bail};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate the client from openapi/tallyfy.yaml (--check: fail if stale)
  lint-spec           check the spec against the project's rules
  docs                build the HTML API reference into target/docs/ (needs npx)
  contract [prism|schemathesis]
                      install the pinned Prism and schemathesis and run the contract checks
                      (both unless one is named; needs npm and python3)
  release-check [--baseline REV]
                      pack and verify the published crates, check each feature, the minimum Rust,
                      the docs, licenses and sources (cargo-deny) and the public API against a
                      baseline (cargo-semver-checks); installs the pinned cargo tools
  semver [--baseline REV]
                      only the public-API check: fails on a breaking change without a version bump
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen::run(files::Mode::Write),
        ["codegen", "--check"] => codegen::run(files::Mode::Check),
        ["lint-spec"] => {
            let spec = files::read_spec_value()?;
            let mut problems = spec_rules::check(&spec);
            // What the extensions name (parameters, schemas) is checked by building the model.
            if problems.is_empty() {
                let typed = serde_yaml::from_value(spec).map_err(anyhow::Error::from);
                if let Err(e) = typed.and_then(|spec| model::requests(&spec)) {
                    problems.push(format!("{e:#}"));
                }
            }
            if problems.is_empty() {
                println!("spec follows the project rules");
                Ok(())
            } else {
                for p in &problems {
                    eprintln!("- {p}");
                }
                bail!("{} spec rule violation(s)", problems.len())
            }
        }
        ["docs"] => build_docs(),
        ["contract"] => contract::run(contract::Checks::All),
        ["contract", "prism"] => contract::run(contract::Checks::Prism),
        ["contract", "schemathesis"] => contract::run(contract::Checks::Schemathesis),
        ["release-check", rest @ ..] => release::release_check(&release_options(rest)?),
        ["semver", rest @ ..] => release::semver_only(&release_options(rest)?),
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown command {args:?}\n\n{USAGE}"),
    }
}

fn release_options(args: &[&str]) -> Result<release::Options> {
    match args {
        [] => Ok(release::Options::default()),
        ["--baseline", rev] => Ok(release::Options {
            baseline: Some((*rev).to_owned()),
        }),
        _ => bail!("unknown arguments {args:?}\n\n{USAGE}"),
    }
}

/// Redocly CLI, installed (pinned) by `npm ci --prefix tools`; `.ci/run` does this.
pub const REDOCLY: &str = "tools/node_modules/.bin/redocly";

fn build_docs() -> Result<()> {
    let root = files::workspace_root();
    let redocly = root.join(REDOCLY);
    if !redocly.exists() {
        bail!("{REDOCLY} is missing: run `npm ci --prefix tools` first");
    }
    let out = root.join("target/docs/tallyfy-api.html");
    let status = std::process::Command::new(&redocly)
        .current_dir(&root)
        .args([
            "build-docs",
            "openapi/tallyfy.yaml",
            "--inlineBundle",
            "--title",
            "Tallyfy guests and members API",
            "--output",
        ])
        .arg(&out)
        .status()?;
    if !status.success() {
        bail!("redocly build-docs failed ({status})");
    }
    println!("wrote {}", out.display());
    Ok(())
}
