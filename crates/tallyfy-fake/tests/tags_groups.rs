//! Tags and groups over HTTP: list filters, statistics, paging limits, create/update rules and
//! deletes.

mod common;

use common::start_workflow;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TAG_KEYS: &[&str] = &[
    "id",
    "title",
    "color",
    "type",
    "auto_generated",
    "created_at",
    "deleted_at",
];
const GROUP_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "logo",
    "created_at",
    "last_updated",
    "updated_at",
    "deleted_at",
    "members",
    "guests",
];

fn keys(v: &Value, expected: &[&str]) {
    for k in expected {
        assert!(v.get(*k).is_some(), "{k} missing in {v}");
    }
}

#[tokio::test]
async fn tags_list_filters_and_statistics() {
    let api = start_workflow(5, 4, 8).await;
    let r = api.get(&api.url("/tags")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    let titles: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Urgent", "Finance", "Client", "Q4"]);
    keys(&body["data"][0], TAG_KEYS);
    assert_eq!(body["data"][0]["id"].as_str().unwrap().len(), 32);
    assert_eq!(body["data"][3]["color"], Value::Null);
    assert_eq!(body["meta"]["pagination"]["per_page"], 10);
    // `all=true` adds the auto-generated tag.
    let all = api.get(&api.url("/tags?all=true&sort=-title")).await.json();
    assert_eq!(all["data"].as_array().unwrap().len(), 5);
    assert_eq!(all["data"][0]["title"], "Urgent");
    assert!(
        all["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["auto_generated"] == true)
    );
    // `q` is case-insensitive; an unknown sort gives creation order.
    let q = api.get(&api.url("/tags?q=fIN&sort=nonsense")).await.json();
    assert_eq!(q["data"].as_array().unwrap().len(), 1);
    // Statistics count the seeded templates (4: Urgent on 0, 1 and 3) and processes (8: tags j % 4).
    let s = api
        .get(&api.url("/tags?with=statistics&q=urgent"))
        .await
        .json();
    let stats = &s["data"][0]["statistics"]["data"];
    assert_eq!(stats["active_template"].as_i64().unwrap(), 3, "{stats}");
    assert_eq!(stats["archived_template"], 0);
    let processes =
        stats["active_process"].as_i64().unwrap() + stats["archived_process"].as_i64().unwrap();
    assert_eq!(processes, 2, "{stats}");
    // get_tag gives the same statistics.
    let id = s["data"][0]["id"].as_str().unwrap();
    let one = api
        .get(&api.url(&format!("/tags/{id}?with=statistics")))
        .await
        .json();
    assert_eq!(one["data"]["statistics"], s["data"][0]["statistics"]);
    let plain = api.get(&api.url(&format!("/tags/{id}"))).await.json();
    assert!(plain["data"].get("statistics").is_none());
    assert_eq!(
        api.get(&api.url("/tags?with=nope")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Page cap and paging.
    let p = api.get(&api.url("/tags?per_page=3&page=2")).await.json();
    assert_eq!(p["data"].as_array().unwrap().len(), 1);
    assert_eq!(p["meta"]["pagination"]["total_pages"], 2);
}

#[tokio::test]
async fn tags_create_update_delete() {
    let api = start_workflow(5, 2, 2).await;
    let r = api
        .post(
            &api.url("/tags"),
            json!({"title": "Legal", "color": "#ABCDEF"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let tag = r.json()["data"].clone();
    keys(&tag, TAG_KEYS);
    assert_eq!(
        (&tag["title"], &tag["auto_generated"]),
        (&json!("Legal"), &json!(false))
    );
    let id = tag["id"].as_str().unwrap().to_string();
    // Refusals: missing, too long, duplicate (any case), bad colour.
    for (body, field) in [
        (json!({"color": "#000000"}), "title"),
        (json!({"title": ""}), "title"),
        (json!({"title": "x".repeat(31)}), "title"),
        (json!({"title": "legal"}), "title"),
        (json!({"title": "Other", "color": "red"}), "color"),
        (json!({"title": "Other", "color": "#12345g"}), "color"),
        (json!({"title": 5}), "title"),
    ] {
        let r = api.post(&api.url("/tags"), body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(r.field_errors().contains_key(field), "{body}: {}", r.text);
    }
    // Update: title required every time; its own title is not taken.
    let url = api.url(&format!("/tags/{id}"));
    let r = api.put(&url, json!({"color": "#000000"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("title"));
    let r = api
        .put(&url, json!({"title": "Legal", "color": "#000000"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["color"], "#000000");
    let r = api.put(&url, json!({"title": "Urgent"})).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "taken by a seeded tag"
    );
    assert_eq!(api.get(&url).await.json()["data"]["title"], "Legal");
    // Delete: 204 empty, then 404 on get, 204 again.
    let r = api.delete(&url).await;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::NO_CONTENT, ""));
    assert_eq!(api.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.put(&url, json!({"title": "x"})).await.status,
        StatusCode::NOT_FOUND
    );
    let r = api
        .delete(&api.url("/tags/0123456789abcdef0123456789abcdef"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Deleting a seeded tag takes it off the templates.
    let urgent = api.get(&api.url("/tags?q=urgent")).await.json()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    api.delete(&api.url(&format!("/tags/{urgent}"))).await;
    let t = api.get(&api.url("/checklists?with=tags")).await.json();
    for tpl in t["data"].as_array().unwrap() {
        assert!(
            tpl["tags"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["id"] != json!(urgent))
        );
    }
}

#[tokio::test]
async fn groups_list_paging_and_includes() {
    let api = start_workflow(6, 0, 0).await;
    let r = api.get(&api.url("/groups")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    keys(&data[0], GROUP_KEYS);
    assert_eq!(data[0]["id"], "group_1");
    assert_eq!(data[0]["members"], json!([1001, 1004]));
    assert_eq!(data[2]["description"], "");
    assert_eq!(data[0]["logo"], Value::Null);
    // per_page: 100 is the most (the spec's maximum), above is a 422.
    assert_eq!(
        api.get(&api.url("/groups?per_page=100")).await.status,
        StatusCode::OK
    );
    let r = api.get(&api.url("/groups?per_page=101")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("per_page"));
    for _ in 0..12 {
        let n = api.fake.requests().len();
        let r = api
            .post(
                &api.url("/groups"),
                json!({"name": format!("G{n}"), "description": ""}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let p1 = api.get(&api.url("/groups")).await.json();
    assert_eq!(p1["data"].as_array().unwrap().len(), 10);
    assert_eq!(p1["meta"]["pagination"]["total"], 15);
    assert_eq!(p1["meta"]["pagination"]["total_pages"], 2);
    // q matches name or description; sort_by is an enum.
    let q = api.get(&api.url("/groups?q=SELLS")).await.json();
    assert_eq!(q["data"][0]["name"], "Sales Team");
    let s = api
        .get(&api.url("/groups?sort_by=name&per_page=1"))
        .await
        .json();
    assert_eq!(s["data"][0]["name"], "Finance Approvers");
    assert_eq!(
        api.get(&api.url("/groups?sort_by=size")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Empty is not one of the spec's values either.
    assert_eq!(
        api.get(&api.url("/groups?sort_by=")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let w = api
        .get(&api.url("/groups/group_1?with=users,assets"))
        .await
        .json();
    assert_eq!(w["data"]["users"]["data"][0]["id"], 1001);
    assert_eq!(w["data"]["assets"], json!({"data": []}));
    assert_eq!(
        api.get(&api.url("/groups?with=users,,x")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn groups_create_update_delete() {
    let api = start_workflow(6, 0, 0).await;
    let r = api
        .post(
            &api.url("/groups"),
            json!({"name": "Finance", "description": "Approvers", "members": [1002, 1003], "guests": ["a@x.io"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let g = r.json()["data"].clone();
    keys(&g, GROUP_KEYS);
    assert_eq!(
        (&g["members"], &g["guests"]),
        (&json!([1002, 1003]), &json!(["a@x.io"]))
    );
    let id = g["id"].as_str().unwrap().to_string();
    for (body, field) in [
        (json!({"description": ""}), "name"),
        (json!({"name": "X"}), "description"),
        (json!({"name": "X", "description": null}), "description"),
        (json!({"name": "finance", "description": ""}), "name"),
        (json!({"name": "x".repeat(201), "description": ""}), "name"),
        (
            json!({"name": "X", "description": "", "members": [9999]}),
            "members.0",
        ),
        (
            json!({"name": "X", "description": "", "guests": ["nope"]}),
            "guests.0",
        ),
    ] {
        let r = api.post(&api.url("/groups"), body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(r.field_errors().contains_key(field), "{body}: {}", r.text);
    }
    // The new group shows in the member's `with=groups`.
    let m = api.get(&api.url("/users/1002?with=groups")).await.json();
    assert!(
        m["data"]["groups"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == json!(id))
    );
    // Update: fields sent replace, 201; description must be a string when sent.
    let url = api.url(&format!("/groups/{id}"));
    let r = api.put(&url, json!({"members": [1004]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let g = r.json()["data"].clone();
    assert_eq!(
        (&g["members"], &g["name"], &g["guests"]),
        (&json!([1004]), &json!("Finance"), &json!(["a@x.io"]))
    );
    let r = api.put(&url, json!({"description": null})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api.put(&url, json!({"name": "Finance"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "its own name is not taken");
    let r = api.put(&url, json!({"name": "Onboarding"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Delete: 204, then 404.
    let r = api.delete(&url).await;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::NO_CONTENT, ""));
    assert_eq!(api.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.delete(&url).await.status, StatusCode::NOT_FOUND);
}
