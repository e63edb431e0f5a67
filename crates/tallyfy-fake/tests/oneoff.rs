//! One-off tasks over HTTP: create (standalone, in a process, one per assignee in a process of
//! its own), read, list, update (title, deadline and owners every time), complete, reopen,
//! archive, restore and delete, and the refusals of each, including a process's task on the
//! one-off routes.

mod common;

use common::{Api, Reply, TASK_KEYS, id, start_workflow};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ADMIN: i64 = 1001;

async fn create(api: &Api, body: Value) -> Reply {
    api.post(&api.url("/tasks"), body).await
}

/// Creates a task and returns its JSON, asserting the 201.
async fn created(api: &Api, body: Value) -> Value {
    let r = create(api, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["data"].clone()
}

fn simple() -> Value {
    json!({
        "title": "Call the bank",
        "task_type": "task",
        "owners": {"users": [ADMIN]},
        "deadline": "2026-07-15T17:00:00Z",
    })
}

async fn get(api: &Api, id: &str) -> Reply {
    api.get(&api.url(&format!("/tasks/{id}"))).await
}

/// The ids of the organization's tasks that a query lists.
async fn listed(api: &Api, query: &str) -> Vec<String> {
    let r = api
        .get(&api.url(&format!("/tasks?without_pagination=true&{query}")))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect()
}

fn errors_on(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    r.field_errors().keys().cloned().collect()
}

#[tokio::test]
async fn a_standalone_task_is_created_with_its_form_and_completed_once_filled_in() {
    let api = start_workflow(3, 1, 1).await;
    let t = created(
        &api,
        json!({
            "title": "Collect the signed NDA",
            "task_type": "task",
            "owners": {"users": [ADMIN, 1002], "guests": ["client@example.com"]},
            "deadline": "2026-07-15 17:00:00",
            "description": "Ask for the scanned copy.",
            "top_secret": true,
            "is_soft_start_date": true,
            "max_assignable": 3,
            "webhook": "https://hooks.example.com/done",
            "form_fields": [
                {"label": "Reference", "field_type": "text", "required": true},
                {"label": "Region", "field_type": "dropdown", "required": false,
                 "options": [{"text": "EMEA"}, {"id": 7, "text": "APAC"}]},
                {"label": "Pages", "field_type": "number", "required": false, "position": 9},
            ],
        }),
    )
    .await;
    let map = t.as_object().unwrap();
    assert_eq!(map.len(), TASK_KEYS.len(), "{t}");
    for k in TASK_KEYS {
        assert!(map.contains_key(*k), "{k} missing: {t}");
    }
    for k in ["run_id", "checklist_id", "step_id", "alias", "completed_at"] {
        assert_eq!(t[k], Value::Null, "{k}: {t}");
    }
    assert_eq!(t["is_oneoff_task"], true);
    assert_eq!(t["status"], "active");
    assert_eq!(t["deadline"], "2026-07-15T17:00:00Z");
    assert_eq!(t["summary"], "Ask for the scanned copy.");
    assert_eq!(t["top_secret"], true);
    assert_eq!(t["is_soft_start_date"], true);
    assert_eq!(t["max_assignable"], 3);
    assert_eq!(t["webhook"], "https://hooks.example.com/done");
    assert_eq!(
        t["owners"],
        json!({"users": [ADMIN, 1002], "guests": ["client@example.com"], "groups": []})
    );
    let tid = id(&t);

    let r = api
        .get(&api.url(&format!("/tasks/{tid}?with=form_fields,step")))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let read = r.json()["data"].clone();
    assert!(
        read.get("step").is_none(),
        "a one-off task has no step: {read}"
    );
    let fields = read["form_fields"]["data"].as_array().unwrap().clone();
    let labels: Vec<&str> = fields
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Reference", "Region", "Pages"]);
    assert_eq!(
        fields[1]["options"],
        json!([{"id": 1, "text": "EMEA"}, {"id": 7, "text": "APAC"}])
    );
    assert_eq!(fields[2]["position"], 9);
    let reference = id(&fields[0]);
    let region = id(&fields[1]);

    assert_eq!(listed(&api, "is_oneoff=true").await, vec![tid.clone()]);
    assert!(!listed(&api, "is_oneoff=false").await.contains(&tid));
    assert!(listed(&api, "").await.contains(&tid));

    // The required field is empty: no completion yet.
    let done = api
        .post(&api.url("/completed-tasks"), json!({"task_id": tid}))
        .await;
    assert_eq!(errors_on(&done), [format!("taskdata.{reference}")]);

    // The one-off update needs title, deadline and owners every time.
    let r = api
        .put(
            &api.url(&format!("/tasks/{tid}")),
            json!({"taskdata": {reference.clone(): "NDA-7"}}),
        )
        .await;
    assert_eq!(errors_on(&r), ["deadline", "owners", "title"]);
    let r = api
        .put(
            &api.url(&format!("/tasks/{tid}")),
            json!({
                "title": "Collect the signed NDA",
                "deadline": "2026-07-16T09:00:00Z",
                "owners": {"users": [1002]},
                "taskdata": {reference.clone(): "NDA-7", region.clone(): {"id": 7, "text": "APAC"}},
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let updated = r.json()["data"].clone();
    assert_eq!(updated["deadline"], "2026-07-16T09:00:00Z");
    assert_eq!(
        updated["owners"],
        json!({"users": [1002], "guests": [], "groups": []})
    );
    assert_eq!(updated["taskdata"][&reference], "NDA-7");
    assert_eq!(
        updated["taskdata"][&region],
        json!({"id": 7, "text": "APAC"})
    );

    let done = api
        .post(
            &api.url("/completed-tasks"),
            json!({"task_id": tid, "override_user": 1002}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let state = done.json()["data"].clone();
    assert_eq!(state["status"], "completed");
    assert_eq!(state["completer_id"], 1002);
    assert!(
        state.get("tasks_changed_by_rules").is_none(),
        "only a process's task has rules: {state}"
    );
    assert_eq!(get(&api, &tid).await.json()["data"]["status"], "completed");
    // Completing again changes nothing and answers the same.
    let again = api
        .post(&api.url("/completed-tasks"), json!({"task_id": tid}))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json()["data"]["completer_id"], 1002);
    // A completed task cannot be changed.
    let r = api
        .put(
            &api.url(&format!("/tasks/{tid}")),
            json!({"title": "x", "deadline": "2026-07-16T09:00:00Z", "owners": {}}),
        )
        .await;
    assert_eq!(errors_on(&r), ["task_id"]);

    let reopened = api
        .delete(&api.url(&format!("/completed-tasks/{tid}")))
        .await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.text);
    let state = reopened.json()["data"].clone();
    assert_eq!(state["status"], "in-progress");
    assert_eq!(state["completer_id"], Value::Null);
    assert_eq!(state["completed_at"], Value::Null);
    let twice = api
        .delete(&api.url(&format!("/completed-tasks/{tid}")))
        .await;
    assert_eq!(errors_on(&twice), ["task_id"]);
}

#[tokio::test]
async fn an_approval_needs_its_decision() {
    let api = start_workflow(2, 1, 0).await;
    let mut body = simple();
    body["task_type"] = json!("approval");
    let tid = id(&created(&api, body).await);
    let r = api
        .post(&api.url("/completed-tasks"), json!({"task_id": tid}))
        .await;
    assert_eq!(errors_on(&r), ["is_approved"]);
    let r = api
        .post(
            &api.url("/completed-tasks"),
            json!({"task_id": tid, "is_approved": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["is_approved"], false);
}

#[tokio::test]
async fn archive_hides_restore_brings_back_and_delete_is_for_good() {
    let api = start_workflow(2, 1, 1).await;
    let tid = id(&created(&api, simple()).await);
    let comment = api
        .post(
            &api.url(&format!("/tasks/{tid}/comment")),
            json!({"content": "Done by Friday"}),
        )
        .await;
    assert_eq!(comment.status, StatusCode::CREATED, "{}", comment.text);

    let r = api.delete(&api.url(&format!("/tasks/{tid}"))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(r.text.is_empty());
    let read = get(&api, &tid).await;
    assert_eq!(
        read.status,
        StatusCode::OK,
        "an archived task stays readable"
    );
    assert!(read.json()["data"]["archived_at"].is_string());
    assert!(!listed(&api, "").await.contains(&tid));
    assert_eq!(listed(&api, "archived=only").await, vec![tid.clone()]);
    assert!(listed(&api, "archived=true").await.contains(&tid));
    // Archived: nothing changes it until it is restored.
    let r = api
        .post(&api.url("/completed-tasks"), json!({"task_id": tid}))
        .await;
    assert_eq!(errors_on(&r), ["task_id"]);
    // Archiving again is harmless.
    let r = api.delete(&api.url(&format!("/tasks/{tid}"))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let r = api
        .put_empty(&api.url(&format!("/tasks/{tid}/restore")))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["archived_at"], Value::Null);
    assert!(listed(&api, "").await.contains(&tid));

    let r = api.delete(&api.url(&format!("/tasks/{tid}/delete"))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(r.text.is_empty());
    assert_eq!(get(&api, &tid).await.status, StatusCode::NOT_FOUND);
    assert!(!listed(&api, "archived=true").await.contains(&tid));
    let r = api.delete(&api.url(&format!("/tasks/{tid}/delete"))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Its comments went with it: commenting on it is a 404 now.
    let r = api
        .post(
            &api.url(&format!("/tasks/{tid}/comment")),
            json!({"content": "still there?"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_one_off_routes_refuse_a_process_task_and_name_its_process() {
    let api = start_workflow(2, 4, 1).await;
    let run = api.launch_blog().await;
    let task = id(&api.process_tasks(&run).await[0]);
    let body = json!({"title": "x", "deadline": "2026-07-16T09:00:00Z", "owners": {}});
    let replies = [
        api.put(&api.url(&format!("/tasks/{task}")), body).await,
        api.delete(&api.url(&format!("/tasks/{task}"))).await,
        api.put_empty(&api.url(&format!("/tasks/{task}/restore")))
            .await,
        api.delete(&api.url(&format!("/tasks/{task}/delete"))).await,
        api.post(&api.url("/completed-tasks"), json!({"task_id": task}))
            .await,
        api.delete(&api.url(&format!("/completed-tasks/{task}")))
            .await,
    ];
    for r in &replies {
        assert_eq!(errors_on(r), ["task_id"]);
        assert!(
            r.text.contains(&run),
            "the refusal names the process: {}",
            r.text
        );
    }
    assert_eq!(get(&api, &task).await.status, StatusCode::OK, "still there");

    let unknown = "0123456789abcdef0123456789abcdef";
    let body = json!({"title": "x", "deadline": "2026-07-16T09:00:00Z", "owners": {}});
    let replies = [
        api.put(&api.url(&format!("/tasks/{unknown}")), body).await,
        api.delete(&api.url(&format!("/tasks/{unknown}"))).await,
        api.put_empty(&api.url(&format!("/tasks/{unknown}/restore")))
            .await,
        api.delete(&api.url(&format!("/tasks/{unknown}/delete")))
            .await,
        api.post(&api.url("/completed-tasks"), json!({"task_id": unknown}))
            .await,
        api.delete(&api.url(&format!("/completed-tasks/{unknown}")))
            .await,
    ];
    for r in &replies {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    }
}

#[tokio::test]
async fn create_refusals_name_each_field() {
    let api = start_workflow(2, 1, 1).await;
    let r = create(&api, json!({})).await;
    assert_eq!(errors_on(&r), ["deadline", "owners", "task_type", "title"]);

    let cases: &[(Value, &str)] = &[
        (json!({"task_type": "chore"}), "task_type"),
        (json!({"title": "x".repeat(601)}), "title"),
        (json!({"deadline": "next friday"}), "deadline"),
        (json!({"started_at": "2026-13-01 00:00:00"}), "started_at"),
        (json!({"owners": {"users": [999_999]}}), "owners.users.0"),
        (
            json!({"owners": {"groups": ["no-such-group"]}}),
            "owners.groups.0",
        ),
        (
            json!({"owners": {"guests": ["not-an-email"]}}),
            "owners.guests.0",
        ),
        (json!({"tags": ["no-such-tag"]}), "tags.0"),
        (json!({"webhook": "not a url"}), "webhook"),
        (json!({"max_assignable": -1}), "max_assignable"),
        (
            json!({"run_id": "0123456789abcdef0123456789abcdef"}),
            "run_id",
        ),
        (
            json!({"run_id": "0123456789abcdef0123456789abcdef", "separate_task_for_each_assignee": true}),
            "run_id",
        ),
        (
            json!({"separate_task_for_each_assignee": true, "owners": {}}),
            "owners",
        ),
        (
            json!({"form_fields": [{"label": "x", "field_type": "table", "required": true}]}),
            "form_fields.0.field_type",
        ),
        (
            json!({"form_fields": [{"label": "x", "field_type": "text"}]}),
            "form_fields.0.required",
        ),
        (
            json!({"form_fields": [{"field_type": "text", "required": true}]}),
            "form_fields.0.label",
        ),
        (
            json!({"form_fields": [{"label": "x", "field_type": "radio", "required": true, "options": [{"id": 1}]}]}),
            "form_fields.0.options.0",
        ),
        (
            json!({"form_fields": [{"label": "x", "field_type": "radio", "required": true, "options": [{"id": null, "text": "A"}]}]}),
            "form_fields.0.options.0",
        ),
        (json!({"form_fields": {}}), "form_fields"),
        (
            json!({"form_fields": [{"label": "x", "field_type": "radio", "required": true, "options": null}]}),
            "form_fields.0.options",
        ),
    ];
    for (change, field) in cases {
        let mut body = simple();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = create(&api, body).await;
        assert_eq!(errors_on(&r), [field.to_string()], "{change}");
    }
    assert!(
        listed(&api, "is_oneoff=true&archived=true")
            .await
            .is_empty(),
        "nothing was made by a refused call"
    );
}

#[tokio::test]
async fn a_task_per_assignee_starts_a_process_of_its_own() {
    let api = start_workflow(4, 1, 0).await;
    let g = api
        .post(
            &api.url("/groups"),
            json!({"name": "Ops", "description": "Operations", "members": [1003, ADMIN], "guests": ["ops@example.com"]}),
        )
        .await;
    assert_eq!(g.status, StatusCode::CREATED, "{}", g.text);
    let group = g.json()["data"]["id"].clone();
    let mut body = simple();
    body["title"] = json!("Read the new policy");
    body["owners"] =
        json!({"users": [1002, ADMIN], "guests": ["ext@example.com"], "groups": [group]});
    body["separate_task_for_each_assignee"] = json!(true);
    let r = create(&api, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let first = r.json()["data"].clone();
    let run = first["run"].clone();
    assert_eq!(run.as_object().unwrap().len(), 3, "{run}");
    assert_eq!(run["name"], "Read the new policy");
    assert!(run["started_at"].is_string());
    let run_id = run["id"].as_str().unwrap().to_string();
    assert_eq!(first["run_id"], run_id.as_str());
    assert_eq!(first["is_oneoff_task"], true);

    let tasks = api.process_tasks(&run_id).await;
    let owners: Vec<Value> = tasks.iter().map(|t| t["owners"].clone()).collect();
    let one = |users: Value, guests: Value| json!({"users": users, "guests": guests, "groups": []});
    assert_eq!(
        owners,
        [
            one(json!([1002]), json!([])),
            one(json!([ADMIN]), json!([])),
            one(json!([1003]), json!([])),
            one(json!([]), json!(["ext@example.com"])),
            one(json!([]), json!(["ops@example.com"])),
        ],
        "each user, each guest, then the group's members and guests, once each"
    );
    assert_eq!(id(&tasks[0]), id(&first));
    let process = api.process(&run_id).await;
    assert_eq!(process["owner_id"], ADMIN);
    assert_eq!(process["checklist_title"], "MISC");
    assert_eq!(process["progress"]["total"], 5);

    // They are the process's tasks now: completed through it, and the last completes it.
    let r = api
        .post(&api.url("/completed-tasks"), json!({"task_id": id(&first)}))
        .await;
    assert_eq!(errors_on(&r), ["task_id"]);
    for t in &tasks {
        let r = api
            .post(
                &api.url(&format!("/runs/{run_id}/completed-tasks")),
                json!({"task_id": id(t)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    assert_eq!(api.process(&run_id).await["status"], "complete");
}

#[tokio::test]
async fn a_task_can_join_an_existing_process() {
    let api = start_workflow(2, 4, 0).await;
    let run = api.launch_blog().await;
    let before = api.process_tasks(&run).await;
    let last = before
        .iter()
        .map(|t| t["position"].as_i64().unwrap())
        .max()
        .unwrap();
    let mut body = simple();
    body["run_id"] = json!(run);
    let t = created(&api, body).await;
    assert_eq!(t["run_id"], run.as_str());
    assert_eq!(t["is_oneoff_task"], true);
    assert_eq!(t["position"], last + 1);
    let after = api.process_tasks(&run).await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(id(after.last().unwrap()), id(&t));
    assert_eq!(
        api.process(&run).await["progress"]["total"],
        after.len(),
        "the process counts it"
    );
}

#[tokio::test]
async fn a_one_off_tasks_tags_are_kept_and_shown_with_tags() {
    let api = start_workflow(2, 1, 1).await;
    let r = api
        .post(
            &api.url("/tags"),
            json!({"title": "Legal", "color": "#3b5998"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let tag = r.json()["data"].clone();
    let t = created(
        &api,
        json!({"title": "Sign", "task_type": "task", "owners": {}, "deadline": "2026-07-15 17:00:00", "tags": [tag["id"]]}),
    )
    .await;
    assert!(t.get("tags").is_none(), "only with=tags: {t}");
    let r = api
        .get(&api.url(&format!("/tasks/{}?with=tags", id(&t))))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let tags = r.json()["data"]["tags"]["data"].clone();
    assert_eq!(tags.as_array().map(Vec::len), Some(1), "{tags}");
    assert_eq!(
        (&tags[0]["id"], &tags[0]["title"]),
        (&tag["id"], &json!("Legal"))
    );
    // A launched task has none.
    let listed = api
        .get(&api.url("/tasks?with=tags&is_oneoff=false&per_page=1"))
        .await
        .json();
    assert_eq!(listed["data"][0]["tags"], json!({"data": []}));
}
