//! The template (checklist) operations over HTTP: list with filters and includes, get, create,
//! update (the kick-off form kept, changed, added to and cut), archive, restore and delete, and
//! the shape of the seeded designs.

mod common;

use common::{Api, start_workflow};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const TEMPLATE_KEYS: &[&str] = &[
    "id",
    "increment_id",
    "title",
    "summary",
    "type",
    "status",
    "starred",
    "webhook",
    "guidance",
    "alias",
    "folder_id",
    "prerun",
    "created_by",
    "owner_id",
    "started_processes",
    "created_at",
    "last_updated",
    "archived_at",
    "automated_actions",
    "steps_count",
    "is_public",
    "is_public_kickoff",
    "default_process_name_format",
    "auto_naming",
    "users",
    "groups",
    "icon",
    "explanation_video",
    "public_cover",
    "is_featured",
    "dual_version_enabled",
    "folderize_process",
    "tag_process",
    "allow_launcher_change_name",
    "can_add_oot",
];
const FIELD_KEYS: &[&str] = &[
    "id",
    "checklist_id",
    "alias",
    "label",
    "field_type",
    "guidance",
    "position",
    "required",
    "options",
    "columns",
    "created_at",
    "last_updated",
];
const STEP_KEYS: &[&str] = &[
    "id",
    "checklist_id",
    "title",
    "alias",
    "summary",
    "step_type",
    "position",
    "deadline",
    "assignees",
    "guests",
    "groups",
    "captures",
    "webhook",
    "everyone_must_complete",
    "can_complete_only_assignees",
    "max_assignable",
    "prevent_guest_comment",
    "created_at",
    "last_updated",
    "archived_at",
];
const CAPTURE_KEYS: &[&str] = &[
    "id",
    "step_id",
    "field_type",
    "label",
    "guidance",
    "position",
    "required",
    "options",
    "columns",
    "created_at",
    "last_updated",
];

fn has_exactly(v: &Value, keys: &[&str], extra: &[&str]) {
    let map = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"));
    for k in keys {
        assert!(map.contains_key(*k), "{k} missing: {v}");
    }
    for k in map.keys() {
        assert!(
            keys.contains(&k.as_str()) || extra.contains(&k.as_str()),
            "unexpected {k}: {v}"
        );
    }
}

fn is_hex32(s: &Value) -> bool {
    s.as_str().is_some_and(|s| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

#[tokio::test]
async fn list_has_every_field_and_paginates_by_ten() {
    let api = start_workflow(5, 12, 0).await;
    let r = api.get(&api.url("/checklists")).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    let p = &body["meta"]["pagination"];
    assert_eq!(
        (&p["total"], &p["count"], &p["per_page"], &p["total_pages"]),
        (&json!(12), &json!(10), &json!(10), &json!(2))
    );
    assert!(p["links"]["previous"].is_null());
    assert!(
        p["links"]["next"]
            .as_str()
            .unwrap()
            .ends_with("/checklists?page=2")
    );
    let data = body["data"].as_array().unwrap();
    // Default order: the most recently updated first.
    let updated: Vec<&str> = data
        .iter()
        .map(|t| t["last_updated"].as_str().unwrap())
        .collect();
    let mut sorted = updated.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(updated, sorted);
    for t in data {
        has_exactly(t, TEMPLATE_KEYS, &[]);
        assert!(is_hex32(&t["id"]), "{}", t["id"]);
        assert_eq!(t["status"], "active");
        assert!(t["archived_at"].is_null());
        assert!(t["folder_id"].is_null());
        assert_eq!(t["automated_actions"], json!([]));
        for f in t["prerun"].as_array().unwrap() {
            has_exactly(f, FIELD_KEYS, &[]);
            assert_eq!(f["checklist_id"], t["id"]);
        }
    }
    let page2 = api.get(&api.url("/checklists?page=2")).await.json();
    assert_eq!(page2["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn includes_steps_tags_and_folder() {
    let api = start_workflow(5, 4, 0).await;
    let r = api
        .get(&api.url("/checklists?with=steps,tags,folder&sort_by=created_at"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let data = r.json()["data"].clone();
    let first = &data[0];
    assert_eq!(first["title"], "Client Onboarding");
    // Seeded template 0 carries the seeded tag "Urgent".
    assert_eq!(first["tags"]["data"][0]["title"], "Urgent");
    assert_eq!(first["folder"], json!({"data": null}));
    let steps = first["steps"]["data"].as_array().unwrap();
    assert_eq!(steps.len() as i64, first["steps_count"].as_i64().unwrap());
    for (n, s) in steps.iter().enumerate() {
        has_exactly(s, STEP_KEYS, &[]);
        assert_eq!(s["position"], n as i64 + 1);
        assert_eq!(s["checklist_id"], first["id"]);
        for c in s["captures"].as_array().unwrap() {
            has_exactly(c, CAPTURE_KEYS, &[]);
            assert_eq!(c["step_id"], s["id"]);
        }
    }
    assert_eq!(
        steps[0]["deadline"],
        json!({"value": 1, "unit": "days", "option": "from", "step": "start_run"})
    );
    assert_eq!(steps[0]["assignees"], json!([1001]));
    assert_eq!(steps[1]["step_type"], "approval");
    assert_eq!(steps[1]["assignees"], json!([1002]));
    assert_eq!(steps[4]["groups"], json!(["group_2"]));
    let types: Vec<&str> = data
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["steps"]["data"].as_array().unwrap())
        .map(|s| s["step_type"].as_str().unwrap())
        .collect();
    for ty in ["task", "approval", "expiring", "email", "expiring_email"] {
        assert!(types.contains(&ty), "{ty} missing");
    }
    let units: Vec<&Value> = data
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["steps"]["data"].as_array().unwrap())
        .map(|s| &s["deadline"]["unit"])
        .collect();
    for unit in ["minutes", "hours", "days", "weeks"] {
        assert!(units.contains(&&json!(unit)), "{unit} missing");
    }
    // No include unless asked.
    let plain = api.get(&api.url("/checklists")).await.json();
    assert!(plain["data"][0].get("steps").is_none());
}

#[tokio::test]
async fn the_first_design_has_a_kickoff_field_of_every_type() {
    let api = start_workflow(1, 1, 0).await;
    let t = &api.templates().await[0];
    let prerun = t["prerun"].as_array().unwrap();
    let types: Vec<&str> = prerun
        .iter()
        .map(|f| f["field_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "text",
            "textarea",
            "email",
            "date",
            "radio",
            "dropdown",
            "multiselect",
            "table",
            "assignees_form",
            "file"
        ]
    );
    let file = prerun.iter().find(|f| f["field_type"] == "file").unwrap();
    assert_eq!(file["required"], false);
    assert!(prerun.iter().any(|f| f["required"] == true));
    let dropdown = prerun
        .iter()
        .find(|f| f["field_type"] == "dropdown")
        .unwrap();
    assert_eq!(
        dropdown["options"][0],
        json!({"id": 1, "text": "North America"})
    );
    let table = prerun.iter().find(|f| f["field_type"] == "table").unwrap();
    assert_eq!(
        table["columns"],
        json!([{"id": 1, "label": "Name"}, {"id": 2, "label": "Role"}])
    );
    assert_eq!(table["options"], json!([]));
}

#[tokio::test]
async fn list_filters_and_sorts() {
    let api = start_workflow(3, 8, 0).await;
    let titles = |body: Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect()
    };
    let r = api
        .get(&api.url("/checklists?q=ONBOARDING&sort_by=title"))
        .await;
    assert_eq!(
        titles(r.json()),
        ["Client Onboarding", "Client Onboarding 2"]
    );
    let r = api.get(&api.url("/checklists?type=form")).await;
    assert_eq!(titles(r.json()), ["Expense Approval 2", "Expense Approval"]);
    let r = api
        .get(&api.url("/checklists?sort_by=-title&per_page=2"))
        .await;
    assert_eq!(titles(r.json()), ["Expense Approval 2", "Expense Approval"]);
    let starred = api.get(&api.url("/checklists?starred=true")).await.json();
    assert!(
        starred["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["starred"] == true)
    );
    assert_eq!(starred["meta"]["pagination"]["total"], 3); // templates 0, 3 and 6
    let owned = api.get(&api.url("/checklists?owner_id=1001")).await.json();
    assert_eq!(owned["meta"]["pagination"]["total"], 8);
    let none = api.get(&api.url("/checklists?owner_id=1002")).await.json();
    assert_eq!(none["meta"]["pagination"]["total"], 0);
    for bad in [
        "owner_id=0",
        "owner_id=",
        "with=",
        "with=steps, tags",
        "with=owners",
        "type=workflow",
        "archived=maybe",
        "starred=yes",
        "owner_id=me",
        "per_page=0",
    ] {
        let r = api.get(&api.url(&format!("/checklists?{bad}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let field = bad.split('=').next().unwrap();
        assert!(r.field_errors().contains_key(field), "{bad}: {}", r.text);
    }
}

#[tokio::test]
async fn get_archive_restore_delete() {
    let api = start_workflow(1, 2, 0).await;
    let id = api.templates().await[0]["id"].as_str().unwrap().to_string();
    let url = api.url(&format!("/checklists/{id}"));
    let r = api.get(&format!("{url}?with=steps")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"]["id"], id.as_str());
    assert!(r.json()["data"]["steps"]["data"].is_array());

    let unknown = api
        .get(&api.url("/checklists/0123456789abcdef0123456789abcdef"))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.json(),
        json!({"error": true, "message": "Resource not found", "code": "RESOURCE_NOT_FOUND"})
    );

    // Only an archived template can be deleted.
    let r = api.delete(&format!("{url}/delete")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("checklist_id"));

    let deleted = json!({
        "message": "The Template was deleted, and references were also deleted from:",
        "deleted_references": {}
    });
    let r = api.delete(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), deleted);
    assert_eq!(api.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.delete(&url).await.status, StatusCode::NOT_FOUND);
    let listed = api.get(&api.url("/checklists")).await.json();
    assert_eq!(listed["meta"]["pagination"]["total"], 1);
    let only = api.get(&api.url("/checklists?archived=only")).await.json();
    assert_eq!(only["meta"]["pagination"]["total"], 1);
    assert_eq!(only["data"][0]["id"], id.as_str());
    assert!(only["data"][0]["archived_at"].is_string());
    let both = api.get(&api.url("/checklists?archived=true")).await.json();
    assert_eq!(both["meta"]["pagination"]["total"], 2);

    let r = api.put_empty(&format!("{url}/restore")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["id"], id.as_str());
    assert!(r.json()["data"]["archived_at"].is_null());
    assert_eq!(api.get(&url).await.status, StatusCode::OK);

    assert_eq!(api.delete(&url).await.status, StatusCode::OK);
    let r = api.delete(&format!("{url}/delete")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), deleted);
    assert_eq!(api.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.put_empty(&format!("{url}/restore")).await.status,
        StatusCode::NOT_FOUND
    );
    let both = api.get(&api.url("/checklists?archived=true")).await.json();
    assert_eq!(both["meta"]["pagination"]["total"], 1);
}

#[tokio::test]
async fn methods_and_auth_apply_to_template_paths() {
    let api: Api = start_workflow(1, 1, 0).await;
    let cases = [
        (Method::DELETE, api.url("/checklists"), "GET, POST"),
        (Method::POST, api.url("/checklists/abc"), "GET, PUT, DELETE"),
        (Method::GET, api.url("/checklists/abc/restore"), "PUT"),
        (Method::GET, api.url("/checklists/abc/delete"), "DELETE"),
    ];
    for (method, url, allow) in cases {
        let r = api.send(method.clone(), &url, None).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {url}");
        assert_eq!(r.header("allow"), Some(allow));
    }
    let r = Api::read(api.http.get(api.url("/checklists")).send().await.unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let other = format!("{}/organizations/other/checklists", api.fake.base_url());
    assert_eq!(api.get(&other).await.status, StatusCode::FORBIDDEN);
    let r = api.get(&api.url("/checklists/abc/steps")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "ENDPOINT_NOT_FOUND");
}

#[tokio::test]
async fn create_a_template_with_its_kickoff_form_and_launch_it() {
    let api: Api = start_workflow(3, 1, 0).await;
    let r = api
        .post(
            &api.url("/checklists"),
            json!({
                "title": "Vendor Review",
                "type": "form",
                "summary": "Yearly check of a vendor.",
                "owner_id": 1002,
                "webhook": "https://hooks.example.com/vendor",
                "icon": "fa-truck",
                "can_add_oot": true,
                "users": [1003],
                "prerun": [
                    {"label": "Vendor", "field_type": "text", "required": true},
                    {"label": "Tier", "field_type": "radio", "required": false,
                     "options": [{"text": "Gold"}, {"text": "Silver"}]},
                    {"label": "Contacts", "field_type": "table", "required": false,
                     "columns": [{"label": "Name"}, {"id": 9, "label": "Email"}]},
                ],
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let t = r.json()["data"].clone();
    has_exactly(&t, TEMPLATE_KEYS, &[]);
    assert_eq!(t["title"], "Vendor Review");
    assert_eq!(t["type"], "form");
    assert_eq!(t["owner_id"], 1002);
    assert_eq!(t["created_by"], 1001);
    assert_eq!(t["icon"], "fa-truck");
    assert_eq!(t["can_add_oot"], true);
    assert_eq!(t["is_featured"], false);
    assert_eq!(t["users"], json!([1003]));
    assert_eq!(t["steps_count"], 0);
    assert!(t["alias"].as_str().unwrap().starts_with("vendor-review-"));
    let prerun = t["prerun"].as_array().unwrap();
    for f in prerun {
        has_exactly(f, FIELD_KEYS, &[]);
        assert_eq!(f["checklist_id"], t["id"]);
    }
    assert_eq!(
        prerun[1]["options"],
        json!([{"id": 1, "text": "Gold"}, {"id": 2, "text": "Silver"}])
    );
    assert_eq!(
        prerun[2]["columns"],
        json!([{"id": 1, "label": "Name"}, {"id": 9, "label": "Email"}])
    );
    let id = t["id"].as_str().unwrap().to_string();
    let got = api.get(&api.url(&format!("/checklists/{id}"))).await;
    assert_eq!(got.json()["data"], t, "read back as created");

    // Its required kick-off field is checked at launch.
    let launch = api
        .post(&api.url("/runs"), json!({"checklist_id": id}))
        .await;
    assert_eq!(launch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let vendor = prerun[0]["id"].as_str().unwrap();
    assert_eq!(
        launch.field_errors().keys().collect::<Vec<_>>(),
        [&format!("prerun.{vendor}")]
    );
    let launch = api
        .post(
            &api.url("/runs"),
            json!({"checklist_id": id, "prerun": {vendor: "Acme"}}),
        )
        .await;
    assert_eq!(launch.status, StatusCode::CREATED, "{}", launch.text);
}

#[tokio::test]
async fn create_refusals_name_each_field() {
    let api: Api = start_workflow(2, 1, 0).await;
    let r = api.post(&api.url("/checklists"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors().keys().collect::<Vec<_>>(),
        ["title", "type"]
    );
    let cases: &[(Value, &str)] = &[
        (json!({"type": "playbook"}), "type"),
        (json!({"title": "x".repeat(251)}), "title"),
        (json!({"summary": "x".repeat(2001)}), "summary"),
        (json!({"owner_id": 999_999}), "owner_id"),
        (json!({"user_id": 999_999}), "user_id"),
        (json!({"users": [999_999]}), "users.0"),
        (json!({"groups": ["no-such-group"]}), "groups.0"),
        (json!({"webhook": "not a url"}), "webhook"),
        (
            json!({"explanation_video": "not a url"}),
            "explanation_video",
        ),
        (json!({"is_featured": "yes"}), "is_featured"),
        (
            json!({"default_process_name_format": "x".repeat(551)}),
            "default_process_name_format",
        ),
        (
            json!({"prerun": [{"label": "x", "field_type": "number", "required": true}]}),
            "prerun.0.field_type",
        ),
        (
            json!({"prerun": [{"label": "x", "field_type": "table", "required": true}]}),
            "prerun.0.columns",
        ),
        (
            json!({"prerun": [{"field_type": "text", "required": true}]}),
            "prerun.0.label",
        ),
    ];
    for (change, field) in cases {
        let mut body = json!({"title": "T", "type": "procedure"});
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = api.post(&api.url("/checklists"), body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {}",
            r.text
        );
        assert_eq!(
            r.field_errors().keys().collect::<Vec<_>>(),
            [field],
            "{change}"
        );
    }
    let all = api.templates().await;
    assert_eq!(all.len(), 1, "nothing was made by a refused call");
}

#[tokio::test]
async fn update_keeps_changes_adds_and_cuts_kickoff_fields() {
    let api: Api = start_workflow(3, 1, 0).await;
    let t = api.templates().await[0].clone();
    let id = t["id"].as_str().unwrap().to_string();
    let url = api.url(&format!("/checklists/{id}"));
    let old: Vec<Value> = t["prerun"].as_array().unwrap().clone();
    assert!(old.len() >= 3);

    // Without a title: refused, nothing changed.
    let r = api.put(&url, json!({"guidance": "x"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors().keys().collect::<Vec<_>>(), ["title"]);

    // Keep the first field under a new label, add one, drop the rest.
    let r = api
        .put(
            &url,
            json!({
                "title": "Onboarding v2",
                "guidance": "Start here.",
                "users": [1002],
                "folder_id": "folder-1",
                "prerun": [
                    {"id": old[0]["id"], "label": "Customer name", "field_type": "text", "required": true},
                    {"label": "Referral code", "field_type": "text", "required": false},
                ],
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let changed = r.json()["data"].clone();
    assert_eq!(changed["title"], "Onboarding v2");
    assert_eq!(changed["guidance"], "Start here.");
    assert_eq!(changed["users"], json!([1002]));
    assert_eq!(changed["folder_id"], "folder-1");
    let prerun = changed["prerun"].as_array().unwrap();
    assert_eq!(prerun.len(), 2);
    assert_eq!(prerun[0]["id"], old[0]["id"], "the kept field keeps its id");
    assert_eq!(prerun[0]["alias"], old[0]["alias"]);
    assert_eq!(prerun[0]["label"], "Customer name");
    assert_ne!(prerun[1]["id"], old[1]["id"]);
    assert_eq!(prerun[1]["label"], "Referral code");

    // Users and groups left out are emptied; a prerun left out stays.
    let r = api.put(&url, json!({"title": "Onboarding v3"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let again = r.json()["data"].clone();
    assert_eq!(again["users"], json!([]));
    assert_eq!(again["prerun"], changed["prerun"]);
    assert_eq!(again["folder_id"], "folder-1", "settings not sent stay");

    // An id the template does not have is refused.
    let r = api
        .put(
            &url,
            json!({"title": "x", "prerun": [{"id": "nope", "label": "x", "field_type": "text", "required": false}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors().keys().collect::<Vec<_>>(), ["prerun.0.id"]);

    // Archived: not found.
    assert_eq!(api.delete(&url).await.status, StatusCode::OK);
    let r = api.put(&url, json!({"title": "x"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api
        .put(
            &api.url("/checklists/0123456789abcdef0123456789abcdef"),
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn form_fields_are_the_kickoff_fields_and_every_steps_fields() {
    let api = start_workflow(2, 5, 0).await;
    let templates = api.templates().await;
    let live: Vec<&Value> = templates
        .iter()
        .filter(|t| t["archived_at"].is_null())
        .collect();
    let (mut kickoff, mut captures) = (0, 0);
    for t in &live {
        let tid = t["id"].as_str().unwrap();
        let r = api
            .get(&api.url(&format!("/checklists/{tid}/form-fields")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let d = r.json()["data"].clone();
        assert_eq!((&d["id"], &d["title"]), (&t["id"], &t["title"]));
        assert_eq!(d["ko_form_fields"], t["prerun"], "the kick-off form");
        let steps: Vec<Value> = t["steps"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["captures"].as_array().unwrap().clone())
            .collect();
        assert_eq!(
            d["form_fields"],
            Value::Array(steps),
            "every step's fields, in step order"
        );
        kickoff += d["ko_form_fields"].as_array().unwrap().len();
        captures += d["form_fields"].as_array().unwrap().len();
    }
    assert!(
        kickoff > 0 && captures > 0,
        "{kickoff} kick-off fields, {captures} step fields"
    );

    let tid = live[0]["id"].as_str().unwrap();
    assert_eq!(
        api.delete(&api.url(&format!("/checklists/{tid}")))
            .await
            .status,
        StatusCode::OK
    );
    for t in [tid, "0123456789abcdef0123456789abcdef"] {
        let r = api
            .get(&api.url(&format!("/checklists/{t}/form-fields")))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{t}");
    }
}
