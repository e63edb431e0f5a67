//! Task and comment operations over HTTP: the lists (organization, mine, a process's) with filters,
//! sorts and pages; get; update (owners, taskdata); complete (approval, required captures, open
//! problems, the last task completing the process); reopen; comments, problems and resolutions.

mod common;

use common::{Api, COMMENT_KEYS, Reply, TASK_KEYS, id, keys_exactly, start_workflow};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Launches the Blog Post Publishing template (see `Api::launch_blog`). Returns the run id and its
/// tasks.
async fn blog_process(api: &Api) -> (String, Vec<Value>) {
    let id = api.launch_blog().await;
    let tasks = api.process_tasks(&id).await;
    (id, tasks)
}

async fn complete(api: &Api, run: &str, body: Value) -> Reply {
    api.post(&api.url(&format!("/runs/{run}/completed-tasks")), body)
        .await
}

async fn task(api: &Api, id: &str, with: &str) -> Value {
    let query = if with.is_empty() {
        String::new()
    } else {
        format!("?with={with}")
    };
    let r = api.get(&api.url(&format!("/tasks/{id}{query}"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["data"].clone()
}

#[tokio::test]
async fn completing_every_task_completes_the_process_and_reopen_undoes_it() {
    let api = start_workflow(3, 4, 0).await;
    let (run, tasks) = blog_process(&api).await;
    let [draft, review, publish, announce] = [0, 1, 2, 3].map(|i| id(&tasks[i]));
    let capture = tasks[0]["form_fields"]["data"][0].clone();
    assert_eq!(capture["label"], "Draft link");
    assert_eq!(capture["required"], true);
    assert!(capture["value"].is_null());
    let capture_id = id(&capture);

    // A required capture without a value blocks completion.
    let r = complete(&api, &run, json!({"task_id": draft})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()[&format!("taskdata.{capture_id}")],
        json!(["Draft link is required"])
    );
    let r = api
        .put(
            &api.url(&format!("/runs/{run}/tasks/{draft}")),
            json!({"taskdata": {capture_id.clone(): "https://docs.example/draft"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json()["data"]["taskdata"],
        json!({capture_id.clone(): "https://docs.example/draft"})
    );
    let r = complete(&api, &run, json!({"task_id": draft})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let done = r.json()["data"].clone();
    keys_exactly(
        &done,
        &[
            "id",
            "title",
            "status",
            "completed_at",
            "completer_id",
            "is_approved",
            "tasks_changed_by_rules",
        ],
    );
    assert_eq!(done["id"], draft.as_str());
    assert_eq!(done["title"], "Write the draft");
    assert_eq!(done["status"], "completed");
    assert_eq!(done["completer_id"], 1001);
    assert!(done["is_approved"].is_null());
    assert_eq!(done["tasks_changed_by_rules"], json!({}));
    assert!(done["completed_at"].is_string());
    // The next task starts.
    assert_eq!(task(&api, &review, "").await["status"], "active");
    let t = task(&api, &draft, "form_fields").await;
    assert_eq!(t["status"], "completed");
    assert_eq!(t["status_label"], "Completed");
    assert_eq!(t["is_completable"], false);
    assert_eq!(
        t["form_fields"]["data"][0]["value"],
        "https://docs.example/draft"
    );
    assert_eq!(
        t["form_fields"]["data"][0]["field_value"],
        "https://docs.example/draft"
    );

    // Completing it again changes nothing.
    let again = complete(&api, &run, json!({"task_id": draft})).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["data"], done);

    // An approval needs a decision.
    let r = complete(&api, &run, json!({"task_id": review})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["is_approved"],
        json!(["The is approved field is required"])
    );
    let r = complete(
        &api,
        &run,
        json!({"task_id": review, "is_approved": false, "override_user": 1003}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["is_approved"], false);
    assert_eq!(r.json()["data"]["completer_id"], 1003);
    let p = api.process(&run).await;
    assert_eq!(
        p["progress"],
        json!({"complete": 2, "total": 4, "percent": 50})
    );
    assert_eq!(p["status"], "active");

    complete(&api, &run, json!({"task_id": publish})).await;
    let r = complete(&api, &run, json!({"task_id": announce})).await;
    assert_eq!(r.status, StatusCode::OK);
    let p = api.process(&run).await;
    assert_eq!(p["status"], "complete");
    assert_eq!(
        p["progress"],
        json!({"complete": 4, "total": 4, "percent": 100})
    );
    assert_eq!(p["whole_progress"], 100);
    assert!(p["completed_at"].is_string());

    // Reopening a task reopens the process.
    let url = api.url(&format!("/runs/{run}/completed-tasks/{review}"));
    let r = api.delete(&url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json()["data"],
        json!({
            "id": review,
            "title": "Editorial review",
            "status": "in-progress",
            "completed_at": null,
            "completer_id": null,
            "completer_guest_id": null,
            "is_approved": null,
            "tasks_changed_by_rules": {}
        })
    );
    let t = task(&api, &review, "").await;
    assert_eq!(t["status"], "in-progress");
    assert!(
        t["completed_at"].is_null() && t["completer_id"].is_null() && t["is_approved"].is_null()
    );
    let p = api.process(&run).await;
    assert_eq!(p["status"], "active");
    assert!(p["completed_at"].is_null());
    assert_eq!(p["progress"]["complete"], 3);
    // Only a completed task can be reopened.
    let r = api.delete(&url).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["task_id"],
        json!(["Only a completed task can be reopened."])
    );
}

#[tokio::test]
async fn complete_refusals() {
    let api = start_workflow(2, 4, 0).await;
    let (run, tasks) = blog_process(&api).await;
    let r = complete(&api, &run, json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["task_id"],
        json!(["The task id field is required."])
    );
    let r = complete(
        &api,
        &run,
        json!({"task_id": id(&tasks[3]), "is_approved": "yes", "override_user": 5}),
    )
    .await;
    let e = r.field_errors();
    assert!(
        e.contains_key("is_approved") && e.contains_key("override_user"),
        "{e:?}"
    );
    let r = complete(
        &api,
        &run,
        json!({"task_id": "0123456789abcdef0123456789abcdef"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = complete(
        &api,
        "0123456789abcdef0123456789abcdef",
        json!({"task_id": id(&tasks[0])}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A task of another process is not found in this one.
    let (other, _) = blog_process(&api).await;
    let r = complete(&api, &other, json!({"task_id": id(&tasks[3])})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Archived processes refuse changes to their tasks.
    api.delete(&api.url(&format!("/runs/{run}"))).await;
    let r = complete(&api, &run, json!({"task_id": id(&tasks[3])})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["run_id"],
        json!(["Cannot update archived processes."])
    );
}

#[tokio::test]
async fn update_task_rules() {
    let api = start_workflow(5, 1, 0).await;
    let t = &api.templates().await[0];
    let prerun: serde_json::Map<String, Value> = t["prerun"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["required"] == true)
        .map(|f| {
            let v = match f["field_type"].as_str().unwrap() {
                "radio" => json!("Fixed fee"),
                "dropdown" => json!({"id": 1, "text": "North America"}),
                "multiselect" => json!([{"id": 2, "text": "Implementation", "selected": true}]),
                "date" => json!("2026-01-01T00:00:00Z"),
                _ => json!("value"),
            };
            (f["id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let r = api
        .post(
            &api.url("/runs"),
            json!({"checklist_id": t["id"], "prerun": prerun}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let run = id(&r.json()["data"]);
    let tasks = api.process_tasks(&run).await;
    let first = id(&tasks[0]);
    let url = api.url(&format!("/runs/{run}/tasks/{first}"));
    let fields = tasks[0]["form_fields"]["data"].as_array().unwrap();
    let notes = id(&fields[0]); // textarea, required
    let outcome = id(&fields[1]); // radio

    let r = api
        .put(
            &url,
            json!({
                "title": "Call the client",
                "summary": "Agenda and notes",
                "deadline": "2030-05-01 12:00:00",
                "started_at": "2030-04-01T08:00:00Z",
                "owners": {"users": [1002, 1003]},
                "taskdata": {notes.clone(): "Went well", outcome.clone(): "Proceed", "unknown": 1},
                "webhook": "https://hooks.example/task",
                "prevent_guest_comment": true,
                "max_assignable": 2
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.json()["data"].clone();
    keys_exactly(&d, TASK_KEYS);
    assert_eq!(d["title"], "Call the client");
    assert_eq!(d["summary"], "Agenda and notes");
    assert_eq!(d["deadline"], "2030-05-01T12:00:00Z");
    assert_eq!(d["started_at"], "2030-04-01T08:00:00Z");
    // Buckets left out of a present `owners` are emptied.
    assert_eq!(
        d["owners"],
        json!({"users": [1002, 1003], "guests": [], "groups": []})
    );
    assert_eq!(
        d["taskdata"],
        json!({notes.clone(): "Went well", outcome.clone(): "Proceed"})
    );
    assert_eq!(d["webhook"], "https://hooks.example/task");
    assert_eq!(
        (&d["prevent_guest_comment"], &d["max_assignable"]),
        (&json!(true), &json!(2))
    );

    // `owners` absent: untouched; an empty value clears a capture.
    let r = api
        .put(&url, json!({"taskdata": {outcome.clone(): ""}}))
        .await;
    let d = r.json()["data"].clone();
    assert_eq!(d["owners"]["users"], json!([1002, 1003]));
    assert_eq!(d["taskdata"], json!({notes.clone(): "Went well"}));
    // Member ids as numeric text are read as ids; group ids may be numbers.
    let r = api
        .put(&url, json!({"owners": {"users": ["1004"], "groups": [7]}}))
        .await;
    assert_eq!(
        r.json()["data"]["owners"],
        json!({"users": [1004], "guests": [], "groups": ["7"]})
    );
    let r = api
        .put(
            &url,
            json!({"owners": {"guests": ["g@x.io"], "groups": ["group_1"]}}),
        )
        .await;
    assert_eq!(
        r.json()["data"]["owners"],
        json!({"users": [], "guests": ["g@x.io"], "groups": ["group_1"]})
    );

    // Rules, all reported together.
    let r = api
        .put(
            &url,
            json!({
                "title": "x".repeat(601),
                "deadline": 12,
                "owners": {"users": ["abc"]},
                "taskdata": {notes.clone(): 123, outcome.clone(): "Maybe"},
                "webhook": "not a url",
                "max_assignable": -1
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.field_errors();
    assert_eq!(
        e["title"],
        json!(["The title may not be greater than 600 characters."])
    );
    assert_eq!(e["deadline"], json!(["The deadline is not a valid date."]));
    assert!(e.contains_key("owners.users.0"), "{e:?}");
    assert_eq!(
        e[&format!("taskdata.{notes}")],
        json!(["The Call notes must be a string."])
    );
    assert_eq!(
        e[&format!("taskdata.{outcome}")],
        json!(["Invalid radio choice selected."])
    );
    assert!(
        e.contains_key("webhook") && e.contains_key("max_assignable"),
        "{e:?}"
    );
    let r = api.put(&url, json!({"taskdata": ["x"]})).await;
    assert!(r.field_errors().contains_key("taskdata"));

    // A completed task refuses updates.
    complete(&api, &run, json!({"task_id": first})).await;
    let r = api.put(&url, json!({"title": "Late edit"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["task_id"],
        json!(["A completed task cannot be updated."])
    );
    let r = api
        .put(
            &api.url(&format!(
                "/runs/{run}/tasks/0123456789abcdef0123456789abcdef"
            )),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn comments_problems_and_resolutions() {
    let api = start_workflow(2, 4, 0).await;
    let (run, tasks) = blog_process(&api).await;
    let t = id(&tasks[3]);
    let r = api
        .post(
            &api.url(&format!("/tasks/{t}/comment")),
            json!({"content": "Looks good"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = r.json()["data"].clone();
    keys_exactly(&c, COMMENT_KEYS);
    assert_eq!(c["content"], "Looks good");
    assert_eq!(
        (&c["label"], &c["state"]),
        (&json!("comment"), &json!("hide-for-guests"))
    );
    assert_eq!(
        (&c["author_id"], &c["author_type"]),
        (&json!(1001), &json!("user"))
    );
    assert_eq!(c["task_id"], t.as_str());
    assert!(c["resolve_id"].is_null() && c["archived_at"].is_null());
    let r = api
        .post(
            &api.url(&format!("/tasks/{t}/comment")),
            json!({"content": "Tip", "label": "advice", "state": "open"}),
        )
        .await;
    assert_eq!(
        (&r.json()["data"]["label"], &r.json()["data"]["state"]),
        (&json!("advice"), &json!("open"))
    );
    let r = api
        .post(
            &api.url(&format!("/tasks/{t}/comment")),
            json!({"label": "shout", "state": "loud"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.field_errors();
    assert!(e.contains_key("content") && e.contains_key("label") && e.contains_key("state"));

    let r = api
        .post(
            &api.url(&format!("/tasks/{t}/problem")),
            json!({"content": "Newsletter tool is down"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let problem = r.json()["data"].clone();
    assert_eq!(problem["label"], "problem");
    assert_eq!(task(&api, &t, "").await["problem"], true);
    let p = api.process(&run).await;
    assert_eq!(p["has_open_issue"], true);
    // An open problem blocks completion.
    let r = complete(&api, &run, json!({"task_id": t})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("task_id"));
    let open = api.get(&api.url("/tasks?status=hasproblem")).await.json();
    assert_eq!(open["data"][0]["id"], t.as_str());

    let resolve = api.url(&format!("/tasks/{t}/resolved-threads"));
    let r = api
        .post(&resolve, json!({"thread_id": id(&c), "content": "x"}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a plain comment is no problem"
    );
    assert_eq!(
        r.field_errors()["thread_id"],
        json!(["The selected thread id is invalid."])
    );
    let r = api.post(&resolve, json!({})).await;
    let e = r.field_errors();
    assert!(e.contains_key("thread_id") && e.contains_key("content"));
    let r = api
        .post(
            &resolve,
            json!({"thread_id": id(&problem), "content": "Back up"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let resolution = r.json()["data"].clone();
    assert_eq!(resolution["label"], "resolve");
    assert_eq!(resolution["content"], "Back up");
    let r = api
        .post(
            &resolve,
            json!({"thread_id": id(&problem), "content": "Twice"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "already resolved"
    );

    let got = task(&api, &t, "threads").await;
    assert_eq!(got["problem"], false);
    let threads = got["threads"]["data"].as_array().unwrap();
    assert_eq!(threads.len(), 4);
    for c in threads {
        keys_exactly(c, COMMENT_KEYS);
    }
    assert_eq!(threads[2]["id"], problem["id"]);
    assert_eq!(threads[2]["resolve_id"], resolution["id"]);
    assert_eq!(api.process(&run).await["has_open_issue"], false);
    for path in ["comment", "problem", "resolved-threads"] {
        let r = api
            .post(
                &api.url(&format!("/tasks/0123456789abcdef0123456789abcdef/{path}")),
                json!({"content": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn list(api: &Api, path: &str) -> Value {
    let r = api.get(&api.url(path)).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.json()
}

fn ids(body: &Value) -> Vec<String> {
    body["data"].as_array().unwrap().iter().map(id).collect()
}

#[tokio::test]
async fn org_tasks_walk_every_page() {
    let api = start_workflow(4, 5, 12).await;
    let first = list(&api, "/tasks").await;
    let p = &first["meta"]["pagination"];
    let total = p["total"].as_i64().unwrap();
    assert!(total > 30, "{total}");
    assert_eq!((&p["per_page"], &p["count"]), (&json!(10), &json!(10)));
    assert_eq!(p["total_pages"], (total + 9) / 10);
    let mut seen = Vec::new();
    let mut next = Some(api.url("/tasks"));
    let mut pages = 0;
    while let Some(url) = next {
        let r = api.get(&url).await;
        assert_eq!(r.status, StatusCode::OK);
        let body = r.json();
        for t in body["data"].as_array().unwrap() {
            keys_exactly(t, TASK_KEYS);
        }
        seen.extend(ids(&body));
        next = body["meta"]["pagination"]["links"]["next"]
            .as_str()
            .map(str::to_string);
        pages += 1;
    }
    assert_eq!(pages, p["total_pages"].as_i64().unwrap());
    assert_eq!(seen.len() as i64, total);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    let all = list(&api, "/tasks?without_pagination=true").await;
    assert_eq!(ids(&all), seen, "pages and the whole list agree");
    // Default order: earliest deadline first.
    let deadlines: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["deadline"].as_str().unwrap())
        .collect();
    let mut sorted = deadlines.clone();
    sorted.sort_unstable();
    assert_eq!(deadlines, sorted);
    let desc = list(&api, "/tasks?without_pagination=true&sort=-deadline").await;
    let mut rev = ids(&all);
    rev.reverse();
    assert_eq!(ids(&desc), rev);
    // Archived processes' tasks only when asked.
    let with_archived = list(&api, "/tasks?archived=true").await;
    let only = list(&api, "/tasks?archived=only&without_pagination=true").await;
    assert_eq!(
        with_archived["meta"]["pagination"]["total"]
            .as_i64()
            .unwrap(),
        total + only["data"].as_array().unwrap().len() as i64
    );
    assert!(
        only["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["archived_at"].is_string())
    );
    assert!(!only["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn task_list_filters() {
    let api = start_workflow(4, 5, 12).await;
    let all = list(&api, "/tasks?without_pagination=true").await;
    let all = all["data"].as_array().unwrap().clone();
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|t| f(t)).count() as i64;
    let total = |body: Value| body["meta"]["pagination"]["total"].as_i64().unwrap();
    assert_eq!(
        total(list(&api, "/tasks?status=complete").await),
        count(&|t| t["status"] == "completed")
    );
    assert_eq!(
        total(list(&api, "/tasks?status=completed").await),
        count(&|t| t["status"] == "completed")
    );
    assert_eq!(
        total(list(&api, "/tasks?status=incomplete").await),
        count(&|t| t["status"] != "completed")
    );
    assert_eq!(
        total(list(&api, "/tasks?status=active").await),
        count(&|t| t["status"] == "active" || t["status"] == "in-progress")
    );
    // Seeded deadlines are in 2025: every open one is overdue, none due soon.
    assert_eq!(
        total(list(&api, "/tasks?status=overdue").await),
        count(&|t| t["status"] != "completed")
    );
    assert_eq!(total(list(&api, "/tasks?status=due_soon").await), 0);
    assert_eq!(total(list(&api, "/tasks?status=hasproblem").await), 2);
    assert_eq!(
        total(list(&api, "/tasks?owners=1002,1003").await),
        count(&|t| {
            let u = t["owners"]["users"].as_array().unwrap();
            u.contains(&json!(1002)) || u.contains(&json!(1003))
        })
    );
    assert_eq!(
        total(list(&api, "/tasks?unassigned=true").await),
        count(&|t| t["owners"] == json!({"users": [], "guests": [], "groups": []}))
    );
    assert_eq!(total(list(&api, "/tasks?is_oneoff=true").await), 0);
    assert_eq!(
        total(list(&api, "/tasks?is_oneoff=false").await),
        all.len() as i64
    );
    let q = list(&api, "/tasks?q=payslip&without_pagination=true").await;
    assert!(
        q["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["title"] == "Send the final payslip notice")
    );
    assert_eq!(
        q["data"].as_array().unwrap().len() as i64,
        count(&|t| t["title"] == "Send the final payslip notice")
    );
    // The sorts are free strings: an unknown one is the default order (by deadline).
    let unknown = list(&api, "/tasks?sort=position&without_pagination=true").await;
    assert_eq!(unknown["data"].as_array().unwrap(), &all);
    let problems = list(&api, "/tasks?sort=problems&per_page=2").await;
    assert!(
        problems["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["problem"] == true)
    );
    let newest = list(&api, "/tasks?sort=newest&per_page=1").await;
    let latest = all
        .iter()
        .map(|t| t["created_at"].as_str().unwrap())
        .max()
        .unwrap();
    assert_eq!(newest["data"][0]["created_at"], latest);
    let done = list(&api, "/tasks?sort=completed_newest&per_page=1").await;
    let latest = all
        .iter()
        .filter_map(|t| t["completed_at"].as_str())
        .max()
        .unwrap();
    assert_eq!(done["data"][0]["completed_at"], latest);
    let with = list(&api, "/tasks?with=run,step,threads,form_fields&per_page=1").await;
    let t = &with["data"][0];
    assert_eq!(t["run"]["data"]["id"], t["run_id"]);
    assert_eq!(t["step"]["data"]["id"], t["step_id"]);
    assert!(t["threads"]["data"].is_array() && t["form_fields"]["data"].is_array());
    for bad in [
        "status=not-started",
        "with=tag",
        "is_oneoff=1",
        "status=",
        "with=",
        "with=run,",
        "unassigned=",
        "unassigned=maybe",
        "page=0",
    ] {
        let r = api.get(&api.url(&format!("/tasks?{bad}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

#[tokio::test]
async fn my_tasks_are_the_admins_open_tasks_by_default() {
    let api = start_workflow(4, 5, 12).await;
    let all = list(&api, "/tasks?without_pagination=true").await;
    let mine_all = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["owners"]["users"]
                .as_array()
                .unwrap()
                .contains(&json!(1001))
        })
        .cloned()
        .collect::<Vec<_>>();
    let active = list(&api, "/me/tasks?without_pagination=true").await;
    let expected: Vec<String> = mine_all
        .iter()
        .filter(|t| t["status"] == "active" || t["status"] == "in-progress")
        .map(id)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&active), expected);
    let everything = list(&api, "/me/tasks?status=all&without_pagination=true").await;
    assert_eq!(
        ids(&everything),
        mine_all.iter().map(id).collect::<Vec<_>>()
    );
    let done = list(&api, "/me/tasks?status=completed").await;
    assert!(
        done["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "completed")
    );
    let page = list(&api, "/me/tasks?status=all&per_page=3&page=2").await;
    assert_eq!(page["meta"]["pagination"]["per_page"], 3);
    assert_eq!(page["meta"]["pagination"]["current_page"], 2);
    assert_eq!(ids(&page), ids(&everything)[3..6].to_vec());
    let r = api.get(&api.url("/me/tasks?status=inprogress")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api.send(Method::POST, &api.url("/me/tasks"), None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn process_task_list_filters_and_sorts() {
    let api = start_workflow(4, 5, 12).await;
    let runs = list(&api, "/runs?sort=created_at&without_pagination=true").await;
    let run = id(&runs["data"][3]); // process 3: half of its tasks completed
    let path = |q: &str| format!("/runs/{run}/tasks?{q}");
    let all = list(&api, &path("")).await;
    let n = all["data"].as_array().unwrap().len();
    let positions: Vec<i64> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (1..=n as i64).collect::<Vec<_>>());
    let rev = list(&api, &path("sort=-position")).await;
    assert_eq!(rev["data"][0]["position"], n as i64);
    let by_deadline = list(&api, &path("sort=deadline")).await;
    let d: Vec<&str> = by_deadline["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["deadline"].as_str().unwrap())
        .collect();
    let mut sorted = d.clone();
    sorted.sort_unstable();
    assert_eq!(d, sorted);
    let done = list(&api, &path("status=complete")).await;
    assert_eq!(done["data"].as_array().unwrap().len(), n / 2);
    let not_started = list(&api, &path("status=not-started")).await;
    let active = list(&api, &path("status=active")).await;
    assert_eq!(active["data"].as_array().unwrap().len(), 1);
    assert_eq!(not_started["data"].as_array().unwrap().len() + 1 + n / 2, n);
    let paged = list(&api, &path("per_page=2&page=2")).await;
    assert_eq!(paged["meta"]["pagination"]["total"], n as i64);
    assert_eq!(paged["data"][0]["position"], 3);
    let r = api.get(&api.url(&path("status=overdue_soon"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api
        .get(&api.url("/runs/0123456789abcdef0123456789abcdef/tasks"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn get_task_and_unknown_ids() {
    let api = start_workflow(2, 5, 6).await;
    let all = list(&api, "/tasks?per_page=1").await;
    let t = &all["data"][0];
    let got = task(
        &api,
        t["id"].as_str().unwrap(),
        "run,step,form_fields,threads",
    )
    .await;
    keys_exactly(
        &{
            let mut g = got.clone();
            for k in ["run", "step", "form_fields", "threads"] {
                g.as_object_mut().unwrap().remove(k);
            }
            g
        },
        TASK_KEYS,
    );
    assert_eq!(got["run"]["data"]["id"], t["run_id"]);
    let r = api
        .get(&api.url("/tasks/0123456789abcdef0123456789abcdef"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "RESOURCE_NOT_FOUND");
    let r = api
        .get(&api.url(&format!("/tasks/{}?with=assets", id(t))))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api
        .send(Method::PATCH, &api.url(&format!("/tasks/{}", id(t))), None)
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header("allow"), Some("GET, PUT, DELETE"));
    let r = api
        .get(&api.url(&format!("/tasks/{}/comment", id(t))))
        .await;
    assert_eq!(r.header("allow"), Some("POST"));
}

#[tokio::test]
async fn saving_one_form_value_at_a_time() {
    let api = start_workflow(2, 4, 0).await;
    let (run, tasks) = blog_process(&api).await;
    let draft = id(&tasks[0]);
    let capture_id = id(&tasks[0]["form_fields"]["data"][0]);
    let save = api.url(&format!("/tasks/{draft}/captures"));

    for (body, field, message) in [
        (json!({"value": "x"}), "id", "The id field is required."),
        (
            json!({"id": capture_id}),
            "value",
            "The value field is required.",
        ),
        (
            json!({"id": "0123456789abcdef0123456789abcdef", "value": "x"}),
            "id",
            "The selected id is invalid.",
        ),
        (
            json!({"id": capture_id, "value": {"shape": "none"}}),
            "value",
            "The Draft link must be a single value.",
        ),
        (
            json!({"id": capture_id, "value": "x".repeat(201)}),
            "value",
            "The Draft link may not be greater than 200 characters.",
        ),
    ] {
        let r = api.post(&save, body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        assert_eq!(r.field_errors()[field], json!([message]), "{body}");
    }
    assert!(
        task(&api, &draft, "").await["taskdata"]
            .get(&capture_id)
            .is_none(),
        "nothing saved"
    );

    let r = api
        .post(
            &save,
            json!({"id": capture_id, "value": "https://docs.example/draft"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.is_empty(), "no body: {}", r.text);
    assert_eq!(
        task(&api, &draft, "").await["taskdata"][&capture_id],
        "https://docs.example/draft"
    );
    // null clears the field again; a required field then blocks completion once more.
    let r = api
        .post(&save, json!({"id": capture_id, "value": null}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        task(&api, &draft, "").await["taskdata"]
            .get(&capture_id)
            .is_none()
    );
    assert_eq!(
        complete(&api, &run, json!({"task_id": draft})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Saved, the value is what completion needs.
    api.post(
        &save,
        json!({"id": capture_id, "value": "https://docs.example/v2"}),
    )
    .await;
    let r = complete(&api, &run, json!({"task_id": draft})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api
        .post(&save, json!({"id": capture_id, "value": "late"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["task_id"],
        json!(["A completed task cannot be updated."])
    );
    let r = api
        .post(
            &api.url("/tasks/0123456789abcdef0123456789abcdef/captures"),
            json!({"id": capture_id, "value": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_value_is_saved_on_an_archived_task() {
    let api = start_workflow(2, 4, 0).await;
    let (run, tasks) = blog_process(&api).await;
    let (draft, capture_id) = (id(&tasks[0]), id(&tasks[0]["form_fields"]["data"][0]));
    assert_eq!(
        api.delete(&api.url(&format!("/runs/{run}"))).await.status,
        StatusCode::OK
    );
    let r = api
        .post(
            &api.url(&format!("/tasks/{draft}/captures")),
            json!({"id": capture_id, "value": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["run_id"],
        json!(["Cannot update archived processes."])
    );

    let r = api
        .post(&api.url("/tasks"), json!({"title": "Sign", "task_type": "task", "owners": {}, "deadline": "2026-07-15 17:00:00"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let oneoff = id(&r.json()["data"]);
    assert_eq!(
        api.delete(&api.url(&format!("/tasks/{oneoff}")))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = api
        .post(
            &api.url(&format!("/tasks/{oneoff}/captures")),
            json!({"id": "x", "value": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors()["task_id"],
        json!(["Cannot change an archived task; restore it first."])
    );
}
