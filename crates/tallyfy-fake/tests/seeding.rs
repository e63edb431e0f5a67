//! Seeded templates and processes are deterministic: the same seed gives the same bytes, another
//! seed other ids but the same designs.

mod common;

use common::Api;
use reqwest::StatusCode;
use serde_json::Value;
use tallyfy_fake::FakeTallyfy;

async fn fake(seed: u64) -> Api {
    Api::with(
        FakeTallyfy::builder()
            .org_id("org-1")
            .token("secret-token")
            .seed(seed)
            .seed_members(6)
            .seed_templates(6)
            .seed_processes(20)
            .start()
            .await
            .unwrap(),
    )
}

const PATHS: &[&str] = &[
    "/checklists?with=steps&archived=true&per_page=100",
    "/runs?with=tasks,next_task&archived=true&without_pagination=true",
    "/tasks?with=threads,form_fields&archived=true&without_pagination=true",
];

async fn bodies(api: &Api) -> Vec<String> {
    let mut out = Vec::new();
    for path in PATHS {
        let r = api.get(&api.url(path)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        out.push(r.text);
    }
    out
}

fn titles(body: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(body).unwrap();
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn same_seed_same_workflow() {
    let (a, b, c) = (fake(7).await, fake(7).await, fake(8).await);
    let (a, b, c) = (bodies(&a).await, bodies(&b).await, bodies(&c).await);
    assert_eq!(a, b);
    for (x, y) in a.iter().zip(&c) {
        assert_ne!(x, y);
    }
    assert_eq!(titles(&a[0]), titles(&c[0]));
    let runs: Value = serde_json::from_str(&a[1]).unwrap();
    assert_eq!(runs["data"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn defaults_seed_no_workflow_and_processes_imply_a_template() {
    let api = Api::start(0, 1).await;
    let r = api.get(&api.url("/checklists")).await.json();
    assert_eq!(r["meta"]["pagination"]["total"], 0);
    let r = api.get(&api.url("/runs")).await.json();
    assert_eq!(r["meta"]["pagination"]["total"], 0);
    let api = Api::with(
        FakeTallyfy::builder()
            .org_id("org-1")
            .token("secret-token")
            .seed_processes(3)
            .start()
            .await
            .unwrap(),
    );
    let r = api.get(&api.url("/checklists")).await.json();
    assert_eq!(r["meta"]["pagination"]["total"], 1);
    let r = api.get(&api.url("/runs?archived=true")).await.json();
    assert_eq!(r["meta"]["pagination"]["total"], 3);
    // With one member every assignee is the default administrator.
    let r = api
        .get(&api.url("/tasks?without_pagination=true"))
        .await
        .json();
    for t in r["data"].as_array().unwrap() {
        let users = t["owners"]["users"].as_array().unwrap();
        assert!(users.iter().all(|u| u == 1001), "{t}");
    }
}
