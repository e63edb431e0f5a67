//! The reference's JSON samples through the real `tallyfy` binary, over loopback.
//!
//! Reads the same checked-in samples as `tests/tests/documented_samples.rs` (written by
//! `tools/extract_samples.py` into `tests/samples/`):
//! - each response sample is served to the command of its operation, run with `--output json`, and
//!   every record arrives, equal to what the SDK decodes from the sample (ids, emails and every other
//!   field it understood);
//! - each request-body sample is turned into the command's flags, and the body the binary sends is
//!   exactly the sample.

use serde_json::{Value, json};
use std::process::{Command, Output, Stdio};
use tallyfy::types;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");
const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/samples");
const TOKEN: &str = "samples-token";
const ORG: &str = "org-1";

/// One manifest entry: the sample's file, source, line, kind and operation.
struct Entry {
    file: String,
    at: String,
    kind: String,
    operation: String,
    value: Value,
}

fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(format!("{SAMPLES}/manifest.json")).unwrap();
    let manifest: Value = serde_json::from_str(&text).unwrap();
    manifest["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap().to_string();
            let file = field("file");
            let sample = std::fs::read_to_string(format!("{SAMPLES}/{file}")).unwrap();
            Entry {
                at: format!("{}:{}", field("source"), e["line"]),
                kind: field("kind"),
                operation: field("operation"),
                value: serde_json::from_str(&sample).unwrap(),
                file,
            }
        })
        .collect()
}

/// The HTTP method and path (a regex below the base URL) of each operation with a sample.
fn route(operation: &str) -> (&'static str, &'static str) {
    match operation {
        "list_guests" => ("GET", "^/api/organizations/org-1/guests$"),
        "create_guest" => ("POST", "^/api/organizations/org-1/guests$"),
        "get_guest" => ("GET", "^/api/organizations/org-1/guests/[^/]+$"),
        "update_guest" => ("PUT", "^/api/organizations/org-1/guests/[^/]+$"),
        "list_members" => ("GET", "^/api/organizations/org-1/users$"),
        "invite_member" => ("POST", "^/api/organizations/org-1/users/invite$"),
        "get_member" => ("GET", "^/api/organizations/org-1/users/[0-9]+$"),
        "update_member" => ("PUT", "^/api/organizations/org-1/users/[0-9]+$"),
        "remove_member" => ("DELETE", "^/api/organizations/org-1/users/[0-9]+$"),
        "set_member_role" => ("PUT", "^/api/organizations/org-1/users/[0-9]+/role$"),
        other => panic!("no route for {other}; add it"),
    }
}

fn text(v: &Value, pointer: &str, default: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_string()
}

/// The command that runs `operation`, with inputs taken from a response sample where it has them.
fn command_for_response(operation: &str, sample: &Value) -> Vec<String> {
    let email = text(sample, "/data/email", "someone@example.com");
    let id = sample
        .pointer("/data/id")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .to_string();
    let args: Vec<&str> = match operation {
        "list_guests" => vec!["guests", "list"],
        "get_guest" => vec!["guests", "get", &email],
        "create_guest" => vec!["guests", "create", "--email", &email],
        "update_guest" => vec!["guests", "update", &email, "--associated-members", "1"],
        "list_members" => vec!["members", "list"],
        "get_member" => vec!["members", "get", &id],
        "invite_member" => vec![
            "members",
            "invite",
            "--email",
            &email,
            "--first-name",
            "New",
            "--last-name",
            "Member",
            "--role",
            "standard",
            "--message",
            "Welcome",
        ],
        "update_member" => vec![
            "members",
            "update",
            &id,
            "--first-name",
            "New",
            "--last-name",
            "Name",
            "--timezone",
            "UTC",
        ],
        "set_member_role" => vec!["members", "set-role", &id, "light"],
        "remove_member" => vec!["members", "remove", &id],
        other => panic!("no command for {other}; add it"),
    };
    args.into_iter().map(String::from).collect()
}

/// A flag per key of a request-body sample (`phone_1` → `--phone-1 VALUE`), after the command's
/// positional arguments.
fn command_for_request(operation: &str, sample: &Value) -> Vec<String> {
    let flags = |mut args: Vec<String>, skip: &[&str]| {
        for (key, value) in sample.as_object().unwrap() {
            if skip.contains(&key.as_str()) {
                continue;
            }
            let value = match value {
                Value::String(s) => s.clone(),
                other => panic!("no flag rule for {key}: {other}"),
            };
            args.push(format!("--{}", key.replace('_', "-")));
            args.push(value);
        }
        args
    };
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    match operation {
        "create_guest" => flags(s(&["guests", "create"]), &[]),
        "invite_member" => flags(s(&["members", "invite"]), &[]),
        "update_member" => flags(s(&["members", "update", "12345"]), &[]),
        "set_member_role" => s(&[
            "members",
            "set-role",
            "12345",
            sample["role"].as_str().unwrap(),
        ]),
        "update_guest" => {
            let ids: Vec<String> = sample["associated_members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_i64().unwrap().to_string())
                .collect();
            let mut args = s(&[
                "guests",
                "update",
                "guest@example.com",
                "--associated-members",
            ]);
            args.push(ids.join(","));
            args
        }
        other => panic!("no command for a request body of {other}; add it"),
    }
}

/// What the SDK decodes from a response sample, as the CLI prints it: one record or a list.
fn decoded(entry: &Entry) -> Value {
    let record = |v: &Value| -> Value {
        let data = v["data"].clone();
        if entry.operation.contains("guest") {
            let g: types::Guest = serde_json::from_value(data)
                .unwrap_or_else(|e| panic!("{} ({}): {e}", entry.file, entry.at));
            serde_json::to_value(g).unwrap()
        } else {
            let m: types::Member = serde_json::from_value(data)
                .unwrap_or_else(|e| panic!("{} ({}): {e}", entry.file, entry.at));
            serde_json::to_value(m).unwrap()
        }
    };
    match &entry.value["data"] {
        Value::Array(items) => items.iter().map(|i| record(&json!({"data": i}))).collect(),
        _ => record(&entry.value),
    }
}

async fn run(base_url: &str, args: &[String]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", base_url)
        .env("TALLYFY_ACCESS_TOKEN", TOKEN)
        .env("TALLYFY_ORG_ID", ORG)
        .args(args)
        .args(["--output", "json"])
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// A loopback server that answers `operation`'s route, once, with `body`.
async fn serve(operation: &str, body: &Value) -> MockServer {
    let (verb, path) = route(operation);
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path_regex(path))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn stdout_json(entry: &Entry, out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{} ({}): stdout {stdout}\nstderr {}",
        entry.file,
        entry.at,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{}: {e}: {stdout}", entry.file))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_response_sample_arrives_through_the_binary() {
    let mut seen = 0;
    for entry in manifest().into_iter().filter(|e| e.kind == "response") {
        let server = serve(&entry.operation, &entry.value).await;
        let args = command_for_response(&entry.operation, &entry.value);
        let out = run(&format!("{}/api", server.uri()), &args).await;
        let printed = stdout_json(&entry, &out);
        let want = decoded(&entry);
        assert_eq!(printed, want, "{} ({}): {args:?}", entry.file, entry.at);
        // And the records are the sample's own, not just equal to another decode of them.
        let ids_and_emails = |v: &Value| -> Vec<(Value, Value)> {
            let items = v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
            items
                .iter()
                .map(|i| (i["id"].clone(), i["email"].clone()))
                .collect()
        };
        let sample_records = match &entry.value["data"] {
            Value::Array(items) => Value::Array(items.clone()),
            one => one.clone(),
        };
        assert_eq!(
            ids_and_emails(&printed),
            ids_and_emails(&sample_records),
            "{}",
            entry.file
        );
        assert!(
            ids_and_emails(&printed).iter().all(|(id, _)| !id.is_null()),
            "{}: a record without its id",
            entry.file
        );
        server.verify().await;
        seen += 1;
    }
    assert_eq!(seen, 15, "response samples in tests/samples/manifest.json");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_request_sample_is_what_the_binary_sends() {
    let entries = manifest();
    let mut seen = 0;
    for entry in entries.iter().filter(|e| e.kind == "request") {
        // Answer with a documented response of the same operation.
        let reply = entries
            .iter()
            .find(|e| e.kind == "response" && e.operation == entry.operation)
            .map(|e| e.value.clone())
            .unwrap_or_else(|| {
                panic!("{}: no response sample for {}", entry.file, entry.operation)
            });
        let server = serve(&entry.operation, &reply).await;
        let args = command_for_request(&entry.operation, &entry.value);
        let out = run(&format!("{}/api", server.uri()), &args).await;
        stdout_json(entry, &out);
        let requests = server.received_requests().await.unwrap();
        let body: Value = serde_json::from_slice(&requests[0].body)
            .unwrap_or_else(|e| panic!("{}: the body sent is not JSON: {e}", entry.file));
        assert_eq!(body, entry.value, "{} ({}): {args:?}", entry.file, entry.at);
        server.verify().await;
        seen += 1;
    }
    assert_eq!(seen, 9, "request samples in tests/samples/manifest.json");
}
