//! `cargo xtask release-check`: what must hold before the crates are published, checked as CI
//! checks it. Each check runs even when an earlier one failed; the command fails naming each failed
//! one, and prints how long each took.
//!
//! - **metadata**: each published crate has a description, the `MIT OR Apache-2.0` license with
//!   both license files, a README, a documentation link, keywords, categories, a `rust-version`
//!   and (a library) `[package.metadata.docs.rs]`, no made-up repository address, and comes after
//!   what it depends on in [`PUBLISHED`]; every other member is `publish = false`.
//! - **package**: `cargo package --workspace` packs each published crate and builds it from the
//!   packed files alone, in dependency order; each package holds its README and license files.
//! - **tree**: the default build of each published crate has no OpenSSL, the `native-tls` feature
//!   does bring it (so the check can see it), and the CLI without default features has no fake.
//! - **lean-cli**: the CLI built with `--no-default-features --features rustls` runs, and `--fake`
//!   names the feature it needs.
//! - **features**: `cargo hack check --each-feature` over the published crates.
//! - **msrv**: the declared `rust-version`'s toolchain, installed by rustup, checks them.
//! - **docs**: the docs as docs.rs builds them (`[package.metadata.docs.rs]`), warnings denied.
//! - **deny**: `cargo deny check licenses bans sources` with `deny.toml`.
//! - **semver**: `cargo semver-checks` compares the public API of `tallyfy-client` and `tallyfy`
//!   with a baseline (see [`baseline`]) and fails on a breaking change without a version bump.
//!
//! The cargo tools are pinned ([`TOOLS`]) and installed with `cargo install --locked` when the
//! installed one is missing or another version.

use crate::process::{built_executable, cargo, run, run_output};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The crates published to the registry, in the order they must be published: each after the
/// ones it depends on, dev-dependencies included (the registry wants those too; `tallyfy`'s tests
/// use `tallyfy-fake`).
pub const PUBLISHED: [&str; 4] = ["tallyfy-client", "tallyfy-fake", "tallyfy", "tallyfy-cli"];

/// The crates whose public API is held to semver.
const API: [&str; 2] = ["tallyfy-client", "tallyfy"];

/// The public function that the semver canary adds to a copy of `tallyfy` (see [`semver_canary`]).
const CANARY: &str = "release_check_canary";

/// A cargo subcommand installed from the registry at a pinned version.
struct Tool {
    /// The crate that `cargo install` installs.
    krate: &'static str,
    /// `cargo <subcommand>`.
    subcommand: &'static str,
    version: &'static str,
}

/// The pinned cargo-semver-checks, which `cargo xtask semver` needs alone.
const SEMVER_CHECKS: Tool = Tool {
    krate: "cargo-semver-checks",
    subcommand: "semver-checks",
    version: "0.51.0",
};

/// The pinned cargo tools.
const TOOLS: [Tool; 3] = [
    Tool {
        krate: "cargo-hack",
        subcommand: "hack",
        version: "0.6.46",
    },
    Tool {
        krate: "cargo-deny",
        subcommand: "deny",
        version: "0.20.2",
    },
    SEMVER_CHECKS,
];

/// The options of `release-check`.
#[derive(Debug, Default)]
pub struct Options {
    /// The git revision the public API is compared with, instead of [`baseline`]'s choice.
    pub baseline: Option<String>,
}

type Check = fn(&Workspace, &Options) -> Result<()>;

/// Runs every check; fails naming the failed ones.
pub fn release_check(options: &Options) -> Result<()> {
    let ws = Workspace::read()?;
    step("tools: the pinned cargo-hack, cargo-deny and cargo-semver-checks");
    let start = Instant::now();
    for tool in &TOOLS {
        ensure_tool(tool)?;
    }
    let mut timings = vec![("tools", start.elapsed())];
    let checks: [(&str, Check); 9] = [
        ("metadata", metadata),
        ("package", package),
        ("tree", tree),
        ("lean-cli", lean_cli),
        ("features", each_feature),
        ("msrv", msrv),
        ("docs", docs),
        ("deny", deny),
        ("semver", |ws, o| semver(ws, o.baseline.as_deref())),
    ];
    let mut failed = Vec::new();
    for (name, check) in checks {
        step(name);
        let start = Instant::now();
        if let Err(e) = check(&ws, options) {
            eprintln!("error: {e:#}");
            failed.push(name);
        }
        timings.push((name, start.elapsed()));
    }
    println!("\n{:<10} {:>8}", "check", "seconds");
    for (name, took) in &timings {
        let mark = if failed.contains(name) {
            "  FAILED"
        } else {
            ""
        };
        println!("{name:<10} {:>8.1}{mark}", took.as_secs_f64());
    }
    if failed.is_empty() {
        println!("\nrelease checks passed");
        Ok(())
    } else {
        bail!("release checks failed: {}", failed.join(", "))
    }
}

/// `cargo xtask semver [--baseline REV]`: only the semver check.
pub fn semver_only(options: &Options) -> Result<()> {
    let ws = Workspace::read()?;
    ensure_tool(&SEMVER_CHECKS)?;
    semver(&ws, options.baseline.as_deref())
}

fn step(what: &str) {
    println!("\n==> {what}");
}

/// What `cargo metadata` says of the workspace.
struct Workspace {
    root: PathBuf,
    target: PathBuf,
    /// Every member package's metadata.
    members: Vec<Value>,
}

impl Workspace {
    fn read() -> Result<Self> {
        let root = crate::files::workspace_root();
        let out = run_output(cargo().current_dir(&root).args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
        ]))?;
        let meta: Value = serde_json::from_slice(&out).context("parsing cargo metadata")?;
        let members = meta["packages"].as_array().cloned().unwrap_or_default();
        let target = PathBuf::from(
            meta["target_directory"]
                .as_str()
                .context("cargo metadata names no target directory")?,
        );
        Ok(Workspace {
            root,
            target,
            members,
        })
    }

    fn package(&self, name: &str) -> Result<&Value> {
        self.members
            .iter()
            .find(|p| p["name"] == name)
            .with_context(|| format!("{name} is not a workspace member"))
    }

    /// The declared minimum Rust version (the same for every published crate).
    fn rust_version(&self) -> Result<String> {
        let versions: BTreeSet<&str> = PUBLISHED
            .iter()
            .map(|name| {
                let p = self.package(name)?;
                p["rust_version"]
                    .as_str()
                    .with_context(|| format!("{name} declares no rust-version"))
            })
            .collect::<Result<_>>()?;
        match versions.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => Ok((*one).to_owned()),
            many => bail!("the published crates declare different rust-versions: {many:?}"),
        }
    }
}

/// Whether the package (cargo metadata's) has a library target.
fn has_lib(package: &Value) -> bool {
    package["targets"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t["kind"][0] == "lib"))
}

/// Installs `tool` at its pinned version unless that version is installed.
fn ensure_tool(tool: &Tool) -> Result<()> {
    let installed = cargo()
        .args([tool.subcommand, "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if let Some(v) = &installed
        && v.split_whitespace().any(|word| word == tool.version)
    {
        println!("{v}");
        return Ok(());
    }
    println!(
        "installing {}@{} (found: {})",
        tool.krate,
        tool.version,
        installed.as_deref().unwrap_or("none")
    );
    // These tools run for seconds and take minutes to build: build them at opt-level 1 without
    // LTO (cargo-semver-checks 326 s to 252 s, cargo-deny 135 s to 101 s on 2 cores).
    run(cargo()
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .args([
            "install",
            "--locked",
            &format!("{}@{}", tool.krate, tool.version),
        ]))
}

/// The registry metadata of each published crate, and `publish = false` on the others.
fn metadata(ws: &Workspace, _: &Options) -> Result<()> {
    let mut problems = Vec::new();
    for name in PUBLISHED {
        let p = ws.package(name)?;
        let dir = Path::new(p["manifest_path"].as_str().unwrap_or_default())
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut problem = |what: String| problems.push(format!("{name}: {what}"));
        for field in ["description", "rust_version", "readme"] {
            if p[field].as_str().is_none_or(|s| s.trim().is_empty()) {
                problem(format!("no {field}"));
            }
        }
        if p["license"] != "MIT OR Apache-2.0" {
            problem(format!(
                "license is {}, not MIT OR Apache-2.0",
                p["license"]
            ));
        }
        for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
            if !dir.join(file).is_file() {
                problem(format!("no {file} in {}", dir.display()));
            }
        }
        if let Some(readme) = p["readme"].as_str()
            && !dir.join(readme).is_file()
        {
            problem(format!("the readme {readme} is missing"));
        }
        let keywords = p["keywords"].as_array().map_or(0, Vec::len);
        if !(1..=5).contains(&keywords) {
            problem(format!("{keywords} keywords (the registry takes 1 to 5)"));
        }
        if p["categories"].as_array().is_none_or(Vec::is_empty) {
            problem("no categories".into());
        }
        if ["documentation", "homepage", "repository"]
            .iter()
            .all(|f| p[*f].is_null())
        {
            problem(
                "no documentation, homepage or repository: the registry would link nowhere".into(),
            );
        }
        if let Some(url) = p["repository"].as_str()
            && (url.contains(".invalid") || url.contains("example."))
        {
            problem(format!("the repository {url} is a placeholder"));
        }
        if p["publish"].as_array().is_some_and(Vec::is_empty) {
            problem("is publish = false".into());
        }
        if has_lib(p) && p["metadata"]["docs"]["rs"].is_null() {
            problem("no [package.metadata.docs.rs]".into());
        }
        // Each dependency on another published crate comes after it in PUBLISHED.
        let position = |n: &str| PUBLISHED.iter().position(|p| *p == n);
        for dep in p["dependencies"].as_array().into_iter().flatten() {
            let dep = dep["name"].as_str().unwrap_or_default();
            if let (Some(d), Some(me)) = (position(dep), position(name))
                && d > me
            {
                problem(format!("depends on {dep}, which PUBLISHED lists after it"));
            }
        }
    }
    for p in &ws.members {
        let name = p["name"].as_str().unwrap_or_default();
        if !PUBLISHED.contains(&name) && !p["publish"].as_array().is_some_and(Vec::is_empty) {
            problems.push(format!(
                "{name} is not in PUBLISHED (xtask/src/release.rs) and not publish = false"
            ));
        }
    }
    if problems.is_empty() {
        println!("{} crates have complete metadata", PUBLISHED.len());
        Ok(())
    } else {
        bail!("incomplete metadata:\n  {}", problems.join("\n  "))
    }
}

/// Packs and verifies each published crate, and checks what each package holds.
fn package(ws: &Workspace, _: &Options) -> Result<()> {
    for name in PUBLISHED {
        let listed = run_output(cargo().current_dir(&ws.root).args([
            "package",
            "--list",
            "--allow-dirty",
            "-p",
            name,
        ]))?;
        let files: BTreeSet<String> = String::from_utf8_lossy(&listed)
            .lines()
            .map(str::to_owned)
            .collect();
        let missing: Vec<_> = ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"]
            .into_iter()
            .filter(|f| !files.contains(*f))
            .collect();
        if !missing.is_empty() {
            bail!("the package of {name} lacks {}", missing.join(", "));
        }
        println!("{name}: {} files", files.len());
    }
    // Every published crate at once: cargo packs them in dependency order and builds each one
    // from its package, against the packages of the others (none of them is on the registry yet).
    // Without debug info, as the workspace builds its dependencies: 148 s to 103 s.
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .args(["package", "--locked", "--allow-dirty"]);
    for name in PUBLISHED {
        cmd.args(["-p", name]);
    }
    run(&mut cmd)
}

/// `cargo tree -e normal` of one package with the given feature arguments, as package names.
fn normal_tree(ws: &Workspace, package: &str, features: &[&str]) -> Result<BTreeSet<String>> {
    let out = run_output(
        cargo()
            .current_dir(&ws.root)
            .args(["tree", "-p", package, "-e", "normal", "--prefix", "none"])
            .args(["--format", "{p}"])
            .args(features),
    )?;
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

/// No OpenSSL by default, OpenSSL with `native-tls`, and no fake in the CLI without its default
/// features.
fn tree(ws: &Workspace, _: &Options) -> Result<()> {
    // `openssl-probe`, which finds the system's certificates for rustls, is not OpenSSL.
    let openssl =
        |tree: &BTreeSet<String>| tree.contains("openssl") || tree.contains("openssl-sys");
    for name in PUBLISHED {
        if openssl(&normal_tree(ws, name, &[])?) {
            bail!(
                "the default build of {name} depends on OpenSSL (`cargo tree -p {name} -e normal -i openssl-sys`)"
            );
        }
    }
    println!(
        "no OpenSSL in the default build of {}",
        PUBLISHED.join(", ")
    );
    if !openssl(&normal_tree(ws, "tallyfy", &["--features", "native-tls"])?) {
        bail!("tallyfy's native-tls feature does not bring in the platform's TLS (OpenSSL)");
    }
    println!("tallyfy --features native-tls: OpenSSL, as asked");
    let lean = normal_tree(
        ws,
        "tallyfy-cli",
        &["--no-default-features", "--features", "rustls"],
    )?;
    if lean.contains("tallyfy-fake") {
        bail!("tallyfy-cli --no-default-features still depends on tallyfy-fake");
    }
    println!(
        "tallyfy-cli --no-default-features: {} packages, no tallyfy-fake",
        lean.len()
    );
    Ok(())
}

/// The CLI built without its default features (so without the fake), run: it works, and `--fake`
/// says which feature it needs instead of failing some other way.
fn lean_cli(ws: &Workspace, _: &Options) -> Result<()> {
    let out = run_output(cargo().current_dir(&ws.root).args([
        "build",
        "--locked",
        "-p",
        "tallyfy-cli",
        "--no-default-features",
        "--features",
        "rustls",
        "--message-format",
        "json-render-diagnostics",
    ]))?;
    let exe = built_executable(&out, "tallyfy")?;
    let help = Command::new(&exe).arg("--help").output()?;
    if !help.status.success() {
        bail!("{} --help failed ({})", exe.display(), help.status);
    }
    let fake = Command::new(&exe)
        .args(["--fake", "guests", "list"])
        .output()?;
    let stderr = String::from_utf8_lossy(&fake.stderr);
    if fake.status.code() != Some(2) || !stderr.contains("`fake` feature") {
        bail!(
            "tallyfy --fake without the fake feature: expected exit code 2 and a message naming the feature, got {} and {stderr:?}",
            fake.status
        );
    }
    println!(
        "tallyfy without default features builds and runs; --fake says: {}",
        stderr.trim()
    );
    Ok(())
}

/// Each feature of each published crate on its own, no features and the defaults.
fn each_feature(ws: &Workspace, _: &Options) -> Result<()> {
    let openssl = Command::new("pkg-config")
        .args(["--exists", "openssl"])
        .status()
        .is_ok_and(|s| s.success());
    if !openssl {
        bail!(
            "the native-tls feature builds against OpenSSL, which pkg-config cannot find: install it (Debian: apt-get install libssl-dev pkg-config)"
        );
    }
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args(["hack", "check", "--each-feature", "--locked"]);
    for name in PUBLISHED {
        cmd.args(["-p", name]);
    }
    run(&mut cmd)
}

/// The library crates (and the CLI) checked with the declared minimum Rust.
fn msrv(ws: &Workspace, _: &Options) -> Result<()> {
    let version = ws.rust_version()?;
    run(Command::new("rustup").args(["toolchain", "install", &version, "--profile", "minimal"]))?;
    let mut cmd = Command::new("rustup");
    cmd.current_dir(&ws.root)
        .args(["run", &version, "cargo", "check", "--locked"])
        .args(["--features", "tallyfy/axum"])
        .arg("--target-dir")
        .arg(ws.target.join("msrv"));
    // Cargo's own variables point at the toolchain running this xtask.
    for var in [
        "CARGO",
        "RUSTC",
        "RUSTDOC",
        "RUSTUP_TOOLCHAIN",
        "RUSTC_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    for name in PUBLISHED {
        cmd.args(["-p", name]);
    }
    run(&mut cmd)?;
    println!("Rust {version} checks {}", PUBLISHED.join(", "));
    Ok(())
}

/// The docs of the library crates with the features docs.rs uses, every warning an error.
fn docs(ws: &Workspace, _: &Options) -> Result<()> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--no-deps", "--locked"]);
    for name in PUBLISHED {
        let p = ws.package(name)?;
        if has_lib(p) {
            cmd.args(["-p", name]);
        }
        let features = &p["metadata"]["docs"]["rs"]["features"];
        for f in features.as_array().into_iter().flatten() {
            cmd.args([
                "--features",
                &format!("{name}/{}", f.as_str().unwrap_or_default()),
            ]);
        }
    }
    run(&mut cmd)
}

fn deny(ws: &Workspace, _: &Options) -> Result<()> {
    run(cargo().current_dir(&ws.root).args([
        "deny",
        "check",
        "--hide-inclusion-graph",
        "licenses",
        "bans",
        "sources",
    ]))
}

/// The git revision the public API is compared with:
/// 1. the newest release tag (`v*`) reachable from `HEAD`;
/// 2. else the merge base of `HEAD` with `origin/main` (or `main`), the commit a branch started
///    from;
/// 3. when that is `HEAD` itself (the check runs on `main`), `HEAD`'s first parent: the state before
///    the newest commit.
pub fn baseline(root: &Path) -> Result<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .current_dir(root)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    if let Some(tag) = git(&["describe", "--tags", "--abbrev=0", "--match", "v[0-9]*"]) {
        println!("baseline: the release tag {tag}");
        return Ok(tag);
    }
    let head = git(&["rev-parse", "HEAD"]).context("not a git checkout: pass --baseline REV")?;
    for branch in ["origin/main", "main"] {
        if let Some(base) = git(&["merge-base", "HEAD", branch])
            && base != head
        {
            println!("baseline: {base}, where HEAD left {branch} (no release tag yet)");
            return Ok(base);
        }
    }
    match git(&["rev-parse", "--verify", "--quiet", "HEAD^"]) {
        Some(parent) => {
            println!("baseline: {parent}, the parent of HEAD on main (no release tag yet)");
            Ok(parent)
        }
        None if git(&["rev-parse", "--is-shallow-repository"]).as_deref() == Some("true") => bail!(
            "this is a shallow clone, so HEAD's parent is not here to compare with: fetch the history (git fetch --unshallow) or pass --baseline REV"
        ),
        None => bail!("HEAD has no parent and there is no release tag: pass --baseline REV"),
    }
}

/// `cargo semver-checks` for the crates of [`API`] against the baseline, then [`semver_canary`].
///
/// Both compare every feature but the unstable-looking ones (cargo-semver-checks' default), so
/// `axum` and `native-tls` are included.
fn semver(ws: &Workspace, baseline_rev: Option<&str>) -> Result<()> {
    let rev = match baseline_rev {
        Some(rev) => rev.to_owned(),
        None => baseline(&ws.root)?,
    };
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args(["semver-checks", "check-release", "--baseline-rev", &rev]);
    for name in API {
        cmd.args(["-p", name]);
    }
    run(&mut cmd).context(
        "the public API changed in a way that needs a new version (the report above names each change)",
    )?;
    semver_canary(ws)
}

/// Shows that the semver check can fail: with a copy of the workspace whose `tallyfy` has one more
/// public function as the baseline, the current API lacks that function at the same version, which
/// must be reported as a breaking change.
fn semver_canary(ws: &Workspace) -> Result<()> {
    step("semver canary: a public function of tallyfy removed without a version bump");
    let copy = ws.target.join("semver-canary");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).with_context(|| format!("removing {}", copy.display()))?;
    }
    // The files as they are now (committed or not, but not ignored ones such as target/).
    let listed = run_output(Command::new("git").current_dir(&ws.root).args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ]))?;
    for file in listed.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = Path::new(std::str::from_utf8(file).context("a file name that is not UTF-8")?);
        let from = ws.root.join(file);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = copy.join(file);
        std::fs::create_dir_all(to.parent().unwrap_or(&copy))?;
        std::fs::copy(&from, &to).with_context(|| format!("copying {}", file.display()))?;
    }
    let lib = copy.join("crates/tallyfy/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib)?;
    text.push_str(&format!(
        "\n/// Only in the baseline of the semver canary.\npub fn {CANARY}() {{}}\n"
    ));
    std::fs::write(&lib, text)?;
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args([
            "semver-checks",
            "check-release",
            "-p",
            "tallyfy",
            "--baseline-root",
        ])
        .arg(&copy);
    println!(
        "$ cargo semver-checks check-release -p tallyfy --baseline-root {}",
        copy.display()
    );
    let out = cmd.output().context("running cargo semver-checks")?;
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let noticed = !out.status.success()
        && report.contains("function_missing")
        && report.contains(&format!("tallyfy::{CANARY}"));
    if !noticed {
        bail!(
            "cargo semver-checks did not report the removed tallyfy::{CANARY} as breaking ({}):\n{report}",
            out.status
        );
    }
    for line in report
        .lines()
        .filter(|l| l.contains("function_missing") || l.contains(CANARY))
    {
        println!("  {}", line.trim());
    }
    println!("reported as breaking, as it must be");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A git repository in a temporary directory, with commits made by `commit`.
    struct Repo(tempfile::TempDir);

    impl Repo {
        fn new() -> Self {
            let repo = Repo(tempfile::tempdir().unwrap());
            repo.git(&["init", "-q", "-b", "main"]);
            repo
        }

        fn git(&self, args: &[&str]) -> String {
            let out = Command::new("git")
                .current_dir(self.0.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@x.io"])
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {out:?}");
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        }

        /// A new commit; returns its id.
        fn commit(&self, message: &str) -> String {
            self.git(&["commit", "-q", "--allow-empty", "-m", message]);
            self.git(&["rev-parse", "HEAD"])
        }
    }

    #[test]
    fn on_main_without_a_tag_the_baseline_is_the_parent() {
        let repo = Repo::new();
        let first = repo.commit("one");
        repo.commit("two");
        assert_eq!(baseline(repo.0.path()).unwrap(), first);
    }

    #[test]
    fn on_a_branch_the_baseline_is_where_it_left_main() {
        let repo = Repo::new();
        repo.commit("one");
        let fork = repo.commit("two");
        repo.git(&["checkout", "-q", "-b", "topic"]);
        repo.commit("three");
        repo.commit("four");
        assert_eq!(baseline(repo.0.path()).unwrap(), fork);
    }

    #[test]
    fn the_newest_release_tag_wins() {
        let repo = Repo::new();
        repo.commit("one");
        repo.git(&["tag", "v0.1.0"]);
        repo.commit("two");
        repo.git(&["tag", "v0.2.0"]);
        repo.git(&["tag", "not-a-release"]);
        repo.commit("three");
        assert_eq!(baseline(repo.0.path()).unwrap(), "v0.2.0");
    }

    #[test]
    fn a_lone_commit_has_no_baseline_and_says_what_to_do() {
        let repo = Repo::new();
        repo.commit("one");
        let e = baseline(repo.0.path()).unwrap_err().to_string();
        assert!(e.contains("--baseline REV"), "{e}");
    }

    #[test]
    fn the_published_crates_have_complete_metadata_in_publishing_order() {
        let ws = Workspace::read().unwrap();
        metadata(&ws, &Options::default()).unwrap();
    }
}
