//! Running other programs: the `cargo` that runs this xtask, and commands that fail naming
//! themselves.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The `cargo` that runs this xtask (Cargo sets `CARGO`), or the one on `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The command as a user would type it, for messages.
fn shown(cmd: &Command) -> String {
    let program = cmd.get_program().to_string_lossy();
    let program = program.rsplit('/').next().unwrap_or_default().to_owned();
    std::iter::once(program)
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cmd` with its output shown; fails unless it succeeds.
pub fn run(cmd: &mut Command) -> Result<()> {
    let what = shown(cmd);
    println!("$ {what}");
    let status = cmd.status().with_context(|| format!("starting `{what}`"))?;
    if !status.success() {
        bail!("`{what}` failed ({status})");
    }
    Ok(())
}

/// Runs `cmd` and returns its stdout (stderr is shown); fails unless it succeeds.
pub fn run_output(cmd: &mut Command) -> Result<Vec<u8>> {
    let what = shown(cmd);
    let output = cmd
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("starting `{what}`"))?;
    if !output.status.success() {
        bail!("`{what}` failed ({})", output.status);
    }
    Ok(output.stdout)
}

/// The executable of the target `name` in the JSON messages of a cargo build run with
/// `--message-format json-render-diagnostics`.
pub fn built_executable(messages: &[u8], name: &str) -> Result<PathBuf> {
    String::from_utf8_lossy(messages)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .with_context(|| format!("cargo built no {name} executable"))
}
