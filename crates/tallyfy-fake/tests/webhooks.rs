//! Webhook delivery over loopback: a receiver (a small axum server) records what the fake posts
//! while a process is launched and its tasks completed through the API; the documented headers and
//! payloads arrive in order, a failed delivery is logged and not retried, a template's own
//! `webhook` is used, and the duplicate rate sends exactly that share twice.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::{Api, id};
use serde_json::{Value, json};
use tallyfy_fake::FakeTallyfy;

/// What the receiver got: the org header and the body of each request.
type Received = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A receiver on 127.0.0.1:0 answering `status`; returns its URL and what it receives.
async fn receiver(status: StatusCode) -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                let org = headers
                    .get("x-tallyfy-orgid")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                sink.lock().unwrap().push((org, body));
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

async fn fake_posting_to(urls: &[&str], duplicates: f64) -> Api {
    let mut builder = FakeTallyfy::builder()
        .org_id("org-1")
        .token("secret-token")
        .seed_members(3)
        .seed_templates(4)
        .webhook_duplicates(duplicates);
    for url in urls {
        builder = builder.webhook_url(*url);
    }
    Api::with(builder.start().await.unwrap())
}

/// Completes every task of the Blog Post Publishing process in order (the draft twice).
async fn run_blog(api: &Api) -> (String, Vec<Value>) {
    let run = api.launch_blog().await;
    let tasks = api.process_tasks(&run).await;
    let capture = id(&tasks[0]["form_fields"]["data"][0]);
    let draft = id(&tasks[0]);
    let r = api
        .put(
            &api.url(&format!("/runs/{run}/tasks/{draft}")),
            json!({"taskdata": {capture: "https://docs.example/draft"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let complete = |body: Value| {
        let url = api.url(&format!("/runs/{run}/completed-tasks"));
        async move { api.post(&url, body).await }
    };
    for body in [
        json!({"task_id": draft}),
        // Completing a completed task again: success, and the webhook fires again.
        json!({"task_id": draft}),
        json!({"task_id": id(&tasks[1]), "is_approved": true}),
        json!({"task_id": id(&tasks[2])}),
        json!({"task_id": id(&tasks[3])}),
    ] {
        let r = complete(body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    (run, tasks)
}

#[tokio::test]
async fn a_process_and_its_tasks_post_the_documented_payloads_in_order() {
    let (url, got) = receiver(StatusCode::OK).await;
    let api = fake_posting_to(&[&url], 0.0).await;
    let (run, tasks) = run_blog(&api).await;
    let log = api
        .fake
        .wait_for_deliveries(7, Duration::from_secs(10))
        .await;
    let kinds: Vec<&str> = log.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "process.launched",
            "task.completed",
            "task.completed",
            "task.completed",
            "task.completed",
            "task.completed",
            "process.completed"
        ]
    );
    assert!(
        log.iter()
            .all(|d| d.status == Some(200) && d.error.is_none() && !d.duplicate)
    );
    assert!(
        log.iter()
            .all(|d| d.process_id.as_deref() == Some(run.as_str()))
    );
    assert_eq!(log[1].task_id, Some(id(&tasks[0])));

    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 7);
    assert!(got.iter().all(|(org, _)| org.as_deref() == Some("org-1")));
    // Process-level: the process at the top level, plus the documented extras.
    let launched = &got[0].1;
    assert_eq!(launched["id"], run.as_str());
    assert!(launched["completed_at"].is_null());
    assert_eq!(launched["checklist_title"], "Blog Post Publishing");
    assert_eq!(launched["process-tasks"].as_object().unwrap().len(), 4);
    assert!(launched["launcher"]["email"].is_string());
    assert!(launched["ko-form-fields"].is_object() && launched["guest-links"].is_object());
    // Task-level: the completed draft, with its capture and the next task.
    let draft = &got[1].1;
    assert_eq!(draft["this_task"]["id"], tasks[0]["id"]);
    assert_eq!(draft["this_task"]["status"], "completed");
    assert!(draft["this_task"]["completed_at"].is_string());
    let captures = draft["this_task"]["captures"].as_object().unwrap();
    assert_eq!(captures.len(), 1);
    let capture = captures.values().next().unwrap();
    assert_eq!(capture["label"], "Draft link");
    assert_eq!(capture["value"], "https://docs.example/draft");
    assert_eq!(
        draft["form-fields"][capture["alias"].as_str().unwrap()],
        "https://docs.example/draft"
    );
    assert_eq!(draft["next_task"]["id"], tasks[1]["id"]);
    assert_eq!(draft["process"]["id"], run.as_str());
    assert_eq!(draft["process"]["organization_id"], "org-1");
    assert_eq!(draft["template"]["title"], "Blog Post Publishing");
    assert!(draft["completer"]["id"].is_number());
    // The second completion of the draft is the same logical event.
    assert_eq!(got[2].1["this_task"], draft["this_task"]);
    // The last task: no next task, then the process completed.
    assert_eq!(got[5].1["next_task"], json!([]));
    assert_eq!(got[6].1["id"], run.as_str());
    assert!(got[6].1["completed_at"].is_string());
}

#[tokio::test]
async fn a_failed_delivery_is_logged_and_never_retried() {
    let (failing, got) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    // Nothing listens on the port this listener had.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    let api = fake_posting_to(&[&failing, &closed], 0.0).await;
    api.launch_blog().await;
    let log = api
        .fake
        .wait_for_deliveries(2, Duration::from_secs(10))
        .await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].status, Some(500));
    assert_eq!(log[1].status, None);
    assert!(log[1].error.is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(api.fake.webhook_deliveries().len(), 2, "no retry");
    assert_eq!(got.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_templates_own_webhook_is_used() {
    let (url, got) = receiver(StatusCode::OK).await;
    let api = fake_posting_to(&[], 0.0).await;
    let blog = api.blog_template().await;
    let r = api
        .put(
            &api.url(&format!("/checklists/{}", id(&blog))),
            json!({"title": blog["title"], "webhook": url}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    api.launch_blog().await;
    let log = api
        .fake
        .wait_for_deliveries(1, Duration::from_secs(10))
        .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].url, url);
    assert_eq!(got.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_duplicate_rate_sends_exactly_that_share_twice() {
    let (url, got) = receiver(StatusCode::OK).await;
    let api = fake_posting_to(&[&url], 0.5).await;
    run_blog(&api).await;
    // 7 deliveries, every second one doubled: 3 duplicates.
    let log = api
        .fake
        .wait_for_deliveries(10, Duration::from_secs(10))
        .await;
    assert_eq!(log.len(), 10);
    assert_eq!(log.iter().filter(|d| d.duplicate).count(), 3);
    for (i, d) in log.iter().enumerate().filter(|(_, d)| d.duplicate) {
        assert_eq!(log[i - 1].kind, d.kind);
        assert_eq!(log[i - 1].task_id, d.task_id);
    }
    let bodies = got.lock().unwrap().clone();
    assert_eq!(bodies.len(), 10);
}

/// The binary's flags: `--webhook-url` twice and `--webhook-duplicates`; one launch goes to both
/// receivers, with the organization header, and the second delivery of the two is doubled. Each
/// attempt is a line on stderr, the failed ones too, with no URL query (it may hold a secret).
#[tokio::test]
async fn the_binary_posts_to_every_webhook_url_with_the_duplicates_asked() {
    let (first, got_first) = receiver(StatusCode::OK).await;
    let (second, got_second) = receiver(StatusCode::SERVICE_UNAVAILABLE).await;
    let second = format!("{second}?token=do-not-print");
    let (mut child, addr) = common::spawn_binary(&[
        "--org",
        "bin-org",
        "--token",
        "bin-token",
        "--seed-templates",
        "4",
        "--webhook-url",
        &first,
        "--webhook-url",
        &second,
        "--webhook-duplicates",
        "0.5",
    ]);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let api = format!("http://{addr}/api/organizations/bin-org");
    let send = |req: reqwest::RequestBuilder| {
        req.bearer_auth("bin-token")
            .header("X-Tallyfy-Client", "APIClient")
            .header("Accept", "application/json")
            .send()
    };
    let templates: Value = send(http.get(format!("{api}/checklists?per_page=100")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let blog = templates["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Blog Post Publishing")
        .unwrap();
    let launched = send(
        http.post(format!("{api}/runs"))
            .json(&json!({"checklist_id": blog["id"]})),
    )
    .await
    .unwrap();
    assert_eq!(launched.status(), StatusCode::CREATED);
    let run: Value = launched.json().await.unwrap();

    let until = std::time::Instant::now() + Duration::from_secs(10);
    while (
        got_first.lock().unwrap().len(),
        got_second.lock().unwrap().len(),
    ) != (1, 2)
        && std::time::Instant::now() < until
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap();
    let stderr = String::from_utf8(child.wait_with_output().unwrap().stderr).unwrap();
    let got = (
        got_first.lock().unwrap().clone(),
        got_second.lock().unwrap().clone(),
    );
    let (first_url, second_url) = (first, second.split('?').next().unwrap().to_owned());
    let (first, second) = got;
    assert_eq!((first.len(), second.len()), (1, 2));
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            format!("webhook process.launched -> {first_url}: 200"),
            format!("webhook process.launched -> {second_url}: 503"),
            format!("webhook process.launched (again) -> {second_url}: 503"),
        ]
    );
    for (org, body) in first.iter().chain(&second) {
        assert_eq!(org.as_deref(), Some("bin-org"));
        assert_eq!(body["id"], run["data"]["id"]);
        assert!(body["completed_at"].is_null());
    }
}

/// A step's own `webhook`, set with `update_template_step`, wins over the template's for that
/// step's task, and only for it; the launch and the process's completion still go to the
/// template's. The step call refuses what the spec refuses.
#[tokio::test]
async fn a_steps_own_webhook_wins_for_that_step_only() {
    let (template_url, _) = receiver(StatusCode::OK).await;
    let (step_url, got_step) = receiver(StatusCode::OK).await;
    let api = fake_posting_to(&[], 0.0).await;
    let blog = api.blog_template().await;
    let blog_url = api.url(&format!("/checklists/{}", id(&blog)));
    let r = api
        .put(
            &blog_url,
            json!({"title": blog["title"], "webhook": template_url}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api.get(&format!("{blog_url}?with=steps")).await;
    let steps = match &r.json()["data"]["steps"] {
        Value::Object(wrapped) => wrapped["data"].clone(),
        plain => plain.clone(),
    };
    let review = &steps[1];
    let step_url_of = |step: &str| format!("{blog_url}/steps/{step}");

    let r = api
        .put(
            &step_url_of(&id(review)),
            json!({"title": review["title"], "webhook": step_url}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["webhook"], step_url.as_str());
    assert_eq!(r.json()["data"]["id"], review["id"]);
    assert_eq!(r.json()["data"]["step_type"], review["step_type"], "kept");

    // What the spec refuses, the fake refuses: no title, a webhook that is no URL, no such step.
    let r = api
        .put(&step_url_of(&id(review)), json!({"webhook": step_url}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api
        .put(
            &step_url_of(&id(review)),
            json!({"title": "t", "webhook": "not a url"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api
        .put(&step_url_of(&"0".repeat(32)), json!({"title": "t"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);

    let (_, tasks) = run_blog(&api).await;
    let log = api
        .fake
        .wait_for_deliveries(7, Duration::from_secs(10))
        .await;
    let sent: Vec<(&str, &str)> = log
        .iter()
        .map(|d| (d.kind.as_str(), d.url.as_str()))
        .collect();
    let (t, s) = (template_url.as_str(), step_url.as_str());
    assert_eq!(
        sent,
        [
            ("process.launched", t),
            ("task.completed", t),
            ("task.completed", t),
            ("task.completed", s),
            ("task.completed", t),
            ("task.completed", t),
            ("process.completed", t),
        ]
    );
    assert_eq!(log[3].task_id.as_deref(), Some(id(&tasks[1]).as_str()));
    let step_got = got_step.lock().unwrap().clone();
    assert_eq!(step_got.len(), 1);
    assert_eq!(step_got[0].1["this_task"]["id"], tasks[1]["id"]);
}
