//! Runs the real `tallyfy` binary against the fake server: every command, every exit code, streaming,
//! and the token never appearing in any output.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use tallyfy_fake::{FakeTallyfy, Fault, RetryAfter};

type FakeServer = FakeTallyfy;

const TOKEN: &str = "cli-test-token-5ecr3t";
const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");

/// A fake in the shapes `TALLYFY_FAKE_SHAPES` names (`canonical` when unset, or `varied`); any
/// other value fails the test.
async fn fake(guests: usize, members: usize) -> FakeServer {
    let shapes = tallyfy_fake::Shapes::from_env().unwrap_or_else(|e| panic!("{e}"));
    FakeTallyfy::builder()
        .shapes(shapes)
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

    let disabled = |fake: &FakeServer| {
        let details = fake.guest(email).expect("the guest").details.unwrap();
        details.disabled_at.is_some()
    };
    for (cmd, now_disabled) in [("disable", true), ("enable", false), ("disable", true)] {
        assert_exit(&run(tallyfy(&fake), &["guests", cmd, email]).await, 0);
        assert_eq!(disabled(&fake), now_disabled, "after `guests {cmd}`");
    }
    assert_exit(&run(tallyfy(&fake), &["guests", "purge", email]).await, 0);
    assert!(fake.guest(email).is_none(), "purged for good");
    assert_exit(&run(tallyfy(&fake), &["guests", "get", email]).await, 3);

    let other = fake.guests()[0].email.clone().unwrap();
    let out = run(tallyfy(&fake), &["guests", "remove", &other]).await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["email"], other.as_str());
    assert!(fake.guest(&other).is_none(), "no longer a guest of the org");
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
    let numeric = id.parse::<i64>().unwrap();
    let stored = fake.member(numeric).unwrap();
    assert_eq!(
        (stored.first_name.as_deref(), stored.last_name.as_deref()),
        (Some("A"), Some("B"))
    );
    assert_eq!(stored.timezone.as_deref(), Some("Europe/London"));
    assert_eq!(stored.date_format.as_deref(), Some("dd/mm/yyyy"));
    let out = run(tallyfy(&fake), &["members", "set-role", &id, "admin"]).await;
    assert_exit(&out, 0);
    assert_eq!(json(&out)["role"], "admin");
    assert_eq!(
        fake.member(numeric).unwrap().role,
        Some(tallyfy::Role::Admin)
    );
    let status = |fake: &FakeServer| fake.member(numeric).and_then(|m| m.status);
    for (cmd, now) in [
        ("disable", "disabled"),
        ("enable", "active"),
        ("disable", "disabled"),
    ] {
        assert_exit(&run(tallyfy(&fake), &["members", cmd, &id]).await, 0);
        assert_eq!(status(&fake).as_deref(), Some(now), "after `members {cmd}`");
    }
    assert_exit(&run(tallyfy(&fake), &["members", "purge", &id]).await, 0);
    assert!(fake.member(numeric).is_none(), "purged for good");
    let other = members[2]["id"].as_i64().unwrap();
    assert_exit(
        &run(
            tallyfy(&fake),
            &[
                "members",
                "remove",
                &other.to_string(),
                "--reassign-to",
                &admin,
            ],
        )
        .await,
        0,
    );
    assert!(fake.member(other).is_none(), "removed from the org");
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
    let mut cmd = tallyfy(&fake);
    cmd.env("COLUMNS", "90");
    let out = run(on_a_terminal(&cmd, "guests list --per-page 50"), &[]).await;
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

/// `cmd`'s environment running the binary with `args` under `script`, so that its stdout and
/// stderr are a pseudo-terminal (and both end up in `script`'s stdout).
fn on_a_terminal(cmd: &Command, args: &str) -> Command {
    let mut script = Command::new("script");
    script
        .args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin");
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    script
}

/// A loopback server that answers every request with `reply(page)` (the `page` query parameter, 1 when
/// absent): for responses the fake never sends.
async fn scripted(reply: fn(u64) -> (u16, String)) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request).into_owned();
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let page = target
                    .split(['?', '&'])
                    .find_map(|p| p.strip_prefix("page="))
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1);
                let (status, body) = reply(page);
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/api")
}

/// The binary with a clean environment pointed at any base URL.
fn tallyfy_at(base_url: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", base_url)
        .env("TALLYFY_ACCESS_TOKEN", TOKEN)
        .env("TALLYFY_ORG_ID", "cli-org")
        .stdin(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_for_forbidden_conflicts_and_unknown_guests() {
    use tallyfy_fake::SeedMember;
    let fake = fake(3, 2).await;

    // 403 (another organization's id) -> 4.
    let mut other_org = tallyfy(&fake);
    other_org.env("TALLYFY_ORG_ID", "someone-elses-org");
    let out = run(other_org, &["guests", "list"]).await;
    assert_exit(&out, 4);
    assert!(text(&out.stderr).contains("403"), "{}", text(&out.stderr));

    // 422 from removing a guest the organization does not have -> 5.
    let out = run(tallyfy(&fake), &["guests", "remove", "nobody@x.io"]).await;
    assert_exit(&out, 5);

    // 409 from set-role: promoting a light member into a full seat when none is free -> 7.
    let light = fake
        .insert_member(SeedMember::new("light@x.io", "Li", "Ght").role(tallyfy::Role::Light))
        .id
        .unwrap();
    fake.set_seat_limit(Some(fake.seats_used()));
    let out = run(
        tallyfy(&fake),
        &["members", "set-role", &light.to_string(), "standard"],
    )
    .await;
    assert_exit(&out, 7);
    assert_eq!(
        fake.member(light).unwrap().role,
        Some(tallyfy::Role::Light),
        "a refused promotion changes nothing"
    );

    // 409 from enable: a disabled standard member cannot come back without a free seat -> 7.
    let away = fake
        .insert_member(SeedMember::new("away@x.io", "A", "Way").disabled())
        .id
        .unwrap();
    fake.set_seat_limit(Some(fake.seats_used()));
    let out = run(tallyfy(&fake), &["members", "enable", &away.to_string()]).await;
    assert_exit(&out, 7);
    assert!(
        text(&out.stderr).contains("SEAT_POOL_EXHAUSTED"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        fake.member(away).unwrap().status.as_deref(),
        Some("disabled"),
        "a refused enable changes nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_code_1_for_transport_timeout_and_decode_failures() {
    // Transport: nothing listens on the port (bound, then closed).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = run(
        tallyfy_at(&format!("http://127.0.0.1:{port}/api")),
        &["guests", "get", "a@x.io"],
    )
    .await;
    assert_exit(&out, 1);
    assert!(
        text(&out.stderr).contains("transport error"),
        "{}",
        text(&out.stderr)
    );

    // Timeout: the fake answers after 5 s, the call may take 1 s.
    let fake = fake(1, 1).await;
    fake.inject(Fault::Delay(Duration::from_secs(5)), 10);
    let out = run(tallyfy(&fake), &["--timeout", "1", "guests", "list"]).await;
    assert_exit(&out, 1);
    assert!(
        text(&out.stderr).contains("timed out"),
        "{}",
        text(&out.stderr)
    );

    // Decode: a 200 whose `data` is not a guest.
    let url = scripted(|_| (200, r#"{"data": "not a guest"}"#.into())).await;
    let out = run(tallyfy_at(&url), &["guests", "get", "a@x.io"]).await;
    assert_exit(&out, 1);
    assert!(
        text(&out.stderr).contains("could not decode the response (HTTP 200) at `data`"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_page_mid_walk_exits_1_after_writing_what_was_read() {
    // Claims 4 pages of 2 guests; page 3 is empty.
    let url = scripted(|page| {
        let data = if page == 3 {
            "[]".to_owned()
        } else {
            format!(
                r#"[{{"id": {a}, "email": "g{a}@x.io"}}, {{"id": {b}, "email": "g{b}@x.io"}}]"#,
                a = page * 10,
                b = page * 10 + 1
            )
        };
        let meta = format!(
            r#"{{"pagination": {{"total": 8, "count": 2, "per_page": 2, "current_page": {page}, "total_pages": 4}}}}"#
        );
        (200, format!(r#"{{"data": {data}, "meta": {meta}}}"#))
    })
    .await;
    for (format, read) in [
        ("ndjson", (|o: &str| o.lines().count()) as fn(&str) -> usize),
        ("json", |o: &str| {
            serde_json::from_str::<serde_json::Value>(o)
                .unwrap()
                .as_array()
                .unwrap()
                .len()
        }),
    ] {
        let out = run(tallyfy_at(&url), &["guests", "list", "--output", format]).await;
        assert_exit(&out, 1);
        assert_eq!(
            read(&text(&out.stdout)),
            4,
            "{format}: the items before the empty page"
        );
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("page 3 was empty") && stderr.contains("4 items were read"),
            "{stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_ends_the_command_quietly() {
    let fake = fake(3_000, 1).await;
    for args in [
        &["guests", "list", "--per-page", "100", "--output", "ndjson"][..],
        &["guests", "list", "--per-page", "100", "--output", "json"][..],
        &["guests", "list", "--per-page", "100", "--output", "table"][..],
    ] {
        let mut cmd = tallyfy(&fake);
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        let (status, stderr) = tokio::task::spawn_blocking(move || {
            let mut child = cmd.spawn().unwrap();
            // Read one line, then close the pipe, as `| head -1` does.
            let mut stdout = BufReader::new(child.stdout.take().unwrap());
            let mut first = String::new();
            stdout.read_line(&mut first).unwrap();
            drop(stdout);
            let out = child.wait_with_output().unwrap();
            (out.status, text(&out.stderr))
        })
        .await
        .unwrap();
        assert!(status.success(), "{args:?}: {status:?}, stderr: {stderr}");
        assert!(
            stderr.is_empty(),
            "{args:?}: nothing on stderr, got {stderr:?}"
        );
    }
}

/// The binary with a clean environment holding client credentials (id 77) for `fake`.
fn with_client_credentials(fake: &FakeServer, secret: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", fake.base_url())
        .env("TALLYFY_CLIENT_ID", "77")
        .env("TALLYFY_CLIENT_SECRET", secret)
        .env("TALLYFY_TOKEN_URL", fake.token_url())
        .env("TALLYFY_ORG_ID", fake.org_id())
        .stdin(Stdio::null());
    cmd
}

/// The issue's acceptance run: client credentials from the environment, a token that lasts one
/// second, and a walk that takes three, so the token is renewed mid-walk; `-v` says so on stderr
/// and never shows the secret or a token.
#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_from_the_environment_across_renewals() {
    const SECRET: &str = "cli-client-s3cret";
    let fake = FakeTallyfy::builder()
        .org_id("cli-org")
        .client_credentials("77", SECRET)
        .token_ttl(Duration::from_secs(1))
        .latency(Duration::from_millis(100))
        .seed_guests(60)
        .start()
        .await
        .unwrap();
    let out = run(
        with_client_credentials(&fake, SECRET),
        &["-v", "guests", "list", "--per-page", "2"],
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(json(&out).as_array().unwrap().len(), 60);
    let tokens = fake.token_requests();
    assert!(tokens >= 3, "{tokens} token requests");
    let log = text(&out.stderr);
    assert_eq!(log.matches("fetched an access token").count(), 1, "{log}");
    assert_eq!(
        log.matches("renewed an access token").count() as u64,
        tokens - 1,
        "{log}"
    );
    assert!(!log.contains(SECRET), "{log}");
    for request in fake.requests() {
        if let Some(auth) = request.header("authorization") {
            let token = auth.trim_start_matches("Bearer ");
            assert!(!log.contains(token), "a token leaked: {log}");
        }
    }

    // Both kinds of credentials: refused before any request.
    let mut both = with_client_credentials(&fake, SECRET);
    both.env("TALLYFY_ACCESS_TOKEN", "t");
    fake.clear_requests();
    let out = run(both, &["guests", "list"]).await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("not both"),
        "{}",
        text(&out.stderr)
    );
    assert!(fake.requests().is_empty());

    // A wrong secret: the token endpoint's refusal, exit code 4, and no API call.
    let out = run(
        with_client_credentials(&fake, "not-the-secret"),
        &["guests", "list"],
    )
    .await;
    assert_exit(&out, 4);
    assert!(
        text(&out.stderr).contains("invalid_client"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains("not-the-secret"));
    assert_eq!(fake.requests().len(), 1);
}

/// `--rate-limit N/W` paces the whole command: walking 6 one-guest pages against a fake that
/// allows 2 requests per 900 ms gets no 429 when paced to 2 per second, and runs into them with
/// `--rate-limit off` (the walk still completes: a 429 is retried after its `Retry-After`). A
/// setting that is no rate is a usage error, from the flag or from TALLYFY_RATE_LIMIT.
#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_paces_the_whole_command() {
    let limited = || async {
        FakeTallyfy::builder()
            .org_id("cli-org")
            .token(TOKEN)
            .seed_guests(6)
            .rate_limit(2, std::time::Duration::from_millis(900))
            .start()
            .await
            .unwrap()
    };
    let walk = ["guests", "list", "--per-page", "1", "--output", "ndjson"];

    let fake = limited().await;
    let out = run(
        tallyfy(&fake),
        &[&["--rate-limit", "2/1s"][..], &walk].concat(),
    )
    .await;
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).lines().count(), 6);
    let stats = fake.stats();
    assert_eq!((stats.requests, stats.with_status(429)), (6, 0));

    let fake = limited().await;
    let mut cmd = tallyfy(&fake);
    cmd.env("TALLYFY_RATE_LIMIT", "off");
    let out = run(cmd, &walk).await;
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).lines().count(), 6);
    assert!(fake.stats().with_status(429) > 0, "{:?}", fake.stats());

    for (flag, env) in [(Some("fast"), None), (None, Some("10 per second"))] {
        let mut cmd = tallyfy(&fake);
        if let Some(env) = env {
            cmd.env("TALLYFY_RATE_LIMIT", env);
        }
        let mut args = vec!["guests", "list"];
        if let Some(flag) = flag {
            args.extend(["--rate-limit", flag]);
        }
        let out = run(cmd, &args).await;
        assert_exit(&out, 2);
        assert!(text(&out.stderr).contains("N/W"), "{}", text(&out.stderr));
    }
}

/// On a terminal, a walk that waits for the rate limit says so in its progress bar.
#[tokio::test(flavor = "multi_thread")]
async fn the_progress_bar_says_when_the_walk_waits_for_the_rate_limit() {
    let fake = fake(3, 1).await;
    let args = "--rate-limit 1/1s guests list --per-page 1 --output ndjson";
    // A terminal the progress bar knows how to draw on (without TERM it draws nothing).
    let mut cmd = tallyfy(&fake);
    cmd.env("TERM", "xterm");
    let out = run(on_a_terminal(&cmd, args), &[]).await;
    assert_exit(&out, 0);
    let screen = text(&out.stdout);
    assert_eq!(screen.matches("@").count(), 3, "{screen}");
    assert!(
        screen.contains("waiting for the rate limit (1/1s): next request in"),
        "{screen}"
    );
}
