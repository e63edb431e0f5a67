//! The process (run) operations over HTTP: launch (defaults, overrides, every kick-off value rule),
//! list filters, get with includes, update (the users/groups trap), archive, activate and delete.

mod common;

use common::{Api, start_workflow};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PROCESS_KEYS: &[&str] = &[
    "id",
    "increment_id",
    "checklist_id",
    "checklist_title",
    "name",
    "summary",
    "status",
    "progress",
    "whole_progress",
    "started_by",
    "owner_id",
    "prerun",
    "prerun_status",
    "starred",
    "created_at",
    "started_at",
    "last_updated",
    "archived_at",
    "completed_at",
    "due_date",
    "late_tasks",
    "collaborators",
    "type",
    "is_public",
    "users",
    "groups",
    "parent_id",
    "has_open_issue",
];

/// The id of the kick-off field with this label.
fn field_id(template: &Value, label: &str) -> String {
    template["prerun"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("no field {label}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A valid kick-off form for the Client Onboarding template (required fields only).
fn onboarding_prerun(t: &Value) -> Value {
    json!({
        field_id(t, "Client name"): "Acme Corp",
        field_id(t, "Primary contact email"): "ops@acme.example",
        field_id(t, "Start date"): "2026-03-01 09:00:00",
        field_id(t, "Contract type"): "Fixed fee",
        field_id(t, "Region"): {"id": 2, "text": "Europe", "value": null},
        field_id(t, "Services"): [{"id": 1, "text": "Consulting", "selected": true}],
    })
}

async fn launch(api: &Api, body: Value) -> common::Reply {
    api.post(&api.url("/runs"), body).await
}

#[tokio::test]
async fn launch_makes_one_task_per_step() {
    let api = start_workflow(5, 4, 0).await;
    let templates = api.templates().await;
    let t = &templates[0];
    let r = launch(
        &api,
        json!({"checklist_id": t["id"], "prerun": onboarding_prerun(t), "summary": "First one"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let p = r.json()["data"].clone();
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    for k in PROCESS_KEYS {
        assert!(p.get(*k).is_some(), "{k} missing: {keys:?}");
    }
    assert_eq!(p.as_object().unwrap().len(), PROCESS_KEYS.len());
    assert_eq!(p["status"], "active");
    assert_eq!(p["checklist_id"], t["id"]);
    assert_eq!(p["checklist_title"], "Client Onboarding");
    assert_eq!(p["type"], "procedure");
    assert_eq!(p["summary"], "First one");
    assert_eq!(p["started_by"], 1001);
    assert_eq!(p["owner_id"], 1001);
    assert_eq!(
        p["progress"],
        json!({"complete": 0, "total": 5, "percent": 0})
    );
    assert!(p["archived_at"].is_null() && p["completed_at"].is_null());
    assert_eq!(p["has_open_issue"], false);
    assert_eq!(p["users"], json!([]));
    assert_eq!(p["prerun"], onboarding_prerun(t));
    let created = p["created_at"].as_str().unwrap();
    assert_eq!(p["name"], format!("Client Onboarding - {}", &created[..10]));
    assert_eq!(p["id"].as_str().unwrap().len(), 32);

    let tasks = api.process_tasks(p["id"].as_str().unwrap()).await;
    let steps = t["steps"]["data"].as_array().unwrap();
    assert_eq!(tasks.len(), steps.len());
    let launched = chrono::DateTime::parse_from_rfc3339(created).unwrap();
    for (n, (task, step)) in tasks.iter().zip(steps).enumerate() {
        assert_eq!(task["step_id"], step["id"]);
        assert_eq!(task["title"], step["title"]);
        assert_eq!(task["position"], n as i64 + 1);
        assert_eq!(task["run_id"], p["id"]);
        assert_eq!(task["task_type"], step["step_type"]);
        assert_eq!(
            task["status"],
            if n == 0 { "active" } else { "not-started" }
        );
        assert_eq!(task["step"]["data"]["id"], step["id"]);
        // Deadline: launch time plus the step's offset.
        let d = &step["deadline"];
        let unit = match d["unit"].as_str().unwrap() {
            "minutes" => 60,
            "hours" => 3_600,
            "days" => 86_400,
            _ => 7 * 86_400,
        };
        let expected = launched + chrono::Duration::seconds(d["value"].as_i64().unwrap() * unit);
        assert_eq!(
            task["deadline"],
            expected.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        );
        // Owners: the step's assignees, or the launcher when it has none.
        let expected_owners = if step["assignees"] == json!([]) && step["groups"] == json!([]) {
            json!({"users": [1001], "guests": [], "groups": []})
        } else {
            json!({"users": step["assignees"], "guests": step["guests"], "groups": step["groups"]})
        };
        assert_eq!(task["owners"], expected_owners, "{}", step["title"]);
    }
    assert_eq!(p["due_date"], tasks.last().unwrap()["deadline"]);
    assert_eq!(tasks[0]["owners"]["users"], json!([1001]));
    assert_eq!(
        tasks[2]["owners"]["users"],
        json!([1001]),
        "email step has no assignee"
    );
    // Launching counts on the template.
    let r = api
        .get(&api.url(&format!("/checklists/{}", t["id"].as_str().unwrap())))
        .await;
    assert_eq!(r.json()["data"]["started_processes"], 1);
}

#[tokio::test]
async fn launch_applies_overrides_and_names() {
    let api = start_workflow(5, 4, 0).await;
    let templates = api.templates().await;
    let blog = &templates[3];
    let steps = blog["steps"]["data"].as_array().unwrap();
    let (s1, s2) = (
        steps[0]["id"].as_str().unwrap(),
        steps[1]["id"].as_str().unwrap(),
    );
    let tags = api.get(&api.url("/tags?q=urgent")).await.json();
    let urgent = tags["data"][0]["id"].as_str().unwrap().to_string();
    let r = launch(
        &api,
        json!({
            "checklist_id": blog["id"],
            "name": "Launch post",
            "owner_id": 1003,
            "user_id": 1002,
            "starred": true,
            "is_public": true,
            "users": [1004],
            "groups": ["group_1"],
            "tags": [urgent],
            "tasks": {
                s1: {"deadline": "2030-01-02T03:04:05Z", "owners": {"users": [1005], "guests": ["g@x.io"]}},
                s2: {"deadline": "2030-02-01 10:00:00"},
                "not-a-step": {"deadline": "nonsense"},
            },
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let p = r.json()["data"].clone();
    assert_eq!(p["name"], "Launch post");
    assert_eq!(
        (&p["owner_id"], &p["started_by"]),
        (&json!(1003), &json!(1002))
    );
    assert_eq!(
        (&p["starred"], &p["is_public"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(p["users"], json!([1004]));
    assert_eq!(p["groups"], json!(["group_1"]));
    assert_eq!(p["prerun"], json!({}));
    let tasks = api.process_tasks(p["id"].as_str().unwrap()).await;
    assert_eq!(tasks[0]["deadline"], "2030-01-02T03:04:05Z");
    assert_eq!(
        tasks[0]["owners"],
        json!({"users": [1005], "guests": ["g@x.io"], "groups": []})
    );
    assert_eq!(tasks[1]["deadline"], "2030-02-01T10:00:00Z");
    assert_eq!(tasks[1]["owners"]["users"], json!([1002]), "step assignee");
    // The "Publish" step has no deadline and no assignee: 5 days and the launcher (user_id).
    let created = chrono::DateTime::parse_from_rfc3339(p["created_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        tasks[2]["deadline"],
        (created + chrono::Duration::days(5))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    );
    assert_eq!(tasks[2]["owners"]["users"], json!([1002]));
    let got = api
        .get(&api.url(&format!("/runs/{}?with=tags", p["id"].as_str().unwrap())))
        .await;
    let tag = &got.json()["data"]["tags"]["data"][0];
    assert_eq!(
        (&tag["id"], &tag["title"]),
        (&json!(urgent), &json!("Urgent"))
    );
    // A tag that does not exist is refused.
    let r = launch(
        &api,
        json!({"checklist_id": blog["id"], "tags": ["0123456789abcdef0123456789abcdef"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.field_errors().contains_key("tags.0"), "{}", r.text);
    // `prerun: []` is no kick-off form at all.
    let r = launch(&api, json!({"checklist_id": blog["id"], "prerun": []})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn launch_refusals() {
    let api = start_workflow(2, 4, 0).await;
    let templates = api.templates().await;
    let t = &templates[0];
    let r = launch(&api, json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["checklist_id"],
        json!(["The checklist id field is required."])
    );
    let r = api.send(Method::POST, &api.url("/runs"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = launch(
        &api,
        json!({"checklist_id": "0123456789abcdef0123456789abcdef"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "RESOURCE_NOT_FOUND");
    let r = launch(
        &api,
        json!({"checklist_id": t["id"], "name": "x".repeat(551), "owner_id": 99, "starred": "yes"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.field_errors();
    assert_eq!(
        e["name"],
        json!(["The name may not be greater than 550 characters."])
    );
    assert_eq!(e["owner_id"], json!(["The selected owner id is invalid."]));
    assert_eq!(
        e["starred"],
        json!(["The starred field must be true or false."])
    );
    // A list-shaped prerun cannot name fields.
    let r = launch(&api, json!({"checklist_id": t["id"], "prerun": ["Acme"]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("prerun"));
    // Null where the spec has no null, and an empty name, are refused too.
    for (field, value) in [
        ("prerun", json!(null)),
        ("tasks", json!(null)),
        ("tasks", json!([])),
        ("name", json!("")),
        ("name", json!(null)),
        ("summary", json!(null)),
        ("tags", json!([1])),
    ] {
        let mut body = json!({"checklist_id": t["id"], "prerun": onboarding_prerun(t)});
        body[field] = value.clone();
        let r = launch(&api, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {value}"
        );
        let e = r.field_errors();
        assert!(e.keys().all(|k| k.starts_with(field)), "{field}: {e:?}");
    }

    // Required kick-off fields: one message each, under prerun.<id>.
    let r = launch(&api, json!({"checklist_id": t["id"]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.field_errors();
    let required: Vec<&Value> = t["prerun"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["required"] == true)
        .collect();
    assert_eq!(e.len(), required.len(), "{e:?}");
    for f in required {
        assert_eq!(
            e[&format!("prerun.{}", f["id"].as_str().unwrap())],
            json!([format!("{} is required", f["label"].as_str().unwrap())])
        );
    }
    // Blank values do not count as given.
    let mut prerun = onboarding_prerun(t);
    prerun[field_id(t, "Client name")] = json!("");
    let r = launch(&api, json!({"checklist_id": t["id"], "prerun": prerun})).await;
    assert_eq!(
        r.field_errors()[&format!("prerun.{}", field_id(t, "Client name"))],
        json!(["Client name is required"])
    );

    // Every type rule.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "Client name",
            json!("x".repeat(201)),
            "The Client name may not be greater than 200 characters.",
        ),
        (
            "Client name",
            json!({"a": 1}),
            "The Client name must be a single value.",
        ),
        (
            "Project brief",
            json!(12345),
            "The Project brief must be a string.",
        ),
        (
            "Start date",
            json!(1_767_225_599),
            "The Start date is not a valid date.",
        ),
        (
            "Start date",
            json!("31/12/2025"),
            "The Start date is not a valid date.",
        ),
        (
            "Contract type",
            json!("fixed fee"),
            "Invalid radio choice selected.",
        ),
        (
            "Region",
            json!({"id": 1, "text": "Europe"}),
            "Invalid dropdown choice selected.",
        ),
        (
            "Region",
            json!({"id": 2}),
            "Invalid dropdown choice selected.",
        ),
        (
            "Region",
            json!("Europe"),
            "Invalid dropdown choice selected.",
        ),
        (
            "Services",
            json!([{"id": 9, "text": "Consulting"}]),
            "Invalid multiselect choice selected.",
        ),
        (
            "Stakeholders",
            json!(["Ada"]),
            "Number of columns does not match required columns",
        ),
        ("Stakeholders", json!(["Ada", ""]), "Invalid table field"),
        (
            "Account team",
            json!({"users": ["abc"]}),
            "The Account team must list users (ids), guests (emails) and groups (ids).",
        ),
        (
            "Account team",
            json!({"guests": ["not-an-email"]}),
            "The Account team must list users (ids), guests (emails) and groups (ids).",
        ),
        (
            "Signed contract",
            json!([{"filename": "a.pdf"}]),
            "Invalid file field",
        ),
        ("Signed contract", json!({"id": "x"}), "Invalid file field"),
    ];
    for (label, value, message) in cases {
        let mut prerun = onboarding_prerun(t);
        prerun[field_id(t, label)] = value.clone();
        let r = launch(&api, json!({"checklist_id": t["id"], "prerun": prerun})).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{label} {value}"
        );
        assert_eq!(
            r.field_errors(),
            serde_json::from_value::<serde_json::Map<String, Value>>(
                json!({format!("prerun.{}", field_id(t, label)): [message]})
            )
            .unwrap(),
            "{label} {value}"
        );
    }

    // Archived templates cannot be launched.
    let blog = templates[3]["id"].as_str().unwrap();
    api.delete(&api.url(&format!("/checklists/{blog}"))).await;
    let r = launch(&api, json!({"checklist_id": blog})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_valid_value_shape_is_stored_and_unknown_keys_dropped() {
    let api = start_workflow(2, 1, 0).await;
    let t = &api.templates().await[0];
    let mut prerun = onboarding_prerun(t);
    let extra = json!({
        "Client name": 42,
        "Project brief": "A long brief.",
        "Start date": "2025-12-31T23:59:59Z",
        "Services": [
            {"id": 1, "text": "Consulting", "selected": true},
            {"id": 3, "text": "Training", "selected": true}
        ],
        "Stakeholders": ["Ada", "Sponsor"],
        "Account team": {"users": [1001], "guests": ["g@x.io"], "groups": ["group_1"]},
        "Signed contract": [{"id": "f1", "filename": "a.pdf", "version": 1, "url": "https://x.io/a.pdf"}],
    });
    for (label, value) in extra.as_object().unwrap() {
        prerun[field_id(t, label)] = value.clone();
    }
    // An unknown key is dropped, but only once its value has a form-value shape.
    let mut bad = prerun.clone();
    bad["not-a-field"] = json!([{"filename": 5}]);
    let r = launch(&api, json!({"checklist_id": t["id"], "prerun": bad})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["prerun.not-a-field"],
        json!(["The prerun.not-a-field is not a form value."])
    );
    let mut sent = prerun.clone();
    sent["not-a-field"] = json!("dropped");
    let r = launch(&api, json!({"checklist_id": t["id"], "prerun": sent})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["data"]["prerun"], prerun);
    let id = r.json()["data"]["id"].as_str().unwrap().to_string();
    let got = api
        .get(&api.url(&format!("/runs/{id}?with=form_fields")))
        .await
        .json();
    let fields = got["data"]["form_fields"]["data"].as_array().unwrap();
    assert_eq!(fields.len(), 10);
    let file = fields.iter().find(|f| f["field_type"] == "file").unwrap();
    assert_eq!(file["value"], prerun[file["id"].as_str().unwrap()]);
    assert_eq!(file["field_value"], file["value"]);
}

/// Seeded: 5 templates, 12 processes (process 2, 6 and 10 complete; 6 archived; 4 and 9 with a
/// problem).
async fn seeded() -> Api {
    start_workflow(4, 5, 12).await
}

async fn list(api: &Api, query: &str) -> Value {
    let r = api.get(&api.url(&format!("/runs?{query}"))).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
    r.json()
}

fn names(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn list_filters_sorts_and_pages() {
    let api = seeded().await;
    let all = list(&api, "").await;
    let p = &all["meta"]["pagination"];
    assert_eq!(
        (&p["total"], &p["count"], &p["total_pages"]),
        (&json!(11), &json!(10), &json!(2))
    );
    // Newest first by default; the archived one is left out.
    let incs: Vec<i64> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["increment_id"].as_i64().unwrap())
        .collect();
    assert_eq!(incs, [12, 11, 10, 9, 8, 6, 5, 4, 3, 2]);
    let page2 = list(&api, "page=2").await;
    assert_eq!(page2["data"][0]["increment_id"], 1);
    assert_eq!(
        list(&api, "sort=created_at").await["data"][0]["increment_id"],
        1
    );
    let everything = list(&api, "without_pagination=true&archived=true").await;
    assert_eq!(everything["data"].as_array().unwrap().len(), 12);

    let complete = list(&api, "status=complete").await;
    let incs: Vec<&Value> = complete["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["increment_id"])
        .collect();
    assert_eq!(incs, [&json!(11), &json!(3)]);
    for p in complete["data"].as_array().unwrap() {
        assert_eq!(p["progress"]["percent"], 100);
        assert!(p["completed_at"].is_string());
    }
    let archived = list(&api, "archived=only").await;
    assert_eq!(archived["data"].as_array().unwrap().len(), 1);
    assert_eq!(archived["data"][0]["increment_id"], 7);
    assert_eq!(archived["data"][0]["status"], "archived");
    assert_eq!(
        list(&api, "status=archived").await["data"],
        archived["data"]
    );
    let problems = list(&api, "status=problem").await;
    let incs: Vec<&Value> = problems["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["increment_id"])
        .collect();
    assert_eq!(incs, [&json!(10), &json!(5)]);
    assert!(
        problems["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["has_open_issue"] == true)
    );

    let templates = api.templates().await;
    let expense = templates[1]["id"].as_str().unwrap();
    let from = list(&api, &format!("checklist_id={expense}")).await;
    assert!(
        from["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["checklist_id"] == expense)
    );
    assert_eq!(from["meta"]["pagination"]["total"], 2); // processes 1 and 11 (6 is archived)
    let q = list(&api, "q=ACME").await;
    assert!(
        q["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"].as_str().unwrap().contains("Acme"))
    );
    assert!(!q["data"].as_array().unwrap().is_empty());
    let by_name = names(&list(&api, "sort=name&without_pagination=true").await);
    let mut sorted = by_name.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(by_name, sorted);
    // Owners: the owner or any task assignee.
    let mine = list(&api, "owners=1004&without_pagination=true").await;
    for p in mine["data"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let owns = p["owner_id"] == 1004
            || api.process_tasks(id).await.iter().any(|t| {
                t["owners"]["users"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(1004))
            });
        assert!(owns, "{id}");
    }
    let with = list(&api, "with=checklist,tasks,tags,next_task&per_page=1").await;
    let p = &with["data"][0];
    assert_eq!(p["checklist"]["data"]["id"], p["checklist_id"]);
    assert_eq!(
        p["tasks"]["data"].as_array().unwrap().len() as i64,
        p["progress"]["total"].as_i64().unwrap()
    );
    assert!(p["next_task"]["data"].is_array());
    // Free-string parameters are lenient: an unknown sort is the default order, and owner
    // entries that are not ids match nobody.
    assert_eq!(list(&api, "sort=deadline").await["data"], all["data"]);
    assert_eq!(
        list(&api, "owners=a,b").await["meta"]["pagination"]["total"],
        0
    );
    let ff = list(&api, "with=form_fields&per_page=1").await;
    assert!(ff["data"][0]["form_fields"]["data"].is_array());
    for bad in [
        "status=done",
        "with=steps",
        "archived=no",
        "archived=false",
        "starred=2",
        "type=x",
    ] {
        let r = api.get(&api.url(&format!("/runs?{bad}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

#[tokio::test]
async fn get_with_includes_and_next_task() {
    let api = seeded().await;
    let all = list(
        &api,
        "sort=created_at&archived=true&without_pagination=true",
    )
    .await;
    let p1 = all["data"][1]["id"].as_str().unwrap().to_string(); // process 1: first task done
    let r = api
        .get(&api.url(&format!(
            "/runs/{p1}?with=checklist,tasks,tags,next_task,form_fields"
        )))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let p = r.json()["data"].clone();
    let tasks = p["tasks"]["data"].as_array().unwrap();
    assert_eq!(tasks[0]["status"], "completed");
    assert_eq!(tasks[1]["status"], "active");
    assert_eq!(p["next_task"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(p["next_task"]["data"][0]["id"], tasks[1]["id"]);
    // Seeded process 1 carries the seeded tag "Finance".
    assert_eq!(p["tags"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(p["tags"]["data"][0]["title"], "Finance");
    assert_eq!(p["progress"]["complete"], 1);
    assert!(p["form_fields"]["data"].is_array());
    // A complete process has no next task.
    let p2 = all["data"][2]["id"].as_str().unwrap();
    let r = api
        .get(&api.url(&format!("/runs/{p2}?with=next_task")))
        .await;
    assert_eq!(r.json()["data"]["next_task"], json!({"data": []}));
    assert_eq!(r.json()["data"]["status"], "complete");
    let r = api
        .get(&api.url("/runs/0123456789abcdef0123456789abcdef"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api.get(&api.url(&format!("/runs/{p1}?with=steps"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn update_replaces_users_and_groups_and_merges_prerun() {
    let api = start_workflow(4, 1, 0).await;
    let t = &api.templates().await[0];
    let r = launch(
        &api,
        json!({"checklist_id": t["id"], "prerun": onboarding_prerun(t), "users": [1002], "groups": ["group_1"]}),
    )
    .await;
    let id = r.json()["data"]["id"].as_str().unwrap().to_string();
    let url = api.url(&format!("/runs/{id}"));
    // Only the name is sent: users and groups are emptied (the documented trap).
    let r = api.put(&url, json!({"name": "Renamed"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = r.json()["data"].clone();
    assert_eq!(p["name"], "Renamed");
    assert_eq!(p["users"], json!([]));
    assert_eq!(p["groups"], json!([]));
    assert_eq!(
        p["prerun"],
        onboarding_prerun(t),
        "prerun left alone when absent"
    );
    let brief = field_id(t, "Project brief");
    let client = field_id(t, "Client name");
    let r = api
        .put(
            &url,
            json!({"users": [1003], "groups": ["group_2"], "summary": "s", "starred": true, "owner_id": 1002,
                   "prerun": {brief.clone(): "New brief", "unknown": 1}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = r.json()["data"].clone();
    assert_eq!(
        (&p["users"], &p["groups"]),
        (&json!([1003]), &json!(["group_2"]))
    );
    assert_eq!(
        (&p["summary"], &p["starred"], &p["owner_id"]),
        (&json!("s"), &json!(true), &json!(1002))
    );
    assert_eq!(p["prerun"][&brief], "New brief");
    assert_eq!(p["prerun"][&client], "Acme Corp");
    assert!(p["prerun"].get("unknown").is_none());
    // Clearing a required field, a bad value and a long name are refused together.
    let r = api
        .put(
            &url,
            json!({"name": "x".repeat(551), "prerun": {client.clone(): null, brief.clone(): 5}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.field_errors();
    assert_eq!(
        e[&format!("prerun.{client}")],
        json!(["Client name is required"])
    );
    assert_eq!(
        e[&format!("prerun.{brief}")],
        json!(["The Project brief must be a string."])
    );
    assert!(e.contains_key("name"));
    // Archived processes cannot be updated.
    api.delete(&url).await;
    let r = api.put(&url, json!({"name": "Again"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["run_id"],
        json!(["Cannot update archived processes."])
    );
    let r = api
        .put(
            &api.url("/runs/0123456789abcdef0123456789abcdef"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn archive_activate_delete() {
    let api = seeded().await;
    let all = list(
        &api,
        "sort=created_at&without_pagination=true&archived=true",
    )
    .await;
    let complete = all["data"][2]["id"].as_str().unwrap().to_string();
    let url = api.url(&format!("/runs/{complete}"));
    // Deleting needs archiving first.
    let r = api.delete(&format!("{url}/delete")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("run_id"));

    let r = api.delete(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    let p = r.json()["data"].clone();
    assert_eq!(p["status"], "archived");
    assert!(p["archived_at"].is_string());
    assert_eq!(api.process(&complete).await["status"], "archived");
    assert_eq!(
        list(&api, "archived=only").await["meta"]["pagination"]["total"],
        2
    );
    assert_eq!(list(&api, "").await["meta"]["pagination"]["total"], 10);
    // Archived processes' tasks leave the task lists.
    let tasks = api.process_tasks(&complete).await;
    let task = tasks[0]["id"].as_str().unwrap();
    let org = api
        .get(&api.url("/tasks?without_pagination=true"))
        .await
        .json();
    assert!(
        !org["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == task)
    );
    assert!(tasks[0]["archived_at"].is_string());

    // Activating brings back the status it had.
    let r = api.put_empty(&format!("{url}/activate")).await;
    assert_eq!(r.status, StatusCode::OK);
    let p = r.json()["data"].clone();
    assert_eq!(p["status"], "complete");
    assert!(p["archived_at"].is_null());
    let r = api.put_empty(&format!("{url}/activate")).await;
    assert_eq!(r.json()["data"]["status"], "complete");

    api.delete(&url).await;
    let r = api.delete(&format!("{url}/delete")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text, "");
    assert_eq!(api.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.delete(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.put_empty(&format!("{url}/activate")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&format!("{url}/delete")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = api.get(&api.url(&format!("/tasks/{task}"))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "tasks go with the process");
    let r = api.get(&api.url(&format!("/runs/{complete}/tasks"))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn methods_on_process_paths() {
    let api = start_workflow(1, 1, 0).await;
    let cases = [
        (Method::DELETE, api.url("/runs"), "GET, POST"),
        (Method::POST, api.url("/runs/x"), "GET, PUT, DELETE"),
        (Method::GET, api.url("/runs/x/activate"), "PUT"),
        (Method::PUT, api.url("/runs/x/delete"), "DELETE"),
        (Method::POST, api.url("/runs/x/tasks"), "GET"),
        (Method::GET, api.url("/runs/x/tasks/y"), "PUT"),
        (Method::GET, api.url("/runs/x/completed-tasks"), "POST"),
        (Method::POST, api.url("/runs/x/completed-tasks/y"), "DELETE"),
    ];
    for (method, url, allow) in cases {
        let r = api.send(method.clone(), &url, None).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {url}");
        assert_eq!(r.header("allow"), Some(allow), "{method} {url}");
    }
}
