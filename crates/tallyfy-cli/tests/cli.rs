//! Runs the real `tallyfy` binary against the fake server: every command, every exit code, streaming,
//! and the token never appearing in any output.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use tallyfy_fake::{FakeTallyfy, Fault, RetryAfter};

type FakeServer = FakeTallyfy;

const TOKEN: &str = "cli-test-token-5ecr3t";
const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");

async fn fake(guests: usize, members: usize) -> FakeServer {
    FakeTallyfy::builder()
        .org_id("cli-org")
        .token(TOKEN)
        .seed_guests(guests)
        .seed_members(members)
        .start()
        .await
        .unwrap()
}

/// The binary with a clean environment pointed at `fake`.
fn tallyfy(fake: &FakeServer) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", fake.base_url())
        .env("TALLYFY_ACCESS_TOKEN", TOKEN)
        .env("TALLYFY_ORG_ID", fake.org_id())
        .stdin(Stdio::null());
    cmd
}

async fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        !text(&out.stdout).contains(TOKEN) && !text(&out.stderr).contains(TOKEN),
        "the token leaked"
    );
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread")]
async fn fake_demo_needs_no_environment() {
    let out = tokio::task::spawn_blocking(|| {
        Command::new(BIN)
            .env_clear()
            .args(["--fake", "guests", "list", "--output", "ndjson"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_exit(&out, 0);
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines.len() > 100,
        "the demo walks more than one page: {}",
        lines.len()
    );
    assert!(lines.iter().all(|g| g["email"].is_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn guest_commands_round_trip() {
    let fake = fake(30, 5).await;
    let email = "o'brien+tag@x.io";

    let out = run(
        tallyfy(&fake),
        &[
            "guests",
            "create",
            "--email",
            email,
            "--first-name",
            "Pat",
            "--phone-1",
            "+1 555",
        ],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["email"], email);

    let out = run(tallyfy(&fake), &["guests", "get", email, "--with-stats"]).await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["first_name"], "Pat");

    let out = run(
        tallyfy(&fake),
        &["guests", "update", email, "--associated-members", "1,2"],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(
        json(&out)["details"]["associated_members"],
        serde_json::json!([1, 2])
    );
    let out = run(
        tallyfy(&fake),
        &["guests", "update", email, "--associated-members", ""],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(
        json(&out)["details"]["associated_members"],
        serde_json::json!([])
    );

    let out = run(
        tallyfy(&fake),
        &["guests", "list", "--query", "O'BRIEN", "--output", "json"],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(json(&out).as_array().unwrap().len(), 1);

    for cmd in ["disable", "enable", "disable"] {
        assert_exit(&run(tallyfy(&fake), &["guests", cmd, email]).await, 0);
    }
    assert_exit(&run(tallyfy(&fake), &["guests", "purge", email]).await, 0);
    assert_exit(&run(tallyfy(&fake), &["guests", "get", email]).await, 3);

    let other = fake.guests()[0].email.clone().unwrap();
    let out = run(tallyfy(&fake), &["guests", "remove", &other]).await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["email"], other.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn list_options_limit_page_and_concurrency() {
    let fake = fake(250, 3).await;
    let out = run(
        tallyfy(&fake),
        &[
            "guests",
            "list",
            "--per-page",
            "100",
            "--concurrency",
            "3",
            "--output",
            "ndjson",
        ],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).lines().count(), 250);

    let out = run(
        tallyfy(&fake),
        &[
            "guests",
            "list",
            "--per-page",
            "100",
            "--limit",
            "120",
            "--output",
            "json",
        ],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(json(&out).as_array().unwrap().len(), 120);

    let out = run(
        tallyfy(&fake),
        &[
            "guests",
            "list",
            "--per-page",
            "100",
            "--page",
            "3",
            "--output",
            "json",
        ],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(json(&out).as_array().unwrap().len(), 50);

    let out = run(
        tallyfy(&fake),
        &["guests", "list", "--per-page", "100", "--output", "table"],
    )
    .await;
    assert_exit(&out, 0);
    let table = text(&out.stdout);
    assert!(table.starts_with("ID"), "{table}");
    assert_eq!(table.lines().filter(|l| l.contains('@')).count(), 250);
}

#[tokio::test(flavor = "multi_thread")]
async fn member_commands() {
    let fake = fake(0, 6).await;
    let out = run(
        tallyfy(&fake),
        &[
            "members",
            "list",
            "--with",
            "groups,stats",
            "--output",
            "json",
        ],
    )
    .await;
    assert_exit(&out, 0);
    let members = json(&out);
    assert_eq!(members.as_array().unwrap().len(), 6);
    let id = members[1]["id"].as_i64().unwrap().to_string();
    let admin = fake.default_admin_id().to_string();

    assert_exit(
        &run(tallyfy(&fake), &["members", "get", &id, "--with", "stats"]).await,
        0,
    );
    let out = run(
        tallyfy(&fake),
        &[
            "members",
            "invite",
            "--email",
            "new@x.io",
            "--first-name",
            "N",
            "--last-name",
            "U",
            "--role",
            "light",
            "--message",
            "hi",
        ],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["status"], "invited");
    let out = run(
        tallyfy(&fake),
        &[
            "members",
            "update",
            &id,
            "--first-name",
            "A",
            "--last-name",
            "B",
            "--timezone",
            "Europe/London",
            "--date-format",
            "dd/mm/yyyy",
        ],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["first_name"], "A");
    let out = run(tallyfy(&fake), &["members", "set-role", &id, "admin"]).await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["role"], "admin");
    assert_exit(&run(tallyfy(&fake), &["members", "disable", &id]).await, 0);
    assert_exit(&run(tallyfy(&fake), &["members", "enable", &id]).await, 0);
    assert_exit(&run(tallyfy(&fake), &["members", "disable", &id]).await, 0);
    assert_exit(&run(tallyfy(&fake), &["members", "purge", &id]).await, 0);
    let other = members[2]["id"].as_i64().unwrap().to_string();
    assert_exit(
        &run(
            tallyfy(&fake),
            &["members", "remove", &other, "--reassign-to", &admin],
        )
        .await,
        0,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_exit_code() {
    let fake = fake(3, 2).await;

    // 2: usage and invalid input, no request sent.
    let before = fake.requests().len();
    assert_exit(
        &run(
            tallyfy(&fake),
            &["guests", "create", "--email", "not-an-address"],
        )
        .await,
        2,
    );
    assert_exit(&run(tallyfy(&fake), &["guests", "get", ".."]).await, 2);
    assert_exit(
        &run(tallyfy(&fake), &["members", "set-role", "1", "owner"]).await,
        2,
    );
    assert_exit(&run(tallyfy(&fake), &["guests", "frobnicate"]).await, 2);
    let mut no_token = tallyfy(&fake);
    no_token.env_remove("TALLYFY_ACCESS_TOKEN");
    assert_exit(&run(no_token, &["guests", "list"]).await, 2);
    assert_eq!(
        fake.requests().len(),
        before,
        "invalid input must not reach the server"
    );

    // 3: not found.
    assert_exit(
        &run(tallyfy(&fake), &["guests", "get", "nobody@x.io"]).await,
        3,
    );
    assert_exit(&run(tallyfy(&fake), &["members", "get", "999999"]).await, 3);

    // 4: unauthorized.
    let mut wrong = tallyfy(&fake);
    wrong.env("TALLYFY_ACCESS_TOKEN", "wrong-token");
    assert_exit(&run(wrong, &["guests", "list"]).await, 4);

    // 5: validation error from the server, with each field error printed.
    let member_email = fake.members()[0].email.clone().unwrap();
    let out = run(
        tallyfy(&fake),
        &["guests", "create", "--email", &member_email],
    )
    .await;
    assert_exit(&out, 5);
    assert!(
        text(&out.stderr).contains("email:"),
        "{}",
        text(&out.stderr)
    );

    // 6: still rate limited after the retries.
    fake.inject(
        Fault::RateLimited {
            retry_after: RetryAfter::Seconds(0),
        },
        10,
    );
    assert_exit(&run(tallyfy(&fake), &["guests", "list"]).await, 6);
    fake.clear_faults();

    // 7: conflict (no free seat).
    fake.set_seat_limit(Some(fake.seats_used()));
    let out = run(
        tallyfy(&fake),
        &[
            "members",
            "invite",
            "--email",
            "x@y.io",
            "--first-name",
            "X",
            "--last-name",
            "Y",
            "--role",
            "standard",
            "--message",
            "m",
        ],
    )
    .await;
    assert_exit(&out, 7);

    // 1: anything else (a 500 that outlasts the retries).
    fake.inject(Fault::Status(500), 10);
    assert_exit(&run(tallyfy(&fake), &["guests", "list"]).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn ndjson_streams_before_the_last_page_is_served() {
    let fake = FakeTallyfy::builder()
        .org_id("cli-org")
        .token(TOKEN)
        .seed_guests(500)
        .latency(Duration::from_millis(150))
        .start()
        .await
        .unwrap();
    let mut cmd = tallyfy(&fake);
    cmd.args(["guests", "list", "--per-page", "50", "--output", "ndjson"])
        .stdout(Stdio::piped());
    let fake = std::sync::Arc::new(fake);
    let requests_at_first_line = tokio::task::spawn_blocking({
        let fake = fake.clone();
        move || {
            let mut child = cmd.spawn().unwrap();
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let first = lines.next().unwrap().unwrap();
            assert!(first.contains('@'));
            let seen = fake.requests().len();
            let rest = lines.count();
            assert!(child.wait().unwrap().success());
            assert_eq!(rest + 1, 500);
            seen
        }
    })
    .await
    .unwrap();
    assert!(
        requests_at_first_line < 10,
        "the first item waited for all 10 pages ({requests_at_first_line} requests)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_logs_never_show_the_token() {
    let fake = fake(5, 2).await;
    let out = run(tallyfy(&fake), &["-vv", "guests", "list"]).await;
    assert_exit(&out, 0);
    assert!(!text(&out.stderr).is_empty(), "-vv logs to stderr");
    let out = run(tallyfy(&fake), &["guests", "list"]).await;
    assert!(
        out.stderr.is_empty(),
        "nothing on stderr without -v when it is not a terminal"
    );
}

/// On a terminal the default output is a table that fits its width (run under `script`, which gives
/// the command a pseudo-terminal).
#[tokio::test(flavor = "multi_thread")]
async fn table_on_a_pseudo_terminal() {
    let fake = fake(120, 2).await;
    let command = format!("{BIN} guests list --per-page 50");
    let mut cmd = tallyfy(&fake);
    cmd.env("COLUMNS", "90").env("PATH", "/usr/bin:/bin");
    let mut script = Command::new("script");
    script.args(["-qec", &command, "/dev/null"]).env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    let out = run(script, &[]).await;
    assert_exit(&out, 0);
    let screen = text(&out.stdout);
    let heading = screen
        .lines()
        .find(|l| l.starts_with("ID"))
        .expect("a table heading");
    assert!(
        heading.contains("EMAIL") && heading.contains("CREATED"),
        "{heading}"
    );
    assert!(
        !screen.trim_start().starts_with('['),
        "not JSON on a terminal"
    );
    let rows = screen
        .lines()
        .filter(|l| l.contains('@') || l.contains('…'))
        .count();
    assert!(rows >= 120, "{rows} rows:\n{screen}");
    assert!(
        screen.lines().filter(|l| l.starts_with("ID")).count() == 1,
        "one heading for all pages"
    );
    assert!(
        screen
            .lines()
            .all(|l| l.trim_end_matches('\r').chars().count() <= 90 || !l.contains('@'))
    );
}
