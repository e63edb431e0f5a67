//! `cargo xtask contract`: the checks that need tools from outside the Rust toolchain, run with those
//! tools at pinned versions that this command installs itself.
//!
//! - **Prism** (a validating proxy, pinned in `tools/package-lock.json`): the scenario in
//!   `tests/tests/contract_prism.rs` drives every operation of the SDK through Prism to the fake.
//!   That test file only builds with the `contract` feature of `tallyfy-tests`, so
//!   `cargo test --workspace` neither runs nor lists it, and inside it a missing Prism is a failure.
//! - **schemathesis** (pinned in `.ci/contract-fake.sh`, installed into `.venv-contract`): generated
//!   requests against the `tallyfy-fake` binary, checked against `openapi/tallyfy.yaml`.
//!
//! Both checks run even when the first fails, and the command fails when either does. Cargo builds
//! first; the tools run after it has finished, so the build directory is not held while they run.

use crate::process::{built_executable, cargo};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Which of the contract checks to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checks {
    /// Prism and schemathesis.
    All,
    /// Only the Prism scenario.
    Prism,
    /// Only the schemathesis run.
    Schemathesis,
}

/// The Node packages the contract and the spec lint need, as named in `tools/package-lock.json`.
const NODE_PACKAGES: [&str; 2] = ["@stoplight/prism-cli", "@redocly/cli"];

/// Runs the chosen checks; fails, naming each failed check, when any of them fails.
pub fn run(checks: Checks) -> Result<()> {
    let root = crate::files::workspace_root();
    let mut failed = Vec::new();
    if checks != Checks::Schemathesis {
        step("Node tools pinned in tools/package-lock.json");
        ensure_node_tools(&root)?;
        step("Prism contract scenario (tests/tests/contract_prism.rs)");
        if let Err(e) = prism(&root) {
            eprintln!("error: {e:#}");
            failed.push("Prism scenario");
        }
    }
    if checks != Checks::Prism {
        step("schemathesis against tallyfy-fake (.ci/contract-fake.sh)");
        if let Err(e) = schemathesis(&root) {
            eprintln!("error: {e:#}");
            failed.push("schemathesis");
        }
    }
    if failed.is_empty() {
        println!("\ncontract checks passed");
        Ok(())
    } else {
        bail!("contract checks failed: {}", failed.join(", "))
    }
}

fn step(what: &str) {
    println!("\n==> {what}");
}

/// The version of `package` that `tools/package-lock.json` pins.
fn pinned_version(root: &Path, package: &str) -> Result<String> {
    let path = root.join("tools/package-lock.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let lock: serde_json::Value =
        serde_json::from_str(&text).context("parsing package-lock.json")?;
    lock["packages"][format!("node_modules/{package}")]["version"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("tools/package-lock.json pins no version of {package}"))
}

/// The version of `package` installed in `tools/node_modules`, if it is installed.
fn installed_version(root: &Path, package: &str) -> Option<String> {
    let path = root
        .join("tools/node_modules")
        .join(package)
        .join("package.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    manifest["version"].as_str().map(str::to_owned)
}

/// Names of the pinned packages that are missing or at another version.
fn stale_node_tools(root: &Path) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for package in NODE_PACKAGES {
        let pinned = pinned_version(root, package)?;
        match installed_version(root, package) {
            Some(v) if v == pinned => {}
            Some(v) => stale.push(format!("{package} {v} (pinned {pinned})")),
            None => stale.push(format!("{package} (not installed, pinned {pinned})")),
        }
    }
    if !root.join(PRISM).exists() {
        stale.push(format!("{PRISM} (missing)"));
    }
    Ok(stale)
}

/// Prism's executable, installed by `npm ci --prefix tools`.
const PRISM: &str = "tools/node_modules/.bin/prism";

/// Installs the pinned Node tools with `npm ci` unless exactly those versions are already installed
/// (`npm ci` starts by deleting `node_modules`, so it is not run for nothing).
fn ensure_node_tools(root: &Path) -> Result<()> {
    let stale = stale_node_tools(root)?;
    if stale.is_empty() {
        println!("already installed: {}", NODE_PACKAGES.join(", "));
        return Ok(());
    }
    println!("installing ({})", stale.join("; "));
    let status = Command::new("npm")
        .current_dir(root)
        .args([
            "ci",
            "--prefix",
            "tools",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .status()
        .context("running npm (is Node.js installed?)")?;
    if !status.success() {
        bail!("npm ci --prefix tools failed ({status})");
    }
    let stale = stale_node_tools(root)?;
    if !stale.is_empty() {
        bail!("after npm ci, still not as pinned: {}", stale.join("; "));
    }
    Ok(())
}

/// Builds the Prism scenario with the `contract` feature and runs its test executable directly, so
/// that Cargo's build lock is released before the scenario starts.
fn prism(root: &Path) -> Result<()> {
    let exe = build_contract_test(root)?;
    let status = Command::new(&exe)
        .current_dir(root.join("tests"))
        .args(["--test-threads", "1"])
        .status()
        .with_context(|| format!("running {}", exe.display()))?;
    if !status.success() {
        bail!("the Prism scenario failed ({status})");
    }
    Ok(())
}

/// `cargo test --no-run` for `contract_prism`, returning the path of the test executable.
fn build_contract_test(root: &Path) -> Result<PathBuf> {
    let output = cargo()
        .current_dir(root)
        .args([
            "test",
            "--package",
            "tallyfy-tests",
            "--features",
            "contract",
            "--test",
            "contract_prism",
            "--no-run",
            "--message-format",
            "json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        bail!("building the Prism scenario failed ({})", output.status);
    }
    built_executable(&output.stdout, "contract_prism")
}

/// `.ci/contract-fake.sh`: installs the pinned schemathesis, builds and starts the fake, runs.
fn schemathesis(root: &Path) -> Result<()> {
    let status = Command::new("bash")
        .current_dir(root)
        .arg(".ci/contract-fake.sh")
        .status()
        .context("running bash .ci/contract-fake.sh")?;
    if !status.success() {
        bail!("schemathesis reported failures ({status})");
    }
    Ok(())
}
