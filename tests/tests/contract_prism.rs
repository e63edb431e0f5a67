//! Contract: the SDK → Prism (a proxy that validates every request and response against
//! `openapi/tallyfy.yaml`) → the fake, through a scenario that covers every operation and its error
//! paths. Prism runs with `--errors`, so a violation also fails the call that caused it; its log must
//! show none.
//!
//! Run it with `cargo xtask contract` (or `cargo xtask contract prism`), which installs the pinned
//! Prism (`tools/package-lock.json`) first. This file only builds with the `contract` feature of
//! `tallyfy-tests`, so `cargo test --workspace` does not contain it; here a missing Prism is a failure.
//!
//! Every expected error goes through [`expect_fake_error`], which proves that the fake answered the
//! request, so a request that Prism itself refused (Prism answers such requests with its own 422)
//! cannot pass for the fake's validation error.

use futures::TryStreamExt;
use std::fmt::Debug;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tallyfy::{
    CaptureValue, Client, Completion, Error, FilePart, Form, FormValue, GuestUpdate, Invite,
    Launch, MemberInclude, MemberUpdate, NewComment, NewGroup, NewGuest, ProcessInclude,
    ProcessUpdate, Resolution, Role, StepUpdate, TagFields, TaskInclude, TaskUpdate,
    TemplateInclude, Upload,
};
use tallyfy_fake::FakeTallyfy;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Prism {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Prism in proxy mode in front of `upstream`. Prism must be installed: `cargo xtask contract`
/// installs it before it runs this test.
fn start_prism(upstream: &str) -> Prism {
    let bin = root().join("tools/node_modules/.bin/prism");
    assert!(
        bin.exists(),
        "Prism is missing at {}: run this test with `cargo xtask contract`, which installs it",
        bin.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(bin)
        .current_dir(root())
        .args([
            "proxy",
            "openapi/tallyfy.yaml",
            upstream,
            "--host",
            "127.0.0.1",
            "--errors",
        ])
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start prism");
    let log = Arc::new(Mutex::new(Vec::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                log.lock().unwrap().push(line);
            }
        });
    }
    let started = Instant::now();
    while !log
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.contains("Prism is listening"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Prism did not start: {:?}",
            log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Prism {
        child,
        log,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// Awaits `call`, which must fail with HTTP `status`, and proves that the answer was the fake's and not
/// Prism's own (Prism refuses a request that breaks the spec with a 422 of its own, without forwarding
/// it):
/// - the fake recorded exactly one more request, with the expected method;
/// - the error carries the request id the fake puts on every response, and it is the id of exactly
///   that request (`fake-` and the fake's request count), which Prism could not have made up;
/// - the body is one of the fake's JSON error shapes (a `message`, or a nested `error` with a
///   `code`), not Prism's `application/problem+json` (`type`, `title`, `detail`).
async fn expect_fake_error<T: Debug>(
    fake: &FakeTallyfy,
    status: u16,
    method: &str,
    why: &str,
    call: impl IntoFuture<Output = Result<T, Error>>,
) {
    let before = fake.requests().len();
    let err = match call.await {
        Ok(v) => panic!("{why}: expected HTTP {status}, got Ok({v:?})"),
        Err(e) => e,
    };
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(status),
        "{why}: {err}"
    );
    let requests = fake.requests();
    assert_eq!(
        requests.len(),
        before + 1,
        "{why}: the fake must have received the request (Prism did not forward it?)"
    );
    let last = requests.last().unwrap();
    assert_eq!(last.method.as_str(), method, "{why}: {}", last.target);
    let Error::Api {
        request_id, body, ..
    } = &err
    else {
        panic!("{why}: expected an API error, got {err:?}");
    };
    assert_eq!(
        request_id.as_deref(),
        Some(format!("fake-{:08}", requests.len()).as_str()),
        "{why}: the fake's request id for this request; body {body}"
    );
    let json: serde_json::Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{why}: the body is not JSON ({e}): {body}"));
    let is_fake_shape = json["message"].is_string() || json["error"]["code"].is_string();
    let is_problem_json = json.get("type").is_some()
        || json.get("title").is_some()
        || json.get("detail").is_some()
        || body.to_lowercase().contains("prism");
    assert!(
        is_fake_shape && !is_problem_json,
        "{why}: not one of the fake's error bodies: {body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_through_a_validating_proxy() {
    let fake = FakeTallyfy::builder()
        .org_id("contract-org")
        .token("contract-token")
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .user_password("contract-password")
        .seed_guests(120)
        .seed_members(6)
        .seed_templates(4)
        .seed_processes(6)
        .start()
        .await
        .unwrap();
    let prism = start_prism(&fake.base_url());
    let client = Client::builder()
        .token("contract-token")
        .org("contract-org")
        .base_url(prism.url.clone())
        .build()
        .unwrap();
    let guests = client.guests();
    let members = client.members();

    // Guests.
    let all: Vec<_> = guests
        .list()
        .per_page(50)
        .with_stats()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 120);
    let found: Vec<_> = guests
        .list()
        .query("EXAMPLE")
        .sort("-created_at")
        .page(1)
        .await
        .unwrap()
        .items;
    assert!(!found.is_empty());
    let email = "o'brien+tag@x.io";
    let created = guests
        .create(
            NewGuest::new(email)
                .first_name("Pat")
                .company_url("https://x.io")
                .phone_1("+1 555"),
        )
        .await
        .unwrap();
    assert_eq!(created.email.as_deref(), Some(email));
    assert_eq!(
        guests
            .get(email)
            .with_stats()
            .await
            .unwrap()
            .email
            .as_deref(),
        Some(email)
    );
    guests
        .update(
            email,
            GuestUpdate::new().associated_members([fake.default_admin_id()]),
        )
        .await
        .unwrap();
    guests
        .update(email, GuestUpdate::new().associated_members([]))
        .await
        .unwrap();
    expect_fake_error(
        &fake,
        422,
        "DELETE",
        "purge before disable",
        guests.purge(email),
    )
    .await;
    fake.set_open_tasks(email, 2);
    expect_fake_error(&fake, 403, "DELETE", "open tasks", guests.disable(email)).await;
    fake.set_open_tasks(email, 0);
    guests.disable(email).await.unwrap();
    guests.enable(email).await.unwrap();
    guests.disable(email).await.unwrap();
    guests.purge(email).await.unwrap();
    expect_fake_error(&fake, 404, "GET", "purged guest", guests.get(email)).await;
    expect_fake_error(
        &fake,
        422,
        "DELETE",
        "unknown guest",
        guests.remove("nobody@x.io"),
    )
    .await;
    let member_email = fake.members()[1].email.clone().unwrap();
    expect_fake_error(
        &fake,
        422,
        "POST",
        "a member's email as a guest",
        guests.create(NewGuest::new(member_email.clone())),
    )
    .await;
    let other = all[0].email.clone().unwrap();
    guests.remove(&other).await.unwrap();

    // Members.
    let listed: Vec<_> = members
        .list()
        .with(&[MemberInclude::Groups, MemberInclude::Stats])
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 6);
    let admin = fake.default_admin_id();
    let id = listed
        .iter()
        .filter_map(|m| m.id)
        .find(|&id| id != admin)
        .unwrap();
    members.get(id).with(&[MemberInclude::Stats]).await.unwrap();
    expect_fake_error(&fake, 404, "GET", "unknown member", members.get(999_999)).await;
    let invite = |email: &str| Invite::new(email, "N", "U", Role::Light, "Welcome");
    let invited = members.invite(invite("new.member@x.io")).await.unwrap();
    assert_eq!(invited.status.as_deref(), Some("invited"));
    expect_fake_error(
        &fake,
        422,
        "POST",
        "already a member",
        members.invite(invite(&member_email)),
    )
    .await;
    members
        .update(
            id,
            MemberUpdate::new("Alicia", "Smith", "Europe/London").job_title("Lead"),
        )
        .await
        .unwrap();
    members.set_role(id, Role::Standard).await.unwrap();
    fake.set_seat_limit(Some(fake.seats_used()));
    let light = members.invite(invite("x@x.io")).await;
    assert!(light.is_ok(), "light members need no full seat: {light:?}");
    let full = Invite::new("full@x.io", "F", "S", Role::Admin, "m");
    expect_fake_error(&fake, 409, "POST", "no seat", members.invite(full)).await;
    fake.set_seat_limit(None);
    expect_fake_error(
        &fake,
        400,
        "DELETE",
        "the default admin stays",
        members.remove(admin),
    )
    .await;
    expect_fake_error(
        &fake,
        422,
        "DELETE",
        "purge before disable",
        members.purge(id),
    )
    .await;
    members.disable(id).await.unwrap();
    members.enable(id).await.unwrap();
    members.disable(id).await.unwrap();
    members.purge(id).await.unwrap();
    let leaving = invited.id.unwrap();
    members.remove(leaving).reassign_to(admin).await.unwrap();

    workflow(&client, &fake).await;
    oneoff_tasks_templates_and_activity(&client, &fake).await;
    authentication(&prism.url, &fake).await;

    // Auth.
    let wrong = Client::builder()
        .token("wrong")
        .org("contract-org")
        .base_url(prism.url.clone())
        .build()
        .unwrap();
    expect_fake_error(
        &fake,
        401,
        "GET",
        "wrong token",
        wrong.guests().get("a@b.io"),
    )
    .await;

    let log = prism.log.lock().unwrap().clone();
    let violations: Vec<_> = log
        .iter()
        .filter(|l| l.to_lowercase().contains("violation") || l.contains('✖'))
        .collect();
    assert!(
        violations.is_empty(),
        "Prism reported:\n{}",
        violations
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let forwarded = log.iter().filter(|l| l.contains("Forwarding")).count();
    assert_eq!(
        forwarded,
        fake.requests().len(),
        "every call reached the fake through Prism"
    );
    assert!(forwarded > 30, "only {forwarded} calls");
    let missed = unexercised(&fake);
    assert!(
        missed.is_empty(),
        "operations the scenario never called: {missed:?}"
    );
}

const CLIENT_ID: &str = "4242";
const CLIENT_SECRET: &str = "contract-secret";

/// The token endpoint's grants and refusals, and an application's token for a member, each
/// through Prism (which checks the form body and the answers against the spec).
async fn authentication(prism: &str, fake: &FakeTallyfy) {
    let with = |credentials: tallyfy::Credentials| {
        Client::builder()
            .credentials(credentials)
            .token_url(format!("{prism}/oauth/token"))
            .org("contract-org")
            .base_url(prism)
            .build()
            .unwrap()
    };
    let tokens = fake.token_requests();
    let service =
        with(tallyfy::Credentials::client_credentials(CLIENT_ID, CLIENT_SECRET).scope("*"));
    service.guests().list().page(1).await.unwrap();
    let email = fake.members()[1].email.clone().unwrap();
    let member = with(
        tallyfy::Credentials::client_credentials(CLIENT_ID, CLIENT_SECRET).acting_as(email.clone()),
    );
    member.guests().list().page(1).await.unwrap();
    let user = with(tallyfy::Credentials::password(
        CLIENT_ID,
        CLIENT_SECRET,
        email,
        "contract-password",
    ));
    user.guests().list().page(1).await.unwrap();
    assert_eq!(fake.token_requests(), tokens + 3);

    for (credentials, status, code) in [
        (
            tallyfy::Credentials::client_credentials(CLIENT_ID, "wrong"),
            401,
            "invalid_client",
        ),
        (
            tallyfy::Credentials::password(CLIENT_ID, CLIENT_SECRET, "nobody@example.com", "x"),
            400,
            "invalid_grant",
        ),
    ] {
        let before = fake.requests().len();
        let err = with(credentials).guests().list().page(1).await.unwrap_err();
        match &err {
            Error::Token(e) => match &**e {
                tallyfy::TokenError::Refused {
                    status: s, error, ..
                } => {
                    assert_eq!((s.as_u16(), error.as_str()), (status, code), "{err}");
                }
                other => panic!("{other:?}"),
            },
            other => panic!("expected a token refusal, got {other:?}"),
        }
        assert_eq!(
            fake.requests().len(),
            before + 1,
            "the fake answered: {err}"
        );
    }
}

/// One-off tasks, creating and changing templates, and the activity feed, with their refusals.
async fn oneoff_tasks_templates_and_activity(client: &Client, fake: &FakeTallyfy) {
    use tallyfy::types::{
        KickoffFieldInput, KickoffFieldInputFieldType, KickoffFieldInputs, ListActivityEntityType,
        OneoffFormField, OneoffFormFieldFieldType, OneoffFormFields, TaskType, TemplateType,
    };
    use tallyfy::{Assignees, NewTask, NewTemplate, OneoffTaskUpdate, TemplateUpdate};

    let me = fake.default_admin_id();
    let owners = || Assignees::default().user(me);
    let deadline = "2026-07-15 17:00:00";
    expect_fake_error(
        fake,
        422,
        "POST",
        "a one-off task for someone who is no member",
        client.tasks().create_oneoff(NewTask::new(
            "Nobody's task",
            TaskType::Task,
            Assignees::default().user(999_999),
            deadline,
        )),
    )
    .await;
    let form = OneoffFormFields(vec![OneoffFormField {
        label: "Reference".parse().unwrap(),
        field_type: OneoffFormFieldFieldType::Text,
        required: true,
        options: vec![],
        guidance: None,
        position: None,
    }]);
    let task = client
        .tasks()
        .create_oneoff(
            NewTask::new("Collect the NDA", TaskType::Task, owners(), deadline).form_fields(form),
        )
        .await
        .unwrap();
    let task_id = task.id.as_ref().unwrap().to_string();
    expect_fake_error(
        fake,
        422,
        "POST",
        "a required form field is empty",
        client.tasks().complete_oneoff(Completion::new(&task_id)),
    )
    .await;
    let read = client
        .tasks()
        .get(&task_id)
        .with(&[TaskInclude::FormFields])
        .await
        .unwrap();
    let values = Form::task(&read)
        .set("Reference", "NDA-7")
        .unwrap()
        .build()
        .unwrap();
    client
        .tasks()
        .update_oneoff(
            &task_id,
            OneoffTaskUpdate::new("Collect the NDA", deadline, owners()).taskdata(values),
        )
        .await
        .unwrap();
    client
        .tasks()
        .complete_oneoff(Completion::new(&task_id))
        .await
        .unwrap();
    client.tasks().reopen_oneoff(&task_id).await.unwrap();
    client.tasks().archive_oneoff(&task_id).await.unwrap();
    expect_fake_error(
        fake,
        422,
        "PUT",
        "an archived task cannot be changed",
        client.tasks().update_oneoff(
            &task_id,
            OneoffTaskUpdate::new("Collect the NDA", deadline, owners()),
        ),
    )
    .await;
    client.tasks().restore_oneoff(&task_id).await.unwrap();
    client.tasks().delete_oneoff(&task_id).await.unwrap();
    expect_fake_error(
        fake,
        404,
        "DELETE",
        "a deleted task",
        client.tasks().delete_oneoff(&task_id),
    )
    .await;

    let field = |label: &str| KickoffFieldInput {
        id: None,
        label: label.parse().unwrap(),
        field_type: KickoffFieldInputFieldType::Text,
        required: true,
        guidance: None,
        position: None,
        options: vec![],
        columns: vec![],
    };
    expect_fake_error(
        fake,
        422,
        "POST",
        "a template owned by someone who is no member",
        client.templates().create(
            NewTemplate::new("Nobody's template", TemplateType::Procedure).owner_id(999_999),
        ),
    )
    .await;
    let template = client
        .templates()
        .create(
            NewTemplate::new("Vendor review", TemplateType::Procedure)
                .prerun(KickoffFieldInputs(vec![field("Vendor")])),
        )
        .await
        .unwrap();
    let template_id = template.id.as_ref().unwrap().to_string();
    let mut vendor = field("Vendor name");
    vendor.id = template.prerun[0].id.as_ref().map(ToString::to_string);
    let changed = client
        .templates()
        .update(
            &template_id,
            TemplateUpdate::new("Vendor review").prerun(KickoffFieldInputs(vec![vendor])),
        )
        .await
        .unwrap();
    assert_eq!(changed.prerun[0].id, template.prerun[0].id);

    let history: Vec<_> = client
        .activity()
        .list()
        .entity_type(ListActivityEntityType::Task)
        .entity_id(&task_id)
        .per_page(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        history.len(),
        7,
        "created, updated, completed, uncompleted, archived, restored, deleted"
    );
    expect_fake_error(
        fake,
        422,
        "GET",
        "a day that is not in the calendar",
        client.activity().list().created_after("2026-13-40").page(1),
    )
    .await;
}

/// The spec's operations that no request the fake received matched (by method and path
/// template), so that "every operation" stays true as the spec grows.
fn unexercised(fake: &FakeTallyfy) -> Vec<String> {
    let spec: serde_json::Value = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("openapi/tallyfy.yaml")).unwrap(),
    )
    .unwrap();
    let requests = fake.requests();
    let mut missed = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        // `{name}` matches one segment; the server's paths have the `/api` prefix.
        let mut pattern = String::from("^/api");
        for part in path.split('/').filter(|p| !p.is_empty()) {
            pattern.push('/');
            pattern.push_str(if part.starts_with('{') {
                "[^/?]+"
            } else {
                part
            });
        }
        pattern.push_str("(\\?|$)");
        let re = regress::Regex::new(&pattern).unwrap();
        for (method, op) in item.as_object().unwrap() {
            let Some(id) = op.get("operationId").and_then(|i| i.as_str()) else {
                continue;
            };
            let hit = requests.iter().any(|r| {
                r.method.as_str().eq_ignore_ascii_case(method) && re.find(&r.target).is_some()
            });
            if !hit {
                missed.push(id.to_string());
            }
        }
    }
    missed.sort();
    missed
}

/// Templates, processes, tasks and comments: every operation, each documented refusal.
async fn workflow(client: &Client, fake: &FakeTallyfy) {
    let templates: Vec<_> = client
        .templates()
        .list()
        .with(&[TemplateInclude::Steps, TemplateInclude::Tags])
        .per_page(3)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(templates.len(), 4);
    let template = templates
        .iter()
        .find(|t| t.title.as_deref() == Some("Client Onboarding"))
        .unwrap();
    let template_id = template.id.as_ref().unwrap().to_string();
    let with_steps = client
        .templates()
        .get(&template_id)
        .with(&[TemplateInclude::Steps])
        .await
        .unwrap();
    expect_fake_error(
        fake,
        404,
        "GET",
        "unknown template",
        client.templates().get("0".repeat(32)),
    )
    .await;
    // A step's summary (not its webhook: this fake delivers none).
    let step = with_steps
        .steps
        .as_ref()
        .and_then(|s| s.first())
        .expect("a seeded template has steps");
    let step_title = step.title.clone().unwrap();
    let changed = client
        .templates()
        .update_step(
            &template_id,
            step.id.as_ref().unwrap().to_string(),
            StepUpdate::new(step_title.as_str()).summary("Within a day"),
        )
        .await
        .unwrap();
    assert_eq!(changed.summary.as_deref(), Some("Within a day"));
    assert_eq!(changed.title, Some(step_title));
    expect_fake_error(
        fake,
        404,
        "PUT",
        "unknown step",
        client
            .templates()
            .update_step(&template_id, "0".repeat(32), StepUpdate::new("Nothing")),
    )
    .await;
    let fields = client.templates().form_fields(&template_id).await.unwrap();
    assert_eq!(
        fields.ko_form_fields.len(),
        template.prerun.len(),
        "the kick-off form"
    );
    assert!(!fields.form_fields.is_empty(), "the steps' fields");

    // Launch: refused without the required kick-off values, then with them.
    expect_fake_error(
        fake,
        422,
        "POST",
        "required kick-off values missing",
        client.processes().launch(Launch::new(&template_id)),
    )
    .await;
    let kickoff = Form::kickoff(template)
        .set("Client name", "Acme")
        .unwrap()
        .set("Primary contact email", "ops@acme.example")
        .unwrap()
        .set("Start date", FormValue::date_str("2026-01-05T09:00:00Z"))
        .unwrap()
        .choose("Contract type", "Fixed fee")
        .unwrap()
        .choose("Region", "Europe")
        .unwrap()
        .choose_all("Services", &["Consulting"])
        .unwrap()
        .build()
        .unwrap();
    let process = client
        .processes()
        .launch(
            Launch::new(&template_id)
                .name("Contract run")
                .prerun(kickoff),
        )
        .await
        .unwrap();
    let run_id = process.id.as_ref().unwrap().to_string();
    let processes: Vec<_> = client
        .processes()
        .list()
        .with(&[
            ProcessInclude::Tasks,
            ProcessInclude::NextTask,
            ProcessInclude::Checklist,
        ])
        .per_page(4)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(processes.len() >= 7);
    client
        .processes()
        .get(&run_id)
        .with(&[ProcessInclude::FormFields, ProcessInclude::Tags])
        .await
        .unwrap();
    client
        .processes()
        .update(
            &run_id,
            ProcessUpdate::new()
                .name("Contract run (renamed)")
                .users([fake.default_admin_id()]),
        )
        .await
        .unwrap();

    // Tasks.
    let tasks: Vec<_> = client
        .processes()
        .tasks(&run_id)
        .with(&[TaskInclude::Step, TaskInclude::FormFields])
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tasks.len(), 5);
    let mine: Vec<_> = client.tasks().mine().items().try_collect().await.unwrap();
    assert!(!mine.is_empty());
    let org: Vec<_> = client
        .tasks()
        .list()
        .with(&[TaskInclude::Run, TaskInclude::Threads])
        .per_page(20)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(org.len() > tasks.len());
    let first = tasks[0].id.as_ref().unwrap().to_string();
    expect_fake_error(
        fake,
        422,
        "POST",
        "a required form field is empty",
        client.tasks().complete(&run_id, Completion::new(&first)),
    )
    .await;
    let task = client
        .tasks()
        .get(&first)
        .with(&[TaskInclude::FormFields])
        .await
        .unwrap();
    let values = Form::task(&task)
        .set("Call notes", "Agreed")
        .unwrap()
        .build()
        .unwrap();
    client
        .tasks()
        .update(&run_id, &first, TaskUpdate::new().taskdata(values))
        .await
        .unwrap();
    // The same field again, alone, through the one-value route.
    let notes = task
        .form_fields
        .iter()
        .flatten()
        .find(|f| f.label.as_deref() == Some("Call notes"))
        .and_then(|f| f.id.as_ref())
        .unwrap()
        .to_string();
    client
        .tasks()
        .save_value(
            &first,
            CaptureValue::new(notes, FormValue::text("Agreed on the call")),
        )
        .await
        .unwrap();

    // Comments and a problem, which blocks completion until it is resolved.
    client
        .comments()
        .create(&first, NewComment::new("Booked"))
        .await
        .unwrap();
    let problem = client
        .comments()
        .report_problem(&first, "Waiting")
        .await
        .unwrap();
    expect_fake_error(
        fake,
        422,
        "POST",
        "an open problem",
        client.tasks().complete(&run_id, Completion::new(&first)),
    )
    .await;
    let problem_id = problem.id.as_ref().unwrap().to_string();
    client
        .comments()
        .resolve_problem(&first, Resolution::new(&problem_id, "Done"))
        .await
        .unwrap();
    // The same on the process and on the template themselves.
    let comments = client.comments();
    comments
        .create_on_process(&run_id, NewComment::new("Kick-off call booked"))
        .await
        .unwrap();
    let problem = comments
        .report_problem_on_process(&run_id, "Budget not approved")
        .await
        .unwrap();
    let problem_id = problem.id.as_ref().unwrap().to_string();
    comments
        .resolve_problem_on_process(&run_id, Resolution::new(&problem_id, "Approved"))
        .await
        .unwrap();
    comments
        .create_on_template(&template_id, NewComment::new("Step 2 needs a checklist"))
        .await
        .unwrap();
    let problem = comments
        .report_problem_on_template(&template_id, "No reviewer")
        .await
        .unwrap();
    let problem_id = problem.id.as_ref().unwrap().to_string();
    comments
        .resolve_problem_on_template(&template_id, Resolution::new(&problem_id, "Assigned"))
        .await
        .unwrap();

    for t in &tasks {
        let id = t.id.as_ref().unwrap().to_string();
        let mut completion = Completion::new(&id);
        if t.task_type.as_deref() == Some("approval") {
            expect_fake_error(
                fake,
                422,
                "POST",
                "an approval without its decision",
                client.tasks().complete(&run_id, completion.clone()),
            )
            .await;
            completion = completion.is_approved(true);
        }
        client.tasks().complete(&run_id, completion).await.unwrap();
    }
    let done = client.processes().get(&run_id).await.unwrap();
    assert_eq!(done.status.as_deref(), Some("complete"));
    client.tasks().reopen(&run_id, &first).await.unwrap();
    expect_fake_error(
        fake,
        422,
        "DELETE",
        "reopen a task that is not complete",
        client.tasks().reopen(&run_id, &first),
    )
    .await;

    // Archive, activate, delete.
    expect_fake_error(
        fake,
        422,
        "DELETE",
        "delete before archive",
        client.processes().delete(&run_id),
    )
    .await;
    client.processes().archive(&run_id).await.unwrap();
    client.processes().activate(&run_id).await.unwrap();
    client.processes().archive(&run_id).await.unwrap();
    client.processes().delete(&run_id).await.unwrap();
    expect_fake_error(
        fake,
        404,
        "GET",
        "deleted process",
        client.processes().get(&run_id),
    )
    .await;
    expect_fake_error(
        fake,
        422,
        "DELETE",
        "delete an active template",
        client.templates().delete(&template_id),
    )
    .await;
    client.templates().archive(&template_id).await.unwrap();
    expect_fake_error(
        fake,
        404,
        "GET",
        "archived template",
        client.templates().get(&template_id),
    )
    .await;
    client.templates().restore(&template_id).await.unwrap();
    client.templates().archive(&template_id).await.unwrap();
    client.templates().delete(&template_id).await.unwrap();

    // Tags and groups.
    let tags: Vec<_> = client
        .tags()
        .list()
        .with_statistics()
        .include_generated()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(!tags.is_empty());
    let tag = client
        .tags()
        .create(TagFields::new("Contract").color("#123abc"))
        .await
        .unwrap();
    let tag_id = tag.id.as_ref().unwrap().to_string();
    expect_fake_error(
        fake,
        422,
        "POST",
        "a duplicate tag title",
        client.tags().create(TagFields::new("Contract")),
    )
    .await;
    client.tags().get(&tag_id).with_statistics().await.unwrap();
    client
        .tags()
        .update(&tag_id, TagFields::new("Contract 2"))
        .await
        .unwrap();
    client.tags().delete(&tag_id).await.unwrap();
    client.tags().delete(&tag_id).await.unwrap();
    let groups: Vec<_> = client.groups().list().items().try_collect().await.unwrap();
    assert!(!groups.is_empty());
    let group = client
        .groups()
        .create(NewGroup::new("Contract group", "").members([fake.default_admin_id()]))
        .await
        .unwrap();
    let group_id = group.id.as_ref().unwrap().to_string();
    client
        .groups()
        .get(&group_id)
        .with(&[tallyfy::GroupInclude::Users])
        .await
        .unwrap();
    client
        .groups()
        .update(
            &group_id,
            tallyfy::GroupUpdate::new().description("Signers"),
        )
        .await
        .unwrap();
    client.groups().delete(&group_id).await.unwrap();
    expect_fake_error(
        fake,
        404,
        "GET",
        "a deleted group",
        client.groups().get(&group_id),
    )
    .await;

    // Files: a kick-off upload, its record, the bytes back, deletion.
    let live = client
        .templates()
        .list()
        .page(1)
        .await
        .unwrap()
        .items
        .remove(0);
    let live_id = live.id.as_ref().unwrap().to_string();
    let upload = Upload::new(
        FilePart::new("contract.pdf", b"%PDF-1.7 contract".to_vec()),
        &live_id,
        "Checklist".parse().unwrap(),
        "ko_field",
    );
    let asset = client.files().upload(upload).await.unwrap();
    let file_id = asset.id.as_ref().unwrap().to_string();
    client.files().get(&file_id).await.unwrap();
    assert_eq!(
        client.files().download(&file_id).await.unwrap(),
        b"%PDF-1.7 contract"
    );
    assert_eq!(
        client.files().view(&file_id).await.unwrap(),
        b"%PDF-1.7 contract"
    );
    client.files().delete(&file_id).await.unwrap();
    expect_fake_error(
        fake,
        404,
        "GET",
        "a deleted file",
        client.files().get(&file_id),
    )
    .await;
}
