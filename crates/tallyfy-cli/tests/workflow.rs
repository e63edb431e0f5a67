//! The workflow end to end through the real `tallyfy` binary against the fake server: list templates,
//! read one's kick-off fields, launch with values, list the process's tasks, fill and complete every
//! one, see the process completed; and each documented refusal on the way, with its exit code.

use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use tallyfy_fake::FakeTallyfy;

const TOKEN: &str = "cli-workflow-token";
const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");

async fn fake() -> FakeTallyfy {
    let shapes = tallyfy_fake::Shapes::from_env().unwrap_or_else(|e| panic!("{e}"));
    FakeTallyfy::builder()
        .shapes(shapes)
        .org_id("cli-org")
        .token(TOKEN)
        .seed_members(4)
        .seed_templates(4)
        .seed_processes(6)
        .start()
        .await
        .unwrap()
}

/// Runs the binary with `args` against `fake`, with a clean environment.
async fn run(fake: &FakeTallyfy, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", fake.base_url())
        .env("TALLYFY_ACCESS_TOKEN", TOKEN)
        .env("TALLYFY_ORG_ID", fake.org_id())
        .stdin(Stdio::null())
        .args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The output of a command that must exit with `code`.
#[track_caller]
fn exited(out: Output, code: i32) -> Output {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains("panicked"));
    out
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

fn ndjson_of(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn id(v: &Value) -> String {
    match &v["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_fill_and_complete_a_process_from_the_command_line() {
    let fake = fake().await;
    let dir = tempfile::tempdir().unwrap();

    // Templates, and the kick-off fields of one.
    let templates = ndjson_of(&exited(
        run(&fake, &["templates", "list", "--output", "ndjson"]).await,
        0,
    ));
    assert_eq!(templates.len(), 4);
    let onboarding = templates
        .iter()
        .find(|t| t["title"] == "Client Onboarding")
        .expect("the seeded onboarding template");
    let checklist_id = id(onboarding);
    let template = json_of(&exited(
        run(
            &fake,
            &["templates", "get", &checklist_id, "--with", "steps"],
        )
        .await,
        0,
    ));
    let field = |label: &str| -> (String, Value) {
        let f = template["prerun"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["label"] == label)
            .unwrap_or_else(|| panic!("no kick-off field {label}"));
        (id(f), f.clone())
    };
    let steps = template["steps"]["data"].as_array().unwrap();
    assert_eq!(steps.len(), 5, "five steps with their ids");

    // A launch without the required kick-off values is refused with each field's message (exit 5).
    let (name_id, _) = field("Client name");
    let missing = exited(
        run(
            &fake,
            &[
                "processes",
                "launch",
                "--checklist-id",
                &checklist_id,
                "--prerun",
                &json!({ name_id.clone(): "Acme" }).to_string(),
            ],
        )
        .await,
        5,
    );
    assert!(
        text(&missing.stderr).contains("Primary contact email is required"),
        "{}",
        text(&missing.stderr)
    );

    // With every required value, from a body file plus flags.
    let (region_id, region) = field("Region");
    let europe = region["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["text"] == "Europe")
        .unwrap()
        .clone();
    let prerun = json!({
        name_id: "Acme Corp",
        field("Primary contact email").0: "ops@acme.example",
        field("Start date").0: "2026-01-05T09:00:00Z",
        field("Contract type").0: "Fixed fee",
        region_id: {"id": europe["id"], "text": "Europe"},
        field("Services").0: [{"id": 1, "text": "Consulting", "selected": true}],
    });
    let body = dir.path().join("launch.json");
    std::fs::write(&body, json!({ "prerun": prerun }).to_string()).unwrap();
    let process = json_of(&exited(
        run(
            &fake,
            &[
                "processes",
                "launch",
                "--checklist-id",
                &checklist_id,
                "--name",
                "Onboarding: Acme Corp",
                "--body",
                body.to_str().unwrap(),
            ],
        )
        .await,
        0,
    ));
    assert_eq!(process["name"], "Onboarding: Acme Corp");
    assert_eq!(process["status"], "active");
    let run_id = id(&process);

    // Its tasks, in step order.
    let tasks = ndjson_of(&exited(
        run(
            &fake,
            &["processes", "tasks", &run_id, "--output", "ndjson"],
        )
        .await,
        0,
    ));
    assert_eq!(tasks.len(), 5);
    assert_eq!(tasks[0]["title"], "Schedule the kick-off call");

    // The first task has a required form field: completing it empty is refused.
    let first = id(&tasks[0]);
    let refused = exited(
        run(&fake, &["tasks", "complete", &run_id, "--task-id", &first]).await,
        5,
    );
    assert!(text(&refused.stderr).contains("Call notes is required"));
    let task = json_of(&exited(
        run(&fake, &["tasks", "get", &first, "--with", "form_fields"]).await,
        0,
    ));
    let notes = task["form_fields"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == "Call notes")
        .map(id)
        .unwrap();
    let updated = json_of(&exited(
        run(
            &fake,
            &[
                "tasks",
                "update",
                &run_id,
                &first,
                "--taskdata",
                &json!({ notes.clone(): "Scope agreed." }).to_string(),
            ],
        )
        .await,
        0,
    ));
    assert_eq!(updated["taskdata"][&notes], "Scope agreed.");

    // Every task completed; the approval needs its decision.
    for t in &tasks {
        let task_id = id(t);
        let mut args = vec![
            "tasks",
            "complete",
            run_id.as_str(),
            "--task-id",
            task_id.as_str(),
        ];
        if t["task_type"] == "approval" {
            let refused = exited(run(&fake, &args).await, 5);
            assert!(text(&refused.stderr).contains("is_approved"));
            args.extend(["--is-approved", "true"]);
        }
        let done = json_of(&exited(run(&fake, &args).await, 0));
        assert_eq!(done["status"], "completed", "{}", t["title"]);
    }
    let finished = json_of(&exited(run(&fake, &["processes", "get", &run_id]).await, 0));
    assert_eq!(finished["status"], "complete");
    assert!(finished["completed_at"].is_string());

    // Reopening one task reopens the process.
    let reopened = json_of(&exited(
        run(&fake, &["tasks", "reopen", &run_id, &first]).await,
        0,
    ));
    assert_eq!(reopened["status"], "in-progress");
    let again = json_of(&exited(run(&fake, &["processes", "get", &run_id]).await, 0));
    assert_eq!(again["status"], "active");

    // What went on the wire for the launch: the flags over the body file.
    let launch = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.target.ends_with("/runs"))
        .last()
        .unwrap();
    let sent: Value = serde_json::from_slice(&launch.body).unwrap();
    assert_eq!(sent["checklist_id"], checklist_id.as_str());
    assert_eq!(sent["name"], "Onboarding: Acme Corp");
    assert_eq!(
        sent["prerun"]["".to_string() + &field("Contract type").0],
        "Fixed fee"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn task_lists_comments_and_problems() {
    let fake = fake().await;
    let mine = ndjson_of(&exited(
        run(&fake, &["tasks", "mine", "--output", "ndjson"]).await,
        0,
    ));
    assert!(!mine.is_empty());
    let admin = fake.default_admin_id();
    for t in &mine {
        assert_eq!(t["status"], "active");
        assert!(
            t["owners"]["users"]
                .as_array()
                .unwrap()
                .iter()
                // An id, or (in list responses, under the varied shapes) an object with an id.
                .any(|u| u == admin || u["id"] == admin),
            "{t}"
        );
    }
    let all = ndjson_of(&exited(
        run(
            &fake,
            &["tasks", "list", "--output", "ndjson", "--per-page", "7"],
        )
        .await,
        0,
    ));
    assert!(all.len() > mine.len());
    let pages = fake
        .requests()
        .iter()
        .filter(|r| r.target.contains("/tasks?") && r.target.contains("per_page=7"))
        .count();
    assert_eq!(pages, all.len().div_ceil(7), "one request per page");

    let task = &mine[0];
    let (task_id, run_id) = (id(task), task["run_id"].as_str().unwrap().to_string());
    // One form value, as JSON; Tallyfy documents no answer, so the CLI says what was done.
    let with_fields = json_of(&exited(
        run(&fake, &["tasks", "get", &task_id, "--with", "form_fields"]).await,
        0,
    ));
    let field = &with_fields["form_fields"]["data"][0];
    let saved = exited(
        run(
            &fake,
            &[
                "tasks",
                "save-value",
                &task_id,
                "--id",
                field["id"].as_str().unwrap(),
                "--value",
                "\"Agreed\"",
            ],
        )
        .await,
        0,
    );
    assert_eq!(
        json_of(&saved),
        json!({"ok": true, "done": "Save one form value of a task"})
    );
    let after = json_of(&exited(run(&fake, &["tasks", "get", &task_id]).await, 0));
    assert_eq!(after["taskdata"][field["id"].as_str().unwrap()], "Agreed");
    // The template's form fields: its kick-off form and its steps' fields.
    let checklist_id = task["checklist_id"].as_str().unwrap().to_string();
    let fields = json_of(&exited(
        run(&fake, &["templates", "form-fields", &checklist_id]).await,
        0,
    ));
    assert!(
        fields["form_fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == field["id"]),
        "{fields}"
    );
    exited(
        run(
            &fake,
            &[
                "comments",
                "create",
                &task_id,
                "--content",
                "Booked for Monday",
            ],
        )
        .await,
        0,
    );
    let problem = json_of(&exited(
        run(
            &fake,
            &[
                "comments",
                "report-problem",
                &task_id,
                "Waiting for the client",
            ],
        )
        .await,
        0,
    ));
    assert_eq!(problem["label"], "problem");
    let blocked = exited(
        run(
            &fake,
            &["tasks", "complete", &run_id, "--task-id", &task_id],
        )
        .await,
        5,
    );
    assert!(!text(&blocked.stderr).is_empty());
    exited(
        run(
            &fake,
            &[
                "comments",
                "resolve-problem",
                &task_id,
                "--thread-id",
                &id(&problem),
                "--content",
                "They replied",
            ],
        )
        .await,
        0,
    );
    let threads = json_of(&exited(
        run(&fake, &["tasks", "get", &task_id, "--with", "threads"]).await,
        0,
    ));
    let threads = threads["threads"]["data"].as_array().unwrap();
    assert_eq!(threads.len(), 3);
    assert!(
        threads
            .iter()
            .any(|c| c["label"] == "problem" && c["resolve_id"].is_string())
    );

    // A problem on the process itself: the process shows it until it is resolved.
    let issue = json_of(&exited(
        run(
            &fake,
            &[
                "comments",
                "report-problem-on-process",
                &run_id,
                "Budget not approved",
            ],
        )
        .await,
        0,
    ));
    assert!(issue["task_id"].is_null(), "{issue}");
    let get_process = ["processes", "get", run_id.as_str()];
    let open_issue = json_of(&exited(run(&fake, &get_process).await, 0))["has_open_issue"].clone();
    assert_eq!(open_issue, true);
    exited(
        run(
            &fake,
            &[
                "comments",
                "resolve-problem-on-process",
                &run_id,
                "--thread-id",
                &id(&issue),
                "--content",
                "Approved",
            ],
        )
        .await,
        0,
    );
    let open_issue = json_of(&exited(run(&fake, &get_process).await, 0))["has_open_issue"].clone();
    assert_eq!(open_issue, false);

    // An unknown process is exit 3, a bad id is refused before sending (exit 2).
    exited(
        run(
            &fake,
            &["processes", "get", "0123456789abcdef0123456789abcdef"],
        )
        .await,
        3,
    );
    exited(run(&fake, &["processes", "get", ".."]).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_download_and_delete_a_file() {
    let fake = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let templates = ndjson_of(&exited(
        run(&fake, &["templates", "list", "--output", "ndjson"]).await,
        0,
    ));
    let checklist_id = id(&templates[0]);
    // Every byte value, and a line that looks like a multipart boundary.
    let bytes: Vec<u8> = b"--boundary\r\n".iter().copied().chain(0..=255u8).collect();
    let path = dir.path().join("signed contract.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let asset = json_of(&exited(
        run(
            &fake,
            &[
                "files",
                "upload",
                "--name",
                path.to_str().unwrap(),
                "--subject-id",
                &checklist_id,
                "--subject-type",
                "Checklist",
                "--uploaded-from",
                "ko_field",
            ],
        )
        .await,
        0,
    ));
    assert_eq!(asset["filename"], "signed contract.pdf");
    let file_id = id(&asset);
    let record = json_of(&exited(run(&fake, &["files", "get", &file_id]).await, 0));
    assert_eq!(record["filename"], "signed contract.pdf");
    let download = exited(run(&fake, &["files", "download", &file_id]).await, 0);
    assert_eq!(
        download.stdout, bytes,
        "the exact bytes, written as they are"
    );
    let view = exited(run(&fake, &["files", "view", &file_id]).await, 0);
    assert_eq!(view.stdout, bytes, "viewed inline: the same bytes");

    // Refused before sending (exit 2): an extension the API does not take; a missing file.
    let exe = dir.path().join("tool.exe");
    std::fs::write(&exe, b"MZ").unwrap();
    let before = fake.requests().len();
    for file in [exe.to_str().unwrap(), "/nonexistent/x.pdf"] {
        exited(
            run(
                &fake,
                &[
                    "files",
                    "upload",
                    "--name",
                    file,
                    "--subject-id",
                    &checklist_id,
                    "--subject-type",
                    "Checklist",
                    "--uploaded-from",
                    "ko_field",
                ],
            )
            .await,
            2,
        );
    }
    assert_eq!(fake.requests().len(), before, "nothing was sent");

    exited(run(&fake, &["files", "delete", &file_id]).await, 0);
    exited(run(&fake, &["files", "download", &file_id]).await, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_off_task_from_creation_to_deletion() {
    let fake = fake().await;
    let me = fake.default_admin_id().to_string();
    let owners = json!({"users": [fake.default_admin_id()]}).to_string();
    let form = json!([{"label": "Reference", "field_type": "text", "required": true}]).to_string();
    let created = json_of(&exited(
        run(
            &fake,
            &[
                "tasks",
                "create-oneoff",
                "--title",
                "Collect the signed NDA",
                "--task-type",
                "task",
                "--owners",
                &owners,
                "--deadline",
                "2026-07-15 17:00:00",
                "--description",
                "Ask for the scanned copy.",
                "--form-fields",
                &form,
                "--output",
                "json",
            ],
        )
        .await,
        0,
    ));
    assert_eq!(created["is_oneoff_task"], true);
    assert_eq!(created["run_id"], Value::Null);
    assert_eq!(created["summary"], "Ask for the scanned copy.");
    let task_id = id(&created);
    let sent = fake
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST" && r.target.ends_with("/tasks"))
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&sent.body).unwrap(),
        json!({
            "title": "Collect the signed NDA", "task_type": "task",
            "owners": {"users": [fake.default_admin_id()], "guests": [], "groups": []},
            "deadline": "2026-07-15 17:00:00", "description": "Ask for the scanned copy.",
            "form_fields": [{"label": "Reference", "field_type": "text", "required": true}]
        })
    );

    // An invalid task type is refused before anything is sent.
    let before = fake.requests().len();
    let refused = exited(
        run(
            &fake,
            &[
                "tasks",
                "create-oneoff",
                "--title",
                "x",
                "--task-type",
                "chore",
                "--owners",
                "{}",
                "--deadline",
                "2026-07-15 17:00:00",
            ],
        )
        .await,
        2,
    );
    assert!(
        text(&refused.stderr).contains("--task-type"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(fake.requests().len(), before);

    // The required field is empty; the server says which.
    let refused = exited(
        run(&fake, &["tasks", "complete-oneoff", "--task-id", &task_id]).await,
        5,
    );
    assert!(text(&refused.stderr).contains("taskdata."));

    let read = json_of(&exited(
        run(
            &fake,
            &[
                "tasks",
                "get",
                &task_id,
                "--with",
                "form_fields",
                "--output",
                "json",
            ],
        )
        .await,
        0,
    ));
    let field = id(&read["form_fields"]["data"][0]);
    assert_eq!(read["form_fields"]["data"][0]["label"], "Reference");
    let updated = json_of(&exited(
        run(
            &fake,
            &[
                "tasks",
                "update-oneoff",
                &task_id,
                "--title",
                "Collect the signed NDA",
                "--deadline",
                "2026-07-16 17:00:00",
                "--owners",
                &owners,
                "--taskdata",
                &json!({ field.clone(): "NDA-7" }).to_string(),
                "--output",
                "json",
            ],
        )
        .await,
        0,
    ));
    assert_eq!(updated["taskdata"][&field], "NDA-7");
    let done = json_of(&exited(
        run(
            &fake,
            &[
                "tasks",
                "complete-oneoff",
                "--task-id",
                &task_id,
                "--override-user",
                &me,
                "--output",
                "json",
            ],
        )
        .await,
        0,
    ));
    assert_eq!(done["status"], "completed");
    let reopened = json_of(&exited(
        run(
            &fake,
            &["tasks", "reopen-oneoff", &task_id, "--output", "json"],
        )
        .await,
        0,
    ));
    assert_eq!(reopened["status"], "in-progress");

    exited(run(&fake, &["tasks", "archive-oneoff", &task_id]).await, 0);
    let listed = ndjson_of(&exited(
        run(
            &fake,
            &["tasks", "list", "--archived", "only", "--output", "ndjson"],
        )
        .await,
        0,
    ));
    assert_eq!(
        listed.iter().map(id).collect::<Vec<_>>(),
        vec![task_id.clone()]
    );
    let restored = json_of(&exited(
        run(
            &fake,
            &["tasks", "restore-oneoff", &task_id, "--output", "json"],
        )
        .await,
        0,
    ));
    assert_eq!(restored["archived_at"], Value::Null);
    exited(run(&fake, &["tasks", "delete-oneoff", &task_id]).await, 0);
    exited(run(&fake, &["tasks", "get", &task_id]).await, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_and_change_a_template() {
    let fake = fake().await;
    let prerun = json!([{"label": "Vendor", "field_type": "text", "required": true}]).to_string();
    let created = json_of(&exited(
        run(
            &fake,
            &[
                "templates",
                "create",
                "--title",
                "Vendor review",
                "--type",
                "procedure",
                "--prerun",
                &prerun,
                "--output",
                "json",
            ],
        )
        .await,
        0,
    ));
    let template_id = id(&created);
    let vendor = id(&created["prerun"][0]);
    assert_eq!(created["prerun"][0]["label"], "Vendor");

    let form = json!([
        {"id": vendor, "label": "Vendor name", "field_type": "text", "required": true},
        {"label": "Contract", "field_type": "text", "required": false},
    ])
    .to_string();
    let changed = json_of(&exited(
        run(
            &fake,
            &[
                "templates",
                "update",
                &template_id,
                "--title",
                "Vendor review",
                "--prerun",
                &form,
                "--output",
                "json",
            ],
        )
        .await,
        0,
    ));
    assert_eq!(changed["prerun"][0]["id"], vendor.as_str());
    assert_eq!(changed["prerun"][0]["label"], "Vendor name");
    assert_eq!(changed["prerun"][1]["label"], "Contract");

    // The title is required on every update; the binary says so before sending.
    let before = fake.requests().len();
    let refused = exited(
        run(
            &fake,
            &["templates", "update", &template_id, "--guidance", "x"],
        )
        .await,
        2,
    );
    assert!(
        text(&refused.stderr).contains("--title"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(fake.requests().len(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_gets_its_own_webhook() {
    let fake = fake().await;
    let templates = ndjson_of(&exited(
        run(&fake, &["templates", "list", "--output", "ndjson"]).await,
        0,
    ));
    let template_id = id(&templates[0]);
    let template = json_of(&exited(
        run(
            &fake,
            &["templates", "get", &template_id, "--with", "steps"],
        )
        .await,
        0,
    ));
    let step = &template["steps"]["data"][0];
    let step_id = id(step);
    let title = step["title"].as_str().unwrap();
    let hook = "https://hooks.example/tallyfy/step?token=s3";
    let changed = json_of(&exited(
        run(
            &fake,
            &[
                "templates",
                "update-step",
                &template_id,
                &step_id,
                "--title",
                title,
                "--webhook",
                hook,
                "--output",
                "json",
            ],
        )
        .await,
        0,
    ));
    assert_eq!(changed["webhook"], hook);
    assert_eq!(changed["id"], step["id"]);
    let sent = fake.requests().last().cloned().unwrap();
    assert_eq!(sent.method, "PUT");
    assert_eq!(
        sent.path(),
        format!("/api/organizations/cli-org/checklists/{template_id}/steps/{step_id}")
    );
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body, json!({"title": title, "webhook": hook}));

    // A webhook that is no URL is refused before anything is sent.
    let before = fake.requests().len();
    let refused = exited(
        run(
            &fake,
            &[
                "templates",
                "update-step",
                &template_id,
                &step_id,
                "--title",
                title,
                "--webhook",
                "not a url",
            ],
        )
        .await,
        2,
    );
    assert!(
        text(&refused.stderr).contains("webhook"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(fake.requests().len(), before);
}
