//! `Shapes::Varied` on the workflow JSON: templates, processes and tasks show every documented
//! variant (section 14 of the reference), carry the same data as the canonical rendering, and still
//! decode into the generated types.

mod common;

use std::collections::BTreeSet;

use common::Api;
use serde_json::Value;
use tallyfy_client::types::{ProcessList, TaskList, TemplateList};
use tallyfy_fake::{FakeTallyfy, Shapes};

async fn start(shapes: Shapes) -> Api {
    let fake = FakeTallyfy::builder()
        .org_id("org-1")
        .token("secret-token")
        .seed_members(5)
        .seed_templates(4)
        .seed_processes(16)
        .shapes(shapes)
        .start()
        .await
        .expect("fake starts");
    Api::with(fake)
}

fn time_form(s: &str) -> &'static str {
    if s.len() == 19 && s.as_bytes()[10] == b' ' {
        "space"
    } else if s.ends_with(".000Z") {
        "millis"
    } else if s.ends_with("+00:00") {
        "offset"
    } else if s.ends_with('Z') {
        "zulu"
    } else {
        "other"
    }
}

fn instant(s: &Value) -> i64 {
    let s = s.as_str().unwrap();
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .map(|t| t.and_utc().timestamp())
        })
        .unwrap_or_else(|_| panic!("timestamp {s}"))
}

async fn body(api: &Api, path: &str) -> Value {
    let r = api.get(&api.url(path)).await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{}", r.text);
    r.json()
}

const TEMPLATES: &str = "/checklists?with=steps,tags&per_page=100&sort_by=created_at";
const PROCESSES: &str =
    "/runs?with=tasks,next_task,tags,checklist&archived=true&per_page=100&sort=created_at";
const TASKS: &str = "/tasks?with=step,form_fields,run&per_page=100";

#[tokio::test]
async fn varied_workflow_shows_every_variant_and_decodes() {
    let api = start(Shapes::Varied).await;

    let t = body(&api, TEMPLATES).await;
    serde_json::from_value::<TemplateList>(t.clone()).expect("templates decode");
    let templates = t["data"].as_array().unwrap();
    let forms: BTreeSet<_> = templates
        .iter()
        .map(|x| time_form(x["created_at"].as_str().unwrap()))
        .collect();
    assert_eq!(forms.len(), 4, "{forms:?}");
    assert!(templates.iter().any(|x| x["steps"].is_array()));
    assert!(templates.iter().any(|x| x["steps"]["data"].is_array()));
    assert!(templates.iter().any(|x| x["tags"].is_array()));

    let p = body(&api, PROCESSES).await;
    serde_json::from_value::<ProcessList>(p.clone()).expect("processes decode");
    let processes = p["data"].as_array().unwrap();
    assert!(processes.iter().any(|x| x["progress"].is_u64()));
    assert!(processes.iter().any(|x| x["progress"].is_object()));
    assert!(processes.iter().any(|x| x["started_by"].is_string()));
    assert!(processes.iter().any(|x| x["started_by"].is_i64()));
    let finished: BTreeSet<String> = processes
        .iter()
        .filter(|x| x["status"] == "complete" || x["progress"]["percent"] == 100)
        .map(|x| x["next_task"].to_string())
        .collect();
    assert!(
        finished.len() >= 2,
        "next_task of finished processes: {finished:?}"
    );
    // Included tasks keep their own variant (their own time form).
    let inner: BTreeSet<_> = processes
        .iter()
        .flat_map(|x| x["tasks"]["data"].as_array().unwrap().clone())
        .map(|x| time_form(x["created_at"].as_str().unwrap()))
        .collect();
    assert_eq!(inner.len(), 4, "{inner:?}");

    let k = body(&api, TASKS).await;
    serde_json::from_value::<TaskList>(k.clone()).expect("tasks decode");
    let tasks = k["data"].as_array().unwrap();
    assert!(tasks.iter().any(|x| x["step"]["data"].is_object()));
    assert!(tasks.iter().any(|x| x["step"]["id"].is_string()));
    assert!(tasks.iter().any(|x| x["owners"]["users"][0].is_object()));
    assert!(tasks.iter().any(|x| x["owners"]["users"][0].is_i64()));
    let card = tasks
        .iter()
        .find(|x| x["owners"]["users"][0].is_object())
        .unwrap();
    assert!(
        card["owners"]["users"][0]["full_name"].is_string(),
        "{card}"
    );
    let fields: Vec<&Value> = tasks
        .iter()
        .flat_map(|x| x["form_fields"]["data"].as_array().unwrap())
        .collect();
    assert!(
        fields
            .iter()
            .any(|f| f.get("value").is_none() && f.get("field_value").is_some())
    );
    assert!(
        fields
            .iter()
            .any(|f| f.get("value").is_some() && f.get("field_value").is_none())
    );
    assert!(
        fields
            .iter()
            .any(|f| f.get("value").is_some() && f.get("field_value").is_some())
    );
    assert!(tasks.iter().any(|x| x["taskdata"] == serde_json::json!([])));
    // A single task keeps integer owners.
    let one = body(&api, &format!("/tasks/{}", card["id"].as_str().unwrap())).await;
    assert!(one["data"]["owners"]["users"][0].is_i64());
    // Same bytes for the same request.
    assert_eq!(body(&api, TASKS).await, k);
}

#[tokio::test]
async fn varied_and_canonical_carry_the_same_data() {
    let varied = start(Shapes::Varied).await;
    let canonical = start(Shapes::Canonical).await;
    for path in [TEMPLATES, PROCESSES, TASKS] {
        let v = body(&varied, path).await;
        let c = body(&canonical, path).await;
        let (v, c) = (v["data"].as_array().unwrap(), c["data"].as_array().unwrap());
        assert_eq!(v.len(), c.len(), "{path}");
        for (a, b) in v.iter().zip(c) {
            assert_eq!(a["id"], b["id"], "{path}");
            assert_eq!(
                instant(&a["created_at"]),
                instant(&b["created_at"]),
                "{path}"
            );
            assert_eq!(time_form(b["created_at"].as_str().unwrap()), "zulu");
        }
    }
    // Canonical shows none of the variants.
    let p = body(&canonical, PROCESSES).await;
    for x in p["data"].as_array().unwrap() {
        assert!(x["progress"].is_object() && x["started_by"].is_i64());
        assert!(x["next_task"]["data"].is_array());
    }
    let k = body(&canonical, TASKS).await;
    for x in k["data"].as_array().unwrap() {
        assert!(x["step"]["data"].is_object());
        assert!(x["taskdata"].is_object());
    }
}
