//! `tallyfy webhooks listen` end to end, two binaries talking HTTP: the `tallyfy-fake` binary
//! posts its webhooks (with deliberate duplicates, `--webhook-duplicates`) to the command while a
//! process is launched and its tasks completed through the CLI; the command prints one JSON line
//! per webhook, in order, with the duplicates flagged, refuses a request without the secret,
//! forwards what it accepts, and stops on SIGTERM. `webhooks parse` decodes a documented payload.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");
const ORG: &str = "hooks-org";
const TOKEN: &str = "hooks-token";
const SECRET: &str = "listen-s3cret";

/// The `tallyfy-fake` binary. Cargo only hands a test the binaries of its own package, so this
/// asks cargo to build the fake's (a no-op after `cargo test --workspace`, which has built it
/// with the same features) and takes the path from cargo's own report, never a guess.
fn fake_binary() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
        let mut build = Command::new(cargo);
        build
            .args(["build", "--quiet", "--message-format=json"])
            .args(["-p", "tallyfy-fake", "--bin", "tallyfy-fake"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(Stdio::inherit());
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let out = build.output().expect("running cargo to build tallyfy-fake");
        assert!(out.status.success(), "cargo build -p tallyfy-fake failed");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "tallyfy-fake")
            .and_then(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reported no tallyfy-fake executable")
    })
}

/// `tallyfy webhooks listen` in the background: its address, and its stdout lines as they come.
fn listen(extra: &[&str]) -> (Child, String, mpsc::Receiver<String>) {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_ORG_ID", ORG)
        .env("TALLYFY_WEBHOOK_SECRET", SECRET)
        .args(["webhooks", "listen"])
        .args(extra);
    spawn_listening(cmd)
}

/// Starts a command whose first stdout line is `listening on http://ADDR`: the child, the
/// address, and the rest of its stdout lines as they come.
fn spawn_listening(mut cmd: Command) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    let addr = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_owned();
    (child, addr, rx)
}

async fn cli(api: &str, args: &[&str]) -> Value {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", api)
        .env("TALLYFY_ACCESS_TOKEN", TOKEN)
        .env("TALLYFY_ORG_ID", ORG)
        .args(args)
        .args(["--output", "json"])
        .stdin(Stdio::null());
    let out: Output = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn id(v: &Value) -> String {
    match &v["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn stop(mut child: Child) -> Output {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let _ = child.stdout.take();
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_prints_each_webhook_of_a_cli_driven_process_in_order() {
    // A receiver that `listen` forwards to: answers 202.
    let forward = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let forward_url = format!("http://{}/forwarded", forward.local_addr().unwrap());
    let app = axum::Router::new().fallback(axum::routing::post(|| async {
        axum::http::StatusCode::ACCEPTED
    }));
    tokio::spawn(async move { axum::serve(forward, app).await.unwrap() });

    let (child, addr, lines) = listen(&["--forward-to", &forward_url]);
    let mut fake = Command::new(fake_binary());
    fake.env_clear()
        .args(["--org", ORG, "--token", TOKEN])
        .args(["--seed-members", "3", "--seed-templates", "4"])
        .args(["--webhook-url", &format!("{addr}/hooks?token={SECRET}")])
        .args(["--webhook-duplicates", "0.5"]);
    let (fake, fake_addr, _) = spawn_listening(fake);
    let api = format!("{fake_addr}/api");
    let api = api.as_str();

    let templates = cli(
        api,
        &["templates", "list", "--query", "Blog Post Publishing"],
    )
    .await;
    let template = id(&templates[0]);
    let run = id(&cli(api, &["processes", "launch", "--checklist-id", &template]).await);
    let tasks = cli(api, &["processes", "tasks", &run]).await;
    let tasks: Vec<String> = tasks.as_array().unwrap().iter().map(id).collect();
    let fields = cli(api, &["templates", "form-fields", &template]).await;
    let draft_link = id(&fields["form_fields"][0]);
    cli(
        api,
        &[
            "tasks",
            "save-value",
            &tasks[0],
            "--id",
            &draft_link,
            "--value",
            "\"https://docs.example/d\"",
        ],
    )
    .await;
    for (task, approve) in [(0, false), (1, true), (2, false), (3, false)] {
        let mut args = vec!["tasks", "complete", &run, "--task-id", &tasks[task]];
        if approve {
            args.extend(["--is-approved", "true"]);
        }
        cli(api, &args).await;
    }

    // 6 deliveries (launch, 4 tasks, completion), every second one doubled: 9 lines.
    let got: Vec<Value> = (0..9)
        .map(|_| {
            serde_json::from_str(&lines.recv_timeout(Duration::from_secs(20)).unwrap()).unwrap()
        })
        .collect();
    let kinds: Vec<&str> = got.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    let dups: Vec<bool> = got
        .iter()
        .map(|l| l["duplicate"].as_bool().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "process.launched",
            "task.completed",
            "task.completed",
            "task.completed",
            "task.completed",
            "task.completed",
            "task.completed",
            "process.completed",
            "process.completed",
        ]
    );
    assert_eq!(
        dups,
        [false, false, true, false, false, true, false, false, true]
    );
    assert!(got.iter().all(|l| l["process_id"] == run.as_str()));
    assert_eq!(got[1]["task_id"], tasks[0].as_str());
    assert!(got[0]["task_id"].is_null());
    assert!(got.iter().all(|l| l["forwarded_status"] == 202));
    assert_eq!(got[1]["dedupe_key"], got[2]["dedupe_key"]);

    // Without the secret: 401, and a line on stderr.
    let refused = tallyfy::reqwest::Client::new()
        .post(format!("{addr}/hooks"))
        .header("x-tallyfy-orgid", ORG)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let out = stop(child);
    assert!(
        out.status.success(),
        "listen exits 0 on SIGTERM: {:?}",
        out.status
    );
    let fake_out = stop(fake);
    assert!(fake_out.status.success(), "{:?}", fake_out.status);
    // The fake's own account: nine attempts, each answered 200 by `listen`.
    let fake_stderr = String::from_utf8_lossy(&fake_out.stderr);
    let attempts: Vec<&str> = fake_stderr
        .lines()
        .filter(|l| l.starts_with("webhook "))
        .collect();
    assert_eq!(attempts.len(), 9, "{fake_stderr}");
    assert!(
        attempts.iter().all(|l| l.ends_with(": 200")),
        "{fake_stderr}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused a webhook (401)"), "{stderr}");
    assert!(!stderr.contains(SECRET) && !format!("{got:?}").contains(SECRET));
}

#[test]
fn parse_prints_the_typed_event() {
    // The complete process-level example of the payload page, as tools/extract_samples.py
    // extracted it.
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/samples/docs-webhooks-webhook-payload-structure-1.json"
    );
    let out = Command::new(BIN)
        .env_clear()
        .args(["webhooks", "parse", sample])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let event: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["kind"], "process.launched");
    assert_eq!(
        event["dedupe_key"],
        "process.launched:abc123def456ghi789jkl012mno345pq"
    );
    assert_eq!(event["payload"]["ko-form-fields"]["urgency"], "normal");
    let out = Command::new(BIN)
        .env_clear()
        .args(["webhooks", "parse", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not JSON"));
}
