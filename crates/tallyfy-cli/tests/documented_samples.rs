//! The reference's JSON samples through the real `tallyfy` binary, over loopback.
//!
//! Reads the same checked-in samples as `tests/tests/documented_samples.rs` (written by
//! `tools/extract_samples.py` into `tests/samples/`):
//! - each response sample is served to the command of its operation, run with `--output json`, and
//!   every record arrives, equal to what the SDK decodes from the sample (ids, emails and every other
//!   field it understood);
//! - each request-body sample is turned into the command's flags, and the body the binary sends is
//!   exactly the sample (for a sample of one body property, that property of the body; for the
//!   form values the SDK rewrites by its documented rules, the sample without what goes, as in
//!   `tests/tests/documented_samples.rs`); a sample whose placeholders contradict the spec is
//!   refused by the binary before anything is sent.

use serde_json::Value;
use std::process::{Command, Output, Stdio};
use tallyfy::types;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");
const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/samples");
const TOKEN: &str = "samples-token";
const ORG: &str = "org-1";
/// A path id where the sample gives none.
const HEX: &str = "0123456789abcdef0123456789abcdef";

/// Request samples whose placeholders contradict the spec (see `CONTRADICTIONS` in
/// `tests/tests/documented_samples.rs`): the binary must refuse them, saying this.
const CONTRADICTIONS: &[(&str, &str)] = &[
    (
        "docs-processes-update-process-1.json",
        "invalid --users \"user_id_1\"",
    ),
    (
        "docs-processes-launch-process-without-template-1.json",
        "invalid --owners: expected assignees {\"users\": [<integer>]",
    ),
    (
        "docs-files-upload-attach-file-3.json",
        "the following required arguments were not provided:\n  --title <TITLE>",
    ),
];

#[path = "../../../tests/samples/manifest.rs"]
mod samples;

use samples::Entry;

fn manifest() -> Vec<Entry> {
    samples::manifest(SAMPLES)
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
        "list_templates" => ("GET", "^/api/organizations/org-1/checklists$"),
        "get_template" => ("GET", "^/api/organizations/org-1/checklists/[^/]+$"),
        "create_template" => ("POST", "^/api/organizations/org-1/checklists$"),
        "update_template" => ("PUT", "^/api/organizations/org-1/checklists/[^/]+$"),
        "archive_template" => ("DELETE", "^/api/organizations/org-1/checklists/[^/]+$"),
        "delete_template" => (
            "DELETE",
            "^/api/organizations/org-1/checklists/[^/]+/delete$",
        ),
        "list_processes" => ("GET", "^/api/organizations/org-1/runs$"),
        "launch_process" => ("POST", "^/api/organizations/org-1/runs$"),
        "get_process" => ("GET", "^/api/organizations/org-1/runs/[^/]+$"),
        "update_process" => ("PUT", "^/api/organizations/org-1/runs/[^/]+$"),
        "archive_process" => ("DELETE", "^/api/organizations/org-1/runs/[^/]+$"),
        "activate_process" => ("PUT", "^/api/organizations/org-1/runs/[^/]+/activate$"),
        "list_process_tasks" => ("GET", "^/api/organizations/org-1/runs/[^/]+/tasks$"),
        "update_task" => ("PUT", "^/api/organizations/org-1/runs/[^/]+/tasks/[^/]+$"),
        "complete_task" => (
            "POST",
            "^/api/organizations/org-1/runs/[^/]+/completed-tasks$",
        ),
        "reopen_task" => (
            "DELETE",
            "^/api/organizations/org-1/runs/[^/]+/completed-tasks/[^/]+$",
        ),
        "list_tasks" => ("GET", "^/api/organizations/org-1/tasks$"),
        "create_oneoff_task" => ("POST", "^/api/organizations/org-1/tasks$"),
        "get_task" => ("GET", "^/api/organizations/org-1/tasks/[^/]+$"),
        "list_tags" => ("GET", "^/api/organizations/org-1/tags$"),
        "create_tag" => ("POST", "^/api/organizations/org-1/tags$"),
        "get_tag" => ("GET", "^/api/organizations/org-1/tags/[^/]+$"),
        "update_tag" => ("PUT", "^/api/organizations/org-1/tags/[^/]+$"),
        "list_groups" => ("GET", "^/api/organizations/org-1/groups$"),
        "create_group" => ("POST", "^/api/organizations/org-1/groups$"),
        "get_group" => ("GET", "^/api/organizations/org-1/groups/[^/]+$"),
        "update_group" => ("PUT", "^/api/organizations/org-1/groups/[^/]+$"),
        "get_asset" => ("GET", "^/api/organizations/org-1/assets/[^/]+$"),
        "upload_file" => ("POST", "^/api/organizations/org-1/file$"),
        "list_activity" => ("GET", "^/api/organizations/org-1/activity-feeds$"),
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
    // A workflow id from the sample when it has one.
    let hex = text(sample, "/data/id", HEX);
    let upload = if operation == "upload_file" {
        // One fixed name, so that runs leave one small file at most.
        let path = std::env::temp_dir().join("tallyfy-documented-sample-upload.txt");
        std::fs::write(&path, "a document").unwrap();
        path.to_str().unwrap().to_string()
    } else {
        String::new()
    };
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
        // Lists fetch the sample's page only: its meta says there are more.
        "list_templates" => vec!["templates", "list", "--page", "1"],
        "get_template" => vec!["templates", "get", &hex],
        "create_template" => vec![
            "templates",
            "create",
            "--title",
            "Onboarding",
            "--type",
            "procedure",
        ],
        "update_template" => vec!["templates", "update", &hex, "--title", "Onboarding"],
        "archive_template" => vec!["templates", "archive", HEX],
        "delete_template" => vec!["templates", "delete", HEX],
        "list_processes" => vec!["processes", "list", "--page", "1"],
        "get_process" => vec!["processes", "get", &hex],
        "update_process" => vec!["processes", "update", &hex, "--name", "Renamed"],
        "archive_process" => vec!["processes", "archive", &hex],
        "activate_process" => vec!["processes", "activate", &hex],
        "list_process_tasks" => vec!["processes", "tasks", HEX, "--page", "1"],
        "update_task" => vec!["tasks", "update", HEX, &hex, "--title", "Renamed"],
        "complete_task" => vec!["tasks", "complete", HEX, "--task-id", &hex],
        "reopen_task" => vec!["tasks", "reopen", HEX, &hex],
        "list_tasks" => vec!["tasks", "list", "--page", "1"],
        "get_task" => vec!["tasks", "get", &hex],
        "create_oneoff_task" => vec![
            "tasks",
            "create-oneoff",
            "--title",
            "Call the bank",
            "--task-type",
            "task",
            "--owners",
            "{}",
            "--deadline",
            "2025-07-15T17:00:00Z",
        ],
        "list_tags" => vec!["tags", "list", "--page", "1"],
        "create_tag" => vec!["tags", "create", "--title", "Tag"],
        "get_tag" => vec!["tags", "get", &hex],
        "update_tag" => vec!["tags", "update", &hex, "--title", "Tag"],
        "list_groups" => vec!["groups", "list", "--page", "1"],
        "create_group" => vec!["groups", "create", "--name", "Group", "--description", ""],
        "get_group" => vec!["groups", "get", &hex],
        "update_group" => vec!["groups", "update", &hex, "--name", "Group"],
        "get_asset" => vec!["files", "get", &hex],
        // Any file the server takes will do: the sample is the server's answer.
        "upload_file" => vec![
            "files",
            "upload",
            "--name",
            &upload,
            "--subject-id",
            HEX,
            "--subject-type",
            "Run",
            "--uploaded-from",
            "capture",
        ],
        "list_activity" => vec!["activity", "list", "--page", "1"],
        other => panic!("no command for {other}; add it"),
    };
    args.into_iter().map(String::from).collect()
}

/// A flag per key of a request-body sample (`phone_1` → `--phone-1 VALUE`), after the command's
/// positional arguments.
fn command_for_request(operation: &str, part: Option<&str>, sample: &Value) -> Vec<String> {
    let flags = |mut args: Vec<String>, skip: &[&str]| {
        for (key, value) in sample.as_object().unwrap() {
            if skip.contains(&key.as_str()) {
                continue;
            }
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                // A list of scalars is one comma-separated flag; an object or a list of objects is
                // a JSON flag.
                Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                    items
                        .iter()
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), String::from))
                        .collect::<Vec<_>>()
                        .join(",")
                }
                Value::Object(_) | Value::Array(_) => value.to_string(),
                other => panic!("no flag rule for {key}: {other}"),
            };
            args.push(format!("--{}", key.replace('_', "-")));
            args.push(value);
        }
        args
    };
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    if let Some(part) = part {
        let mut args = match operation {
            "launch_process" => s(&["processes", "launch", "--checklist-id", HEX]),
            other => panic!("no command for a part of a request body of {other}; add it"),
        };
        args.push(format!("--{}", part.replace('_', "-")));
        args.push(sample.to_string());
        return args;
    }
    match operation {
        "create_group" => flags(s(&["groups", "create"]), &[]),
        "create_tag" => flags(s(&["tags", "create"]), &[]),
        "update_tag" => flags(s(&["tags", "update", HEX]), &[]),
        "launch_process" => flags(s(&["processes", "launch"]), &[]),
        "update_process" => flags(s(&["processes", "update", HEX]), &[]),
        "complete_task" => flags(s(&["tasks", "complete", HEX]), &[]),
        "update_task" => flags(s(&["tasks", "update", HEX, HEX]), &[]),
        "create_oneoff_task" => flags(s(&["tasks", "create-oneoff"]), &[]),
        "update_template" => flags(s(&["templates", "update", HEX]), &[]),
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
    fn via<T: serde::de::DeserializeOwned + serde::Serialize>(entry: &Entry, v: &Value) -> Value {
        let t: T = serde_json::from_value(v.clone())
            .unwrap_or_else(|e| panic!("{} ({}): {e}", entry.file, entry.at()));
        serde_json::to_value(t).unwrap()
    }
    let op = entry.operation.as_str();
    let record = |v: &Value| -> Value {
        match op {
            _ if op.contains("guest") => via::<types::Guest>(entry, v),
            _ if op.contains("member") => via::<types::Member>(entry, v),
            _ if op.contains("template") => via::<types::Template>(entry, v),
            "complete_task" | "reopen_task" => via::<types::TaskState>(entry, v),
            _ if op.contains("task") => via::<types::Task>(entry, v),
            _ if op.contains("process") => via::<types::Process>(entry, v),
            _ if op.contains("tag") => via::<types::Tag>(entry, v),
            _ if op.contains("group") => via::<types::Group>(entry, v),
            "get_asset" | "upload_file" => via::<types::Asset>(entry, v),
            "list_activity" => via::<types::Activity>(entry, v),
            other => panic!("{}: no record type for {other}; add it", entry.file),
        }
    };
    match (op, &entry.value["data"]) {
        // Answered without an envelope: the whole body is the record.
        ("archive_template" | "delete_template", _) => {
            via::<types::TemplateRemoval>(entry, &entry.value)
        }
        (_, Value::Array(items)) => items.iter().map(record).collect(),
        (_, one) => record(one),
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
    serve_times(operation, body, 1).await
}

/// A loopback server that answers `operation`'s route with `body`, and must be asked `times`.
async fn serve_times(operation: &str, body: &Value, times: u64) -> MockServer {
    let (verb, path) = route(operation);
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path_regex(path))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(times)
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
        entry.at(),
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
        assert_eq!(printed, want, "{} ({}): {args:?}", entry.file, entry.at());
        // And the records are the sample's own, not just equal to another decode of them.
        let ids_and_emails = |v: &Value| -> Vec<(Value, Value)> {
            let items = v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
            items
                .iter()
                .map(|i| (i["id"].clone(), i["email"].clone()))
                .collect()
        };
        let sample_records = match &entry.value.get("data") {
            Some(Value::Array(items)) => Value::Array(items.clone()),
            Some(one) => (*one).clone(),
            None => {
                // A body without an envelope (a template's removal) has no id to follow.
                assert_eq!(printed["message"], entry.value["message"], "{}", entry.file);
                server.verify().await;
                seen += 1;
                continue;
            }
        };
        assert_eq!(
            ids_and_emails(&printed),
            ids_and_emails(&sample_records),
            "{}",
            entry.file
        );
        // The upload page's attach answer shows a task by its `taskdata` alone, without an id.
        let partial = entry.file == "docs-files-upload-attach-file-4.json";
        assert!(
            partial || ids_and_emails(&printed).iter().all(|(id, _)| !id.is_null()),
            "{}: a record without its id",
            entry.file
        );
        if partial {
            assert_eq!(
                printed["taskdata"], sample_records["taskdata"],
                "{}",
                entry.file
            );
        }
        server.verify().await;
        seen += 1;
    }
    assert_eq!(seen, 46, "response samples in tests/samples/manifest.json");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_request_sample_is_what_the_binary_sends() {
    let entries = manifest();
    let mut seen = 0;
    for entry in entries.iter().filter(|e| e.kind == "request") {
        // Answer with a documented response of the same operation (a launch has none on its page;
        // it answers with a process, as get_process does).
        let answered_like = match entry.operation.as_str() {
            "launch_process" => "get_process",
            op => op,
        };
        let reply = entries
            .iter()
            .find(|e| e.kind == "response" && e.operation == answered_like)
            .map(|e| e.value.clone())
            .unwrap_or_else(|| {
                panic!("{}: no response sample for {}", entry.file, entry.operation)
            });
        let refused = CONTRADICTIONS.iter().find(|(f, _)| *f == entry.file);
        let server = serve_times(&entry.operation, &reply, u64::from(refused.is_none())).await;
        let args = command_for_request(&entry.operation, entry.part.as_deref(), &entry.value);
        let out = run(&format!("{}/api", server.uri()), &args).await;
        if let Some((_, says)) = refused {
            assert_ne!(
                out.status.code(),
                Some(0),
                "{}: {args:?} was accepted",
                entry.file
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(says), "{}: {stderr}", entry.file);
            let sent = server.received_requests().await.unwrap();
            assert!(sent.is_empty(), "{}: sent although refused", entry.file);
            seen += 1;
            continue;
        }
        stdout_json(entry, &out);
        let requests = server.received_requests().await.unwrap();
        let body: Value = serde_json::from_slice(&requests[0].body)
            .unwrap_or_else(|e| panic!("{}: the body sent is not JSON: {e}", entry.file));
        let want = samples::normalised(entry);
        let sent = match &entry.part {
            Some(part) => body[part.as_str()].clone(),
            None => body,
        };
        assert_eq!(sent, want, "{} ({}): {args:?}", entry.file, entry.at());
        server.verify().await;
        seen += 1;
    }
    assert_eq!(seen, 24, "request samples in tests/samples/manifest.json");
}
