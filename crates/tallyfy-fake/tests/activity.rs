//! The activity feed over HTTP: what the workflow calls record, in Tallyfy's shape (one-element
//! lists), newest first, with each filter keeping what it names and the bad values refused.

mod common;

use common::{Api, activity_entries as entries, id, start_workflow};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn feed(api: &Api, query: &str) -> Value {
    let r = api.get(&api.url(&format!("/activity-feeds?{query}"))).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
    r.json()
}

#[tokio::test]
async fn the_feed_records_workflow_calls_and_filters_them() {
    let api = start_workflow(3, 4, 2).await;
    assert_eq!(
        feed(&api, "").await["data"],
        json!([]),
        "seeding records nothing"
    );

    let blog = api.blog_template().await;
    let r = api
        .post(
            &api.url("/runs"),
            json!({"checklist_id": blog["id"], "name": "Launch post"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let run = id(&r.json()["data"]);
    let tasks = api.process_tasks(&run).await;
    // The last step (an email) has no required field: complete it.
    let last = tasks.last().unwrap();
    let task = id(last);
    let title = last["title"].as_str().unwrap().to_string();
    let done = api
        .post(
            &api.url(&format!("/runs/{run}/completed-tasks")),
            json!({"task_id": task}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let comment = api
        .post(
            &api.url(&format!("/tasks/{task}/comment")),
            json!({"content": "Sent"}),
        )
        .await;
    assert_eq!(comment.status, StatusCode::CREATED);
    let comment_id = id(&comment.json()["data"]);
    assert_eq!(
        api.delete(&api.url(&format!("/runs/{run}"))).await.status,
        StatusCode::OK
    );
    let other = api
        .post(
            &api.url("/tasks"),
            json!({"title": "Call the bank", "task_type": "task", "owners": {}, "deadline": "2026-07-15 17:00:00"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED);

    let all = feed(&api, "").await;
    assert_eq!(
        entries(&all),
        [
            ("created".into(), "Created task: Call the bank".into()),
            ("archived".into(), "Archived process: Launch post".into()),
            ("commented".into(), format!("Commented on task: {title}")),
            ("completed".into(), format!("Completed task: {title}")),
            ("created".into(), "Launched process: Launch post".into()),
        ],
        "newest first"
    );
    assert_eq!(all["meta"]["pagination"]["per_page"], 20);
    let first = &all["data"][3];
    for key in [
        "verb",
        "source",
        "actor_type",
        "actor_id",
        "type",
        "description",
        "actor",
    ] {
        assert!(
            first[key].is_array(),
            "{key} is a one-element list: {first}"
        );
    }
    assert_eq!(first["type"], json!(["Task"]));
    assert_eq!(first["auditable_id"], task.as_str());
    assert_eq!(first["parentable_id"], run.as_str());
    assert_eq!(first["actor_id"], json!([1001]));
    let admin_email = first["actor"][0]["email"].as_str().unwrap().to_string();

    let oldest = feed(&api, "sort=created_at").await;
    let mut reversed = entries(&all);
    reversed.reverse();
    assert_eq!(entries(&oldest), reversed);

    // One process's history: the process, its task and the task's comment; not the other task.
    let of_run = feed(&api, &format!("entity_type=run&entity_id={run}")).await;
    assert_eq!(of_run["data"].as_array().unwrap().len(), 4);
    let of_task = feed(&api, &format!("entity_type=task&entity_id={task}")).await;
    assert_eq!(
        entries(&of_task)
            .iter()
            .map(|e| e.0.as_str())
            .collect::<Vec<_>>(),
        ["commented", "completed"]
    );
    let of_comment = feed(&api, &format!("entity_type=thread&entity_id={comment_id}")).await;
    assert_eq!(of_comment["data"].as_array().unwrap().len(), 1);
    let of_template = feed(
        &api,
        &format!("entity_type=checklist&entity_id={}", id(&blog)),
    )
    .await;
    assert_eq!(
        of_template["data"].as_array().unwrap().len(),
        2,
        "launch and archive of its process"
    );

    let count = |v: Value| v["data"].as_array().unwrap().len();
    assert_eq!(count(feed(&api, "type=Comment").await), 1);
    assert_eq!(count(feed(&api, "type=Process").await), 2);
    assert_eq!(count(feed(&api, "verb=created").await), 2);
    assert_eq!(
        count(feed(&api, "search=LAUNCH%20POST").await),
        2,
        "the process's name, any case"
    );
    assert_eq!(count(feed(&api, "actor_id=1001").await), 5);
    assert_eq!(count(feed(&api, "actor_id=1002").await), 0);
    assert_eq!(
        count(feed(&api, &format!("actor_email={admin_email}")).await),
        5
    );
    assert_eq!(count(feed(&api, "actor_email=nobody@example.com").await), 0);
    assert_eq!(count(feed(&api, "actor_type=guest").await), 0);
    assert_eq!(count(feed(&api, "source=Member").await), 5);
    assert_eq!(count(feed(&api, "source=Webhook").await), 0);
    assert_eq!(count(feed(&api, "entity_type=step").await), 0);
    assert_eq!(count(feed(&api, "created_after=2000-01-01").await), 5);
    assert_eq!(count(feed(&api, "created_before=2000-01-01").await), 0);
    assert_eq!(count(feed(&api, "created_after=2999-01-01").await), 0);
    let paged = feed(&api, "per_page=2&page=3").await;
    assert_eq!(count(paged.clone()), 1);
    assert_eq!(paged["meta"]["pagination"]["total"], 5);

    for (query, field) in [
        ("created_after=yesterday", "created_after"),
        ("created_before=2026-13-40", "created_before"),
        ("search=x", "search"),
        ("verb=exploded", "verb"),
        ("type=Planet", "type"),
        ("entity_type=galaxy", "entity_type"),
        ("actor_id=0", "actor_id"),
    ] {
        let r = api.get(&api.url(&format!("/activity-feeds?{query}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(
            r.field_errors().keys().collect::<Vec<_>>(),
            [field],
            "{query}"
        );
    }
}
