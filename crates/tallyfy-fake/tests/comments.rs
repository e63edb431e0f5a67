//! Comments and problems on a process or a template itself, over HTTP (`POST /runs/{id}/comment`,
//! `.../problem`, `.../resolved-threads` and the same under `/checklists/{id}`): the answer, the
//! body rules, what an open problem holds up, which problem a route may resolve, the audit trail,
//! and 404s. The task routes are covered in tasks.rs.

mod common;

use common::{Api, COMMENT_KEYS, activity_entries, id, keys_exactly, start_workflow};
use reqwest::StatusCode;
use serde_json::{Value, json};

const UNKNOWN: &str = "0123456789abcdef0123456789abcdef";

async fn post(api: &Api, path: &str, body: Value) -> common::Reply {
    api.post(&api.url(path), body).await
}

/// The verbs and descriptions of the activity about a record, newest first.
async fn history(api: &Api, entity_type: &str, entity_id: &str) -> Vec<(String, String)> {
    let r = api
        .get(&api.url(&format!(
            "/activity-feeds?entity_type={entity_type}&entity_id={entity_id}"
        )))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    activity_entries(&r.json())
}

#[tokio::test]
async fn a_process_takes_comments_and_problems_of_its_own() {
    let api = start_workflow(2, 4, 0).await;
    let run = api.launch_blog().await;
    let name = api.process(&run).await["name"]
        .as_str()
        .unwrap()
        .to_string();
    let tasks = api.process_tasks(&run).await;

    let r = post(
        &api,
        &format!("/runs/{run}/comment"),
        json!({"content": "Kick-off done", "label": "advice"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = r.json()["data"].clone();
    keys_exactly(&c, COMMENT_KEYS);
    assert_eq!(c["task_id"], Value::Null, "on the process, not a task");
    assert_eq!(
        (&c["content"], &c["label"], &c["state"]),
        (
            &json!("Kick-off done"),
            &json!("advice"),
            &json!("hide-for-guests")
        )
    );
    let r = post(
        &api,
        &format!("/runs/{run}/comment"),
        json!({"state": "loud"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.field_errors();
    assert!(
        e.contains_key("content") && e.contains_key("state"),
        "{e:?}"
    );

    let r = post(
        &api,
        &format!("/runs/{run}/problem"),
        json!({"content": "Budget not approved"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let problem = r.json()["data"].clone();
    assert_eq!(
        (&problem["label"], &problem["task_id"]),
        (&json!("problem"), &Value::Null)
    );
    assert_eq!(api.process(&run).await["has_open_issue"], true);
    let listed = api.get(&api.url("/runs?status=problem")).await.json();
    assert!(
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == run.as_str())
    );
    // The process's own problem holds up none of its tasks: the plain task completes.
    assert!(tasks.iter().all(|t| t["problem"] == false));
    let plain = id(&tasks[2]);
    let r = post(
        &api,
        &format!("/runs/{run}/completed-tasks"),
        json!({"task_id": plain}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A task's problem is not the process's to resolve, nor the process's the task's.
    let draft = id(&tasks[0]);
    let task_problem = post(
        &api,
        &format!("/tasks/{draft}/problem"),
        json!({"content": "No draft yet"}),
    )
    .await
    .json()["data"]
        .clone();
    let resolve = format!("/runs/{run}/resolved-threads");
    let r = post(
        &api,
        &resolve,
        json!({"thread_id": id(&task_problem), "content": "x"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["thread_id"],
        json!(["The selected thread id is invalid."])
    );
    let r = post(
        &api,
        &format!("/tasks/{draft}/resolved-threads"),
        json!({"thread_id": id(&problem), "content": "x"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&api, &resolve, json!({"thread_id": id(&c), "content": "x"})).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a plain comment is no problem"
    );
    let r = post(&api, &resolve, json!({})).await;
    let e = r.field_errors();
    assert!(
        e.contains_key("thread_id") && e.contains_key("content"),
        "{e:?}"
    );

    let r = post(
        &api,
        &format!("/tasks/{draft}/resolved-threads"),
        json!({"thread_id": id(&task_problem), "content": "Drafted"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        api.process(&run).await["has_open_issue"],
        true,
        "the process's own problem is still open"
    );
    let r = post(
        &api,
        &resolve,
        json!({"thread_id": id(&problem), "content": "Approved on Monday"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let resolution = r.json()["data"].clone();
    assert_eq!(
        (&resolution["label"], &resolution["task_id"]),
        (&json!("resolve"), &Value::Null)
    );
    assert_eq!(api.process(&run).await["has_open_issue"], false);
    let r = post(
        &api,
        &resolve,
        json!({"thread_id": id(&problem), "content": "Twice"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "already resolved"
    );

    let history = history(&api, "run", &run).await;
    for expected in [
        ("commented", format!("Commented on process: {name}")),
        (
            "issue-reported",
            format!("Reported a problem on process: {name}"),
        ),
        (
            "issue-resolved",
            format!("Resolved a problem on process: {name}"),
        ),
    ] {
        assert!(
            history.contains(&(expected.0.to_string(), expected.1.clone())),
            "{expected:?} in {history:?}"
        );
    }

    // An archived process still takes comments (it stays readable and can be activated).
    assert_eq!(
        api.delete(&api.url(&format!("/runs/{run}"))).await.status,
        StatusCode::OK
    );
    let r = post(
        &api,
        &format!("/runs/{run}/comment"),
        json!({"content": "Archived, for the record"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    for path in ["comment", "problem", "resolved-threads"] {
        let r = post(
            &api,
            &format!("/runs/{UNKNOWN}/{path}"),
            json!({"content": "x", "thread_id": "x"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_template_takes_comments_and_problems_of_its_own() {
    let api = start_workflow(2, 4, 0).await;
    let blog = api.blog_template().await;
    let (template, title) = (id(&blog), blog["title"].as_str().unwrap().to_string());

    let r = post(
        &api,
        &format!("/checklists/{template}/comment"),
        json!({"content": "Step 3 needs a checklist", "state": "open"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = r.json()["data"].clone();
    keys_exactly(&c, COMMENT_KEYS);
    assert_eq!(
        (&c["task_id"], &c["state"], &c["label"]),
        (&Value::Null, &json!("open"), &json!("comment"))
    );

    let r = post(
        &api,
        &format!("/checklists/{template}/problem"),
        json!({"content": "The review step has no assignee"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let problem = r.json()["data"].clone();
    assert_eq!(problem["label"], "problem");
    let r = post(
        &api,
        &format!("/checklists/{template}/problem"),
        json!({"content": ""}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An open problem on a template does not stop it from being launched.
    let r = api
        .post(&api.url("/runs"), json!({"checklist_id": template}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let run = id(&r.json()["data"]);
    assert_eq!(
        api.process(&run).await["has_open_issue"],
        false,
        "the template's problem is not the process's"
    );

    // Another template's problem is not this one's to resolve.
    let templates = api.templates().await;
    let other = id(templates
        .iter()
        .find(|t| t["id"] != blog["id"] && t["archived_at"].is_null())
        .unwrap());
    let resolve = format!("/checklists/{template}/resolved-threads");
    let r = post(
        &api,
        &format!("/checklists/{other}/resolved-threads"),
        json!({"thread_id": id(&problem), "content": "x"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &api,
        &resolve,
        json!({"thread_id": id(&problem), "content": "Assigned to the editor"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["data"]["label"], "resolve");

    let history = history(&api, "checklist", &template).await;
    for expected in [
        ("commented", format!("Commented on template: {title}")),
        (
            "issue-reported",
            format!("Reported a problem on template: {title}"),
        ),
        (
            "issue-resolved",
            format!("Resolved a problem on template: {title}"),
        ),
    ] {
        assert!(
            history.contains(&(expected.0.to_string(), expected.1.clone())),
            "{expected:?} in {history:?}"
        );
    }

    // An archived template is invisible: its thread routes answer 404, as do unknown ids.
    assert_eq!(
        api.delete(&api.url(&format!("/checklists/{template}")))
            .await
            .status,
        StatusCode::OK
    );
    for t in [template.as_str(), UNKNOWN] {
        for path in ["comment", "problem", "resolved-threads"] {
            let r = post(
                &api,
                &format!("/checklists/{t}/{path}"),
                json!({"content": "x", "thread_id": "x"}),
            )
            .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{t} {path}");
        }
    }
}
