//! `tallyfy webhooks listen` end to end: the fake posts its webhooks (with deliberate duplicates)
//! to the command while a process is launched and its tasks completed through the CLI; the command
//! prints one JSON line per webhook, in order, with the duplicates flagged, refuses a request
//! without the secret, forwards what it accepts, and stops on SIGTERM. `webhooks parse` decodes a
//! documented payload.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tallyfy_fake::FakeTallyfy;

const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");
const ORG: &str = "hooks-org";
const TOKEN: &str = "hooks-token";
const SECRET: &str = "listen-s3cret";

/// `tallyfy webhooks listen` in the background: its address, and its stdout lines as they come.
fn listen(extra: &[&str]) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .env_clear()
        .env("TALLYFY_ORG_ID", ORG)
        .env("TALLYFY_WEBHOOK_SECRET", SECRET)
        .args(["webhooks", "listen"])
        .args(extra)
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

async fn cli(fake: &FakeTallyfy, args: &[&str]) -> Value {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", fake.base_url())
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
    let fake = FakeTallyfy::builder()
        .org_id(ORG)
        .token(TOKEN)
        .seed_members(3)
        .seed_templates(4)
        .webhook_url(format!("{addr}/hooks?token={SECRET}"))
        .webhook_duplicates(0.5)
        .start()
        .await
        .unwrap();

    let templates = cli(
        &fake,
        &["templates", "list", "--query", "Blog Post Publishing"],
    )
    .await;
    let template = id(&templates[0]);
    let run = id(&cli(&fake, &["processes", "launch", "--checklist-id", &template]).await);
    let tasks = cli(&fake, &["processes", "tasks", &run]).await;
    let tasks: Vec<String> = tasks.as_array().unwrap().iter().map(id).collect();
    let fields = cli(&fake, &["templates", "form-fields", &template]).await;
    let draft_link = id(&fields["form_fields"][0]);
    cli(
        &fake,
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
        cli(&fake, &args).await;
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
    let log = fake.wait_for_deliveries(9, Duration::from_secs(5)).await;
    assert!(log.iter().all(|d| d.status == Some(200)), "{log:?}");

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
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused a webhook (401)"), "{stderr}");
    assert!(!stderr.contains(SECRET) && !format!("{got:?}").contains(SECRET));
}

#[test]
fn parse_prints_the_typed_event() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tallyfy/tests/webhooks/process-launched.json"
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
