//! Paths of the workspace and the one place where generated files are compared or written.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

/// Whether a generator writes its output or only checks that the checked-in copy is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

pub fn spec_path() -> PathBuf {
    workspace_root().join("openapi/tallyfy.yaml")
}

pub fn read_spec_text() -> Result<String> {
    let path = spec_path();
    fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

/// The spec as untyped YAML, for the rules that `openapiv3`'s typed model would hide.
pub fn read_spec_value() -> Result<serde_yaml::Value> {
    serde_yaml::from_str(&read_spec_text()?).context("parsing openapi/tallyfy.yaml")
}

/// `code` as rustfmt formats it (edition 2024, the workspace's), so that generated files pass
/// `cargo fmt --check` like every other file.
pub fn rustfmt(code: &str) -> Result<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .context("rustfmt's stdin")?
        .write_all(code.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "rustfmt refused the generated code:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).context("rustfmt's output is not UTF-8")
}

/// Makes `path` hold `contents`: does nothing when it already does; in check mode fails with a diff;
/// otherwise writes the file and says so.
pub fn ensure_file_contents(path: &Path, contents: &str, mode: Mode) -> Result<()> {
    let old = fs::read_to_string(path).unwrap_or_default();
    if old == contents {
        return Ok(());
    }
    let shown = path
        .strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string();
    match mode {
        Mode::Check => {
            let diff = similar::TextDiff::from_lines(old.as_str(), contents);
            let mut text = diff
                .unified_diff()
                .context_radius(2)
                .header(
                    &format!("{shown} (checked in)"),
                    &format!("{shown} (from the spec)"),
                )
                .to_string();
            const MAX_LINES: usize = 200;
            let lines = text.lines().count();
            if lines > MAX_LINES {
                text = text.lines().take(MAX_LINES).collect::<Vec<_>>().join("\n");
                text.push_str(&format!("\n... ({} more diff lines)\n", lines - MAX_LINES));
            }
            bail!("{shown} is stale:\n{text}\nrun `cargo xtask codegen` and commit the result")
        }
        Mode::Write => {
            fs::write(path, contents).with_context(|| format!("writing {shown}"))?;
            eprintln!("updated {shown}");
            Ok(())
        }
    }
}
